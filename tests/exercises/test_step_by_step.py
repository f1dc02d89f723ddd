"""Tests for rnnlib.exercises.step_by_step: typical mistakes are named, correct variants pass."""
import numpy as np
import pytest

from rnnlib.core.functional import sigmoid, softmax
from rnnlib.exercises import check


def _cell(activation=np.tanh, Waa=lambda p: p["Waa"], bias=True, out=lambda z: softmax(z), dtype=None):
    def rnn_cell_forward(xt, a_prev, parameters):
        p = parameters if dtype is None else {k: v.astype(dtype) for k, v in parameters.items()}
        z = Waa(p) @ a_prev + p["Wax"] @ xt + (p["ba"] if bias else 0)
        a_next = activation(z)
        yt_pred = out(p["Wya"] @ a_next + p["by"])
        return a_next, yt_pred, (a_next, a_prev, xt, parameters)
    return rnn_cell_forward


RNN_CELL_MISTAKES = {
    "uses sigmoid; the RNN cell uses tanh": _cell(activation=sigmoid),
    "missing the bias ba": _cell(bias=False),
    "Waa transposed": _cell(Waa=lambda p: p["Waa"].T),
    "has no activation": _cell(activation=lambda z: z),
    "before the softmax": _cell(out=lambda z: z),
    "wrong axis": _cell(out=lambda z: softmax(z, axis=1)),
    "uses sigmoid where the course uses softmax": _cell(out=sigmoid),
}


@pytest.mark.parametrize("mistake", sorted(RNN_CELL_MISTAKES))
def test_rnn_cell_forward_mistakes_are_named(mistake):
    verdict = check("rnn_cell_forward", RNN_CELL_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message


def test_rnn_cell_forward_mutating_an_input_is_caught():
    reference = _cell()

    def in_place(xt, a_prev, parameters):
        a_prev *= 1.0 + 1e-3
        return reference(xt, a_prev, parameters)

    assert "changed its argument a_prev in place" in check("rnn_cell_forward", in_place).message


def test_rnn_cell_forward_correct_variants_pass():
    def with_a_loop(xt, a_prev, parameters):  # one example at a time, a hand-written softmax
        columns, outputs = [], []
        for j in range(xt.shape[1]):
            a = np.tanh(parameters["Wax"].dot(xt[:, j:j + 1]) + parameters["Waa"].dot(a_prev[:, j:j + 1])
                        + parameters["ba"])
            e = np.exp(parameters["Wya"].dot(a) + parameters["by"])
            columns.append(a)
            outputs.append(e / e.sum())
        a_next, yt_pred = np.hstack(columns), np.hstack(outputs)
        return a_next, yt_pred, (a_next, a_prev, xt, parameters)

    for variant in (_cell(), _cell(dtype=np.float32), with_a_loop):
        verdict = check("rnn_cell_forward", variant)
        assert verdict.passed, verdict.message
