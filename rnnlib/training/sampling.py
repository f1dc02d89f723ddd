"""Drawing new names from a trained character model, many at once.

Every name starts the way the course's ``sample`` starts: zero input (id -1) and zero hidden state.
Unlike the course's version, all ``n`` names advance together: each time step is one call to
``rnnlib.core.lm.step`` on an ``(n_a, m)`` batch, where ``m`` is the number of names still being
written (finished names drop out of the batch).  Randomness comes only from a
``np.random.Generator``; the global ``np.random`` state is never read or changed.

Shapes: ``V`` vocabulary size, ``n_a`` hidden size, ``m`` names in the batch; logits and
probabilities are ``(V, m)`` columns as everywhere in rnnlib.

Choices made here
-----------------
* ``temperature`` divides the logits before the softmax: below 1 sharpens, above 1 flattens.  It
  must be a finite number > 0 (temperature -> 0 tends to greedy decoding; use ``top_k=1`` for
  exactly greedy).
* ``top_k`` keeps the ``k`` largest logits of each column (exactly ``k``, ties broken arbitrarily)
  and gives every other id probability 0.  ``None`` (or ``k = V``) means no cut.
* ``prefix`` is fed first, one character per step, without sampling (teacher forcing).  If the
  vocabulary has no uppercase letters the prefix is lowercased first, so "Tyr" works with the
  lowercased dinosaur corpus; otherwise it is used as given.  Returned names include the
  (possibly lowercased) prefix.
* A name ends when ``'\\n'`` is drawn (not included) or when it reaches ``max_length`` characters,
  prefix included.  ``max_length`` must be greater than ``len(prefix)`` so at least one character
  is drawn.  A vocabulary without ``'\\n'`` is allowed: its names always run to ``max_length``.
"""
import math
import numbers

import numpy as np

from ..core import lm
from ..core.checks import check_array, check_elements
from ..errors import SamplingError, ShapeError, VocabularyError
from ..core.functional import softmax

__all__ = ["sample_names", "next_char_distribution", "mark_known", "probabilities"]


# ----------------------------------------------------------------------------------------------
# Validation


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_temperature(temperature):
    ok = isinstance(temperature, numbers.Real) and not isinstance(temperature, bool)
    if not ok or not math.isfinite(temperature) or temperature <= 0:
        raise SamplingError(f"temperature must be a finite number > 0, got {temperature!r}")
    return float(temperature)


def check_top_k(top_k, vocab_size):
    if top_k is None:
        return None
    if not _is_int(top_k) or not 1 <= top_k <= vocab_size:
        raise SamplingError(
            f"top_k must be None or an integer from 1 to the vocabulary size {vocab_size}, got {top_k!r}"
        )
    return int(top_k)


def check_char_model(model, where):
    """``model`` unless it is not a LanguageModel over characters (a word model has no ``chars``)."""
    vocab = getattr(model, "vocab", None)
    if not hasattr(model, "parameters") or vocab is None:
        raise SamplingError(f"{where}: model must be a LanguageModel, got {type(model).__name__}")
    if getattr(vocab, "kind", None) == "words" or not isinstance(getattr(vocab, "chars", None), list):
        raise VocabularyError(f"{where}: this is a word-level model ({type(vocab).__name__}); it samples characters "
                              "only from a character model (use rnnlib.generate_sentence for a word model)")
    lm.check_parameters(model.parameters, where)
    if len(vocab) != model.parameters["Wax"].shape[1]:
        raise VocabularyError(f"{where}: the vocabulary has {len(vocab)} characters, the model "
                              f"{model.parameters['Wax'].shape[1]}")
    return model


def normalise_prefix(vocab, prefix, what="prefix"):
    """The prefix as the model can read it, or an error naming what it cannot.

    If the vocabulary has no uppercase letters (the dinosaur names and the Sonnets are lowercased,
    as in the course), the prefix is lowercased first, so "Tyr" and "Forsooth" work.  Any other
    unknown character raises VocabularyError.  what: how the message names the prefix.
    """
    if not isinstance(prefix, str):
        raise SamplingError(f"{what} must be a string, got {type(prefix).__name__}")
    if not isinstance(getattr(vocab, "chars", None), list):
        raise VocabularyError(f"{what}: a word vocabulary ({type(vocab).__name__}) has no characters to read it with")
    if not any(c.isupper() for c in vocab.chars):
        prefix = prefix.lower()
    missing = vocab.unknown(prefix)
    if missing:
        raise VocabularyError(
            f"{what} {prefix!r} has characters the model does not know: {', '.join(map(repr, missing))}"
            f" (vocabulary: {''.join(vocab.chars)!r})"
        )
    return prefix


def _prefix_ids(vocab, prefix):
    """A name's prefix, normalised, and its ids; a newline (which ends a name) is refused."""
    if isinstance(prefix, str) and "\n" in prefix:
        raise SamplingError("prefix must not contain a newline: a newline ends a name")
    prefix = normalise_prefix(vocab, prefix)
    return prefix, vocab.encode(prefix)


def make_rng(seed, rng):
    if rng is not None:
        if seed is not None:
            raise SamplingError("give either seed or rng, not both")
        if not isinstance(rng, np.random.Generator):
            raise SamplingError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return rng
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise SamplingError(f"seed must be None or a non-negative integer, got {seed!r}") from exc


# ----------------------------------------------------------------------------------------------
# The pieces


def probabilities(logits, temperature=1.0, top_k=None):
    """Turn scores into sampling probabilities.

    logits: (V, m).  Returns (V, m) float64 columns summing to 1, after the top-k cut (ids outside
    the k largest get exactly 0) and the temperature.  The column maximum is subtracted before
    dividing by the temperature, so a tiny temperature gives a clean one-hot, never NaN.
    """
    temperature = check_temperature(temperature)
    z = check_array("logits", logits, "probabilities", finite=False)
    if z.ndim not in (1, 2) or z.shape[0] < 1 or z.size == 0:
        raise ShapeError(f"probabilities: logits must be (V,) or (V, m) scores, got shape {z.shape}")
    z = np.array(z, dtype=np.float64)
    if not np.all(np.isfinite(z)):
        raise SamplingError("the model produced non-finite scores (NaN or inf); is it diverged?")
    V = z.shape[0]
    top_k = check_top_k(top_k, V)
    if top_k is not None and top_k < V:
        dropped = np.argpartition(z, V - top_k - 1, axis=0)[: V - top_k]  # the V-k smallest
        np.put_along_axis(z, dropped, -np.inf, axis=0)
    z -= z.max(axis=0, keepdims=True)
    with np.errstate(over="ignore"):
        z /= temperature
    return softmax(z)


def draw(p, rng):
    """One id per column of p (V, m) by inverse CDF on ``rng.random(m)``; returns (m,) int64.

    The chosen id is the first whose cumulative probability exceeds u, so an id with probability 0
    (equal cumulative sum to its predecessor) is never chosen.  Round-off can leave the last
    cumulative sum below u; then the last id with non-zero probability is taken.
    """
    cdf = np.cumsum(p, axis=0)
    u = rng.random(p.shape[1])
    idx = (cdf <= u).sum(axis=0)
    last_possible = p.shape[0] - 1 - np.argmax(p[::-1] > 0, axis=0)
    return np.minimum(idx, last_possible).astype(np.int64)


def _feed_prefix(parameters, ids, m):
    """Start m names from zero input and zero state and teacher-force ``ids``.

    Returns (logits (V, m), state): the scores for the first character after the prefix, and the
    model's state (one tuple of (n_a, m) arrays per layer).
    """
    a = lm.zero_state(parameters, m)
    logits, a = lm.step(parameters, np.full(m, -1, dtype=np.int64), a)
    for i in ids:
        logits, a = lm.step(parameters, np.full(m, i, dtype=np.int64), a)
    return logits, a


# ----------------------------------------------------------------------------------------------
# Public API


def sample_names(model, n=10, temperature=1.0, top_k=None, prefix="", max_length=50, seed=None, rng=None):
    """Sample ``n`` names from a CharModel.

    model: a ``rnnlib.LanguageModel`` (any cell type and depth).
    n: how many names (>= 1).
    temperature, top_k, prefix, max_length: see the module docstring.
    seed / rng: an int seed for ``np.random.default_rng``, or a Generator to draw from (not both).
        The same seed and arguments give the same names.
    Returns a list of ``n`` strings, each starting with the prefix, without the final newline.
    Raises SamplingError for out-of-range options and VocabularyError for unknown prefix characters.
    """
    vocab = check_char_model(model, "sample_names").vocab
    temperature = check_temperature(temperature)
    top_k = check_top_k(top_k, len(vocab))
    if not _is_int(n) or n < 1:
        raise SamplingError(f"n (how many names) must be an integer >= 1, got {n!r}")
    if _is_int(max_length):
        check_elements(n * max(max_length, 1) + n * len(vocab), f"{n:,} names of up to {max_length:,} characters",
                       "sample_names", error=SamplingError)
    prefix, ids = _prefix_ids(vocab, prefix)
    if not _is_int(max_length) or max_length < 1 or max_length <= len(prefix):
        raise SamplingError(
            f"max_length must be an integer >= 1 and greater than the prefix length {len(prefix)},"
            f" got {max_length!r}"
        )
    rng = make_rng(seed, rng)
    end = vocab.char_to_ix.get("\n", -1)  # -1 never matches a drawn id

    steps = max_length - len(prefix)
    drawn = np.full((n, steps), end, dtype=np.int64)  # unfilled cells read as "ended"
    alive = np.arange(n)  # which names are still being written
    logits, a = _feed_prefix(model.parameters, ids, n)
    for t in range(steps):
        new = draw(probabilities(logits, temperature, top_k), rng)
        drawn[alive, t] = new
        going = new != end
        alive, new = alive[going], new[going]
        a = [tuple(s[:, going] for s in layer) for layer in a]  # finished names leave the batch
        if t + 1 == steps or alive.size == 0:
            break
        logits, a = lm.step(model.parameters, new, a)

    names = []
    for row in drawn:
        stop = np.flatnonzero(row == end)
        names.append(prefix + vocab.decode(row[: stop[0] if stop.size else steps]))
    return names


def next_char_distribution(model, prefix="", temperature=1.0, top_k=None):
    """The probabilities of the next character after ``prefix``, as a (V,) float64 array.

    Index ``i`` is ``model.vocab.chars[i]``.  Same prefix, temperature and top-k rules as
    ``sample_names``; the empty prefix gives the distribution of a name's first character.
    """
    check_char_model(model, "next_char_distribution")
    temperature = check_temperature(temperature)
    top_k = check_top_k(top_k, len(model.vocab))
    _, ids = _prefix_ids(model.vocab, prefix)
    logits, _ = _feed_prefix(model.parameters, ids, 1)
    return probabilities(logits, temperature, top_k)[:, 0]


def mark_known(names, known_names):
    """For each of ``names``, whether it is one of ``known_names`` (case-insensitive, exact).

    known_names: any iterable of strings, e.g. the training names; surrounding whitespace is
    ignored on them.  Returns a list of bools, one per name.
    """
    if isinstance(names, str) or isinstance(known_names, str):
        raise SamplingError("mark_known takes lists of names, not a single string")
    try:
        names, known_names = list(names), list(known_names)
    except TypeError:
        raise SamplingError("mark_known: names and known_names must be lists of strings") from None
    if not all(isinstance(x, str) for x in names + known_names):
        raise SamplingError("mark_known: names and known_names must hold strings only")
    known = {k.strip().casefold() for k in known_names}
    return [name.casefold() in known for name in names]
