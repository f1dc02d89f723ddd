"""A bag-of-words logistic regression: the baseline that gives a sequence classifier's accuracy a meaning.

    p(positive | text) = sigmoid(b + sum of w[i] over the distinct word ids i in the text)

The features are binary (a word is in the text or not), the classic unigram baseline for sentence
polarity (Pang & Lee 2005; Wang & Manning 2012).  Inputs are the same padded id arrays the RNNs
take (0 = padding, ignored), so the two see exactly the same words.  A text is stored as the list
of its distinct ids, never as a dense (m, V) matrix: 10,000 texts over a 20,000-word vocabulary
would be 800 MB of float32, while MR has about 20 distinct words per text.

Training is full-batch Adam on the mean cross-entropy plus an L2 penalty ``l2/2 ||w||^2`` (the bias
is not penalised): with full batches the result depends only on the data and the settings, not on
a shuffling seed.
"""
import numpy as np

from ..core.checks import as_array, check_int
from ..core.optim import Adam
from ..errors import ConfigError, CorpusError, ShapeError, VocabularyError


def _check_labels(labels, where):
    """labels as a flat float64 array of numbers (the 0/1 test is the caller's)."""
    y = as_array("labels", labels, where, error=CorpusError)
    if y.dtype.kind not in "biuf":
        raise CorpusError(f"{where}: labels must be numbers 0 or 1, got dtype {y.dtype}")
    return y.astype(np.float64).reshape(-1)


def _check_ids(ids, num_words, where):
    arr = as_array("ids", ids, where)
    if arr.dtype == object or arr.dtype.kind not in "iu" or arr.ndim != 2:
        raise ShapeError(f"{where}: ids must be an integer array (m, T) of padded word ids, "
                         f"got dtype {arr.dtype} and shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ShapeError(f"{where}: no texts (ids of shape {arr.shape})")
    if num_words is not None and arr.size and (arr.min() < 0 or arr.max() >= num_words):
        raise ShapeError(f"{where}: ids must lie in 0..{num_words - 1} (num_words={num_words}), "
                         f"got {int(arr.min())}..{int(arr.max())}")
    return arr.astype(np.int64)


def bag_of_ids(ids):
    """The distinct non-padding ids of each row, as two flat arrays (rows, cols), sorted by row.

    ids: (m, T) integers, 0 = padding.  Row r's bag is ``cols[rows == r]``; a word that occurs
    twice in a text counts once (binary features).
    """
    ids = np.asarray(ids, dtype=np.int64)
    m, T = ids.shape
    keyed = np.unique(np.arange(m, dtype=np.int64)[:, None] * (ids.max(initial=0) + 1) + ids)
    rows, cols = np.divmod(keyed, ids.max(initial=0) + 1)
    real = cols != 0
    return rows[real], cols[real]


class BagOfWordsClassifier:
    """Binary logistic regression on bag-of-words features.

    num_words: the vocabulary size (ids 1..num_words-1 are words, as with Keras's Tokenizer);
    l2: the weight penalty; learning_rate, steps: full-batch Adam's settings.
    After ``fit``: ``w`` (num_words,) float64 (w[0], the padding's, stays 0), ``b`` a float,
    ``losses`` the training loss before each step.
    """

    def __init__(self, num_words, l2=1e-4, learning_rate=0.05, steps=300):
        if isinstance(num_words, bool) or not isinstance(num_words, (int, np.integer)) or not 2 <= num_words <= 10**7:
            raise ConfigError(f"BagOfWordsClassifier: num_words must be an integer from 2 to 10,000,000, got {num_words!r}")
        if not (isinstance(l2, (int, float)) and not isinstance(l2, bool) and 0 <= l2 < 1e6):
            raise ConfigError(f"BagOfWordsClassifier: l2 must be a number in [0, 1e6), got {l2!r}")
        if not (isinstance(learning_rate, (int, float)) and not isinstance(learning_rate, bool) and 0 < learning_rate <= 100):
            raise ConfigError(f"BagOfWordsClassifier: learning_rate must be > 0, got {learning_rate!r}")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ConfigError(f"BagOfWordsClassifier: steps must be a positive integer, got {steps!r}")
        self.num_words, self.l2, self.learning_rate, self.steps = int(num_words), float(l2), learning_rate, int(steps)
        self.w = None
        self.b = 0.0
        self.losses = []

    def _scores(self, rows, cols, m):
        return np.bincount(rows, weights=self.w[cols], minlength=m) + self.b

    def fit(self, ids, labels):
        """ids: (m, T) padded word ids; labels: m values, each 0 or 1.  Returns self."""
        ids = _check_ids(ids, self.num_words, "BagOfWordsClassifier.fit")
        y = _check_labels(labels, "BagOfWordsClassifier.fit")
        if y.shape[0] != ids.shape[0]:
            raise CorpusError(f"BagOfWordsClassifier.fit: {ids.shape[0]} texts but {y.shape[0]} labels")
        if not np.all((y == 0) | (y == 1)):
            raise CorpusError("BagOfWordsClassifier.fit: labels must be 0 or 1")
        m = ids.shape[0]
        rows, cols = bag_of_ids(ids)
        params = {"w": np.zeros(self.num_words), "b": np.zeros(1)}
        self.w = params["w"]
        adam = Adam(self.learning_rate)
        self.losses = []
        for _ in range(self.steps):
            self.b = float(params["b"][0])
            z = self._scores(rows, cols, m)
            # log(1 + e^z) - y z, written to stay finite for large |z|
            self.losses.append(float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * self.l2 * self.w @ self.w))
            err = (1.0 / (1.0 + np.exp(-z)) - y) / m  # dLoss/dz
            dw = np.bincount(cols, weights=err[rows], minlength=self.num_words) + self.l2 * self.w
            dw[0] = 0.0  # the padding id is no word
            adam.step(params, {"dw": dw, "db": np.array([err.sum()])})
        self.b = float(params["b"][0])
        return self

    def predict_proba(self, ids):
        """(m,) probabilities of the positive class."""
        if self.w is None:
            raise ConfigError("BagOfWordsClassifier: call fit first")
        ids = _check_ids(ids, self.num_words, "BagOfWordsClassifier.predict_proba")
        rows, cols = bag_of_ids(ids)
        return 1.0 / (1.0 + np.exp(-self._scores(rows, cols, ids.shape[0])))

    def predict(self, ids):
        """(m,) class ids, 1 where the probability is at least 0.5."""
        return (self.predict_proba(ids) >= 0.5).astype(np.int64)

    def accuracy(self, ids, labels):
        y = _check_labels(labels, "BagOfWordsClassifier.accuracy")
        pred = self.predict(ids)
        if y.shape[0] != pred.shape[0]:
            raise CorpusError(f"BagOfWordsClassifier.accuracy: {pred.shape[0]} texts but {y.shape[0]} labels")
        return float(np.mean(pred == y))

    def top_words(self, index_word, k=10):
        """The k most positive and k most negative words: two lists of (word, weight).

        index_word: id -> word (a Tokenizer's ``index_word``)."""
        if self.w is None:
            raise ConfigError("BagOfWordsClassifier: call fit first")
        if not isinstance(index_word, dict):
            raise VocabularyError(f"top_words: index_word must be a dict id -> word (a Tokenizer's index_word), "
                                  f"got {type(index_word).__name__}")
        k = check_int("k", k, "top_words", minimum=1)
        order = np.argsort(self.w[1:], kind="stable") + 1
        pos, neg = self._named(order[::-1][:k], index_word), self._named(order[:k], index_word)
        return pos, neg

    def _named(self, ids, index_word):
        """[(word, weight)] for ``ids``, or VocabularyError naming the first id ``index_word`` lacks
        (only the ids shown are looked up: a Tokenizer whose vocabulary is smaller than num_words
        has no word for the rest, whose weights never moved from 0)."""
        missing = [int(i) for i in ids if int(i) not in index_word]
        if missing:
            raise VocabularyError(f"top_words: index_word has no word for id {missing[0]} (ids run 1..{self.num_words - 1})")
        return [(index_word[int(i)], float(self.w[i])) for i in ids]
