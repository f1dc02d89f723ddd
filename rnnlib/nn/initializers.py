"""Keras's weight initializers by name, drawn from a numpy Generator.

Each takes the weight's *Keras* shape (a Dense kernel is (n_in, units), a recurrent kernel is
(units, gates * units)) because Keras's fan-in and fan-out are read off that shape.  The values
cannot match Keras's own draws (different random streams); the distributions do (Keras 3's
``keras.initializers`` documentation).
"""
import numpy as np

from ..errors import ConfigError


def _fans(shape):
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(shape, rng):
    """U(-l, l) with l = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010)."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def orthogonal(shape, rng):
    """A (semi-)orthogonal matrix: Q of the QR decomposition of a standard normal matrix, its
    columns' signs fixed by R's diagonal so the draw is uniform over orthogonal matrices."""
    rows, cols = int(np.prod(shape[:-1])), shape[-1]
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return q.reshape(shape)


def uniform(shape, rng):
    """Keras's "uniform" (RandomUniform): U(-0.05, 0.05), the Embedding's default."""
    return rng.uniform(-0.05, 0.05, size=shape)


def zeros(shape, rng):
    return np.zeros(shape)


def ones(shape, rng):
    return np.ones(shape)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "orthogonal": orthogonal,
    "uniform": uniform,
    "random_uniform": uniform,
    "zeros": zeros,
    "ones": ones,
}


def get(name, where):
    """The initializer called ``name`` (a callable ``(shape, rng)`` is returned as it is)."""
    if callable(name):
        return name
    if not isinstance(name, str) or name not in INITIALIZERS:
        raise ConfigError(f"{where}: unknown initializer {name!r}; known: {', '.join(sorted(INITIALIZERS))}")
    return INITIALIZERS[name]
