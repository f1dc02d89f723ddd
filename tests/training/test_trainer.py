"""Tests for rnnlib.training.trainer: it learns, keeps the best model (in memory and on disk), is repeatable,
honours its settings, survives Ctrl-C and refuses divergence and bad input with rnnlib errors.
The corpus is 40 distinct made-up names built from five syllables, so a tiny RNN learns it in a few dozen
steps."""
import itertools
import math

import numpy as np
import pytest

import rnnlib.training.trainer
from rnnlib.core import lm
from rnnlib.errors import ConfigError, CorpusError, TrainingDiverged, VocabularyError
from rnnlib.training.model_files import load_model
from rnnlib.training.language_model import CharModel
from rnnlib.data.chars import CharVocab, names_to_batch
from rnnlib.training.trainer import History, TrainConfig, evaluate, train

SYLLABLES = ["ba", "ko", "ri", "tu", "me"]
NAMES = ["".join(p) + "x" for p in itertools.product(SYLLABLES, repeat=3)][::3][:40]  # 40 distinct
TRAIN, VAL = NAMES[:32], NAMES[32:]


def small(**overrides):
    settings = dict(hidden_size=12, batch_size=8, steps=40, eval_every=10, learning_rate=0.02, seed=0)
    settings.update(overrides)
    return TrainConfig(**settings)


def run(config=None, train_names=TRAIN, val_names=VAL, **kwargs):
    return train(train_names, val_names, config or small(), progress=False, **kwargs)


def val_loss_of(model, val_names=VAL):
    return evaluate(model.parameters, *names_to_batch(val_names, model.vocab))


def same_parameters(a, b):
    return set(a) == set(b) and all(a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes() for k in a)


@pytest.fixture(scope="module")
def trained():
    return run(small(steps=60))


# ----------------------------------------------------------------------------------------------
# Learning and bookkeeping


def test_validation_loss_goes_down(trained):
    model, history = trained
    assert isinstance(model, CharModel) and isinstance(history, History)
    assert history.val_loss[-1] < 0.7 * history.val_loss[0]
    assert history.train_loss[-1] < history.train_loss[0]
    # Better than guessing uniformly among the vocabulary.
    assert history.best_val_loss < math.log(len(model.vocab)) * 0.5
    assert not history.interrupted


def test_history_is_consistent(trained):
    model, history = trained
    n = len(history.step)
    assert n == 6
    assert len(history.train_loss) == len(history.val_loss) == len(history.seconds) == n
    assert history.step == [10, 20, 30, 40, 50, 60]
    assert all(np.isfinite(history.train_loss)) and all(np.isfinite(history.val_loss))
    assert all(b >= a for a, b in zip(history.seconds, history.seconds[1:]))
    assert history.best_val_loss == min(history.val_loss)
    assert history.best_step == history.step[int(np.argmin(history.val_loss))]


def test_last_step_is_always_evaluated():
    _, history = run(small(steps=25))
    assert history.step == [10, 20, 25]


def test_returned_model_is_the_best(trained):
    model, history = trained
    assert val_loss_of(model) == pytest.approx(history.best_val_loss, rel=1e-6, abs=0)
    assert model.config["best_step"] == history.best_step
    assert model.config["best_val_loss"] == history.best_val_loss


def test_returned_model_is_the_best_when_validation_gets_worse(monkeypatch, tmp_path):
    """Script the validation losses so the best comes in the middle; the model (and the checkpoint)
    must be the parameters of that evaluation, not the last ones."""
    scripted = iter([3.0, 1.0, 2.0, 4.0])
    snapshots = []

    def fake_evaluate(parameters, X, Y):
        snapshots.append({k: v.copy() for k, v in parameters.items()})
        return next(scripted)

    monkeypatch.setattr(rnnlib.training.trainer, "evaluate", fake_evaluate)
    ckpt = tmp_path / "best.npz"
    model, history = run(small(steps=40), checkpoint=ckpt)
    assert history.val_loss == [3.0, 1.0, 2.0, 4.0]
    assert history.best_step == 20 and history.best_val_loss == 1.0
    assert same_parameters(model.parameters, snapshots[1])
    assert not same_parameters(model.parameters, snapshots[3])
    assert same_parameters(load_model(ckpt).parameters, snapshots[1])


def test_model_config_records_the_run(trained):
    model, _ = trained
    cfg = model.config
    assert cfg["cell"] == "rnn"
    assert cfg["n_train"] == len(TRAIN) and cfg["n_val"] == len(VAL)
    assert cfg["train"]["hidden_size"] == 12 and cfg["train"]["steps"] == 60
    assert model.hidden_size == 12
    assert model.vocab.chars[0] == "\n"
    assert set("".join(NAMES)) <= set(model.vocab.chars)


def test_without_validation_names_the_last_model_is_kept():
    model, history = run(small(steps=30), val_names=[])
    assert history.step == [10, 20, 30]
    assert all(math.isnan(v) for v in history.val_loss)
    assert history.best_step == 30
    assert model.config["n_val"] == 0


def test_explicit_vocab_is_used():
    vocab = CharVocab("\nabcdefghijklmnopqrstuvwxyz")
    model, _ = run(small(steps=10), vocab=vocab)
    assert model.vocab == vocab
    assert model.parameters["Wax"].shape == (12, 27)


# ----------------------------------------------------------------------------------------------
# Repeatability and dtype


def test_same_seed_same_result():
    a, ha = run(small(steps=20))
    b, hb = run(small(steps=20))
    assert same_parameters(a.parameters, b.parameters)
    assert ha.val_loss == hb.val_loss and ha.train_loss == hb.train_loss


def test_different_seed_different_result():
    a, _ = run(small(steps=20, seed=0))
    b, _ = run(small(steps=20, seed=1))
    assert not same_parameters(a.parameters, b.parameters)


def test_training_does_not_touch_global_random_state():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    run(small(steps=10))
    assert np.random.random() == expected


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_honoured(dtype):
    model, history = run(small(steps=20, dtype=dtype))
    assert model.dtype == np.dtype(dtype)
    assert all(v.dtype == np.dtype(dtype) for v in model.parameters.values())
    assert model.config["train"]["dtype"] == dtype
    assert all(isinstance(v, float) for v in history.val_loss + history.train_loss)


def test_float32_and_float64_learn_alike():
    _, h32 = run(small(steps=30, dtype="float32"))
    _, h64 = run(small(steps=30, dtype="float64"))
    assert h32.val_loss[-1] == pytest.approx(h64.val_loss[-1], rel=0.05)


# ----------------------------------------------------------------------------------------------
# Optimizers and clipping


def test_sgd_learns():
    _, history = run(small(steps=60, optimizer="sgd", learning_rate=0.5))
    assert history.val_loss[-1] < 0.75 * history.val_loss[0]


@pytest.mark.parametrize("clip", ["norm", "none", "value"])
def test_clip_modes_run_and_learn(clip):
    model, history = run(small(steps=40, clip=clip, clip_threshold=1.0))
    assert all(np.isfinite(history.val_loss))
    assert history.val_loss[-1] < history.val_loss[0]
    assert model.config["train"]["clip"] == clip


def test_clip_modes_change_the_updates():
    """With a small threshold each clipping mode changes training; 'none' ignores the threshold."""
    cfg = dict(steps=10, clip_threshold=0.01)
    models = {c: run(small(clip=c, **cfg))[0] for c in ("none", "value", "norm")}
    assert not same_parameters(models["none"].parameters, models["value"].parameters)
    assert not same_parameters(models["none"].parameters, models["norm"].parameters)
    assert not same_parameters(models["value"].parameters, models["norm"].parameters)
    loose = run(small(clip="none", steps=10, clip_threshold=1e6))[0]
    assert same_parameters(models["none"].parameters, loose.parameters)


# ----------------------------------------------------------------------------------------------
# Checkpoints, Ctrl-C and divergence


def test_checkpoint_holds_the_best_model(tmp_path):
    ckpt = tmp_path / "runs" / "best.npz"
    model, history = run(small(steps=40), checkpoint=ckpt)
    assert ckpt.is_file()
    saved = load_model(ckpt, expect_vocab=model.vocab)
    assert same_parameters(saved.parameters, model.parameters)
    assert saved.config["best_step"] == history.best_step
    assert saved.config["best_val_loss"] == pytest.approx(history.best_val_loss)
    assert sorted(p.name for p in ckpt.parent.iterdir()) == ["best.npz"]


def test_keyboard_interrupt_in_callback_returns_what_it_has(tmp_path):
    ckpt = tmp_path / "best.npz"
    calls = []

    def on_eval(history):
        calls.append(list(history.step))
        if len(calls) == 2:
            raise KeyboardInterrupt

    model, history = run(small(steps=100), checkpoint=ckpt, on_eval=on_eval)
    assert history.interrupted
    assert calls == [[10], [10, 20]]
    assert history.step == [10, 20]
    assert history.best_step in (10, 20)
    saved = load_model(ckpt)
    assert same_parameters(saved.parameters, model.parameters)
    assert val_loss_of(saved) == pytest.approx(history.best_val_loss, rel=1e-6)


def test_keyboard_interrupt_mid_step(monkeypatch, tmp_path):
    """Ctrl-C inside a training step (not at an evaluation) also returns the best model so far."""
    real_forward = lm.forward
    count = {"n": 0}

    def forward(parameters, X, Y, a0=None, **kwargs):
        count["n"] += 1
        if count["n"] == 15:  # steps 1-10, the evaluation at 10, steps 11-13, then step 14
            raise KeyboardInterrupt
        return real_forward(parameters, X, Y, a0, **kwargs)

    monkeypatch.setattr(rnnlib.training.trainer.lm, "forward", forward)
    ckpt = tmp_path / "best.npz"
    model, history = run(small(steps=40), checkpoint=ckpt)
    monkeypatch.undo()
    assert history.interrupted and history.step == [10] and history.best_step == 10
    assert same_parameters(load_model(ckpt).parameters, model.parameters)


def test_nan_loss_raises_and_keeps_checkpoint(monkeypatch, tmp_path):
    real_forward = lm.forward
    count = {"n": 0}

    def forward(parameters, X, Y, a0=None, **kwargs):
        count["n"] += 1
        loss_sum, n, cache = real_forward(parameters, X, Y, a0, **kwargs)
        if count["n"] >= 13:  # steps 1-10 and the evaluation at step 10 are real; step 11 is call 12
            return float("nan"), n, cache
        return loss_sum, n, cache

    monkeypatch.setattr(rnnlib.training.trainer.lm, "forward", forward)
    ckpt = tmp_path / "best.npz"
    with pytest.raises(TrainingDiverged) as info:
        run(small(steps=40), checkpoint=ckpt)
    monkeypatch.undo()
    message = str(info.value)
    assert "nan" in message and "step 12" in message
    assert "learning_rate" in message and str(ckpt) in message
    saved = load_model(ckpt)
    assert saved.config["best_step"] == 10
    assert val_loss_of(saved) == pytest.approx(saved.config["best_val_loss"], rel=1e-6)


def test_huge_learning_rate_diverges(tmp_path):
    ckpt = tmp_path / "best.npz"
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="learning_rate"):
        run(small(steps=200, eval_every=1, learning_rate=1e6, clip="none", optimizer="sgd"), checkpoint=ckpt)
    if ckpt.exists():  # written before the blow-up: still a valid model file
        load_model(ckpt)


def test_training_diverged_is_a_runtime_error():
    assert issubclass(TrainingDiverged, RuntimeError)


# ----------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    "setting, value",
    [
        ("hidden_size", 0),
        ("batch_size", 0),
        ("steps", 0),
        ("eval_every", 0),
        ("optimizer", "rmsprop"),
        ("clip", "foo"),
        ("learning_rate", 0),
        ("learning_rate", -0.1),
        ("learning_rate", float("nan")),
        ("learning_rate", float("inf")),
        ("clip_threshold", 0),
        ("dtype", "float16"),
    ],
)
def test_bad_setting_is_named(setting, value):
    config = small(**{setting: value})
    with pytest.raises(ConfigError, match=setting):
        config.check()
    with pytest.raises(ConfigError, match=setting):
        run(config)


def test_all_bad_settings_are_listed():
    with pytest.raises(ConfigError) as info:
        TrainConfig(hidden_size=0, optimizer="rmsprop").check()
    assert "hidden_size" in str(info.value) and "optimizer" in str(info.value)


def test_clip_threshold_is_ignored_without_clipping():
    small(clip="none", clip_threshold=0).check()


def test_default_config_is_valid():
    TrainConfig().check()


def test_empty_training_names():
    with pytest.raises(CorpusError, match="no training names"):
        run(train_names=[])


def test_val_char_missing_from_given_vocab():
    vocab = CharVocab(sorted(set("".join(TRAIN) + "\n")))
    with pytest.raises(VocabularyError, match="q"):
        run(small(steps=5), val_names=["baqx"], vocab=vocab)


def test_train_char_missing_from_given_vocab():
    vocab = CharVocab("\nabkmoirtu")  # no 'e' or 'x'
    with pytest.raises(VocabularyError):
        run(small(steps=5), vocab=vocab)


def test_vocab_without_newline():
    vocab = CharVocab(sorted(set("".join(NAMES))))
    with pytest.raises(VocabularyError):
        run(small(steps=5), vocab=vocab)


# ----------------------------------------------------------------------------------------------
# Cell types, stacking, dropout, and the stream (truncated BPTT) trainer


@pytest.mark.parametrize("cell,layers,dropout", [("gru", 1, 0.0), ("lstm", 2, 0.2), ("rnn", 2, 0.1)])
def test_every_cell_type_and_stack_learns(cell, layers, dropout):
    untrained = lm.init_parameters(len(CharVocab.from_text("".join(NAMES) + "\n")), 12, cell=cell, layers=layers)
    model, history = run(small(cell=cell, layers=layers, dropout=dropout, steps=60))
    assert (model.cell, model.layers) == (cell, layers)
    assert model.config["cell"] == cell and model.config["layers"] == layers
    before = evaluate(untrained, *names_to_batch(VAL, model.vocab))
    assert history.best_val_loss < before - 0.3


def test_checkpoint_records_the_cell_type(tmp_path):
    ckpt = tmp_path / "lstm.npz"
    run(small(cell="lstm", steps=20), checkpoint=ckpt)
    back = load_model(ckpt)
    assert back.cell == "lstm" and back.config["train"]["cell"] == "lstm"


@pytest.mark.parametrize("setting,value", [("cell", "transformer"), ("layers", 0), ("dropout", 1.0),
                                           ("dropout", -0.1), ("seq_length", 0)])
def test_bad_architecture_settings(setting, value):
    with pytest.raises(ConfigError, match=setting):
        small(**{setting: value}).check()


TEXT = "the cat sat on the mat. the dog sat on the log. " * 40


def test_stream_training_learns_a_long_text_and_carries_state():
    vocab = CharVocab.from_text(TEXT)
    ids = vocab.encode(TEXT)
    split = int(len(ids) * 0.9)
    config = TrainConfig(hidden_size=16, batch_size=4, seq_length=20, steps=120, eval_every=30,
                         learning_rate=0.02, cell="lstm", seed=0)
    model, history = rnnlib.training.trainer.train_stream(ids[:split], ids[split:], vocab, config, progress=False)
    assert history.best_val_loss < np.log(len(vocab)) - 1.0  # far below a uniform guess
    assert model.config["stream"] is True


def test_stream_batches_are_contiguous_and_wrap_to_a_new_epoch(monkeypatch):
    """Record what the stream trainer feeds lm.forward: consecutive chunks continue each stream,
    the state of one chunk is the final state of the previous, and an epoch restarts from zero."""
    seen = []
    real_forward = lm.forward

    def forward(parameters, X, Y, state=None, **kwargs):
        result = real_forward(parameters, X, Y, state, **kwargs)
        seen.append((X.copy(), Y.copy(), state, lm.final_state(result[2])))
        return result

    monkeypatch.setattr(lm, "forward", forward)
    ids = np.arange(3 * 11) % 5  # 3 streams of 11 ids -> 2 chunks of 5 per epoch
    config = TrainConfig(hidden_size=4, batch_size=3, seq_length=5, steps=3, eval_every=100, seed=0)
    rnnlib.training.trainer.train_stream(ids, [], CharVocab("abcde"), config, progress=False)
    (X1, Y1, s1, f1), (X2, Y2, s2, f2), (X3, Y3, s3, f3) = seen[:3]
    streams = ids.reshape(3, 11).T
    np.testing.assert_array_equal(X1, streams[0:5])
    np.testing.assert_array_equal(Y1, streams[1:6])
    np.testing.assert_array_equal(X2, streams[5:10])
    np.testing.assert_array_equal(Y2, streams[6:11])
    assert s1 is None and np.array_equal(s2, f1)  # carried between chunks
    assert s3 is None  # third chunk would run past the end: new epoch, zero state
    np.testing.assert_array_equal(X3, streams[0:5])


def test_stream_training_refuses_a_text_too_short():
    with pytest.raises(CorpusError, match="at least"):
        rnnlib.training.trainer.train_stream(np.arange(10) % 3, [], CharVocab("abc"),
                                  TrainConfig(seq_length=64, batch_size=2), progress=False)


def test_evaluate_stream_equals_one_long_pass_for_a_single_stream():
    vocab = CharVocab.from_text(TEXT)
    ids = vocab.encode(TEXT[:300])
    p = lm.init_parameters(len(vocab), 8, seed=1, dtype=np.float64, cell="gru")
    whole, count, _ = lm.forward(p, ids[:-1, None], ids[1:, None])
    assert rnnlib.training.trainer.evaluate_stream(p, ids, streams=1, chunk=37) == pytest.approx(whole / count, rel=1e-10)


def test_stream_training_can_continue_from_given_parameters_without_changing_them():
    vocab = CharVocab.from_text(TEXT)
    ids = vocab.encode(TEXT)
    start = lm.init_parameters(len(vocab), 8, seed=3, cell="gru")
    before = {k: v.copy() for k, v in start.items()}
    config = TrainConfig(hidden_size=99, batch_size=4, seq_length=16, steps=20, eval_every=10, learning_rate=0.01)
    model, history = rnnlib.training.trainer.train_stream(ids[:1500], ids[1500:], vocab, config, progress=False,
                                               initial_parameters=start)
    assert same_parameters(start, before)  # the caller's arrays are not trained in place
    assert model.cell == "gru" and model.hidden_size == 8  # the parameters' shape wins over the config
    first_val = rnnlib.training.trainer.evaluate_stream(start, ids[1500:])
    assert history.best_val_loss < first_val
    with pytest.raises(CorpusError, match="vocabulary"):
        rnnlib.training.trainer.train_stream(ids[:1500], ids[1500:], CharVocab("ab"), config, progress=False,
                                  initial_parameters=start)


# ----------------------------------------------------------------------------------------------
# Issue 9 section 4: settings of the wrong type, keep-best and divergence told truthfully


def test_integral_floats_are_accepted_as_whole_numbers():
    config = small(steps=1e4, hidden_size=50.0)
    config.check()
    assert config.steps == 10000 and isinstance(config.steps, int) and config.hidden_size == 50


@pytest.mark.parametrize("setting, value", [("steps", None), ("hidden_size", "50"), ("batch_size", 2.5),
                                            ("dropout", float("nan")), ("learning_rate", None), ("seed", True),
                                            ("cell", None), ("hidden_size", 100000)])
def test_wrong_types_and_huge_sizes_are_refused_before_training(setting, value):
    with pytest.raises(ConfigError, match=setting):
        small(**{setting: value}).check()


def test_nan_validation_loss_is_divergence_not_a_missing_validation_set(tmp_path):
    ckpt = tmp_path / "x.npz"
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged) as info:
        run(small(steps=1, learning_rate=1e38, clip="none", optimizer="sgd"), checkpoint=ckpt)
    assert "validation loss" in str(info.value)
    assert not ckpt.exists() and "nothing was written" in str(info.value)


def test_divergence_says_an_older_checkpoint_is_not_this_runs(tmp_path):
    ckpt = tmp_path / "x.npz"
    ckpt.write_bytes(b"from another run")
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="earlier run"):
        run(small(steps=1, learning_rate=1e38, clip="none", optimizer="sgd"), checkpoint=ckpt)
    assert ckpt.read_bytes() == b"from another run"


def test_without_validation_the_last_model_is_kept():
    model, history = run(small(steps=20, eval_every=10), val_names=[])
    assert history.best_step == 20 and math.isnan(history.best_val_loss)


def test_issue9_evaluate_stream_and_shuffled_batches_refuse_bad_arguments():
    """Fuzz findings: evaluate_stream(chunk=2.5) TypeError / too short text ZeroDivisionError;
    shuffled_batches([], ...) hung, step 0 ValueError, rng=1j AttributeError."""
    import numpy as np
    import pytest
    from rnnlib import init_parameters
    from rnnlib.errors import ConfigError, CorpusError
    from rnnlib.training.trainer import evaluate_stream, shuffled_batches
    p = init_parameters(5, 3)
    with pytest.raises(ConfigError, match="chunk"):
        evaluate_stream(p, np.array([1, 2, 3, 4]), 1, 2.5)
    with pytest.raises(CorpusError, match="ids"):
        evaluate_stream(p, [[1, 2], [3]], 1, 2)
    with pytest.raises(CorpusError, match="non-empty"):
        next(shuffled_batches([], 2, np.random.default_rng(0)))
    with pytest.raises(ConfigError, match="batch_size"):
        next(shuffled_batches([1, 2], 0, np.random.default_rng(0)))
    with pytest.raises(ConfigError, match="rng"):
        next(shuffled_batches([1, 2], 1, 1j))


def test_too_many_layers_is_refused_naming_the_cap():
    from rnnlib.training.trainer import MAX_LAYERS

    with pytest.raises(ConfigError, match="MAX_LAYERS"):
        TrainConfig(hidden_size=6, layers=MAX_LAYERS + 1).check()
    TrainConfig(hidden_size=6, layers=MAX_LAYERS).check()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"train_names": "tyrannosaurus"}, CorpusError, "train_names must be a list"),
    ({"train_names": ["ok", 3]}, CorpusError, "each name"),
    ({"val_names": None}, CorpusError, "val_names"),
    ({"config": 0.0}, ConfigError, "TrainConfig"),
    ({"progress": "yes"}, ConfigError, "progress"),
    ({"on_eval": 3}, ConfigError, "on_eval"),
    ({"corpus": 7}, ConfigError, "corpus"),
    ({"vocab": "abc"}, VocabularyError, "CharVocab"),
])
def test_bad_run_arguments_are_refused_before_training(kwargs, error, match):
    kwargs = {"train_names": TRAIN, "val_names": VAL, "config": small(steps=2), "progress": False, **kwargs}
    with pytest.raises(error, match=match):
        train(kwargs.pop("train_names"), kwargs.pop("val_names"), kwargs.pop("config"), **kwargs)


def test_checkpoint_naming_a_directory_is_refused_before_training(tmp_path):
    with pytest.raises(ConfigError, match="directory"):
        run(small(steps=2), checkpoint=tmp_path)


def test_train_sequences_checks_ids_against_the_vocabulary():
    vocab = CharVocab(sorted(set("".join(TRAIN) + "".join(VAL) + "\n")))
    seqs = [vocab.encode(n) for n in TRAIN]
    with pytest.raises(CorpusError, match="not in the vocabulary"):
        rnnlib.training.trainer.train_sequences(seqs + [np.array([len(vocab)])], [], vocab, 0, small(steps=2),
                                                progress=False)
    with pytest.raises(VocabularyError, match="end_id"):
        rnnlib.training.trainer.train_sequences(seqs, [], vocab, -3, small(steps=2), progress=False)
