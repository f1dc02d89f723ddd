import numpy as np
import pytest

from rnnlib.errors import ConfigError, CorpusError, ShapeError
from rnnlib.training.bag_of_words import BagOfWordsClassifier, bag_of_ids


def test_bag_of_ids_keeps_distinct_real_ids_per_row():
    ids = np.array([[0, 0, 3, 3, 1], [2, 0, 2, 4, 4], [0, 0, 0, 0, 0]])
    rows, cols = bag_of_ids(ids)
    assert rows.tolist() == [0, 0, 1, 1]
    assert cols.tolist() == [1, 3, 2, 4]


def _toy(seed=0, m=400):
    """Word 1 marks positives, word 2 negatives, words 3..9 are noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, m)
    ids = rng.integers(3, 10, (m, 6))
    ids[:, 0] = np.where(y == 1, 1, 2)
    ids[:, 1] = 0  # padding is ignored
    return ids, y


def test_learns_the_marker_words_and_separates_the_toy_data():
    ids, y = _toy()
    clf = BagOfWordsClassifier(10, l2=1e-3, steps=200).fit(ids, y)
    assert clf.accuracy(ids, y) == 1.0
    assert clf.w[1] > 1.0 and clf.w[2] < -1.0
    assert clf.w[0] == 0.0
    assert clf.losses[-1] < clf.losses[0] * 0.3
    pos, neg = clf.top_words({i: f"w{i}" for i in range(10)}, k=1)
    assert pos[0][0] == "w1" and neg[0][0] == "w2"
    # a vocabulary smaller than num_words (ids 5..9 never seen) still names the words it shows
    pos, neg = clf.top_words({i: f"w{i}" for i in range(1, 5)}, k=1)
    assert pos[0][0] == "w1" and neg[0][0] == "w2"


def test_gradient_matches_a_numerical_one():
    """One Adam step from zero moves each weight against the sign of its gradient: check the
    analytic gradient that drives it against central differences of the loss."""
    ids, y = _toy(1, 50)
    clf = BagOfWordsClassifier(10, l2=0.1, steps=1)
    clf.w = np.random.default_rng(0).normal(size=10) * 0.3
    clf.w[0] = 0.0
    clf.b = 0.2
    rows, cols = bag_of_ids(ids)

    def loss(w):
        z = np.bincount(rows, weights=w[cols], minlength=len(y)) + clf.b
        return np.mean(np.logaddexp(0, z) - y * z) + 0.05 * w @ w

    z = np.bincount(rows, weights=clf.w[cols], minlength=len(y)) + clf.b
    err = (1 / (1 + np.exp(-z)) - y) / len(y)
    analytic = np.bincount(cols, weights=err[rows], minlength=10) + 0.1 * clf.w
    eps = 1e-6
    for i in range(1, 10):
        e = np.zeros(10); e[i] = eps
        assert abs((loss(clf.w + e) - loss(clf.w - e)) / (2 * eps) - analytic[i]) < 1e-7


def test_repeated_words_count_once():
    clf = BagOfWordsClassifier(5, steps=1)
    clf.w, clf.b = np.array([0.0, 1.0, 0.0, 0.0, 0.0]), 0.0
    p = clf.predict_proba(np.array([[1, 1, 1], [0, 0, 1]]))
    assert p[0] == pytest.approx(p[1]) == pytest.approx(1 / (1 + np.exp(-1)))


def test_bad_input_raises_clear_errors():
    with pytest.raises(ConfigError):
        BagOfWordsClassifier(1)
    with pytest.raises(ConfigError):
        BagOfWordsClassifier(10, l2=-1)
    with pytest.raises(ConfigError):
        BagOfWordsClassifier(10, steps=0)
    clf = BagOfWordsClassifier(10)
    with pytest.raises(ConfigError, match="fit first"):
        clf.predict(np.array([[1, 2]]))
    with pytest.raises(ShapeError):
        clf.fit(np.array(["a b", "c"]), [0, 1])
    with pytest.raises(ShapeError, match="0..9"):
        clf.fit(np.array([[1, 12]]), [1])
    with pytest.raises(CorpusError, match="2 texts but 3 labels"):
        clf.fit(np.array([[1, 2], [3, 4]]), [0, 1, 1])
    with pytest.raises(CorpusError, match="0 or 1"):
        clf.fit(np.array([[1, 2], [3, 4]]), [0, 2])
