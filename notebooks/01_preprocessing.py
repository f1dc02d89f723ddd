# %% [markdown]
# # 1 · Preprocessing: from dinosaur names to training examples
#
# *Dinosaur Island* (deeplearning.ai, Sequence Models, week 1) trains a character-level language model on
# 1,536 dinosaur names, then asks it to invent new ones. Before any learning can happen, text has to
# become numbers. This notebook walks through every step of that, using `rnnlib`:
#
# 1. load the corpus (downloaded once and checksum-verified),
# 2. build the character vocabulary the course uses,
# 3. turn one name into the course's training pair `X`, `Y`,
# 4. pack many names into one padded batch for the fast trainer,
# 5. hold out names for validation.
#
# Nothing here is defined inline: each step is one call into `rnnlib`, whose source you can read next to the
# notebook (`rnnlib/text.py`, `rnnlib/datasets.py`).

# %%
import numpy as np
from rnnlib import datasets, CharVocab, split_names, names_to_batch, train_val_split

data = datasets.load_text("dinos")          # lowercased, like the course's open(...).read().lower()
print(f"There are {len(data)} total characters and {len(set(data))} unique characters in your data.")

# %% [markdown]
# **Expected output** (the course):
#
# `There are 19909 total characters and 27 unique characters in your data.`
#
# `load_text` looks for `dinos.txt` in a local mirror (`RNNLIB_DATA_MIRROR`), then in the cache (`data/` in
# this repository), and only then downloads it from its public address; the file's sha256 is checked every
# time, so everyone trains on the same bytes.
#
# ## The vocabulary
#
# The course sorts the distinct characters, which puts the newline first: `'\n'` gets index 0 and marks
# the end of a name, `'a'`…`'z'` get 1…26. `CharVocab` builds exactly that and offers the course's two
# dictionaries.

# %%
vocab = CharVocab.from_text(data)
char_to_ix, ix_to_char = vocab.char_to_ix, vocab.ix_to_char
print(len(vocab), "characters:", vocab)
print(ix_to_char)

# %% [markdown]
# ## One name, one training example
#
# Each line is a name. The model reads a name one character at a time and, at every step, predicts the next
# character. The course writes that as two lists of indices:
#
# * `X = [None] + indices`: the input at step 0 is `None`, which the course turns into a vector of zeros
#   (nothing has been read yet);
# * `Y = X[1:] + [newline]`: the target at each step is the next character, and after the last letter the
#   name should end, so the final target is `'\n'`.

# %%
names = split_names(data)
print(len(names), "names; shortest", min(map(len, names)), "longest", max(map(len, names)),
      f"mean {np.mean([len(n) for n in names]):.2f} characters")

name = names[0]
X = [None] + [char_to_ix[ch] for ch in name]
Y = X[1:] + [char_to_ix["\n"]]
print(name)
print("X =", X)
print("Y =", Y)

# %% [markdown]
# ## Ids instead of one-hot vectors
#
# The course feeds the RNN one-hot vectors `x⟨t⟩` of size 27 and multiplies them by `Wax`. Multiplying by a
# one-hot vector just picks one column, so `rnnlib` stores ids and picks the column directly: same numbers,
# no 27-wide vectors, no multiplication by zeros.

# %%
rng = np.random.default_rng(0)
Wax = rng.standard_normal((5, len(vocab)))
one_hot = np.zeros((len(vocab), 1)); one_hot[char_to_ix["t"]] = 1
print(np.array_equal(Wax @ one_hot, Wax[:, [char_to_ix["t"]]]))

# %% [markdown]
# ## Many names at once: a padded batch
#
# The course trains on one name per step. A computer does much better with many names at once, because
# then every step is one matrix product over the whole batch. Names have different lengths, so
# `names_to_batch` pads them into rectangles of shape `(T, m)` (time steps × names) with `-1`:
#
# * in `X`, `-1` means "zero input" (the course's `None`), both at the start and in the padding;
# * in `Y`, `-1` means "no target here": the loss skips it, so padding changes neither the loss nor the
#   gradients.
#
# Each **column** is one name, matching the course's convention that the batch dimension `m` is the second
# axis.

# %%
batch = ["tyrannosaurus", "rex", "tiny"]
Xb, Yb = names_to_batch(batch, vocab)
print("X has shape", Xb.shape, "\n", Xb)
print("Y has shape", Yb.shape, "\n", Yb)
print("column 1 decoded:", repr(vocab.decode(Yb[Yb[:, 1] >= 0, 1])))

# %% [markdown]
# ## Holding names out for validation
#
# To know whether the model learns *dinosaur names* rather than memorising *these* dinosaur names, we keep
# 10% of them aside and never train on them. The split is shuffled with a fixed seed, so it is the same every
# time (and the same as the benchmark script's). The list names eleven dinosaurs twice (`velociraptor`,
# `titanosaurus`, …); the split keeps each name once, so no validation name is also a training name.

# %%
train_names, val_names = train_val_split(names, val_fraction=0.1, seed=0)
print(len(train_names), "training names,", len(val_names), "validation names")
print("validation starts with:", val_names[:5])
print("overlap:", set(train_names) & set(val_names))

# %% [markdown]
# ## When the input is wrong
#
# A character the vocabulary has never seen cannot be encoded. `rnnlib` says which one, instead of failing
# with a `KeyError` deep inside numpy:

# %%
from rnnlib import VocabularyError
try:
    vocab.encode("T-rex")
except VocabularyError as err:
    print("VocabularyError:", err)

# %% [markdown]
# Next: [2 · Gradient clipping](02_gradient_clipping.ipynb).
