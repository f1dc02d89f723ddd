"""What every layer of ``rnnlib.nn`` shares: its name, weights, gradients, and the build step.

A layer works on batch-first arrays, as Keras does: ``(m, features)`` or ``(m, T, features)``.
Each layer is written as one forward and one backward:

* ``forward(x, mask=None, training=False) -> (y, cache)``: ``cache`` holds what the backward
  needs.  Returning it (rather than keeping it on the layer) lets one layer be called several
  times in one pass, as a shared cell is in the jazz model.
* ``backward(dy, cache) -> dx``: *adds* the weight gradients into ``self.grads`` (so a shared
  layer sums over its calls; the model zeroes them before each batch) and returns dLoss/dx
  (None for an Embedding, whose input is ids).
* ``compute_mask(mask)``: the padding mask (m, T) passed on to the next layer, or None.

``weights`` is a dict of arrays in the layout the math uses (for recurrent layers: ``rnnlib.core``'s
hidden-major, gate-stacked arrays); ``get_weights`` / ``set_weights`` speak Keras's layout, so
weights move between Keras and rnnlib unchanged.
"""
import numpy as np

from ...core.checks import as_array, check_sequence
from ...errors import ConfigError, ShapeError

#: Keras arguments that rnnlib.nn accepts only at Keras's default (regularizers, constraints, LoRA and
#: quantisation settings have no counterpart here); a port that sets one gets a ConfigError naming it.
ONLY_AT_DEFAULT = {
    "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
    "activity_regularizer": None, "embeddings_regularizer": None, "kernel_constraint": None,
    "recurrent_constraint": None, "bias_constraint": None, "embeddings_constraint": None,
    "lora_rank": None, "lora_alpha": None, "quantization_config": None,
}


#: The most units, embedding rows or repeats one layer may have: far above any course model, and
#: small enough that a typo (10**12) is refused before numpy is asked for the memory.
MAX_SIZE = 10**6


def check_flag(kind, name, value):
    """``value`` as a bool, or ConfigError unless it is True or False (a string "False" is truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"{kind}: {name} must be True or False, got {value!r:.60}")
    return bool(value)


def check_size(kind, name, value):
    """``value`` as an int in 1..MAX_SIZE, or ConfigError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= MAX_SIZE:
        raise ConfigError(f"{kind}: {name} must be a positive integer up to {MAX_SIZE:,}, got {value!r:.60}")
    return int(value)


def take_defaults(kind, kwargs, only_default):
    """Remove the arguments in ``only_default`` from ``kwargs``; ConfigError if one is not at its default."""
    for key, default in only_default.items():
        if key in kwargs and kwargs.pop(key) != default:
            raise ConfigError(f"{kind}: {key}={default!r} is the only value rnnlib.nn supports")


class Layer:
    """Base class: name, trainable flag, dtype, an optional ``input_shape`` (Keras 2 style)."""

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, **unknown):
        take_defaults(type(self).__name__, unknown, ONLY_AT_DEFAULT)
        if unknown:
            raise ConfigError(f"{type(self).__name__}: unknown argument(s) {', '.join(sorted(unknown))}")
        if name is not None and not (isinstance(name, str) and name):
            raise ConfigError(f"{type(self).__name__}: name must be a non-empty string, got {name!r}")
        self.name = name
        kind = type(self).__name__
        self.trainable = check_flag(kind, "trainable", trainable)
        self.dtype = None
        if dtype is not None:
            try:
                self.dtype = np.dtype(dtype)
            except (TypeError, ValueError):
                self.dtype = None
            if self.dtype is None or self.dtype.kind != "f":
                raise ConfigError(f"{kind}: dtype must be a float type such as 'float32', got {dtype!r:.60}")
        if input_shape is not None:
            input_shape = check_sequence("input_shape", input_shape, kind, nonempty=True, what="a tuple of sizes")
            input_shape = tuple(check_size(kind, "each input size", d) for d in input_shape)
        self.input_shape = input_shape
        self.weights, self.grads = {}, {}
        self.built = False
        self.output_shape = None

    # --- building -----------------------------------------------------------------------------
    def build(self, input_shape, rng, dtype=np.float32):
        """Create the weights for inputs of ``input_shape`` (no batch axis); returns the output shape."""
        self.dtype = np.dtype(dtype) if self.dtype is None else self.dtype
        self.input_shape = tuple(input_shape)
        self._create_weights(self.input_shape, rng)
        self.weights = {k: np.ascontiguousarray(v, dtype=self.dtype) for k, v in self.weights.items()}
        self.zero_grads()
        self.built = True
        self.output_shape = self.compute_output_shape(self.input_shape)
        return self.output_shape

    def _create_weights(self, input_shape, rng):
        """Fill ``self.weights`` (float64 is fine: ``build`` casts to the layer's dtype)."""

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def compute_mask(self, mask):
        return mask

    def zero_grads(self):
        self.grads = {"d" + k: np.zeros_like(v) for k, v in self.weights.items()}

    def __call__(self, x, training=False, seed=0, **options):
        """Eager use, as ``LSTM_cell(x, initial_state=[a, c])`` in a Keras cell: builds the layer
        from ``x``'s shape on first use (weights from ``np.random.default_rng(seed)``) and returns
        the forward output only (no cache, so no backward: use ``forward``/``backward`` to train)."""
        if not self.built:
            shape = np.shape(x)
            if len(shape) < 2:
                raise ShapeError(f"{self.name or type(self).__name__}: inputs need a batch axis, got shape {shape}")
            self.build(shape[1:], np.random.default_rng(seed), np.float32)
        return self.forward(x, training=training, **options)[0]

    def _require_built(self, where):
        if not self.built:
            raise ConfigError(f"{self.name or type(self).__name__}.{where}: the layer is not built yet "
                              "(call the model on data, or give it an Input / input_shape)")

    # --- weights in Keras's layout ------------------------------------------------------------
    def count_params(self):
        return int(sum(v.size for v in self.weights.values()))

    def weight_names(self):
        """Keras's variable names, in Keras's order (``get_weights`` follows it)."""
        return list(self.weights)

    def get_weights(self):
        return [self.weights[k].copy() for k in self.weight_names()]

    def set_weights(self, arrays):
        self._require_built("set_weights")
        arrays = check_sequence("arrays", arrays, f"{self.name}.set_weights", error=ShapeError, nonempty=False,
                                what="a list of weight arrays (what get_weights returns)")
        arrays = [as_array("each weight", a, f"{self.name}.set_weights") for a in arrays]
        for a in arrays:
            if a.dtype.kind not in "biuf":
                raise ShapeError(f"{self.name}.set_weights: weights must be numbers, got dtype {a.dtype}")
        names = self.weight_names()
        if len(arrays) != len(names):
            raise ShapeError(f"{self.name}.set_weights: expected {len(names)} arrays ({', '.join(names)}), got {len(arrays)}")
        for name, shape, a in zip(names, self.keras_shapes(), arrays):
            if np.shape(a) != shape:
                raise ShapeError(f"{self.name}.set_weights: {name} has shape {np.shape(a)}, expected {shape}")
        self._set_keras_weights([np.asarray(a, dtype=self.dtype) for a in arrays])

    def keras_shapes(self):
        return [v.shape for v in self.get_weights()]

    def _set_keras_weights(self, arrays):
        for k, a in zip(self.weight_names(), arrays):
            self.weights[k][...] = a

    def __repr__(self):
        return f"<{type(self).__name__} {self.name or '(unnamed)'}>"
