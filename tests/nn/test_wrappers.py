"""Tests for rnnlib.nn.layers.wrappers (Bidirectional)."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError
from rnnlib.nn import GRU, LSTM, Bidirectional, Dense, SimpleRNN

MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 0, 0, 1, 1]], bool)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_gradients(merge_mode, return_sequences, masked, layer_gradient_errors):
    layer = Bidirectional(LSTM(3, return_sequences=return_sequences), merge_mode=merge_mode)
    layer.build((5, 4), np.random.default_rng(0), np.float64)
    x = np.random.default_rng(1).standard_normal((3, 5, 4))
    errors = layer_gradient_errors(layer, x, mask=MASK if masked else None)
    assert max(errors.values()) < 1e-7, errors


def test_backward_direction_reads_only_real_steps_from_the_last_one():
    layer = Bidirectional(GRU(2))
    layer.build((5, 4), np.random.default_rng(0), np.float64)
    x = np.random.default_rng(1).standard_normal((3, 5, 4))
    y, _ = layer.forward(x, mask=MASK)
    back = layer.backward_layer
    for j in range(3):
        real = np.flatnonzero(MASK[j])
        alone, _ = back.forward(x[j:j + 1, real])  # only its real steps, read backwards
        np.testing.assert_allclose(y[j, 2:], alone[0], rtol=1e-12)


def test_counts_double_and_sequences_are_zero_at_padding():
    layer = Bidirectional(SimpleRNN(3, return_sequences=True))
    assert layer.build((5, 4), np.random.default_rng(0)) == (5, 6)
    assert layer.count_params() == 2 * 3 * (4 + 3 + 1)
    y, _ = layer.forward(np.ones((3, 5, 4)), mask=MASK)
    assert not y[1, 2:].any() and not y[2, :3].any()
    with pytest.raises(ConfigError):
        Bidirectional(Dense(3))
    with pytest.raises(ConfigError):
        Bidirectional(LSTM(3), merge_mode="stack")
