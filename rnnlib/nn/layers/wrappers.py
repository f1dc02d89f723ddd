"""Bidirectional: one recurrent layer reading forwards, a copy reading backwards, outputs merged.

The backward copy is the same layer type with ``go_backwards`` flipped (Keras builds it from the
forward layer's config the same way).  With a padding mask the backward direction reads only each
sequence's real steps, starting at its last real one (``rnnlib.core.layers`` carries the state over
the padded steps, which come first in the reversed order).  When returning sequences, the backward
outputs are put back into forward time order before merging, and, as in Keras, both directions
output zeros at padded steps.

Weights: the forward layer's, then the backward layer's (Keras's order), so the count is twice the
wrapped layer's.
"""
import numpy as np

from ...errors import ConfigError
from .base import Layer
from .recurrent import RecurrentLayer

MERGE_MODES = ("concat", "sum", "ave", "mul")


class Bidirectional(Layer):
    """Keras's ``Bidirectional(layer, merge_mode="concat", backward_layer=None)``;
    merge_mode: "concat", "sum", "ave" or "mul"."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        if weights is not None:
            raise ConfigError("Bidirectional: weights= is not supported; call set_weights after building")
        if not isinstance(layer, RecurrentLayer):
            raise ConfigError(f"Bidirectional: wraps a SimpleRNN, GRU or LSTM, got {type(layer).__name__}")
        if not isinstance(merge_mode, str) or merge_mode not in MERGE_MODES:
            raise ConfigError(f"Bidirectional: merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")
        if layer.return_state:
            raise ConfigError("Bidirectional: return_state is not supported by rnnlib.nn")
        if backward_layer is None:
            config = layer.get_config()
            config["go_backwards"] = not layer.go_backwards
            config["name"] = None
            if config.get("seed") is not None:  # its own dropout masks, not a copy of the forward layer's
                config["seed"] = config["seed"] + 1
            backward_layer = type(layer)(**config)
        self.forward_layer, self.backward_layer = layer, backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        for direction in (self.forward_layer, self.backward_layer):
            direction.zero_output_for_mask = direction.return_sequences
            if not self.trainable:  # Bidirectional(..., trainable=False) freezes both directions
                direction.trainable = False

    def build(self, input_shape, rng, dtype=np.float32):
        self.dtype = np.dtype(dtype) if self.dtype is None else self.dtype
        base = self.name or "bidirectional"
        self.forward_layer.name = f"forward_{self.forward_layer.name or type(self.forward_layer).__name__.lower()}"
        self.backward_layer.name = f"backward_{self.backward_layer.name or type(self.backward_layer).__name__.lower()}"
        self.forward_layer.build(input_shape, rng, self.dtype)
        self.backward_layer.build(input_shape, rng, self.dtype)
        self.input_shape = tuple(input_shape)
        self.built = True
        self.name = base
        self.output_shape = self.compute_output_shape(self.input_shape)
        return self.output_shape

    # weights and gradients live in the two directions; the model reaches them through these
    @property
    def sublayers(self):
        return [self.forward_layer, self.backward_layer]

    def zero_grads(self):
        for d in self.sublayers:
            d.zero_grads()

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        return shape[:-1] + (2 * shape[-1],) if self.merge_mode == "concat" else shape

    def compute_mask(self, mask):
        return mask if self.return_sequences else None

    def count_params(self):
        return sum(d.count_params() for d in self.sublayers)

    def weight_names(self):
        return [f"{d.name}/{n}" for d in self.sublayers for n in d.weight_names()]

    def get_weights(self):
        return self.forward_layer.get_weights() + self.backward_layer.get_weights()

    def keras_shapes(self):
        return [w.shape for w in self.get_weights()]

    def _set_keras_weights(self, arrays):
        k = len(self.forward_layer.weight_names())
        self.forward_layer._set_keras_weights(arrays[:k])
        self.backward_layer._set_keras_weights(arrays[k:])

    def forward(self, x, mask=None, training=False):
        """x: (m, T, n_x).  Returns (merged outputs, cache); concat gives (m, [T,] 2*units)."""
        yf, cf = self.forward_layer.forward(x, mask, training)
        yb, cb = self.backward_layer.forward(x, mask, training)
        if self.return_sequences:
            yb = yb[:, ::-1]  # the backward layer returns its outputs in reading order
        if self.merge_mode == "concat":
            y = np.concatenate([yf, yb], axis=-1)
        elif self.merge_mode == "sum":
            y = yf + yb
        elif self.merge_mode == "ave":
            y = (yf + yb) / 2
        else:
            y = yf * yb
        return y, (cf, cb, yf, yb)

    def backward(self, dy, cache):
        """dy: like forward's output.  Splits it between the directions (undoing the merge and, for
        sequences, the backward direction's time flip); returns dx (m, T, n_x), the sum of both."""
        cf, cb, yf, yb = cache
        dy = np.asarray(dy)
        if self.merge_mode == "concat":
            u = yf.shape[-1]
            dyf, dyb = dy[..., :u], dy[..., u:]
        elif self.merge_mode == "sum":
            dyf = dyb = dy
        elif self.merge_mode == "ave":
            dyf = dyb = dy / 2
        else:
            dyf, dyb = dy * yb, dy * yf
        if self.return_sequences:
            dyb = dyb[:, ::-1]
        dx = self.forward_layer.backward(np.ascontiguousarray(dyf), cf)
        return dx + self.backward_layer.backward(np.ascontiguousarray(dyb), cb)
