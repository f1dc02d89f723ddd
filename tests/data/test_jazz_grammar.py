"""rnnlib.data.jazz_grammar: spelled intervals, chord analysis, tokens <-> notes, the course's corpus."""
import os
from collections import Counter
from fractions import Fraction

import mido
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlib import datasets
from rnnlib.data import jazz_grammar as jg
from rnnlib.data.midi import Note, Part, read_midi, write_midi
from rnnlib.errors import ConfigError, CorpusError, MidiError, VocabularyError

P = jg.SpelledPitch.from_midi


def test_default_spelling_and_interval_names():
    assert [P(n).name for n in range(60, 72)] == ["C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B"]
    assert P(60).midi == 60 and P(61).transposed(2, 2).name == "E-"  # C# up a diminished third
    assert jg.interval_name(2, 4) == "M3" and jg.interval_name(-4, -6) == "d-5"
    assert jg.interval_name(0, -1) == "d1" and jg.interval_name(0, 1) == "A1" and jg.interval_name(7, 12) == "P8"
    assert jg.interval_name(1, -1) == "dd2"  # a second up whose pitch falls
    # the course's docstring examples: an unchanged pitch and a descending minor third
    assert jg.interval_range(P(60), P(60)) == "<m3,m-3>"
    assert jg.interval_range(P(75), P(72)) == "<P1,d-5>"  # E-5 -> C5, as in the corpus's second token
    assert jg.interval_range(P(61), P(63)) == "<dd5,d1>"  # C# -> E- is a diminished third, not a major second
    with pytest.raises(VocabularyError, match="not an interval name"):
        jg.parse_interval("Q3")


@given(st.integers(-20, 20), st.integers(-40, 40))
def test_parse_interval_inverts_interval_name(steps, semitones):
    try:
        name = jg.interval_name(steps, semitones)
    except VocabularyError:
        return  # more than four times augmented/diminished: no name, and none expected
    assert jg.parse_interval(name) == (steps, semitones)


@given(st.integers(21, 108), st.integers(21, 108))
def test_token_range_is_the_interval_plus_and_minus_a_minor_third(a, b):
    upper, lower = jg.interval_range(P(a), P(b))[1:-1].split(",")
    assert jg.parse_interval(upper)[1] == (b - a) + 3
    assert jg.parse_interval(lower)[1] == (b - a) - 3


def test_chord_quality_and_scale():
    assert jg.chord_quality([P(n) for n in (60, 64, 67)]) == "major"
    assert jg.chord_quality([P(n) for n in (57, 60, 64)]) == "minor"
    assert jg.chord_quality([P(n) for n in (59, 62, 65)]) == "diminished"  # B D F
    assert jg.chord_quality([P(n) for n in (60, 63, 66)]) == "other"  # F# is spelled as a fourth above C
    # G#2 shares its letter with G4, so music21's root finder drops it: the chord is not heard as A-flat major
    assert jg.chord_quality([P(n) for n in (63, 67, 60, 58, 44)]) == "other"
    # music21 5 fits the scale holding most chord tones and breaks ties towards the higher tonic:
    # a C major triad gets G major (checked against music21 5.7.2), so F is no scale tone over it
    assert jg.chord_scale((60, 64, 67)) == ("G major", ("G", "A", "B", "C", "D", "E", "F#"))
    assert jg.note_kind(65, (60, 64, 67)) == "A" and jg.note_kind(66, (60, 64, 67)) == "S"
    assert jg.chord_scale((62, 65, 69))[0] == "G dorian"  # D minor
    # C# F G# as a MIDI file spells it: C# -> F is a diminished fourth by letter, so no third and no
    # major quality; Dorian on B-, spelled with flats, so F# is no scale tone though G- would be
    assert jg.chord_quality([P(n) for n in (61, 65, 68)]) == "other"
    name, notes = jg.chord_scale((61, 65, 68))
    assert name == "B- dorian" and notes == ("B-", "C", "D-", "E-", "F", "G", "A-")
    assert jg.note_kind(66, (61, 65, 68)) == "A" and jg.note_kind(63, (61, 65, 68)) == "S"
    assert jg.note_kind(66, (60, 64, 67)) == "S" and jg.note_kind(63, (60, 64, 67)) == "A"


@pytest.mark.parametrize("text, parsed", [
    ("C,0.500", jg.Token("C", 0.5)),
    ("S,0.250,<m2,P-4>", jg.Token("S", 0.25, (-5, 1))),
    ("A,0.333,<d1,P-5>", jg.Token("A", 0.333, (-7, -1))),
    ("R,1.000", jg.Token("R", 1.0)),
])
def test_parse_token(text, parsed):
    assert jg.parse_token(text) == parsed


@pytest.mark.parametrize("bad", ["", "C", "Q,0.25", "C,0.000", "C,0.25,<m2>", "C,0.25,<Z2,P1>", None])
def test_bad_tokens(bad):
    with pytest.raises(VocabularyError):
        jg.parse_token(bad)


CHORD_PITCHES = st.lists(st.integers(36, 84), min_size=2, max_size=5, unique=True).map(tuple)


@st.composite
def measures(draw):
    chords = [jg.ChordEvent(Fraction(0), draw(CHORD_PITCHES))]
    if draw(st.booleans()):
        chords.append(jg.ChordEvent(Fraction(2), draw(CHORD_PITCHES)))
    pitches = draw(st.lists(st.integers(48, 90), min_size=1, max_size=12))
    return chords, pitches


@settings(max_examples=150, deadline=None)
@given(measures(), st.integers(0, 2**32 - 1))
def test_decoded_tokens_land_on_their_kind_within_their_range(measure, seed):
    """Parse a melody into tokens, decode them: every pitch respects its token's interval range, and is
    of the token's kind whenever the range holds a pitch of that kind (C on a chord pitch class ...)."""
    chords, pitches = measure
    notes = [jg.MelodyNote(Fraction(i, 4), Fraction(1, 4), p) for i, p in enumerate(pitches)]
    tokens = jg.measure_tokens(notes, chords)
    decoded = jg.decode_measure(tokens, chords, rng=seed)
    assert len(decoded) == len(tokens)
    for k, (text, note) in enumerate(zip(tokens, decoded)):
        token = jg.parse_token(text)
        assert note.offset == Fraction(k, 4) and note.duration == Fraction(1, 4)
        chord = [c for c in chords if c.offset <= note.offset][-1].pitches
        if token.interval is None:
            span = range(48, 97)
        else:
            low, high = token.interval  # the range is clipped to MIDI's 0-127, as decode_measure documents
            span = range(max(0, decoded[k - 1].pitch + low), min(127, decoded[k - 1].pitch + high) + 1)
        if not len(span):  # the whole range lies beyond MIDI: the nearest end of MIDI
            assert note.pitch in (0, 127)
            continue
        assert note.pitch in span
        if token.kind != "X" and any(jg.note_kind(p, chord) == token.kind for p in span):
            assert jg.note_kind(note.pitch, chord) == token.kind, (text, note, chord)


def test_decode_is_seeded_and_handles_rests():
    chords = [jg.ChordEvent(Fraction(0), (60, 64, 67))]
    tokens = ["C,0.500", "R,0.500", "S,0.250,<M2,d-4>", "C,1.000,<m3,m-3>"]
    first = jg.decode_measure(tokens, chords, rng=3)
    assert first == jg.decode_measure(tokens, chords, rng=3)
    assert [n.offset for n in first] == [0, 1, Fraction(5, 4)]
    assert first[0].pitch % 12 in (0, 4, 7) and first[2].pitch % 12 in (0, 4, 7)
    with pytest.raises(CorpusError, match="at least one chord"):
        jg.decode_measure(tokens, [])


def test_training_windows_follow_the_course_layout():
    indices = np.arange(100) % 7
    X, Y = jg.training_windows(indices, 7, m=10, Tx=5, seed=0)
    assert X.shape == (10, 5, 7) and Y.shape == (5, 10, 7)
    assert not X[:, 0, :].any() and (X[:, 1:, :].sum(axis=2) == 1).all()
    np.testing.assert_array_equal(Y[:-1], np.swapaxes(X[:, 1:, :], 0, 1))
    assert not Y[-1].any()
    draw = np.random.RandomState(0)
    first = draw.choice(95)
    assert X[0, 1:].argmax(axis=1).tolist() == indices[first + 1:first + 5].tolist()
    again, _ = jg.training_windows(indices, 7, m=10, Tx=5, seed=0)
    np.testing.assert_array_equal(X, again)
    with pytest.raises(CorpusError, match="need more than 5"):
        jg.training_windows(indices[:5], 7, Tx=5)
    with pytest.raises(VocabularyError):
        jg.training_windows(indices, 3, Tx=5)
    with pytest.raises(ConfigError, match="m must be"):
        jg.training_windows(indices, 7, m=0)


def test_vocabulary_is_sorted_whatever_the_hash_seed():
    values, to_index, to_value = jg.build_vocabulary(["S,0.250", "C,0.500", "C,0.500", "A,0.250"])
    assert values == ["A,0.250", "C,0.500", "S,0.250"]
    assert to_index["C,0.500"] == 1 and to_value[2] == "S,0.250"
    with pytest.raises(CorpusError):
        jg.build_vocabulary([])


def test_quantisation_and_chords_as_music21_imports_them():
    # starts 5 ticks apart at 96 per beat (within 1/16 beat) with equal ends: one chord
    part = Part([Note(0, 96, 60), Note(5, 91, 64), Note(100, 30, 67), Note(130, 60, 69)])
    sounds = jg.import_sounds(part, 96)
    assert [s.pitches for s in sounds] == [(60, 64), (67,), (69,)]
    assert [s.offset for s in sounds] == [0, 1, Fraction(4, 3)]  # 100/96 -> 1; 130/96 -> 4/3 (nearer than 5/4)
    assert sounds[1].duration == Fraction(1, 3)


def small_song(tmp_path, melody, chords):
    piano = Part([Note(int(s * 96), int(d * 96), p) for s, d, ps in chords for p in ps], program=0, channel=0)
    guitar = Part([Note(int(s * 96), int(d * 96), p) for s, d, p in melody], program=26, channel=1)
    return read_midi(write_midi(tmp_path / "s.mid", [piano, guitar], ticks_per_beat=96))


def test_solo_measures_on_a_small_file(tmp_path):
    song = small_song(tmp_path, [(0, 1, 64), (1, 1, 67), (2, 0.5, 66), (4, 2, 62)],
                      [(0, 4, (48, 52, 55)), (4, 4, (50, 53, 57))])
    measures = jg.solo_measures(song, window=(0, 8))
    assert [m.number for m in measures] == [0, 1]
    assert measures[0].tokens == ["C,1.000", "C,1.000,<d5,P1>", "S,0.500,<M2,d-4>"]  # E4 G4 F#4 over C E G
    assert measures[1].tokens == ["C,2.000"]
    with pytest.raises(CorpusError, match="no notes between beats 8 and 12"):
        jg.solo_measures(song, window=(8, 12))
    with pytest.raises(MidiError, match="no part with program 27"):
        jg.solo_measures(song, melody_program=27, window=(0, 8))
    with pytest.raises(ConfigError, match="measure line"):
        jg.solo_measures(song, window=(1, 8))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not os.environ.get(datasets.MIRROR_ENV):
        pytest.skip("RNNLIB_DATA_MIRROR not set")
    return jg.load_jazz_corpus(datasets.fetch("metheny"))


def test_the_2018_corpus_figures(corpus):
    assert len(corpus.tokens) == 193 and corpus.n_values == 78
    assert len(corpus.measures) == 18 and [m.number for m in corpus.measures] == list(range(119, 137))
    assert Counter(t[0] for t in corpus.tokens) == {"C": 117, "S": 44, "A": 25, "X": 7}  # no rests, as in 2018
    assert corpus.measures[0].tokens[:3] == ["C,0.500", "C,0.333,<P1,d-5>", "C,0.250,<M-2,m-6>"]
    assert corpus.values == sorted(corpus.values)
    assert [len(m.chords) for m in corpus.measures][:8] == [2, 2, 2, 3, 3, 3, 4, 1]
    assert [p.name for p in corpus.accompaniment] == ["Piano", "Bass", "Trumpet", "French Horn"]
    X, Y = jg.training_windows(corpus.indices, corpus.n_values)
    assert X.shape == (60, 30, 78) and Y.shape == (30, 60, 78)
    assert not X[:, 0, :].any()
    np.testing.assert_array_equal(Y[:-1], np.swapaxes(X[:, 1:], 0, 1))


def test_the_solo_decodes_back_on_its_own_chords(corpus):
    """Each measure's tokens decoded over its chords: C tokens on chord pitch classes, every interval in range."""
    rng = np.random.default_rng(0)
    for measure in corpus.measures:
        decoded = jg.decode_measure(measure.tokens, measure.chords, rng=rng)
        assert len(decoded) == len(measure.tokens)
        for k, (text, note) in enumerate(zip(measure.tokens, decoded)):
            token = jg.parse_token(text)
            if token.interval is not None:
                assert token.interval[0] <= note.pitch - decoded[k - 1].pitch <= token.interval[1]
            chord = ([c for c in measure.chords if c.offset <= note.offset] or measure.chords[:1])[-1].pitches
            if token.kind == "C" and token.interval is None:
                assert jg.note_kind(note.pitch, chord) == "C"


def test_piano_roll_data(corpus):
    notes, chords = jg.piano_roll_data(corpus.measures)
    assert len(notes) == 193 and notes[0] == (476, Fraction(1, 2), 75)
    assert all(476 <= s < 548 and d > 0 for s, d, _ in chords)
