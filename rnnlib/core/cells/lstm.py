"""The LSTM cell (Hochreiter & Schmidhuber, with a forget gate), in the course's notation.

    f  = sigmoid(W_f [a<t-1>; x<t>] + b_f)      forget gate
    i  = sigmoid(W_i [a<t-1>; x<t>] + b_i)      update (input) gate
    cc = tanh   (W_c [a<t-1>; x<t>] + b_c)      candidate memory
    o  = sigmoid(W_o [a<t-1>; x<t>] + b_o)      output gate
    c<t> = f * c<t-1> + i * cc                  a<t> = o * tanh(c<t>)

The four gates are stacked into one ``(4 n_a, .)`` block in the order forget, update, candidate,
output (``GATES``), and the step takes its input already projected (``xw = Wx @ x + b``), so one
matrix product ``Wh @ a_prev`` serves all four gates.  The course's per-gate dict functions
(``lstm_cell_forward`` ...) live in ``rnnlib.course``; they stack their weights and call these.

Shapes: ``n_a`` hidden size, ``m`` batch.
"""
import functools
from typing import NamedTuple

import numpy as np

from .. import kernels

#: Order of the gates in every stacked ``(4 n_a, .)`` array.
GATES = ("f", "i", "c", "o")


class LSTMStepCache(NamedTuple):
    """What ``lstm_step_backward`` and the weight gradients need from one forward step."""

    a_prev: np.ndarray  # (n_a, m) the recurrent product's input
    c_prev: np.ndarray  # (n_a, m) the memory cell the step started from
    gates: np.ndarray  # (4 n_a, m) the activations, stacked forget, update, candidate, output
    tanh_c: np.ndarray  # (n_a, m) tanh(c<t>)


def gate_rows(n_a, gate):
    """The row slice of gate ``gate`` (one of ``GATES``) in a stacked ``(4 n_a, .)`` array."""
    k = GATES.index(gate)
    return slice(k * n_a, (k + 1) * n_a)


@functools.lru_cache(maxsize=None)
def _gate_affine(n_a, dtype):
    """((4 n_a, 1) scale, (4 n_a, 1) shift): 1/2 and 1/2 on the sigmoid gates' rows, 1 and 0 on
    the candidate's.  Built once per (n_a, dtype) and kept (read-only), not once per step.

    sigmoid(z) = (1 + tanh(z / 2)) / 2, so with these factors one tanh serves every gate:
    ``gate = scale * tanh(scale * z) + shift`` is sigmoid(z) where scale = 1/2 and tanh(z) where
    scale = 1.
    """
    scale = np.full((4 * n_a, 1), 0.5, dtype=dtype)
    scale[gate_rows(n_a, "c")] = 1.0
    shift = 1.0 - scale
    scale.flags.writeable = shift.flags.writeable = False
    return scale, shift


def lstm_step_forward(xw, a_prev, c_prev, Wh):
    """One LSTM step on an already projected input.

    xw:     (4 n_a, m) ``Wx @ x<t> + b`` for the stacked gates (forget, update, candidate, output)
    a_prev: (n_a, m) hidden state a<t-1>
    c_prev: (n_a, m) memory cell c<t-1>
    Wh:     (4 n_a, n_a) recurrent weights of the stacked gates
    Returns (a_next (n_a, m), c_next (n_a, m), LSTMStepCache).
    """
    n_a = a_prev.shape[0]
    gates = Wh @ a_prev  # (4 n_a, m), a fresh array the rest of the step works in place on
    fast = kernels.compiled_for(gates, xw, c_prev, dtypes=kernels.FLOAT32_ONLY)
    # numba: the rest of the step in one compiled pass (see rnnlib.core.kernels), for exact shapes
    # only (the numpy code below also broadcasts)
    if fast is not None and xw.shape == gates.shape and c_prev.shape == a_prev.shape:
        c_next, tanh_c, a_next = np.empty_like(c_prev), np.empty_like(c_prev), np.empty_like(c_prev)
        # the loop is vectorised only over contiguous rows; a time step's slice of the sequence is not
        fast.lstm_step_forward_float32(gates, np.ascontiguousarray(xw), np.ascontiguousarray(c_prev),
                                       c_next, tanh_c, a_next)
        return a_next, c_next, LSTMStepCache(a_prev, c_prev, gates, tanh_c)
    gates += xw
    # One tanh call for all four gates instead of a sigmoid over all and a tanh over one block:
    # the sigmoid rows are halved before the tanh and mapped from (-1, 1) to (0, 1) after it.
    scale, shift = _gate_affine(n_a, gates.dtype)
    gates *= scale
    np.tanh(gates, out=gates)
    gates *= scale
    gates += shift
    ft, it, cct, ot = gates[:n_a], gates[n_a:2 * n_a], gates[2 * n_a:3 * n_a], gates[3 * n_a:]
    c_next = ft * c_prev
    c_next += it * cct
    tanh_c = np.tanh(c_next)
    a_next = ot * tanh_c
    return a_next, c_next, LSTMStepCache(a_prev, c_prev, gates, tanh_c)


def lstm_step_backward(da_next, dc_next, cache, Wh, out=None):
    """Backward of ``lstm_step_forward``.

    da_next: (n_a, m) dLoss/da<t> (from the output at t and from step t+1)
    dc_next: (n_a, m) dLoss/dc<t> arriving from step t+1 (zeros at the last step)
    cache:   the LSTMStepCache ``lstm_step_forward`` returned
    Wh:      (4 n_a, n_a)
    out:     optional (4 n_a, m) array (a view is fine) to write dxw into, e.g. the step's slice
             of the whole sequence's gradient, saving a copy
    Returns (dxw, da_prev, dc_prev): dxw (4 n_a, m) is dLoss/d(gate pre-activations), which is also
    dLoss/dxw and dLoss/db per example; da_prev = Wh.T @ dxw and dc_prev (both (n_a, m)) flow to
    step t-1.  Weight gradients are ``dxw @ x.T`` and ``dxw @ a_prev.T``, formed by the caller.
    """
    gates, tanh_c, c_prev = cache.gates, cache.tanh_c, cache.c_prev
    n_a = tanh_c.shape[0]
    fast = kernels.compiled_for(gates, tanh_c, c_prev, da_next, dc_next)
    # numba: the same operations as below, in one compiled loop (for exact shapes: no broadcasting)
    if fast is not None and da_next.shape == dc_next.shape == c_prev.shape == tanh_c.shape:
        # (into a contiguous array: the compiled loop is several times slower writing a strided view)
        dxw, dc_prev = np.empty_like(gates), np.empty_like(tanh_c)
        fast.lstm_step_backward(da_next, dc_next, gates, tanh_c, c_prev, _one(gates.dtype), dxw, dc_prev)
        if out is not None:
            out[...] = dxw
        return dxw, Wh.T @ dxw, dc_prev
    dxw = np.empty_like(gates) if out is None else out
    ft, it, cct, ot = gates[:n_a], gates[n_a:2 * n_a], gates[2 * n_a:3 * n_a], gates[3 * n_a:]
    # total gradient on c<t>: directly from step t+1, and through a<t> = o * tanh(c<t>)
    dc = tanh_c * tanh_c
    np.subtract(1.0, dc, out=dc)
    dc *= ot
    dc *= da_next
    dc += dc_next
    # dLoss/d(gate activation), written straight into the stacked result
    np.multiply(dc, c_prev, out=dxw[:n_a])
    np.multiply(dc, cct, out=dxw[n_a:2 * n_a])
    np.multiply(dc, it, out=dxw[2 * n_a:3 * n_a])
    np.multiply(da_next, tanh_c, out=dxw[3 * n_a:])
    # times the activation's derivative, for all gates at once: (1 - g) * (g + k) is s(1 - s)
    # for a sigmoid (k = 0) and 1 - t^2 for the tanh (k = 1); k = 1 - 2 * shift with _gate_affine's shift
    deriv = 1.0 - gates
    deriv *= gates + _derivative_offset(n_a, gates.dtype)
    dxw *= deriv
    dc *= ft  # dc_prev; dc itself is no longer needed
    return dxw, Wh.T @ dxw, dc


@functools.lru_cache(maxsize=None)
def _derivative_offset(n_a, dtype):
    """(4 n_a, 1): 0 on the sigmoid gates' rows, 1 on the candidate's (see lstm_step_backward)."""
    offset = 1.0 - 2.0 * _gate_affine(n_a, dtype)[1]
    offset.flags.writeable = False
    return offset


@functools.lru_cache(maxsize=None)
def _one(dtype):
    return dtype.type(1)


# ----------------------------------------------------------------------------- compiled sequence loops
# ``rnnlib.core.layers`` runs a sequence by calling the step functions above once per time step; the
# step's input projection and output are (4 n_a, m) and (n_a, m) slices of (., T, m) arrays, which
# numpy handles as strided views but the compiled loop only vectorises over contiguous rows.  With
# numba in use, these two run the same plain loop (no mask, forward in time, no recurrent dropout)
# on kernels that read and write those slices inside the (., T, m) arrays, saving a copy per step
# each way.  They return None wherever the compiled path does not apply, and the caller then runs
# its own loop over the functions above.


def lstm_layer_forward_compiled(xw, state0, Wh):
    """``layers.layer_forward`` for the LSTM on the compiled float32 kernel, or None.

    xw (4 n_a, T, m), state0 (a0, c0) each (n_a, m), Wh (4 n_a, n_a), all float32.
    Returns (H (n_a, T, m), (a, c) final state, per-step caches) like the plain loop, with two
    differences in layout that save copies: H is a view, ``[:, 1:]``, of an (n_a, T + 1, m) array
    whose ``[:, 0]`` holds a copy of a0, and the caches come as ``kernels.CachesWithInputs`` carrying
    ``[:, :T]`` of that array, every step's recurrent input at once, for the weight gradient.
    """
    a0, c0 = state0
    fast = kernels.compiled_for(xw, a0, c0, Wh, dtypes=kernels.FLOAT32_ONLY)
    if fast is None or xw.ndim != 3 or a0.ndim != 2 or not xw.flags.c_contiguous:
        return None
    n_a, m = a0.shape
    if xw.shape[0] != 4 * n_a or xw.shape[2] != m or c0.shape != (n_a, m) or Wh.shape != (4 * n_a, n_a):
        return None
    pool = kernels.pooled()
    if pool is not None:  # kernels.use("numba", threads=k): each step split over k threads
        return pool.lstm_layer_forward(xw, a0, c0, Wh, kernels.pool_threads())
    T = xw.shape[1]
    A = np.empty((n_a, T + 1, m), dtype=xw.dtype)  # a<-1> = a0, then a<0> ... a<T-1>
    C = np.empty((T + 1, n_a, m), dtype=xw.dtype)  # c0, then c<0> ... c<T-1>
    tanh_C = np.empty((T, n_a, m), dtype=xw.dtype)
    A[:, 0], C[0] = a0, c0
    steps = []
    for t in range(T):
        a_prev = A[:, t]  # rows of m contiguous floats, which BLAS reads in place
        gates = Wh @ a_prev
        fast.lstm_sequence_step_float32(gates, xw, t, C, tanh_C, A)
        steps.append(LSTMStepCache(a_prev, C[t], gates, tanh_C[t]))
    caches = kernels.CachesWithInputs(steps, A[:, :T])
    return A[:, 1:], (A[:, T].copy(), C[T]), caches


def lstm_projected_forward_compiled(inputs, Wx, b, state0, Wh):
    """``layers.projected_layer_forward`` for the LSTM on the pooled path, or None (then the caller
    forms ``Wx @ inputs + b`` for all steps and runs ``layer_forward``).

    inputs (n_in, T, m), Wx (4 n_a, n_in), b (4 n_a, 1), state0 (a0, c0), Wh (4 n_a, n_a), all
    float32.  Each step forms its own input projection inside the pooled time loop
    (``_numba_pool.lstm_forward_pooled``); returns what ``lstm_layer_forward_compiled`` does.
    """
    pool = kernels.pooled()
    if pool is None:
        return None
    a0, c0 = state0
    if kernels.compiled_for(inputs, Wx, b, a0, c0, Wh, dtypes=kernels.FLOAT32_ONLY) is None or inputs.ndim != 3 \
            or a0.ndim != 2 or Wx.ndim != 2 or b.ndim != 2:
        return None
    (n_in, T, m), n_a = inputs.shape, a0.shape[0]
    if Wx.shape != (4 * n_a, n_in) or b.shape != (4 * n_a, 1) or a0.shape != (n_a, m) or c0.shape != (n_a, m) \
            or Wh.shape != (4 * n_a, n_a) or 0 in inputs.shape or not pool.projection_fits(inputs):
        return None
    return pool.lstm_layer_forward(None, a0, c0, Wh, kernels.pool_threads(), projection=(inputs, Wx, b))


def lstm_layer_backward_compiled(dH, dstate_last, caches, Wh):
    """The time loop of ``layers.layer_backward`` for the LSTM on the compiled kernel, or None.

    dH (n_a, T, m); dstate_last (da, dc) or None; caches from either forward loop; Wh (4 n_a, n_a).
    Returns (dXW (4 n_a, T, m), (da0, dc0)); the caller forms dWh from dXW.  The same bits as the
    numpy loop (float32 and float64).
    """
    dtype_ok = kernels.compiled_for(dH, Wh)
    if dtype_ok is None or dH.ndim != 3 or not dH.flags.c_contiguous:
        return None
    n_a, T, m = dH.shape
    if len(caches) != T or Wh.shape != (4 * n_a, n_a):
        return None
    pool = kernels.pooled()
    if pool is not None and dH.dtype == np.float32:
        done = pool.lstm_layer_backward(dH, dstate_last, caches, Wh, kernels.pool_threads())
        if done is not None:
            return done
    for cache in caches:
        if not isinstance(cache, LSTMStepCache) \
                or kernels.compiled_for(dH, cache.gates, cache.tanh_c, cache.c_prev) is None \
                or cache.gates.shape != (4 * n_a, m) or cache.tanh_c.shape != (n_a, m) or cache.c_prev.shape != (n_a, m):
            return None
    if dstate_last is None:
        da, dc = np.zeros((n_a, m), dH.dtype), np.zeros((n_a, m), dH.dtype)
    else:
        da, dc = dstate_last
        if kernels.compiled_for(dH, da, dc) is None or da.shape != (n_a, m) or dc.shape != (n_a, m):
            return None
    dXW = np.empty((4 * n_a, T, m), dtype=dH.dtype)
    one = _one(dH.dtype)
    for t in reversed(range(T)):
        cache = caches[t]
        dc_prev = np.empty((n_a, m), dtype=dH.dtype)
        dtype_ok.lstm_sequence_back(da, dH, t, dc, cache.gates, cache.tanh_c, cache.c_prev, one, dXW, dc_prev)
        da, dc = Wh.T @ dXW[:, t], dc_prev
    return dXW, (da, dc)
