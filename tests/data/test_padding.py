"""Tests for rnnlib.data.padding: pad_sequences with Keras's semantics."""
import numpy as np
import pytest

from rnnlib.data.chars import PAD
from rnnlib.data.padding import pad_sequences
from rnnlib.errors import CorpusError

SEQS = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], []]


def test_pad_defaults_are_pre_padding_and_longest_length():
    out = pad_sequences(SEQS)
    assert out.dtype == np.int32 and out.shape == (4, 5)
    assert out.tolist() == [[0, 0, 1, 2, 3], [0, 0, 0, 4, 5], [6, 7, 8, 9, 10], [0, 0, 0, 0, 0]]


def test_pad_post_and_value():
    out = pad_sequences(SEQS, padding="post", value=PAD)
    assert out.tolist() == [[1, 2, 3, -1, -1], [4, 5, -1, -1, -1], [6, 7, 8, 9, 10], [-1] * 5]


def test_truncating_pre_is_the_default_and_post_keeps_the_start():
    assert pad_sequences(SEQS, maxlen=3).tolist() == [[1, 2, 3], [0, 4, 5], [8, 9, 10], [0, 0, 0]]
    assert pad_sequences(SEQS, maxlen=3, truncating="post").tolist() == [[1, 2, 3], [0, 4, 5], [6, 7, 8], [0, 0, 0]]
    assert pad_sequences(SEQS, maxlen=3, padding="post", truncating="post", value=9).tolist() == [
        [1, 2, 3], [4, 5, 9], [6, 7, 8], [9, 9, 9]]


def test_pad_longer_maxlen_dtype_and_edge_cases():
    out = pad_sequences([[1, 2]], maxlen=4, dtype="int64")
    assert out.dtype == np.int64 and out.tolist() == [[0, 0, 1, 2]]
    assert pad_sequences([np.array([1, 2]), (3,)], padding="post").tolist() == [[1, 2], [3, 0]]
    assert pad_sequences(SEQS, maxlen=0).shape == (4, 0)
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([], maxlen=3).shape == (0, 3)
    assert pad_sequences([[]]).shape == (1, 0)


def test_pad_matches_a_reference_on_random_cases():
    rng = np.random.default_rng(0)
    for _ in range(200):
        seqs = [list(rng.integers(1, 50, rng.integers(0, 8))) for _ in range(rng.integers(1, 6))]
        maxlen = None if rng.random() < 0.3 else int(rng.integers(0, 9))
        padding, truncating = rng.choice(["pre", "post"], 2)
        n = max(len(s) for s in seqs) if maxlen is None else maxlen
        want = []
        for s in seqs:
            kept = s if len(s) <= n else (s[len(s) - n:] if truncating == "pre" else s[:n])
            fill = [-1] * (n - len(kept))
            want.append(fill + kept if padding == "pre" else kept + fill)
        got = pad_sequences(seqs, maxlen, padding=str(padding), truncating=str(truncating), value=-1)
        assert got.tolist() == want, (seqs, maxlen, padding, truncating)


@pytest.mark.parametrize("kwargs, message", [
    ({"padding": "middle"}, "padding must be"),
    ({"truncating": "both"}, "truncating must be"),
    ({"maxlen": -1}, "maxlen"),
    ({"maxlen": 2.5}, "maxlen"),
])
def test_pad_bad_options(kwargs, message):
    with pytest.raises(CorpusError, match=message):
        pad_sequences(SEQS, **kwargs)


@pytest.mark.parametrize("bad", ["abc", np.array([1, 2, 3]), [[1, 2], [[3]]], [["a", "b"]], [None]])
def test_pad_bad_sequences(bad):
    with pytest.raises(CorpusError):
        pad_sequences(bad)


def test_pad_options_are_keyword_only():
    with pytest.raises(TypeError):
        pad_sequences(SEQS, 3, "post")


def test_issue9_pad_sequences_refuses_bad_options():
    """Fuzz findings: dtype='' TypeError, value -1 into uint64 OverflowError, padding=array ValueError, huge maxlen."""
    import numpy as np
    import pytest
    from rnnlib.data.padding import pad_sequences
    from rnnlib.errors import CorpusError
    with pytest.raises(CorpusError, match="dtype"):
        pad_sequences([[1, 2]], 3, dtype="")
    with pytest.raises(CorpusError, match="does not fit"):
        pad_sequences([[1, 2]], 3, dtype="uint64", value=-1)
    with pytest.raises(CorpusError, match="padding"):
        pad_sequences([[1, 2]], 3, padding=np.array(["a", "b"]))
    with pytest.raises(CorpusError, match="array elements"):
        pad_sequences([[1, 2]], 10**12)
    with pytest.raises(CorpusError, match="list of sequences"):
        pad_sequences(None)
