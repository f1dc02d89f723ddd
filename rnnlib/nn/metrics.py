"""Keras's "accuracy", resolved from the loss as Keras does: binary (threshold 0.5) for
binary_crossentropy, argmax match for categorical, argmax against ids for sparse categorical.

Each metric is ``fn(y_true, y_pred, mask=None) -> float``; with a padding mask on a sequence
output, only real positions count.
"""
import numpy as np

from ..core.checks import as_array, check_array, check_int, check_sequence
from ..errors import ConfigError, ShapeError


def _mean(hits, mask):
    return float(np.mean(hits)) if mask is None else float(np.sum(hits * mask) / max(int(mask.sum()), 1))


def accuracy_for(loss_name):
    """The accuracy metric that fits ``loss_name`` (a loss name string)."""
    if not isinstance(loss_name, str):
        raise ConfigError(f"accuracy_for: loss_name must be a loss name such as 'binary_crossentropy', got {loss_name!r:.60}")
    if loss_name == "binary_crossentropy":  # one hit per position: all of its units right
        return lambda y, p, mask=None: _mean(np.mean((p > 0.5) == (y > 0.5), axis=-1), mask)
    if loss_name == "sparse_categorical_crossentropy":
        return lambda y, p, mask=None: _mean(np.argmax(p, axis=-1) == y, mask)
    if loss_name == "categorical_crossentropy":
        return lambda y, p, mask=None: _mean(np.argmax(p, axis=-1) == np.argmax(y, axis=-1), mask)
    # mse: Keras's "accuracy" is exact equality, rarely meaningful; kept for completeness
    return lambda y, p, mask=None: _mean(np.mean(y == p, axis=-1), mask)


def get(metrics, loss_name):
    """[(name, fn(y_true, y_pred) -> float)] for compile's ``metrics`` list."""
    if metrics is None:
        return []
    if isinstance(metrics, str):
        metrics = [metrics]
    metrics = check_sequence("metrics", metrics, "compile", nonempty=False, what="None or a list of metric names")
    out = []
    for m in metrics:
        if isinstance(m, str) and m in ("accuracy", "acc"):
            out.append(("accuracy", accuracy_for(loss_name)))
        else:
            raise ConfigError(f"compile: unknown metric {m!r}; rnnlib.nn knows 'accuracy'")
    return out


# ----------------------------------------------------------------------------------------------
# Held-out reports for classifiers: the confusion matrix and what is read off it


def confusion_matrix(y_true, y_pred, n_classes):
    """counts[i, j]: how many examples of class i were predicted as class j (both 1-D int label arrays)."""
    n_classes = check_int("n_classes", n_classes, "confusion_matrix", minimum=1, maximum=10_000)
    y_true, y_pred = _labels(y_true, n_classes, "y_true"), _labels(y_pred, n_classes, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ShapeError(f"confusion_matrix: {y_true.shape[0]} true labels but {y_pred.shape[0]} predictions")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def per_class_recall(counts):
    """For each class, the share of its examples predicted right (its accuracy); NaN for a class with none."""
    counts = _counts(counts, "per_class_recall")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.diag(counts) / counts.sum(axis=1)


def macro_f1(counts):
    """The unweighted mean over classes of F1 = 2 precision recall / (precision + recall), from a confusion
    matrix; a class never predicted and never present is left out, one with no hits counts as 0."""
    counts = _counts(counts, "macro_f1").astype(np.float64)
    hits, actual, predicted = np.diag(counts), counts.sum(axis=1), counts.sum(axis=0)
    present = (actual + predicted) > 0
    f1 = np.zeros_like(hits)
    nonzero = hits > 0
    f1[nonzero] = 2 * hits[nonzero] / (actual[nonzero] + predicted[nonzero])  # = 2PR / (P + R)
    return float(f1[present].mean())


def _counts(counts, where):
    """A confusion matrix: a square (n, n) array of whole numbers >= 0."""
    counts = check_array("counts", counts, where, ndim=2, dtype_kind="i")
    if counts.shape[0] != counts.shape[1] or counts.shape[0] == 0 or (counts < 0).any():
        raise ShapeError(f"{where}: counts must be a square (n, n) confusion matrix of counts >= 0, got shape {counts.shape}")
    return counts


def _labels(y, n_classes, name):
    y = as_array(name, y, "confusion_matrix")
    if y.ndim == 1 and y.size == 0:
        return y.astype(np.int64)  # no examples: an all-zero matrix, whatever dtype [] became
    if y.ndim != 1 or (y.size and not np.issubdtype(y.dtype, np.integer)):
        raise ShapeError(f"{name} must be a 1-D array of integer class labels, got shape {y.shape} dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ShapeError(f"{name} has labels outside 0..{n_classes - 1}")
    return y
