"""Small experiments the notebooks run and plot; each returns plain arrays, plotting is elsewhere."""
import time

import numpy as np

from ..core import lm
from ..core.checks import (
    check_choice, check_finite_result, check_ids, check_instance, check_int, check_real, check_sequence, check_text,
)
from ..data.chars import CharVocab
from ..errors import ConfigError, CorpusError, ShapeError, TrainingDiverged, VocabularyError
from ..core.layers import CELLS, layer_forward
from ..core.optim import SGD, clip_by_value, global_norm
from ..data.chars import names_to_batch
from ..training.trainer import TrainConfig, train


def clipping_experiment(names, vocab, steps=2000, learning_rate=0.03, recurrent_scale=4.0,
                        clip_value=1.0, hidden_size=50, seed=0):
    """Train the same RNN twice, one name per step with plain SGD like the course: once with the
    gradients clipped element-wise at ``clip_value`` and once without.

    The recurrent weights start ``recurrent_scale`` times larger than usual, the setting in which
    gradients explode.  With the defaults the outcome is the same for every seed we tried (0, 1, 2):
    without clipping the loss ends higher than it started; with clipping it keeps falling.
    Returns {"not clipped": run, "clipped": run}, each run a dict of float64
    arrays of length ``steps``: ``loss`` (nats per character of that step's name) and ``grad_norm``
    (global gradient norm before clipping).
    """
    where = "clipping_experiment"
    names = check_sequence("names", names, where, error=CorpusError, nonempty=False, what="a list of names")
    if not names:
        raise CorpusError("clipping_experiment: no names to train on")
    for name in names:
        check_text("each name", name, where, error=CorpusError)
    check_instance("vocab", vocab, CharVocab, where, error=VocabularyError)
    steps = check_int("steps", steps, where, minimum=1)
    learning_rate = check_real("learning_rate", learning_rate, where, positive=True)
    recurrent_scale = check_real("recurrent_scale", recurrent_scale, where)
    clip_value = check_real("clip_value", clip_value, where, positive=True)
    # the sizes and the seed are init_parameters's to check, before any step
    lm.init_parameters(len(vocab), hidden_size, seed=seed, dtype=np.float64)
    runs = {}
    sgd = SGD(learning_rate)
    for label, clip in (("not clipped", None), ("clipped", clip_value)):
        params = lm.init_parameters(len(vocab), hidden_size, seed=seed, dtype=np.float64)
        params["Waa"] *= recurrent_scale
        loss, norm = np.empty(steps), np.empty(steps)
        for j in range(steps):
            X, Y = names_to_batch([names[j % len(names)]], vocab)
            loss_sum, count, cache = lm.forward(params, X, Y)
            grads, _ = lm.backward(cache)
            loss[j], norm[j] = loss_sum / count, global_norm(grads)
            if not (np.isfinite(loss[j]) and np.isfinite(norm[j])):
                # an overflow: NaN from here on would only hide where it happened
                raise TrainingDiverged(f"{where}: the {label} run's loss or gradient overflowed at step {j + 1} "
                                       f"(learning_rate {learning_rate}, recurrent_scale {recurrent_scale}); "
                                       "use smaller values")
            if clip is not None:
                clip_by_value(grads, clip)
            sgd.step(params, grads)
        runs[label] = {"loss": loss, "grad_norm": norm}
    return runs


def gradient_norms_through_time(parameters, ids):
    """How far back the gradient of a loss at the *last* step reaches.

    parameters: a one-layer model of any cell (float64 recommended); ids: (T,) input ids.
    A fixed unit gradient is placed on the last hidden state a<T-1> and carried back through the
    cell's own backward step.  Returns a (T,) array whose entry k is ||dL/da<T-1-k>||, so entry 0
    is 1 and a falling curve means a vanishing gradient.
    """
    where = "gradient_norms_through_time"
    cell_name, layers, n_a, V = lm.check_parameters(parameters, where)
    if layers != 1:
        raise CorpusError("gradient_norms_through_time: give a one-layer model")
    cell = CELLS[cell_name]
    X = _input_ids(ids, V, where)
    Wh = parameters["Waa"]
    xw = lm.input_projection(parameters["Wax"], parameters["b"], X)
    zeros = np.zeros((n_a, 1), Wh.dtype)
    _, _, caches = layer_forward(cell, xw, (zeros,) * cell.n_states, Wh)
    dstate = (np.full((n_a, 1), 1.0 / np.sqrt(n_a), Wh.dtype),) + (zeros,) * (cell.n_states - 1)
    norms = [1.0]
    for t in range(len(X) - 1, 0, -1):
        _, dstate = cell.back(dstate, caches[t], Wh)
        norms.append(float(np.linalg.norm(dstate[0])))
    # weights near 1e300 overflow here; the curve would be NaN and inf, which plots as nothing
    return check_finite_result("the gradient norms", np.array(norms), where)


def _input_ids(ids, vocab_size, where):
    """ids (T,) as a (T, 1) int64 column: ids of the vocabulary, or -1 for the zero input."""
    ids = check_ids("ids", ids, where, size=vocab_size, allow=(-1,), error=CorpusError)
    if ids.size == 0:
        raise CorpusError(f"{where}: ids is empty: give at least one input")
    return ids.reshape(-1, 1)


LSTM_GATES = ("forget", "update", "candidate", "output")


def lstm_gate_activations(parameters, ids):
    """What the first LSTM layer's gates do on one input sequence.

    ids: (T,) input ids.  Returns dict gate name -> (n_a, T) activations for the forget, update,
    candidate and output gates, plus "cell" -> (n_a, T) the memory cell c<t>.
    """
    where = "lstm_gate_activations"
    cell_name, _, n_a, V = lm.check_parameters(parameters, where)
    if cell_name != "lstm":
        raise CorpusError(f"lstm_gate_activations needs an LSTM model, got a {cell_name}")
    X = _input_ids(ids, V, where)
    xw = lm.input_projection(parameters["Wax"], parameters["b"], X)
    zeros = np.zeros((n_a, 1), parameters["Waa"].dtype)
    _, _, caches = layer_forward(CELLS["lstm"], xw, (zeros, zeros), parameters["Waa"])
    gates = np.concatenate([c.gates for c in caches], axis=1)  # (4 n_a, T)
    acts = {name: gates[k * n_a:(k + 1) * n_a] for k, name in enumerate(LSTM_GATES)}
    tanh_c = np.concatenate([c.tanh_c for c in caches], axis=1)
    acts["cell"] = np.arctanh(np.clip(tanh_c, -1 + 1e-12, 1 - 1e-12))
    for name, values in acts.items():
        check_finite_result(f"the {name} activations", values, where)
    return acts


def compare_cells(train_names, val_names, cells=("rnn", "gru", "lstm"), **settings):
    """Train one model per cell type with the same settings (same steps, batches, hidden size).

    settings: TrainConfig fields shared by all runs.  Returns a list of dicts with cell, model,
    history, parameters (count) and seconds (wall time of training, evaluations included).
    """
    where = "compare_cells"
    cells = check_sequence("cells", cells, where, what="a list of cell names")
    for cell in cells:
        check_choice("each cell", cell, ("rnn", "gru", "lstm"), where)
    fields = set(vars(TrainConfig())) - {"cell"}
    unknown = sorted(map(str, set(settings) - fields))
    if unknown:
        raise ConfigError(f"{where}: unknown settings {', '.join(unknown)} (TrainConfig fields other than cell: "
                          f"{', '.join(sorted(fields))})")
    for cell in cells:  # every run's settings, before the first one trains
        TrainConfig(cell=cell, **settings).check()
    rows = []
    for cell in cells:
        start = time.perf_counter()
        model, history = train(train_names, val_names, TrainConfig(cell=cell, **settings), progress=False)
        rows.append({"cell": cell, "model": model, "history": history,
                     "parameters": int(sum(p.size for p in model.parameters.values())),
                     "seconds": time.perf_counter() - start})
    return rows


def input_gradient_norms(model, x, y):
    """How far back the gradient of a many-to-one classifier's loss reaches, word by word.

    model: a compiled ``rnnlib.nn.Sequential`` that starts with an ``Embedding`` over pre-padded
    ids (so every text's last word sits at the last step); x: (m, T) ids; y: its targets.
    Runs one forward and backward pass (no update; the model's gradients are left as a training
    step would leave them) and reads dLoss/d(embedded word at step t), the gradient that reaches
    the word itself.  Returns a (T,) array whose entry k is the mean, over the texts that have a
    word k steps before their end, of that gradient's norm: entry 0 is the last word.  NaN where
    no text is that long.
    """
    from ..nn.layers.embedding import Embedding  # ui may import nn; kept local, only this needs it
    from ..nn.model import Sequential

    check_instance("model", model, Sequential, "input_gradient_norms", what="a compiled rnnlib.nn Sequential")
    if not model.layers or not isinstance(model.layers[0], Embedding):
        raise ConfigError("input_gradient_norms: the model must start with an Embedding")
    model._require_compiled("input_gradient_norms")
    if y is None:
        raise ShapeError("input_gradient_norms: y (the targets) is None")
    x, y = model._check_data(x, y, "input_gradient_norms")
    out, caches, mask = model.forward_with_mask(x, training=False)
    _, dy = model.loss_fn(y, out, mask)
    check_finite_result("the loss gradient", dy, "input_gradient_norms")  # targets near 1e300 overflow it
    for layer in model.layers:
        layer.zero_grads()
    dy = dy.astype(out.dtype, copy=False)
    for layer, cache in zip(reversed(model.layers[1:]), reversed(caches[1:])):
        dy = layer.backward(dy, cache)
    check_finite_result("the gradient reaching the words", dy, "input_gradient_norms")
    norms = np.linalg.norm(np.asarray(dy, np.float64), axis=2)[:, ::-1]  # (m, T), column k = k steps back
    real = (np.asarray(x) != 0)[:, ::-1]
    counts = real.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, (norms * real).sum(axis=0) / counts, np.nan)
