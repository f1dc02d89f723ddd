"""rnnlib.data.preprocessing against outputs recorded from Keras itself, plus its error paths.

The expected values come from tests/fixtures/keras_preprocessing_1_1_2.json, written by
tests/fixtures/record_keras_preprocessing.py with keras-preprocessing 1.1.2 (Tokenizer,
pad_sequences) and Keras 3 (to_categorical).  Nothing here imports Keras.
"""
import json
import os
from pathlib import Path

import numpy as np
import pytest

import rnnlib
from rnnlib import datasets
from rnnlib.data import padding, preprocessing
from rnnlib.data.preprocessing import Tokenizer, pad_sequences, text_to_word_sequence, to_categorical
from rnnlib.errors import ConfigError, CorpusError, RnnlibError, ShapeError, VocabularyError

FIXTURES = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "keras_preprocessing_1_1_2.json").read_text(encoding="utf-8")
)
MODES = ["binary", "count", "tfidf", "freq"]


def _fitted(case):
    tokenizer = Tokenizer(**case["kwargs"])
    for texts in case["fits"]:
        tokenizer.fit_on_texts(texts)
    return tokenizer


def _pairs(mapping):
    return [list(item) for item in mapping.items()]


def test_fixtures_name_the_reference_versions():
    assert FIXTURES["versions"]["keras-preprocessing"] == "1.1.2"
    assert "numpy" in FIXTURES["versions"]
    names = [case["name"] for case in FIXTURES["tokenizer"]]
    assert len(names) == len(set(names)) and len(names) >= 15


@pytest.mark.parametrize("case", FIXTURES["tokenizer"], ids=lambda c: c["name"])
def test_tokenizer_vocabulary_matches_keras(case):
    tokenizer = _fitted(case)
    assert _pairs(tokenizer.word_index) == case["word_index"]  # ids and their order
    assert sorted(_pairs(tokenizer.index_word)) == case["index_word"]
    assert _pairs(tokenizer.word_counts) == case["word_counts"]  # first-seen order too
    assert sorted(_pairs(tokenizer.word_docs)) == case["word_docs"]
    assert sorted(_pairs(tokenizer.index_docs)) == case["index_docs"]
    assert tokenizer.document_count == case["document_count"]


@pytest.mark.parametrize("case", FIXTURES["tokenizer"], ids=lambda c: c["name"])
def test_tokenizer_sequences_and_texts_match_keras(case):
    tokenizer = _fitted(case)
    fitted_texts = [t for texts in case["fits"] for t in texts]
    assert tokenizer.texts_to_sequences(fitted_texts) == case["fitted_sequences"]
    assert tokenizer.texts_to_sequences(case["probes"]) == case["probe_sequences"]
    assert tokenizer.sequences_to_texts(case["id_sequences"]) == case["decoded"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", FIXTURES["tokenizer"], ids=lambda c: c["name"])
def test_tokenizer_matrices_match_keras_exactly(case, mode):
    tokenizer = _fitted(case)
    fitted_texts = [t for texts in case["fits"] for t in texts]
    matrix = tokenizer.texts_to_matrix(fitted_texts + case["probes"], mode=mode)
    assert matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix, np.array(case["matrices"][mode]))


def test_the_fixtures_cover_the_tricky_rules():
    """Guard against the fixture set losing the cases the Keras rules are about."""
    by_name = {case["name"]: case for case in FIXTURES["tokenizer"]}
    ties = by_name["ties_first_seen"]["word_index"]
    assert [w for w, _ in ties] == ["d", "b", "a", "c", "e"]  # b, a, c tie at 2: first-seen order, not a-b-c
    assert by_name["num_words_2"]["probe_sequences"] == [[1]]  # num_words=2 keeps one word
    assert by_name["oov_token"]["word_index"][0] == ["<OOV>", 1]
    cut = by_name["oov_token_and_num_words"]
    assert len(cut["word_index"]) == 11  # word_index is never truncated
    assert max(max(s) for s in cut["fitted_sequences"] if s) < 4
    assert ["unk", 2] in by_name["oov_token_also_a_corpus_word"]["word_index"]


def test_num_words_keeps_num_words_minus_one_words_and_never_truncates_word_index():
    tokenizer = Tokenizer(num_words=3).fit_on_texts(["a a a b b c"])
    assert tokenizer.word_index == {"a": 1, "b": 2, "c": 3}
    assert tokenizer.texts_to_sequences(["c b a"]) == [[2, 1]]
    oov = Tokenizer(num_words=3, oov_token="?").fit_on_texts(["a a a b b c"])
    assert oov.word_index == {"?": 1, "a": 2, "b": 3, "c": 4}
    assert oov.texts_to_sequences(["c b a z"]) == [[1, 1, 2, 1]]
    assert oov.sequences_to_texts([[4, 2, 0]]) == ["? a ?"]


def test_text_to_word_sequence_and_the_public_faces():
    assert text_to_word_sequence("The cat, the HAT!\tgone") == ["the", "cat", "the", "hat", "gone"]
    assert text_to_word_sequence("don't stop", lower=False) == ["don't", "stop"]  # ' is not a filter
    import rnnlib.preprocessing as face

    for name in face.__all__:
        assert getattr(face, name) is getattr(preprocessing, name)
    assert face.pad_sequences is padding.pad_sequences  # one pad_sequences in the package
    assert rnnlib.Tokenizer is Tokenizer and rnnlib.to_categorical is to_categorical
    assert rnnlib.pad_sequences is padding.pad_sequences


@pytest.mark.parametrize("case", FIXTURES["pad_sequences"], ids=lambda c: c["name"])
def test_pad_sequences_matches_keras(case):
    result = pad_sequences(case["sequences"], **case["kwargs"])
    assert result.dtype == np.dtype(case["dtype"])
    assert list(result.shape) == case["shape"]
    np.testing.assert_array_equal(result, np.array(case["result"], dtype=case["dtype"]).reshape(case["shape"]))


@pytest.mark.parametrize("case", FIXTURES["to_categorical"], ids=lambda c: c["name"])
def test_to_categorical_matches_keras(case):
    result = to_categorical(case["y"], num_classes=case["num_classes"])
    # Keras 3 (the recording) returns float64; Keras 2's documented default, and rnnlib's, is float32.
    assert result.dtype == np.float32
    assert list(result.shape) == case["shape"]
    np.testing.assert_array_equal(result, np.array(case["result"]).reshape(case["shape"]))


def test_to_categorical_dtype_and_shape_rules():
    assert to_categorical([1, 0], dtype="int8").dtype == np.int8
    assert to_categorical(np.array([[2], [0]]), num_classes=4).shape == (2, 4)
    assert to_categorical(np.array([[[1]], [[0]]])).shape == (2, 1, 2)  # only a trailing 1 is dropped
    assert to_categorical(3).shape == (4,)


@pytest.mark.parametrize(
    "labels, num_classes, error, words",
    [
        ([0, -1, 2], None, ShapeError, ">= 0"),
        ([0, 1, 5], 3, ShapeError, "out of range"),
        ([0, 1.5], None, ShapeError, "whole numbers"),
        ([0, float("nan")], None, ShapeError, "whole numbers"),
        (["cat", "dog"], None, ShapeError, "integers"),
        ("012", None, ShapeError, "string"),
        ([], None, ShapeError, "num_classes"),
        ([0, 1], 0, ConfigError, "num_classes"),
        ([0, 1], 2.0, ConfigError, "num_classes"),
        ([[0, 1], [2]], None, ShapeError, "integers"),
    ],
)
def test_to_categorical_rejects_bad_labels(labels, num_classes, error, words):
    with pytest.raises(error, match=words):
        to_categorical(labels, num_classes=num_classes)


@pytest.mark.parametrize("num_words", [0, -3, 2.5, "10", True])
def test_bad_num_words_is_a_config_error(num_words):
    with pytest.raises(ConfigError, match="num_words"):
        Tokenizer(num_words=num_words)


@pytest.mark.parametrize(
    "kwargs, words",
    [({"oov_token": 1}, "oov_token"), ({"split": ""}, "split"), ({"filters": ["ab"]}, "filters"),
     ({"filters": 5}, "filters")],
)
def test_bad_options_are_config_errors(kwargs, words):
    with pytest.raises(ConfigError, match=words):
        Tokenizer(**kwargs)


@pytest.mark.parametrize(
    "texts, words",
    [
        ("a single string", "single string"),
        ([], "no tokens"),
        (["...", "!?"], "no tokens"),
        (["fine", 3], "text 1 is a int"),
        (["fine", None], "text 1 is a NoneType"),
        ([["tokens", 7]], "list of token strings"),
        (12, "list of texts"),
    ],
)
def test_bad_texts_are_corpus_errors(texts, words):
    with pytest.raises(CorpusError, match=words):
        Tokenizer().fit_on_texts(texts)


def test_encoding_needs_a_fitted_tokenizer_and_a_list():
    with pytest.raises(VocabularyError, match="fit_on_texts first"):
        Tokenizer().texts_to_sequences(["hello"])
    tokenizer = Tokenizer().fit_on_texts(["hello world"])
    with pytest.raises(CorpusError, match="single string"):
        tokenizer.texts_to_sequences("hello")
    with pytest.raises(VocabularyError, match="integer ids"):
        tokenizer.sequences_to_texts([[1, 0.5]])
    with pytest.raises(VocabularyError, match="negative"):
        tokenizer.sequences_to_matrix([[1, -2]])
    with pytest.raises(ConfigError, match="mode"):
        tokenizer.texts_to_matrix(["hello"], mode="onehot")


def test_every_error_is_an_rnnlib_error():
    for call in (lambda: Tokenizer(num_words=0), lambda: Tokenizer().fit_on_texts("x"), lambda: to_categorical([-1])):
        with pytest.raises(RnnlibError):
            call()


@pytest.mark.skipif(
    not os.environ.get(datasets.MIRROR_ENV) or FIXTURES["sentence_polarity"] is None,
    reason="RNNLIB_DATA_MIRROR not set (or the fixtures were recorded without it)",
)
def test_tokenizer_on_the_whole_sentence_polarity_corpus_matches_keras(tmp_path, monkeypatch):
    import hashlib

    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path))  # a miss must not download into data/
    expected = FIXTURES["sentence_polarity"]
    texts, _ = datasets.load_sentence_polarity()
    assert len(texts) == expected["n_texts"]
    tokenizer = Tokenizer(**expected["kwargs"]).fit_on_texts(texts)
    word_index = _pairs(tokenizer.word_index)
    assert len(word_index) == expected["vocabulary_size"]
    assert word_index[:300] == expected["word_index_head"]

    def digest(value):
        return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()

    assert digest(word_index) == expected["word_index_sha256"]
    assert digest(_pairs(tokenizer.word_counts)) == expected["word_counts_sha256"]
    sequences = tokenizer.texts_to_sequences(texts)
    assert sequences[:5] == expected["first_sequences"] and sequences[-5:] == expected["last_sequences"]
    assert digest(sequences) == expected["sequences_sha256"]
    assert sorted(w for w in tokenizer.word_index if not w.isascii())[:40] == expected["non_ascii_words"]
