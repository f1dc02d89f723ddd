"""The fast trainer: mini-batches of padded names through ``rnnlib.lm``, Adam or SGD, clipping,
a held-out validation set, keep-best checkpoints and a loss history.

It runs the same forward/backward as the course's ``optimize``, with ``m`` names at a time instead
of one, so a step costs a handful of matrix products per character position instead of per name.
"""
import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
from tqdm.auto import tqdm

from . import lm
from .errors import CorpusError, TrainingDiverged
from .io import save_model
from .model import CharModel
from .optim import SGD, Adam, clip_by_global_norm, clip_by_value
from .text import CharVocab, pad_ids


@dataclass
class TrainConfig:
    """Everything that decides a training run; saved into the model file's config."""

    hidden_size: int = 50
    batch_size: int = 32
    steps: int = 2000
    optimizer: str = "adam"  # "adam" or "sgd"
    learning_rate: float = 0.005
    clip: str = "value"  # "value" (element-wise, the course's), "norm" (global norm), or "none"
    clip_threshold: float = 5.0
    eval_every: int = 20
    seed: int = 0
    dtype: str = "float32"

    def check(self):
        """Raise CorpusError (a ValueError) naming the first setting that cannot work."""
        problems = []
        if self.hidden_size < 1:
            problems.append(f"hidden_size must be >= 1, got {self.hidden_size}")
        if self.batch_size < 1:
            problems.append(f"batch_size must be >= 1, got {self.batch_size}")
        if self.steps < 1:
            problems.append(f"steps must be >= 1, got {self.steps}")
        if self.eval_every < 1:
            problems.append(f"eval_every must be >= 1, got {self.eval_every}")
        if self.optimizer not in ("adam", "sgd"):
            problems.append(f"optimizer must be 'adam' or 'sgd', got {self.optimizer!r}")
        if self.clip not in ("norm", "value", "none"):
            problems.append(f"clip must be 'norm', 'value' or 'none', got {self.clip!r}")
        if not (self.learning_rate > 0 and math.isfinite(self.learning_rate)):
            problems.append(f"learning_rate must be a positive number, got {self.learning_rate}")
        if self.clip != "none" and not self.clip_threshold > 0:
            problems.append(f"clip_threshold must be positive, got {self.clip_threshold}")
        if not (isinstance(self.seed, (int, np.integer)) and self.seed >= 0):
            problems.append(f"seed must be a whole number >= 0, got {self.seed!r}")
        if self.dtype not in ("float32", "float64"):
            problems.append(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        if problems:
            raise CorpusError("bad training settings: " + "; ".join(problems))


@dataclass
class History:
    """What happened during training; every list has one entry per evaluation."""

    step: list = field(default_factory=list)  # optimizer steps taken
    train_loss: list = field(default_factory=list)  # mean nats/char over the steps since the last entry
    val_loss: list = field(default_factory=list)  # nats/char on the validation names
    seconds: list = field(default_factory=list)  # wall time since training started
    best_step: int = 0
    best_val_loss: float = math.inf
    interrupted: bool = False


def evaluate(parameters, X, Y):
    """Mean loss in nats per character of ``parameters`` on the batch (X, Y)."""
    loss_sum, count, _ = lm.forward(parameters, X, Y)
    return loss_sum / count


def train(train_names, val_names, config=None, vocab=None, checkpoint=None, progress=True, on_eval=None, corpus=None):
    """Train a character RNN on names (one string per name) and return the best model seen.

    train_names, val_names: lists of strings.  val_names may be empty (then the last model is kept).
    config: TrainConfig.  vocab: CharVocab (default: the characters of all names plus '\\n').
    checkpoint: optional path; the best model so far is written there (atomically) at each
        improvement, so a crash or Ctrl-C leaves the last good model on disk.
    progress: show a tqdm bar.  on_eval: optional callback(history) after every evaluation
        (the live training view uses it).
    Returns (CharModel, History).  Ctrl-C stops training early and returns what it has.
    Raises TrainingDiverged if the loss becomes NaN or infinite.
    """
    config = config or TrainConfig()
    config.check()
    if not train_names:
        raise CorpusError("no training names")
    vocab = vocab or CharVocab(sorted(set("".join(train_names) + "".join(val_names) + "\n")))
    end_id = int(vocab.encode("\n")[0])
    train_ids = [vocab.encode(n) for n in train_names]
    val_batch = pad_ids([vocab.encode(n) for n in val_names], end_id) if val_names else None

    rng = np.random.default_rng(config.seed)
    params = lm.init_parameters(len(vocab), config.hidden_size, config.seed, np.dtype(config.dtype))
    opt = Adam(config.learning_rate) if config.optimizer == "adam" else SGD(config.learning_rate)
    meta = {"cell": "rnn", "corpus": corpus, "train": asdict(config), "n_train": len(train_names), "n_val": len(val_names)}
    history = History()
    best = CharModel({k: v.copy() for k, v in params.items()}, vocab, meta)
    batches = shuffled_batches(train_ids, config.batch_size, rng)
    recent, start = [], time.perf_counter()
    bar = tqdm(total=config.steps, disable=not progress, desc="training", unit="step")
    try:
        for step in range(1, config.steps + 1):
            X, Y = pad_ids(next(batches), end_id)
            loss_sum, count, cache = lm.forward(params, X, Y)
            if not math.isfinite(loss_sum):
                raise TrainingDiverged(
                    f"training loss became {loss_sum} at step {step}; try a smaller learning_rate "
                    f"(now {config.learning_rate}) or clipping; the best model so far is kept"
                    + (f" in {checkpoint}" if checkpoint else "")
                )
            grads, _ = lm.backward(cache)
            for g in grads.values():
                g /= count  # gradients of the mean loss per character
            if config.clip == "norm":
                clip_by_global_norm(grads, config.clip_threshold)
            elif config.clip == "value":
                clip_by_value(grads, config.clip_threshold)
            opt.step(params, grads)
            recent.append(loss_sum / count)
            bar.update(1)
            if step % config.eval_every == 0 or step == config.steps:
                val = evaluate(params, *val_batch) if val_batch else float("nan")
                _record(history, step, float(np.mean(recent)), val, time.perf_counter() - start)
                recent = []
                if not val_batch or val < history.best_val_loss:
                    history.best_step, history.best_val_loss = step, val
                    best = CharModel({k: v.copy() for k, v in params.items()}, vocab, meta)
                    best.config.update(best_step=step, best_val_loss=val)
                    if checkpoint:
                        save_model(best, checkpoint)
                bar.set_postfix(train=f"{history.train_loss[-1]:.3f}", val=f"{val:.3f}")
                if on_eval:
                    on_eval(history)
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        bar.close()
    best.config = dict(best.config)
    return best, history


def _record(history, step, train_loss, val_loss, seconds):
    history.step.append(step)
    history.train_loss.append(train_loss)
    history.val_loss.append(val_loss)
    history.seconds.append(seconds)


def shuffled_batches(sequences, batch_size, rng):
    """Endless mini-batches: each epoch visits every sequence once, in a fresh random order."""
    n = len(sequences)
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            yield [sequences[j] for j in order[i : i + batch_size]]
