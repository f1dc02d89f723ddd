# %% [markdown]
# # 6 · LSTM and GRU step by step
#
# Notebook 5 ended on the weak point of the plain RNN: on its way back through time the gradient is multiplied,
# step after step, by the recurrent weights and by a `tanh` derivative, so it tends to fade (or blow up) long
# before it reaches the early steps. The **long short-term memory** (LSTM) cell and the **gated recurrent unit**
# (GRU) add *gates*: vectors of numbers between 0 and 1, computed from the current input and the previous
# state, that multiply other vectors element by element and so decide, unit by unit, what is kept, what is
# overwritten and what is shown.
#
# This notebook, following the second half of the course's first assignment:
#
# 1. explains the LSTM's gates and runs its forward and backward functions on the course's test cells;
# 2. does the same for the GRU (the course has no GRU code, so there are no published values there);
# 3. checks every backward pass against numerical gradients, as notebook 5 did for the RNN.
#
# Notebook 7 then measures what the gates buy.
#
# As in notebook 5, each of the eight functions is written out in plain numpy in a **solution cell** (the
# readable version; `rnnlib.lstm_cell_forward` ... are the fast ones, on `rnnlib.core`'s stacked cells), followed
# by `check(name, function)`, which compares it with `rnnlib`'s reference and names the mistake it finds, and by
# `use(name, function)`, which keeps it for the rest of the notebook if it passed (else `rnnlib`'s, saying so).
# In the exercise version, `notebooks/exercises/06_lstm_gru_step_by_step.ipynb`, the solutions are stubs to
# fill in; `hint("lstm_cell_forward", 1)` (levels 1 to 3) and `show("lstm_cell_forward")` help there.

# %%
import numpy as np
from rnnlib import sigmoid, softmax
from rnnlib.exercises import check, hint, show, use

# %% [markdown]
# ## The LSTM cell
#
# Besides the hidden state $a^{\langle t \rangle}$ the LSTM carries a **memory cell** $c^{\langle t \rangle}$ of
# the same size. Every gate looks at the same thing, the previous hidden state stacked on top of the input,
# $[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$ (shape `(n_a + n_x, m)`), through its own weights of shape
# `(n_a, n_a + n_x)`:
#
# $$\Gamma_f^{\langle t \rangle} = \sigma\left(W_f [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_f\right) \qquad \text{forget gate: how much of the old memory to keep}$$
# $$\Gamma_u^{\langle t \rangle} = \sigma\left(W_i [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_i\right) \qquad \text{update (input) gate: how much of the candidate to write}$$
# $$\tilde c^{\langle t \rangle} = \tanh\left(W_c [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_c\right) \qquad \text{candidate: what could be written}$$
# $$\Gamma_o^{\langle t \rangle} = \sigma\left(W_o [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_o\right) \qquad \text{output gate: how much of the memory to show}$$
# $$c^{\langle t \rangle} = \Gamma_f^{\langle t \rangle} \odot c^{\langle t-1 \rangle} + \Gamma_u^{\langle t \rangle} \odot \tilde c^{\langle t \rangle}, \qquad
# a^{\langle t \rangle} = \Gamma_o^{\langle t \rangle} \odot \tanh\left(c^{\langle t \rangle}\right), \qquad
# \hat y^{\langle t \rangle} = \mathrm{softmax}\left(W_y a^{\langle t \rangle} + b_y\right).$$
#
# The memory update is the heart of it: when the forget gate is near 1 and the update gate near 0, a unit
# of $c$ is copied unchanged to the next step, for as many steps as the gates allow. In code the gates are
# `ft`, `it`, `cct` (the candidate) and `ot`, and the course's dict holds `Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by`.
# Inside, `rnnlib` stacks the four gates into one `(4 n_a, ·)` block so that a single matrix product serves
# them all (`rnnlib.core.cells.lstm.lstm_step_forward`, the step the fast trainer runs with `TrainConfig(cell="lstm")`).
#
# `lstm_cell_forward(xt, a_prev, c_prev, parameters)` returns `a_next, c_next, yt_pred` and the cache
# `(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)`.

# %%
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One time step of the LSTM cell, with its softmax prediction.

    xt: (n_x, m); a_prev, c_prev: (n_a, m) the previous hidden state and memory cell;
    parameters: dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns a_next, c_next (n_a, m), yt_pred (n_y, m) and
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).
    """
    ### BEGIN SOLUTION
    Wf, bf, Wi, bi = parameters["Wf"], parameters["bf"], parameters["Wi"], parameters["bi"]
    Wc, bc, Wo, bo = parameters["Wc"], parameters["bc"], parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]
    # every gate reads the same column stack [a_prev; xt], a_prev on top: (n_a + n_x, m)
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = sigmoid(Wf @ concat + bf)  # forget gate: how much of c_prev to keep
    it = sigmoid(Wi @ concat + bi)  # update gate: how much of the candidate to write
    cct = np.tanh(Wc @ concat + bc)  # candidate memory, between -1 and 1
    c_next = ft * c_prev + it * cct  # element by element: each unit decides for itself
    ot = sigmoid(Wo @ concat + bo)  # output gate: how much of the memory to show
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(Wy @ a_next + by)
    # the gates go into the cache: the backward pass needs every one of them
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    ### END SOLUTION
    return a_next, c_next, yt_pred, cache


# %%
check("lstm_cell_forward", lstm_cell_forward)

# %% [markdown]
# The course's test cell (note that the output gate's weights are drawn before the candidate's):

# %%
lstm_cell_forward = use("lstm_cell_forward", lstm_cell_forward)

# %%
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
c_prev_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Wf"] = np.random.randn(5, 5 + 3)
parameters_tmp["bf"] = np.random.randn(5, 1)
parameters_tmp["Wi"] = np.random.randn(5, 5 + 3)
parameters_tmp["bi"] = np.random.randn(5, 1)
parameters_tmp["Wo"] = np.random.randn(5, 5 + 3)
parameters_tmp["bo"] = np.random.randn(5, 1)
parameters_tmp["Wc"] = np.random.randn(5, 5 + 3)
parameters_tmp["bc"] = np.random.randn(5, 1)
parameters_tmp["Wy"] = np.random.randn(2, 5)
parameters_tmp["by"] = np.random.randn(2, 1)

a_next_tmp, c_next_tmp, yt_tmp, cache_tmp = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)
print("a_next[4] = \n", a_next_tmp[4])
print("a_next.shape = ", a_next_tmp.shape)
print("c_next[2] = \n", c_next_tmp[2])
print("c_next.shape = ", c_next_tmp.shape)
print("yt[1] =", yt_tmp[1])
print("yt.shape = ", yt_tmp.shape)
print("cache[1][3] =\n", cache_tmp[1][3])
print("len(cache) = ", len(cache_tmp))

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# a_next[4] = 
#  [-0.66408471  0.0036921   0.02088357  0.22834167 -0.85575339  0.00138482
#   0.76566531  0.34631421 -0.00215674  0.43827275]
# a_next.shape =  (5, 10)
# c_next[2] = 
#  [ 0.63267805  1.00570849  0.35504474  0.20690913 -1.64566718  0.11832942
#   0.76449811 -0.0981561  -0.74348425 -0.26810932]
# c_next.shape =  (5, 10)
# yt[1] = [ 0.79913913  0.15986619  0.22412122  0.15606108  0.97057211  0.31146381
#   0.00943007  0.12666353  0.39380172  0.07828381]
# yt.shape =  (2, 10)
# cache[1][3] =
#  [-0.16263996  1.03729328  0.72938082 -0.54101719  0.02752074 -0.30821874
#   0.07651101 -1.03752894  1.41219977 -0.37647422]
# len(cache) =  10
# ```
#
# `cache[1]` is `c_next`, so `cache[1][3]` is row 3 of the new memory. The gates in the cache are what the
# equations promise: the three sigmoid gates lie between 0 and 1, the candidate between −1 and 1.

# %%
_, _, _, _, ft, it, cct, ot, _, _ = cache_tmp
for name, gate in (("ft", ft), ("it", it), ("ot", ot), ("cct", cct)):
    print(f"{name:>3}: min {gate.min():+.3f}  max {gate.max():+.3f}")

# %% [markdown]
# ## The LSTM over a sequence
#
# `lstm_forward(x, a0, parameters)` starts from the given `a0` and a **zero** memory cell, runs the cell over
# the `T_x` steps and returns `a`, `y`, `c` (every memory state, shape `(n_a, m, T_x)`) and
# `caches = (list of cell caches, x)`.

# %%
def lstm_forward(x, a0, parameters):
    """Run the LSTM cell over a sequence, from the hidden state a0 and a zero memory cell.

    x: (n_x, m, T_x); a0: (n_a, m); parameters as for lstm_cell_forward.
    Returns a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x) and caches = (list of the T_x cell caches, x).
    """
    ### BEGIN SOLUTION
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    c_next = np.zeros((n_a, m))  # the memory starts empty; only a0 is given
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    caches = (caches, x)
    ### END SOLUTION
    return a, y, c, caches


# %%
check("lstm_forward", lstm_forward)

# %% [markdown]
# The course's test cell:

# %%
lstm_forward = use("lstm_forward", lstm_forward)

# %%
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 7)
a0_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Wf"] = np.random.randn(5, 5 + 3)
parameters_tmp["bf"] = np.random.randn(5, 1)
parameters_tmp["Wi"] = np.random.randn(5, 5 + 3)
parameters_tmp["bi"] = np.random.randn(5, 1)
parameters_tmp["Wo"] = np.random.randn(5, 5 + 3)
parameters_tmp["bo"] = np.random.randn(5, 1)
parameters_tmp["Wc"] = np.random.randn(5, 5 + 3)
parameters_tmp["bc"] = np.random.randn(5, 1)
parameters_tmp["Wy"] = np.random.randn(2, 5)
parameters_tmp["by"] = np.random.randn(2, 1)

a_tmp, y_tmp, c_tmp, caches_tmp = lstm_forward(x_tmp, a0_tmp, parameters_tmp)
print("a[4][3][6] = ", a_tmp[4][3][6])
print("a.shape = ", a_tmp.shape)
print("y[1][4][3] =", y_tmp[1][4][3])
print("y.shape = ", y_tmp.shape)
print("caches[1][1][1] =\n", caches_tmp[1][1][1])
print("c[1][2][1]", c_tmp[1][2][1])
print("len(caches) = ", len(caches_tmp))

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# a[4][3][6] =  0.172117767533
# a.shape =  (5, 10, 7)
# y[1][4][3] = 0.95087346185
# y.shape =  (2, 10, 7)
# caches[1][1][1] =
#  [ 0.82797464  0.23009474  0.76201118 -0.22232814 -0.20075807  0.18656139
#   0.41005165]
# c[1][2][1] -0.855544916718
# len(caches) =  2
# ```
#
# ## The LSTM backward
#
# Going backwards through one step, the gradient reaching the memory cell $c^{\langle t \rangle}$ has two
# sources: `dc_next`, carried back from step $t+1$, and `da_next`, through $a^{\langle t \rangle} = \Gamma_o \odot \tanh(c^{\langle t \rangle})$:
#
# $$dc = dc_{next} + da_{next} \odot \Gamma_o \odot \left(1 - \tanh^2(c^{\langle t \rangle})\right).$$
#
# From $dc$ and $da_{next}$, each gate's gradient follows from the product it appears in, and is then passed
# through its own activation's derivative ($\sigma' = \Gamma(1 - \Gamma)$, $\tanh' = 1 - \tilde c^2$) to give
# the gradient of its pre-activation $dz$:
#
# $$dz_o = da_{next} \odot \tanh(c^{\langle t \rangle}) \odot \Gamma_o (1 - \Gamma_o), \quad
# dz_f = dc \odot c^{\langle t-1 \rangle} \odot \Gamma_f (1 - \Gamma_f), \quad
# dz_i = dc \odot \tilde c \odot \Gamma_u (1 - \Gamma_u), \quad
# dz_c = dc \odot \Gamma_u \odot (1 - \tilde c^2).$$
#
# Each gate's weights get $dW = dz\, [a^{\langle t-1 \rangle}; x^{\langle t \rangle}]^T$ and $db = \sum_{\text{columns}} dz$;
# the stacked input receives $\sum_{\text{gates}} W^T dz$, whose top `n_a` rows are `da_prev` and the rest `dxt`. Finally
#
# $$dc_{prev} = dc \odot \Gamma_f.$$
#
# That last line is the reason the LSTM was invented: from one memory cell to the previous one the gradient
# is only multiplied, element by element, by the forget gate. No weight matrix and no squashing derivative
# stand in the way.
#
# `lstm_cell_backward(da_next, dc_next, cache)` returns these in a dict, and its check measures the gradients of
# the forward function it is given (`forward=lstm_cell_forward`) numerically:

# %%
def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM cell (hidden state and memory; the output layer is left out).

    da_next, dc_next: (n_a, m) the gradients on a_next and c_next; cache: what lstm_cell_forward returned.
    Returns a dict: dxt (n_x, m), da_prev, dc_prev (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x)
    and dbf, dbi, dbc, dbo (n_a, 1).
    """
    ### BEGIN SOLUTION
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    # the memory hears from step t+1 (dc_next) and through a_next = ot * tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    # each gate: the factor it multiplies, times its activation's derivative
    # (sigmoid' = s (1 - s), tanh' = 1 - tanh**2)
    dzo = da_next * tanh_c * ot * (1 - ot)
    dzf = dc * c_prev * ft * (1 - ft)
    dzi = dc * cct * it * (1 - it)
    dzc = dc * it * (1 - cct ** 2)
    # each gate's weights multiplied [a_prev; xt]; the products sum over the m examples
    concat = np.concatenate((a_prev, xt), axis=0)
    gradients = {}
    for gate, dz in (("f", dzf), ("i", dzi), ("c", dzc), ("o", dzo)):
        gradients["dW" + gate] = dz @ concat.T
        gradients["db" + gate] = np.sum(dz, axis=1, keepdims=True)
    # [a_prev; xt] fed all four gates: add what comes back through each, then split the rows
    dconcat = (parameters["Wf"].T @ dzf + parameters["Wi"].T @ dzi
               + parameters["Wc"].T @ dzc + parameters["Wo"].T @ dzo)
    da_prev, dxt = dconcat[:n_a], dconcat[n_a:]
    # c_next = ft * c_prev + ...: the old memory's gradient is only scaled by the forget gate
    dc_prev = dc * ft
    ### END SOLUTION
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, **gradients}


# %%
check("lstm_cell_backward", lstm_cell_backward, forward=lstm_cell_forward)

# %% [markdown]
# The course's test cell:

# %%
lstm_cell_backward = use("lstm_cell_backward", lstm_cell_backward)

# %%
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
c_prev_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Wf"] = np.random.randn(5, 5 + 3)
parameters_tmp["bf"] = np.random.randn(5, 1)
parameters_tmp["Wi"] = np.random.randn(5, 5 + 3)
parameters_tmp["bi"] = np.random.randn(5, 1)
parameters_tmp["Wo"] = np.random.randn(5, 5 + 3)
parameters_tmp["bo"] = np.random.randn(5, 1)
parameters_tmp["Wc"] = np.random.randn(5, 5 + 3)
parameters_tmp["bc"] = np.random.randn(5, 1)
parameters_tmp["Wy"] = np.random.randn(2, 5)
parameters_tmp["by"] = np.random.randn(2, 1)

a_next_tmp, c_next_tmp, yt_tmp, cache_tmp = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)
da_next_tmp = np.random.randn(5, 10)
dc_next_tmp = np.random.randn(5, 10)
gradients_tmp = lstm_cell_backward(da_next_tmp, dc_next_tmp, cache_tmp)
print('gradients["dxt"][1][2] =', gradients_tmp["dxt"][1][2])
print('gradients["dxt"].shape =', gradients_tmp["dxt"].shape)
print('gradients["da_prev"][2][3] =', gradients_tmp["da_prev"][2][3])
print('gradients["da_prev"].shape =', gradients_tmp["da_prev"].shape)
print('gradients["dc_prev"][2][3] =', gradients_tmp["dc_prev"][2][3])
print('gradients["dc_prev"].shape =', gradients_tmp["dc_prev"].shape)
for gate, index in (("f", (3, 1)), ("i", (1, 2)), ("c", (3, 1)), ("o", (1, 2))):
    print(f'gradients["dW{gate}"][{index[0]}][{index[1]}] =', gradients_tmp["dW" + gate][index])
    print(f'gradients["dW{gate}"].shape =', gradients_tmp["dW" + gate].shape)
for gate in "fico":
    print(f'gradients["db{gate}"][4] =', gradients_tmp["db" + gate][4])
    print(f'gradients["db{gate}"].shape =', gradients_tmp["db" + gate].shape)

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# gradients["dxt"][1][2] = 3.23055911511
# gradients["dxt"].shape = (3, 10)
# gradients["da_prev"][2][3] = -0.0639621419711
# gradients["da_prev"].shape = (5, 10)
# gradients["dc_prev"][2][3] = 0.797522038797
# gradients["dc_prev"].shape = (5, 10)
# gradients["dWf"][3][1] = -0.147954838164
# gradients["dWf"].shape = (5, 8)
# gradients["dWi"][1][2] = 1.05749805523
# gradients["dWi"].shape = (5, 8)
# gradients["dWc"][3][1] = 2.30456216369
# gradients["dWc"].shape = (5, 8)
# gradients["dWo"][1][2] = 0.331311595289
# gradients["dWo"].shape = (5, 8)
# gradients["dbf"][4] = [ 0.18864637]
# gradients["dbf"].shape = (5, 1)
# gradients["dbi"][4] = [-0.40142491]
# gradients["dbi"].shape = (5, 1)
# gradients["dbc"][4] = [ 0.25587763]
# gradients["dbc"].shape = (5, 1)
# gradients["dbo"][4] = [ 0.13893342]
# gradients["dbo"].shape = (5, 1)
# ```
#
# `lstm_backward(da, caches)` walks the steps backwards as `rnn_backward` did, now carrying **two**
# gradients from each step to the one before: `da_prev` and `dc_prev` (both zero after the last step).

# %%
def lstm_backward(da, caches):
    """Backpropagation through time for lstm_forward.

    da: (n_a, m, T) the gradient on the hidden states of the first T steps (T is read from da, as the
    course's solution does); caches: what lstm_forward returned.
    Returns a dict: dx (n_x, m, T), da0 (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1).
    """
    ### BEGIN SOLUTION
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    totals = {}
    for gate in "fico":
        totals["dW" + gate] = np.zeros((n_a, n_a + n_x))
        totals["db" + gate] = np.zeros((n_a, 1))
    # two gradients travel back from step to step, both zero after the last step
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt, dc_prevt = gradients["da_prev"], gradients["dc_prev"]
        for key in totals:  # the gates' weights are shared by every step
            totals[key] += gradients[key]
    da0 = da_prevt
    ### END SOLUTION
    return {"dx": dx, "da0": da0, **totals}


# %%
check("lstm_backward", lstm_backward, forward=lstm_forward)

# %% [markdown]
# The course's 2021 test cell has two quirks. Its output layer is all zeros (`Wy`, `by` are not drawn), which
# changes nothing here because the backward pass ignores the output layer; and it runs the forward pass over
# 7 steps but passes a `da` of only **4** steps. The solution above (like `rnnlib`'s) reads the number of steps
# from `da`, as the course's solution does, so the result is the gradient of a loss that depends on the first four hidden states only:
# backpropagation starts at step 3, and `dx` has 4 time steps.

# %%
lstm_backward = use("lstm_backward", lstm_backward)

# %%
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 7)
a0_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Wf"] = np.random.randn(5, 5 + 3)
parameters_tmp["bf"] = np.random.randn(5, 1)
parameters_tmp["Wi"] = np.random.randn(5, 5 + 3)
parameters_tmp["bi"] = np.random.randn(5, 1)
parameters_tmp["Wo"] = np.random.randn(5, 5 + 3)
parameters_tmp["bo"] = np.random.randn(5, 1)
parameters_tmp["Wc"] = np.random.randn(5, 5 + 3)
parameters_tmp["bc"] = np.random.randn(5, 1)
parameters_tmp["Wy"] = np.zeros((2, 5))
parameters_tmp["by"] = np.zeros((2, 1))

a_tmp, y_tmp, c_tmp, caches_tmp = lstm_forward(x_tmp, a0_tmp, parameters_tmp)
da_tmp = np.random.randn(5, 10, 4)
gradients_tmp = lstm_backward(da_tmp, caches_tmp)
print('gradients["dx"][1][2] =', gradients_tmp["dx"][1][2])
print('gradients["dx"].shape =', gradients_tmp["dx"].shape)
print('gradients["da0"][2][3] =', gradients_tmp["da0"][2][3])
print('gradients["da0"].shape =', gradients_tmp["da0"].shape)
for gate, index in (("f", (3, 1)), ("i", (1, 2)), ("c", (3, 1)), ("o", (1, 2))):
    print(f'gradients["dW{gate}"][{index[0]}][{index[1]}] =', gradients_tmp["dW" + gate][index])
    print(f'gradients["dW{gate}"].shape =', gradients_tmp["dW" + gate].shape)
for gate in "fico":
    print(f'gradients["db{gate}"][4] =', gradients_tmp["db" + gate][4])
    print(f'gradients["db{gate}"].shape =', gradients_tmp["db" + gate].shape)

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# gradients["dx"][1][2] = [0.00218254  0.28205375 -0.48292508 -0.43281115]
# gradients["dx"].shape = (3, 10, 4)
# gradients["da0"][2][3] = 0.312770310257
# gradients["da0"].shape = (5, 10)
# gradients["dWf"][3][1] = -0.0809802310938
# gradients["dWf"].shape = (5, 8)
# gradients["dWi"][1][2] = 0.40512433093
# gradients["dWi"].shape = (5, 8)
# gradients["dWc"][3][1] = -0.0793746735512
# gradients["dWc"].shape = (5, 8)
# gradients["dWo"][1][2] = 0.038948775763
# gradients["dWo"].shape = (5, 8)
# gradients["dbf"][4] = [-0.15745657]
# gradients["dbf"].shape = (5, 1)
# gradients["dbi"][4] = [-0.50848333]
# gradients["dbi"].shape = (5, 1)
# gradients["dbc"][4] = [-0.42510818]
# gradients["dbc"].shape = (5, 1)
# gradients["dbo"][4] = [ -0.17958196]
# gradients["dbo"].shape = (5, 1)
# ```
#
# (Older editions of the course published different numbers for this cell: their reference solution never
# carried `da_prev` and `dc_prev` back from one step to the next, the bug notebook 5 caught with a gradient
# check.)
#
# ## Checking the LSTM's gradients
#
# As in notebook 5: a loss $L = \sum a \odot da + \sum c \odot dc$ whose gradients with respect to the cell's
# outputs are exactly the upstream gradients the backward function was given, centred differences for every
# element of every input, and the same small report (worst element and whole array).

# %%
from rnnlib import numerical_gradient, relative_error, weighted_loss

def report(loss_fn, arrays, analytic):
    for name, array in arrays.items():
        g_a, g_n = analytic[name], numerical_gradient(loss_fn, array)
        whole = np.linalg.norm(g_a - g_n) / (np.linalg.norm(g_a) + np.linalg.norm(g_n))
        worst = relative_error(g_a, g_n)
        print(f"{name:>8}   worst element {worst:8.1e}   whole array {whole:8.1e}   {'ok' if whole < 1e-7 else 'WRONG'}")

LSTM_KEYS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")

# %% [markdown]
# The cell, with the arrays of the course's `lstm_cell_backward` test (rebuilt with the same draws):

# %%
np.random.seed(1)
xt_tmp, a_prev_tmp, c_prev_tmp = np.random.randn(3, 10), np.random.randn(5, 10), np.random.randn(5, 10)
parameters_tmp = {name: np.random.randn(*shape) for name, shape in
                  (("Wf", (5, 8)), ("bf", (5, 1)), ("Wi", (5, 8)), ("bi", (5, 1)), ("Wo", (5, 8)), ("bo", (5, 1)),
                   ("Wc", (5, 8)), ("bc", (5, 1)), ("Wy", (2, 5)), ("by", (2, 1)))}
_, _, _, cache_tmp = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)
da_next_tmp, dc_next_tmp = np.random.randn(5, 10), np.random.randn(5, 10)

def lstm_cell_loss():
    a_next, c_next, _, _ = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)
    return weighted_loss(a_next, da_next_tmp) + weighted_loss(c_next, dc_next_tmp)

lstm_cell_arrays = {"dxt": xt_tmp, "da_prev": a_prev_tmp, "dc_prev": c_prev_tmp,
                    **{"d" + k: parameters_tmp[k] for k in LSTM_KEYS}}
report(lstm_cell_loss, lstm_cell_arrays, lstm_cell_backward(da_next_tmp, dc_next_tmp, cache_tmp))

# %% [markdown]
# All correct. One worst-element error, for `dc_prev`, is much larger than the others, though its whole-array
# error is as small as the rest. Looking at that element:

# %%
dc_prev_analytic = lstm_cell_backward(da_next_tmp, dc_next_tmp, cache_tmp)["dc_prev"]
dc_prev_numeric = numerical_gradient(lstm_cell_loss, c_prev_tmp)
errors = np.abs(dc_prev_analytic - dc_prev_numeric) / (np.abs(dc_prev_analytic) + np.abs(dc_prev_numeric))
row, col = np.unravel_index(errors.argmax(), errors.shape)
print(f"element [{row}, {col}]: analytic {dc_prev_analytic[row, col]:.6e}, numerical {dc_prev_numeric[row, col]:.6e}")
print(f"forget gate there: {cache_tmp[4][row, col]:.5f};  largest |dc_prev| in the array: {np.abs(dc_prev_analytic).max():.3f}")
print(f"relative error with h = 1e-4 instead of 1e-5: {relative_error(dc_prev_analytic, numerical_gradient(lstm_cell_loss, c_prev_tmp, h=1e-4)):.1e}")

# %% [markdown]
# The forget gate is almost closed at that unit, so almost no gradient reaches the old memory there
# (`dc_prev = dc ⊙ Γf`): its true value is tiny, and the rounding noise of the centred difference, which is the
# same size for every element, is large relative to it. A larger step `h` shrinks that noise and the
# element's error drops to the level of the others. This is the limit of the worst-element measure, not a bug.

# %% [markdown]
# A classic LSTM bug is to forget that gradient also arrives on the memory cell, i.e. to backpropagate as if
# `dc_next` were zero. The check catches it, and its table says where the damage is:

# %%
report(lstm_cell_loss, lstm_cell_arrays, lstm_cell_backward(da_next_tmp, np.zeros_like(dc_next_tmp), cache_tmp))

# %% [markdown]
# Only the output gate's `dWo` and `dbo` survive: the output gate acts on `tanh(c⟨t⟩)` after the memory is
# written, so its gradient comes from `da_next` alone. Everything upstream of the memory cell is wrong.
#
# The whole sequence, with the course's `lstm_backward` test arrays. The loss covers the first four hidden
# states, as that test's `da` does, and `dx` is compared on those four steps (`x_tmp[:, :, :4]` is a view,
# so nudging it nudges `x_tmp`):

# %%
np.random.seed(1)
x_tmp, a0_tmp = np.random.randn(3, 10, 7), np.random.randn(5, 10)
parameters_tmp = {name: np.random.randn(*shape) for name, shape in
                  (("Wf", (5, 8)), ("bf", (5, 1)), ("Wi", (5, 8)), ("bi", (5, 1)), ("Wo", (5, 8)), ("bo", (5, 1)),
                   ("Wc", (5, 8)), ("bc", (5, 1)))}
parameters_tmp["Wy"], parameters_tmp["by"] = np.zeros((2, 5)), np.zeros((2, 1))
_, _, _, caches_tmp = lstm_forward(x_tmp, a0_tmp, parameters_tmp)
da_tmp = np.random.randn(5, 10, 4)

def lstm_sequence_loss():
    return weighted_loss(lstm_forward(x_tmp, a0_tmp, parameters_tmp)[0][:, :, :4], da_tmp)

lstm_sequence_arrays = {"dx": x_tmp[:, :, :4], "da0": a0_tmp, **{"d" + k: parameters_tmp[k] for k in LSTM_KEYS}}
report(lstm_sequence_loss, lstm_sequence_arrays, lstm_backward(da_tmp, caches_tmp))

# %% [markdown]
# ## The GRU
#
# The gated recurrent unit (Cho et al., 2014) keeps a single state, which the lecture writes
# $c^{\langle t \rangle} = a^{\langle t \rangle}$, and uses two gates:
#
# $$\Gamma_u^{\langle t \rangle} = \sigma\left(W_u [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_u\right) \qquad \text{update gate}$$
# $$\Gamma_r^{\langle t \rangle} = \sigma\left(W_r [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_r\right) \qquad \text{reset ("relevance") gate}$$
# $$\tilde c^{\langle t \rangle} = \tanh\left(W_c [\Gamma_r^{\langle t \rangle} \odot a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_c\right) \qquad \text{candidate}$$
# $$a^{\langle t \rangle} = \Gamma_u^{\langle t \rangle} \odot \tilde c^{\langle t \rangle} + \left(1 - \Gamma_u^{\langle t \rangle}\right) \odot a^{\langle t-1 \rangle}, \qquad
# \hat y^{\langle t \rangle} = \mathrm{softmax}\left(W_y a^{\langle t \rangle} + b_y\right).$$
#
# The update gate plays the forget and update gates of the LSTM at once: each unit of the new state is a
# mixture of its old value and the candidate. The reset gate decides how much of the old state the
# candidate may look at.
#
# **Which GRU?** `rnnlib` implements the lecture's variant: the reset gate multiplies the previous state
# *before* the recurrent matrix product, $W_c [\Gamma_r \odot a^{\langle t-1 \rangle}; x]$. PyTorch's `nn.GRU`
# (like cuDNN) applies it *after* the product and its bias, $\tanh(W_{in} x + b_{in} + r \odot (W_{hn} h + b_{hn}))$,
# and writes $h' = (1 - z) \odot n + z \odot h$, so its $z$ is our $1 - \Gamma_u$; the two are different
# functions, and trained weights do not carry over between them unchanged.
#
# The course's assignment has no GRU code, so the functions below follow the LSTM's conventions (one
# `(n_a, n_a + n_x)` matrix per gate acting on `[a_prev; xt]`, `a_prev` on top; dict keys `Wu, bu, Wr, br,
# Wc, bc, Wy, by`), and the inputs are our own, seeded. There are no published values to compare with; the
# gradient checks further down are the test (and `check` compares with `rnnlib`'s own fixed values).

# %%
def gru_cell_forward(xt, a_prev, parameters):
    """One time step of the lecture's GRU, with a softmax prediction.

    xt: (n_x, m); a_prev: (n_a, m); parameters: dict with Wu, Wr, Wc (n_a, n_a + n_x), bu, br, bc (n_a, 1),
    Wy (n_y, n_a), by (n_y, 1).
    Returns a_next (n_a, m), yt_pred (n_y, m) and cache = (a_next, a_prev, xt, Γu, Γr, c̃, parameters).
    """
    ### BEGIN SOLUTION
    Wu, bu, Wr, br = parameters["Wu"], parameters["bu"], parameters["Wr"], parameters["br"]
    Wc, bc, Wy, by = parameters["Wc"], parameters["bc"], parameters["Wy"], parameters["by"]
    concat = np.concatenate((a_prev, xt), axis=0)
    gu = sigmoid(Wu @ concat + bu)  # update gate
    gr = sigmoid(Wr @ concat + br)  # reset gate
    # the lecture's GRU resets a_prev *before* Wc reads it
    cc = np.tanh(Wc @ np.concatenate((gr * a_prev, xt), axis=0) + bc)
    # each unit: a mixture of the candidate and its old value
    a_next = gu * cc + (1 - gu) * a_prev
    yt_pred = softmax(Wy @ a_next + by)
    cache = (a_next, a_prev, xt, gu, gr, cc, parameters)
    ### END SOLUTION
    return a_next, yt_pred, cache


# %%
check("gru_cell_forward", gru_cell_forward)

# %% [markdown]
# Our own test inputs:

# %%
gru_cell_forward = use("gru_cell_forward", gru_cell_forward)

# %%
np.random.seed(1)
n_x, n_a, n_y, m, T_x = 3, 5, 2, 10, 4
gru_parameters = {}
for gate in "urc":
    gru_parameters["W" + gate] = np.random.randn(n_a, n_a + n_x)
    gru_parameters["b" + gate] = np.random.randn(n_a, 1)
gru_parameters["Wy"] = np.random.randn(n_y, n_a)
gru_parameters["by"] = np.random.randn(n_y, 1)
xt_gru = np.random.randn(n_x, m)
a_prev_gru = np.random.randn(n_a, m)

a_next_gru, yt_gru, cache_gru = gru_cell_forward(xt_gru, a_prev_gru, gru_parameters)
print("a_next[4] =", np.round(a_next_gru[4], 6))
print("a_next.shape =", a_next_gru.shape, "  yt_pred.shape =", yt_gru.shape, "  len(cache) =", len(cache_gru))

# %% [markdown]
# The cache is `(a_next, a_prev, xt, Γu, Γr, c̃, parameters)`. Because the new state is a mixture of the old
# state and the candidate, every unit of `a_next` must lie between its `a_prev` and its `c̃`:

# %%
_, _, _, gu, gr, cc, _ = cache_gru
print("a_next between a_prev and c~ everywhere:", bool(np.all((a_next_gru - a_prev_gru) * (a_next_gru - cc) <= 1e-12)))
print(f"update gate in [{gu.min():.3f}, {gu.max():.3f}],  reset gate in [{gr.min():.3f}, {gr.max():.3f}]")

# %% [markdown]
# `gru_forward(x, a0, parameters)` runs the cell over a sequence and returns `a`, `y` and
# `caches = (list of cell caches, x)`.

# %%
def gru_forward(x, a0, parameters):
    """Run the GRU over a sequence.

    x: (n_x, m, T_x); a0: (n_a, m); parameters as for gru_cell_forward.
    Returns a (n_a, m, T_x), y (n_y, m, T_x) and caches = (list of the T_x cell caches, x).
    """
    ### BEGIN SOLUTION
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = gru_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y[:, :, t] = yt
        caches.append(cache)
    caches = (caches, x)
    ### END SOLUTION
    return a, y, caches


# %%
check("gru_forward", gru_forward)

# %% [markdown]
# On the sequence:

# %%
gru_forward = use("gru_forward", gru_forward)

# %%
x_gru = np.random.randn(n_x, m, T_x)
a0_gru = np.random.randn(n_a, m)
a_gru, y_gru, caches_gru = gru_forward(x_gru, a0_gru, gru_parameters)
print("a.shape =", a_gru.shape, "  y.shape =", y_gru.shape, "  len(caches[0]) =", len(caches_gru[0]))
print("a[4][1] =", np.round(a_gru[4][1], 6))

# %% [markdown]
# ### The GRU backward
#
# With $da$ the gradient on $a^{\langle t \rangle}$, the mixture gives the candidate and the update gate their
# gradients, $d\tilde c = da \odot \Gamma_u$ and $d\Gamma_u = da \odot (\tilde c - a^{\langle t-1 \rangle})$; the
# candidate passes its gradient back through $W_c$ to $\Gamma_r \odot a^{\langle t-1 \rangle}$, which splits it
# between the reset gate and the previous state. The previous state collects from four routes:
#
# $$da_{prev} = \underbrace{da \odot (1 - \Gamma_u)}_{\text{direct}} + \Gamma_r \odot d(\Gamma_r \odot a^{\langle t-1 \rangle}) + (\text{through } \Gamma_u \text{ and } \Gamma_r \text{'s weights}).$$
#
# The first term is the GRU's version of the LSTM's memory highway: where the update gate is near 0 the
# gradient flows to the previous step multiplied only by a number near 1. The weight gradients are
# $dz\,[a^{\langle t-1 \rangle}; x]^T$ for $W_u$ and $W_r$, and $dz_c\,[\Gamma_r \odot a^{\langle t-1 \rangle}; x]^T$
# for $W_c$, since that is what $W_c$ multiplied.
#
# `gru_cell_backward(da_next, cache)` and `gru_backward(da, caches)` return `dxt`/`dx`, `da_prev`/`da0` and
# `dWu, dbu, dWr, dbr, dWc, dbc`.

# %%
def gru_cell_backward(da_next, cache):
    """Backward pass of one GRU cell's state (the output layer is left out).

    da_next: (n_a, m) the gradient on a_next; cache: what gru_cell_forward returned.
    Returns a dict: dxt (n_x, m), da_prev (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1);
    dWc is with respect to [Γr * a_prev; xt], the stack Wc multiplied.
    """
    ### BEGIN SOLUTION
    a_next, a_prev, xt, gu, gr, cc, parameters = cache
    Wu, Wr, Wc = parameters["Wu"], parameters["Wr"], parameters["Wc"]
    n_a = a_prev.shape[0]
    # a_next = gu * cc + (1 - gu) * a_prev
    dzc = da_next * gu * (1 - cc ** 2)  # through the candidate's tanh
    dzu = da_next * (cc - a_prev) * gu * (1 - gu)  # through the update gate's sigmoid
    # the candidate read [gr * a_prev; xt] through Wc: send dzc back and split the rows
    d_reset_concat = Wc.T @ dzc
    d_reset_a_prev = d_reset_concat[:n_a]  # the gradient on gr * a_prev
    dzr = d_reset_a_prev * a_prev * gr * (1 - gr)
    concat = np.concatenate((a_prev, xt), axis=0)
    reset_concat = np.concatenate((gr * a_prev, xt), axis=0)
    # the gates' [a_prev; xt] collects from both gates
    d_concat = Wu.T @ dzu + Wr.T @ dzr
    # a_prev is reached four ways: the carry, the reset product, and the two gates
    da_prev = da_next * (1 - gu) + d_reset_a_prev * gr + d_concat[:n_a]
    dxt = d_concat[n_a:] + d_reset_concat[n_a:]
    gradients = {"dxt": dxt, "da_prev": da_prev,
                 "dWu": dzu @ concat.T, "dbu": np.sum(dzu, axis=1, keepdims=True),
                 "dWr": dzr @ concat.T, "dbr": np.sum(dzr, axis=1, keepdims=True),
                 "dWc": dzc @ reset_concat.T, "dbc": np.sum(dzc, axis=1, keepdims=True)}
    ### END SOLUTION
    return gradients


# %%
check("gru_cell_backward", gru_cell_backward, forward=gru_cell_forward)

# %% [markdown]
# Checked numerically as before, the cell:

# %%
gru_cell_backward = use("gru_cell_backward", gru_cell_backward)

# %%
GRU_KEYS = ("Wu", "bu", "Wr", "br", "Wc", "bc")
da_next_gru = np.random.randn(n_a, m)

def gru_cell_loss():
    return weighted_loss(gru_cell_forward(xt_gru, a_prev_gru, gru_parameters)[0], da_next_gru)

report(gru_cell_loss, {"dxt": xt_gru, "da_prev": a_prev_gru, **{"d" + k: gru_parameters[k] for k in GRU_KEYS}},
       gru_cell_backward(da_next_gru, cache_gru))

# %% [markdown]
# The sequence's backward pass, `gru_backward(da, caches)`:

# %%
def gru_backward(da, caches):
    """Backpropagation through time for gru_forward.

    da: (n_a, m, T_x) the gradient on every state from its prediction; caches: what gru_forward returned.
    Returns a dict: dx (n_x, m, T_x), da0 (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1).
    """
    ### BEGIN SOLUTION
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    totals = {}
    for gate in "urc":
        totals["dW" + gate] = np.zeros((n_a, n_a + n_x))
        totals["db" + gate] = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        # the state at t feeds its prediction and step t+1
        gradients = gru_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        for key in totals:
            totals[key] += gradients[key]
    da0 = da_prevt
    ### END SOLUTION
    return {"dx": dx, "da0": da0, **totals}


# %%
check("gru_backward", gru_backward, forward=gru_forward)

# %% [markdown]
# and its numerical check:

# %%
gru_backward = use("gru_backward", gru_backward)

# %%
da_gru = np.random.randn(n_a, m, T_x)

def gru_sequence_loss():
    return weighted_loss(gru_forward(x_gru, a0_gru, gru_parameters)[0], da_gru)

report(gru_sequence_loss, {"dx": x_gru, "da0": a0_gru, **{"d" + k: gru_parameters[k] for k in GRU_KEYS}},
       gru_backward(da_gru, caches_gru))


# %% [markdown]
# Every gradient of both cells matches its numerical measurement.
#
# ## What the gates cost
#
# Each gate is a full layer of its own on `[a_prev; xt]`, so for the same hidden size a GRU has three times
# the recurrent parameters of a plain RNN and an LSTM four times (output layer not counted):

# %%
def count(n_a, n_x, blocks):
    return blocks * (n_a * (n_a + n_x) + n_a)

for n_a_, n_x_ in ((5, 3), (100, 27)):
    print(f"n_a = {n_a_:>3}, n_x = {n_x_:>2}:  RNN {count(n_a_, n_x_, 1):>6}   GRU {count(n_a_, n_x_, 3):>6}   LSTM {count(n_a_, n_x_, 4):>6}")

# %% [markdown]
# Whether that extra cost pays off, on tasks where something must be remembered over many steps, is the
# subject of the next notebook.
#
# Previous: [5 · Building an RNN step by step](05_rnn_step_by_step.ipynb) · Next: [7 · Why gates help](07_why_gates_help.ipynb).
