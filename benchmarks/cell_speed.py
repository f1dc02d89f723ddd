"""Cell speed: forward+backward characters per second of rnnlib's language model, per cell type.

For each cell (rnn, gru, lstm), hidden size (64, 128, 256), batch (32, 64) and dtype (float32,
float64) it times one ``rnnlib.core.lm.forward`` + ``rnnlib.core.lm.backward`` of a one-layer model over a
vocabulary of 65 (tinyshakespeare's size) on a (T=64, batch) block of *synthetic* uniformly random
ids (no padding, no real text: the speed does not depend on which ids they are).  It reports

* characters per second: ``T * batch / seconds`` (median of several timed calls after a warm-up);
* GFLOP/s of the model's matrix products (counted as described in ``matmul_flops``);
* that rate as a fraction of two ceilings measured on this machine in the same run:
  the **large** matmul peak (best ``np.matmul`` of two square 2048 x 2048 matrices) and the
  **small** matmul peak (the per-step recurrent products at this configuration's own shapes, run
  back to back with nothing else in between; see ``small_matmul_gflops``).

Run from the repository root (see benchmarks/README.md)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/cell_speed.py [--quick]
"""
import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from rnnlib.core import lm  # noqa: E402
from rnnlib.core.layers import CELLS  # noqa: E402

VOCAB = 65  # tinyshakespeare's character vocabulary
SEQ_LEN = 64
BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Settings:
    """What is measured and how long each measurement may take; ``--quick`` shrinks it."""

    cells: tuple = ("rnn", "gru", "lstm")
    hiddens: tuple = (64, 128, 256)
    batches: tuple = (32, 64)
    dtypes: tuple = ("float32", "float64")
    min_repeats: int = 5  # timed forward+backward calls per configuration, at least ...
    max_repeats: int = 30  # ... and at most
    budget_s: float = 2.0  # aim for about this much timed work per configuration
    peak_size: int = 2048  # side of the square matrices for the large peak
    peak_repeats: int = 3  # best of this many for every peak

    @classmethod
    def quick(cls):
        return cls(hiddens=(64,), min_repeats=3, max_repeats=10, budget_s=0.2, peak_size=1024, peak_repeats=2)


@dataclass
class Row:
    """One configuration's measurement."""

    cell: str
    hidden: int
    batch: int
    dtype: str
    seconds: float  # median forward+backward time
    gflop: float  # counted matrix-product work per forward+backward
    large_peak: float  # GFLOP/s
    small_peak: float  # GFLOP/s

    @property
    def chars_per_s(self):
        return SEQ_LEN * self.batch / self.seconds

    @property
    def gflops(self):
        return self.gflop / self.seconds


# ----------------------------------------------------------------------------- environment


def blas_threads():
    """The BLAS thread variables that are set, or a note that none is."""
    found = [f"{var}={os.environ[var]}" for var in BLAS_VARS if os.environ.get(var)]
    return ", ".join(found) if found else "not set (OpenBLAS then uses one thread per core)"


def blas_library():
    """The BLAS numpy was built against, e.g. 'scipy-openblas 0.3.31', or '?' if numpy does not say."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy without mode="dicts", or a different layout
        return "?"


def environment_lines(threads_wanted):
    """Versions, cores and the BLAS thread setting, plus a hint when --threads disagrees with it."""
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__} ({blas_library()}), "
        f"cores {os.cpu_count()}, machine {platform.machine()}",
        f"BLAS threads: {blas_threads()}",
    ]
    if threads_wanted is not None and os.environ.get("OPENBLAS_NUM_THREADS") != str(threads_wanted):
        lines.append(
            f"hint: --threads {threads_wanted} only takes effect through the environment, read when numpy "
            f"starts; rerun as OPENBLAS_NUM_THREADS={threads_wanted} OMP_NUM_THREADS={threads_wanted} "
            f"python benchmarks/cell_speed.py"
        )
    lines.append("hint: the products here are small; on a shared machine 1 BLAS thread gives steadier figures")
    return lines


# ----------------------------------------------------------------------------- FLOP counting


def product_flops(rows, inner, cols):
    """Multiply-adds of ``(rows x inner) @ (inner x cols)``, counted as 2 FLOPs each."""
    return 2 * rows * inner * cols


def matmul_flops(gates, n_a, m, T=SEQ_LEN, V=VOCAB):
    """FLOPs of the matrix products in one forward+backward of a one-layer lm, by part.

    Counted (G = gate blocks, so the recurrent weights are G*n_a x n_a; GRU splits its product into
    a 2*n_a-row and an n_a-row part, which adds up to the same count):

    * ``recurrent forward``: ``Wh @ a_prev`` every step, (G*n_a x n_a) @ (n_a x m), T times;
    * ``recurrent backward``: ``Wh.T @ dxw`` every step, (n_a x G*n_a) @ (G*n_a x m), T times;
    * ``recurrent dWh``: ``dXW @ inputs.T`` once over all steps, (G*n_a x T*m) @ (T*m x n_a);
    * ``output forward``: ``Wya @ H``, (V x n_a) @ (n_a x T*m);
    * ``output backward``: ``dZ @ H.T`` (dWya) and ``Wya.T @ dZ``, each V*n_a*T*m multiply-adds.

    Not counted: the input projection (a gather of Wax's columns, and its gradient a scatter-add,
    neither a matrix product), the softmax, the cells' elementwise gate math, and bias sums.
    The first step's product with the all-zero start state is counted because it is computed.
    """
    G = gates
    return {
        "recurrent forward": T * product_flops(G * n_a, n_a, m),
        "recurrent backward": T * product_flops(n_a, G * n_a, m),
        "recurrent dWh": product_flops(G * n_a, T * m, n_a),
        "output forward": product_flops(V, n_a, T * m),
        "output backward": 2 * product_flops(V, n_a, T * m),
    }


# ----------------------------------------------------------------------------- peaks


def best_seconds(fn, repeats):
    """The fastest of ``repeats`` timed calls of ``fn()``, after one untimed call."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def large_matmul_gflops(dtype, n, repeats, seed=0):
    """GFLOP/s of ``np.matmul`` on two n x n matrices of ``dtype``, best of ``repeats``."""
    rng = np.random.default_rng(seed)
    A, B = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    return product_flops(n, n, n) / best_seconds(lambda: A @ B, repeats) / 1e9


def small_matmul_gflops(gates, n_a, m, dtype, repeats, T=SEQ_LEN, seed=0):
    """GFLOP/s of the time loop's recurrent products alone, at this configuration's shapes.

    One timed call runs T steps of ``Wh @ a`` ((G*n_a x n_a) @ (n_a x m), the forward product) and
    ``Wh.T @ d`` ((n_a x G*n_a) @ (G*n_a x m), the backward product; ``Wh.T`` is a transposed view
    as in the cells), allocating each result as the model does.  Best of ``repeats``.  This is the
    ceiling for the per-step products of the loop when nothing else runs between them; the GRU,
    which issues two smaller products per step instead of one stacked one, gets less in practice.
    """
    rng = np.random.default_rng(seed)
    Wh = rng.standard_normal((gates * n_a, n_a)).astype(dtype)
    a = rng.standard_normal((n_a, m)).astype(dtype)
    d = rng.standard_normal((gates * n_a, m)).astype(dtype)

    def loop():
        for _ in range(T):
            Wh @ a
            Wh.T @ d

    flops = T * (product_flops(gates * n_a, n_a, m) + product_flops(n_a, gates * n_a, m))
    return flops / best_seconds(loop, repeats) / 1e9


# ----------------------------------------------------------------------------- model timing


def random_block(m, T=SEQ_LEN, V=VOCAB, seed=0):
    """Synthetic (T, m) input and target ids, uniform over the vocabulary, no padding."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, V, size=(T, m)), rng.integers(0, V, size=(T, m))


def forward_backward(parameters, X, Y):
    """One training step's model work: ``lm.forward`` then ``lm.backward`` (no optimizer)."""
    _, _, cache = lm.forward(parameters, X, Y)
    return lm.backward(cache)


def median_seconds(fn, settings):
    """Median time of ``fn()`` over a repeat count chosen from a warm-up call and the budget."""
    start = time.perf_counter()
    fn()  # warm-up, also sizes the repeat count
    first = time.perf_counter() - start
    repeats = int(min(settings.max_repeats, max(settings.min_repeats, settings.budget_s / max(first, 1e-9))))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(cell, n_a, m, dtype, settings, large_peaks):
    """Time one configuration and measure its small-matmul ceiling; returns a Row."""
    gates = CELLS[cell].gates
    parameters = lm.init_parameters(VOCAB, n_a, seed=0, dtype=dtype, cell=cell)
    X, Y = random_block(m)
    seconds = median_seconds(lambda: forward_backward(parameters, X, Y), settings)
    small = small_matmul_gflops(gates, n_a, m, dtype, settings.peak_repeats)
    gflop = sum(matmul_flops(gates, n_a, m).values()) / 1e9
    return Row(cell, n_a, m, dtype, seconds, gflop, large_peaks[dtype], small)


# ----------------------------------------------------------------------------- output


def markdown_table(rows):
    """The results as a markdown table, one line per configuration."""
    lines = [
        "| cell | hidden | batch | dtype | chars/s | GFLOP/s | % of peak (large) | % of small-matmul peak |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.cell} | {r.hidden} | {r.batch} | {r.dtype} | {r.chars_per_s:,.0f} | {r.gflops:.2f} "
            f"| {100 * r.gflops / r.large_peak:.1f}% | {100 * r.gflops / r.small_peak:.1f}% |"
        )
    return lines


def small_peak_table(rows):
    """The small-matmul ceilings that the last column divides by, one line per shape."""
    lines = [
        "| cell | hidden | batch | dtype | per-step product shape | small-matmul GFLOP/s |",
        "|---|---:|---:|---|---|---:|",
    ]
    for r in rows:
        G = CELLS[r.cell].gates
        shape = f"({G * r.hidden}x{r.hidden})@({r.hidden}x{r.batch})"
        lines.append(f"| {r.cell} | {r.hidden} | {r.batch} | {r.dtype} | {shape} | {r.small_peak:.2f} |")
    return lines


def flop_split_line(cell, n_a, m):
    """How one configuration's counted FLOPs divide between the parts, as one readable line."""
    parts = matmul_flops(CELLS[cell].gates, n_a, m)
    total = sum(parts.values())
    shares = ", ".join(f"{name} {100 * f / total:.0f}%" for name, f in parts.items())
    return f"{cell} hidden {n_a} batch {m}: {total / 1e6:.1f} MFLOP ({shares})"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="hidden 64 only, fewer repeats, smaller peak matrices")
    parser.add_argument("--threads", type=int, default=None,
                        help="the BLAS thread count you intend; prints how to set it if the environment differs")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    started = time.perf_counter()
    print("# rnnlib cell speed (one-layer lm.forward + lm.backward)")
    print("\n".join(environment_lines(args.threads)))
    print(f"vocabulary {VOCAB}, T = {SEQ_LEN}, synthetic uniform random ids, no padding"
          + (" [--quick]" if args.quick else ""))

    large_peaks = {dt: large_matmul_gflops(dt, settings.peak_size, settings.peak_repeats) for dt in settings.dtypes}
    n = settings.peak_size
    print("large matmul peak (%dx%d @ %dx%d, best of %d): %s" % (
        n, n, n, n, settings.peak_repeats, ", ".join(f"{dt} {g:.1f} GFLOP/s" for dt, g in large_peaks.items())))

    rows = []
    for cell in settings.cells:
        for n_a in settings.hiddens:
            for m in settings.batches:
                for dtype in settings.dtypes:
                    rows.append(measure(cell, n_a, m, dtype, settings, large_peaks))
                    print(f"  measured {cell} hidden {n_a} batch {m} {dtype}", file=sys.stderr, flush=True)

    print()
    print("\n".join(markdown_table(rows)))
    print()
    print("Small-matmul ceilings (the recurrent per-step products alone, forward and backward shapes):")
    print()
    print("\n".join(small_peak_table(rows)))
    print()
    print("Where the counted FLOPs are:")
    for cell in settings.cells:
        print("  " + flop_split_line(cell, settings.hiddens[-1], settings.batches[-1]))
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
