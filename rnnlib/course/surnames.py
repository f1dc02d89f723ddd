"""Surnames by language: a many-to-one character classifier, as the study notes build it in Keras.

The task is the one of PyTorch's name-classification tutorial: read a surname letter by letter and say
which of 20 languages it comes from.  The model is the notes' recipe on ``rnnlib.nn``::

    Embedding(n_chars, 48, mask_zero=True) -> Bidirectional(GRU(96, dropout=0.2, recurrent_dropout=0.2))
        -> Dropout(0.3) -> Dense(20, activation="softmax")

with a character-level ``Tokenizer`` (lowercased) and post-padding to ``MAXLEN`` characters, so the masked
GRU reads only the real letters and the backward direction starts at each name's last one.

The data split keeps every repeated surname on one side (``rnnlib.split_labelled``): 699 surnames occur more
than once, 579 of them under several languages, and a validation name seen in training would flatter the score.
``benchmarks/names_by_language.py`` trains the shipped model (``data/models/surnames_bigru.npz``) and
reports its held-out accuracy and macro-F1 against the majority-class baseline.
"""
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data import datasets
from ..data.chars import split_labelled
from ..data.padding import pad_sequences
from ..data.preprocessing import Tokenizer, to_categorical
from ..core.checks import check_instance, check_int, check_sequence
from ..errors import ModelFileError, VocabularyError
from ..nn import GRU, Bidirectional, Dense, Dropout, Embedding, Sequential

MAXLEN = 20  # characters read per name: the longest surname has 26, 99.99% have at most 20
SHIPPED_FILE = "surnames_bigru.npz"
SHIPPED_PLACES = (Path(__file__).resolve().parents[2] / "data" / "models",
                  Path(sys.prefix) / "share" / "rnnlib" / "models")


@dataclass
class SurnameData:
    """The seeded split and what reads it: names and int labels per side, the class names, the tokenizer."""

    train_names: list
    train_labels: np.ndarray
    val_names: list
    val_labels: np.ndarray
    classes: list
    tokenizer: Tokenizer

    def encode(self, names):
        """(len(names), MAXLEN) int32 character ids, post-padded with 0 (the Embedding's mask)."""
        names = _check_names(names, "SurnameData.encode")
        return pad_sequences(self.tokenizer.texts_to_sequences(names), maxlen=MAXLEN, padding="post",
                             truncating="post")

    def one_hot(self, labels):
        return to_categorical(labels, len(self.classes))


def _check_names(names, where):
    """``names`` as a list of strings (a single string is one name too many letters: refused)."""
    names = check_sequence("names", names, where, error=VocabularyError, nonempty=False, what="a list of surnames")
    if not all(isinstance(n, str) for n in names):
        raise VocabularyError(f"{where}: every name must be a string")
    return names


def surname_data(val_fraction=0.1, seed=0):
    """Load the 19,950 surnames, split them (repeated names kept on one side) and fit the tokenizer on the
    training names.  Returns SurnameData; the same arguments always give the same split and ids."""
    names, languages = datasets.load_surnames()
    classes = sorted(set(languages))
    index = {c: i for i, c in enumerate(classes)}
    train_x, train_y, val_x, val_y = split_labelled(names, [index[l] for l in languages], val_fraction, seed)
    tokenizer = Tokenizer(char_level=True, lower=True)
    tokenizer.fit_on_texts(train_x)
    return SurnameData(train_x, np.array(train_y), val_x, np.array(val_y), classes, tokenizer)


def surname_model(n_chars, n_classes, embedding=48, units=96, seed=0):
    """The Sequential above for ``n_chars`` character ids (0 = padding) and ``n_classes`` languages."""
    n_chars = check_int("n_chars", n_chars, "surname_model", minimum=1, maximum=10**6)
    return Sequential([
        Embedding(n_chars + 1, embedding, mask_zero=True),
        Bidirectional(GRU(units, dropout=0.2, recurrent_dropout=0.2)),
        Dropout(0.3),
        Dense(n_classes, activation="softmax"),
    ], seed=seed)


class SurnameClassifier:
    """A trained model and the data that fixes its ids: ``probabilities(name)`` for one surname."""

    def __init__(self, model, data):
        check_instance("model", model, Sequential, "SurnameClassifier", what="a trained rnnlib.nn Sequential")
        check_instance("data", data, SurnameData, "SurnameClassifier", what="the SurnameData it was trained on")
        self.model, self.data = model, data
        self.known = set(data.tokenizer.word_index)

    @property
    def classes(self):
        return self.data.classes

    def probabilities(self, name):
        """(n_classes,) probabilities for one surname; VocabularyError for an empty name or letters the
        training names never had (the tokenizer would silently drop them)."""
        if not isinstance(name, str) or not name.strip():
            raise VocabularyError("type a surname (letters)")
        unknown = sorted(set(name.strip().lower()) - self.known)
        if unknown:
            raise VocabularyError(f"{name!r} has characters no training surname has: {' '.join(unknown)}")
        return self.model.predict(self.data.encode([name.strip()]))[0]

    def predict(self, names):
        """The most probable class index for each of ``names``."""
        names = _check_names(names, "SurnameClassifier.predict")
        if not names:
            raise VocabularyError("SurnameClassifier.predict: no names given")
        return np.argmax(self.model.predict(self.data.encode(names)), axis=1)


def shipped_surname_classifier(path=None):
    """The shipped model (``benchmarks/names_by_language.py`` made it) on the default split, ready to use."""
    if path is None:
        found = [p / SHIPPED_FILE for p in SHIPPED_PLACES if (p / SHIPPED_FILE).is_file()]
        if not found:
            raise ModelFileError(f"the shipped model {SHIPPED_FILE} is in none of: "
                                 + ", ".join(map(str, SHIPPED_PLACES)))
        path = found[0]
    data = surname_data()
    model = surname_model(len(data.tokenizer.word_index), len(data.classes))
    model.build((MAXLEN,))
    model.load_weights(path)
    return SurnameClassifier(model, data)
