"""rnnlib.data.midi: files built here with mido, read back; the metheny file from the mirror."""
import os

import mido
import pytest

from rnnlib import datasets
from rnnlib.data.midi import Note, Part, read_midi, write_midi
from rnnlib.errors import CorpusError, MidiError


def save(tmp_path, tracks, ticks_per_beat=96, kind=1, name="t.mid"):
    midi = mido.MidiFile(type=kind, ticks_per_beat=ticks_per_beat)
    for messages in tracks:
        midi.tracks.append(mido.MidiTrack(messages))
    path = tmp_path / name
    midi.save(str(path))
    return path


def on(note, time=0, velocity=90, channel=0):
    return mido.Message("note_on", note=note, velocity=velocity, time=time, channel=channel)


def off(note, time=0, channel=0, zero_velocity_on=False):
    if zero_velocity_on:
        return mido.Message("note_on", note=note, velocity=0, time=time, channel=channel)
    return mido.Message("note_off", note=note, velocity=0, time=time, channel=channel)


def test_format_1_tracks_programs_tempo_and_velocity_zero_note_off(tmp_path):
    path = save(tmp_path, [
        [mido.MetaMessage("set_tempo", tempo=600000)],
        [mido.MetaMessage("track_name", name="Lead"), mido.Message("program_change", program=26, channel=5),
         on(60, channel=5), off(60, 48, channel=5, zero_velocity_on=True), on(62, 0, channel=5), off(62, 96, channel=5)],
        [mido.MetaMessage("track_name", name="Keys"), on(48), on(52), off(48, 192), off(52)],
    ])
    song = read_midi(path)
    assert (song.format, song.ticks_per_beat, song.tempo, round(song.bpm)) == (1, 96, 600000, 100)
    assert [p.name for p in song.parts] == ["Lead", "Keys"]  # the tempo track has no notes: no part
    lead = song.part(program=26)
    assert (lead.channel, lead.track) == (5, 1)
    assert lead.notes == [Note(0, 48, 60, 90), Note(48, 96, 62, 90)]
    keys = song.part(name="Keys")
    assert keys.program is None and keys.notes == [Note(0, 192, 48, 90), Note(0, 192, 52, 90)]


def test_overlapping_notes_of_one_pitch_pair_first_in_first_out(tmp_path):
    # two C4s: the first starts at 0, the second at 24; offs at 48 and 96
    path = save(tmp_path, [[on(60), on(60, 24), off(60, 24), off(60, 48)]])
    assert read_midi(path).parts[0].notes == [Note(0, 48, 60, 90), Note(24, 72, 60, 90)]


def test_format_0_splits_channels_and_running_status_is_decoded(tmp_path):
    path = save(tmp_path, [[mido.Message("program_change", program=33, channel=1), on(40, channel=1), on(64),
                            on(67), off(64, 96), off(67), off(40, 0, channel=1)]], kind=0)
    raw = path.read_bytes()
    assert raw.count(bytes([0x90])) < 3  # mido wrote running status: the note-on status byte is shared
    song = read_midi(path)
    assert song.format == 0
    assert [(p.channel, p.program, [n.pitch for n in p.notes]) for p in song.parts] == [(0, None, [64, 67]), (1, 33, [40])]


def test_note_still_sounding_at_the_end_stops_there_and_stray_note_off_is_ignored(tmp_path):
    path = save(tmp_path, [[off(50), on(60, 10), mido.MetaMessage("end_of_track", time=30)]])
    assert read_midi(path).parts[0].notes == [Note(10, 30, 60, 90)]


def test_write_then_read_back_with_mido(tmp_path):
    melody = Part([Note(0, 48, 72, 100), Note(48, 48, 74, 90), Note(96, 96, 72, 80), Note(96, 96, 127, 1)],
                  program=26, channel=2, name="solo")
    bass = Part([Note(0, 192, 0, 70)], program=32, channel=1)
    path = write_midi(tmp_path / "out.mid", [melody, bass], tempo=mido.bpm2tempo(130), ticks_per_beat=96)
    raw = mido.MidiFile(str(path))
    assert raw.type == 1 and raw.ticks_per_beat == 96 and len(raw.tracks) == 3
    tempos = [m.tempo for m in raw.tracks[0] if m.type == "set_tempo"]
    assert tempos == [mido.bpm2tempo(130)] and round(mido.tempo2bpm(tempos[0])) == 130
    ons = [m for t in raw.tracks for m in t if m.type == "note_on" and m.velocity > 0]
    assert len(ons) == 5 and all(0 <= m.note <= 127 for m in ons)
    assert raw.length == pytest.approx(2 * 60 / 130, abs=1e-5)  # two beats at 130 bpm (tempo in whole µs)
    song = read_midi(path)
    assert song.part(program=26).notes == sorted(melody.notes, key=lambda n: n.start)
    assert song.part(program=32).notes == bass.notes
    assert [p for p in tmp_path.iterdir()] == [path]  # no temporary file left behind


def test_a_repeated_pitch_that_restarts_on_the_same_tick_survives(tmp_path):
    part = Part([Note(0, 48, 60, 90), Note(48, 48, 60, 90)])
    assert read_midi(write_midi(tmp_path / "r.mid", [part])).parts[0].notes == part.notes


@pytest.mark.parametrize("data, message", [
    (b"", "not a readable"),
    (b"this is a text file, not MIDI\n" * 4, "not a readable"),
    (b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x00\x60MTrk\x00\x00\x01\x00\x00\x90", "not a readable"),  # truncated
])
def test_non_midi_and_corrupt_files_are_clear_errors(tmp_path, data, message):
    path = tmp_path / "bad.mid"
    path.write_bytes(data)
    with pytest.raises(MidiError, match=message):
        read_midi(path)


def test_missing_file_and_file_without_notes(tmp_path):
    with pytest.raises(MidiError, match="no MIDI file"):
        read_midi(tmp_path / "nothing.mid")
    path = save(tmp_path, [[mido.MetaMessage("set_tempo", tempo=500000), mido.Message("program_change", program=1)]])
    with pytest.raises(MidiError, match="no notes") as info:
        read_midi(path)
    assert isinstance(info.value, CorpusError)


def test_a_part_that_does_not_exist(tmp_path):
    song = read_midi(save(tmp_path, [[mido.Message("program_change", program=26), on(60), off(60, 10)]]))
    with pytest.raises(MidiError, match="no part with program 27.*0: "):
        song.part(program=27)
    with pytest.raises(MidiError, match="no part 3"):
        song.part(index=3)
    with pytest.raises(MidiError, match="no part with name 'Drums'"):
        song.part(name="Drums")
    with pytest.raises(MidiError, match="exactly one"):
        song.part(program=26, index=0)


@pytest.mark.parametrize("parts, match", [
    ([], "nothing to write"),
    ([Part([])], "nothing to write"),
    ([Part([Note(0, 10, 128, 90)])], "pitch 128"),
    ([Part([Note(0, 10, 60, 0)])], "velocity 0"),
    ([Part([Note(-1, 10, 60, 90)])], "start -1"),
    ([Part([Note(0, 10, 60, 90)], channel=16)], "channel"),
    ([Part([Note(0, 10, 60, 90)], program=200)], "program"),
    ([Part([Note(0.5, 10, 60, 90)])], "ints"),
    ([[Note(0, 10, 60, 90)]], "not an rnnlib.data.midi.Part"),
])
def test_bad_notes_are_refused_and_nothing_is_written(tmp_path, parts, match):
    target = tmp_path / "song.mid"
    with pytest.raises(MidiError, match=match):
        write_midi(target, parts)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = write_midi(tmp_path / "song.mid", [Part([Note(0, 10, 60, 90)])])
    before = target.read_bytes()

    def broken(self, filename=None, file=None):
        file.write(b"MThd half")
        raise OSError("disk full")

    monkeypatch.setattr(mido.MidiFile, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        write_midi(target, [Part([Note(0, 20, 62, 90)])])
    assert target.read_bytes() == before and list(tmp_path.iterdir()) == [target]


def test_bad_tempo_and_resolution(tmp_path):
    with pytest.raises(MidiError, match="tempo"):
        write_midi(tmp_path / "a.mid", [Part([Note(0, 1, 60)])], tempo=0)
    with pytest.raises(MidiError, match="ticks_per_beat"):
        write_midi(tmp_path / "a.mid", [Part([Note(0, 1, 60)])], ticks_per_beat=0)
    with pytest.raises(MidiError, match="does not exist"):
        write_midi(tmp_path / "no" / "a.mid", [Part([Note(0, 1, 60)])])


@pytest.mark.skipif(not os.environ.get(datasets.MIRROR_ENV), reason="RNNLIB_DATA_MIRROR not set")
def test_the_metheny_file(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path))
    song = read_midi(datasets.fetch("metheny"))
    assert (song.format, song.n_tracks, song.ticks_per_beat, song.tempo) == (1, 25, 96, 535714)
    assert len(song.parts) == 19 and song.note_count == 12962  # tracks 0-5 hold only text
    guitar = song.part(program=26)
    assert (guitar.name, guitar.channel, len(guitar.notes)) == ("Guitar", 5, 1330)
    assert song.parts.index(guitar) == 5  # the course's "part 5"
    assert [song.parts[i].name for i in (0, 1, 6, 7)] == ["Piano", "Bass", "Trumpet", "French Horn"]
