"""The vanilla (Elman) RNN cell: ``a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)``.

Two layers of API over one piece of math:

* ``rnn_step_forward`` / ``rnn_step_backward`` are the cell itself, on a pre-projected input
  ``xw = Wax x + ba``.  The batched language model (``rnnlib.lm``) calls these in its time loop.
* ``rnn_cell_forward`` ... ``rnn_backward`` are the course's "Building a RNN step by step" functions,
  with its names, dict keys, shapes and caches; they call the same two steps.

Shapes: ``n_x`` input size, ``n_a`` hidden size, ``n_y`` output size, ``m`` batch, ``T_x`` time steps.
"""
import numpy as np

from ..checks import check_shape, get_params, raise_shape
from ..functional import softmax


def rnn_step_forward(xw, a_prev, Waa):
    """One RNN step on an already projected input.

    xw:     (n_a, m) ``Wax @ x<t> + ba``
    a_prev: (n_a, m) hidden state a<t-1>
    Waa:    (n_a, n_a)
    Returns a_next: (n_a, m).
    """
    return np.tanh(xw + Waa @ a_prev)


def rnn_step_backward(da_next, a_next, Waa):
    """Backward of ``rnn_step_forward``.

    da_next: (n_a, m) dLoss/da<t> (from the output at t and from step t+1)
    a_next:  (n_a, m) the a<t> that the forward step returned
    Waa:     (n_a, n_a)
    Returns (dxw, da_prev): dxw (n_a, m) is dLoss/d(pre-activation), which is also dLoss/dxw and
    dLoss/dba per example; da_prev (n_a, m) flows to step t-1.  The weight gradients are
    ``dxw @ x.T`` and ``dxw @ a_prev.T``: callers form them, a sequence model once for all steps.
    """
    dxw = (1.0 - a_next * a_next) * da_next  # tanh' = 1 - tanh^2
    return dxw, Waa.T @ dxw


# ----------------------------------------------------------------------------------------------
# The course's functions ("Building a Recurrent Neural Network - Step by Step")
# ----------------------------------------------------------------------------------------------

_CELL_KEYS = ("Wax", "Waa", "Wya", "ba", "by")


def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the course's RNN cell with its softmax output.

    xt: (n_x, m); a_prev: (n_a, m); parameters: dict with Wax (n_a, n_x), Waa (n_a, n_a),
    Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    Returns (a_next (n_a, m), yt_pred (n_y, m), cache) with cache = (a_next, a_prev, xt, parameters).
    """
    where = "rnn_cell_forward"
    Wax, Waa, Wya, ba, by = get_params(parameters, _CELL_KEYS, where)
    for name, array in (("Waa", Waa), ("Wax", Wax), ("Wya", Wya)):
        check_shape(name, array, (None, None), where)
    n_a, n_x, n_y = Waa.shape[0], Wax.shape[1], Wya.shape[0]  # sizes come from the weights
    for name, array, shape in (("Waa", Waa, (n_a, n_a)), ("Wax", Wax, (n_a, n_x)), ("Wya", Wya, (n_y, n_a)),
                               ("ba", ba, (n_a, 1)), ("by", by, (n_y, 1)), ("a_prev", a_prev, (n_a, None))):
        check_shape(name, array, shape, where)
    check_shape("xt", xt, (n_x, a_prev.shape[1]), where)
    a_next = rnn_step_forward(Wax @ xt + ba, a_prev, Waa)
    yt_pred = softmax(Wya @ a_next + by)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters):
    """Run the course's RNN cell over a sequence.

    x: (n_x, m, T_x); a0: (n_a, m).
    Returns (a (n_a, m, T_x), y_pred (n_y, m, T_x), caches) with caches = (list of cell caches, x).
    """
    Wya = get_params(parameters, ("Wya",), "rnn_forward")[0]
    if np.ndim(x) != 3:
        raise_shape("x", x, "(n_x, m, T_x)", "rnn_forward")
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((Wya.shape[0], m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    """Backward of ``rnn_cell_forward``'s hidden state (the course leaves the output out).

    da_next: (n_a, m); cache from ``rnn_cell_forward``.
    Returns dict dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = get_params(parameters, ("Wax", "Waa"), "rnn_cell_backward")
    check_shape("da_next", da_next, a_next.shape, "rnn_cell_backward")
    dz, da_prev = rnn_step_backward(da_next, a_next, Waa)
    return {
        "dxt": Wax.T @ dz,
        "da_prev": da_prev,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": dz.sum(axis=1, keepdims=True),
    }


def rnn_backward(da, caches):
    """Backpropagation through time for ``rnn_forward``.

    da: (n_a, m, T_x) upstream gradient on every hidden state; caches from ``rnn_forward``.
    Returns dict dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa, dba.
    """
    cell_caches, x = caches
    if np.ndim(da) != 3 or da.shape[2] != len(cell_caches):
        raise_shape("da", da, f"(n_a, m, {len(cell_caches)})", "rnn_backward")
    n_a, m, T_x = da.shape
    Wax, Waa = get_params(cell_caches[0][3], ("Wax", "Waa"), "rnn_backward")
    dx = np.zeros((Wax.shape[1], m, T_x))
    grads = {"dWax": np.zeros_like(Wax), "dWaa": np.zeros_like(Waa), "dba": np.zeros((n_a, 1))}
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for k in grads:
            grads[k] += step[k]
    return {"dx": dx, "da0": da_prev, **grads}
