# %% [markdown]
# # 9 · A word-level language model
#
# So far every model read and wrote one **character** at a time. This notebook builds a language model over
# **words**, following Denny Britz's WildML tutorial
# ["Recurrent Neural Networks Tutorial, Part 2 – Implementing a RNN with Python, Numpy and Theano"](http://www.wildml.com/2015/09/recurrent-neural-networks-tutorial-part-2-implementing-a-language-model-rnn-with-python-numpy-and-theano/)
# (2015; code at [dennybritz/rnn-tutorial-rnnlm](https://github.com/dennybritz/rnn-tutorial-rnnlm)). The tutorial
#
# 1. cuts text into sentences and the sentences into words,
# 2. keeps the 8,000 most frequent words, replaces all others by `UNKNOWN_TOKEN` and wraps every sentence in
#    `SENTENCE_START` … `SENTENCE_END`,
# 3. trains a plain RNN with parameters `U`, `V`, `W` (no biases) by stochastic gradient descent, one sentence
#    per step, with backpropagation through time cut off after a few steps,
# 4. checks the gradients numerically, halves the learning rate whenever the loss goes up, and
# 5. generates new sentences.
#
# We do the same with `rnnlib.data.words` (text tools) and `rnnlib.RNNNumpy` (the tutorial's model class).
# rnnlib's version is written from the tutorial's description, not copied from it, and it does its arithmetic with
# the same RNN cell as every other model in this course. Then we go beyond the tutorial: the same kind of model
# trained by rnnlib's fast batched trainer, scored by **perplexity** on sentences it never saw.
#
# **The corpus is different.** The tutorial used a collection of Reddit comments that we cannot redistribute or
# download here. We use the dialogue of `tinyshakespeare` (char-rnn's 1 MB Shakespeare file, with the speakers'
# names removed) instead, so none of the numbers below are comparable to the tutorial's.

# %%
import math
import numpy as np
import matplotlib.pyplot as plt
from rnnlib import (datasets, PAD, UNKNOWN_TOKEN, WordVocab, join_words, pad_sequences,
                    split_sentences, strip_speakers, tokenize_sentences, word_tokenize)

# %% [markdown]
# ## From text to words
#
# The tutorial uses NLTK's tokenizers, which need a download. `rnnlib.data.words` uses a few regular expressions
# instead, so it works offline. Its rules:
#
# * a sentence ends after `.`, `!` or `?` followed by a space, and at every blank line (a single line break is
#   not a sentence end: verse runs on to the next line);
# * a word is a run of letters and digits; apostrophes and hyphens *inside* a word are kept (`we'll`, `know't`,
#   `soft-conscienced`);
# * every punctuation mark is a token of its own, so the model learns where commas and full stops go; an
#   apostrophe at the start or end of a word counts as punctuation;
# * everything is lowercased, as in the tutorial, so `He` and `he` are the same word (`lower=False` keeps case).

# %%
for s in ["He left!", "We'll know't soon, won't we?", "'Tis nine o' the clock... is it?"]:
    print(f"{s!r:36} -> {word_tokenize(s)}")
print()
print(split_sentences("He came. He saw!  Did he win?\nHe did,\nin the end.\n\nA new speech"))

# %% [markdown]
# `tinyshakespeare` is a play script: each speech starts with the speaker's name on a line of its own.
# `strip_speakers` removes those lines, leaving only what the characters say. We load the text with its case
# (the speaker lines are recognised by their capitals) and let the tokenizer lowercase it.

# %%
text = datasets.load_text("tinyshakespeare", lower=False)
dialogue = strip_speakers(text)
print(text[:120])
print("--- without the speakers:")
print(dialogue[:85])

sentences = tokenize_sentences(dialogue)
lengths = np.array([len(s) for s in sentences])
print(f"\n{len(sentences):,} sentences, {lengths.sum():,} tokens; tokens per sentence: "
      f"median {np.median(lengths):.0f}, 90% have at most {np.percentile(lengths, 90):.0f}, longest {lengths.max()}")
print(sentences[0])

# %% [markdown]
# Before building anything we set sentences aside for testing. `train_val_split` shuffles with a fixed seed and
# keeps repeated sentences once ("how now!" alone occurs 18 times), so no test sentence is also a training
# sentence. 80% are for training; of the rest, 200 sentences are a small validation set for the fast
# trainer, the others the test set.

# %%
from rnnlib import train_val_split

train_sents, rest = train_val_split([tuple(s) for s in sentences], val_fraction=0.2, seed=0)
val_sents, test_sents = rest[:200], rest[200:]
print(f"{len(train_sents):,} training, {len(val_sents)} validation, {len(test_sents):,} test sentences (distinct)")

# %% [markdown]
# ## The vocabulary
#
# `WordVocab.build` counts the words of the training sentences and keeps the most frequent ones. Its size counts
# the three special tokens, like the tutorial's 8,000, which take ids 0, 1 and 2; the words follow from the most
# to the least frequent. A word outside the vocabulary becomes `UNKNOWN_TOKEN`. (rnnlib's padding id stays -1, as
# for characters: it is not a token.)

# %%
vocab = WordVocab.build(train_sents, size=8000)
n_tokens = sum(len(s) for s in train_sents)
print(vocab)
print(f"the training sentences use {vocab.corpus_words:,} distinct words; the {len(vocab) - 3:,} kept cover "
      f"{1 - vocab.counts[UNKNOWN_TOKEN] / n_tokens:.1%} of their {n_tokens:,} tokens")
print("most frequent:", vocab.most_common(10))
print("least frequent kept:", [(w, vocab.counts[w]) for w in vocab.tokens[-4:]])

example = next(s for s in train_sents if vocab.unknown_id in vocab.encode(s) and len(s) < 12)
print("\n", join_words(example), "\n->", vocab.decode(vocab.encode(example)))

# %% [markdown]
# A sentence becomes one training example: the input `x` is `SENTENCE_START` followed by the words, the target
# `y` is the words followed by `SENTENCE_END`. At every position the model reads `x[t]` and is asked for `y[t]`,
# the next word:

# %%
x, y = vocab.training_pair("Is't a verdict?")
print("x =", x, "  y =", y)
for a, b in zip(x, y):
    print(f"{vocab.index_to_word[a]:>15} -> {vocab.index_to_word[b]}")

# %% [markdown]
# If you have used Keras: `texts_to_sequences` and `pad_sequences` behave like Keras's. `pad_sequences` pads and
# cuts at the **front** by default; for rnnlib's models pad at the back with `PAD` (-1), which the loss ignores.
# Unlike Keras, id 0 is a real token here (`SENTENCE_START`), so Keras's default fill of 0 is only a
# convention you may want to avoid.

# %%
seqs = vocab.texts_to_sequences(["Speak, speak.", "You are all resolved rather to die than to famish?"])
print(seqs)
print(pad_sequences(seqs, maxlen=6))
print(pad_sequences(seqs, maxlen=6, padding="post", truncating="post", value=PAD))

# %% [markdown]
# ## The model
#
# For a sentence `x`, the tutorial's RNN computes
#
# ```
# s_t = tanh(U[:, x_t] + W s_(t-1))      (s_(-1) = 0)
# o_t = softmax(V s_t)                   the probabilities of the next word
# ```
#
# with `U` (hidden × vocabulary), `W` (hidden × hidden) and `V` (vocabulary × hidden). `U[:, x_t]` is `U` times
# the one-hot vector of word `x_t`: picking the column is the same product without the 7,999 multiplications by
# zero. This is exactly the course's RNN cell with `Wax = U`, `Waa = W`, `Wya = V` and both biases zero, and
# `RNNNumpy` computes each step with the course's `rnn_step_forward`.
#
# `forward_propagation` returns the tutorial's layout: one **row** per time step. `o` is (T, vocabulary); `s` has
# one extra row, `s[-1]`, the zero starting state, so that "the state before step 0" is simply `s[-1]`.

# %%
from rnnlib import RNNNumpy

model = RNNNumpy(len(vocab), hidden_dim=100, bptt_truncate=4, seed=10)
o, s = model.forward_propagation(x)
print("U", model.U.shape, " V", model.V.shape, " W", model.W.shape)
print("o", o.shape, " s", s.shape, " s[-1] is all zeros:", not s[-1].any())
print("rows of o sum to 1:", np.allclose(o.sum(axis=1), 1))
print("most likely next words:", vocab.ids_to_tokens(model.predict(x)))

# %% [markdown]
# The loss is the cross-entropy: `-log o_t[y_t]`, averaged over every word of every sentence. A model that has
# learnt nothing gives every word about the same probability `1/V`, so its loss should be close to
# `ln V = ln 8000 ≈ 8.99` nats. That is a useful first check:

# %%
X_check, Y_check = vocab.training_pairs(train_sents[:500])
print(f"ln V = {math.log(len(vocab)):.4f}")
print(f"untrained model's loss on 500 training sentences: {model.calculate_loss(X_check, Y_check):.4f}")

# %% [markdown]
# ## Backpropagation through time, truncated
#
# `bptt(x, y)` returns the gradients `dU, dV, dW` of the sentence's summed loss. Like the tutorial, it sends the
# error of each output back through at most `bptt_truncate` earlier steps and then drops it: the error of the
# output at time t reaches steps t, t-1, …, t-4 with the default of 4. That saves work on long sentences, and
# it means the result is *not* the exact gradient unless `bptt_truncate` covers the whole sentence.
#
# (How: the errors of all outputs travel back together, one call of the course's `rnn_step_backward` per step
# of lag, instead of the tutorial's loop inside a loop. The numbers are the same.)
#
# **Gradient check.** As in the tutorial, we compare `bptt` with numerical derivatives on a small model (100 words,
# hidden size 10) with a truncation long enough to be exact. Each of its 2,100 parameters is nudged by ±0.001 and
# the change in the loss compared with what `bptt` claims:

# %%
from rnnlib import GradientCheckFailed

small = RNNNumpy(100, 10, bptt_truncate=1000, seed=10)
errors = small.gradient_check([0, 1, 2, 3], [1, 2, 3, 4], verbose=True)

# %% [markdown]
# With a short truncation on a longer sentence, the same check fails, as it should: truncated BPTT is an
# approximation, and the check says so (and why):

# %%
forgetful = RNNNumpy(100, 10, bptt_truncate=1, seed=10)
try:
    forgetful.gradient_check(list(range(0, 10)), list(range(1, 11)))
except GradientCheckFailed as err:
    print(err)

# %% [markdown]
# ## How long does one step take?
#
# The tutorial reports about 350 ms for one SGD step with 8,000 words and 100 hidden units, and notes that this
# makes training on the full data set take many hours. Almost all of that time goes into the 8,000-way softmax.
# `RNNNumpy` computes the outputs of all time steps with **one** matrix product (`S @ V.T`), sends all errors back
# with one more (`dO @ V`), forms `dV` with a third (`dO.T @ S`), and updates only the columns of `U` that belong
# to the sentence's words.
#
# The cell below times one step on a random 45-word sentence three ways: two deliberately naive, tutorial-style
# versions that live in `benchmarks/word_sgd_step.py` (one-hot input vectors, one softmax and one `np.outer` per
# time step; the "indexed" variant reads `U` by word id as the tutorial's own code does), and `RNNNumpy.sgd_step`.
# All three compute the same gradients. Timings depend on the machine and on what else it is doing, so this cell's
# output differs from run to run; `benchmarks/README.md` has a fuller measurement.

# %%
# NBVAL_IGNORE_OUTPUT
import importlib.util

spec = importlib.util.spec_from_file_location("word_sgd_step", "../benchmarks/word_sgd_step.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
times = bench.measure(repeats=3, fast_repeats=10, batch=0)
print("\n".join(bench.report(times)[:5]))
for dtype in ("float64", "float32"):
    print(f"{dtype}: RNNNumpy.sgd_step is {times['baseline, naive', dtype] / times['RNNNumpy.sgd_step', dtype]:.0f}x "
          f"faster than the naive baseline, {times['baseline, indexed', dtype] / times['RNNNumpy.sgd_step', dtype]:.0f}x "
          f"faster than the indexed one")


# %% [markdown]
# ## Training with SGD, the tutorial's way
#
# `train_with_sgd` visits the training sentences in order, one SGD step per sentence. Every `evaluate_loss_after`
# epochs it computes the loss on the whole training set, and if the loss went **up** since the last time it halves
# the learning rate. The tutorial trains for many hours on its full data; to keep this notebook quick we train on
# a slice: 300 training sentences of at most 25 tokens, for 6 epochs, with the tutorial's learning rate of 0.005.

# %%
def short(sents, longest=25):
    return [s for s in sents if len(s) <= longest]

X_train, Y_train = vocab.training_pairs(short(train_sents)[:300])
history = model.train_with_sgd(X_train, Y_train, learning_rate=0.005, nepoch=6, evaluate_loss_after=1, verbose=True)

# %% [markdown]
# With 0.005 the loss never went up, so the rate was never halved. A rate that is far too large shows the rule at
# work: here, on 50 sentences starting from the same initial weights, the loss jumps up after the first epoch,
# the rate is halved, and the same happens once more later.

# %%
too_fast = RNNNumpy(len(vocab), hidden_dim=100, bptt_truncate=4, seed=10)
X50, Y50 = vocab.training_pairs(short(train_sents)[:50])
wild = too_fast.train_with_sgd(X50, Y50, learning_rate=0.1, nepoch=6, evaluate_loss_after=1)
for epoch, loss, rate, halved in zip(wild.epoch, wild.loss, wild.learning_rate, wild.halved):
    print(f"epoch {epoch}: loss {loss:7.3f}   learning rate from here {rate:<6g}{'  (halved)' if halved else ''}")

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(history.examples_seen, history.loss, marker="o", label="lr 0.005, 300 sentences")
ax.plot(wild.examples_seen, wild.loss, marker="o", label="lr 0.1, 50 sentences")
halved = [i for i, h in enumerate(wild.halved) if h]
ax.scatter([wild.examples_seen[i] for i in halved], [wild.loss[i] for i in halved], s=120, facecolors="none",
           edgecolors="red", zorder=3, label="learning rate halved")
ax.axhline(math.log(len(vocab)), color="gray", ls="--", lw=1, label="ln V (guessing)")
ax.set(xlabel="sentences seen (SGD steps)", ylabel="training loss (nats per word)", title="RNNNumpy.train_with_sgd")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
plt.close(fig)
fig

# %% [markdown]
# ## Generating sentences
#
# The tutorial's recipe: start from `SENTENCE_START`, draw the next word from `o_t`, feed it back in, and stop at
# `SENTENCE_END`. Whenever `UNKNOWN_TOKEN` is drawn, draw again (rnnlib simply gives it probability 0, which is
# the same distribution; it never draws `SENTENCE_START` either). Sentences shorter than 7 words are thrown away
# and drawn again (at most 100 times, then an error says so). The random generator is seeded, so the sentences
# are the same every time. After a couple of seconds of training they are not good, but the model has picked up
# the commonest words and where the punctuation goes:

# %%
rng = np.random.default_rng(0)
for _ in range(5):
    print(join_words(model.generate_sentence(vocab, rng)))

# %% [markdown]
# ## Beyond the tutorial: the fast trainer, and perplexity
#
# One sentence per step is slow: each step streams the 8,000 × 100 output matrix through memory for a few dozen
# words. `rnnlib.train_sequences` (notebook 4) pads 32 sentences into one batch, so each matrix product
# does 32 times the work for one pass over the weights, and uses Adam with gradient clipping. It trains
# rnnlib's language model, which is the same RNN **plus the two biases** `b` and `by` the tutorial leaves out,
# and it starts each sentence from a zero input vector instead of a `SENTENCE_START` word vector; everything else
# (ids, the end token, the loss) is the same.
#
# We train it on all training sentences of at most 25 tokens for 200 steps (each step sees 32 sentences), keep
# the parameters that did best on the 200 validation sentences, and then score both models on the **test**
# sentences (at most 25 tokens too), which neither has seen.

# %%
from rnnlib import TrainConfig, train_sequences

train_ids = [vocab.encode(s) for s in short(train_sents)]
val_ids = [vocab.encode(s) for s in short(val_sents)]
config = TrainConfig(hidden_size=100, batch_size=32, steps=200, optimizer="adam", learning_rate=0.01,
                     clip="norm", clip_threshold=5.0, eval_every=50, seed=0)
fast, fast_history = train_sequences(train_ids, val_ids, vocab, vocab.end_id, config, progress=False)
print(f"{len(train_ids):,} training sentences, {len(val_ids)} validation sentences")
for step, loss in zip(fast_history.step, fast_history.val_loss):
    print(f"step {step}: validation loss {loss:.3f} nats per word")

# %% [markdown]
# **Perplexity** is `exp(mean loss per word)`: the number of equally likely words the model is, on average, as
# unsure as. A model that guesses uniformly has perplexity V = 8,000; a model that knows only how frequent each
# word is (no context at all) does much better; a useful model must beat that. Every target counts, including
# `SENTENCE_END` and `UNKNOWN_TOKEN` (predicting "some rare word" is easier than predicting which one, so
# perplexities over a capped vocabulary flatter a little).

# %%
from rnnlib import lm_pairs, perplexity

test_short = short(test_sents)
X_test, Y_test = vocab.training_pairs(test_short)               # x starts with SENTENCE_START, as RNNNumpy trained
fast_X, fast_Y = lm_pairs([vocab.encode(s) for s in test_short], vocab.end_id)  # x starts with the zero input

counts = np.array([vocab.counts[t] for t in vocab.tokens], dtype=float)
counts[vocab.start_id] = 0.0                                     # never a target
unigram = counts / counts.sum()
targets = np.concatenate(Y_test)

print(f"{len(test_short):,} test sentences, {len(targets):,} words to predict")
print(f"uniform guess                           perplexity {len(vocab):7.1f}")
print(f"word frequencies only (no context)      perplexity {math.exp(-np.log(unigram[targets]).mean()):7.1f}")
print(f"RNNNumpy, tutorial SGD, 1,800 steps     perplexity {math.exp(model.calculate_loss(X_test, Y_test)):7.1f}")
print(f"fast trainer, 200 batches of 32         perplexity {perplexity(fast.parameters, fast_X, fast_Y):7.1f}")

# %% [markdown]
# The tutorial-style model, after 1,800 one-sentence steps on 300 sentences, has not yet caught up with plain
# word frequencies: it has learnt which words are common but hardly any context. The fast trainer, which saw
# 6,400 sentences in 200 steps, beats word frequencies by a factor of about two. Its sentences read a little
# better too (`generate_sentence` works on any one-layer rnnlib model; `start_id=-1` feeds the zero input it was
# trained to start from):

# %%
from rnnlib import generate_sentence

rng = np.random.default_rng(0)
for _ in range(5):
    print(join_words(generate_sentence(fast.parameters, vocab, rng, start_id=-1)))

# %% [markdown]
# Word-level models save and load like the character models; the model file stores the vocabulary's tokens (as
# JSON text) instead of its characters:

# %%
import tempfile
from pathlib import Path
from rnnlib import load_model, save_model

with tempfile.TemporaryDirectory() as folder:
    loaded = load_model(save_model(fast, Path(folder) / "shakespeare_words.npz"))
print(loaded.vocab, "| same vocabulary:", loaded.vocab == vocab)
print("same parameters:", all(np.array_equal(loaded.parameters[k], fast.parameters[k]) for k in fast.parameters))

# %% [markdown]
# ## What we changed, and what is left out
#
# * **Corpus**: Shakespeare's dialogue instead of Reddit comments; much less text (about 230,000 tokens), so 8,000
#   words cover nearly everything and the perplexities are not comparable with the tutorial's.
# * **Tokenization**: regular expressions instead of NLTK. Sentence splitting is crude: any full stop followed by
#   a space ends a sentence, except after a few abbreviations such as "Mr.".
# * **Training time**: slices and a few seconds instead of hours; the point is the method, not the model.
# * **One implementation**: `RNNNumpy`'s forward pass and backpropagation use the same cell functions
#   (`rnn_step_forward`, `rnn_step_backward`) as the course notebooks and the fast trainer; its `parameters`
#   property shows the model as an ordinary rnnlib parameters dict with zero biases.
