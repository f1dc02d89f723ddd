"""The fast trainer: batches through ``rnnlib.core.lm``, Adam or SGD, clipping, a held-out validation
set, keep-best checkpoints and a loss history.

It runs the same forward/backward as the course's ``optimize``, with ``m`` sequences at a time
instead of one, so a step costs a handful of matrix products per time step instead of per name.
Two ways to cut text into batches:

* ``train`` / ``train_sequences``: many short sequences (names, sentences), padded into batches;
  every sequence starts from a zero state.
* ``train_stream``: one long text (char-rnn style).  It is cut into ``batch_size`` parallel streams,
  read ``seq_length`` characters at a time, and the hidden state is carried from one chunk to the
  next while gradients stop at chunk boundaries (truncated backpropagation through time).  Each
  step trains on ``batch_size * seq_length`` characters and no padding is wasted.
"""
import math
import time
from pathlib import Path
from dataclasses import asdict, dataclass, field
from typing import Protocol

import numpy as np
from tqdm.auto import tqdm

from ..core import lm
from ..core.memory import keep_freed_memory
from ..core.checks import (
    check_choice, check_elements, check_ids, check_instance, check_int, check_real, check_sequence, check_text,
)
from ..errors import ConfigError, CorpusError, TrainingDiverged, VocabularyError
from .model_files import save_model
from .language_model import LanguageModel
from ..core.optim import SGD, Adam, clip_by_global_norm, clip_by_value
from ..data.chars import CharVocab, pad_ids
from ..data.words import WordVocab

#: The deepest stack ``TrainConfig`` accepts.  The course and the notebooks train 1 to 3 layers;
#: 10,000 layers of 6 units pass the size check but take minutes per step, so they are refused.
MAX_LAYERS = 100


@dataclass
class TrainConfig:
    """Everything that decides a training run; saved into the model file's config."""

    hidden_size: int = 50
    cell: str = "rnn"  # "rnn", "gru" or "lstm"
    layers: int = 1
    dropout: float = 0.0  # on every layer's outputs while training (between layers, before the softmax)
    forget_bias: float = 1.0  # LSTM only: starting bias of the forget gate
    batch_size: int = 32
    seq_length: int = 64  # train_stream only: characters per chunk
    steps: int = 2000
    optimizer: str = "adam"  # "adam" or "sgd"
    learning_rate: float = 0.005
    clip: str = "value"  # "value" (element-wise, the course's), "norm" (global norm), or "none"
    clip_threshold: float = 5.0
    eval_every: int = 20
    seed: int = 0
    dtype: str = "float32"
    max_minutes: float = 0.0  # stop (after a last evaluation) once training has run this long; 0 = no limit

    def check(self):
        """Raise ConfigError (a ValueError) naming every setting that cannot work.

        Whole-number settings accept integral floats (``steps=1e4``), which are stored back as
        ints; None, strings, bools and NaN are refused everywhere.  The model's size is checked
        against ``rnnlib.core.checks.MAX_ELEMENTS`` here, before any corpus is read.
        """
        problems = []

        def whole(name, minimum):
            try:
                value = getattr(self, name)
                whole_value = check_int(name, value, "", minimum=minimum)
                if not isinstance(value, int) or isinstance(value, bool):  # 1e4 -> 10000, np.int64 -> int
                    setattr(self, name, whole_value)
            except ConfigError as e:
                problems.append(str(e)[2:])

        def number(name, **limits):
            try:
                check_real(name, getattr(self, name), "", **limits)
            except ConfigError as e:
                problems.append(str(e)[2:])

        def choice(name, choices):
            try:
                check_choice(name, getattr(self, name), choices, "")
            except ConfigError as e:
                problems.append(str(e)[2:])

        for name in ("hidden_size", "layers", "seq_length", "batch_size", "steps", "eval_every"):
            whole(name, 1)
        if not problems and self.layers > MAX_LAYERS:
            problems.append(f"layers must be at most {MAX_LAYERS} (rnnlib.training.trainer.MAX_LAYERS), got {self.layers}")
        whole("seed", 0)
        choice("cell", ("rnn", "gru", "lstm"))
        choice("optimizer", ("adam", "sgd"))
        choice("clip", ("norm", "value", "none"))
        choice("dtype", ("float32", "float64"))
        number("dropout", minimum=0.0, below=1.0)
        number("forget_bias")
        number("max_minutes", minimum=0.0)
        number("learning_rate", positive=True)
        if not (isinstance(self.clip, str) and self.clip == "none"):  # a bad clip is reported above
            number("clip_threshold", positive=True)
        if not problems:  # sizes, before anything is allocated (the vocabulary adds a little more)
            G = {"rnn": 1, "gru": 3, "lstm": 4}[self.cell]
            try:
                check_elements(G * self.hidden_size * (2 * self.hidden_size + 1) * self.layers,
                               f"hidden_size {self.hidden_size} x {self.layers} layers", "")
                check_elements(self.batch_size * self.seq_length * self.hidden_size * (G + 2) * self.layers,
                               f"batches of {self.batch_size} x {self.seq_length} at hidden_size {self.hidden_size}", "")
            except ConfigError as e:
                problems.append(str(e)[2:])
        if problems:
            raise ConfigError("bad training settings: " + "; ".join(problems))


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
    out_of_time: bool = False  # stopped by TrainConfig.max_minutes


def evaluate(parameters, X, Y):
    """Mean loss in nats per character of ``parameters`` on the batch (X, Y)."""
    loss_sum, count, _ = lm.forward(parameters, X, Y)
    return loss_sum / count


def evaluate_stream(parameters, ids, streams=16, chunk=256):
    """Mean loss in nats per character over a long text, reading it as ``streams`` parallel
    streams with the state carried from chunk to chunk (each stream starts from a zero state)."""
    streams = check_int("streams", streams, "evaluate_stream", minimum=1)
    chunk = check_int("chunk", chunk, "evaluate_stream", minimum=1)
    if not (isinstance(ids, np.ndarray) and ids.dtype.kind in "iu"):
        ids = check_ids("ids", ids, "evaluate_stream", error=CorpusError)
    data = _as_streams(ids, streams, "validation text")
    state, loss_sum, count = None, 0.0, 0
    for start in range(0, len(data) - 1, chunk):
        X, Y = data[start : start + chunk], data[start + 1 : start + chunk + 1]
        X = X[: len(Y)]
        part, n, cache = lm.forward(parameters, X, Y, state)
        state, loss_sum, count = lm.final_state(cache), loss_sum + part, count + n
    if count == 0:
        raise CorpusError(f"evaluate_stream: the text ({len(ids)} ids in {streams} streams) has no character to predict")
    return loss_sum / count


def train(train_names, val_names, config=None, *, vocab=None, checkpoint=None, progress=True, on_eval=None,
          corpus=None):
    """Train a character model on names (one string per name) and return the best model seen.

    train_names, val_names: lists of strings.  val_names may be empty (then the last model is kept).
    config: TrainConfig.  vocab: CharVocab (default: the characters of all names plus '\\n').
    checkpoint: optional path; the best model so far is written there (atomically) at each
        improvement, so a crash or Ctrl-C leaves the last good model on disk.
    progress: show a tqdm bar.  on_eval: optional callback(history) after every evaluation
        (the live training view uses it).  corpus: the corpus's name, recorded in the model file.
    Returns (LanguageModel, History).  Ctrl-C stops training early and returns what it has.
    Raises TrainingDiverged if the loss becomes NaN or infinite.
    """
    where = "train"
    train_names = check_sequence("train_names", train_names, where, error=CorpusError, nonempty=False,
                                 what="a list of strings")
    if not train_names:
        raise CorpusError("train: no training names")
    val_names = check_sequence("val_names", val_names, where, error=CorpusError, nonempty=False, what="a list of strings")
    for name in train_names + val_names:
        check_text("each name", name, where, error=CorpusError)
    if vocab is not None:
        check_instance("vocab", vocab, CharVocab, where, error=VocabularyError, what="a CharVocab or None")
    config = _check_run(where, config, checkpoint, on_eval, corpus, progress)
    vocab = vocab or CharVocab(sorted(set("".join(train_names) + "".join(val_names) + "\n")))
    end_id = int(vocab.encode("\n")[0])
    return train_sequences([vocab.encode(n) for n in train_names], [vocab.encode(n) for n in val_names],
                           vocab, end_id, config, checkpoint=checkpoint, progress=progress, on_eval=on_eval,
                           corpus=corpus)


def train_sequences(train_seqs, val_seqs, vocab, end_id, config=None, *, checkpoint=None, progress=True,
                    on_eval=None, corpus=None, initial_parameters=None):
    """``train`` for sequences already encoded: lists of int arrays (names, sentences...).

    Each sequence is trained as X = [start, s1..sn], Y = [s1..sn, end_id] (``pad_ids``).
    vocab: the vocabulary object saved with the model.  Other arguments and result as ``train``.
    """
    where = "train_sequences"
    config = _check_run(where, config, checkpoint, on_eval, corpus, progress)
    size = _vocab_size(vocab, where)
    train_seqs = check_sequence("train_seqs", train_seqs, where, error=CorpusError, nonempty=False,
                                what="a list of id arrays")
    if not train_seqs:
        raise CorpusError("train_sequences: no training sequences")
    val_seqs = check_sequence("val_seqs", val_seqs, where, error=CorpusError, nonempty=False, what="a list of id arrays")
    train_seqs, val_seqs = ([check_ids("each sequence", s, where, size=size, error=CorpusError) for s in seqs]
                            for seqs in (train_seqs, val_seqs))
    end_id = check_int("end_id", end_id, where, minimum=0, maximum=size - 1, error=VocabularyError)
    rng = np.random.default_rng(config.seed)
    source = PaddedSequences(train_seqs, val_seqs, end_id, config.batch_size, rng)
    return _fit(source, vocab, config, rng=rng, corpus=corpus, checkpoint=checkpoint, progress=progress,
                on_eval=on_eval, initial_parameters=initial_parameters)


def train_stream(train_ids, val_ids, vocab, config=None, *, checkpoint=None, progress=True, on_eval=None,
                 corpus=None, initial_parameters=None):
    """Train on one long text with truncated BPTT, char-rnn style (see the module docstring).

    train_ids, val_ids: 1-D int arrays (e.g. ``vocab.encode(text)``); val_ids may be empty.
    An epoch ends when the streams run out; the state then starts again from zero.
    initial_parameters: start from these (copied; e.g. a pre-trained model's) instead of a fresh
    initialisation; their cell type and size win over the config's.
    Other arguments and result as ``train``; the validation loss is ``evaluate_stream``'s.
    """
    where = "train_stream"
    config = _check_run(where, config, checkpoint, on_eval, corpus, progress)
    size = _vocab_size(vocab, where)
    train_ids = check_ids("train_ids", train_ids, where, size=size, error=CorpusError)
    val_ids = check_ids("val_ids", val_ids, where, size=size, error=CorpusError)
    rng = np.random.default_rng(config.seed)
    source = TextStreams(train_ids, val_ids, config.batch_size, config.seq_length)
    return _fit(source, vocab, config, rng=rng, corpus=corpus, checkpoint=checkpoint, progress=progress,
                on_eval=on_eval, initial_parameters=initial_parameters)


def _check_run(where, config, checkpoint, on_eval, corpus, progress):
    """The checked TrainConfig (the default one for None) of a ``train*`` call, after refusing the
    keyword options that would otherwise fail only at the first evaluation, after training."""
    if config is None:
        config = TrainConfig()
    check_instance("config", config, TrainConfig, where, what="a TrainConfig or None")
    config.check()
    if checkpoint is not None and not isinstance(checkpoint, (str, Path)):
        raise ConfigError(f"{where}: checkpoint must be a file path or None, got {type(checkpoint).__name__}")
    if isinstance(checkpoint, str) and not checkpoint.strip():
        raise ConfigError(f"{where}: checkpoint must be a file path or None, got an empty string")
    if checkpoint is not None and Path(checkpoint).is_dir():
        raise ConfigError(f"{where}: checkpoint {str(checkpoint)!r} is a directory; give a file path such as model.npz")
    if not isinstance(progress, (bool, np.bool_)):
        raise ConfigError(f"{where}: progress must be True or False, got {progress!r}")
    if on_eval is not None and not callable(on_eval):
        raise ConfigError(f"{where}: on_eval must be a function of the History, or None, got {type(on_eval).__name__}")
    if corpus is not None and not isinstance(corpus, str):
        raise ConfigError(f"{where}: corpus must be the corpus's name (a string) or None, got {type(corpus).__name__}")
    return config


def _vocab_size(vocab, where):
    check_instance("vocab", vocab, (CharVocab, WordVocab), where, error=VocabularyError,
                   what="a CharVocab or a WordVocab")
    return len(vocab)


# ----------------------------------------------------------------------------------------------
# Batch sources: what the training loop reads.  Each has ``next_batch(state) -> Batch``,
# ``validation_loss(parameters) -> float`` (NaN when nothing is held out) and ``meta`` (facts for
# the model file).


@dataclass(frozen=True)
class Batch:
    """One training step's data: X, Y (T, m) int ids as in ``rnnlib.core.lm``, and the starting
    state (None for zeros)."""

    X: np.ndarray
    Y: np.ndarray
    state: object = None


class BatchSource(Protocol):
    meta: dict
    has_validation: bool  # False: validation_loss is NaN, and the last model is kept

    def next_batch(self, state) -> Batch: ...

    def validation_loss(self, parameters) -> float: ...


class PaddedSequences:
    """Shuffled mini-batches of whole sequences, post-padded; every sequence starts from zeros."""

    def __init__(self, train_seqs, val_seqs, end_id, batch_size, rng):
        self.end_id = end_id
        self.val_batch = pad_ids(val_seqs, end_id) if val_seqs else None
        self.batches = shuffled_batches(train_seqs, batch_size, rng)
        self.meta = {"n_train": len(train_seqs), "n_val": len(val_seqs)}
        self.has_validation = self.val_batch is not None

    def next_batch(self, state):
        return Batch(*pad_ids(next(self.batches), self.end_id))

    def validation_loss(self, parameters):
        return evaluate(parameters, *self.val_batch) if self.val_batch else float("nan")


class TextStreams:
    """A long text cut into ``batch_size`` parallel streams, read ``seq_length`` tokens at a time,
    the state carried from chunk to chunk (and reset to zeros at each new epoch)."""

    def __init__(self, train_ids, val_ids, batch_size, seq_length):
        self.data = _as_streams(train_ids, batch_size, "training text", min_length=seq_length + 1)
        self.T, self.position = seq_length, 0
        self.val_ids = np.asarray(val_ids)
        self.meta = {"n_train": int(len(train_ids)), "n_val": int(len(self.val_ids)), "stream": True}
        self.has_validation = len(self.val_ids) > 1

    def next_batch(self, state):
        start, T = self.position, self.T
        if start + T + 1 > len(self.data):  # a new epoch: back to the beginning, from a zero state
            start, state = 0, None
        self.position = start + T
        return Batch(self.data[start : start + T], self.data[start + 1 : start + T + 1], state)

    def validation_loss(self, parameters):
        return evaluate_stream(parameters, self.val_ids) if len(self.val_ids) > 1 else float("nan")


def _as_streams(ids, streams, what, min_length=2):
    """Cut a 1-D id array into ``streams`` equal contiguous pieces, as columns of a (L, streams) array."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    streams = max(1, min(streams, len(ids) // min_length))
    length = len(ids) // streams
    if length < min_length:
        raise CorpusError(f"the {what} has {len(ids)} tokens; it needs at least {min_length}")
    return ids[: streams * length].reshape(streams, length).T


# ----------------------------------------------------------------------------------------------
# The loop


def _fit(source: BatchSource, vocab, config, *, rng, corpus=None, checkpoint=None, progress=True, on_eval=None,
         initial_parameters=None):
    """The loop every trainer shares: step, clip, update, evaluate, keep the best, report."""
    keep_freed_memory()  # reuse each step's big arrays instead of page-faulting them in anew (core/memory.py)
    if initial_parameters is not None:
        lm.check_parameters(initial_parameters, "initial_parameters")
        params = {k: np.array(v, dtype=np.dtype(config.dtype)) for k, v in initial_parameters.items()}
        if params["Wax"].shape[1] != len(vocab):
            raise CorpusError(f"initial_parameters are for a vocabulary of {params['Wax'].shape[1]}, "
                              f"this text's has {len(vocab)}")
    else:
        params = lm.init_parameters(len(vocab), config.hidden_size, config.seed, np.dtype(config.dtype),
                                    cell=config.cell, layers=config.layers, forget_bias=config.forget_bias)
    cell, layers, _ = lm.describe(params)
    opt = Adam(config.learning_rate) if config.optimizer == "adam" else SGD(config.learning_rate)
    meta = {"cell": cell, "layers": layers, "corpus": corpus, "train": asdict(config), **source.meta}
    history = History()

    def snapshot(**extra):
        return LanguageModel({k: v.copy() for k, v in params.items()}, vocab, {**meta, **extra})

    best, state, recent, start = snapshot(), None, [], time.perf_counter()
    saved = False  # whether this run has written the checkpoint file
    bar = tqdm(total=config.steps, disable=not progress, desc="training", unit="step")
    try:
        for step in range(1, config.steps + 1):
            batch = source.next_batch(state)
            loss_sum, count, cache = lm.forward(params, batch.X, batch.Y, batch.state, dropout=config.dropout, rng=rng)
            if not math.isfinite(loss_sum):
                raise TrainingDiverged(
                    f"training loss became {loss_sum} at step {step}; try a smaller learning_rate "
                    f"(now {config.learning_rate}) or clipping" + _kept(checkpoint, saved, history))
            state = lm.final_state(cache)  # used only by train_stream; gradients stop here
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
            out_of_time = config.max_minutes and time.perf_counter() - start >= 60 * config.max_minutes
            if step % config.eval_every == 0 or step == config.steps or out_of_time:
                val = source.validation_loss(params)
                _record(history, step, float(np.mean(recent)), val, time.perf_counter() - start)
                recent = []
                if source.has_validation and not math.isfinite(val):
                    raise TrainingDiverged(
                        f"validation loss became {val} at step {step}; try a smaller learning_rate "
                        f"(now {config.learning_rate}) or clipping" + _kept(checkpoint, saved, history))
                if not source.has_validation or val < history.best_val_loss:  # nothing held out: keep the last
                    history.best_step, history.best_val_loss = step, val
                    best = snapshot(best_step=step, best_val_loss=val)
                    if checkpoint:
                        save_model(best, checkpoint)
                        saved = True
                bar.set_postfix(train=f"{history.train_loss[-1]:.3f}", val=f"{val:.3f}")
                if on_eval:
                    on_eval(history)
            if out_of_time:
                history.out_of_time = True
                break
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        bar.close()
    return best, history


def _kept(checkpoint, saved, history):
    """What a TrainingDiverged message says about the checkpoint file, truthfully."""
    if not checkpoint:
        return ""
    if saved:
        return f"; the best model so far (step {history.best_step}) is kept in {checkpoint}"
    older = " (the file there is from an earlier run)" if Path(checkpoint).exists() else ""
    return f"; this run diverged before saving any model, so nothing was written to {checkpoint}{older}"


def _record(history, step, train_loss, val_loss, seconds):
    history.step.append(step)
    history.train_loss.append(train_loss)
    history.val_loss.append(val_loss)
    history.seconds.append(seconds)


def shuffled_batches(sequences, batch_size, rng):
    """Endless mini-batches: each epoch visits every sequence once, in a fresh random order."""
    if not isinstance(sequences, (list, tuple, np.ndarray)) or (isinstance(sequences, np.ndarray) and sequences.ndim == 0) \
            or len(sequences) == 0:
        raise CorpusError(f"shuffled_batches: sequences must be a non-empty list, got {sequences!r:.60}")
    batch_size = check_int("batch_size", batch_size, "shuffled_batches", minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise ConfigError(f"shuffled_batches: rng must be a numpy Generator (np.random.default_rng), "
                          f"got {type(rng).__name__}")
    n = len(sequences)
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            yield [sequences[j] for j in order[i : i + batch_size]]
