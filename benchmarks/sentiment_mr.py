"""Sentence polarity (MR): held-out accuracy of every notebook-11 variant, side by side.

    OPENBLAS_NUM_THREADS=1 RNNLIB_DATA_MIRROR=../shared/data python benchmarks/sentiment_mr.py

One fixed split: ``split_labelled(texts, labels, 0.1, seed=0)`` (9,596 training and 1,066 held-out
snippets; a text that occurs twice stays on one side).  The Tokenizer is fitted on the training
texts only.  Every RNN has the same settings (below): ids padded and cut at the *start* to 50 steps
(99% of MR's snippets have at most 45 words; the longest has 59), ``mask_zero=True`` so padding
never changes a state, 50-dimensional embeddings (GloVe 6B 50d's size), 64 units, Adam 1e-3,
batch 32, a fixed number of epochs.  The headline number is the held-out accuracy after the LAST
epoch: no epoch, setting or variant was picked on the held-out set.  The "best epoch" column
reads the held-out curve at its peak and is optimistic for that reason; it is printed to show the
learning curves, not as a result.

The bag-of-words baseline's L2 penalty is chosen on the last 10% of the *training* texts, then
refitted on all of them.

For reference (not comparable one to one: 10-fold cross-validation, not one split), Kim (2014),
"Convolutional Neural Networks for Sentence Classification", reports 76.1% on MR for CNN-rand and
81.0% for CNN-static (frozen word2vec).
"""
import argparse
import os
import platform
import sys
import time

import numpy as np

from rnnlib import datasets, load_glove, split_labelled
from rnnlib.nn.optimizers import Adam
from rnnlib.nn import GRU, LSTM, Bidirectional, Dense, Dropout, Embedding, Input, SimpleRNN, Sequential
from rnnlib.preprocessing import Tokenizer, pad_sequences
from rnnlib.training.bag_of_words import BagOfWordsClassifier

NUM_WORDS = 20_000  # ids below 20,000: 19,999 words (Keras's rule); MR's training texts have 18,507
ONE_HOT_WORDS = 2_000  # the one-hot variant's vocabulary: a 20,000-wide one-hot step would be 1.6 MB
MAXLEN, EMBED, UNITS, BATCH, LR = 50, 50, 64, 32, 1e-3


def load_split():
    texts, labels = datasets.load_sentence_polarity()
    tr_x, tr_y, va_x, va_y = split_labelled(texts, labels, 0.1, seed=0)
    tok = Tokenizer(num_words=NUM_WORDS)
    tok.fit_on_texts(tr_x)
    pad = lambda t: pad_sequences(tok.texts_to_sequences(t), maxlen=MAXLEN)  # noqa: E731
    return tok, pad(tr_x), np.array(tr_y, np.float32), pad(va_x), np.array(va_y, np.float32), (tr_x, va_x)


def glove_matrix(tok):
    matrix, missing = load_glove().embedding_matrix(tok.word_index, NUM_WORDS)
    return matrix, missing


def variants(glove):
    """name -> (a function building the model, the ids' vocabulary cut).  Every model ends in
    Dense(1, sigmoid); only the named part changes."""
    emb_glove = lambda: Embedding(NUM_WORDS, EMBED, mask_zero=True, weights=[glove], trainable=False)  # noqa: E731
    emb_free = lambda: Embedding(NUM_WORDS, EMBED, mask_zero=True)  # noqa: E731
    # one-hot input = a frozen identity "embedding": the recurrent kernel's input columns then are
    # the word vectors (3u numbers per word for a GRU), learned from scratch
    one_hot = lambda: Embedding(ONE_HOT_WORDS, ONE_HOT_WORDS, mask_zero=True,  # noqa: E731
                                weights=[np.eye(ONE_HOT_WORDS, dtype=np.float32)], trainable=False)
    head = lambda: Dense(1, activation="sigmoid")  # noqa: E731
    return {
        f"one-hot ({ONE_HOT_WORDS - 1} words) -> GRU": (lambda: [one_hot(), GRU(UNITS), head()], ONE_HOT_WORDS),
        "trainable embedding -> GRU": (lambda: [emb_free(), GRU(UNITS), head()], NUM_WORDS),
        "frozen GloVe -> GRU": (lambda: [emb_glove(), GRU(UNITS), head()], NUM_WORDS),
        "frozen GloVe -> SimpleRNN": (lambda: [emb_glove(), SimpleRNN(UNITS), head()], NUM_WORDS),
        "frozen GloVe -> LSTM": (lambda: [emb_glove(), LSTM(UNITS), head()], NUM_WORDS),
        "frozen GloVe -> Bidirectional(GRU)": (lambda: [emb_glove(), Bidirectional(GRU(UNITS)), head()], NUM_WORDS),
        "frozen GloVe -> GRU -> GRU (stacked)": (
            lambda: [emb_glove(), GRU(UNITS, return_sequences=True), GRU(UNITS), head()], NUM_WORDS),
        "frozen GloVe -> GRU(dropout 0.2, recurrent 0.2) -> Dropout(0.5)": (
            lambda: [emb_glove(), GRU(UNITS, dropout=0.2, recurrent_dropout=0.2, seed=1), Dropout(0.5, seed=2),
                     head()], NUM_WORDS),
        "frozen GloVe -> LSTM(dropout 0.2, recurrent 0.2) -> Dropout(0.5)": (
            lambda: [emb_glove(), LSTM(UNITS, dropout=0.2, recurrent_dropout=0.2, seed=1), Dropout(0.5, seed=2),
                     head()], NUM_WORDS),
    }


def cut_vocabulary(ids, num_words):
    """Ids at or above num_words become 0 (dropped), as Tokenizer(num_words) would drop them.
    Pre-padding is redone so the kept words stay at the end."""
    if num_words >= NUM_WORDS:
        return ids
    rows = [[i for i in row if 0 < i < num_words] for row in ids]
    return pad_sequences(rows, maxlen=ids.shape[1])


def bag_of_words(X, y, Xv, yv):
    n_inner = len(y) // 10
    scores = {}
    for l2 in (1e-5, 1e-4, 3e-4, 1e-3, 3e-3):
        clf = BagOfWordsClassifier(NUM_WORDS, l2=l2).fit(X[:-n_inner], y[:-n_inner])
        scores[l2] = clf.accuracy(X[-n_inner:], y[-n_inner:])
    l2 = max(scores, key=scores.get)
    t = time.perf_counter()
    clf = BagOfWordsClassifier(NUM_WORDS, l2=l2).fit(X, y)
    return clf, l2, scores, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--only", default=None, help="run only the variants whose name contains this text")
    args = ap.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    tok, X, y, Xv, yv, _ = load_split()
    glove, missing = glove_matrix(tok)
    print(f"split: {len(y)} training, {len(yv)} held-out snippets (seed 0); {len(tok.word_index)} training words, "
          f"ids < {NUM_WORDS}; GloVe vectors for all but {len(missing)} of them")
    print(f"settings: padded length {MAXLEN} (pre), mask_zero, embedding {EMBED}, units {UNITS}, batch {BATCH}, "
          f"Adam {LR}, {args.epochs} epochs, Sequential(seed=0), fit(seed=0)")
    rows = []
    clf, l2, scores, secs = bag_of_words(X, y, Xv, yv)
    print("bag of words: inner-validation accuracy by l2 " + ", ".join(f"{k:g}: {v:.4f}" for k, v in scores.items())
          + f" -> l2 = {l2:g}")
    rows.append(("bag-of-words logistic regression (binary unigrams)", NUM_WORDS, clf.accuracy(Xv, yv), None,
                 secs))
    for name, (build, num_words) in variants(glove).items():
        if args.only and args.only not in name:
            continue
        Xa, Xva = cut_vocabulary(X, num_words), cut_vocabulary(Xv, num_words)
        model = Sequential([Input((MAXLEN,))] + build(), seed=0)
        model.compile(optimizer=Adam(LR), loss="binary_crossentropy", metrics=["accuracy"])
        t = time.perf_counter()
        hist = model.fit(Xa, y, batch_size=BATCH, epochs=args.epochs, validation_data=(Xva, yv), verbose=0)
        secs = time.perf_counter() - t
        curve = hist.history["val_accuracy"]
        rows.append((name, model.count_params(trainable_only=True), curve[-1], (int(np.argmax(curve)) + 1, max(curve)),
                     secs))
        print(f"  {name}: held-out accuracy by epoch " + " ".join(f"{a:.4f}" for a in curve)
              + f"; training accuracy {hist.history['accuracy'][-1]:.4f}", flush=True)
    print()
    print("| model | trainable parameters | held-out accuracy (last epoch) | best epoch (optimistic) | train s |")
    print("|---|---|---|---|---|")
    for name, params, acc, best, secs in rows:
        best_s = "" if best is None else f"{best[1]:.4f} (epoch {best[0]})"
        print(f"| {name} | {params:,} | {acc:.4f} | {best_s} | {secs:.1f} |")
    rnn = rows[1:]
    if rnn:
        top = max(rnn, key=lambda r: r[2])
        print(f"\nbest rnnlib model (last epoch): {top[0]}, {top[2]:.4f} (target >= 0.76: "
              f"{'met' if top[2] >= 0.76 else 'missed'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
