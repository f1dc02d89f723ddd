"""Tests for rnnlib.course.surnames: the split, the encoding, the classifier, the shipped model's card."""
import os
import re
from pathlib import Path

import numpy as np
import pytest

from rnnlib.errors import VocabularyError

pytestmark = pytest.mark.skipif(
    not os.environ.get("RNNLIB_DATA_MIRROR") or not (Path(os.environ["RNNLIB_DATA_MIRROR"]) / "names").is_dir(),
    reason="RNNLIB_DATA_MIRROR with the surnames not set")


@pytest.fixture(scope="module")
def data():
    from rnnlib.course.surnames import surname_data

    return surname_data()


def test_split_keeps_repeated_names_on_one_side_and_is_repeatable(data):
    from rnnlib.course.surnames import surname_data

    assert not set(data.train_names) & set(data.val_names)
    assert len(data.train_names) + len(data.val_names) == 19_950 and len(data.classes) == 20
    again = surname_data()
    assert again.val_names == data.val_names and again.tokenizer.word_index == data.tokenizer.word_index


def test_encoding_is_post_padded_character_ids(data):
    from rnnlib.course.surnames import MAXLEN

    X = data.encode(["Abe", "x" * 30])
    ids = data.tokenizer.word_index
    assert X.shape == (2, MAXLEN)
    assert X[0, :3].tolist() == [ids["a"], ids["b"], ids["e"]] and not X[0, 3:].any()
    assert (X[1] == ids["x"]).all()  # cut to MAXLEN
    Y = data.one_hot(data.val_labels[:3])
    assert Y.shape == (3, 20) and (Y.argmax(axis=1) == data.val_labels[:3]).all()


def test_a_classifier_trains_and_refuses_what_it_cannot_read(data):
    from rnnlib.course.surnames import SurnameClassifier, surname_model
    from rnnlib.nn import optimizers

    model = surname_model(len(data.tokenizer.word_index), len(data.classes), embedding=8, units=8)
    model.compile(optimizer=optimizers.Adam(learning_rate=0.01), loss="categorical_crossentropy")
    few = slice(0, 256)
    model.fit(data.encode(data.train_names[few]), data.one_hot(data.train_labels[few]), epochs=1, verbose=0)
    classifier = SurnameClassifier(model, data)
    p = classifier.probabilities("Nakamura")
    assert p.shape == (20,) and p.sum() == pytest.approx(1.0, abs=1e-5)
    assert classifier.predict(["Nakamura", "Smith"]).shape == (2,)
    for bad, message in (("", "type a surname"), ("   ", "type a surname"), ("R2D2", "2"), (None, "surname")):
        with pytest.raises(VocabularyError, match=message):
            classifier.probabilities(bad)


def test_the_shipped_model_reproduces_its_card(data):
    from rnnlib.course.surnames import SHIPPED_PLACES, shipped_surname_classifier
    from rnnlib.nn.metrics import confusion_matrix, macro_f1

    card = (SHIPPED_PLACES[0] / "surnames_bigru.md").read_text()
    row = re.search(r"\| rnnlib Bidirectional GRU, \d+ epochs \| ([0-9.]+) \| ([0-9.]+) \|", card)
    classifier = shipped_surname_classifier()
    counts = confusion_matrix(data.val_labels, classifier.predict(data.val_names), 20)
    assert f"{np.trace(counts) / counts.sum():.4f}" == row.group(1)
    assert f"{macro_f1(counts):.4f}" == row.group(2)
