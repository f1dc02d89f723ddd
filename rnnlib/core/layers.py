"""One recurrent layer over a whole sequence, for any cell: the time loops, written once.

A cell plugs in through a small adapter (``Cell``, one per entry of ``CELLS``) that names its step
functions, how many gate blocks its input projection has, and which state arrays it carries:
``(a,)`` for RNN and GRU, ``(a, c)`` for the LSTM.  Arrays are hidden-major: a layer's outputs for
all steps are ``(n_a, T, m)``, so one step is an ``(n_a, m)`` slice and all steps flatten to
``(n_a, T*m)`` for the weight gradients, which are formed once per sequence instead of once per step.
"""
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .cells.gru import gru_step_backward, gru_step_forward
from .cells.lstm import lstm_step_backward, lstm_step_forward
from .cells.rnn import RNNStepCache, rnn_step_backward, rnn_step_forward

State = tuple  # of (n_a, m) arrays: (a,) or (a, c)
StepCache = Any  # the cell's own NamedTuple (RNNStepCache, LSTMStepCache, GRUStepCache)
#: step(xw (G n_a, m), state, Wh (G n_a, n_a)) -> (next state, cache)
StepFn = Callable[[np.ndarray, State, np.ndarray], "tuple[State, StepCache]"]
#: back(dstate, cache, Wh) -> (dxw (G n_a, m), dstate of the previous step)
BackFn = Callable[[State, StepCache, np.ndarray], "tuple[np.ndarray, State]"]
#: recurrent_inputs(cache) -> [(row slice of Wh, the (n_a, m) array those rows multiplied)]
InputsFn = Callable[[StepCache], "list[tuple[slice, np.ndarray]]"]


@dataclass(frozen=True)
class Cell:
    """How a sequence loop drives one cell type.

    gates: gate blocks in the input projection (its rows are ``gates * n_a``).
    n_states: state arrays carried between steps (the first is the output ``a``).
    """

    name: str
    gates: int
    n_states: int
    step: StepFn
    back: BackFn
    recurrent_inputs: InputsFn


def _rnn_step(xw, state, Wh):
    a = rnn_step_forward(xw, state[0], Wh)
    return (a,), RNNStepCache(state[0], a)


def _rnn_back(dstate, cache, Wh):
    dxw, da_prev = rnn_step_backward(dstate[0], cache.a_next, Wh)
    return dxw, (da_prev,)


def _lstm_step(xw, state, Wh):
    a, c, cache = lstm_step_forward(xw, state[0], state[1], Wh)
    return (a, c), cache


def _lstm_back(dstate, cache, Wh):
    dxw, da_prev, dc_prev = lstm_step_backward(dstate[0], dstate[1], cache, Wh)
    return dxw, (da_prev, dc_prev)


def _gru_step(xw, state, Wh):
    a, cache = gru_step_forward(xw, state[0], Wh)
    return (a,), cache


def _gru_back(dstate, cache, Wh):
    dxw, da_prev = gru_step_backward(dstate[0], cache, Wh)
    return dxw, (da_prev,)


def _all_rows_read_a_prev(cache):
    return [(slice(None), cache.a_prev)]


def _gru_inputs(cache):
    n_a = cache.a_prev.shape[0]
    return [(slice(0, 2 * n_a), cache.a_prev), (slice(2 * n_a, 3 * n_a), cache.reset_a_prev)]


CELLS = {
    "rnn": Cell("rnn", 1, 1, _rnn_step, _rnn_back, _all_rows_read_a_prev),
    "gru": Cell("gru", 3, 1, _gru_step, _gru_back, _gru_inputs),
    "lstm": Cell("lstm", 4, 2, _lstm_step, _lstm_back, _all_rows_read_a_prev),
}
CELL_BY_GATES = {cell.gates: cell for cell in CELLS.values()}


def layer_forward(cell, xw, state0, Wh):
    """Run ``cell`` over T steps.

    xw: (gates*n_a, T, m) input projections (bias included); state0: tuple of (n_a, m) arrays;
    Wh: (gates*n_a, n_a).  Returns (H (n_a, T, m) outputs, final state tuple, per-step caches).
    """
    n_a, T, m = Wh.shape[1], xw.shape[1], xw.shape[2]
    H = np.empty((n_a, T, m), dtype=xw.dtype)
    caches, state = [], state0
    for t in range(T):
        state, cache = cell.step(xw[:, t], state, Wh)
        H[:, t] = state[0]
        caches.append(cache)
    return H, state, caches


def layer_backward(cell, dH, dstate_last, caches, Wh):
    """Backpropagation through time for ``layer_forward``.

    dH: (n_a, T, m) gradient on every output; dstate_last: tuple like the final state (the
    gradient arriving from a later chunk), or None for zeros.
    Returns (dXW (gates*n_a, T, m) gradient on the input projections, dWh, dstate0 tuple).
    """
    n_a, T, m = dH.shape
    dXW = np.empty((Wh.shape[0], T, m), dtype=dH.dtype)
    dstate = dstate_last or tuple(np.zeros((n_a, m), dH.dtype) for _ in range(cell.n_states))
    for t in reversed(range(T)):
        dstate = (dstate[0] + dH[:, t],) + tuple(dstate[1:])
        dXW[:, t], dstate = cell.back(dstate, caches[t], Wh)
    dWh = np.zeros_like(Wh)
    per_step = [cell.recurrent_inputs(c) for c in caches]
    for k, (rows, _) in enumerate(per_step[0]):
        inputs = np.stack([step[k][1] for step in per_step], axis=1).reshape(n_a, T * m)
        dWh[rows] = dXW[rows].reshape(-1, T * m) @ inputs.T
    return dXW, dWh, dstate
