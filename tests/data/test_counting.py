"""rnnlib.data.counting: the counting and ranking shared by WordVocab and the Keras-style Tokenizer."""
import pytest

from rnnlib.data.counting import count_tokens, rank_by_count
from rnnlib.errors import ConfigError


def test_counts_keep_first_seen_order_and_documents_count_once():
    counts, docs, n = count_tokens([["b", "a", "b"], ["c", "a"], []])
    assert list(counts.items()) == [("b", 2), ("a", 2), ("c", 1)]
    assert docs == {"b": 1, "a": 2, "c": 1}
    assert n == 3


def test_counting_adds_to_existing_dicts():
    counts, docs, _ = count_tokens([["x", "y"]])
    same_counts, same_docs, n = count_tokens([["y", "z"]], counts, docs)
    assert same_counts is counts and same_docs is docs and n == 1
    assert list(counts.items()) == [("x", 1), ("y", 2), ("z", 1)]
    assert docs == {"x": 1, "y": 2, "z": 1}


def test_the_two_tie_rules():
    counts = {"b": 2, "c": 1, "a": 2, "d": 3}
    assert rank_by_count(counts, ties="first_seen") == [("d", 3), ("b", 2), ("a", 2), ("c", 1)]
    assert rank_by_count(counts, ties="alphabetical") == [("d", 3), ("a", 2), ("b", 2), ("c", 1)]
    with pytest.raises(ConfigError, match="ties"):
        rank_by_count(counts, ties="random")
