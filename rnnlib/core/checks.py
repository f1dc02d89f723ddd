"""Argument checks that turn a would-be numpy traceback into a sentence naming the problem.

Every public function checks its arguments with these before doing any work, so bad input ends in
an ``rnnlib.errors`` error (a ``ValueError``) whose message names the argument and what was
expected, never in a numpy ``TypeError``/``IndexError`` from deep inside a loop.  Sizes are
checked before anything is allocated: no call may allocate more than ``MAX_ELEMENTS`` array
elements at once (``check_elements``).
"""
import math
import numbers

import numpy as np

from ..errors import ConfigError, ShapeError

#: The most array elements one call may allocate (or one model file may hold): 10^8 elements is
#: 400 MB of float32, 800 MB of float64.  A size beyond it is refused before anything is allocated.
MAX_ELEMENTS = 10**8


def is_int(value):
    """Whether ``value`` is a whole number of an integer type (Python or numpy; not a bool)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value):
    """Whether ``value`` is a real number (Python or numpy int or float; not a bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(name, value, where, minimum=None, maximum=None, error=ConfigError):
    """``value`` as an int, or ``error`` naming it unless it is an integer in [minimum, maximum].

    Integral floats (``1e4``, ``50.0``) are accepted and returned as ints; NaN, 2.5, None, strings
    and bools are not.
    """
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        value = int(value)
    if not is_int(value):
        raise error(f"{where}: {name} must be a whole number, got {value!r}")
    low = "" if minimum is None else f" >= {minimum}"
    high = "" if maximum is None else f" <= {maximum:,}"
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise error(f"{where}: {name} must be a whole number{low}{' and' if low and high else ''}{high}, got {value!r}")
    return int(value)


def check_real(name, value, where, minimum=None, positive=False, below=None, error=ConfigError):
    """``value`` as a float, or ``error`` unless it is a finite real number (> 0 if ``positive``,
    >= ``minimum``, < ``below``)."""
    if not is_real(value) or not math.isfinite(value):
        raise error(f"{where}: {name} must be a finite number, got {value!r}")
    value = float(value)
    if positive and not value > 0:
        raise error(f"{where}: {name} must be a number > 0, got {value!r}")
    if minimum is not None and value < minimum:
        raise error(f"{where}: {name} must be >= {minimum}, got {value!r}")
    if below is not None and not value < below:
        raise error(f"{where}: {name} must be < {below}, got {value!r}")
    return value


def check_instance(name, value, types, where, error=ConfigError, what=None):
    """``value`` unless it is not an instance of ``types`` (a class or a tuple of classes).

    what: how the message names the expected kind ("a LanguageModel"); defaults to the class names.
    The layers above ``core`` pass their own classes (a vocabulary, a model), so this one check
    serves them all without ``core`` importing them.
    """
    if not isinstance(value, types):
        if what is None:
            names = [t.__name__ for t in (types if isinstance(types, tuple) else (types,))]
            what = "a " + " or a ".join(names)
        raise error(f"{where}: {name} must be {what}, got {type(value).__name__}")
    return value


def check_sequence(name, value, where, error=ConfigError, nonempty=True, what="a list"):
    """``value`` as a list, or ``error`` unless it is a list, tuple or 1-D array (not a str, bytes
    or dict, whose items are characters or keys rather than the things asked for); ``nonempty``
    also refuses an empty one."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = list(value)
    if not isinstance(value, (list, tuple)):
        raise error(f"{where}: {name} must be {what}, got {type(value).__name__}")
    if nonempty and len(value) == 0:
        raise error(f"{where}: {name} is empty")
    return list(value)


def check_seed(seed, where, error=ConfigError):
    """A ``np.random.Generator`` from ``seed``: None (fresh entropy), a whole number >= 0, or a
    Generator (returned as it is, so a caller can keep drawing from its own stream).

    numpy's own refusal of a float, a negative or a string seed is a TypeError or ValueError from
    ``SeedSequence``; this names the seed instead.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not (is_int(seed) and seed >= 0):
        raise error(f"{where}: seed must be None, a whole number >= 0 or a numpy Generator, got {seed!r}")
    return np.random.default_rng(seed)


def check_choice(name, value, choices, where, error=ConfigError):
    """``value`` unless it is not one of ``choices`` (compared as strings only when it is a str)."""
    if not isinstance(value, str) or value not in choices:
        raise error(f"{where}: {name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_elements(count, what, where, error=ConfigError):
    """Refuse, before allocating, a request for more than ``MAX_ELEMENTS`` array elements.

    count: the number of elements (an exact Python int: products of sizes do not overflow).
    what: names the request in the message, e.g. "a (10000, 10000) Waa".
    """
    if count > MAX_ELEMENTS:
        raise error(f"{where}: {what} would need {count:,} array elements, more than the "
                    f"{MAX_ELEMENTS:,} one call may allocate (rnnlib.core.checks.MAX_ELEMENTS)")
    return count


def check_array(name, value, where, ndim=None, dtype_kind="f", finite=True, error=ShapeError):
    """``value`` as an ndarray, or ``error`` unless it is a numeric array of ``ndim`` dimensions.

    dtype_kind: "f" accepts int, unsigned, bool and float arrays (as numbers); "i" only integer
    arrays.  finite: also refuse NaN and infinity.  Ragged lists and object arrays are refused.
    """
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise error(f"{where}: {name} must be an array, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError):  # ragged nested lists, huge Python ints
        raise error(f"{where}: {name} must be a rectangular numeric array, got {type(value).__name__}") from None
    if ndim is not None and array.ndim != ndim:
        raise error(f"{where}: {name} must be a {ndim}-D array, got shape {array.shape}")
    kinds = "iu" if dtype_kind == "i" else "biuf"
    if array.dtype.kind not in kinds and not (dtype_kind == "i" and array.size == 0):
        raise error(f"{where}: {name} must hold {'integers' if dtype_kind == 'i' else 'numbers'}, "
                    f"got dtype {array.dtype}")
    if finite and array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise error(f"{where}: {name} contains NaN or infinite values")
    return array


def get_params(parameters, names, where):
    """Return ``[parameters[n] for n in names]`` as arrays, or raise ShapeError naming what is missing.

    Each must be a finite array of floats (NaN or a string in a parameter would otherwise surface
    as a numpy error, or as a NaN loss, far from its cause).
    where: the public function's name, used in the message.
    """
    if not isinstance(parameters, dict):
        raise ShapeError(f"{where}: parameters must be a dict, got {type(parameters).__name__}")
    missing = [n for n in names if n not in parameters]
    if missing:
        raise ShapeError(
            f"{where}: parameters dict is missing {', '.join(repr(n) for n in missing)} "
            f"(it has {', '.join(repr(k) for k in parameters) or 'nothing'})"
        )
    out = []
    for n in names:
        array = check_array(n, parameters[n], where, finite=False)
        if array.dtype.kind != "f":
            raise ShapeError(f"{where}: parameter {n} must be a float array, got dtype {array.dtype}")
        out.append(array)
    return out


def check_numeric_array(name, value, where, error=ShapeError):
    """Raise ``error`` unless ``value`` is a numpy array of numbers (bool, int or float dtype).

    Lists, strings, None and object or string arrays are refused: the course functions read
    ``.shape`` and do array arithmetic on what they are given.
    """
    if not isinstance(value, np.ndarray):
        raise error(f"{where}: {name} must be a numpy array, got {type(value).__name__}")
    if value.dtype.kind not in "biuf":
        raise error(f"{where}: {name} must hold numbers, got dtype {value.dtype}")
    return value


def check_numeric(name, value, where, error=ShapeError):
    """Raise ``error`` unless ``value`` is a real number or a numpy array of numbers."""
    if is_real(value):
        return value
    return check_numeric_array(name, value, where, error=error)


def check_shape(name, array, expected, where):
    """Raise ShapeError unless ``array`` is a numeric ndarray whose shape matches ``expected`` (None
    entries match any size)."""
    check_numeric_array(name, array, where)
    shape = np.shape(array)
    ok = len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected, shape))
    if not ok:
        want = "(" + ", ".join("?" if e is None else str(e) for e in expected) + ")"
        raise ShapeError(f"{where}: {name} has shape {shape}, expected {want}")


def check_finite(name, array, where):
    """Raise ShapeError if ``array`` holds NaN or infinity (a corrupt or diverged parameter)."""
    if not np.all(np.isfinite(array)):
        raise ShapeError(f"{where}: {name} contains NaN or infinite values")


def raise_shape(name, array, expected, where):
    """Raise ShapeError saying ``name`` has the wrong shape; ``expected`` is a description like '(n_x, m, T_x)'."""
    check_numeric_array(name, array, where)
    raise ShapeError(f"{where}: {name} has shape {np.shape(array)}, expected {expected}")


def check_text(name, value, where, error=None):
    """``value`` unless it is not a str (``error`` defaults to VocabularyError)."""
    if not isinstance(value, str):
        from ..errors import VocabularyError

        raise (error or VocabularyError)(f"{where}: {name} must be a string, got {type(value).__name__}")
    return value


def check_ids(name, ids, where, size=None, allow=(), error=None):
    """``ids`` (a sequence of integer ids) as a 1-D int64 array, or ``error`` (VocabularyError by
    default) naming the problem: not a sequence, not whole numbers, or outside ``0..size-1`` (other
    than the values in ``allow``, such as a padding id).  Integral floats (``3.0``) are accepted.
    """
    from ..errors import VocabularyError

    error = error or VocabularyError
    if isinstance(ids, (str, bytes, dict)) or ids is None or is_real(ids) or isinstance(ids, bool):
        raise error(f"{where}: {name} must be a sequence of integer ids, got {type(ids).__name__}")
    try:
        array = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids)
    except (TypeError, ValueError, OverflowError):
        raise error(f"{where}: {name} must be a flat sequence of integer ids") from None
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.ndim != 1:
        raise error(f"{where}: {name} must be a flat sequence of integer ids, got shape {array.shape}")
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)) \
            and np.all(np.abs(array) < 2**62):
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu" or (array.dtype.kind == "u" and array.max() >= 2**63):
        raise error(f"{where}: {name} must hold whole-number ids, got {array[:5].tolist()!r}...")
    array = array.astype(np.int64)
    if size is not None:
        bad = ~((array >= 0) & (array < size))
        if allow:
            bad &= ~np.isin(array, list(allow))
        if bad.any():
            raise error(f"{where}: id {int(array[bad][0])} is not in the vocabulary (ids run 0..{size - 1})")
    return array


def check_finite_result(name, value, where, error=None):
    """``value`` unless it holds NaN or infinity: a result computed from finite input that
    overflowed (a sum of squares of values near 1e300 ...).  Raises ``error`` (TrainingDiverged by
    default, the error for a loss or gradient that became non-finite) naming the overflow."""
    if not np.all(np.isfinite(value)):
        from ..errors import TrainingDiverged

        raise (error or TrainingDiverged)(
            f"{where}: {name} overflowed to NaN or infinity (values too large for float64 "
            f"arithmetic, or a non-finite value read on the way; scale them down)")
    return value


def check_path(name, value, where, error=ConfigError, writing=False):
    """``value`` as a ``pathlib.Path``, or ``error`` unless it is a non-empty str or os.PathLike.

    writing: the path is a file about to be written, so it must not be an existing folder and
    its folder must exist (``os.replace`` onto a folder, or into a missing one, is an OSError
    only after the data was made).
    """
    import os
    from pathlib import Path

    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)) or str(value) == "" or "\x00" in str(value):
        raise error(f"{where}: {name} must be a file path (a non-empty str or Path), got {value!r:.80}")
    path = Path(value)
    if any(len(part.encode("utf-8", "surrogatepass")) > 255 for part in path.parts):
        raise error(f"{where}: {name} has a file or folder name longer than 255 bytes")
    if writing:
        if path.is_dir():
            raise error(f"{where}: {name} {str(path)!r} is a folder; give a file name")
        if not path.parent.is_dir():
            raise error(f"{where}: cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist")
    return path


def check_vector(name, value, where, error=ConfigError, finite=True):
    """``value`` as a flat float64 array (any numeric sequence or array), or ``error`` naming it:
    ragged, non-numeric (strings, complex, objects) or, when ``finite``, NaN or infinite."""
    array = check_array(name, value, where, finite=finite, error=error)
    return array.astype(np.float64).ravel()


def as_array(name, value, where, error=ShapeError):
    """``np.asarray(value)``, or ``error`` for what numpy cannot make one array of (ragged nested
    lists, Python ints beyond int64); the caller checks the dtype and shape it needs."""
    if value is None or isinstance(value, dict):
        raise error(f"{where}: {name} must be an array, got {type(value).__name__}")
    try:
        return np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise error(f"{where}: {name} must be a rectangular array of numbers, got a ragged or mixed "
                    f"{type(value).__name__}") from None
