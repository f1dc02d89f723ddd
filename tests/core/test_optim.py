"""Tests for rnnlib.core.optim: clipping and the SGD / Adam updates."""
import math

import numpy as np
import pytest

from rnnlib.errors import ConfigError, ShapeError
from rnnlib.core.optim import SGD, Adam, clip_by_global_norm, clip_by_value, global_norm


def grads_example():
    return {
        "dW": np.array([[3.0, -12.0], [0.5, 7.0]]),
        "db": np.array([[-0.25], [20.0]]),
    }


def test_clip_by_value_in_place():
    g = grads_example()
    objs = dict(g)
    out = clip_by_value(g, 5.0)
    assert out is g
    for k in g:
        assert g[k] is objs[k]
    np.testing.assert_array_equal(g["dW"], [[3.0, -5.0], [0.5, 5.0]])
    np.testing.assert_array_equal(g["db"], [[-0.25], [5.0]])


def test_clip_by_value_leaves_small_values():
    g = {"d": np.array([0.1, -0.2, 0.3])}
    clip_by_value(g, 1.0)
    np.testing.assert_array_equal(g["d"], [0.1, -0.2, 0.3])


@pytest.mark.parametrize("bad", [0, -1.0, float("nan")])
def test_clip_by_value_bad_max(bad):
    with pytest.raises(ConfigError):
        clip_by_value(grads_example(), bad)


def test_global_norm():
    g = grads_example()
    expected = math.sqrt(sum(float((v**2).sum()) for v in g.values()))
    assert global_norm(g) == pytest.approx(expected, rel=1e-14)


def test_clip_by_global_norm_scales_and_keeps_direction():
    g = grads_example()
    before = {k: v.copy() for k, v in g.items()}
    norm0 = math.sqrt(sum(float((v**2).sum()) for v in before.values()))
    objs = dict(g)
    returned = clip_by_global_norm(g, 2.0)
    assert returned == pytest.approx(norm0, rel=1e-14)  # the norm before clipping
    assert global_norm(g) == pytest.approx(2.0, rel=1e-9)
    scale = 2.0 / norm0
    for k in g:
        assert g[k] is objs[k]  # in place
        np.testing.assert_allclose(g[k], before[k] * scale, rtol=1e-9)  # same direction


def test_clip_by_global_norm_below_threshold_unchanged():
    g = grads_example()
    before = {k: v.copy() for k, v in g.items()}
    norm0 = global_norm(g)
    assert clip_by_global_norm(g, norm0 * 2) == pytest.approx(norm0)
    for k in g:
        np.testing.assert_array_equal(g[k], before[k])


@pytest.mark.parametrize("bad", [0, -3.0, float("nan")])
def test_clip_by_global_norm_bad_max(bad):
    with pytest.raises(ConfigError):
        clip_by_global_norm(grads_example(), bad)


def test_sgd_step():
    p = {"W": np.array([[1.0, 2.0]]), "b": np.array([0.5])}
    objs = dict(p)
    g = {"dW": np.array([[10.0, -20.0]]), "db": np.array([1.0])}
    opt = SGD(learning_rate=0.1)
    opt.step(p, g)
    assert p["W"] is objs["W"] and p["b"] is objs["b"]
    np.testing.assert_allclose(p["W"], [[0.0, 4.0]])
    np.testing.assert_allclose(p["b"], [0.4])
    assert opt.state() == {}


def test_sgd_missing_gradient():
    with pytest.raises(ShapeError, match="'dW'"):
        SGD().step({"W": np.zeros(2)}, {"dX": np.zeros(2)})


def adam_reference(p, grads_seq, lr, b1, b2, eps):
    """Kingma & Ba, Algorithm 1, written out by hand."""
    p = p.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, g in enumerate(grads_seq, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def test_adam_two_steps_by_hand_numbers():
    # one scalar, eps = 0: step 1 moves by exactly lr * sign(g); step 2 by hand:
    # g1 = 2, g2 = -1, b1 = .9, b2 = .999, lr = .1
    # m1 = .2, v1 = .004; m_hat1 = 2, v_hat1 = 4 -> p1 = 1 - .1 * 2/2 = 0.9
    # m2 = .9*.2 - .1 = .08, v2 = .999*.004 + .001 = .004996
    # m_hat2 = .08/.19, v_hat2 = .004996/.001999 -> p2 = .9 - .1 * m_hat2 / sqrt(v_hat2)
    p = {"w": np.array([1.0])}
    opt = Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=0.0)
    opt.step(p, {"dw": np.array([2.0])})
    np.testing.assert_allclose(p["w"], [0.9], rtol=1e-12)
    opt.step(p, {"dw": np.array([-1.0])})
    expected = 0.9 - 0.1 * (0.08 / 0.19) / math.sqrt(0.004996 / 0.001999)
    np.testing.assert_allclose(p["w"], [expected], rtol=1e-12)
    assert opt.t == 2


def test_adam_two_steps_against_algorithm_1():
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal((3, 4))
    g1, g2 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    p = {"W": p0.copy()}
    obj = p["W"]
    opt = Adam(learning_rate=0.01, beta1=0.9, beta2=0.999, eps=1e-8)
    opt.step(p, {"dW": g1})
    opt.step(p, {"dW": g2})
    assert p["W"] is obj  # in place
    expected = adam_reference(p0, [g1, g2], 0.01, 0.9, 0.999, 1e-8)
    # rnnlib folds the bias corrections into the step size (the paper's "efficient version"),
    # which moves eps slightly; with O(1) gradients the difference is far below this tolerance.
    np.testing.assert_allclose(p["W"], expected, rtol=1e-6, atol=1e-9)
    # with eps = 0 both forms are the same formula
    p = {"W": p0.copy()}
    opt = Adam(learning_rate=0.01, eps=0.0)
    opt.step(p, {"dW": g1})
    opt.step(p, {"dW": g2})
    np.testing.assert_allclose(p["W"], adam_reference(p0, [g1, g2], 0.01, 0.9, 0.999, 0.0), rtol=1e-12)


def test_adam_keeps_separate_moments_per_parameter():
    p = {"a": np.array([1.0]), "b": np.array([1.0])}
    opt = Adam(learning_rate=0.1, eps=0.0)
    opt.step(p, {"da": np.array([1.0]), "db": np.array([-1.0])})
    np.testing.assert_allclose(p["a"], [0.9])
    np.testing.assert_allclose(p["b"], [1.1])
    assert set(opt.m) == {"a", "b"}


def test_rmsprop_divides_by_the_running_rms():
    from rnnlib.core.optim import RMSprop

    p = {"w": np.array([1.0, -2.0])}
    opt = RMSprop(learning_rate=0.1, rho=0.9, eps=0.0)
    g = np.array([0.5, -4.0])
    opt.step(p, {"dw": g.copy()})
    # first step: v = 0.1 g^2, so the step is lr * g / (sqrt(0.1) |g|) = lr * sign(g) / sqrt(0.1)
    np.testing.assert_allclose(p["w"], [1.0 - 0.1 / np.sqrt(0.1), -2.0 + 0.1 / np.sqrt(0.1)])
    opt.step(p, {"dw": g.copy()})
    v = 0.9 * 0.1 * g * g + 0.1 * g * g
    np.testing.assert_allclose(p["w"], [1.0 - 0.1 / np.sqrt(0.1) - 0.1 * 0.5 / np.sqrt(v[0]), -2.0 + 0.1 / np.sqrt(0.1) + 0.1 * 4.0 / np.sqrt(v[1])])


@pytest.mark.parametrize("make", [lambda: SGD(float("nan")), lambda: SGD(-1), lambda: Adam(float("nan")),
                                  lambda: Adam(0.01, beta1=1.0), lambda: Adam(0.01, eps=-1e-8)])
def test_bad_optimizer_settings_are_refused(make):
    # a learning rate of NaN used to fill every parameter with NaN without a word
    with pytest.raises(ConfigError):
        make()


@pytest.mark.parametrize("opt", [SGD(0.1), Adam(0.1)])
def test_step_checks_every_gradient_by_name_and_shape(opt):
    params = {"W": np.ones((2, 2)), "b": np.zeros((2, 1))}
    with pytest.raises(ShapeError, match="'db'"):
        opt.step(params, {"dW": np.ones((2, 2))})
    with pytest.raises(ShapeError, match="dW has shape"):
        opt.step(params, {"dW": np.ones((2, 3)), "db": np.zeros((2, 1))})


def test_issue9_global_norm_overflow_is_refused():
    """Long-run fuzz finding: global_norm of finite gradients near 1e300 returned inf."""
    import numpy as np
    import pytest
    from rnnlib.core.optim import global_norm
    from rnnlib.errors import TrainingDiverged
    with pytest.raises(TrainingDiverged, match="overflowed"):
        global_norm({"dW": np.full((2, 2), 1e300)})
    assert np.isnan(global_norm({"dW": np.array([np.nan])}))  # a diverged gradient still reads as NaN


@pytest.mark.parametrize("optimizer", [SGD(0.1), Adam()])
def test_a_gradient_that_is_not_an_array_is_refused(optimizer):
    params = {"W": np.ones((2, 3))}
    with pytest.raises(ShapeError, match="dW must be a numeric numpy array"):
        optimizer.step(params, {"dW": [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]})
    assert np.all(params["W"] == 1.0)  # nothing was updated
