"""Tests for rnnlib.nn.weights_file (save_weights / load_weights)."""
import numpy as np
import pytest

from rnnlib.errors import ModelFileError
from rnnlib.nn import GRU, Bidirectional, Dense, Embedding, Input, Sequential


def model(units=3, seed=0):
    return Sequential([Input((5,)), Embedding(10, 4), Bidirectional(GRU(units)), Dense(1)], seed=seed)


def test_round_trip_without_pickle(tmp_path):
    a, b = model(seed=0), model(seed=1)
    path = tmp_path / "w.npz"
    a.save_weights(path)
    b.load_weights(path)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    with np.load(path, allow_pickle=False) as data:
        assert "001.bidirectional.forward_gru.kernel" in data.files
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temporary file left behind


def test_mismatch_and_corrupt_files_are_named(tmp_path):
    path = tmp_path / "w.npz"
    model(units=3).save_weights(path)
    with pytest.raises(ModelFileError, match="shape"):
        model(units=4).load_weights(path)
    other = Sequential([Input((5,)), Embedding(10, 4), Dense(1)])
    with pytest.raises(ModelFileError, match="does not match"):
        other.load_weights(path)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="readable"):
        other.load_weights(bad)
    with pytest.raises(ModelFileError, match="no file"):
        other.load_weights(tmp_path / "missing.npz")
    with pytest.raises(ModelFileError, match=".npz"):
        other.save_weights(tmp_path / "w.weights.h5")
