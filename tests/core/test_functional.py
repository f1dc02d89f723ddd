"""rnnlib.core.functional: the one softmax, along either axis, copying or in place."""
import numpy as np
import pytest

from rnnlib.core.functional import sigmoid, softmax


@pytest.mark.parametrize("axis", [0, 1])
def test_softmax_sums_to_one_along_its_axis_and_matches_the_definition(axis):
    z = np.random.default_rng(0).standard_normal((4, 6)) * 50  # large scores: the max shift matters
    p = softmax(z, axis=axis)
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, atol=1e-12)
    shifted = z - z.max(axis=axis, keepdims=True)
    np.testing.assert_allclose(p, np.exp(shifted) / np.exp(shifted).sum(axis=axis, keepdims=True), atol=1e-15)


def test_inplace_softmax_overwrites_its_input_with_the_same_result():
    z = np.random.default_rng(1).standard_normal((3, 5))
    expected = softmax(z, axis=1)
    out = softmax(z, axis=1, inplace=True)
    assert out is z
    np.testing.assert_array_equal(out, expected)


def test_sigmoid():
    np.testing.assert_allclose(sigmoid(np.array([0.0, 2.0])), [0.5, 1 / (1 + np.exp(-2.0))])


def test_issue9_softmax_sigmoid_refuse_bad_arguments():
    """Fuzz findings: softmax(z, axis=-7) raised AxisError, softmax("abc") AttributeError, sigmoid(None) TypeError."""
    import numpy as np
    import pytest
    from rnnlib.core.functional import sigmoid, softmax
    from rnnlib.errors import ConfigError, ShapeError
    with pytest.raises(ConfigError, match="axis"):
        softmax(np.ones((3, 2)), -7)
    with pytest.raises(ConfigError, match="axis"):
        softmax(np.ones((3, 2)), "0")
    with pytest.raises(ShapeError, match="numpy array"):
        softmax("abc")
    with pytest.raises(ShapeError, match="numpy array"):
        sigmoid(None)
    with pytest.raises(ShapeError, match="numbers"):
        sigmoid(np.array(["a", "b"]))
    assert sigmoid(0.0) == 0.5


def test_issue9_softmax_of_an_empty_array():
    """Long-run fuzz finding: softmax(np.zeros((0, 2))) raised numpy's zero-size reduction ValueError."""
    import numpy as np
    import pytest
    from rnnlib.core.functional import softmax
    from rnnlib.errors import ShapeError
    with pytest.raises(ShapeError, match="empty"):
        softmax(np.zeros((0, 2)))
