"""``check``, ``use``, ``hint``, ``show`` and ``reference``: the exercises' four verbs, by name.

``check`` never raises: whatever it is given (an unknown name, something not callable, a function
that raises, hangs or returns garbage) it returns a ``Verdict`` whose text says what happened.
``hint`` and ``show`` are opt-in help; a check never prints either.
"""
import difflib
import json
from importlib import resources

from ..core.checks import is_int
from ..errors import ConfigError
from . import dinosaurs, gru, jazz, shakespeare, step_by_step
from .exercise import Progress
from .verdict import Failed, NotImplementedYet, Verdict

EXERCISES = {e.name: e for module in (step_by_step, gru, dinosaurs, shakespeare, jazz) for e in module.EXERCISES}

# The latest verdict per exercise, so ``use`` right after ``check`` does not run the checks twice.
_LATEST = {}


def _unknown(name):
    close = difflib.get_close_matches(str(name), EXERCISES, n=1)
    guess = f" Did you mean {close[0]!r}?" if close else ""
    return f"there is no exercise named {name!r}.{guess} The exercises are: {', '.join(EXERCISES)}"


def _exercise(name, where):
    if not isinstance(name, str) or name not in EXERCISES:
        raise ConfigError(f"{where}: {_unknown(name)}")
    return EXERCISES[name]


def check(name, fn, forward=None):
    """Check the student's ``fn`` for exercise ``name``; returns a Verdict (never raises).

    forward: for a backward exercise, the student's own forward function, so that the numerical
             gradient check tests the student's forward/backward pair (default: rnnlib's forward)
    """
    if not isinstance(name, str) or name not in EXERCISES:
        return Verdict(str(name), False, False, _unknown(name))
    exercise = EXERCISES[name]
    if not callable(fn):
        return Verdict(name, False, False, f"check({name!r}, ...) needs your function {name} itself, "
                                           f"got {type(fn).__name__}")
    if forward is not None and not (exercise.takes_forward and callable(forward)):
        why = "must be your forward function" if exercise.takes_forward else "is only for backward exercises"
        return Verdict(name, False, False, f"check({name!r}, ..., forward=...): forward {why}")
    progress = Progress(name)
    try:
        exercise.run(fn, forward, progress)
    except NotImplementedYet:
        verdict = Verdict(name, False, False, f"{name}: not implemented yet (write it where the stub says "
                                               f"# YOUR CODE HERE, then run this cell again)")
    except Failed as failure:
        count = len(progress.passed)
        passed = f" ({count} check{'s' if count > 1 else ''} passed before this one)" if count else ""
        verdict = Verdict(name, False, True, f"{name}: {failure}{passed}", tuple(progress.passed))
    except Exception as error:  # a result so malformed that the checks themselves tripped over it
        verdict = Verdict(name, False, True, f"{name}: could not check what your function returned "
                                             f"({type(error).__name__} while reading it); compare its return "
                                             f"value with the docstring's", tuple(progress.passed))
    else:
        verdict = Verdict(name, True, True, f"{name}: all {len(progress.passed)} checks passed "
                                            f"({'; '.join(progress.passed)})", tuple(progress.passed), fn)
    _LATEST[name] = (fn, verdict)
    return verdict


def use(name, fn):
    """``fn`` if it passes exercise ``name``'s checks, else rnnlib's reference (printing which).

    The notebooks call this before a cell needs a graded function, so a student notebook still runs
    top to bottom while a function is unwritten or wrong.
    """
    exercise = _exercise(name, "use")
    latest = _LATEST.get(name)
    verdict = latest[1] if latest and latest[0] is fn else check(name, fn)
    if verdict.passed:
        return fn
    print(f"Using rnnlib's reference {name} from here on, because: {verdict.message}")
    return exercise.reference


def reference(name):
    """rnnlib's own function for exercise ``name`` (the course's signature)."""
    return _exercise(name, "reference").reference


def hint(name, level=1):
    """Print hint ``level`` (1: the formula, 2: the shapes, 3: the first line) for exercise ``name``."""
    exercise = _exercise(name, "hint")
    count = len(exercise.hints)
    if not is_int(level) or not 1 <= level <= count:
        raise ConfigError(f"hint: level must be a whole number from 1 to {count}, got {level!r}")
    print(f"Hint {level} of {count} for {name}: {exercise.hints[level - 1]}")


def _solutions():
    """{name: solution source} from the solution notebooks, as ``tools/exercises.py`` stored it."""
    try:
        text = resources.files(__package__).joinpath("solutions.json").read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, ValueError):
        return {}


def show(name):
    """Display the readable solution of exercise ``name`` (for when you have given up)."""
    exercise = _exercise(name, "show")
    source = _solutions().get(name)
    if source is None:
        print(f"The solution of {name} is the solution cell in notebooks/{exercise.notebook}.")
        return
    try:
        from IPython.display import Code, display
    except ImportError:
        print(source)
        return
    display(Code(source, language="python"))
