"""Tests for rnnlib.ui.jazz: a solo's audio, its piano roll, and improvise (notes + MIDI + audio)."""
import io
import wave

import numpy as np
import pytest

from rnnlib.data.midi import read_midi
from rnnlib.errors import ConfigError
from rnnlib.ui.jazz import improvise

from rnnlib.data.datasets import on_disk

pytestmark = pytest.mark.skipif(not on_disk("metheny"), reason="the Metheny MIDI file is neither mirrored nor cached")


@pytest.fixture(scope="module")
def cells(jazz_cells):
    return jazz_cells


def test_improvise_gives_notes_midi_and_audio(cells, tmp_path):
    take = improvise(*cells, n_tokens=16, chord_sets=[1, 2], temperature=0.9, seed=4, midi_path=tmp_path / "a.mid",
                     sample_rate=11025)
    assert take.notes and take.midi_path == tmp_path / "a.mid"
    song = read_midi(take.midi_path)
    assert round(song.bpm) == 130 and len(song.part(program=26).notes) == len(take.notes)
    # the audio: deterministic, not silent, peak within 1, as long as the last note (+ release)
    assert 0.5 < np.abs(take.samples).max() <= 1
    last_beat = max(float(s + d) for s, d, _ in take.notes + [(s, d, 0) for s, d, _ in take.solo.chords])
    assert len(take.samples) / 11025 == pytest.approx(last_beat * 60 / 130, abs=0.2)
    again = improvise(*cells, n_tokens=16, chord_sets=[1, 2], temperature=0.9, seed=4, sample_rate=11025)
    np.testing.assert_array_equal(again.samples, take.samples)
    with wave.open(io.BytesIO(take.wav_bytes())) as w:
        assert w.getframerate() == 11025 and w.getnframes() == len(take.samples)
    assert take.audio().data == take.wav_bytes()
    fig = take.piano_roll()
    assert fig.axes[0].get_xlabel() == "beat"
    other = improvise(*cells, n_tokens=16, chord_sets=[1, 2], temperature=0.9, seed=5, sample_rate=11025)
    assert other.notes != take.notes


def test_bad_settings_write_nothing(cells, tmp_path):
    for bad in ({"n_tokens": 0}, {"chord_sets": [0]}, {"chord_sets": []}):
        with pytest.raises(ConfigError):
            improvise(*cells, midi_path=tmp_path / "x.mid", **bad)
    assert not list(tmp_path.iterdir())
