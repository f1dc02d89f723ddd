"""A model over a list of outputs of one shared cell: Keras's hand-wired ``Model(inputs, outputs)``
for the one graph the jazz assignment builds, without a general functional API.

The course wires it by hand in Keras (a Python loop that calls the same ``LSTM_cell`` and ``densor``
layer objects at each step)::

    for t in range(Tx):
        x = reshaper(X[:, t, :])                      # (m, 1, n_values)
        a, _, c = LSTM_cell(x, initial_state=[a, c])  # one step of the shared cell
        outputs.append(densor(a))                     # (m, n_values) softmax
    model = Model(inputs=[X, a0, c0], outputs=outputs)

``UnrolledCellModel(cell, head, steps, reshaper)`` is that graph: the *same* layer objects (their
weights are shared by every step, and by any other model built on them), each step one call of the
recurrent layer's ``forward`` on a length-1 sequence with the previous step's state, so the math is
``rnnlib.core``'s (through ``rnnlib.nn.LSTM``), and the backward pass is the layers' own backward
calls in reverse order, the state gradient flowing from step t+1 into step t.

Two ways to feed the cell:

* ``feedback=False`` (training, teacher forcing): inputs ``[X, *initial_states]``, with ``X``
  (m, steps, n_x); step t reads ``X[:, t, :]``.
* ``feedback=True`` (inference): inputs ``[x0, *initial_states]``, with ``x0`` (m, 1, n_x); each
  step's output is turned into the one-hot of its argmax and fed back as the next input (the
  course's ``music_inference_model``), so ``n_x`` must equal the head's units.  Inference only.

Training follows Keras's multi-output rules: each output has the compiled loss (the mean over the
batch), and the model's loss is their **sum** (Keras's default loss weights of 1); "accuracy" is the
mean over the outputs of each output's accuracy (Keras 2 reports one accuracy per output instead).
"""
import sys

import numpy as np

from ..core.checks import as_array, check_finite_result, check_int, check_seed, check_sequence
from ..errors import ConfigError, ShapeError
from . import losses as losses_module
from .layers.base import MAX_SIZE, Layer
from .layers.recurrent import RecurrentLayer
from .model import ForwardCaches, History, _positive_int, _snake, check_forward_caches, resolve_compile
from .summary import summary_lines


#: The most time steps one unrolled model runs (the jazz course unrolls 30 for training, 50 or 100
#: for inference); each step is a Python-level cell call.
MAX_STEPS = 100_000

#: The largest magnitude an initial state may hold.  A hidden state stays within +-1 and a cell
#: state grows by at most 1 per step, so anything near this is a mistake; far beyond it (1e300)
#: the cell's arithmetic overflows into NaN.
MAX_STATE = 1e6


def _check_state_values(state, where):
    """ShapeError unless every entry of ``state`` is finite and within +-MAX_STATE."""
    with np.errstate(invalid="ignore"):
        ok = bool(np.all(np.abs(state) <= MAX_STATE))
    if not ok:
        raise ShapeError(f"{where}: an initial state must hold finite values within +-{MAX_STATE:g} "
                         "(hidden states stay within +-1)")


class UnrolledCellModel:
    """One recurrent layer (built with ``return_state=True``) and a head layer, unrolled over ``steps``.

    cell: an ``rnnlib.nn`` SimpleRNN / GRU / LSTM with ``return_state=True``.
    head: the layer applied to the cell's output at every step (a ``Dense``), (m, units) -> (m, k).
    steps: how many steps (the course's ``Tx`` or ``Ty``).
    reshaper: an optional layer turning the step input (m, n_x) into (m, 1, n_x) (the course's
        ``Reshape((1, n_values))``); without one the step input is reshaped directly.
    feedback: see the module docstring.
    n_x: the cell's input features; needed only when the cell is not built yet (it is then built
        with weights from ``np.random.default_rng(seed)``).
    """

    def __init__(self, cell, head, steps, reshaper=None, feedback=False, n_x=None, name="model", seed=0,
                 dtype="float32"):
        if not isinstance(cell, RecurrentLayer) or not cell.return_state or cell.return_sequences:
            raise ConfigError("UnrolledCellModel: cell must be an rnnlib.nn recurrent layer built with "
                              "return_state=True (and return_sequences=False), like LSTM(n_a, return_state=True)")
        if not isinstance(head, Layer):
            raise ConfigError(f"UnrolledCellModel: head must be an rnnlib.nn layer such as Dense, got {type(head).__name__}")
        if reshaper is not None and not isinstance(reshaper, Layer):
            raise ConfigError(f"UnrolledCellModel: reshaper must be an rnnlib.nn layer, got {type(reshaper).__name__}")
        self.steps = check_int("steps", steps, "UnrolledCellModel", minimum=1, maximum=MAX_STEPS)
        if not isinstance(feedback, (bool, np.bool_)):
            raise ConfigError(f"UnrolledCellModel: feedback must be True or False, got {feedback!r:.60}")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"UnrolledCellModel: name must be a non-empty string, got {name!r:.60}")
        if n_x is not None:
            n_x = check_int("n_x", n_x, "UnrolledCellModel", minimum=1, maximum=MAX_SIZE)
        self.cell, self.head, self.reshaper, self.feedback = cell, head, reshaper, bool(feedback)
        self.name = name
        try:
            self.dtype = np.dtype(dtype)
        except (TypeError, ValueError):
            raise ConfigError(f"UnrolledCellModel: dtype must be a float type such as 'float32', got {dtype!r:.60}") from None
        if self.dtype.kind != "f":
            raise ConfigError(f"UnrolledCellModel: dtype must be a float type such as 'float32', got {dtype!r:.60}")
        self.loss_name = None
        self.optimizer = None
        rng = check_seed(seed, "UnrolledCellModel")
        if not cell.built:
            if n_x is None:
                raise ConfigError("UnrolledCellModel: the cell is not built yet; give n_x (its input features)")
            cell.build((1, int(n_x)), rng, self.dtype)
        self.n_x = cell.input_shape[1]
        if n_x is not None and int(n_x) != self.n_x:
            raise ShapeError(f"UnrolledCellModel: the cell was built for {self.n_x} input features, not {n_x}")
        if reshaper is not None:
            if not reshaper.built:
                reshaper.build((self.n_x,), rng, self.dtype)
            if reshaper.output_shape != (1, self.n_x):
                raise ShapeError(f"UnrolledCellModel: the reshaper gives {reshaper.output_shape}, the cell needs (1, {self.n_x})")
        if not head.built:
            head.build((cell.units,), rng, self.dtype)
        if head.input_shape != (cell.units,):
            raise ShapeError(f"UnrolledCellModel: the head takes {head.input_shape}, the cell gives ({cell.units},)")
        self.n_out = head.output_shape[-1]
        if self.feedback and self.n_out != self.n_x:
            raise ShapeError(f"UnrolledCellModel: feedback feeds the {self.n_out} outputs back as the next input, "
                             f"but the cell takes {self.n_x} features")
        self.layers = [layer for layer in (reshaper, cell, head) if layer is not None]
        self._name_layers()
        self.built = True

    def _name_layers(self):
        for layer in self.layers:
            if not layer.name:  # a name once given stays, so a layer shared by two models keeps one name
                layer.name, layer._auto_name = _snake(type(layer).__name__), True

    @property
    def n_states(self):
        return self.cell.cell.n_states

    # --- weights ---------------------------------------------------------------------------
    def count_params(self, trainable_only=False):
        return sum(layer.count_params() for layer in self.layers if layer.trainable or not trainable_only)

    def get_weights(self):
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        weights = check_sequence("weights", weights, f"{self.name}.set_weights", error=ShapeError, nonempty=False,
                                 what="a list of weight arrays (what get_weights returns)")
        k = 0
        need = sum(len(layer.weight_names()) for layer in self.layers)
        if len(weights) != need:
            raise ShapeError(f"set_weights: the model has {need} weight arrays, got {len(weights)}")
        for layer in self.layers:
            n = len(layer.weight_names())
            layer.set_weights(weights[k:k + n])
            k += n

    def summary(self, print_fn=None):
        """Keras's table: the step layers (each listed once, as Keras lists a shared layer) and totals."""
        if print_fn is not None and not callable(print_fn):
            raise ConfigError(f"{self.name}.summary: print_fn must be None or a callable, got {type(print_fn).__name__}")
        (print_fn or print)("\n".join(summary_lines(self)))

    def _require_built(self, where):
        return None

    # --- forward and backward --------------------------------------------------------------
    def _check_inputs(self, inputs, where):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 1 + self.n_states:
            raise ShapeError(f"{where}: inputs must be a list [X, {', '.join(['a0', 'c0'][:self.n_states])}] "
                             f"(the sequence and {self.n_states} initial state(s))")
        x = as_array("X", inputs[0], where)
        if x.dtype == object or x.dtype.kind not in "iufb" or x.ndim != 3:
            raise ShapeError(f"{where}: X must be a numeric array (m, T, {self.n_x}), got shape {x.shape}")
        want_t = 1 if self.feedback else self.steps
        if x.shape[1] < want_t or x.shape[2] != self.n_x or x.shape[0] == 0:
            raise ShapeError(f"{where}: X has shape {x.shape}, this model takes (m, {want_t}, {self.n_x})")
        m = x.shape[0]
        states = []
        for s in inputs[1:]:
            s = as_array("an initial state", s, where)
            if s.dtype.kind not in "biuf":
                raise ShapeError(f"{where}: an initial state must hold numbers, got dtype {s.dtype}")
            s = s.astype(self.dtype)
            if s.shape != (m, self.cell.units):
                raise ShapeError(f"{where}: an initial state has shape {s.shape}, expected ({m}, {self.cell.units})")
            _check_state_values(s, where)
            states.append(s)
        return np.asarray(x, dtype=self.dtype), states

    def step(self, x_t, states):
        """One step (used by samplers that choose each next input themselves): x_t (m, n_x), states [(m, u), ...] -> (output (m, n_out), new states, caches)."""
        x_t = as_array("x_t", x_t, f"{self.name}.step")
        if x_t.dtype.kind not in "biuf" or x_t.ndim != 2 or x_t.shape[0] == 0 or (self.n_x and x_t.shape[1] != self.n_x):
            raise ShapeError(f"{self.name}.step: x_t must be a numeric (m, {self.n_x}) array, got shape {x_t.shape}")
        if not isinstance(states, (list, tuple)) or len(states) != self.n_states:
            raise ShapeError(f"{self.name}.step: states must be a list of {self.n_states} arrays (m, {self.cell.units})")
        for s in states:
            if not (isinstance(s, np.ndarray) and s.dtype.kind in "biuf" and s.shape == (x_t.shape[0], self.cell.units)):
                raise ShapeError(f"{self.name}.step: each state must be a numeric ({x_t.shape[0]}, {self.cell.units}) array")
            _check_state_values(s, f"{self.name}.step")
        if self.reshaper is not None:
            x_in, reshape_cache = self.reshaper.forward(x_t)
        else:
            x_in, reshape_cache = x_t[:, None, :], x_t.shape
        out, cell_cache = self.cell.forward(x_in, initial_state=states)
        a, new_states = out[0], out[1:]
        y, head_cache = self.head.forward(a)
        check_finite_result("the output", y, f"{self.name}.step")  # huge finite inputs overflow the cell
        return y, new_states, (reshape_cache, cell_cache, head_cache)

    def forward(self, inputs):
        """inputs: [X, *initial_states].  Returns (outputs: ``steps`` arrays (m, n_out), caches)."""
        x, states = self._check_inputs(inputs, self.name)
        outputs, caches = [], []
        x_t = x[:, 0, :]
        for t in range(self.steps):
            if not self.feedback:
                x_t = x[:, t, :]
            y, states, cache = self.step(x_t, states)
            outputs.append(y)
            caches.append(cache)
            if self.feedback:  # the course's one_hot(argmax(out)) as the next input
                x_t = np.zeros_like(y)
                x_t[np.arange(len(y)), np.argmax(y, axis=-1)] = 1
        for y in outputs:  # huge finite inputs can overflow the cell: say so rather than return NaN
            check_finite_result("the outputs", y, f"{self.name}.forward")
        return outputs, ForwardCaches(caches, self, len(x))

    def backward(self, d_outputs, caches):
        """d_outputs: ``steps`` arrays (m, n_out), dLoss/d(each output).  Fills every layer's grads
        (zeroed first; a shared layer sums its steps' contributions)."""
        if self.feedback:
            raise ConfigError(f"{self.name}: a feedback (inference) model has no backward pass; train the teacher-forced model")
        if not (isinstance(d_outputs, (list, tuple)) and len(d_outputs) == self.steps
                and isinstance(caches, (list, tuple)) and len(caches) == self.steps):
            raise ShapeError(f"{self.name}.backward: d_outputs and caches must be lists of {self.steps} entries "
                             "(one per output, as forward returns them)")
        for d in d_outputs:
            if not (isinstance(d, np.ndarray) and d.dtype.kind == "f" and d.ndim == 2 and d.shape[1] == self.n_out):
                raise ShapeError(f"{self.name}.backward: each d_output must be a float (m, {self.n_out}) array")
            if len(d) != len(d_outputs[0]):
                raise ShapeError(f"{self.name}.backward: every d_output must have the same batch size")
        check_forward_caches(caches, self, self.steps, len(d_outputs[0]), f"{self.name}.backward")
        for layer in self.layers:
            layer.zero_grads()
        d_states = [None] * self.n_states
        for t in reversed(range(self.steps)):
            reshape_cache, cell_cache, head_cache = caches[t]
            da = self.head.backward(d_outputs[t], head_cache)
            dx = self.cell.backward([da] + d_states, cell_cache)
            d_states = self.cell.last_dinitial_state
            if self.reshaper is not None:
                self.reshaper.backward(dx, reshape_cache)

    def __call__(self, inputs):
        return self.forward(inputs)[0]

    def trainable_parameters(self):
        params, grads = {}, {}
        for layer in self.layers:
            if layer.trainable:
                for k, v in layer.weights.items():
                    params[f"{layer.name}/{k}"] = v
                    grads[f"d{layer.name}/{k}"] = layer.grads["d" + k]
        return params, grads

    # --- Keras's training API -----------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """As ``Sequential.compile``; the loss applies to every output and the model's loss is their sum."""
        if self.feedback:
            raise ConfigError(f"{self.name}: a feedback (inference) model cannot be trained; compile the teacher-forced model")
        self.loss_fn, self.loss_name, self.optimizer, self.metric_fns = resolve_compile(optimizer, loss, metrics)

    def _targets(self, y, m, where):
        if isinstance(y, np.ndarray) and y.ndim >= 2:
            y = list(y)
        if not isinstance(y, (list, tuple)) or len(y) != self.steps:
            raise ShapeError(f"{where}: targets must be a list of {self.steps} arrays (one per output), "
                             f"e.g. list(Y) for Y of shape ({self.steps}, m, {self.n_out})")
        return [losses_module.check_targets(self.loss_name, yt, (self.n_out,), m).astype(np.float64) for yt in y]

    def _loss_and_grads(self, outputs, targets):
        total, d_outputs, mets = 0.0, [], {}
        for y_pred, y_true in zip(outputs, targets):
            loss, d = self.loss_fn(y_true, y_pred)
            total += loss
            d_outputs.append(d.astype(y_pred.dtype, copy=False))
            for name, fn in self.metric_fns:
                mets[name] = mets.get(name, 0.0) + fn(y_true, y_pred) / self.steps
        return total, d_outputs, mets

    def train_on_batch(self, inputs, targets):
        """One update on one batch; returns (loss, {metric: value})."""
        if self.loss_name is None:
            raise ConfigError(f"{self.name}.train_on_batch: call compile(optimizer=..., loss=...) first")
        x_arr, _ = self._check_inputs(inputs, "train_on_batch")
        targets = self._targets(targets, x_arr.shape[0], "train_on_batch")
        with np.errstate(over="ignore", invalid="ignore"):
            outputs, caches = self.forward(inputs)
            loss, d_outputs, mets = self._loss_and_grads(outputs, targets)
        if not np.isfinite(loss):
            from ..errors import TrainingDiverged
            raise TrainingDiverged(f"the loss became {loss}; lower the learning rate or clip gradients")
        self.backward(d_outputs, caches)
        params, grads = self.trainable_parameters()
        self.optimizer.apply(params, grads)
        return loss, mets

    def fit(self, x, y, batch_size=32, epochs=1, verbose=1, shuffle=True, seed=0, callbacks=None):
        """Keras's fit for ``x = [X, *initial_states]`` and ``y`` a list of ``steps`` target arrays.

        Returns a History with "loss" (and "accuracy") per epoch: the mean over the epoch's batches
        weighted by batch size, as Keras reports it.  ``seed`` seeds the shuffling.  ``callbacks``:
        functions ``f(epoch, logs)`` called after every epoch (e.g. to redraw a live loss curve).
        """
        if self.loss_name is None:
            raise ConfigError(f"{self.name}.fit: call compile(optimizer=..., loss=...) first")
        x_arr, states = self._check_inputs(x, "fit")
        m = x_arr.shape[0]
        targets = self._targets(y, m, "fit")
        batch_size = _positive_int(batch_size, "fit: batch_size", default=32)
        epochs = _positive_int(epochs, "fit: epochs")
        rng = check_seed(seed, "fit")
        if not isinstance(shuffle, (bool, np.bool_)):
            raise ConfigError(f"fit: shuffle must be True or False, got {shuffle!r:.60}")
        if not isinstance(verbose, (int, np.integer)):  # Keras's 0, 1, 2 (a bool is an int too)
            raise ConfigError(f"fit: verbose must be 0, 1, 2 or a bool, got {verbose!r:.60}")
        if callbacks is not None:
            callbacks = check_sequence("callbacks", callbacks, "fit", nonempty=False, what="a list of functions")
            if not all(callable(f) for f in callbacks):
                raise ConfigError("fit: every callback must be a function f(epoch, logs)")
        history = History()
        for epoch in range(epochs):
            order = rng.permutation(m) if shuffle else np.arange(m)
            totals, seen = {}, 0
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                loss, mets = self.train_on_batch([x_arr[idx]] + [s[idx] for s in states], [t[idx] for t in targets])
                for k, v in {"loss": loss, **mets}.items():
                    totals[k] = totals.get(k, 0.0) + v * len(idx)
                seen += len(idx)
            logs = {k: v / seen for k, v in totals.items()}
            history.append(logs)
            for callback in callbacks or []:
                callback(epoch, logs)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()),
                      file=sys.stdout)
        return history

    def evaluate(self, x, y, batch_size=32):
        """The summed loss over all of ``x`` (no update)."""
        if self.loss_name is None:
            raise ConfigError(f"{self.name}.evaluate: call compile(optimizer=..., loss=...) first")
        x_arr, states = self._check_inputs(x, "evaluate")
        targets = self._targets(y, x_arr.shape[0], "evaluate")
        batch_size = _positive_int(batch_size, "evaluate: batch_size", default=32)
        total = 0.0
        for s in range(0, x_arr.shape[0], batch_size):
            outputs, _ = self.forward([x_arr[s:s + batch_size]] + [st[s:s + batch_size] for st in states])
            total += self._loss_and_grads(outputs, [t[s:s + batch_size] for t in targets])[0] * len(outputs[0])
        return total / x_arr.shape[0]

    def predict(self, x, batch_size=32, verbose=0):
        """The ``steps`` outputs for every example: a list of arrays (m, n_out), as Keras returns them."""
        x_arr, states = self._check_inputs(x, "predict")
        batch_size = _positive_int(batch_size, "predict: batch_size", default=32)
        parts = [self.forward([x_arr[s:s + batch_size]] + [st[s:s + batch_size] for st in states])[0]
                 for s in range(0, x_arr.shape[0], batch_size)]
        return [np.concatenate([p[t] for p in parts]) for t in range(self.steps)]
