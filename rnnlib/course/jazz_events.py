"""Event mode: a small LSTM language model on any MIDI track's note-on / note-off / time-shift tokens.

The course's grammar only fits the Metheny solo over its known chords.  Event mode
(``rnnlib.data.midi_events``) turns any track a student brings into token ids, and this module
trains an ``rnnlib.nn`` model on them and improvises new events::

    model = train_event_model("song.mid", part=2, epochs=20)
    notes = model.improvise(400, temperature=0.9, seed=0)      # MIDI notes in ticks
    model.save("runs/jazz_events.npz"); EventModel.load("runs/jazz_events.npz")

The network is ``Sequential([Embedding(V, embed), LSTM(hidden, return_sequences=True),
Dense(V, softmax)])`` trained with sparse categorical cross-entropy on windows of ``seq_length``
events (each target the next event).  Improvising runs the same weights one step at a time: a
second ``LSTM(hidden, return_state=True)`` gets the trained weights (``set_weights``) so each step's
state carries to the next.  Sampling uses ``rnnlib.training.sampling``'s ``probabilities`` (temperature,
top-k) and ``draw``.  This is ``python -m rnnlib jazz``'s engine.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..core.checks import check_ids, check_instance, check_int, check_path, check_seed
from ..data.midi import DEFAULT_TEMPO, MidiSong, Note, read_midi
from ..data.midi_events import EventCodec
from ..errors import ConfigError, CorpusError, MidiError, ModelFileError, RnnlibError
from ..nn import LSTM, Dense, Embedding, Sequential
from ..nn.optimizers import Adam
from ..training.sampling import check_temperature, check_top_k, draw, make_rng, probabilities

FORMAT = "rnnlib-jazz-events-1"


@dataclass
class EventConfig:
    """What an event model is: the grid, the sizes, and the song it learned from."""

    steps_per_beat: int = 12
    max_shift: int = 48
    embed: int = 32
    hidden: int = 64
    seq_length: int = 64
    ticks_per_beat: int = 480
    tempo: int = DEFAULT_TEMPO
    program: int = 0
    source: str = ""
    part: int = 0
    n_events: int = 0

    def check(self):
        for name in ("steps_per_beat", "max_shift", "embed", "hidden", "seq_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name.replace('_', '-')} must be a positive integer, got {value!r}")
        if self.hidden > 1024 or self.embed > 1024:
            raise ConfigError("hidden and embed are at most 1024 (this runs on a CPU)")
        if self.steps_per_beat > 480 or self.max_shift > 10_000 or self.seq_length > 10_000:
            raise ConfigError("steps-per-beat is at most 480 (a MIDI file's usual ticks per beat), max-shift and "
                              "seq-length at most 10,000")


def choose_part(song: MidiSong, part=None, program=None):
    """(index, Part): ``part`` (an index into ``song.parts``), or the first part playing ``program``,
    or by default the first non-drum part.  MidiError when it does not exist or has no notes."""
    check_instance("song", song, MidiSong, "choose_part", what="a MidiSong (what read_midi returns)")
    if part is not None and program is not None:
        raise ConfigError("choose the part by --part or by --program, not both")
    if part is not None:
        part = check_int("part", part, "choose_part", minimum=0)
    if program is not None:
        program = check_int("program", program, "choose_part", minimum=0, maximum=127)
    if part is not None:
        chosen = song.part(index=part)
    elif program is not None:
        chosen = song.part(program=program)
    else:
        melodic = [p for p in song.parts if not p.is_drums]
        if not melodic:
            raise MidiError(f"{Path(song.source).name} has only drum parts; choose one with --part")
        chosen = melodic[0]
    if not chosen.notes:
        raise MidiError("the chosen part has no notes")
    return song.parts.index(chosen), chosen


class EventModel:
    """The trained network, its codec and its config (see the module docstring)."""

    def __init__(self, config: EventConfig, seed=0):
        check_instance("config", config, EventConfig, "EventModel")
        check_seed(seed, "EventModel")
        config.check()
        self.config = config
        self.codec = EventCodec(config.steps_per_beat, config.max_shift)
        V = self.codec.vocab_size
        self.net = Sequential([Embedding(V, config.embed), LSTM(config.hidden, return_sequences=True),
                               Dense(V, activation="softmax")], seed=seed)
        self.net.build((config.seq_length,))

    @property
    def vocab_size(self):
        return self.codec.vocab_size

    def windows(self, ids):
        """Training pairs from an event stream: x (n, T) and y (n, T), y the next event of x,
        windows starting every T events (the last window ends at the stream's end)."""
        T = self.config.seq_length
        ids = check_ids("ids", ids, "EventModel.windows", size=self.vocab_size, error=CorpusError)
        if len(ids) < 2:
            raise CorpusError(f"the part has {len(ids)} events; at least 2 are needed to learn anything")
        if len(ids) <= T:
            raise CorpusError(f"the part has {len(ids)} events; with --seq-length {T} it needs more than {T} "
                              "(lower --seq-length)")
        starts = list(range(0, len(ids) - T, T))
        if starts[-1] != len(ids) - T - 1:
            starts.append(len(ids) - T - 1)
        x = np.stack([ids[s:s + T] for s in starts])
        y = np.stack([ids[s + 1:s + T + 1] for s in starts])
        return x, y

    def fit(self, ids, epochs=20, learning_rate=0.005, batch_size=16, seed=0, verbose=0, callbacks=None):
        """Train on the event stream ``ids``; returns the History (loss per epoch, nats per event)."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 10000:
            raise ConfigError(f"epochs must be an integer from 1 to 10000, got {epochs!r}")
        if not (isinstance(learning_rate, (int, float)) and 0 < learning_rate <= 1):
            raise ConfigError(f"the learning rate must lie in (0, 1], got {learning_rate!r}")
        x, y = self.windows(ids)
        self.net.compile(optimizer=Adam(learning_rate=learning_rate, clipnorm=5.0),
                         loss="sparse_categorical_crossentropy")
        history = self.net.fit(x, y, epochs=epochs, batch_size=batch_size, seed=seed, verbose=verbose)
        return history

    def _stepper(self):
        embedding, lstm, dense = self.net.layers
        step = LSTM(self.config.hidden, return_state=True)
        step.build((1, self.config.embed), np.random.default_rng(0), lstm.dtype)
        step.set_weights(lstm.get_weights())
        return embedding, step, dense

    def improvise(self, length, temperature=1.0, top_k=None, primer=(), seed=0):
        """``length`` new event ids after the ``primer`` ids (fed first, not returned); (length,) int64."""
        if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= 100_000:
            raise ConfigError(f"the length must be an integer from 1 to 100000 events, got {length!r}")
        temperature = check_temperature(temperature)
        top_k = check_top_k(top_k, self.vocab_size)
        rng = make_rng(seed, None)
        embedding, step, dense = self._stepper()
        h = c = np.zeros((1, self.config.hidden), step.dtype)
        primer = [int(k) for k in check_ids("primer", primer, "EventModel.improvise", error=ConfigError)] \
            or [self.codec.shift(1)]  # something to start from
        if any(not 0 <= k < self.vocab_size for k in primer):
            raise ConfigError(f"primer ids must lie in 0..{self.vocab_size - 1}")
        out, feed = [], primer
        while len(out) < length:
            for k in feed:
                e, _ = embedding.forward(np.array([[k]]))
                (_, h, c), _ = step.forward(e, initial_state=[h, c])
            p, _ = dense.forward(h[:, None, :])  # the head was built on sequences: a sequence of one step
            logits = np.log(np.maximum(p[:, 0].astype(np.float64), 1e-30)).T
            k = int(draw(probabilities(logits, temperature, top_k), rng)[0])
            out.append(k)
            feed = [k]
        return np.array(out, dtype=np.int64)

    def to_notes(self, ids, velocity=80):
        """Event ids to MIDI notes in the source song's ticks (``EventCodec.decode_notes``)."""
        ids = check_ids("ids", ids, "EventModel.to_notes", size=self.vocab_size, error=ConfigError)
        velocity = check_int("velocity", velocity, "EventModel.to_notes", minimum=1, maximum=127)
        return self.codec.decode_notes([int(i) for i in ids], self.config.ticks_per_beat, velocity)

    # --- model files ---------------------------------------------------------------------------
    def save(self, path):
        """One .npz: the weights (Keras's layout) and the config as JSON; written atomically."""
        path = check_path("path", path, "EventModel.save", error=ModelFileError)
        if path.suffix != ".npz":
            raise ModelFileError(f"model files end in .npz, got {str(path)!r}")
        if not path.parent.is_dir():
            raise ModelFileError(f"cannot write {path}: the folder {path.parent} does not exist")
        arrays = {f"w{i:02d}": w for i, w in enumerate(self.net.get_weights())}
        arrays["config"] = np.array(json.dumps({"format": FORMAT, **asdict(self.config)}))
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz.tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                np.savez(stream, **arrays)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path):
        path = check_path("path", path, "EventModel.load", error=ModelFileError)
        if not path.is_file():
            raise ModelFileError(f"no model file at {path} (train one with: python -m rnnlib jazz train FILE.mid)")
        try:
            with np.load(path, allow_pickle=False) as archive:
                config = json.loads(str(archive["config"]))
                weights = [archive[k] for k in sorted(k for k in archive.files if k.startswith("w"))]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{path} is not a jazz event model ({type(exc).__name__})") from None
        if config.pop("format", None) != FORMAT:
            raise ModelFileError(f"{path} is not a jazz event model (made by python -m rnnlib jazz train)")
        try:
            model = cls(EventConfig(**config))
            model.net.set_weights(weights)
        except (TypeError, RnnlibError) as exc:
            raise ModelFileError(f"{path} does not match its own config: {exc}") from None
        return model


def train_event_model(midi_path, part=None, program=None, *, epochs=20, hidden=64, embed=32, seq_length=64,
                      steps_per_beat=12, learning_rate=0.005, seed=0, verbose=0):
    """Read ``midi_path``, encode the chosen part's notes as events, train an EventModel on them.
    Returns (model, history, ids)."""
    song = read_midi(check_path("midi_path", midi_path, "train_event_model", error=MidiError))
    index, chosen = choose_part(song, part, program)
    config = EventConfig(steps_per_beat=steps_per_beat, embed=embed, hidden=hidden, seq_length=seq_length,
                         ticks_per_beat=song.ticks_per_beat, tempo=song.tempo, program=chosen.program or 0,
                         source=Path(midi_path).name, part=index)
    model = EventModel(config, seed=seed)
    ids = model.codec.encode_notes(chosen.notes, song.ticks_per_beat)
    model.config.n_events = len(ids)
    history = model.fit(ids, epochs=epochs, learning_rate=learning_rate, seed=seed, verbose=verbose)
    return model, history, ids


def improvised_notes(model: EventModel, length, temperature=1.0, top_k=None, seed=0) -> list[Note]:
    """``length`` improvised events as MIDI notes; ConfigError when they make no note at all."""
    check_instance("model", model, EventModel, "improvised_notes")
    ids = model.improvise(length, temperature=temperature, top_k=top_k, seed=seed)
    notes = model.to_notes(ids)
    if not notes:
        raise ConfigError(f"the {length} improvised events hold no complete note (only shifts and note-offs); "
                          "try more events, another seed or a higher temperature")
    return notes
