"""Tests for rnnlib.core.gradcheck."""
import numpy as np
import pytest

from rnnlib.core.gradcheck import check_gradients, norm_relative_error, numerical_gradient, relative_error, weighted_loss


def quadratic_problem(seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((4, 4))
    A = A @ A.T + np.eye(4)  # symmetric
    x = rng.standard_normal((4, 1))
    c = rng.standard_normal((4, 1))

    def loss():
        return float((0.5 * x.T @ A @ x + c.T @ x).item())

    return A, x, c, loss


def test_numerical_gradient_on_quadratic():
    A, x, c, loss = quadratic_problem()
    num = numerical_gradient(loss, x)
    assert num.shape == x.shape
    np.testing.assert_allclose(num, A @ x + c, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_of_matrix_argument():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((3, 2))
    v = rng.standard_normal((2,))
    u = rng.standard_normal((3,))
    num = numerical_gradient(lambda: float(u @ W @ v), W)
    np.testing.assert_allclose(num, np.outer(u, v), rtol=1e-8, atol=1e-10)


def test_array_restored_after_numerical_gradient():
    _, x, _, loss = quadratic_problem()
    before = x.copy()
    numerical_gradient(loss, x)
    np.testing.assert_array_equal(x, before)


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1.0], [3.0]) == pytest.approx(0.5)
    assert relative_error([1.0, 10.0], [1.0, 11.0]) == pytest.approx(1 / 21)  # the largest
    assert relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0


def test_check_gradients_passes_right_and_catches_wrong():
    A, x, c, loss = quadratic_problem()
    right = check_gradients(loss, {"x": x}, {"x": A @ x + c})
    assert set(right) == {"x"}
    assert right["x"] < 1e-7
    wrong = check_gradients(loss, {"x": x}, {"x": A @ x})  # forgot c
    assert wrong["x"] > 1e-3
    wrong2 = check_gradients(loss, {"x": x}, {"x": 2 * (A @ x + c)})  # factor 2 off
    assert wrong2["x"] > 1e-3


def test_check_gradients_restores_every_array():
    rng = np.random.default_rng(2)
    W = rng.standard_normal((3, 3))
    b = rng.standard_normal((3, 1))
    x = rng.standard_normal((3, 1))
    w = rng.standard_normal((3, 1))
    W0, b0 = W.copy(), b.copy()

    def loss():
        return weighted_loss(np.tanh(W @ x + b), w)

    z = np.tanh(W @ x + b)
    dz = (1 - z**2) * w
    errors = check_gradients(loss, {"W": W, "b": b}, {"W": dz @ x.T, "b": dz})
    assert max(errors.values()) < 1e-7
    np.testing.assert_array_equal(W, W0)
    np.testing.assert_array_equal(b, b0)


def test_weighted_loss():
    assert weighted_loss(np.array([1.0, 2.0]), np.array([3.0, -1.0])) == pytest.approx(1.0)
    assert isinstance(weighted_loss(np.ones((2, 2)), np.ones((2, 2))), float)


def test_norm_relative_error_ignores_round_off_on_tiny_entries_but_not_real_errors():
    from rnnlib.core.gradcheck import norm_relative_error

    a = np.array([1.0, 2.0, 1e-5])
    assert norm_relative_error(a, a + np.array([0, 0, 1e-10])) < 1e-9
    assert relative_error(a, a + np.array([0, 0, 1e-10])) > 1e-6
    assert norm_relative_error(a, a * np.array([1, 1.01, 1])) > 1e-3
    assert norm_relative_error(np.zeros(2), np.zeros(2)) == 0.0


def test_nan_gradients_never_pass():
    # norm_relative_error of NaN arrays used to be 0.0, a pass
    nan = np.full(3, np.nan)
    assert norm_relative_error(nan, nan) == float("inf")
    assert relative_error(nan, np.ones(3)) == float("inf")


def test_issue9_overflow_for_finite_input_is_refused():
    """Long-run fuzz findings: finite inputs near 1e300 gave inf/NaN from weighted_loss and
    numerical_gradient; check_gradients(measure=array) raised numpy's ambiguous-truth ValueError."""
    import numpy as np
    import pytest
    from rnnlib.core.gradcheck import check_gradients, numerical_gradient, weighted_loss
    from rnnlib.errors import ConfigError, GradientCheckFailed, TrainingDiverged
    big = np.full((2, 2), 1e300)
    with pytest.raises(TrainingDiverged, match="overflowed"):
        weighted_loss(big, big)
    with pytest.raises(GradientCheckFailed, match="overflowed"):
        numerical_gradient(lambda: float((big ** 2).sum()), big, 1e-5)
    a = np.ones((2, 2))
    with pytest.raises(ConfigError, match="measure"):
        check_gradients(lambda: float((a ** 2).sum()), {"a": a}, {"a": 2 * a}, 1e-5, np.array(["a", "b"]))


def test_issue9_norm_relative_error_of_huge_finite_gradients():
    """Fuzz finding: norm_relative_error(1e300 * ones, 1.01 * ones) returned NaN (the norms overflowed)."""
    import numpy as np
    from rnnlib.core.gradcheck import norm_relative_error
    assert abs(norm_relative_error(np.full(3, 1e300), np.full(3, 1.01)) - 1.0) < 1e-12
    a, n = np.ones(3), np.ones(3) * 1.01  # ordinary values: the same arithmetic as before, bit for bit
    assert norm_relative_error(a, n) == float(np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)))
