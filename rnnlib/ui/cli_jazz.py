"""``python -m rnnlib jazz``: learn any MIDI track in event mode and improvise on it.

    python -m rnnlib jazz train song.mid --part 5 --epochs 20 --out runs/jazz.npz
    python -m rnnlib jazz improvise --model runs/jazz.npz --length 400 --temperature 0.9 \\
        --midi runs/solo.mid --wav runs/solo.wav

``train`` encodes the chosen part (``--part`` index as listed by ``python -m rnnlib jazz parts FILE``,
or ``--program``, default the first non-drum part) as note-on / note-off / time-shift events
(``rnnlib.data.midi_events``) and trains ``rnnlib.course.jazz_events.EventModel`` on them.
``improvise`` samples events with a temperature (and optional top-k), turns them back into notes, and
writes a MIDI file at the source's tempo and a WAV rendered by ``rnnlib.ui.audio``.  Bad input (a
corrupt or note-less file, a missing part, a length of 0, an out-of-range setting) prints one
``error:`` line and exits with status 2; every check and the audio rendering happen before
anything is written, and files are written atomically.
"""
from pathlib import Path

from ..errors import ConfigError, ModelFileError

DEFAULT_JAZZ_MODEL = Path("runs") / "jazz_events.npz"


def _check_out(path, suffixes, what):
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise ConfigError(f"the {what} file must end in {' or '.join(suffixes)}, got {str(path)!r}")
    if path.exists() and path.is_dir():
        raise ConfigError(f"cannot write {path}: it is a folder")
    return path


def cmd_jazz_parts(args):
    from ..data.midi import read_midi

    song = read_midi(args.midi)
    print(f"{Path(args.midi).name}: {song.ticks_per_beat} ticks per beat, {song.bpm:.0f} bpm")
    for i, part in enumerate(song.parts):
        drums = ", drums" if part.is_drums else ""
        print(f"  --part {i}: {part.name or '(unnamed)'} (program {part.program}{drums}, {len(part.notes)} notes)")
    return 0


def cmd_jazz_train(args):
    from ..course.jazz_events import train_event_model

    if args.out.suffix != ".npz":
        raise ModelFileError(f"model files end in .npz, got {str(args.out)!r}")
    model, history, ids = train_event_model(
        args.midi, part=args.part, program=args.program, epochs=args.epochs, hidden=args.hidden,
        embed=args.embed, seq_length=args.seq_length, steps_per_beat=args.steps_per_beat,
        learning_rate=args.lr, seed=args.seed, verbose=0 if args.quiet else 1)
    loss = history.history["loss"]
    args.out.parent.mkdir(parents=True, exist_ok=True)  # only now: a failed run leaves nothing behind
    model.save(args.out)
    print(f"part {model.config.part} of {model.config.source}: {len(ids)} events; loss {loss[0]:.3f} -> "
          f"{loss[-1]:.3f} nats/event after {len(loss)} epochs; model in {args.out}")
    return 0


def cmd_jazz_improvise(args):
    from ..course.jazz_events import EventModel, improvised_notes
    from ..data.midi import Part, write_midi
    from .audio import render_notes, wav_bytes, write_wav

    midi_out = _check_out(args.midi, (".mid", ".midi"), "MIDI")
    wav_out = _check_out(args.wav, (".wav",), "WAV") if args.wav else None
    model = EventModel.load(args.model)
    notes = improvised_notes(model, args.length, temperature=args.temperature, top_k=args.top_k, seed=args.seed)
    tpb, tempo = model.config.ticks_per_beat, model.config.tempo
    samples = render_notes(notes, tpb, tempo) if wav_out else None
    if samples is not None:
        wav_bytes(samples)  # every check before the first file is written
    for out in (midi_out, wav_out):
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
    write_midi(midi_out, [Part(notes, program=model.config.program, name="improvisation")], tempo=tempo,
               ticks_per_beat=tpb)
    written = [str(midi_out)]
    if wav_out:
        write_wav(wav_out, samples)
        written.append(str(wav_out))
    print(f"{args.length} events -> {len(notes)} notes; wrote {' and '.join(written)}")
    return 0


def add_jazz_commands(sub):
    """Add ``jazz parts|train|improvise`` to the CLI's subparsers."""
    j = sub.add_parser("jazz", help="event-mode jazz: train an LSTM on any MIDI track, improvise MIDI and WAV")
    jsub = j.add_subparsers(dest="jazz_command", required=True)

    p = jsub.add_parser("parts", help="list a MIDI file's parts (for --part)")
    p.add_argument("midi", help="a standard MIDI file")
    p.set_defaults(func=cmd_jazz_parts)

    t = jsub.add_parser("train", help="train an event model on one part of a MIDI file")
    t.add_argument("midi", help="a standard MIDI file")
    t.add_argument("--part", type=int, default=None, help="part index (see 'jazz parts'); default: first non-drum part")
    t.add_argument("--program", type=int, default=None, help="or the first part playing this General MIDI program")
    t.add_argument("--out", type=Path, default=DEFAULT_JAZZ_MODEL, help="model file (default: %(default)s)")
    t.add_argument("--epochs", type=int, default=20, help="passes over the part's events (default: %(default)s)")
    t.add_argument("--hidden", type=int, default=64, help="LSTM units (default: %(default)s)")
    t.add_argument("--embed", type=int, default=32, help="event embedding size (default: %(default)s)")
    t.add_argument("--seq-length", type=int, default=64, help="events per training window (default: %(default)s)")
    t.add_argument("--steps-per-beat", type=int, default=12, help="time grid (default: %(default)s)")
    t.add_argument("--lr", type=float, default=0.005, help="Adam's learning rate (default: %(default)s)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--quiet", action="store_true", help="no per-epoch lines")
    t.set_defaults(func=cmd_jazz_train)

    i = jsub.add_parser("improvise", help="improvise events with a trained model; write MIDI (and WAV)")
    i.add_argument("--model", type=Path, default=DEFAULT_JAZZ_MODEL, help="model file (default: %(default)s)")
    i.add_argument("--length", type=int, default=400, help="events to improvise (default: %(default)s)")
    i.add_argument("--temperature", type=float, default=1.0)
    i.add_argument("--top-k", type=int, default=None)
    i.add_argument("--seed", type=int, default=0)
    i.add_argument("--midi", type=Path, default=Path("runs") / "improvisation.mid", help="MIDI file to write (default: %(default)s)")
    i.add_argument("--wav", type=Path, default=None, help="also render a WAV file here")
    i.set_defaults(func=cmd_jazz_improvise)
    return j
