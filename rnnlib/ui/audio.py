"""Hear it: notes to audio in numpy, WAV files, and a notebook player.

``synthesize`` renders notes with a small additive synthesiser: each note is a few harmonics of its
pitch (equal temperament, A4 = 440 Hz) under an ADSR envelope (attack, decay, sustain level,
release), summed and scaled so the loudest sample is ``peak`` (0.9 by default, so never above 1).
There is no randomness, no soundfont and no download: the same notes give the same samples, and
``write_wav`` the same bytes.  ``song_audio`` returns an ``IPython.display.Audio`` for a notebook.

Times can come in seconds (``synthesize``) or as MIDI notes in ticks with a tempo (``render_notes``).
"""
from __future__ import annotations

import io
import os
import tempfile
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.checks import check_instance, check_path, check_sequence, check_vector, is_real
from ..data.midi import DEFAULT_TEMPO, MidiSong, Note, Part
from ..errors import ConfigError

SAMPLE_RATE = 22050
#: amplitude of harmonics 1, 2, 3, 4 (a soft, organ-like tone)
HARMONICS = (1.0, 0.5, 0.25, 0.125)
#: attack s, decay s, sustain level (0-1), release s
ENVELOPE = (0.01, 0.08, 0.6, 0.12)


def midi_to_hz(pitch) -> np.ndarray:
    """Equal-tempered frequency of MIDI pitch(es): 69 (A4) is 440 Hz."""
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=np.float64) - 69.0) / 12.0)


def synthesize(starts, durations, pitches, velocities=None, *, sample_rate: int = SAMPLE_RATE,
               harmonics: Sequence[float] = HARMONICS, envelope: Sequence[float] = ENVELOPE,
               peak: float = 0.9) -> np.ndarray:
    """Render notes to a mono float32 signal, shape (n_samples,), with max |sample| == ``peak``.

    ``starts`` and ``durations`` are in seconds, ``pitches`` MIDI numbers (0-127), ``velocities``
    1-127 (default 100 for all), all of shape (n_notes,).  Each note sounds for its duration plus the
    envelope's release; the signal ends when the last note has faded.  Harmonics above the Nyquist
    frequency are left out.
    """
    where = "synthesize"
    starts = check_vector("starts", starts, where, finite=False)
    durations = check_vector("durations", durations, where, finite=False)
    pitches = check_vector("pitches", pitches, where, finite=False)
    velocities = np.full(starts.shape, 100.0) if velocities is None else check_vector("velocities", velocities, where,
                                                                                      finite=False)
    _check_render_options(sample_rate, harmonics, envelope, peak)
    if starts.size == 0:
        raise ConfigError("nothing to render: the length is 0 (no notes)")
    if not (starts.shape == durations.shape == pitches.shape == velocities.shape):
        raise ConfigError(f"starts, durations, pitches and velocities must have one entry per note; got "
                          f"{starts.size}, {durations.size}, {pitches.size}, {velocities.size}")
    if not np.all(np.isfinite(np.concatenate([starts, durations, pitches, velocities]))):
        raise ConfigError("note times, pitches and velocities must be finite numbers")
    if starts.min() < 0 or durations.min() < 0:
        raise ConfigError("note starts and durations must be >= 0 seconds")
    if pitches.min() < 0 or pitches.max() > 127 or velocities.min() < 1 or velocities.max() > 127:
        raise ConfigError("pitches must lie in 0-127 and velocities in 1-127")
    attack, decay, sustain, release = (float(v) for v in envelope)
    if float((starts + durations).max()) + release > 60 * 30:  # before the sample count, which may overflow
        raise ConfigError("the notes run past 30 minutes; render at most 30 minutes of audio")
    total = int(np.ceil((starts + durations).max() * sample_rate + release * sample_rate)) + 1
    if total > sample_rate * 60 * 30:
        raise ConfigError(f"that is {total / sample_rate / 60:.0f} minutes of audio; render at most 30 minutes")
    signal = np.zeros(total, dtype=np.float64)
    nyquist = sample_rate / 2
    for start, duration, pitch, velocity in zip(starts, durations, pitches, velocities):
        first = int(round(start * sample_rate))
        held = max(int(round(duration * sample_rate)), 1)
        length = min(held + int(round(release * sample_rate)), total - first)
        t = np.arange(length) / sample_rate
        tone = np.zeros(length)
        base = float(midi_to_hz(pitch))
        for number, amplitude in enumerate(harmonics, start=1):
            if base * number < nyquist:
                tone += amplitude * np.sin(2 * np.pi * base * number * t)
        signal[first:first + length] += (velocity / 127.0) * tone * _envelope(length, held, sample_rate,
                                                                               attack, decay, sustain, release)
    loudest = np.abs(signal).max()
    if loudest == 0:  # e.g. every harmonic above Nyquist
        raise ConfigError("the notes rendered to silence (are their pitches above what this sample rate can play?)")
    return (signal * (peak / loudest)).astype(np.float32)


def _envelope(length, held, sample_rate, attack, decay, sustain, release):
    """Gain per sample: rise over ``attack``, fall to ``sustain`` over ``decay``, hold, then fade out over
    ``release`` from wherever the note was when it was let go (so very short notes click-free too)."""
    t = np.arange(length) / sample_rate
    rise = np.minimum(t / attack, 1.0) if attack > 0 else np.ones(length)
    fall = np.where(t < attack, 1.0, 1.0 - (1.0 - sustain) * np.minimum((t - attack) / decay, 1.0)
                    if decay > 0 else sustain)
    gain = rise * fall
    if length > held:
        let_go = gain[held - 1]
        after = (np.arange(length - held) + 1) / (release * sample_rate) if release > 0 else np.ones(length - held)
        gain[held:] = let_go * np.clip(1.0 - after, 0.0, 1.0)
    return gain


def _check_render_options(sample_rate, harmonics, envelope, peak):
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not 1000 <= sample_rate <= 192000:
        raise ConfigError(f"sample_rate must be an int from 1000 to 192000 Hz, got {sample_rate!r}")
    harmonics = check_vector("harmonics", harmonics, "synthesize")
    envelope = check_vector("envelope", envelope, "synthesize")
    if not is_real(peak):
        raise ConfigError(f"peak must be a number in (0, 1], got {peak!r}")
    if len(harmonics) == 0 or any(not np.isfinite(h) or h < 0 for h in harmonics) or not any(harmonics):
        raise ConfigError(f"harmonics must be amplitudes >= 0, at least one of them > 0; got {harmonics!r}")
    if len(envelope) != 4:
        raise ConfigError(f"envelope is (attack s, decay s, sustain 0-1, release s), got {envelope!r}")
    attack, decay, sustain, release = envelope
    if min(attack, decay, release) < 0 or not 0 <= sustain <= 1:
        raise ConfigError(f"envelope times must be >= 0 and sustain within 0-1, got {envelope!r}")
    if not 0 < peak <= 1:
        raise ConfigError(f"peak must lie in (0, 1], got {peak!r}")


def render_notes(notes: Sequence[Note], ticks_per_beat: int, tempo: int = DEFAULT_TEMPO, **options) -> np.ndarray:
    """Render MIDI notes (ticks) at ``tempo`` microseconds per beat; ``options`` go to ``synthesize``."""
    notes = check_sequence("notes", notes, "render_notes", nonempty=False, what="a list of rnnlib.data.midi.Note")
    for note in notes:
        check_instance("each note", note, Note, "render_notes")
    if isinstance(ticks_per_beat, bool) or not isinstance(ticks_per_beat, int) or ticks_per_beat < 1:
        raise ConfigError(f"ticks_per_beat must be a positive int, got {ticks_per_beat!r}")
    if not isinstance(tempo, (int, float)) or tempo <= 0:
        raise ConfigError(f"tempo must be microseconds per beat above 0, got {tempo!r}")
    seconds_per_tick = tempo / 1e6 / ticks_per_beat
    notes = list(notes)
    return synthesize([n.start * seconds_per_tick for n in notes], [n.duration * seconds_per_tick for n in notes],
                      [n.pitch for n in notes], [n.velocity for n in notes], **options)


def render_song(song, parts=None, **options) -> np.ndarray:
    """Render a ``MidiSong`` (all its non-drum parts, or the ``Part`` objects given) at its tempo."""
    check_instance("song", song, MidiSong, "render_song")
    if parts is not None:
        parts = check_sequence("parts", parts, "render_song", nonempty=False, what="None or a list of Part")
        for part in parts:
            check_instance("each part", part, Part, "render_song")
    chosen = [p for p in song.parts if not p.is_drums] if parts is None else list(parts)
    notes = [n for p in chosen for n in p.notes]
    return render_notes(notes, song.ticks_per_beat, song.tempo, **options)


def wav_bytes(samples, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A mono 16-bit PCM WAV file of ``samples`` (floats within [-1, 1]) as bytes."""
    samples = check_vector("samples", samples, "wav_bytes", finite=False)
    if samples.size == 0:
        raise ConfigError("nothing to write: the audio has length 0")
    if not np.all(np.isfinite(samples)) or np.abs(samples).max() > 1:
        raise ConfigError("samples must be finite and within [-1, 1] (synthesize normalises them)")
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or not 1 <= sample_rate <= 192000:
        raise ConfigError(f"sample_rate must be an int from 1 to 192000 Hz, got {sample_rate!r}")
    pcm = np.round(samples * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def write_wav(path, samples, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write ``wav_bytes(samples)`` to ``path`` atomically (temporary file, then ``os.replace``)."""
    path = check_path("path", path, "write_wav", writing=True)
    data = wav_bytes(samples, sample_rate)  # every check happens before anything touches the disk
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def audio_player(samples, sample_rate: int = SAMPLE_RATE):
    """An ``IPython.display.Audio`` player for ``samples`` (the same WAV bytes ``write_wav`` writes)."""
    from IPython.display import Audio

    return Audio(data=wav_bytes(samples, sample_rate))
