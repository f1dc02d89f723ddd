"""Keras's "accuracy", resolved from the loss as Keras does: binary (threshold 0.5) for
binary_crossentropy, argmax match for categorical, argmax against ids for sparse categorical.

Each metric is ``fn(y_true, y_pred, mask=None) -> float``; with a padding mask on a sequence
output, only real positions count.
"""
import numpy as np

from ..errors import ConfigError


def _mean(hits, mask):
    return float(np.mean(hits)) if mask is None else float(np.sum(hits * mask) / max(int(mask.sum()), 1))


def accuracy_for(loss_name):
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
    out = []
    for m in metrics:
        if m in ("accuracy", "acc"):
            out.append(("accuracy", accuracy_for(loss_name)))
        else:
            raise ConfigError(f"compile: unknown metric {m!r}; rnnlib.nn knows 'accuracy'")
    return out
