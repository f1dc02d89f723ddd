"""Elementwise and column-wise building blocks shared by every cell and model.

Arrays follow the course's column convention: a batch of ``m`` vectors of size ``n`` is an ``(n, m)``
array, so reductions that act "per example" run over axis 0.
"""
import numpy as np


def softmax(z, axis=0, inplace=False):
    """Softmax along ``axis`` (default 0: the course's columns, one example per column).

    z: scores of any shape.  Returns probabilities of the same shape, summing to 1 along ``axis``.
    Subtracting the maximum first keeps ``exp`` from overflowing; it does not change the result.
    inplace: overwrite ``z`` (a float array) instead of allocating; worth it for wide outputs such as
    an 8,000-word vocabulary.
    """
    if inplace:
        z -= z.max(axis=axis, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=axis, keepdims=True)
        return z
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), elementwise, any shape."""
    return 1.0 / (1.0 + np.exp(-z))
