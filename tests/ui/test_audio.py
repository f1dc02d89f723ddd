"""rnnlib.ui.audio: deterministic, audible, in range, the right pitch; WAV files written atomically."""
import wave

import numpy as np
import pytest

from rnnlib.data.midi import Note, Part, read_midi, write_midi
from rnnlib.errors import ConfigError
from rnnlib.ui.audio import (SAMPLE_RATE, audio_player, midi_to_hz, render_notes, render_song, synthesize, wav_bytes,
                             write_wav)

PHRASE = [Note(0, 48, 60, 100), Note(48, 48, 64, 90), Note(96, 96, 67, 80), Note(96, 96, 72, 70)]


def test_a4_peaks_at_440_hz():
    assert midi_to_hz(69) == 440.0 and midi_to_hz(81) == 880.0
    signal = synthesize([0.0], [2.0], [69])
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    frequencies = np.fft.rfftfreq(len(signal), 1 / SAMPLE_RATE)
    assert abs(frequencies[spectrum.argmax()] - 440.0) < 1.0
    # the second harmonic is there, softer
    near_880 = spectrum[(frequencies > 870) & (frequencies < 890)].max()
    assert 0.2 * spectrum.max() < near_880 < spectrum.max()


def test_render_is_deterministic_audible_and_within_one(tmp_path):
    first = render_notes(PHRASE, 96, tempo=500000)
    second = render_notes(PHRASE, 96, tempo=500000)
    assert first.dtype == np.float32 and first.ndim == 1
    np.testing.assert_array_equal(first, second)
    assert np.abs(first).max() == pytest.approx(0.9, abs=1e-6) and np.abs(first).max() <= 1
    assert np.sqrt(np.mean(first ** 2)) > 0.05  # not silent
    # two beats of notes at 120 bpm (1 s) plus the release
    assert len(first) == pytest.approx(SAMPLE_RATE * (1.0 + 0.12), abs=2)
    a, b = write_wav(tmp_path / "a.wav", first), write_wav(tmp_path / "b.wav", second)
    assert a.read_bytes() == b.read_bytes() == wav_bytes(first)
    with wave.open(str(a)) as read:
        assert (read.getnchannels(), read.getsampwidth(), read.getframerate(), read.getnframes()) == (1, 2, SAMPLE_RATE,
                                                                                                      len(first))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "b.wav"]


def test_a_song_read_from_midi_renders(tmp_path):
    path = write_midi(tmp_path / "s.mid", [Part(PHRASE, program=26), Part([Note(0, 192, 40)], channel=9)],
                      ticks_per_beat=96, tempo=1_000_000)
    song = read_midi(path)
    with_drums_skipped = render_song(song)
    assert len(with_drums_skipped) == pytest.approx(SAMPLE_RATE * (2.0 + 0.12), abs=2)  # 60 bpm: 2 s


def test_notebook_player():
    player = audio_player(synthesize([0], [0.2], [69]))
    assert player.data[:4] == b"RIFF" and b"WAVE" in player.data[:12]


@pytest.mark.parametrize("call, match", [
    (lambda: synthesize([], [], []), "length is 0"),
    (lambda: render_notes([], 96), "length is 0"),
    (lambda: synthesize([0], [1], [128]), "0-127"),
    (lambda: synthesize([0, 1], [1], [60]), "one entry per note"),
    (lambda: synthesize([-1], [1], [60]), ">= 0"),
    (lambda: synthesize([0], [1], [60], sample_rate=10), "sample_rate"),
    (lambda: synthesize([0], [1], [60], peak=1.5), "peak"),
    (lambda: synthesize([0], [1], [60], envelope=(0.1, 0.1, 2, 0.1)), "sustain"),
    (lambda: synthesize([0], [1], [127], sample_rate=1000), "silence"),
    (lambda: render_notes(PHRASE, 0), "ticks_per_beat"),
    (lambda: wav_bytes(np.zeros(0)), "length 0"),
    (lambda: wav_bytes(np.array([0.0, 1.5])), "within"),
])
def test_bad_input_is_a_clear_error(call, match):
    with pytest.raises(ConfigError, match=match):
        call()


def test_a_bad_wav_writes_nothing(tmp_path):
    with pytest.raises(ConfigError):
        write_wav(tmp_path / "x.wav", np.array([np.nan]))
    with pytest.raises(ConfigError, match="does not exist"):
        write_wav(tmp_path / "missing" / "x.wav", np.zeros(10))
    assert list(tmp_path.iterdir()) == []



def test_notes_starting_absurdly_late_are_refused_before_counting_samples():
    from rnnlib.ui.audio import synthesize

    with pytest.raises(ConfigError, match="30 minutes"):
        synthesize([1e308, 0.5], [0.5, 0.5], [60, 64], [80, 90], sample_rate=8000)
