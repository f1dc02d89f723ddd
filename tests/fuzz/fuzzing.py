"""The fuzz suite's one rule, ``call``, and the strategies of bad values it feeds.

``call(fn, *args, **kwargs)`` runs one library call under a time limit and fails the example when

* it raises anything that is not an ``rnnlib.errors.RnnlibError`` (a bare numpy or Python
  exception escaped), or
* it runs past ``TIME_LIMIT`` seconds (a hang, or work that should have been refused up front), or
* every number it was given is finite and it returns NaN or infinity somewhere.

``mutations(value)`` is a strategy of bad replacements for a valid argument: the generic bad values
(None, strings, bools, NaN, huge and negative ints ...) plus ones that fit the argument's type
(a dict with a key missing, renamed or extra; an array reshaped, emptied, made ragged, integer,
object or NaN; an int that is a float, a string, or 10**12 ...).
"""
import math
import signal
from contextlib import contextmanager

import numpy as np
from hypothesis import strategies as st

from rnnlib.errors import RnnlibError

TIME_LIMIT = 10.0  # seconds one call may take
STATS = {"calls": 0, "refused": 0, "failures": set()}


class Hang(BaseException):
    """Raised by the alarm when a call runs too long (a BaseException, so no ``except Exception``
    in the library can swallow it)."""


@contextmanager
def time_limit(seconds=TIME_LIMIT):
    def on_alarm(signum, frame):
        raise Hang(f"the call ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _numbers_finite(value, depth=0):
    """Whether every number inside ``value`` (scalars, arrays, containers) is finite."""
    if depth > 6:
        return True
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, (int, np.integer)):
        return True
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or bool(np.all(np.isfinite(value)))
    if isinstance(value, dict):
        return all(_numbers_finite(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_numbers_finite(v, depth + 1) for v in value[:1000])
    if hasattr(value, "parameters") and isinstance(getattr(value, "parameters"), dict):
        return _numbers_finite(value.parameters, depth + 1)
    return True


def _where(fn):
    return getattr(fn, "__qualname__", repr(fn))


def _fail(fn, kind, detail, args, kwargs):
    key = f"{_where(fn)}: {kind}"
    STATS["failures"].add(key)
    shown = ", ".join([_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()])
    raise AssertionError(f"{key}: {detail}\n  called as {_where(fn)}({shown})")


def _short(value):
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


def call(fn, *args, **kwargs):
    """Run ``fn(*args, **kwargs)`` under the fuzz suite's rules (see the module docstring).

    Returns (result, error): the result, or None and the RnnlibError it raised.
    """
    STATS["calls"] += 1
    finite_in = _numbers_finite(args) and _numbers_finite(kwargs)
    try:
        with np.errstate(all="ignore"), time_limit():
            result = fn(*args, **kwargs)
    except RnnlibError as e:
        STATS["refused"] += 1
        if not str(e).strip():
            _fail(fn, "empty error message", type(e).__name__, args, kwargs)
        return None, e
    except Hang as e:
        _fail(fn, "hang", str(e), args, kwargs)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - that is the point: nothing foreign may escape
        _fail(fn, type(e).__name__, f"{type(e).__name__}: {str(e)[:300]}", args, kwargs)
    if finite_in and not _numbers_finite(result):
        _fail(fn, "non-finite result for finite input", _short(result), args, kwargs)
    return result, None


# ----------------------------------------------------------------------------------------------
# Bad values

HUGE = (10**9, 10**12, 2**63, -(10**12))
GENERIC = st.sampled_from([
    None, "", "abc", "\n", True, False, float("nan"), float("inf"), -float("inf"), -1, 0, 10**12, 2.5, 1e4,
    -0.0, [], (), {}, [[1, 2], [3]], b"bytes", object(), np.float64("nan"), np.array([]),
    np.zeros((2, 3, 4)), np.array([object()]), np.array(["a", "b"]), np.int64(-5), 1j,
])
BAD_INTS = st.sampled_from([0, -1, -7, 2.5, 1e4, 50.0, float("nan"), True, "3", None, *HUGE, np.int64(-3),
                            np.float32(2.0), float("inf")])
BAD_FLOATS = st.sampled_from([0.0, -1.0, -1e-300, 1e308, 1e38, float("nan"), float("inf"), -float("inf"),
                              True, "0.5", None, 10**400 if False else 10**30, np.float32("nan"), 1e-320])
BAD_STRINGS = st.one_of(
    st.sampled_from(["", " ", "\n", "\ufeffabc", "a\x00b", "\u00e9\u00e8", "Z" * 10000, "ABC", "\t\t",
                     "runs", "/", "nonexistent/file.txt", ".", "..", "dinos\n"]),
    st.text(max_size=30),
)


def _array_mutations(a):
    out = [a.reshape(-1), a[..., None], np.zeros((0,) + a.shape[1:], a.dtype), a.astype(object),
           np.asarray(a, dtype=np.int64) if a.dtype.kind == "f" else a.astype(np.float64),
           a.tolist(), np.full(a.shape, np.nan), np.full(a.shape, 1e300), a.astype(np.float16)]
    if a.ndim >= 1 and a.shape[0] > 1:
        out.append(a[:-1])
        out.append(np.concatenate([a, a[:1]]))
    if a.ndim == 2:
        out.append(a.T.copy())
    if a.size:
        bad = a.astype(np.float64).copy()
        bad.flat[0] = np.nan
        out.append(bad)
        if a.dtype.kind in "iu":
            for v in (-2, 10**6, int(a.max()) + 1):
                b = a.copy()
                b.flat[0] = v
                out.append(b)
    return out


@st.composite
def _dict_mutation(draw, d):
    keys = list(d)
    how = draw(st.sampled_from(["drop", "extra", "rename", "replace", "empty", "not a dict"]))
    d = dict(d)
    if how == "drop" and keys:
        d.pop(draw(st.sampled_from(keys)))
    elif how == "extra":
        d[draw(st.sampled_from(["ba", "extra", "Wax2", "dWax", "b2", 0]))] = draw(st.one_of(
            st.just(np.zeros((3, 3))), GENERIC))
    elif how == "rename" and keys:
        k = draw(st.sampled_from(keys))
        d[str(k) + "x" if k != "b" else "ba"] = d.pop(k)
    elif how == "replace" and keys:
        k = draw(st.sampled_from(keys))
        d[k] = draw(mutations(d[k], generic=False) | GENERIC)
    elif how == "empty":
        return {}
    else:
        return list(d.items())
    return d


def mutations(value, generic=True):
    """A strategy of bad stand-ins for ``value`` (see the module docstring)."""
    if isinstance(value, bool):
        specific = st.sampled_from([None, "yes", 2, float("nan")])
    elif isinstance(value, (int, np.integer)):
        specific = BAD_INTS
    elif isinstance(value, (float, np.floating)):
        specific = BAD_FLOATS
    elif isinstance(value, str):
        specific = BAD_STRINGS
    elif isinstance(value, np.ndarray):
        specific = st.sampled_from(_array_mutations(value))
    elif isinstance(value, dict):
        specific = _dict_mutation(value)
    elif isinstance(value, (list, tuple)):
        items = list(value)
        # a NamedTuple (a cache) cannot be built empty: its bad stand-ins are plain tuples
        kind = list if isinstance(value, list) else tuple
        choices = [kind(), items + items[:1], items[:-1], [items], items[:1] * 3]
        specific = st.sampled_from(choices)
        if items:
            specific = specific | st.integers(0, len(items) - 1).flatmap(
                lambda i: mutations(items[i], generic=True).map(lambda v: type(value)(items[:i] + [v] + items[i + 1:])
                                                                if isinstance(value, list) else
                                                                tuple(items[:i] + [v] + items[i + 1:])))
    else:
        specific = GENERIC
    return specific | GENERIC if generic else specific


@st.composite
def bad_arguments(draw, args, kwargs, frozen=()):
    """(args, kwargs) with one or two of them replaced by ``mutations`` of their valid values.

    frozen: names (or positions) that stay valid (e.g. a step count whose huge values would be a
    legitimate but long run).
    """
    slots = [i for i in range(len(args)) if i not in frozen] + [k for k in kwargs if k not in frozen]
    if not slots:
        return list(args), dict(kwargs)
    chosen = draw(st.lists(st.sampled_from(slots), min_size=1, max_size=2, unique=True))
    args, kwargs = list(args), dict(kwargs)
    for slot in chosen:
        if isinstance(slot, int):
            args[slot] = draw(mutations(args[slot]))
        else:
            kwargs[slot] = draw(mutations(kwargs[slot]))
    return args, kwargs
