"""Tests for ``python -m rnnlib jazz`` (rnnlib.ui.cli_jazz): train and improvise on any MIDI file,
and one ``error:`` line with exit status 2 (nothing written) for bad input."""
import wave

import mido
import numpy as np
import pytest

from rnnlib.data.midi import Note, Part, read_midi, write_midi
from rnnlib.ui.cli import main

SMALL = ["--epochs", "2", "--hidden", "8", "--embed", "4", "--seq-length", "16", "--quiet"]


@pytest.fixture
def song(tmp_path):
    """A two-part file: drums first (so the default part is the melodic one), then a line with chords."""
    rng = np.random.default_rng(0)
    line = [Note(120 * k, 100, int(60 + rng.integers(0, 12)), 90) for k in range(40)]
    line += [Note(480 * k, 400, 48, 70) for k in range(10)]  # notes overlapping the line: chords
    drums = [Note(240 * k, 60, 38, 100) for k in range(20)]
    path = tmp_path / "song.mid"
    write_midi(path, [Part(drums, channel=9, name="drums"), Part(line, program=26, name="guitar")],
               tempo=mido.bpm2tempo(100), ticks_per_beat=480)
    return path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_train_then_improvise_writes_midi_and_wav(song, tmp_path, capsys):
    model = tmp_path / "m.npz"
    code, out, _ = run(["jazz", "train", song, "--out", model, *SMALL], capsys)
    assert code == 0 and model.is_file() and "part 1 of song.mid" in out
    midi, wav = tmp_path / "out" / "solo.mid", tmp_path / "out" / "solo.wav"
    code, out, _ = run(["jazz", "improvise", "--model", model, "--length", "60", "--temperature", "1.5",
                        "--midi", midi, "--wav", wav], capsys)
    assert code == 0, out
    back = read_midi(midi)
    assert round(back.bpm) == 100 and back.ticks_per_beat == 480 and back.parts[0].program == 26
    assert back.note_count > 0 and all(0 <= n.pitch <= 127 for n in back.parts[0].notes)
    with wave.open(str(wav)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert frames.size and np.abs(frames).max() > 1000
    # the same seed improvises the same file
    again = tmp_path / "again.mid"
    run(["jazz", "improvise", "--model", model, "--length", "60", "--temperature", "1.5", "--midi", again], capsys)
    assert again.read_bytes() == midi.read_bytes()


def test_parts_lists_the_parts(song, capsys):
    code, out, _ = run(["jazz", "parts", song], capsys)
    assert code == 0 and "--part 0: drums" in out and "--part 1: guitar (program 26, 50 notes)" in out


def _one_error(code, err):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_bad_files_and_parts(song, tmp_path, capsys):
    model = tmp_path / "m.npz"
    corrupt = tmp_path / "corrupt.mid"
    corrupt.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01")
    text = tmp_path / "notes.mid"
    text.write_text("not a midi file")
    empty = tmp_path / "empty.mid"
    silent = mido.MidiFile()
    silent.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000)]))
    silent.save(str(empty))
    for path in (corrupt, text, empty, tmp_path / "missing.mid"):
        _one_error(*run(["jazz", "train", path, "--out", model, *SMALL], capsys)[::2])
    assert "no part 5" in _one_error(*run(["jazz", "train", song, "--part", "5", "--out", model, *SMALL], capsys)[::2])
    assert "program 99" in _one_error(*run(["jazz", "train", song, "--program", "99", "--out", model, *SMALL], capsys)[::2])
    assert "seq-length" in _one_error(*run(["jazz", "train", song, "--out", model, "--seq-length", "500",
                                            "--epochs", "1"], capsys)[::2])
    assert "epochs" in _one_error(*run(["jazz", "train", song, "--out", model, "--epochs", "0"], capsys)[::2])
    assert not model.exists()


def test_bad_improvise_settings_write_nothing(song, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert run(["jazz", "train", song, "--out", model, *SMALL], capsys)[0] == 0
    out = tmp_path / "o"
    cases = [(["--length", "0"], "length"), (["--temperature", "0"], "temperature"),
             (["--top-k", "0"], "top_k"), (["--temperature", "nan"], "temperature")]
    for extra, word in cases:
        msg = _one_error(*run(["jazz", "improvise", "--model", model, "--midi", out / "x.mid", "--wav", out / "x.wav",
                               *extra], capsys)[::2])
        assert word in msg
    assert "end in" in _one_error(*run(["jazz", "improvise", "--model", model, "--midi", out / "x.txt"], capsys)[::2])
    assert "no model file" in _one_error(*run(["jazz", "improvise", "--model", tmp_path / "none.npz",
                                               "--midi", out / "x.mid"], capsys)[::2])
    not_model = tmp_path / "fake.npz"
    np.savez(not_model, a=np.zeros(2))
    assert "not a jazz event model" in _one_error(*run(["jazz", "improvise", "--model", not_model,
                                                        "--midi", out / "x.mid"], capsys)[::2])
    assert not out.exists()
