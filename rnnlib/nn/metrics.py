"""Keras's "accuracy", resolved from the loss as Keras does: binary (threshold 0.5) for
binary_crossentropy, argmax match for categorical, argmax against ids for sparse categorical."""
import numpy as np

from ..errors import ConfigError


def accuracy_for(loss_name):
    if loss_name == "binary_crossentropy":
        return lambda y, p: float(np.mean((p > 0.5) == (y > 0.5)))
    if loss_name == "sparse_categorical_crossentropy":
        return lambda y, p: float(np.mean(np.argmax(p, axis=-1) == y))
    if loss_name == "categorical_crossentropy":
        return lambda y, p: float(np.mean(np.argmax(p, axis=-1) == np.argmax(y, axis=-1)))
    # mse: Keras's "accuracy" is exact equality, rarely meaningful; kept for completeness
    return lambda y, p: float(np.mean(y == p))


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
