"""One recurrent layer over a whole sequence, for any cell: the time loops, written once.

A cell plugs in through a small adapter (``Cell``, one per entry of ``CELLS``) that names its step
functions, how many gate blocks its input projection has, and which state arrays it carries:
``(a,)`` for RNN and GRU, ``(a, c)`` for the LSTM.  Arrays are hidden-major: a layer's outputs for
all steps are ``(n_a, T, m)``, so one step is an ``(n_a, m)`` slice and all steps flatten to
``(n_a, T*m)`` for the weight gradients, which are formed once per sequence instead of once per step.

Both loops take three options that the Keras-style layers (``rnnlib.nn``) need; with all three left
at None/False they run the plain loop, whose arithmetic is exactly what the notebooks were written
against:

* ``mask`` (T, m) booleans, False at a padded step: there the state is carried unchanged (so the
  output equals the previous step's, Keras's semantics) and no gradient flows through the cell.
  A sequence model's final state is then each sequence's last *real* state, for post- or
  pre-padded batches alike.
* ``reverse``: run from step T-1 down to 0 (a backward direction).  Outputs stay at their own time
  index, so ``H[:, t]`` is always the output after reading step t.  With a mask, a post-padded
  sequence's padded tail comes first and carries the zero state, so the reverse run effectively
  starts at each sequence's last real step.
* ``recurrent_keep`` (n_a, m): recurrent dropout's mask, the same at every step (scaled by
  1/(1-rate)); the cell's recurrent product reads ``state[0] * recurrent_keep`` (the GRU's carry
  ``(1 - Γu) a<t-1>`` keeps the undropped state, as in Keras).
"""
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .cells.gru import (
    GRUResetAfterStepCache,
    GRUStepCache,
    gru_reset_after_layer_backward_compiled,
    gru_reset_after_layer_forward_compiled,
    gru_reset_after_step_backward,
    gru_reset_after_step_forward,
    gru_step_backward,
    gru_step_forward,
)
from .cells.lstm import (
    LSTMStepCache,
    lstm_layer_backward_compiled,
    lstm_layer_forward_compiled,
    lstm_projected_forward_compiled,
    lstm_step_backward,
    lstm_step_forward,
)
from .cells.rnn import RNNStepCache, rnn_step_backward, rnn_step_forward
from ..errors import ConfigError, ShapeError
from .checks import check_finite_result
from .kernels import CachesWithInputs, matmul

State = tuple  # of (n_a, m) arrays: (a,) or (a, c)
StepCache = Any  # the cell's own NamedTuple (RNNStepCache, LSTMStepCache, GRUStepCache)
#: step(xw (G n_a, m), state, Wh (G n_a, n_a), keep=None) -> (next state, cache); keep: the
#: recurrent-dropout multipliers (n_a, m) for the previous output where the recurrent product reads it
StepFn = Callable[..., "tuple[State, StepCache]"]
#: back(dstate, cache, Wh, keep=None, out=None) -> (dxw (G n_a, m), dstate of the previous step);
#: out: where to put dxw (the step's slice of the sequence's dXW), or None for a new array
BackFn = Callable[..., "tuple[np.ndarray, State]"]
#: recurrent_inputs(cache, keep=None) -> [(row slice of Wh, the (k, m) array those rows multiplied, scale)]:
#: dWh[rows] = (dXW[rows] * scale) @ input.T summed over steps; scale is None (1) or a (rows, m)
#: array for cells whose recurrent product is multiplied by a gate after it (the reset-after GRU).
InputsFn = Callable[[StepCache], "list[tuple[slice, np.ndarray]]"]


@dataclass(frozen=True)
class Cell:
    """How a sequence loop drives one cell type.

    gates: gate blocks in the input projection (its rows are ``gates * n_a``).
    n_states: state arrays carried between steps (the first is the output ``a``).
    """

    name: str
    gates: int
    n_states: int
    step: StepFn
    back: BackFn
    recurrent_inputs: InputsFn
    #: True when ``Wh`` carries a recurrent bias as its last column, shape (gates*n_a, n_a + 1);
    #: the loops form that column's gradient together with the weights' (see ``gru_reset_after``).
    recurrent_bias: bool = False
    #: Optional compiled versions of the plain loops (``rnnlib.core.kernels``): forward(xw, state0, Wh)
    #: -> what ``layer_forward`` returns, backward(dH, dstate_last, caches, Wh) -> (dXW, dstate0);
    #: each returns None where it does not apply, and the numpy loop below runs instead.
    compiled_forward: Any = None
    compiled_backward: Any = None
    #: Optional: projected_forward(inputs, Wx, b, state0, Wh) -> what ``projected_layer_forward``
    #: returns, or None where it does not apply.
    compiled_projected_forward: Any = None
    #: The NamedTuple class of the cell's per-step caches (what ``step`` returns and ``back`` reads).
    cache_type: Any = tuple

    def recurrent_shape(self, n_a):
        """The shape of this cell's ``Wh`` for hidden size ``n_a``."""
        return (self.gates * n_a, n_a + 1 if self.recurrent_bias else n_a)


def _dropped(a, keep):
    return a if keep is None else a * keep


def _rnn_step(xw, state, Wh, keep=None):
    # a<t-1> enters only through the recurrent product, so recurrent dropout is just a dropped read
    read = _dropped(state[0], keep)
    a = rnn_step_forward(xw, read, Wh)
    return (a,), RNNStepCache(read, a)


def _into(out, dxw):
    # cells whose step functions build dxw themselves: copy it where the loop wants it
    if out is None:
        return dxw
    out[...] = dxw
    return out


def _rnn_back(dstate, cache, Wh, keep=None, out=None):
    dxw, da_prev = rnn_step_backward(dstate[0], cache.a_next, Wh)
    return _into(out, dxw), (_dropped(da_prev, keep),)


def _lstm_step(xw, state, Wh, keep=None):
    a, c, cache = lstm_step_forward(xw, _dropped(state[0], keep), state[1], Wh)
    return (a, c), cache


def _lstm_back(dstate, cache, Wh, keep=None, out=None):
    dxw, da_prev, dc_prev = lstm_step_backward(dstate[0], dstate[1], cache, Wh, out)
    return dxw, (_dropped(da_prev, keep), dc_prev)


def _gru_step(xw, state, Wh, keep=None):
    a, cache = gru_step_forward(xw, state[0], Wh, keep)
    return (a,), cache


def _gru_back(dstate, cache, Wh, keep=None, out=None):
    dxw, da_prev = gru_step_backward(dstate[0], cache, Wh, keep)
    return _into(out, dxw), (da_prev,)


def _gru_reset_after_step(xw, state, Wh, keep=None):
    # Wh is (3 n_a, n_a + 1): the recurrent weights with the recurrent bias as the last column
    n_a = state[0].shape[0]
    a, cache = gru_reset_after_step_forward(xw, state[0], Wh[:, :n_a], Wh[:, n_a:], keep)
    return (a,), cache


def _gru_reset_after_back(dstate, cache, Wh, keep=None, out=None):
    n_a = cache.a_prev.shape[0]
    dxw, da_prev = gru_reset_after_step_backward(dstate[0], cache, Wh[:, :n_a], keep)
    return _into(out, dxw), (da_prev,)


def _all_rows_read_a_prev(cache, keep=None):
    return [(slice(None), cache.a_prev, None)]  # rnn and lstm caches already hold the dropped read


def _gru_inputs(cache, keep=None):
    n_a = cache.a_prev.shape[0]
    return [(slice(0, 2 * n_a), _dropped(cache.a_prev, keep), None), (slice(2 * n_a, 3 * n_a), cache.reset_a_prev, None)]


def _gru_reset_after_inputs(cache, keep=None):
    # [a_prev; 1]: the row of ones makes the last column of dWh the recurrent bias's gradient.
    # The candidate's recurrent product is multiplied by the reset gate after it, so its rows see
    # dXW * reset (the update and reset rows see dXW itself).
    n_a, m = cache.a_prev.shape
    a_one = np.concatenate((_dropped(cache.a_prev, keep), np.ones((1, m), cache.a_prev.dtype)), axis=0)
    return [(slice(0, 2 * n_a), a_one, None), (slice(2 * n_a, 3 * n_a), a_one, cache.reset)]


CELLS = {
    "rnn": Cell("rnn", 1, 1, _rnn_step, _rnn_back, _all_rows_read_a_prev, cache_type=RNNStepCache),
    "gru": Cell("gru", 3, 1, _gru_step, _gru_back, _gru_inputs, cache_type=GRUStepCache),
    "lstm": Cell("lstm", 4, 2, _lstm_step, _lstm_back, _all_rows_read_a_prev,
                 compiled_forward=lstm_layer_forward_compiled, compiled_backward=lstm_layer_backward_compiled,
                 compiled_projected_forward=lstm_projected_forward_compiled, cache_type=LSTMStepCache),
    "gru_reset_after": Cell(
        "gru_reset_after", 3, 1, _gru_reset_after_step, _gru_reset_after_back, _gru_reset_after_inputs, True,
        compiled_forward=gru_reset_after_layer_forward_compiled,
        compiled_backward=gru_reset_after_layer_backward_compiled,
        cache_type=GRUResetAfterStepCache,
    ),
}
#: The cells a parameters dict can be read back as from its gate count alone (``lm.describe``);
#: the reset-after GRU also has 3 gate blocks, but its Wh has the extra bias column.
CELL_BY_GATES = {cell.gates: cell for cell in CELLS.values() if not cell.recurrent_bias}


def layer_forward(cell, xw, state0, Wh, mask=None, reverse=False, recurrent_keep=None):
    """Run ``cell`` over T steps.

    xw: (gates*n_a, T, m) input projections (bias included); state0: tuple of (n_a, m) arrays;
    Wh: ``cell.recurrent_shape(n_a)``, i.e. (gates*n_a, n_a), or (gates*n_a, n_a + 1) for a cell
    with a recurrent bias.  mask: None or (T, m) booleans (True = a real step); reverse: run the
    steps from T-1 down to 0; recurrent_keep: None or (n_a, m) recurrent-dropout multipliers (see
    the module docstring).
    Returns (H (n_a, T, m) outputs, final state tuple, per-step caches indexed by t).
    """
    _check_loop_arrays(cell, _float_shape(xw), state0, Wh, mask=mask, recurrent_keep=recurrent_keep, reverse=reverse)
    if mask is None and not reverse and recurrent_keep is None:
        return _plain_forward(cell, xw, state0, Wh)
    n_a, T, m = state0[0].shape[0], xw.shape[1], xw.shape[2]
    H = np.empty((n_a, T, m), dtype=xw.dtype)
    caches, state = [None] * T, state0
    for t in _steps(T, reverse):
        stepped, caches[t] = cell.step(xw[:, t], state, Wh, recurrent_keep)
        if mask is None:
            state = stepped
        else:  # a padded column keeps the state it had (every state array, not just a)
            state = tuple(np.where(mask[t], new, old) for new, old in zip(stepped, state))
        H[:, t] = state[0]
    return H, state, caches


def _shape_of(value):
    return getattr(value, "shape", type(value).__name__)


def _float_shape(x):
    """A float array's shape; for anything else a description (its dtype and shape, or its type)."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x.shape
    return f"{getattr(x, 'dtype', '')} {_shape_of(x)}".strip()


def _check_loop_arrays(cell, xw_shape, state0, Wh, where="layer_forward", mask=None, recurrent_keep=None, reverse=False):
    """ShapeError unless Wh, xw (its shape, or a type name for a non-array), state0 and the options
    fit each other as ``layer_forward`` documents: checked up front, so that a mismatch is named here
    rather than surfacing as numpy's error mid-loop (or reaching a compiled loop, which does not check)."""
    where = _check_cell(cell, where)
    n_a = _hidden_size(cell, Wh, where)
    if not isinstance(xw_shape, tuple) or len(xw_shape) != 3 or xw_shape[0] != cell.gates * n_a:
        raise ShapeError(f"{where}: xw must be ({cell.gates * n_a}, T, m) for Wh {Wh.shape}, got {xw_shape}")
    _check_state("state0", cell, state0, n_a, xw_shape[2], where)
    _check_options(mask, recurrent_keep, n_a, xw_shape[1], xw_shape[2], where, reverse)


def _check_backward_arrays(cell, dH, dstate_last, caches, Wh, mask, recurrent_keep, reverse):
    """``_check_loop_arrays`` for ``layer_backward``: dH (n_a, T, m) fits Wh, dstate_last is None or
    a state for (n_a, m), the options fit, and caches look like the forward's (``_check_caches``)."""
    where = _check_cell(cell, "layer_backward")
    n_a = _hidden_size(cell, Wh, where)
    if dH.shape[0] != n_a or dH.dtype.kind != "f":
        raise ShapeError(f"{where}: dH must be a float ({n_a}, T, m) array for Wh {Wh.shape}, got {dH.dtype} {dH.shape}")
    if dstate_last is not None:
        _check_state("dstate_last", cell, dstate_last, n_a, dH.shape[2], where)
    _check_options(mask, recurrent_keep, n_a, dH.shape[1], dH.shape[2], where, reverse)
    _check_caches(caches, cell, n_a, dH.shape[1], dH.shape[2], where)


def _check_caches(caches, cell, n_a, T, m, where):
    """The per-step caches must be the forward's for T steps of m sequences: a list of T of the
    cell's step caches.  Only the first and last steps' arrays are looked at (each (n_a or
    gates*n_a, m)), so the check costs little for any T."""
    if not isinstance(caches, (list, tuple)) or len(caches) != T:
        raise ShapeError(f"{where}: caches must be layer_forward's list of {T} step caches, got "
                         f"{len(caches) if isinstance(caches, (list, tuple)) else type(caches).__name__}")
    if not all(isinstance(step, cell.cache_type) for step in caches):
        t = next(t for t, step in enumerate(caches) if not isinstance(step, cell.cache_type))
        raise ShapeError(f"{where}: caches[{t}] is a {type(caches[t]).__name__}, not a {cell.cache_type.__name__}")
    for t in {0, T - 1}:
        step = caches[t]
        if any(
                not isinstance(a, np.ndarray) or a.dtype.kind != "f" or a.shape not in ((n_a, m), (cell.gates * n_a, m))
                for a in step):
            raise ShapeError(f"{where}: caches[{t}] is not a step cache of layer_forward for n_a = {n_a} and "
                             f"m = {m} (got arrays {[_float_shape(a) for a in step]})")


def _check_cell(cell, where):
    """``where`` with the cell's name, e.g. 'layer_forward (lstm)'; ConfigError for a non-cell."""
    if not isinstance(cell, Cell):
        raise ConfigError(f"{where}: cell must be one of layers.CELLS's values ({', '.join(sorted(CELLS))}), "
                          f"got {type(cell).__name__}")
    return f"{where} ({cell.name})"


def _hidden_size(cell, Wh, where):
    """n_a read off Wh, which must be ``cell.recurrent_shape(n_a)``; ShapeError otherwise."""
    expected = f"({cell.gates} n_a, n_a{' + 1' if cell.recurrent_bias else ''})"
    if not isinstance(Wh, np.ndarray) or Wh.ndim != 2 or Wh.shape[1] <= int(cell.recurrent_bias) or Wh.dtype.kind != "f":
        raise ShapeError(f"{where}: Wh must be a 2-D float array shaped {expected}, got "
                         f"{getattr(Wh, 'dtype', '')} {_shape_of(Wh)}")
    n_a = Wh.shape[1] - int(cell.recurrent_bias)
    if Wh.shape != cell.recurrent_shape(n_a):
        raise ShapeError(f"{where}: Wh has shape {Wh.shape}; expected {cell.recurrent_shape(n_a)}, i.e. {expected}")
    return n_a


def _check_state(name, cell, state, n_a, m, where):
    if not isinstance(state, (tuple, list)) or len(state) != cell.n_states \
            or any(not isinstance(s, np.ndarray) or s.shape != (n_a, m) or s.dtype.kind != "f" for s in state):
        shapes = [_shape_of(s) for s in state] if isinstance(state, (tuple, list)) else _shape_of(state)
        raise ShapeError(f"{where}: {name} must be a tuple of {cell.n_states} float ({n_a}, {m}) array(s), got {shapes}")


def _check_options(mask, recurrent_keep, n_a, T, m, where, reverse=False):
    if not isinstance(reverse, (bool, np.bool_)):
        raise ConfigError(f"{where}: reverse must be True or False, got {reverse!r:.60}")
    if mask is not None and (not isinstance(mask, np.ndarray) or mask.shape != (T, m) or mask.dtype != bool):
        raise ShapeError(f"{where}: mask must be a ({T}, {m}) boolean array, got {getattr(mask, 'dtype', '')} {_shape_of(mask)}")
    if recurrent_keep is not None and _float_shape(recurrent_keep) != (n_a, m):
        raise ShapeError(f"{where}: recurrent_keep must be a float ({n_a}, {m}) array, got {_float_shape(recurrent_keep)}")


def projected_layer_forward(cell, inputs, Wx, b, state0, Wh):
    """``layer_forward`` (the plain loop) of a layer above the first, from the layer below's
    outputs: the input projection is ``Wx @ inputs + b``.

    inputs: (n_in, T, m); Wx: (gates*n_a, n_in); b: (gates*n_a, 1).  Returns what ``layer_forward``
    does.  Here the projection is one matrix product for all steps; a cell's compiled loop may
    instead form each step's part inside its time loop (the LSTM's pooled path does).
    """
    if not isinstance(inputs, np.ndarray) or inputs.ndim != 3:
        raise ShapeError(f"projected_layer_forward: inputs must be an (n_in, T, m) array, got "
                         f"{getattr(inputs, 'shape', type(inputs).__name__)}")
    if not isinstance(Wx, np.ndarray) or Wx.ndim != 2 or Wx.shape[1] != inputs.shape[0] \
            or not isinstance(b, np.ndarray) or b.shape != (Wx.shape[0], 1) \
            or any(a.dtype.kind != "f" for a in (inputs, Wx, b)):
        raise ShapeError(f"projected_layer_forward: needs float Wx (rows, {inputs.shape[0]}) and b (rows, 1) for float "
                         f"inputs {inputs.shape}, got inputs {_float_shape(inputs)}, Wx {_float_shape(Wx)} and b {_float_shape(b)}")
    # the projection's shape, (rows of Wx, T, m), stands in for xw's
    _check_loop_arrays(cell, (Wx.shape[0],) + inputs.shape[1:], state0, Wh, "projected_layer_forward")
    if cell.compiled_projected_forward is not None:
        done = cell.compiled_projected_forward(inputs, Wx, b, state0, Wh)
        if done is not None:
            return done
    n_in, T, m = inputs.shape
    xw = matmul(Wx, inputs.reshape(n_in, T * m))
    xw += b  # in place: one (G*n_a, T*m) array, not two
    return layer_forward(cell, xw.reshape(-1, T, m), state0, Wh)


def _steps(T, reverse):
    return range(T - 1, -1, -1) if reverse else range(T)


def _plain_forward(cell, xw, state0, Wh):
    if cell.compiled_forward is not None:
        done = cell.compiled_forward(xw, state0, Wh)
        if done is not None:
            return done
    n_a, T, m = state0[0].shape[0], xw.shape[1], xw.shape[2]
    H = np.empty((n_a, T, m), dtype=xw.dtype)
    caches, state = [], state0
    for t in range(T):
        state, cache = cell.step(xw[:, t], state, Wh)
        H[:, t] = state[0]
        caches.append(cache)
    return H, state, caches


def layer_backward(cell, dH, dstate_last, caches, Wh, mask=None, reverse=False, recurrent_keep=None):
    """Backpropagation through time for ``layer_forward`` (called with the same options).

    dH: (n_a, T, m) gradient on every output; dstate_last: tuple like the final state (the
    gradient arriving from a later chunk), or None for zeros.
    Returns (dXW (gates*n_a, T, m) gradient on the input projections, dWh (Wh's shape), dstate0
    tuple).  At a masked step dXW is zero and the state's gradient passes straight through.
    """
    if not isinstance(dH, np.ndarray) or dH.ndim != 3 or dH.shape[1] == 0 or dH.shape[2] == 0:
        raise ShapeError(f"layer_backward: dH must be (n_a, T, m) with at least one step and one sequence, "
                         f"got shape {_shape_of(dH)}")
    _check_backward_arrays(cell, dH, dstate_last, caches, Wh, mask, recurrent_keep, reverse)
    if mask is None and not reverse and recurrent_keep is None:
        dXW, dWh, dstate0 = _plain_backward(cell, dH, dstate_last, caches, Wh)
    else:
        dXW, dWh, dstate0 = _options_backward(cell, dH, dstate_last, caches, Wh, mask, reverse, recurrent_keep)
    # A NaN or infinity read in (a NaN input in the forward pass, say) comes through as it does in
    # numpy; one made from finite numbers is an overflow, reported.  dWh sums dXW against the
    # inputs, so a non-finite value anywhere in dXW shows in dWh too: the small arrays are checked
    # first, the inputs only when those are not finite.
    if not (np.isfinite(dWh).all() and all(np.isfinite(d).all() for d in dstate0)) \
            and _all_finite([dH, Wh, *(dstate_last or ()), *(a for step in caches for a in step)]):
        check_finite_result("dWh or the initial state's gradient", np.nan, f"layer_backward ({cell.name})")
    return dXW, dWh, dstate0


def _all_finite(arrays):
    return all(np.isfinite(a).all() for a in arrays)


def _options_backward(cell, dH, dstate_last, caches, Wh, mask, reverse, recurrent_keep):
    n_a, T, m = dH.shape
    dXW = np.empty((Wh.shape[0], T, m), dtype=dH.dtype)
    dstate = dstate_last or tuple(np.zeros((n_a, m), dH.dtype) for _ in range(cell.n_states))
    for t in reversed(_steps(T, reverse)):  # the forward order, backwards
        dstate = (dstate[0] + dH[:, t],) + tuple(dstate[1:])
        dxw, dread = cell.back(dstate, caches[t], Wh, recurrent_keep)
        if mask is None:
            dXW[:, t], dstate = dxw, dread
        else:  # a padded column: the cell's output was discarded, the carried state got it all
            dXW[:, t] = np.where(mask[t], dxw, 0)
            dstate = tuple(np.where(mask[t], d_cell, d_carry) for d_cell, d_carry in zip(dread, dstate))
    return dXW, _recurrent_gradient(cell, dXW, caches, Wh, recurrent_keep), dstate


def _plain_backward(cell, dH, dstate_last, caches, Wh):
    if cell.compiled_backward is not None:
        done = cell.compiled_backward(dH, dstate_last, caches, Wh)
        if done is not None:
            return done[0], _recurrent_gradient(cell, done[0], caches, Wh), done[1]
    n_a, T, m = dH.shape
    dXW = np.empty((Wh.shape[0], T, m), dtype=dH.dtype)
    dstate = dstate_last or tuple(np.zeros((n_a, m), dH.dtype) for _ in range(cell.n_states))
    for t in reversed(range(T)):
        dstate = (dstate[0] + dH[:, t],) + tuple(dstate[1:])
        _, dstate = cell.back(dstate, caches[t], Wh, out=dXW[:, t])  # dxw written in place
    return dXW, _recurrent_gradient(cell, dXW, caches, Wh), dstate


def _recurrent_gradient(cell, dXW, caches, Wh, keep=None):
    """dWh from every step at once: each row block's (dXW * scale) times the inputs it multiplied,
    flattened over (T, m), in one matrix product per block.  The steps' inputs are stacked into one
    array first, unless the caches already hold them side by side (``CachesWithInputs``)."""
    T, m = dXW.shape[1], dXW.shape[2]
    dWh = np.zeros_like(Wh)
    side_by_side = isinstance(caches, CachesWithInputs) and keep is None
    per_step = None  # every step's blocks, listed only where a block needs them

    def steps_blocks():
        return [cell.recurrent_inputs(c) if keep is None else cell.recurrent_inputs(c, keep) for c in caches]

    first = cell.recurrent_inputs(caches[0]) if keep is None else cell.recurrent_inputs(caches[0], keep)
    for k, (rows, _, scale) in enumerate(first):
        if side_by_side:
            inputs = caches.inputs  # every step's input already side by side (the compiled loops')
        else:
            per_step = per_step or steps_blocks()
            inputs = np.stack([step[k][1] for step in per_step], axis=1)
        inputs = inputs.reshape(inputs.shape[0], T * m)
        delta = dXW[rows]
        if scale is not None:
            per_step = per_step or steps_blocks()
            delta = delta * np.stack([step[k][2] for step in per_step], axis=1)
        dWh[rows] = matmul(delta.reshape(-1, T * m), inputs.T)
    return dWh
