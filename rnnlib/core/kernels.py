"""Which implementation runs the cells' per-step elementwise math: numpy (the default) or numba.

The cells in ``rnnlib.core.cells`` are written in numpy, and that code is the reference: it is
what the notebooks show and what every test and gradient check is written against.  A training
step of a small LSTM spends much of its time not in the matrix products but in the dozen small
numpy calls per time step between them (each a pass over a (4 n_a, m) block, plus Python's call
overhead), and above all in ``np.tanh``, which was slow in float32 on the project's AVX2 machine (sessions 1-8, no
AVX-512).  With numba installed
(``pip install -e '.[fast]'``) the elementwise work of an LSTM step, and of a reset-after GRU
step (``gru_reset_after``, Keras's ``reset_after=True``), instead runs as one compiled loop forward
and one backward; the matrix products stay numpy's.  Whole sequences (the plain loop: no mask,
forward in time, no recurrent dropout) run on compiled sequence loops in the cells' modules that
read and write each step's slices inside the sequence's arrays.  The course's reset-before GRU and
the plain RNN have no compiled path.

* **Backward** (float32 and float64): the same floating-point operations in the same order as the
  numpy code, so the same bits.
* **Forward, float32**: one loop from the pre-activations to a<t>, with tanh (and the sigmoid, as
  (1 + tanh(z/2)) / 2, the numpy code's identity) computed by ``rational_tanh``'s formula, which the
  compiler vectorises: within 4e-7 (6 units in the last place) of the true tanh, where numpy's is
  within 1-2 units, so results agree with the numpy path to float32 rounding, not bit for bit.
  ``tests/core/test_kernels.py`` bounds the difference; ``tools/fit_tanh.py`` fitted the formula.
* **Forward, float64** runs the numpy code (the rational formula is a float32 approximation).

It is off unless asked for, so nothing needs numba and nothing pays its compile time by default:

* ``RNNLIB_KERNELS=numba`` in the environment when rnnlib is imported, or
* ``rnnlib.core.kernels.use("numba")`` (and ``use("numpy")`` to go back) at run time.

Asking for numba where it is not installed raises ConfigError (``use``) or, for the environment
variable, warns once and stays on numpy.  Compiled functions are cached on disk (numba's
``cache=True``), so only the first run on a machine pays the compilation (a few seconds).

**The pooled path** (``use("numba", threads=k)``, or ``RNNLIB_KERNEL_THREADS=k`` beside
``RNNLIB_KERNELS=numba``), k >= 2, float32.  numpy's OpenBLAS runs each matrix product on its own
threads and then leaves them spinning, waiting for the next product; the single-threaded work
between products (the elementwise kernels above) runs beside that spinning thread, and numba's own
threads cannot share the cores with it.  The pooled path therefore puts all the threads in one pool:
OpenBLAS is set to one thread, and ``rnnlib.core._numba_pool`` splits the LSTM's time loops (each
step: every thread forms the recurrent product of its share of the hidden units and runs their
elementwise step; a layer above the first also forms its step's input projection there) and the
language model's matrix products (``matmul``), column gather (``take_columns``) and its gradient
(``scatter_columns``) over k numba threads, each calling the one-threaded OpenBLAS.  The same
math; the products and sums are rounded differently from numpy's (BLAS blocks the sums by the
pieces), so results agree to float32 rounding.  Its loops are compiled once per process (they hold
OpenBLAS's address), a few seconds at the first call.
"""
import os
import warnings

import numpy as np

from ..errors import ConfigError, ShapeError
from .checks import check_elements

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


def use(name, threads=1):
    """Run the cells' elementwise math with ``name`` ('numpy' or 'numba') from now on.

    threads: numba only.  1 (the default) leaves numpy's BLAS threads as they are.  k >= 2 turns on
    the pooled path (``rnnlib.core._numba_pool``): numpy's OpenBLAS is set to one thread and the
    float32 LSTM time loops and the language model's matrix products (``matmul``) are split over
    k numba threads instead, so that one pool of threads, not two, shares the cores.  Leaving it
    (any later ``use``) gives OpenBLAS back the thread count it had.  It needs numba's OpenMP
    threading layer and numpy's own OpenBLAS, and raises ConfigError where either is missing.
    Only the LSTM has pooled time loops: the other cells' per-step products, and any numpy product
    outside ``matmul``, then run on one thread, so the pool is for float32 LSTM models.
    Returns the name that was active before, so a caller can restore it.
    """
    if name not in CHOICES:
        raise ConfigError(f"kernels.use: name must be one of {CHOICES}, got {name!r}")
    if name == "numba" and not available("numba"):
        raise ConfigError("kernels.use: numba is not installed; pip install -e '.[fast]' (or pip install numba)")
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ConfigError(f"kernels.use: threads must be a whole number >= 1, got {threads!r}")
    if threads > 1 and name != "numba":
        raise ConfigError(f"kernels.use: threads={threads} needs name='numba' (the numpy path uses numpy's own threads)")
    if threads > 1:
        _check_pool(int(threads))  # before anything changes, so a refusal leaves things as they were
    before = _active["name"]
    _leave_pool()
    if name == "numba":
        from . import _numba_kernels

        _active["module"] = _numba_kernels
        if threads > 1:
            _enter_pool(int(threads))
    else:
        _active["module"] = None
    _active["name"] = name
    return before


def pool_threads():
    """How many threads the pooled numba path splits over: 1 when it is off."""
    return _pool["threads"]


def pool_available():
    """Whether ``use("numba", threads=k)`` with k >= 2 can run here (a reason string if not, else '')."""
    if not available("numba"):
        return "numba is not installed"
    from . import _blas

    if _blas.load() is None:
        return "numpy's OpenBLAS library was not found (the pooled path calls it directly)"
    import numba

    try:
        numba.config.THREADING_LAYER = "omp"
        _probe()
    except Exception as error:  # numba raises ValueError for a missing threading layer
        return f"numba's OpenMP threading layer cannot start: {error}"
    return ""


_pool = {"threads": 1, "blas_threads": None, "module": None}


def _probe():
    import numba

    @numba.njit(parallel=True)
    def tiny(x):
        for i in numba.prange(x.shape[0]):
            x[i] += 1.0

    tiny(np.zeros(4))
    if numba.threading_layer() != "omp":
        raise ValueError(f"numba chose the {numba.threading_layer()!r} layer")


def _check_pool(threads):
    why = pool_available()
    if why:
        raise ConfigError(f"kernels.use: threads={threads} is not available here: {why}")
    import numba

    if threads > numba.config.NUMBA_NUM_THREADS:
        raise ConfigError(f"kernels.use: threads={threads} is more than numba's NUMBA_NUM_THREADS="
                          f"{numba.config.NUMBA_NUM_THREADS}")


def _enter_pool(threads):
    import numba

    from . import _blas, _numba_pool

    blas = _blas.load()
    _pool.update(blas_threads=blas.get_threads(), module=_numba_pool, threads=threads)
    blas.set_threads(1)
    numba.set_num_threads(threads)


def _leave_pool():
    if _pool["threads"] == 1:
        return
    from . import _blas

    _blas.load().set_threads(_pool["blas_threads"])
    _pool.update(threads=1, blas_threads=None, module=None)


def pooled():
    """The pooled kernels module while the pooled path is on, else None."""
    return _pool["module"]


def matmul(a, b):
    """``a @ b`` for two matrices, (M, K) @ (K, N) -> (M, N): numpy's product, except on the pooled
    path, where float32 products are split over its threads (rounded differently from numpy's
    multithreaded OpenBLAS: the pieces block the sums differently).  ShapeError unless both are
    2-D arrays with matching inner sizes."""
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray) or a.ndim != 2 or b.ndim != 2 \
            or a.shape[1] != b.shape[0]:
        raise ShapeError(f"kernels.matmul: needs (M, K) and (K, N) arrays, got {_shape_of(a)} and {_shape_of(b)}")
    module = _pool["module"]
    if module is None or a.dtype != np.float32 or b.dtype != np.float32 or 0 in (a.shape + b.shape):
        return a @ b
    return module.matmul(a, b, _pool["threads"])


def take_columns(W, ids):
    """``np.take(W, ids, axis=1)`` for a matrix W (R, V) and a 1-D int array ids (N,): (R, N), the
    columns of W that ids name.  On the pooled path, for float32 W and ids all in [0, V), the
    gather is split over its threads (the same values: it only copies).  As with ``np.take``, an id
    of -k names column V - k.  ShapeError unless W is a matrix and ids a 1-D array of integers in
    [-V, V)."""
    if not isinstance(W, np.ndarray) or not isinstance(ids, np.ndarray) or W.ndim != 2 or ids.ndim != 1 \
            or (ids.size and ids.dtype.kind not in "iu"):
        raise ShapeError(f"kernels.take_columns: needs an (R, V) array and a 1-D integer array, got "
                         f"{_shape_of(W)} and {_shape_of(ids)}" + (f" of dtype {ids.dtype}" if isinstance(ids, np.ndarray) else ""))
    if ids.size and (ids.min() < -W.shape[1] or ids.max() >= W.shape[1]):
        raise ShapeError(f"kernels.take_columns: ids must lie in [-{W.shape[1]}, {W.shape[1]}), the columns of W; "
                         f"got {ids.min()} .. {ids.max()}")
    if ids.size == 0:
        return np.empty((W.shape[0], 0), dtype=W.dtype)  # (np.take refuses an empty array of floats)
    module = _pool["module"]
    if module is None or W.dtype != np.float32 or ids.min() < 0:  # negative ids: np.take's counting from the end
        return np.take(W, ids, axis=1)
    return module.take_columns(W, ids, _pool["threads"])


ONE_HOT_MAX_COLUMNS = 512  # up to here a one-hot product is numpy's fastest way (measured: 10x np.add.at)


def scatter_columns(values, ids, n_columns, with_row_sums=False):
    """Sum the columns of ``values`` (n, k) into ``n_columns`` columns chosen by ``ids`` (k,):
    ``values @ one_hot(ids)`` with one_hot (k, n_columns), the gradient of ``take_columns``; ids of
    -1 are dropped.  Returns (n, n_columns), or with ``with_row_sums`` (that,
    values.sum(axis=1, keepdims=True)).

    numpy: for a character vocabulary the one-hot product is the fastest way (BLAS does the
    adding); for a word vocabulary the one-hot matrix would be huge, so the columns are sorted by
    id and summed with ``np.add.reduceat`` instead.  The pooled path, for float32 values, sums each
    id's columns in order on its threads (no one-hot matrix, no multiplications by zero); where no
    id is dropped it forms the row sums from the result (every column went into one of its columns),
    saving a pass over ``values``.  Its sums are rounded differently from numpy's.  ShapeError
    unless values is a matrix with one id per column and every id is a whole number in
    [-1, n_columns).
    """
    if not isinstance(values, np.ndarray) or not isinstance(ids, np.ndarray) or values.ndim != 2 or ids.ndim != 1 \
            or ids.shape[0] != values.shape[1] or (ids.size and ids.dtype.kind not in "iu"):
        raise ShapeError(f"kernels.scatter_columns: needs an (n, k) array and k integer ids, got {_shape_of(values)} "
                         f"and {_shape_of(ids)}" + (f" of dtype {ids.dtype}" if isinstance(ids, np.ndarray) else ""))
    if isinstance(n_columns, bool) or not isinstance(n_columns, (int, np.integer)) or n_columns < 0:
        raise ShapeError(f"kernels.scatter_columns: n_columns must be a whole number >= 0, got {n_columns!r}")
    check_elements(values.shape[0] * int(n_columns), f"a ({values.shape[0]}, {n_columns}) gradient",
                   "kernels.scatter_columns", error=ShapeError)
    if ids.size and (ids.min() < -1 or ids.max() >= n_columns):
        raise ShapeError(f"kernels.scatter_columns: ids must lie in [-1, {n_columns}) (-1: dropped); "
                         f"got {ids.min()} .. {ids.max()}")
    if ids.size == 0:
        ids = ids.astype(np.int64)  # an empty array of any dtype names no column (numpy indexes only with ints)
    module = _pool["module"]
    if module is not None and values.dtype == np.float32 and n_columns:
        out = module.scatter_columns(values, ids, int(n_columns), _pool["threads"])
        if not with_row_sums:
            return out
        dropped = ids.size and ids.min() < 0
        return out, (values.sum(axis=1, keepdims=True) if dropped else out.sum(axis=1, keepdims=True))
    out = _scatter_columns_numpy(values, ids, int(n_columns))
    return (out, values.sum(axis=1, keepdims=True)) if with_row_sums else out


def _scatter_columns_numpy(values, ids, n_columns):
    keep = np.flatnonzero(ids >= 0)
    if n_columns <= ONE_HOT_MAX_COLUMNS:
        one_hot = np.zeros((len(ids), n_columns), dtype=values.dtype)
        one_hot[keep, ids[keep]] = 1
        return matmul(values, one_hot)
    order = keep[np.argsort(ids[keep], kind="stable")]
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    out = np.zeros((values.shape[0], n_columns), dtype=values.dtype)
    if len(order):
        out[:, sorted_ids[starts]] = np.add.reduceat(values[:, order], starts, axis=1)
    return out


def _shape_of(x):
    return f"shape {x.shape}" if isinstance(x, np.ndarray) else type(x).__name__


def active():
    """The name of the implementation now in use: 'numpy' or 'numba'."""
    return _active["name"]


def compiled():
    """The compiled kernels module when numba is in use, else None (the cells then run numpy)."""
    return _active["module"]


_COMPILED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
FLOAT32_ONLY = (np.dtype(np.float32),)


def compiled_for(*arrays, dtypes=_COMPILED_DTYPES):
    """``compiled()``, but None unless every array has the same dtype and it is one of ``dtypes``
    (float32 or float64 by default; a kernel written for float32 only passes ``FLOAT32_ONLY``): the
    kernels write into arrays of their inputs' dtype, which for mixed or other dtypes (float16,
    ints) would not be what numpy's promotion gives, so those always run the numpy code.
    Called twice per time step, so it compares dtype objects (no name look-ups)."""
    module = _active["module"]
    if module is None:
        return None
    dtype = arrays[0].dtype
    if dtype not in dtypes:
        return None
    for a in arrays:
        if a.dtype != dtype:
            return None
    return module


class CachesWithInputs(list):
    """What the compiled sequence loops return as a layer's per-step caches: the list of step
    caches (indexed by t), which also carries ``inputs``, the array every row block of the
    recurrent product read at every step, (k, T, m) with k the rows of that input (n_a, or n_a + 1
    where a row of ones carries the recurrent bias), laid out so that it flattens to (k, T*m)
    without a copy.  ``layers`` then forms dWh in one matrix product on it instead of first
    stacking the steps' inputs into a new array: the same product on the same numbers."""

    def __init__(self, steps, inputs):
        super().__init__(steps)
        self.inputs = inputs


# The compiled float32 tanh: x * P(s) / Q(s) with s = x*x on |x| <= TANH_CLAMP, +-1 beyond (where
# float32's tanh is +-1 anyway), the result kept inside [-1, 1].  Coefficients of s**0, s**1, ...,
# as printed by ``python tools/fit_tanh.py`` (a minimax fit of the relative error; --check verifies).
TANH_CLAMP = 9.0
TANH_NUMERATOR = (0.9999999934717373, 0.13084070310249604, 0.0031040231694967144, 1.115500090860197e-05,
                  -2.0227992418325884e-08, 5.279258542481259e-11, -8.492022259524117e-14)
TANH_DENOMINATOR = (1.0, 0.46417397440995606, 0.02449544584023601, 0.00025462422597668843)


def rational_tanh(x):
    """The compiled kernels' float32 tanh, evaluated with numpy (for tests and for reading):
    float32 in, float32 out, every operation rounded to float32 as in the kernel (which may also
    fuse multiply-adds, so its last bit can differ from this)."""
    x = np.clip(np.asarray(x, dtype=np.float32), -TANH_CLAMP, TANH_CLAMP)
    s = x * x
    numerator, denominator = np.float32(TANH_NUMERATOR[-1]), np.float32(TANH_DENOMINATOR[-1])
    for c in TANH_NUMERATOR[-2::-1]:  # Horner's rule, highest power first
        numerator = numerator * s + np.float32(c)
    for c in TANH_DENOMINATOR[-2::-1]:
        denominator = denominator * s + np.float32(c)
    return np.clip(x * numerator / denominator, np.float32(-1), np.float32(1))


THREADS_VAR = "RNNLIB_KERNEL_THREADS"


def _from_environment():
    wanted = os.environ.get(ENV_VAR, "").strip().lower()
    threads_text = os.environ.get(THREADS_VAR, "").strip()
    if not wanted or wanted == "numpy":
        if threads_text:
            warnings.warn(f"{THREADS_VAR} is set but {ENV_VAR} is not numba; ignored", stacklevel=2)
        return
    if wanted not in CHOICES:
        warnings.warn(f"{ENV_VAR}={wanted!r} is not one of {CHOICES}; using numpy", stacklevel=2)
        return
    if not available(wanted):
        warnings.warn(f"{ENV_VAR}=numba but numba is not installed; using numpy", stacklevel=2)
        return
    threads = 1
    if threads_text:
        try:
            threads = int(threads_text)
        except ValueError:
            threads = 0
        if threads < 1:
            warnings.warn(f"{THREADS_VAR}={threads_text!r} is not a whole number >= 1; using 1", stacklevel=2)
            threads = 1
    try:
        use(wanted, threads=threads)
    except ConfigError as error:
        warnings.warn(f"{THREADS_VAR}={threads}: {error}; using numba on one thread", stacklevel=2)
        use(wanted)


_from_environment()
