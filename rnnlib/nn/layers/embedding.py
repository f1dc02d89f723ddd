"""Embedding: ids in, vectors out; ``mask_zero=True`` makes id 0 Keras's padding mark.

    ids (m, T) integers in [0, input_dim)  ->  vectors (m, T, output_dim) = E[ids]

The backward scatters the output gradient back onto the rows that were read (``np.add.at``: an
id that occurs twice gets both gradients).  With ``mask_zero=True`` the layer also emits the mask
``ids != 0`` (m, T), which the recurrent layers use so that padded steps do not change their state.
``trainable=False`` (a frozen pretrained embedding such as GloVe) skips the gradient entirely and
counts as non-trainable in ``summary``.
"""
import numpy as np

from ...core.checks import as_array, check_elements
from ...errors import ConfigError, ShapeError, VocabularyError
from .. import initializers
from .base import Layer, check_flag, check_size


class Embedding(Layer):
    """Keras 3's ``Embedding(input_dim, output_dim, embeddings_initializer="uniform", mask_zero=False)``.

    weights: a list holding one (input_dim, output_dim) array to start from (Keras 2's way of
    loading pretrained vectors; Keras 3 spells it ``embeddings_initializer=Constant(...)``, and a
    callable initializer works here too).  input_length: accepted and checked against the data
    (Keras 2's argument).
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", mask_zero=False,
                 weights=None, input_length=None, **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = check_size("Embedding", "input_dim", input_dim), check_size(
            "Embedding", "output_dim", output_dim)
        check_elements(self.input_dim * self.output_dim, f"a ({self.input_dim}, {self.output_dim}) embedding", "Embedding")
        self.initializer = initializers.get(embeddings_initializer, "Embedding")
        self.mask_zero = check_flag("Embedding", "mask_zero", mask_zero)
        if input_length is not None:
            input_length = check_size("Embedding", "input_length", input_length)
        self.input_length = input_length
        self.initial_weights = None
        if weights is not None:
            if isinstance(weights, (list, tuple)) and not weights:
                raise ShapeError("Embedding: weights is an empty list; give [matrix] or the matrix")
            w = as_array("weights", weights[0] if isinstance(weights, (list, tuple)) else weights, "Embedding")
            if w.dtype.kind not in "biuf":
                raise ShapeError(f"Embedding: weights must hold numbers, got dtype {w.dtype}")
            if w.shape != (self.input_dim, self.output_dim):
                raise ShapeError(f"Embedding: weights has shape {w.shape}, expected ({self.input_dim}, {self.output_dim})")
            self.initial_weights = w
        if self.input_shape is None and input_length is not None:
            self.input_shape = (input_length,)

    def _create_weights(self, input_shape, rng):
        if len(input_shape) != 1:
            raise ShapeError(f"{self.name}: expects ids of shape (batch, T), got inputs of shape (None, {', '.join(map(str, input_shape))})")
        shape = (self.input_dim, self.output_dim)
        self.weights = {"embeddings": self.initial_weights if self.initial_weights is not None else self.initializer(shape, rng)}

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def forward(self, x, mask=None, training=False):
        """x: (m, T) integer ids.  Returns (vectors (m, T, output_dim), cache)."""
        ids = check_ids(x, self.input_dim, self.name)
        if self.input_length is not None and ids.shape[1] != self.input_length:
            raise ShapeError(f"{self.name}: input_length is {self.input_length} but the ids have {ids.shape[1]} steps")
        return self.weights["embeddings"][ids], ids

    def compute_mask_from_input(self, x):
        """(m, T) booleans, True at real steps, when ``mask_zero``; else None."""
        return (np.asarray(x) != 0) if self.mask_zero else None

    def backward(self, dy, ids):
        """dy: (m, T, output_dim).  Adds into dembeddings; returns None (ids have no gradient)."""
        if self.trainable:
            np.add.at(self.grads["dembeddings"], ids, dy)
        return None


def check_ids(x, input_dim, where):
    """x as an (m, T) integer array, or a clear error: ShapeError for a wrong rank or dtype,
    VocabularyError for an id outside [0, input_dim)."""
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "iuf" or arr.dtype.kind == "b":
        raise ShapeError(f"{where}: ids must be integers, got an array of dtype {arr.dtype} "
                         "(texts must be turned into ids first, e.g. with a tokenizer and pad_sequences)")
    if arr.ndim != 2:
        raise ShapeError(f"{where}: ids must have shape (batch, T), got shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ShapeError(f"{where}: ids must be whole numbers; got non-integer values")
    ids = arr.astype(np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= input_dim):
        bad = int(ids.max()) if ids.max() >= input_dim else int(ids.min())
        raise VocabularyError(f"{where}: id {bad} is outside the embedding's range 0..{input_dim - 1} "
                              f"(input_dim={input_dim} must exceed the largest id)")
    return ids
