"""Calling a student's function safely: a time limit, and its errors turned into sentences.

A check must never end in a traceback from inside the checker, so every call into student code goes
through ``call``: ``NotImplementedError`` means "not implemented yet", any other exception becomes a
``Failed`` naming the exception and the line of the student's code it came from, and a call that
runs past the time limit is interrupted (with SIGALRM, where the platform and thread allow it).
"""
import signal
import threading
import traceback

from .verdict import Failed, NotImplementedYet

#: Seconds one call of a student's function may take before the check gives up on it.
TIME_LIMIT = 10.0


class _TimeLimit(BaseException):
    """Raised inside the student's code by the alarm; a BaseException so ``except Exception`` in
    their code cannot swallow it."""


def _where_in_student_code(error, fn):
    """'line N of your <name>' for the innermost frame of ``fn``'s file, or '' when unknown."""
    code = getattr(fn, "__code__", None)
    frames = traceback.extract_tb(error.__traceback__)
    if code is not None:
        frames = [f for f in frames if f.filename == code.co_filename]
    if not frames:
        return ""
    frame = frames[-1]
    text = f" (line {frame.lineno}"
    if frame.line:
        text += f": {frame.line.strip()}"
    return text + ")"


def _can_use_alarm():
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call(fn, *args, name, time_limit=None, **kwargs):
    """``fn(*args, **kwargs)``, with student errors turned into ``Failed`` / ``NotImplementedYet``.

    name: the function's exercise name, for the messages.
    time_limit: seconds (default ``TIME_LIMIT``, read at call time so a test can lower it)
    """
    time_limit = TIME_LIMIT if time_limit is None else time_limit
    def on_alarm(signum, frame):
        raise _TimeLimit()

    alarm = _can_use_alarm()
    if alarm:
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as error:
        raise NotImplementedYet(name) from error
    except _TimeLimit:
        raise Failed(f"your {name} did not finish within {time_limit:g} seconds (an endless loop?)") from None
    except RecursionError:
        raise Failed(f"your {name} recursed without end (RecursionError)") from None
    except Exception as error:  # anything the student's code raises is reported, not re-raised
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise Failed(f"your {name} raised {type(error).__name__}"
                     f"{': ' + detail if detail else ''}{_where_in_student_code(error, fn)}") from None
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
