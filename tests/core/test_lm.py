"""Tests for rnnlib.core.lm: the id-based language-model forward/backward shared by the course and trainer."""
import numpy as np
import pytest

from rnnlib.core import kernels, lm
from rnnlib.errors import ConfigError, ShapeError, VocabularyError
from rnnlib.core.gradcheck import check_gradients, numerical_gradient, relative_error

V, N_A = 5, 4


def params64(seed=0, V=V, n_a=N_A, scale=0.8):
    rng = np.random.default_rng(seed)
    return {
        "Wax": rng.standard_normal((n_a, V)) * scale,
        "Waa": rng.standard_normal((n_a, n_a)) * scale,
        "Wya": rng.standard_normal((V, n_a)) * scale,
        "b": rng.standard_normal((n_a, 1)) * 0.3,
        "by": rng.standard_normal((V, 1)) * 0.3,
    }


def reference_loss(p, X, Y, a0=None):
    """Per-example, per-step loop with explicit one-hot inputs (the course's utils.rnn_forward)."""
    T, m = X.shape
    n_a, Vs = p["Wax"].shape
    total = 0.0
    states = np.zeros((n_a, T, m))
    for j in range(m):
        a = np.zeros((n_a, 1)) if a0 is None else a0[:, j : j + 1]
        for t in range(T):
            x = np.zeros((Vs, 1))
            if X[t, j] >= 0:
                x[X[t, j]] = 1.0
            a = np.tanh(p["Wax"] @ x + p["Waa"] @ a + p["b"])
            states[:, t, j] = a[:, 0]
            z = p["Wya"] @ a + p["by"]
            y = np.exp(z - z.max())
            y /= y.sum()
            if Y[t, j] >= 0:
                total -= np.log(y[Y[t, j], 0])
    return total, states


def batch(seqs, end):
    """Post-padded X/Y for lists of ids (X starts with -1, Y ends with ``end`` then -1)."""
    T = max(len(s) for s in seqs) + 1
    X = np.full((T, len(seqs)), -1, dtype=np.int64)
    Y = np.full((T, len(seqs)), -1, dtype=np.int64)
    for j, s in enumerate(seqs):
        X[1 : len(s) + 1, j] = s
        Y[: len(s), j] = s
        Y[len(s), j] = end
    return X, Y


# ---------------------------------------------------------------------------------------------
# forward against a reference loop
# ---------------------------------------------------------------------------------------------


def test_forward_loss_matches_reference_loop_m1():
    p = params64(1)
    X = np.array([[-1], [2], [3], [1], [4]])
    Y = np.array([[2], [3], [1], [4], [0]])
    loss, count, cache = lm.forward(p, X, Y)
    ref, states = reference_loss(p, X, Y)
    assert count == 5
    assert loss == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(lm.hidden_states(cache), states, atol=1e-12)


def test_forward_loss_matches_reference_loop_m3_with_a0():
    p = params64(2)
    rng = np.random.default_rng(3)
    X = rng.integers(0, V, size=(6, 3))
    X[0] = -1
    Y = rng.integers(0, V, size=(6, 3))
    a0 = rng.standard_normal((N_A, 3)) * 0.5
    loss, count, cache = lm.forward(p, X, Y, a0)
    ref, states = reference_loss(p, X, Y, a0)
    assert count == 18
    assert loss == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(lm.hidden_states(cache), states, atol=1e-12)
    np.testing.assert_allclose(lm.final_state(cache), states[:, -1], atol=1e-12)


def test_forward_count_excludes_padding():
    p = params64(4)
    X, Y = batch([[1, 2, 3], [4], [2, 2]], end=0)
    loss, count, _ = lm.forward(p, X, Y)
    assert count == 4 + 2 + 3
    ref, _ = reference_loss(p, X, Y)
    assert loss == pytest.approx(ref, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# padding
# ---------------------------------------------------------------------------------------------


def test_padding_changes_neither_loss_nor_gradients():
    p = params64(5)
    names = [[1, 2, 3, 4, 1], [3], [2, 4, 4]]
    X, Y = batch(names, end=0)
    loss, count, cache = lm.forward(p, X, Y)
    grads, da0 = lm.backward(cache)

    total_loss, total_count = 0.0, 0
    total = {k: np.zeros_like(v) for k, v in grads.items()}
    da0_alone = []
    for s in names:
        x1, y1 = batch([s], end=0)
        l1, c1, cache1 = lm.forward(p, x1, y1)
        g1, d1 = lm.backward(cache1)
        total_loss += l1
        total_count += c1
        da0_alone.append(d1[:, 0])
        for k in total:
            total[k] += g1[k]
    assert loss == pytest.approx(total_loss, rel=1e-12)
    assert count == total_count
    for k in total:
        np.testing.assert_allclose(grads[k], total[k], rtol=1e-10, atol=1e-12, err_msg=k)
    np.testing.assert_allclose(da0, np.stack(da0_alone, axis=1), rtol=1e-10, atol=1e-12)


def test_all_padding_column_contributes_nothing():
    p = params64(6)
    X = np.array([[-1, -1], [1, -1], [2, -1]])
    Y = np.array([[1, -1], [2, -1], [0, -1]])
    loss, count, cache = lm.forward(p, X, Y)
    grads, da0 = lm.backward(cache)
    l1, c1, cache1 = lm.forward(p, X[:, :1], Y[:, :1])
    g1, _ = lm.backward(cache1)
    assert count == c1 == 3
    assert loss == pytest.approx(l1)
    for k in g1:
        np.testing.assert_allclose(grads[k], g1[k], atol=1e-12)
    np.testing.assert_array_equal(da0[:, 1], 0.0)


# ---------------------------------------------------------------------------------------------
# gradient checks
# ---------------------------------------------------------------------------------------------


def gradcheck_problem():
    p = params64(7, V=5, n_a=4)
    rng = np.random.default_rng(8)
    names = [[1, 3, 2, 4, 1], [2, 2, 3], [4, 1, 3, 3]]  # T = 6, with padding in columns 1 and 2
    X, Y = batch(names, end=0)
    assert X.shape == (6, 3)
    a0 = rng.standard_normal((4, 3)) * 0.5
    return p, X, Y, a0


def test_gradient_check_all_parameters_and_a0():
    p, X, Y, a0 = gradcheck_problem()

    def loss():
        return lm.forward(p, X, Y, a0)[0]

    _, _, cache = lm.forward(p, X, Y, a0)
    grads, da0 = lm.backward(cache)
    arrays = {"d" + k: v for k, v in p.items()}
    arrays["da0"] = a0
    analytic = dict(grads)
    analytic["da0"] = da0
    errors = check_gradients(loss, arrays, analytic)
    assert set(errors) == {"dWax", "dWaa", "dWya", "db", "dby", "da0"}
    for name, err in errors.items():
        assert err < 1e-7, (name, err)


def test_gradient_check_with_da_last():
    p, X, Y, a0 = gradcheck_problem()
    X, Y = X[:, :1], Y[:, :1]  # no padding: da_last must feed a real final state
    a0 = a0[:, :1]
    w = np.random.default_rng(9).standard_normal((4, 1))

    def loss():
        l, _, c = lm.forward(p, X, Y, a0)
        return l + float(np.sum(lm.final_state(c) * w))

    _, _, cache = lm.forward(p, X, Y, a0)
    grads, da0 = lm.backward(cache, da_last=w)
    for name in ("Waa", "Wax", "b"):
        num = numerical_gradient(loss, p[name])
        assert relative_error(grads["d" + name], num) < 1e-7, name
    assert relative_error(da0, numerical_gradient(loss, a0)) < 1e-7


def test_gradient_shapes():
    p, X, Y, a0 = gradcheck_problem()
    _, _, cache = lm.forward(p, X, Y, a0)
    grads, da0 = lm.backward(cache)
    assert set(grads) == {"dWax", "dWaa", "dWya", "db", "dby"}
    for k in lm.PARAM_NAMES:
        assert grads["d" + k].shape == p[k].shape
    assert da0.shape == (4, 3)


# ---------------------------------------------------------------------------------------------
# dtype
# ---------------------------------------------------------------------------------------------


def test_float32_params_give_float32_grads():
    p = lm.init_parameters(V, N_A, seed=1, dtype=np.float32)
    X, Y = batch([[1, 2, 3], [4, 1]], end=0)
    loss, _, cache = lm.forward(p, X, Y)
    assert np.isfinite(loss)
    grads, da0 = lm.backward(cache)
    for k, g in grads.items():
        assert g.dtype == np.float32, k
    assert da0.dtype == np.float32
    # and close to the float64 computation
    p64 = {k: v.astype(np.float64) for k, v in p.items()}
    loss64, _, cache64 = lm.forward(p64, X, Y)
    g64, _ = lm.backward(cache64)
    assert loss == pytest.approx(loss64, rel=1e-5)
    for k in grads:
        np.testing.assert_allclose(grads[k], g64[k], rtol=1e-3, atol=1e-5)


# ---------------------------------------------------------------------------------------------
# step, scatter_columns
# ---------------------------------------------------------------------------------------------


def test_step_consistent_with_forward_hidden_states():
    p = params64(10)
    X, Y = batch([[1, 2, 3, 4], [3, 3]], end=0)
    _, _, cache = lm.forward(p, X, Y)
    H = lm.hidden_states(cache)
    a = np.zeros((N_A, 2))
    for t in range(X.shape[0]):
        logits, a = lm.step(p, X[t], a)
        np.testing.assert_allclose(a, H[:, t], atol=1e-12)
        np.testing.assert_allclose(logits, p["Wya"] @ a + p["by"], atol=1e-12)
        assert logits.shape == (V, 2)


def test_scatter_columns_equals_onehot_product():
    rng = np.random.default_rng(11)
    values = rng.standard_normal((4, 9))
    ids = np.array([0, 3, 3, -1, 2, 0, 6, -1, 3])
    onehot = np.zeros((9, 7))
    for k, i in enumerate(ids):
        if i >= 0:
            onehot[k, i] = 1.0
    out = lm.scatter_columns(values, ids, 7)
    assert out.shape == (4, 7)
    np.testing.assert_allclose(out, values @ onehot, atol=1e-12)
    np.testing.assert_array_equal(out[:, [1, 4, 5]], 0.0)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "X, Y",
    [
        (np.array([[-1], [5]]), np.array([[1], [0]])),  # X id == V
        (np.array([[-1], [1]]), np.array([[1], [7]])),  # Y id > V
        (np.array([[-2], [1]]), np.array([[1], [0]])),  # below -1
        (np.array([[-1], [1]]), np.array([[1], [-3]])),
    ],
)
def test_out_of_range_ids(X, Y):
    with pytest.raises(VocabularyError, match="outside"):
        lm.forward(params64(), X, Y)


def test_non_integer_ids():
    with pytest.raises(VocabularyError, match="integer"):
        lm.forward(params64(), np.array([[-1.0], [1.0]]), np.array([[1], [0]]))
    with pytest.raises(VocabularyError, match="integer"):
        lm.forward(params64(), np.array([[-1], [1]]), np.array([[1.5], [0.0]]))


def test_mismatched_X_Y_shapes():
    with pytest.raises(ShapeError, match="X has shape"):
        lm.forward(params64(), np.array([[-1, -1], [1, 2]]), np.array([[1], [0]]))


def test_ids_must_be_2d():
    with pytest.raises(ShapeError, match="X"):
        lm.forward(params64(), np.array([-1, 1]), np.array([1, 0]))


def test_missing_parameter():
    p = params64()
    del p["by"]
    with pytest.raises(ShapeError, match="'by'"):
        lm.forward(p, np.array([[-1]]), np.array([[0]]))


def test_error_types_are_value_errors():
    assert issubclass(VocabularyError, ValueError) and issubclass(ShapeError, ValueError)


# ---------------------------------------------------------------------------------------------
# init_parameters
# ---------------------------------------------------------------------------------------------


def test_init_parameters_shapes_dtype_determinism():
    p = lm.init_parameters(27, 10, seed=3)
    assert set(p) == set(lm.PARAM_NAMES)
    shapes = {"Wax": (10, 27), "Waa": (10, 10), "Wya": (27, 10), "b": (10, 1), "by": (27, 1)}
    for k, s in shapes.items():
        assert p[k].shape == s, k
        assert p[k].dtype == np.float32, k
    np.testing.assert_array_equal(p["b"], 0.0)
    np.testing.assert_array_equal(p["by"], 0.0)
    again = lm.init_parameters(27, 10, seed=3)
    for k in p:
        np.testing.assert_array_equal(p[k], again[k])
    other = lm.init_parameters(27, 10, seed=4)
    assert not np.array_equal(p["Waa"], other["Waa"])
    p64 = lm.init_parameters(27, 10, seed=3, dtype=np.float64)
    assert all(v.dtype == np.float64 for v in p64.values())
    np.testing.assert_allclose(p64["Waa"], p["Waa"], rtol=1e-6)


def test_init_parameters_scale():
    p = lm.init_parameters(50, 400, seed=0, dtype=np.float64)
    assert p["Waa"].std() == pytest.approx(0.5 / np.sqrt(400), rel=0.05)  # recurrent weights at half scale
    assert p["Wya"].std() == pytest.approx(1 / np.sqrt(400), rel=0.05)
    assert p["Wax"].std() == pytest.approx(1.0, rel=0.05)


@pytest.mark.parametrize("vocab, n_a", [(1, 4), (0, 4), (5, 0)])
def test_init_parameters_bad_sizes(vocab, n_a):
    with pytest.raises(ConfigError):
        lm.init_parameters(vocab, n_a)


@pytest.mark.parametrize("n_columns", [7, kernels.ONE_HOT_MAX_COLUMNS + 5])
def test_scatter_columns_both_strategies_equal_a_one_hot_product(n_columns):
    rng = np.random.default_rng(5)
    ids = rng.integers(-1, n_columns, size=300)
    values = rng.standard_normal((4, 300))
    one_hot = np.zeros((300, n_columns))
    one_hot[np.flatnonzero(ids >= 0), ids[ids >= 0]] = 1
    np.testing.assert_allclose(lm.scatter_columns(values, ids, n_columns), values @ one_hot, atol=1e-12)
    assert lm.scatter_columns(values[:, :0], ids[:0], n_columns).shape == (4, n_columns)


def test_issue9_init_parameters_refuses_a_forget_bias_the_dtype_cannot_hold():
    """Long-run fuzz finding: init_parameters(..., np.float32, 'lstm', forget_bias=1e308) returned inf."""
    import numpy as np
    import pytest
    from rnnlib.core.lm import init_parameters
    from rnnlib.errors import ConfigError
    with pytest.raises(ConfigError, match="overflows float32"):
        init_parameters(10, 4, 0, np.float32, "lstm", 1, 1e308)


def test_the_input_projection_is_the_biased_columns_in_a_c_contiguous_array():
    """The time loops read xw[:, t] as rows of m contiguous numbers, and the compiled loops refuse
    any other layout (a strided gather once sent layer 1 of every model back to the slow loop)."""
    rng = np.random.default_rng(0)
    Wax, b = rng.standard_normal((8, 5)), rng.standard_normal((8, 1))
    X = rng.integers(0, 5, (7, 3))
    xw = lm.input_projection(Wax, b, X)
    assert xw.shape == (8, 7, 3) and xw.flags.c_contiguous
    np.testing.assert_array_equal(xw, (Wax + b)[:, X])
    X[2, 1] = -1  # the zero input: the bias alone
    xw = lm.input_projection(Wax, b, X)
    assert xw.flags.c_contiguous
    np.testing.assert_array_equal(xw[:, 2, 1], b[:, 0])
