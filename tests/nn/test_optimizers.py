"""Tests for rnnlib.nn.optimizers' Keras 2 spellings: ``lr=`` and time-based ``decay``."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError
from rnnlib.nn import optimizers


def test_time_based_decay_divides_the_rate_by_one_plus_decay_times_updates():
    opt = optimizers.SGD(lr=1.0, decay=0.5)
    p = {"w": np.zeros(1)}
    steps = []
    for _ in range(3):
        before = p["w"].copy()
        opt.apply(p, {"dw": np.ones(1)})
        steps.append(float(before[0] - p["w"][0]))
    np.testing.assert_allclose(steps, [1.0, 1 / 1.5, 1 / 2.0])
    assert opt.iterations == 3 and opt.learning_rate == 1.0
    assert opt.current_learning_rate == pytest.approx(1 / 2.5)


def test_adam_with_decay_matches_kerass_formula():
    opt = optimizers.Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01)
    w = np.array([0.5])
    p, m, v = {"w": w.copy()}, 0.0, 0.0
    for k in range(5):
        g = 2 * p["w"]
        expected = p["w"].copy()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        lr = 0.01 / (1 + 0.01 * k) * np.sqrt(1 - 0.999 ** (k + 1)) / (1 - 0.9 ** (k + 1))
        expected -= lr * m / (np.sqrt(v) + 1e-7)
        opt.apply(p, {"dw": g.copy()})
        np.testing.assert_allclose(p["w"], expected, rtol=1e-12)


def test_bad_settings():
    with pytest.raises(ConfigError):
        optimizers.Adam(lr=0.01, learning_rate=0.01)
    with pytest.raises(ConfigError):
        optimizers.Adam(decay=-1)
    with pytest.raises(ConfigError):
        optimizers.SGD(lr=0)
