"""Gradient clipping and parameter updates on dicts of arrays.

Gradients are keyed ``"d" + name`` for a parameter ``name`` (the course's convention: ``dWax`` for
``Wax``).  Updates happen in place, so a model dict held elsewhere (a notebook variable, a sampler
widget) sees the new values.
"""
import numpy as np

from ..errors import ShapeError


def clip_by_value(gradients, max_value):
    """Clip every array in ``gradients`` element-wise into [-max_value, max_value], in place.

    Returns the same dict.  This is the course's ``clip``.
    """
    if not max_value > 0:
        raise ShapeError(f"clip: maxValue must be positive, got {max_value}")
    for g in gradients.values():
        np.clip(g, -max_value, max_value, out=g)
    return gradients


def global_norm(gradients):
    """sqrt of the sum of squares of every element of every gradient."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in gradients.values())))


def clip_by_global_norm(gradients, max_norm):
    """Scale all gradients together so their global norm is at most ``max_norm``, in place.

    Unlike clipping by value this keeps the gradient's direction.  Returns the norm before clipping.
    """
    if not max_norm > 0:
        raise ShapeError(f"clip_by_global_norm: max_norm must be positive, got {max_norm}")
    norm = global_norm(gradients)
    if norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for g in gradients.values():
            g *= scale
    return norm


class SGD:
    """Plain gradient descent: ``p -= learning_rate * dp``."""

    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate

    def step(self, parameters, gradients):
        for name, p in parameters.items():
            p -= self.learning_rate * gradients["d" + name]

    def state(self):
        return {}


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction; moment estimates live in the optimizer."""

    def __init__(self, learning_rate=0.005, beta1=0.9, beta2=0.999, eps=1e-8):
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.t = 0
        self.m, self.v = {}, {}

    def step(self, parameters, gradients):
        self.t += 1
        # Fold both bias corrections into one step size (the paper's "efficient version").
        lr_t = self.learning_rate * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for name, p in parameters.items():
            g = gradients["d" + name]
            if name not in self.m:
                self.m[name], self.v[name] = np.zeros_like(p), np.zeros_like(p)
            m, v = self.m[name], self.v[name]
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
