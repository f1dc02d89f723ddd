"""The gated recurrent unit (GRU) of the Sequence Models lectures, where the memory cell is the state.

The variant (Cho et al. 2014, as Andrew Ng writes it with ``c<t> = a<t>``)::

    Γu      = σ(Wu [a<t-1>; x<t>] + bu)               update gate
    Γr      = σ(Wr [a<t-1>; x<t>] + br)               reset ("relevance") gate
    c̃<t>    = tanh(Wc [Γr * a<t-1>; x<t>] + bc)       candidate
    a<t>    = Γu * c̃<t> + (1 - Γu) * a<t-1>
    ŷ<t>    = softmax(Wy a<t> + by)

The reset gate multiplies the previous state *before* the recurrent matrix product:
``Wc_a (Γr * a<t-1>)``.  The other common variant, used by PyTorch's ``nn.GRU`` and cuDNN, applies
it *after* the product and its bias: ``n = tanh(W_in x + b_in + Γr * (W_hn h + b_hn))``.  The two are
not the same function (the cuDNN form lets the product be computed for all three gates at once
before the reset is known), so weights do not transfer between them unchanged; PyTorch also writes
``h' = (1 - z) * n + z * h``, i.e. its update gate is our ``1 - Γu``.

Two layers of API over one piece of math, as in ``rnnlib.cells.rnn``:

* ``gru_step_forward`` / ``gru_step_backward`` are the cell on a pre-projected input
  ``xw = Wx @ x<t> + b`` with the three gates stacked in the order update, reset, candidate.
  A batched trainer calls these in its time loop and forms the weight gradients itself.
* ``gru_cell_forward`` ... ``gru_backward`` are course-style functions with one
  ``(n_a, n_a + n_x)`` matrix per gate acting on the concatenation ``[a_prev; xt]`` (``a_prev`` on
  top), like the course's LSTM.  They convert the dict to stacked arrays once per call and then
  call the same two steps.

Shapes: ``n_x`` input size, ``n_a`` hidden size, ``n_y`` output size, ``m`` batch, ``T_x`` time steps.
"""
import numpy as np

from ..checks import check_shape, get_params, raise_shape
from ..functional import sigmoid, softmax


# ----------------------------------------------------------------------------------------------
# The cell on a pre-projected input (stacked gates: update, reset, candidate)
# ----------------------------------------------------------------------------------------------


def gru_step_forward(xw, a_prev, Wh):
    """One GRU step on an already projected input.

    xw:     (3*n_a, m) ``Wx @ x<t> + b``, rows [0:n_a] update, [n_a:2n_a] reset, [2n_a:3n_a] candidate
    a_prev: (n_a, m) state a<t-1>
    Wh:     (3*n_a, n_a) recurrent weights; rows [0:2n_a] act on ``a_prev``, rows [2n_a:3n_a] act on
            ``Γr * a_prev`` (the reset is applied before the product)
    Returns (a_next (n_a, m), cache) with cache = (a_prev, Γu, Γr, c̃, Γr * a_prev), each (n_a, m).
    No shape checks here (this is the inner loop); the course-style functions check their inputs.
    """
    n_a = a_prev.shape[0]
    ur = sigmoid(xw[: 2 * n_a] + Wh[: 2 * n_a] @ a_prev)  # both sigmoid gates in one product
    gu, gr = ur[:n_a], ur[n_a:]
    ra = gr * a_prev
    cc = np.tanh(xw[2 * n_a:] + Wh[2 * n_a:] @ ra)
    a_next = gu * cc + (1.0 - gu) * a_prev
    return a_next, (a_prev, gu, gr, cc, ra)


def gru_recurrent_inputs(cache):
    """The two arrays the recurrent weights multiplied in a step: ``(a_prev, Γr * a_prev)``, each (n_a, m).

    With ``dxw`` from ``gru_step_backward``::

        dWh[:2*n_a] = dxw[:2*n_a] @ a_prev.T
        dWh[2*n_a:] = dxw[2*n_a:] @ (Γr * a_prev).T

    so a sequence model can stack these over time and form ``dWh`` in two products.
    """
    return cache[0], cache[4]


def gru_step_backward(da_next, cache, Wh):
    """Backward of ``gru_step_forward``.

    da_next: (n_a, m) dLoss/da<t> (from the output at t and from step t+1)
    cache:   from ``gru_step_forward``
    Wh:      (3*n_a, n_a) the recurrent weights used in the forward step
    Returns (dxw, da_prev):
      dxw (3*n_a, m) dLoss/d(pre-activations) in the stacked order update, reset, candidate; it is
        also dLoss/dxw, so ``dWx = dxw @ x.T`` and ``db = dxw.sum(axis=1, keepdims=True)``.
      da_prev (n_a, m) flows to step t-1 (through the carry, both gates and the candidate).
    The recurrent weight gradient is not formed here: with ``a_prev, ra = gru_recurrent_inputs(cache)``
    it is ``dWh[:2n_a] = dxw[:2n_a] @ a_prev.T`` and ``dWh[2n_a:] = dxw[2n_a:] @ ra.T``.
    """
    a_prev, gu, gr, cc, ra = cache
    n_a = a_prev.shape[0]
    dzc = da_next * gu * (1.0 - cc * cc)  # through c̃ = tanh(.)
    dra = Wh[2 * n_a:].T @ dzc  # gradient on Γr * a_prev
    dzu = da_next * (cc - a_prev) * gu * (1.0 - gu)
    dzr = dra * a_prev * gr * (1.0 - gr)
    dxw = np.concatenate((dzu, dzr, dzc), axis=0)
    da_prev = da_next * (1.0 - gu) + dra * gr + Wh[: 2 * n_a].T @ dxw[: 2 * n_a]
    return dxw, da_prev


# ----------------------------------------------------------------------------------------------
# Course-style functions (one (n_a, n_a + n_x) matrix per gate on [a_prev; xt])
# ----------------------------------------------------------------------------------------------

_GATE_KEYS = ("Wu", "bu", "Wr", "br", "Wc", "bc")
_CELL_KEYS = _GATE_KEYS + ("Wy", "by")


def _stack(parameters, where, keys=_CELL_KEYS):
    """Check a course GRU dict and return (Wx (3n_a, n_x), Wh (3n_a, n_a), b (3n_a, 1), Wy, by, n_a, n_x).

    Wy, by are None when ``keys`` leaves them out (the backward functions do not need them).
    """
    got = dict(zip(keys, get_params(parameters, keys, where)))
    Wu = got["Wu"]
    check_shape("Wu", Wu, (None, None), where)
    n_a, n_x = Wu.shape[0], Wu.shape[1] - Wu.shape[0]
    if n_x < 1:
        raise_shape("Wu", Wu, "(n_a, n_a + n_x) with n_x >= 1", where)
    for g in "urc":
        check_shape("W" + g, got["W" + g], (n_a, n_a + n_x), where)
        check_shape("b" + g, got["b" + g], (n_a, 1), where)
    Wy = by = None
    if "Wy" in got:
        Wy, by = got["Wy"], got["by"]
        check_shape("Wy", Wy, (None, n_a), where)
        check_shape("by", by, (Wy.shape[0], 1), where)
    Ws = [got["W" + g] for g in "urc"]
    Wh = np.concatenate([W[:, :n_a] for W in Ws], axis=0)
    Wx = np.concatenate([W[:, n_a:] for W in Ws], axis=0)
    b = np.concatenate([got["b" + g] for g in "urc"], axis=0)
    return Wx, Wh, b, Wy, by, n_a, n_x


def _check_inputs(xt, a_prev, n_a, n_x, where, x_name="xt", a_name="a_prev"):
    check_shape(a_name, a_prev, (n_a, None), where)
    check_shape(x_name, xt, (n_x, a_prev.shape[1]), where)


def _cell_forward(xt, a_prev, parameters, stacked):
    Wx, Wh, b, Wy, by = stacked[:5]
    a_next, (_, gu, gr, cc, _) = gru_step_forward(Wx @ xt + b, a_prev, Wh)
    yt_pred = softmax(Wy @ a_next + by)
    return a_next, yt_pred, (a_next, a_prev, xt, gu, gr, cc, parameters)


def gru_cell_forward(xt, a_prev, parameters):
    """One step of the lecture's GRU with a softmax output.

    xt: (n_x, m); a_prev: (n_a, m); parameters: dict with Wu, Wr, Wc (n_a, n_a + n_x) acting on
    ``[a_prev; xt]`` (for Wc: ``[Γr * a_prev; xt]``), bu, br, bc (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns (a_next (n_a, m), yt_pred (n_y, m), cache) with
    cache = (a_next, a_prev, xt, Γu, Γr, c̃, parameters); the gates and c̃ are (n_a, m).
    """
    where = "gru_cell_forward"
    stacked = _stack(parameters, where)
    _check_inputs(xt, a_prev, stacked[5], stacked[6], where)
    return _cell_forward(xt, a_prev, parameters, stacked)


def gru_forward(x, a0, parameters):
    """Run the GRU over a sequence.

    x: (n_x, m, T_x); a0: (n_a, m); parameters as for ``gru_cell_forward``.
    Returns (a (n_a, m, T_x), y (n_y, m, T_x), caches) with caches = (list of cell caches, x).
    """
    where = "gru_forward"
    stacked = _stack(parameters, where)
    n_a, n_x = stacked[5], stacked[6]
    if np.ndim(x) != 3:
        raise_shape("x", x, "(n_x, m, T_x)", where)
    check_shape("a0", a0, (n_a, None), where)
    check_shape("x", x, (n_x, a0.shape[1], None), where)
    m, T_x = x.shape[1], x.shape[2]
    a = np.zeros((n_a, m, T_x))
    y = np.zeros((stacked[3].shape[0], m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, y[:, :, t], cache = _cell_forward(x[:, :, t], a_next, parameters, stacked)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, y, (caches, x)


def _cell_backward(da_next, cache, stacked):
    Wx, Wh, n_a = stacked[0], stacked[1], stacked[5]
    _, a_prev, xt, gu, gr, cc, _ = cache
    dxw, da_prev = gru_step_backward(da_next, (a_prev, gu, gr, cc, gr * a_prev), Wh)
    ax = np.concatenate((a_prev, xt), axis=0)
    rax = np.concatenate((gr * a_prev, xt), axis=0)
    db = dxw.sum(axis=1, keepdims=True)
    return {
        "dxt": Wx.T @ dxw,
        "da_prev": da_prev,
        "dWu": dxw[:n_a] @ ax.T,
        "dbu": db[:n_a],
        "dWr": dxw[n_a:2 * n_a] @ ax.T,
        "dbr": db[n_a:2 * n_a],
        "dWc": dxw[2 * n_a:] @ rax.T,
        "dbc": db[2 * n_a:],
    }


def _check_cache(cache, where):
    if not isinstance(cache, tuple) or len(cache) != 7:
        raise_shape("cache", cache, "a 7-tuple from gru_cell_forward", where)


def gru_cell_backward(da_next, cache):
    """Backward of ``gru_cell_forward``'s state (the output layer is left out, as in the course).

    da_next: (n_a, m); cache from ``gru_cell_forward``.
    Returns dict dxt (n_x, m), da_prev (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1).
    The W gradients are with respect to the concatenations the matrices multiply: ``[a_prev; xt]``
    for Wu and Wr, ``[Γr * a_prev; xt]`` for Wc.
    """
    where = "gru_cell_backward"
    _check_cache(cache, where)
    stacked = _stack(cache[6], where, _GATE_KEYS)
    check_shape("da_next", da_next, np.shape(cache[0]), where)
    return _cell_backward(da_next, cache, stacked)


def gru_backward(da, caches):
    """Backpropagation through time for ``gru_forward``.

    da: (n_a, m, T_x) upstream gradient on every state (T_x is read from ``da.shape[2]`` and must
    match the caches); step t receives ``da[:, :, t]`` plus the da_prev carried from step t+1.
    Returns dict dx (n_x, m, T_x), da0 (n_a, m), dWu, dbu, dWr, dbr, dWc, dbc.
    """
    where = "gru_backward"
    cell_caches, _ = caches
    if not cell_caches:
        raise_shape("caches", cell_caches, "at least one time step from gru_forward", where)
    if np.ndim(da) != 3 or da.shape[2] != len(cell_caches):
        raise_shape("da", da, f"(n_a, m, {len(cell_caches)})", where)
    _check_cache(cell_caches[0], where)
    stacked = _stack(cell_caches[0][6], where, _GATE_KEYS)
    n_a, n_x = stacked[5], stacked[6]
    check_shape("da", da, np.shape(cell_caches[0][0]) + (len(cell_caches),), where)
    m, T_x = da.shape[1], da.shape[2]
    dx = np.zeros((n_x, m, T_x))
    grads = {k: 0.0 for k in ("dWu", "dbu", "dWr", "dbr", "dWc", "dbc")}
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = _cell_backward(da[:, :, t] + da_prev, cell_caches[t], stacked)
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for k in grads:
            grads[k] = grads[k] + step[k]
    return {"dx": dx, "da0": da_prev, **grads}
