"""The word-level RNN language model of Denny Britz's WildML tutorial, on rnnlib's RNN cell.

Reference: Denny Britz, "Recurrent Neural Networks Tutorial, Part 2 - Implementing a RNN with
Python, Numpy and Theano", WildML, September 2015.  ``RNNNumpy`` keeps that tutorial's class
interface (attribute names, method names, argument order, the row layout of its arrays, its
truncated backpropagation and its training loop) so that the tutorial's text can be followed
line by line, but the code is rnnlib's own and the arithmetic is done by rnnlib's one RNN cell.

The model and how it maps onto rnnlib
-------------------------------------
For a sentence of word ids ``x = [x_0, ..., x_{T-1}]``::

    s_t = tanh(U[:, x_t] + W s_{t-1})        hidden state, s_{-1} = 0
    o_t = softmax(V s_t)                     distribution of the next word

``U`` (hidden, vocab), ``W`` (hidden, hidden) and ``V`` (vocab, hidden) are rnnlib's ``Wax``,
``Waa`` and ``Wya``; the tutorial has no biases, which is rnnlib's one-layer RNN with ``b`` and
``by`` fixed at zero.  ``U[:, x_t]`` is the product ``U @ one_hot(x_t)`` without building the
one-hot vector.

* ``forward_propagation`` computes each ``s_t`` with ``rnnlib.core.cells.rnn.rnn_step_forward(U[:, x_t],
  s_{t-1}, W)`` and all the outputs with one matrix product ``S @ V.T``.
* ``bptt`` sends the errors back through ``rnnlib.core.cells.rnn.rnn_step_backward``.
* ``calculate_loss`` and ``generate_sentence`` call ``rnnlib.core.lm.forward`` / ``rnnlib.core.lm.step`` on
  the parameters ``{"Wax": U, "Waa": W, "Wya": V, "b": 0, "by": 0}`` (``parameters``), which run
  the same two cell functions, many sentences per matrix product.

Layout: the tutorial's arrays are row-major in time: ``o`` is (T, vocab) and ``s`` is (T + 1,
hidden), ``s[t]`` being the state after word t and the extra last row ``s[-1]`` the zero starting
state (so ``s[t - 1]`` is the previous state also for t = 0).  rnnlib's own arrays are hidden-major
``(n_a, m)``; the two are transposes of each other.

Truncated backpropagation through time (the tutorial's ``bptt_truncate``)
--------------------------------------------------------------------------
The error of the output at time t is sent back through the steps t, t-1, ..., t - bptt_truncate
(not before step 0) and then dropped; each step it passes adds to the gradients of U, W.  So the
pre-activation of step k collects the errors of the outputs k ... k + bptt_truncate only.  With
``bptt_truncate >= T - 1`` (or None) nothing is dropped and the gradient is exact.  Here all T
outputs' errors travel back together, one ``rnn_step_backward`` call per step of lag (at most
``bptt_truncate + 1`` calls, each on a (hidden, T) batch), which gives the tutorial's numbers
without its double loop.  The gradients are those of the sentence's *summed* loss, as in the tutorial.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from ..core import lm
from ..core.cells.rnn import rnn_step_backward, rnn_step_forward
from ..core.checks import (
    MAX_ELEMENTS, check_elements, check_ids, check_instance, check_int, check_real, check_seed, check_sequence,
)
from ..errors import CorpusError, GradientCheckFailed, SamplingError, ShapeError, TrainingDiverged, VocabularyError
from ..core.functional import softmax
from ..core.gradcheck import numerical_gradient


@dataclass
class SGDHistory:
    """``train_with_sgd``'s record, one entry per loss evaluation.

    examples_seen: sentences trained on before the evaluation; epoch: epochs completed;
    loss: mean nats per word on the training set; learning_rate: the rate used after the
    evaluation (halved there when the loss went up); halved: whether it was halved there.
    """

    examples_seen: list = field(default_factory=list)
    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    learning_rate: list = field(default_factory=list)
    halved: list = field(default_factory=list)


class RNNNumpy:
    """The tutorial's word-level RNN: parameters U (hidden_dim, word_dim), V (word_dim, hidden_dim),
    W (hidden_dim, hidden_dim), no biases.

    word_dim: vocabulary size; hidden_dim: hidden units; bptt_truncate: how many steps back each
    output's error travels (None: all the way, the exact gradient).  seed: for
    ``np.random.default_rng``; like the tutorial, U is drawn uniformly from
    ``[-1/sqrt(word_dim), 1/sqrt(word_dim)]`` and V, W from ``[-1/sqrt(hidden_dim), 1/sqrt(hidden_dim)]``.
    dtype: float64 (the tutorial's) or float32 (about twice as fast).
    """

    def __init__(self, word_dim, hidden_dim=100, bptt_truncate=4, seed=0, dtype=np.float64):
        word_dim = check_int("word_dim", word_dim, "RNNNumpy", minimum=2, maximum=MAX_ELEMENTS, error=ShapeError)
        hidden_dim = check_int("hidden_dim", hidden_dim, "RNNNumpy", minimum=1, maximum=MAX_ELEMENTS, error=ShapeError)
        # U and V are each (hidden, vocab): refuse a size that cannot be allocated before trying
        check_elements(2 * word_dim * hidden_dim + hidden_dim**2, f"word_dim {word_dim} x hidden_dim {hidden_dim}",
                       "RNNNumpy", error=ShapeError)
        try:
            dtype = np.dtype(dtype)
        except (TypeError, ValueError):
            raise ShapeError(f"RNNNumpy: dtype must be float32 or float64, got {dtype!r}") from None
        if dtype not in (np.float32, np.float64):
            raise ShapeError(f"RNNNumpy: dtype must be float32 or float64, got {dtype}")
        self.word_dim, self.hidden_dim = word_dim, hidden_dim
        self.bptt_truncate = _check_truncate(bptt_truncate)
        rng = check_seed(seed, "RNNNumpy")
        u, h = 1.0 / np.sqrt(word_dim), 1.0 / np.sqrt(hidden_dim)
        self.U = rng.uniform(-u, u, (hidden_dim, word_dim)).astype(dtype)
        self.V = rng.uniform(-h, h, (word_dim, hidden_dim)).astype(dtype)
        self.W = rng.uniform(-h, h, (hidden_dim, hidden_dim)).astype(dtype)

    @classmethod
    def _from_arrays(cls, U, V, W, bptt_truncate):
        out = cls.__new__(cls)
        out.U, out.V, out.W = U, V, W
        out.hidden_dim, out.word_dim = U.shape
        out.bptt_truncate = _check_truncate(bptt_truncate)
        return out

    # ------------------------------------------------------------------------------------------
    # rnnlib view

    @property
    def dtype(self):
        return self.U.dtype

    @property
    def parameters(self):
        """The model as an rnnlib ``lm`` parameters dict: Wax = U, Waa = W, Wya = V (the same
        arrays, not copies) and zero biases b, by."""
        return {"Wax": self.U, "Waa": self.W, "Wya": self.V,
                "b": np.zeros((self.hidden_dim, 1), self.dtype), "by": np.zeros((self.word_dim, 1), self.dtype)}

    def to_language_model(self, vocab, config=None):
        """A ``LanguageModel`` (copied parameters, zero biases) that ``rnnlib.save_model`` can write."""
        from ..data.words import WordVocab
        from ..training.language_model import LanguageModel

        check_instance("vocab", vocab, WordVocab, "RNNNumpy.to_language_model", error=VocabularyError)
        if config is not None and not isinstance(config, dict):
            raise ShapeError(f"RNNNumpy.to_language_model: config must be a dict or None, got {type(config).__name__}")
        if len(vocab) != self.word_dim:
            raise VocabularyError(f"the vocabulary has {len(vocab)} tokens, the model {self.word_dim}")
        params = {k: v.copy() for k, v in self.parameters.items()}
        return LanguageModel(params, vocab, {"model": "RNNNumpy", "bptt_truncate": self.bptt_truncate, **(config or {})})

    @classmethod
    def from_language_model(cls, model, bptt_truncate=4):
        """The RNNNumpy inside a one-layer RNN ``LanguageModel`` whose biases are zero (e.g. loaded
        from a file ``to_language_model`` wrote).  ShapeError for any other model."""
        from ..training.language_model import LanguageModel

        where = "RNNNumpy.from_language_model"
        check_instance("model", model, LanguageModel, where, error=ShapeError)
        cell, layers, n_a, _ = lm.check_parameters(model.parameters, where)
        p = model.parameters
        if cell != "rnn" or layers != 1:
            raise ShapeError(f"RNNNumpy.from_language_model: need a one-layer rnn, got {layers} layer(s) of {cell}")
        if np.any(p["b"]) or np.any(p["by"]):
            raise ShapeError("RNNNumpy.from_language_model: the model has non-zero biases, which RNNNumpy lacks")
        U, W, V = (np.array(p[k]) for k in ("Wax", "Waa", "Wya"))
        config = model.config if isinstance(model.config, dict) else {}
        return cls._from_arrays(U, V, W, config.get("bptt_truncate", bptt_truncate))

    # ------------------------------------------------------------------------------------------
    # Forward

    def _check_x(self, x, name="x"):
        # a string, a ragged list or a float array is not a sentence of ids; numpy would say so
        # only deep inside (or build an object array); say it here, naming the argument
        if isinstance(x, (str, bytes, dict)) or x is None:
            raise ShapeError(f"RNNNumpy: {name} must be a non-empty 1-D sequence of word ids, got {type(x).__name__}")
        try:
            x = np.asarray(x)
        except (TypeError, ValueError, OverflowError):
            raise ShapeError(f"RNNNumpy: {name} must be a flat sequence of word ids (not ragged)") from None
        if x.ndim != 1 or x.size == 0:
            raise ShapeError(f"RNNNumpy: {name} must be a non-empty 1-D sequence of word ids, got shape {x.shape}")
        if not np.issubdtype(x.dtype, np.integer):
            raise VocabularyError(f"RNNNumpy: {name} must hold integer word ids, got dtype {x.dtype}")
        if x.min() < 0 or x.max() >= self.word_dim:
            raise VocabularyError(f"RNNNumpy: {name} has ids outside [0, {self.word_dim - 1}] (min {x.min()}, max {x.max()})")
        return x

    def _check_pair(self, x, y):
        x, y = self._check_x(x), self._check_x(y, "y")
        if x.shape != y.shape:
            raise ShapeError(f"RNNNumpy: x has {len(x)} words but y has {len(y)}")
        return x, y

    def _states(self, x):
        """s (T + 1, hidden): s[t] = rnn_step_forward(U[:, x[t]], s[t - 1], W), s[T] = s[-1] = 0."""
        s = np.zeros((len(x) + 1, self.hidden_dim), self.dtype)
        xw = self.U[:, x].T  # (T, hidden): one gather instead of T one-hot products
        for t in range(len(x)):
            s[t] = rnn_step_forward(xw[t], s[t - 1], self.W)
        return s

    def _outputs(self, S):
        """softmax(V s_t) for every row of S (T, hidden), as (T, word_dim): one matrix product.

        The softmax is rnnlib's, along rows (time steps here) and in place, so the 8,000-wide
        scores are not copied three times.
        """
        return softmax(S @ self.V.T, axis=1, inplace=True)

    def forward_propagation(self, x):
        """(o, s) for one sentence x (T word ids).

        o: (T, word_dim), row t is the predicted distribution of word t + 1.
        s: (T + 1, hidden_dim), row t the hidden state after word t; the last row, s[-1], is the
           zero starting state.
        """
        x = self._check_x(x)
        s = self._states(x)
        return self._outputs(s[:-1]), s

    def predict(self, x):
        """The most likely next word after each prefix of x: (T,) int ids."""
        o, _ = self.forward_propagation(x)
        return np.argmax(o, axis=1)

    def calculate_total_loss(self, X, Y):
        """Sum of -log o_t[y_t] over every word of every sentence (lists X, Y of id arrays)."""
        return total_loss(self.parameters, *self._check_lists(X, Y))[0]

    def calculate_loss(self, X, Y):
        """Mean -log o_t[y_t] per word (nats), over all words of all sentences.

        A fresh model spreads its bets evenly, so this starts near ln(word_dim).
        """
        loss_sum, count = total_loss(self.parameters, *self._check_lists(X, Y))
        return loss_sum / count

    def _check_lists(self, X, Y):
        X = check_sequence("X", X, "RNNNumpy", error=ShapeError, what="a list of sentences (id arrays)")
        Y = check_sequence("Y", Y, "RNNNumpy", error=ShapeError, what="a list of sentences (id arrays)")
        if len(X) != len(Y):
            raise ShapeError(f"RNNNumpy: need equally many inputs and targets, at least one; got {len(X)} and {len(Y)}")
        pairs = [self._check_pair(x, y) for x, y in zip(X, Y)]
        return [x for x, _ in pairs], [y for _, y in pairs]

    # ------------------------------------------------------------------------------------------
    # Backward

    def _gradients(self, x, y, scale=1.0):
        """(dZ (hidden, T), dV, dW) of ``scale`` x the sentence's summed loss; dZ[:, k] is the
        gradient on step k's pre-activation, which is also U's gradient column for word x[k].
        Scaling the output error by the learning rate first scales every gradient for free."""
        T = len(x)
        s = self._states(x)
        S = s[:T]
        d_out = self._outputs(S)
        d_out[np.arange(T), y] -= 1.0  # softmax minus one-hot(y): d loss / d (V s_t)
        if scale != 1.0:
            d_out *= scale
        d_s = d_out @ self.V  # (T, hidden): each output's error arriving at its hidden state
        dZ = self._back_through_time(d_s, s)
        dW = dZ @ s[np.arange(-1, T - 1)]  # step k's input state is s[k - 1] (s[-1] = 0)
        dV = d_out.T @ S
        return dZ, dV, dW

    def _back_through_time(self, d_s, s):
        T = len(d_s)
        lags = T - 1 if self.bptt_truncate is None else min(self.bptt_truncate, T - 1)
        dZ = np.zeros((self.hidden_dim, T), self.dtype)
        if lags == T - 1:  # nothing is cut off: ordinary BPTT, one error vector
            da = np.zeros(self.hidden_dim, self.dtype)
            for t in reversed(range(T)):
                dZ[:, t], da = rnn_step_backward(d_s[t] + da, s[t], self.W)
            return dZ
        # Truncated: column i of `chains` is output (i + lag)'s error, now at step i.
        chains = d_s.T
        for lag in range(lags + 1):
            dxw, da_prev = rnn_step_backward(chains, s[: T - lag].T, self.W)
            dZ[:, : T - lag] += dxw
            chains = da_prev[:, 1:]  # one step further back; the chain at step 0 stops
        return dZ

    def bptt(self, x, y):
        """(dU, dV, dW): gradients of the sentence's summed loss, truncated as ``bptt_truncate`` says."""
        x, y = self._check_pair(x, y)
        dZ, dV, dW = self._gradients(x, y)
        dU = lm.scatter_columns(dZ, x, self.word_dim)  # a word that occurs twice collects both columns
        return dU, dV, dW

    def sgd_step(self, x, y, learning_rate):
        """One step of plain gradient descent on one sentence (parameters updated in place).

        Only the columns of U that belong to the sentence's words change, so U is never swept whole.
        """
        x, y = self._check_pair(x, y)
        learning_rate = check_real("learning_rate", learning_rate, "RNNNumpy.sgd_step", positive=True, error=ShapeError)
        dZ, dV, dW = self._gradients(x, y, scale=learning_rate)
        self.V -= dV
        self.W -= dW
        np.subtract.at(self.U, (slice(None), x), dZ)

    def gradient_check(self, x, y, h=0.001, error_threshold=0.01, verbose=False):
        """Compare ``bptt`` with centred differences ``(L(p + h) - L(p - h)) / 2h`` of the summed loss.

        Runs on a float64 copy (the model is untouched) and checks every element of U, V, W by the
        relative error ``|a - n| / (|a| + |n|)`` (0 where both are 0).  The check only makes sense
        when ``bptt_truncate`` does not cut anything off (>= len(x) - 1, or None), as in the
        tutorial's check with ``bptt_truncate=1000``; otherwise it fails by design.
        Returns {"U": worst error, "V": ..., "W": ...}; raises GradientCheckFailed naming the
        parameter, the element, both values and the error when one exceeds ``error_threshold``.
        verbose: print one line per parameter.  Costs two forward passes per parameter element:
        use a small vocabulary (the tutorial's check uses 100 words, hidden size 10).
        """
        x, y = self._check_pair(x, y)
        where = "RNNNumpy.gradient_check"
        h = check_real("h", h, where, positive=True, error=ShapeError)
        error_threshold = check_real("error_threshold", error_threshold, where, minimum=0.0, error=ShapeError)
        # two forward passes per parameter element: a big model would run for hours
        check_elements(self.U.size + self.V.size + self.W.size, "a gradient check of every U, V, W element", where,
                       error=ShapeError)
        model = RNNNumpy._from_arrays(*(np.array(getattr(self, k), np.float64) for k in "UVW"), self.bptt_truncate)

        def loss():
            o, _ = model.forward_propagation(x)
            return -np.log(o[np.arange(len(y)), y]).sum()

        worst = {}
        for name, analytic in zip("UVW", model.bptt(x, y)):
            numeric = numerical_gradient(loss, getattr(model, name), h)
            denom = np.abs(analytic) + np.abs(numeric)
            error = np.abs(analytic - numeric) / np.where(denom > 0, denom, 1.0)
            error[~(np.isfinite(analytic) & np.isfinite(numeric))] = np.inf  # NaN never passes
            i = np.unravel_index(np.argmax(error), error.shape)
            worst[name] = float(error[i])
            if verbose:
                print(f"{name}: {error.size} elements, largest relative error {worst[name]:.3g} at {tuple(map(int, i))}")
            if not worst[name] <= error_threshold:  # a NaN error fails too
                hint = ""
                if self.bptt_truncate is not None and self.bptt_truncate < len(x) - 1:
                    hint = (f"; bptt_truncate={self.bptt_truncate} < len(x) - 1 = {len(x) - 1}, so bptt is "
                            "truncated and not the exact gradient: check with a larger bptt_truncate")
                raise GradientCheckFailed(
                    f"gradient check failed for {name}{tuple(map(int, i))}: backpropagation {analytic[i]:.6g}, "
                    f"numerical {numeric[i]:.6g}, relative error {worst[name]:.3g} > {error_threshold}{hint}"
                )
        return worst

    # ------------------------------------------------------------------------------------------
    # Training and generation

    def train_with_sgd(self, X_train, y_train, learning_rate=0.005, nepoch=100, evaluate_loss_after=5,
                       verbose=False):
        """The tutorial's training loop: plain SGD, one sentence per step, in the given order.

        Before epochs 0, k, 2k, ... (k = ``evaluate_loss_after``) and once more after the last
        epoch, the mean loss per word on the whole training set is computed; when it is higher than
        at the previous evaluation the learning rate is halved.  Returns an ``SGDHistory``.
        verbose: print each evaluation.  Raises TrainingDiverged if the loss stops being finite.
        """
        X_train, y_train = self._check_lists(X_train, y_train)
        where = "train_with_sgd"
        nepoch = check_int("nepoch", nepoch, where, minimum=0, error=ShapeError)
        evaluate_loss_after = check_int("evaluate_loss_after", evaluate_loss_after, where, minimum=1, error=ShapeError)
        learning_rate = check_real("learning_rate", learning_rate, where, positive=True, error=ShapeError)
        history, seen = SGDHistory(), 0

        def evaluate(epoch):
            nonlocal learning_rate
            loss = self.calculate_loss(X_train, y_train)
            if not math.isfinite(loss):
                raise TrainingDiverged(f"the training loss became {loss} after {seen} sentences; use a smaller learning_rate")
            halve = bool(history.loss) and loss > history.loss[-1]
            if halve:
                learning_rate *= 0.5
            for key, value in (("examples_seen", seen), ("epoch", epoch), ("loss", loss),
                               ("learning_rate", learning_rate), ("halved", halve)):
                getattr(history, key).append(value)
            if verbose:
                print(f"epoch {epoch}, {seen} sentences seen: loss {loss:.4f}"
                      + (f"; loss went up, learning rate halved to {learning_rate:g}" if halve else ""))

        for epoch in range(nepoch):
            if epoch % evaluate_loss_after == 0:
                evaluate(epoch)
            for x, y in zip(X_train, y_train):
                self.sgd_step(x, y, learning_rate)
                seen += 1
        evaluate(nepoch)
        return history

    def generate_sentence(self, vocab, rng=None, min_length=7, max_length=100, max_tries=100):
        """One sentence (a list of words, without the markers) drawn from the model.

        The tutorial's rules: start from SENTENCE_START, draw each next word from o_t, draw again
        whenever UNKNOWN_TOKEN comes up (here: its probability is set to 0, which is the same
        distribution), stop at SENTENCE_END, and keep only sentences of at least ``min_length``
        words.  See ``generate_sentence`` (the function) for the rest.
        """
        from ..data.words import WordVocab

        check_instance("vocab", vocab, WordVocab, "RNNNumpy.generate_sentence", error=VocabularyError)
        return generate_sentence(self.parameters, vocab, rng, min_length, max_length, max_tries, start_id=vocab.start_id)


#: The most words ``generate_sentence`` may draw in all its tries (max_length x max_tries).
MAX_GENERATED_WORDS = 10**6


def generate_sentence(parameters, vocab, rng=None, min_length=7, max_length=100, max_tries=100, start_id=-1):
    """Draw one sentence from a one-layer rnnlib language model over a ``WordVocab``.

    parameters: an ``rnnlib.core.lm`` dict (an RNNNumpy's ``parameters`` or a trained LanguageModel's).
    rng: a ``np.random.Generator`` or an int seed.  start_id: the first input: -1 (the zero vector,
    as ``rnnlib.train`` trains) or ``vocab.start_id`` (as the tutorial trains).
    Words are drawn until SENTENCE_END; UNKNOWN_TOKEN and SENTENCE_START are never drawn.  A draw
    that runs past ``max_length`` words without ending, or ends before ``min_length`` words, is
    thrown away and drawn again, at most ``max_tries`` times in all; then SamplingError.
    Returns the list of words.
    """
    from ..data.words import WordVocab

    where = "generate_sentence"
    if not (_is_int(min_length) and _is_int(max_length) and _is_int(max_tries) and 0 <= min_length <= max_length and max_tries >= 1):
        raise SamplingError(f"need 0 <= min_length <= max_length and max_tries >= 1, got {min_length!r}, {max_length!r}, {max_tries!r}")
    # each try steps the model up to max_length + 1 times: cap the total work, which no real
    # sentence comes near (the tutorial draws sentences of 7 to 100 words in 100 tries)
    check_int("max_length * max_tries", max_length * max_tries, where, maximum=MAX_GENERATED_WORDS, error=SamplingError)
    check_instance("vocab", vocab, WordVocab, where, error=VocabularyError)
    _, _, _, V = lm.check_parameters(parameters, where)
    if len(vocab) != V:
        raise VocabularyError(f"the vocabulary has {len(vocab)} tokens, the model {V}")
    start_id = check_int("start_id", start_id, where, minimum=-1, maximum=V - 1, error=VocabularyError)
    rng = check_seed(rng, where, error=SamplingError)
    banned = [vocab.unknown_id, vocab.start_id]
    for _ in range(max_tries):
        ids, current, state = [], np.array([start_id]), None
        for _ in range(max_length + 1):
            logits, state = lm.step(parameters, current, state)
            p = softmax(logits[:, 0].astype(np.float64))
            p[banned] = 0.0
            word = int(rng.choice(len(p), p=p / p.sum()))
            if word == vocab.end_id:
                break
            ids.append(word)
            current = np.array([word])
        else:
            continue  # no SENTENCE_END within max_length words
        if len(ids) >= min_length:
            return vocab.ids_to_tokens(ids)
    raise SamplingError(f"no sentence of {min_length} to {max_length} words ending in {vocab.tokens[vocab.end_id]} "
                        f"in {max_tries} tries; an untrained model rarely ends a sentence: train it, or allow more tries")


# ----------------------------------------------------------------------------------------------
# Loss over many sentences


def total_loss(parameters, X, Y, max_columns=512):
    """(summed -log p(target), number of targets) of an rnnlib ``lm`` model over many sequences.

    X, Y: lists of equally long int arrays (inputs and targets; an input of -1 is the zero vector).
    Sequences are sorted by length and padded into batches of at most ``max_columns`` time steps
    in all, so a vocabulary of 8,000 costs tens of MB, not gigabytes.
    """
    for name, seqs in (("X", X), ("Y", Y)):
        if not isinstance(seqs, (list, tuple)):
            raise ShapeError(f"total_loss: {name} must be a list of id arrays, got {type(seqs).__name__}")
    X = [s if isinstance(s, np.ndarray) and s.dtype.kind in "iu" and s.ndim == 1 else check_ids("each X sequence", s, "total_loss")
         for s in X]
    Y = [s if isinstance(s, np.ndarray) and s.dtype.kind in "iu" and s.ndim == 1 else check_ids("each Y sequence", s, "total_loss")
         for s in Y]
    max_columns = check_int("max_columns", max_columns, "total_loss", minimum=1)
    if len(X) != len(Y):
        raise ShapeError(f"total_loss: {len(X)} inputs but {len(Y)} targets")
    order = sorted(range(len(X)), key=lambda i: len(X[i]))
    loss_sum, count, start = 0.0, 0, 0
    while start < len(order):
        stop = start + 1
        while stop < len(order) and len(X[order[stop]]) * (stop + 1 - start) <= max_columns:
            stop += 1
        batch = order[start:stop]
        T = len(X[batch[-1]])
        Xb = np.full((T, len(batch)), -1, dtype=np.int64)
        Yb = np.full((T, len(batch)), -1, dtype=np.int64)
        for j, i in enumerate(batch):
            if len(X[i]) != len(Y[i]):
                raise ShapeError(f"total_loss: sequence {i} has {len(X[i])} inputs but {len(Y[i])} targets")
            Xb[: len(X[i]), j], Yb[: len(Y[i]), j] = X[i], Y[i]
        part, n, _ = lm.forward(parameters, Xb, Yb)
        loss_sum, count, start = loss_sum + part, count + n, stop
    return loss_sum, count


def lm_pairs(sequences, end_id, start_id=-1):
    """(X, Y) for sentences of word ids the way ``rnnlib.train_sequences`` trains them:
    x = [start_id, w1..wn], y = [w1..wn, end_id]; start_id -1 is the zero input."""
    if not isinstance(sequences, (list, tuple)):
        raise CorpusError(f"lm_pairs: sequences must be a list of id arrays, got {type(sequences).__name__}")
    sequences = [check_ids("each sequence", s, "lm_pairs") for s in sequences]
    end_id = check_int("end_id", end_id, "lm_pairs", minimum=-1, maximum=2**62, error=VocabularyError)
    start_id = check_int("start_id", start_id, "lm_pairs", minimum=-1, maximum=2**62, error=VocabularyError)
    X = [np.concatenate(([start_id], s)).astype(np.int64) for s in sequences]
    Y = [np.concatenate((s, [end_id])).astype(np.int64) for s in sequences]
    return X, Y


def perplexity(parameters, X, Y):
    """exp(mean nats per word) of an ``lm`` model on (X, Y) (see ``total_loss``)."""
    loss_sum, count = total_loss(parameters, X, Y)
    if count == 0:
        raise CorpusError("perplexity: X and Y hold no target to score")
    return math.exp(loss_sum / count)


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_truncate(bptt_truncate):
    if bptt_truncate is not None and not (_is_int(bptt_truncate) and bptt_truncate >= 0):
        raise ShapeError(f"RNNNumpy: bptt_truncate must be None or an integer >= 0, got {bptt_truncate!r}")
    return None if bptt_truncate is None else int(bptt_truncate)
