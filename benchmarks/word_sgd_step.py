"""How long does one SGD step of the WildML tutorial's word-level RNN take?

Denny Britz's tutorial ("Recurrent Neural Networks Tutorial, Part 2", WildML 2015) reports that
one SGD step on a sentence took about 350 ms in numpy for a vocabulary of 8,000 words and 100
hidden units.  This script times that step four ways on one random sentence of 45 words:

* BASELINE, naive (written here, for this benchmark only): every input word is a one-hot vector
  multiplied by U; the softmax is taken one time step at a time; every gradient contribution is
  its own ``np.outer`` (dV once per output, dW and dU once per output and step back, dU through
  the one-hot vector); the truncated loops are the tutorial's (for each output, back
  ``bptt_truncate`` steps).
* BASELINE, indexed: the same, except that U is read and its gradient written by word id
  (``U[:, x[t]]``), as the tutorial's own code does.
* ``RNNNumpy.sgd_step`` (rnnlib.word_rnn): the same step, same truncation, same numbers: all
  outputs in one matrix product, the errors of all outputs travelling back together.
* ``rnnlib.core.lm`` on a batch: 32 sentences of 45 words in one forward/backward (full BPTT, biases)
  and an SGD update, reported per sentence.  A different algorithm (mini-batch), shown for scale.

Each is timed as the median of several repeats after a warm-up, in float64 (the tutorial's) and
float32; ratios compare equal dtypes.  Before timing, the baseline's gradients are checked
against ``RNNNumpy.bptt`` so that both compute the same thing.  The target is >= 50x over the
naive baseline for the one-sentence step.

Run from the repository root (one BLAS thread is the fair default; the script prints the setting)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/word_sgd_step.py            # about a minute
    OPENBLAS_NUM_THREADS=1 python benchmarks/word_sgd_step.py --quick    # a few seconds
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from rnnlib import RNNNumpy  # noqa: E402
from rnnlib.core import lm  # noqa: E402

TARGET = 50.0


# ----------------------------------------------------------------------------------------------
# The baseline: deliberately naive, for comparison only.  Do not use it for anything else.


def baseline_forward(U, V, W, x, one_hot_input=True):
    """Tutorial-style forward pass, one step at a time; returns (o (T, D), s (T + 1, H))."""
    H, D = U.shape
    T = len(x)
    s = np.zeros((T + 1, H), U.dtype)
    o = np.zeros((T, D), U.dtype)
    for t in range(T):
        if one_hot_input:
            word = np.zeros(D, U.dtype)
            word[x[t]] = 1.0
            s[t] = np.tanh(U.dot(word) + W.dot(s[t - 1]))
        else:
            s[t] = np.tanh(U[:, x[t]] + W.dot(s[t - 1]))
        scores = V.dot(s[t])
        e = np.exp(scores - scores.max())
        o[t] = e / e.sum()
    return o, s


def baseline_bptt(U, V, W, x, y, bptt_truncate, one_hot_input=True):
    """Tutorial-style truncated BPTT with per-step outer products; returns (dU, dV, dW)."""
    H, D = U.shape
    T = len(y)
    o, s = baseline_forward(U, V, W, x, one_hot_input)
    dU, dV, dW = np.zeros_like(U), np.zeros_like(V), np.zeros_like(W)
    delta_o = o
    delta_o[np.arange(T), y] -= 1.0
    for t in reversed(range(T)):
        dV += np.outer(delta_o[t], s[t])
        delta = V.T.dot(delta_o[t]) * (1.0 - s[t] ** 2)
        for k in reversed(range(max(0, t - bptt_truncate), t + 1)):
            dW += np.outer(delta, s[k - 1])
            if one_hot_input:
                word = np.zeros(D, U.dtype)
                word[x[k]] = 1.0
                dU += np.outer(delta, word)
            else:
                dU[:, x[k]] += delta
            delta = W.T.dot(delta) * (1.0 - s[k - 1] ** 2)
    return dU, dV, dW


def baseline_sgd_step(U, V, W, x, y, learning_rate, bptt_truncate, one_hot_input=True):
    dU, dV, dW = baseline_bptt(U, V, W, x, y, bptt_truncate, one_hot_input)
    U -= learning_rate * dU
    V -= learning_rate * dV
    W -= learning_rate * dW


# ----------------------------------------------------------------------------------------------


def median_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def lm_batch_step(params, X, Y, learning_rate):
    loss, count, cache = lm.forward(params, X, Y)
    grads, _ = lm.backward(cache)
    for name, value in params.items():
        value -= learning_rate * grads["d" + name]


def check_same_gradients(vocab, hidden, length, truncate, seed=0):
    """Largest |baseline - RNNNumpy.bptt| over dU, dV, dW (float64) for both baseline variants."""
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, vocab, length), rng.integers(0, vocab, length)
    model = RNNNumpy(vocab, hidden, truncate, seed=seed)
    ours = model.bptt(x, y)
    worst = 0.0
    for one_hot in (True, False):
        theirs = baseline_bptt(model.U, model.V, model.W, x, y, truncate, one_hot)
        worst = max(worst, max(float(np.abs(a - b).max()) for a, b in zip(ours, theirs)))
    return worst


def measure(vocab=8000, hidden=100, length=45, truncate=4, batch=32, repeats=7, fast_repeats=30,
            dtypes=("float64", "float32"), learning_rate=0.005, seed=0):
    """Median milliseconds per step: {(name, dtype): ms}; the lm batch entry (left out when
    ``batch`` is 0) is per sentence."""
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, vocab, length), rng.integers(0, vocab, length)
    Xb, Yb = rng.integers(0, vocab, (length, max(batch, 1))), rng.integers(0, vocab, (length, max(batch, 1)))
    times = {}
    for dtype in dtypes:
        model = RNNNumpy(vocab, hidden, truncate, seed=seed, dtype=dtype)
        U, V, W = (getattr(model, k).copy() for k in "UVW")
        times["baseline, naive", dtype] = median_ms(
            lambda: baseline_sgd_step(U, V, W, x, y, learning_rate, truncate, True), repeats)
        times["baseline, indexed", dtype] = median_ms(
            lambda: baseline_sgd_step(U, V, W, x, y, learning_rate, truncate, False), repeats)
        times["RNNNumpy.sgd_step", dtype] = median_ms(lambda: model.sgd_step(x, y, learning_rate), fast_repeats)
        if batch:
            params = lm.init_parameters(vocab, hidden, seed=seed, dtype=np.dtype(dtype))
            times["lm, batch of %d (per sentence)" % batch, dtype] = median_ms(
                lambda: lm_batch_step(params, Xb, Yb, learning_rate), max(3, fast_repeats // 5)) / batch
    return times


def report(times, baseline="baseline, naive"):
    """Lines of text: the times, then each fast variant's speed-up over the baselines."""
    names = list(dict.fromkeys(name for name, _ in times))
    dtypes = list(dict.fromkeys(dtype for _, dtype in times))
    lines = ["median ms per step".ljust(36) + "".join(d.rjust(12) for d in dtypes)]
    for name in names:
        lines.append(name.ljust(36) + "".join(f"{times[name, d]:12.2f}" for d in dtypes))
    lines.append("")
    for base in [baseline] + [n for n in names if n.startswith("baseline") and n != baseline]:
        for name in names:
            if name.startswith("baseline"):
                continue
            for d in dtypes:
                ratio = times[base, d] / times[name, d]
                verdict = ("PASS" if ratio >= TARGET else "MISS") if base == baseline else "info"
                lines.append(f"{name} vs {base} ({d}): {ratio:6.1f}x  [{verdict}, target >= {TARGET:.0f}x]")
    if "float32" in dtypes and "float64" in dtypes:
        # The tutorial's own arrays are float64; rnnlib trains in float32 where that is safe.  Said
        # separately, as information, so the same-dtype verdicts above stay the headline.
        lines.append("")
        for base in [n for n in names if n.startswith("baseline")]:
            for name in [n for n in names if not n.startswith("baseline")]:
                ratio = times[base, "float64"] / times[name, "float32"]
                lines.append(f"{name} in float32 vs {base} in float64 (the tutorial's dtype): {ratio:6.1f}x  [info]")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke test, not a measurement)")
    parser.add_argument("--vocab", type=int, default=8000)
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--length", type=int, default=45, help="words in the sentence")
    parser.add_argument("--truncate", type=int, default=4, help="bptt_truncate")
    args = parser.parse_args(argv)
    print(f"numpy {np.__version__}, python {platform.python_version()}, {os.cpu_count()} cores, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print(f"one SGD step: vocabulary {args.vocab}, hidden {args.hidden}, sentence of {args.length} words, "
          f"bptt_truncate {args.truncate}")
    diff = check_same_gradients(min(args.vocab, 500), args.hidden, args.length, args.truncate)
    print(f"same gradients as RNNNumpy.bptt (float64, vocabulary {min(args.vocab, 500)}): max |difference| {diff:.1e}")
    if diff > 1e-9:
        raise SystemExit("the baseline and RNNNumpy disagree; the comparison would be meaningless")
    repeats, fast = (3, 10) if args.quick else (7, 30)
    times = measure(args.vocab, args.hidden, args.length, args.truncate, repeats=repeats, fast_repeats=fast)
    print()
    print("\n".join(report(times)))
    if args.quick:
        print("(--quick: few repeats; verdicts are not the real measurement)")


if __name__ == "__main__":
    main()
