"""Tests for rnnlib.nn.layers.embedding."""
import numpy as np
import pytest

from rnnlib.core.gradcheck import numerical_gradient
from rnnlib.errors import ConfigError, ShapeError, VocabularyError
from rnnlib.nn import Embedding


def built(**kw):
    layer = Embedding(6, 3, **kw)
    layer.build((4,), np.random.default_rng(0), np.float64)
    return layer


def test_lookup_mask_and_gradient_scatter():
    layer = built(mask_zero=True)
    ids = np.array([[1, 2, 2, 0], [5, 0, 0, 0]])
    y, cache = layer.forward(ids)
    np.testing.assert_array_equal(y, layer.weights["embeddings"][ids])
    np.testing.assert_array_equal(layer.compute_mask_from_input(ids), ids != 0)
    w = np.random.default_rng(1).standard_normal(y.shape)
    layer.zero_grads()
    layer.backward(w, cache)
    E = layer.weights["embeddings"]
    numeric = numerical_gradient(lambda: float(np.sum(E[ids] * w)), E)
    np.testing.assert_allclose(layer.grads["dembeddings"], numeric, atol=1e-8)  # id 2 twice: both summed


def test_default_initializer_is_kerass_uniform_and_weights_are_taken():
    E = built().weights["embeddings"]
    assert np.abs(E).max() <= 0.05
    vectors = np.arange(18.0).reshape(6, 3)
    layer = built(weights=[vectors], trainable=False)
    np.testing.assert_array_equal(layer.weights["embeddings"], vectors)
    layer.zero_grads()
    layer.backward(np.ones((1, 4, 3)), np.array([[1, 2, 3, 4]]))
    assert not layer.grads["dembeddings"].any()  # frozen: no gradient is formed


def test_bad_ids_and_settings():
    layer = built()
    with pytest.raises(VocabularyError, match="input_dim"):
        layer.forward(np.array([[1, 6, 0, 0]]))
    with pytest.raises(VocabularyError):
        layer.forward(np.array([[-1, 0, 0, 0]]))
    with pytest.raises(ShapeError, match="shape"):
        layer.forward(np.array([1, 2, 3]))
    with pytest.raises(ShapeError, match="dtype"):
        layer.forward(np.array([["the", "cat"]]))
    with pytest.raises(ShapeError, match="whole"):
        layer.forward(np.array([[1.5, 2, 0, 0]]))
    with pytest.raises(ConfigError, match="input_dim"):
        Embedding(0, 3)
    with pytest.raises(ShapeError, match="weights"):
        Embedding(6, 3, weights=[np.zeros((5, 3))])
    with pytest.raises(ShapeError, match="input_length"):
        e = Embedding(6, 3, input_length=5)
        e.build((4,), np.random.default_rng(0))
        e.forward(np.zeros((1, 4), int))
