"""Tiny Shakespeare: rnnlib's stream trainer against PyTorch's nn.LSTM, same model, same CPU budget.

Both sides train the same character model -- a 2-layer LSTM with 128 units over the 65 characters
of tinyshakespeare (as stored, not lowercased) and a softmax output -- the same way:
``batch_size = 64`` contiguous streams of the training text, read 64 characters at a time, the
state carried from chunk to chunk with gradients stopped at chunk boundaries (truncated BPTT),
Adam lr 0.002, gradients clipped to global norm 5, no dropout, float32.

* **rnnlib**: ``rnnlib.train_stream`` with ``TrainConfig(cell='lstm', layers=2, ...)``.
* **PyTorch**: one-hot input -> ``nn.LSTM(65, 128, num_layers=2)`` -> ``nn.Linear(128, 65)``, started
  from rnnlib's initial weights (gate blocks reordered, see ``to_torch_gates``), fed the same
  chunks in the same order, ``torch.optim.Adam`` and ``clip_grad_norm_``.

It prints (1) training characters per second of each, measured alternately after a warm-up, and
(2) the validation loss each reaches after the same training wall time (``--seconds``, evaluation
excluded), both scored by ``rnnlib.evaluate_stream`` -- the PyTorch weights are copied back
into an rnnlib parameter dict for that.  Before any timing it checks that the two really are the
same model: equal losses (and gradients) at the same weights.

Run from the repository root (see benchmarks/README.md)::

    RNNLIB_DATA_MIRROR=/path/to/corpora python benchmarks/shakespeare_lstm_vs_torch.py [--quick]
"""
import argparse
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared benchmarks/timing.py
import timing  # noqa: E402  (before numpy: it sets numpy's BLAS thread count)

DEFAULT_THREADS = timing.DEFAULT_THREADS
BLAS_VAR = timing.BLAS_VAR
# numpy's OpenBLAS reads its thread count once, when numpy is imported.  Unless the caller chose one,
# give it the same number of threads PyTorch gets, so neither library has more cores to itself.
BLAS_ENV_GIVEN = timing.set_blas_threads() if __name__ == "__main__" else os.environ.get(BLAS_VAR)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from rnnlib import CharVocab, TrainConfig, evaluate_stream, train_stream  # noqa: E402
from rnnlib.core import lm  # noqa: E402
from rnnlib.data.datasets import load_text  # noqa: E402

CORPUS = "tinyshakespeare"
HIDDEN = 128
LAYERS = 2
BATCH = 64
SEQ_LENGTH = 64
LEARNING_RATE = 0.002
CLIP_NORM = 5.0
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8  # rnnlib.core.optim.Adam's defaults (and PyTorch's)
VAL_FRACTION = 0.1
TARGET_RATIO = 1.0  # rnnlib training chars/s over PyTorch's, float32, on the medians (issue 12)
TWIN_TOLERANCE = {"float32": 1e-5, "float64": 1e-10}  # |loss difference| at the same weights
TRAJECTORY_STEPS = 10  # training steps compared one by one in the model check


@dataclass
class Settings:
    """How long each part runs; ``--quick`` shrinks everything for a smoke test."""

    speed_steps: int = 100
    speed_warmup: int = 10
    speed_repeats: int = timing.DEFAULT_REPEATS
    seconds: float = 30.0
    memory_steps: int = 20  # training steps run in each child process for the peak-memory figure
    stop_every: int = 1  # the time budget is checked every this many steps
    val_chars: int = None  # score on the first this many validation characters (None: all of them)

    @classmethod
    def quick(cls):
        return cls(speed_steps=20, speed_warmup=3, speed_repeats=3, seconds=10.0, val_chars=16384, memory_steps=5)


@dataclass
class Data:
    """The corpus split into training (first 90%) and validation (last 10%) ids."""

    vocab: CharVocab
    train_ids: np.ndarray
    val_ids: np.ndarray


@dataclass
class BudgetRun:
    """One run trained for a fixed wall time: what it did and what it reached."""

    library: str
    dtype: str
    steps: int
    train_seconds: float
    losses: list = field(default_factory=list)  # training loss of every step (or of every stop_every steps)
    val_loss: float = float("nan")
    torch_val_loss: float = None  # PyTorch runs: the same evaluation done by the torch model itself

    @property
    def chars_per_s(self):
        return BATCH * SEQ_LENGTH * self.steps / self.train_seconds

    @property
    def last_train_loss(self):
        tail = self.losses[-20:]
        return sum(tail) / len(tail)


# ----------------------------------------------------------------------------- data and environment


def load_data():
    """tinyshakespeare as stored; vocabulary = its sorted characters; 90/10 split by position."""
    text = load_text(CORPUS, lower=False)
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    cut = int(len(ids) * (1 - VAL_FRACTION))
    return Data(vocab, ids[:cut], ids[cut:])


def as_streams(ids, streams):
    """``ids`` cut into ``streams`` equal contiguous pieces, as the columns of an (L, streams) array.

    The layout ``train_stream`` and ``evaluate_stream`` use (the tail that does not divide evenly is
    dropped); the model check's step-by-step comparison confirms both sides read the same chunks.
    """
    ids = np.asarray(ids, dtype=np.int64)
    length = len(ids) // streams
    return ids[: streams * length].reshape(streams, length).T


def import_torch(wanted, threads):
    """The torch module set to ``threads`` intra-op threads, or None (not wanted, or not installed)."""
    if not wanted:
        return None
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def blas_description():
    """numpy's BLAS library and version, as numpy reports it."""
    try:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{info.get('name', '?')} {info.get('version', '?')}"
    except Exception:  # older numpy: no mode="dicts"
        return "unknown"


def environment_lines(torch, threads):
    """What the figures depend on: versions, cores, load and thread settings."""
    how = timing.blas_threads_line(BLAS_ENV_GIVEN)
    blas_threads = os.environ.get(BLAS_VAR)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    load = timing.load_average()
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__} ({blas_description()}), "
        f"machine {platform.machine()}",
        f"cores: {os.cpu_count()} ({usable} usable by this process); load average before the run: {load}",
        f"numpy BLAS threads: {how}",
        timing.blas_kernels_line(),
    ]
    if torch is None:
        lines.append("torch: not used")
    else:
        capability = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", lambda: "?")()
        lines.append(f"torch {torch.__version__}, torch.set_num_threads({threads}) -> "
                     f"get_num_threads() = {torch.get_num_threads()}; its CPU kernels: {capability}")
        if str(torch.get_num_threads()) != str(blas_threads):
            lines.append(f"WARNING: numpy has {blas_threads} BLAS threads but torch has "
                         f"{torch.get_num_threads()}; the comparison is not like for like")
    return lines


# ----------------------------------------------------------------------------- rnnlib side


def rnnlib_config(dtype, steps, eval_every):
    return TrainConfig(cell="lstm", layers=LAYERS, hidden_size=HIDDEN, batch_size=BATCH,
                       seq_length=SEQ_LENGTH, optimizer="adam", learning_rate=LEARNING_RATE,
                       clip="norm", clip_threshold=CLIP_NORM, dtype=dtype, dropout=0.0,
                       steps=steps, eval_every=eval_every, seed=0)


def initial_parameters(vocab_size, dtype):
    """The weights ``train_stream`` starts from (seed 0), so PyTorch can start from them too."""
    config = rnnlib_config(dtype, 1, 1)
    return lm.init_parameters(vocab_size, HIDDEN, config.seed, np.dtype(dtype), cell="lstm",
                              layers=LAYERS, forget_bias=config.forget_bias)


def rnnlib_train_seconds(data, dtype, steps):
    """Seconds for ``steps`` steps of ``train_stream``.

    With no validation ids the trainer never evaluates, so ``History.seconds[-1]`` is the time of
    its training loop alone (building the streams and the initial weights come before its clock).
    """
    _, history = train_stream(data.train_ids, [], data.vocab, rnnlib_config(dtype, steps, steps), progress=False)
    return history.seconds[-1]


class _BudgetSpent(KeyboardInterrupt):
    """Raised from ``on_eval`` to end ``train_stream`` at the time budget.

    ``train_stream`` treats a KeyboardInterrupt (Ctrl-C) as "stop now and return what you have";
    with no validation ids every check keeps the current weights as the returned model.
    """


def rnnlib_budget_run(data, dtype, seconds, stop_every, val_ids):
    """``train_stream`` for ``seconds`` of training wall time (no evaluation while it runs)."""

    def stop_when_spent(history):
        if history.seconds[-1] >= seconds:
            raise _BudgetSpent

    config = rnnlib_config(dtype, 10**9, stop_every)
    model, history = train_stream(data.train_ids, [], data.vocab, config, progress=False, on_eval=stop_when_spent)
    run = BudgetRun("rnnlib", dtype, history.step[-1], history.seconds[-1], list(history.train_loss))
    run.val_loss = evaluate_stream(model.parameters, val_ids)
    return run


# ----------------------------------------------------------------------------- PyTorch side


def to_torch_gates(array, n_a):
    """Reorder stacked LSTM gate blocks between rnnlib (forget, input, candidate, output) and
    PyTorch (input, forget, candidate, output): the first two blocks swap, so the same function
    also converts back."""
    return np.concatenate([array[n_a : 2 * n_a], array[:n_a], array[2 * n_a :]], axis=0)


def make_torch_model(torch, params):
    """PyTorch twin of rnnlib's stacked LSTM language model, holding a copy of ``params``.

    One-hot input (65 wide, like rnnlib's ``Wax`` columns), ``nn.LSTM(V, 128, num_layers=2)`` in
    (T, batch, features) layout, ``nn.Linear(128, V)``.  ``nn.LSTM`` has two biases per layer;
    rnnlib's one bias ``b`` goes into ``bias_ih`` and ``bias_hh`` is fixed at zero (not trained:
    two trainable copies of one bias would get two Adam updates per step).
    """
    nn = torch.nn
    dtype = torch.float64 if params["Waa"].dtype == np.float64 else torch.float32
    n_a, vocab_size = HIDDEN, params["Wax"].shape[1]

    class TorchCharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(vocab_size, n_a, num_layers=LAYERS, batch_first=False)
            self.out = nn.Linear(n_a, vocab_size)
            self.to(dtype)
            with torch.no_grad():
                for k in range(1, LAYERS + 1):
                    Wx, Wh, b = (params[name] for name in lm.layer_names(k))
                    self._layer(k, "weight_ih").copy_(torch.from_numpy(to_torch_gates(Wx, n_a)))
                    self._layer(k, "weight_hh").copy_(torch.from_numpy(to_torch_gates(Wh, n_a)))
                    self._layer(k, "bias_ih").copy_(torch.from_numpy(to_torch_gates(b, n_a)[:, 0]))
                    self._layer(k, "bias_hh").zero_()
                    self._layer(k, "bias_hh").requires_grad_(False)
                self.out.weight.copy_(torch.from_numpy(params["Wya"]))
                self.out.bias.copy_(torch.from_numpy(params["by"][:, 0]))

        def _layer(self, k, name):
            return getattr(self.lstm, f"{name}_l{k - 1}")

        def loss(self, X, Y, state=None):
            """X, Y: (T, m) long ids.  Returns (mean -log p per character, final (h, c))."""
            x = nn.functional.one_hot(X, vocab_size).to(dtype)
            hidden, state = self.lstm(x, state)
            logits = self.out(hidden)
            return nn.functional.cross_entropy(logits.reshape(-1, vocab_size), Y.reshape(-1)), state

        def to_rnnlib(self):
            """The weights as an rnnlib parameter dict (new numpy arrays), for rnnlib's evaluation."""
            params = {"Wya": self.out.weight.detach().numpy().copy(),
                      "by": self.out.bias.detach().numpy()[:, None].copy()}
            for k in range(1, LAYERS + 1):
                Wx, Wh, b = lm.layer_names(k)
                params[Wx] = to_torch_gates(self._layer(k, "weight_ih").detach().numpy(), n_a)
                params[Wh] = to_torch_gates(self._layer(k, "weight_hh").detach().numpy(), n_a)
                bias = (self._layer(k, "bias_ih") + self._layer(k, "bias_hh")).detach().numpy()
                params[b] = to_torch_gates(bias, n_a)[:, None]
            return params

        def grads_as_rnnlib(self):
            """The gradients after ``backward``, named and laid out like ``rnnlib.core.lm.backward``'s."""
            grads = {"dWya": self.out.weight.grad.numpy(), "dby": self.out.bias.grad.numpy()[:, None]}
            for k in range(1, LAYERS + 1):
                Wx, Wh, b = lm.layer_names(k)
                grads["d" + Wx] = to_torch_gates(self._layer(k, "weight_ih").grad.numpy(), n_a)
                grads["d" + Wh] = to_torch_gates(self._layer(k, "weight_hh").grad.numpy(), n_a)
                grads["d" + b] = to_torch_gates(self._layer(k, "bias_ih").grad.numpy(), n_a)[:, None]
            return grads

    return TorchCharLSTM()


class TorchStreamTrainer:
    """``train_stream``'s recipe in PyTorch: the same streams, chunks, state carrying, Adam and clip."""

    def __init__(self, torch, data, dtype):
        self.torch = torch
        self.model = make_torch_model(torch, initial_parameters(len(data.vocab), dtype))
        self.trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.Adam(self.trainable, lr=LEARNING_RATE, betas=(ADAM_BETA1, ADAM_BETA2))
        self.data = torch.from_numpy(as_streams(data.train_ids, BATCH))
        self.position, self.state, self.steps = 0, None, 0

    def step(self):
        """One optimizer step on the next chunk; returns its mean training loss."""
        start = self.position
        if start + SEQ_LENGTH + 1 > len(self.data):  # new epoch: from the beginning and a zero state
            start, self.state = 0, None
        self.position = start + SEQ_LENGTH
        X = self.data[start : start + SEQ_LENGTH]
        Y = self.data[start + 1 : start + SEQ_LENGTH + 1]
        loss, state = self.model.loss(X, Y, self.state)
        self.state = tuple(s.detach() for s in state)  # carried on; gradients stop here
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.torch.nn.utils.clip_grad_norm_(self.trainable, CLIP_NORM)
        self.steps += 1
        # rnnlib.core.optim.Adam adds eps to sqrt(v) before the bias correction (Kingma & Ba's "efficient
        # version"), PyTorch to sqrt(v_hat) after it; eps / sqrt(1 - beta2^t) here makes them the same
        # update.  It matters only for parameters whose gradients are near eps (rare characters'
        # input columns), but without it the two runs drift apart by ~1e-4 nats in a few steps.
        for group in self.optimizer.param_groups:
            group["eps"] = ADAM_EPS / math.sqrt(1.0 - ADAM_BETA2**self.steps)
        self.optimizer.step()
        return loss.item()


def torch_train_seconds(torch, data, dtype, steps):
    """Seconds for ``steps`` steps of a fresh PyTorch trainer (creating it is not timed)."""
    trainer = TorchStreamTrainer(torch, data, dtype)
    start = time.perf_counter()
    for _ in range(steps):
        trainer.step()
    return time.perf_counter() - start


def torch_budget_run(torch, data, dtype, seconds, stop_every, val_ids):
    """PyTorch training for ``seconds`` of training wall time, then rnnlib's evaluation of it."""
    trainer = TorchStreamTrainer(torch, data, dtype)
    run = BudgetRun("PyTorch", dtype, 0, 0.0)
    start = time.perf_counter()
    while True:
        run.losses.append(trainer.step())
        run.steps += 1
        if run.steps % stop_every == 0 and time.perf_counter() - start >= seconds:
            break
    run.train_seconds = time.perf_counter() - start
    params = trainer.model.to_rnnlib()
    run.val_loss = evaluate_stream(params, val_ids)
    run.torch_val_loss = torch_evaluate_stream(torch, trainer.model, val_ids)
    return run


def torch_evaluate_stream(torch, model, ids, streams=16, chunk=256):
    """``evaluate_stream`` computed by the PyTorch model itself (checks the copy back to rnnlib)."""
    data = torch.from_numpy(as_streams(ids, streams))
    state, loss_sum, count = None, 0.0, 0
    with torch.no_grad():
        for start in range(0, len(data) - 1, chunk):
            X, Y = data[start : start + chunk], data[start + 1 : start + chunk + 1]
            X = X[: len(Y)]
            loss, state = model.loss(X, Y, state)
            loss_sum, count = loss_sum + float(loss) * Y.numel(), count + Y.numel()
    return loss_sum / count


# ----------------------------------------------------------------------------- the model check


def check_twin(torch, data, dtype):
    """Compare the PyTorch twin with rnnlib at the same weights and on the same chunks.

    Returns a dict: loss differences on the first training chunk (zero state) and on the second
    (state carried from the first), the largest gradient difference relative to the largest
    gradient, and the largest loss difference over the first TRAJECTORY_STEPS training steps of
    ``train_stream`` and of the PyTorch trainer (this one also covers Adam, clipping and the order
    of the chunks; float32 rounding lets it drift slowly).
    """
    params = initial_parameters(len(data.vocab), dtype)
    model = make_torch_model(torch, params)
    streams = as_streams(data.train_ids, BATCH)
    T = SEQ_LENGTH
    X1, Y1 = streams[:T], streams[1 : T + 1]
    X2, Y2 = streams[T : 2 * T], streams[T + 1 : 2 * T + 1]

    loss_sum, count, cache = lm.forward(params, X1, Y1)
    ours1 = loss_sum / count
    grads, _ = lm.backward(cache)
    loss_sum, count, _ = lm.forward(params, X2, Y2, lm.final_state(cache))
    ours2 = loss_sum / count

    theirs1, state = model.loss(torch.from_numpy(X1), torch.from_numpy(Y1))
    theirs1.backward()
    their_grads = model.grads_as_rnnlib()
    with torch.no_grad():
        theirs2, _ = model.loss(torch.from_numpy(X2), torch.from_numpy(Y2), tuple(s.detach() for s in state))
    scale = max(float(np.abs(g / count).max()) for g in grads.values())
    grad_diff = max(float(np.abs(grads[k] / count - their_grads[k]).max()) for k in grads) / scale

    _, history = train_stream(data.train_ids, [], data.vocab, rnnlib_config(dtype, TRAJECTORY_STEPS, 1),
                              progress=False)
    trainer = TorchStreamTrainer(torch, data, dtype)
    steps = [abs(ours - trainer.step()) for ours in history.train_loss]
    return {"loss": ours1, "chunk1": abs(theirs1.item() - ours1), "chunk2": abs(theirs2.item() - ours2),
            "grad": grad_diff, "trajectory": max(steps)}


# ----------------------------------------------------------------------------- measurements


#: The numba path with its pool of threads (``kernels.use("numba", threads=...)``): OpenBLAS on one
#: thread, the LSTM's time loops and the model's matrix products split over numba's threads.
POOLED = "numba pooled"


def rnnlib_paths(threads=DEFAULT_THREADS):
    """rnnlib's implementations that can run here: numpy always; numba when it is installed
    (``rnnlib.core.kernels``); and, given more than one thread, numba's pooled path where numpy's
    OpenBLAS can be found (the child process that runs it checks the rest)."""
    from rnnlib.core import _blas, kernels

    names = [name for name in kernels.CHOICES if kernels.available(name)]
    if "numba" in names and threads > 1 and _blas.load() is not None:
        names.append(POOLED)
    return names


def select_path(path, threads=1):
    """Switch this process's rnnlib to ``path`` (one of ``rnnlib_paths()``)."""
    from rnnlib.core import kernels

    if path == POOLED:
        kernels.use("numba", threads=threads)  # OpenBLAS to 1 thread, numba's pool to ``threads``
    else:
        kernels.use(path)


def _rnnlib_side(dtype, warmup, path, threads=1):
    """In a child process: rnnlib on ``path`` (one of ``rnnlib_paths()``), warmed up; returns
    steps -> seconds."""
    select_path(path, threads)
    data = load_data()
    rnnlib_train_seconds(data, dtype, warmup)  # also numba's compilation, when it is not cached yet
    return lambda steps: rnnlib_train_seconds(data, dtype, steps)


def _torch_side(dtype, warmup, threads, keep_memory=False):
    """In a child process: PyTorch, warmed up; returns steps -> seconds.

    keep_memory: give PyTorch's process the malloc settings rnnlib's trainers set for themselves
                 (``rnnlib.core.memory``), so the comparison can also be read allocator for allocator
    """
    if keep_memory:
        from rnnlib.core.memory import keep_freed_memory

        keep_freed_memory()
    torch = import_torch(True, threads)
    data = load_data()
    torch_train_seconds(torch, data, dtype, warmup)  # PyTorch's first backward does one-time set-up
    return lambda steps: torch_train_seconds(torch, data, dtype, steps)


#: The PyTorch side run with rnnlib's malloc settings (core/memory.py) in its process too.
TORCH_KEPT = "PyTorch+malloc"


def pure_speed(with_torch, settings, dtype, threads):
    """Training seconds per run: side name -> list of seconds ('rnnlib numpy'; 'rnnlib numba' and
    'rnnlib numba pooled' where numba is installed; 'PyTorch' unless skipped).

    Each side runs in its own child process (``timing.ChildWorker``: rnnlib's trainers change
    process-wide malloc settings that would speed PyTorch up too if they shared a process), takes
    one warm-up run there, then ``speed_repeats`` timed runs of ``speed_steps`` steps each from fresh
    weights, the sides alternating (``timing.alternate``) so background load hits all alike.
    """
    setups = {f"rnnlib {name}": (_rnnlib_side, dtype, settings.speed_warmup, name, threads)
              for name in rnnlib_paths(threads)}
    if with_torch:
        setups["PyTorch"] = (_torch_side, dtype, settings.speed_warmup, threads)
        setups[TORCH_KEPT] = (_torch_side, dtype, settings.speed_warmup, threads, True)
    workers = {name: timing.ChildWorker(*setup) for name, setup in setups.items()}
    try:
        jobs = {name: (lambda w=w: w(settings.speed_steps)) for name, w in workers.items()}
        return timing.alternate(jobs, settings.speed_repeats, warmup={name: (lambda: None) for name in jobs})
    finally:
        for worker in workers.values():
            worker.close()


def _budget_side(library, dtype, settings, threads, path="numpy"):
    """In a child process: one budget run of ``library`` (rnnlib on ``path``); returns () -> BudgetRun."""
    data = load_data()
    val_ids = data.val_ids[: settings.val_chars]
    if library == "rnnlib":
        select_path(path, threads)
        run = rnnlib_budget_run(data, dtype, settings.seconds, settings.stop_every, val_ids)
        run.library = f"rnnlib ({path})"
    else:
        run = torch_budget_run(import_torch(True, threads), data, dtype, settings.seconds, settings.stop_every, val_ids)
    return lambda: run


def step_gflop(vocab_size):
    """Floating-point work of one training step in GFLOP: the matrix products only (2 flops a
    multiply-add), the same for both libraries.  Per layer, the recurrent product, its input's
    gradient and its weight gradient; per layer above the first, the same three for the input
    projection (the first layer's is a gather, its weight gradient a one-hot product); the softmax
    layer's product and its two gradients."""
    G, n, m, T, V = 4, HIDDEN, BATCH, SEQ_LENGTH, vocab_size
    unit = 2 * G * n * n * m * T
    total = LAYERS * 3 * unit + (LAYERS - 1) * 3 * unit + 2 * G * n * V * m * T + 3 * 2 * V * n * m * T
    return total / 1e9


def _rnnlib_memory_job(dtype, steps, path, threads):
    select_path(path, threads)
    data = load_data()
    timing.mark_baseline()
    rnnlib_train_seconds(data, dtype, steps)


def _torch_memory_job(dtype, steps, threads):
    torch = import_torch(True, threads)
    data = load_data()
    timing.mark_baseline()
    torch_train_seconds(torch, data, dtype, steps)


def chars_per_s(steps, seconds):
    return BATCH * SEQ_LENGTH * steps / seconds


def verdict(ok):
    return "PASS" if ok else "MISS"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: 20 timed steps, 3 repeats, --seconds 10 unless given")
    parser.add_argument("--seconds", type=float, default=None,
                        help="training wall time per library for the validation comparison (default 30)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if it is installed")
    parser.add_argument("--dtype", choices=("float32", "float64", "both"), default="float32",
                        help="dtype of both libraries (default float32; the target is for float32)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"torch.set_num_threads, and numpy's {BLAS_VAR} unless already set (default 2)")
    parser.add_argument("--speed-steps", type=int, default=None, help="steps per timed speed run (default 100)")
    parser.add_argument("--repeats", type=int, default=None, help=f"alternating timed speed runs per library (default {timing.DEFAULT_REPEATS})")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    if args.seconds is not None:
        settings.seconds = args.seconds
    if args.speed_steps is not None:
        settings.speed_steps = args.speed_steps
    if args.repeats is not None:
        settings.speed_repeats = args.repeats
    dtypes = ("float32", "float64") if args.dtype == "both" else (args.dtype,)
    torch = import_torch(not args.no_torch, args.threads)
    say = print

    data = load_data()
    say("Tiny Shakespeare: rnnlib train_stream vs PyTorch nn.LSTM" + (" (--quick)" if args.quick else ""))
    for line in environment_lines(torch, args.threads):
        say("  " + line)
    say("  this may be a shared machine: other processes' load slows either library unpredictably; the speed "
        "runs alternate the two so both see similar load")
    say(f"  corpus {CORPUS} (not lowercased): {len(data.train_ids)} training characters (first 90%), "
        f"{len(data.val_ids)} validation characters (last 10%); vocabulary {len(data.vocab)}")
    say(f"  model: LSTM {LAYERS} x {HIDDEN}; batch {BATCH} streams x {SEQ_LENGTH}-character chunks "
        f"({BATCH * SEQ_LENGTH} characters per step); Adam {LEARNING_RATE}, clip global norm {CLIP_NORM:g}, "
        "no dropout")
    if torch is None:
        why = "--no-torch given" if args.no_torch else "torch is not installed"
        say(f"  PyTorch comparison skipped ({why}); to include it: pip install -e '.[bench]'")
    else:
        for dtype in dtypes:
            c = check_twin(torch, data, dtype)
            tol = TWIN_TOLERANCE[dtype]
            say(f"  model check ({dtype}), same initial weights: rnnlib loss on chunk 1 = {c['loss']:.6f}; "
                f"|PyTorch - rnnlib| = {c['chunk1']:.2e} on chunk 1 (zero state), {c['chunk2']:.2e} on "
                f"chunk 2 (state carried)  [within {tol:g}: {'yes' if max(c['chunk1'], c['chunk2']) <= tol else 'NO'}]")
            say(f"    gradients on chunk 1: max |difference| / max |gradient| = {c['grad']:.2e}; "
                f"first {TRAJECTORY_STEPS} training steps: max |loss difference| = {c['trajectory']:.2e}")
    say("")

    say(f"(1) Training speed: {settings.speed_repeats} timed run(s) of {settings.speed_steps} steps per library, "
        f"alternating, after one {settings.speed_warmup}-step warm-up each; no evaluation")
    ratios = {}
    fastest = {}  # dtype -> the rnnlib path with the best median in (1); (2) trains on it
    peak = timing.matmul_peak_gflops()
    work = step_gflop(len(data.vocab))
    say(f"  matmul peak of this machine (numpy, float32, 512x512 @ 512x4096, best of 7): {peak:.1f} GFLOP/s; "
        f"one training step is {work:.2f} GFLOP of matrix products")
    for dtype in dtypes:
        times = pure_speed(torch is not None, settings, dtype, args.threads)
        theirs = times.pop("PyTorch", [])
        kept = times.pop(TORCH_KEPT, [])
        fastest[dtype] = min(times, key=lambda side: statistics.median(times[side])).removeprefix("rnnlib ")
        for side, ours in times.items():
            med_ours = statistics.median(ours)
            lo, hi = timing.spread([chars_per_s(settings.speed_steps, t) for t in ours])
            say(f"  {dtype}: {side:19s} median {chars_per_s(settings.speed_steps, med_ours):8.0f} chars/s "
                f"(runs {lo:.0f}..{hi:.0f}; {work * settings.speed_steps / med_ours / peak:.0%} of the matmul peak)")
        if theirs:
            med_theirs = statistics.median(theirs)
            lo, hi = timing.spread([chars_per_s(settings.speed_steps, t) for t in theirs])
            say(f"  {dtype}: {'PyTorch':19s} median {chars_per_s(settings.speed_steps, med_theirs):8.0f} chars/s "
                f"(runs {lo:.0f}..{hi:.0f}; {work * settings.speed_steps / med_theirs / peak:.0%} of the matmul peak)")
            for side, ours in times.items():
                ratios[dtype, side] = timing.ratio_of_medians(ours, theirs)
                say(f"  {dtype}: ratio {side}/PyTorch {ratios[dtype, side]:.2f}x (medians), "
                    f"{min(theirs) / min(ours):.2f}x (best runs)")
        if kept:
            med_kept = statistics.median(kept)
            say(f"  {dtype}: {TORCH_KEPT:19s} median {chars_per_s(settings.speed_steps, med_kept):8.0f} chars/s: "
                "PyTorch given the malloc settings rnnlib's trainers set (RNNLIB_KEEP_MEMORY)")
            for side, ours in times.items():
                say(f"  {dtype}: ratio {side}/{TORCH_KEPT} {timing.ratio_of_medians(ours, kept):.2f}x (medians): "
                    "the comparison allocator for allocator")
    say("  load average after the speed runs: " + timing.load_average())
    say("")

    say(f"(1b) Peak memory of training ({settings.memory_steps} steps, float32), each library in its own child "
        "process: peak RSS above the RSS after imports and data loading")
    for path in rnnlib_paths(args.threads):
        base, extra = timing.peak_rss_in_child(_rnnlib_memory_job, "float32", settings.memory_steps, path, args.threads)
        say(f"  rnnlib ({path}): +{extra:.1f} MiB (baseline {base:.1f} MiB)")
    if torch is not None:
        base, extra = timing.peak_rss_in_child(_torch_memory_job, "float32", settings.memory_steps, args.threads)
        say(f"  PyTorch: +{extra:.1f} MiB (baseline {base:.1f} MiB)")
    say("")

    say(f"(2) Validation loss after {settings.seconds:g} s of training each (evaluation not in that time; "
        "the budget is checked after every step; rnnlib on its path with the best median in (1))")
    val_ids = data.val_ids[: settings.val_chars]
    runs = []
    for dtype in dtypes:
        sides = ["rnnlib"] + (["PyTorch"] if torch is not None else [])
        for library in sides:  # each in a fresh child process, like the speed runs (see pure_speed)
            with timing.ChildWorker(_budget_side, library, dtype, settings, args.threads, fastest[dtype]) as worker:
                runs.append(worker())
    head = (f"| library | dtype | steps | train s | chars/s | epochs | train loss (last 20 steps) | "
            f"val loss (nats/char) |")
    say(head)
    say("|---|---|---:|---:|---:|---:|---:|---:|")
    epoch_chars = BATCH * SEQ_LENGTH * ((len(data.train_ids) // BATCH - 1) // SEQ_LENGTH)
    for r in runs:
        say(f"| {r.library} | {r.dtype} | {r.steps} | {r.train_seconds:.1f} | {r.chars_per_s:.0f} | "
            f"{BATCH * SEQ_LENGTH * r.steps / epoch_chars:.2f} | {r.last_train_loss:.4f} | {r.val_loss:.4f} |")
    for r in runs:
        if r.torch_val_loss is not None:
            say(f"  copy-back check ({r.dtype}): PyTorch's own streamed validation loss {r.torch_val_loss:.6f}, "
                f"rnnlib.evaluate_stream on the copied weights {r.val_loss:.6f}")
    which = "all of the" if settings.val_chars is None else f"the first {len(val_ids)} characters of the"
    say("  val loss: rnnlib.evaluate_stream (16 streams, 256-character chunks, state carried) on "
        f"{which} validation text, for both libraries")
    say("")

    paths = rnnlib_paths(args.threads)
    if POOLED in paths:
        say(f"rnnlib {POOLED}: numpy's OpenBLAS on 1 thread and numba's pool on {args.threads} threads "
            f"(the same {args.threads} cores PyTorch gets)")
    if "numba" not in paths:
        say("rnnlib numba: not measured (numba is not installed; pip install -e '.[fast]')")
    for dtype in dtypes:
        if not any(key[0] == dtype for key in ratios):
            say(f"rnnlib training chars/s ({dtype}): PyTorch not measured  [target >= {TARGET_RATIO}x: not checked]")
            continue
        for name in paths:
            ratio = ratios[dtype, f"rnnlib {name}"]
            mark = verdict(ratio >= TARGET_RATIO) if dtype == "float32" else "no target"
            match = "matches or beats PyTorch" if ratio >= 1.0 else "slower than PyTorch"
            say(f"rnnlib ({name}) / PyTorch training chars/s ({dtype}, medians): {ratio:.2f}x, {match}  "
                f"[target >= {TARGET_RATIO}x: {mark}]")
        if dtype == "float32":
            reached = [name for name in paths if ratios[dtype, f"rnnlib {name}"] >= TARGET_RATIO]
            say("  reached the target: " + (", ".join(reached) if reached else "no path"))
    say("load average after the run: " + timing.load_average()
        + f" (on {os.cpu_count()} cores; above the core count means other processes competed for them)")
    if args.quick:
        say("(--quick run: few steps and a short budget, so these figures are not the real measurement)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
