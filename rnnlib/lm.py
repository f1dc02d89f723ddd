"""A character (or word) language model on the RNN cell: the one forward/backward both the course's
``optimize`` (one name, ``m = 1``) and the fast trainer (a padded batch, ``m = 32``...) call.

Inputs are integer ids rather than one-hot vectors: ``Wax @ one_hot(i)`` is column ``i`` of ``Wax``,
so the input projection of every time step is a single gather, done before the time loop.

Conventions
-----------
* ``X``: (T, m) int input ids; ``-1`` means "no input", the zero vector the course feeds at t = 0
  (its ``X[0] = None``).
* ``Y``: (T, m) int target ids; ``-1`` marks padding: that position adds nothing to the loss or the
  gradients.  Padding must come after a sequence's last real target (post-padding), so padded
  steps never feed gradient back into real ones.
* Parameters use the Dinosaur Island names: ``Wax (n_a, V)``, ``Waa (n_a, n_a)``, ``Wya (V, n_a)``,
  ``b (n_a, 1)``, ``by (V, 1)``; gradients the same names with a ``d`` in front.
* Internally hidden states are stored hidden-major, ``(n_a, T, m)``: one time step is an
  ``(n_a, m)`` slice that BLAS reads in place, and all steps flatten to ``(n_a, T*m)`` without a
  copy for the output layer and the weight gradients.
"""
import numpy as np

from .cells.rnn import rnn_step_backward, rnn_step_forward
from .checks import get_params, raise_shape
from .errors import ShapeError, VocabularyError
from .functional import softmax

PARAM_NAMES = ("Wax", "Waa", "Wya", "b", "by")


def init_parameters(vocab_size, n_a, seed=0, dtype=np.float32):
    """Random parameters for the trainer (not the course's 0.01 scale, which learns slowly).

    Weights are drawn N(0, 1/fan_in) from ``np.random.default_rng(seed)``, except the recurrent
    ``Waa`` at half that scale, which gave a lower best validation loss on the dinosaur names in a
    small sweep (hidden 50, Adam 0.005, four seeds).  Biases are zero.
    Returns a dict with the Dinosaur Island keys and shapes (see the module docstring).
    """
    if vocab_size < 2 or n_a < 1:
        raise ShapeError(f"init_parameters: need vocab_size >= 2 and n_a >= 1, got {vocab_size}, {n_a}")
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype).type

    def draw(rows, cols, fan_in):
        return (rng.standard_normal((rows, cols)) / np.sqrt(fan_in)).astype(dtype)

    return {
        "Wax": draw(n_a, vocab_size, 1.0),  # one-hot input: a column is the whole pre-activation
        "Waa": draw(n_a, n_a, n_a) * dtype(0.5),
        "Wya": draw(vocab_size, n_a, n_a),
        "b": np.zeros((n_a, 1), dtype),
        "by": np.zeros((vocab_size, 1), dtype),
    }


def check_ids(name, ids, vocab_size, allow_minus_one, where):
    """Raise VocabularyError unless ``ids`` are ints in [0, vocab_size) (or -1 where allowed)."""
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise_shape(name, ids, "(T, m)", where)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise VocabularyError(f"{where}: {name} must hold integer ids, got dtype {ids.dtype}")
    low = -1 if allow_minus_one else 0
    if ids.size and (ids.min() < low or ids.max() >= vocab_size):
        raise VocabularyError(
            f"{where}: {name} has ids outside [{low}, {vocab_size - 1}] "
            f"(min {ids.min()}, max {ids.max()}); vocabulary size is {vocab_size}"
        )
    return ids


def forward(parameters, X, Y, a0=None):
    """Forward pass and summed cross-entropy.

    X, Y: (T, m) int ids (see module docstring); a0: (n_a, m) or None for zeros.
    Returns (loss_sum, count, cache): the sum of -log p(target) over real (non-padding) positions,
    how many positions that is, and what ``backward`` needs.  Mean loss per character is
    ``loss_sum / count`` (nats).
    """
    Wax, Waa, Wya, b, by = get_params(parameters, PARAM_NAMES, "lm.forward")
    n_a, V = Wax.shape
    X = check_ids("X", X, V, True, "lm.forward")
    Y = check_ids("Y", Y, V, True, "lm.forward")
    if X.shape != Y.shape:
        raise ShapeError(f"lm.forward: X has shape {X.shape} but Y has shape {Y.shape}")
    T, m = X.shape
    A = np.empty((n_a, T + 1, m), dtype=Waa.dtype)  # A[:, t+1] is a<t>; A[:, 0] is a0
    A[:, 0] = 0.0 if a0 is None else a0
    xw = Wax[:, X] * (X >= 0) + b[:, :, None]  # (n_a, T, m); id -1 -> zero input
    for t in range(T):
        A[:, t + 1] = rnn_step_forward(xw[:, t], A[:, t], Waa)
    H = A[:, 1:].reshape(n_a, T * m)
    P = softmax(Wya @ H + by)  # (V, T*m)
    y = Y.reshape(-1)
    real = np.flatnonzero(y >= 0)
    loss_sum = float(-np.log(P[y[real], real]).sum())
    cache = (parameters, X, y, real, A, P)
    return loss_sum, len(real), cache


def backward(cache, da_last=None):
    """Gradients of ``forward``'s loss_sum.

    da_last: optional (n_a, m) gradient arriving on the final hidden state (zero by default).
    Returns (grads, da0): grads has dWax, dWaa, dWya, db, dby (parameter shapes); da0 (n_a, m).
    """
    parameters, X, y, real, A, P = cache
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_a, T1, m = A.shape
    T = T1 - 1
    dZ = P.copy()
    dZ[y[real], real] -= 1.0  # d(-log softmax)/dz = p - onehot(target)
    if len(real) < len(y):
        dZ[:, y < 0] = 0.0  # padding contributes nothing
    H = A[:, 1:].reshape(n_a, T * m)
    grads = {"dWya": dZ @ H.T, "dby": dZ.sum(axis=1, keepdims=True)}
    dH = (Wya.T @ dZ).reshape(n_a, T, m)
    dXW = np.empty((n_a, T, m), dtype=A.dtype)  # d loss / d pre-activation, every step
    da = np.zeros((n_a, m), dtype=A.dtype) if da_last is None else da_last
    for t in reversed(range(T)):
        dXW[:, t], da = rnn_step_backward(dH[:, t] + da, A[:, t + 1], Waa)
    flat = dXW.reshape(n_a, T * m)
    grads["dWaa"] = flat @ A[:, :-1].reshape(n_a, T * m).T
    grads["db"] = flat.sum(axis=1, keepdims=True)
    grads["dWax"] = scatter_columns(flat, X.reshape(-1), parameters["Wax"].shape[1])
    return grads, da


def scatter_columns(values, ids, n_columns):
    """Sum the columns of ``values`` (n, k) into ``n_columns`` columns chosen by ``ids`` (k,).

    This is ``values @ one_hot(ids).T`` without building the one-hot matrix; ids of -1 are dropped.
    """
    out = np.zeros((n_columns, values.shape[0]), dtype=values.dtype)
    keep = ids >= 0
    np.add.at(out, ids[keep], values[:, keep].T)
    return out.T.copy()


def final_state(cache):
    """The hidden state after the last step, (n_a, m): carry it into the next chunk of text."""
    return cache[4][:, -1].copy()


def hidden_states(cache):
    """All hidden states a<0> ... a<T-1> as (n_a, T, m) (a view into the cache)."""
    return cache[4][:, 1:]


def step(parameters, ids, a_prev):
    """One generation step: feed ids (m,) (-1 = zero input) and get the next-character scores.

    a_prev: (n_a, m).  Returns (logits (V, m), a_next (n_a, m)); softmax(logits) is the
    distribution over the next id.  Samplers call this in their loop.
    """
    Wax, Waa, Wya, b, by = (parameters[k] for k in PARAM_NAMES)
    ids = np.asarray(ids)
    a_next = rnn_step_forward(Wax[:, ids] * (ids >= 0) + b, a_prev, Waa)
    return Wya @ a_next + by, a_next
