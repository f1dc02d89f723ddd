"""Tests for rnnlib.sampling: determinism, prefix and length rules, greedy limits, the sampled
distribution itself, and every input error.  Models are tiny and built here; no data files."""
import numpy as np
import pytest

from rnnlib.core import lm
from rnnlib.errors import SamplingError, VocabularyError
from rnnlib.core.functional import softmax
from rnnlib.training.language_model import CharModel
from rnnlib.training.sampling import draw, mark_known, next_char_distribution, probabilities, sample_names
from rnnlib.data.chars import CharVocab

# A tiny corpus that still uses every letter, so its vocabulary is the dinosaur one.
CORPUS = "Aachenosaurus\nBrachiosaurus\nTyrannosaurus\nZuniceratops\nQuaesitosaurus\nJaxartosaurus\nVelociraptor\nWannanosaurus\nFukuivenator\nGigantspinosaurus\nYandusaurus\nKentrosaurus\nMicroraptor\n"


@pytest.fixture(scope="module")
def model():
    vocab = CharVocab.from_text(CORPUS.lower())  # '\n' + a..z as in the course
    assert len(vocab) == 27 and vocab.chars[0] == "\n"
    params = lm.init_parameters(len(vocab), 16, seed=3)
    # init_parameters zeroes the biases, which makes the first character exactly uniform (all
    # ties); random biases give every step a clear argmax, as a trained model would have.
    rng = np.random.default_rng(99)
    params["b"] = rng.normal(0, 1, params["b"].shape).astype(np.float32)
    params["by"] = rng.normal(0, 1, params["by"].shape).astype(np.float32)
    return CharModel(params, vocab)


def greedy(model, prefix="", max_length=50):
    """The argmax path, one name, computed directly with lm.step."""
    p, vocab = model.parameters, model.vocab
    a = np.zeros((p["Waa"].shape[0], 1), dtype=p["Waa"].dtype)
    logits, a = lm.step(p, np.array([-1]), a)
    for c in prefix:
        logits, a = lm.step(p, np.array([vocab.char_to_ix[c]]), a)
    name = prefix
    while len(name) < max_length:
        i = int(np.argmax(logits[:, 0]))
        if vocab.chars[i] == "\n":
            break
        name += vocab.chars[i]
        logits, a = lm.step(p, np.array([i]), a)
    return name


def test_same_seed_same_names(model):
    assert sample_names(model, n=20, seed=7) == sample_names(model, n=20, seed=7)


def test_rng_and_seed_agree_and_global_state_untouched(model):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    by_seed = sample_names(model, n=8, seed=11)
    by_rng = sample_names(model, n=8, rng=np.random.default_rng(11))
    assert by_seed == by_rng
    assert np.array_equal(np.random.get_state()[1], before)


def test_different_seeds_differ(model):
    assert sample_names(model, n=10, seed=0) != sample_names(model, n=10, seed=1)


def test_returns_n_names_without_newlines(model):
    names = sample_names(model, n=13, seed=0)
    assert len(names) == 13
    assert all(isinstance(s, str) and "\n" not in s for s in names)


def test_prefix_respected_and_lowercased(model):
    names = sample_names(model, n=25, prefix="Tyr", seed=2)
    assert all(s.startswith("tyr") for s in names)
    assert names == sample_names(model, n=25, prefix="tyr", seed=2)
    assert names != sample_names(model, n=25, prefix="", seed=2)


def test_uppercase_vocab_keeps_prefix_case():
    vocab = CharVocab.from_text("Ab\nab\n")
    m = CharModel(lm.init_parameters(len(vocab), 4, seed=0), vocab)
    assert all(s.startswith("A") for s in sample_names(m, n=5, prefix="A", seed=0))
    with pytest.raises(VocabularyError, match="B"):
        sample_names(m, prefix="B")


def test_max_length_respected(model):
    names = sample_names(model, n=200, max_length=3, seed=0)
    assert max(len(s) for s in names) <= 3
    assert any(len(s) == 3 for s in names)  # a nearly uniform model rarely stops this early
    names = sample_names(model, n=50, prefix="ab", max_length=3, seed=0)
    assert all(len(s) <= 3 and s.startswith("ab") for s in names)


def test_one_step_call_per_time_step(model, monkeypatch):
    calls = []
    real_step = lm.step

    def counting_step(parameters, ids, a_prev):
        calls.append(np.asarray(ids).shape)
        return real_step(parameters, ids, a_prev)

    monkeypatch.setattr(lm, "step", counting_step)
    sample_names(model, n=40, prefix="ab", max_length=10, seed=0)
    # start + 2 prefix characters + at most 7 drawn steps that need a next step
    assert len(calls) <= 1 + 2 + 7
    assert calls[0] == (40,)


@pytest.mark.parametrize("prefix", ["", "a", "brach"])
def test_top_k_1_is_greedy(model, prefix):
    expected = greedy(model, prefix, max_length=20)
    assert sample_names(model, n=6, top_k=1, prefix=prefix, max_length=20, seed=5) == [expected] * 6


def test_tiny_temperature_is_greedy(model):
    expected = greedy(model, "", max_length=20)
    assert sample_names(model, n=6, temperature=1e-6, max_length=20, seed=1) == [expected] * 6
    # an absurdly small temperature must not produce NaN probabilities
    assert sample_names(model, n=3, temperature=1e-300, max_length=20, seed=1) == [expected] * 3


def test_low_temperature_concentrates(model):
    p_hot = next_char_distribution(model, temperature=2.0)
    p_cold = next_char_distribution(model, temperature=0.2)
    assert p_cold.max() > next_char_distribution(model).max() > p_hot.max()
    assert np.argmax(p_cold) == np.argmax(p_hot)


def hand_model():
    """V=3 ('\\n', 'a', 'b'), n_a=2: after the start, a = tanh(b) and logits = Wya a + by."""
    vocab = CharVocab(["\n", "a", "b"])
    params = {
        "Wax": np.zeros((2, 3)),
        "Waa": np.zeros((2, 2)),
        "b": np.array([[0.8], [-0.4]]),
        "Wya": np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]]),
        "by": np.array([[0.1], [0.5], [0.2]]),
    }
    logits = params["Wya"] @ np.tanh(params["b"]) + params["by"]
    return CharModel(params, vocab), logits[:, 0]


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.5])
def test_first_character_frequencies(temperature):
    model, logits = hand_model()
    expected = np.exp(logits / temperature) / np.exp(logits / temperature).sum()
    N = 40000
    names = sample_names(model, n=N, temperature=temperature, max_length=1, seed=0)
    counts = np.array([names.count(""), names.count("a"), names.count("b")])
    assert counts.sum() == N
    sigma = np.sqrt(expected * (1 - expected) / N)
    assert np.all(np.abs(counts / N - expected) < 5 * sigma + 1e-3), (counts / N, expected)
    assert np.allclose(next_char_distribution(model, temperature=temperature), expected)


def test_top_k_frequencies():
    model, logits = hand_model()
    keep = np.argsort(logits)[1:]  # the two largest
    expected = np.zeros(3)
    expected[keep] = softmax(logits[keep])
    names = sample_names(model, n=20000, top_k=2, max_length=1, seed=4)
    counts = np.array([names.count(""), names.count("a"), names.count("b")])
    assert counts[np.argmin(logits)] == 0  # a zero-probability id is never drawn
    assert np.allclose(counts / 20000, expected, atol=0.015)
    assert np.allclose(next_char_distribution(model, top_k=2), expected)


class FixedUniform:
    """A stand-in Generator whose ``random(m)`` always returns the same value."""

    def __init__(self, u):
        self.u = u

    def random(self, m):
        return np.full(m, self.u)


def test_draw_never_selects_zero_probability_ids():
    # ids 0 and 3 are cut by top-k; they sit at both ends of the cumulative sum
    logits = np.array([[-5.0], [1.0], [0.5], [-7.0]]).repeat(1000, axis=1)
    p = probabilities(logits, top_k=2)
    assert np.all(p[[0, 3]] == 0)
    assert set(draw(p, np.random.default_rng(0)).tolist()) == {1, 2}
    assert set(draw(p, FixedUniform(0.0)).tolist()) == {1}  # u = 0 must not pick id 0
    short = p * (1 - 1e-9)  # round-off: the cumulative sum ends below u
    assert set(draw(short, FixedUniform(1 - 1e-12)).tolist()) == {2}  # not the cut id 3
    full = probabilities(np.zeros((4, 5)))
    assert set(draw(full * (1 - 1e-9), FixedUniform(1 - 1e-12)).tolist()) == {3}  # clipped to V-1


def test_next_char_distribution_after_prefix_matches_lm_step(model):
    p = next_char_distribution(model, prefix="di")
    ids = model.vocab.encode("di")
    a = np.zeros((16, 1), dtype=np.float32)
    logits, a = lm.step(model.parameters, np.array([-1]), a)
    for i in ids:
        logits, a = lm.step(model.parameters, np.array([i]), a)
    assert p.shape == (27,)
    assert np.allclose(p, softmax(logits.astype(np.float64))[:, 0])


def test_mark_known():
    known = ["Tyrannosaurus", "  Aardonyx  ", "Zuniceratops"]
    assert mark_known(["tyrannosaurus", "AARDONYX", "tyranno", "zuniceratopss", ""], known) == [
        True,
        True,
        False,
        False,
        False,
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"temperature": 0}, "temperature"),
        ({"temperature": -1}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
        ({"temperature": float("inf")}, "temperature"),
        ({"temperature": "hot"}, "temperature"),
        ({"top_k": 0}, "top_k"),
        ({"top_k": 28}, "top_k"),
        ({"top_k": 2.5}, "top_k"),
        ({"n": 0}, "n "),
        ({"n": -3}, "n "),
        ({"max_length": 0}, "max_length"),
        ({"max_length": 2, "prefix": "ab"}, "max_length"),
        ({"prefix": "ab\ncd"}, "newline"),
        ({"seed": 1, "rng": np.random.default_rng(1)}, "seed or rng"),
        ({"rng": 42}, "Generator"),
    ],
)
def test_bad_options_raise_sampling_error(model, kwargs, message):
    with pytest.raises(SamplingError, match=message):
        sample_names(model, **kwargs)


def test_unknown_prefix_characters_are_named(model):
    with pytest.raises(VocabularyError, match=r"'!', '1'"):
        sample_names(model, prefix="ab1!")
    with pytest.raises(VocabularyError):
        next_char_distribution(model, prefix="é")


def test_next_char_distribution_validates(model):
    with pytest.raises(SamplingError):
        next_char_distribution(model, temperature=0)
    with pytest.raises(SamplingError):
        next_char_distribution(model, top_k=0)


@pytest.mark.parametrize("cell,layers", [("lstm", 2), ("gru", 1)])
def test_gated_and_stacked_models_sample_greedily_like_a_step_by_step_decode(cell, layers):
    vocab = CharVocab.from_text("abc\n")
    params = lm.init_parameters(len(vocab), 6, seed=2, cell=cell, layers=layers, dtype=np.float64)
    params["by"] += np.random.default_rng(0).standard_normal(params["by"].shape)
    model = CharModel(params, vocab)
    names = sample_names(model, n=3, top_k=1, seed=0, max_length=8)
    state, ids, out = lm.zero_state(params, 1), np.array([-1]), ""
    for _ in range(8):
        logits, state = lm.step(params, ids, state)
        i = int(np.argmax(logits[:, 0]))
        if vocab.chars[i] == "\n":
            break
        out, ids = out + vocab.chars[i], np.array([i])
    assert names == [out] * 3


def _word_model():
    from rnnlib import RNNNumpy, WordVocab

    vocab = WordVocab.from_text("The cat sat. The dog ran.")
    return RNNNumpy(len(vocab), 4).to_language_model(vocab)


def test_a_word_model_is_refused_by_name_not_with_an_attribute_error():
    from rnnlib import generate_output
    from rnnlib.errors import VocabularyError

    for fn in (lambda m: sample_names(m), lambda m: next_char_distribution(m), lambda m: generate_output(model=m)):
        with pytest.raises(VocabularyError, match="word-level"):
            fn(_word_model())


@pytest.mark.parametrize("kwargs", [{"temperature": 0}, {"temperature": -1}, {"top_k": -1}, {"top_k": 99}])
def test_probabilities_checks_its_options(kwargs):
    with pytest.raises(SamplingError):
        probabilities(np.zeros((5, 2)), **kwargs)


def test_issue9_temperature_as_a_huge_python_int():
    """Long-run fuzz finding: probabilities(z, 10**30, k) raised numpy's isfinite TypeError."""
    import numpy as np
    from rnnlib.training.sampling import probabilities
    p = probabilities(np.random.default_rng(0).standard_normal((5, 2)), 10**30, 3)
    assert np.all(np.isfinite(p))
