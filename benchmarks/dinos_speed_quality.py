"""Dinosaur names: the course's one-name-per-step loop vs rnnlib's fast trainer (vs PyTorch).

Trains the character RNN (hidden 50, vocabulary 27) on the same seeded split of the lowercased
dinosaur names three ways and prints how fast each one learns and how good it gets:

* **course loop** -- the course's algorithm: ``initialize_parameters(50, 27, 27)``, the training
  names shuffled with ``np.random.seed(0)``, the hidden state carried from name to name, and
  ``rnnlib.course.optimize`` (SGD 0.01, clip 5) on one name per iteration.
* **rnnlib fast trainer** -- ``rnnlib.train``: padded batches of 32 names, Adam 0.005,
  clip by value 5, several seeds.
* **PyTorch nn.RNN** (optional) -- the same model, batches, optimizer and clipping in PyTorch,
  started from the same initial weights as the fast trainer.

Every validation figure is the mean ``-log p`` per character (nats/char, the closing newline
included) of the held-out names, computed by ``rnnlib.evaluate`` (``rnnlib.core.lm.forward``) on
one padded batch of all of them -- for the PyTorch model too, on its weights copied out.

Run from the repository root (see benchmarks/README.md)::

    RNNLIB_DATA_MIRROR=/path/to/corpora python benchmarks/dinos_speed_quality.py [--quick]
"""
import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared benchmarks/timing.py
import timing  # noqa: E402  (before numpy: it sets numpy's BLAS thread count)

# numpy's BLAS gets the thread count torch gets (--torch-threads, default 2) unless the caller set it
BLAS_ENV_GIVEN = timing.set_blas_threads(flags=("--torch-threads",)) if __name__ == "__main__" else None

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from rnnlib import (CharVocab, TrainConfig, evaluate, initialize_parameters, names_to_batch, optimize,  # noqa: E402
                    pad_ids, shuffled_batches, split_names, train, train_val_split)
from rnnlib.core import lm  # noqa: E402
from rnnlib.data.datasets import load_text  # noqa: E402

HIDDEN = 50
TARGET_SOONER = 50.0  # the fast trainer should reach the course loop's final val loss >= 50x sooner
TARGET_SPEED_RATIO = 1.5  # rnnlib steps/s over PyTorch nn.RNN steps/s (float32, medians; issue 12)
TARGET_BEST_VAL = 1.70  # nats/char, mean best over the seeds


@dataclass
class Settings:
    """How long each part runs; ``--quick`` shrinks everything for a smoke test."""

    course_iterations: int = 35000
    course_eval_every: int = 1000
    steps: int = 1500
    eval_every: int = 20
    seeds: tuple = (0, 1, 2, 3)
    speed_steps: int = 500
    speed_warmup: int = 50
    speed_repeats: int = timing.DEFAULT_REPEATS
    batch_size: int = 32
    learning_rate: float = 0.005
    clip_threshold: float = 5.0

    @classmethod
    def quick(cls):
        return cls(course_iterations=3000, steps=300, seeds=(0,), speed_steps=100, speed_warmup=10, speed_repeats=3)


@dataclass
class Data:
    """The seeded split, the course vocabulary and the padded validation batch."""

    train_names: list
    val_names: list
    vocab: CharVocab
    val_X: np.ndarray
    val_Y: np.ndarray


@dataclass
class Run:
    """One training run: its evaluations and how long it took.

    ``seconds[i]`` is the clock at evaluation ``i``; ``clock`` says what that clock counts.
    """

    method: str
    dtype: str
    seed: object  # int, or None for the course loop (its seeds are fixed by the course)
    steps: int
    wall_s: float
    clock: str
    eval_steps: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)

    @property
    def best_val(self):
        return min(self.val_loss)

    @property
    def final_val(self):
        return self.val_loss[-1]

    @property
    def steps_per_s(self):
        return self.steps / self.wall_s

    def seconds_to_reach(self, target):
        """Clock at the first evaluation with val loss <= target, or None if it never got there."""
        for s, v in zip(self.seconds, self.val_loss):
            if v <= target:
                return s
        return None


# ----------------------------------------------------------------------------- data and environment


def load_data():
    """The lowercased dinos corpus, split 90/10 with ``train_val_split(names, 0.1, seed=0)``."""
    text = load_text("dinos")
    vocab = CharVocab.from_text(text)
    train_names, val_names = train_val_split(split_names(text), 0.1, seed=0)
    val_X, val_Y = names_to_batch(val_names, vocab)
    return Data(train_names, val_names, vocab, val_X, val_Y)


def import_torch(wanted, threads=2):
    """The torch module set to ``threads`` intra-op threads, or None (not wanted, or not installed)."""
    if not wanted:
        return None
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def blas_threads():
    """numpy's BLAS thread setting as far as it can be seen without extra packages."""
    try:
        from threadpoolctl import threadpool_info

        pools = [f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info() if p["user_api"] == "blas"]
        if pools:
            return ", ".join(pools) + " (threadpoolctl)"
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var):
            return f"{var}={os.environ[var]}"
    return "not set (OpenBLAS default: one thread per core)"


def environment_lines(torch):
    """What the figures depend on: versions, cores and thread settings."""
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, cores {os.cpu_count()}, "
        f"machine {platform.machine()}",
        f"numpy BLAS threads: {blas_threads()}",
        timing.blas_kernels_line(),
        f"load average before the run: {timing.load_average()}",
    ]
    if torch is None:
        lines.append("torch: not used")
    else:
        lines.append(f"torch {torch.__version__}, torch threads {torch.get_num_threads()}")
    return lines


# ----------------------------------------------------------------------------- rnnlib runs


def run_course_loop(data, settings):
    """The course's ``model`` loop (without its printing) on the training names.

    Validation every ``course_eval_every`` iterations; the clock counts training only (the time
    spent evaluating is excluded).
    """
    char_to_ix = data.vocab.char_to_ix
    newline = char_to_ix["\n"]
    parameters = initialize_parameters(HIDDEN, len(data.vocab), len(data.vocab))
    examples = list(data.train_names)
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((HIDDEN, 1))
    run = Run("course loop", "float64", None, settings.course_iterations, 0.0, "training only")
    trained = 0.0
    start = time.perf_counter()
    for j in range(settings.course_iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)]]
        Y = X[1:] + [newline]
        _, _, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        if (j + 1) % settings.course_eval_every == 0 or j + 1 == settings.course_iterations:
            trained += time.perf_counter() - start
            run.eval_steps.append(j + 1)
            run.seconds.append(trained)
            run.val_loss.append(evaluate(parameters, data.val_X, data.val_Y))
            start = time.perf_counter()
    run.wall_s = trained
    return run


def fast_config(settings, dtype, seed, steps=None, eval_every=None):
    """The fast trainer's settings for this benchmark."""
    return TrainConfig(
        hidden_size=HIDDEN,
        batch_size=settings.batch_size,
        optimizer="adam",
        learning_rate=settings.learning_rate,
        clip="value",
        clip_threshold=settings.clip_threshold,
        eval_every=eval_every or settings.eval_every,
        dtype=dtype,
        steps=steps or settings.steps,
        seed=seed,
    )


def run_fast_trainer(data, settings, dtype, seed):
    """``rnnlib.train`` with validation every ``eval_every`` steps.

    Its clock is ``History.seconds``: wall time since training started, evaluations included.
    """
    _, history = train(
        data.train_names, data.val_names, fast_config(settings, dtype, seed), vocab=data.vocab, progress=False
    )
    run = Run("rnnlib fast trainer", dtype, seed, history.step[-1], history.seconds[-1], "incl. evaluation")
    run.eval_steps, run.seconds, run.val_loss = list(history.step), list(history.seconds), list(history.val_loss)
    return run


def rnnlib_train_seconds(data, settings, dtype, steps):
    """Seconds for ``steps`` training steps of the fast trainer with no validation set.

    Without validation names ``train`` never evaluates; ``History.seconds[-1]`` is then the time
    of the training loop alone (setup such as encoding the names is outside it).
    """
    config = fast_config(settings, dtype, 0, steps=steps, eval_every=steps)
    _, history = train(data.train_names, [], config, vocab=data.vocab, progress=False)
    return history.seconds[-1]


def seconds_per_evaluation(data, dtype, repeats=20):
    """Median time of one validation evaluation (the cost folded into History.seconds)."""
    params = lm.init_parameters(len(data.vocab), HIDDEN, 0, np.dtype(dtype))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        evaluate(params, data.val_X, data.val_Y)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ----------------------------------------------------------------------------- PyTorch runs


def make_torch_model(torch, params):
    """PyTorch twin of ``rnnlib.core.lm``'s model, holding a copy of the rnnlib ``params``.

    One-hot input (id -1 = the zero vector), ``nn.RNN`` (tanh) and a ``Linear`` output layer.
    ``nn.RNN`` has two hidden biases; ``bias_hh`` is fixed at zero so there is one bias ``b``, as in
    rnnlib (two trainable copies would get two Adam updates per step).
    """
    nn = torch.nn
    dtype = torch.float64 if params["Waa"].dtype == np.float64 else torch.float32
    n_a, vocab_size = params["Wax"].shape

    class TorchCharRNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(vocab_size, n_a, nonlinearity="tanh", bias=True)
            self.out = nn.Linear(n_a, vocab_size)
            self.to(dtype)
            with torch.no_grad():
                self.rnn.weight_ih_l0.copy_(torch.from_numpy(params["Wax"]))
                self.rnn.weight_hh_l0.copy_(torch.from_numpy(params["Waa"]))
                self.rnn.bias_ih_l0.copy_(torch.from_numpy(params["b"][:, 0]))
                self.rnn.bias_hh_l0.zero_()
                self.out.weight.copy_(torch.from_numpy(params["Wya"]))
                self.out.bias.copy_(torch.from_numpy(params["by"][:, 0]))
            self.rnn.bias_hh_l0.requires_grad_(False)

        def forward(self, X):
            """X: (T, m) long ids -> logits (T, m, V)."""
            x = nn.functional.one_hot(X.clamp(min=0), vocab_size).to(dtype) * (X >= 0).unsqueeze(-1).to(dtype)
            hidden, _ = self.rnn(x)
            return self.out(hidden)

        def loss(self, X, Y):
            """Mean -log p per real (non-padding, id != -1) target: rnnlib's loss_sum / count."""
            logits = self.forward(X)
            return nn.functional.cross_entropy(logits.reshape(-1, vocab_size), Y.reshape(-1), ignore_index=-1)

        def to_rnnlib(self):
            """The weights as an rnnlib parameter dict (numpy views), for ``rnnlib.evaluate``."""
            b = self.rnn.bias_ih_l0 + self.rnn.bias_hh_l0
            return {
                "Wax": self.rnn.weight_ih_l0.detach().numpy(),
                "Waa": self.rnn.weight_hh_l0.detach().numpy(),
                "Wya": self.out.weight.detach().numpy(),
                "b": b.detach().numpy()[:, None],
                "by": self.out.bias.detach().numpy()[:, None],
            }

    return TorchCharRNN()


class TorchTrainer:
    """The fast trainer's recipe in PyTorch: same initial weights, same batch order, Adam, clip."""

    def __init__(self, torch, data, settings, dtype, seed=0):
        self.torch = torch
        torch.manual_seed(seed)
        self.settings = settings
        self.end_id = int(data.vocab.encode("\n")[0])
        # The same initial weights and the same endless batch stream that rnnlib.train builds.
        params = lm.init_parameters(len(data.vocab), HIDDEN, seed, np.dtype(dtype))
        self.model = make_torch_model(torch, params)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.Adam(trainable, lr=settings.learning_rate)
        self.trainable = trainable
        self.batches = shuffled_batches([data.vocab.encode(n) for n in data.train_names], settings.batch_size,
                                np.random.default_rng(seed))

    def step(self):
        """One optimizer step on the next padded batch; returns the mean training loss."""
        X, Y = pad_ids(next(self.batches), self.end_id)
        loss = self.model.loss(self.torch.from_numpy(X), self.torch.from_numpy(Y))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.torch.nn.utils.clip_grad_value_(self.trainable, self.settings.clip_threshold)
        self.optimizer.step()
        return loss.item()


def check_torch_twin(torch, data, dtype):
    """|PyTorch loss - rnnlib loss| on one training batch at the shared initial weights."""
    params = lm.init_parameters(len(data.vocab), HIDDEN, 0, np.dtype(dtype))
    model = make_torch_model(torch, params)
    X, Y = names_to_batch(data.train_names[:32], data.vocab)
    loss_sum, count, _ = lm.forward(params, X, Y)
    with torch.no_grad():
        theirs = float(model.loss(torch.from_numpy(X), torch.from_numpy(Y)))
    return abs(theirs - loss_sum / count)


def run_torch(torch, data, settings, dtype):
    """PyTorch training with the fast trainer's evaluation cadence and clock (evaluations included).

    A throwaway model takes ``speed_warmup`` steps first, so PyTorch's one-time start-up cost
    (lazy initialisation on the first backward pass) is not charged to the run.
    """
    warmup = TorchTrainer(torch, data, settings, dtype)
    for _ in range(settings.speed_warmup):
        warmup.step()
    trainer = TorchTrainer(torch, data, settings, dtype)
    run = Run("PyTorch nn.RNN", dtype, 0, settings.steps, 0.0, "incl. evaluation")
    start = time.perf_counter()
    for step in range(1, settings.steps + 1):
        trainer.step()
        if step % settings.eval_every == 0 or step == settings.steps:
            run.val_loss.append(evaluate(trainer.model.to_rnnlib(), data.val_X, data.val_Y))
            run.eval_steps.append(step)
            run.seconds.append(time.perf_counter() - start)
    run.wall_s = run.seconds[-1]
    return run


def torch_train_seconds(torch, data, settings, dtype, steps):
    """Seconds for ``steps`` PyTorch training steps, no evaluation (after ``speed_warmup`` steps)."""
    trainer = TorchTrainer(torch, data, settings, dtype)
    for _ in range(settings.speed_warmup):
        trainer.step()
    start = time.perf_counter()
    for _ in range(steps):
        trainer.step()
    return time.perf_counter() - start


def _rnnlib_side(settings, dtype):
    """In a child process: the fast trainer, warmed up; returns steps -> seconds."""
    data = load_data()
    rnnlib_train_seconds(data, settings, dtype, settings.speed_warmup)
    return lambda steps: rnnlib_train_seconds(data, settings, dtype, steps)


def _torch_side(settings, dtype, threads):
    """In a child process: PyTorch, warmed up; returns steps -> seconds."""
    torch = import_torch(True, threads)
    data = load_data()
    torch_train_seconds(torch, data, settings, dtype, settings.speed_warmup)
    return lambda steps: torch_train_seconds(torch, data, settings, dtype, steps)


def pure_speed(torch, data, settings, dtype):
    """Training steps per second without evaluation: (rnnlib, torch or None), medians of the repeats.

    Each side runs in its own child process (``timing.ChildWorker``): in one process, OpenBLAS's
    idle threads and the malloc settings rnnlib's trainers set (``rnnlib.core.memory``) would change
    the other library's speed too.  The two are measured alternately (``timing.alternate``) so that
    background load hits both alike.
    """
    setups = {"rnnlib": (_rnnlib_side, settings, dtype)}
    if torch is not None:
        setups["torch"] = (_torch_side, settings, dtype, torch.get_num_threads())
    workers = {name: timing.ChildWorker(*setup) for name, setup in setups.items()}
    try:
        jobs = {name: (lambda w=w: w(settings.speed_steps)) for name, w in workers.items()}
        times = timing.alternate(jobs, settings.speed_repeats, {name: (lambda: None) for name in jobs})
    finally:
        for worker in workers.values():
            worker.close()
    ours = settings.speed_steps / timing.median(times["rnnlib"])
    return ours, (settings.speed_steps / timing.median(times["torch"]) if "torch" in times else None)


# ----------------------------------------------------------------------------- report


def fmt_seconds(s):
    return "never" if s is None else f"{s:.2f}"


def verdict(ok):
    return "PASS" if ok else "MISS"


def table(runs, target):
    """The per-run table as lines."""
    head = f"{'method':<21} {'dtype':<8} {'seed':>4} {'steps':>6} {'wall s':>8} {'steps/s':>8} " \
           f"{'s to ' + format(target, '.3f'):>9} {'best val':>8}  clock"
    lines = [head, "-" * len(head)]
    for r in runs:
        lines.append(
            f"{r.method:<21} {r.dtype:<8} {'-' if r.seed is None else r.seed:>4} {r.steps:>6} {r.wall_s:>8.2f} {r.steps_per_s:>8.1f} "
            f"{fmt_seconds(r.seconds_to_reach(target)):>9} {r.best_val:>8.4f}  {r.clock}"
        )
    return lines


def headlines(course, fast_runs, speeds, quick):
    """The three target lines, PASS/MISS each, as lines."""
    target = course.final_val
    course_s = course.seconds_to_reach(target)
    lines = []
    for dtype, runs in fast_runs.items():
        # one figure per seed, then their median and spread (a single seed's figure moves a lot)
        reached = [r.seconds_to_reach(target) for r in runs]
        soon = [course_s / s for s in reached if s is not None]
        missed = len(reached) - len(soon)
        if not soon:
            lines.append(f"fast trainer ({dtype}) never reached the course loop's final validation loss "
                         f"{target:.2f} with any of {len(runs)} seeds  [target >= {TARGET_SOONER:.0f}x: MISS]")
            continue
        sooner = statistics.median(soon) if not missed else 0.0
        each = ", ".join("never" if s is None else f"{course_s / s:.1f}x" for s in reached)
        lines.append(f"fast trainer ({dtype}) reached the course loop's final validation loss {target:.2f} "
                     f"{statistics.median(soon):.1f}x sooner than the course loop's {course_s:.2f} s "
                     f"(median over {len(runs)} seed{'s' if len(runs) > 1 else ''}, spread "
                     f"{min(soon):.1f}x..{max(soon):.1f}x; per seed {each})"
                     f"  [target >= {TARGET_SOONER:.0f}x: {verdict(sooner >= TARGET_SOONER)}]")
    for dtype, (ours, theirs) in speeds.items():
        if theirs is None:
            lines.append(f"rnnlib steps/s ({dtype}): {ours:.1f}; PyTorch not measured  [target >= "
                         f"{TARGET_SPEED_RATIO:.1f}x PyTorch (float32): not checked]")
            continue
        ratio = ours / theirs
        mark = verdict(ratio >= TARGET_SPEED_RATIO) if dtype == "float32" else "no target"
        lines.append(f"rnnlib steps/s vs PyTorch steps/s ({dtype}, medians): {ours:.1f} vs {theirs:.1f} = {ratio:.2f}x"
                     f"  [target >= {TARGET_SPEED_RATIO:.1f}x: {mark}]")
    for dtype, runs in fast_runs.items():
        bests = [r.best_val for r in runs]
        mean = statistics.mean(bests)
        each = ", ".join(f"{b:.4f}" for b in bests)
        lines.append(f"best validation loss (mean over {len(bests)} seed{'s' if len(bests) > 1 else ''}, "
                     f"{dtype}): {mean:.4f} nats/char ({each})"
                     f"  [target <= {TARGET_BEST_VAL:.2f}: {verdict(mean <= TARGET_BEST_VAL)}]")
    if quick:
        lines.append("(--quick run: shortened training, so these verdicts are not the real measurement)")
    return lines


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke test (well under a minute)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--dtype", choices=("float32", "float64", "both"), default="both",
                        help="dtype of the fast trainer and PyTorch runs (the course loop is float64)")
    parser.add_argument("--torch-threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    dtypes = ("float32", "float64") if args.dtype == "both" else (args.dtype,)
    torch = import_torch(not args.no_torch, args.torch_threads)
    say = print

    data = load_data()
    say("Dinosaur names: speed and quality" + (" (--quick)" if args.quick else ""))
    for line in environment_lines(torch):
        say("  " + line)
    say(f"  split: {len(data.train_names)} training names, {len(data.val_names)} validation names "
        f"({int((data.val_Y >= 0).sum())} characters incl. newlines); vocabulary {len(data.vocab)}")
    if torch is None:
        why = "--no-torch given" if args.no_torch else "torch is not installed"
        say(f"  PyTorch comparison skipped ({why}); to include it: pip install torch==2.13.0  "
            "or  pip install -e '.[bench]'")
    else:
        for dtype in dtypes:
            say(f"  model check ({dtype}): |PyTorch - rnnlib| loss on one batch at the same weights = "
                f"{check_torch_twin(torch, data, dtype):.2e}")
    say("")

    course = run_course_loop(data, settings)
    runs = [course]
    fast_runs = {}
    for dtype in dtypes:
        fast_runs[dtype] = [run_fast_trainer(data, settings, dtype, seed) for seed in settings.seeds]
        runs.extend(fast_runs[dtype])
    if torch is not None:
        runs.extend(run_torch(torch, data, settings, dtype) for dtype in dtypes)
    speeds = {dtype: pure_speed(torch, data, settings, dtype) for dtype in dtypes}

    say(f"Training runs (course loop: {settings.course_iterations} iterations, validation every "
        f"{settings.course_eval_every}; others: {settings.steps} steps of {settings.batch_size} names, "
        f"validation every {settings.eval_every})")
    say(f"course loop final validation loss: {course.final_val:.4f} nats/char (the 's to' target below)")
    for line in table(runs, course.final_val):
        say("  " + line)
    say("  wall s: course loop = training time only (evaluations excluded); fast trainer and PyTorch =")
    say("  History.seconds / the same clock, which INCLUDES the evaluations every "
        f"{settings.eval_every} steps (one evaluation: "
        + ", ".join(f"{dt} {seconds_per_evaluation(data, dt) * 1e3:.1f} ms" for dt in dtypes) + ").")
    say("")
    say(f"Training speed without evaluation (medians of {settings.speed_repeats} alternating runs x "
        f"{settings.speed_steps} steps after {settings.speed_warmup} warm-up steps; batch {settings.batch_size}; "
        "each library in its own child process)")
    for dtype, (ours, theirs) in speeds.items():
        other = "skipped" if theirs is None else f"{theirs:8.1f} steps/s   ratio rnnlib/PyTorch {ours / theirs:.2f}x"
        say(f"  {dtype}: rnnlib {ours:8.1f} steps/s   PyTorch {other}")
    say("")
    for line in headlines(course, fast_runs, speeds, args.quick):
        say(line)
    say(f"load average after the run: {timing.load_average()} (on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
