"""Keeping freed memory for reuse during training (glibc's malloc only).

A training step allocates and frees the same few dozen arrays every step, several of them
megabytes big (a 2 x 128 LSTM over 64 x 64 characters: about 30 MB).  glibc's malloc serves
blocks of 128 KiB and up with fresh ``mmap`` pages and hands freed memory at the top of the heap
back to the operating system, so every step page-faults its arrays in again, zero-filled by the
kernel: measured at ~7,300 page faults and about a tenth of the step's time.  ``keep_freed_memory``
raises the two thresholds so those blocks come from, and go back to, malloc's own heap.

It changes the whole process's allocator settings (not just rnnlib's arrays) and the memory is
kept until the process ends, so the peak footprint is unchanged but the process does not shrink
back after training.  The trainers call it; set ``RNNLIB_KEEP_MEMORY=0`` to leave malloc alone.
"""
import ctypes
import os
import platform

ENV_VAR = "RNNLIB_KEEP_MEMORY"
# mallopt's parameter numbers (glibc's malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's largest allowed value on 64-bit: bigger blocks still use mmap
TRIM_THRESHOLD = 512 * 2**20  # free memory kept at the top of the heap before any is returned

_done = {}


def keep_freed_memory():
    """Ask glibc's malloc to keep freed blocks up to ``MMAP_THRESHOLD`` for reuse (once per process).

    Returns True when the settings are in force, False where this is not Linux with glibc or
    ``RNNLIB_KEEP_MEMORY=0`` is set.
    """
    if "result" not in _done:
        _done["result"] = _apply()
    return _done["result"]


def _apply():
    if os.environ.get(ENV_VAR, "1").strip() == "0":
        return False
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # mallopt returns 1 on success, 0 when it rejects a value
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) & bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
