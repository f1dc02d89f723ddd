"""Event mode: any MIDI track as note-on, note-off and time-shift tokens on a fixed grid.

The grammar of ``jazz_grammar`` only fits a melody over known chords.  Event mode fits any track a
student brings, chords and overlapping notes included, in the style of performance-RNN vocabularies:

* the grid has ``steps_per_beat`` steps per beat (default 12, so both sixteenths and eighth-note
  triplets land on it);
* token ``NOTE_ON p`` starts pitch p, ``NOTE_OFF p`` ends it, ``SHIFT k`` moves time on by k steps
  (1 <= k <= ``max_shift``; a longer silence takes several shifts);
* at one time step the note-offs come first (by pitch), then the note-ons (by pitch), so a pitch
  that ends and starts again at the same step keeps both notes.

Ids: ``NOTE_ON p`` is p, ``NOTE_OFF p`` is 128 + p, ``SHIFT k`` is 255 + k; ``EventCodec.names()``
gives the readable names.  Velocity is not encoded; decoding gives every note ``velocity``.

Round trip.  ``quantize`` snaps each note's start and end to the nearest grid step (a note that
would shrink to nothing keeps one step).  After that, ``decode(encode(notes))`` gives back exactly
the same notes, with one caveat that no note-on/note-off stream can avoid (a MIDI file has it too):
when two notes of the **same pitch overlap**, the stream does not say which note-off ends which
note.  Decoding pairs them first-in, first-out (as ``rnnlib.data.midi`` reads files), so notes are
compared in their FIFO form (``fifo_canonical``): for same-pitch notes sorted by start, the ends are
handed out in order.  Notes read from a MIDI file are already in that form, and it is unchanged by
quantisation, so every note of a file's track comes back exactly.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..errors import ConfigError, VocabularyError
from .midi import Note

N_PITCHES = 128


@dataclass(frozen=True, order=True)
class GridNote:
    """A note on the grid: ``start`` and ``end`` in grid steps (end > start), MIDI ``pitch``."""

    start: int
    end: int
    pitch: int


class EventCodec:
    """Tokens for notes on a grid of ``steps_per_beat`` steps per beat, shifts of 1..``max_shift`` steps."""

    def __init__(self, steps_per_beat: int = 12, max_shift: int = 48):
        for name, value in (("steps_per_beat", steps_per_beat), ("max_shift", max_shift)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive int, got {value!r}")
        self.steps_per_beat = steps_per_beat
        self.max_shift = max_shift

    @property
    def vocab_size(self) -> int:
        return 2 * N_PITCHES + self.max_shift

    def note_on(self, pitch: int) -> int:
        return pitch

    def note_off(self, pitch: int) -> int:
        return N_PITCHES + pitch

    def shift(self, steps: int) -> int:
        return 2 * N_PITCHES - 1 + steps

    def names(self) -> list[str]:
        """The readable name of every id: 'NOTE_ON 60', 'NOTE_OFF 60', 'SHIFT 12'."""
        return ([f"NOTE_ON {p}" for p in range(N_PITCHES)] + [f"NOTE_OFF {p}" for p in range(N_PITCHES)]
                + [f"SHIFT {k}" for k in range(1, self.max_shift + 1)])

    # ---------------------------------------------------------------------------------- the grid

    def quantize(self, notes: Iterable[Note], ticks_per_beat: int) -> list[GridNote]:
        """MIDI notes (ticks) to grid notes: start and end to the nearest step, at least one step long."""
        if isinstance(ticks_per_beat, bool) or not isinstance(ticks_per_beat, int) or ticks_per_beat < 1:
            raise ConfigError(f"ticks_per_beat must be a positive int, got {ticks_per_beat!r}")
        grid = []
        for note in notes:
            start = _nearest(Fraction(note.start * self.steps_per_beat, ticks_per_beat))
            end = _nearest(Fraction(note.end * self.steps_per_beat, ticks_per_beat))
            grid.append(GridNote(start, max(end, start + 1), note.pitch))
        return sorted(grid)

    def to_notes(self, grid_notes: Iterable[GridNote], ticks_per_beat: int, velocity: int = 80) -> list[Note]:
        """Grid notes back to MIDI notes in ticks of ``ticks_per_beat`` (rounded to the nearest tick)."""
        out = []
        for g in grid_notes:
            start = _nearest(Fraction(g.start * ticks_per_beat, self.steps_per_beat))
            end = _nearest(Fraction(g.end * ticks_per_beat, self.steps_per_beat))
            out.append(Note(start, end - start, g.pitch, velocity))
        return out

    # ------------------------------------------------------------------------------ the tokens

    def encode(self, grid_notes: Iterable[GridNote]) -> list[int]:
        """Grid notes to token ids (see the module docstring for the order of events)."""
        events = []  # (time, 0 = off / 1 = on, pitch)
        for g in grid_notes:
            if not isinstance(g, GridNote):
                raise ConfigError(f"encode takes GridNote items (see EventCodec.quantize), got {type(g).__name__}")
            if not 0 <= g.pitch < N_PITCHES:
                raise ConfigError(f"pitch {g.pitch} is outside MIDI's 0-127")
            if g.start < 0 or g.end <= g.start:
                raise ConfigError(f"a grid note needs 0 <= start < end, got {g}")
            events.append((g.start, 1, g.pitch))
            events.append((g.end, 0, g.pitch))
        events.sort()
        tokens, now = [], 0
        for time, is_on, pitch in events:
            gap = time - now
            while gap > 0:
                step = min(gap, self.max_shift)
                tokens.append(self.shift(step))
                gap -= step
            now = time
            tokens.append(self.note_on(pitch) if is_on else self.note_off(pitch))
        return tokens

    def decode(self, tokens: Iterable[int]) -> list[GridNote]:
        """Token ids back to grid notes, sorted.

        Each note-off ends the oldest sounding note of its pitch.  Generated sequences need not be
        well formed, so a note-off with nothing sounding is ignored and notes still sounding at the
        end stop at the last time reached (at least one step after their start).
        """
        sounding: dict[int, deque] = defaultdict(deque)
        notes, now = [], 0
        for position, token in enumerate(tokens):
            if isinstance(token, bool) or not isinstance(token, int) and not hasattr(token, "__index__"):
                raise VocabularyError(f"token {position} is {token!r}, not an int id")
            token = int(token)
            if not 0 <= token < self.vocab_size:
                raise VocabularyError(f"token {position} is {token}, outside this codec's 0..{self.vocab_size - 1}")
            if token < N_PITCHES:
                sounding[token].append(now)
            elif token < 2 * N_PITCHES:
                pitch = token - N_PITCHES
                if sounding[pitch]:
                    notes.append(GridNote(sounding[pitch].popleft(), now, pitch))
            else:
                now += token - (2 * N_PITCHES - 1)
        for pitch, starts in sounding.items():
            notes.extend(GridNote(start, max(now, start + 1), pitch) for start in starts)
        # a note-off at its own note-on's step makes no sound; a zero-length note is dropped
        return sorted(n for n in notes if n.end > n.start)

    def encode_notes(self, notes: Iterable[Note], ticks_per_beat: int) -> list[int]:
        """MIDI notes straight to tokens: ``encode(quantize(notes, ticks_per_beat))``."""
        return self.encode(self.quantize(notes, ticks_per_beat))

    def decode_notes(self, tokens: Iterable[int], ticks_per_beat: int, velocity: int = 80) -> list[Note]:
        """Tokens straight to MIDI notes in ticks: ``to_notes(decode(tokens), ...)``."""
        return self.to_notes(self.decode(tokens), ticks_per_beat, velocity)

    def describe(self, tokens: Sequence[int]) -> list[str]:
        names = self.names()
        return [names[int(t)] for t in tokens]


def fifo_canonical(grid_notes: Iterable[GridNote]) -> list[GridNote]:
    """The notes as a note-on/note-off stream can express them: for each pitch, starts and ends are
    each sorted and paired in order (first in, first out).  Notes without same-pitch overlaps are
    unchanged."""
    by_pitch: dict[int, list[GridNote]] = defaultdict(list)
    for g in grid_notes:
        by_pitch[g.pitch].append(g)
    out = []
    for pitch, group in by_pitch.items():
        starts = sorted(g.start for g in group)
        ends = sorted(g.end for g in group)
        out.extend(GridNote(s, e, pitch) for s, e in zip(starts, ends))
    return sorted(out)


def _nearest(value: Fraction) -> int:
    """The nearest int; exact halves round up, so the rule is the same at every position."""
    return int((value + Fraction(1, 2)).__floor__())
