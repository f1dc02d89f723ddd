"""Tests for rnnlib.text: vocabularies, names and padded batches."""
import numpy as np
import pytest

from rnnlib.errors import CorpusError, VocabularyError
from rnnlib.data.chars import (
    PAD,
    START,
    CharVocab,
    grouped_split,
    names_to_batch,
    split_labelled,
    split_names,
    train_val_split,
)

DINO_TEXT = "aachenosaurus\naardonyx\nabdallahsaurus\nzuniceratops\nbyronosaurus\n"


def test_vocab_course_ordering():
    vocab = CharVocab.from_text(DINO_TEXT + "abcdefghijklmnopqrstuvwxyz")
    assert len(vocab) == 27
    assert vocab.char_to_ix["\n"] == 0
    assert vocab.char_to_ix["a"] == 1
    assert vocab.char_to_ix["z"] == 26
    assert vocab.ix_to_char[0] == "\n" and vocab.ix_to_char[26] == "z"
    assert vocab.chars == sorted(set(DINO_TEXT + "abcdefghijklmnopqrstuvwxyz"))


def test_encode_decode_round_trip():
    vocab = CharVocab.from_text(DINO_TEXT)
    ids = vocab.encode("aardonyx\n")
    assert ids.dtype == np.int64
    assert list(ids) == [vocab.char_to_ix[c] for c in "aardonyx\n"]
    assert vocab.decode(ids) == "aardonyx\n"
    assert vocab.decode([]) == ""
    assert len(vocab.encode("")) == 0


def test_unknown_char_error_names_char():
    vocab = CharVocab.from_text(DINO_TEXT)
    with pytest.raises(VocabularyError) as info:
        vocab.encode("rex!")
    assert "'!'" in str(info.value)
    assert vocab.unknown("rex!q") == ["!", "q"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " \t\n"])
def test_empty_text_is_corpus_error(text):
    with pytest.raises(CorpusError):
        CharVocab.from_text(text)


def test_vocab_constructor_checks():
    with pytest.raises(VocabularyError):
        CharVocab(["a"])
    with pytest.raises(VocabularyError):
        CharVocab(["a", "a", "b"])
    with pytest.raises(VocabularyError):
        CharVocab(["ab", "c"])


def test_vocab_equality():
    assert CharVocab.from_text("ba\n") == CharVocab(["\n", "a", "b"])
    assert CharVocab.from_text("ba\n") != CharVocab(["a", "b"])


def test_split_names():
    assert split_names("  rex \n\n\ttri\r\nbronto\n") == ["rex", "tri", "bronto"]
    with pytest.raises(CorpusError):
        split_names("\n \n")


def test_names_to_batch_layout():
    vocab = CharVocab.from_text(DINO_TEXT + "abcdefghijklmnopqrstuvwxyz")
    X, Y = names_to_batch(["abc", "z"], vocab)
    assert X.shape == Y.shape == (4, 2)
    assert X.dtype == Y.dtype == np.int64
    nl = vocab.char_to_ix["\n"]
    assert START == -1 and PAD == -1
    np.testing.assert_array_equal(X[:, 0], [-1, 1, 2, 3])
    np.testing.assert_array_equal(Y[:, 0], [1, 2, 3, nl])
    np.testing.assert_array_equal(X[:, 1], [-1, 26, -1, -1])
    np.testing.assert_array_equal(Y[:, 1], [26, nl, -1, -1])
    # X is Y shifted down by one, with the start input first
    np.testing.assert_array_equal(X[1:, 0], Y[:-1, 0])


def test_names_to_batch_errors():
    vocab = CharVocab.from_text(DINO_TEXT)
    with pytest.raises(CorpusError):
        names_to_batch([], vocab)
    with pytest.raises(VocabularyError):
        names_to_batch(["rex9"], vocab)


def test_train_val_split():
    items = [f"name{i}" for i in range(50)]
    train, val = train_val_split(items, 0.2, seed=3)
    assert len(val) == 10 and len(train) == 40
    assert not set(train) & set(val)
    assert sorted(train + val) == sorted(items)
    again = train_val_split(items, 0.2, seed=3)
    assert again == (train, val)
    other = train_val_split(items, 0.2, seed=4)
    assert other != (train, val)


def test_train_val_split_edge_sizes():
    train, val = train_val_split(["a", "b"], 0.01)
    assert len(val) == 1 and len(train) == 1
    train, val = train_val_split(["a", "b", "c"], 0.0)
    assert val == [] and sorted(train) == ["a", "b", "c"]


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5, float("nan")])
def test_train_val_split_bad_fraction(fraction):
    with pytest.raises(CorpusError):
        train_val_split(["a", "b", "c"], fraction)


def test_train_val_split_nothing_left():
    with pytest.raises(CorpusError):
        train_val_split([], 0.1)


def test_train_val_split_drops_duplicates_so_sets_are_disjoint():
    items = ["rex", "ali", "rex", "bo", "cy", "ali", "dee", "eve", "fay", "gus"]
    train, val = train_val_split(items, 0.3, seed=1)
    assert not set(train) & set(val)
    assert sorted(train + val) == sorted(set(items))


def test_split_tail_holds_out_the_end_and_refuses_bad_fractions():
    from rnnlib.data.chars import split_tail

    train, val = split_tail(np.arange(100), 0.1)
    assert list(val) == list(range(90, 100)) and list(train) == list(range(90))
    assert len(split_tail(np.arange(10), 0.0)[1]) == 0
    for bad in (1.5, -0.2, 1.0):
        with pytest.raises(CorpusError, match="val_fraction"):
            split_tail(np.arange(100), bad)
    with pytest.raises(CorpusError, match="too short"):
        split_tail(np.arange(3), 0.9)


def test_grouped_split_keeps_each_group_on_one_side():
    items = [(f"name{i % 7}", lang) for i, lang in enumerate("abcabcabcabcabcabcabc")]
    train, val = grouped_split(items, key=lambda pair: pair[0], val_fraction=0.3, seed=1)
    assert sorted(train + val) == sorted(items)  # every item kept, repeats included
    assert not {n for n, _ in train} & {n for n, _ in val}
    assert len({n for n, _ in val}) == 2  # round(7 * 0.3) groups
    assert (train, val) == grouped_split(items, key=lambda pair: pair[0], val_fraction=0.3, seed=1)
    assert (train, val) != grouped_split(items, key=lambda pair: pair[0], val_fraction=0.3, seed=2)


def test_train_val_split_is_grouped_split_of_the_distinct_items():
    items = [f"dino{i}" for i in range(40)] + ["dino3", "dino7"]
    for seed in range(4):
        distinct = list(dict.fromkeys(items))
        assert train_val_split(items, 0.25, seed) == grouped_split(distinct, val_fraction=0.25, seed=seed)


def test_split_labelled_keeps_repeated_texts_together():
    texts = ["Abraham", "Abraham", "Chan", "Smith", "Muller", "Muller", "Tanaka", "Rossi"] * 3
    labels = ["English", "French", "Chinese", "English", "German", "German", "Japanese", "Italian"] * 3
    train_x, train_y, val_x, val_y = split_labelled(texts, labels, val_fraction=0.4, seed=0)
    assert len(train_x) + len(val_x) == len(texts) and len(train_y) == len(train_x) and len(val_y) == len(val_x)
    assert not set(train_x) & set(val_x)
    assert sorted(zip(train_x + val_x, train_y + val_y)) == sorted(zip(texts, labels))
    with pytest.raises(CorpusError, match="3 texts but 2 labels"):
        split_labelled(["a", "b", "c"], [0, 1])
    with pytest.raises(CorpusError, match="hashable"):
        split_labelled([["a"], ["b"]], [0, 1])
    with pytest.raises(CorpusError, match="val_fraction"):
        split_labelled(["a", "b"], [0, 1], val_fraction=1.0)


# ---- issue 9 fuzz findings: bad arguments end in rnnlib errors, not TypeError/ValueError/OverflowError

def test_issue9_char_vocab_bad_arguments():
    from rnnlib.data.chars import CharVocab, names_to_batch, pad_ids, split_names, split_tail, train_val_split
    v = CharVocab(list("abc\n"))
    with pytest.raises(VocabularyError, match="chars must be"):
        CharVocab(None)
    with pytest.raises(VocabularyError, match="single characters"):
        CharVocab([["a"], "b"])
    with pytest.raises(CorpusError, match="string"):
        CharVocab.from_text(np.array([]))
    for method in (v.encode, v.unknown):
        with pytest.raises(VocabularyError, match="must be a string"):
            method(None)
    with pytest.raises(VocabularyError, match="whole-number ids"):
        v.decode([1, None])
    with pytest.raises(VocabularyError, match="whole-number ids"):
        v.decode([float("inf")])
    with pytest.raises(VocabularyError, match="integer ids"):
        v.decode(b"bytes")
    assert v.decode([1.0, 2]) == "bc"
    with pytest.raises(CorpusError, match="string"):
        split_names(3)
    with pytest.raises(CorpusError, match="list of strings"):
        names_to_batch(object(), v)
    with pytest.raises(CorpusError, match="non-empty list"):
        pad_ids(5, 0)
    with pytest.raises(VocabularyError, match="end_id"):
        pad_ids([np.array([1, 2])], 2**63)
    with pytest.raises(CorpusError, match="val_fraction"):
        train_val_split(["a", "b"], "0.5")
    with pytest.raises(CorpusError, match="hashable"):
        train_val_split([["a"], ["b"]], 0.5)
    with pytest.raises(CorpusError, match="val_fraction"):
        split_tail(np.arange(20), None)
