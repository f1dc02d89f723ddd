"""Elementwise and column-wise building blocks shared by every cell and model.

Arrays follow the course's column convention: a batch of ``m`` vectors of size ``n`` is an ``(n, m)``
array, so reductions that act "per example" run over axis 0.
"""
import numpy as np

from ..errors import ConfigError, ShapeError
from .checks import check_numeric, check_numeric_array, is_int


def softmax(z, axis=0, inplace=False):
    """Softmax along ``axis`` (default 0: the course's columns, one example per column).

    z: scores of any shape.  Returns probabilities of the same shape, summing to 1 along ``axis``.
    Subtracting the maximum first keeps ``exp`` from overflowing; it does not change the result.
    inplace: overwrite ``z`` (a float array) instead of allocating; worth it for wide outputs such as
    an 8,000-word vocabulary.
    """
    _check_softmax(z, axis, inplace)
    if inplace:
        z -= z.max(axis=axis, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=axis, keepdims=True)
        return z
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _check_softmax(z, axis, inplace):
    if not (isinstance(z, np.ndarray) and z.dtype.kind in "biuf"):
        check_numeric_array("z", z, "softmax")
    if z.size == 0:
        raise ShapeError(f"softmax: z is empty (shape {z.shape}): there is nothing to normalise")
    if not isinstance(inplace, bool):
        raise ConfigError(f"softmax: inplace must be True or False, got {inplace!r}")
    if inplace and z.dtype.kind != "f":
        raise ShapeError(f"softmax: inplace needs a float array, got dtype {z.dtype}")
    if not (is_int(axis) and -max(z.ndim, 1) <= axis < max(z.ndim, 1)):
        raise ConfigError(f"softmax: axis must be a whole number in [-{max(z.ndim, 1)}, {max(z.ndim, 1)}), got {axis!r}")


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), elementwise, any shape."""
    if not (isinstance(z, np.ndarray) and z.dtype.kind in "biuf"):
        check_numeric("z", z, "sigmoid")
    return 1.0 / (1.0 + np.exp(-z))
