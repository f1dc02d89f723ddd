"""Tests for rnnlib.training.word2vec: skip-gram with negative sampling learns who keeps whose company."""
import numpy as np
import pytest

from rnnlib.errors import ConfigError, CorpusError
from rnnlib.training.word2vec import Word2Vec, _pairs

ANIMALS = ["cat", "dog", "cow", "pig", "hen"]
TOOLS = ["saw", "axe", "drill", "nail", "hammer"]


def two_topics(n=400, seed=0):
    """Sentences that each mix words of one topic only: neighbours must come from the same topic."""
    rng = np.random.default_rng(seed)
    return [list(rng.choice(ANIMALS if i % 2 else TOOLS, size=6)) for i in range(n)]


def test_pairs_cover_the_window_both_ways():
    centres, contexts = _pairs([[0, 1, 2]], window=1)
    assert sorted(zip(centres.tolist(), contexts.tolist())) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    centres, _ = _pairs([[0, 1, 2]], window=2)
    assert len(centres) == 6


def test_neighbours_come_from_the_same_topic():
    model = Word2Vec(two_topics(), vector_size=10, window=2, min_count=1, epochs=5, seed=0)
    assert model.losses[-1] < model.losses[0]
    for group in (ANIMALS, TOOLS):
        for word in group:
            near = [w for w, _ in model.wv.most_similar(word, topn=3)]
            assert set(near) <= set(group), (word, near)


def test_same_seed_same_vectors_and_vocabulary_order():
    a = Word2Vec(two_topics(50), vector_size=8, min_count=1, epochs=1, seed=3)
    b = Word2Vec(two_topics(50), vector_size=8, min_count=1, epochs=1, seed=3)
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    counts = [sum(s.count(w) for s in two_topics(50)) for w in a.wv.words]
    assert counts == sorted(counts, reverse=True)


def test_min_count_drops_rare_words():
    sentences = two_topics(40) + [["rare", "cat"]]
    assert "rare" not in Word2Vec(sentences, min_count=2, vector_size=4, epochs=1).wv
    assert "rare" in Word2Vec(sentences, min_count=1, vector_size=4, epochs=1).wv


@pytest.mark.parametrize("kwargs", [{"vector_size": 0}, {"window": 1.5}, {"epochs": None}, {"alpha": 0},
                                    {"negative": True}, {"alpha": "fast"}])
def test_bad_settings(kwargs):
    with pytest.raises(ConfigError):
        Word2Vec(two_topics(10), **kwargs)


@pytest.mark.parametrize("sentences", ["a text, not token lists", [["a", 1]], [], [["once"]], [["a"], ["b"]]])
def test_bad_corpora(sentences):
    with pytest.raises(CorpusError):
        Word2Vec(sentences, min_count=1)
