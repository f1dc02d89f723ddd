"""Dense: ``y = activation(x @ kernel + bias)`` on the last axis, for (m, n) or (m, T, n) inputs.

Weights in Keras's layout (batch-first rows, so no conversion): kernel (n, units), bias (units,).
On a sequence (m, T, n) the same weights act at every step, and the padding mask passes through.
"""
import numpy as np

from ...errors import ConfigError, ShapeError
from .. import activations, initializers
from .base import Layer, check_flag, check_size


class Dense(Layer):
    """Keras's ``Dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
    bias_initializer="zeros")``; activation: None/"linear", "relu", "sigmoid", "softmax", "tanh"."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_bias = check_size("Dense", "units", units), check_flag("Dense", "use_bias", use_bias)
        self.activation = "linear" if activation is None else activation
        self._forward_act, self._backward_act = activations.get(activation, "Dense")
        self.kernel_initializer = initializers.get(kernel_initializer, "Dense")
        self.bias_initializer = initializers.get(bias_initializer, "Dense")

    def _create_weights(self, input_shape, rng):
        if len(input_shape) < 1:
            raise ShapeError(f"{self.name}: needs inputs with a feature axis")
        n = input_shape[-1]
        self.weights = {"kernel": self.kernel_initializer((n, self.units), rng)}
        if self.use_bias:
            self.weights["bias"] = self.bias_initializer((self.units,), rng)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, mask=None, training=False):
        """x: (..., n).  Returns (y (..., units), cache)."""
        x = np.asarray(x)
        if x.dtype == object or x.dtype.kind not in "iufb":
            raise ShapeError(f"{self.name}: inputs must be numbers, got dtype {x.dtype}")
        if x.ndim != len(self.input_shape) + 1 or x.shape[-1] != self.input_shape[-1]:
            raise ShapeError(f"{self.name}: inputs have shape {x.shape}, expected (batch, {', '.join(map(str, self.input_shape))})")
        x = np.asarray(x, dtype=self.dtype)
        z = x @ self.weights["kernel"]
        if self.use_bias:
            z += self.weights["bias"]
        y = self._forward_act(z)
        return y, (x, y)

    def backward(self, dy, cache):
        """dy: (..., units) dLoss/dy.  Adds dkernel (n, units) and dbias (units,); returns dx (..., n)."""
        x, y = cache
        dz = self._backward_act(np.asarray(dy, self.dtype), y)
        n = x.shape[-1]
        if self.trainable:
            self.grads["dkernel"] += x.reshape(-1, n).T @ dz.reshape(-1, self.units)
            if self.use_bias:
                self.grads["dbias"] += dz.reshape(-1, self.units).sum(axis=0)
        return dz @ self.weights["kernel"].T
