"""Valid base arguments for every public function and method the fuzz suite drives.

``CASES`` maps a name to a factory returning ``(fn, args, kwargs, frozen)``: a callable, a set of
arguments it accepts, and the arguments that stay valid (counts of work such as training steps,
whose huge values are a long run rather than bad input).  Factories build fresh arrays each time,
so in-place functions (``clip``, ``optimize``) never see a previous example's leftovers.
"""
import numpy as np

import rnnlib
import rnnlib.ui as ui
from rnnlib import (
    Adam, CharVocab, History, LanguageModel, RNNNumpy, SGD, TrainConfig, WordVocab, datasets, init_parameters,
)

N_X, N_A, N_Y, M, T = 3, 5, 2, 4, 6
NAMES = ["tyrannosaurus", "velociraptor", "stegosaurus", "triceratops", "diplodocus", "allosaurus"]
CHARS = CharVocab(sorted(set("".join(NAMES) + "\n")))


def rng():
    return np.random.default_rng(0)


def rnn_params(r=None):
    r = r or rng()
    return {"Wax": r.standard_normal((N_A, N_X)), "Waa": r.standard_normal((N_A, N_A)),
            "Wya": r.standard_normal((N_Y, N_A)), "ba": r.standard_normal((N_A, 1)), "by": r.standard_normal((N_Y, 1))}


def gated_params(gates):
    r = rng()
    p = {}
    for g in gates:
        p["W" + g] = r.standard_normal((N_A, N_A + N_X))
        p["b" + g] = r.standard_normal((N_A, 1))
    p["Wy"], p["by"] = r.standard_normal((N_Y, N_A)), r.standard_normal((N_Y, 1))
    return p


def char_model(cell="rnn", layers=1):
    return LanguageModel(init_parameters(len(CHARS), 8, seed=0, cell=cell, layers=layers), CHARS, {"corpus": None})


def words():
    return WordVocab.from_text("The cat sat. The dog ran! A cat ran? The end.")


def word_model():
    v = words()
    return RNNNumpy(len(v), 4, seed=0).to_language_model(v)


def dino_params():
    return rnnlib.initialize_parameters(N_A, len(CHARS), len(CHARS))


def dino_xy():
    ids = [CHARS.char_to_ix[c] for c in "tyr"]
    return [None] + ids, ids + [CHARS.char_to_ix["\n"]]


def five_grads():
    r = rng()
    return {"dWaa": r.standard_normal((N_A, N_A)) * 10, "dWax": r.standard_normal((N_A, N_X)) * 10,
            "dWya": r.standard_normal((N_Y, N_A)) * 10, "db": r.standard_normal((N_A, 1)) * 10,
            "dby": r.standard_normal((N_Y, 1)) * 10}


def small_config(**kw):
    return TrainConfig(**{"hidden_size": 6, "steps": 3, "eval_every": 2, "batch_size": 4, "seq_length": 5, **kw})


def lm_batch():
    X, Y = rnnlib.names_to_batch(NAMES[:3], CHARS)
    return X, Y


def lm_cache():
    X, Y = lm_batch()
    return rnnlib.core.lm.forward(init_parameters(len(CHARS), 8), X, Y)[2]


def layer_arrays(cell_name, dtype=np.float64):
    """(cell, xw, state0, Wh) for one layer of ``cell_name`` over T steps of M sequences."""
    import rnnlib.core.layers as layers

    cell, r = layers.CELLS[cell_name], rng()
    xw = r.standard_normal((cell.gates * N_A, T, M)).astype(dtype)
    state0 = tuple(r.standard_normal((N_A, M)).astype(dtype) for _ in range(cell.n_states))
    return cell, xw, state0, (r.standard_normal(cell.recurrent_shape(N_A)) * 0.5).astype(dtype)


def projected_arrays():
    cell, _, state0, Wh = layer_arrays("lstm", np.float32)
    r = rng()
    inputs = r.standard_normal((N_X, T, M)).astype(np.float32)
    return cell, inputs, r.standard_normal((4 * N_A, N_X)).astype(np.float32), np.zeros((4 * N_A, 1), np.float32), state0, Wh


def layer_backward_arrays():
    import rnnlib.core.layers as layers

    cell, xw, state0, Wh = layer_arrays("lstm")
    _, final, caches = layers.layer_forward(cell, xw, state0, Wh)
    return cell, rng().standard_normal((N_A, T, M)), tuple(np.ones_like(s) for s in final), caches, Wh


def history():
    h = History()
    for s in (1, 2, 3):
        h.step.append(s); h.train_loss.append(3.0 - s / 10); h.val_loss.append(3.1 - s / 10); h.seconds.append(s)
    h.best_step, h.best_val_loss = 3, 2.8
    return h


def _c(fn, *args, frozen=(), **kwargs):
    return fn, list(args), kwargs, frozen


CASES = {
    # ---- building an RNN step by step
    "rnn_cell_forward": lambda: _c(rnnlib.rnn_cell_forward, rng().standard_normal((N_X, M)), rng().standard_normal((N_A, M)), rnn_params()),
    "rnn_forward": lambda: _c(rnnlib.rnn_forward, rng().standard_normal((N_X, M, T)), rng().standard_normal((N_A, M)), rnn_params()),
    "rnn_cell_backward": lambda: _c(rnnlib.rnn_cell_backward, rng().standard_normal((N_A, M)),
                                    rnnlib.rnn_cell_forward(rng().standard_normal((N_X, M)), rng().standard_normal((N_A, M)), rnn_params())[2]),
    "rnn_backward": lambda: _c(rnnlib.rnn_backward, rng().standard_normal((N_A, M, T)),
                               rnnlib.rnn_forward(rng().standard_normal((N_X, M, T)), rng().standard_normal((N_A, M)), rnn_params())[2]),
    "lstm_cell_forward": lambda: _c(rnnlib.lstm_cell_forward, rng().standard_normal((N_X, M)), rng().standard_normal((N_A, M)),
                                    rng().standard_normal((N_A, M)), gated_params("fico")),
    "lstm_forward": lambda: _c(rnnlib.lstm_forward, rng().standard_normal((N_X, M, T)), rng().standard_normal((N_A, M)), gated_params("fico")),
    "lstm_cell_backward": lambda: _c(rnnlib.lstm_cell_backward, rng().standard_normal((N_A, M)), rng().standard_normal((N_A, M)),
                                     rnnlib.lstm_cell_forward(rng().standard_normal((N_X, M)), rng().standard_normal((N_A, M)),
                                                              rng().standard_normal((N_A, M)), gated_params("fico"))[3]),
    "lstm_backward": lambda: _c(rnnlib.lstm_backward, rng().standard_normal((N_A, M, T)),
                                rnnlib.lstm_forward(rng().standard_normal((N_X, M, T)), rng().standard_normal((N_A, M)), gated_params("fico"))[3]),
    "gru_cell_forward": lambda: _c(rnnlib.gru_cell_forward, rng().standard_normal((N_X, M)), rng().standard_normal((N_A, M)), gated_params("urc")),
    "gru_forward": lambda: _c(rnnlib.gru_forward, rng().standard_normal((N_X, M, T)), rng().standard_normal((N_A, M)), gated_params("urc")),
    "gru_cell_backward": lambda: _c(rnnlib.gru_cell_backward, rng().standard_normal((N_A, M)),
                                    rnnlib.gru_cell_forward(rng().standard_normal((N_X, M)), rng().standard_normal((N_A, M)), gated_params("urc"))[2]),
    "gru_backward": lambda: _c(rnnlib.gru_backward, rng().standard_normal((N_A, M, T)),
                               rnnlib.gru_forward(rng().standard_normal((N_X, M, T)), rng().standard_normal((N_A, M)), gated_params("urc"))[2]),
    # ---- Dinosaur Island
    "clip": lambda: _c(rnnlib.clip, five_grads(), 5),
    "sample": lambda: _c(rnnlib.sample, dino_params(), dict(CHARS.char_to_ix), 0),
    "optimize": lambda: _c(rnnlib.optimize, *dino_xy(), np.zeros((N_A, 1)), dino_params(), 0.01),
    "model": lambda: _c(rnnlib.model, "\n".join(NAMES), dict(CHARS.ix_to_char), dict(CHARS.char_to_ix), 3, N_A, 2,
                        len(CHARS), frozen=(3,)),
    "initialize_parameters": lambda: _c(rnnlib.initialize_parameters, N_A, N_X, N_Y),
    "get_initial_loss": lambda: _c(rnnlib.get_initial_loss, 27, 7),
    "smooth": lambda: _c(rnnlib.smooth, 3.0, 2.0),
    "print_sample": lambda: _c(rnnlib.print_sample, [1, 2, 3], dict(CHARS.ix_to_char)),
    "update_parameters": lambda: _c(rnnlib.update_parameters, dino_params(), rnnlib.rnn_lm_backward(
        *dino_xy(), dino_params(), rnnlib.rnn_lm_forward(*dino_xy(), np.zeros((N_A, 1)), dino_params())[1])[0], 0.01),
    "rnn_lm_forward": lambda: _c(rnnlib.rnn_lm_forward, *dino_xy(), np.zeros((N_A, 1)), dino_params()),
    "rnn_lm_backward": lambda: _c(rnnlib.rnn_lm_backward, *dino_xy(), dino_params(),
                                  rnnlib.rnn_lm_forward(*dino_xy(), np.zeros((N_A, 1)), dino_params())[1]),
    # ---- Writing like Shakespeare
    "build_data": lambda: _c(rnnlib.build_data, "shall i compare thee to a summer's day", 10, 3),
    "vectorization": lambda: _c(rnnlib.vectorization, ["abc", "bca"], ["a", "b"], 3, {"a": 0, "b": 1, "c": 2}, 3),
    "generate_output": lambda: _c(rnnlib.generate_output, "tyr", 20, 0.8, None, 0, char_model("lstm", 2)),
    "pretrained_model": lambda: _c(rnnlib.pretrained_model, None),
    # ---- WildML
    "RNNNumpy": lambda: _c(RNNNumpy, 10, 4, 4, 0),
    "RNNNumpy.forward_propagation": lambda: _c(RNNNumpy(10, 4).forward_propagation, np.array([1, 2, 3])),
    "RNNNumpy.predict": lambda: _c(RNNNumpy(10, 4).predict, np.array([1, 2, 3])),
    "RNNNumpy.calculate_loss": lambda: _c(RNNNumpy(10, 4).calculate_loss, [np.array([0, 1, 2])], [np.array([1, 2, 3])]),
    "RNNNumpy.calculate_total_loss": lambda: _c(RNNNumpy(10, 4).calculate_total_loss, [np.array([0, 1])], [np.array([1, 2])]),
    "RNNNumpy.bptt": lambda: _c(RNNNumpy(10, 4).bptt, np.array([0, 1, 2]), np.array([1, 2, 3])),
    "RNNNumpy.sgd_step": lambda: _c(RNNNumpy(10, 4).sgd_step, np.array([0, 1, 2]), np.array([1, 2, 3]), 0.005),
    "RNNNumpy.gradient_check": lambda: _c(RNNNumpy(6, 3, bptt_truncate=None).gradient_check, np.array([0, 1]), np.array([1, 2])),
    "RNNNumpy.train_with_sgd": lambda: _c(RNNNumpy(10, 4).train_with_sgd, [np.array([0, 1, 2])], [np.array([1, 2, 3])], 0.005, 2, 1,
                                          frozen=(3,)),
    "RNNNumpy.generate_sentence": lambda: _c(RNNNumpy(len(words()), 4).generate_sentence, words(), 0, 0, 5, 3),
    "RNNNumpy.to_language_model": lambda: _c(RNNNumpy(len(words()), 4).to_language_model, words()),
    "RNNNumpy.from_language_model": lambda: _c(RNNNumpy.from_language_model, word_model()),
    "generate_sentence": lambda: _c(rnnlib.generate_sentence, word_model().parameters, words(), 0, 0, 5, 3),
    "lm_pairs": lambda: _c(rnnlib.lm_pairs, [np.array([3, 4]), np.array([5])], 1),
    "perplexity": lambda: _c(rnnlib.perplexity, word_model().parameters, *rnnlib.lm_pairs([np.array([3, 4])], 1)),
    # ---- the fast path
    "LanguageModel": lambda: _c(LanguageModel, init_parameters(len(CHARS), 4), CHARS, {}),
    "LanguageModel.copy": lambda: _c(char_model().copy),
    "TrainConfig.check": lambda: _c(lambda **kw: TrainConfig(**kw).check(), **{
        k: v for k, v in vars(TrainConfig()).items()}),
    "train": lambda: _c(rnnlib.train, NAMES[:4], NAMES[4:], small_config(), progress=False, frozen=()),
    "train_sequences": lambda: _c(rnnlib.train_sequences, [CHARS.encode(n) for n in NAMES[:4]], [CHARS.encode(NAMES[4])],
                                  CHARS, 0, small_config(), progress=False),
    "train_stream": lambda: _c(rnnlib.train_stream, CHARS.encode("".join(NAMES)), CHARS.encode(NAMES[0]), CHARS,
                               small_config(), progress=False),
    "train(config)": lambda: _c(lambda **kw: rnnlib.train(NAMES[:4], NAMES[4:], small_config(**kw), progress=False),
                                hidden_size=6, cell="gru", layers=1, dropout=0.1, batch_size=4, optimizer="adam",
                                learning_rate=0.005, clip="value", clip_threshold=5.0, seed=0, dtype="float32",
                                forget_bias=1.0, max_minutes=0.0),
    "evaluate": lambda: _c(rnnlib.evaluate, init_parameters(len(CHARS), 4), *lm_batch()),
    "evaluate_stream": lambda: _c(rnnlib.evaluate_stream, init_parameters(len(CHARS), 4), CHARS.encode("tyrannosaurus"), 2, 5),
    "shuffled_batches": lambda: _c(lambda *a: next(rnnlib.shuffled_batches(*a)), [1, 2, 3], 2, rng()),
    "sample_names": lambda: _c(rnnlib.sample_names, char_model("gru"), 3, 1.0, None, "ty", 12, 0),
    "next_char_distribution": lambda: _c(rnnlib.next_char_distribution, char_model(), "ty", 1.0, 3),
    "mark_known": lambda: _c(rnnlib.mark_known, ["a", "B"], ["b", " c"]),
    "probabilities": lambda: _c(rnnlib.probabilities, rng().standard_normal((5, 2)), 0.7, 3),
    "save_model": lambda: _c(rnnlib.save_model, char_model(), "m.npz"),
    "load_model": lambda: _c(rnnlib.load_model, rnnlib.save_model(char_model(), "m.npz"), CHARS),
    # ---- data and text
    "datasets.load_text": lambda: _c(datasets.load_text, "dinos", True),
    "datasets.fetch": lambda: _c(datasets.fetch, "dinos"),
    "CharVocab": lambda: _c(CharVocab, ["a", "b", "\n"]),
    "CharVocab.from_text": lambda: _c(CharVocab.from_text, "abc\nab"),
    "CharVocab.encode": lambda: _c(CHARS.encode, "tyr"),
    "CharVocab.decode": lambda: _c(CHARS.decode, [1, 2, 3]),
    "CharVocab.unknown": lambda: _c(CHARS.unknown, "tyr!"),
    "split_names": lambda: _c(rnnlib.split_names, "a\nb\n\nc"),
    "names_to_batch": lambda: _c(rnnlib.names_to_batch, ["tyr", "dino"], CHARS, "\n"),
    "pad_ids": lambda: _c(rnnlib.pad_ids, [np.array([1, 2]), np.array([3])], 0),
    "train_val_split": lambda: _c(rnnlib.train_val_split, NAMES, 0.2, 0),
    "split_tail": lambda: _c(rnnlib.split_tail, np.arange(20), 0.1),
    "WordVocab": lambda: _c(WordVocab, ["SENTENCE_START", "SENTENCE_END", "UNKNOWN_TOKEN", "cat"], None, True),
    "WordVocab.build": lambda: _c(WordVocab.build, [["the", "cat"], ["a", "cat"]], 10, True),
    "WordVocab.from_text": lambda: _c(WordVocab.from_text, "The cat sat. A dog.", 10, True),
    "WordVocab.encode": lambda: _c(words().encode, "the cat"),
    "WordVocab.decode": lambda: _c(words().decode, [3, 4, 1]),
    "WordVocab.ids_to_tokens": lambda: _c(words().ids_to_tokens, [3, -1, 4]),
    "WordVocab.most_common": lambda: _c(words().most_common, 3),
    "WordVocab.texts_to_sequences": lambda: _c(words().texts_to_sequences, ["the cat", "a dog"]),
    "WordVocab.sequences_to_texts": lambda: _c(words().sequences_to_texts, [[3, 4], [5]]),
    "WordVocab.training_pair": lambda: _c(words().training_pair, "the cat"),
    "WordVocab.training_pairs": lambda: _c(words().training_pairs, ["the cat", ["a", "dog"]]),
    "word_tokenize": lambda: _c(rnnlib.word_tokenize, "He left!", True),
    "split_sentences": lambda: _c(rnnlib.split_sentences, "One. Two! Three?"),
    "tokenize_sentences": lambda: _c(rnnlib.tokenize_sentences, "One. Two!", True),
    "strip_speakers": lambda: _c(rnnlib.strip_speakers, "First Citizen:\nHello.\n\nAll:\nSpeak.", 4),
    "join_words": lambda: _c(rnnlib.join_words, ["he", "left", "!"]),
    "pad_sequences": lambda: _c(rnnlib.pad_sequences, [[1, 2], [3]], 3, padding="post", truncating="pre", value=-1, dtype="int32"),
    # ---- building blocks
    "init_parameters": lambda: _c(init_parameters, 10, 4, 0, np.float32, "lstm", 2, 1.0),
    "sigmoid": lambda: _c(rnnlib.sigmoid, rng().standard_normal((3, 2))),
    "softmax": lambda: _c(rnnlib.softmax, rng().standard_normal((3, 2)), 0, False),
    "SGD.step": lambda: _c(SGD(0.1).step, init_parameters(5, 3), rnnlib.core.lm.backward(lm_cache())[0] and
                           {"d" + k: np.ones_like(v) for k, v in init_parameters(5, 3).items()}),
    "SGD": lambda: _c(lambda lr: SGD(lr).step(init_parameters(5, 3), {"d" + k: np.ones_like(v) for k, v in init_parameters(5, 3).items()}), 0.1),
    "Adam": lambda: _c(lambda *a: Adam(*a).step(init_parameters(5, 3), {"d" + k: np.ones_like(v) for k, v in init_parameters(5, 3).items()}),
                       0.005, 0.9, 0.999, 1e-8),
    "Adam.step": lambda: _c(Adam().step, init_parameters(5, 3), {"d" + k: np.ones_like(v) for k, v in init_parameters(5, 3).items()}),
    "clip_by_value": lambda: _c(rnnlib.clip_by_value, five_grads(), 1.0),
    "clip_by_global_norm": lambda: _c(rnnlib.clip_by_global_norm, five_grads(), 1.0),
    "global_norm": lambda: _c(rnnlib.global_norm, five_grads()),
    "numerical_gradient": lambda: (lambda a: _c(rnnlib.numerical_gradient, lambda: float((a ** 2).sum()), a, 1e-5))(np.ones((2, 2))),
    "relative_error": lambda: _c(rnnlib.relative_error, np.ones(3), np.ones(3) * 1.01),
    "norm_relative_error": lambda: _c(rnnlib.norm_relative_error, np.ones(3), np.ones(3) * 1.01),
    "check_gradients": lambda: (lambda a: _c(rnnlib.check_gradients, lambda: float((a ** 2).sum()), {"a": a}, {"a": 2 * a}, 1e-5, "max"))(np.ones((2, 2))),
    "weighted_loss": lambda: _c(rnnlib.weighted_loss, np.ones((2, 2)), np.ones((2, 2))),
    "lm.forward": lambda: _c(rnnlib.core.lm.forward, init_parameters(len(CHARS), 4, cell="lstm", layers=2), *lm_batch(), None, 0.0, None),
    "lm.backward": lambda: _c(rnnlib.core.lm.backward, lm_cache(), None),
    "lm.step": lambda: _c(rnnlib.core.lm.step, init_parameters(len(CHARS), 4), np.array([1, -1]), np.zeros((4, 2), np.float32)),
    "layers.layer_forward": lambda: _c(rnnlib.core.layers.layer_forward, *layer_arrays("lstm")[:4], None, False, None),
    "layers.layer_forward.masked": lambda: _c(rnnlib.core.layers.layer_forward, *layer_arrays("gru")[:4],
                                              np.ones((T, M), bool), True, np.ones((N_A, M))),
    "layers.projected_layer_forward": lambda: _c(rnnlib.core.layers.projected_layer_forward, *projected_arrays()),
    "layers.layer_backward": lambda: _c(rnnlib.core.layers.layer_backward, *layer_backward_arrays(), None, False, None),
    # ---- rnnlib.ui
    "dino_sampler": lambda: _c(ui.dino_sampler, char_model(), NAMES, 0, 20),
    "poem_writer": lambda: _c(lambda *a: ui.poem_writer(*a).generate(), char_model(), "tyr", 0),
    "live_training_view": lambda: _c(lambda *a: ui.live_training_view(*a).on_eval(history()), 10, "t"),
    "render_names": lambda: _c(ui.render_names, ["a", "b"], [True, False]),
    "render_message": lambda: _c(ui.render_message, "oops"),
    "render_poem": lambda: _c(ui.render_poem, "a\nb"),
    "plot_history": lambda: _c(ui.plot_history, history(), "t"),
    "plot_clipping": lambda: _c(ui.plot_clipping, {"a": {"loss": np.ones(5), "grad_norm": np.ones(5)}}, 2),
    "plot_distributions": lambda: _c(ui.plot_distributions, {"T": np.ones(3) / 3}, ["a", "b", "\n"], "t"),
    "plot_gradient_norms": lambda: _c(ui.plot_gradient_norms, {"rnn": np.array([1.0, 0.5, 0.1])}, "t"),
    "plot_lstm_gates": lambda: _c(ui.plot_lstm_gates, ui.lstm_gate_activations(init_parameters(len(CHARS), 4, cell="lstm"), CHARS.encode("tyr")),
                                  "tyr", [0, 1]),
    "plot_cell_comparison": lambda: _c(ui.plot_cell_comparison, [{"cell": "rnn", "history": history(), "parameters": 10}]),
    "moving_average": lambda: _c(ui.moving_average, [1.0, 2.0, 3.0], 2),
    "clipping_experiment": lambda: _c(ui.clipping_experiment, NAMES[:2], CHARS, 3, 0.03, 4.0, 1.0, 5, 0, frozen=(2,)),
    "gradient_norms_through_time": lambda: _c(ui.gradient_norms_through_time, init_parameters(len(CHARS), 4, cell="gru"), CHARS.encode("tyr")),
    "lstm_gate_activations": lambda: _c(ui.lstm_gate_activations, init_parameters(len(CHARS), 4, cell="lstm"), CHARS.encode("tyr")),
    "compare_cells": lambda: _c(ui.compare_cells, NAMES[:3], NAMES[3:4], ("rnn", "gru"), hidden_size=4, steps=2, eval_every=1,
                                batch_size=2, frozen=("steps",)),
}
