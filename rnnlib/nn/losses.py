"""Keras's losses by name, each a value and its gradient with respect to the predictions.

The predictions are probabilities (the output of a sigmoid or softmax Dense layer), as in Keras's
default ``from_logits=False``; like Keras they are clipped into [1e-7, 1 - 1e-7] before the log,
so a saturated unit gives a large but finite loss (the clipped entries get no gradient).

Reduction is Keras 3's "sum_over_batch_size": the mean of the per-position losses (one position
per example for (m, C) outputs; m*T positions for sequence outputs (m, T, C)).  When a padding mask
reaches the output (a sequence model after ``Embedding(mask_zero=True)``), padded positions are
left out: the loss is the sum over real positions divided by their number, as Keras 3 does.

Shapes: ``y_pred`` (m, C) or (m, T, C); ``y_true`` the same shape, except for
sparse_categorical_crossentropy, whose ``y_true`` holds class ids of shape (m,) / (m, T) (or with
a trailing axis of 1).  Each function returns (loss, dLoss/dy_pred).
"""
import numpy as np

from ..core.checks import as_array

from ..errors import ConfigError, ShapeError

EPSILON = 1e-7  # Keras's backend epsilon


def _reduce(per_position, d_per_position, mask):
    """Weighted mean of the per-position losses and the matching gradient (see the module docstring)."""
    if mask is None:
        weights = np.full(per_position.shape, 1.0 / per_position.size)
    else:
        weights = mask.astype(np.float64) / max(int(mask.sum()), 1)
    return float(np.sum(per_position * weights)), d_per_position * weights[..., None]


def binary_crossentropy(y_true, y_pred, mask=None):
    """Per position: -mean_c [y log p + (1 - y) log(1 - p)]."""
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    per = -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p), axis=-1)
    inside = (y_pred > EPSILON) & (y_pred < 1 - EPSILON)
    d_per = -(y_true / p - (1 - y_true) / (1 - p)) * inside / y_pred.shape[-1]
    return _reduce(per, d_per, mask)


def categorical_crossentropy(y_true, y_pred, mask=None):
    """Per position: -sum_c y log q, with q = p / sum(p) clipped (Keras normalises first)."""
    s = y_pred.sum(axis=-1, keepdims=True)
    q = y_pred / s
    qc = np.clip(q, EPSILON, 1 - EPSILON)
    per = -np.sum(y_true * np.log(qc), axis=-1)
    dq = -(y_true / qc) * ((q > EPSILON) & (q < 1 - EPSILON))
    d_per = (dq - np.sum(dq * q, axis=-1, keepdims=True)) / s  # through q = p / sum(p)
    return _reduce(per, d_per, mask)


def sparse_categorical_crossentropy(y_true, y_pred, mask=None):
    """categorical_crossentropy with ``y_true`` as class ids."""
    return categorical_crossentropy(one_hot(y_true, y_pred.shape[-1]).astype(y_pred.dtype), y_pred, mask)


def mean_squared_error(y_true, y_pred, mask=None):
    """Per position: mean_c (y - p)^2."""
    diff = y_pred - y_true
    return _reduce(np.mean(diff * diff, axis=-1), 2 * diff / y_pred.shape[-1], mask)


def one_hot(ids, n_classes):
    ids = np.asarray(ids).astype(np.int64)
    out = np.zeros(ids.shape + (n_classes,), dtype=np.float64)
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


LOSSES = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
}


def get(name):
    if not isinstance(name, str) or name not in LOSSES:
        raise ConfigError(f"compile: unknown loss {name!r}; known: {', '.join(sorted(LOSSES))}")
    return LOSSES[name]


def check_targets(loss_name, y, output_shape, n_examples):
    """y as an array matching a model output of shape (m, *output_shape), or ShapeError saying why."""
    y = as_array("labels", y, "check_targets")
    if y.dtype == object or y.dtype.kind not in "iufb":
        raise ShapeError(f"labels must be numbers, got an array of dtype {y.dtype}")
    if y.ndim == 0 or y.shape[0] != n_examples:
        raise ShapeError(f"labels: {y.shape[0] if y.ndim else 'a scalar'} label rows for {n_examples} inputs; they must match")
    want = (n_examples,) + tuple(output_shape)
    if loss_name == "sparse_categorical_crossentropy":
        ids_shape = want[:-1]
        if y.shape == ids_shape + (1,):
            y = y.reshape(ids_shape)
        if y.shape != ids_shape:
            raise ShapeError(f"labels have shape {y.shape}; sparse_categorical_crossentropy needs class ids of shape {ids_shape}")
        if y.dtype.kind == "f" and np.any(y != np.round(y)):
            raise ShapeError("labels: class ids must be whole numbers")
        if y.size and (y.min() < 0 or y.max() >= output_shape[-1]):
            raise ShapeError(f"labels: class ids must be in 0..{output_shape[-1] - 1}, got {int(y.min())}..{int(y.max())}")
        return y.astype(np.int64)
    if y.shape == want[:-1] and output_shape[-1] == 1:
        y = y.reshape(want)  # Keras accepts (m,) labels for a (m, 1) output
    if y.shape != want:
        hint = " (one-hot them with to_categorical, or use sparse_categorical_crossentropy)" if (
            loss_name == "categorical_crossentropy" and y.shape == want[:-1]) else ""
        raise ShapeError(f"labels have shape {y.shape}, the model's output is {want}{hint}")
    return y
