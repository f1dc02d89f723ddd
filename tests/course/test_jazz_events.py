"""Tests for rnnlib.course.jazz_events: training windows, the step-by-step sampler against the
trained network, and model files."""
import numpy as np
import pytest

from rnnlib.course.jazz_events import EventConfig, EventModel
from rnnlib.errors import CorpusError, ModelFileError


def small():
    return EventModel(EventConfig(embed=4, hidden=6, seq_length=8, max_shift=8))


def test_windows_pair_each_event_with_the_next():
    model = small()
    ids = np.arange(30) % model.vocab_size
    x, y = model.windows(ids)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    assert x.shape[1] == 8 and y[-1, -1] == ids[-1]
    with pytest.raises(CorpusError, match="seq-length"):
        model.windows(ids[:8])


def test_stepping_gives_the_networks_own_next_event_distribution():
    model = small()
    ids = np.array([60, 257, 188, 62, 260, 190, 64, 263])  # ons, shifts (256..263), offs
    probs = model.net.predict(ids[None, :])[0]  # (T, V): the full-sequence forward
    embedding, step, dense = model._stepper()
    h = c = np.zeros((1, 6), np.float32)
    for t, k in enumerate(ids):
        e, _ = embedding.forward(np.array([[k]]))
        (_, h, c), _ = step.forward(e, initial_state=[h, c])
        np.testing.assert_allclose(dense.forward(h[:, None, :])[0][0, 0], probs[t], rtol=1e-5, atol=1e-7)


def test_save_and_load_round_trip(tmp_path):
    model = small()
    path = model.save(tmp_path / "m.npz")
    back = EventModel.load(path)
    np.testing.assert_array_equal(back.improvise(30, seed=2), model.improvise(30, seed=2))
    with pytest.raises(ModelFileError):
        model.save(tmp_path / "m.pkl")
