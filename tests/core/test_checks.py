"""rnnlib.core.checks: the shared argument checks name the argument and refuse what they must."""
import numpy as np
import pytest

from rnnlib.core.checks import check_instance, check_seed, check_sequence
from rnnlib.errors import ConfigError, CorpusError


def test_check_instance_names_the_argument_and_the_expected_kind():
    assert check_instance("n", 3, int, "f") == 3
    with pytest.raises(ConfigError, match=r"f: vocab must be a CharVocab, got str"):
        check_instance("vocab", "abc", np.ndarray, "f", what="a CharVocab")
    with pytest.raises(ConfigError, match=r"a dict or a list"):
        check_instance("x", 1.0, (dict, list), "f")


@pytest.mark.parametrize("bad", ["abc", b"ab", {"a": 1}, None, 3, np.zeros((2, 2))])
def test_check_sequence_refuses_what_is_not_a_list(bad):
    with pytest.raises(CorpusError, match="names must be"):
        check_sequence("names", bad, "f", error=CorpusError)


def test_check_sequence_returns_a_list_and_refuses_empty_unless_allowed():
    assert check_sequence("x", (1, 2), "f") == [1, 2]
    assert check_sequence("x", np.array([1, 2]), "f") == [1, 2]
    assert check_sequence("x", [], "f", nonempty=False) == []
    with pytest.raises(ConfigError, match="x is empty"):
        check_sequence("x", [], "f")


def test_check_seed():
    g = np.random.default_rng(1)
    assert check_seed(g, "f") is g
    assert check_seed(5, "f").integers(100) == np.random.default_rng(5).integers(100)
    assert isinstance(check_seed(None, "f"), np.random.Generator)
    for bad in (-1, 2.5, "0", float("nan"), True, 1j):
        with pytest.raises(ConfigError, match="seed"):
            check_seed(bad, "f")


def test_check_path_refuses_non_paths_folders_and_over_long_names(tmp_path):
    from rnnlib.core.checks import check_path

    assert check_path("path", str(tmp_path / "a.wav"), "w", writing=True) == tmp_path / "a.wav"
    for bad in (None, True, 3, "", b"x", "a\x00b"):
        with pytest.raises(ConfigError, match="file path"):
            check_path("path", bad, "w")
    with pytest.raises(ConfigError, match="is a folder"):
        check_path("path", tmp_path, "w", writing=True)
    with pytest.raises(ConfigError, match="does not exist"):
        check_path("path", tmp_path / "missing" / "a.wav", "w", writing=True)
    with pytest.raises(ConfigError, match="255 bytes"):
        check_path("path", "Z" * 300, "w")


def test_check_vector_and_as_array_name_ragged_and_non_numeric_input():
    from rnnlib.core.checks import as_array, check_vector
    from rnnlib.errors import ShapeError

    np.testing.assert_array_equal(check_vector("v", [[1, 2], [3, 4]], "f"), [1.0, 2.0, 3.0, 4.0])
    for bad in ([[1, 2], [3]], ["a", "b"], [1j], None):
        with pytest.raises(ConfigError, match="'v'|v "):
            check_vector("v", bad, "f")
    with pytest.raises(ConfigError, match="NaN"):
        check_vector("v", [1.0, float("nan")], "f")
    assert check_vector("v", [1.0, float("nan")], "f", finite=False).shape == (2,)
    with pytest.raises(ShapeError, match="rectangular"):
        as_array("x", [[1], [2, 3]], "f")
    with pytest.raises(ShapeError, match="must be an array"):
        as_array("x", None, "f")
