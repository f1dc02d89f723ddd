"""Improvise a Jazz Solo with an LSTM Network: the course's names and calls, on ``rnnlib.nn``.

Both editions' calls work as published::

    # 2018 (v3a)
    X, Y, n_values, indices_values = load_music_utils()
    model = djmodel(Tx=30, n_a=64, n_values=78)
    inference_model = music_inference_model(LSTM_cell, densor, n_values=78, n_a=64, Ty=50)
    out_stream = generate_music(inference_model)

    # 2021 (v4)
    X, Y, n_values, indices_values, chords = load_music_utils('data/original_metheny.mid')
    model = djmodel(Tx=30, LSTM_cell=LSTM_cell, densor=densor, reshaper=reshaper)
    inference_model = music_inference_model(LSTM_cell, densor, Ty=50)
    out_stream = generate_music(inference_model, indices_values, chords)

    # both
    model.compile(optimizer=Adam(lr=0.01, beta_1=0.9, beta_2=0.999, decay=0.01),
                  loss='categorical_crossentropy', metrics=['accuracy'])
    history = model.fit([X, a0, c0], list(Y), epochs=100)
    results, indices = predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer)

The model is ``rnnlib.nn.UnrolledCellModel``: the module-level ``LSTM_cell`` (an ``rnnlib.nn.LSTM``
on ``rnnlib.core``'s cell) and ``densor`` run over the 30 steps with teacher forcing (step t reads
``X[:, t]``), one softmax output per step, and the loss is the sum of the 30 outputs' categorical
cross-entropies, as in Keras.  ``music_inference_model`` shares the same layer objects, so it uses
the trained weights, and feeds each step's argmax back as the next input.

Data (``rnnlib.data.jazz_grammar``): the 2018 corpus, 193 tokens and 78 values, for **both** calls.
The 2021 edition's music21 6 also finds rests (90 values); that parse is not reproduced, so the 2021
call gives 78 values too.  The value <-> index maps are sorted (the course's come from a Python set
and change with PYTHONHASHSEED), so rnnlib's indices differ from any one course run.

``chords`` (2021) has the course's layout: entry 0 is empty (the course's holds the score's metadata)
and entry i is measure i - 1's chords, 19 entries in all; ``generate_music`` uses entries 1 to 5.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..data import jazz_grammar
from ..data.jazz_grammar import ChordEvent, decode_measure, load_jazz_corpus, parse_token, training_windows
from ..data.midi import Note, Part, beats_to_ticks, write_midi
from ..data.preprocessing import to_categorical
from ..core.checks import check_array, check_ids, check_instance, check_int, check_path, check_seed, check_sequence
from ..errors import ConfigError, ShapeError, VocabularyError
from ..nn import LSTM, Dense, Reshape, UnrolledCellModel
from ..nn.layers.base import Layer
from ..nn.optimizers import Adam
from ..training.sampling import check_temperature, check_top_k, draw, make_rng, probabilities

__all__ = ["load_music_utils", "djmodel", "music_inference_model", "predict_and_sample", "generate_music",
           "course_layers", "sample_solo_tokens", "repetition_stats", "solo_from_tokens", "improvise_solo",
           "Solo", "Adam", "n_a", "n_values", "reshaper", "reshapor", "LSTM_cell", "densor",
           "x_initializer", "a_initializer", "c_initializer", "TEMPO_BPM"]

#: the course's sizes (2018): 64 LSTM units, 78 values, windows of 30 tokens, 60 examples
n_a = 64
n_values = 78
Tx = 30
m = 60
#: the course writes its MIDI at 130 beats per minute
TEMPO_BPM = 130
#: The most tokens ``sample_solo_tokens`` draws in one call (each is one LSTM step; the course draws 50).
MAX_TOKENS = 10_000
#: General MIDI programs of the written parts: jazz electric guitar (the solo), acoustic piano (chords)
GUITAR, PIANO = 26, 0


def course_layers(n_values=n_values, n_a=n_a):
    """Fresh copies of the course's module-level layers: ``(reshaper, LSTM_cell, densor)``.

    ``Reshape((1, n_values))``, ``LSTM(n_a, return_state=True)``, ``Dense(n_values, activation='softmax')``,
    unbuilt (the first model built on them creates the weights).
    """
    n_values = check_int("n_values", n_values, "course_layers", minimum=1, maximum=100_000)
    n_a = check_int("n_a", n_a, "course_layers", minimum=1, maximum=10_000)
    return Reshape((1, n_values)), LSTM(n_a, return_state=True), Dense(n_values, activation="softmax")


# the course's global layer objects (2018 spells the reshaper "reshapor"; both names are the same object)
reshaper, LSTM_cell, densor = course_layers()
reshapor = reshaper
x_initializer = np.zeros((1, 1, n_values))
a_initializer = np.zeros((1, n_a))
c_initializer = np.zeros((1, n_a))

# what the last load_music_utils read, for generate_music's 2018 defaults (the course keeps it in globals)
_loaded: dict = {}


def _corpus_path(file):
    """``file`` when it exists, else None (the registry's checksummed copy of original_metheny.mid)."""
    if file is None:
        return None
    path = check_path("file", file, "load_music_utils")
    return path if path.is_file() else None


def load_music_utils(file=None):
    """The course's training data from ``original_metheny.mid``.

    2018: ``load_music_utils()`` -> ``(X, Y, n_values, indices_values)``;
    2021: ``load_music_utils(file)`` -> ``(X, Y, n_values, indices_values, chords)``; ``file`` is
    read when it exists, otherwise the registry's copy is used (so the course's relative
    'data/original_metheny.mid' works from any folder).

    X: (60, 30, n_values) one-hot windows with ``X[:, 0]`` all zeros; Y: (30, 60, n_values) with
    ``Y[t] = X[:, t + 1]`` and ``Y[29]`` all zeros; indices_values: index -> token; chords: the
    course's list of per-measure chord lists (see the module docstring).
    """
    corpus = load_jazz_corpus(_corpus_path(file))
    X, Y = training_windows(corpus.indices, corpus.n_values, m=m, Tx=Tx, seed=0)
    chords = [[]] + [list(measure.chords) for measure in corpus.measures]
    _loaded.update(corpus=corpus, chords=chords, indices_values=corpus.index_to_value)
    if file is None:
        return X, Y, corpus.n_values, corpus.index_to_value
    return X, Y, corpus.n_values, corpus.index_to_value, chords


def _loaded_corpus():
    if "corpus" not in _loaded:
        load_music_utils()
    return _loaded


def _is_layer(value):
    return isinstance(value, Layer)


def djmodel(Tx, *args, **kwargs):
    """The training model, from either edition's call.

    2018: ``djmodel(Tx, n_a, n_values)`` uses the module's ``reshapor``, ``LSTM_cell`` and ``densor``
    (which must have n_a units and n_values outputs: the course's 64 and 78).
    2021: ``djmodel(Tx, LSTM_cell, densor, reshaper)``, n_a and n_values taken from the layers.

    Returns an ``rnnlib.nn.UnrolledCellModel`` taking ``[X (m, Tx, n_values), a0 (m, n_a), c0 (m, n_a)]``
    and giving ``Tx`` softmax outputs (m, n_values).
    """
    names_2021 = ("LSTM_cell", "densor", "reshaper")
    if any(_is_layer(a) for a in args) or any(k in kwargs for k in names_2021):
        given = dict(zip(names_2021, args))
        for k, v in kwargs.items():
            if k not in names_2021 or k in given:
                raise ConfigError(f"djmodel: unexpected or repeated argument {k!r} (2021 call: djmodel(Tx, LSTM_cell, densor, reshaper))")
            given[k] = v
        if set(given) != set(names_2021):
            raise ConfigError("djmodel: the 2021 call needs LSTM_cell, densor and reshaper")
        cell, head, reshape = given["LSTM_cell"], given["densor"], given["reshaper"]
        values = getattr(head, "units", None)
    else:
        given = dict(zip(("n_a", "n_values"), args))
        for k, v in kwargs.items():
            if k not in ("n_a", "n_values") or k in given:
                raise ConfigError(f"djmodel: unexpected or repeated argument {k!r} (2018 call: djmodel(Tx, n_a, n_values))")
            given[k] = v
        if set(given) != {"n_a", "n_values"}:
            raise ConfigError("djmodel: the 2018 call needs n_a and n_values: djmodel(Tx=30, n_a=64, n_values=78)")
        cell, head, reshape, values = LSTM_cell, densor, reshapor, given["n_values"]
        for key in ("n_a", "n_values"):
            check_int(key, given[key], "djmodel", minimum=1)
        if given["n_a"] != cell.units or values != head.units:
            raise ConfigError(f"djmodel: the module's LSTM_cell has {cell.units} units and densor {head.units} outputs, "
                              f"not n_a={given['n_a']}, n_values={values}; make your own with course_layers(n_values, n_a) "
                              "and use the 2021 call djmodel(Tx, LSTM_cell, densor, reshaper)")
    if not isinstance(head, Dense) or not isinstance(cell, LSTM):
        raise ConfigError("djmodel: LSTM_cell must be an rnnlib.nn.LSTM(return_state=True) and densor an rnnlib.nn.Dense")
    return UnrolledCellModel(cell, head, Tx, reshaper=reshape, n_x=None if cell.built else values, name="djmodel")


def music_inference_model(LSTM_cell, densor, n_values=None, n_a=None, Ty=100):
    """The inference model on the trained layers: each step's argmax, one-hot, is the next input.

    2018: ``music_inference_model(LSTM_cell, densor, n_values=78, n_a=64, Ty=50)``;
    2021: ``music_inference_model(LSTM_cell, densor, Ty=50)`` (sizes from the layers).  A given
    n_values / n_a must match the layers.  Inputs ``[x0 (m, 1, n_values), a0, c0]``; ``Ty`` outputs.
    """
    if not isinstance(densor, Dense) or not isinstance(LSTM_cell, LSTM):
        raise ConfigError("music_inference_model: LSTM_cell must be an rnnlib.nn.LSTM and densor an rnnlib.nn.Dense")
    if n_values is not None:
        n_values = check_int("n_values", n_values, "music_inference_model", minimum=1)
    if n_a is not None:
        n_a = check_int("n_a", n_a, "music_inference_model", minimum=1)
    if n_values is not None and n_values != densor.units:
        raise ConfigError(f"music_inference_model: n_values={n_values!r} but densor has {densor.units} outputs "
                          "(for the 2021 call pass Ty by name: music_inference_model(LSTM_cell, densor, Ty=50))")
    if n_a is not None and n_a != LSTM_cell.units:
        raise ConfigError(f"music_inference_model: n_a={n_a!r} but LSTM_cell has {LSTM_cell.units} units")
    return UnrolledCellModel(LSTM_cell, densor, Ty, feedback=True, n_x=None if LSTM_cell.built else densor.units,
                             name="music_inference_model")


def _initializers(model, x_init, a_init, c_init):
    x_init = np.zeros((1, 1, model.n_out)) if x_init is None else check_array(
        "x_initializer", x_init, "predict_and_sample", ndim=3).astype(np.float64)
    if x_init.shape[0] == 0:
        raise ShapeError("predict_and_sample: x_initializer has no example (shape (0, ...))")
    zeros = np.zeros((x_init.shape[0], model.cell.units))
    return x_init, zeros if a_init is None else a_init, zeros if c_init is None else c_init


def predict_and_sample(inference_model, x_initializer=None, a_initializer=None, c_initializer=None):
    """Run the inference model once and take each step's argmax (the course's greedy decoding).

    Defaults are the course's zeros: x (1, 1, n_values), a and c (1, n_a).  Returns ``results``
    (Ty, n_values) one-hot and ``indices`` (Ty, 1) ints; n_values is ``x_initializer.shape[2]``.
    """
    if not isinstance(inference_model, UnrolledCellModel) or not inference_model.feedback:
        raise ConfigError("predict_and_sample: give the model from music_inference_model(...)")
    x0, a0, c0 = _initializers(inference_model, x_initializer, a_initializer, c_initializer)
    pred = inference_model.predict([x0, a0, c0])
    indices = np.argmax(np.stack(pred)[:, 0, :], axis=-1).reshape(-1, 1)
    results = to_categorical(indices, num_classes=x0.shape[2])
    return results, indices


# --------------------------------------------------------------------------------------------------
# Tokens back to a solo on the original chords
# --------------------------------------------------------------------------------------------------


@dataclass
class Solo:
    """A decoded solo: per chord set its tokens; melody ``notes`` and ``chords`` in beats from the start
    (``(start, duration, pitch)`` and ``(start, duration, pitches)``, ready for plot_piano_roll)."""

    tokens: list[list[str]]
    notes: list[tuple[Fraction, Fraction, int]]
    chords: list[tuple[Fraction, Fraction, tuple[int, ...]]]
    tempo_bpm: int = TEMPO_BPM
    midi_path: Path | None = None
    chord_sets: list[int] = field(default_factory=list)

    def parts(self, ticks_per_beat=480):
        """The solo (program 26, channel 0) and its chords (piano, channel 1) as MIDI ``Part``s in ticks."""
        ticks_per_beat = check_int("ticks_per_beat", ticks_per_beat, "Solo.parts", minimum=1, maximum=2**15 - 1)
        melody = [Note(beats_to_ticks(s, ticks_per_beat), max(beats_to_ticks(d, ticks_per_beat), 1), p, 90)
                  for s, d, p in self.notes]
        piano = [Note(beats_to_ticks(s, ticks_per_beat), max(beats_to_ticks(d, ticks_per_beat), 1), p, 60)
                 for s, d, ps in self.chords for p in ps]
        return [Part(melody, program=GUITAR, channel=0, name="improvised solo"),
                Part(piano, program=PIANO, channel=1, name="chords")]

    def write_midi(self, path, ticks_per_beat=480):
        """Write the solo and its chords to ``path`` (format 1, at ``tempo_bpm``), atomically."""
        import mido

        path = check_path("path", path, "Solo.write_midi", writing=True)
        self.midi_path = write_midi(path, self.parts(ticks_per_beat), tempo=mido.bpm2tempo(self.tempo_bpm),
                                    ticks_per_beat=ticks_per_beat)
        return self.midi_path


def _course_cleanup(tokens):
    """What the course does to predicted tokens before decoding: a leading 'C,0.25', and every A and X
    token made a C (approach and other tones sound wrong more often than chord tones)."""
    out = ["C,0.250"]
    for token in tokens:
        out.append("C" + token[1:] if token[:1] in ("A", "X") else token)
    return out


def solo_from_tokens(token_sets, chord_sets, *, seed=0, course_cleanup=True):
    """Decode one token list per chord set into a solo.

    token_sets: a list of token lists; chord_sets: a list of the same length of chord lists
    (``ChordEvent``s of one 4-beat measure).  Each chord set's tokens are decoded one after another
    with ``jazz_grammar.decode_measure``; the set's measure of chords repeats every 4 beats for as long
    as its notes last (50 tokens take several measures), and the next set starts on the next measure
    line.  Pitches are drawn with a Generator seeded by ``seed``.
    """
    token_sets = check_sequence("token_sets", token_sets, "solo_from_tokens", what="a list of token lists")
    chord_sets = check_sequence("chord_sets", chord_sets, "solo_from_tokens", what="a list of chord lists")
    token_sets = [check_sequence("each token list", tokens, "solo_from_tokens", nonempty=False,
                                 what="a list of token strings") for tokens in token_sets]
    for tokens in token_sets:
        if not all(isinstance(t, str) for t in tokens):
            raise VocabularyError("solo_from_tokens: tokens must be strings such as 'C,0.250'")
    chord_sets = [check_sequence("each chord set", chord_list, "solo_from_tokens", nonempty=False,
                                 what="a list of ChordEvent") for chord_list in chord_sets]
    for chord_list in chord_sets:
        for chord in chord_list:
            check_instance("each chord", chord, ChordEvent, "solo_from_tokens")
    rng = check_seed(seed, "solo_from_tokens")
    if not isinstance(course_cleanup, (bool, np.bool_)):
        raise ConfigError(f"solo_from_tokens: course_cleanup must be True or False, got {course_cleanup!r:.60}")
    if len(token_sets) != len(chord_sets) or not token_sets:
        raise ConfigError("solo_from_tokens: give one token list per chord set (at least one)")
    notes, chords, start, previous, used = [], [], Fraction(0), None, []
    beats = jazz_grammar.BEATS_PER_MEASURE
    for tokens, measure_chords in zip(token_sets, chord_sets):
        if not measure_chords:
            raise ConfigError("solo_from_tokens: a chord set is empty")
        tokens = _course_cleanup(tokens) if course_cleanup else list(tokens)
        length = sum(Fraction(parse_token(t).duration).limit_denominator(48) for t in tokens)
        n_measures = max(1, int(np.ceil(float(length) / beats)))
        tiled = [ChordEvent(c.offset + beats * k, c.pitches) for k in range(n_measures) for c in measure_chords]
        decoded = decode_measure(tokens, tiled, previous_pitch=previous, rng=rng)
        notes.extend((start + n.offset, n.duration, n.pitch) for n in decoded)
        for k, chord in enumerate(tiled):
            later = [c.offset for c in tiled if c.offset > chord.offset]
            end = min(later) if later else Fraction(beats * n_measures)
            chords.append((start + chord.offset, end - chord.offset, chord.pitches))
        if decoded:
            previous = decoded[-1].pitch
        used.append(tokens)
        start += beats * n_measures
    return Solo(used, notes, chords)


def generate_music(inference_model, indices_tones=None, chords=None, diversity=0.5, *, corpus=None,
                   abstract_grammars=None, tones=None, tones_indices=None, T_y=10, max_tries=1000,
                   path="output/my_music.midi", seed=0, verbose=True):
    """The course's ``generate_music``: 50 greedy tokens per chord set over chord sets 1 to 5, decoded
    on the original chords, written as MIDI at 130 bpm to ``path`` (its folder is created).

    2018: ``generate_music(inference_model)`` (the data from the last ``load_music_utils``);
    2021: ``generate_music(inference_model, indices_values, chords)``.  The 2018 keyword arguments
    (corpus, abstract_grammars, tones, tones_indices, T_y, max_tries) and ``diversity`` are accepted
    and not used, as in the course's own code.  Like the course, every chord set gets the same
    greedy tokens (the inference model starts from zeros each time); the decoding differs.
    Returns the ``Solo`` it wrote (``solo.midi_path``).
    """
    check_instance("inference_model", inference_model, UnrolledCellModel, "generate_music",
                   what="the model from music_inference_model(...)")
    loaded = _loaded_corpus()
    indices_tones = loaded["indices_values"] if indices_tones is None else indices_tones
    chords = loaded["chords"] if chords is None else chords
    if not isinstance(indices_tones, dict):
        raise ConfigError("generate_music: indices_values must be the dict index -> token load_music_utils returns")
    chords = check_sequence("chords", chords, "generate_music", what="load_music_utils's list of chord lists")
    path = check_path("path", path, "generate_music")
    if not isinstance(verbose, (bool, np.bool_)):
        raise ConfigError(f"generate_music: verbose must be True or False, got {verbose!r}")
    if len(chords) < 2:
        raise ConfigError("generate_music: chords must be load_music_utils's list (entry 0 empty, then one per measure)")
    num_chords = int(len(chords) / 3)  # the course's choice: chord sets 1 .. num_chords - 1
    token_sets, chord_sets = [], []
    if verbose:
        print("Predicting new values for different set of chords.")
    for i in range(1, num_chords):
        _, indices = predict_and_sample(inference_model)
        try:
            pred = [indices_tones[int(k)] for k in indices[:, 0]]
        except (KeyError, IndexError):
            raise VocabularyError("generate_music: the model predicts an index missing from indices_tones") from None
        token_sets.append(pred)
        chord_sets.append(chords[i])
    solo = solo_from_tokens(token_sets, chord_sets, seed=seed)
    solo.chord_sets = list(range(1, num_chords))
    if verbose:
        counts = _notes_per_set(solo)
        for i, count in zip(solo.chord_sets, counts):
            print(f'Generated {count} sounds using the predicted values for the set of chords ("{i}") and after pruning')
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    solo.write_midi(path)
    if verbose:
        print(f"Your generated music is saved in {path}")
    return solo


def _notes_per_set(solo):
    return [sum(1 for t in tokens if parse_token(t).kind != "R") for tokens in solo.tokens]


# --------------------------------------------------------------------------------------------------
# Beyond the course: sampling with a temperature, top-k and a primer
# --------------------------------------------------------------------------------------------------


def sample_solo_tokens(cell, head, n_tokens, *, temperature=1.0, top_k=None, primer=(), seed=0, greedy=False):
    """Draw ``n_tokens`` value indices from the trained ``cell`` and ``head`` (the course's LSTM_cell
    and densor), one step at a time from zero input and zero state.

    primer: value indices fed first (teacher forcing), so the solo continues a phrase; they are not
    part of the result.  Each next index is drawn from the softmax output sharpened or flattened by
    ``temperature`` and cut to the ``top_k`` most likely values (``rnnlib.training.sampling``'s
    ``probabilities`` and ``draw``, on log-probabilities), with a Generator seeded by ``seed``;
    ``greedy=True`` takes the argmax instead (the course's decoding).  Returns (n_tokens,) int64.
    """
    if isinstance(n_tokens, bool) or not isinstance(n_tokens, (int, np.integer)) or n_tokens < 1:
        raise ConfigError(f"the length must be a positive number of tokens, got {n_tokens!r}")
    if n_tokens > MAX_TOKENS:
        raise ConfigError(f"the length must be at most {MAX_TOKENS:,} tokens (one model step each), got {n_tokens:,}")
    _check_cell_and_head(cell, head, "sample_solo_tokens")
    if not isinstance(greedy, (bool, np.bool_)):
        raise ConfigError(f"sample_solo_tokens: greedy must be True or False, got {greedy!r}")
    model = UnrolledCellModel(cell, head, 1, feedback=True, n_x=None if cell.built else head.units, name="sampler")
    V = model.n_out
    temperature = check_temperature(temperature)
    top_k = check_top_k(top_k, V)
    rng = make_rng(seed, None)
    primer = [int(k) for k in check_ids("primer", primer, "sample_solo_tokens")]
    if any(not 0 <= k < V for k in primer):
        raise VocabularyError(f"primer indices must lie in 0..{V - 1}")
    states = [np.zeros((1, cell.units), model.dtype) for _ in range(model.n_states)]
    x = np.zeros((1, V), model.dtype)
    for k in primer:
        _, states, _ = model.step(x, states)
        x = np.zeros((1, V), model.dtype)
        x[0, k] = 1
    out = np.empty(n_tokens, dtype=np.int64)
    for t in range(n_tokens):
        y, states, _ = model.step(x, states)
        if greedy:
            k = int(np.argmax(y[0]))
        else:
            logits = np.log(np.maximum(y.astype(np.float64), 1e-30)).T  # (V, 1), as sampling's columns
            k = int(draw(probabilities(logits, temperature, top_k), rng)[0])
        out[t] = k
        x = np.zeros((1, V), model.dtype)
        x[0, k] = 1
    return out


def _check_cell_and_head(cell, head, where):
    """The trained course layers: an rnnlib.nn LSTM (return_state=True) and a Dense, both built."""
    check_instance("cell", cell, LSTM, where, what="the course's LSTM_cell (an rnnlib.nn.LSTM)")
    check_instance("head", head, Dense, where, what="the course's densor (an rnnlib.nn.Dense)")
    if not head.built:
        raise ConfigError(f"{where}: the densor has no weights yet; train the model (djmodel ... fit) first")


def repetition_stats(indices, max_period=16):
    """How loopy a token sequence is: ``distinct`` values, and the longest stretch that repeats a
    cycle: ``period`` p (1..max_period) and ``span``, the most consecutive tokens with x[i] == x[i - p]
    plus the p tokens of the first cycle (so ``span == len`` means the whole sequence is one loop);
    ``start`` is where that stretch begins.  A sequence without any repeat gets period 0, span 0."""
    if isinstance(indices, np.ndarray) and indices.ndim == 2 and indices.shape[1:] == (1,):
        indices = indices[:, 0]  # predict_and_sample's (Ty, 1) indices, as the course returns them
    x = check_ids("indices", indices, "repetition_stats")
    max_period = check_int("max_period", max_period, "repetition_stats", minimum=1)
    best = {"distinct": int(len(set(x.tolist()))), "length": int(len(x)), "period": 0, "span": 0, "start": 0}
    for p in range(1, min(max_period, len(x) - 1) + 1):
        same = x[p:] == x[:-p]
        run = start = 0
        for i, s in enumerate(same):
            run = run + 1 if s else 0
            if run and run + p > best["span"]:
                start = i - run + 1
                best.update(period=p, span=int(run + p), start=int(start))
    return best


def improvise_solo(cell, head, indices_values, chords, *, n_tokens=50, chord_sets=(1, 2, 3, 4, 5), temperature=1.0,
                   top_k=None, primer=(), seed=0, greedy=False):
    """A new solo: ``n_tokens`` sampled tokens for each chord set (indices into the course's ``chords``
    list), decoded on those chords (see ``solo_from_tokens``).  Each chord set draws its own tokens
    from one Generator seeded by ``seed``, so the sets differ (the course's greedy loop repeats)."""
    where = "improvise_solo"
    _check_cell_and_head(cell, head, where)
    if not isinstance(indices_values, dict):
        raise ConfigError(f"{where}: indices_values must be the dict index -> token load_music_utils returns")
    chords = check_sequence("chords", chords, where, what="load_music_utils's list of chord lists")
    chord_sets = check_sequence("chord_sets", chord_sets, where, nonempty=False, what="a list of chord-set numbers")
    check_seed(seed, where)
    if not chord_sets:
        raise ConfigError("improvise_solo: choose at least one chord set")
    for i in chord_sets:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 1 <= i < len(chords):
            raise ConfigError(f"chord set {i!r} does not exist: choose from 1 to {len(chords) - 1}")
    rng = np.random.default_rng(seed)
    token_sets = []
    for _ in chord_sets:
        ids = sample_solo_tokens(cell, head, n_tokens, temperature=temperature, top_k=top_k, primer=primer,
                                 seed=int(rng.integers(2**31)), greedy=greedy)
        missing = [int(k) for k in ids if int(k) not in indices_values]
        if missing:
            raise VocabularyError(f"{where}: the model drew index {missing[0]}, which indices_values lacks")
        token_sets.append([indices_values[int(k)] for k in ids])
    solo = solo_from_tokens(token_sets, [chords[i] for i in chord_sets], seed=int(rng.integers(2**31)))
    solo.chord_sets = chord_sets
    return solo
