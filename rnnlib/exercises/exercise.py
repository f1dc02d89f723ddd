"""One exercise: the graded function's name, its reference, its checks and its hints.

Each catalogue module (``step_by_step``, ``dinosaurs``, ``shakespeare``, ``jazz``) defines a tuple
``EXERCISES`` of these.  An exercise's ``run(fn, forward, progress)`` calls the student's ``fn``
only through ``progress.call`` (time limit, errors as sentences), records each check that passed
with ``progress.ok``, and raises ``Failed`` at the first mistake.
"""
from dataclasses import dataclass
from typing import Callable, Optional

from . import runner


class Progress:
    """The running record of one check: which checks passed so far, and the safe way to call."""

    def __init__(self, name):
        self.name = name
        self.passed = []

    def call(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` through ``runner.call`` (student errors become ``Failed``)."""
        return runner.call(fn, *args, name=self.name, **kwargs)

    def ok(self, what):
        """Record that the check ``what`` ("the course's test values", ...) passed."""
        self.passed.append(what)


@dataclass(frozen=True)
class Exercise:
    """A graded function.

    name:      the course's function name, e.g. "rnn_cell_forward"
    notebook:  the solution notebook that holds its solution cell, e.g. "05_rnn_step_by_step.ipynb"
    reference: rnnlib's function with the course's signature (what ``use`` falls back to)
    run:       ``run(fn, forward, progress)``; raises ``verdict.Failed`` at the first mistake
    hints:     progressive hints: the formula, then the shapes, then the first line
    graded_by_course: False for rnnlib's own exercises (the course grades no GRU or Shakespeare
               function), whose fixed values are rnnlib's, not published ones
    takes_forward: whether ``check`` accepts ``forward=`` (the backward functions)
    """

    name: str
    notebook: str
    reference: Callable
    run: Callable[[Callable, Optional[Callable], Progress], None]
    hints: tuple
    graded_by_course: bool = True
    takes_forward: bool = False
