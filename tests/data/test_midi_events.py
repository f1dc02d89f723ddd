"""rnnlib.data.midi_events: the grid, the tokens, and exact round trips."""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlib import datasets
from rnnlib.data import jazz_grammar as jg
from rnnlib.data.midi import Note, read_midi
from rnnlib.data.midi_events import EventCodec, GridNote, fifo_canonical
from rnnlib.errors import ConfigError, VocabularyError

CODEC = EventCodec(steps_per_beat=12, max_shift=48)


def test_tokens_of_a_chord_and_a_repeated_pitch():
    notes = [GridNote(0, 12, 60), GridNote(0, 12, 64), GridNote(12, 18, 60)]
    tokens = CODEC.encode(notes)
    assert CODEC.describe(tokens) == ["NOTE_ON 60", "NOTE_ON 64", "SHIFT 12", "NOTE_OFF 60", "NOTE_OFF 64",
                                      "NOTE_ON 60", "SHIFT 6", "NOTE_OFF 60"]
    assert CODEC.decode(tokens) == sorted(notes)
    assert CODEC.vocab_size == 304 and len(CODEC.names()) == 304


def test_long_silences_take_several_shifts():
    tokens = CODEC.encode([GridNote(100, 101, 70)])
    assert CODEC.describe(tokens)[:3] == ["SHIFT 48", "SHIFT 48", "SHIFT 4"]
    assert CODEC.decode(tokens) == [GridNote(100, 101, 70)]


def test_quantize_snaps_to_the_grid_and_keeps_one_step():
    notes = [Note(0, 47, 60), Note(49, 2, 62)]  # 96 ticks per beat: a step is 8 ticks
    assert CODEC.quantize(notes, 96) == [GridNote(0, 6, 60), GridNote(6, 7, 62)]
    assert CODEC.to_notes([GridNote(0, 6, 60)], 96) == [Note(0, 48, 60, 80)]


grid_notes = st.lists(st.builds(lambda s, d, p: GridNote(s, s + d, p), st.integers(0, 300), st.integers(1, 60),
                                st.integers(0, 127)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(grid_notes)
def test_round_trip_is_exact_up_to_fifo_pairing(notes):
    decoded = CODEC.decode(CODEC.encode(notes))
    assert decoded == fifo_canonical(notes)
    assert CODEC.encode(decoded) == CODEC.encode(notes)


@settings(max_examples=200, deadline=None)
@given(grid_notes)
def test_notes_without_same_pitch_overlaps_come_back_exactly(notes):
    kept, sounding = [], {}
    for note in sorted(notes):
        if sounding.get(note.pitch, -1) <= note.start:  # drop any note overlapping one of its pitch
            kept.append(note)
            sounding[note.pitch] = note.end
    assert CODEC.decode(CODEC.encode(kept)) == sorted(kept)


@given(st.lists(st.integers(0, CODEC.vocab_size - 1), max_size=60))
def test_any_token_sequence_decodes_to_valid_notes(tokens):
    for note in CODEC.decode(tokens):
        assert 0 <= note.start < note.end and 0 <= note.pitch <= 127


def test_bad_tokens_and_settings():
    with pytest.raises(VocabularyError, match="outside"):
        CODEC.decode([304])
    with pytest.raises(VocabularyError, match="not an int"):
        CODEC.decode(["NOTE_ON 60"])
    with pytest.raises(ConfigError):
        EventCodec(steps_per_beat=0)
    with pytest.raises(ConfigError, match="start < end"):
        CODEC.encode([GridNote(5, 5, 60)])
    with pytest.raises(ConfigError, match="0-127"):
        CODEC.encode([GridNote(0, 1, 128)])
    with pytest.raises(ConfigError, match="ticks_per_beat"):
        CODEC.quantize([Note(0, 1, 60)], 0)


@pytest.fixture(scope="module")
def metheny():
    if not os.environ.get(datasets.MIRROR_ENV):
        pytest.skip("RNNLIB_DATA_MIRROR not set")
    return read_midi(datasets.fetch("metheny"))


def test_every_part_of_the_metheny_file_round_trips(metheny):
    total = 0
    for part in metheny.parts:
        grid = CODEC.quantize(part.notes, metheny.ticks_per_beat)
        assert CODEC.decode(CODEC.encode(grid)) == grid, part.name
        total += len(grid)
    assert total == metheny.note_count == 12962


def test_every_note_of_the_solo_window_round_trips(metheny):
    guitar = metheny.part(program=jg.METHENY_MELODY_PROGRAM)
    tpb = metheny.ticks_per_beat
    # the solo's notes: those whose start snaps into beats [476, 548) on the course's 1/4-or-1/3 grid
    solo = [n for n in guitar.notes if 476 <= jg.snap_to_course_grid(n.start_beat(tpb)) < 548]
    assert len(solo) == 193  # one of them starts 8 ticks before beat 476
    grid = CODEC.quantize(solo, tpb)
    assert CODEC.decode(CODEC.encode(grid)) == grid
    corpus = jg.load_jazz_corpus(datasets.fetch("metheny"))
    from_grammar = sorted((m.start_beat + n.offset, n.pitch) for m in corpus.measures for n in m.notes)
    snapped = sorted((jg.snap_to_course_grid(n.start_beat(tpb)), n.pitch) for n in solo)
    assert snapped == from_grammar  # the same notes the grammar tokenised
