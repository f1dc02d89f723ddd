# %% [markdown]
# # 7 · Why gates help
#
# Notebooks 5 and 6 built three cells: the plain RNN, the GRU and the LSTM. This one asks what the gates
# buy us, with three experiments:
#
# 1. **Vanishing and exploding gradients**: how far back the gradient of a loss reaches, for each cell.
# 2. **Inside a trained LSTM**: what its gates do, character by character, on a dinosaur name.
# 3. **A fair race**: RNN, GRU and LSTM trained on the dinosaur names with the same data, steps, batches and
#    hidden size.

# %%
import numpy as np
from rnnlib import datasets, CharVocab, split_names, train_val_split, init_parameters
from rnnlib.ui import (gradient_norms_through_time, lstm_gate_activations, compare_cells,
                       plot_gradient_norms, plot_lstm_gates, plot_cell_comparison)

names = split_names(datasets.load_text("dinos"))
vocab = CharVocab.from_text("\n".join(names) + "\n")
train_names, val_names = train_val_split(names, val_fraction=0.1, seed=0)

# %% [markdown]
# ## 1 · How far back does the gradient reach?
#
# To learn that a character should depend on one read 50 steps earlier, the gradient of the loss at the
# late step has to travel back those 50 steps. In a plain RNN each step back multiplies it by the Jacobian
# `diag(1 − a⟨t⟩²) · Waaᵀ`. After `k` steps that is a product of `k` such matrices: if their typical size is
# below 1 the product shrinks geometrically (a vanishing gradient); if it is above 1 it grows until `tanh`
# saturates, and it swings erratically (an exploding gradient).
#
# The gated cells add a second path. The LSTM's memory cell is updated *additively*,
# `c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γu ⊙ c̃⟨t⟩`, so going back one step through it just multiplies by the forget gate
# `Γf`. A forget gate near 1 passes the gradient back almost unchanged, step after step. The GRU's
# `a⟨t⟩ = Γu ⊙ c̃ + (1 − Γu) ⊙ a⟨t−1⟩` does the same when its update gate is near 0.
#
# `gradient_norms_through_time` places a unit gradient on the last hidden state of a 100-character input (the
# first dinosaur names, joined) and carries it back with each cell's own backward step. All models are
# untrained, with 64 hidden units. The RNN runs with its default recurrent weights and with weights four
# times larger. The gated cells run with gate biases chosen to *remember*, which is what training can learn
# to do and what an RNN has no way to do.

# %%
ids = np.concatenate([[-1], vocab.encode("\n".join(names[:20]))[:99]])   # 100 inputs, the first is the zero start
n_a = 64

def untrained(cell, **options):
    return init_parameters(len(vocab), n_a, seed=0, dtype=np.float64, cell=cell, **options)

rnn_small = untrained("rnn")
rnn_large = untrained("rnn"); rnn_large["Waa"] *= 4
gru_keep = untrained("gru"); gru_keep["b"][:n_a] = -4.0          # update gate ≈ 0.02: keep the old state
lstm_default = untrained("lstm", forget_bias=1.0)
lstm_keep = untrained("lstm", forget_bias=3.0)                     # forget gate ≈ 0.95: keep the memory

curves = {
    "RNN, default recurrent weights": gradient_norms_through_time(rnn_small, ids),
    "RNN, recurrent weights × 4": gradient_norms_through_time(rnn_large, ids),
    "GRU, update-gate bias −4": gradient_norms_through_time(gru_keep, ids),
    "LSTM, forget-gate bias 1": gradient_norms_through_time(lstm_default, ids),
    "LSTM, forget-gate bias 3": gradient_norms_through_time(lstm_keep, ids),
}
for label, norms in curves.items():
    print(f"{label:32s} after 10 steps {norms[10]:9.2e}   after 50 {norms[50]:9.2e}   after 99 {norms[99]:9.2e}")
plot_gradient_norms(curves)

# %% [markdown]
# Read the numbers above the plot:
#
# * The RNN with its default weights loses the gradient geometrically. A few dozen steps back it is far below
#   anything a float32 update could register.
# * Making the weights larger does not cure it. The gradient no longer shrinks; it grows instead (20 times
#   larger a hundred steps back). That is the exploding regime, and clipping (notebook 2) exists for it. No
#   setting of the plain RNN's single matrix sits stably in between for every input.
# * A gate that is set to remember gives a path along which the gradient decays slowly: the GRU with its
#   update gate nearly shut, and the LSTM with forget bias 3, still pass about a tenth of it back after 100
#   steps.
# * The LSTM's usual forget bias of 1 already reaches far further than the RNN. Training can push the forget
#   gate towards 1 for the units that need long memory.
#
# ## 2 · Inside a trained LSTM
#
# Now train the three cells on the dinosaur names (section 3 uses the same runs) and look at the LSTM's gates
# as it reads one name. Each row of a panel is one hidden unit, each column a character of the input. The
# input at a column is the character *before* it, because at each step the model predicts the next character.

# %%
rows = compare_cells(train_names, val_names, hidden_size=64, batch_size=32, steps=1500, learning_rate=0.005, seed=0)
lstm = next(r["model"] for r in rows if r["cell"] == "lstm")

name = "tyrannosaurus"
inputs = np.concatenate([[-1], vocab.encode(name)])                 # zero start, then the letters
acts = lstm_gate_activations({k: v.astype(np.float64) for k, v in lstm.parameters.items()}, inputs)
units = np.argsort(acts["forget"].std(axis=1))[::-1][:12]            # the 12 units whose forget gate varies most
print("units shown:", units.tolist())
print("mean forget gate over all units and characters: %.3f" % acts["forget"].mean())
plot_lstm_gates(acts, name + "\n", units)

# %% [markdown]
# The 12 units shown are the ones whose forget gate varies most on this name, picked on purpose to show the
# gates at work:
#
# * Their forget gates jump between near 0 (erase this unit's memory) and near 1 (keep it) from one letter to
#   the next. Averaged over all 64 units and all characters the forget gate is 0.588, so this small model
#   keeps only part of its memory at each step. That is enough for names of a dozen characters.
# * The update and output gates are mostly open (yellow) through the familiar ending *-saurus*. There the
#   model writes to its memory and uses it at almost every step.
# * The memory cell (bottom panel) holds values that persist across several characters, and some units change
#   sign where a new piece of the name begins.
#
# Interpretations of single units are suggestive rather than proof. The point is that the gates are
# input-dependent switches, and the model learns when to flip them.
#
# ## 3 · A fair race
#
# The same three runs, compared: same training and validation names, same hidden size (64), same 1,500 Adam
# steps of 32 names, validation every 20 steps, best model kept. Gated cells have more parameters per hidden
# unit (three or four weight blocks instead of one) and cost more per step. The time column is wall time on
# the machine that ran this notebook, so yours will differ.

# %%
print(f"{'cell':5s} {'parameters':>10s} {'best val (nats/char)':>21s} {'at step':>8s}   training time")
for r in rows:
    h = r["history"]
    print(f"{r['cell']:5s} {r['parameters']:>10,d} {h.best_val_loss:>21.4f} {h.best_step:>8d}   ({r['seconds']:.2f} s)")
plot_cell_comparison(rows)

# %% [markdown]
# On these names, which are short (12 characters on average) and reset at every newline, long memory matters
# little. Even so, the gated cells reach a lower validation loss than the plain RNN, and the LSTM the lowest.
# They also overfit sooner, since they have more parameters to memorise with, which is why the trainer keeps
# the best model and not the last one. The gap grows on long texts where context spans dozens of characters;
# the next notebook trains a two-layer LSTM on Shakespeare.
