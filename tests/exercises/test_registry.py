"""Tests for rnnlib.exercises.registry: check never raises, use falls back, hint and show are opt-in."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError
from rnnlib.exercises import EXERCISES, check, hint, reference, show, use
from rnnlib.exercises import runner


def stub(*args):
    # YOUR CODE HERE
    raise NotImplementedError()


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reference_passes_and_a_stub_is_not_implemented_yet(name):
    verdict = check(name, reference(name))
    assert verdict.passed, verdict.message
    assert verdict.function is reference(name)
    stubbed = check(name, stub)
    assert not stubbed.passed and not stubbed.implemented
    assert "not implemented yet" in repr(stubbed)


def test_unknown_names_and_non_callables_get_a_sentence():
    verdict = check("rnn_cel_forward", reference("rnn_cell_forward"))
    assert not verdict.passed and "Did you mean 'rnn_cell_forward'?" in verdict.message
    assert "needs your function" in check("rnn_cell_forward", 3).message
    assert "only for backward" in check("rnn_cell_forward", stub, forward=stub).message
    for verb in (hint, show, use, reference):
        with pytest.raises(ConfigError, match="no exercise named"):
            verb("nope") if verb is not use else use("nope", stub)


def test_a_function_that_raises_is_reported_with_its_line():
    def wrong(xt, a_prev, parameters):
        return xt[10, 99]

    message = check("rnn_cell_forward", wrong).message
    assert "raised IndexError" in message and "xt[10, 99]" in message


def test_a_function_that_hangs_is_stopped(monkeypatch):
    monkeypatch.setattr(runner, "TIME_LIMIT", 0.2)

    def endless(xt, a_prev, parameters):
        while True:
            pass

    assert "did not finish within 0.2 seconds" in check("rnn_cell_forward", endless).message


def test_garbage_results_are_described():
    assert "should return the 3-tuple" in check("rnn_cell_forward", lambda *a: 3).message
    assert "an int" in check("rnn_cell_forward", lambda *a: 3).message


def test_use_falls_back_to_the_reference_and_says_so(capsys):
    assert use("rnn_cell_forward", stub) is reference("rnn_cell_forward")
    assert "Using rnnlib's reference rnn_cell_forward" in capsys.readouterr().out
    assert use("rnn_cell_forward", 3) is reference("rnn_cell_forward")
    assert "needs your function" in capsys.readouterr().out
    mine = reference("rnn_cell_forward")
    assert use("rnn_cell_forward", mine) is mine


def test_hint_levels(capsys):
    hint("rnn_cell_forward", 1)
    assert "Hint 1 of 3" in capsys.readouterr().out
    hint("rnn_cell_forward", np.int64(3))  # a numpy integer is a whole number too
    assert "Hint 3 of 3" in capsys.readouterr().out
    for bad in (0, 4, 1.5, True, "1"):
        with pytest.raises(ConfigError, match="level"):
            hint("rnn_cell_forward", bad)
