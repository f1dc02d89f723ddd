"""Tests for the core LSTM step (stacked gates) and rnnlib.course.lstm_step_by_step, the course's LSTM functions."""
import numpy as np
import pytest

from rnnlib.course.lstm_step_by_step import (
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_stack_params,
)
from rnnlib.core.cells.lstm import LSTMStepCache, lstm_step_backward, lstm_step_forward
from rnnlib.errors import ShapeError
from rnnlib.core.gradcheck import check_gradients, weighted_loss

GRAD_KEYS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")


def make_params(rng, n_x=3, n_a=4, n_y=2, scale=0.7):
    p = {}
    for g in "fico":
        p["W" + g] = rng.standard_normal((n_a, n_a + n_x)) * scale
        p["b" + g] = rng.standard_normal((n_a, 1)) * scale
    p["Wy"] = rng.standard_normal((n_y, n_a))
    p["by"] = rng.standard_normal((n_y, 1))
    return p


def course_params(n_a, n_x, n_y, draw_output=True):
    """The course's draw order: Wf, bf, Wi, bi, Wo, bo, Wc, bc (Wo/bo BEFORE Wc/bc), then Wy, by."""
    p = {}
    for g in "fioc":
        p["W" + g] = np.random.randn(n_a, n_a + n_x)
        p["b" + g] = np.random.randn(n_a, 1)
    if draw_output:
        p["Wy"] = np.random.randn(n_y, n_a)
        p["by"] = np.random.randn(n_y, 1)
    else:
        p["Wy"] = np.zeros((n_y, n_a))
        p["by"] = np.zeros((n_y, 1))
    return p


def course_cell_inputs():
    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    c_prev = np.random.randn(5, 10)
    return xt, a_prev, c_prev, course_params(5, 3, 2)


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_cell(xt, a_prev, c_prev, p):
    """Straight transcription of the course's equations, one gate at a time."""
    cat = np.concatenate([a_prev, xt])
    f = sig(p["Wf"] @ cat + p["bf"])
    i = sig(p["Wi"] @ cat + p["bi"])
    cc = np.tanh(p["Wc"] @ cat + p["bc"])
    o = sig(p["Wo"] @ cat + p["bo"])
    c = f * c_prev + i * cc
    a = o * np.tanh(c)
    z = p["Wy"] @ a + p["by"]
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return a, c, e / e.sum(axis=0, keepdims=True), (f, i, cc, o)


# ---------------------------------------------------------------------------------------------
# the course's published values (2021 notebook)
# ---------------------------------------------------------------------------------------------


def test_lstm_cell_forward_course_published_values():
    xt, a_prev, c_prev, p = course_cell_inputs()
    a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    np.testing.assert_allclose(
        a_next[4],
        [-0.66408471, 0.0036921, 0.02088357, 0.22834167, -0.85575339, 0.00138482,
         0.76566531, 0.34631421, -0.00215674, 0.43827275], atol=1e-7)
    np.testing.assert_allclose(
        c_next[2],
        [0.63267805, 1.00570849, 0.35504474, 0.20690913, -1.64566718, 0.11832942,
         0.76449811, -0.0981561, -0.74348425, -0.26810932], atol=1e-7)
    np.testing.assert_allclose(
        yt[1],
        [0.79913913, 0.15986619, 0.22412122, 0.15606108, 0.97057211, 0.31146381,
         0.00943007, 0.12666353, 0.39380172, 0.07828381], atol=1e-7)
    np.testing.assert_allclose(
        cache[1][3],
        [-0.16263996, 1.03729328, 0.72938082, -0.54101719, 0.02752074, -0.30821874,
         0.07651101, -1.03752894, 1.41219977, -0.37647422], atol=1e-7)
    assert a_next.shape == (5, 10) and c_next.shape == (5, 10) and yt.shape == (2, 10)
    assert len(cache) == 10


def test_lstm_cell_forward_course_unit_test_values():
    """The course's public_tests.lstm_cell_forward_test (seed 212)."""
    np.random.seed(212)
    m, n_x, n_a, n_y = 8, 4, 7, 3
    x = np.random.randn(n_x, m)
    a0 = np.random.randn(n_a, m)
    c0 = np.random.randn(n_a, m)
    p = course_params(n_a, n_x, n_y)
    _, _, y_pred, cache = lstm_cell_forward(x, a0, c0, p)
    for index, expected in ((4, [0.32969833, 0.0574555]), (5, [0.0036446, 0.9806943]),
                            (6, [0.99903873, 0.57509956]), (1, [0.1352798, 0.39884899]),
                            (7, [0.7477249, 0.71588751]), (0, [0.10053951, 0.27129536])):
        np.testing.assert_allclose(cache[index][0, 0:2], expected, atol=1e-7, err_msg=str(index))
    # these eight are truncated, not rounded, in the course (0.6845342 appears as 0.68453): 1e-5
    np.testing.assert_allclose(
        y_pred[1], [0.417098, 0.449528, 0.223159, 0.278376, 0.68453, 0.419221, 0.564025, 0.538475], atol=1e-5)


def test_lstm_forward_course_published_values():
    np.random.seed(1)
    x = np.random.randn(3, 10, 7)
    a0 = np.random.randn(5, 10)
    p = course_params(5, 3, 2)
    a, y, c, caches = lstm_forward(x, a0, p)
    assert a[4][3][6] == pytest.approx(0.172117767533, abs=1e-11)
    assert y[1][4][3] == pytest.approx(0.95087346185, abs=1e-10)
    assert c[1][2][1] == pytest.approx(-0.855544916718, abs=1e-11)
    np.testing.assert_allclose(
        caches[1][1][1],
        [0.82797464, 0.23009474, 0.76201118, -0.22232814, -0.20075807, 0.18656139, 0.41005165], atol=1e-7)
    assert a.shape == (5, 10, 7) and y.shape == (2, 10, 7) and c.shape == (5, 10, 7)
    assert len(caches) == 2 and len(caches[0]) == 7


def test_lstm_forward_course_unit_test_values():
    """The course's public_tests.lstm_forward_test (seed 45)."""
    np.random.seed(45)
    n_x, m, T_x, n_a, n_y = 4, 13, 16, 3, 2
    x = np.random.randn(n_x, m, T_x)
    a0 = np.random.randn(n_a, m)
    p = course_params(n_a, n_x, n_y)
    a, y, c, caches = lstm_forward(x, a0, p)
    np.testing.assert_allclose(a[2, 1, 4:6], [-0.01606022, 0.0243569], atol=1e-7)
    np.testing.assert_allclose(c[2, 1, 4:6], [-0.02753855, 0.05668358], atol=1e-7)
    np.testing.assert_allclose(y[1, 1, 4:6], [0.70444592, 0.70648935], atol=1e-7)
    assert len(caches[0]) == T_x and len(caches[0][0]) == 10


def test_lstm_cell_backward_course_published_values():
    xt, a_prev, c_prev, p = course_cell_inputs()
    _, _, _, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    da_next = np.random.randn(5, 10)
    dc_next = np.random.randn(5, 10)
    g = lstm_cell_backward(da_next, dc_next, cache)
    assert g["dxt"][1][2] == pytest.approx(3.23055911511, abs=1e-10)
    assert g["da_prev"][2][3] == pytest.approx(-0.0639621419711, abs=1e-12)
    assert g["dc_prev"][2][3] == pytest.approx(0.797522038797, abs=1e-11)
    assert g["dWf"][3][1] == pytest.approx(-0.147954838164, abs=1e-11)
    assert g["dWi"][1][2] == pytest.approx(1.05749805523, abs=1e-10)
    assert g["dWc"][3][1] == pytest.approx(2.30456216369, abs=1e-10)
    assert g["dWo"][1][2] == pytest.approx(0.331311595289, abs=1e-11)
    np.testing.assert_allclose(g["dbf"][4], [0.18864637], atol=1e-7)
    np.testing.assert_allclose(g["dbi"][4], [-0.40142491], atol=1e-7)
    np.testing.assert_allclose(g["dbc"][4], [0.25587763], atol=1e-7)
    np.testing.assert_allclose(g["dbo"][4], [0.13893342], atol=1e-7)
    assert {k: v.shape for k, v in g.items()} == {
        "dxt": (3, 10), "da_prev": (5, 10), "dc_prev": (5, 10),
        **{k: ((5, 8) if k.startswith("dW") else (5, 1)) for k in GRAD_KEYS}}


def test_lstm_backward_course_published_values_2021():
    """2021 cell: Wy/by zeros (not drawn), forward over 7 steps, da over only 4."""
    np.random.seed(1)
    x = np.random.randn(3, 10, 7)
    a0 = np.random.randn(5, 10)
    p = course_params(5, 3, 2, draw_output=False)
    _, _, _, caches = lstm_forward(x, a0, p)
    da = np.random.randn(5, 10, 4)
    g = lstm_backward(da, caches)
    np.testing.assert_allclose(g["dx"][1][2], [0.00218254, 0.28205375, -0.48292508, -0.43281115], atol=1e-7)
    assert g["da0"][2][3] == pytest.approx(0.312770310257, abs=1e-11)
    assert g["dWf"][3][1] == pytest.approx(-0.0809802310938, abs=1e-12)
    assert g["dWi"][1][2] == pytest.approx(0.40512433093, abs=1e-10)
    assert g["dWc"][3][1] == pytest.approx(-0.0793746735512, abs=1e-12)
    assert g["dWo"][1][2] == pytest.approx(0.038948775763, abs=1e-11)
    np.testing.assert_allclose(g["dbf"][4], [-0.15745657], atol=1e-7)
    np.testing.assert_allclose(g["dbi"][4], [-0.50848333], atol=1e-7)
    np.testing.assert_allclose(g["dbc"][4], [-0.42510818], atol=1e-7)
    np.testing.assert_allclose(g["dbo"][4], [-0.17958196], atol=1e-7)
    assert g["dx"].shape == (3, 10, 4) and g["da0"].shape == (5, 10)
    assert list(g) == ["dx", "da0", *GRAD_KEYS]


# ---------------------------------------------------------------------------------------------
# formula and structure
# ---------------------------------------------------------------------------------------------


def test_cell_forward_matches_reference_and_cache_layout():
    rng = np.random.default_rng(0)
    p = make_params(rng, n_x=3, n_a=4, n_y=5)
    xt, a_prev, c_prev = rng.standard_normal((3, 6)), rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    a_ref, c_ref, y_ref, gates = reference_cell(xt, a_prev, c_prev, p)
    np.testing.assert_allclose(a_next, a_ref, atol=1e-12)
    np.testing.assert_allclose(c_next, c_ref, atol=1e-12)
    np.testing.assert_allclose(yt, y_ref, atol=1e-12)
    assert cache[0] is a_next and cache[1] is c_next and cache[2] is a_prev and cache[3] is c_prev
    assert cache[8] is xt and cache[9] is p
    for got, want in zip(cache[4:8], gates):
        np.testing.assert_allclose(got, want, atol=1e-12)


def test_stacked_core_equals_course_cell():
    rng = np.random.default_rng(1)
    n_x, n_a, m = 3, 4, 5
    p = make_params(rng, n_x=n_x, n_a=n_a)
    Wx, Wh, b = lstm_stack_params(p)
    assert Wx.shape == (4 * n_a, n_x) and Wh.shape == (4 * n_a, n_a) and b.shape == (4 * n_a, 1)
    # gate order forget, update, candidate, output; a_prev columns first
    for k, g in enumerate("fico"):
        np.testing.assert_array_equal(Wh[k * n_a:(k + 1) * n_a], p["W" + g][:, :n_a])
        np.testing.assert_array_equal(Wx[k * n_a:(k + 1) * n_a], p["W" + g][:, n_a:])
        np.testing.assert_array_equal(b[k * n_a:(k + 1) * n_a], p["b" + g])
    xt, a_prev, c_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    a_core, c_core, step_cache = lstm_step_forward(Wx @ xt + b, a_prev, c_prev, Wh)
    gates, tanh_c, c_cached = step_cache.gates, step_cache.tanh_c, step_cache.c_prev
    a_next, c_next, _, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    np.testing.assert_allclose(a_core, a_next, atol=1e-13)
    np.testing.assert_allclose(c_core, c_next, atol=1e-13)
    np.testing.assert_allclose(gates, np.concatenate(cache[4:8]), atol=1e-13)
    np.testing.assert_allclose(tanh_c, np.tanh(c_next), atol=1e-13)
    assert c_cached is c_prev
    # and the backward of the core equals the course backward
    da, dc = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    dxw, da_prev, dc_prev = lstm_step_backward(da, dc, LSTMStepCache(a_prev, c_prev, gates, tanh_c), Wh)
    g = lstm_cell_backward(da, dc, cache)
    np.testing.assert_allclose(da_prev, g["da_prev"], atol=1e-13)
    np.testing.assert_allclose(dc_prev, g["dc_prev"], atol=1e-13)
    np.testing.assert_allclose(Wx.T @ dxw, g["dxt"], atol=1e-13)
    np.testing.assert_allclose(dxw[:n_a] @ np.concatenate([a_prev, xt]).T, g["dWf"], atol=1e-13)


def test_stack_params_does_not_alias_the_dict():
    p = make_params(np.random.default_rng(2))
    Wx, Wh, b = lstm_stack_params(p)
    before = {k: v.copy() for k, v in p.items()}
    Wx += 1.0
    Wh += 1.0
    b += 1.0
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])


def test_lstm_forward_matches_cell_loop_and_starts_from_zero_memory():
    rng = np.random.default_rng(3)
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    x, a0 = rng.standard_normal((3, 5, 6)), rng.standard_normal((4, 5))
    a, y, c, (cell_caches, x_cached) = lstm_forward(x, a0, p)
    assert x_cached is x and len(cell_caches) == 6
    a_t, c_t = a0, np.zeros((4, 5))
    for t in range(6):
        a_t, c_t, y_t, _ = reference_cell(x[:, :, t], a_t, c_t, p)
        np.testing.assert_allclose(a[:, :, t], a_t, atol=1e-12)
        np.testing.assert_allclose(c[:, :, t], c_t, atol=1e-12)
        np.testing.assert_allclose(y[:, :, t], y_t, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# gradient checks (float64)
# ---------------------------------------------------------------------------------------------


def test_lstm_step_backward_gradient_check():
    rng = np.random.default_rng(4)
    n_a, m = 3, 4
    xw = rng.standard_normal((4 * n_a, m))
    a_prev, c_prev = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    Wh = rng.standard_normal((4 * n_a, n_a)) * 0.7
    wa, wc = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))

    def loss():
        a_next, c_next, _ = lstm_step_forward(xw, a_prev, c_prev, Wh)
        return weighted_loss(a_next, wa) + weighted_loss(c_next, wc)

    _, _, cache = lstm_step_forward(xw, a_prev, c_prev, Wh)
    dxw, da_prev, dc_prev = lstm_step_backward(wa, wc, cache, Wh)
    analytic = {"dxw": dxw, "da_prev": da_prev, "dc_prev": dc_prev, "dWh": dxw @ a_prev.T}
    errors = check_gradients(loss, {"dxw": xw, "da_prev": a_prev, "dc_prev": c_prev, "dWh": Wh}, analytic)
    assert set(errors) == set(analytic)
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_lstm_cell_backward_gradient_check():
    rng = np.random.default_rng(5)
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    xt, a_prev, c_prev = rng.standard_normal((3, 5)), rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    wa, wc = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))

    def loss():
        a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, p)
        return weighted_loss(a_next, wa) + weighted_loss(c_next, wc)

    _, _, _, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    g = lstm_cell_backward(wa, wc, cache)
    arrays = {"dxt": xt, "da_prev": a_prev, "dc_prev": c_prev, **{k: p[k[1:]] for k in GRAD_KEYS}}
    errors = check_gradients(loss, arrays, g)
    assert set(errors) == set(g)
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_lstm_backward_gradient_check():
    rng = np.random.default_rng(6)
    T_x = 4
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    x, a0 = rng.standard_normal((3, 2, T_x)), rng.standard_normal((4, 2))
    w = rng.standard_normal((4, 2, T_x))

    def loss():
        return weighted_loss(lstm_forward(x, a0, p)[0], w)

    _, _, _, caches = lstm_forward(x, a0, p)
    g = lstm_backward(w, caches)
    arrays = {"dx": x, "da0": a0, **{k: p[k[1:]] for k in GRAD_KEYS}}
    errors = check_gradients(loss, arrays, g)
    assert set(errors) == set(g)
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_lstm_backward_over_a_prefix_is_the_gradient_of_that_prefix():
    """da with fewer steps than the forward (the course's 2021 test does this): gradient of the prefix loss."""
    rng = np.random.default_rng(7)
    p = make_params(rng, n_x=2, n_a=3, n_y=2)
    x, a0 = rng.standard_normal((2, 2, 5)), rng.standard_normal((3, 2))
    w = rng.standard_normal((3, 2, 3))

    def loss():
        return weighted_loss(lstm_forward(x, a0, p)[0][:, :, :3], w)

    g = lstm_backward(w, lstm_forward(x, a0, p)[3])
    errors = check_gradients(loss, {"da0": a0, "dWc": p["Wc"], "dbf": p["bf"]}, g)
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_gradient_check_would_catch_a_wrong_gradient():
    """Guard for the checks above: dropping the dc_next path (a classic LSTM bug) must fail them."""
    rng = np.random.default_rng(8)
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    xt, a_prev, c_prev = rng.standard_normal((3, 5)), rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    wa, wc = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    _, _, _, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    wrong = lstm_cell_backward(wa, np.zeros_like(wc), cache)

    def loss():
        a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, p)
        return weighted_loss(a_next, wa) + weighted_loss(c_next, wc)

    errors = check_gradients(loss, {"dWf": p["Wf"], "dc_prev": c_prev}, wrong)
    assert errors["dWf"] > 1e-4 and errors["dc_prev"] > 1e-4


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"])
def test_missing_parameter_key_names_the_key(key):
    rng = np.random.default_rng(9)
    p = make_params(rng)
    del p[key]
    with pytest.raises(ShapeError) as info:
        lstm_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), rng.standard_normal((4, 2)), p)
    assert repr(key) in str(info.value) and "lstm_cell_forward" in str(info.value)
    with pytest.raises(ShapeError, match=repr(key)):
        lstm_forward(rng.standard_normal((3, 2, 3)), rng.standard_normal((4, 2)), p)


def test_parameters_not_a_dict():
    rng = np.random.default_rng(9)
    with pytest.raises(ShapeError, match="dict"):
        lstm_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), rng.standard_normal((4, 2)), [1])


@pytest.mark.parametrize("shape", [(4, 2), (3, 3), (3,), (3, 2, 1)])
def test_wrong_shaped_xt(shape):
    rng = np.random.default_rng(10)
    p = make_params(rng, n_x=3, n_a=4)
    with pytest.raises(ShapeError, match="xt"):
        lstm_cell_forward(rng.standard_normal(shape), rng.standard_normal((4, 2)), rng.standard_normal((4, 2)), p)


@pytest.mark.parametrize("shape", [(3, 2), (4, 3), (4,)])
def test_wrong_shaped_c_prev(shape):
    rng = np.random.default_rng(11)
    p = make_params(rng, n_x=3, n_a=4)
    with pytest.raises(ShapeError, match="c_prev"):
        lstm_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), rng.standard_normal(shape), p)


def test_wrong_shaped_a_prev_and_gate_weights():
    rng = np.random.default_rng(12)
    p = make_params(rng, n_x=3, n_a=4)
    xt, c_prev = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    with pytest.raises(ShapeError, match="a_prev"):
        lstm_cell_forward(xt, rng.standard_normal((5, 2)), c_prev, p)
    bad = dict(p, Wo=rng.standard_normal((4, 6)))
    with pytest.raises(ShapeError, match="Wo"):
        lstm_cell_forward(xt, rng.standard_normal((4, 2)), c_prev, bad)
    bad = dict(p, bi=rng.standard_normal((4,)))
    with pytest.raises(ShapeError, match="bi"):
        lstm_cell_forward(xt, rng.standard_normal((4, 2)), c_prev, bad)


@pytest.mark.parametrize("shape", [(3, 2), (4, 2, 5), (3, 2, 5, 1)])
def test_lstm_forward_bad_x(shape):
    rng = np.random.default_rng(13)
    p = make_params(rng, n_x=3, n_a=4)
    with pytest.raises(ShapeError, match="x"):
        lstm_forward(rng.standard_normal(shape), rng.standard_normal((4, 2)), p)


def test_backward_bad_upstream_gradients():
    rng = np.random.default_rng(14)
    p = make_params(rng, n_x=3, n_a=4)
    xt, a_prev, c_prev = rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    _, _, _, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    with pytest.raises(ShapeError, match="da_next"):
        lstm_cell_backward(rng.standard_normal((4, 3)), c_prev, cache)
    with pytest.raises(ShapeError, match="dc_next"):
        lstm_cell_backward(a_prev, rng.standard_normal((3, 2)), cache)
    with pytest.raises(ShapeError, match="cache"):
        lstm_cell_backward(a_prev, c_prev, cache[:9])
    _, _, _, caches = lstm_forward(rng.standard_normal((3, 2, 3)), a_prev, p)
    for shape in [(4, 2, 4), (4, 2), (4, 3, 3), (4, 2, 0)]:
        with pytest.raises(ShapeError, match="da"):
            lstm_backward(rng.standard_normal(shape), caches)


def test_course_names_are_importable_from_the_package():
    import rnnlib

    for name in ("lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward",
                 "gru_cell_forward", "gru_forward", "gru_cell_backward", "gru_backward"):
        assert callable(getattr(rnnlib, name)), name


def test_issue9_inputs_must_be_numeric_arrays():
    """Fuzz findings: a ragged list or an object array used to end in ValueError/TypeError."""
    import rnnlib.course.lstm_step_by_step as m
    r = np.random.default_rng(0)
    p = {}
    for g in "fico":
        p["W" + g], p["b" + g] = r.standard_normal((5, 8)), r.standard_normal((5, 1))
    p["Wy"], p["by"] = r.standard_normal((2, 5)), r.standard_normal((2, 1))
    with pytest.raises(ShapeError, match="must be a numpy array"):
        m.lstm_cell_forward(r.standard_normal((3, 4)), [[1, 2], [3]], r.standard_normal((5, 4)), p)
    with pytest.raises(ShapeError, match="must hold numbers"):
        m.lstm_forward(r.standard_normal((3, 4, 2)).astype(object), r.standard_normal((5, 4)), p)


def test_issue9_lstm_cell_forward_needs_c_prev():
    """Long-run fuzz finding: lstm_cell_forward(xt, a_prev, None, p) raised TypeError."""
    import rnnlib.course.lstm_step_by_step as m
    r = np.random.default_rng(0)
    p = {}
    for g in "fico":
        p["W" + g], p["b" + g] = r.standard_normal((5, 8)), r.standard_normal((5, 1))
    p["Wy"], p["by"] = r.standard_normal((2, 5)), r.standard_normal((2, 1))
    with pytest.raises(ShapeError, match="c_prev"):
        m.lstm_cell_forward(r.standard_normal((3, 4)), r.standard_normal((5, 4)), None, p)


def test_overflowing_upstream_gradients_are_refused_not_returned_as_inf():
    from rnnlib.errors import TrainingDiverged

    rng = np.random.default_rng(0)
    n_x, n_a, n_y, m = 3, 5, 2, 4
    p = {k: rng.standard_normal((n_a, n_a + n_x)) * 0.1 for k in ("Wf", "Wi", "Wc", "Wo")}
    p.update({k: rng.standard_normal((n_a, 1)) for k in ("bf", "bi", "bc", "bo")})
    p.update(Wy=rng.standard_normal((n_y, n_a)), by=rng.standard_normal((n_y, 1)))
    _, _, _, cache = lstm_cell_forward(np.full((n_x, m), 3.0), rng.standard_normal((n_a, m)),
                                       rng.standard_normal((n_a, m)), p)
    huge = np.full((n_a, m), 1e308)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="lstm_cell_backward: dxt overflowed"):
        lstm_cell_backward(huge, huge, cache)
