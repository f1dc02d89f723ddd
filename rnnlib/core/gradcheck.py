"""Numerical gradient checking: centred differences against an analytic backward pass.

The check the course and Denny Britz's WildML tutorial use: nudge one number by +-h, watch the loss,
and compare ``(L(x+h) - L(x-h)) / 2h`` with the gradient the backward pass claims, by the relative
error ``|a - n| / max(|a| + |n|, tiny)``.  In float64 a correct backward gives about 1e-9 or less;
a wrong one gives 1e-2 or more.
"""
import numpy as np


def numerical_gradient(loss_fn, array, h=1e-5):
    """Centred-difference gradient of ``loss_fn()`` with respect to every element of ``array``.

    loss_fn: a no-argument callable returning a scalar, reading ``array`` (modified in place and
    restored).  array: a float ndarray.  Returns an array of ``array``'s shape.
    """
    grad = np.zeros(array.shape, dtype=np.float64)
    for i in np.ndindex(array.shape):  # index the array itself: works for any memory layout
        old = array[i]
        try:
            array[i] = old + h
            plus = float(loss_fn())
            array[i] = old - h
            minus = float(loss_fn())
        finally:
            array[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    """Largest elementwise ``|a - n| / (|a| + |n|)``; 0 where both are exactly zero."""
    a, n = np.asarray(analytic, np.float64), np.asarray(numeric, np.float64)
    denom = np.abs(a) + np.abs(n)
    err = np.abs(a - n) / np.where(denom > 0, denom, 1.0)
    return float(err.max()) if err.size else 0.0


def norm_relative_error(analytic, numeric):
    """``||a - n|| / (||a|| + ||n||)`` over the whole array; 0 when both are zero.

    Use it when the loss sums many terms: then a gradient element of, say, 1e-5 carries a
    round-off error near 1e-10, which is a large *elementwise* relative error although nothing is
    wrong.  A wrong backward pass still gives 1e-3 or more on this measure.
    """
    a, n = np.asarray(analytic, np.float64), np.asarray(numeric, np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denom) if denom > 0 else 0.0


def check_gradients(loss_fn, arrays, analytic, h=1e-5, measure="max"):
    """Compare analytic gradients with numerical ones for several named arrays.

    loss_fn: no-argument callable returning the scalar loss.
    arrays: dict name -> ndarray the loss reads (perturbed in place, restored).
    analytic: dict name -> gradient array of the same shape.
    measure: "max" (largest elementwise relative error) or "norm" (``norm_relative_error``).
    Returns dict name -> relative error.
    """
    error = {"max": relative_error, "norm": norm_relative_error}[measure]
    return {name: error(analytic[name], numerical_gradient(loss_fn, arr, h)) for name, arr in arrays.items()}


def weighted_loss(outputs, weights):
    """sum(outputs * weights): turns any array-valued forward into a scalar loss whose gradient
    with respect to ``outputs`` is ``weights``.  Used to check backward functions that take an
    upstream gradient (``rnn_cell_backward(da_next, cache)`` ...)."""
    return float(np.sum(np.asarray(outputs) * np.asarray(weights)))
