"""Dinosaur Island (deeplearning.ai, Sequence Models week 1), function by function.

Names, arguments, dict keys and printouts follow the course so students can compare numbers.
Nothing here holds its own copy of the math: the forward/backward pass is ``rnnlib.core.lm`` (the same
one the fast trainer uses, here with a batch of one name) and the cell is ``rnnlib.core.cells.rnn``.
"""
import numpy as np

from ..core import lm
from ..core.cells.rnn import rnn_step_forward
from ..core.checks import get_params
from ..errors import CorpusError, VocabularyError
from ..core.functional import softmax
from ..core.optim import clip_by_value

_GRAD_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")


def clip(gradients, maxValue):
    """Clip the five Dinosaur Island gradients element-wise into [-maxValue, maxValue], in place.

    gradients: dict with dWaa, dWax, dWya, db, dby.  Returns a dict of exactly those five arrays.
    """
    five = dict(zip(_GRAD_KEYS, get_params(gradients, _GRAD_KEYS, "clip")))
    return clip_by_value(five, maxValue)


def initialize_parameters(n_a, n_x, n_y):
    """The course's initialisation: seed 1, then Wax, Waa, Wya ~ randn * 0.01; zero biases."""
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def get_initial_loss(vocab_size, seq_length):
    """Loss of a uniform guess over ``seq_length`` characters: -log(1/vocab_size) * seq_length."""
    return -np.log(1.0 / vocab_size) * seq_length


def smooth(loss, cur_loss):
    """Exponential moving average used for the printed loss: 0.999 * loss + 0.001 * cur_loss."""
    return loss * 0.999 + cur_loss * 0.001


def print_sample(sample_ix, ix_to_char):
    """Print the sampled characters as a name with its first letter capitalised (no extra newline)."""
    txt = "".join(ix_to_char[ix] for ix in sample_ix)
    print(txt[0].upper() + txt[1:], end="")


def update_parameters(parameters, gradients, lr):
    """Gradient descent step in place: ``p -= lr * dp`` for Wax, Waa, Wya, b, by."""
    for name in lm.PARAM_NAMES:
        parameters[name] += -lr * gradients["d" + name]
    return parameters


def sample(parameters, char_to_ix, seed):
    """Sample one name, the course's way, from the legacy global ``np.random`` state.

    Starts from a zero input and zero hidden state.  At each step it computes a and y, then seeds
    numpy with ``counter + seed`` and draws the next index from y; ``seed`` and ``counter`` both
    grow by one per step.  Stops at the newline or after 50 characters (then appends the newline).
    Returns the list of sampled indices.
    """
    Waa, Wax, Wya, by, b = get_params(parameters, ("Waa", "Wax", "Wya", "by", "b"), "sample")
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    if "\n" not in char_to_ix:
        raise VocabularyError("sample: char_to_ix has no '\\n', which ends a name")
    newline = char_to_ix["\n"]
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = -1
    counter = 0
    while idx != newline and counter != 50:
        a = rnn_step_forward(Wax @ x + b, a_prev, Waa)
        y = softmax(Wya @ a + by)
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
    except (TypeError, ValueError):
        raise VocabularyError(f"{name} must be a list of integer indices (None allowed first), got {seq!r}")


def rnn_lm_forward(X, Y, a0, parameters, vocab_size=27):
    """The course's ``utils.rnn_forward``: forward over one name and its summed loss.

    X: list of T input indices (``None`` first = zero input); Y: list of T targets; a0: (n_a, 1).
    Returns (loss, cache).  Renamed here because ``rnn_forward`` is the step-by-step sequence function.
    """
    loss, _, cache = lm.forward(parameters, _as_ids(X, "X"), _as_ids(Y, "Y"), a0)
    return loss, cache


def rnn_lm_backward(X, Y, parameters, cache):
    """The course's ``utils.rnn_backward``: gradients of ``rnn_lm_forward``'s loss.

    Returns (gradients, a) where ``a[t]`` is the hidden state (n_a, 1) after step t and ``a[-1]`` a0.
    """
    gradients, _ = lm.backward(cache)
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


def model(data, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27):
    """Train the course's dinosaur-name RNN, one name per step, printing progress like the course.

    data: the lowercased corpus text, one name per line.  Every 2000 iterations prints the smoothed
    loss and ``dino_names`` names sampled with seeds 0, 1, ...  Returns the trained parameters.
    """
    examples = [line.strip() for line in data.split("\n")]
    examples = [e for e in examples if e]
    if not examples:
        raise CorpusError("model: the corpus has no names (it is empty or whitespace only)")
    if "\n" not in char_to_ix:
        raise VocabularyError("model: char_to_ix has no '\\n', which ends every name")
    unknown = sorted(set("".join(examples)) - set(char_to_ix))
    if unknown:
        raise VocabularyError(f"model: characters {unknown} are not in char_to_ix")
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    newline = char_to_ix["\n"]
    for j in range(num_iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)]]
        Y = X[1:] + [newline]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            print("Iteration: %d, Loss: %f" % (j, loss) + "\n")
            for seed in range(dino_names):
                print_sample(sample(parameters, char_to_ix, seed), ix_to_char)
            print("\n")
    return parameters
