"""Elementwise and column-wise building blocks shared by every cell and model.

Arrays follow the course's column convention: a batch of ``m`` vectors of size ``n`` is an ``(n, m)``
array, so reductions that act "per example" run over axis 0.
"""
import numpy as np


def softmax(z):
    """Column-wise softmax.

    z: (n, ...) scores; each column (everything after axis 0 indexes one example) is normalised.
    Returns an array of the same shape whose columns are probability vectors.
    Subtracting the column maximum first keeps ``exp`` from overflowing; it does not change the result.
    """
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), elementwise, any shape."""
    return 1.0 / (1.0 + np.exp(-z))
