"""Write the course's graded functions yourself; rnnlib tells you precisely what is wrong.

    from rnnlib.exercises import check, hint, show, use
    check("rnn_cell_forward", rnn_cell_forward)      # a Verdict: passed, or the mistake it found
    hint("rnn_cell_forward", 1)                       # 1: the formula, 2: the shapes, 3: the first line
    show("rnn_cell_forward")                          # the readable solution, for when you give up
    rnn_cell_forward = use("rnn_cell_forward", rnn_cell_forward)  # yours once it passes, else rnnlib's

Each exercise lives in the catalogue module of its assignment (``step_by_step``, ``dinosaurs``,
``shakespeare``, ``jazz``); the verbs are in ``registry``.
"""
from .registry import EXERCISES, check, hint, reference, show, use
from .verdict import Verdict

__all__ = ["EXERCISES", "Verdict", "check", "hint", "reference", "show", "use"]
