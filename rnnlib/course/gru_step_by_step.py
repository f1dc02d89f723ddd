"""The lecture's GRU as course-style functions, in the manner of "Building an RNN step by step".

The course grades no GRU, so these follow its LSTM functions: one ``(n_a, n_a + n_x)`` matrix per
gate acting on the concatenation ``[a_prev; xt]`` (``a_prev`` on top; for ``Wc`` it is
``[Γr * a_prev; xt]``), caches and gradient dicts named like the LSTM's.  They convert the dict to
stacked arrays once per call and call the one GRU step of ``rnnlib.core.cells.gru``, whose
docstring gives the equations.

Shapes: ``n_x`` input size, ``n_a`` hidden size, ``n_y`` output size, ``m`` batch, ``T_x`` time steps.

Overflow: unlike the RNN's and LSTM's tanh-bounded states, the GRU's state carries ``(1 - Γu) * a_prev``
unbounded, so finite but huge inputs (a state near 1e300 and an output matrix near 1e300) overflow to
infinity and NaN in float64.  The functions refuse such a result with ``TrainingDiverged`` naming the
overflow rather than return NaN; no rescaling could give the true (unrepresentable) values.
"""
from typing import NamedTuple

import numpy as np

from ..core.cells.gru import GRUStepCache, gru_step_backward, gru_step_forward
from ..core.checks import check_finite_result, check_numeric_array, check_shape, get_params, raise_shape
from ..core.functional import softmax
from .rnn_step_by_step import SequenceCaches, as_named_cache, as_sequence_caches


class StackedGRU(NamedTuple):
    """A course GRU dict as the core step reads it: Wx (3n_a, n_x), Wh (3n_a, n_a), b (3n_a, 1);
    Wy, by are None where the caller needs no output layer."""

    Wx: np.ndarray
    Wh: np.ndarray
    b: np.ndarray
    Wy: "np.ndarray | None"
    by: "np.ndarray | None"
    n_a: int
    n_x: int


class GRUCellCache(NamedTuple):
    """``gru_cell_forward``'s cache (gates and candidate are (n_a, m))."""

    a_next: np.ndarray
    a_prev: np.ndarray
    xt: np.ndarray
    update: np.ndarray  # Γu
    reset: np.ndarray  # Γr
    candidate: np.ndarray  # c̃
    parameters: dict


_GATE_KEYS = ("Wu", "bu", "Wr", "br", "Wc", "bc")
_CELL_KEYS = _GATE_KEYS + ("Wy", "by")


def gru_stack_params(parameters, where="gru_stack_params", keys=_CELL_KEYS):
    """Check a course GRU dict and return it stacked (a StackedGRU), as ``rnnlib.core``'s GRU steps take it.

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
    return StackedGRU(Wx, Wh, b, Wy, by, n_a, n_x)


def _check_inputs(xt, a_prev, n_a, n_x, where, x_name="xt", a_name="a_prev"):
    check_shape(a_name, a_prev, (n_a, None), where)
    check_shape(x_name, xt, (n_x, a_prev.shape[1]), where)


def _cell_forward(xt, a_prev, parameters, stacked):
    Wx, Wh, b, Wy, by = stacked.Wx, stacked.Wh, stacked.b, stacked.Wy, stacked.by
    a_next, (_, gu, gr, cc, _) = gru_step_forward(Wx @ xt + b, a_prev, Wh)
    yt_pred = softmax(Wy @ a_next + by)
    return a_next, yt_pred, GRUCellCache(a_next, a_prev, xt, gu, gr, cc, parameters)


def gru_cell_forward(xt, a_prev, parameters):
    """One step of the lecture's GRU with a softmax output.

    xt: (n_x, m); a_prev: (n_a, m); parameters: dict with Wu, Wr, Wc (n_a, n_a + n_x) acting on
    ``[a_prev; xt]`` (for Wc: ``[Γr * a_prev; xt]``), bu, br, bc (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns (a_next (n_a, m), yt_pred (n_y, m), cache) with
    cache = (a_next, a_prev, xt, Γu, Γr, c̃, parameters); the gates and c̃ are (n_a, m).
    """
    where = "gru_cell_forward"
    stacked = gru_stack_params(parameters, where)
    _check_inputs(xt, a_prev, stacked.n_a, stacked.n_x, where)
    a_next, yt_pred, cache = _cell_forward(xt, a_prev, parameters, stacked)
    check_finite_result("a_next", a_next, where)
    check_finite_result("yt_pred", yt_pred, where)
    return a_next, yt_pred, cache


def gru_forward(x, a0, parameters):
    """Run the GRU over a sequence.

    x: (n_x, m, T_x); a0: (n_a, m); parameters as for ``gru_cell_forward``.
    Returns (a (n_a, m, T_x), y (n_y, m, T_x), caches) with caches = (list of cell caches, x).
    """
    where = "gru_forward"
    stacked = gru_stack_params(parameters, where)
    n_a, n_x = stacked.n_a, stacked.n_x
    check_numeric_array('x', x, where)
    if np.ndim(x) != 3:
        raise_shape("x", x, "(n_x, m, T_x)", where)
    check_shape("a0", a0, (n_a, None), where)
    check_shape("a0", a0, (n_a, None), where)
    check_shape("x", x, (n_x, a0.shape[1], None), where)
    m, T_x = x.shape[1], x.shape[2]
    a = np.zeros((n_a, m, T_x))
    y = np.zeros((stacked.Wy.shape[0], m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, y[:, :, t], cache = _cell_forward(x[:, :, t], a_next, parameters, stacked)
        a[:, :, t] = a_next
        caches.append(cache)
    check_finite_result("a", a, where)  # once at the end: the inner loop stays a plain loop
    check_finite_result("y", y, where)
    return a, y, SequenceCaches(caches, x)


def _cell_backward(da_next, cache, stacked):
    Wx, Wh, n_a = stacked.Wx, stacked.Wh, stacked.n_a
    _, a_prev, xt, gu, gr, cc, _ = cache
    dxw, da_prev = gru_step_backward(da_next, GRUStepCache(a_prev, gu, gr, cc, gr * a_prev), Wh)
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


def as_cell_cache(cache, where):
    """``cache`` as a GRUCellCache, or ShapeError if it is not the 7-tuple ``gru_cell_forward`` returns."""
    return as_named_cache(GRUCellCache, cache, "gru_cell_forward", where)


def gru_cell_backward(da_next, cache):
    """Backward of ``gru_cell_forward``'s state (the output layer is left out, as in the course).

    da_next: (n_a, m); cache from ``gru_cell_forward``.
    Returns dict dxt (n_x, m), da_prev (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1).
    The W gradients are with respect to the concatenations the matrices multiply: ``[a_prev; xt]``
    for Wu and Wr, ``[Γr * a_prev; xt]`` for Wc.
    """
    where = "gru_cell_backward"
    cache = as_cell_cache(cache, where)
    stacked = gru_stack_params(cache.parameters, where, _GATE_KEYS)
    check_shape("da_next", da_next, np.shape(cache.a_next), where)
    if (stacked.n_a, stacked.n_x) != (cache.a_next.shape[0], cache.xt.shape[0]):
        raise_shape("the parameters' Wu", cache.parameters["Wu"], f"({cache.a_next.shape[0]}, "
                    f"{cache.a_next.shape[0]} + {cache.xt.shape[0]})", where)
    grads = _cell_backward(da_next, cache, stacked)
    for name, value in grads.items():
        check_finite_result(name, value, where)
    return grads


def gru_backward(da, caches):
    """Backpropagation through time for ``gru_forward``.

    da: (n_a, m, T_x) upstream gradient on every state (T_x is read from ``da.shape[2]`` and must
    match the caches); step t receives ``da[:, :, t]`` plus the da_prev carried from step t+1.
    Returns dict dx (n_x, m, T_x), da0 (n_a, m), dWu, dbu, dWr, dbr, dWc, dbc.
    """
    where = "gru_backward"
    cell_caches = as_sequence_caches(caches, where, as_cell_cache)
    check_numeric_array('da', da, where)
    if np.ndim(da) != 3 or da.shape[2] != len(cell_caches):
        raise_shape("da", da, f"(n_a, m, {len(cell_caches)})", where)
    stacked = gru_stack_params(cell_caches[0].parameters, where, _GATE_KEYS)
    n_a, n_x = stacked.n_a, stacked.n_x
    check_shape("da", da, np.shape(cell_caches[0].a_next) + (len(cell_caches),), where)
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
    grads = {"dx": dx, "da0": da_prev, **grads}
    for name, value in grads.items():
        check_finite_result(name, value, where)
    return grads
