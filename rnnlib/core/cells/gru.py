"""The gated recurrent unit (GRU) of the Sequence Models lectures, where the memory cell is the state.

The variant (Cho et al. 2014, as Andrew Ng writes it with ``c<t> = a<t>``)::

    Γu      = σ(Wu [a<t-1>; x<t>] + bu)               update gate
    Γr      = σ(Wr [a<t-1>; x<t>] + br)               reset ("relevance") gate
    c̃<t>    = tanh(Wc [Γr * a<t-1>; x<t>] + bc)       candidate
    a<t>    = Γu * c̃<t> + (1 - Γu) * a<t-1>

The reset gate multiplies the previous state *before* the recurrent matrix product:
``Wc_a (Γr * a<t-1>)``.  The other common variant, used by PyTorch's ``nn.GRU`` and cuDNN, applies
it *after* the product and its bias: ``n = tanh(W_in x + b_in + Γr * (W_hn h + b_hn))``.  The two are
not the same function (the cuDNN form lets the product be computed for all three gates at once
before the reset is known), so weights do not transfer between them unchanged; PyTorch also writes
``h' = (1 - z) * n + z * h``, i.e. its update gate is our ``1 - Γu``.

The three gates are stacked in the order update, reset, candidate, and the step takes its input
already projected (``xw = Wx @ x<t> + b``).  The course-style per-gate dict functions
(``gru_cell_forward`` ...) live in ``rnnlib.course``.

Shapes: ``n_a`` hidden size, ``m`` batch.
"""
from typing import NamedTuple

import numpy as np

from .. import kernels
from ..functional import sigmoid


class GRUStepCache(NamedTuple):
    """What ``gru_step_backward`` and the weight gradients need from one forward step (each (n_a, m))."""

    a_prev: np.ndarray  # the state the step read; rows [0:2n_a] of Wh multiply it
    update: np.ndarray  # Γu
    reset: np.ndarray  # Γr
    candidate: np.ndarray  # c̃
    reset_a_prev: np.ndarray  # Γr * a_prev; rows [2n_a:3n_a] of Wh multiply it


def gru_step_forward(xw, a_prev, Wh, keep=None):
    """One GRU step on an already projected input.

    xw:     (3*n_a, m) ``Wx @ x<t> + b``, rows [0:n_a] update, [n_a:2n_a] reset, [2n_a:3n_a] candidate
    a_prev: (n_a, m) state a<t-1>
    Wh:     (3*n_a, n_a) recurrent weights; rows [0:2n_a] act on ``a_prev``, rows [2n_a:3n_a] act on
            ``Γr * a_prev`` (the reset is applied before the product)
    keep:   None, or (n_a, m) recurrent-dropout multipliers: the recurrent products then read
            ``a_prev * keep`` while the carry ``(1 - Γu) * a_prev`` keeps the undropped state (Keras)
    Returns (a_next (n_a, m), GRUStepCache).
    No shape checks here (this is the inner loop); the course-style functions check their inputs.
    """
    n_a = a_prev.shape[0]
    read = a_prev if keep is None else a_prev * keep
    ur = sigmoid(xw[: 2 * n_a] + Wh[: 2 * n_a] @ read)  # both sigmoid gates in one product
    gu, gr = ur[:n_a], ur[n_a:]
    ra = gr * read
    cc = np.tanh(xw[2 * n_a:] + Wh[2 * n_a:] @ ra)
    a_next = gu * cc + (1.0 - gu) * a_prev
    return a_next, GRUStepCache(a_prev, gu, gr, cc, ra)


def gru_step_backward(da_next, cache, Wh, keep=None):
    """Backward of ``gru_step_forward``.

    da_next: (n_a, m) dLoss/da<t> (from the output at t and from step t+1)
    cache:   the GRUStepCache from ``gru_step_forward``
    Wh:      (3*n_a, n_a) the recurrent weights used in the forward step
    keep:    the forward step's recurrent-dropout multipliers, or None
    Returns (dxw, da_prev):
      dxw (3*n_a, m) dLoss/d(pre-activations) in the stacked order update, reset, candidate; it is
        also dLoss/dxw, so ``dWx = dxw @ x.T`` and ``db = dxw.sum(axis=1, keepdims=True)``.
      da_prev (n_a, m) flows to step t-1 (through the carry, both gates and the candidate).
    The recurrent weight gradient is formed by the caller from the cache:
    ``dWh[:2n_a] = dxw[:2n_a] @ cache.a_prev.T`` and ``dWh[2n_a:] = dxw[2n_a:] @ cache.reset_a_prev.T``
    (with recurrent dropout, ``a_prev * keep`` in place of ``a_prev`` in the first).
    """
    a_prev, gu, gr, cc = cache.a_prev, cache.update, cache.reset, cache.candidate
    n_a = a_prev.shape[0]
    dzc = da_next * gu * (1.0 - cc * cc)  # through c̃ = tanh(.)
    dra = Wh[2 * n_a:].T @ dzc  # gradient on Γr * a_prev
    dzu = da_next * (cc - a_prev) * gu * (1.0 - gu)
    if keep is None:
        dzr = dra * a_prev * gr * (1.0 - gr)
        dxw = np.concatenate((dzu, dzr, dzc), axis=0)
        da_prev = da_next * (1.0 - gu) + dra * gr + Wh[: 2 * n_a].T @ dxw[: 2 * n_a]
        return dxw, da_prev
    dzr = dra * (a_prev * keep) * gr * (1.0 - gr)
    dxw = np.concatenate((dzu, dzr, dzc), axis=0)
    # the carry saw a_prev itself; the products saw a_prev * keep
    da_prev = da_next * (1.0 - gu) + keep * (dra * gr + Wh[: 2 * n_a].T @ dxw[: 2 * n_a])
    return dxw, da_prev


# --- the reset-after GRU (Keras's reset_after=True, PyTorch's nn.GRU, cuDNN) ----------------------
#
#     Γu      = σ(xw_u + Wh_u a<t-1> + bh_u)                    update gate
#     Γr      = σ(xw_r + Wh_r a<t-1> + bh_r)                    reset gate
#     n<t>    = tanh(xw_c + Γr * (Wh_c a<t-1> + bh_c))          candidate: reset *after* the product
#     a<t>    = Γu * n<t> + (1 - Γu) * a<t-1>
#
# with ``xw = Wx x<t> + bx`` (the input bias) and a separate recurrent bias ``bh``: the candidate's
# recurrent bias sits inside the reset gate's product, so it cannot be merged into ``bx``.  The
# gates keep this module's meaning: Γu is the weight of the *candidate*.  Keras and PyTorch call
# the gate that weights the *old state* z (``h = z * h_prev + (1 - z) * n``), so their z is our
# 1 - Γu = σ(-(.)): their z rows of every weight and bias are ours negated.
# Because every gate's recurrent product reads a<t-1> itself, ``Wh @ a_prev`` is one product for
# all three gates, which is why cuDNN uses this form.


class GRUResetAfterStepCache(NamedTuple):
    """What ``gru_reset_after_step_backward`` and the weight gradients need (each (n_a, m))."""

    a_prev: np.ndarray  # the state the step read; every row of Wh multiplies it
    update: np.ndarray  # Γu
    reset: np.ndarray  # Γr
    candidate: np.ndarray  # n<t>
    recurrent_candidate: np.ndarray  # Wh_c a_prev + bh_c, the product the reset gate scales


def gru_reset_after_step_forward(xw, a_prev, Wh, bh, keep=None):
    """One reset-after GRU step on an already projected input.

    xw:     (3*n_a, m) ``Wx @ x<t> + bx``, rows [0:n_a] update, [n_a:2n_a] reset, [2n_a:3n_a] candidate
    a_prev: (n_a, m) state a<t-1>
    Wh:     (3*n_a, n_a) recurrent weights, same row order
    bh:     (3*n_a, 1) recurrent bias
    keep:   None, or (n_a, m) recurrent-dropout multipliers: the recurrent product reads
            ``a_prev * keep``, the carry the undropped ``a_prev`` (as Keras's GRU)
    Returns (a_next (n_a, m), GRUResetAfterStepCache).
    """
    n_a = a_prev.shape[0]
    rec = Wh @ (a_prev if keep is None else a_prev * keep) + bh  # one product for all three gates
    ur = sigmoid(xw[: 2 * n_a] + rec[: 2 * n_a])
    gu, gr = ur[:n_a], ur[n_a:]
    rc = rec[2 * n_a:]
    cand = np.tanh(xw[2 * n_a:] + gr * rc)
    a_next = gu * cand + (1.0 - gu) * a_prev
    return a_next, GRUResetAfterStepCache(a_prev, gu, gr, cand, rc)


def gru_reset_after_step_backward(da_next, cache, Wh, keep=None):
    """Backward of ``gru_reset_after_step_forward``.

    da_next: (n_a, m) dLoss/da<t>; cache: its GRUResetAfterStepCache; Wh: (3*n_a, n_a);
    keep: the forward step's recurrent-dropout multipliers, or None.
    Returns (dxw, da_prev):
      dxw (3*n_a, m) dLoss/dxw (update, reset, candidate), so ``dWx = dxw @ x.T`` and
        ``dbx = dxw.sum(axis=1, keepdims=True)``.
      da_prev (n_a, m) flows to step t-1.
    The recurrent gradients are formed by the caller: the gradient on the recurrent pre-activations
    is ``dxw`` for the update and reset rows and ``dxw * Γr`` for the candidate rows (the reset
    scales that product), so ``dWh = d_rec @ a_prev.T`` (``(a_prev * keep).T`` with recurrent
    dropout) and ``dbh = d_rec.sum(axis=1)``.
    """
    a_prev, gu, gr, cand, rc = cache
    n_a = a_prev.shape[0]
    dzc = da_next * gu * (1.0 - cand * cand)  # through n = tanh(.)
    dzu = da_next * (cand - a_prev) * gu * (1.0 - gu)
    dzr = dzc * rc * gr * (1.0 - gr)
    dxw = np.concatenate((dzu, dzr, dzc), axis=0)
    through_products = Wh[: 2 * n_a].T @ dxw[: 2 * n_a] + Wh[2 * n_a:].T @ (dzc * gr)
    da_prev = da_next * (1.0 - gu) + (through_products if keep is None else keep * through_products)
    return dxw, da_prev


# ----------------------------------------------------------------------------- compiled sequence loops
# As for the LSTM (see the end of ``cells.lstm``): with numba in use, the plain reset-after loop (no
# mask, forward in time, no recurrent dropout) runs on compiled kernels that read and write each
# step's slices inside the sequence's arrays.  Each returns None where it does not apply, and the
# caller then runs its own loop over the step functions above.


def gru_reset_after_layer_forward_compiled(xw, state0, Wh):
    """``layers.layer_forward`` for the reset-after GRU on the compiled float32 kernel, or None.

    xw (3 n_a, T, m), state0 (a0,) with a0 (n_a, m), Wh (3 n_a, n_a + 1) (the recurrent bias as its
    last column), all float32.  Returns (H (n_a, T, m), (a,) final state, per-step caches) like
    the plain loop.  The states live in one (n_a + 1, T + 1, m) array whose last row is ones, so
    that ``Wh @ [a<t-1>; 1]`` is one product with the bias; H is a view into it, and the caches
    come as ``kernels.CachesWithInputs`` carrying every step's ``[a<t-1>; 1]`` for the weight
    gradient.
    """
    (a0,) = state0
    fast = kernels.compiled_for(xw, a0, Wh, dtypes=kernels.FLOAT32_ONLY)
    if fast is None or xw.ndim != 3 or a0.ndim != 2 or not xw.flags.c_contiguous:
        return None
    n_a, m = a0.shape
    if xw.shape[0] != 3 * n_a or xw.shape[2] != m or Wh.shape != (3 * n_a, n_a + 1):
        return None
    T = xw.shape[1]
    A = np.empty((n_a + 1, T + 1, m), dtype=xw.dtype)  # [a<t-1>; 1] for t = 0 ... T
    A[:n_a, 0], A[n_a] = a0, 1
    N = np.empty((T, n_a, m), dtype=xw.dtype)  # the candidates
    a_prev, a_next = np.array(a0, order="C"), np.empty((n_a, m), dtype=xw.dtype)  # a<t-1>, a<t>: see the kernel
    steps = []
    for t in range(T):
        rec = Wh @ A[:, t]  # (3 n_a, m): every gate's recurrent product and bias in one product
        fast.gru_reset_after_sequence_step_float32(rec, xw, t, a_prev, N, A, a_next)
        a_prev, a_next = a_next, a_prev
        steps.append(GRUResetAfterStepCache(A[:n_a, t], rec[:n_a], rec[n_a:2 * n_a], N[t], rec[2 * n_a:]))
    return A[:n_a, 1:], (A[:n_a, T].copy(),), kernels.CachesWithInputs(steps, A[:, :T])


def gru_reset_after_layer_backward_compiled(dH, dstate_last, caches, Wh):
    """The time loop of ``layers.layer_backward`` for the reset-after GRU on the compiled kernel, or
    None.

    dH (n_a, T, m); dstate_last (da,) or None; caches from either forward loop; Wh (3 n_a, n_a + 1).
    Returns (dXW (3 n_a, T, m), (da0,)); the caller forms dWh from dXW.  The same bits as the numpy
    loop (float32 and float64): the same elementwise operations, and the same two products per step.
    """
    fast = kernels.compiled_for(dH, Wh)
    if fast is None or dH.ndim != 3 or not dH.flags.c_contiguous:
        return None
    n_a, T, m = dH.shape
    if len(caches) != T or Wh.shape != (3 * n_a, n_a + 1):
        return None
    for cache in caches:
        if not isinstance(cache, GRUResetAfterStepCache) or kernels.compiled_for(dH, *cache) is None \
                or any(part.shape != (n_a, m) for part in cache):
            return None
    if dstate_last is None:
        da = np.zeros((n_a, m), dH.dtype)
    else:
        (da,) = dstate_last
        if kernels.compiled_for(dH, da) is None or da.shape != (n_a, m):
            return None
    gates_T, candidate_T = Wh[:2 * n_a, :n_a].T, Wh[2 * n_a:, :n_a].T
    dXW = np.empty((3 * n_a, T, m), dtype=dH.dtype)
    one = dH.dtype.type(1)
    for t in reversed(range(T)):
        c = caches[t]
        d_rc, carry = np.empty((n_a, m), dH.dtype), np.empty((n_a, m), dH.dtype)
        # a_prev is a strided view into the states after the compiled forward; numba vectorises
        # the kernel only over contiguous arrays, so it gets a contiguous copy
        fast.gru_reset_after_sequence_back(da, dH, t, c.update, c.reset, c.candidate, c.recurrent_candidate,
                                           np.ascontiguousarray(c.a_prev), one, dXW, d_rc, carry)
        # the numpy step's two products and sums, in its order
        da = carry + (gates_T @ dXW[:2 * n_a, t] + candidate_T @ d_rc)
    return dXW, (da,)
