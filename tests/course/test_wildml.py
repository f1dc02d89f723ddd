"""Tests for rnnlib.word_rnn: the tutorial's RNNNumpy on rnnlib's cell.

The forward pass and truncated BPTT are compared with reference loops written here from the
tutorial's description (one-hot vectors, one output at a time), the exact gradient with numerical
differences, and the training loop's learning-rate rule, sentence generation and model files with
what the docstrings promise."""
import json
import math

import numpy as np
import pytest

from rnnlib.core import lm
from rnnlib.errors import (
    ConfigError,
    ModelFileError,
    SamplingError,
    ShapeError,
    TrainingDiverged,
    VocabularyError,
)
from rnnlib.core.gradcheck import check_gradients
from rnnlib.training.model_files import load_model, save_model
from rnnlib.training.language_model import LanguageModel
from rnnlib.data.chars import CharVocab
from rnnlib.training.trainer import TrainConfig, train_sequences
from rnnlib.course.wildml import (
    GradientCheckFailed,
    RNNNumpy,
    generate_sentence,
    lm_pairs,
    perplexity,
    total_loss,
)
from rnnlib.data.words import SENTENCE_END, SENTENCE_START, UNKNOWN_TOKEN, WordVocab

# ----------------------------------------------------------------------------------------------
# Reference implementations (deliberately literal: one-hot vectors, one time step at a time)


def ref_forward(model, x):
    T, H, D = len(x), model.hidden_dim, model.word_dim
    s = np.zeros((T + 1, H))
    o = np.zeros((T, D))
    for t in range(T):
        one_hot = np.zeros(D)
        one_hot[x[t]] = 1.0
        s[t] = np.tanh(model.U @ one_hot + model.W @ s[t - 1])
        z = model.V @ s[t]
        o[t] = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    return o, s


def ref_truncated_bptt(model, x, y, truncate):
    """For every output t, send its error back through steps t, t-1, ..., max(0, t - truncate)."""
    o, s = ref_forward(model, x)
    dU, dV, dW = np.zeros(model.U.shape), np.zeros(model.V.shape), np.zeros(model.W.shape)
    for t in range(len(y) - 1, -1, -1):
        err = o[t].copy()
        err[y[t]] -= 1.0
        dV += np.outer(err, s[t])
        delta = (model.V.T @ err) * (1.0 - s[t] ** 2)
        for k in range(t, max(0, t - truncate) - 1, -1):
            dW += np.outer(delta, s[k - 1])
            dU[:, x[k]] += delta
            delta = (model.W.T @ delta) * (1.0 - s[k - 1] ** 2)
    return dU, dV, dW


def sentence_loss(model, x, y):
    o, _ = ref_forward(model, x)
    return -np.log(o[np.arange(len(y)), y]).sum()


def random_pair(rng, vocab_size, T):
    return rng.integers(0, vocab_size, T), rng.integers(0, vocab_size, T)


def scaled_model(word_dim=30, hidden_dim=8, bptt_truncate=None, seed=3, scale=4.0):
    """A model with weights large enough that every gradient entry matters."""
    model = RNNNumpy(word_dim, hidden_dim, bptt_truncate, seed=seed)
    model.W *= scale
    model.U *= scale * 3
    return model


# ----------------------------------------------------------------------------------------------
# Construction and forward pass


def test_shapes_and_initialisation():
    model = RNNNumpy(50, 7, seed=1)
    assert model.U.shape == (7, 50) and model.V.shape == (50, 7) and model.W.shape == (7, 7)
    assert (model.hidden_dim, model.word_dim, model.bptt_truncate) == (7, 50, 4)
    assert model.dtype == np.float64
    assert np.abs(model.U).max() <= 1 / np.sqrt(50) and np.abs(model.V).max() <= 1 / np.sqrt(7)
    same, other = RNNNumpy(50, 7, seed=1), RNNNumpy(50, 7, seed=2)
    assert np.array_equal(same.U, model.U) and not np.array_equal(other.U, model.U)
    assert RNNNumpy(50, 7, dtype=np.float32).V.dtype == np.float32


@pytest.mark.parametrize("kwargs", [
    {"word_dim": 1}, {"word_dim": 10, "hidden_dim": 0}, {"word_dim": 10, "bptt_truncate": -1},
    {"word_dim": 10, "bptt_truncate": 2.5}, {"word_dim": 10, "dtype": np.int32}, {"word_dim": 10.5},
    {"word_dim": None}, {"word_dim": "10"}, {"word_dim": 10, "dtype": "no such type"},
    {"word_dim": 10**6, "hidden_dim": 10**3},  # 2 x 10^9 elements: refused before allocating
])
def test_bad_construction(kwargs):
    with pytest.raises(ShapeError):
        RNNNumpy(**kwargs)


def test_integral_float_sizes_are_whole_numbers():
    # like every size in rnnlib (rnnlib.core.checks.check_int), 10.0 is the whole number 10
    model = RNNNumpy(10.0, 4.0)
    assert (model.word_dim, model.hidden_dim) == (10, 4) and model.U.shape == (4, 10)


@pytest.mark.parametrize("seed", [-1, 2.5, "0", float("nan")])
def test_bad_seed_is_a_config_error(seed):
    with pytest.raises(ConfigError, match="seed"):
        RNNNumpy(10, 4, seed=seed)


@pytest.mark.parametrize("x", [[[0, 1], [2]], "012", None, [0.5, 1.5], []])
def test_bad_sentences_are_refused_by_name(x):
    with pytest.raises((ShapeError, VocabularyError), match="x"):
        RNNNumpy(10, 4).predict(x)
    with pytest.raises((ShapeError, VocabularyError)):
        RNNNumpy(10, 4).calculate_loss([x], [[1, 2]])


def test_lists_of_sentences_must_be_lists():
    with pytest.raises(ShapeError, match="X must be a list"):
        RNNNumpy(10, 4).calculate_loss(np.int64(3), [[1]])
    with pytest.raises(ShapeError, match="learning_rate"):
        RNNNumpy(10, 4).sgd_step([0, 1], [1, 2], float("nan"))
    with pytest.raises(ShapeError, match="nepoch"):
        RNNNumpy(10, 4).train_with_sgd([[0, 1]], [[1, 2]], nepoch=None)


def test_model_and_vocab_conversions_name_what_is_wrong():
    with pytest.raises(ShapeError, match="LanguageModel"):
        RNNNumpy.from_language_model({"Wax": np.zeros((4, 10))})
    with pytest.raises(VocabularyError, match="WordVocab"):
        RNNNumpy(10, 4).to_language_model(None)
    with pytest.raises(VocabularyError, match="WordVocab"):
        RNNNumpy(10, 4).generate_sentence("not a vocabulary")


def test_forward_propagation_matches_the_one_hot_reference():
    model = RNNNumpy(40, 6, seed=0)
    model.U *= 5  # away from the near-linear regime
    x = np.array([0, 5, 5, 39, 12, 7, 1])
    o, s = model.forward_propagation(x)
    o_ref, s_ref = ref_forward(model, x)
    assert o.shape == (7, 40) and s.shape == (8, 6)
    assert np.all(s[-1] == 0)
    np.testing.assert_allclose(o, o_ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(s, s_ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(o.sum(axis=1), 1.0)
    assert np.array_equal(model.predict(x), np.argmax(o_ref, axis=1))


def test_parameters_view_is_rnnlib_lm_with_zero_biases():
    model = RNNNumpy(20, 5, seed=0)
    p = model.parameters
    assert p["Wax"] is model.U and p["Waa"] is model.W and p["Wya"] is model.V
    assert not p["b"].any() and not p["by"].any() and lm.describe(p) == ("rnn", 1, 5)
    x = np.array([3, 1, 4, 1, 5])
    o, s = model.forward_propagation(x)
    loss, count, cache = lm.forward(p, x[:, None], np.array([1, 4, 1, 5, 9])[:, None])
    np.testing.assert_allclose(lm.hidden_states(cache)[:, :, 0], s[:-1].T, rtol=1e-12)


@pytest.mark.parametrize("x, error", [
    ([], ShapeError), ([[1, 2]], ShapeError), ([0.5, 1.0], VocabularyError), ([0, 20], VocabularyError),
    ([-1, 2], VocabularyError),
])
def test_bad_sentences_are_refused(x, error):
    model = RNNNumpy(20, 4)
    with pytest.raises(error):
        model.forward_propagation(x)
    with pytest.raises(error):
        model.sgd_step(x, x, 0.1)


def test_mismatched_pairs_are_refused():
    model = RNNNumpy(20, 4)
    with pytest.raises(ShapeError, match="x has 3 words but y has 2"):
        model.bptt([1, 2, 3], [2, 3])
    with pytest.raises(ShapeError):
        model.calculate_loss([[1, 2]], [])


# ----------------------------------------------------------------------------------------------
# Loss


def test_total_and_mean_loss_agree_with_the_forward_pass():
    rng = np.random.default_rng(0)
    model = scaled_model(word_dim=25, seed=1)
    X = [rng.integers(0, 25, n) for n in (1, 4, 9, 2, 6)]
    Y = [rng.integers(0, 25, len(x)) for x in X]
    want = sum(sentence_loss(model, x, y) for x, y in zip(X, Y))
    assert model.calculate_total_loss(X, Y) == pytest.approx(want, rel=1e-12)
    assert model.calculate_loss(X, Y) == pytest.approx(want / 22, rel=1e-12)
    # batching does not change the sum
    assert total_loss(model.parameters, X, Y, max_columns=1)[0] == pytest.approx(want, rel=1e-12)
    assert total_loss(model.parameters, X, Y, max_columns=10_000) == (pytest.approx(want, rel=1e-12), 22)


def test_random_model_loss_is_close_to_log_vocabulary_size():
    rng = np.random.default_rng(1)
    vocab_size = 2000
    model = RNNNumpy(vocab_size, 50, seed=0)
    X = [rng.integers(0, vocab_size, n) for n in rng.integers(3, 30, 40)]
    Y = [rng.integers(0, vocab_size, len(x)) for x in X]
    assert abs(model.calculate_loss(X, Y) - math.log(vocab_size)) < 0.02
    assert abs(math.log(perplexity(model.parameters, X, Y)) - math.log(vocab_size)) < 0.02


# ----------------------------------------------------------------------------------------------
# Backpropagation through time


@pytest.mark.parametrize("bptt_truncate", [None, 1000])
def test_exact_bptt_matches_numerical_gradients(bptt_truncate):
    rng = np.random.default_rng(2)
    model = scaled_model(bptt_truncate=bptt_truncate)
    x, y = random_pair(rng, 30, 9)
    x[3] = x[6]  # a repeated word: U's column collects both steps
    dU, dV, dW = model.bptt(x, y)
    errors = check_gradients(lambda: sentence_loss(model, x, y), {"U": model.U, "V": model.V, "W": model.W},
                             {"U": dU, "V": dV, "W": dW}, h=1e-5, measure="norm")
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("truncate", [0, 1, 2, 4, 7])
def test_truncated_bptt_matches_the_tutorial_loop(truncate):
    rng = np.random.default_rng(3)
    model = scaled_model(bptt_truncate=truncate)
    x, y = random_pair(rng, 30, 9)
    x[2] = x[5] = x[8]
    for got, want in zip(model.bptt(x, y), ref_truncated_bptt(model, x, y, truncate)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13)


def test_truncation_changes_the_gradient_only_when_it_binds():
    rng = np.random.default_rng(4)
    x, y = random_pair(rng, 30, 6)
    exact = scaled_model(bptt_truncate=None).bptt(x, y)
    assert not np.allclose(scaled_model(bptt_truncate=2).bptt(x, y)[2], exact[2])
    for truncate in (5, 6, 100):  # >= T - 1: nothing is cut off
        for got, want in zip(scaled_model(bptt_truncate=truncate).bptt(x, y), exact):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    # dV never depends on the truncation
    np.testing.assert_allclose(scaled_model(bptt_truncate=0).bptt(x, y)[1], exact[1], rtol=1e-12)


def test_gradient_check_passes_like_the_tutorial():
    model = RNNNumpy(100, 10, bptt_truncate=1000, seed=10)
    errors = model.gradient_check([0, 1, 2, 3], [1, 2, 3, 4])
    assert set(errors) == {"U", "V", "W"} and max(errors.values()) < 1e-4


def test_gradient_check_is_verbose_only_on_request(capsys):
    model = RNNNumpy(20, 4, bptt_truncate=None, seed=0)
    model.gradient_check([0, 1, 2], [1, 2, 3])
    assert capsys.readouterr().out == ""
    model.gradient_check([0, 1, 2], [1, 2, 3], verbose=True)
    assert capsys.readouterr().out.count("largest relative error") == 3


def test_gradient_check_fails_on_binding_truncation_with_a_hint():
    model = scaled_model(bptt_truncate=1)
    with pytest.raises(GradientCheckFailed, match="bptt_truncate=1 < len"):
        model.gradient_check(np.arange(8), np.arange(1, 9))


def test_gradient_check_catches_a_wrong_backward(monkeypatch):
    model = RNNNumpy(20, 4, bptt_truncate=None, seed=0)
    real = RNNNumpy.bptt

    def broken(self, x, y):
        dU, dV, dW = real(self, x, y)
        return dU, dV, dW * 1.1

    monkeypatch.setattr(RNNNumpy, "bptt", broken)
    with pytest.raises(GradientCheckFailed, match=r"for W\(") as info:
        model.gradient_check([0, 1, 2, 3], [1, 2, 3, 4])
    assert isinstance(info.value, AssertionError)


def test_gradient_check_leaves_the_model_alone_and_handles_float32():
    model = RNNNumpy(20, 4, bptt_truncate=None, seed=0, dtype=np.float32)
    before = [a.copy() for a in (model.U, model.V, model.W)]
    assert max(model.gradient_check([0, 1, 2], [1, 2, 3]).values()) < 1e-4
    assert all(np.array_equal(a, b) for a, b in zip(before, (model.U, model.V, model.W)))


def test_sgd_step_is_a_gradient_step_touching_only_the_sentences_columns():
    rng = np.random.default_rng(5)
    model = scaled_model(bptt_truncate=3)
    x, y = random_pair(rng, 30, 7)
    x[1] = x[4]
    dU, dV, dW = model.bptt(x, y)
    U, V, W = model.U.copy(), model.V.copy(), model.W.copy()
    model.sgd_step(x, y, 0.1)
    np.testing.assert_allclose(model.U, U - 0.1 * dU, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.V, V - 0.1 * dV, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.W, W - 0.1 * dW, rtol=1e-12, atol=1e-15)
    untouched = np.setdiff1d(np.arange(30), x)
    assert np.array_equal(model.U[:, untouched], U[:, untouched])


def test_float32_step_stays_float32_and_close_to_float64():
    rng = np.random.default_rng(6)
    x, y = random_pair(rng, 30, 7)
    m64, m32 = RNNNumpy(30, 8, seed=0), RNNNumpy(30, 8, seed=0, dtype=np.float32)
    m64.sgd_step(x, y, 0.05)
    m32.sgd_step(x, y, 0.05)
    assert m32.V.dtype == m32.U.dtype == m32.W.dtype == np.float32
    np.testing.assert_allclose(m32.V, m64.V, atol=1e-5)


# ----------------------------------------------------------------------------------------------
# Training with SGD


def tiny_data(rng, vocab_size=12, n=20):
    X = [rng.integers(0, vocab_size, rng.integers(2, 8)) for _ in range(n)]
    return X, [np.roll(x, -1) for x in X]


def test_train_with_sgd_learns_and_records_history():
    rng = np.random.default_rng(7)
    X, Y = tiny_data(rng)
    model = RNNNumpy(12, 10, seed=0)
    history = model.train_with_sgd(X, Y, learning_rate=0.05, nepoch=6, evaluate_loss_after=2)
    assert history.epoch == [0, 2, 4, 6]
    assert history.examples_seen == [0, 40, 80, 120]
    assert history.loss[0] == pytest.approx(math.log(12), abs=0.05)
    assert history.loss[-1] < history.loss[0] - 0.2
    assert history.loss[-1] == pytest.approx(model.calculate_loss(X, Y))


def test_learning_rate_is_halved_whenever_the_loss_goes_up(monkeypatch):
    rng = np.random.default_rng(8)
    X, Y = tiny_data(rng, n=3)
    model = RNNNumpy(12, 4, seed=0)
    scripted = iter([5.0, 4.0, 4.5, 3.0, 3.5, 3.6, 3.6])
    used = []
    monkeypatch.setattr(model, "calculate_loss", lambda X, Y: next(scripted))
    monkeypatch.setattr(model, "sgd_step", lambda x, y, lr: used.append(lr))
    history = model.train_with_sgd(X, Y, learning_rate=0.8, nepoch=6, evaluate_loss_after=1)
    assert history.loss == [5.0, 4.0, 4.5, 3.0, 3.5, 3.6, 3.6]
    assert history.halved == [False, False, True, False, True, True, False]  # equal is not "up"
    assert history.learning_rate == [0.8, 0.8, 0.4, 0.4, 0.2, 0.1, 0.1]
    assert used == [0.8] * 3 + [0.8] * 3 + [0.4] * 3 + [0.4] * 3 + [0.2] * 3 + [0.1] * 3


def test_train_with_sgd_refuses_bad_settings_and_reports_divergence(monkeypatch):
    rng = np.random.default_rng(9)
    X, Y = tiny_data(rng, n=3)
    model = RNNNumpy(12, 4, seed=0)
    for kwargs in ({"learning_rate": 0}, {"learning_rate": float("nan")}, {"nepoch": -1}, {"evaluate_loss_after": 0}):
        with pytest.raises(ShapeError):
            model.train_with_sgd(X, Y, **kwargs)
    monkeypatch.setattr(model, "calculate_loss", lambda X, Y: float("nan"))
    with pytest.raises(TrainingDiverged):
        model.train_with_sgd(X, Y, nepoch=1)


# ----------------------------------------------------------------------------------------------
# Generating sentences

VOCAB = WordVocab([SENTENCE_START, SENTENCE_END, UNKNOWN_TOKEN, "a", "b", "c"])


def fixed_distribution_model(probabilities):
    """A model whose next-word distribution is ``probabilities`` at every step: W = 0 and every
    column of U is 1, so the state is always tanh(1); V's column turns it into log-probabilities."""
    model = RNNNumpy(len(probabilities), 1, seed=0)
    model.W[:] = 0.0
    model.U[:] = 1.0
    model.V[:, 0] = np.log(np.asarray(probabilities, float) + 1e-300) / np.tanh(1.0)
    return model


def test_generated_sentences_never_contain_unknown_or_markers_and_respect_min_length():
    # UNKNOWN is by far the most likely word; the tutorial draws again whenever it comes up
    model = fixed_distribution_model([0.0, 0.02, 0.9, 0.03, 0.03, 0.02])
    rng = np.random.default_rng(0)
    for _ in range(20):
        words = model.generate_sentence(VOCAB, rng, max_tries=1000)
        assert len(words) >= 7
        assert set(words) <= {"a", "b", "c"}


def test_generation_stops_at_sentence_end_and_is_reproducible():
    model = fixed_distribution_model([0.0, 0.2, 0.0, 0.8, 0.0, 0.0])
    words = model.generate_sentence(VOCAB, 5, min_length=0)
    assert set(words) <= {"a"}
    assert model.generate_sentence(VOCAB, 5, min_length=0) == words
    lengths = {len(model.generate_sentence(VOCAB, seed, min_length=0)) for seed in range(30)}
    assert len(lengths) > 3  # it really stops at random points


def test_short_sentences_are_thrown_away_until_one_is_long_enough():
    # P(at least 7 words) = 0.5 ** 7: about 1 try in 128 succeeds
    model = fixed_distribution_model([0.0, 0.5, 0.0, 0.5, 0.0, 0.0])
    words = model.generate_sentence(VOCAB, np.random.default_rng(1), min_length=7, max_tries=5000)
    assert words == ["a"] * len(words) and len(words) >= 7


def test_generation_gives_up_after_max_tries():
    always_end = fixed_distribution_model([0.0, 0.999, 0.0, 0.001, 0.0, 0.0])
    with pytest.raises(SamplingError, match="in 5 tries"):
        always_end.generate_sentence(VOCAB, 0, max_tries=5)
    never_end = fixed_distribution_model([0.0, 0.0, 0.0, 0.5, 0.5, 0.0])
    with pytest.raises(SamplingError):
        never_end.generate_sentence(VOCAB, 0, max_length=20, max_tries=3)


def test_generation_refuses_bad_settings():
    model = fixed_distribution_model([0.0, 0.5, 0.0, 0.5, 0.0, 0.0])
    with pytest.raises(SamplingError):
        model.generate_sentence(VOCAB, 0, min_length=9, max_length=8)
    with pytest.raises(SamplingError):
        model.generate_sentence(VOCAB, 0, max_tries=0)
    with pytest.raises(VocabularyError):
        RNNNumpy(7, 3).generate_sentence(VOCAB, 0)


# ----------------------------------------------------------------------------------------------
# Model files with a WordVocab, and the fast trainer on words


def test_word_model_save_load_round_trip(tmp_path):
    vocab = WordVocab.build([["the", "cat", "sat"], ["the", "dog", "ran", "!"]], size=100)
    model = RNNNumpy(len(vocab), 5, bptt_truncate=3, seed=4)
    path = save_model(model.to_language_model(vocab, {"corpus": "made-up"}), tmp_path / "words.npz")
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
    assert meta["vocab_kind"] == "words" and meta["tokens"] == vocab.tokens and "chars" not in meta
    loaded = load_model(path, expect_vocab=vocab)
    assert isinstance(loaded.vocab, WordVocab) and loaded.vocab == vocab
    assert loaded.config == {"model": "RNNNumpy", "bptt_truncate": 3, "corpus": "made-up"}
    back = RNNNumpy.from_language_model(loaded)
    assert back.bptt_truncate == 3
    for name in "UVW":
        assert getattr(back, name).tobytes() == getattr(model, name).tobytes()
    x = vocab.encode("the cat ran")
    np.testing.assert_array_equal(back.forward_propagation(x)[0], model.forward_propagation(x)[0])


def test_char_model_files_keep_their_format(tmp_path):
    vocab = CharVocab("\nab")
    params = lm.init_parameters(3, 4)
    path = save_model(LanguageModel(params, vocab, {}), tmp_path / "chars.npz")
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
    assert list(meta) == ["format", "version", "chars", "config"]
    assert load_model(path).vocab == vocab


def test_word_model_files_refuse_wrong_or_broken_vocabularies(tmp_path):
    vocab = WordVocab.build([["the", "cat"]], size=100)
    path = save_model(RNNNumpy(len(vocab), 3).to_language_model(vocab), tmp_path / "w.npz")
    with pytest.raises(ModelFileError, match="WordVocab"):
        load_model(path, expect_vocab=WordVocab(vocab.tokens[:3] + ["the", "cat"]))
    with np.load(path, allow_pickle=False) as archive:
        files = {k: archive[k] for k in archive.files}
    meta = json.loads(str(files["meta"]))
    for change, words in (({"vocab_kind": "bytes"}, "unknown vocabulary kind"), ({"tokens": "abc"}, "bad vocabulary"),
                          ({"tokens": ["x", "y", "z", "w"]}, "bad vocabulary"), ({"lower": "yes"}, "bad vocabulary")):
        broken = tmp_path / "broken.npz"
        np.savez(broken, **{**files, "meta": np.array(json.dumps({**meta, **change}))})
        with pytest.raises(ModelFileError, match=words):
            load_model(broken)


def test_from_language_model_refuses_models_with_biases():
    params = lm.init_parameters(6, 3)
    params["by"][:] = 0.5
    with pytest.raises(ShapeError, match="non-zero biases"):
        RNNNumpy.from_language_model(LanguageModel(params, VOCAB, {}))
    with pytest.raises(VocabularyError):
        RNNNumpy(7, 3).to_language_model(VOCAB)


def test_fast_trainer_on_words_and_held_out_perplexity(tmp_path):
    sentences = [["a", "b", "c"], ["b", "c"], ["a", "b", "c", "a"], ["c", "a", "b"]] * 8
    vocab = WordVocab.build(sentences, size=10)
    seqs = [vocab.encode(s) for s in sentences]
    config = TrainConfig(hidden_size=8, batch_size=8, steps=60, eval_every=20, learning_rate=0.05, seed=0)
    model, history = train_sequences(seqs[:24], seqs[24:], vocab, vocab.end_id, config, progress=False)
    X, Y = lm_pairs(seqs[24:], vocab.end_id)
    assert X[0][0] == -1 and Y[0][-1] == vocab.end_id and len(X[0]) == len(seqs[24]) + 1
    ppl = perplexity(model.parameters, X, Y)
    assert ppl == pytest.approx(math.exp(history.best_val_loss), rel=1e-5)
    assert ppl < 3.0  # far below the 6 tokens a guess would spread over
    loaded = load_model(save_model(model, tmp_path / "fast.npz"))
    assert loaded.vocab == vocab
    words = generate_sentence(loaded.parameters, vocab, 0, min_length=2)
    assert set(words) <= {"a", "b", "c"}


def test_gradient_check_fails_on_nan():
    model = RNNNumpy(6, 3, bptt_truncate=None)
    model.V[0, 0] = np.nan
    with np.errstate(all="ignore"), pytest.raises(GradientCheckFailed):
        model.gradient_check(np.array([0, 1]), np.array([1, 2]))


def test_issue9_lm_pairs_refuses_bad_sequences():
    """Fuzz findings: lm_pairs on a float or a 2-D sequence raised TypeError/ValueError."""
    import numpy as np
    import pytest
    from rnnlib.course.wildml import lm_pairs
    from rnnlib.errors import CorpusError, VocabularyError
    with pytest.raises(VocabularyError, match="integer ids"):
        lm_pairs([np.float64(2.0)], 1)
    with pytest.raises(VocabularyError, match="flat"):
        lm_pairs([np.array([[3, 4]])], 1)
    with pytest.raises(CorpusError, match="list"):
        lm_pairs(None, 1)
    with pytest.raises(VocabularyError, match="end_id"):
        lm_pairs([np.array([3])], "1")


def test_issue9_perplexity_refuses_bad_pairs():
    """Fuzz findings: perplexity with a float for X raised TypeError, with no targets ZeroDivisionError."""
    import numpy as np
    import pytest
    from rnnlib import RNNNumpy, WordVocab
    from rnnlib.course.wildml import perplexity
    from rnnlib.errors import CorpusError, ShapeError, VocabularyError
    v = WordVocab.from_text("The cat sat. The dog ran!")
    p = RNNNumpy(len(v), 4, seed=0).to_language_model(v).parameters
    with pytest.raises(ShapeError, match="X must be a list"):
        perplexity(p, np.float64(1.0), [np.array([1])])
    with pytest.raises(VocabularyError, match="whole-number ids"):
        perplexity(p, [np.array(["a"])], [np.array([1])])
    with pytest.raises(CorpusError, match="no target"):
        perplexity(p, [], [])
