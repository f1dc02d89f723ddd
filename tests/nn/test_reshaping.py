"""Tests for rnnlib.nn.layers.reshaping."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError, ShapeError
from rnnlib.nn import RepeatVector, Reshape


def test_reshape_and_repeat_vector_forward_backward():
    r = Reshape((1, -1))
    assert r.build((6,), None) == (1, 6)
    x = np.arange(12.0).reshape(2, 6)
    y, cache = r.forward(x)
    assert y.shape == (2, 1, 6)
    np.testing.assert_array_equal(r.backward(y, cache), x)
    rep = RepeatVector(3)
    assert rep.build((6,), None) == (3, 6)
    y, cache = rep.forward(x)
    assert y.shape == (2, 3, 6)
    np.testing.assert_array_equal(rep.backward(np.ones((2, 3, 6)), cache), np.full((2, 6), 3.0))


def test_bad_shapes():
    with pytest.raises(ShapeError, match="reshape"):
        Reshape((4,)).build((6,), None)
    with pytest.raises(ConfigError):
        Reshape((-1, -1))
    with pytest.raises(ConfigError):
        RepeatVector(0)
