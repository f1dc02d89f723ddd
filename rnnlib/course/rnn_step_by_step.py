"""Building a Recurrent Neural Network, step by step (deeplearning.ai, Sequence Models week 1): the RNN part.

The course's functions with its names, dict keys, shapes and caches.  The arithmetic is the one RNN
step of ``rnnlib.core.cells.rnn``, called on the projected input ``Wax @ xt + ba``; this module only
checks the course's arguments, converts its dicts and assembles its caches.

Shapes: ``n_x`` input size, ``n_a`` hidden size, ``n_y`` output size, ``m`` batch, ``T_x`` time steps.
"""
from typing import NamedTuple

import numpy as np

from ..core.cells.rnn import rnn_step_backward, rnn_step_forward
from ..core.checks import check_finite_result, check_numeric_array, check_shape, get_params, raise_shape
from ..core.functional import softmax
from ..errors import ShapeError


class RNNCellCache(NamedTuple):
    """``rnn_cell_forward``'s cache: a tuple in the course's order, with names."""

    a_next: np.ndarray
    a_prev: np.ndarray
    xt: np.ndarray
    parameters: dict


class SequenceCaches(NamedTuple):
    """A sequence function's ``caches``: the course's ``(list of cell caches, x)`` pair, with names."""

    caches: list
    x: np.ndarray

_CELL_KEYS = ("Wax", "Waa", "Wya", "ba", "by")


def as_cell_cache(cache, where):
    """``cache`` as an RNNCellCache, or ShapeError if it is not the 4-tuple ``rnn_cell_forward`` returns."""
    return as_named_cache(RNNCellCache, cache, "rnn_cell_forward", where)


def as_sequence_caches(caches, where, as_cell):
    """The list of cell caches in a sequence function's ``(caches, x)``, each checked by ``as_cell``.

    Raises ShapeError for anything that is not such a pair with at least one cell cache.
    """
    if not isinstance(caches, tuple) or len(caches) != 2 or not isinstance(caches[0], (list, tuple)):
        raise ShapeError(f"{where}: caches must be the (list of cell caches, x) pair the forward function returned, "
                         f"got {type(caches).__name__}")
    if len(caches[0]) == 0:
        raise ShapeError(f"{where}: caches holds no time steps")
    if not callable(as_cell):
        raise ShapeError(f"{where}: as_cell must be a cache checker such as rnn_step_by_step.as_cell_cache")
    return [as_cell(c, where) for c in caches[0]]


def as_named_cache(kind, cache, made_by, where):
    """``cache`` as the NamedTuple class ``kind`` (checked field by field), or ShapeError; made_by and
    where name the function that made it and the one that reads it."""
    if not (isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields")):
        raise ShapeError(f"as_named_cache: kind must be a cache NamedTuple class such as RNNCellCache, got {kind!r:.60}")
    if not isinstance(made_by, str) or not isinstance(where, str):
        raise ShapeError("as_named_cache: made_by and where must be function names (strings)")
    if not isinstance(cache, tuple) or len(cache) != len(kind._fields):
        length = len(cache) if isinstance(cache, (tuple, list)) else "?"
        raise ShapeError(f"{where}: cache must be the {len(kind._fields)}-tuple that {made_by} returns "
                         f"({', '.join(kind._fields)}), got {type(cache).__name__} of length {length}")
    cache = kind(*cache)
    if not isinstance(cache.parameters, dict):
        raise ShapeError(f"{where}: the cache's last entry must be the parameters dict")
    # every state in the cache is an (n_a, m) array like a_next; xt is (n_x, m)
    check_shape("the cache's a_next", cache.a_next, (None, None), where)
    n_a, m = cache.a_next.shape
    for field in kind._fields:
        if field not in ("a_next", "xt", "parameters"):
            check_shape(f"the cache's {field}", getattr(cache, field), (n_a, m), where)
    check_shape("the cache's xt", cache.xt, (None, m), where)
    return cache


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
    return a_next, yt_pred, RNNCellCache(a_next, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters):
    """Run the course's RNN cell over a sequence.

    x: (n_x, m, T_x); a0: (n_a, m).
    Returns (a (n_a, m, T_x), y_pred (n_y, m, T_x), caches) with caches = (list of cell caches, x).
    """
    Wya = get_params(parameters, ("Wya",), "rnn_forward")[0]
    check_shape("Wya", Wya, (None, None), "rnn_forward")  # its rows size y_pred before the first step
    check_numeric_array('x', x, "rnn_forward")
    if np.ndim(x) != 3:
        raise_shape("x", x, "(n_x, m, T_x)", "rnn_forward")
    n_x, m, T_x = x.shape
    check_shape("a0", a0, (None, m), "rnn_forward")
    n_a = a0.shape[0]
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((Wya.shape[0], m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, y_pred, SequenceCaches(caches, x)


def rnn_cell_backward(da_next, cache):
    """Backward of ``rnn_cell_forward``'s hidden state (the course leaves the output out).

    da_next: (n_a, m); cache from ``rnn_cell_forward``.
    Returns dict dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    a_next, a_prev, xt, parameters = as_cell_cache(cache, "rnn_cell_backward")
    Wax, Waa = get_params(parameters, ("Wax", "Waa"), "rnn_cell_backward")
    check_shape("Wax", Wax, (a_next.shape[0], xt.shape[0]), "rnn_cell_backward")
    check_shape("Waa", Waa, (a_next.shape[0], a_next.shape[0]), "rnn_cell_backward")
    check_shape("da_next", da_next, a_next.shape, "rnn_cell_backward")
    dz, da_prev = rnn_step_backward(da_next, a_next, Waa)
    grads = {
        "dxt": Wax.T @ dz,
        "da_prev": da_prev,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": dz.sum(axis=1, keepdims=True),
    }
    for name, value in grads.items():  # values near 1e300 overflow the products: say so, not NaN
        check_finite_result(name, value, "rnn_cell_backward")
    return grads


def rnn_backward(da, caches):
    """Backpropagation through time for ``rnn_forward``.

    da: (n_a, m, T_x) upstream gradient on every hidden state; caches from ``rnn_forward``.
    Returns dict dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa, dba.
    """
    cell_caches = as_sequence_caches(caches, "rnn_backward", as_cell_cache)
    check_numeric_array('da', da, "rnn_backward")
    if np.ndim(da) != 3 or da.shape[2] != len(cell_caches):
        raise_shape("da", da, f"(n_a, m, {len(cell_caches)})", "rnn_backward")
    n_a, m, T_x = da.shape
    Wax, Waa = get_params(cell_caches[0].parameters, ("Wax", "Waa"), "rnn_backward")
    check_shape("Wax", Wax, (n_a, None), "rnn_backward")  # its columns size dx before the first step
    check_shape("Waa", Waa, (n_a, n_a), "rnn_backward")
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
