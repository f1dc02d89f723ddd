"""Tests for rnnlib.course.rnn_step_by_step: the course's "Building a RNN step by step" functions (and the core RNN step)."""
import numpy as np
import pytest

from rnnlib.course.rnn_step_by_step import (
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)
from rnnlib.core.cells.rnn import rnn_step_backward, rnn_step_forward
from rnnlib.errors import ShapeError
from rnnlib.core.gradcheck import check_gradients, weighted_loss


def make_params(rng, n_x=3, n_a=5, n_y=2):
    return {
        "Wax": rng.standard_normal((n_a, n_x)),
        "Waa": rng.standard_normal((n_a, n_a)) * 0.5,
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": rng.standard_normal((n_a, 1)),
        "by": rng.standard_normal((n_y, 1)),
    }


def course_cell_inputs():
    """The course's rnn_cell_forward test cell: seed 1, then xt, a_prev, Waa, Wax, Wya, ba, by."""
    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    Waa = np.random.randn(5, 5)
    Wax = np.random.randn(5, 3)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    return xt, a_prev, {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}


def reference_cell(xt, a_prev, p):
    a = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    z = p["Wya"] @ a + p["by"]
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return a, e / e.sum(axis=0, keepdims=True)


# ---------------------------------------------------------------------------------------------
# shapes and formula
# ---------------------------------------------------------------------------------------------


def test_cell_forward_shapes_and_cache():
    rng = np.random.default_rng(0)
    p = make_params(rng, n_x=3, n_a=5, n_y=2)
    xt, a_prev = rng.standard_normal((3, 7)), rng.standard_normal((5, 7))
    a_next, yt, cache = rnn_cell_forward(xt, a_prev, p)
    assert a_next.shape == (5, 7)
    assert yt.shape == (2, 7)
    assert len(cache) == 4
    assert cache[0] is a_next and cache[1] is a_prev and cache[2] is xt and cache[3] is p


def test_cell_forward_matches_numpy_formula():
    rng = np.random.default_rng(1)
    p = make_params(rng, n_x=4, n_a=6, n_y=3)
    xt, a_prev = rng.standard_normal((4, 9)), rng.standard_normal((6, 9))
    a_next, yt, _ = rnn_cell_forward(xt, a_prev, p)
    a_ref, y_ref = reference_cell(xt, a_prev, p)
    np.testing.assert_allclose(a_next, a_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(yt, y_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(yt.sum(axis=0), 1.0, atol=1e-12)


def test_cell_forward_course_values_match_formula():
    xt, a_prev, p = course_cell_inputs()
    a_next, yt, _ = rnn_cell_forward(xt, a_prev, p)
    a_ref, y_ref = reference_cell(xt, a_prev, p)
    np.testing.assert_allclose(a_next[4], a_ref[4], atol=1e-12)
    np.testing.assert_allclose(yt[1], y_ref[1], atol=1e-12)


def test_cell_forward_course_published_values():
    xt, a_prev, p = course_cell_inputs()
    a_next, yt, _ = rnn_cell_forward(xt, a_prev, p)
    np.testing.assert_allclose(
        a_next[4],
        [0.59584544, 0.18141802, 0.61311866, 0.99808218, 0.85016201,
         0.99980978, -0.18887155, 0.99815551, 0.6531151, 0.82872037],
        atol=1e-7,
    )
    np.testing.assert_allclose(
        yt[1],
        [0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387,
         0.88945212, 0.36920224, 0.9966312, 0.9982559, 0.17746526],
        atol=1e-7,
    )
    assert a_next.shape == (5, 10) and yt.shape == (2, 10)


def test_rnn_forward_course_published_values():
    np.random.seed(1)
    x = np.random.randn(3, 10, 4)
    a0 = np.random.randn(5, 10)
    Waa = np.random.randn(5, 5)
    Wax = np.random.randn(5, 3)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    p = {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}
    a, y_pred, caches = rnn_forward(x, a0, p)
    np.testing.assert_allclose(a[4][1], [-0.99999375, 0.77911235, -0.99861469, -0.99833267], atol=1e-7)
    np.testing.assert_allclose(y_pred[1][3], [0.79560373, 0.86224861, 0.11118257, 0.81515947], atol=1e-7)
    np.testing.assert_allclose(caches[1][1][3], [-1.1425182, -0.34934272, -0.20889423, 0.58662319], atol=1e-7)
    assert a.shape == (5, 10, 4) and y_pred.shape == (2, 10, 4) and len(caches) == 2


def test_rnn_cell_backward_course_published_values():
    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    Wax = np.random.randn(5, 3)
    Waa = np.random.randn(5, 5)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    p = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba, "by": by}
    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    da_next = np.random.randn(5, 10)
    g = rnn_cell_backward(da_next, cache)
    assert g["dxt"][1][2] == pytest.approx(-1.3872130506020928, abs=1e-10)
    assert g["da_prev"][2][3] == pytest.approx(-0.15239949377395473, abs=1e-10)
    assert g["dWax"][3][1] == pytest.approx(0.41077282493545836, abs=1e-10)
    assert g["dWaa"][1][2] == pytest.approx(1.1503450668497135, abs=1e-10)
    np.testing.assert_allclose(g["dba"][4], [0.20023491], atol=1e-7)


def test_rnn_backward_course_published_values():
    np.random.seed(1)
    x = np.random.randn(3, 10, 4)
    a0 = np.random.randn(5, 10)
    Wax = np.random.randn(5, 3)
    Waa = np.random.randn(5, 5)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    p = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba, "by": by}
    _, _, caches = rnn_forward(x, a0, p)
    da = np.random.randn(5, 10, 4)
    g = rnn_backward(da, caches)
    np.testing.assert_allclose(g["dx"][1][2], [-2.07101689, -0.59255627, 0.02466855, 0.01483317], atol=1e-7)
    assert g["da0"][2][3] == pytest.approx(-0.314942375127, abs=1e-10)
    assert g["dWax"][3][1] == pytest.approx(11.2641044965, abs=1e-9)
    assert g["dWaa"][1][2] == pytest.approx(2.30333312658, abs=1e-9)
    np.testing.assert_allclose(g["dba"][4], [-0.74747722], atol=1e-7)


def test_rnn_forward_shapes_and_matches_cell_loop():
    rng = np.random.default_rng(2)
    p = make_params(rng, n_x=3, n_a=5, n_y=4)
    x, a0 = rng.standard_normal((3, 6, 7)), rng.standard_normal((5, 6))
    a, y_pred, caches = rnn_forward(x, a0, p)
    assert a.shape == (5, 6, 7)
    assert y_pred.shape == (4, 6, 7)
    cell_caches, x_cached = caches
    assert len(cell_caches) == 7 and x_cached is x
    a_t = a0
    for t in range(7):
        a_t, y_t = reference_cell(x[:, :, t], a_t, p)
        np.testing.assert_allclose(a[:, :, t], a_t, atol=1e-12)
        np.testing.assert_allclose(y_pred[:, :, t], y_t, atol=1e-12)


def test_backward_shapes():
    rng = np.random.default_rng(3)
    p = make_params(rng, n_x=3, n_a=5, n_y=2)
    xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    g = rnn_cell_backward(rng.standard_normal((5, 4)), cache)
    assert {k: v.shape for k, v in g.items()} == {
        "dxt": (3, 4), "da_prev": (5, 4), "dWax": (5, 3), "dWaa": (5, 5), "dba": (5, 1)
    }
    x, a0 = rng.standard_normal((3, 4, 6)), rng.standard_normal((5, 4))
    _, _, caches = rnn_forward(x, a0, p)
    g = rnn_backward(rng.standard_normal((5, 4, 6)), caches)
    assert {k: v.shape for k, v in g.items()} == {
        "dx": (3, 4, 6), "da0": (5, 4), "dWax": (5, 3), "dWaa": (5, 5), "dba": (5, 1)
    }


def test_step_functions_are_the_cell():
    rng = np.random.default_rng(4)
    Waa = rng.standard_normal((4, 4))
    xw, a_prev = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    a = rnn_step_forward(xw, a_prev, Waa)
    np.testing.assert_allclose(a, np.tanh(xw + Waa @ a_prev))
    da = rng.standard_normal((4, 3))
    dxw, da_prev = rnn_step_backward(da, a, Waa)
    np.testing.assert_allclose(dxw, (1 - a**2) * da)
    np.testing.assert_allclose(da_prev, Waa.T @ ((1 - a**2) * da))


# ---------------------------------------------------------------------------------------------
# gradient checks (float64)
# ---------------------------------------------------------------------------------------------


def test_rnn_cell_backward_gradient_check():
    rng = np.random.default_rng(5)
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    xt, a_prev = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    w = rng.standard_normal((4, 5))

    def loss():
        return weighted_loss(rnn_cell_forward(xt, a_prev, p)[0], w)

    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    g = rnn_cell_backward(w, cache)
    errors = check_gradients(
        loss,
        {"dxt": xt, "da_prev": a_prev, "dWax": p["Wax"], "dWaa": p["Waa"], "dba": p["ba"]},
        g,
    )
    assert set(errors) == {"dxt", "da_prev", "dWax", "dWaa", "dba"}
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_rnn_backward_gradient_check():
    rng = np.random.default_rng(6)
    T_x = 4
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    x, a0 = rng.standard_normal((3, 2, T_x)), rng.standard_normal((4, 2))
    w = rng.standard_normal((4, 2, T_x))

    def loss():
        return weighted_loss(rnn_forward(x, a0, p)[0], w)

    _, _, caches = rnn_forward(x, a0, p)
    g = rnn_backward(w, caches)
    errors = check_gradients(
        loss,
        {"dx": x, "da0": a0, "dWax": p["Wax"], "dWaa": p["Waa"], "dba": p["ba"]},
        g,
    )
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_gradient_check_would_catch_a_wrong_gradient():
    """Guard for the two tests above: a perturbed gradient must fail the same threshold."""
    rng = np.random.default_rng(7)
    p = make_params(rng, n_x=3, n_a=4, n_y=2)
    xt, a_prev = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    w = rng.standard_normal((4, 5))
    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    g = rnn_cell_backward(w, cache)
    wrong = {"dWaa": g["dWaa"] * 1.01}
    errors = check_gradients(lambda: weighted_loss(rnn_cell_forward(xt, a_prev, p)[0], w), {"dWaa": p["Waa"]}, wrong)
    assert errors["dWaa"] > 1e-4


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["Wax", "Waa", "Wya", "ba", "by"])
def test_missing_parameter_key_names_the_key(key):
    rng = np.random.default_rng(8)
    p = make_params(rng)
    del p[key]
    with pytest.raises(ShapeError) as info:
        rnn_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((5, 2)), p)
    assert repr(key) in str(info.value)
    assert "rnn_cell_forward" in str(info.value)


def test_missing_key_in_rnn_forward():
    rng = np.random.default_rng(8)
    p = make_params(rng)
    del p["Wya"]
    with pytest.raises(ShapeError, match="'Wya'"):
        rnn_forward(rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2)), p)


def test_parameters_not_a_dict():
    rng = np.random.default_rng(8)
    with pytest.raises(ShapeError, match="dict"):
        rnn_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((5, 2)), [1, 2, 3])


@pytest.mark.parametrize("shape", [(4, 2), (3, 3), (3,), (3, 2, 1)])
def test_wrong_shaped_xt(shape):
    rng = np.random.default_rng(9)
    p = make_params(rng, n_x=3, n_a=5)
    with pytest.raises(ShapeError, match="xt"):
        rnn_cell_forward(rng.standard_normal(shape), rng.standard_normal((5, 2)), p)


def test_wrong_shaped_a_prev():
    rng = np.random.default_rng(9)
    p = make_params(rng, n_x=3, n_a=5)
    with pytest.raises(ShapeError, match="a_prev"):
        rnn_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), p)


@pytest.mark.parametrize("shape", [(3, 2), (3,), (3, 2, 4, 1)])
def test_rnn_forward_needs_3d_x(shape):
    rng = np.random.default_rng(10)
    p = make_params(rng, n_x=3, n_a=5)
    with pytest.raises(ShapeError, match="x"):
        rnn_forward(rng.standard_normal(shape), rng.standard_normal((5, 2)), p)


def test_rnn_backward_wrong_da():
    rng = np.random.default_rng(11)
    p = make_params(rng, n_x=3, n_a=5)
    _, _, caches = rnn_forward(rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2)), p)
    with pytest.raises(ShapeError, match="da"):
        rnn_backward(rng.standard_normal((5, 2, 3)), caches)
    with pytest.raises(ShapeError, match="da"):
        rnn_backward(rng.standard_normal((5, 2)), caches)


def test_cell_backward_wrong_da_next():
    rng = np.random.default_rng(12)
    p = make_params(rng, n_x=3, n_a=5)
    _, _, cache = rnn_cell_forward(rng.standard_normal((3, 2)), rng.standard_normal((5, 2)), p)
    with pytest.raises(ShapeError, match="da_next"):
        rnn_cell_backward(rng.standard_normal((5, 3)), cache)


def test_shape_error_is_a_value_error():
    assert issubclass(ShapeError, ValueError)


def test_issue9_inputs_must_be_numeric_arrays():
    """Fuzz findings: a list, a string or an object array for an input used to end in AttributeError."""
    import rnnlib.course.rnn_step_by_step as m
    r = np.random.default_rng(0)
    p = {"Wax": r.standard_normal((5, 3)), "Waa": r.standard_normal((5, 5)), "Wya": r.standard_normal((2, 5)),
         "ba": r.standard_normal((5, 1)), "by": r.standard_normal((2, 1))}
    with pytest.raises(ShapeError, match="a_prev must be a numpy array"):
        m.rnn_cell_forward(r.standard_normal((3, 4)), r.standard_normal((5, 4)).tolist(), p)
    with pytest.raises(ShapeError, match="x must be a numpy array"):
        m.rnn_forward("abc", r.standard_normal((5, 4)), p)
    with pytest.raises(ShapeError, match="a0 must be a numpy array"):
        m.rnn_forward(r.standard_normal((3, 4, 2)), [[1, 2], [3]], p)
    with pytest.raises(ShapeError, match="must hold numbers"):
        m.rnn_cell_forward(r.standard_normal((3, 4)).astype(object), r.standard_normal((5, 4)), p)


def test_issue9_backward_checks_the_cache_arrays():
    """Fuzz finding: a cache with a bad entry (a string xt, a short a_prev) ended in AttributeError/ValueError."""
    import rnnlib.course.rnn_step_by_step as m
    r = np.random.default_rng(0)
    p = {"Wax": r.standard_normal((5, 3)), "Waa": r.standard_normal((5, 5)), "Wya": r.standard_normal((2, 5)),
         "ba": r.standard_normal((5, 1)), "by": r.standard_normal((2, 1))}
    a_next, _, cache = m.rnn_cell_forward(r.standard_normal((3, 4)), r.standard_normal((5, 4)), p)
    with pytest.raises(ShapeError, match="xt must be a numpy array"):
        m.rnn_cell_backward(np.ones((5, 4)), (cache[0], cache[1], "abc", cache[3]))
    with pytest.raises(ShapeError, match="a_prev has shape"):
        m.rnn_cell_backward(np.ones((5, 4)), (cache[0], cache[1][:-1], cache[2], cache[3]))
    with pytest.raises(ShapeError, match="Wax has shape"):
        m.rnn_cell_backward(np.ones((5, 4)), (cache[0], cache[1], cache[2], {**p, "Wax": np.ones((5, 2))}))


def test_rnn_forward_with_a_one_dimensional_wya_names_it():
    from rnnlib.course.rnn_step_by_step import rnn_forward

    rng = np.random.default_rng(0)
    p = make_params(rng)
    p["Wya"] = np.float64(1.0)  # 0-D: its rows would size y_pred
    with pytest.raises(ShapeError, match="Wya"):
        rnn_forward(rng.standard_normal((3, 4, 2)), rng.standard_normal((5, 4)), p)
