"""A character (or word) language model: stacked recurrent layers and a softmax, the one
forward/backward that the course's ``optimize`` (one name, ``m = 1``), the fast trainer (a padded
batch, ``m = 32``) and the samplers all call.

Inputs are integer ids rather than one-hot vectors: ``Wax @ one_hot(i)`` is column ``i`` of
``Wax``, so the first layer's input projection for every time step is a single gather, done before
the time loop.

Conventions
-----------
* ``X``: (T, m) int input ids; ``-1`` means "no input", the zero vector the course feeds at t = 0
  (its ``X[0] = None``).
* ``Y``: (T, m) int target ids; ``-1`` marks padding: that position adds nothing to the loss or the
  gradients.  Padding must come after a sequence's last real target (post-padding), so padded
  steps never feed gradient back into real ones.
* Parameters: layer 1 is ``Wax (G*n_a, V)``, ``Waa (G*n_a, n_a)``, ``b (G*n_a, 1)``; layer k >= 2
  is ``Wax{k} (G*n_a, n_a)``, ``Waa{k}``, ``b{k}``; the output is ``Wya (V, n_a)``, ``by (V, 1)``.
  ``G`` is the cell's number of gate blocks (RNN 1, GRU 3, LSTM 4), so the dict describes itself:
  a one-layer RNN's dict is exactly Dinosaur Island's ``Wax, Waa, Wya, b, by``.  Gradients use the
  same names with a ``d`` in front.
* State: one tuple of ``(n_a, m)`` arrays per layer, ``(a,)`` or ``(a, c)`` for the LSTM.  For a
  one-layer RNN or GRU a plain ``(n_a, m)`` array may stand for it, and is given back the same way.
* Dropout (training only) is applied to every layer's outputs, i.e. between layers and before the
  softmax, never on the recurrent connections; it needs ``rng``, a ``np.random.Generator``.
"""
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError, ShapeError, VocabularyError
from .checks import (
    check_array, check_choice, check_elements, check_int, check_real, check_shape, get_params, is_int, raise_shape,
)
from .functional import softmax
from .kernels import matmul, scatter_columns, take_columns  # scatter_columns is also lm.scatter_columns
from .layers import CELL_BY_GATES, CELLS, Cell, layer_backward, layer_forward, projected_layer_forward

CELL_BY_NAME = {c.name: c for c in CELL_BY_GATES.values()}

PARAM_NAMES = ("Wax", "Waa", "Wya", "b", "by")  # a one-layer model's parameters


def layer_names(k):
    """The names of layer k's parameters (k counts from 1): ('Wax', 'Waa', 'b') or ('Wax2', ...)."""
    suffix = "" if k == 1 else str(k)
    return f"Wax{suffix}", f"Waa{suffix}", f"b{suffix}"


def describe(parameters, where="lm"):
    """(cell name, number of layers, n_a) read off a parameters dict; ShapeError if it is not one."""
    Waa = get_params(parameters, ("Waa",), where)[0]
    if Waa.ndim != 2 or Waa.shape[1] == 0 or Waa.shape[0] % Waa.shape[1]:
        raise ShapeError(f"{where}: Waa has shape {Waa.shape}; expected (gates * n_a, n_a)")
    gates, n_a = Waa.shape[0] // Waa.shape[1], Waa.shape[1]
    if gates not in CELL_BY_GATES:
        raise ShapeError(f"{where}: Waa has {gates} gate blocks; rnn has 1, gru 3, lstm 4")
    layers = 1
    while layer_names(layers + 1)[1] in parameters:
        layers += 1
    return CELL_BY_GATES[gates].name, layers, n_a


def expected_shapes(cell, layers, n_a, vocab_size):
    """name -> shape of every parameter of a ``layers``-deep ``cell`` model over ``vocab_size`` ids."""
    G = CELLS[cell].gates
    want = {}
    for k in range(1, layers + 1):
        Wx, Wh, b = layer_names(k)
        want.update({Wx: (G * n_a, vocab_size if k == 1 else n_a), Wh: (G * n_a, n_a), b: (G * n_a, 1)})
    want.update({"Wya": (vocab_size, n_a), "by": (vocab_size, 1)})
    return {k: want[k] for k in _ordered_names(layers)}


def check_parameters(parameters, where="lm"):
    """(cell, layers, n_a, vocab_size) of a parameters dict whose every array is present, a float
    array, and of the shape the others imply; ShapeError naming the first one that is not."""
    cell, layers, n_a = describe(parameters, where)
    Wax = get_params(parameters, ("Wax",), where)[0]
    check_shape("Wax", Wax, (CELLS[cell].gates * n_a, None), where)
    V = Wax.shape[1]
    if V < 1:
        raise ShapeError(f"{where}: Wax has shape {Wax.shape}: a vocabulary of no ids")
    want = expected_shapes(cell, layers, n_a, V)
    for name, array in zip(want, get_params(parameters, tuple(want), where)):
        if not isinstance(parameters[name], np.ndarray):
            raise ShapeError(f"{where}: parameter {name} must be a numpy array, got {type(parameters[name]).__name__}")
        check_shape(name, array, want[name], where)
    return cell, layers, n_a, V


def init_parameters(vocab_size, n_a, seed=0, dtype=np.float32, cell="rnn", layers=1, forget_bias=1.0):
    """Random parameters for the trainer (not the course's 0.01 scale, which learns slowly).

    Weights are drawn N(0, 1/fan_in) from ``np.random.default_rng(seed)``; a one-hot input's
    column is a whole pre-activation, so layer 1's ``Wax`` is N(0, 1).  The RNN's recurrent weights
    start at half that scale, which gave a lower best validation loss on the dinosaur names in a
    small sweep (hidden 50, Adam 0.005, four seeds).  Biases are zero, except the LSTM's forget
    gate, which starts at ``forget_bias`` so the cell remembers by default (Jozefowicz et al. 2015).
    Returns a dict with the names in the module docstring.
    """
    where = "init_parameters"
    vocab_size = check_int("vocab_size", vocab_size, where, minimum=2)
    n_a = check_int("n_a", n_a, where, minimum=1)
    layers = check_int("layers", layers, where, minimum=1)
    check_choice("cell", cell, sorted(CELL_BY_NAME), where)  # cells a dict can be read back as (not gru_reset_after)
    forget_bias = check_real("forget_bias", forget_bias, where)
    dtype = check_float_dtype(dtype, where)
    if abs(forget_bias) > np.finfo(dtype).max:
        raise ConfigError(f"{where}: forget_bias {forget_bias!r} overflows {np.dtype(dtype).name} "
                          f"(its largest value is {np.finfo(dtype).max:.3g})")
    G = CELLS[cell].gates
    count = G * n_a * (vocab_size + n_a + 1) + (layers - 1) * G * n_a * (2 * n_a + 1) + vocab_size * (n_a + 1)
    check_elements(count, f"a {layers}-layer {cell} with n_a={n_a} over {vocab_size} ids", where)
    rng = make_seeded_rng(seed, where)
    dtype = dtype.type
    recurrent_scale = dtype(0.5 if cell == "rnn" else 1.0)

    def draw(rows, cols, fan_in):
        return (rng.standard_normal((rows, cols)) / np.sqrt(fan_in)).astype(dtype)

    # Draw order (layer 1, output, deeper layers) keeps one-layer models identical to before.
    params = {"Wax": draw(G * n_a, vocab_size, 1.0), "Waa": draw(G * n_a, n_a, n_a) * recurrent_scale}
    params["Wya"] = draw(vocab_size, n_a, n_a)
    for k in range(1, layers + 1):
        Wx, Wh, b = layer_names(k)
        if k > 1:
            params[Wx] = draw(G * n_a, n_a, n_a)
            params[Wh] = draw(G * n_a, n_a, n_a) * recurrent_scale
        params[b] = np.zeros((G * n_a, 1), dtype)
        if cell == "lstm":
            params[b][:n_a] = forget_bias  # gate order: forget, update, candidate, output
    params["by"] = np.zeros((vocab_size, 1), dtype)
    return {k: params[k] for k in _ordered_names(layers)}


def check_float_dtype(dtype, where):
    """``dtype`` as a numpy float dtype (float16/32/64), or ConfigError."""
    try:
        dtype = np.dtype(dtype)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: dtype must be a float type such as 'float32', got {dtype!r}") from None
    if dtype.kind != "f":
        raise ConfigError(f"{where}: dtype must be a float type such as 'float32', got {dtype}")
    return dtype


def make_seeded_rng(seed, where):
    """``np.random.default_rng(seed)`` for None or an int seed >= 0, or ConfigError naming the seed."""
    if seed is not None and not (is_int(seed) and seed >= 0):
        raise ConfigError(f"{where}: seed must be None or a whole number >= 0, got {seed!r}")
    return np.random.default_rng(seed)


def _ordered_names(layers):
    names = ["Wax", "Waa", "Wya", "b", "by"]
    for k in range(2, layers + 1):
        names += list(layer_names(k))
    return names


def check_ids(name, ids, vocab_size, allow_minus_one, where, ndim=2):
    """Raise VocabularyError unless ``ids`` are ints in [0, vocab_size) (or -1 where allowed)."""
    if ids is None or isinstance(ids, (str, bytes, dict)):
        raise VocabularyError(f"{where}: {name} must be an array of integer ids, got {type(ids).__name__}")
    try:
        ids = np.asarray(ids)
    except (TypeError, ValueError, OverflowError):
        raise VocabularyError(f"{where}: {name} must be a rectangular array of integer ids") from None
    if ids.ndim != ndim:
        raise_shape(name, ids, "(T, m)" if ndim == 2 else "(m,)", where)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise VocabularyError(f"{where}: {name} must hold integer ids, got dtype {ids.dtype}")
    low = -1 if allow_minus_one else 0
    if ids.size and (ids.min() < low or ids.max() >= vocab_size):
        raise VocabularyError(
            f"{where}: {name} has ids outside [{low}, {vocab_size - 1}] "
            f"(min {ids.min()}, max {ids.max()}); vocabulary size is {vocab_size}"
        )
    return ids


def zero_state(parameters, m):
    """The all-zero starting state for a batch of m: a list with one tuple per layer."""
    cell, layers, n_a, _ = check_parameters(parameters, "lm.zero_state")
    m = check_int("m", m, "lm.zero_state", minimum=1)
    check_elements(n_a * m * layers * CELLS[cell].n_states, f"a zero state for {m} sequences", "lm.zero_state")
    dtype = parameters["Waa"].dtype
    return [tuple(np.zeros((n_a, m), dtype) for _ in range(CELLS[cell].n_states)) for _ in range(layers)]


def _as_layers(state, parameters, m, where="lm"):
    """(list of per-layer state tuples, whether the caller used the plain-array shorthand).

    Every state array is checked: (n_a, m) floats, one tuple of the cell's states per layer.
    """
    if state is None:
        return zero_state(parameters, m), _plain_ok(parameters)
    cell, layers, n_a = describe(parameters, where)
    if isinstance(state, np.ndarray):
        if not _plain_ok(parameters):
            raise ShapeError(f"{where}: a plain array state only fits a one-layer RNN or GRU; pass one tuple per layer")
        states, plain = [(state,)], True
    elif isinstance(state, (list, tuple)) and all(isinstance(s, (list, tuple)) for s in state):
        states, plain = [tuple(s) for s in state], False
    else:
        raise ShapeError(f"{where}: state must be None, one tuple of (n_a, m) arrays per layer, or (one-layer "
                         f"RNN/GRU) an (n_a, m) array; got {type(state).__name__}")
    if len(states) != layers:
        raise ShapeError(f"{where}: state has {len(states)} layers, the model has {layers}")
    n_states = CELLS[cell].n_states
    for k, layer in enumerate(states, 1):
        if len(layer) != n_states:
            raise ShapeError(f"{where}: layer {k}'s state has {len(layer)} arrays, a {cell} carries {n_states}")
        for s in layer:
            array = check_array(f"layer {k}'s state", s, where)
            check_shape(f"layer {k}'s state", array, (n_a, m), where)
    return states, plain


def _plain_ok(parameters):
    cell, layers, _ = describe(parameters)
    return layers == 1 and CELLS[cell].n_states == 1


def _as_given(layer_states, plain):
    return layer_states[0][0] if plain else layer_states


@dataclass(frozen=True)
class LayerCache:
    """What ``backward`` needs from one layer of ``forward``."""

    steps: list  # the cell's per-step caches
    dropout_mask: "np.ndarray | None"  # (n_a, T, m) scaled keep-mask on the outputs, None without dropout
    inputs: "np.ndarray | None"  # (n_a, T, m) the layer's input (the layer below's output); None for layer 1
    outputs: np.ndarray  # (n_a, T, m) the layer's outputs a<t> before dropout


@dataclass(frozen=True)
class ForwardCache:
    """Everything ``forward`` hands to ``backward``; read it through the accessor functions below."""

    parameters: dict
    cell: Cell
    X: np.ndarray  # (T, m) input ids
    y: np.ndarray  # (T*m,) target ids, flattened
    real: np.ndarray  # flat positions of real (non-padding) targets
    P: np.ndarray  # (V, T*m) softmax probabilities
    top: np.ndarray  # (n_a, T*m) what the softmax layer read (the last layer's output, after dropout)
    layers: tuple  # one LayerCache per layer, bottom first
    final: list  # the state after the last step, one tuple per layer
    state0: list  # the starting state, one tuple per layer
    plain: bool  # whether the caller gave the state as a plain array (one-layer RNN/GRU shorthand)
    T: int
    m: int


def forward(parameters, X, Y, state=None, dropout=0.0, rng=None):
    """Forward pass and summed cross-entropy.

    X, Y: (T, m) int ids (see module docstring); state: starting state or None for zeros
    (the old name ``a0`` still works positionally); dropout, rng: see module docstring.
    Returns (loss_sum, count, cache): the sum of -log p(target) over real (non-padding) positions,
    how many positions that is, and what ``backward`` needs.  Mean loss per character is
    ``loss_sum / count`` (nats).
    """
    where = "lm.forward"
    cell_name, layers, n_a, V = check_parameters(parameters, where)
    cell = CELLS[cell_name]
    Wya, by = parameters["Wya"], parameters["by"]
    X = check_ids("X", X, V, True, where)
    Y = check_ids("Y", Y, V, True, where)
    if X.shape != Y.shape:
        raise ShapeError(f"lm.forward: X has shape {X.shape} but Y has shape {Y.shape}")
    T, m = X.shape
    if T * m == 0:
        raise ShapeError(f"lm.forward: X and Y have shape {X.shape}: no time steps or no sequences")
    check_elements(V * T * m + (2 + CELLS[cell_name].gates) * n_a * T * m * layers,
                   f"a forward pass over {T} steps of {m} sequences", where)
    dropout = check_real("dropout", dropout, where, minimum=0.0, below=1.0)
    if dropout and not isinstance(rng, np.random.Generator):
        raise ConfigError("lm.forward: dropout needs rng, a np.random.Generator")
    states, plain = _as_layers(state, parameters, m, where)

    layer_caches, finals = [], []
    for k in range(1, layers + 1):
        Wx, Wh, b = (parameters[n] for n in layer_names(k))
        if k == 1:
            H, final, caches = layer_forward(cell, input_projection(Wx, b, X), states[0], Wh)  # xw (G*n_a, T, m)
        else:
            H, final, caches = projected_layer_forward(cell, inputs, Wx, b, states[k - 1], Wh)
        mask = None
        if dropout:
            keep = 1.0 - dropout
            mask = (rng.random(H.shape) < keep).astype(H.dtype) / H.dtype.type(keep)
            H_out = H * mask
        else:
            H_out = H
        layer_caches.append(LayerCache(caches, mask, inputs if k > 1 else None, H))
        finals.append(final)
        inputs = H_out

    out = inputs.reshape(n_a, T * m)
    P = softmax(matmul(Wya, out) + by, inplace=True)  # (V, T*m); in place: the scores are a fresh array
    y = Y.reshape(-1)
    real = np.flatnonzero(y >= 0)
    loss_sum = float(-np.log(P[y[real], real]).sum())
    cache = ForwardCache(parameters, cell, X, y, real, P, out, tuple(layer_caches), finals, states, plain, T, m)
    return loss_sum, len(real), cache


def input_projection(Wax, b, X):
    """Layer 1's ``Wax @ one_hot(X) + b`` for every step at once: a column gather, (G*n_a, T, m).

    It gathers from ``Wax + b`` (the same sums, formed once per id instead of once per position);
    ids of -1 (the zero input) gather the last column, which is then set to ``b``, a pass skipped
    when there are none (text streams).  The result is C-contiguous, which the time loops need (each
    step reads xw[:, t] as rows of m contiguous numbers, and the compiled loops refuse other layouts):
    ``with_bias[:, X]`` is a little faster but comes back in a strided layout that costs far more
    downstream.  ``take`` over the flattened ids is faster than over the (T, m) array.
    """
    with_bias = Wax + b  # (G*n_a, V): adding b to V columns here, not to T*m gathered ones
    xw = take_columns(with_bias, X.reshape(-1)).reshape(with_bias.shape[0], *X.shape)
    if X.size and X.min() < 0:
        xw[:, X < 0] = b  # the zero input: only the bias
    return xw


def backward(cache, da_last=None):
    """Gradients of ``forward``'s loss_sum.

    da_last: optional gradient arriving on the final state (same form as the state), zero by default.
    Returns (grads, dstate0): grads has a ``d``-name for every parameter; dstate0 is the gradient on
    the starting state, in the form the state was given.
    """
    if not isinstance(cache, ForwardCache):
        raise ShapeError(f"lm.backward: cache must be the ForwardCache that lm.forward returned, got {type(cache).__name__}")
    parameters, cell, T, m = cache.parameters, cache.cell, cache.T, cache.m
    check_parameters(parameters, "lm.backward")
    y, real, P, out = cache.y, cache.real, cache.P, cache.top
    layers = len(cache.layers)
    n_a = out.shape[0]
    dZ = P.copy()
    dZ[y[real], real] -= 1.0  # d(-log softmax)/dz = p - onehot(target)
    if len(real) < len(y):
        dZ[:, y < 0] = 0.0  # padding contributes nothing
    grads = {"dWya": matmul(dZ, out.T), "dby": dZ.sum(axis=1, keepdims=True)}
    d_inputs = matmul(parameters["Wya"].T, dZ).reshape(n_a, T, m)
    dlast = [None] * layers if da_last is None else _as_layers(da_last, parameters, m, "lm.backward")[0]
    dstate0 = [None] * layers
    for k in range(layers, 0, -1):
        layer = cache.layers[k - 1]
        Wx, Wh, b = layer_names(k)
        dH = d_inputs * layer.dropout_mask if layer.dropout_mask is not None else d_inputs
        dXW, grads["d" + Wh], dstate0[k - 1] = layer_backward(cell, dH, dlast[k - 1], layer.steps, parameters[Wh])
        flat = dXW.reshape(-1, T * m)
        if k > 1:
            grads["d" + b] = flat.sum(axis=1, keepdims=True)
            grads["d" + Wx] = matmul(flat, layer.inputs.reshape(n_a, T * m).T)
            d_inputs = matmul(parameters[Wx].T, flat).reshape(n_a, T, m)
        else:  # the input was one-hot: dWax collects the columns by id (and db, on the pool, from it)
            dWax, grads["db"] = scatter_columns(flat, cache.X.reshape(-1), parameters["Wax"].shape[1],
                                                with_row_sums=True)
            grads["dWax"] = dWax  # after db, as before: clip_by_global_norm sums the norms in the dict's order
    return grads, _as_given(dstate0, cache.plain)


def final_state(cache):
    """The state after the last step (same form as given): carry it into the next chunk of text."""
    return _as_given([tuple(s.copy() for s in f) for f in cache.final], cache.plain)


def initial_state(cache):
    """The state the forward pass started from (same form as given; zeros if none was given)."""
    return _as_given(cache.state0, cache.plain)


def hidden_states(cache):
    """The last layer's outputs a<0> ... a<T-1> as (n_a, T, m), before dropout (a view)."""
    return cache.layers[-1].outputs


def step(parameters, ids, state):
    """One generation step: feed ids (m,) (-1 = zero input) and get the next-id scores.

    state: as in ``forward`` (a plain (n_a, m) array for a one-layer RNN/GRU).
    Returns (logits (V, m), new state in the same form); softmax(logits) is the distribution.
    """
    where = "lm.step"
    cell_name, layers, n_a, V = check_parameters(parameters, where)
    cell = CELLS[cell_name]
    ids = check_ids("ids", ids, V, True, where, ndim=1)
    if len(ids) == 0:
        raise ShapeError("lm.step: ids is empty: no sequences to step")
    check_elements((V + 4 * n_a) * len(ids), f"a step of {len(ids)} sequences", where)
    states, plain = _as_layers(state, parameters, len(ids), where)
    x = input_projection(parameters["Wax"], parameters["b"], ids[None, :])[:, 0]
    new = []
    for k in range(1, layers + 1):
        Wx, Wh, b = (parameters[n] for n in layer_names(k))
        if k > 1:
            x = Wx @ new[-1][0] + b
        s, _ = cell.step(x, states[k - 1], Wh)
        new.append(s)
    return parameters["Wya"] @ new[-1][0] + parameters["by"], _as_given(new, plain)
