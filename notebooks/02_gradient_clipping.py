# %% [markdown]
# # 2 · Gradient clipping
#
# Backpropagation through time multiplies by the recurrent weights once per time step. When those
# products grow, a gradient can become huge in a single step ("exploding gradients"), and one plain
# gradient-descent update with it can throw the parameters far away from anything the model had learned.
#
# The course's remedy is **clipping**: before each update, every gradient element is forced into
# `[-maxValue, maxValue]`. This notebook
#
# 1. runs the course's `clip` test cell,
# 2. shows an RNN training with and without clipping, and
# 3. contrasts clipping *by value* with clipping *by global norm*.
#
# `clip` is the first graded function of the Dinosaur Island assignment. The **solution cell** below writes it
# out in plain numpy (the readable version; `rnnlib.clip` is the library's, on `rnnlib.core.optim`), and the
# **check** cell after it, `check("clip", clip)`, compares it with `rnnlib`'s reference and says in one
# sentence what passed or which mistake it found. `use("clip", clip)` then keeps it for the rest of the
# notebook if it passed (else `rnnlib`'s, saying so). The exercise version,
# `notebooks/exercises/02_gradient_clipping.ipynb`, has a stub to fill in instead; there `hint("clip", 1)`
# (levels 1 to 3) and `show("clip")` help.

# %%
import numpy as np
from rnnlib.exercises import check, hint, show, use


# %% [markdown]
# ## The course's test cell
#
# `clip(gradients, maxValue)` takes the dict of the five Dinosaur Island gradients (`dWaa`, `dWax`, `dWya`,
# `db`, `dby`) and clips each array **in place** with `np.clip(..., out=...)`, then returns them.

# %%
def clip(gradients, maxValue):
    """Clip every gradient element into [-maxValue, maxValue], in place.

    gradients: dict with dWaa (n_a, n_a), dWax (n_a, n_x), dWya (n_y, n_a), db (n_a, 1), dby (n_y, 1).
    maxValue: a positive number. Returns a dict of the same five (clipped) arrays.
    """
    ### BEGIN SOLUTION
    dWaa, dWax, dWya = gradients["dWaa"], gradients["dWax"], gradients["dWya"]
    db, dby = gradients["db"], gradients["dby"]
    for gradient in (dWax, dWaa, dWya, db, dby):
        # out=gradient writes the result into the array itself: the caller's dict is clipped too
        np.clip(gradient, -maxValue, maxValue, out=gradient)
    gradients = {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}
    ### END SOLUTION
    return gradients


# %%
check("clip", clip)

# %% [markdown]
# The course's test cell, with the function above if it passed:

# %%
clip = use("clip", clip)

# %%
def clip_test(mValue):
    print("\nGradients for mValue=" + str(mValue))
    np.random.seed(3)
    dWax = np.random.randn(5, 3) * 10
    dWaa = np.random.randn(5, 5) * 10
    dWya = np.random.randn(2, 5) * 10
    db = np.random.randn(5, 1) * 10
    dby = np.random.randn(2, 1) * 10
    gradients = {"dWax": dWax, "dWaa": dWaa, "dWya": dWya, "db": db, "dby": dby}
    gradients = clip(gradients, mValue)
    print('gradients["dWaa"][1][2] =', gradients["dWaa"][1][2])
    print('gradients["dWax"][3][1] =', gradients["dWax"][3][1])
    print('gradients["dWya"][1][2] =', gradients["dWya"][1][2])
    print('gradients["db"][4] =', gradients["db"][4])
    print('gradients["dby"][1] =', gradients["dby"][1])

clip_test(10)
clip_test(5)

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# Gradients for mValue=10
# gradients["dWaa"][1][2] = 10.0
# gradients["dWax"][3][1] = -10.0
# gradients["dWya"][1][2] = 0.2971381536101662
# gradients["db"][4] = [10.]
# gradients["dby"][1] = [8.45833407]
#
# Gradients for mValue=5
# gradients["dWaa"][1][2] = 5.0
# gradients["dWax"][3][1] = -5.0
# gradients["dWya"][1][2] = 0.2971381536101662
# gradients["db"][4] = [5.]
# gradients["dby"][1] = [5.]
# ```
#
# Values already inside the range (like `dWya[1][2]`) are untouched; the others are cut to the boundary.
#
# ## Exploding gradients, clipped and not
#
# To see why this matters, train the same RNN twice on the dinosaur names, one name per step with plain
# gradient descent as the course does, starting from recurrent weights four times larger than usual (a
# setting in which gradients explode). The only difference between the two runs is clipping every gradient
# element to `[-1, 1]` before each update. `rnnlib.ui.clipping_experiment` records each step's loss
# and the size (global norm) of the gradient *before* clipping.

# %%
from rnnlib import datasets, CharVocab, split_names
from rnnlib.ui import clipping_experiment, plot_clipping

names = split_names(datasets.load_text("dinos"))
vocab = CharVocab.from_text("\n".join(names))
runs = clipping_experiment(names, vocab, steps=2000, learning_rate=0.03, recurrent_scale=4.0, clip_value=1.0)
for label, run in runs.items():
    print(f"{label:>12}: loss {run['loss'][:200].mean():.2f} nats/char over the first 200 steps, "
          f"{run['loss'][-200:].mean():.2f} over the last 200; largest gradient norm {run['grad_norm'].max():.0f}")
plot_clipping(runs)

# %% [markdown]
# Both runs meet gradient spikes far larger than the typical gradient (left; note the log scale). Without
# clipping each spike is applied in full: the loss (right) is knocked upwards again and again and ends the
# 2,000 steps *higher* than it started. With clipping, a spike can move each parameter by at most
# `learning_rate × 1`, and the loss keeps falling. (For scale: guessing uniformly among 27 characters costs
# ln 27 ≈ 3.30 nats per character.)
#
# ## Clipping by value vs by global norm
#
# Clipping each element separately changes the gradient's **direction**: large components are cut, small ones
# are kept. The alternative most libraries use, clipping by **global norm**, scales all gradients by the same
# factor when their combined length exceeds a threshold, so the direction is kept. `rnnlib.core.optim` has both;
# the fast trainer can use either (`TrainConfig(clip="value")`, the course's, or `clip="norm"`).

# %%
from rnnlib import clip_by_value, clip_by_global_norm, global_norm

g = {"dW": np.array([[12.0, 0.5], [-0.3, 4.0]])}
by_value = clip_by_value({"dW": g["dW"].copy()}, 1.0)["dW"]
by_norm = {"dW": g["dW"].copy()}
norm_before = clip_by_global_norm(by_norm, 1.0)

def cosine(a, b):
    return float(np.vdot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))

print("original       ", g["dW"].ravel(), f"norm {norm_before:.3f}")
print("clip by value  ", by_value.ravel(), f"norm {global_norm({'x': by_value}):.3f}, cosine with original {cosine(by_value, g['dW']):.3f}")
print("clip by norm   ", np.round(by_norm['dW'].ravel(), 4), f"norm {global_norm(by_norm):.3f}, cosine with original {cosine(by_norm['dW'], g['dW']):.3f}")

# %% [markdown]
# Clipping by value cut the large first entry down to the size of the others, so the clipped gradient
# points somewhere else (the cosine with the original is below 1); clipping by norm kept the direction exactly
# (cosine 1.000) and only shortened it.
#
# Next: [3 · Sampling](03_sampling.ipynb).
