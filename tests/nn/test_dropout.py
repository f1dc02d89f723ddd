"""Tests for rnnlib.nn.layers.dropout."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError
from rnnlib.nn import Dropout


def test_inverted_dropout_only_while_training():
    layer = Dropout(0.25, seed=0)
    layer.build((1000,), None)
    x = np.ones((4, 1000))
    np.testing.assert_array_equal(layer.forward(x)[0], x)
    y, keep = layer.forward(x, training=True)
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.03
    np.testing.assert_array_equal(layer.backward(np.ones_like(x), keep), y)
    with pytest.raises(ConfigError):
        Dropout(1.0)
