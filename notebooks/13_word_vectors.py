# %% [markdown]
# # 13 · Word vectors: GloVe's neighbours and analogies, and Word2Vec trained here
#
# A word-level model starts by turning each word id into a vector. An `Embedding` layer learns those vectors
# from scratch, but vectors trained once on a huge corpus already place words with similar uses near each
# other, and a small data set (like the 10,662 movie-review sentences of notebook 11) can start from them.
#
# This notebook looks at such vectors:
#
# 1. **GloVe** (Pennington, Socher and Manning, 2014), trained on 6 billion tokens of Wikipedia and newswire:
#    nearest neighbours by cosine similarity, the famous analogies, a 2-D map;
# 2. **Word2Vec** (Mikolov et al., 2013), skip-gram with negative sampling, trained *here* in numpy on the
#    250,000 words of tiny Shakespeare, and its neighbours beside GloVe's.
#
# rnnlib ships 36,228 of GloVe's 400,000 50-dimensional vectors, unchanged: the 30,000 most frequent words and
# every other GloVe word of the movie-review corpus (`data/embeddings/`, with a card giving the source and hashes).

# %%
import numpy as np
from rnnlib import datasets, load_glove, tokenize_sentences, Word2Vec
from rnnlib.ui import plot_word_map

glove = load_glove()
print(glove)
print("the vector of 'king' starts", np.round(glove["king"][:6], 4))

# %% [markdown]
# ## Cosine similarity
#
# Two words are "near" when their vectors point the same way, whatever their lengths (frequent words tend to
# have longer vectors). The cosine of the angle between $u$ and $v$ is
#
# $$\cos(u, v) = \frac{u \cdot v}{\lVert u \rVert \, \lVert v \rVert}$$
#
# 1 for the same direction, 0 for unrelated (orthogonal) ones, -1 for opposite ones. `most_similar` computes it
# against every word in the table, leaves the query word out, and says how many words it searched:

# %%
u, v = glove["movie"], glove["film"]
print(f"cos(movie, film) = {u @ v / (np.linalg.norm(u) * np.linalg.norm(v)):.3f}")
for word in ["king", "movie", "good", "france", "computer"]:
    print(glove.most_similar(word, topn=6))

# %% [markdown]
# Look at `good`: its neighbours are words that appear in the same *kind of place* in a sentence (`better`,
# `really`, `always`), not synonyms. That is what co-occurrence statistics can see. Antonyms are a known
# weakness: `good` and `bad` sit close together, because they are used in the same contexts, which matters
# for sentiment classification.

# %%
for a, b in [("good", "bad"), ("good", "great"), ("good", "excellent"), ("good", "banana")]:
    print(f"cos({a}, {b}) = {glove.similarity(a, b):.3f}")

# %% [markdown]
# ## Analogies
#
# "man is to king as woman is to ?" becomes vector arithmetic: the word closest to $king - man + woman$
# (on unit vectors, the query words left out, the rule gensim and the word2vec tools use):

# %%
for a, b, c in [("man", "king", "woman"), ("france", "paris", "germany"), ("big", "bigger", "small"),
                ("walk", "walking", "swim"), ("good", "best", "bad")]:
    answer = glove.analogy(a, b, c, topn=3)
    print(f"{a} : {b} = {c} : {answer[0][0]:10s}  (then {answer[1][0]}, {answer[2][0]})")

# %% [markdown]
# The analogy works when the step from one word to the other is about the same vector in each pair. For
# countries and capitals we can measure that: the cosine between the step `paris - france` and the other
# pairs' steps (1 would be the very same direction; unrelated 50-dimensional directions give about 0):

# %%
pairs = [("france", "paris"), ("germany", "berlin"), ("italy", "rome"), ("spain", "madrid"),
         ("japan", "tokyo"), ("russia", "moscow")]
steps = {country: glove[capital] - glove[country] for country, capital in pairs}
for country, step in steps.items():
    reference = steps["france"]
    print(f"{country:8s} -> {dict(pairs)[country]:7s}  cos with paris - france: "
          f"{step @ reference / (np.linalg.norm(step) * np.linalg.norm(reference)):.3f}")

# %% [markdown]
# The five other steps point within about 37 to 53 degrees of `paris - france` (cosines 0.60 to 0.80): far
# from the same vector, far closer than chance. That is enough for the nearest word to `paris - france +
# germany` to be `berlin`.

# %% [markdown]
# ## A map
#
# Fifty dimensions cannot be drawn, but the two directions along which a handful of words differ most can
# (principal component analysis on just these words). A projection keeps only part of the picture: the
# directions that separate *these* words best, which need not be the country-to-capital step.

# %%
words = ["france", "paris", "germany", "berlin", "italy", "rome", "spain", "madrid", "japan", "tokyo",
         "king", "queen", "man", "woman", "prince", "princess"]
plot_word_map(glove, words, title="GloVe 6B 50d: countries, capitals, and royalty")

# %% [markdown]
# The first direction separates the places from the people and titles; the second sets Japan and Tokyo apart
# from the European names. Each capital lies near its country, and `king`, `queen`, `prince` and `princess`
# cluster together, away from the plainer `man` and `woman`.

# %% [markdown]
# ## Word2Vec, trained here
#
# Skip-gram asks each word to predict the words around it: for every pair (centre word, a word at most
# `window` positions away) the model raises the score $u_{context} \cdot v_{centre}$, and for `negative` words
# drawn at random it lowers it. The vectors $v$ that make those predictions are the word vectors.
# `Word2Vec` takes gensim's argument names, so the study notes' cells port as they are. On the 2-core course
# machine the three passes below take about 20 seconds.

# %%
text = datasets.load_text("tinyshakespeare")
sentences = tokenize_sentences(text)
print(f"{len(sentences):,} sentences, {sum(map(len, sentences)):,} words")
w2v = Word2Vec(sentences, vector_size=50, window=2, min_count=5, negative=5, epochs=3, seed=0)
print(f"{len(w2v.wv):,} words kept (at least 5 occurrences), {w2v.pairs:,} training pairs per pass")
print("mean loss per pair, each pass:", [round(x, 3) for x in w2v.losses])

# %% [markdown]
# The same questions of both tables. GloVe has read 25,000 times more text; Word2Vec here knows only the
# plays, so its neighbours are Shakespeare's: kings are *Edward*, *Richard* and *Henry*, a lord is *gracious*
# and a *liege*.

# %%
for word in ["king", "lord", "love", "good", "night"]:
    ours = ", ".join(w for w, _ in w2v.wv.most_similar(word, topn=5))
    theirs = ", ".join(w for w, _ in glove.most_similar(word, topn=5))
    print(f"{word:6s} Word2Vec (tiny Shakespeare): {ours}\n{'':6s} GloVe (6B tokens):           {theirs}")

# %% [markdown]
# ## From vectors to an `Embedding`
#
# A classifier reads word *ids* (a tokenizer's `word_index`); `embedding_matrix` lays the vectors out by id,
# with zeros for the padding id 0 and for words GloVe does not know, ready to be an `Embedding`'s weights
# (frozen or trainable; notebook 11 compares both):

# %%
word_index = {"the": 1, "movie": 2, "was": 3, "surprisingly": 4, "good": 5, "zzzwhat": 6}
matrix, missing = glove.embedding_matrix(word_index)
print("matrix", matrix.shape, "| words without a vector:", missing)
print("row 2 is the vector of 'movie':", np.array_equal(matrix[2], glove["movie"]))
