"""Hear the jazz solo: a decoded ``Solo`` as audio, a piano roll, and ``improvise`` (notes + MIDI + audio).

``rnnlib.course.jazz`` makes solos (tokens decoded on the original chords); this module renders
them with the numpy synthesiser of ``rnnlib.ui.audio`` at the solo's tempo (130 bpm, the course's),
melody and chords together, and draws them with ``plot_piano_roll``::

    take = improvise(LSTM_cell, densor, indices_values, chords, temperature=0.8, seed=1,
                     midi_path="output/improvised.mid")
    take.audio()          # an IPython Audio player
    take.piano_roll()     # a matplotlib figure
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np

from ..core.checks import check_instance
from ..errors import ConfigError
from ..course.jazz import Solo, improvise_solo
from .audio import SAMPLE_RATE, audio_player, render_notes, wav_bytes
from .plots import plot_piano_roll

TICKS_PER_BEAT = 480


def solo_samples(solo: Solo, sample_rate: int = SAMPLE_RATE, chords: bool = True) -> np.ndarray:
    """The solo (and, with ``chords``, its chords, softer) rendered to a float32 signal (n_samples,)."""
    check_instance("solo", solo, Solo, "solo_samples", what="a Solo (what improvise_solo returns)")
    if not isinstance(chords, (bool, np.bool_)):
        raise ConfigError(f"solo_samples: chords must be True or False, got {chords!r}")
    melody, piano = solo.parts(TICKS_PER_BEAT)
    notes = melody.notes + (piano.notes if chords else [])
    return render_notes(notes, TICKS_PER_BEAT, mido.bpm2tempo(solo.tempo_bpm), sample_rate=sample_rate)


def solo_piano_roll(solo: Solo, title="Improvised solo over its chords", ax=None):
    """``plot_piano_roll`` of the solo's notes over its chords."""
    check_instance("solo", solo, Solo, "solo_piano_roll", what="a Solo (what improvise_solo returns)")
    return plot_piano_roll(solo.notes, solo.chords, title=title, ax=ax)


@dataclass
class Improvisation:
    """What ``improvise`` returns: the ``solo`` (tokens, notes, chords), its audio ``samples`` at
    ``sample_rate``, and ``midi_path`` when a MIDI file was written."""

    solo: Solo
    samples: np.ndarray
    sample_rate: int
    midi_path: Path | None = None

    @property
    def notes(self):
        return self.solo.notes

    def audio(self):
        return audio_player(self.samples, self.sample_rate)

    def wav_bytes(self) -> bytes:
        return wav_bytes(self.samples, self.sample_rate)

    def piano_roll(self, title="Improvised solo over its chords", ax=None):
        return solo_piano_roll(self.solo, title=title, ax=ax)


def improvise(cell, head, indices_values, chords, *, n_tokens=50, chord_sets=(1, 2, 3, 4, 5), temperature=1.0,
              top_k=None, primer=(), seed=0, greedy=False, midi_path=None, sample_rate=SAMPLE_RATE) -> Improvisation:
    """A new solo from the trained course cells (``rnnlib.course.jazz.improvise_solo``), rendered to
    audio, and written to ``midi_path`` (atomically) when one is given.  The audio is rendered
    before anything is written, so a failure leaves no file."""
    solo = improvise_solo(cell, head, indices_values, chords, n_tokens=n_tokens, chord_sets=chord_sets,
                          temperature=temperature, top_k=top_k, primer=primer, seed=seed, greedy=greedy)
    samples = solo_samples(solo, sample_rate)
    if midi_path is not None:
        solo.write_midi(midi_path)
    return Improvisation(solo, samples, sample_rate, solo.midi_path)
