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
from typing import NamedTuple

import numpy as np

from ..functional import sigmoid

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


def lstm_step_forward(xw, a_prev, c_prev, Wh):
    """One LSTM step on an already projected input.

    xw:     (4 n_a, m) ``Wx @ x<t> + b`` for the stacked gates (forget, update, candidate, output)
    a_prev: (n_a, m) hidden state a<t-1>
    c_prev: (n_a, m) memory cell c<t-1>
    Wh:     (4 n_a, n_a) recurrent weights of the stacked gates
    Returns (a_next (n_a, m), c_next (n_a, m), LSTMStepCache).
    """
    n_a = a_prev.shape[0]
    z = xw + Wh @ a_prev
    gates = sigmoid(z)  # forget, update and output are sigmoids ...
    gates[2 * n_a:3 * n_a] = np.tanh(z[2 * n_a:3 * n_a])  # ... the candidate is a tanh
    ft, it, cct, ot = gates[:n_a], gates[n_a:2 * n_a], gates[2 * n_a:3 * n_a], gates[3 * n_a:]
    c_next = ft * c_prev + it * cct
    tanh_c = np.tanh(c_next)
    a_next = ot * tanh_c
    return a_next, c_next, LSTMStepCache(a_prev, c_prev, gates, tanh_c)


def lstm_step_backward(da_next, dc_next, cache, Wh):
    """Backward of ``lstm_step_forward``.

    da_next: (n_a, m) dLoss/da<t> (from the output at t and from step t+1)
    dc_next: (n_a, m) dLoss/dc<t> arriving from step t+1 (zeros at the last step)
    cache:   the LSTMStepCache ``lstm_step_forward`` returned
    Wh:      (4 n_a, n_a)
    Returns (dxw, da_prev, dc_prev): dxw (4 n_a, m) is dLoss/d(gate pre-activations), which is also
    dLoss/dxw and dLoss/db per example; da_prev = Wh.T @ dxw and dc_prev (both (n_a, m)) flow to
    step t-1.  Weight gradients are ``dxw @ x.T`` and ``dxw @ a_prev.T``, formed by the caller.
    """
    gates, tanh_c, c_prev = cache.gates, cache.tanh_c, cache.c_prev
    n_a = tanh_c.shape[0]
    ft, it, cct, ot = gates[:n_a], gates[n_a:2 * n_a], gates[2 * n_a:3 * n_a], gates[3 * n_a:]
    # total gradient on c<t>: directly from step t+1, and through a<t> = o * tanh(c<t>)
    dc = dc_next + da_next * ot * (1.0 - tanh_c * tanh_c)
    # dLoss/d(gate activation), stacked like the gates
    dact = np.empty_like(gates)
    dact[:n_a] = dc * c_prev
    dact[n_a:2 * n_a] = dc * cct
    dact[2 * n_a:3 * n_a] = dc * it
    dact[3 * n_a:] = da_next * tanh_c
    # times the activation's derivative: s(1 - s) for the sigmoids, 1 - t^2 for the tanh
    deriv = gates * (1.0 - gates)
    deriv[2 * n_a:3 * n_a] = 1.0 - cct * cct
    dxw = dact * deriv
    return dxw, Wh.T @ dxw, dc * ft
