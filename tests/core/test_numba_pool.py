"""rnnlib.core._numba_pool: the pooled numba path (``kernels.use("numba", threads=k)``).

The pooled loops do the numpy loop's math split over threads, and their matrix products are rounded
differently from numpy's multithreaded OpenBLAS, so they are held to float32 rounding, compounded
over the steps, not to the same bits.  Tests that run the pool are skipped where it cannot start
(no numba, no OpenMP layer, another BLAS); its argument checks are tested everywhere.
"""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlib.core import _blas, kernels, lm
from rnnlib.core.layers import CELLS, layer_backward, layer_forward, projected_layer_forward
from rnnlib.errors import ConfigError, ShapeError

_WHY_NOT = kernels.pool_available()
needs_pool = pytest.mark.skipif(bool(_WHY_NOT), reason=f"the pooled path cannot run here: {_WHY_NOT}")
THREADS = 2


@pytest.mark.parametrize("threads", [0, -1, 1.5, True, "2", None])
def test_use_rejects_a_thread_count_that_is_not_a_whole_number_from_one(threads, restore_kernels):
    with pytest.raises(ConfigError, match="threads"):
        kernels.use("numpy" if not kernels.available("numba") else "numba", threads=threads)


def test_threads_need_the_numba_path(restore_kernels):
    with pytest.raises(ConfigError, match="needs name='numba'"):
        kernels.use("numpy", threads=2)


@pytest.mark.parametrize("a, b", [
    (np.ones((3, 4), np.float32), np.ones((5, 2), np.float32)),
    (np.ones(4, np.float32), np.ones((4, 2), np.float32)),
    (np.ones((2, 3, 4)), np.ones((4, 2))),
    ([[1.0]], np.ones((1, 1))),
])
def test_matmul_refuses_what_is_not_two_matching_matrices(a, b):
    with pytest.raises(ShapeError, match="kernels.matmul"):
        kernels.matmul(a, b)


def test_the_pool_is_off_by_default_and_matmul_is_numpys():
    assert kernels.pool_threads() == 1 and kernels.pooled() is None
    a, b = np.ones((3, 4), np.float32), np.ones((4, 2), np.float32)
    np.testing.assert_array_equal(kernels.matmul(a, b), a @ b)


@needs_pool
def test_the_pool_sets_openblas_to_one_thread_and_gives_its_count_back(restore_kernels):
    import numba

    blas = _blas.load()
    before = blas.get_threads()
    kernels.use("numba", threads=THREADS)
    assert kernels.pool_threads() == THREADS and kernels.pooled() is not None
    assert blas.get_threads() == 1 and numba.get_num_threads() == THREADS
    kernels.use("numba")
    assert kernels.pool_threads() == 1 and blas.get_threads() == before
    kernels.use("numba", threads=THREADS)
    kernels.use("numpy")
    assert blas.get_threads() == before and kernels.pooled() is None


@needs_pool
def test_more_threads_than_numba_has_is_a_clear_error(restore_kernels):
    import numba

    kernels.use("numpy")
    with pytest.raises(ConfigError, match="NUMBA_NUM_THREADS"):
        kernels.use("numba", threads=numba.config.NUMBA_NUM_THREADS + 1)
    assert kernels.pool_threads() == 1 and kernels.active() == "numpy" and kernels.compiled() is None


def _sequence(n_a, T, m, seed=0):
    rng = np.random.default_rng(seed)
    xw = rng.standard_normal((4 * n_a, T, m)).astype(np.float32)
    Wh = (rng.standard_normal((4 * n_a, n_a)) / np.sqrt(n_a)).astype(np.float32)
    state0 = tuple(rng.standard_normal((n_a, m)).astype(np.float32) for _ in range(2))
    dH = rng.standard_normal((n_a, T, m)).astype(np.float32)
    dlast = tuple(rng.standard_normal((n_a, m)).astype(np.float32) for _ in range(2))
    return xw, Wh, state0, dH, dlast


def _layer(xw, Wh, state0, dH, dlast):
    cell = CELLS["lstm"]
    H, final, caches = layer_forward(cell, xw, state0, Wh)
    dXW, dWh, dstate0 = layer_backward(cell, dH, dlast, caches, Wh)
    return [H, *final, dXW, dWh, *dstate0], caches


def _close(ours, reference):
    for got, want in zip(ours, reference):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=3e-5 * max(1.0, float(np.abs(want).max())))


@needs_pool
@pytest.mark.parametrize("n_a, T, m", [(128, 9, 64), (37, 5, 3), (1, 2, 1)])
def test_the_pooled_lstm_loops_agree_with_the_numpy_loops(n_a, T, m, restore_kernels):
    """Uneven pieces (37 units over 2 threads), one unit (a piece with none), and the real size."""
    inputs = _sequence(n_a, T, m)
    kernels.use("numpy")
    reference, _ = _layer(*inputs)
    kernels.use("numba", threads=THREADS)
    pooled, caches = _layer(*inputs)
    assert hasattr(caches, "sequence")  # the pooled forward ran
    _close(pooled, reference)
    np.testing.assert_array_equal(inputs[4][0], _sequence(n_a, T, m)[4][0])  # dstate_last not written into



def _projected_inputs(n_in, n_a, T, m, layout, seed=5):
    """(inputs (n_in, T, m) laid out as asked, Wx, b) for a layer above the first."""
    rng = np.random.default_rng(seed)
    below = rng.standard_normal((n_in, T + 1, m)).astype(np.float32)
    inputs = {"view": below[:, 1:],  # the layer below's A[:, 1:], as lm hands it over
              "contiguous": np.ascontiguousarray(below[:, 1:]),
              "strided columns": np.ascontiguousarray(np.repeat(below[:, 1:], 2, axis=2))[:, :, ::2]}[layout]
    Wx = (rng.standard_normal((4 * n_a, n_in)) / np.sqrt(n_in)).astype(np.float32)
    b = rng.standard_normal((4 * n_a, 1)).astype(np.float32)
    return inputs, Wx, b


@needs_pool
@pytest.mark.parametrize("layout", ["view", "contiguous", "strided columns"])
@pytest.mark.parametrize("n_in, n_a, T, m", [(128, 128, 7, 64), (9, 37, 5, 3), (3, 1, 2, 1)])
def test_the_pooled_projected_forward_agrees_with_the_product_then_the_numpy_loop(n_in, n_a, T, m, layout,
                                                                               restore_kernels, monkeypatch, loop_spy):
    """Each step forming its own input projection inside the pooled loop gives what the numpy path
    gives (one product for all steps, then the loop); a layout it cannot read in place (columns not
    contiguous) takes the product-first path on the pool instead."""
    from rnnlib.core import _numba_pool

    _, Wh, state0, _, _ = _sequence(n_a, T, m)
    inputs, Wx, b = _projected_inputs(n_in, n_a, T, m, layout)
    cell = CELLS["lstm"]
    kernels.use("numpy")
    H_want, final_want, _ = projected_layer_forward(cell, inputs, Wx, b, state0, Wh)
    taken, spy = loop_spy
    monkeypatch.setattr(_numba_pool, "lstm_layer_forward", spy("forward", _numba_pool.lstm_layer_forward))
    kernels.use("numba", threads=THREADS)
    H, final, caches = projected_layer_forward(cell, inputs, Wx, b, state0, Wh)
    assert hasattr(caches, "sequence") and taken == [("forward", True)]  # the pooled loop ran, once
    assert _numba_pool.projection_fits(inputs) == (layout != "strided columns")
    _close([H, *final], [H_want, *final_want])


@needs_pool
def test_the_projected_forward_leaves_float64_to_the_numpy_code(restore_kernels):
    _, Wh, state0, _, _ = _sequence(6, 3, 2)
    inputs, Wx, b = _projected_inputs(4, 6, 3, 2, "view")
    as64 = [x.astype(np.float64) for x in (inputs, Wx, b, Wh, *state0)]
    kernels.use("numba", threads=THREADS)
    H, _, caches = projected_layer_forward(CELLS["lstm"], as64[0], as64[1], as64[2], tuple(as64[4:]), as64[3])
    kernels.use("numpy")
    H_want, _, _ = projected_layer_forward(CELLS["lstm"], as64[0], as64[1], as64[2], tuple(as64[4:]), as64[3])
    assert H.dtype == np.float64 and not hasattr(caches, "sequence")
    np.testing.assert_array_equal(H, H_want)


@needs_pool
def test_the_pooled_forward_caches_serve_the_numpy_backward(restore_kernels):
    """The step caches hold the gates in the usual (f, i, c, o) order, so any backward can read them."""
    xw, Wh, state0, dH, dlast = _sequence(8, 6, 5, seed=3)
    kernels.use("numba", threads=THREADS)
    _, caches = _layer(xw, Wh, state0, dH, dlast)
    pooled = layer_backward(CELLS["lstm"], dH, dlast, caches, Wh)
    kernels.use("numpy")
    numpy_loop = layer_backward(CELLS["lstm"], dH, dlast, list(caches), Wh)
    _close([pooled[0], pooled[1], *pooled[2]], [numpy_loop[0], numpy_loop[1], *numpy_loop[2]])


@needs_pool
def test_a_nan_comes_through_the_pooled_loops(restore_kernels):
    xw, Wh, state0, dH, dlast = _sequence(6, 4, 3, seed=4)
    xw[0, 1, 2] = np.nan
    kernels.use("numba", threads=THREADS)
    (H, a, c, dXW, dWh, da0, dc0), _ = _layer(xw, Wh, state0, dH, dlast)
    assert np.isnan(H[:, 1:]).any() and np.isnan(c).any() and np.isnan(dXW).any()


@needs_pool
def test_every_layer_of_a_float32_lstm_model_takes_the_pooled_loops(restore_kernels, monkeypatch, loop_spy):
    from rnnlib.core import _numba_pool

    taken, spy = loop_spy

    monkeypatch.setattr(_numba_pool, "lstm_layer_forward", spy("forward", _numba_pool.lstm_layer_forward))
    monkeypatch.setattr(_numba_pool, "lstm_layer_backward", spy("backward", _numba_pool.lstm_layer_backward))
    parameters = lm.init_parameters(11, 6, 0, np.dtype(np.float32), cell="lstm", layers=2)
    X = np.random.default_rng(0).integers(0, 11, (5, 4))
    kernels.use("numpy")
    loss_np, _, cache = lm.forward(parameters, X, X)
    grads_np, _ = lm.backward(cache)
    kernels.use("numba", threads=THREADS)
    loss, _, cache = lm.forward(parameters, X, X)
    grads, _ = lm.backward(cache)
    assert taken == [("forward", True), ("forward", True), ("backward", True), ("backward", True)]
    assert loss == pytest.approx(loss_np, rel=1e-5)
    _close([grads[k] for k in sorted(grads)], [grads_np[k] for k in sorted(grads_np)])


def _layouts(draw, rows, cols):
    """A float32 (rows, cols) matrix laid out one of the ways lm hands matmul its operands."""
    how = draw(st.sampled_from(["c", "transposed", "row slice", "copy needed"]))
    values = np.arange(rows * cols, dtype=np.float32).reshape(rows, cols) % 7 - 3
    if how == "transposed":
        return np.ascontiguousarray(values.T).T
    if how == "row slice":  # rows a fixed distance apart, wider than the matrix (like A[:, :T])
        wide = np.zeros((rows, cols + 3), np.float32)
        wide[:, :cols] = values
        return wide[:, :cols]
    if how == "copy needed":
        wide = np.zeros((rows, 2 * cols), np.float32)
        wide[:, ::2] = values
        return wide[:, ::2]
    return values


@needs_pool
@settings(max_examples=60, deadline=None)
@given(data=st.data(), M=st.integers(1, 40), K=st.integers(1, 40), N=st.integers(1, 40))
def test_the_pooled_matmul_is_numpys_product(data, M, K, N):
    before = kernels.active()
    kernels.use("numba", threads=THREADS)
    try:
        a, b = _layouts(data.draw, M, K), _layouts(data.draw, K, N)
        got = kernels.matmul(a, b)
    finally:
        kernels.use(before)
    assert got.dtype == np.float32 and got.flags.c_contiguous
    np.testing.assert_array_equal(got, a @ b)  # small integers: every rounding order gives the same sum


@needs_pool
def test_the_pooled_matmul_leaves_other_products_to_numpy(restore_kernels):
    kernels.use("numba", threads=THREADS)
    a64, b64 = np.ones((3, 4)), np.ones((4, 5))
    np.testing.assert_array_equal(kernels.matmul(a64, b64), a64 @ b64)  # float64: numpy
    empty = kernels.matmul(np.ones((3, 0), np.float32), np.ones((0, 5), np.float32))
    assert empty.shape == (3, 5) and not empty.any()



def _run(code, env_extra):
    import os

    env = {k: v for k, v in os.environ.items() if k not in (kernels.ENV_VAR, kernels.THREADS_VAR)}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, env=env,
                          timeout=300, check=True)


@needs_pool
def test_the_environment_variables_select_the_pool():
    done = _run("from rnnlib.core import kernels; print(kernels.active(), kernels.pool_threads())",
                {kernels.ENV_VAR: "numba", kernels.THREADS_VAR: "2"})
    assert done.stdout.split() == ["numba", "2"]


@pytest.mark.skipif(not kernels.available("numba"), reason="numba is not installed")
def test_a_bad_thread_count_in_the_environment_warns_and_uses_one():
    done = _run("from rnnlib.core import kernels; print(kernels.active(), kernels.pool_threads())",
                {kernels.ENV_VAR: "numba", kernels.THREADS_VAR: "many"})
    assert done.stdout.split() == ["numba", "1"] and kernels.THREADS_VAR in done.stderr


def test_a_thread_count_without_numba_in_the_environment_warns():
    done = _run("from rnnlib.core import kernels; print(kernels.active(), kernels.pool_threads())",
                {kernels.THREADS_VAR: "2"})
    assert done.stdout.split() == ["numpy", "1"] and kernels.THREADS_VAR in done.stderr


@needs_pool
@settings(max_examples=40, deadline=None)
@given(R=st.integers(1, 20), V=st.integers(1, 9), ids=st.lists(st.integers(-2, 10), min_size=1, max_size=50))
def test_the_pooled_column_gather_is_numpys_take(R, V, ids):
    """Ids in [-V, 0) go to numpy's own take (which counts them from the end); ids np.take would
    refuse are a ShapeError."""
    W = np.arange(R * V, dtype=np.float32).reshape(R, V)
    ids = np.array(ids)
    before = kernels.active()
    kernels.use("numba", threads=THREADS)
    try:
        try:
            want = np.take(W, ids, axis=1)
        except IndexError:
            with pytest.raises(ShapeError, match="take_columns"):
                kernels.take_columns(W, ids)
            return
        got = kernels.take_columns(W, ids)
    finally:
        kernels.use(before)
    assert got.dtype == want.dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(got, want)



@needs_pool
@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 21), V=st.integers(1, 9), ids=st.lists(st.integers(-1, 8), max_size=60))
def test_the_pooled_column_scatter_is_the_one_hot_product(n, V, ids):
    """Small whole numbers, so every order of the additions gives the same sums; rows in eights
    and one at a time (n up to 21 over two threads); the row sums from the scattered columns where
    no id is dropped, from the values where one is."""
    ids = np.array([i % V if i >= 0 else -1 for i in ids], dtype=np.int64)
    values = (np.arange(n * len(ids), dtype=np.float32).reshape(n, len(ids)) % 5) - 2
    one_hot = np.zeros((len(ids), V), np.float32)
    one_hot[np.flatnonzero(ids >= 0), ids[ids >= 0]] = 1
    before = kernels.active()
    kernels.use("numba", threads=THREADS)
    try:
        out, sums = kernels.scatter_columns(values, ids, V, with_row_sums=True)
    finally:
        kernels.use(before)
    assert out.dtype == np.float32 and out.shape == (n, V) and sums.shape == (n, 1)
    np.testing.assert_array_equal(out, values @ one_hot)
    np.testing.assert_array_equal(sums, values.sum(axis=1, keepdims=True))


@needs_pool
def test_the_pooled_column_scatter_rounds_like_a_float32_sum(restore_kernels):
    """Real-sized gradients (the benchmark's layer 1): within float32 rounding of the float64 sums."""
    rng = np.random.default_rng(7)
    values, ids = rng.standard_normal((512, 4096)).astype(np.float32), rng.integers(0, 65, 4096)
    want, want_sums = kernels.scatter_columns(values.astype(np.float64), ids, 65, with_row_sums=True)
    kernels.use("numba", threads=THREADS)
    got, sums = kernels.scatter_columns(values, ids, 65, with_row_sums=True)
    np.testing.assert_allclose(got, want, rtol=0, atol=2e-6 * np.abs(want).max())
    np.testing.assert_allclose(sums, want_sums, rtol=0, atol=2e-6 * np.abs(want_sums).max())


@needs_pool
def test_the_pooled_adam_step_is_bitwise_numpys(restore_kernels):
    from rnnlib.core.optim import Adam

    rng = np.random.default_rng(3)
    start = {"W": rng.standard_normal((37, 11)).astype(np.float32), "b": rng.standard_normal((37, 1)).astype(np.float32),
             "x": rng.standard_normal((5, 4))}  # float64: numpy's code on either path
    steps = [{"d" + k: (rng.standard_normal(v.shape) * 10.0 ** rng.integers(-6, 2)).astype(v.dtype) for k, v in start.items()}
             for _ in range(4)]

    def run(pooled):
        kernels.use("numba", threads=THREADS) if pooled else kernels.use("numpy")
        params, adam = {k: v.copy() for k, v in start.items()}, Adam(learning_rate=0.01)
        for grads in steps:
            adam.step(params, grads)
        return params, adam

    (ours, ours_adam), (theirs, their_adam) = run(True), run(False)
    kernels.use("numba", threads=THREADS)  # the pooled update takes float32 and leaves float64 to numpy
    f32, f64 = np.zeros(3, np.float32), np.zeros(3)
    assert kernels.pooled().adam_update(f32, f32.copy(), f32.copy(), f32.copy(), 0.9, 0.999, 0.1, 1e-8, THREADS)
    assert not kernels.pooled().adam_update(f64, f64.copy(), f64.copy(), f64.copy(), 0.9, 0.999, 0.1, 1e-8, THREADS)
    for k in start:
        np.testing.assert_array_equal(ours[k], theirs[k])
        np.testing.assert_array_equal(ours_adam.m[k], their_adam.m[k])
        np.testing.assert_array_equal(ours_adam.v[k], their_adam.v[k])
