"""Tests for rnnlib.core.cells.lstm: the one-tanh gate computation against the textbook formulas."""
import numpy as np
import pytest

from rnnlib.core.cells.lstm import gate_rows, lstm_step_backward, lstm_step_forward
from rnnlib.core.functional import sigmoid
from rnnlib.core.gradcheck import check_gradients


def _textbook_step(xw, a, c, Wh):
    n_a = a.shape[0]
    z = xw + Wh @ a
    f, i, o = (sigmoid(z[gate_rows(n_a, g)]) for g in "fio")
    cc = np.tanh(z[gate_rows(n_a, "c")])
    c_next = f * c + i * cc
    return o * np.tanh(c_next), c_next


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-13), (np.float32, 1e-5)])
def test_forward_is_the_textbook_lstm(dtype, rtol):
    """One tanh with the sigmoid rows halved gives sigmoid on forget/update/output, tanh on the candidate,
    also for pre-activations large enough to saturate every gate."""
    rng = np.random.default_rng(0)
    n_a, m = 5, 7
    xw = (rng.standard_normal((4 * n_a, m)) * 8).astype(dtype)
    a, c = rng.standard_normal((n_a, m)).astype(dtype), rng.standard_normal((n_a, m)).astype(dtype)
    Wh = rng.standard_normal((4 * n_a, n_a)).astype(dtype)
    a_next, c_next, cache = lstm_step_forward(xw, a, c, Wh)
    want_a, want_c = _textbook_step(xw, a, c, Wh)
    np.testing.assert_allclose(a_next, want_a, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(c_next, want_c, rtol=rtol, atol=rtol)
    assert a_next.dtype == dtype and cache.gates.dtype == dtype
    sig = np.r_[0:2 * n_a, 3 * n_a:4 * n_a]
    assert cache.gates[sig].min() >= 0 and cache.gates[sig].max() <= 1  # sigmoid rows stay in [0, 1]


def test_step_does_not_modify_its_inputs():
    rng = np.random.default_rng(2)
    n_a, m = 3, 2
    xw, a, c = rng.standard_normal((4 * n_a, m)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    Wh = rng.standard_normal((4 * n_a, n_a))
    copies = [x.copy() for x in (xw, a, c, Wh)]
    _, _, cache = lstm_step_forward(xw, a, c, Wh)
    lstm_step_backward(a.copy(), c.copy(), cache, Wh)
    for before, after in zip(copies, (xw, a, c, Wh)):
        np.testing.assert_array_equal(before, after)


def test_step_gradients_match_numerical():
    rng = np.random.default_rng(1)
    n_a, m = 3, 4
    xw, a, c = rng.standard_normal((4 * n_a, m)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    Wh = rng.standard_normal((4 * n_a, n_a))
    wa, wc = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))

    def loss():
        a_next, c_next, _ = lstm_step_forward(xw, a, c, Wh)
        return float(np.sum(a_next * wa) + np.sum(c_next * wc))

    _, _, cache = lstm_step_forward(xw, a, c, Wh)
    dxw, da_prev, dc_prev = lstm_step_backward(wa, wc, cache, Wh)
    analytic = {"xw": dxw, "a": da_prev, "c": dc_prev, "Wh": dxw @ a.T}
    errors = check_gradients(loss, {"xw": xw, "a": a, "c": c, "Wh": Wh}, analytic, measure="norm")
    assert max(errors.values()) < 1e-8, errors
