"""Tests for rnnlib.course.gru_step_by_step and the core GRU step: the lecture's GRU (reset applied to a_prev before the product)."""
import numpy as np
import pytest

from rnnlib.course.gru_step_by_step import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
)
from rnnlib.core.cells.gru import gru_step_backward, gru_step_forward
from rnnlib.errors import ShapeError
from rnnlib.core.gradcheck import check_gradients, weighted_loss

GATE_GRADS = ("dWu", "dbu", "dWr", "dbr", "dWc", "dbc")


def make_params(rng, n_x=3, n_a=5, n_y=2):
    p = {}
    for g in "urc":
        p["W" + g] = rng.standard_normal((n_a, n_a + n_x)) * 0.7
        p["b" + g] = rng.standard_normal((n_a, 1)) * 0.5
    p["Wy"] = rng.standard_normal((n_y, n_a))
    p["by"] = rng.standard_normal((n_y, 1))
    return p


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_cell(xt, a_prev, p):
    """The lecture's equations written out directly, with the concatenations."""
    ax = np.vstack([a_prev, xt])
    gu = sig(p["Wu"] @ ax + p["bu"])
    gr = sig(p["Wr"] @ ax + p["br"])
    cc = np.tanh(p["Wc"] @ np.vstack([gr * a_prev, xt]) + p["bc"])
    a = gu * cc + (1 - gu) * a_prev
    z = p["Wy"] @ a + p["by"]
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return a, e / e.sum(axis=0, keepdims=True), (gu, gr, cc)


def pytorch_style_cell(xt, a_prev, p):
    """The cuDNN/PyTorch variant (reset after the product), same weights, to show it differs."""
    n_a = a_prev.shape[0]
    ax = np.vstack([a_prev, xt])
    gu = sig(p["Wu"] @ ax + p["bu"])
    gr = sig(p["Wr"] @ ax + p["br"])
    cc = np.tanh(p["Wc"][:, n_a:] @ xt + p["bc"] + gr * (p["Wc"][:, :n_a] @ a_prev))
    return gu * cc + (1 - gu) * a_prev


def stacked_from(p, n_a):
    """Independent conversion of a course dict to (Wx, Wh, b) in the order update, reset, candidate."""
    Wx = np.vstack([p["Wu"][:, n_a:], p["Wr"][:, n_a:], p["Wc"][:, n_a:]])
    Wh = np.vstack([p["Wu"][:, :n_a], p["Wr"][:, :n_a], p["Wc"][:, :n_a]])
    b = np.vstack([p["bu"], p["br"], p["bc"]])
    return Wx, Wh, b


# ---------------------------------------------------------------------------------------------
# forward against the equations
# ---------------------------------------------------------------------------------------------


def test_cell_forward_matches_equations_and_cache():
    rng = np.random.default_rng(0)
    p = make_params(rng, n_x=4, n_a=6, n_y=3)
    xt, a_prev = rng.standard_normal((4, 9)), rng.standard_normal((6, 9))
    a_next, yt, cache = gru_cell_forward(xt, a_prev, p)
    a_ref, y_ref, (gu, gr, cc) = reference_cell(xt, a_prev, p)
    assert a_next.shape == (6, 9) and yt.shape == (3, 9)
    np.testing.assert_allclose(a_next, a_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(yt, y_ref, rtol=1e-12, atol=1e-12)
    assert len(cache) == 7
    assert cache[0] is a_next and cache[1] is a_prev and cache[2] is xt and cache[6] is p
    for got, want in zip(cache[3:6], (gu, gr, cc)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_reference_distinguishes_the_pytorch_variant():
    """The forward test above would catch an implementation of the other GRU variant."""
    rng = np.random.default_rng(1)
    p = make_params(rng)
    xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    a_next = gru_cell_forward(xt, a_prev, p)[0]
    assert np.abs(a_next - pytorch_style_cell(xt, a_prev, p)).max() > 1e-3


def test_step_forward_matches_equations():
    rng = np.random.default_rng(2)
    n_x, n_a, m = 3, 4, 5
    p = make_params(rng, n_x=n_x, n_a=n_a)
    xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
    Wx, Wh, b = stacked_from(p, n_a)
    a_next, cache = gru_step_forward(Wx @ xt + b, a_prev, Wh)
    a_ref, _, (gu, gr, cc) = reference_cell(xt, a_prev, p)
    np.testing.assert_allclose(a_next, a_ref, rtol=1e-12, atol=1e-12)
    prev, ra = cache.a_prev, cache.reset_a_prev
    assert prev is a_prev
    np.testing.assert_allclose(ra, gr * a_prev, rtol=1e-12, atol=1e-12)


def test_gru_forward_matches_reference_loop():
    rng = np.random.default_rng(3)
    p = make_params(rng, n_x=3, n_a=5, n_y=4)
    x, a0 = rng.standard_normal((3, 6, 7)), rng.standard_normal((5, 6))
    a, y, caches = gru_forward(x, a0, p)
    assert a.shape == (5, 6, 7) and y.shape == (4, 6, 7)
    cell_caches, x_cached = caches
    assert len(cell_caches) == 7 and x_cached is x
    a_t = a0
    for t in range(7):
        a_t, y_t, _ = reference_cell(x[:, :, t], a_t, p)
        np.testing.assert_allclose(a[:, :, t], a_t, atol=1e-12)
        np.testing.assert_allclose(y[:, :, t], y_t, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# saturated update gate
# ---------------------------------------------------------------------------------------------


def test_update_gate_closed_carries_state_unchanged():
    rng = np.random.default_rng(4)
    p = make_params(rng)
    p["bu"] = np.full((5, 1), -1e3)
    x, a0 = rng.standard_normal((3, 4, 5)), rng.standard_normal((5, 4))
    with np.errstate(over="ignore"):  # sigmoid(-1e3) overflows exp on the way to exactly 0
        a_next = gru_cell_forward(x[:, :, 0], a0, p)[0]
        a = gru_forward(x, a0, p)[0]
    np.testing.assert_array_equal(a_next, a0)
    for t in range(5):
        np.testing.assert_array_equal(a[:, :, t], a0)


def test_update_gate_open_gives_the_candidate():
    rng = np.random.default_rng(5)
    p = make_params(rng)
    p["bu"] = np.full((5, 1), 1e3)
    xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    a_next, _, cache = gru_cell_forward(xt, a_prev, p)
    gr = sig(p["Wr"] @ np.vstack([a_prev, xt]) + p["br"])
    candidate = np.tanh(p["Wc"] @ np.vstack([gr * a_prev, xt]) + p["bc"])
    np.testing.assert_allclose(a_next, candidate, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(a_next, cache[5])
    assert np.abs(a_next - a_prev).max() > 1e-2


# ---------------------------------------------------------------------------------------------
# gradient checks (float64)
# ---------------------------------------------------------------------------------------------


def test_step_backward_gradient_check():
    rng = np.random.default_rng(6)
    n_a, m = 4, 3
    xw = rng.standard_normal((3 * n_a, m))
    a_prev = rng.standard_normal((n_a, m))
    Wh = rng.standard_normal((3 * n_a, n_a)) * 0.7
    w = rng.standard_normal((n_a, m))

    def loss():
        return weighted_loss(gru_step_forward(xw, a_prev, Wh)[0], w)

    _, cache = gru_step_forward(xw, a_prev, Wh)
    dxw, da_prev = gru_step_backward(w, cache, Wh)
    prev, ra = cache.a_prev, cache.reset_a_prev
    dWh = np.vstack([dxw[: 2 * n_a] @ prev.T, dxw[2 * n_a:] @ ra.T])  # as documented
    errors = check_gradients(loss, {"xw": xw, "a_prev": a_prev, "Wh": Wh},
                             {"xw": dxw, "a_prev": da_prev, "Wh": dWh})
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_cell_backward_gradient_check():
    rng = np.random.default_rng(7)
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    xt, a_prev = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    w = rng.standard_normal((4, 5))

    def loss():
        return weighted_loss(gru_cell_forward(xt, a_prev, p)[0], w)

    _, _, cache = gru_cell_forward(xt, a_prev, p)
    g = gru_cell_backward(w, cache)
    assert {k: v.shape for k, v in g.items()} == {
        "dxt": (3, 5), "da_prev": (4, 5), "dWu": (4, 7), "dbu": (4, 1),
        "dWr": (4, 7), "dbr": (4, 1), "dWc": (4, 7), "dbc": (4, 1),
    }
    arrays = {"dxt": xt, "da_prev": a_prev, **{k: p[k[1:]] for k in GATE_GRADS}}
    errors = check_gradients(loss, arrays, g)
    assert set(errors) == set(g)
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_gru_backward_gradient_check():
    rng = np.random.default_rng(8)
    T_x = 4
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    x, a0 = rng.standard_normal((3, 2, T_x)), rng.standard_normal((4, 2))
    w = rng.standard_normal((4, 2, T_x))

    def loss():
        return weighted_loss(gru_forward(x, a0, p)[0], w)

    _, _, caches = gru_forward(x, a0, p)
    g = gru_backward(w, caches)
    assert {k: v.shape for k, v in g.items()} == {
        "dx": (3, 2, T_x), "da0": (4, 2), "dWu": (4, 7), "dbu": (4, 1),
        "dWr": (4, 7), "dbr": (4, 1), "dWc": (4, 7), "dbc": (4, 1),
    }
    arrays = {"dx": x, "da0": a0, **{k: p[k[1:]] for k in GATE_GRADS}}
    errors = check_gradients(loss, arrays, g)
    assert set(errors) == set(g)
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_gradient_check_would_catch_the_wrong_recurrent_input():
    """Forming dWh[2n_a:] with a_prev instead of Γr * a_prev must fail the same threshold."""
    rng = np.random.default_rng(9)
    n_a, m = 4, 3
    xw, a_prev = rng.standard_normal((3 * n_a, m)), rng.standard_normal((n_a, m))
    Wh = rng.standard_normal((3 * n_a, n_a))
    w = rng.standard_normal((n_a, m))
    _, cache = gru_step_forward(xw, a_prev, Wh)
    dxw, _ = gru_step_backward(w, cache, Wh)
    wrong = np.vstack([dxw[: 2 * n_a] @ a_prev.T, dxw[2 * n_a:] @ a_prev.T])
    errors = check_gradients(lambda: weighted_loss(gru_step_forward(xw, a_prev, Wh)[0], w),
                             {"Wh": Wh}, {"Wh": wrong})
    assert errors["Wh"] > 1e-4


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["Wu", "bu", "Wr", "br", "Wc", "bc", "Wy", "by"])
def test_missing_parameter_key_names_the_key(key):
    rng = np.random.default_rng(10)
    p = make_params(rng)
    del p[key]
    with pytest.raises(ShapeError) as info:
        gru_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((5, 2)), p)
    assert repr(key) in str(info.value) and "gru_cell_forward" in str(info.value)
    with pytest.raises(ShapeError, match=repr(key)):
        gru_forward(rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2)), p)


@pytest.mark.parametrize("key,shape", [("Wr", (5, 7)), ("Wc", (4, 8)), ("bu", (5,)),
                                       ("bc", (4, 1)), ("Wy", (2, 4)), ("by", (3, 1))])
def test_wrong_shaped_parameter(key, shape):
    rng = np.random.default_rng(11)
    p = make_params(rng, n_x=3, n_a=5)
    p[key] = rng.standard_normal(shape)
    with pytest.raises(ShapeError, match=key):
        gru_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((5, 2)), p)


def test_wu_without_room_for_input():
    rng = np.random.default_rng(11)
    p = make_params(rng, n_x=3, n_a=5)
    p["Wu"] = rng.standard_normal((5, 5))
    with pytest.raises(ShapeError, match="Wu"):
        gru_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((5, 2)), p)


@pytest.mark.parametrize("shape", [(4, 2), (3, 3), (3,), (3, 2, 1)])
def test_wrong_shaped_xt(shape):
    rng = np.random.default_rng(12)
    p = make_params(rng, n_x=3, n_a=5)
    with pytest.raises(ShapeError, match="xt"):
        gru_cell_forward(rng.standard_normal(shape), rng.standard_normal((5, 2)), p)


def test_wrong_shaped_a_prev_and_a0():
    rng = np.random.default_rng(13)
    p = make_params(rng, n_x=3, n_a=5)
    with pytest.raises(ShapeError, match="a_prev"):
        gru_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), p)
    with pytest.raises(ShapeError, match="a0"):
        gru_forward(rng.standard_normal((3, 2, 4)), rng.standard_normal((4, 2)), p)


@pytest.mark.parametrize("shape", [(3, 2), (3, 2, 4, 1), (4, 2, 3), (3, 5, 3)])
def test_gru_forward_wrong_x(shape):
    rng = np.random.default_rng(14)
    p = make_params(rng, n_x=3, n_a=5)
    with pytest.raises(ShapeError, match="x"):
        gru_forward(rng.standard_normal(shape), rng.standard_normal((5, 2)), p)


def test_backward_wrong_upstream_gradients():
    rng = np.random.default_rng(15)
    p = make_params(rng, n_x=3, n_a=5)
    _, _, cache = gru_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((5, 2)), p)
    with pytest.raises(ShapeError, match="da_next"):
        gru_cell_backward(rng.standard_normal((5, 3)), cache)
    _, _, caches = gru_forward(rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2)), p)
    for shape in [(5, 2, 3), (5, 2), (4, 2, 4), (5, 3, 4)]:
        with pytest.raises(ShapeError, match="da"):
            gru_backward(rng.standard_normal(shape), caches)


def test_cell_backward_rejects_a_foreign_cache():
    rng = np.random.default_rng(16)
    with pytest.raises(ShapeError, match="cache"):
        gru_cell_backward(rng.standard_normal((5, 2)), (1, 2, 3, 4))


def test_issue9_inputs_must_be_numeric_arrays():
    """Fuzz findings: a list a0 or an object-array x used to end in AttributeError/TypeError."""
    import rnnlib.course.gru_step_by_step as m
    r = np.random.default_rng(0)
    p = {}
    for g in "urc":
        p["W" + g], p["b" + g] = r.standard_normal((5, 8)), r.standard_normal((5, 1))
    p["Wy"], p["by"] = r.standard_normal((2, 5)), r.standard_normal((2, 1))
    with pytest.raises(ShapeError, match="a0 must be a numpy array"):
        m.gru_forward(r.standard_normal((3, 4, 2)), r.standard_normal((5, 4)).tolist(), p)
    with pytest.raises(ShapeError, match="must hold numbers"):
        m.gru_cell_forward(r.standard_normal((3, 4)).astype(object), r.standard_normal((5, 4)), p)


def test_overflowing_inputs_are_refused_not_returned_as_nan():
    # finite but huge: the state carries (1 - Γu) * a_prev unbounded, and Wy @ a overflows
    from rnnlib.course.gru_step_by_step import gru_cell_forward, gru_forward
    from rnnlib.errors import TrainingDiverged

    rng = np.random.default_rng(0)
    p = make_params(rng)
    p["Wy"] = np.full_like(p["Wy"], 1e300)
    a_prev = np.full((5, 4), 1e300)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="overflowed"):
        gru_cell_forward(rng.standard_normal((3, 4)), a_prev, p)
    with np.errstate(all="ignore"), pytest.raises(TrainingDiverged, match="overflowed"):
        gru_forward(rng.standard_normal((3, 4, 2)), a_prev, p)
