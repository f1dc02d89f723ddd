"""Numerical gradient checking: centred differences against an analytic backward pass.

The check the course and Denny Britz's WildML tutorial use: nudge one number by +-h, watch the loss,
and compare ``(L(x+h) - L(x-h)) / 2h`` with the gradient the backward pass claims, by the relative
error ``|a - n| / max(|a| + |n|, tiny)``.  In float64 a correct backward gives about 1e-9 or less;
a wrong one gives 1e-2 or more.  A NaN or infinite gradient counts as infinitely wrong.
"""
import math

import numpy as np

from ..errors import ConfigError, GradientCheckFailed, ShapeError
from .checks import check_array, check_choice, check_elements, check_finite_result, check_real


def numerical_gradient(loss_fn, array, h=1e-5):
    """Centred-difference gradient of ``loss_fn()`` with respect to every element of ``array``.

    loss_fn: a no-argument callable returning a scalar, reading ``array`` (modified in place and
    restored).  array: a float ndarray.  Returns an array of ``array``'s shape.
    """
    if not callable(loss_fn):
        raise ConfigError(f"numerical_gradient: loss_fn must be a callable, got {type(loss_fn).__name__}")
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        raise ShapeError("numerical_gradient: array must be a float numpy array (it is perturbed in place)")
    h = check_real("h", h, "numerical_gradient", positive=True)
    check_elements(array.size, f"a numerical gradient of {array.size:,} elements", "numerical_gradient")
    grad = np.zeros(array.shape, dtype=np.float64)
    for i in np.ndindex(array.shape):  # index the array itself: works for any memory layout
        old = array[i]
        try:
            array[i] = old + h
            plus = _scalar(loss_fn())
            array[i] = old - h
            minus = _scalar(loss_fn())
        finally:
            array[i] = old
        grad[i] = (plus - minus) / (2 * h)
    # loss_fn reads more than ``array`` (a model's other weights), so a non-finite estimate is not
    # always an overflow of ``array``'s own values: either way no gradient can be checked against it
    check_finite_result("the numerical gradient (loss_fn at array +- h)", grad, "numerical_gradient",
                        error=GradientCheckFailed)
    return grad


def _pair(analytic, numeric, where):
    """Both gradients as float64 arrays of one shape; ShapeError otherwise."""
    a = check_array("analytic", analytic, where, finite=False).astype(np.float64)
    n = check_array("numeric", numeric, where, finite=False).astype(np.float64)
    if a.shape != n.shape:
        raise ShapeError(f"{where}: analytic has shape {a.shape} but numeric has {n.shape}")
    return a, n


def _scalar(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ShapeError(f"numerical_gradient: loss_fn must return a number, got {type(value).__name__}") from None


def relative_error(analytic, numeric):
    """Largest elementwise ``|a - n| / (|a| + |n|)``; 0 where both are exactly zero.

    A NaN or infinity in either gradient gives ``inf``: no threshold passes it.
    """
    a, n = _pair(analytic, numeric, "relative_error")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        return math.inf
    denom = np.abs(a) + np.abs(n)
    err = np.abs(a - n) / np.where(denom > 0, denom, 1.0)
    return float(err.max()) if err.size else 0.0


def norm_relative_error(analytic, numeric):
    """``||a - n|| / (||a|| + ||n||)`` over the whole array; 0 when both are zero.

    Use it when the loss sums many terms: then a gradient element of, say, 1e-5 carries a
    round-off error near 1e-10, which is a large *elementwise* relative error although nothing is
    wrong.  A wrong backward pass still gives 1e-3 or more on this measure.
    """
    a, n = _pair(analytic, numeric, "norm_relative_error")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        return math.inf  # a NaN gradient must never pass a check
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    if not np.isfinite(denom):  # finite values near 1e300 overflow the norms: the measure is scale-free
        scale = max(np.abs(a).max(), np.abs(n).max())
        a, n = a / scale, n / scale
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
    check_choice("measure", measure, ("max", "norm"), "check_gradients")
    error = {"max": relative_error, "norm": norm_relative_error}[measure]
    if not isinstance(arrays, dict) or not isinstance(analytic, dict):
        raise ShapeError("check_gradients: arrays and analytic must be dicts name -> array")
    missing = [name for name in arrays if name not in analytic]
    if missing:
        raise ShapeError(f"check_gradients: analytic has no gradient for {missing}")
    return {name: error(analytic[name], numerical_gradient(loss_fn, arr, h)) for name, arr in arrays.items()}


def weighted_loss(outputs, weights):
    """sum(outputs * weights): turns any array-valued forward into a scalar loss whose gradient
    with respect to ``outputs`` is ``weights``.  Used to check backward functions that take an
    upstream gradient (``rnn_cell_backward(da_next, cache)`` ...)."""
    outputs = check_array("outputs", outputs, "weighted_loss", finite=False)
    weights = check_array("weights", weights, "weighted_loss", finite=False)
    if outputs.shape != weights.shape:
        raise ShapeError(f"weighted_loss: outputs have shape {outputs.shape}, weights {weights.shape}")
    loss = float(np.sum(outputs * weights))
    if not math.isfinite(loss) and np.all(np.isfinite(outputs)) and np.all(np.isfinite(weights)):
        check_finite_result("sum(outputs * weights)", loss, "weighted_loss")
    return loss
