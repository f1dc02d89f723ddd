"""The pooled numba path: LSTM time loops and matrix products split over numba's threads.

Only imported by ``kernels.use("numba", threads=k)`` with k >= 2.  Why it exists: numpy's OpenBLAS
runs each matrix product on its own threads, and between products its worker threads keep spinning
on the other cores waiting for the next one.  The time loop's elementwise kernels then run on one
core beside a spinning thread (slower than alone), and any second pool of threads (numba's
``prange``) fights that spinning thread for the same core.  So on this path there is one pool:
OpenBLAS is set to one thread, and every product of a training step is cut into ``k`` pieces that
numba's threads (the OpenMP layer) each hand to that one-threaded OpenBLAS, by a direct call
(``_blas``) from inside the compiled loop.  A time step of the LSTM is one parallel region: each
thread forms the recurrent product of its share of the hidden units and runs their elementwise step.

The elementwise math is ``_numba_kernels``'s (``lstm_unit_values`` forward, ``lstm_rows_back``
backward) on a range of units.  Everything here is float32 only.
"""
import functools

import numba
import numpy as np
from numba import prange

from . import _blas
from ._numba_kernels import _FAST_FLAGS, lstm_rows_back, lstm_unit_values

_BLAS = _blas.load()
if _BLAS is None:  # kernels.use checks _blas.load() first; this is only reached by a direct import
    raise ImportError("rnnlib.core._numba_pool: numpy's OpenBLAS was not found")
_sgemm = _BLAS.sgemm
_ROW, _N, _T = _blas.ROW_MAJOR, _blas.NO_TRANS, _blas.TRANS
_F1, _F0 = np.float32(1.0), np.float32(0.0)
_ITEM = 4  # bytes in a float32


def _pjit(function):
    # not cache=True: the compiled code holds the address of OpenBLAS's sgemm, which differs from
    # process to process, so it is compiled once per process (a few seconds, at the first call)
    return numba.njit(parallel=True, nogil=True, error_model="numpy", fastmath=_FAST_FLAGS)(function)


def _pjit_exact(function):
    # as _pjit, without fastmath: no fused multiply-adds, so each operation rounds as numpy's does
    # (and cached: it calls no OpenBLAS)
    return numba.njit(parallel=True, nogil=True, error_model="numpy", cache=True)(function)


@functools.lru_cache(maxsize=64)
def split_bounds(n, pieces):
    """(pieces + 1,) int64 boundaries cutting range(n) into ``pieces`` near-equal contiguous runs
    (read-only; kept per (n, pieces), since every product asks)."""
    bounds = np.array([n * k // pieces for k in range(pieces + 1)], dtype=np.int64)
    bounds.flags.writeable = False
    return bounds


def unit_blocked_rows(n_a, bounds, gates=4):
    """Row order that puts each piece's units' gate rows together: for piece k with units
    [u0, u1), the rows g * n_a + u0 ... g * n_a + u1 - 1 for g = 0 .. gates - 1, pieces in order.
    ``Wh[order]`` is the recurrent matrix laid out for ``lstm_forward_pooled``."""
    return np.concatenate([np.arange(g * n_a + bounds[k], g * n_a + bounds[k + 1])
                           for k in range(len(bounds) - 1) for g in range(gates)])


@_pjit
def lstm_forward_pooled(Wh_blocked, Wx_blocked, bounds, xw, xw_steps, inputs, A, C, tanh_C, G, Z):
    """The LSTM layer's forward time loop, each step one parallel region over pieces of the
    hidden units (``bounds``), one piece per thread: its rows of the recurrent product, then the
    elementwise step on its units.

    Wh_blocked (4 n_a, n_a): ``Wh[unit_blocked_rows(n_a, bounds)]``, C-contiguous, so that a
    piece's product is one matrix product; A (n_a, T + 1, m) with a0 at [:, 0]: a<t> is written
    at [:, t + 1]; C (T + 1, n_a, m) with c0 at [0]: c<t> at [t + 1]; tanh_C (T, n_a, m): tanh(c<t>)
    at [t]; G (T, 4 n_a, m): the gate activations of step t at [t], in the usual (f, i, c, o) row
    order; Z (4 n_a, m): scratch for the products, piece k's rows at [4 u0, 4 u1).

    The input projection comes one of two ways.  With no ``inputs`` (n_in = 0 rows), xw
    (4 n_a, T, m) holds it for every step (xw_steps = 1: step t reads xw[:, t]).  Otherwise each step
    also forms it, for a layer above the first: Z += Wx_blocked (4 n_a, n_in) @ inputs[:, t], with
    inputs (n_in, T, m) (rows of T*m contiguous floats, any distance apart, like the layer below's
    ``A[:, 1:]``), and xw is the bias alone, (4 n_a, 1, m) (xw_steps = 0: every step reads xw[:, 0]).
    That product per step, on data still in cache, was faster than one product for all steps
    before the loop plus a pass adding the bias (a scratch measurement).
    (Cutting the batch instead, so that each thread runs the whole loop alone, was slower: the
    products and the elementwise loops over half-rows are less efficient.)
    """
    n_a, T1, m = A.shape
    n_in = inputs.shape[0]
    ld_in = inputs.strides[0] // _ITEM
    for t in range(T1 - 1):
        for k in prange(len(bounds) - 1):
            u0, u1 = bounds[k], bounds[k + 1]
            if u1 > u0:
                # Z[4 u0 : 4 u1] = Wh_blocked[4 u0 : 4 u1] @ A[:, t]  (A[:, t]: rows of m floats, T1 * m apart)
                _sgemm(_ROW, _N, _N, 4 * (u1 - u0), m, n_a, _F1, Wh_blocked.ctypes.data + 4 * u0 * n_a * _ITEM, n_a,
                       A.ctypes.data + t * m * _ITEM, T1 * m, _F0, Z.ctypes.data + 4 * u0 * m * _ITEM, m)
                if n_in > 0:  # Z[4 u0 : 4 u1] += Wx_blocked[4 u0 : 4 u1] @ inputs[:, t]
                    _sgemm(_ROW, _N, _N, 4 * (u1 - u0), m, n_in, _F1, Wx_blocked.ctypes.data + 4 * u0 * n_in * _ITEM,
                           n_in, inputs.ctypes.data + t * m * _ITEM, ld_in, _F1, Z.ctypes.data + 4 * u0 * m * _ITEM, m)
                _forward_units(Z[4 * u0: 4 * u1], xw, t * xw_steps, t, u0, C, tanh_C, A, G[t])


@numba.njit(nogil=True, error_model="numpy", fastmath=_FAST_FLAGS, cache=True)
def _forward_units(z, xw, tx, t, u0, C, tanh_C, A, gates):
    """The elementwise LSTM step t for the units u0 ... u0 + w - 1, w = z.shape[0] // 4: z (4 w, m)
    holds their products (f, i, c, o rows, w each), to which xw[:, tx] is added; the activations go
    to ``gates`` (4 n_a, m) in the usual row order.  A compiled function of its own, called from
    the parallel loop: written inline there, it was not vectorised."""
    n_a, m = C.shape[1], C.shape[2]
    w = z.shape[0] // 4
    for u in range(w):
        r = u0 + u
        for j in range(m):
            gates[r, j], gates[n_a + r, j], gates[2 * n_a + r, j], gates[3 * n_a + r, j], \
                C[t + 1, r, j], tanh_C[t, r, j], A[r, t + 1, j] = lstm_unit_values(
                    z[u, j] + xw[r, tx, j], z[w + u, j] + xw[n_a + r, tx, j], z[2 * w + u, j] + xw[2 * n_a + r, tx, j],
                    z[3 * w + u, j] + xw[3 * n_a + r, tx, j], C[t, r, j])


@_pjit
def lstm_backward_pooled(WhT, bounds, dH, G, C, tanh_C, da, dc, dXW):
    """Backpropagation through ``lstm_forward_pooled``'s loop, each step one parallel region over
    the unit pieces.

    WhT (n_a, 4 n_a): ``Wh.T``, C-contiguous; dH (n_a, T, m); G, C, tanh_C as the forward wrote
    them; da, dc (n_a, m): on entry the gradient arriving on the last state, on return the
    gradient on the initial state (da0, dc0); dXW (4 n_a, T, m): written.
    Step t's region first forms its piece's rows of da<t> = Wh.T @ dxw<t+1> (which needs every row
    of dxw<t+1>: hence one region per step), then runs the elementwise step on those units.
    """
    n_a, T, m = dH.shape
    one = np.float32(1.0)
    for t in range(T - 1, -2, -1):
        for k in prange(len(bounds) - 1):
            u0, u1 = bounds[k], bounds[k + 1]
            if u1 > u0:
                if t < T - 1:  # da[u0:u1] = WhT[u0:u1] @ dXW[:, t + 1]
                    _sgemm(_ROW, _N, _N, u1 - u0, m, 4 * n_a, _F1, WhT.ctypes.data + u0 * 4 * n_a * _ITEM, 4 * n_a,
                           dXW.ctypes.data + (t + 1) * m * _ITEM, T * m, _F0, da.ctypes.data + u0 * m * _ITEM, m)
                if t >= 0:
                    lstm_rows_back(u0, u1, da, dH, t, dc, G[t], tanh_C[t], C[t], one, dXW, dc)


@_pjit
def matmul_pooled(a, a_trans, lda, b, b_trans, ldb, K, out, split_rows, bounds):
    """out (M, N) = op(a) @ op(b), cut by ``bounds`` along M (split_rows) or N, one piece per
    thread, each a one-threaded OpenBLAS product.

    a, b: addresses of float32 matrices holding op(a) (M, K) and op(b) (K, N) row-major with row
    lengths (leading dimensions) lda, ldb, as themselves (trans False) or as their transposes
    (trans True: stored (K, M) / (N, K)); out: C-contiguous (M, N).
    """
    M, N = out.shape
    ta, tb = (_T if a_trans else _N), (_T if b_trans else _N)
    for k in prange(len(bounds) - 1):
        s0, s1 = bounds[k], bounds[k + 1]
        if s1 > s0:
            if split_rows:  # rows s0:s1 of op(a) and of out
                _sgemm(_ROW, ta, tb, s1 - s0, N, K, _F1, a + (s0 if a_trans else s0 * lda) * _ITEM, lda,
                       b, ldb, _F0, out.ctypes.data + s0 * N * _ITEM, N)
            else:  # columns s0:s1 of op(b) and of out
                _sgemm(_ROW, ta, tb, M, s1 - s0, K, _F1, a, lda, b + (s0 * ldb if b_trans else s0) * _ITEM, ldb,
                       _F0, out.ctypes.data + s0 * _ITEM, N)


# ----------------------------------------------------------------------------- the Python side


def _operand(x):
    """(x itself or a contiguous copy, whether BLAS reads it transposed, its leading dimension).

    BLAS reads a matrix whose rows are contiguous and lie a fixed distance apart in place (a
    row-major matrix, or a slice of a wider one such as ``A[:, :T]`` flattened), and the transpose
    of such a matrix (e.g. ``Wh.T``) as that matrix with the transpose flag; anything else is copied.
    """
    item = x.itemsize
    rows, cols = x.shape
    (s0, s1) = x.strides
    if (s1 == item or cols == 1) and s0 % item == 0 and s0 >= max(cols, 1) * item:
        return x, False, s0 // item
    if (s0 == item or rows == 1) and s1 % item == 0 and s1 >= max(rows, 1) * item:
        return x, True, s1 // item
    x = np.ascontiguousarray(x)
    return x, False, max(x.shape[1], 1)


def matmul(a, b, threads):
    """(M, K) @ (K, N) for float32 matrices, split along the longer side of the result."""
    (M, K), N = a.shape, b.shape[1]
    (a, a_trans, lda), (b, b_trans, ldb) = _operand(a), _operand(b)
    out = np.empty((M, N), dtype=np.float32)
    split_rows = M >= N
    matmul_pooled(a.ctypes.data, a_trans, lda, b.ctypes.data, b_trans, ldb, K, out, split_rows,
                  split_bounds(M if split_rows else N, threads))
    return out


def lstm_layer_forward(xw, a0, c0, Wh, threads, projection=None):
    """The plain LSTM forward loop (``layers.layer_forward``) on the pool: the same return values as
    ``cells.lstm.lstm_layer_forward_compiled`` (H a view into A, caches as ``CachesWithInputs``),
    whose ``sequence`` attribute also holds the whole-sequence arrays the pooled backward reads.

    With ``projection`` = (inputs (n_in, T, m), Wx (4 n_a, n_in), b (4 n_a, 1)), xw is None and each
    step forms its own input projection ``Wx @ inputs[:, t] + b`` (``layers.projected_layer_forward``);
    inputs' last two axes must be contiguous together (``projection_fits``).
    """
    from .cells.lstm import LSTMStepCache
    from .kernels import CachesWithInputs

    n_a, m = a0.shape
    bounds = split_bounds(n_a, threads)
    order = unit_blocked_rows(n_a, bounds)
    if projection is None:
        T, n_in = xw.shape[1], 0
        inputs, Wx_blocked, steps_of_xw = np.empty((0, T, m), np.float32), np.empty((0, 0), np.float32), 1
    else:
        inputs, Wx, b = projection
        n_in, T = inputs.shape[0], inputs.shape[1]
        Wx_blocked, steps_of_xw = np.ascontiguousarray(Wx[order]), 0
        xw = np.ascontiguousarray(np.broadcast_to(b.reshape(4 * n_a, 1, 1), (4 * n_a, 1, m)))
    A = np.empty((n_a, T + 1, m), dtype=np.float32)
    C = np.empty((T + 1, n_a, m), dtype=np.float32)
    tanh_C = np.empty((T, n_a, m), dtype=np.float32)
    G = np.empty((T, 4 * n_a, m), dtype=np.float32)
    A[:, 0], C[0] = a0, c0
    Wh_blocked = np.ascontiguousarray(Wh[order])
    lstm_forward_pooled(Wh_blocked, Wx_blocked, bounds, xw, steps_of_xw, inputs, A, C, tanh_C, G,
                        np.empty((4 * n_a, m), dtype=np.float32))
    steps = list(map(LSTMStepCache, A[:, :T].transpose(1, 0, 2), C[:T], G, tanh_C))  # the views of step t, t = 0 .. T-1
    caches = CachesWithInputs(steps, A[:, :T])
    caches.sequence = (G, C, tanh_C)
    return A[:, 1:], (A[:, T].copy(), C[T]), caches


def projection_fits(inputs):
    """Whether ``lstm_layer_forward`` can read ``inputs`` (n_in, T, m) float32 in place: each row's
    T*m numbers contiguous (a C-contiguous array, or a view like ``A[:, 1:]``)."""
    return inputs.dtype == np.float32 and inputs.strides[2] == inputs.itemsize \
        and inputs.strides[1] == inputs.shape[2] * inputs.itemsize and inputs.strides[0] % inputs.itemsize == 0 \
        and inputs.strides[0] >= inputs.shape[1] * inputs.shape[2] * inputs.itemsize


def lstm_layer_backward(dH, dstate_last, caches, Wh, threads):
    """The plain LSTM backward loop on the pool, for caches from ``lstm_layer_forward``, or None
    for any other caches.  Returns (dXW (4 n_a, T, m), (da0, dc0))."""
    sequence = getattr(caches, "sequence", None)
    n_a, T, m = dH.shape
    if sequence is None or sequence[0].shape != (T, 4 * n_a, m) or Wh.shape != (4 * n_a, n_a):
        return None
    G, C, tanh_C = sequence
    if dstate_last is None:
        da, dc = np.zeros((n_a, m), np.float32), np.zeros((n_a, m), np.float32)
    else:
        if any(s.dtype != np.float32 or s.shape != (n_a, m) for s in dstate_last):
            return None
        da, dc = (np.array(s, order="C") for s in dstate_last)  # copies: the loop works on them in place
    dXW = np.empty((4 * n_a, T, m), dtype=np.float32)
    lstm_backward_pooled(np.ascontiguousarray(Wh.T), split_bounds(n_a, threads), dH, G, C, tanh_C, da, dc, dXW)
    return dXW, (da, dc)


@_pjit
def take_columns_pooled(W, ids, out, bounds):
    """out[r, k] = W[r, ids[k]] for the rows of each piece of ``bounds``, one piece per thread.
    W (R, V) and out (R, N) C-contiguous float32; ids (N,) in [0, V), checked by the caller."""
    N = ids.shape[0]
    for k in prange(len(bounds) - 1):
        for r in range(bounds[k], bounds[k + 1]):
            _gather_row(W[r], ids, out[r], N)


@numba.njit(nogil=True, error_model="numpy", cache=True, boundscheck=False)
def _gather_row(row, ids, out_row, N):
    for k in range(N):
        out_row[k] = row[ids[k]]


def take_columns(W, ids, threads):
    """``np.take(W, ids, axis=1)`` for a float32 matrix and ids all in [0, V), split by rows."""
    W = np.ascontiguousarray(W)
    out = np.empty((W.shape[0], ids.shape[0]), dtype=np.float32)
    take_columns_pooled(W, np.ascontiguousarray(ids, dtype=np.int64), out, split_bounds(W.shape[0], threads))
    return out


@numba.njit(nogil=True, error_model="numpy", cache=True)
def _positions_by_id(ids, n_columns):
    """(order, starts) for ids (k,) in [-1, n_columns): the positions q with ids[q] = v are
    order[starts[v] : starts[v + 1]], in increasing q (a counting sort); ids of -1 are left out."""
    starts = np.zeros(n_columns + 1, dtype=np.int64)
    for q in range(ids.shape[0]):
        if ids[q] >= 0:
            starts[ids[q] + 1] += 1
    for v in range(n_columns):
        starts[v + 1] += starts[v]
    fill = starts[:n_columns].copy()
    order = np.empty(starts[n_columns], dtype=np.int64)
    for q in range(ids.shape[0]):
        v = ids[q]
        if v >= 0:
            order[fill[v]] = q
            fill[v] += 1
    return order, starts


@_pjit_exact
def scatter_columns_pooled(values, order, starts, out, bounds):
    """out[r, v] = the sum of values[r, q] over the positions q of id v (``_positions_by_id``), in
    increasing q, for the rows of each piece of ``bounds``, one piece per thread.  values (n, k)
    and out (n, V) C-contiguous float32.  Eight rows at a time share each position's look-up."""
    for p in prange(len(bounds) - 1):
        r, r1 = bounds[p], bounds[p + 1]
        while r + 8 <= r1:
            _sums_by_id_8(values, r, order, starts, out)
            r += 8
        while r < r1:
            _sums_by_id_1(values, r, order, starts, out)
            r += 1


@numba.njit(nogil=True, error_model="numpy", cache=True, boundscheck=False)
def _sums_by_id_8(values, r, order, starts, out):
    # eight independent running sums: one sum per row would wait on its own additions
    for v in range(starts.shape[0] - 1):
        s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = np.float32(0.0)
        for p in range(starts[v], starts[v + 1]):
            q = order[p]
            s0 += values[r, q]
            s1 += values[r + 1, q]
            s2 += values[r + 2, q]
            s3 += values[r + 3, q]
            s4 += values[r + 4, q]
            s5 += values[r + 5, q]
            s6 += values[r + 6, q]
            s7 += values[r + 7, q]
        out[r, v], out[r + 1, v], out[r + 2, v], out[r + 3, v] = s0, s1, s2, s3
        out[r + 4, v], out[r + 5, v], out[r + 6, v], out[r + 7, v] = s4, s5, s6, s7


@numba.njit(nogil=True, error_model="numpy", cache=True, boundscheck=False)
def _sums_by_id_1(values, r, order, starts, out):
    for v in range(starts.shape[0] - 1):
        total = np.float32(0.0)
        for p in range(starts[v], starts[v + 1]):
            total += values[r, order[p]]
        out[r, v] = total


def scatter_columns(values, ids, n_columns, threads):
    """``kernels.scatter_columns`` for float32 values (n, k) and int ids (k,) in [-1, n_columns):
    each column's sum formed in the order of the positions, the rows split over the threads.
    Returns (n, n_columns)."""
    values = np.ascontiguousarray(values)
    order, starts = _positions_by_id(np.ascontiguousarray(ids, dtype=np.int64), n_columns)
    out = np.empty((values.shape[0], n_columns), dtype=np.float32)
    scatter_columns_pooled(values, order, starts, out, split_bounds(values.shape[0], threads))
    return out


@_pjit_exact
def adam_update_pooled(p, g, m, v, beta1, one_minus_beta1, beta2, one_minus_beta2, lr_t, eps, bounds):
    """``optim.Adam.step`` for one float32 parameter (all four arrays flat, C-contiguous), split
    over the threads by ``bounds``, with numpy's roundings: the moments in float32 (beta1 ... eps
    are float32 here, as numpy casts Python floats), the step ``lr_t * m / (sqrt(v) + eps)`` in
    float64 (lr_t is a float64 scalar in numpy), rounded back to float32 as ``p -=`` does."""
    for k in prange(len(bounds) - 1):
        _adam_range(p, g, m, v, beta1, one_minus_beta1, beta2, one_minus_beta2, lr_t, eps, bounds[k], bounds[k + 1])


@numba.njit(nogil=True, error_model="numpy", cache=True)
def _adam_range(p, g, m, v, beta1, one_minus_beta1, beta2, one_minus_beta2, lr_t, eps, i0, i1):
    for i in range(i0, i1):
        gi = g[i]
        mi = m[i] * beta1 + one_minus_beta1 * gi
        vi = v[i] * beta2 + one_minus_beta2 * (gi * gi)
        m[i], v[i] = mi, vi
        p[i] = np.float32(np.float64(p[i]) - lr_t * np.float64(mi) / np.float64(np.sqrt(vi) + eps))


def adam_update(p, g, m, v, beta1, beta2, lr_t, eps, threads):
    """One Adam step on float32 p (in place, like the moments m and v), or False where it does not
    apply (another dtype, non-contiguous arrays); see ``adam_update_pooled``."""
    arrays = (p, g, m, v)
    if any(a.dtype != np.float32 or not a.flags.c_contiguous or a.shape != p.shape for a in arrays) or p.size == 0:
        return False
    f32 = np.float32
    adam_update_pooled(*(a.reshape(-1) for a in arrays), f32(beta1), f32(1 - beta1), f32(beta2), f32(1 - beta2),
                       np.float64(lr_t), f32(eps), split_bounds(p.size, threads))
    return True
