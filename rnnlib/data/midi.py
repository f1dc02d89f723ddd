"""Standard MIDI files in and out, on mido, as plain typed notes.

``read_midi(path)`` turns a file into a ``MidiSong``: its ticks per beat, its tempo (microseconds per
beat), and one ``Part`` per track that plays notes (format 1), or per channel (format 0, where one
track carries every channel).  A part knows its track index, name, channel and MIDI program, and holds
``Note(start, duration, pitch, velocity)`` in **ticks**, sorted by start time (ties keep the file's
order).  ``Note.start_beat(ticks_per_beat)`` and friends give beats.

How the note-on/note-off stream becomes notes:

* a note-on with velocity 0 is a note-off (the MIDI specification allows both); running status is
  decoded by mido;
* notes of the same pitch on the same channel that overlap are paired first-in, first-out: each
  note-off ends the oldest sounding note of that pitch.  This is also how music21 pairs them, and it
  is the only pairing a note-on/note-off stream can express (see ``rnnlib.data.midi_events``);
* a note-off with no sounding note is ignored; a note still sounding when its track ends is ended
  there.  A note whose off comes at its own start tick has duration 0 and is kept.

``write_midi(path, parts, ...)`` writes a format-1 file (a tempo track, then one track per part) to a
temporary file beside ``path`` and moves it into place with ``os.replace``, so a failed or interrupted
write never leaves a half-written file.  Everything it is given is checked first.

Bad input raises ``rnnlib.errors.MidiError`` (a ``CorpusError``): a missing file, bytes that are not
MIDI, a truncated or corrupt file, a file without a single note, a part that does not exist, a note
out of range.
"""
from __future__ import annotations

import os
import tempfile
from collections import defaultdict, deque
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import mido

from ..errors import MidiError

#: microseconds per beat when a file sets no tempo (120 bpm, the MIDI default)
DEFAULT_TEMPO = 500_000
#: the channel MIDI reserves for drums (channel 10, counted from 1)
DRUM_CHANNEL = 9


@dataclass(frozen=True)
class Note:
    """One note: ``start`` and ``duration`` in ticks, ``pitch`` 0-127 (60 = middle C), ``velocity`` 1-127."""

    start: int
    duration: int
    pitch: int
    velocity: int = 80

    @property
    def end(self) -> int:
        return self.start + self.duration

    def start_beat(self, ticks_per_beat: int) -> Fraction:
        return Fraction(self.start, ticks_per_beat)

    def duration_beats(self, ticks_per_beat: int) -> Fraction:
        return Fraction(self.duration, ticks_per_beat)


@dataclass
class Part:
    """The notes of one track (or, in a format-0 file, one channel), with what plays them.

    ``program`` is the General MIDI instrument (0-127; 26 is the jazz electric guitar), or None when
    the file never sets one.  ``track`` is the index of the track the notes came from.
    """

    notes: list[Note]
    program: int | None = None
    channel: int = 0
    name: str = ""
    track: int = 0

    @property
    def is_drums(self) -> bool:
        return self.channel == DRUM_CHANNEL


@dataclass
class MidiSong:
    """A MIDI file read by ``read_midi``: only the parts that play notes, in file order."""

    ticks_per_beat: int
    parts: list[Part]
    tempo: int = DEFAULT_TEMPO  # microseconds per beat: the file's first tempo
    tempo_changes: list[tuple[int, int]] = field(default_factory=list)  # (tick, microseconds per beat)
    format: int = 1
    n_tracks: int = 0
    source: str = ""

    @property
    def bpm(self) -> float:
        return mido.tempo2bpm(self.tempo)

    @property
    def note_count(self) -> int:
        return sum(len(p.notes) for p in self.parts)

    def part(self, *, program: int | None = None, name: str | None = None, index: int | None = None) -> Part:
        """The one part with this MIDI ``program``, or track ``name``, or position ``index`` in ``parts``.

        Exactly one selector must be given.  With ``program``, the first part playing it is returned
        (drum parts never match, since their program numbers mean drum kits).
        """
        chosen = [s for s in (program, name, index) if s is not None]
        if len(chosen) != 1:
            raise MidiError("choose a part by exactly one of program=, name= or index=")
        if index is not None:
            if not isinstance(index, int) or not 0 <= index < len(self.parts):
                raise MidiError(f"there is no part {index!r} in {self._label()}: it has {len(self.parts)} "
                                f"parts with notes (0 to {len(self.parts) - 1})")
            return self.parts[index]
        if program is not None:
            found = [p for p in self.parts if p.program == program and not p.is_drums]
            what = f"program {program}"
        else:
            found = [p for p in self.parts if p.name.strip() == str(name).strip()]
            what = f"name {name!r}"
        if not found:
            raise MidiError(f"no part with {what} in {self._label()}; its parts are: {self.describe_parts()}")
        return found[0]

    def describe_parts(self) -> str:
        return "; ".join(f"{i}: {p.name or '(unnamed)'} (program {p.program}, channel {p.channel}, "
                         f"{len(p.notes)} notes)" for i, p in enumerate(self.parts))

    def _label(self) -> str:
        return Path(self.source).name if self.source else "this song"


def read_midi(path) -> MidiSong:
    """Read a standard MIDI file (format 0 or 1) into a ``MidiSong``; see the module docstring."""
    path = Path(path)
    if not path.is_file():
        raise MidiError(f"no MIDI file at {path}")
    try:
        midi = mido.MidiFile(str(path))
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as exc:
        # mido raises OSError('MThd not found') for non-MIDI bytes, EOFError for a truncated file and
        # ValueError for bytes out of range; all of them mean the same thing to a student.
        raise MidiError(f"{path.name} is not a readable standard MIDI file ({type(exc).__name__}: {exc})") from None
    if midi.type == 2:
        raise MidiError(f"{path.name} is a format-2 MIDI file (independent sequences); only formats 0 and 1 are read")
    if not midi.ticks_per_beat or midi.ticks_per_beat <= 0:
        raise MidiError(f"{path.name} uses SMPTE time code instead of ticks per beat, which is not supported")
    song = MidiSong(ticks_per_beat=midi.ticks_per_beat, parts=[], format=midi.type,
                    n_tracks=len(midi.tracks), source=str(path))
    programs_by_channel: dict[int, int] = {}
    for number, track in enumerate(midi.tracks):
        for part in _track_parts(number, track, song, programs_by_channel):
            song.parts.append(part)
    if song.tempo_changes:
        song.tempo_changes.sort(key=lambda change: change[0])
        song.tempo = song.tempo_changes[0][1]
    for part in song.parts:  # a part whose own track sets no program takes its channel's from another track
        if part.program is None:
            part.program = programs_by_channel.get(part.channel)
    if not song.parts:
        raise MidiError(f"{path.name} has no notes: its {len(midi.tracks)} track(s) hold only meta and control messages")
    return song


def _track_parts(number, track, song, programs_by_channel):
    """The parts of one track: one, or one per channel when the track mixes channels (format 0)."""
    tick = 0
    name = ""
    sounding: dict[tuple[int, int], deque] = defaultdict(deque)  # (channel, pitch) -> open (start, velocity, order)
    finished: dict[int, list] = defaultdict(list)  # channel -> [(start, order, Note)]
    programs: dict[int, int] = {}
    order = 0
    for message in track:
        tick += message.time
        kind = message.type
        if kind == "set_tempo":
            song.tempo_changes.append((tick, message.tempo))
        elif kind == "track_name" and not name:
            name = message.name
        elif kind == "program_change":
            programs.setdefault(message.channel, message.program)
            programs_by_channel.setdefault(message.channel, message.program)
        elif kind == "note_on" and message.velocity > 0:
            sounding[(message.channel, message.note)].append((tick, message.velocity, order))
            order += 1
        elif kind == "note_off" or kind == "note_on":  # note_on with velocity 0 is a note-off
            queue = sounding.get((message.channel, message.note))
            if queue:
                start, velocity, at = queue.popleft()
                finished[message.channel].append((start, at, Note(start, tick - start, message.note, velocity)))
    for (channel, pitch), queue in sounding.items():  # still sounding at the end of the track
        for start, velocity, at in queue:
            finished[channel].append((start, at, Note(start, tick - start, pitch, velocity)))
    for channel in sorted(finished):
        notes = [note for _, _, note in sorted(finished[channel], key=lambda item: (item[0], item[1]))]
        yield Part(notes=notes, program=programs.get(channel), channel=channel, name=name, track=number)


def beats_to_ticks(beats, ticks_per_beat: int) -> int:
    """A time in beats (int, float or Fraction) as the nearest whole tick."""
    return int(round(Fraction(beats).limit_denominator(10**6) * ticks_per_beat))


def write_midi(path, parts, *, tempo: int = DEFAULT_TEMPO, ticks_per_beat: int = 480) -> Path:
    """Write ``parts`` (a list of ``Part``, notes in ticks of ``ticks_per_beat``) as a format-1 MIDI file.

    Track 0 holds the tempo (``tempo`` microseconds per beat; ``mido.bpm2tempo(130)`` for 130 bpm);
    each part becomes a track with its name, a program change (program 0 when the part has none) and
    its notes on its channel.  The file is written atomically; the path is returned.
    """
    path = Path(path)
    _check_song_to_write(parts, tempo, ticks_per_beat)
    midi = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("set_tempo", tempo=int(tempo), time=0))
    conductor.append(mido.MetaMessage("end_of_track", time=0))
    midi.tracks.append(conductor)
    for part in parts:
        midi.tracks.append(_part_track(part))
    if not path.parent.is_dir():
        raise MidiError(f"cannot write {path}: the folder {path.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            midi.save(file=stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _part_track(part: Part) -> mido.MidiTrack:
    track = mido.MidiTrack()
    if part.name:
        track.append(mido.MetaMessage("track_name", name=part.name, time=0))
    track.append(mido.Message("program_change", channel=part.channel, program=part.program or 0, time=0))
    events = []  # (tick, 0 = off before 1 = on at the same tick, so a repeated pitch restarts cleanly, message)
    for note in part.notes:
        events.append((note.start, 1, mido.Message("note_on", channel=part.channel, note=note.pitch,
                                                   velocity=note.velocity)))
        events.append((note.end, 0, mido.Message("note_off", channel=part.channel, note=note.pitch, velocity=0)))
    events.sort(key=lambda event: (event[0], event[1]))
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _check_song_to_write(parts, tempo, ticks_per_beat):
    if not isinstance(ticks_per_beat, int) or not 1 <= ticks_per_beat <= 32767:
        raise MidiError(f"ticks_per_beat must be an int from 1 to 32767, got {ticks_per_beat!r}")
    if not isinstance(tempo, (int, float)) or not 0 < tempo < 2**24:
        raise MidiError(f"tempo must be microseconds per beat, above 0 and below 16777216; got {tempo!r}")
    parts = list(parts) if parts is not None else []
    for number, part in enumerate(parts):
        if not isinstance(part, Part):
            raise MidiError(f"part {number} is a {type(part).__name__}, not an rnnlib.data.midi.Part")
    if not parts or not any(part.notes for part in parts):
        raise MidiError("nothing to write: give at least one part with at least one note")
    if len(parts) > 65534:
        raise MidiError(f"too many parts for one MIDI file: {len(parts)}")
    for number, part in enumerate(parts):
        if not isinstance(part.channel, int) or not 0 <= part.channel <= 15:
            raise MidiError(f"part {number}: channel must be 0-15, got {part.channel!r}")
        if part.program is not None and (not isinstance(part.program, int) or not 0 <= part.program <= 127):
            raise MidiError(f"part {number}: program must be 0-127, got {part.program!r}")
        for note in part.notes:
            problem = _note_problem(note)
            if problem:
                raise MidiError(f"part {number}: {problem} in {note!r}")


def _note_problem(note) -> str | None:
    if not isinstance(note, Note):
        return f"a {type(note).__name__} is not an rnnlib.data.midi.Note"
    if not all(isinstance(v, int) for v in (note.start, note.duration, note.pitch, note.velocity)):
        return "start, duration, pitch and velocity must be ints (ticks)"
    if not 0 <= note.pitch <= 127:
        return f"pitch {note.pitch} is outside MIDI's 0-127"
    if not 1 <= note.velocity <= 127:
        return f"velocity {note.velocity} is outside 1-127"
    if note.start < 0:
        return f"start {note.start} is before the beginning"
    if note.duration < 0:
        return f"duration {note.duration} is negative"
    return None
