"""The timing scaffolding the benchmark scripts share: thread settings, alternating timed runs,
medians, the machine's load and matmul peak, benchmark sides run in child processes
(``ChildWorker``), and peak memory of a job run in a child process.

Import it *before* numpy (``from timing import ...`` at the top of a script run from the
repository root): ``set_blas_threads`` must run before numpy loads OpenBLAS, which reads its
thread count once, at import.
"""
import os
import statistics
import sys
import time

BLAS_VAR = "OPENBLAS_NUM_THREADS"
DEFAULT_THREADS = 2
DEFAULT_REPEATS = 7  # alternating timed runs per side: the protocol compares their medians


def threads_from_argv(argv, default=DEFAULT_THREADS, flags=("--threads",)):
    """The value of the first of ``flags`` given (e.g. --threads 2), read before argparse runs
    (BLAS takes its thread count at import); ``default`` when none is."""
    for i, arg in enumerate(argv):
        for flag in flags:
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
            if arg == flag and i + 1 < len(argv):
                return argv[i + 1]
    return str(default)


def set_blas_threads(argv=None, flags=("--threads",)):
    """Give numpy's BLAS the --threads count unless the caller set OPENBLAS_NUM_THREADS.

    Returns what the caller had set (None when unset), for ``blas_threads_line``.  Must run before
    numpy is imported anywhere in the process.
    """
    given = os.environ.get(BLAS_VAR)
    if given is None:
        os.environ[BLAS_VAR] = threads_from_argv(sys.argv[1:] if argv is None else argv, flags=flags)
    return given


def blas_threads_line(given):
    """How numpy's BLAS thread count was chosen, for the environment lines."""
    now = os.environ.get(BLAS_VAR)
    if given is None:
        return f"{BLAS_VAR}={now} (unset by the caller; set by this script to match --threads)"
    return f"{BLAS_VAR}={given} (set by the caller)"


CORE_VAR = "OPENBLAS_CORETYPE"
_CORE_NAME_SYMBOLS = ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename")


def blas_kernels_line():
    """Which of OpenBLAS's kernel sets numpy's matrix products run, and why, for the environment
    lines.  OpenBLAS picks the set for the CPU at import unless OPENBLAS_CORETYPE forces one: a
    machine that sets it (e.g. to Haswell, AVX2, for bit-stable notebook outputs) slows numpy's
    products where the CPU has AVX-512, while PyTorch's MKL and oneDNN still choose their own."""
    import ctypes

    from rnnlib.core import _blas

    blas, name = _blas.load(), "unknown"
    if blas is not None:
        library = ctypes.CDLL(blas.path)
        for symbol in _CORE_NAME_SYMBOLS:
            function = getattr(library, symbol, None)
            if function is not None:
                function.restype = ctypes.c_char_p
                name = (function() or b"unknown").decode(errors="replace")
                break
    forced = os.environ.get(CORE_VAR)
    why = (f"forced by {CORE_VAR}={forced} in the environment" if forced
           else f"OpenBLAS's own choice for this CPU: {CORE_VAR} is unset")
    return f"numpy's OpenBLAS kernels: {name} ({why})"


def load_average():
    """The 1, 5 and 15 minute load averages as text ('?' where the OS has none)."""
    if not hasattr(os, "getloadavg"):
        return "?"
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def alternate(jobs, repeats=DEFAULT_REPEATS, warmup=None):
    """Time each job ``repeats`` times, interleaved A B A B ..., after one warm-up call each.

    jobs: name -> callable returning the seconds it measured itself (so set-up it does before its
    clock is not counted); warmup: name -> callable run once first (default: the job itself).
    Interleaving means background load on a shared machine hits every side alike.
    Returns name -> list of seconds, in run order.
    """
    for name, job in jobs.items():
        (warmup or {}).get(name, job)()
    times = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, job in jobs.items():
            times[name].append(job())
    return times


def median(values):
    return statistics.median(values)


def spread(values):
    """(min, max) of ``values``: how far the runs moved around their median."""
    return min(values), max(values)


def ratio_of_medians(ours_seconds, theirs_seconds):
    """Our speed over theirs from the medians of run times (> 1: ours is faster)."""
    return statistics.median(theirs_seconds) / statistics.median(ours_seconds)


def matmul_peak_gflops(shape=(512, 512, 4096), dtype="float32", repeats=7):
    """The best float GFLOP/s numpy's BLAS reaches on one (M x K) @ (K x N) product, on this machine
    with the current thread count: the yardstick for "fraction of the machine's matmul peak"."""
    import numpy as np

    M, K, N = shape
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((M, K)).astype(dtype), rng.standard_normal((K, N)).astype(dtype)
    A @ B
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        A @ B
        best = min(best, time.perf_counter() - start)
    return 2.0 * M * K * N / best / 1e9


def peak_rss_in_child(target, *args):
    """Run ``target(*args)`` in a fresh child process; (post-import RSS MiB, peak RSS above it MiB).

    ``target`` must be a module-level function that imports what it needs and then calls
    ``mark_baseline()`` before the work to measure (so the libraries' own import is excluded).
    Linux only (reads /proc/self/status); returns (nan, nan) elsewhere.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # a clean interpreter: nothing inherited from this one
    queue = ctx.Queue()
    child = ctx.Process(target=_measure_child, args=(queue, target, args))
    child.start()
    result = queue.get()
    child.join()
    return result


class ChildWorker:
    """A benchmark side that lives in its own child process, timed on request.

    ``setup(*args)`` (a module-level function) runs once in a fresh interpreter (spawn) and returns
    the job: a callable taking ``steps`` and returning the seconds it measured.  Calling the worker
    runs that job in the child and returns its seconds, so ``alternate`` can interleave workers
    like local jobs.  Each side thus keeps its own process-wide state -- imported libraries, BLAS
    threads, and the malloc settings rnnlib's trainers change (``rnnlib.core.memory``), which would
    otherwise speed up the other library in the same process too.  Use it as a context manager (or
    call ``close``) so the child ends.
    """

    def __init__(self, setup, *args):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child_end = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child_end, setup, args), daemon=True)
        self._process.start()
        child_end.close()
        try:
            self._answer()  # the set-up's "ready" (or its error)
        except RuntimeError:
            self.close()
            raise

    def __call__(self, *args):
        self._conn.send(args)
        return self._answer()

    def _answer(self):
        ok, value = self._conn.recv()
        if not ok:
            raise RuntimeError(f"benchmark child process failed:\n{value}")
        return value

    def close(self):
        try:
            self._conn.send(None)  # "stop"
        except OSError:  # the child has already gone (its set-up failed)
            pass
        self._process.join(timeout=30)
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _serve(conn, setup, args):
    import traceback

    try:
        job = setup(*args)
    except Exception:
        conn.send((False, traceback.format_exc()))
        conn.close()
        return
    conn.send((True, "ready"))
    while (request := conn.recv()) is not None:
        try:
            conn.send((True, job(*request)))
        except Exception:  # reported to the caller; the worker stays usable
            conn.send((False, traceback.format_exc()))
    conn.close()


_BASELINE = {}


def mark_baseline():
    """In a ``peak_rss_in_child`` target: forget the peak so far (the imports) and note the RSS now."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM, the peak RSS, to the current RSS
    except OSError:
        pass
    _BASELINE["rss"] = _status_kib("VmRSS")


def _status_kib(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _measure_child(queue, target, args):
    _BASELINE.clear()
    target(*args)
    base, peak = _BASELINE.get("rss"), _status_kib("VmHWM")
    if base is None or peak is None:
        queue.put((float("nan"), float("nan")))
    else:
        queue.put((base / 1024, (peak - base) / 1024))
