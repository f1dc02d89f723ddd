"""The jazz assignment's data: Pat Metheny's guitar solo as grammar tokens, and tokens back to notes.

The course ("Improvise a Jazz Solo with an LSTM", from Ji-Sung Kim's deepjazz) reads
``original_metheny.mid`` with music21, keeps the guitar (MIDI program 26) between beats 476 and 548,
cuts it into 4-beat measures, and writes each melody note as a token ``TYPE,duration,<upper,lower>``:

* TYPE: ``C`` chord tone (its pitch class sounds in the chord), ``S`` scale tone, ``A`` approach tone
  (a semitone from a chord tone), ``X`` anything else, ``R`` rest;
* duration: the note's length in quarter notes, ``%.3f``;
* ``<upper,lower>``: the interval from the previous note of the measure, plus and minus a minor third,
  as directed interval names (``P1``, ``m-2``, ``d-5``, ``A4`` ...); the first note of a measure has none.

This module does the same on mido's notes (``rnnlib.data.midi``), with its own small model of spelled
pitches, and reproduces the 2018 edition's corpus exactly: **193 tokens, 78 distinct values**, 18
measures (the course's ``chords`` has 19 entries because its entry 0 holds the score's metadata at
offset 0 and no chord).  It was checked token by token against the course's own preprocessing run
with music21 5.7.2 in a throwaway environment (music21 is not a dependency).  To get there it follows
what music21 5 does on import, because the tokens depend on it:

* **Pitch spelling.**  A MIDI number is spelled C, C#, D, E-, E, F, F#, G, G#, A, B-, B (music21's
  default), and intervals are counted on those spellings: C#4 -> E-4 is a diminished third, which is
  why the corpus holds names such as ``d1`` and ``dd5``.
* **Chords.**  Notes of one track whose starts *and* ends lie within 1/16 beat of the first note's
  become one chord (``chord_tolerance``); a note that starts with others but ends elsewhere stays a
  note and puts the track into voices.  The chords of a measure are the piano's chords (single piano
  notes do not count); chords inside the guitar part are dropped from the melody.
* **Quantisation.**  Starts and lengths snap to the nearer of the 1/4- and 1/3-beat grids (a tie goes
  to the smaller value); a melody note that ends up 0 long counts as 0.25, as the course sets it.
* **Order.**  Notes that start together are ordered voice by voice (music21 splits overlapping notes
  into voices, first free voice first; the course then merges voice 2 into voice 1), which decides
  which note is "previous" for the interval.
* **Scale tones.**  The scale is major when the chord's quality is major, else Dorian, on the tonic
  whose scale holds most of the chord's pitch classes (ties go to the higher tonic, spelled D- over
  C#, E- over D#); a note is a scale tone when its *spelled name* is in that scale, so a G# is not a
  scale tone of D- major (whose sixth is A-).  The quality comes from music21's root-finding rules
  (one pitch per letter, the pitch with the most stacked thirds above it).  So a C major triad
  gets G major (C, E and G are in the C, F and G major scales; G is the highest), as in music21 5.

Where this differs from the course on purpose:

* The value <-> index maps are **sorted**.  The course builds them from a Python ``set``, whose order
  changes with ``PYTHONHASHSEED``, so its indices are not reproducible from one run to the next.
* Measures are paired with the chords by measure number in the half-open window [476, 548).  The
  course pairs them by position and then drops the last chord group (the piano chord at beat 548);
  on this file both give the same pairs.
* No rests.  music21 5 made no rests inside voices, so the 2018 corpus has none; music21 6 does, which
  is where the 2021 edition's 90 values come from.  That variant is not reproduced here.
* A measure without any chord of its own keeps the chord sounding from before (the course would
  crash); none of the solo's measures needs it.

``decode_measure`` is the inverse for generated tokens: on a measure's chords it turns each token
into a pitch that fits its type (a C token lands on a chord pitch class, an S on a scale tone, an A a
semitone from a chord tone) within the token's interval range of the previous pitch, choosing with a
seeded numpy generator.  ``training_windows`` builds the course's ``X`` (m, Tx, n_values) and ``Y``
(Tx, m, n_values).
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..errors import ConfigError, CorpusError, VocabularyError
from .midi import MidiSong, Part, read_midi

# --------------------------------------------------------------------------------------------------
# Spelled pitches and interval names
# --------------------------------------------------------------------------------------------------

STEP_NAMES = "CDEFGAB"
_STEP_SEMITONES = (0, 2, 4, 5, 7, 9, 11)
#: music21's default spelling of each pitch class: (letter index, alteration)
DEFAULT_SPELLING = ((0, 0), (0, 1), (1, 0), (2, -1), (2, 0), (3, 0), (3, 1), (4, 0), (4, 1), (5, 0), (6, -1), (6, 0))


@dataclass(frozen=True)
class SpelledPitch:
    """A pitch with a letter: ``step`` 0-6 (C-B), ``alter`` in semitones (-1 flat), ``octave`` (C4 = 60)."""

    step: int
    alter: int
    octave: int

    @classmethod
    def from_midi(cls, number: int) -> SpelledPitch:
        step, alter = DEFAULT_SPELLING[number % 12]
        return cls(step, alter, number // 12 - 1)

    @property
    def midi(self) -> int:
        return 12 * (self.octave + 1) + _STEP_SEMITONES[self.step] + self.alter

    @property
    def diatonic_number(self) -> int:
        return 7 * self.octave + self.step

    @property
    def name(self) -> str:
        accidental = "#" * self.alter if self.alter > 0 else "-" * -self.alter
        return STEP_NAMES[self.step] + accidental

    def transposed(self, staff_steps: int, semitones: int) -> SpelledPitch:
        """Move by a spelled interval: ``staff_steps`` letters and ``semitones`` semitones."""
        number = self.diatonic_number + staff_steps
        octave, step = divmod(number, 7)
        natural = 12 * (octave + 1) + _STEP_SEMITONES[step]
        return SpelledPitch(step, self.midi + semitones - natural, octave)


_PERFECT_SPECIFIERS = ("dddd", "ddd", "dd", "d", "P", "A", "AA", "AAA", "AAAA")  # P at index 4
_MAJOR_SPECIFIERS = ("dddd", "ddd", "dd", "d", "m", "M", "A", "AA", "AAA", "AAAA")  # M at index 5
_MAJOR_SCALE_SEMITONES = (None, 0, 2, 4, 5, 7, 9, 11)  # by simple interval number 1-7


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


@lru_cache(maxsize=None)
def interval_name(staff_steps: int, semitones: int) -> str:
    """The directed name of an interval of ``staff_steps`` letters and ``semitones`` semitones.

    ``interval_name(2, 4) == 'M3'``, ``interval_name(-4, -6) == 'd-5'``, ``interval_name(0, -1) == 'd1'``
    (a unison has no direction in its number; its quality carries it).  The naming follows the
    conventions of music21's directed names, which the course's tokens use.
    """
    number = staff_steps + 1 if staff_steps >= 0 else staff_steps - 1
    size = abs(number)
    simple = (size - 1) % 7 + 1
    octaves = (size - 1) // 7
    normal = _MAJOR_SCALE_SEMITONES[simple] + 12 * octaves
    generic_direction = _sign(staff_steps)
    chromatic_direction = _sign(semitones)
    if generic_direction and chromatic_direction and generic_direction != chromatic_direction:
        counted = -abs(semitones)  # e.g. a "descending" second that rises: a diminished second
    elif size == 1:
        counted = semitones  # a unison's quality says which way it goes
    else:
        counted = abs(semitones)
    if simple in (1, 4, 5):
        index, names = 4 + counted - normal, _PERFECT_SPECIFIERS
    else:
        index, names = 5 + counted - normal, _MAJOR_SPECIFIERS
    if not 0 <= index < len(names):
        raise VocabularyError(f"no interval name for {staff_steps} staff steps and {semitones} semitones")
    return f"{names[index]}{number}"


_INTERVAL = re.compile(r"^(dddd|ddd|dd|d|m|M|P|AAAA|AAA|AA|A)(-?\d+)$")


@lru_cache(maxsize=None)
def parse_interval(name: str) -> tuple[int, int]:
    """``(staff_steps, semitones)`` of a directed interval name; the inverse of ``interval_name``."""
    match = _INTERVAL.match(str(name).strip())
    if not match or int(match.group(2)) == 0:
        raise VocabularyError(f"{name!r} is not an interval name such as 'P1', 'm-3' or 'd5'")
    number = int(match.group(2))
    staff_steps = number - 1 if number > 0 else number + 1
    reach = 12 * (abs(staff_steps) // 7 + 2)
    for semitones in range(-reach, reach + 1):
        try:
            if interval_name(staff_steps, semitones) == name:
                return staff_steps, semitones
        except VocabularyError:
            continue
    raise VocabularyError(f"{name!r} is not an interval this grammar can write")


def spelled_interval(start: SpelledPitch, end: SpelledPitch) -> tuple[int, int]:
    """``(staff_steps, semitones)`` from ``start`` to ``end``."""
    return end.diatonic_number - start.diatonic_number, end.midi - start.midi


def interval_range(start: SpelledPitch, end: SpelledPitch) -> str:
    """The token's ``<upper,lower>``: the interval from start to end, plus and minus a minor third."""
    steps, semitones = spelled_interval(start, end)
    return f"<{interval_name(steps + 2, semitones + 3)},{interval_name(steps - 2, semitones - 3)}>"


# --------------------------------------------------------------------------------------------------
# Chords: quality, scale, and the kind of a melody note
# --------------------------------------------------------------------------------------------------

_SCALE_STEPS = {  # semitones above the tonic of degrees 1-7
    "major": (0, 2, 4, 5, 7, 9, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
}
# The tonics music21 tries when it fits a scale to a chord, in its order.  The best count wins and a
# tie goes to the last tonic in the ascending order of pitch (C- counts as B below C), so of two
# spellings of one pitch class the later one here wins.
_TONIC_CANDIDATES = (
    (0, 0, 60), (0, 1, 61), (1, -1, 61), (1, 0, 62), (1, 1, 63), (2, -1, 63), (2, 0, 64), (3, 0, 65),
    (3, 1, 66), (4, 0, 67), (4, 1, 68), (5, 0, 69), (6, -1, 70), (6, 0, 71), (0, -1, 59),
)


def _step_above(root: SpelledPitch, other: SpelledPitch) -> int:
    """The chord step (1-7) of ``other`` above ``root``, octaves ignored: 3 for a third of any kind."""
    return (other.step - root.step) % 7 + 1


def chord_root(pitches: Sequence[SpelledPitch]) -> SpelledPitch:
    """The root of a chord: keep the first pitch of each letter; the pitch with a full stack of thirds
    above it wins (the bass when all have one); otherwise the best weighted count of 3rds, 5ths, 7ths,
    9ths, 11ths and 13ths above it (music21's rule, on the file's order of pitches)."""
    if not pitches:
        raise CorpusError("a chord needs at least one pitch")
    letters, closed = set(), []
    for pitch in pitches:
        if pitch.step not in letters:
            letters.add(pitch.step)
            closed.append(pitch)
    if len(closed) == 1:
        return pitches[0]
    stacked, scores = [], []
    for i, candidate in enumerate(closed):
        steps_present = {_step_above(candidate, other) for other in closed}
        found = [step in steps_present for step in (3, 5, 7, 2, 4, 6)]
        if all(found[: len(closed) - 1]):
            stacked.append(i)
        scores.append(sum(1 / (rank + 6) for rank, present in enumerate(found) if present))
    if len(stacked) == 1:
        return closed[stacked[0]]
    if len(stacked) == len(closed):
        return min(closed, key=lambda p: p.midi)  # the bass: first of the lowest
    return closed[scores.index(max(scores))]


def chord_quality(pitches: Sequence[SpelledPitch]) -> str:
    """'major', 'minor', 'diminished', 'augmented' or 'other', from the third and fifth above the root."""
    root = chord_root(pitches)

    def semitones_at(step):
        found = [(p.midi - root.midi) % 12 for p in pitches if _step_above(root, p) == step]
        return (found[0] if found else None), len(set(found)) > 1

    third, mixed_third = semitones_at(3)
    fifth, mixed_fifth = semitones_at(5)
    if third is None or mixed_third:
        return "other"
    if fifth is None:
        return {4: "major", 3: "minor"}.get(third, "other")
    if mixed_fifth:
        return "other"
    return {(4, 7): "major", (3, 7): "minor", (4, 8): "augmented", (3, 6): "diminished"}.get((third, fifth), "other")


@lru_cache(maxsize=4096)
def chord_scale(pitch_numbers: tuple[int, ...]) -> tuple[str, tuple[str, ...]]:
    """``(description, spelled names)`` of the scale the grammar hears over a chord of MIDI pitches:
    major on a major chord, else Dorian, on the tonic whose scale holds most of the chord's pitch
    classes.  The names are spelled from that tonic (``('D- major', ('D-', 'E-', 'F', ...))``)."""
    spelled = [SpelledPitch.from_midi(n) for n in pitch_numbers]
    mode = "major" if chord_quality(spelled) == "major" else "dorian"
    classes = {n % 12 for n in pitch_numbers}
    ranked = []
    for order, (step, alter, height) in enumerate(_TONIC_CANDIDATES):
        tonic_class = (_STEP_SEMITONES[step] + alter) % 12
        in_scale = {(tonic_class + s) % 12 for s in _SCALE_STEPS[mode]}
        ranked.append((len(classes & in_scale), height, order, step, alter))
    count, height, order, step, alter = max(ranked)  # most matches, then the higher tonic, then the later
    tonic = SpelledPitch(step, alter, 4)
    names = tuple(tonic.transposed(degree, semis).name for degree, semis in enumerate(_SCALE_STEPS[mode]))
    return f"{tonic.name} {mode}", names


def note_kind(pitch: int, chord_pitches: Sequence[int]) -> str:
    """'C', 'S', 'A' or 'X' for MIDI ``pitch`` over a chord of MIDI pitches (see the module docstring)."""
    classes = {n % 12 for n in chord_pitches}
    if pitch % 12 in classes:
        return "C"
    if SpelledPitch.from_midi(pitch).name in chord_scale(tuple(chord_pitches))[1]:
        return "S"
    if any((pitch - c) % 12 in (1, 11) for c in classes):
        return "A"
    return "X"


# --------------------------------------------------------------------------------------------------
# From a MIDI part to the measures of the solo
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sound:
    """A note or chord of a part after import: ``offset`` and ``duration`` in beats (quantised)."""

    offset: Fraction
    duration: Fraction
    pitches: tuple[int, ...]

    @property
    def is_chord(self) -> bool:
        return len(self.pitches) > 1


def snap_to_course_grid(value: Fraction, divisors=(4, 3)) -> Fraction:
    """The nearest multiple of 1/4 or 1/3 beat (a half-way value goes down; a tie between grids to the smaller)."""
    best = []
    for divisor in divisors:
        low = Fraction(math.floor(value * divisor), divisor)
        high = low + Fraction(1, divisor)
        match = low if value - low <= Fraction(1, 2 * divisor) else high
        best.append((abs(value - match), match))
    return min(best)[1]


def import_sounds(part: Part, ticks_per_beat: int, *, chord_tolerance: Fraction = Fraction(1, 16)) -> list[Sound]:
    """A part's notes as music21 5 imports them: grouped into chords, quantised, ordered by voice.

    Returns the sounds sorted as the course sees them (by start; at one start, voice by voice).
    """
    notes = part.notes
    tolerance = chord_tolerance * ticks_per_beat
    gathered, needs_voices, raw = set(), False, []
    for i, first in enumerate(notes):
        if i in gathered:
            continue
        group = []
        for j in range(i + 1, len(notes)):
            other = notes[j]
            if abs(other.start - first.start) > tolerance:
                break
            if abs(other.end - first.end) > tolerance:
                needs_voices = True  # starts with it but ends elsewhere: a second voice
                continue
            if not group:
                group = [first]
                gathered.add(i)
            group.append(other)
            gathered.add(j)
        if group:
            # music21 takes the chord's length from the first note's end to the last note's start
            length = first.end - group[-1].start
            duration = Fraction(length, ticks_per_beat) if length else Fraction(1)
            raw.append((first.start, duration, tuple(n.pitch for n in group)))
        else:
            raw.append((first.start, Fraction(first.duration, ticks_per_beat), (first.pitch,)))
    sounds = [Sound(snap_to_course_grid(Fraction(start, ticks_per_beat)), snap_to_course_grid(max(duration, Fraction(0))),
                    pitches) for start, duration, pitches in raw]
    order = sorted(range(len(sounds)), key=lambda k: sounds[k].offset)  # stable: file order at one start
    if not needs_voices:
        return [sounds[k] for k in order]
    voice_ends: list[Fraction] = []
    placed = []
    for k in order:
        sound = sounds[k]
        for voice, end in enumerate(voice_ends):
            if end <= sound.offset:
                break
        else:
            voice_ends.append(Fraction(0))
            voice = len(voice_ends) - 1
        voice_ends[voice] = max(voice_ends[voice], sound.offset + sound.duration)
        placed.append((sound.offset, voice, len(placed), sound))
    return [sound for _, _, _, sound in sorted(placed)]


@dataclass(frozen=True)
class MelodyNote:
    """A melody note of a measure: ``offset`` in beats from the measure's start, ``duration`` in beats."""

    offset: Fraction
    duration: Fraction
    pitch: int


@dataclass(frozen=True)
class ChordEvent:
    """A chord of a measure: ``offset`` in beats from the measure's start and its MIDI pitches."""

    offset: Fraction
    pitches: tuple[int, ...]


@dataclass
class Measure:
    """One 4-beat measure of the solo: its number (beat // 4), melody notes, chords and tokens."""

    number: int
    notes: list[MelodyNote]
    chords: list[ChordEvent]
    tokens: list[str] = field(default_factory=list)

    @property
    def start_beat(self) -> int:
        return 4 * self.number


@dataclass
class JazzCorpus:
    """The solo as the course's corpus: measures with tokens, the token list, and the vocabulary."""

    measures: list[Measure]
    tokens: list[str]
    values: list[str]  # the distinct tokens, sorted
    value_to_index: dict[str, int]
    index_to_value: dict[int, str]
    song: MidiSong | None = None
    melody: Part | None = None
    accompaniment: list[Part] = field(default_factory=list)

    @property
    def n_values(self) -> int:
        return len(self.values)

    @property
    def indices(self) -> np.ndarray:
        """The corpus as value indices, shape (len(tokens),)."""
        return np.array([self.value_to_index[t] for t in self.tokens], dtype=np.int64)


#: the course's choices for original_metheny.mid
METHENY_WINDOW = (476, 548)
METHENY_MELODY_PROGRAM = 26
METHENY_ACCOMPANIMENT = (0, 1, 6, 7)  # part indices; the chords come from the first (the piano)
BEATS_PER_MEASURE = 4


def measure_tokens(notes: Sequence[MelodyNote], chords: Sequence[ChordEvent], carried: ChordEvent | None = None) -> list[str]:
    """The grammar tokens of one measure's melody notes over its chords (see the module docstring).

    The chord of a note is the last one starting at or before it; before the measure's first chord,
    that first chord counts (the course moves it to the measure start); a measure with no chord uses
    ``carried``, the chord sounding from before.
    """
    if not chords and carried is None:
        raise CorpusError("a measure has melody notes but no chord sounds in it or before it")
    tokens, previous = [], None
    for note in notes:
        sounding = [c for c in chords if c.offset <= note.offset]
        chord = sounding[-1] if sounding else (chords[0] if chords else carried)
        kind = note_kind(note.pitch, chord.pitches)
        duration = note.duration if note.duration else Fraction(1, 4)
        token = f"{kind},{float(duration):.3f}"
        here = SpelledPitch.from_midi(note.pitch)
        if previous is not None:
            token += "," + interval_range(previous, here)
        previous = here
        tokens.append(token)
    return tokens


def solo_measures(song: MidiSong, *, melody_program: int = METHENY_MELODY_PROGRAM, chord_part: int = 0,
                  window: tuple[int, int] = METHENY_WINDOW) -> list[Measure]:
    """The measures of ``song`` between beats ``window`` (half-open) with tokens.

    The melody is the part playing ``melody_program``; the chords are the chords (two or more notes
    at once) of part ``chord_part``.  Raises ``MidiError`` when a part is missing and ``CorpusError``
    when the window holds no melody.
    """
    start, end = window
    if not (isinstance(start, int) and isinstance(end, int)) or start < 0 or end <= start:
        raise ConfigError(f"window must be two whole beats (start, end) with 0 <= start < end, got {window!r}")
    if start % BEATS_PER_MEASURE or end % BEATS_PER_MEASURE:
        raise ConfigError(f"window {window!r} must start and end on a measure line (multiples of {BEATS_PER_MEASURE})")
    melody = song.part(program=melody_program)
    piano = song.part(index=chord_part)
    tpb = song.ticks_per_beat
    by_measure: dict[int, list[MelodyNote]] = {}
    for sound in import_sounds(melody, tpb):
        if start <= sound.offset < end and not sound.is_chord:  # the course drops the guitar's chords
            number = int(sound.offset // BEATS_PER_MEASURE)
            by_measure.setdefault(number, []).append(
                MelodyNote(sound.offset - BEATS_PER_MEASURE * number, sound.duration, sound.pitches[0]))
    if not by_measure:
        raise CorpusError(f"the melody ({melody.name or 'program ' + str(melody_program)}) has no notes "
                          f"between beats {start} and {end}")
    chords_by_measure: dict[int, list[ChordEvent]] = {}
    for sound in import_sounds(piano, tpb):
        if start <= sound.offset < end and sound.is_chord:
            number = int(sound.offset // BEATS_PER_MEASURE)
            chords_by_measure.setdefault(number, []).append(
                ChordEvent(sound.offset - BEATS_PER_MEASURE * number, sound.pitches))
    measures, carried = [], None
    for number in sorted(by_measure):
        chords = chords_by_measure.get(number, [])
        measure = Measure(number, by_measure[number], chords)
        measure.tokens = measure_tokens(measure.notes, chords, carried)
        measures.append(measure)
        if chords:
            carried = chords[-1]
    return measures


def build_vocabulary(tokens: Sequence[str]) -> tuple[list[str], dict[str, int], dict[int, str]]:
    """The sorted distinct tokens and the maps value -> index and index -> value."""
    values = sorted(set(tokens))
    if not values:
        raise CorpusError("no tokens to build a vocabulary from")
    return values, {v: i for i, v in enumerate(values)}, dict(enumerate(values))


def load_jazz_corpus(path=None, **options) -> JazzCorpus:
    """The course's corpus from ``original_metheny.mid`` (``path``, or the registry's checksummed copy).

    ``options`` go to ``solo_measures`` (melody_program, chord_part, window).
    """
    if path is None:
        from .datasets import fetch  # only when needed: fetching may download

        path = fetch("metheny")
    song = read_midi(path)
    measures = solo_measures(song, **options)
    tokens = [t for m in measures for t in m.tokens]
    values, to_index, to_value = build_vocabulary(tokens)
    melody = song.part(program=options.get("melody_program", METHENY_MELODY_PROGRAM))
    accompaniment = [song.parts[i] for i in METHENY_ACCOMPANIMENT if i < len(song.parts)]
    return JazzCorpus(measures, tokens, values, to_index, to_value, song, melody, accompaniment)


def training_windows(indices, n_values: int, m: int = 60, Tx: int = 30, seed: int = 0, dtype=np.float64):
    """The course's training data: ``m`` random windows of ``Tx`` tokens, one-hot.

    Returns ``X`` of shape (m, Tx, n_values) and ``Y`` of shape (Tx, m, n_values).  Window i starts at
    a position drawn with ``np.random.RandomState(seed).choice(len(indices) - Tx)`` (the course's
    draw, so the course's windows for seed 0); ``X[i, t]`` is token ``start + t`` for t >= 1 and
    ``X[:, 0, :]`` is all zeros (the "no previous note" input); ``Y[t] = X[:, t + 1]``, and
    ``Y[Tx - 1]`` is all zeros, as in the course.
    """
    indices = np.asarray(indices)
    for name, value in (("n_values", n_values), ("m", m), ("Tx", Tx)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigError(f"{name} must be a positive int, got {value!r}")
    if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
        raise ConfigError("indices must be a 1-D array of int value indices")
    if len(indices) <= Tx:
        raise CorpusError(f"the corpus has {len(indices)} tokens; windows of Tx={Tx} need more than {Tx}")
    if indices.min() < 0 or indices.max() >= n_values:
        raise VocabularyError(f"indices must lie in 0..{n_values - 1}")
    draw = np.random.RandomState(seed)
    X = np.zeros((m, Tx, n_values), dtype=dtype)
    for i in range(m):
        first = draw.choice(len(indices) - Tx)
        X[i, np.arange(1, Tx), indices[first + 1:first + Tx]] = 1
    Y = np.zeros((Tx, m, n_values), dtype=dtype)
    Y[:-1] = np.swapaxes(X[:, 1:, :], 0, 1)
    return X, Y


# --------------------------------------------------------------------------------------------------
# Tokens back to notes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A parsed grammar token: ``kind`` (C, S, A, X, R), ``duration`` in beats, and the interval range
    ``(low, high)`` in semitones from the previous note, or None for the first note of a measure."""

    kind: str
    duration: float
    interval: tuple[int, int] | None = None


_TOKEN = re.compile(r"^([CSAXR]),(\d+(?:\.\d+)?)(?:,<([^,<>]+),([^,<>]+)>)?$")


def parse_token(text: str) -> Token:
    """``'C,0.250,<M2,d-4>'`` -> ``Token('C', 0.25, (-4, 2))``; raises ``VocabularyError`` otherwise."""
    match = _TOKEN.match(str(text).strip())
    if not match:
        raise VocabularyError(f"{text!r} is not a grammar token like 'C,0.250' or 'S,0.500,<m2,P-4>'")
    kind, duration = match.group(1), float(match.group(2))
    if duration <= 0:
        raise VocabularyError(f"{text!r} has a duration of 0; a token must last some time")
    if match.group(3) is None:
        return Token(kind, duration)
    a, b = parse_interval(match.group(3))[1], parse_interval(match.group(4))[1]
    return Token(kind, duration, (min(a, b), max(a, b)))


def _fits(kind: str, pitch: int, chord: Sequence[int]) -> bool:
    return kind in ("X", "R") or note_kind(pitch, chord) == kind


def decode_measure(tokens: Sequence[str], chords: Sequence[ChordEvent], *, previous_pitch: int | None = None,
                   rng: np.random.Generator | int | None = 0, low: int = 48, high: int = 96) -> list[MelodyNote]:
    """Turn a measure's tokens into notes over its ``chords`` (offsets in beats from the measure start).

    Notes follow one another (a token starts where the last one ended; rests advance time).  Each
    pitch is drawn (``rng``: a numpy Generator or a seed) among the pitches that fit the token: for
    C a chord pitch class, for S a spelled scale tone of the chord's scale, for A a semitone from a
    chord tone, for X any pitch, within the token's interval range of the previous pitch; the first
    note of a measure (or one after ``previous_pitch=None``) is drawn between ``low`` and ``high``.
    When no pitch of the right kind lies in the range the interval wins: the pitch is drawn from the
    range (the course steps a whole tone instead).  Pitches stay within 0-127.
    """
    if not chords:
        raise CorpusError("decode_measure needs at least one chord to decode against")
    if not 0 <= low <= high <= 127:
        raise ConfigError(f"need 0 <= low <= high <= 127, got low={low!r}, high={high!r}")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    notes, now, previous = [], Fraction(0), previous_pitch
    for text in tokens:
        token = parse_token(text)
        duration = Fraction(token.duration).limit_denominator(48)
        if token.kind == "R":
            now += duration
            continue
        sounding = [c for c in chords if c.offset <= now]
        chord = (sounding[-1] if sounding else chords[0]).pitches
        if token.interval is None or previous is None:
            span = range(low, high + 1)
        else:
            span = range(max(0, previous + token.interval[0]), min(127, previous + token.interval[1]) + 1)
            if not len(span):  # the range lies outside MIDI: clamp to its nearest end
                span = range(min(max(previous + token.interval[0], 0), 127), min(max(previous + token.interval[0], 0), 127) + 1)
        fitting = [p for p in span if _fits(token.kind, p, chord)]
        if len(fitting) > 1 and previous in fitting:
            fitting.remove(previous)  # as the course does: a new note, not the same one again
        choices = fitting or list(span)
        pitch = int(choices[rng.integers(len(choices))])
        notes.append(MelodyNote(now, duration, pitch))
        previous = pitch
        now += duration
    return notes


def piano_roll_data(measures: Sequence[Measure]):
    """``(notes, chords)`` of measures in beats from the song's start, for ``rnnlib.ui.plot_piano_roll``:
    notes as (start, duration, pitch), chords as (start, duration, pitches), each chord lasting until
    the next one of its measure or the measure's end."""
    notes, chords = [], []
    for measure in measures:
        base = measure.start_beat
        notes.extend((base + n.offset, n.duration, n.pitch) for n in measure.notes)
        for chord in measure.chords:  # two chords may start together (the piano's voices): both last
            later = [c.offset for c in measure.chords if c.offset > chord.offset]
            end = min(later) if later else Fraction(BEATS_PER_MEASURE)
            chords.append((base + chord.offset, end - chord.offset, chord.pitches))
    return notes, chords
