"""SimpleRNN, GRU and LSTM layers: Keras's constructors on ``rnnlib.core``'s cells and time loops.

There is no RNN code here.  A layer converts Keras's batch-first input ``x`` (m, T, n_x) into the
core's hidden-major projections ``xw = Wx x + b`` (G*units, T, m) in one matrix product, runs
``rnnlib.core.layers.layer_forward`` (with the padding mask, the direction and the recurrent
dropout mask), and converts the outputs back to (m, T, units) or (m, units).

Weights are kept in the core's layout, ``Wx`` (G*u, n_x), ``Wh`` (G*u, u) and ``b`` (G*u, 1), with
the gates stacked in the core's order.  ``get_weights``/``set_weights`` use Keras's: ``kernel``
(n_x, G*u), ``recurrent_kernel`` (u, G*u), ``bias`` (G*u,), gates in Keras's order (LSTM i, f, c, o;
GRU z, r, h).  The conversions:

* LSTM: Keras's i, f, c, o is the core's f, i, c, o with the first two blocks swapped.
* GRU: Keras's z weights the *old* state (``h = z h_prev + (1 - z) h~``); the core's update gate
  weights the candidate, so core = 1 - z = sigmoid(-(...)): Keras's z rows negated.
* GRU(reset_after=True): Keras's bias is (2, 3u), the input bias and the recurrent bias; the core's
  reset-after cell keeps the recurrent bias as an extra last column of ``Wh`` (3u, u + 1).

Parameter counts are therefore Keras's: SimpleRNN u(n+u+1), LSTM 4u(n+u+1), GRU 3u(n+u+2) with
reset_after=True and 3u(n+u+1) without.

Dropout follows Keras: ``dropout`` drops input features and ``recurrent_dropout`` drops the
previous output where the recurrent product reads it (a GRU's carry ``(1 - Γu) a<t-1>`` keeps the
undropped state, as Keras's does), each with ONE mask per sequence, the same at every step (Gal &
Ghahramani 2016), only while training.  One difference: with recurrent dropout on, Keras 3 draws a
separate mask per gate (its "implementation 1"); here all gates share one mask.
"""
import numpy as np

from ...core.checks import check_seed
from ...core.layers import CELLS, layer_backward, layer_forward
from ...errors import ConfigError, ShapeError
from .. import initializers
from .base import Layer, check_flag, check_size, take_defaults

# Keras arguments accepted only at their default (the core's loops have no stateful carry-over
# between batches, no unrolling, and always a bias); regularizers etc. are handled by Layer.
_ONLY_DEFAULT = {"stateful": False, "unroll": False, "use_bias": True}
_IGNORED = ("use_cudnn", "implementation")  # speed switches in Keras, no effect on the function


class RecurrentLayer(Layer):
    """What SimpleRNN, GRU and LSTM share.  Subclasses set ``cell_name``, ``keras_gate_order``
    (the core block that each Keras block is) and ``keras_gate_sign``."""

    cell_name = None
    keras_gate_order = (0,)  # Keras block k is core block keras_gate_order[k]
    keras_gate_sign = (1,)

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", dropout=0.0, recurrent_dropout=0.0, return_sequences=False,
                 return_state=False, go_backwards=False, seed=None, **kwargs):
        kind = type(self).__name__
        take_defaults(kind, kwargs, _ONLY_DEFAULT)
        for key in _IGNORED:
            kwargs.pop(key, None)
        self._config = dict(units=units, activation=activation, recurrent_activation=recurrent_activation,
                            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                            bias_initializer=bias_initializer, dropout=dropout, recurrent_dropout=recurrent_dropout,
                            return_sequences=return_sequences, return_state=return_state,
                            go_backwards=go_backwards, seed=seed, trainable=kwargs.get("trainable", True),
                            dtype=kwargs.get("dtype"))
        super().__init__(**kwargs)
        check_size(kind, "units", units)
        for label, flag in (("return_sequences", return_sequences), ("return_state", return_state),
                            ("go_backwards", go_backwards)):
            check_flag(kind, label, flag)
        if seed is not None:
            check_seed(seed, kind)
        if not (isinstance(activation, str) and activation == "tanh"):  # an array would compare elementwise
            raise ConfigError(f"{kind}: activation must be 'tanh' (the core cells' activation), got {activation!r}")
        if not (isinstance(recurrent_activation, str) and recurrent_activation == "sigmoid"):
            raise ConfigError(f"{kind}: recurrent_activation must be 'sigmoid', got {recurrent_activation!r}")
        for label, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not (isinstance(rate, (int, float)) and not isinstance(rate, bool) and 0.0 <= rate < 1.0):
                raise ConfigError(f"{kind}: {label} must be in [0, 1), got {rate!r}")
        self.units = int(units)
        self.kernel_initializer = initializers.get(kernel_initializer, kind)
        self.recurrent_initializer = initializers.get(recurrent_initializer, kind)
        self.bias_initializer = initializers.get(bias_initializer, kind)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.dropout_rng = np.random.default_rng(seed)
        # Keras's Bidirectional sets this on its two layers when they return sequences: outputs at
        # padded steps are zeros instead of the carried output.
        self.zero_output_for_mask = False
        self.trim_padding = True  # skip the batch's all-padding steps (see _real_span)

    @property
    def cell(self):
        return CELLS[self.cell_name]

    def get_config(self):
        return dict(self._config, name=self.name)

    # --- building and Keras's layout ------------------------------------------------------------
    def _create_weights(self, input_shape, rng):
        if len(input_shape) != 2:
            raise ShapeError(f"{self.name}: expects inputs of shape (batch, T, features), got (None, {', '.join(map(str, input_shape))})")
        n_x, u, G = input_shape[1], self.units, self.cell.gates
        keras = [self.kernel_initializer((n_x, G * u), rng), self.recurrent_initializer((u, G * u), rng),
                 self._initial_keras_bias(rng)]
        self.weights = {"Wx": np.zeros((G * u, n_x)), "Wh": np.zeros(self.cell.recurrent_shape(u)), "b": np.zeros((G * u, 1))}
        self._store_keras(keras)

    def _initial_keras_bias(self, rng):
        return self.bias_initializer((self.cell.gates * self.units,), rng)

    def compute_output_shape(self, input_shape):
        T = input_shape[0]
        return (T, self.units) if self.return_sequences else (self.units,)

    def compute_mask(self, mask):
        return mask if self.return_sequences else None

    def weight_names(self):
        return ["kernel", "recurrent_kernel", "bias"]

    def _core_rows(self, keras_cols):
        """Keras's (k, G*u) column blocks -> the core's (G*u, k) row blocks (reordered, signed)."""
        u, G = self.units, self.cell.gates
        blocks = keras_cols.T.reshape(G, u, -1)
        core = np.empty_like(blocks)
        for k, (dest, sign) in enumerate(zip(self.keras_gate_order, self.keras_gate_sign)):
            core[dest] = sign * blocks[k]
        return core.reshape(G * u, -1)

    def _keras_cols(self, core_rows):
        u, G = self.units, self.cell.gates
        blocks = core_rows.reshape(G, u, -1)
        keras = np.stack([sign * blocks[dest] for dest, sign in zip(self.keras_gate_order, self.keras_gate_sign)])
        return keras.reshape(G * u, -1).T

    def _store_keras(self, arrays):
        kernel, recurrent, bias = arrays
        u = self.units
        w = self.weights
        w["Wx"][...] = self._core_rows(kernel)
        w["Wh"][:, :u] = self._core_rows(recurrent)
        w["b"][...] = self._core_rows(np.asarray(bias).reshape(-1, self.cell.gates * u)[:1])
        if self.cell.recurrent_bias:  # Keras's bias row 1 is the recurrent bias
            w["Wh"][:, u:] = self._core_rows(np.asarray(bias)[1:2])

    def get_weights(self):
        u, w = self.units, self.weights
        bias = self._keras_cols(w["b"])[0]
        if self.cell.recurrent_bias:
            bias = np.stack([bias, self._keras_cols(w["Wh"][:, u:])[0]])
        return [self._keras_cols(w["Wx"]).copy(), self._keras_cols(w["Wh"][:, :u]).copy(), bias.copy()]

    def _set_keras_weights(self, arrays):
        self._store_keras(arrays)

    # --- forward and backward ----------------------------------------------------------------
    def forward(self, x, mask=None, training=False, initial_state=None):
        """x: (m, T, n_x) floats; mask: None or (m, T) booleans (True = real step);
        initial_state: None (zeros) or a list of (m, units) arrays (LSTM: [h, c]).

        Returns (y, cache): y is (m, T, units) with return_sequences, else (m, units) (the output
        after each sequence's last real step); with return_state, y is [output, *final states].
        go_backwards reads the sequence from its end and, as in Keras, returns the sequence of
        outputs in that (reversed) order.
        """
        self._require_built("forward")
        x = check_sequences(x, self.input_shape[1], self.name, self.dtype)
        m, T, n_x = x.shape
        u, cell, w = self.units, self.cell, self.weights
        core_mask = None if mask is None else check_mask(mask, (m, T), self.name).T
        input_keep = recurrent_keep = None
        if training and self.dropout > 0:  # one mask per sequence, the same at every step
            input_keep = (self.dropout_rng.random((m, 1, n_x)) >= self.dropout) / (1 - self.dropout)
            x = x * input_keep.astype(self.dtype)
        if training and self.recurrent_dropout > 0:
            recurrent_keep = ((self.dropout_rng.random((u, m)) >= self.recurrent_dropout)
                              / (1 - self.recurrent_dropout)).astype(self.dtype)
        lo, hi = self._real_span(core_mask, T)
        xs = x[:, lo:hi] if (lo, hi) != (0, T) else x
        Ts = hi - lo
        # all steps' input projections in one product, then hidden-major (G*u, T, m) for the loop
        xw = (xs.reshape(m * Ts, n_x) @ w["Wx"].T).reshape(m, Ts, -1).transpose(2, 1, 0) + w["b"][:, :, None]
        xw = np.ascontiguousarray(xw)
        state0 = self._initial_state(initial_state, m)
        span_mask = None if core_mask is None else core_mask[lo:hi]
        if span_mask is not None and span_mask.all():
            span_mask = None  # equal lengths inside the span: the loop without the per-step select
        H, final, caches = layer_forward(cell, xw, state0, w["Wh"], mask=span_mask, reverse=self.go_backwards,
                                         recurrent_keep=recurrent_keep)
        if self.return_sequences:
            if Ts != T:  # steps outside the span carry a state unchanged: the initial one or the final one
                before, after = (final[0], state0[0]) if self.go_backwards else (state0[0], final[0])
                H = np.concatenate([np.broadcast_to(before[:, None], (u, lo, m)), H,
                                    np.broadcast_to(after[:, None], (u, T - hi, m))], axis=1)
            y = H.transpose(2, 1, 0)  # (m, T, u)
            if self.zero_output_for_mask and mask is not None:
                y = y * core_mask.T[:, :, None]
            if self.go_backwards:
                y = y[:, ::-1]
            y = np.ascontiguousarray(y)
        else:
            y = np.ascontiguousarray(final[0].T)
        cache = (xs, core_mask, input_keep, recurrent_keep, caches, m, T, lo, hi, span_mask)
        if self.return_state:
            return [y] + [np.ascontiguousarray(s.T) for s in final], cache
        return y, cache

    def _real_span(self, core_mask, T):
        """(lo, hi): the steps lo..hi-1 hold every real step of the batch.  Outside them every
        sequence is padding, so the state does not change there and the loop can skip them; with
        pre-padding that is the batch's leading all-padding steps (Keras still runs them).
        ``trim_padding = False`` runs all T steps (the tests compare the two)."""
        if core_mask is None or not self.trim_padding:
            return 0, T
        real = core_mask.any(axis=1)
        if not real.any():
            return 0, T
        return int(np.argmax(real)), T - int(np.argmax(real[::-1]))

    def _initial_state(self, initial_state, m):
        n = self.cell.n_states
        if initial_state is None:
            return tuple(np.zeros((self.units, m), self.dtype) for _ in range(n))
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != n:
            raise ShapeError(f"{self.name}: initial_state needs {n} array(s) of shape (batch, {self.units}), got {len(states)}")
        out = []
        for s in states:
            s = np.asarray(s, dtype=self.dtype)
            if s.shape != (m, self.units):
                raise ShapeError(f"{self.name}: an initial state has shape {s.shape}, expected ({m}, {self.units})")
            out.append(np.ascontiguousarray(s.T))
        return tuple(out)

    def backward(self, dy, cache):
        """dy: like forward's y (with return_state, a list [d_output, *d_states], entries may be None).
        Adds dWx, dWh, db into ``self.grads``; returns dx (m, T, n_x).  The gradient on the initial
        state is left in ``self.last_dinitial_state`` (a list of (m, units) arrays)."""
        xs, core_mask, input_keep, recurrent_keep, caches, m, T, lo, hi, span_mask = cache
        u, cell, w = self.units, self.cell, self.weights
        d_states = [None] * cell.n_states
        if self.return_state:  # [d_output, d_h, (d_c)]: the returned states' gradients, if any
            dy, d_states = dy[0], (list(dy[1:]) + d_states)[: cell.n_states]
        dstate_last = [np.zeros((u, m), self.dtype) if d is None else np.asarray(d, self.dtype).T.copy() for d in d_states]
        if self.return_sequences:
            dH = np.asarray(dy, self.dtype)
            if self.go_backwards:
                dH = dH[:, ::-1]
            if self.zero_output_for_mask and core_mask is not None:
                dH = dH * core_mask.T[:, :, None]
            dH = np.ascontiguousarray(dH.transpose(2, 1, 0))
        else:
            dH = np.zeros((u, hi - lo, m), self.dtype)  # already the span's steps
            if dy is not None:
                dstate_last[0] = dstate_last[0] + np.asarray(dy, self.dtype).T
        Ts = hi - lo
        extra0 = None
        if Ts != T and self.return_sequences:  # outputs outside the span are copies of the initial or the final state
            head, tail = dH[:, :lo].sum(axis=1), dH[:, hi:].sum(axis=1)
            to_final, extra0 = (head, tail) if self.go_backwards else (tail, head)
            dstate_last[0] = dstate_last[0] + to_final
            dH = np.ascontiguousarray(dH[:, lo:hi])
        dXW, dWh, dstate0 = layer_backward(cell, dH, tuple(dstate_last), caches, w["Wh"], mask=span_mask,
                                           reverse=self.go_backwards, recurrent_keep=recurrent_keep)
        if extra0 is not None:
            dstate0 = (dstate0[0] + extra0,) + tuple(dstate0[1:])
        flat = dXW.transpose(2, 1, 0).reshape(m * Ts, -1)  # (m*Ts, G*u), rows in x's order
        if self.trainable:
            self.grads["dWx"] += flat.T @ xs.reshape(m * Ts, -1)
            self.grads["dWh"] += dWh
            self.grads["db"] += flat.sum(axis=0)[:, None]
        self.last_dinitial_state = [np.ascontiguousarray(d.T) for d in dstate0]
        dxs = (flat @ w["Wx"]).reshape(m, Ts, -1)
        if Ts == T:
            dx = dxs
        else:  # padded steps outside the span had no effect, so no gradient
            dx = np.zeros((m, T, dxs.shape[2]), dxs.dtype)
            dx[:, lo:hi] = dxs
        if input_keep is not None:
            dx *= input_keep
        return dx


class SimpleRNN(RecurrentLayer):
    """Keras's ``SimpleRNN(units, ...)``: ``a<t> = tanh(W x<t> + U a<t-1> + b)`` (core cell "rnn")."""

    cell_name = "rnn"

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)


class LSTM(RecurrentLayer):
    """Keras's ``LSTM(units, ..., unit_forget_bias=True)`` on the core's LSTM cell.

    unit_forget_bias: start the forget gate's bias at 1 (Jozefowicz et al. 2015), as Keras does.
    """

    cell_name = "lstm"
    keras_gate_order = (1, 0, 2, 3)  # Keras i, f, c, o -> core f, i, c, o
    keras_gate_sign = (1, 1, 1, 1)

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = check_flag("LSTM", "unit_forget_bias", unit_forget_bias)
        self._config["unit_forget_bias"] = unit_forget_bias

    def _initial_keras_bias(self, rng):
        bias = super()._initial_keras_bias(rng)
        if self.unit_forget_bias:
            bias[self.units:2 * self.units] = 1.0  # Keras's block 1 is the forget gate
        return bias


class GRU(RecurrentLayer):
    """Keras's ``GRU(units, ..., reset_after=True)``.

    reset_after=True (Keras 3's default; PyTorch's and cuDNN's form) uses the core cell
    "gru_reset_after", with a recurrent bias: 3u(n+u+2) parameters.  reset_after=False uses the
    lecture's cell "gru" (reset before the recurrent product): 3u(n+u+1).
    """

    keras_gate_order = (0, 1, 2)  # Keras z, r, h -> core update, reset, candidate
    keras_gate_sign = (-1, 1, 1)  # core update = 1 - Keras z

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = check_flag("GRU", "reset_after", reset_after)
        self._config["reset_after"] = reset_after

    @property
    def cell_name(self):
        return "gru_reset_after" if self.reset_after else "gru"

    def _initial_keras_bias(self, rng):
        bias = super()._initial_keras_bias(rng)
        if self.reset_after:  # (2, 3u): input bias, recurrent bias
            bias = np.stack([bias, self.bias_initializer((3 * self.units,), rng)])
        return bias


def check_sequences(x, n_features, where, dtype):
    """x as a float (m, T, n_features) array, or ShapeError naming what is wrong."""
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "iufb":
        raise ShapeError(f"{where}: inputs must be numbers, got an array of dtype {arr.dtype}")
    if arr.ndim != 3:
        hint = " (ids? put an Embedding first)" if arr.ndim == 2 else ""
        raise ShapeError(f"{where}: inputs must have shape (batch, T, features), got shape {arr.shape}{hint}")
    if arr.shape[2] != n_features:
        raise ShapeError(f"{where}: inputs have {arr.shape[2]} features per step, the layer was built for {n_features}")
    return np.ascontiguousarray(arr, dtype=dtype)


def check_mask(mask, shape, where):
    mask = np.asarray(mask)
    if mask.shape != shape:
        raise ShapeError(f"{where}: mask has shape {mask.shape}, expected {shape}")
    return mask.astype(bool)
