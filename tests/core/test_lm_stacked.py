"""rnnlib.core.lm beyond the one-layer RNN: GRU and LSTM layers, stacking, dropout, carried state."""
import numpy as np
import pytest

from rnnlib.core import lm
from rnnlib.errors import ConfigError, ShapeError
from rnnlib.core.gradcheck import check_gradients

V, N_A = 6, 4


def batch(rng, T=5, m=3):
    X = rng.integers(0, V, size=(T, m))
    X[0] = -1
    Y = rng.integers(0, V, size=(T, m))
    Y[-1, 0] = -1  # one padded position
    return X, Y


def random_state(rng, p, m):
    return [tuple(rng.standard_normal(s.shape) for s in layer) for layer in lm.zero_state(p, m)]


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_gradients_of_every_parameter_and_the_starting_state(cell, layers, dropout):
    rng = np.random.default_rng(1)
    p = lm.init_parameters(V, N_A, seed=2, dtype=np.float64, cell=cell, layers=layers)
    for k in p:  # non-zero biases so every path carries gradient
        p[k] += 0.1 * rng.standard_normal(p[k].shape)
    X, Y = batch(rng)
    state = random_state(rng, p, X.shape[1])
    weights = random_state(rng, p, X.shape[1])  # a gradient arriving on the final state

    def loss():
        loss_sum, _, cache = lm.forward(p, X, Y, state, dropout=dropout, rng=np.random.default_rng(7))
        final = lm.final_state(cache)
        return loss_sum + sum(float(np.sum(f * w)) for fl, wl in zip(final, weights) for f, w in zip(fl, wl))

    _, _, cache = lm.forward(p, X, Y, state, dropout=dropout, rng=np.random.default_rng(7))
    grads, dstate0 = lm.backward(cache, da_last=weights)
    # "norm": the loss sums 15 positions, so elementwise relative errors of tiny entries are round-off
    errors = check_gradients(loss, dict(p), {k: grads["d" + k] for k in p}, measure="norm")
    flat_state = {f"s{k}_{j}": arr for k, layer in enumerate(state) for j, arr in enumerate(layer)}
    flat_grad = {f"s{k}_{j}": arr for k, layer in enumerate(dstate0) for j, arr in enumerate(layer)}
    errors.update(check_gradients(loss, flat_state, flat_grad, measure="norm"))
    assert set(grads) == {"d" + k for k in p}
    for name, err in errors.items():
        assert err < 1e-7, (cell, layers, dropout, name, err)


@pytest.mark.parametrize("cell,gates,states", [("rnn", 1, 1), ("gru", 3, 1), ("lstm", 4, 2)])
def test_describe_reads_cell_and_depth_off_the_shapes(cell, gates, states):
    p = lm.init_parameters(V, N_A, cell=cell, layers=3)
    assert lm.describe(p) == (cell, 3, N_A)
    assert p["Waa"].shape == (gates * N_A, N_A) and p["Wax3"].shape == (gates * N_A, N_A)
    assert [len(s) for s in lm.zero_state(p, 2)] == [states] * 3


def test_one_layer_rnn_keeps_the_course_keys_and_draws():
    p = lm.init_parameters(V, N_A, seed=5)
    assert list(p) == ["Wax", "Waa", "Wya", "b", "by"]
    again = lm.init_parameters(V, N_A, seed=5, cell="rnn", layers=2)
    for k in p:  # adding a layer does not change the first layer's or the output's draws
        np.testing.assert_array_equal(p[k], again[k])


def test_lstm_forget_bias():
    p = lm.init_parameters(V, N_A, cell="lstm", forget_bias=2.0, layers=2)
    for b in ("b", "b2"):
        assert np.all(p[b][:N_A] == 2.0) and np.all(p[b][N_A:] == 0.0)


def test_step_matches_forward_for_a_stacked_lstm():
    rng = np.random.default_rng(3)
    p = lm.init_parameters(V, N_A, seed=1, dtype=np.float64, cell="lstm", layers=2)
    X, Y = batch(rng, T=4, m=2)
    _, _, cache = lm.forward(p, X, Y)
    H = lm.hidden_states(cache)
    state = lm.zero_state(p, 2)
    for t in range(4):
        logits, state = lm.step(p, X[t], state)
        np.testing.assert_allclose(state[-1][0], H[:, t], atol=1e-12)


def test_carrying_state_across_chunks_equals_one_long_forward():
    rng = np.random.default_rng(4)
    p = lm.init_parameters(V, N_A, seed=1, dtype=np.float64, cell="gru", layers=2)
    X, Y = rng.integers(0, V, size=(8, 3)), rng.integers(0, V, size=(8, 3))
    whole, _, _ = lm.forward(p, X, Y)
    first, _, c1 = lm.forward(p, X[:5], Y[:5])
    second, _, _ = lm.forward(p, X[5:], Y[5:], lm.final_state(c1))
    assert first + second == pytest.approx(whole, rel=1e-12)


def test_dropout_is_off_without_rng_and_scales_to_keep_the_mean():
    rng = np.random.default_rng(0)
    p = lm.init_parameters(V, N_A, seed=1, dtype=np.float64)
    X, Y = batch(rng)
    with pytest.raises(ConfigError, match="rng"):
        lm.forward(p, X, Y, dropout=0.5)
    _, _, cache = lm.forward(p, X, Y, dropout=0.5, rng=np.random.default_rng(1))
    mask = cache.layers[0].dropout_mask
    assert set(np.unique(mask)) <= {0.0, 2.0}


def test_plain_array_state_is_refused_where_it_cannot_fit():
    p = lm.init_parameters(V, N_A, cell="lstm")
    with pytest.raises(ShapeError, match="one tuple per layer"):
        lm.forward(p, np.zeros((2, 1), int), np.zeros((2, 1), int), np.zeros((N_A, 1)))


def test_bad_cell_and_bad_waa():
    with pytest.raises(ConfigError, match="cell must be one of"):
        lm.init_parameters(V, N_A, cell="transformer")
    p = lm.init_parameters(V, N_A)
    p["Waa"] = np.zeros((2 * N_A, N_A))
    with pytest.raises(ShapeError, match="gate blocks"):
        lm.describe(p)
