"""Word2Vec trained here: skip-gram with negative sampling (Mikolov et al. 2013), in numpy.

The study notes train word vectors with gensim's ``Word2Vec(sentences, vector_size, window, min_count)``
and read neighbours off ``model.wv``.  ``Word2Vec`` here takes the same arguments and gives a ``wv``
(``rnnlib.data.word_vectors.WordVectors``), so those cells port by changing the import.

The model, per (centre word c, context word o) pair within ``window`` words of each other::

    loss = -log sigmoid(u_o . v_c) - sum over k noise words n_k of log sigmoid(-u_nk . v_c)

``v`` are the input ("word") vectors, ``u`` the output ("context") vectors; the noise words are drawn from
the unigram distribution raised to the 3/4 power.  Training is plain SGD on mini-batches of pairs with
a learning rate falling linearly to 1/100 of its start, as word2vec's own tool does; the vectors kept are
``v``.  Randomness comes only from ``np.random.default_rng(seed)``: the same arguments give the same
vectors.
"""
from collections import Counter

import numpy as np

from ..core.checks import check_seed
from ..core.functional import sigmoid
from ..data.word_vectors import WordVectors
from ..errors import ConfigError, CorpusError


def _positive_int(name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not 1 <= value <= 10**6:
        raise ConfigError(f"Word2Vec: {name} must be an integer from 1 to 1,000,000, got {value!r}")
    return int(value)


class Word2Vec:
    """Skip-gram word vectors trained on ``sentences`` (lists of string tokens) when constructed.

    vector_size: dimensions; window: context words on each side; min_count: rarer words are dropped;
    negative: noise words per pair; epochs: passes over the pairs; alpha: starting learning rate;
    batch_size: pairs per SGD step; seed: for the initial vectors, the pair order and the noise draws.
    Attributes: ``wv`` (WordVectors of the kept words, most frequent first), ``losses`` (mean loss per
    epoch), ``pairs`` (training pairs per epoch).
    """

    def __init__(self, sentences, vector_size=50, window=2, min_count=2, negative=5, epochs=5, alpha=0.025,
                 batch_size=256, seed=0):
        vector_size, window, min_count = (_positive_int(n, v) for n, v in
                                          (("vector_size", vector_size), ("window", window), ("min_count", min_count)))
        negative, epochs, batch_size = (_positive_int(n, v) for n, v in
                                        (("negative", negative), ("epochs", epochs), ("batch_size", batch_size)))
        if not isinstance(alpha, (int, float, np.floating)) or not 0 < alpha < 1:
            raise ConfigError(f"Word2Vec: alpha must be a number in (0, 1), got {alpha!r}")
        if isinstance(sentences, str) or not isinstance(sentences, (list, tuple)) or \
                not all(isinstance(s, (list, tuple)) for s in sentences):
            raise CorpusError("Word2Vec: sentences must be a list of token lists")
        if not all(isinstance(t, str) for s in sentences for t in s):
            raise CorpusError("Word2Vec: every token must be a string")
        counts = Counter(t for s in sentences for t in s)
        words = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
        if len(words) < 2:
            raise CorpusError(f"Word2Vec: fewer than 2 words occur at least min_count={min_count} times")
        index = {w: i for i, w in enumerate(words)}
        rng = check_seed(seed, "Word2Vec")
        centres, contexts = _pairs([[index[t] for t in s if t in index] for s in sentences], window)
        if len(centres) == 0:
            raise CorpusError("Word2Vec: no sentence has two kept words within the window")
        noise = np.array([counts[w] for w in words], dtype=np.float64) ** 0.75
        noise_cdf = np.cumsum(noise / noise.sum())

        V, d = len(words), vector_size
        v_in = ((rng.random((V, d)) - 0.5) / d).astype(np.float32)  # word2vec's start: small, random
        u_out = np.zeros((V, d), dtype=np.float32)
        steps = epochs * int(np.ceil(len(centres) / batch_size))
        self.losses, self.pairs, step = [], len(centres), 0
        for _ in range(epochs):
            order = rng.permutation(len(centres))
            total = 0.0
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                lr = np.float32(alpha * max(1.0 - step / steps, 1e-2))
                noise_ids = np.searchsorted(noise_cdf, rng.random((len(batch), negative)), side="right")
                noise_ids = np.minimum(noise_ids, V - 1)  # round-off at the top of the cdf
                total += _sgd_step(v_in, u_out, centres[batch], contexts[batch], noise_ids, lr)
                step += 1
            self.losses.append(total / len(centres))
        self.wv = WordVectors(words, v_in, name="Word2Vec (trained here)")


def _pairs(id_sentences, window):
    """Every (centre, context) id pair with the context at most ``window`` positions away."""
    centres, contexts = [], []
    for ids in id_sentences:
        ids = np.asarray(ids, dtype=np.int64)
        for offset in range(1, window + 1):
            if len(ids) > offset:
                centres += [ids[:-offset], ids[offset:]]  # both directions
                contexts += [ids[offset:], ids[:-offset]]
    if not centres:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(centres), np.concatenate(contexts)


def _sgd_step(v_in, u_out, centres, contexts, noise_ids, lr):
    """One SGD step on B pairs (centres, contexts: (B,); noise_ids: (B, k)), in place; returns the summed loss.

    The scores are s = u . v for the true context (label 1) and the k noise words (label 0); the gradient of
    -log sigmoid(+-s) with respect to s is sigmoid(s) - label, which then flows to both vectors.
    """
    v = v_in[centres]  # (B, d)
    targets = np.concatenate([contexts[:, None], noise_ids], axis=1)  # (B, 1 + k)
    u = u_out[targets]  # (B, 1 + k, d)
    s = np.einsum("bkd,bd->bk", u, v)
    p = sigmoid(s)
    labels = np.zeros_like(p)
    labels[:, 0] = 1.0
    with np.errstate(divide="ignore"):
        loss = -np.log(np.where(labels > 0, p, 1.0 - p)).clip(max=50.0).sum()
    g = (p - labels).astype(np.float32)  # dLoss/ds, (B, 1 + k)
    grad_v = np.einsum("bk,bkd->bd", g, u)
    grad_u = g[:, :, None] * v[:, None, :]
    np.add.at(u_out, targets.reshape(-1), -lr * grad_u.reshape(-1, v.shape[1]))
    np.add.at(v_in, centres, -lr * grad_v)
    return float(loss)
