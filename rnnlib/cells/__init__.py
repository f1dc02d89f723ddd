"""Recurrent cells, each written once as a forward/backward pair on column-batched arrays.

A cell's *step* functions take the input already projected (``xw = Wx @ x + b``, shape ``(n_a, m)``),
because a sequence model can then compute that projection for every time step in one matrix
product before the time loop (or gather columns of ``Wx`` when ``x`` is one-hot).  The course's
cell functions (``rnn_cell_forward`` ...) call the same steps with ``m`` examples and the course's dicts.
"""
from .rnn import (
    rnn_step_forward,
    rnn_step_backward,
    rnn_cell_forward,
    rnn_cell_backward,
    rnn_forward,
    rnn_backward,
)

__all__ = [
    "rnn_step_forward",
    "rnn_step_backward",
    "rnn_cell_forward",
    "rnn_cell_backward",
    "rnn_forward",
    "rnn_backward",
]
