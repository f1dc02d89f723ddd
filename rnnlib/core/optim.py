"""Gradient clipping and parameter updates on dicts of arrays.

Gradients are keyed ``"d" + name`` for a parameter ``name`` (the course's convention: ``dWax`` for
``Wax``).  Updates happen in place, so a model dict held elsewhere (a notebook variable, a sampler
widget) sees the new values.
"""
import math

import numpy as np

from ..errors import ConfigError, ShapeError
from . import kernels
from .checks import check_array, check_finite_result, check_real, is_real


def _threshold(name, value, where):
    """A clipping threshold: a number > 0 (infinity allowed: it clips nothing); ConfigError otherwise."""
    if not (is_real(value) and value > 0):
        raise ConfigError(f"{where}: {name} must be a number > 0, got {value!r}")
    return value


def _gradient_arrays(gradients, where):
    """The gradient dict's arrays, checked: a dict of float ndarrays (they are changed in place)."""
    if not isinstance(gradients, dict):
        raise ShapeError(f"{where}: gradients must be a dict of arrays, got {type(gradients).__name__}")
    for name, g in gradients.items():
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            kind = g.dtype if isinstance(g, np.ndarray) else type(g).__name__
            raise ShapeError(f"{where}: gradient {name!r} must be a float numpy array (changed in place), got {kind}")
    return gradients


def _check_step(parameters, gradients, where):
    """Every parameter has a same-shaped float gradient ``"d" + name``; ShapeError naming the first that has not."""
    if not isinstance(parameters, dict):
        raise ShapeError(f"{where}: parameters must be a dict of arrays, got {type(parameters).__name__}")
    if not isinstance(gradients, dict):
        raise ShapeError(f"{where}: gradients must be a dict of arrays, got {type(gradients).__name__}")
    for name, p in parameters.items():
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise ShapeError(f"{where}: parameter {name!r} must be a float numpy array (updated in place)")
        key = "d" + str(name)
        if key not in gradients:
            raise ShapeError(f"{where}: gradients has no {key!r} for parameter {name!r}")
        if not isinstance(gradients[key], np.ndarray) or gradients[key].dtype.kind not in "fiu":
            raise ShapeError(f"{where}: {key} must be a numeric numpy array, got {type(gradients[key]).__name__}")
        g = check_array(key, gradients[key], where, finite=False)
        if g.shape != p.shape:
            raise ShapeError(f"{where}: {key} has shape {g.shape}, parameter {name!r} has {p.shape}")


def clip_by_value(gradients, max_value):
    """Clip every array in ``gradients`` element-wise into [-max_value, max_value], in place.

    Returns the same dict.  This is the course's ``clip``.
    """
    _threshold("maxValue", max_value, "clip")
    for g in _gradient_arrays(gradients, "clip").values():
        np.clip(g, -max_value, max_value, out=g)
    return gradients


def global_norm(gradients):
    """sqrt of the sum of squares of every element of every gradient."""
    arrays = [check_array(f"gradient {k!r}", g, "global_norm", finite=False) for k, g in _dict(gradients).items()]
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in arrays)))
    if not math.isfinite(norm) and all(np.all(np.isfinite(g)) for g in arrays):
        check_finite_result("the global norm", norm, "global_norm")
    return norm


def _dict(gradients):
    if not isinstance(gradients, dict):
        raise ShapeError(f"gradients must be a dict of arrays, got {type(gradients).__name__}")
    return gradients


def clip_by_global_norm(gradients, max_norm):
    """Scale all gradients together so their global norm is at most ``max_norm``, in place.

    Unlike clipping by value this keeps the gradient's direction.  Returns the norm before clipping.
    """
    _threshold("max_norm", max_norm, "clip_by_global_norm")
    norm = global_norm(_gradient_arrays(gradients, "clip_by_global_norm"))
    if norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for g in gradients.values():
            g *= scale
    return norm


class SGD:
    """Plain gradient descent: ``p -= learning_rate * dp``."""

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate
        check_real("learning_rate", learning_rate, "SGD", positive=True)

    def step(self, parameters, gradients):
        _check_step(parameters, gradients, "SGD.step")
        for name, p in parameters.items():
            p -= self.learning_rate * gradients["d" + name]

    def state(self):
        return {}


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction; moment estimates live in the optimizer."""

    def __init__(self, learning_rate=0.005, beta1=0.9, beta2=0.999, eps=1e-8):
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        check_real("learning_rate", learning_rate, "Adam", positive=True)
        check_real("beta1", beta1, "Adam", minimum=0.0, below=1.0)
        check_real("beta2", beta2, "Adam", minimum=0.0, below=1.0)
        check_real("eps", eps, "Adam", minimum=0.0)
        self.t = 0
        self.m, self.v = {}, {}

    def step(self, parameters, gradients):
        _check_step(parameters, gradients, "Adam.step")
        for name, p in parameters.items():
            if name in self.m and self.m[name].shape != p.shape:
                raise ShapeError(f"Adam.step: parameter {name!r} has shape {p.shape}, its moments {self.m[name].shape}")
        self.t += 1
        # Fold both bias corrections into one step size (the paper's "efficient version").
        lr_t = self.learning_rate * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        pooled = kernels.pooled()
        for name, p in parameters.items():
            g = gradients["d" + name]
            if name not in self.m:
                self.m[name], self.v[name] = np.zeros_like(p), np.zeros_like(p)
            m, v = self.m[name], self.v[name]
            # the pooled numba path: the same update, the same bits, in one pass split over its threads
            if pooled is not None and pooled.adam_update(p, g, m, v, self.beta1, self.beta2, lr_t, self.eps,
                                                         kernels.pool_threads()):
                continue
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * (g * g)
            p -= lr_t * m / (np.sqrt(v) + self.eps)


class RMSprop:
    """RMSprop (Hinton's lecture 6e): divide each step by a running root-mean-square of the gradient.

    ``v = rho v + (1 - rho) g^2;  p -= learning_rate * g / (sqrt(v) + eps)`` per element, with
    ``v`` starting at zero (Keras's form, without momentum or centring).
    """

    def __init__(self, learning_rate=0.001, rho=0.9, eps=1e-7):
        self.learning_rate, self.rho, self.eps = learning_rate, rho, eps
        self.v = {}

    def step(self, parameters, gradients):
        for name, p in parameters.items():
            g = gradients["d" + name]
            if name not in self.v:
                self.v[name] = np.zeros_like(p)
            v = self.v[name]
            v *= self.rho
            v += (1 - self.rho) * (g * g)
            p -= self.learning_rate * g / (np.sqrt(v) + self.eps)
