"""Building a Recurrent Neural Network, step by step (deeplearning.ai, Sequence Models week 1): the LSTM part.

The course's LSTM functions, with its parameter dicts (one ``(n_a, n_a + n_x)`` matrix per gate
acting on ``[a_prev; xt]``), names, caches and gradient keys.  They convert the dict to stacked
weights with ``lstm_stack_params`` and call the one LSTM step of ``rnnlib.core.cells.lstm``.

Shapes: ``n_x`` input size, ``n_a`` hidden size, ``n_y`` output size, ``m`` batch, ``T_x`` time steps.
"""
from typing import NamedTuple

import numpy as np

from ..core.cells.lstm import GATES, LSTMStepCache, lstm_step_backward, lstm_step_forward
from ..core.checks import check_finite_result, check_numeric_array, check_shape, get_params, raise_shape
from ..core.functional import softmax
from .rnn_step_by_step import SequenceCaches, as_named_cache, as_sequence_caches


class LSTMCellCache(NamedTuple):
    """``lstm_cell_forward``'s cache: a tuple in the course's order, with names."""

    a_next: np.ndarray
    c_next: np.ndarray
    a_prev: np.ndarray
    c_prev: np.ndarray
    ft: np.ndarray
    it: np.ndarray
    cct: np.ndarray
    ot: np.ndarray
    xt: np.ndarray
    parameters: dict

_GATE_KEYS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
_CELL_KEYS = _GATE_KEYS + ("Wy", "by")


def lstm_stack_params(parameters, where="lstm_stack_params"):
    """Convert the course's per-gate dict to stacked weights (gate order forget, update, candidate, output).

    parameters: dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x) acting on [a_prev; xt] and bf, bi, bc, bo (n_a, 1).
    Returns (Wx (4 n_a, n_x), Wh (4 n_a, n_a), b (4 n_a, 1)), new arrays: Wh is the first n_a
    columns of each gate's W, Wx the rest.
    Raises ShapeError for a missing key or inconsistent shapes.
    """
    Wf, bf, Wi, bi, Wc, bc, Wo, bo = get_params(parameters, _GATE_KEYS, where)
    check_shape("Wf", Wf, (None, None), where)
    n_a, n_cat = Wf.shape
    if n_cat <= n_a:
        raise_shape("Wf", Wf, f"({n_a}, {n_a} + n_x) with n_x >= 1", where)
    for name, array in (("Wi", Wi), ("Wc", Wc), ("Wo", Wo)):
        check_shape(name, array, (n_a, n_cat), where)
    for name, array in (("bf", bf), ("bi", bi), ("bc", bc), ("bo", bo)):
        check_shape(name, array, (n_a, 1), where)
    W = np.concatenate([Wf, Wi, Wc, Wo], axis=0)
    return W[:, n_a:].copy(), W[:, :n_a].copy(), np.concatenate([bf, bi, bc, bo], axis=0)


def _gate_grads(dW, db):
    """Split stacked (4 n_a, .) weight and bias gradients into the course's dWf, dbf, ... keys."""
    n_a = db.shape[0] // 4
    out = {}
    for k, gate in enumerate(GATES):
        rows = slice(k * n_a, (k + 1) * n_a)
        out["dW" + gate] = dW[rows]
        out["db" + gate] = db[rows]
    return out


def _output_params(parameters, n_a, where):
    Wy, by = get_params(parameters, ("Wy", "by"), where)
    check_shape("Wy", Wy, (None, n_a), where)
    check_shape("by", by, (Wy.shape[0], 1), where)
    return Wy, by


def _check_cell_inputs(xt, a_prev, c_prev, n_x, n_a, where, x_name="xt", a_name="a_prev"):
    check_shape(a_name, a_prev, (n_a, None), where)
    m = np.shape(a_prev)[1]
    check_shape(x_name, xt, (n_x, m) if x_name == "xt" else (n_x, m, None), where)
    if c_prev is not None:
        check_shape("c_prev", c_prev, (n_a, m), where)


def _cell_forward(xt, a_prev, c_prev, parameters, Wx, Wh, b, Wy, by):
    """lstm_cell_forward without the checks and the dict conversion (done once by the caller)."""
    a_next, c_next, step_cache = lstm_step_forward(Wx @ xt + b, a_prev, c_prev, Wh)
    gates, n_a = step_cache.gates, a_prev.shape[0]
    ft, it, cct, ot = gates[:n_a], gates[n_a:2 * n_a], gates[2 * n_a:3 * n_a], gates[3 * n_a:]
    yt_pred = softmax(Wy @ a_next + by)
    return a_next, c_next, yt_pred, LSTMCellCache(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of the course's LSTM cell with its softmax output.

    xt: (n_x, m); a_prev, c_prev: (n_a, m); parameters: dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x),
    bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns (a_next (n_a, m), c_next (n_a, m), yt_pred (n_y, m), cache) with cache =
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).
    """
    where = "lstm_cell_forward"
    get_params(parameters, _CELL_KEYS, where)  # name every missing key at once
    Wx, Wh, b = lstm_stack_params(parameters, where)
    n_a, n_x = Wh.shape[1], Wx.shape[1]
    Wy, by = _output_params(parameters, n_a, where)
    check_shape("c_prev", c_prev, (n_a, None), where)  # None is only for lstm_forward's own calls
    _check_cell_inputs(xt, a_prev, c_prev, n_x, n_a, where)
    return _cell_forward(xt, a_prev, c_prev, parameters, Wx, Wh, b, Wy, by)


def lstm_forward(x, a0, parameters):
    """Run the course's LSTM cell over a sequence, starting from a0 and a zero memory cell.

    x: (n_x, m, T_x); a0: (n_a, m).
    Returns (a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x), caches) with
    caches = (list of cell caches, x).
    """
    where = "lstm_forward"
    get_params(parameters, _CELL_KEYS, where)
    Wx, Wh, b = lstm_stack_params(parameters, where)
    n_a, n_x = Wh.shape[1], Wx.shape[1]
    Wy, by = _output_params(parameters, n_a, where)
    check_numeric_array('x', x, where)
    if np.ndim(x) != 3:
        raise_shape("x", x, "(n_x, m, T_x)", where)
    _check_cell_inputs(x, a0, None, n_x, n_a, where, x_name="x", a_name="a0")
    _, m, T_x = x.shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((Wy.shape[0], m, T_x))
    caches = []
    a_next, c_next = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, y[:, :, t], cache = _cell_forward(
            x[:, :, t], a_next, c_next, parameters, Wx, Wh, b, Wy, by)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        caches.append(cache)
    return a, y, c, SequenceCaches(caches, x)


def as_cell_cache(cache, where):
    """``cache`` as an LSTMCellCache, or ShapeError if it is not the 10-tuple ``lstm_cell_forward`` returns."""
    return as_named_cache(LSTMCellCache, cache, "lstm_cell_forward", where)


def _unpack_cache(cache, where):
    """(a_next, a_prev, xt, parameters, the core step's cache) from a course cell cache."""
    c = as_cell_cache(cache, where)
    gates = np.concatenate([c.ft, c.it, c.cct, c.ot], axis=0)
    return c.a_next, c.a_prev, c.xt, c.parameters, LSTMStepCache(c.a_prev, c.c_prev, gates, np.tanh(c.c_next))


def _cell_backward(da_next, dc_next, a_prev, xt, step_cache, Wx, Wh):
    """Returns (dxw, dxt, da_prev, dc_prev) for one step."""
    dxw, da_prev, dc_prev = lstm_step_backward(da_next, dc_next, step_cache, Wh)
    return dxw, Wx.T @ dxw, da_prev, dc_prev


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward of ``lstm_cell_forward``'s hidden state and memory cell (the course leaves the output out).

    da_next, dc_next: (n_a, m); cache from ``lstm_cell_forward``.
    Returns dict dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m), and dWf, dWi, dWc, dWo
    (n_a, n_a + n_x, w.r.t. [a_prev; xt]), dbf, dbi, dbc, dbo (n_a, 1).
    """
    where = "lstm_cell_backward"
    a_next, a_prev, xt, parameters, step_cache = _unpack_cache(cache, where)
    check_shape("da_next", da_next, a_next.shape, where)
    check_shape("dc_next", dc_next, a_next.shape, where)
    Wx, Wh, _ = lstm_stack_params(parameters, where)
    if Wh.shape[1] != a_next.shape[0] or Wx.shape[1] != xt.shape[0]:
        raise_shape("the parameters' Wf", parameters["Wf"], f"({a_next.shape[0]}, {a_next.shape[0]} + {xt.shape[0]})", where)
    dxw, dxt, da_prev, dc_prev = _cell_backward(da_next, dc_next, a_prev, xt, step_cache, Wx, Wh)
    dW = dxw @ np.concatenate([a_prev, xt], axis=0).T
    return _finite_gradients({"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev,
                              **_gate_grads(dW, dxw.sum(axis=1, keepdims=True))}, where)


def _finite_gradients(gradients, where):
    """``gradients``, or TrainingDiverged naming the first that overflowed (huge upstream gradients
    multiply into infinity; the course's functions return numbers, not inf/NaN)."""
    for name, value in gradients.items():
        check_finite_result(name, value, where)
    return gradients


def lstm_backward(da, caches):
    """Backpropagation through time for ``lstm_forward``.

    da: (n_a, m, T) upstream gradient on the hidden states of the first T steps (T from
    ``da.shape[2]``, at most the forward's T_x; the course's own test passes fewer steps than it
    ran); caches from ``lstm_forward``.  Step t receives ``da[:, :, t]`` plus the da_prev and the
    dc_prev carried back from step t+1 (zeros after the last step).
    Returns dict dx (n_x, m, T), da0 (n_a, m), dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo.
    """
    where = "lstm_backward"
    cell_caches = as_sequence_caches(caches, where, as_cell_cache)
    a_shape = np.shape(cell_caches[0].a_next)
    check_numeric_array('da', da, where)
    if np.ndim(da) != 3 or da.shape[:2] != a_shape or not 1 <= da.shape[2] <= len(cell_caches):
        raise_shape("da", da, f"({a_shape[0]}, {a_shape[1]}, T) with 1 <= T <= {len(cell_caches)}", where)
    n_a, m, T = da.shape
    Wx, Wh, b = lstm_stack_params(cell_caches[0].parameters, where)
    dx = np.zeros((Wx.shape[1], m, T))
    dW = np.zeros((4 * n_a, n_a + Wx.shape[1]))
    db = np.zeros((4 * n_a, 1))
    da_prev = np.zeros((n_a, m))
    dc_prev = np.zeros((n_a, m))
    for t in reversed(range(T)):
        _, a_prev, xt, _, step_cache = _unpack_cache(cell_caches[t], where)
        dxw, dx[:, :, t], da_prev, dc_prev = _cell_backward(
            da[:, :, t] + da_prev, dc_prev, a_prev, xt, step_cache, Wx, Wh)
        dW += dxw @ np.concatenate([a_prev, xt], axis=0).T
        db += dxw.sum(axis=1, keepdims=True)
    return _finite_gradients({"dx": dx, "da0": da_prev, **_gate_grads(dW, db)}, where)
