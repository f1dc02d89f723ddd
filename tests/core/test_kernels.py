"""rnnlib.core.kernels: choosing numpy or numba for the cells' elementwise math.

Where the numba path performs the numpy code's operations in the same order (the LSTM backward,
and everything in float64) these tests compare with ``array_equal``, not a tolerance.  The float32
forward computes tanh by a rational formula instead of ``np.tanh``: there the two paths are held to
float32 rounding, and the formula itself to its accuracy bound.  Tests that need numba are skipped
where it is not installed; the choice itself and the formula's accuracy are tested everywhere.
"""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlib.core import kernels, lm
from rnnlib.core.cells.lstm import lstm_step_backward, lstm_step_forward
from rnnlib.core.layers import CELLS, layer_backward, layer_forward
from rnnlib.errors import ConfigError, ShapeError

needs_numba = pytest.mark.skipif(not kernels.available("numba"), reason="numba is not installed")


@pytest.mark.parametrize("W, ids", [
    (np.ones((2, 3)), np.array([3])),  # past the last column
    (np.ones((2, 3)), np.array([-4])),  # before the first (np.take's -k counts from the end)
    (np.ones((2, 3)), np.array([0.5])),  # not integers
    (np.ones(3), np.array([0])),  # not a matrix
    (np.ones((2, 3)), np.array([[0]])),  # ids not 1-D
    ([[1.0, 2.0]], np.array([0])),  # not an array
])
def test_take_columns_refuses_bad_input_with_a_shape_error(W, ids):
    with pytest.raises(ShapeError, match="take_columns"):
        kernels.take_columns(W, ids)


def test_take_columns_is_np_take_including_negative_ids():
    W = np.arange(12.0).reshape(3, 4)
    ids = np.array([0, 3, -1, -4, 2])
    np.testing.assert_array_equal(kernels.take_columns(W, ids), np.take(W, ids, axis=1))
    assert kernels.take_columns(W, np.array([], dtype=np.int64)).shape == (3, 0)
    assert kernels.take_columns(W, np.array([])).shape == (3, 0)  # an empty float array names no column either



@pytest.mark.parametrize("values, ids, n_columns", [
    (np.ones((2, 3)), np.array([0, 1, 3]), 3),  # an id past the last column
    (np.ones((2, 3)), np.array([0, -2, 1]), 3),  # below -1 (only -1 means "dropped")
    (np.ones((2, 3)), np.array([0.0, 1.0, 2.0]), 3),  # not integers
    (np.ones((2, 3)), np.array([0, 1]), 3),  # one id short of the columns
    (np.ones(3), np.array([0, 1, 2]), 3),  # not a matrix
    (np.ones((2, 3)), np.array([0, 1, 2]), -1),  # a negative number of columns
    (np.ones((2, 3)), np.array([0, 1, 2]), 2.5),  # not a whole number
    (np.ones((2, 3)), [0, 1, 2], 3),  # ids not an array
    (np.ones((2, 3)), np.array([0, 1, 2]), 10**12),  # a result too big to allocate
])
def test_scatter_columns_refuses_bad_input_with_a_shape_error(values, ids, n_columns):
    with pytest.raises(ShapeError, match="scatter_columns"):
        kernels.scatter_columns(values, ids, n_columns)


def test_scatter_columns_and_its_row_sums():
    """With_row_sums gives values' own row sums (numpy's bits), dropped columns included."""
    values = np.arange(12.0).reshape(2, 6)
    ids = np.array([1, -1, 1, 0, 2, 2])
    out, sums = kernels.scatter_columns(values, ids, 4, with_row_sums=True)
    np.testing.assert_array_equal(out, [[3.0, 0.0 + 2.0, 4.0 + 5.0, 0.0], [9.0, 6.0 + 8.0, 10.0 + 11.0, 0.0]])
    np.testing.assert_array_equal(sums, values.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(kernels.scatter_columns(values, ids, 4), out)



@settings(max_examples=80, deadline=None)
@given(rows=st.integers(0, 4), ids=st.lists(st.integers(-3, 9), max_size=12), extra=st.integers(-1, 1),
       n_columns=st.one_of(st.integers(-2, 9), st.floats(-2, 9), st.none(), st.booleans()),
       dtype=st.sampled_from(["int64", "float64", "uint8", "bool"]))
def test_scatter_columns_gives_the_one_hot_product_or_a_shape_error(rows, ids, extra, n_columns, dtype):
    """Whatever it is handed (ids of any dtype, one too many or too few, any n_columns), it
    returns the one-hot product or raises ShapeError, never a numpy or Python error."""
    ids = np.array(ids, dtype=np.int64).astype(dtype) if dtype != "bool" else np.array([i > 0 for i in ids])
    values = np.arange(rows * max(len(ids) + extra, 0), dtype=np.float64).reshape(rows, -1) if rows else \
        np.zeros((0, max(len(ids) + extra, 0)))
    try:
        out = kernels.scatter_columns(values, ids, n_columns)
    except ShapeError:
        return
    keep = np.flatnonzero(ids >= 0)
    one_hot = np.zeros((len(ids), int(n_columns)))
    one_hot[keep, ids[keep].astype(np.int64)] = 1
    np.testing.assert_array_equal(out, values @ one_hot)


def test_numpy_is_the_default_and_always_available():
    assert kernels.available("numpy")
    # in a fresh interpreter without RNNLIB_KERNELS (this one may have been started with it)
    done = _run("from rnnlib.core import kernels; print(kernels.active(), kernels.compiled())", None)
    assert done.stdout.split() == ["numpy", "None"]


def test_use_numpy_turns_the_compiled_path_off(restore_kernels):
    kernels.use("numpy")
    assert kernels.active() == "numpy" and kernels.compiled() is None


def test_use_rejects_an_unknown_name(restore_kernels):
    before = kernels.active()
    with pytest.raises(ConfigError, match="one of"):
        kernels.use("cuda")
    assert kernels.active() == before


def test_use_without_numba_is_a_clear_error(restore_kernels, monkeypatch):  # monkeypatch undone first
    monkeypatch.setattr(kernels, "available", lambda name="numba": name == "numpy")
    with pytest.raises(ConfigError, match="numba is not installed"):
        kernels.use("numba")


def _run(code, env_value):
    env = {"PATH": "/usr/bin:/bin"} if env_value is None else {"RNNLIB_KERNELS": env_value, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, env=env,
                          check=True)


def test_an_unknown_environment_value_warns_and_stays_on_numpy():
    done = _run("from rnnlib.core import kernels; print(kernels.active())", "fortran")
    assert done.stdout.strip() == "numpy"
    assert "RNNLIB_KERNELS" in done.stderr


@needs_numba
def test_the_environment_variable_selects_numba():
    done = _run("from rnnlib.core import kernels; print(kernels.active())", "numba")
    assert done.stdout.strip() == "numba"


def _lstm_step_inputs(dtype, n_a=5, m=3, seed=0):
    rng = np.random.default_rng(seed)
    xw, Wh = rng.standard_normal((4 * n_a, m)), rng.standard_normal((4 * n_a, n_a))
    a, c = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    da, dc = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    return [x.astype(dtype) for x in (xw, a, c, Wh, da, dc)]


def _both(function, restore):
    """function() under numpy, then under numba."""
    kernels.use("numpy")
    reference = function()
    kernels.use("numba")
    return reference, function()


def _assert_same(reference, compiled):
    for ours, theirs in zip(reference, compiled):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


def _step_outputs(xw, a, c, Wh, da, dc):
    a_next, c_next, cache = lstm_step_forward(xw, a, c, Wh)
    dxw, da_prev, dc_prev = lstm_step_backward(da, dc, cache, Wh)
    return a_next, c_next, cache.gates, cache.tanh_c, dxw, da_prev, dc_prev


@needs_numba
def test_lstm_step_in_float64_is_bitwise_the_same(restore_kernels):
    inputs = _lstm_step_inputs(np.float64)
    _assert_same(*_both(lambda: _step_outputs(*inputs), restore_kernels))


@needs_numba
def test_lstm_step_in_float32_agrees_to_float32_rounding(restore_kernels):
    inputs = _lstm_step_inputs(np.float32, n_a=16, m=9)
    reference, compiled = _both(lambda: _step_outputs(*inputs), restore_kernels)
    for ours, theirs in zip(reference, compiled):
        assert theirs.dtype == np.float32
        np.testing.assert_allclose(theirs, ours, rtol=2e-6, atol=2e-6)


@needs_numba
def test_lstm_backward_is_bitwise_the_same_from_the_same_cache(restore_kernels):
    xw, a, c, Wh, da, dc = _lstm_step_inputs(np.float32)
    kernels.use("numpy")
    _, _, cache = lstm_step_forward(xw, a, c, Wh)
    _assert_same(*_both(lambda: lstm_step_backward(da, dc, cache, Wh), restore_kernels))


@needs_numba
def test_lstm_forward_reads_a_strided_time_slice_like_a_contiguous_one(restore_kernels):
    xw, a, c, Wh, _, _ = _lstm_step_inputs(np.float32)
    sequence = np.zeros((xw.shape[0], 3, xw.shape[1]), np.float32)
    sequence[:, 1] = xw
    kernels.use("numba")
    _assert_same(lstm_step_forward(sequence[:, 1], a, c, Wh)[:2], lstm_step_forward(xw, a, c, Wh)[:2])


@needs_numba
def test_a_nan_or_infinity_comes_through_the_compiled_forward(restore_kernels):
    xw, a, c, Wh, _, _ = _lstm_step_inputs(np.float32)
    xw[0, 0], xw[1, 1] = np.nan, np.inf  # forget gate of unit 0, example 0; of unit 1, example 1
    c[2, 2] = np.inf
    reference, compiled = _both(lambda: lstm_step_forward(xw, a, c, Wh)[:2], restore_kernels)
    for ours, theirs in zip(reference, compiled):
        np.testing.assert_array_equal(np.isnan(theirs), np.isnan(ours))
        np.testing.assert_array_equal(np.isposinf(theirs), np.isposinf(ours))
        finite = np.isfinite(ours)
        np.testing.assert_allclose(theirs[finite], ours[finite], rtol=2e-6, atol=2e-6)
    assert np.isnan(compiled[1][0, 0]) and np.isnan(compiled[0][0, 0])


def _float32_grid():
    tiny = np.geomspace(1e-30, 1, 2001) * (-1.0) ** np.arange(2001)  # both signs, down to 1e-30
    return np.concatenate([np.linspace(-12, 12, 480_001), tiny]).astype(np.float32)


def test_the_rational_tanh_is_within_its_accuracy_bound():
    x = _float32_grid()
    got = kernels.rational_tanh(x)
    assert got.dtype == np.float32
    exact = np.tanh(x.astype(np.float64))
    assert np.abs(got - exact).max() <= 4e-7
    relative = np.abs(got - exact) / np.maximum(np.abs(exact), 1e-300)
    assert relative[np.abs(x) < 1].max() <= 4e-7  # small inputs keep their relative accuracy
    assert np.abs(got).max() <= 1 and np.array_equal(np.sign(got), np.sign(x))
    assert np.array_equal(kernels.rational_tanh(np.float32([np.inf, -np.inf, 0])), np.float32([1, -1, 0]))
    assert np.isnan(kernels.rational_tanh(np.float32([np.nan])))[0]


@needs_numba
def test_the_compiled_tanh_is_the_rational_tanh():
    from numba import njit

    from rnnlib.core import _numba_kernels

    tanh32 = _numba_kernels.tanh32

    @njit
    def over(x):
        out = np.empty_like(x)
        for k in range(x.size):
            out[k] = tanh32(x[k])
        return out

    x = _float32_grid()
    compiled, formula = over(x), kernels.rational_tanh(x)
    assert compiled.dtype == np.float32
    np.testing.assert_allclose(compiled, formula, rtol=0, atol=1.2e-7)  # a fused multiply-add may move the last bit
    assert np.abs(compiled - np.tanh(x.astype(np.float64))).max() <= 4e-7
    assert np.isnan(over(np.float32([np.nan]))[0])


@needs_numba
def test_lstm_backward_into_a_strided_out(restore_kernels):
    xw, a, c, Wh, da, dc = _lstm_step_inputs(np.float32)
    _, _, cache = lstm_step_forward(xw, a, c, Wh)

    def back():
        whole = np.zeros((Wh.shape[0], 4, a.shape[1]), np.float32)
        dxw, _, _ = lstm_step_backward(da, dc, cache, Wh, out=whole[:, 2])
        return whole, dxw

    (whole_np, dxw_np), (whole_nb, dxw_nb) = _both(back, restore_kernels)
    np.testing.assert_array_equal(whole_np, whole_nb)
    np.testing.assert_array_equal(whole_np[:, 2], dxw_np)
    assert not whole_np[:, [0, 1, 3]].any()


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lstm_layer_and_model_agree(dtype, restore_kernels):
    """Bit for bit in float64; in float32 to float32 rounding, compounded over the steps."""
    rng = np.random.default_rng(1)
    n_a, T, m, V = 6, 7, 4, 11
    cell = CELLS["lstm"]
    xw = rng.standard_normal((4 * n_a, T, m)).astype(dtype)
    Wh = rng.standard_normal((4 * n_a, n_a)).astype(dtype)
    state0 = tuple(rng.standard_normal((n_a, m)).astype(dtype) for _ in range(2))
    dH = rng.standard_normal((n_a, T, m)).astype(dtype)
    params = lm.init_parameters(V, n_a, 0, np.dtype(dtype), cell="lstm", layers=2)
    X, Y = rng.integers(-1, V, (T, m)), rng.integers(0, V, (T, m))

    def run():
        H, final, caches = layer_forward(cell, xw, state0, Wh)
        dXW, dWh, dstate0 = layer_backward(cell, dH, None, caches, Wh)
        loss, _, cache = lm.forward(params, X, Y)
        grads, _ = lm.backward(cache)
        return (H, *final, dXW, dWh, *dstate0, np.array(loss), *(grads[k] for k in sorted(grads)))

    reference, compiled = _both(run, restore_kernels)
    if dtype == np.float64:
        _assert_same(reference, compiled)
    else:
        for ours, theirs in zip(reference, compiled):
            assert theirs.dtype == ours.dtype
            np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=2e-5 * max(1.0, float(np.abs(ours).max())))


@needs_numba
def test_mixed_or_other_dtypes_run_the_numpy_code(restore_kernels):
    xw, a, c, Wh, da, dc = _lstm_step_inputs(np.float32)
    kernels.use("numba")
    assert kernels.compiled_for(xw, a) is not None
    assert kernels.compiled_for(xw, a.astype(np.float64)) is None
    assert kernels.compiled_for(xw.astype(np.float16)) is None
    assert kernels.compiled_for(xw, dtypes=kernels.FLOAT32_ONLY) is not None
    assert kernels.compiled_for(xw.astype(np.float64), dtypes=kernels.FLOAT32_ONLY) is None

    def step():  # float64 memory with float32 weights: numpy's promotion decides the dtypes
        a_next, c_next, cache = lstm_step_forward(xw, a, c.astype(np.float64), Wh)
        return a_next, c_next, lstm_step_backward(da, dc, cache, Wh)[0]

    _assert_same(*_both(step, restore_kernels))
    assert step()[1].dtype == np.float64


def _sequence(dtype, cell="lstm", n_a=6, T=5, m=4, seed=2):
    """Random (xw, Wh, state0, dH) for one layer of ``cell`` (a name in ``CELLS``)."""
    rng = np.random.default_rng(seed)
    spec = CELLS[cell]
    xw = rng.standard_normal((spec.gates * n_a, T, m)).astype(dtype)
    Wh = (rng.standard_normal(spec.recurrent_shape(n_a)) / np.sqrt(n_a)).astype(dtype)
    state0 = tuple(rng.standard_normal((n_a, m)).astype(dtype) for _ in range(spec.n_states))
    dH = rng.standard_normal((n_a, T, m)).astype(dtype)
    return xw, Wh, state0, dH


@needs_numba
@pytest.mark.parametrize("name", ["lstm", "gru_reset_after"])
def test_the_compiled_sequence_loops_run_only_where_they_apply(name, restore_kernels):
    cell = CELLS[name]
    forward, backward = cell.compiled_forward, cell.compiled_backward
    xw, Wh, state0, dH = _sequence(np.float32, name)
    kernels.use("numpy")
    assert forward(xw, state0, Wh) is None
    _, _, caches = layer_forward(cell, xw, state0, Wh)
    assert backward(dH, None, caches, Wh) is None
    kernels.use("numba")
    assert forward(xw, state0, Wh) is not None
    assert backward(dH, None, caches, Wh) is not None
    x64, W64, s64, _ = _sequence(np.float64, name)
    assert forward(x64, s64, W64) is None  # the rational tanh is float32's
    assert forward(xw[:, :, :3], state0, Wh) is None  # not contiguous
    assert forward(xw, state0[:-1] + (state0[-1][:, :3],), Wh) is None  # shapes disagree
    assert forward(xw, state0, Wh[:, :-1]) is None  # the wrong recurrent shape
    assert backward(dH[:, :4], None, caches, Wh) is None  # T disagrees with the caches
    assert backward(dH.astype(np.float64), None, caches, Wh) is None
    other = "gru_reset_after" if name == "lstm" else "lstm"
    other_xw, other_Wh, other_state0, _ = _sequence(np.float32, other)
    assert backward(dH, None, layer_forward(CELLS[other], other_xw, other_state0, other_Wh)[2], Wh) is None


@needs_numba
def test_the_compiled_forward_loop_is_the_compiled_step_repeated(restore_kernels):
    """The sequence kernel reads and writes inside the (., T, m) arrays; the step kernel works on
    copies: the same arithmetic, so the same bits, and a final state that is not a view into H."""
    xw, Wh, state0, _ = _sequence(np.float32)
    kernels.use("numba")
    H, (a, c), caches = layer_forward(CELLS["lstm"], xw, state0, Wh)
    state = state0
    for t in range(xw.shape[1]):
        a_t, c_t, cache = lstm_step_forward(np.ascontiguousarray(xw[:, t]), state[0], state[1], Wh)
        np.testing.assert_array_equal(H[:, t], a_t)
        np.testing.assert_array_equal(caches[t].gates, cache.gates)
        state = (a_t, c_t)
    np.testing.assert_array_equal(a, state[0])
    np.testing.assert_array_equal(c, state[1])
    assert not np.shares_memory(a, H)


@needs_numba
def test_the_compiled_forward_hands_the_weight_gradient_every_steps_input_at_once(restore_kernels):
    """Its caches carry a<-1> ... a<T-2> side by side, so dWh is one product without stacking
    them first: the same product on the same numbers, so the same bits as the stacked path."""
    from rnnlib.core.kernels import CachesWithInputs
    from rnnlib.core.layers import _recurrent_gradient

    xw, Wh, state0, dH = _sequence(np.float32)
    kernels.use("numba")
    cell = CELLS["lstm"]
    H, _, caches = layer_forward(cell, xw, state0, Wh)
    assert isinstance(caches, CachesWithInputs)
    np.testing.assert_array_equal(caches.inputs[:, 0], state0[0])
    np.testing.assert_array_equal(caches.inputs[:, 1:], H[:, :-1])
    for t, cache in enumerate(caches):
        assert np.shares_memory(cache.a_prev, caches.inputs)
        np.testing.assert_array_equal(cache.a_prev, caches.inputs[:, t])
    dXW = np.random.default_rng(4).standard_normal(xw.shape).astype(np.float32)
    joined = _recurrent_gradient(cell, dXW, caches, Wh)
    np.testing.assert_array_equal(joined, _recurrent_gradient(cell, dXW, list(caches), Wh))
    _, dWh, _ = layer_backward(cell, dH, None, caches, Wh)
    _, dWh_stacked, _ = layer_backward(cell, dH, None, list(caches), Wh)
    np.testing.assert_array_equal(dWh, dWh_stacked)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_compiled_backward_loop_is_bitwise_the_numpy_loop(dtype, restore_kernels):
    xw, Wh, state0, dH = _sequence(dtype)
    dlast = tuple(np.random.default_rng(3).standard_normal(state0[0].shape).astype(dtype) for _ in range(2))
    kernels.use("numpy")
    _, _, caches = layer_forward(CELLS["lstm"], xw, state0, Wh)
    _assert_same(*_both(lambda: _flat(layer_backward(CELLS["lstm"], dH, dlast, caches, Wh)), restore_kernels))


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_backward_over_a_range_of_units_in_place_is_those_rows_of_the_whole_step(dtype):
    """``lstm_rows_back`` (each pooled thread's share) with dc updated in place gives the rows
    r0:r1 of the whole step, and writes nothing outside them.  Bit for bit in float64; in float32
    to rounding, since the two compiled forms may fuse multiply-adds ("contract") differently: on
    an AVX2 Zen 3 machine 7 of 180 values differed in the last bits, on an AVX-512 one none did."""
    from rnnlib.core import _numba_kernels as compiled

    rng = np.random.default_rng(4)
    n_a, T, m, t, (r0, r1) = 6, 3, 5, 1, (2, 5)
    gates = rng.uniform(0.01, 0.99, (4 * n_a, m)).astype(dtype)
    da, dc, tanh_c, c_prev = (rng.standard_normal((n_a, m)).astype(dtype) for _ in range(4))
    dH = rng.standard_normal((n_a, T, m)).astype(dtype)
    one = dtype(1)
    whole, dc_whole = np.zeros((4 * n_a, T, m), dtype), np.empty_like(dc)
    compiled.lstm_sequence_back(da, dH, t, dc, gates, tanh_c, c_prev, one, whole, dc_whole)
    part, dc_part = np.zeros((4 * n_a, T, m), dtype), dc.copy()
    compiled.lstm_rows_back(r0, r1, da, dH, t, dc_part, gates, tanh_c, c_prev, one, part, dc_part)
    rows = np.concatenate([np.arange(g * n_a + r0, g * n_a + r1) for g in range(4)])
    same = np.testing.assert_array_equal if dtype == np.float64 else \
        (lambda got, want: np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7))
    same(part[rows], whole[rows])
    np.testing.assert_array_equal(np.delete(part, rows, axis=0), 0)
    same(dc_part[r0:r1], dc_whole[r0:r1])
    np.testing.assert_array_equal(np.delete(dc_part, np.arange(r0, r1), axis=0), np.delete(dc, np.arange(r0, r1), axis=0))


def _flat(result):
    dXW, dWh, dstate0 = result
    return (dXW, dWh, *dstate0)


@needs_numba
def test_every_layer_of_a_float32_lstm_model_takes_the_compiled_loops(restore_kernels, monkeypatch, loop_spy):
    """lm.forward/backward hand each layer's arrays to the compiled loops in a layout they accept."""
    import dataclasses

    from rnnlib.core import layers

    taken, spy = loop_spy

    cell = layers.CELLS["lstm"]
    monkeypatch.setitem(layers.CELLS, "lstm", dataclasses.replace(
        cell, compiled_forward=spy("forward", cell.compiled_forward),
        compiled_backward=spy("backward", cell.compiled_backward)))
    kernels.use("numba")
    parameters = lm.init_parameters(11, 6, 0, np.dtype(np.float32), cell="lstm", layers=2)
    X = np.random.default_rng(0).integers(0, 11, (5, 4))
    _, _, cache = lm.forward(parameters, X, X)
    lm.backward(cache)
    assert taken == [("forward", True), ("forward", True), ("backward", True), ("backward", True)]


# ----------------------------------------------------------------------------- the reset-after GRU


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_compiled_gru_backward_loop_is_bitwise_the_numpy_loop(dtype, restore_kernels):
    xw, Wh, state0, dH = _sequence(dtype, "gru_reset_after", seed=5)
    dlast = (np.random.default_rng(6).standard_normal(state0[0].shape).astype(dtype),)
    kernels.use("numpy")
    _, _, caches = layer_forward(CELLS["gru_reset_after"], xw, state0, Wh)
    cell = CELLS["gru_reset_after"]
    _assert_same(*_both(lambda: _flat(layer_backward(cell, dH, dlast, caches, Wh)), restore_kernels))


@needs_numba
def test_the_compiled_gru_forward_agrees_to_float32_rounding(restore_kernels):
    """The states, the caches and the gradients from them, against the numpy loop; the compiled
    caches carry every step's [a<t-1>; 1], and dWh from them is the stacked path's."""
    from rnnlib.core.layers import _recurrent_gradient

    xw, Wh, state0, dH = _sequence(np.float32, "gru_reset_after", seed=5)
    cell = CELLS["gru_reset_after"]

    def run():
        H, final, caches = layer_forward(cell, xw, state0, Wh)
        dXW, dWh, dstate0 = layer_backward(cell, dH, None, caches, Wh)
        fields = [np.stack([getattr(c, name) for c in caches]) for name in caches[0]._fields]
        return (H, *final, *fields, dXW, dWh, *dstate0), caches

    (reference, _), (compiled, caches) = _both(run, restore_kernels)
    for ours, theirs in zip(reference, compiled):
        assert theirs.dtype == ours.dtype and theirs.shape == ours.shape
        np.testing.assert_allclose(theirs, ours, rtol=1e-5, atol=2e-6)
    assert isinstance(caches, kernels.CachesWithInputs)
    n_a = state0[0].shape[0]
    np.testing.assert_array_equal(caches.inputs[:n_a, 0], state0[0])
    np.testing.assert_array_equal(caches.inputs[n_a], 1)
    dXW = np.random.default_rng(7).standard_normal(xw.shape).astype(np.float32)
    np.testing.assert_array_equal(_recurrent_gradient(cell, dXW, caches, Wh),
                                  _recurrent_gradient(cell, dXW, list(caches), Wh))


@needs_numba
def test_a_nan_comes_through_the_compiled_gru_forward(restore_kernels):
    xw, Wh, state0, _ = _sequence(np.float32, "gru_reset_after", seed=5)
    xw[0, 1, 2] = np.nan
    kernels.use("numba")
    H, _, caches = layer_forward(CELLS["gru_reset_after"], xw, state0, Wh)
    assert isinstance(caches, kernels.CachesWithInputs)  # the compiled loop ran
    assert np.isnan(H[0, 1, 2]) and not np.isnan(H[:, 0]).any()
