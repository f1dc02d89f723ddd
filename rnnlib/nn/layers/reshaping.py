"""Reshape and RepeatVector: shape changes with no weights (the jazz model's ``Reshape((1, n_values))``)."""
import numpy as np

from ...core.checks import is_int, check_sequence
from ...errors import ConfigError, ShapeError
from .base import Layer, check_flag, check_size


class Reshape(Layer):
    """Keras's ``Reshape(target_shape)``: (m, *input_shape) -> (m, *target_shape); one entry may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = check_sequence("target_shape", target_shape, "Reshape", what="a tuple of sizes")
        target = tuple(-1 if is_int(d) and d == -1 else check_size("Reshape", "each target size", d) for d in target_shape)
        if sum(d == -1 for d in target) > 1 or any(d == 0 or d < -1 for d in target):
            raise ConfigError(f"Reshape: target_shape {target_shape!r} must hold positive sizes and at most one -1")
        self.target_shape = target

    def compute_output_shape(self, input_shape):
        size = int(np.prod(input_shape))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if -1 in self.target_shape:
            if size % known:
                raise ShapeError(f"{self.name}: cannot reshape {tuple(input_shape)} into {self.target_shape}")
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            raise ShapeError(f"{self.name}: cannot reshape {tuple(input_shape)} ({size} values) into {self.target_shape} ({known})")
        return self.target_shape

    def forward(self, x, mask=None, training=False):
        """x: (m, *input_shape).  Returns (y (m, *target), cache: x's shape)."""
        x = np.asarray(x, dtype=self.dtype)
        if x.shape[1:] != self.input_shape:
            raise ShapeError(f"{self.name}: inputs have shape {x.shape}, expected (batch, {', '.join(map(str, self.input_shape))})")
        return x.reshape((x.shape[0],) + self.output_shape), x.shape

    def compute_mask(self, mask):
        return None

    def backward(self, dy, shape):
        """dy: (m, *target_shape) -> (m, *input_shape)."""
        return np.reshape(dy, shape)


class RepeatVector(Layer):
    """Keras's ``RepeatVector(n)``: (m, features) -> (m, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = check_size("RepeatVector", "n", n)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ShapeError(f"{self.name}: expects inputs of shape (batch, features), got (None, {', '.join(map(str, input_shape))})")
        return (self.n, input_shape[0])

    def forward(self, x, mask=None, training=False):
        """x: (m, features).  Returns (y (m, n, features), None)."""
        x = np.asarray(x, dtype=self.dtype)
        return np.repeat(x[:, None, :], self.n, axis=1), None

    def compute_mask(self, mask):
        return None

    def backward(self, dy, cache):
        """dy: (m, n, features) -> (m, features): each copy's gradient, summed."""
        return np.asarray(dy).sum(axis=1)
