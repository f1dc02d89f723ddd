"""Dropout: while training, zero each input element with probability ``rate`` and scale the rest
by 1/(1 - rate) ("inverted" dropout, as Keras does), so nothing changes at inference."""
import numpy as np

from ...core.checks import check_seed
from ...errors import ConfigError
from .base import Layer, check_flag, check_size


class Dropout(Layer):
    """Keras's ``Dropout(rate, noise_shape=None, seed=None)``; a fresh mask per batch and element."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(rate, (int, float)) and not isinstance(rate, bool) and 0.0 <= rate < 1.0):
            raise ConfigError(f"Dropout: rate must be in [0, 1), got {rate!r}")
        if noise_shape is not None:
            raise ConfigError("Dropout: noise_shape is not supported by rnnlib.nn")
        self.rate = float(rate)
        self.rng = check_seed(seed, "Dropout")

    def forward(self, x, mask=None, training=False):
        """x: any shape (batch first).  Returns (y of x's shape, cache: the kept-and-scaled mask or None)."""
        x = np.asarray(x, dtype=self.dtype)
        if not training or self.rate == 0:
            return x, None
        keep = ((self.rng.random(x.shape) >= self.rate) / (1.0 - self.rate)).astype(self.dtype)
        return x * keep, keep

    def backward(self, dy, keep):
        """dy: x's shape.  The gradient flows only through the kept elements, scaled like them."""
        return dy if keep is None else dy * keep
