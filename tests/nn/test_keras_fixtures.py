"""rnnlib.nn against Keras 3: the same constructor calls, the same weights, the same inputs.

tests/fixtures/keras3_layers.json was recorded by tests/fixtures/record_keras_layers.py (Keras 3 on
the torch backend; the versions are in the file).  Parameter counts must match exactly; outputs,
losses and the weights after one SGD step to about 1e-5 (float32 arithmetic on both sides).
"""
import json
from pathlib import Path

import numpy as np
import pytest

from rnnlib import nn

FIXTURES = json.loads((Path(__file__).parents[1] / "fixtures" / "keras3_layers.json").read_text())
MODELS = FIXTURES["models"]


def make(spec):
    args = [make(a) if isinstance(a, dict) else a for a in spec["args"]]
    return getattr(nn, spec["class"])(*args, **spec["kwargs"])


def build(entry):
    model = nn.Sequential([nn.Input(tuple(entry["input_shape"]))] + [make(s) for s in entry["layers"]])
    model.set_weights([np.asarray(w, np.float32) for w in entry["weights"]])
    return model


def test_fixtures_name_their_versions():
    assert FIXTURES["keras_version"].startswith("3.")
    assert FIXTURES["torch_version"].startswith("2.13.0")
    assert FIXTURES["backend"] == "torch"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_parameter_counts_and_shapes_are_keras(name):
    entry = MODELS[name]
    model = build(entry)
    assert model.count_params() == entry["count_params"]
    assert model.count_params(trainable_only=True) == entry["trainable_params"]
    assert [type(l).__name__ for l in model.layers] == [l["class"] for l in entry["per_layer"]]
    assert [l.count_params() for l in model.layers] == [l["params"] for l in entry["per_layer"]]
    assert [[None] + list(l.output_shape) for l in model.layers] == [l["output_shape"] for l in entry["per_layer"]]
    assert [list(w.shape) for w in model.get_weights()] == entry["weight_shapes"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_weights_round_trip_through_keras_layout(name):
    entry = MODELS[name]
    model = build(entry)
    for got, want in zip(model.get_weights(), entry["weights"]):
        np.testing.assert_allclose(got, np.asarray(want, np.float32), rtol=0, atol=1e-7)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_outputs_match_keras(name):
    entry = MODELS[name]
    model = build(entry)
    out = model.predict(np.asarray(entry["x"]))
    np.testing.assert_allclose(out, np.asarray(entry["output"]), rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", sorted(n for n in MODELS if "train" in MODELS[n]))
def test_one_sgd_step_matches_keras(name):
    entry = MODELS[name]
    train = entry["train"]
    model = build(entry)
    model.compile(optimizer=nn.optimizers.SGD(learning_rate=train["learning_rate"]), loss=train["loss"])
    x, y = np.asarray(entry["x"]), np.asarray(train["y"])
    assert model.evaluate(x, y, batch_size=len(x)) == pytest.approx(train["loss_before"], abs=1e-5)
    loss, _ = model.train_on_batch(x, model._check_data(x, y, "test")[1])
    assert loss == pytest.approx(train["train_on_batch_loss"], abs=1e-5)
    for got, want in zip(model.get_weights(), train["weights_after"]):
        np.testing.assert_allclose(got, np.asarray(want, np.float32), rtol=0, atol=2e-5)


@pytest.mark.parametrize("name", sorted(FIXTURES["calls"]))
def test_return_state_with_an_initial_state_matches_keras(name):
    entry = FIXTURES["calls"][name]
    layer = make(entry["layer"])
    layer.build(tuple(entry["input_shape"]), np.random.default_rng(0), np.float32)
    layer.set_weights([np.asarray(w, np.float32) for w in entry["weights"]])
    assert layer.count_params() == entry["params"]
    states = [np.asarray(s, np.float32) for s in entry["initial_state"]]
    outputs, _ = layer.forward(np.asarray(entry["x"], np.float32), initial_state=states)
    assert len(outputs) == len(entry["outputs"])
    for got, want in zip(outputs, entry["outputs"]):
        np.testing.assert_allclose(got, np.asarray(want), rtol=0, atol=1e-5)


REQUIRED = {"Embedding": (10, 3), "SimpleRNN": (2,), "GRU": (2,), "LSTM": (2,), "Dense": (2,), "Dropout": (0.5,),
            "Reshape": ((2, 3),), "RepeatVector": (2,)}


@pytest.mark.parametrize("cls", sorted(FIXTURES["signatures"]))
def test_every_keras_argument_is_accepted_at_its_default_and_defaults_agree(cls):
    """A Keras cell ports by changing the import: each of Keras 3's arguments, passed at Keras's
    default, is accepted; where rnnlib.nn has the argument in its own signature, the defaults agree."""
    import inspect

    keras_sig = FIXTURES["signatures"][cls]
    ours = getattr(nn, cls)
    required = REQUIRED.get(cls) or (nn.LSTM(2),)
    own_defaults = {}
    for klass in type.mro(ours):
        if klass.__module__.startswith("rnnlib.nn") and "__init__" in vars(klass):
            for name, p in inspect.signature(klass.__init__).parameters.items():
                if p.default is not p.empty:
                    own_defaults.setdefault(name, p.default)
    for name, default in keras_sig.items():
        if default == "<required>":
            continue
        if cls == "Bidirectional":
            required = (nn.LSTM(2),)
        ours(*required, **{name: default})  # must not raise
        if name in own_defaults:
            assert own_defaults[name] == default, f"{cls}({name}=...): rnnlib.nn's default {own_defaults[name]!r}, Keras's {default!r}"


@pytest.mark.parametrize("cls", sorted(FIXTURES["optimizer_signatures"]))
def test_optimizer_arguments_and_defaults_are_kerass(cls):
    ours = getattr(nn.optimizers, cls)
    for name, default in FIXTURES["optimizer_signatures"][cls].items():
        ours(**{name: default})
    opt = ours()
    assert opt.learning_rate == FIXTURES["optimizer_signatures"][cls]["learning_rate"]
