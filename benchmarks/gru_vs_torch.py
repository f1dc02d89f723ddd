"""Tiny Shakespeare, the GRU: rnnlib's reset-after GRU against PyTorch's nn.GRU on identical weights.

The LSTM benchmark's stream job (``shakespeare_lstm_vs_torch.py``) with a 2 x 128 GRU: 64
contiguous streams of the training text read 64 characters at a time, the state carried from
chunk to chunk with gradients stopped at chunk boundaries, Adam lr 0.002, gradients clipped to
global norm 5, float32.

* **rnnlib**: the core's ``gru_reset_after`` cell (``rnnlib.core.layers.CELLS``), the form PyTorch's
  ``nn.GRU`` and Keras's ``reset_after=True`` compute, driven by the core's time loops
  (``layer_forward`` / ``layer_backward``), with ``lm.input_projection`` for the first layer's
  one-hot input, ``lm.scatter_columns`` for its gradient, the core's softmax, ``clip_by_global_norm``
  and ``Adam``.  ``lm.forward`` itself does not take this cell (its parameter dicts describe
  their cell by their shapes, and this one's ``Wh`` carries a bias column), so the few lines that
  stack the layers and the softmax are here, in ``RnnlibGRU``.
* **PyTorch**: one-hot input -> ``nn.GRU(65, 128, num_layers=2)`` -> ``nn.Linear(128, 65)``, holding
  a copy of rnnlib's initial weights (``to_torch``: gate blocks reordered, the update gate
  negated), fed the same chunks, ``torch.optim.Adam`` and ``clip_grad_norm_``.

Before timing it checks that the two are the same model: the hidden outputs and the loss on the
first chunk at the same weights, then the losses over the first few training steps.  Then
(1) training characters per second, each side in its own child process, alternating runs, and
(2) the peak memory of training, each library in its own child process.

Run from the repository root (see benchmarks/README.md)::

    RNNLIB_DATA_MIRROR=/path/to/corpora python benchmarks/gru_vs_torch.py [--quick] [--threads 1]
"""
import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared benchmarks/timing.py
import timing  # noqa: E402  (before numpy: it sets numpy's BLAS thread count)

BLAS_ENV_GIVEN = timing.set_blas_threads() if __name__ == "__main__" else os.environ.get(timing.BLAS_VAR)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import shakespeare_lstm_vs_torch as lstm_bench  # noqa: E402  (its data, streams and torch helpers)
from rnnlib.core import kernels, lm  # noqa: E402
from rnnlib.core.functional import softmax  # noqa: E402
from rnnlib.core.layers import CELLS, layer_backward, layer_forward  # noqa: E402
from rnnlib.core.memory import keep_freed_memory  # noqa: E402
from rnnlib.core.optim import Adam, clip_by_global_norm  # noqa: E402

lstm_bench.BLAS_ENV_GIVEN = BLAS_ENV_GIVEN  # so its environment lines say who set the BLAS threads

HIDDEN, LAYERS, BATCH, SEQ_LENGTH = lstm_bench.HIDDEN, lstm_bench.LAYERS, lstm_bench.BATCH, lstm_bench.SEQ_LENGTH
LEARNING_RATE, CLIP_NORM = lstm_bench.LEARNING_RATE, lstm_bench.CLIP_NORM
ADAM_BETA2, ADAM_EPS = lstm_bench.ADAM_BETA2, lstm_bench.ADAM_EPS
TARGET_RATIO = 1.2  # rnnlib training chars/s over nn.GRU's, float32, medians (issue 12)
TWIN_TOLERANCE = 1e-5  # float32: |difference| of hidden outputs and losses at the same weights
TRAJECTORY_STEPS = 5
CELL = CELLS["gru_reset_after"]


def initial_parameters(vocab_size, seed=0):
    """Layer k: Wx{k} (3n, in), Wh{k} (3n, n + 1) (last column: the recurrent bias), b{k} (3n, 1);
    Wya (V, n), by (V, 1).  Uniform in +-1/sqrt(n) like PyTorch's own initialisation, float32."""
    rng = np.random.default_rng(seed)
    bound = 1.0 / math.sqrt(HIDDEN)
    params = {}
    for k in range(1, LAYERS + 1):
        fan_in = vocab_size if k == 1 else HIDDEN
        params[f"Wx{k}"] = rng.uniform(-bound, bound, (3 * HIDDEN, fan_in))
        params[f"Wh{k}"] = rng.uniform(-bound, bound, CELL.recurrent_shape(HIDDEN))
        params[f"b{k}"] = rng.uniform(-bound, bound, (3 * HIDDEN, 1))
    params["Wya"] = rng.uniform(-bound, bound, (vocab_size, HIDDEN))
    params["by"] = np.zeros((vocab_size, 1))
    return {name: p.astype(np.float32) for name, p in params.items()}


class RnnlibGRU:
    """The stacked reset-after GRU language model on the core's cell, time loops and optimizer."""

    def __init__(self, params):
        self.params = {name: p.copy() for name, p in params.items()}
        self.vocab_size = params["Wya"].shape[0]

    def forward(self, X, Y, state):
        """X, Y (T, m) ids; state: one (a,) tuple per layer or None.  Returns (mean loss, cache)."""
        p, (T, m) = self.params, X.shape
        state = state or [(np.zeros((HIDDEN, m), np.float32),) for _ in range(LAYERS)]
        inputs, layers = None, []
        for k in range(1, LAYERS + 1):
            if k == 1:
                xw = lm.input_projection(p["Wx1"], p["b1"], X)
            else:
                xw = (p[f"Wx{k}"] @ inputs.reshape(HIDDEN, T * m) + p[f"b{k}"]).reshape(-1, T, m)
            H, final, steps = layer_forward(CELL, xw, state[k - 1], p[f"Wh{k}"])
            layers.append((inputs, steps, final))
            inputs = H
        top = inputs.reshape(HIDDEN, T * m)
        P = softmax(p["Wya"] @ top + p["by"])
        y = Y.reshape(-1)
        loss = float(-np.log(P[y, np.arange(T * m)]).mean())
        return loss, (X, y, P, top, layers)

    def backward(self, cache):
        """Gradients of the mean loss, named "d" + parameter."""
        X, y, P, top, layers = cache
        p, n = self.params, y.size
        dZ = P.copy()
        dZ[y, np.arange(n)] -= 1.0
        dZ /= n
        grads = {"dWya": dZ @ top.T, "dby": dZ.sum(axis=1, keepdims=True)}
        dH = (p["Wya"].T @ dZ).reshape(HIDDEN, *X.shape)
        for k in range(LAYERS, 0, -1):
            inputs, steps, _ = layers[k - 1]
            dXW, grads[f"dWh{k}"], _ = layer_backward(CELL, dH, None, steps, p[f"Wh{k}"])
            flat = dXW.reshape(3 * HIDDEN, n)
            grads[f"db{k}"] = flat.sum(axis=1, keepdims=True)
            if k > 1:
                grads[f"dWx{k}"] = flat @ inputs.reshape(HIDDEN, n).T
                dH = (p[f"Wx{k}"].T @ flat).reshape(inputs.shape)
            else:
                grads["dWx1"] = lm.scatter_columns(flat, X.reshape(-1), self.vocab_size)
        return grads

    @staticmethod
    def final_state(cache):
        return [tuple(s.copy() for s in final) for _, _, final in cache[4]]


class RnnlibStreamTrainer:
    """``train_stream``'s recipe for ``RnnlibGRU``: the streams, chunks, carried state, clip and Adam."""

    def __init__(self, data, params):
        keep_freed_memory()  # as rnnlib's own trainers do (rnnlib.core.memory)
        self.model = RnnlibGRU(params)
        self.optimizer = Adam(LEARNING_RATE)
        self.streams = lstm_bench.as_streams(data.train_ids, BATCH)
        self.position, self.state = 0, None

    def step(self):
        start = self.position
        if start + SEQ_LENGTH + 1 > len(self.streams):
            start, self.state = 0, None
        self.position = start + SEQ_LENGTH
        X, Y = self.streams[start: start + SEQ_LENGTH], self.streams[start + 1: start + SEQ_LENGTH + 1]
        loss, cache = self.model.forward(X, Y, self.state)
        self.state = RnnlibGRU.final_state(cache)
        grads = self.model.backward(cache)
        clip_by_global_norm(grads, CLIP_NORM)
        self.optimizer.step(self.model.params, grads)
        return loss


# ----------------------------------------------------------------------------- PyTorch side


def to_torch(array, n_a):
    """rnnlib's (update, reset, candidate) gate blocks as PyTorch's (reset, update z, new), z = -update.

    rnnlib's update gate Γu weights the candidate; PyTorch's z weights the old state, z = 1 - Γu =
    sigmoid(-(.)), so z's rows are the update rows negated."""
    return np.concatenate([array[n_a: 2 * n_a], -array[:n_a], array[2 * n_a:]], axis=0)


def make_torch_model(torch, params):
    """``nn.GRU`` + ``nn.Linear`` holding a copy of ``params`` (the same function as ``RnnlibGRU``)."""
    nn = torch.nn
    vocab_size = params["Wya"].shape[0]

    class TorchCharGRU(nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(vocab_size, HIDDEN, num_layers=LAYERS)
            self.out = nn.Linear(HIDDEN, vocab_size)
            with torch.no_grad():
                for k in range(1, LAYERS + 1):
                    Wh = params[f"Wh{k}"]
                    for name, value in (("weight_ih", params[f"Wx{k}"]), ("weight_hh", Wh[:, :HIDDEN]),
                                        ("bias_ih", params[f"b{k}"][:, 0]), ("bias_hh", Wh[:, HIDDEN])):
                        getattr(self.gru, f"{name}_l{k - 1}").copy_(torch.from_numpy(to_torch(value, HIDDEN)))
                self.out.weight.copy_(torch.from_numpy(params["Wya"]))
                self.out.bias.copy_(torch.from_numpy(params["by"][:, 0]))

        def forward_hidden(self, X, state=None):
            x = nn.functional.one_hot(X, vocab_size).to(torch.float32)
            return self.gru(x, state)

        def loss(self, X, Y, state=None):
            hidden, state = self.forward_hidden(X, state)
            logits = self.out(hidden)
            return nn.functional.cross_entropy(logits.reshape(-1, vocab_size), Y.reshape(-1)), state

    return TorchCharGRU()


class TorchStreamTrainer:
    def __init__(self, torch, data, params):
        self.torch = torch
        self.model = make_torch_model(torch, params)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE)
        self.streams = torch.from_numpy(lstm_bench.as_streams(data.train_ids, BATCH))
        self.position, self.state, self.steps = 0, None, 0

    def step(self):
        start = self.position
        if start + SEQ_LENGTH + 1 > len(self.streams):
            start, self.state = 0, None
        self.position = start + SEQ_LENGTH
        X, Y = self.streams[start: start + SEQ_LENGTH], self.streams[start + 1: start + SEQ_LENGTH + 1]
        loss, state = self.model.loss(X, Y, self.state)
        self.state = state.detach()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.torch.nn.utils.clip_grad_norm_(self.model.parameters(), CLIP_NORM)
        self.steps += 1
        for group in self.optimizer.param_groups:  # rnnlib's Adam puts eps before the bias correction
            group["eps"] = ADAM_EPS / math.sqrt(1.0 - ADAM_BETA2**self.steps)
        self.optimizer.step()
        return loss.item()


# ----------------------------------------------------------------------------- checks and timing


def check_twin(torch, data):
    """Hidden outputs and loss on chunk 1 at the same weights, then the first training steps' losses."""
    params = initial_parameters(len(data.vocab))
    ours, theirs = RnnlibGRU(params), make_torch_model(torch, params)
    streams = lstm_bench.as_streams(data.train_ids, BATCH)
    X, Y = streams[:SEQ_LENGTH], streams[1: SEQ_LENGTH + 1]
    loss, cache = ours.forward(X, Y, None)
    top = cache[3].reshape(HIDDEN, SEQ_LENGTH, BATCH)
    with torch.no_grad():
        hidden, _ = theirs.forward_hidden(torch.from_numpy(X))
        their_loss, _ = theirs.loss(torch.from_numpy(X), torch.from_numpy(Y))
    hidden_diff = float(np.abs(top.transpose(1, 2, 0) - hidden.numpy()).max())
    assert hidden_diff <= TWIN_TOLERANCE, f"the forward outputs differ by {hidden_diff:.2e}: not the same model"
    ours_t, theirs_t = RnnlibStreamTrainer(data, params), TorchStreamTrainer(torch, data, params)
    trajectory = max(abs(ours_t.step() - theirs_t.step()) for _ in range(TRAJECTORY_STEPS))
    return {"loss": loss, "hidden": hidden_diff, "loss_diff": abs(loss - their_loss.item()), "trajectory": trajectory}


def _rnnlib_side(warmup, kernels_name):
    kernels.use(kernels_name)
    data = lstm_bench.load_data()
    params = initial_parameters(len(data.vocab))

    def run(steps):
        trainer = RnnlibStreamTrainer(data, params)
        start = time.perf_counter()
        for _ in range(steps):
            trainer.step()
        return time.perf_counter() - start

    run(warmup)
    return run


def _torch_side(warmup, threads):
    torch = lstm_bench.import_torch(True, threads)
    data = lstm_bench.load_data()
    params = initial_parameters(len(data.vocab))

    def run(steps):
        trainer = TorchStreamTrainer(torch, data, params)
        start = time.perf_counter()
        for _ in range(steps):
            trainer.step()
        return time.perf_counter() - start

    run(warmup)
    return run


def _rnnlib_memory_job(steps):
    data = lstm_bench.load_data()
    params = initial_parameters(len(data.vocab))
    timing.mark_baseline()
    trainer = RnnlibStreamTrainer(data, params)
    for _ in range(steps):
        trainer.step()


def _torch_memory_job(steps, threads):
    torch = lstm_bench.import_torch(True, threads)
    data = lstm_bench.load_data()
    params = initial_parameters(len(data.vocab))
    timing.mark_baseline()
    trainer = TorchStreamTrainer(torch, data, params)
    for _ in range(steps):
        trainer.step()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test: 10 timed steps, 3 repeats")
    parser.add_argument("--threads", type=int, default=timing.DEFAULT_THREADS,
                        help=f"torch.set_num_threads, and numpy's {timing.BLAS_VAR} unless already set (default 2)")
    parser.add_argument("--speed-steps", type=int, default=None, help="steps per timed run (default 50)")
    parser.add_argument("--repeats", type=int, default=None,
                        help=f"alternating timed runs per side (default {timing.DEFAULT_REPEATS})")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    steps = args.speed_steps or (10 if args.quick else 50)
    repeats = args.repeats or (3 if args.quick else timing.DEFAULT_REPEATS)
    warmup = 3 if args.quick else 10
    torch = lstm_bench.import_torch(True, args.threads)
    if torch is None:
        print("PyTorch is not installed (pip install -e '.[bench]'): nothing to compare against")
        return 1
    data = lstm_bench.load_data()
    say = print
    say("Tiny Shakespeare: rnnlib's reset-after GRU vs PyTorch nn.GRU, identical weights" + (" (--quick)" if args.quick else ""))
    for line in lstm_bench.environment_lines(torch, args.threads):
        say("  " + line)
    say(f"  model: GRU {LAYERS} x {HIDDEN} (reset after the recurrent product, recurrent bias); batch {BATCH} "
        f"streams x {SEQ_LENGTH}-character chunks; Adam {LEARNING_RATE}, clip global norm {CLIP_NORM:g}; float32")
    c = check_twin(torch, data)
    say(f"  model check, same weights, chunk 1: max |hidden output difference| = {c['hidden']:.2e} "
        f"[within {TWIN_TOLERANCE:g}: yes], |loss difference| = {c['loss_diff']:.2e} (loss {c['loss']:.6f}); "
        f"first {TRAJECTORY_STEPS} training steps: max |loss difference| = {c['trajectory']:.2e}")
    say("")

    paths = [name for name in kernels.CHOICES if kernels.available(name)]
    say(f"(1) Training speed: {repeats} timed runs of {steps} steps per side, alternating, each side in its own "
        f"child process after a {warmup}-step warm-up; rnnlib paths: {', '.join(paths)}")
    setups = {f"rnnlib {name}": (_rnnlib_side, warmup, name) for name in paths}
    setups["PyTorch"] = (_torch_side, warmup, args.threads)
    workers = {name: timing.ChildWorker(*setup) for name, setup in setups.items()}
    try:
        jobs = {name: (lambda w=w: w(steps)) for name, w in workers.items()}
        times = timing.alternate(jobs, repeats, warmup={name: (lambda: None) for name in jobs})
    finally:
        for worker in workers.values():
            worker.close()
    chars = BATCH * SEQ_LENGTH * steps
    for name, runs in times.items():
        lo, hi = timing.spread([chars / t for t in runs])
        say(f"  {name:13s} median {chars / statistics.median(runs):8.0f} chars/s (runs {lo:.0f}..{hi:.0f})")
    theirs = times.pop("PyTorch")
    say("  load average after the speed runs: " + timing.load_average())
    say("")

    say("(2) Peak memory of training (5 steps), each library in its own child process: peak RSS above the "
        "RSS after imports and data loading")
    base, extra = timing.peak_rss_in_child(_rnnlib_memory_job, 5)
    say(f"  rnnlib : +{extra:.1f} MiB (baseline {base:.1f} MiB)")
    base, extra = timing.peak_rss_in_child(_torch_memory_job, 5, args.threads)
    say(f"  PyTorch: +{extra:.1f} MiB (baseline {base:.1f} MiB)")
    say("")

    for name, ours in times.items():
        ratio = timing.ratio_of_medians(ours, theirs)
        say(f"{name} / PyTorch nn.GRU training chars/s (float32, medians): {ratio:.2f}x  "
            f"[target >= {TARGET_RATIO}x: {'PASS' if ratio >= TARGET_RATIO else 'MISS'}]")
    say("load average after the run: " + timing.load_average() + f" (on {os.cpu_count()} cores)")
    if args.quick:
        say("(--quick run: few steps, so these figures are not the real measurement)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
