# %% [markdown]
# # 12 · Surnames by language: a many-to-one character classifier
#
# The language models of notebooks 1–9 predict a character at *every* step (many-to-many). A classifier reads a
# whole sequence and gives one answer at the end (many-to-one): here, which of 20 languages a surname comes
# from, read letter by letter. This is the task of PyTorch's name-classification tutorial, built the way the
# study notes build it in Keras: a character `Tokenizer`, `pad_sequences`, `to_categorical`, and
# `Embedding → GRU → Dense(softmax)`, here with `rnnlib.nn`, whose layers run the same cells as the rest of
# rnnlib.

# %%
import numpy as np
from collections import Counter
from rnnlib import datasets, Tokenizer, pad_sequences, to_categorical
from rnnlib.course.surnames import MAXLEN, surname_data, surname_model, shipped_surname_classifier
from rnnlib.nn import Sequential, Embedding, GRU, Dense, optimizers
from rnnlib.nn.metrics import confusion_matrix, macro_f1, per_class_recall
from rnnlib.ui import language_guesser, plot_confusion_matrix, plot_history

names, languages = datasets.load_surnames()
counts = Counter(languages)
print(f"{len(names):,} surnames in {len(counts)} languages")
print(", ".join(f"{lang} {n:,}" for lang, n in counts.most_common()))
repeated = [n for n, k in Counter(names).items() if k > 1]
several = {n for n in repeated if len({l for x, l in zip(names, languages) if x == n}) > 1}
print(f"{len(repeated):,} surnames occur more than once; {len(several):,} of them under more than one language, "
      f"e.g. {', '.join(sorted(several)[:5])}")

# %% [markdown]
# The classes are far from balanced: Russian alone is almost half the data, so a model that always says
# "Russian" is right about half the time. That **majority-class baseline** is the number to beat, and
# accuracy alone hides how the small languages fare, so we also report **macro-F1**: the F1 score of each
# language, averaged with equal weight.
#
# Names that occur several times must not straddle the split: a held-out name the model saw in training, even
# under another language, would flatter the score. `surname_data()` splits by name (10% held out, seeded) and
# fits a character-level tokenizer on the training names only.

# %%
data = surname_data()
train_set, val_set = set(data.train_names), set(data.val_names)
print(f"{len(data.train_names):,} training and {len(data.val_names):,} held-out surnames; "
      f"names on both sides: {len(train_set & val_set)}")
print(f"{len(data.tokenizer.word_index)} characters; the most frequent:",
      list(data.tokenizer.word_index.items())[:8])
X_val = data.encode(data.val_names)
print(f"'{data.val_names[0]}' ({data.classes[data.val_labels[0]]}) ->", X_val[0])
print("its label, one-hot:", data.one_hot(data.val_labels[:1])[0].astype(int))

# %% [markdown]
# Each name becomes its character ids, padded with zeros *after* the name to `MAXLEN = 20` characters.
# `Embedding(..., mask_zero=True)` turns the zeros into a mask: the GRU carries its state unchanged over
# padded steps, so the answer is read at each name's last real letter.
#
# ## A small model, trained here
#
# A one-direction GRU with 64 units, three passes over the training names (about half a minute on two cores):

# %%
small = Sequential([Embedding(len(data.tokenizer.word_index) + 1, 32, mask_zero=True), GRU(64),
                    Dense(len(data.classes), activation="softmax")], seed=0)
small.compile(optimizer=optimizers.Adam(learning_rate=0.003), loss="categorical_crossentropy", metrics=["accuracy"])
history = small.fit(data.encode(data.train_names), data.one_hot(data.train_labels), batch_size=64, epochs=3,
                    validation_data=(X_val, data.one_hot(data.val_labels)), seed=0, verbose=0)
small.summary()
for key, values in history.history.items():
    print(f"{key:12s}", " ".join(f"{v:.4f}" for v in values))

# %% [markdown]
# ## The shipped model
#
# `benchmarks/names_by_language.py` trains a larger model for 20 passes: a **bidirectional** GRU (one GRU reads
# the name forwards, another backwards, and their last states are joined; endings such as *-ov*, *-ski* or
# *-ez* are read as early as beginnings), with dropout on the inputs, the recurrent state and the output. The
# number of passes was fixed in advance, not picked by the held-out score. It ships in `data/models/`:

# %%
classifier = shipped_surname_classifier()
classifier.model.summary()
predicted = classifier.predict(data.val_names)
counts_matrix = confusion_matrix(data.val_labels, predicted, len(data.classes))
majority = int(np.bincount(data.train_labels).argmax())
baseline = confusion_matrix(data.val_labels, np.full_like(data.val_labels, majority), len(data.classes))
for label, m in (("majority class (" + data.classes[majority] + ")", baseline), ("shipped bidirectional GRU", counts_matrix)):
    print(f"{label:32s} accuracy {np.trace(m) / m.sum():.4f}   macro-F1 {macro_f1(m):.4f}")

# %%
recall = per_class_recall(counts_matrix)
order = np.argsort(-counts_matrix.sum(axis=1))
for i in order:
    print(f"{data.classes[i]:11s} {recall[i]:.2f} of {counts_matrix[i].sum():4d} held-out names")

# %%
plot_confusion_matrix(counts_matrix, data.classes, title="Shipped model: where each language's held-out names went")

# %% [markdown]
# Read the rows: each shows where one language's held-out names went. Most mistakes go to the two largest
# classes: 9 of the 10 held-out Scottish names and 8 of the 11 Welsh ones are called English, and the Czech
# names split mostly between English (16) and Russian (12). Trained to be right as often as possible, the model
# bets on a big class when a name's spelling fits several languages; that is why its macro-F1 (0.49) sits so far
# below its accuracy (0.79). Weighting the classes, or more data for the small ones, would trade some accuracy
# for a better macro-F1.
#
# ## Try it
#
# Type a surname; the bars show the model's five most likely languages. Letters that no training name contains
# (digits, for instance) give a message instead of a guess.

# %%
for name in ["Nakamura", "Schmidt", "Papadopoulos", "Kowalski", "O'Brien", "Nguyen"]:
    p = classifier.probabilities(name)
    best = np.argsort(-p)[:2]
    print(f"{name:13s} " + ", ".join(f"{data.classes[i]} {p[i]:.2f}" for i in best))

# %%
# NBVAL_IGNORE_OUTPUT
language_guesser(classifier.probabilities, classifier.classes, value="Nakamura")
