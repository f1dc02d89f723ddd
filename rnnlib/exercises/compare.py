"""Comparing what a student's function returned with the reference, in sentences.

The tolerance is one that a correct implementation meets however it is written (another loop
order, other temporaries, float32 arithmetic): ``|got - expected| <= atol + rtol * |expected|``
with ``atol`` scaled by the largest expected magnitude.  A mismatch names the first differing entry
with both values; when the student's value instead matches one of the ``mistakes`` handed in (each
the result a typical wrong implementation gives, derived from the reference), the message names
that mistake.
"""
import copy

import numpy as np

from .verdict import Failed

#: (rtol, atol relative to the largest expected magnitude) by the dtype the check fed the function.
#: Even float64 inputs get a tolerance that float32 arithmetic meets: a student may compute in float32.
TOLERANCES = {np.dtype(np.float64): (1e-4, 1e-5), np.dtype(np.float32): (1e-3, 1e-4)}


def tolerance(dtype=np.float64):
    """The (rtol, atol scale) pair for inputs of ``dtype``."""
    return TOLERANCES[np.dtype(dtype)]


def as_array(what, value):
    """``value`` as a float array, or Failed saying what it was instead."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        raise Failed(f"{what} is a {type(value).__name__} of arrays; it should be one numpy array")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Failed(f"{what} should be a numpy array, got {type(value).__name__}") from None
    return array


def is_close(got, expected, dtype=np.float64):
    """Whether ``got`` equals ``expected`` within the tolerance for ``dtype`` (shapes must match)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return False
    rtol, atol = tolerance(dtype)
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1.0)
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.abs(got - expected) <= atol * scale + rtol * np.abs(expected)))


def _first_difference(got, expected, dtype):
    rtol, atol = tolerance(dtype)
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1.0)
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(got - expected) <= atol * scale + rtol * np.abs(expected))
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return index, int(bad.sum())


def expect_close(what, got, expected, *, dtype=np.float64, mistakes=None):
    """Failed unless ``got`` matches ``expected``.

    what:     how to name the value in a message ("a_next", "gradients['dWax']")
    dtype:    the dtype of the inputs the function was given (sets the tolerance)
    mistakes: {message: the value that mistake would give}; the first that ``got`` matches is named
    """
    got = as_array(what, got)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        for message, wrong in (mistakes or {}).items():
            if wrong is not None and np.shape(wrong) == got.shape and is_close(got, wrong, dtype):
                raise Failed(f"{what}: {message}")
        raise Failed(f"{what} has shape {got.shape}, expected {expected.shape}")
    if not np.all(np.isfinite(got)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        raise Failed(f"{what}{list(index)} is {got[index]!r}: not a finite number")
    if is_close(got, expected, dtype):
        return
    for message, wrong in (mistakes or {}).items():
        if wrong is not None and np.shape(wrong) == got.shape and is_close(got, wrong, dtype):
            raise Failed(f"{what}: {message}")
    index, count = _first_difference(got, expected, dtype)
    rtol, atol = tolerance(dtype)
    raise Failed(f"{what}{list(index)} is {got[index]:.8g} but should be {expected[index]:.8g} "
                 f"({count} of {got.size} entries differ beyond rtol {rtol:g}, atol {atol:g} x the largest value)")


def expect_tuple(what, value, length, names):
    """``value`` as a tuple of ``length``, or Failed naming what the course's function returns."""
    if not isinstance(value, tuple) or len(value) != length:
        kind = type(value).__name__
        got = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}" + (f" of length {len(value)}" if isinstance(value, (tuple, list)) else "")
        raise Failed(f"{what} should return the {length}-tuple ({', '.join(names)}), got {got}")
    return value


def expect_keys(what, value, keys):
    """Failed unless ``value`` is a dict holding every name in ``keys``."""
    if not isinstance(value, dict):
        raise Failed(f"{what} should be a dict, got {type(value).__name__}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise Failed(f"{what} has no key {missing[0]!r} (it needs {', '.join(map(repr, keys))})")


def snapshot(value):
    """A deep copy of the arguments, to tell afterwards whether a function changed them in place."""
    return copy.deepcopy(value)


def changed(before, after):
    """The path of the first array that differs between two snapshots (``"parameters['Wax']"``), else None."""
    if isinstance(before, np.ndarray):
        same = isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(before, after,
                                                                                               equal_nan=True)
        return None if same else ""
    if isinstance(before, dict):
        for key in before:
            if key not in after:
                return f"[{key!r}]"
            path = changed(before[key], after[key])
            if path is not None:
                return f"[{key!r}]{path}"
        return None
    if isinstance(before, (list, tuple)):
        if len(before) != len(after):
            return ""
        for i, (b, a) in enumerate(zip(before, after)):
            path = changed(b, a)
            if path is not None:
                return f"[{i}]{path}"
        return None
    return None if before == after else ""


def expect_unchanged(name, argument_names, before, after):
    """Failed if the call changed one of its arguments in place (``before``/``after`` are snapshots)."""
    for arg, b, a in zip(argument_names, before, after):
        path = changed(b, a)
        if path is not None:
            raise Failed(f"your {name} changed its argument {arg}{path} in place; work on new arrays instead")


def expect_named(what, got, expected, *, dtype=np.float64, mistakes=None, tests=None):
    """``expect_close``, first trying ``tests``: {message: predicate(got array)} for mistakes that are
    recognised by transforming the student's value (softmax(got) == expected ...)."""
    from ..errors import RnnlibError

    array = as_array(what, got)
    if not (array.shape == np.shape(expected) and is_close(array, expected, dtype)):
        for message, test in (tests or {}).items():
            try:
                with np.errstate(all="ignore"):
                    hit = bool(test(array))
            except (ValueError, TypeError, IndexError, FloatingPointError, RnnlibError):
                hit = False
            if hit:
                raise Failed(f"{what}: {message}")
    expect_close(what, array, expected, dtype=dtype, mistakes=mistakes)


def softmax_output_tests(y_ref, dtype, logits="Wya @ a_next + by", course="the course"):
    """{message: predicate} for the usual mistakes in a cell's softmax output ``y_ref`` (n_y, m),
    recognised from the student's value alone, so no copy of the output layer's math is needed."""
    from ..core.functional import softmax

    return {
        f"you returned yt_pred before the softmax (the logits {logits})":
            lambda got: is_close(softmax(got), y_ref, dtype),
        "the softmax runs over the wrong axis: normalize each column (axis 0, over the n_y outputs)":
            lambda got: (np.allclose(got.sum(axis=1), 1.0, atol=1e-3)
                         and not np.allclose(got.sum(axis=0), 1.0, atol=1e-3)),
        # the logit log(p / (1 - p)) undoes a sigmoid: a softmax of it is the right answer
        f"yt_pred uses sigmoid where {course} uses softmax":
            lambda got: is_close(softmax(np.log(got) - np.log1p(-got)), y_ref, dtype),
    }
