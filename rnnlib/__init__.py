"""rnnlib: recurrent sequence models in numpy, written once and used two ways.

* The course's functions, with the course's names, shapes and dict keys::

      from rnnlib import rnn_cell_forward, rnn_forward, clip, sample, optimize, model
      from rnnlib import lstm_cell_forward, lstm_backward, gru_cell_forward, gru_backward

* A fast batched trainer, sampler and model files on the same cells::

      from rnnlib import TrainConfig, train, train_stream, sample_names, save_model, load_model

* A small Keras-style model API on the same cells, as a subpackage::

      from rnnlib.nn import Sequential, Embedding, LSTM, Dense

Widgets, plots and the notebooks' experiments are in ``rnnlib.ui``.  The layers underneath, for
reading: ``rnnlib.core`` (the math) <- ``rnnlib.data`` (corpora, vocabularies) <-
``rnnlib.training`` (trainers, sampling, model files) <- ``rnnlib.nn`` (Keras-style models) <-
``rnnlib.course`` (the assignments) <- ``rnnlib.ui``.  Every public name below is listed in ``__all__``.
"""
from .core.functional import sigmoid, softmax
from .core.lm import init_parameters
from .core.gradcheck import check_gradients, norm_relative_error, numerical_gradient, relative_error, weighted_loss
from .core.optim import SGD, Adam, clip_by_global_norm, clip_by_value, global_norm
from .course.dinosaurs import (
    clip,
    get_initial_loss,
    get_sample,
    initialize_parameters,
    model,
    optimize,
    print_sample,
    rnn_lm_backward,
    rnn_lm_forward,
    sample,
    smooth,
    update_parameters,
)
from .course.gru_step_by_step import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward
from .course.lstm_step_by_step import lstm_backward, lstm_cell_backward, lstm_cell_forward, lstm_forward
from .course.rnn_step_by_step import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from .course.shakespeare import build_data, generate_output, pretrained_model, vectorization
from .course.wildml import RNNNumpy, SGDHistory, generate_sentence, lm_pairs, perplexity
from .data import datasets
from .data.chars import (
    PAD,
    START,
    CharVocab,
    grouped_split,
    names_to_batch,
    pad_ids,
    split_labelled,
    split_names,
    split_tail,
    train_val_split,
)
from .data.padding import pad_sequences
from .data.preprocessing import Tokenizer, to_categorical
from .data.word_vectors import WordVectors, load_glove
from .data.words import (
    SENTENCE_END,
    SENTENCE_START,
    UNKNOWN_TOKEN,
    WordVocab,
    join_words,
    split_sentences,
    strip_speakers,
    tokenize_sentences,
    word_tokenize,
)
from .errors import (
    ConfigError,
    CorpusError,
    DatasetUnavailable,
    GradientCheckFailed,
    ModelFileError,
    RnnlibError,
    SamplingError,
    ShapeError,
    TrainingDiverged,
    VocabularyError,
)
from .training.bag_of_words import BagOfWordsClassifier
from .training.language_model import CharModel, LanguageModel
from .training.model_files import load_model, save_model
from .training.sampling import mark_known, next_char_distribution, probabilities, sample_names
from .training.trainer import (
    History,
    TrainConfig,
    evaluate,
    evaluate_stream,
    shuffled_batches,
    train,
    train_sequences,
    train_stream,
)
from .training.word2vec import Word2Vec

__version__ = "0.1.0"

__all__ = [
    # Building an RNN step by step (and the lecture's GRU)
    "rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
    "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward",
    "gru_cell_forward", "gru_forward", "gru_cell_backward", "gru_backward",
    # Dinosaur Island
    "clip", "sample", "optimize", "model", "initialize_parameters", "get_initial_loss", "smooth",
    "print_sample", "get_sample", "update_parameters", "rnn_lm_forward", "rnn_lm_backward",
    # Writing like Shakespeare
    "build_data", "vectorization", "generate_output", "pretrained_model",
    # WildML's word-level RNN
    "RNNNumpy", "SGDHistory", "generate_sentence", "lm_pairs", "perplexity",
    # the fast path: models, training, sampling, files
    "LanguageModel", "CharModel", "TrainConfig", "History", "train", "train_sequences", "train_stream",
    "evaluate", "evaluate_stream", "shuffled_batches",
    "sample_names", "next_char_distribution", "mark_known", "probabilities",
    "save_model", "load_model",
    # data and text
    "datasets", "CharVocab", "split_names", "names_to_batch", "pad_ids", "train_val_split", "split_tail",
    "grouped_split", "split_labelled",
    "START", "PAD", "WordVocab", "word_tokenize", "split_sentences", "tokenize_sentences", "strip_speakers",
    "join_words", "pad_sequences", "SENTENCE_START", "SENTENCE_END", "UNKNOWN_TOKEN",
    # Keras-style preprocessing (also importable as rnnlib.preprocessing, Keras's names)
    "Tokenizer", "to_categorical",
    # word vectors
    "WordVectors", "load_glove", "Word2Vec",
    # text classification baseline
    "BagOfWordsClassifier",
    # building blocks
    "init_parameters", "sigmoid", "softmax", "SGD", "Adam", "clip_by_value", "clip_by_global_norm", "global_norm",
    "numerical_gradient", "relative_error", "norm_relative_error", "check_gradients", "weighted_loss",
    # errors
    "RnnlibError", "ConfigError", "ShapeError", "VocabularyError", "CorpusError", "SamplingError",
    "ModelFileError", "DatasetUnavailable", "TrainingDiverged", "GradientCheckFailed",
]
