"""Tests for rnnlib.ui.experiments.clipping_experiment on a tiny made-up corpus: the shape of what it
returns, that both runs start identically, and that the clipped run really applies clipped
gradients (checked on the parameter updates themselves)."""
import itertools

import numpy as np
import pytest

import rnnlib.ui.experiments
from rnnlib.core import lm
from rnnlib.ui.experiments import clipping_experiment
from rnnlib.data.chars import CharVocab

SYLLABLES = ["ba", "ko", "ri", "tu", "me"]
NAMES = ["".join(p) + "x" for p in itertools.product(SYLLABLES, repeat=3)][::3][:40]
VOCAB = CharVocab(sorted(set("".join(NAMES) + "\n")))
STEPS = 50
SETTINGS = dict(steps=STEPS, hidden_size=12, learning_rate=0.05, clip_value=1.0, seed=0)


@pytest.fixture(scope="module")
def runs():
    return clipping_experiment(NAMES, VOCAB, **SETTINGS)


def test_returns_both_runs(runs):
    assert set(runs) == {"not clipped", "clipped"}
    for run in runs.values():
        assert set(run) == {"loss", "grad_norm"}
        for key in ("loss", "grad_norm"):
            assert isinstance(run[key], np.ndarray)
            assert run[key].shape == (STEPS,) and run[key].dtype == np.float64
            assert np.all(np.isfinite(run[key]))
        assert np.all(run["loss"] > 0) and np.all(run["grad_norm"] > 0)


def test_first_step_is_the_same_for_both(runs):
    a, b = runs["not clipped"], runs["clipped"]
    assert a["loss"][0] == b["loss"][0]
    assert a["grad_norm"][0] == b["grad_norm"][0]
    # A first loss near log(V): the model starts out knowing nothing.
    assert 0.5 * np.log(len(VOCAB)) < a["loss"][0] < 3 * np.log(len(VOCAB))


def test_runs_agree_until_the_first_clipped_step(runs):
    """Gradients whose global norm is <= clip_value have no element above it, so clipping is a
    no-op there: the runs must agree up to and including the first step whose norm exceeds it."""
    a, b = runs["not clipped"], runs["clipped"]
    exceeds = np.flatnonzero(a["grad_norm"] > SETTINGS["clip_value"])
    assert exceeds.size, "the setting should produce some large gradients"
    first = exceeds[0]
    np.testing.assert_array_equal(a["loss"][: first + 1], b["loss"][: first + 1])
    np.testing.assert_array_equal(a["grad_norm"][: first + 1], b["grad_norm"][: first + 1])


def test_huge_clip_value_changes_nothing():
    settings = dict(SETTINGS, steps=20, clip_value=1e12)
    r = clipping_experiment(NAMES, VOCAB, **settings)
    np.testing.assert_array_equal(r["not clipped"]["loss"], r["clipped"]["loss"])
    np.testing.assert_array_equal(r["not clipped"]["grad_norm"], r["clipped"]["grad_norm"])


def test_small_clip_value_changes_the_run(runs):
    assert not np.array_equal(runs["not clipped"]["loss"], runs["clipped"]["loss"])


def _record_parameters(monkeypatch):
    """Wrap lm.forward to keep a copy of the parameters at every call (= before every update)."""
    seen = []
    real = lm.forward

    def forward(parameters, X, Y, a0=None, **kwargs):
        seen.append({k: np.array(v) for k, v in parameters.items()})
        return real(parameters, X, Y, a0)

    monkeypatch.setattr(rnnlib.ui.experiments.lm, "forward", forward)
    return seen


def _applied_gradients(snapshots, learning_rate):
    """The largest |update| / learning_rate element of each step: the gradient actually applied."""
    out = []
    for before, after in zip(snapshots, snapshots[1:]):
        out.append(max(float(np.max(np.abs(before[k] - after[k]))) for k in before) / learning_rate)
    return np.array(out)


def test_clipped_run_applies_clipped_gradients(monkeypatch):
    steps, lr, clip = 30, SETTINGS["learning_rate"], SETTINGS["clip_value"]
    seen = _record_parameters(monkeypatch)
    clipping_experiment(NAMES, VOCAB, **dict(SETTINGS, steps=steps))
    monkeypatch.undo()
    assert len(seen) == 2 * steps
    unclipped, clipped = seen[:steps], seen[steps:]
    # Both start from the same (scaled) initial parameters.
    assert all(np.array_equal(unclipped[0][k], clipped[0][k]) for k in unclipped[0])
    applied_clipped = _applied_gradients(clipped, lr)
    applied_free = _applied_gradients(unclipped, lr)
    assert np.all(applied_clipped <= clip * (1 + 1e-9))
    assert np.any(applied_clipped > 0.99 * clip)  # clipping was active, not just small gradients
    assert np.any(applied_free > clip)  # without clipping, larger elements get through


def test_clip_is_called_only_in_the_clipped_run(monkeypatch):
    calls = []
    real = rnnlib.ui.experiments.clip_by_value

    def clip_by_value(grads, max_value):
        calls.append(max_value)
        out = real(grads, max_value)
        assert max(float(np.max(np.abs(g))) for g in grads.values()) <= max_value
        return out

    monkeypatch.setattr(rnnlib.ui.experiments, "clip_by_value", clip_by_value)
    clipping_experiment(NAMES, VOCAB, **dict(SETTINGS, steps=10, clip_value=0.5))
    assert calls == [0.5] * 10


def test_recurrent_scale_multiplies_waa(monkeypatch):
    seen = _record_parameters(monkeypatch)
    clipping_experiment(NAMES, VOCAB, **dict(SETTINGS, steps=1), recurrent_scale=3.0)
    monkeypatch.undo()
    base = lm.init_parameters(len(VOCAB), SETTINGS["hidden_size"], seed=SETTINGS["seed"], dtype=np.float64)
    np.testing.assert_allclose(seen[0]["Waa"], 3.0 * base["Waa"])
    np.testing.assert_array_equal(seen[0]["Wax"], base["Wax"])


def test_is_repeatable_and_seed_matters():
    settings = dict(SETTINGS, steps=10)
    a = clipping_experiment(NAMES, VOCAB, **settings)
    b = clipping_experiment(NAMES, VOCAB, **settings)
    c = clipping_experiment(NAMES, VOCAB, **dict(settings, seed=1))
    for label in a:
        np.testing.assert_array_equal(a[label]["loss"], b[label]["loss"])
    assert not np.array_equal(a["clipped"]["loss"], c["clipped"]["loss"])


def test_names_are_cycled():
    r = clipping_experiment(NAMES[:3], VOCAB, **dict(SETTINGS, steps=7))
    assert r["clipped"]["loss"].shape == (7,)


def test_clipped_run_learns(runs):
    loss = runs["clipped"]["loss"]
    assert loss[-10:].mean() < loss[:10].mean()


def test_empty_names_is_a_corpus_error():
    from rnnlib.errors import CorpusError

    with pytest.raises(CorpusError):
        clipping_experiment([], VOCAB, **dict(SETTINGS, steps=3))


# ---------------------------------------------------------------------------------------------- input_gradient_norms
def _classifier(layer, seed=0):
    from rnnlib.nn import Dense, Embedding, Sequential
    model = Sequential([Embedding(20, 4, mask_zero=True), layer, Dense(1, activation="sigmoid")], seed=seed, dtype="float64")
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


def test_input_gradient_norms_matches_a_numerical_derivative_per_step():
    from rnnlib.nn import LSTM
    from rnnlib.ui.experiments import input_gradient_norms
    x = np.array([[0, 0, 3, 4, 5], [1, 2, 3, 4, 5], [0, 0, 0, 7, 8]])  # pre-padded
    y = np.array([1.0, 0.0, 1.0])
    model = _classifier(LSTM(3))
    norms = input_gradient_norms(model, x, y)
    assert norms.shape == (5,)
    # numerical dL/d(embedded word): perturb the embedding rows through a copy of the input vectors
    emb = model.layers[0].weights["embeddings"]
    _, caches, _ = model.forward_with_mask(x)
    vectors = emb[x]

    def loss_of(v):
        out, mask = v, model.layers[0].compute_mask_from_input(x)
        for layer in model.layers[1:]:
            out, _ = layer.forward(out, mask=mask)
            mask = layer.compute_mask(mask)
        return model.loss_fn(y[:, None], out, None)[0]

    eps = 1e-6
    grad = np.zeros_like(vectors)
    for idx in np.ndindex(vectors.shape):
        v = vectors.copy(); v[idx] += eps
        up = loss_of(v)
        v[idx] -= 2 * eps
        grad[idx] = (up - loss_of(v)) / (2 * eps)
    per = np.linalg.norm(grad, axis=2)[:, ::-1]
    real = (x != 0)[:, ::-1]
    expected = (per * real).sum(0) / real.sum(0)
    np.testing.assert_allclose(norms, expected, rtol=1e-5, atol=1e-10)


def test_input_gradient_norms_nan_where_no_text_is_that_long_and_needs_an_embedding():
    from rnnlib.errors import ConfigError
    from rnnlib.nn import GRU, Dense, Input, Sequential, SimpleRNN
    from rnnlib.ui.experiments import input_gradient_norms
    norms = input_gradient_norms(_classifier(SimpleRNN(3)), np.array([[0, 0, 2, 3], [0, 0, 0, 5]]), np.array([1, 0]))
    assert np.isfinite(norms[:2]).all() and np.isnan(norms[2:]).all()
    plain = Sequential([Input((4, 2)), GRU(2), Dense(1, activation="sigmoid")])
    plain.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(ConfigError, match="start with an Embedding"):
        input_gradient_norms(plain, np.zeros((1, 4, 2)), np.array([1]))
