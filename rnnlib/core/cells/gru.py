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
