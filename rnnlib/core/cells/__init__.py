"""Recurrent cells, each written once as a step forward/backward pair on column-batched arrays.

A step takes its input already projected (``xw = Wx @ x + b``, shape ``(gates * n_a, m)``), because
a sequence model can then compute that projection for every time step in one matrix product before
the time loop (or gather columns of ``Wx`` when ``x`` is one-hot).

* ``rnn``:  a = tanh(Waa a_prev + Wax x + ba)                      (1 gate block)
* ``lstm``: forget, update, candidate, output gates; cell state c   (4 gate blocks)
* ``gru``:  update and reset gates, candidate (the lecture's form)  (3 gate blocks)
* ``gru_reset_after``: the same gates with the reset applied after the recurrent product, and a
  recurrent bias (Keras's ``reset_after=True``, PyTorch's ``nn.GRU``, cuDNN) (3 gate blocks)
"""
from .gru import (
    GRUResetAfterStepCache,
    GRUStepCache,
    gru_reset_after_step_backward,
    gru_reset_after_step_forward,
    gru_step_backward,
    gru_step_forward,
)
from .lstm import GATES, LSTMStepCache, lstm_step_backward, lstm_step_forward
from .rnn import RNNStepCache, rnn_step_backward, rnn_step_forward
