"""What a check says: a verdict object, and the two ways a check stops early.

A check function raises ``Failed`` at the first thing it finds wrong and ``NotImplementedYet``
when the student's function is still the notebook's stub; ``registry.check`` turns either (or a
clean run) into a ``Verdict``, whose text is what the notebook shows.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional


class Failed(Exception):
    """A check found a mistake; the message says what, for the student (never a traceback)."""


class NotImplementedYet(Exception):
    """The student's function still raises NotImplementedError (the notebook's stub)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of ``check(name, fn)``.

    passed:      every check passed
    implemented: False while the function is still the notebook's stub
    message:     the text shown in the notebook (also ``repr(verdict)``)
    checks:      the names of the checks that passed, in order
    """

    name: str
    passed: bool
    implemented: bool
    message: str
    checks: tuple = ()
    function: Optional[Callable] = field(default=None, repr=False, compare=False)

    def __repr__(self):
        return self.message

    def __bool__(self):
        return self.passed
