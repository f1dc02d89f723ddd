"""Tests for rnnlib.core.cells.gru's reset-after step (Keras reset_after=True / PyTorch nn.GRU)."""
import numpy as np

from rnnlib.core.cells.gru import gru_reset_after_step_backward, gru_reset_after_step_forward
from rnnlib.core.functional import sigmoid
from rnnlib.core.gradcheck import check_gradients


def test_forward_is_the_pytorch_formula():
    """PyTorch writes h' = (1 - z) n + z h with n = tanh(W_in x + b_in + r (W_hn h + b_hn)); our
    update gate is its 1 - z, i.e. its z rows negated."""
    rng = np.random.default_rng(0)
    n_a, m = 4, 3
    xw, a, Wh, bh = rng.standard_normal((3 * n_a, m)), rng.standard_normal((n_a, m)), rng.standard_normal((3 * n_a, n_a)), rng.standard_normal((3 * n_a, 1))
    ours, _ = gru_reset_after_step_forward(xw, a, Wh, bh)
    zx, rx, nx = xw[:n_a], xw[n_a:2 * n_a], xw[2 * n_a:]
    zh, rh, nh = (Wh @ a + bh)[:n_a], (Wh @ a + bh)[n_a:2 * n_a], (Wh @ a + bh)[2 * n_a:]
    z = sigmoid(-(zx + zh))  # PyTorch's z with our rows negated
    r = sigmoid(rx + rh)
    n = np.tanh(nx + r * nh)
    np.testing.assert_allclose(ours, (1 - z) * n + z * a, rtol=1e-12)


def test_step_gradients_match_numerical():
    rng = np.random.default_rng(1)
    n_a, m = 3, 4
    xw, a = rng.standard_normal((3 * n_a, m)), rng.standard_normal((n_a, m))
    Wh, bh = rng.standard_normal((3 * n_a, n_a)), rng.standard_normal((3 * n_a, 1))
    w = rng.standard_normal((n_a, m))

    def loss():
        return float(np.sum(gru_reset_after_step_forward(xw, a, Wh, bh)[0] * w))

    _, cache = gru_reset_after_step_forward(xw, a, Wh, bh)
    dxw, da_prev = gru_reset_after_step_backward(w, cache, Wh)
    d_rec = dxw.copy()
    d_rec[2 * n_a:] *= cache.reset  # the reset gate scales the candidate's recurrent product
    analytic = {"xw": dxw, "a": da_prev, "Wh": d_rec @ a.T, "bh": d_rec.sum(axis=1, keepdims=True)}
    errors = check_gradients(loss, {"xw": xw, "a": a, "Wh": Wh, "bh": bh}, analytic, measure="norm")
    assert max(errors.values()) < 1e-8, errors
