"""Tests for rnnlib.nn.losses and rnnlib.nn.metrics."""
import numpy as np
import pytest

from rnnlib.core.functional import softmax
from rnnlib.core.gradcheck import numerical_gradient, relative_error
from rnnlib.errors import ConfigError
from rnnlib.nn import losses
from rnnlib.nn.metrics import accuracy_for

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3)])
@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mse"])
def test_gradients_match_numerical(name, shape):
    p = softmax(RNG.standard_normal(shape), axis=-1) if "categorical" in name else 1 / (1 + np.exp(-RNG.standard_normal(shape)))
    if name == "sparse_categorical_crossentropy":
        y = RNG.integers(0, shape[-1], size=shape[:-1])
    elif name == "categorical_crossentropy":
        y = np.eye(shape[-1])[RNG.integers(0, shape[-1], size=shape[:-1])]
    else:
        y = RNG.integers(0, 2, size=shape).astype(float)
    fn = losses.get(name)
    numeric = numerical_gradient(lambda: fn(y, p)[0], p, h=1e-6)
    assert relative_error(fn(y, p)[1], numeric) < 1e-6


def test_values_are_kerass():
    y, p = np.array([[1.0], [0.0]]), np.array([[0.8], [0.3]])
    assert losses.binary_crossentropy(y, p)[0] == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)
    assert losses.binary_crossentropy(np.ones((1, 1)), np.ones((1, 1)))[0] == pytest.approx(-np.log(1 - 1e-7))
    assert losses.categorical_crossentropy(np.array([[0, 1.0]]), np.array([[0.25, 0.75]]))[0] == pytest.approx(-np.log(0.75))
    assert accuracy_for("binary_crossentropy")(y, p) == 1.0
    assert accuracy_for("sparse_categorical_crossentropy")(np.array([1, 0]), np.array([[0.2, 0.8], [0.6, 0.4]])) == 1.0
    with pytest.raises(ConfigError):
        losses.get("cross_entropy")


def test_a_padding_mask_leaves_padded_positions_out():
    y = RNG.standard_normal((2, 4, 1))
    p = RNG.standard_normal((2, 4, 1))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    loss, grad = losses.mean_squared_error(y, p, mask)
    per = ((p - y) ** 2)[..., 0]
    assert loss == pytest.approx(per[mask].sum() / 6)  # Keras 3: over the 6 real positions
    assert not grad[0, 2:].any()
    numeric = numerical_gradient(lambda: losses.mean_squared_error(y, p, mask)[0], p)
    assert relative_error(grad, numeric) < 1e-6
    hits = accuracy_for("sparse_categorical_crossentropy")(np.zeros((2, 4)), np.eye(2)[[[0, 0, 1, 1], [0, 1, 0, 0]]], mask)
    assert hits == pytest.approx(5 / 6)
