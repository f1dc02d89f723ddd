"""The vanilla (Elman) RNN cell: ``a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)``.

The step takes its input already projected (``xw = Wax @ x<t> + ba``), so a sequence model can do
that projection for every time step in one product (or one column gather for one-hot input)
before its time loop.  The course's ``rnn_cell_forward`` and friends (``rnnlib.course``) and the
batched layers (``rnnlib.core.layers``) both call these two functions.

Shapes: ``n_a`` hidden size, ``m`` batch.
"""
from typing import NamedTuple

import numpy as np


class RNNStepCache(NamedTuple):
    """What ``rnn_step_backward`` and the weight gradients need from one forward step."""

    a_prev: np.ndarray  # (n_a, m) the state the step read: the recurrent product's input
    a_next: np.ndarray  # (n_a, m) the step's output tanh(...)


def rnn_step_forward(xw, a_prev, Waa):
    """One RNN step on an already projected input.

    xw:     (n_a, m) ``Wax @ x<t> + ba``
    a_prev: (n_a, m) hidden state a<t-1>
    Waa:    (n_a, n_a)
    Returns a_next: (n_a, m).
    """
    return np.tanh(xw + Waa @ a_prev)


def rnn_step_backward(da_next, a_next, Waa):
    """Backward of ``rnn_step_forward``.

    da_next: (n_a, m) dLoss/da<t> (from the output at t and from step t+1)
    a_next:  (n_a, m) the a<t> that the forward step returned
    Waa:     (n_a, n_a)
    Returns (dxw, da_prev): dxw (n_a, m) is dLoss/d(pre-activation), which is also dLoss/dxw and
    dLoss/dba per example; da_prev (n_a, m) flows to step t-1.  The weight gradients are
    ``dxw @ x.T`` and ``dxw @ a_prev.T``: callers form them, a sequence model once for all steps.
    """
    dxw = (1.0 - a_next * a_next) * da_next  # tanh' = 1 - tanh^2
    return dxw, Waa.T @ dxw
