"""Dinosaur Island (deeplearning.ai, Sequence Models week 1), function by function.

Names, arguments, dict keys and printouts follow the course so students can compare numbers.
Nothing here holds its own copy of the math: the forward/backward pass is ``rnnlib.core.lm`` (the same
one the fast trainer uses, here with a batch of one name) and the cell is ``rnnlib.core.cells.rnn``.

Editions.  Students hold different editions of the assignment, and each one's calls work as written:

* the RNN bias is ``b`` (gradient ``db``) in the published dicts; ``ba`` / ``dba``, the step-by-step
  assignment's spelling, is accepted too, and every function answers in the spelling it was given;
* ``clip`` clips in place and returns the five clipped arrays (2018); the 2021 edition copies first, but
  its checks only read the returned dict, which is the same;
* ``model`` takes the whole text and returns the parameters (2018: ``model(data, ...)``), or a list of
  names and returns ``(parameters, last_dino_name)`` (2021: ``model(data.split("\\n"), ...)``), with the
  2020/2021 ``verbose`` printout either way;
* ``get_sample`` (2021's utils) returns what ``print_sample`` (2018's) prints.
"""
import math

import numpy as np

from ..core import lm
from ..core.cells.rnn import rnn_step_forward
from ..core.checks import check_elements, check_finite, check_int, check_shape, get_params, is_real
from ..core.functional import softmax
from ..core.optim import clip_by_value
from ..errors import ConfigError, CorpusError, SamplingError, ShapeError, VocabularyError

#: ``model``'s caps: the course trains 22,001 or 35,000 iterations (about 0.3 ms each here, one name per
#: step) and prints 7 names.  A million iterations is some five minutes; beyond it, or beyond 1,000 names
#: per printout, a call is refused rather than left running for hours.
MAX_ITERATIONS = 1_000_000
MAX_DINO_NAMES = 1_000
BIAS_SPELLINGS = ("b", "ba")  # the published name, and the step-by-step notebook's


def _bias_key(parameters, where, prefix=""):
    """Which spelling of the RNN bias ``parameters`` uses: prefix + "b" or prefix + "ba"."""
    if not isinstance(parameters, dict):
        raise ShapeError(f"{where}: expected a dict, got {type(parameters).__name__}")
    found = [prefix + k for k in BIAS_SPELLINGS if prefix + k in parameters]
    if len(found) == 2:
        raise ShapeError(f"{where}: the dict has both {found[0]!r} and {found[1]!r}; give the RNN bias once")
    if not found:
        raise ShapeError(f"{where}: the dict is missing the RNN bias {prefix}b (or {prefix}ba); "
                         f"it has {', '.join(repr(k) for k in parameters) or 'nothing'}")
    return found[0]


def _as_lm_parameters(parameters, where):
    """The Dinosaur Island dict under ``rnnlib.core.lm``'s names (the same arrays, not copies), and
    the bias spelling the caller used."""
    bias = _bias_key(parameters, where)
    Wax, Waa, Wya, b, by = get_params(parameters, ("Wax", "Waa", "Wya", bias, "by"), where)
    return {"Wax": parameters["Wax"], "Waa": parameters["Waa"], "Wya": parameters["Wya"], "b": parameters[bias],
            "by": parameters["by"]}, bias


def clip(gradients, maxValue):
    """Clip the five Dinosaur Island gradients element-wise into [-maxValue, maxValue], in place.

    gradients: dict with dWaa, dWax, dWya, db (or dba), dby.  Returns a dict of exactly those five
    arrays, the bias gradient under the name it was given.
    """
    keys = ("dWaa", "dWax", "dWya", _bias_key(gradients, "clip", prefix="d"), "dby")
    five = dict(zip(keys, get_params(gradients, keys, "clip")))
    return clip_by_value(five, maxValue)


def initialize_parameters(n_a, n_x, n_y):
    """The course's initialisation: seed 1, then Wax, Waa, Wya ~ randn * 0.01; zero biases.

    Returns the published dict: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1).
    """
    n_a, n_x, n_y = (check_int(name, v, "initialize_parameters", minimum=1)
                     for name, v in (("n_a", n_a), ("n_x", n_x), ("n_y", n_y)))
    check_elements(n_a * n_x + n_a * n_a + n_y * n_a, f"n_a={n_a}, n_x={n_x}, n_y={n_y}", "initialize_parameters")
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def get_initial_loss(vocab_size, seq_length):
    """Loss of a uniform guess over ``seq_length`` characters: -log(1/vocab_size) * seq_length."""
    check_int("vocab_size", vocab_size, "get_initial_loss", minimum=1)
    check_int("seq_length", seq_length, "get_initial_loss", minimum=0)
    return -np.log(1.0 / vocab_size) * seq_length


def smooth(loss, cur_loss):
    """Exponential moving average used for the printed loss: 0.999 * loss + 0.001 * cur_loss."""
    for name, value in (("loss", loss), ("cur_loss", cur_loss)):
        if not is_real(value):
            raise ConfigError(f"smooth: {name} must be a number, got {value!r}")
    return loss * 0.999 + cur_loss * 0.001


def get_sample(sample_ix, ix_to_char):
    """The sampled characters as a name with its first letter capitalised (the 2021 edition's utils);
    the trailing newline, if sampled, is kept.  No indices give the empty name."""
    if not isinstance(ix_to_char, dict):
        raise VocabularyError(f"print_sample: ix_to_char must be a dict from index to character, "
                              f"got {type(ix_to_char).__name__}")
    if isinstance(sample_ix, (str, bytes, dict)) or not hasattr(sample_ix, "__iter__"):
        raise VocabularyError(f"print_sample: sample_ix must be a list of indices, got {type(sample_ix).__name__}")
    chars = []
    for ix in sample_ix:
        try:
            char = ix_to_char[ix]
        except (KeyError, TypeError):  # unhashable or unknown index
            raise VocabularyError(f"print_sample: index {ix!r} is not in ix_to_char") from None
        if not isinstance(char, str):
            raise VocabularyError(f"print_sample: ix_to_char[{ix!r}] must be a character, got {char!r}")
        chars.append(char)
    txt = "".join(chars)
    return txt[0].upper() + txt[1:] if txt else txt


def print_sample(sample_ix, ix_to_char):
    """Print the sampled characters as a name with its first letter capitalised (no extra newline)."""
    print(get_sample(sample_ix, ix_to_char), end="")


def update_parameters(parameters, gradients, lr):
    """Gradient descent step in place: ``p -= lr * dp`` for Wax, Waa, Wya, b (or ba), by."""
    bias, dbias = _bias_key(parameters, "update_parameters"), _bias_key(gradients, "update_parameters", "d")
    if not is_real(lr) or not math.isfinite(lr):
        raise ConfigError(f"update_parameters: lr must be a finite number, got {lr!r}")
    pairs = (("Wax", "dWax"), ("Waa", "dWaa"), ("Wya", "dWya"), (bias, dbias), ("by", "dby"))
    params = get_params(parameters, [p for p, _ in pairs], "update_parameters")
    grads = get_params(gradients, [g for _, g in pairs], "update_parameters")
    for (name, grad), p, g in zip(pairs, params, grads):
        if not isinstance(parameters[name], np.ndarray):
            raise ShapeError(f"update_parameters: parameter {name} must be a numpy array (it is updated in place)")
        check_shape(grad, g, p.shape, "update_parameters")
    for (name, _), g in zip(pairs, grads):  # the checked arrays: a gradient may arrive as a list
        parameters[name] += -lr * g
    return parameters


def sample(parameters, char_to_ix, seed):
    """Sample one name, the course's way, from the legacy global ``np.random`` state.

    Starts from a zero input and zero hidden state.  At each step it computes a and y, then seeds
    numpy with ``counter + seed`` and draws the next index from y; ``seed`` and ``counter`` both
    grow by one per step.  Stops at the newline or after 50 characters (then appends the newline).
    parameters: the Dinosaur Island dict (bias ``b`` or ``ba``).  Returns the list of sampled indices.
    """
    Waa, Wax, Wya, by, b = get_params(parameters, ("Waa", "Wax", "Wya", "by", _bias_key(parameters, "sample")), "sample")
    if by.ndim != 2 or Waa.ndim != 2:
        raise ShapeError(f"sample: by and Waa must be 2-D, got shapes {by.shape} and {Waa.shape}")
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    for name, array, shape in (("Waa", Waa, (n_a, n_a)), ("Wax", Wax, (n_a, vocab_size)), ("Wya", Wya, (vocab_size, n_a)),
                               ("by", by, (vocab_size, 1)), ("b", b, (n_a, 1))):
        check_shape(name, array, shape, "sample")
        check_finite(name, array, "sample")
    if vocab_size < 1 or n_a < 1:
        raise ShapeError(f"sample: the parameters are empty (vocabulary {vocab_size}, hidden size {n_a})")
    if not isinstance(char_to_ix, dict):
        raise VocabularyError(f"sample: char_to_ix must be a dict from character to index, got {type(char_to_ix).__name__}")
    if "\n" not in char_to_ix:
        raise VocabularyError("sample: char_to_ix has no '\\n', which ends a name")
    newline = char_to_ix["\n"]
    check_int("char_to_ix['\\n']", newline, "sample", minimum=0, maximum=vocab_size - 1, error=VocabularyError)
    # numpy's legacy seed must stay in [0, 2**32 - 1]; seed + counter grows by 2 a step for 50 steps
    seed = check_int("seed", seed, "sample", minimum=0, maximum=2**32 - 1 - 2 * 50, error=SamplingError)
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = -1
    counter = 0
    while idx != newline and counter != 50:
        a = rnn_step_forward(Wax @ x + b, a_prev, Waa)
        y = softmax(Wya @ a + by)
        if not np.all(np.isfinite(y)):
            raise SamplingError("sample: the next-character probabilities overflowed to NaN or infinity "
                                "(the parameters are too large)")
        np.random.seed(counter + seed)
        idx = int(np.random.choice(range(vocab_size), p=y.ravel()))
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(newline)
    return indices


def _as_ids(seq, name):
    """The course's index lists (first X entry may be None) as a (T, 1) id column; None -> -1."""
    try:
        return np.array([[-1 if v is None else int(v)] for v in seq], dtype=np.int64).reshape(-1, 1)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an index beyond int64
        raise VocabularyError(f"{name} must be a list of integer indices (None allowed first), got {seq!r:.80}") from None


def rnn_lm_forward(X, Y, a0, parameters, vocab_size=27):
    """The course's ``utils.rnn_forward``: forward over one name and its summed loss.

    X: list of T input indices (``None`` first = zero input); Y: list of T targets; a0: (n_a, 1).
    Returns (loss, cache).  Renamed here because ``rnn_forward`` is the step-by-step sequence function.
    """
    loss, _, cache = lm.forward(_as_lm_parameters(parameters, "rnn_lm_forward")[0], _as_ids(X, "X"), _as_ids(Y, "Y"), a0)
    return loss, cache


def rnn_lm_backward(X, Y, parameters, cache):
    """The course's ``utils.rnn_backward``: gradients of ``rnn_lm_forward``'s loss.

    Returns (gradients, a) where ``a[t]`` is the hidden state (n_a, 1) after step t and ``a[-1]`` a0.
    gradients has dWax, dWaa, dWya, db (``dba`` if ``parameters`` spells the bias ``ba``), dby and, as
    in the course's utils, ``da_next``: the gradient on a0.
    """
    bias = _bias_key(parameters, "rnn_lm_backward")
    gradients, da0 = lm.backward(cache)
    gradients["d" + bias] = gradients.pop("db")
    gradients["da_next"] = da0
    a = {-1: lm.initial_state(cache)}
    H = lm.hidden_states(cache)
    a.update({t: H[:, t] for t in range(H.shape[1])})
    return gradients, a


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """One training step on one name: forward, backward through time, clip at 5, update in place.

    Returns (loss, gradients, a[len(X)-1]): the summed loss, the clipped gradients and the last
    hidden state (n_a, 1) to carry into the next name.
    """
    loss, cache = rnn_lm_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_lm_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27,
          verbose=False):
    """Train the course's dinosaur-name RNN, one name per step, printing progress like the course.

    data_x: the names, as the 2021 edition passes them (a list: ``data.split("\\n")``), or the whole
        lowercased text, one name per line, as the 2018 edition's ``model(data, ...)`` call does.
    Every 2000 iterations prints the smoothed loss and ``dino_names`` names sampled with seeds 0, 1, ...
    verbose: also print the 2020/2021 edition's look at the first example and at the epoch boundary.
    Caps: num_iterations <= MAX_ITERATIONS (1,000,000), dino_names <= MAX_DINO_NAMES (1,000).
    Returns ``(parameters, last_dino_name)`` for a list of names (2021; the name keeps its newline),
    the parameters alone for a text (2018).  Empty names are skipped.
    """
    num_iterations = check_int("num_iterations", num_iterations, "model", minimum=0, maximum=MAX_ITERATIONS)
    n_a = check_int("n_a", n_a, "model", minimum=1)
    dino_names = check_int("dino_names", dino_names, "model", minimum=0, maximum=MAX_DINO_NAMES)
    vocab_size = check_int("vocab_size", vocab_size, "model", minimum=1)
    if not isinstance(verbose, bool):
        raise ConfigError(f"model: verbose must be True or False, got {verbose!r}")
    for name, d in (("ix_to_char", ix_to_char), ("char_to_ix", char_to_ix)):
        if not isinstance(d, dict):
            raise VocabularyError(f"model: {name} must be a dict, got {type(d).__name__}")
    if isinstance(data_x, str):
        names, as_2021 = data_x.splitlines(), False
    elif isinstance(data_x, (list, tuple)) and all(isinstance(x, str) for x in data_x):
        names, as_2021 = list(data_x), True
    else:
        raise CorpusError(f"model: data_x must be the text or a list of names (strings), got {type(data_x).__name__}")
    examples = [x.strip() for x in names]
    examples = [e for e in examples if e]
    if not examples:
        raise CorpusError("model: the corpus has no names (it is empty or whitespace only)")
    if "\n" not in char_to_ix:
        raise VocabularyError("model: char_to_ix has no '\\n', which ends every name")
    unknown = sorted(set("".join(examples)) - set(char_to_ix))
    if unknown:
        raise VocabularyError(f"model: characters {unknown} are not in char_to_ix")
    for ch, ix in char_to_ix.items():
        if not (isinstance(ch, str) and len(ch) == 1):
            raise VocabularyError(f"model: char_to_ix keys must be single characters, got {ch!r}")
        check_int(f"char_to_ix[{ch!r}]", ix, "model", minimum=0, maximum=vocab_size - 1, error=VocabularyError)
    missing = sorted({ix for ix in char_to_ix.values()} - set(ix_to_char))
    if missing:
        raise VocabularyError(f"model: ix_to_char lacks the indices {missing[:10]} of char_to_ix")
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    newline = char_to_ix["\n"]
    last_dino_name = "abc"  # the 2021 edition's placeholder, returned if nothing was sampled
    for j in range(num_iterations):
        idx = j % len(examples)
        single_example_chars = list(examples[idx])
        single_example_ix = [char_to_ix[ch] for ch in single_example_chars]
        X = [None] + single_example_ix
        Y = X[1:] + [newline]
        if verbose and j in (0, len(examples) - 1, len(examples)):  # the edition's own printout, as printed
            print("j = ", j, "idx = ", idx)
        if verbose and j == 0:
            print("single_example =", examples[idx])
            print("single_example_chars", single_example_chars)
            print("single_example_ix", single_example_ix)
            print(" X = ", X, "\n", "Y =       ", Y, "\n")
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            print("Iteration: %d, Loss: %f" % (j, loss) + "\n")
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
                print(last_dino_name.replace("\n", ""))
            print("\n")
    return (parameters, last_dino_name) if as_2021 else parameters
