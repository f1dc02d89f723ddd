"""Valid base arguments for the public callables added in session 2 (rnnlib.nn, the Keras-style
preprocessing, word vectors, the jazz assignment, audio, the classification widgets, metrics ...).

Same contract as ``cases.CASES``: name -> factory returning ``(fn, args, kwargs, frozen)``.  Objects
that cost time to make and that no case mutates (the Metheny corpus, the surname split) are made
once per process (``functools.lru_cache``); anything a call may change (a model that ``fit`` trains,
a layer that ``build`` sizes) is made fresh by each factory.
"""
from functools import lru_cache

import numpy as np

import rnnlib
import rnnlib.nn as nn
import rnnlib.preprocessing as pre
import rnnlib.ui as ui
from rnnlib.course import jazz, jazz_events, lstm_step_by_step, rnn_step_by_step, gru_step_by_step, surnames, wildml
from rnnlib.data import datasets
from rnnlib.data.midi import MidiSong, Note, Part, write_midi
from rnnlib.nn import metrics
from rnnlib.training.trainer import History

from cases import CHARS, NAMES, _c, char_model, gated_params, history, rng, rnn_params, word_model, words

T, V = 5, 10  # sequence length and vocabulary of the small Keras-style models


def ids_batch(m=8):
    return rng().integers(1, V, size=(m, T))


def binary_labels(m=8):
    return np.array([0, 1] * (m // 2), dtype=np.float32)


def classifier(compiled=True, recurrent=None):
    """A tiny many-to-one Keras-style classifier over (m, T) ids."""
    model = nn.Sequential([nn.Input((T,)), nn.Embedding(V, 4, mask_zero=True), recurrent or nn.LSTM(3),
                           nn.Dense(1, activation="sigmoid")])
    if compiled:
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def built_layer(layer, shape, dtype=np.float32):
    """``layer`` run once on a (2, *shape) input through a Sequential (so it is built)."""
    x = rng().integers(1, V, size=(2,) + shape) if dtype is int else rng().standard_normal((2,) + shape).astype(dtype)
    model = nn.Sequential([nn.Input(shape), layer])
    model.predict(x)
    return layer, x


def layer_case(make, shape=(T, 3), dtype=np.float32):
    """A layer constructor's case: build a model with the layer from the fuzzed arguments and predict."""
    x = rng().integers(1, V, size=(2,) + shape) if dtype is int else rng().standard_normal((2,) + shape).astype(dtype)

    def run(*args, **kwargs):
        return nn.Sequential([nn.Input(shape), make(*args, **kwargs)]).predict(x)

    return run


def fit_history():
    h = nn.History()
    h.append({"loss": 0.7, "accuracy": 0.5, "val_loss": 0.8, "val_accuracy": 0.4})
    h.append({"loss": 0.6, "accuracy": 0.6, "val_loss": 0.7, "val_accuracy": 0.5})
    return h


def tokenizer():
    t = pre.Tokenizer(num_words=10, oov_token="<oov>")
    t.fit_on_texts(["the cat sat", "the dog ran", "a cat ran"])
    return t


def word_vectors():
    return rnnlib.WordVectors(["a", "b", "c", "d"], np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]], float))


def glove_file():
    """A small word-vector file in load_glove's format, in the test's folder."""
    np.savez("wv.npz", words_utf8=np.frombuffer("a\nb\nc".encode(), dtype=np.uint8), vectors=np.eye(3))
    return "wv.npz"


def sentences():
    return [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"], ["the", "cat", "ran"]] * 3


# ---- the jazz assignment: the Metheny corpus (read once) and small fresh cells

@lru_cache(maxsize=1)
def metheny():
    """(X, Y, n_values, indices_values, chords) of the course's corpus."""
    return jazz.load_music_utils("original_metheny.mid")


def jazz_cells(n_a=4):
    """A fresh (reshaper, cell, head), trained one epoch on four windows so that they are built."""
    X, Y, n_values, _, _ = metheny()
    reshaper, cell, head = jazz.course_layers(n_values, n_a)
    model = jazz.djmodel(30, cell, head, reshaper)
    model.compile(optimizer=jazz.Adam(lr=0.01), loss="categorical_crossentropy")
    model.fit([X[:4], np.zeros((4, n_a)), np.zeros((4, n_a))], list(Y[:, :4]), epochs=1, verbose=0)
    return reshaper, cell, head


def jazz_training():
    """A compiled djmodel and valid fit inputs (4 windows)."""
    X, Y, n_values, _, _ = metheny()
    reshaper, cell, head = jazz.course_layers(n_values, 4)
    model = jazz.djmodel(30, cell, head, reshaper)
    model.compile(optimizer=jazz.Adam(lr=0.01), loss="categorical_crossentropy")
    return model, [X[:4], np.zeros((4, 4)), np.zeros((4, 4))], list(Y[:, :4])


def inference():
    _, cell, head = jazz_cells()
    return jazz.music_inference_model(cell, head, Ty=5)


def improvise_args():
    _, cell, head = jazz_cells()
    _, _, _, indices_values, chords = metheny()
    return cell, head, indices_values, chords


def improvisation():
    return ui.improvise(*improvise_args(), n_tokens=8, chord_sets=(1,))


def phrase():
    return [Note(0, 48, 60), Note(48, 48, 64), Note(96, 96, 67)]


def song():
    return MidiSong(ticks_per_beat=96, parts=[Part(phrase(), program=26)], tempo=500000)


def midi_file():
    return write_midi("phrase.mid", [Part(phrase() * 1, program=26)], ticks_per_beat=96)


def event_model(fitted=True):
    model = jazz_events.EventModel(jazz_events.EventConfig(steps_per_beat=4, embed=4, hidden=4, seq_length=4), seed=0)
    ids = model.codec.encode_notes(phrase() * 4, 96)
    if fitted:
        model.fit(ids, epochs=1, verbose=0)
    return model, ids


# ---- classification

@lru_cache(maxsize=1)
def surname_split():
    return surnames.surname_data()


@lru_cache(maxsize=1)
def shipped_classifier():
    return surnames.shipped_surname_classifier()


def guesser_predict(name):
    return shipped_classifier().probabilities(name)


def bow():
    return rnnlib.BagOfWordsClassifier(V, steps=3).fit(ids_batch(), binary_labels())


def _cache(module, forward, *args):
    return module.as_cell_cache(forward(*args)[-1], "fuzz")


MORE_CASES = {
    # ---- rnnlib.nn: models
    "Sequential": lambda: _c(lambda *layers: nn.Sequential(list(layers)).predict(ids_batch()), nn.Input((T,)),
                             nn.Embedding(V, 4), nn.GRU(3), nn.Dense(2)),
    "Sequential.add": lambda: _c(nn.Sequential([nn.Input((T,))]).add, nn.Embedding(V, 4)),
    "Sequential.build": lambda: _c(classifier(False).build, (T,)),
    "Sequential.compile": lambda: _c(classifier(False).compile, "adam", "binary_crossentropy", ["accuracy"]),
    "Sequential.fit": lambda: _c(classifier().fit, ids_batch(), binary_labels(), 4, 1, 0, 0.25, frozen=(3,)),
    "Sequential.fit(validation_data)": lambda: _c(lambda vd, **kw: classifier().fit(ids_batch(), binary_labels(), epochs=1, verbose=0,
                                                                                     validation_data=vd, **kw),
                                                   (ids_batch(4), binary_labels(4)), batch_size=4, shuffle=True, seed=0),
    "Sequential.predict": lambda: _c(classifier().predict, ids_batch(), 4, 0),
    "Sequential.evaluate": lambda: _c(classifier().evaluate, ids_batch(), binary_labels(), 4, 0),
    "Sequential.train_on_batch": lambda: _c(classifier().train_on_batch, ids_batch(), binary_labels()),
    "Sequential.forward": lambda: _c(classifier().forward, ids_batch(), False),
    "Sequential.forward_with_mask": lambda: _c(classifier().forward_with_mask, ids_batch(), False),
    "Sequential.backward": lambda: (lambda m: _c(m.backward, np.ones((8, 1), np.float32), m.forward(ids_batch())[1]))(classifier()),
    "Sequential.summary": lambda: _c(classifier().summary, lambda line: None),
    "Sequential.count_params": lambda: _c(classifier().count_params, False),
    "Sequential.get_weights": lambda: _c(classifier().get_weights),
    "Sequential.set_weights": lambda: (lambda m: _c(m.set_weights, m.get_weights()))(classifier()),
    "Sequential.trainable_parameters": lambda: _c(classifier().trainable_parameters),
    "Sequential.save_weights": lambda: _c(classifier().save_weights, "w.npz"),
    "Sequential.load_weights": lambda: (lambda m: (m.save_weights("w.npz"), _c(classifier().load_weights, "w.npz"))[1])(classifier()),
    "Input": lambda: _c(lambda *a, **kw: nn.Sequential([nn.Input(*a, **kw), nn.Dense(2)]).predict(np.ones((2, 3))), (3,),
                        "float32", "x"),
    "nn.History": lambda: _c(nn.History),
    "nn.History.append": lambda: _c(nn.History().append, {"loss": 0.5}),
    "UnrolledCellModel": lambda: (lambda r, c, h: _c(lambda *a, **kw: nn.UnrolledCellModel(*a, **kw).count_params(), c, h, 3,
                                                     reshaper=r, n_x=metheny()[2]))(*jazz.course_layers(metheny()[2], 4)),
    "UnrolledCellModel.compile": lambda: _c(jazz_training()[0].compile, jazz.Adam(lr=0.01), "categorical_crossentropy", ["accuracy"]),
    "UnrolledCellModel.fit": lambda: (lambda m, x, y: _c(m.fit, x, y, 4, 1, 0, frozen=(3,)))(*jazz_training()),
    "UnrolledCellModel.evaluate": lambda: (lambda m, x, y: (m.fit(x, y, epochs=1, verbose=0), _c(m.evaluate, x, y, 4))[1])(*jazz_training()),
    "UnrolledCellModel.predict": lambda: _c(inference().predict, [np.zeros((1, 1, metheny()[2])), np.zeros((1, 4)), np.zeros((1, 4))]),
    "UnrolledCellModel.train_on_batch": lambda: (lambda m, x, y: _c(m.train_on_batch, x, y))(*jazz_training()),
    "UnrolledCellModel.forward": lambda: _c(inference().forward, [np.zeros((1, 1, metheny()[2])), np.zeros((1, 4)), np.zeros((1, 4))]),
    "UnrolledCellModel.backward": lambda: (lambda m, x, y: (lambda out: _c(m.backward, [np.ones_like(o) for o in out[0]], out[1]))(
        m.forward(x)))(*jazz_training()),
    "UnrolledCellModel.step": lambda: _c(inference().step, np.zeros((1, metheny()[2])), [np.zeros((1, 4)), np.zeros((1, 4))]),
    "UnrolledCellModel.summary": lambda: _c(inference().summary, lambda line: None),
    "UnrolledCellModel.count_params": lambda: _c(inference().count_params, True),
    "UnrolledCellModel.get_weights": lambda: _c(inference().get_weights),
    "UnrolledCellModel.set_weights": lambda: (lambda m: _c(m.set_weights, m.get_weights()))(inference()),
    "UnrolledCellModel.trainable_parameters": lambda: _c(inference().trainable_parameters),
    # ---- rnnlib.nn: layers (each constructor's arguments, through a model that builds and runs it)
    "Embedding": lambda: _c(layer_case(nn.Embedding, (T,), int), V, 4, "uniform", True, None, T),
    "SimpleRNN": lambda: _c(layer_case(nn.SimpleRNN), 3, "tanh", return_sequences=True, dropout=0.1),
    "GRU": lambda: _c(layer_case(nn.GRU), 3, True, return_state=False, recurrent_dropout=0.1),
    "LSTM": lambda: _c(layer_case(nn.LSTM), 3, True, return_sequences=False, go_backwards=True),
    "Bidirectional": lambda: _c(layer_case(nn.Bidirectional), nn.LSTM(3, return_sequences=True), "concat"),
    "Dense": lambda: _c(layer_case(nn.Dense, (3,)), 2, "relu", True, "glorot_uniform", "zeros"),
    "Dropout": lambda: _c(lambda *a, **kw: nn.Sequential([nn.Input((3,)), nn.Dropout(*a, **kw)]).predict(np.ones((4, 3))),
                          0.5, None, 0),
    "Reshape": lambda: _c(layer_case(nn.Reshape, (6,)), (2, 3)),
    "RepeatVector": lambda: _c(layer_case(nn.RepeatVector, (3,)), 4),
    "Layer": lambda: _c(lambda **kw: nn.Layer(**kw).count_params(), name="l", trainable=True, dtype="float32"),
    "Dense.set_weights": lambda: (lambda layer: _c(layer.set_weights, layer.get_weights()))(built_layer(nn.Dense(2), (3,))[0]),
    "LSTM.set_weights": lambda: (lambda layer: _c(layer.set_weights, layer.get_weights()))(built_layer(nn.LSTM(2), (T, 3))[0]),
    "Embedding.set_weights": lambda: (lambda layer: _c(layer.set_weights, layer.get_weights()))(built_layer(nn.Embedding(V, 2), (T,), int)[0]),
    # ---- rnnlib.nn: metrics
    "metrics.confusion_matrix": lambda: _c(metrics.confusion_matrix, np.array([0, 1, 2, 1]), np.array([0, 2, 2, 1]), 3),
    "metrics.per_class_recall": lambda: _c(metrics.per_class_recall, np.array([[2, 1], [0, 3]])),
    "metrics.macro_f1": lambda: _c(metrics.macro_f1, np.array([[2, 1], [0, 3]])),
    "metrics.get": lambda: _c(metrics.get, ["accuracy"], "binary_crossentropy"),
    "metrics.accuracy_for": lambda: _c(metrics.accuracy_for, "categorical_crossentropy"),
    # ---- Keras-style preprocessing
    "Tokenizer": lambda: _c(lambda *a, **kw: pre.Tokenizer(*a, **kw).fit_on_texts(["the cat", "a dog"]), 10, "!", True, " ",
                            False, "<oov>"),
    "Tokenizer.fit_on_texts": lambda: _c(pre.Tokenizer(num_words=5).fit_on_texts, ["the cat", "a dog"]),
    "Tokenizer.texts_to_sequences": lambda: _c(tokenizer().texts_to_sequences, ["the cat", "a bird"]),
    "Tokenizer.sequences_to_texts": lambda: _c(tokenizer().sequences_to_texts, [[1, 2], [3]]),
    "Tokenizer.texts_to_matrix": lambda: _c(tokenizer().texts_to_matrix, ["the cat", "a dog"], "tfidf"),
    "Tokenizer.sequences_to_matrix": lambda: _c(tokenizer().sequences_to_matrix, [[1, 2], [3]], "count"),
    "to_categorical": lambda: _c(rnnlib.to_categorical, [0, 2, 1], 3, "float32"),
    "text_to_word_sequence": lambda: _c(pre.text_to_word_sequence, "The cat, the hat!", "!,", True, " "),
    "preprocessing.pad_sequences": lambda: _c(pre.pad_sequences, [[1, 2], [3]], 3, padding="pre", truncating="post", value=0),
    # ---- word vectors
    "WordVectors": lambda: _c(rnnlib.WordVectors, ["a", "b"], np.eye(2), "wv"),
    "WordVectors.similarity": lambda: _c(word_vectors().similarity, "a", "d"),
    "WordVectors.most_similar": lambda: _c(word_vectors().most_similar, ["a"], ["b"], 2),
    "WordVectors.analogy": lambda: _c(word_vectors().analogy, "a", "b", "c", 1),
    "WordVectors.embedding_matrix": lambda: _c(word_vectors().embedding_matrix, {"a": 1, "z": 2}, 3),
    "load_glove": lambda: _c(rnnlib.load_glove, glove_file()),
    "Word2Vec": lambda: _c(lambda *a, **kw: rnnlib.Word2Vec(*a, **kw).wv, sentences(), 4, 1, 1, 2, 1, 0.025, 8, 0, frozen=(5,)),
    "BagOfWordsClassifier": lambda: _c(lambda *a: rnnlib.BagOfWordsClassifier(*a).fit(ids_batch(), binary_labels()), V, 1e-4, 0.05, 3,
                                       frozen=(3,)),
    "BagOfWordsClassifier.fit": lambda: _c(rnnlib.BagOfWordsClassifier(V, steps=3).fit, ids_batch(), binary_labels()),
    "BagOfWordsClassifier.predict": lambda: _c(bow().predict, ids_batch()),
    "BagOfWordsClassifier.predict_proba": lambda: _c(bow().predict_proba, ids_batch()),
    "BagOfWordsClassifier.accuracy": lambda: _c(bow().accuracy, ids_batch(), binary_labels()),
    "BagOfWordsClassifier.top_words": lambda: _c(bow().top_words, {i: f"w{i}" for i in range(1, V)}, 3),
    # ---- data
    "grouped_split": lambda: _c(rnnlib.grouped_split, NAMES + NAMES[:2], None, 0.3, 0),
    "split_labelled": lambda: _c(rnnlib.split_labelled, NAMES, [0, 1, 0, 1, 0, 1], 0.3, 0),
    "datasets.available": lambda: _c(datasets.available),
    "datasets.on_disk": lambda: _c(datasets.on_disk, "dinos"),
    "datasets.load_surnames": lambda: _c(datasets.load_surnames),
    "datasets.load_sentence_polarity": lambda: _c(datasets.load_sentence_polarity),
    "get_sample": lambda: _c(rnnlib.get_sample, [1, 2, 0], dict(CHARS.ix_to_char)),
    "SGDHistory": lambda: _c(rnnlib.SGDHistory),
    "History": lambda: _c(History),
    "TrainConfig": lambda: _c(lambda **kw: rnnlib.TrainConfig(**kw).check(), hidden_size=8, steps=10, cell="gru"),
    "CharModel": lambda: _c(rnnlib.CharModel, rnnlib.init_parameters(len(CHARS), 4), CHARS, {}),
    "CharModel.copy": lambda: _c(char_model().copy),
    "SGD.state": lambda: _c(rnnlib.SGD(0.1).state),
    "total_loss": lambda: _c(wildml.total_loss, word_model().parameters, *rnnlib.lm_pairs([np.array([3, 4, 5])], 1), 512),
    # ---- the course modules' cache helpers
    "course.rnn_step_by_step.as_cell_cache": lambda: _c(rnn_step_by_step.as_cell_cache, rnnlib.rnn_cell_forward(
        rng().standard_normal((3, 4)), rng().standard_normal((5, 4)), rnn_params())[2], "fuzz"),
    "course.lstm_step_by_step.as_cell_cache": lambda: _c(lstm_step_by_step.as_cell_cache, rnnlib.lstm_cell_forward(
        rng().standard_normal((3, 4)), rng().standard_normal((5, 4)), rng().standard_normal((5, 4)), gated_params("fico"))[3], "fuzz"),
    "course.gru_step_by_step.as_cell_cache": lambda: _c(gru_step_by_step.as_cell_cache, rnnlib.gru_cell_forward(
        rng().standard_normal((3, 4)), rng().standard_normal((5, 4)), gated_params("urc"))[2], "fuzz"),
    "as_named_cache": lambda: _c(rnn_step_by_step.as_named_cache, rnn_step_by_step.RNNCellCache, tuple(rnnlib.rnn_cell_forward(
        rng().standard_normal((3, 4)), rng().standard_normal((5, 4)), rnn_params())[2]), "rnn_cell_forward", "fuzz"),
    "as_sequence_caches": lambda: _c(rnn_step_by_step.as_sequence_caches, rnnlib.rnn_forward(
        rng().standard_normal((3, 4, 2)), rng().standard_normal((5, 4)), rnn_params())[2], "fuzz", rnn_step_by_step.as_cell_cache),
    "lstm_stack_params": lambda: _c(lstm_step_by_step.lstm_stack_params, gated_params("fico"), "fuzz"),
    "gru_stack_params": lambda: _c(gru_step_by_step.gru_stack_params, gated_params("urc"), "fuzz"),
    # ---- the jazz assignment (rnnlib.course.jazz)
    "load_music_utils": lambda: _c(jazz.load_music_utils, "original_metheny.mid"),
    "course_layers": lambda: _c(jazz.course_layers, 78, 8),
    "djmodel": lambda: (lambda r, c, h: _c(jazz.djmodel, 30, c, h, r))(*jazz.course_layers(78, 4)),
    "djmodel(2018)": lambda: _c(lambda *a: jazz.djmodel(*a).count_params(), 30, 64, 78),
    "music_inference_model": lambda: (lambda r, c, h: _c(jazz.music_inference_model, c, h, None, None, 5))(*jazz_cells()),
    "predict_and_sample": lambda: _c(jazz.predict_and_sample, inference(), np.zeros((1, 1, metheny()[2])), np.zeros((1, 4)),
                                     np.zeros((1, 4))),
    "generate_music": lambda: _c(jazz.generate_music, inference(), metheny()[3], metheny()[4], 0.5, T_y=5, max_tries=10),
    "course.jazz.Adam": lambda: _c(lambda *a, **kw: jazz.Adam(*a, **kw).learning_rate, 0.01, 0.9, 0.999, 1e-7),
    "course.jazz.Adam.apply": lambda: _c(jazz.Adam(lr=0.01).apply, {"W": np.ones((2, 2))}, {"dW": np.ones((2, 2))}),
    "sample_solo_tokens": lambda: (lambda r, c, h: _c(jazz.sample_solo_tokens, c, h, 6, temperature=1.0, top_k=3, primer=(), seed=0,
                                                      greedy=False))(*jazz_cells()),
    "repetition_stats": lambda: _c(jazz.repetition_stats, [1, 2, 1, 2, 1, 2, 3], 4),
    "solo_from_tokens": lambda: _c(jazz.solo_from_tokens, [["C,0.250", "S,0.500,<m2,P-4>"]], metheny()[4][1:2], seed=0, course_cleanup=True),
    "improvise_solo": lambda: _c(jazz.improvise_solo, *improvise_args(), n_tokens=6, chord_sets=(1, 2), temperature=1.0, top_k=None,
                                 primer=(), seed=0, greedy=False),
    "Solo": lambda: _c(lambda **kw: jazz.Solo(**{**vars(improvisation().solo), **kw}).parts(), tempo_bpm=130),
    "Solo.parts": lambda: _c(improvisation().solo.parts, 480),
    "Solo.write_midi": lambda: _c(improvisation().solo.write_midi, "solo.mid", 480),
    # ---- the jazz event models (rnnlib.course.jazz_events)
    "EventConfig": lambda: _c(lambda **kw: jazz_events.EventConfig(**kw).check(), steps_per_beat=4, embed=4, hidden=4, seq_length=4),
    "EventConfig.check": lambda: _c(jazz_events.EventConfig().check),
    "EventModel": lambda: _c(lambda *a, **kw: jazz_events.EventModel(*a, **kw).vocab_size,
                             jazz_events.EventConfig(steps_per_beat=4, embed=4, hidden=4, seq_length=4), seed=0),
    "EventModel.fit": lambda: (lambda m, ids: _c(m.fit, ids, 1, 0.005, 4, 0, 0, frozen=(1,)))(*event_model(False)),
    "EventModel.windows": lambda: (lambda m, ids: _c(m.windows, ids))(*event_model(False)),
    "EventModel.improvise": lambda: _c(event_model()[0].improvise, 6, 1.0, None, (), 0),
    "EventModel.to_notes": lambda: (lambda m, ids: _c(m.to_notes, ids, 80))(*event_model(False)),
    "EventModel.save": lambda: _c(event_model()[0].save, "events.npz"),
    "EventModel.load": lambda: (event_model()[0].save("events.npz"), _c(jazz_events.EventModel.load, "events.npz"))[1],
    "choose_part": lambda: _c(jazz_events.choose_part, song(), 0, None),
    "improvised_notes": lambda: _c(jazz_events.improvised_notes, event_model()[0], 12, 1.0, None, 0),
    "train_event_model": lambda: _c(jazz_events.train_event_model, midi_file(), None, None, epochs=1, hidden=4, embed=4,
                                    seq_length=4, steps_per_beat=4, learning_rate=0.005, seed=0, verbose=0, frozen=("epochs",)),
    # ---- the surname classifier (rnnlib.course.surnames)
    "surname_data": lambda: _c(surnames.surname_data, 0.1, 0),
    "surname_model": lambda: _c(lambda *a: surnames.surname_model(*a).predict(np.ones((2, 4), int)), 30, 18, 8, 8, 0),
    "shipped_surname_classifier": lambda: _c(surnames.shipped_surname_classifier, None),
    "SurnameData": lambda: _c(lambda **kw: surnames.SurnameData(**{**vars(surname_split()), **kw}).encode(["Nakamura"]),
                              classes=list(surname_split().classes)),
    "SurnameData.encode": lambda: _c(surname_split().encode, ["Nakamura", "Smith"]),
    "SurnameData.one_hot": lambda: _c(surname_split().one_hot, [0, 3, 17]),
    "SurnameClassifier": lambda: _c(lambda *a: surnames.SurnameClassifier(*a).predict(["Nakamura"]), shipped_classifier().model,
                                    surname_split()),
    "SurnameClassifier.predict": lambda: _c(shipped_classifier().predict, ["Nakamura", "Smith"]),
    "SurnameClassifier.probabilities": lambda: _c(shipped_classifier().probabilities, "Nakamura"),
    # ---- rnnlib.ui: audio
    "synthesize": lambda: _c(ui.synthesize, [0.0, 0.5], [0.5, 0.5], [60, 64], [80, 90], sample_rate=8000),
    "render_notes": lambda: _c(ui.render_notes, phrase(), 96, 500000, sample_rate=8000),
    "render_song": lambda: _c(ui.render_song, song(), None, sample_rate=8000),
    "wav_bytes": lambda: _c(ui.wav_bytes, np.zeros(100, np.float32), 8000),
    "write_wav": lambda: _c(ui.write_wav, "x.wav", np.zeros(100, np.float32), 8000),
    "audio_player": lambda: _c(ui.audio_player, np.zeros(100, np.float32), 8000),
    # ---- rnnlib.ui: jazz
    "improvise": lambda: _c(ui.improvise, *improvise_args(), n_tokens=6, chord_sets=(1,), temperature=1.0, seed=0),
    "Improvisation": lambda: (lambda imp: _c(lambda *a: ui.Improvisation(*a).wav_bytes(), imp.solo, imp.samples, imp.sample_rate))(
        improvisation()),
    "Improvisation.audio": lambda: _c(improvisation().audio),
    "Improvisation.wav_bytes": lambda: _c(improvisation().wav_bytes),
    "Improvisation.piano_roll": lambda: _c(improvisation().piano_roll, "t", None),
    "solo_samples": lambda: _c(ui.solo_samples, improvisation().solo, 8000, True),
    "solo_piano_roll": lambda: _c(ui.solo_piano_roll, improvisation().solo, "t", None),
    "jazz_improviser": lambda: _c(lambda *a, **kw: ui.jazz_improviser(*a, **kw).error is None or ui.jazz_improviser(*a, **kw).error,
                                  *improvise_args(), temperature=1.0, seed=0, length=6, chord_sets="1", sample_rate=8000),
    "JazzImproviser": lambda: _c(lambda *a, **kw: ui.JazzImproviser(*a, **kw).take, *improvise_args(), length=6, chord_sets="1",
                                 sample_rate=8000),
    "JazzImproviser.improvise": lambda: _c(ui.JazzImproviser(*improvise_args(), length=6, chord_sets="1", sample_rate=8000).improvise,
                                           None),
    # ---- rnnlib.ui: widgets
    "DinoSampler": lambda: _c(lambda *a: ui.DinoSampler(*a).names, char_model(), NAMES, 0, 20),
    "DinoSampler.refresh": lambda: _c(ui.DinoSampler(char_model(), NAMES, 0, 20).refresh, None),
    "PoemWriter": lambda: _c(lambda *a: ui.PoemWriter(*a).generate(), char_model(), "tyr", 0, 8),
    "PoemWriter.generate": lambda: _c(ui.PoemWriter(char_model(), "tyr", 0, 8).generate, None),
    "LiveTrainingView": lambda: _c(lambda *a: ui.LiveTrainingView(*a).on_eval(history()), 10, "t"),
    "LiveTrainingView.on_eval": lambda: _c(ui.LiveTrainingView(10, "t").on_eval, history()),
    "language_guesser": lambda: _c(lambda *a: ui.language_guesser(*a).guesses, guesser_predict, shipped_classifier().classes,
                                   "Nakamura", 3),
    "LanguageGuesser": lambda: _c(lambda *a: ui.LanguageGuesser(*a).guesses, guesser_predict, shipped_classifier().classes,
                                  "Nakamura", 3),
    "LanguageGuesser.refresh": lambda: _c(ui.LanguageGuesser(guesser_predict, shipped_classifier().classes, "Nakamura", 3).refresh, None),
    "render_bars": lambda: _c(ui.render_bars, [("Japanese", 0.9), ("English", 0.1)]),
    # ---- rnnlib.ui: figures and experiments
    "plot_word_map": lambda: _c(ui.plot_word_map, word_vectors(), ["a", "b", "c"], "t"),
    "plot_piano_roll": lambda: _c(ui.plot_piano_roll, [(0, 0.5, 60), (0.5, 0.5, 64)], [(0, 4, (48, 52, 55))], title="t",
                                  beats_per_measure=4, ax=None),
    "plot_confusion_matrix": lambda: _c(ui.plot_confusion_matrix, np.array([[3, 1], [0, 4]]), ["no", "yes"], "t", True),
    "plot_learning_curves": lambda: _c(ui.plot_learning_curves, {"lstm": fit_history(), "gru": fit_history().history}, "accuracy", "t"),
    "input_gradient_norms": lambda: _c(ui.input_gradient_norms, classifier(), ids_batch(), binary_labels()),
}
