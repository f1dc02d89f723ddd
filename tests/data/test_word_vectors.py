"""Tests for rnnlib.data.word_vectors: the shipped GloVe subset, neighbours, analogies, embedding matrices."""
import hashlib

import numpy as np
import pytest

from rnnlib.data import word_vectors
from rnnlib.data.word_vectors import GLOVE_FILE, GLOVE_PLACES, GLOVE_SHA256, WordVectors, load_glove
from rnnlib.errors import ModelFileError, ShapeError, VocabularyError


@pytest.fixture(scope="module")
def glove():
    return load_glove()


def test_the_shipped_file_is_the_one_the_card_describes(glove):
    path = GLOVE_PLACES[0] / GLOVE_FILE
    assert hashlib.sha256(path.read_bytes()).hexdigest() == GLOVE_SHA256
    assert GLOVE_SHA256 in path.with_suffix(".md").read_text()
    assert len(glove) == 36_228 and glove.dim == 50 and glove.vectors.dtype == np.float32


def test_real_glove_values(glove):
    # the first line of glove.6B.50d.txt: "the 0.418 0.24968 -0.41242 0.1217 0.34527 ..."
    assert glove.words[:4] == ["the", ",", ".", "of"]
    np.testing.assert_array_equal(glove["the"][:5], np.float32([0.418, 0.24968, -0.41242, 0.1217, 0.34527]))


def test_neighbours_and_analogies(glove):
    near = glove.most_similar("king", topn=5)
    assert near.searched == 36_228 and "king" not in [w for w, _ in near]
    assert {"prince", "queen"} <= {w for w, _ in near}
    assert [s for _, s in near] == sorted((s for _, s in near), reverse=True)
    assert "among 36,228 words" in str(near)
    assert glove.analogy("man", "king", "woman")[0][0] == "queen"
    assert glove.most_similar(positive=["paris", "germany"], negative=["france"], topn=1)[0][0] == "berlin"


def test_cosine_is_what_is_reported():
    wv = WordVectors(["a", "b", "c"], [[1.0, 0.0], [1.0, 1.0], [0.0, -2.0]])
    (first, s1), (second, s2) = wv.most_similar("a", topn=2)
    assert (first, second) == ("b", "c")
    assert s1 == pytest.approx(1 / np.sqrt(2)) and s2 == pytest.approx(0.0)
    assert wv.similarity("a", "b") == pytest.approx(s1) and wv.similarity("b", "a") == pytest.approx(s1)
    assert wv.most_similar("a", topn=10).searched == 3 and len(wv.most_similar("a", topn=10)) == 2


def test_embedding_matrix_follows_keras_ids(glove):
    word_index = {"the": 1, "movie": 2, "zzzqqq": 3, "good": 4}
    matrix, missing = glove.embedding_matrix(word_index)
    assert matrix.shape == (5, 50) and missing == ["zzzqqq"]
    assert not matrix[0].any() and not matrix[3].any()
    np.testing.assert_array_equal(matrix[2], glove["movie"])
    matrix, missing = glove.embedding_matrix(word_index, num_words=3)  # like Tokenizer(num_words=3)
    assert matrix.shape == (3, 50) and missing == []


@pytest.mark.parametrize("call, error", [
    (lambda g: g["Zebra-unknown"], VocabularyError),
    (lambda g: g.most_similar("qqqxxyy"), VocabularyError),
    (lambda g: g.most_similar(), VocabularyError),
    (lambda g: g.most_similar("king", topn=0), ShapeError),
    (lambda g: g.most_similar(3), VocabularyError),
    (lambda g: g.embedding_matrix({}), VocabularyError),
    (lambda g: g.embedding_matrix({"the": 0}), VocabularyError),
    (lambda g: g.embedding_matrix({"the": 1}, num_words=0), ShapeError),
])
def test_bad_input_is_named(glove, call, error):
    with pytest.raises(error):
        call(glove)


def test_capitalised_word_gets_a_hint(glove):
    with pytest.raises(VocabularyError, match="lowercase"):
        glove["King"]


@pytest.mark.parametrize("words, vectors", [
    (["a", "a"], np.zeros((2, 3))), (["a", ""], np.zeros((2, 3))), (["a"], np.zeros((2, 3))),
    (["a", "b"], np.full((2, 3), np.nan)), (["a", "b"], np.zeros((2, 3), dtype=bool)),
    (["a", "b"], np.array([["x", "y"], ["z", "w"]])),
])
def test_bad_tables_are_refused(words, vectors):
    with pytest.raises((ShapeError, VocabularyError)):
        WordVectors(words, vectors)


def test_a_changed_or_missing_file_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / GLOVE_FILE
    fake.write_bytes(b"not the vectors")
    monkeypatch.setattr(word_vectors, "GLOVE_PLACES", (tmp_path,))
    with pytest.raises(ModelFileError, match="sha256"):
        load_glove()
    with pytest.raises(ModelFileError, match="not a word-vector file"):
        load_glove(fake)
    monkeypatch.setattr(word_vectors, "GLOVE_PLACES", (tmp_path / "nowhere",))
    with pytest.raises(ModelFileError, match="none of"):
        load_glove()
