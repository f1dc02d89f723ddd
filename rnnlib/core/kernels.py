"""Which implementation runs the cells' per-step elementwise math: numpy (the default) or numba.

The cells in ``rnnlib.core.cells`` are written in numpy, and that code is the reference: it is
what the notebooks show and what every test and gradient check is written against.  A training
step of a small LSTM spends much of its time not in the matrix products but in the dozen small
numpy calls per time step between them (each a pass over a (4 n_a, m) block, plus Python's call
overhead).  With numba installed (``pip install -e '.[fast]'``) those passes can instead run as
one compiled loop each; the matrix products and the transcendental functions (``np.tanh``, which
numpy already runs vectorised) stay numpy's, so the compiled path performs the same floating-point
operations in the same order and gives the same bits (``tests/core/test_kernels.py`` checks it).

It is off unless asked for, so nothing needs numba and nothing pays its compile time by default:

* ``RNNLIB_KERNELS=numba`` in the environment when rnnlib is imported, or
* ``rnnlib.core.kernels.use("numba")`` (and ``use("numpy")`` to go back) at run time.

Asking for numba where it is not installed raises ConfigError (``use``) or, for the environment
variable, warns once and stays on numpy.  Compiled functions are cached on disk (numba's
``cache=True``), so only the first run on a machine pays the compilation (a few seconds).
"""
import os
import warnings

from ..errors import ConfigError

ENV_VAR = "RNNLIB_KERNELS"
CHOICES = ("numpy", "numba")

_active = {"name": "numpy", "module": None}


def available(name="numba"):
    """Whether the implementation ``name`` can run here (numpy always can)."""
    if name == "numpy":
        return True
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def use(name):
    """Run the cells' elementwise math with ``name`` ('numpy' or 'numba') from now on.

    Returns the name that was active before, so a caller can restore it.
    """
    if name not in CHOICES:
        raise ConfigError(f"kernels.use: name must be one of {CHOICES}, got {name!r}")
    if name == "numba" and not available("numba"):
        raise ConfigError("kernels.use: numba is not installed; pip install -e '.[fast]' (or pip install numba)")
    before = _active["name"]
    if name == "numba":
        from . import _numba_kernels

        _active["module"] = _numba_kernels
    else:
        _active["module"] = None
    _active["name"] = name
    return before


def active():
    """The name of the implementation now in use: 'numpy' or 'numba'."""
    return _active["name"]


def compiled():
    """The compiled kernels module when numba is in use, else None (the cells then run numpy)."""
    return _active["module"]


_COMPILED_DTYPES = ("float32", "float64")


def compiled_for(*arrays):
    """``compiled()``, but None unless every array is float32, or every one float64: the kernels
    write into arrays of their inputs' dtype, which for mixed or other dtypes (float16, ints)
    would not be what numpy's promotion gives, so those always run the numpy code."""
    module = _active["module"]
    if module is None:
        return None
    dtype = arrays[0].dtype
    if dtype.name not in _COMPILED_DTYPES or any(a.dtype != dtype for a in arrays[1:]):
        return None
    return module


def _from_environment():
    wanted = os.environ.get(ENV_VAR, "").strip().lower()
    if not wanted or wanted == "numpy":
        return
    if wanted not in CHOICES:
        warnings.warn(f"{ENV_VAR}={wanted!r} is not one of {CHOICES}; using numpy", stacklevel=2)
    elif not available(wanted):
        warnings.warn(f"{ENV_VAR}=numba but numba is not installed; using numpy", stacklevel=2)
    else:
        use(wanted)


_from_environment()
