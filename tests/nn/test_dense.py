"""Tests for rnnlib.nn.layers.dense and rnnlib.nn.activations."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError, ShapeError
from rnnlib.nn import Dense


@pytest.mark.parametrize("activation", [None, "linear", "relu", "sigmoid", "softmax", "tanh"])
@pytest.mark.parametrize("shape", [(4, 5), (3, 2, 5)])
def test_gradients(activation, shape, layer_gradient_errors):
    layer = Dense(3, activation=activation)
    layer.build(shape[1:], np.random.default_rng(0), np.float64)
    layer.weights["bias"] += 0.1
    x = np.random.default_rng(1).standard_normal(shape)
    errors = layer_gradient_errors(layer, x)
    assert max(errors.values()) < 1e-7, errors


def test_keras_layout_count_and_errors():
    layer = Dense(3, use_bias=False)
    layer.build((5,), np.random.default_rng(0))
    assert layer.count_params() == 15 and [w.shape for w in layer.get_weights()] == [(5, 3)]
    assert Dense(3).build((5,), np.random.default_rng(0)) == (3,)
    with pytest.raises(ConfigError, match="activation"):
        Dense(3, activation="swishy")
    with pytest.raises(ConfigError, match="units"):
        Dense(-1)
    with pytest.raises(ShapeError, match="expected"):
        layer.forward(np.zeros((2, 4)))
