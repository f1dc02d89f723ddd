"""Activations for Dense layers by Keras's names, each a forward and a backward written once.

``backward(dy, y)`` takes the activation's *output* ``y`` (every one here can form its derivative
from it) and returns dLoss/d(pre-activation).  Shapes: any; softmax acts on the last axis
(batch-first tensors, one example per row, as Keras).
"""
import numpy as np

from ..core.functional import sigmoid, softmax
from ..errors import ConfigError


def _softmax_backward(dy, y):
    # Jacobian-vector product of softmax: y * (dy - <dy, y>) along the class axis
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))


ACTIVATIONS = {
    "linear": (lambda z: z, lambda dy, y: dy),
    "relu": (lambda z: np.maximum(z, 0), lambda dy, y: dy * (y > 0)),
    "sigmoid": (sigmoid, lambda dy, y: dy * y * (1 - y)),
    "tanh": (np.tanh, lambda dy, y: dy * (1 - y * y)),
    "softmax": (lambda z: softmax(z, axis=-1), _softmax_backward),
}


def get(name, where):
    """(forward, backward) for an activation name; None means "linear", as in Keras."""
    name = "linear" if name is None else name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ConfigError(f"{where}: unknown activation {name!r}; known: {', '.join(sorted(ACTIVATIONS))}")
    return ACTIVATIONS[name]
