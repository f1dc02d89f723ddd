"""A ctypes handle on the BLAS library numpy itself is linked with (OpenBLAS in numpy's wheels).

Only the pooled numba path (``kernels.use("numba", threads=k)``) uses it, for two things numpy
does not offer: setting that library's own thread count, and calling its single-precision matrix
product from inside compiled loops that split the work over numba's threads.  It is the same
loaded library numpy calls (opening a loaded shared object again returns the same one), so a
thread count set here is numpy's.

``load()`` returns None wherever that library cannot be found or lacks the functions (another
BLAS, another numpy build); the pooled path is then unavailable and says so.
"""
import ctypes
import glob
import os
from typing import NamedTuple, Optional

import numpy as np

# cblas enum values (row-major storage, no transpose / transpose)
ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112

# numpy >= 2 wheels ship scipy-openblas with prefixed, 64-bit-integer symbols; older wheels and
# distribution builds use the plain names with 32-bit integers.
_VARIANTS = (
    ("libscipy_openblas64_*", "scipy_cblas_sgemm64_", "scipy_openblas_set_num_threads64_",
     "scipy_openblas_get_num_threads64_", ctypes.c_int64),
    ("libscipy_openblas*", "scipy_cblas_sgemm", "scipy_openblas_set_num_threads",
     "scipy_openblas_get_num_threads", ctypes.c_int),
    ("libopenblas*", "cblas_sgemm", "openblas_set_num_threads", "openblas_get_num_threads", ctypes.c_int),
)


class Blas(NamedTuple):
    path: str
    sgemm: object  # the ctypes function: cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
    set_threads: object
    get_threads: object


_loaded = {}


def load() -> Optional[Blas]:
    """numpy's OpenBLAS as a ``Blas``, or None where it cannot be found (cached)."""
    if "blas" not in _loaded:
        _loaded["blas"] = _find()
    return _loaded["blas"]


def _find():
    folders = [os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs"),
               os.path.join(os.path.dirname(np.__file__), ".dylibs")]
    for pattern, gemm, set_name, get_name, integer in _VARIANTS:
        for folder in folders:
            for path in sorted(glob.glob(os.path.join(folder, pattern + ".so*"))):
                try:
                    library = ctypes.CDLL(path)
                    sgemm, set_threads, get_threads = (getattr(library, n) for n in (gemm, set_name, get_name))
                except (OSError, AttributeError):
                    continue
                sgemm.restype = None
                sgemm.argtypes = ([ctypes.c_int] * 3 + [integer] * 3
                                  + [ctypes.c_float, ctypes.c_void_p, integer, ctypes.c_void_p, integer,
                                     ctypes.c_float, ctypes.c_void_p, integer])
                set_threads.restype, set_threads.argtypes = None, [ctypes.c_int]
                get_threads.restype, get_threads.argtypes = ctypes.c_int, []
                return Blas(os.path.normpath(path), sgemm, set_threads, get_threads)
    return None
