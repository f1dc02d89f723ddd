"""Recurrent cells, each written once as a forward/backward pair on column-batched arrays.

A cell's *step* functions take the input already projected (``xw = Wx @ x + b``, shape
``(gates * n_a, m)``), because a sequence model can then compute that projection for every time step
in one matrix product before the time loop (or gather columns of ``Wx`` when ``x`` is one-hot).
The course's cell functions (``rnn_cell_forward``, ``lstm_cell_forward`` ...) call the same steps
with ``m`` examples and the course's dicts.

* ``rnn``:  a = tanh(Waa a_prev + Wax x + ba)                      (1 gate block)
* ``lstm``: forget, update, candidate, output gates; cell state c   (4 gate blocks)
* ``gru``:  update and reset gates, candidate (the lecture's form)  (3 gate blocks)
"""
from .gru import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_recurrent_inputs,
    gru_step_backward,
    gru_step_forward,
)
from .lstm import (
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_stack_params,
    lstm_step_backward,
    lstm_step_forward,
)
from .rnn import (
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)
