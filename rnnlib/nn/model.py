"""Sequential: a stack of ``rnnlib.nn`` layers with Keras's compile / fit / evaluate / predict.

    model = Sequential([Embedding(10000, 32, mask_zero=True), LSTM(32), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=3, batch_size=32, validation_split=0.1)

The model builds its layers from the first data it sees (or from an ``Input(shape=...)`` first
element, or a first layer's ``input_shape``).  A training step is: forward through the layers,
the loss and its gradient on the output, backward through the layers in reverse (each adds its
weight gradients), the optimizer's update on every trainable weight.  The padding mask of an
``Embedding(mask_zero=True)`` travels forward with the activations.

Randomness (initial weights, shuffling, dropout) comes from numpy Generators seeded by ``seed``,
so a run repeats exactly.  Keras seeds globally instead (``keras.utils.set_random_seed``).
"""
import sys

import numpy as np

from ..core.checks import as_array, check_int, check_path, check_seed, check_sequence
from ..errors import ConfigError, ModelFileError, ShapeError
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .layers.base import Layer
from .layers.embedding import Embedding
from .summary import summary_lines
from .weights_file import load_weights, save_weights


class ForwardCaches(list):
    """What a model's ``forward`` hands its ``backward``: the per-layer (or per-step) caches, tagged
    with the model that made them and the batch size, so ``backward`` can refuse caches from another
    model or another batch (they would otherwise reach a layer's arithmetic as numpy errors)."""

    def __init__(self, caches=(), owner=None, batch=None):  # defaults: a copy made elsewhere is refused
        super().__init__(caches)
        self.owner = owner
        self.batch = batch


def check_forward_caches(caches, owner, count, batch_of_d, where):
    """ShapeError unless ``caches`` is ``owner``'s own ``ForwardCaches`` of ``count`` entries for the
    batch size ``batch_of_d`` (the leading size of the gradient handed to ``backward``)."""
    if not (isinstance(caches, ForwardCaches) and caches.owner is owner and len(caches) == count):
        raise ShapeError(f"{where}: caches must be what this model's forward returned (its second value), "
                         "not a list built elsewhere or another model's")
    if batch_of_d != caches.batch:
        raise ShapeError(f"{where}: the gradient is for a batch of {batch_of_d}, the caches for {caches.batch}")


class Input:
    """Keras's ``Input(shape=(T,), dtype=...)``: the input's shape without the batch axis."""

    def __init__(self, shape, dtype=None, name=None):
        self.shape = _check_input_shape(shape, "Input")
        if name is not None and not isinstance(name, str):
            raise ConfigError(f"Input: name must be None or a string, got {name!r:.60}")
        self.dtype, self.name = dtype, name


class History:
    """What ``fit`` returns: ``history`` maps "loss", "accuracy", "val_loss", "val_accuracy" to
    one value per epoch (Keras's keys); ``epoch`` lists the epoch indices."""

    def __init__(self):
        self.history, self.epoch = {}, []

    def append(self, logs):
        """Add one epoch's ``logs`` (a dict name -> number)."""
        if not isinstance(logs, dict):
            raise ConfigError(f"History.append: logs must be a dict of the epoch's numbers, got {type(logs).__name__}")
        self.epoch.append(len(self.epoch))
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)


class Sequential:
    """Keras's ``Sequential(layers=None, name="sequential")``, plus ``seed`` and ``dtype``.

    seed: seeds weight initialisation (the model's Generator); fit's own ``seed`` seeds shuffling.
    dtype: the weights' and activations' float type, float32 by default (Keras's).
    """

    def __init__(self, layers=None, name="sequential", seed=0, dtype="float32"):
        self.name = name
        self.layers = []
        self.input_spec = None
        self.rng = check_seed(seed, "Sequential")
        self.dtype = np.dtype(dtype)
        self.built = False
        self.loss_name = None
        self.optimizer = None
        for layer in layers or []:
            self.add(layer)

    # --- assembling and building ----------------------------------------------------------
    def add(self, layer):
        if isinstance(layer, Input):
            if self.layers or self.input_spec is not None:
                raise ConfigError("Sequential: an Input must come first")
            self.input_spec = layer.shape
            return
        if not isinstance(layer, Layer):
            raise ConfigError(f"Sequential.add: expected an rnnlib.nn layer, got {type(layer).__name__}")
        if getattr(layer, "return_state", False):
            raise ConfigError(f"Sequential: {type(layer).__name__}(return_state=True) returns several arrays; "
                              "a Sequential model passes one array from layer to layer")
        if not self.layers and self.input_spec is None and layer.input_shape is not None:
            self.input_spec = layer.input_shape
        self.layers.append(layer)
        self._name_layers()
        if self.built:  # Keras builds a layer added to a built model at once
            layer.build(self.layers[-2].output_shape, self.rng, self.dtype)

    def _name_layers(self):
        """Keras-style unique names: lstm, lstm_1, ... (within this model)."""
        taken = {l.name for l in self.layers if l.name and not getattr(l, "_auto_name", False)}
        counts = {}
        for layer in self.layers:
            if layer.name and not getattr(layer, "_auto_name", False):
                continue
            base = _snake(type(layer).__name__)
            k = counts.get(base, 0)
            name = base if k == 0 else f"{base}_{k}"
            while name in taken:
                k += 1
                name = f"{base}_{k}"
            counts[base] = k + 1
            taken.add(name)
            layer.name, layer._auto_name = name, True

    def build(self, input_shape=None):
        """Build every layer for inputs of ``input_shape`` (without the batch axis)."""
        shape = _check_input_shape(input_shape, "Sequential.build") if input_shape is not None else self.input_spec
        if shape is None:
            raise ConfigError("Sequential.build: no input shape yet; pass data, an Input, or input_shape")
        if not self.layers:
            raise ConfigError("Sequential: the model has no layers")
        if any(d is None for d in shape):
            raise ConfigError(f"Sequential.build: input shape {shape} has an unknown size; call the model on data instead")
        for layer in self.layers:
            if layer.built:
                if layer.input_shape != tuple(shape):
                    raise ShapeError(f"{layer.name} was built for inputs (None, {layer.input_shape}), now gets {shape}")
                shape = layer.output_shape
            else:
                shape = layer.build(shape, self.rng, self.dtype)
        self.input_spec = self.layers[0].input_shape
        self.built = True

    def _ensure_built(self, x):
        if self.built:
            return
        if self.input_spec is not None and all(d is not None for d in self.input_spec):
            self.build(self.input_spec)
        else:
            arr = np.asarray(x)
            if arr.ndim < 2:
                raise ShapeError(f"Sequential: inputs need a batch axis and at least one more, got shape {arr.shape}")
            self.build(arr.shape[1:])

    @property
    def output_shape(self):
        """(None, ...) once the input shape is known (from an Input or data), else None."""
        if not self.built and self.layers and self.input_spec is not None and None not in self.input_spec:
            self.build(self.input_spec)
        return (None,) + tuple(self.layers[-1].output_shape) if self.built else None

    # --- weights ---------------------------------------------------------------------------
    def _all_layers(self):
        for layer in self.layers:
            yield from getattr(layer, "sublayers", [layer])

    def count_params(self, trainable_only=False):
        self._require_built("count_params")
        return sum(l.count_params() for l in self._all_layers() if l.trainable or not trainable_only)

    def get_weights(self):
        self._require_built("get_weights")
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        self._require_built("set_weights")
        weights = check_sequence("weights", weights, "Sequential.set_weights", error=ShapeError, nonempty=False,
                                 what="a list of weight arrays (what get_weights returns)")
        need = sum(len(l.weight_names()) for l in self.layers)
        if len(weights) != need:
            raise ShapeError(f"set_weights: the model has {need} weight arrays, got {len(weights)}")
        k = 0
        for layer in self.layers:
            n = len(layer.weight_names())
            layer.set_weights(weights[k:k + n])
            k += n

    def save_weights(self, path):
        """Write the weights to ``path`` (.npz), atomically."""
        self._require_built("save_weights")
        save_weights(self, check_path("path", path, "Sequential.save_weights", writing=True))

    def load_weights(self, path):
        """Read weights saved by ``save_weights``; ModelFileError if the file does not match."""
        self._require_built("load_weights")
        load_weights(self, check_path("path", path, "Sequential.load_weights", error=ModelFileError))

    def summary(self, print_fn=None):
        self._require_built("summary")
        if print_fn is not None and not callable(print_fn):
            raise ConfigError(f"Sequential.summary: print_fn must be None or a callable, got {type(print_fn).__name__}")
        (print_fn or print)("\n".join(summary_lines(self)))

    def _require_built(self, where):
        if not self.built and self.layers and self.input_spec is not None and None not in self.input_spec:
            self.build(self.input_spec)
        if not self.built:
            raise ConfigError(f"Sequential.{where}: the model is not built yet; call it on data, "
                              "or start it with Input(shape=...)")

    # --- forward and backward ------------------------------------------------------------
    def forward(self, x, training=False):
        """x: a batch (m, ...).  Returns (output, caches) for ``backward``."""
        out, caches, _ = self.forward_with_mask(x, training)
        return out, caches

    def forward_with_mask(self, x, training=False):
        """Like ``forward``, also returning the padding mask (m, T) that reaches the output (or None),
        which the loss and metrics use to leave padded positions out."""
        if not isinstance(training, (bool, np.bool_)):
            raise ConfigError(f"Sequential.forward: training must be True or False, got {training!r}")
        x, _ = self._check_data(x, None, "Sequential.forward")
        first = self.layers[0]
        mask = first.compute_mask_from_input(x) if isinstance(first, Embedding) else None
        caches = []
        for layer in self.layers:
            x, cache = layer.forward(x, mask=mask, training=training)
            mask = layer.compute_mask(mask)
            caches.append(cache)
        return x, ForwardCaches(caches, self, len(x)), mask

    def backward(self, dy, caches):
        """dy: dLoss/d(output).  Fills every layer's ``grads`` (zeroed first); returns dLoss/d(input)."""
        self._require_built("backward")
        dy = as_array("dy", dy, "Sequential.backward")
        want = tuple(self.layers[-1].output_shape)
        if dy.dtype.kind != "f" or dy.ndim != 1 + len(want) or tuple(dy.shape[1:]) != want or dy.shape[0] == 0:
            raise ShapeError(f"Sequential.backward: dy must be a float array (m, {', '.join(map(str, want))}) like the "
                             f"output, got dtype {dy.dtype} and shape {dy.shape}")
        check_forward_caches(caches, self, len(self.layers), dy.shape[0], "Sequential.backward")
        for layer in self.layers:
            layer.zero_grads()
        for layer, cache in zip(reversed(self.layers), reversed(caches)):
            dy = layer.backward(dy, cache)
            if dy is None:
                break
        return dy

    def __call__(self, x, training=False):
        return self.forward(x, training)[0]

    def trainable_parameters(self):
        """(params, grads) dicts keyed "<layer>/<weight>" and "d<layer>/<weight>" for the optimizer."""
        params, grads = {}, {}
        for layer in self._all_layers():
            if not layer.trainable:
                continue
            for k, v in layer.weights.items():
                params[f"{layer.name}/{k}"] = v
                grads[f"d{layer.name}/{k}"] = layer.grads["d" + k]
        return params, grads

    # --- Keras's training API ------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """optimizer: "adam", "sgd", "rmsprop" or an ``rnnlib.nn.optimizers`` object; loss: one of
        ``rnnlib.nn.losses.LOSSES``; metrics: None or ["accuracy"]."""
        self.loss_fn, self.loss_name, self.optimizer, self.metric_fns = resolve_compile(optimizer, loss, metrics)

    def _require_compiled(self, where):
        if self.loss_name is None:
            raise ConfigError(f"Sequential.{where}: call compile(optimizer=..., loss=...) first")

    def _check_data(self, x, y, where):
        x = as_array("inputs", x, where)
        if x.dtype == object or x.dtype.kind not in "iufb":
            raise ShapeError(f"{where}: inputs must be a numeric array (ids or features), got dtype {x.dtype}; "
                             "turn texts into padded id arrays first")
        if x.ndim < 2 or x.shape[0] == 0:
            raise ShapeError(f"{where}: inputs must have shape (batch, ...) with at least one example, got {x.shape}")
        self._ensure_built(x)
        if tuple(x.shape[1:]) != tuple(self.layers[0].input_shape):
            raise ShapeError(f"{where}: inputs have shape {x.shape}, the model takes (None, {', '.join(map(str, self.layers[0].input_shape))})")
        if y is None:
            return x, None
        y = losses_module.check_targets(self.loss_name, y, self.layers[-1].output_shape, x.shape[0])
        return x, y

    def train_on_batch(self, x, y):
        """One update on one batch; returns the batch's (loss, {metric: value}).

        The targets are checked and shaped as ``fit`` shapes them, so labels (m,) work for a
        Dense(1) output (without that, (m,) against (m, 1) would broadcast to (m, m))."""
        self._require_compiled("train_on_batch")
        x, y = self._check_data(x, _labels_given(y, "train_on_batch"), "train_on_batch")
        return self._train_step(x, y)

    def _train_step(self, x, y):
        """train_on_batch on data already checked (fit checks the whole set once)."""
        with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported just below
            out, caches, mask = self.forward_with_mask(x, training=True)
            loss, dout = self.loss_fn(y, out, mask)
        if not np.isfinite(loss):
            from ..errors import TrainingDiverged
            raise TrainingDiverged(f"the loss became {loss}; lower the learning rate or clip gradients")
        self.backward(dout.astype(out.dtype, copy=False), caches)
        params, grads = self.trainable_parameters()
        self.optimizer.apply(params, grads)
        return loss, {name: fn(y, out, mask) for name, fn in self.metric_fns}

    def fit(self, x, y, batch_size=32, epochs=1, verbose=1, validation_split=0.0, validation_data=None,
            shuffle=True, seed=0):
        """Keras's fit: returns a History with "loss" (+ "accuracy") and, with validation,
        "val_loss" (+ "val_accuracy") per epoch.  The epoch's loss is the mean over its batches
        weighted by batch size.  validation_split holds out the *last* fraction of the data before
        shuffling (as Keras does); seed seeds the shuffling."""
        self._require_compiled("fit")
        x, y = self._check_data(x, _labels_given(y, "fit"), "fit")
        batch_size = _positive_int(batch_size, "fit: batch_size", default=32)
        epochs = _positive_int(epochs, "fit: epochs")
        if not (isinstance(validation_split, (int, float)) and 0.0 <= validation_split < 1.0):
            raise ConfigError(f"fit: validation_split must be in [0, 1), got {validation_split!r}")
        if validation_data is not None:
            if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
                raise ConfigError("fit: validation_data must be a pair (x_val, y_val)")
            x_val, y_val = self._check_data(validation_data[0], _labels_given(validation_data[1], "fit (validation_data)"),
                                            "fit (validation_data)")
        elif validation_split > 0:
            n_val = int(x.shape[0] * validation_split)
            if n_val == 0 or n_val == x.shape[0]:
                raise ConfigError(f"fit: validation_split={validation_split} of {x.shape[0]} examples leaves an empty side")
            x, x_val, y, y_val = x[:-n_val], x[-n_val:], y[:-n_val], y[-n_val:]
        else:
            x_val = y_val = None
        rng = check_seed(seed, "fit")
        if not isinstance(verbose, (int, np.integer)):  # Keras's 0, 1, 2 (a bool is an int too)
            raise ConfigError(f"fit: verbose must be 0, 1, 2 or a bool, got {verbose!r}")
        if not isinstance(shuffle, (bool, np.bool_)):
            raise ConfigError(f"fit: shuffle must be True or False, got {shuffle!r}")
        history = History()
        n = x.shape[0]
        for epoch in range(epochs):
            order = rng.permutation(n) if shuffle else np.arange(n)
            totals, seen = {}, 0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                loss, mets = self._train_step(x[idx], y[idx])
                for k, v in {"loss": loss, **mets}.items():
                    totals[k] = totals.get(k, 0.0) + v * len(idx)
                seen += len(idx)
            logs = {k: v / seen for k, v in totals.items()}
            if x_val is not None:
                val = self._evaluate_logs(x_val, y_val, batch_size)
                logs.update({f"val_{k}": v for k, v in val.items()})
            history.append(logs)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()),
                      file=sys.stdout)
        return history

    def _evaluate_logs(self, x, y, batch_size):
        totals, seen = {}, 0
        for start in range(0, x.shape[0], batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            out, _, mask = self.forward_with_mask(xb, training=False)
            loss, _ = self.loss_fn(yb, out, mask)
            for k, v in {"loss": loss, **{name: fn(yb, out, mask) for name, fn in self.metric_fns}}.items():
                totals[k] = totals.get(k, 0.0) + v * len(xb)
            seen += len(xb)
        return {k: v / seen for k, v in totals.items()}

    def evaluate(self, x, y, batch_size=32, verbose=0):
        """The loss, or [loss, metric, ...] when compiled with metrics (Keras's return)."""
        if not isinstance(verbose, (int, np.integer)):
            raise ConfigError(f"evaluate: verbose must be 0, 1, 2 or a bool, got {verbose!r:.60}")
        self._require_compiled("evaluate")
        x, y = self._check_data(x, _labels_given(y, "evaluate"), "evaluate")
        logs = self._evaluate_logs(x, y, _positive_int(batch_size, "evaluate: batch_size", default=32))
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    def predict(self, x, batch_size=32, verbose=0):
        """The outputs for every example, computed in batches: (m, *output_shape)."""
        x, _ = self._check_data(x, None, "predict")
        batch_size = _positive_int(batch_size, "predict: batch_size", default=32)
        return np.concatenate([self.forward(x[s:s + batch_size])[0] for s in range(0, x.shape[0], batch_size)])


def _positive_int(value, where, default=None):
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{where} must be a positive integer, got {value!r}")
    return int(value)


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def resolve_compile(optimizer, loss, metrics):
    """``compile``'s arguments as (loss function, loss name, optimizer object, [(metric name, fn)]);
    ConfigError for a missing or unknown one.  Every model kind compiles through this."""
    if loss is None:
        raise ConfigError("compile: give a loss, e.g. loss='binary_crossentropy'")
    return losses_module.get(loss), loss, optimizers_module.get(optimizer), metrics_module.get(metrics, loss)


def _check_input_shape(shape, where):
    """An input shape (without the batch axis) as a tuple of whole numbers >= 1 (None: unknown)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ConfigError(f"{where}: the input shape must be a non-empty tuple of sizes such as (T,) or (T, features), "
                          f"got {shape!r:.60}")
    return tuple(None if d is None else check_int("each input size", d, where, minimum=1, maximum=10**8) for d in shape)


def _labels_given(y, where):
    """``y`` unless it is None (``_check_data`` reads None as "no labels", which only predict means)."""
    if y is None:
        raise ShapeError(f"{where}: labels are None; give one label (row) per input")
    return y
