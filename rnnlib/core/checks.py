"""Argument checks that turn a would-be numpy traceback into a sentence naming the problem."""
import numpy as np

from ..errors import ShapeError


def get_params(parameters, names, where):
    """Return ``[parameters[n] for n in names]`` as arrays, or raise ShapeError naming what is missing.

    where: the public function's name, used in the message.
    """
    if not isinstance(parameters, dict):
        raise ShapeError(f"{where}: parameters must be a dict, got {type(parameters).__name__}")
    missing = [n for n in names if n not in parameters]
    if missing:
        raise ShapeError(
            f"{where}: parameters dict is missing {', '.join(repr(n) for n in missing)} "
            f"(it has {', '.join(repr(k) for k in parameters) or 'nothing'})"
        )
    return [np.asarray(parameters[n]) for n in names]


def check_shape(name, array, expected, where):
    """Raise ShapeError unless ``array.shape`` matches ``expected`` (None entries match any size)."""
    shape = np.shape(array)
    ok = len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected, shape))
    if not ok:
        want = "(" + ", ".join("?" if e is None else str(e) for e in expected) + ")"
        raise ShapeError(f"{where}: {name} has shape {shape}, expected {want}")


def check_finite(name, array, where):
    """Raise ShapeError if ``array`` holds NaN or infinity (a corrupt or diverged parameter)."""
    if not np.all(np.isfinite(array)):
        raise ShapeError(f"{where}: {name} contains NaN or infinite values")


def raise_shape(name, array, expected, where):
    """Raise ShapeError saying ``name`` has the wrong shape; ``expected`` is a description like '(n_x, m, T_x)'."""
    raise ShapeError(f"{where}: {name} has shape {np.shape(array)}, expected {expected}")
