# %% [markdown]
# # 5 · Building an RNN step by step
#
# Notebooks 1–4 trained a character model whose recurrent cell was already written. This one opens the cell
# up, in the order of the course's first assignment of week 1:
#
# 1. the RNN **cell**: one time step, forward;
# 2. the RNN over a whole **sequence**, forward, and what it keeps in its caches;
# 3. the cell and the sequence **backward**: backpropagation through time (BPTT);
# 4. **gradient checking**: comparing the backward pass with gradients measured by nudging each number, and
#    watching the check catch two deliberately broken backward passes.
#
# The four graded functions of the assignment (`rnn_cell_forward`, `rnn_forward`, `rnn_cell_backward`,
# `rnn_backward`) are written out below in plain numpy, in **solution cells** meant for reading: that is the
# math, one line per equation. `rnnlib`'s own versions (`rnnlib.rnn_cell_forward` ...) compute the same on
# `rnnlib.core`'s cells, the fast code the trainers run; the notebook's cells only use the ones written here.
#
# After each solution, a **check** cell, `check("rnn_cell_forward", rnn_cell_forward)`, runs that function
# against `rnnlib`'s reference (the course's test values, other shapes, float32, the cache, inputs left
# unchanged) and says in one sentence what passed or which mistake it found. The exercise version of this
# notebook, `notebooks/exercises/05_rnn_step_by_step.ipynb`, has the same cells with the solutions replaced by
# `# YOUR CODE HERE`; there `hint("rnn_cell_forward", 1)` (levels 1 to 3: the formula, the shapes, the first
# line) helps, `show("rnn_cell_forward")` displays the solution, and `use(...)` falls back to `rnnlib`'s
# function while yours is unwritten or wrong, so the notebook still runs to the end.

# %%
import numpy as np
from rnnlib import softmax
from rnnlib.exercises import check, hint, show, use

# %% [markdown]
# ## Shapes
#
# The course stores a batch **column-wise**: one example per column, and time as the last axis.
#
# | array | shape | meaning |
# |---|---|---|
# | `x` | `(n_x, m, T_x)` | `m` examples, each a sequence of `T_x` input vectors of size `n_x` |
# | `x[:, :, t]` = `xt` | `(n_x, m)` | the inputs at time step `t` |
# | `a0`, `a_prev`, `a_next` | `(n_a, m)` | hidden states (`n_a` hidden units) |
# | `a` | `(n_a, m, T_x)` | every hidden state of the sequence |
# | `y_pred` | `(n_y, m, T_x)` | a softmax over `n_y` classes at every step |
# | `Wax`, `Waa`, `Wya` | `(n_a, n_x)`, `(n_a, n_a)`, `(n_y, n_a)` | input, recurrent and output weights |
# | `ba`, `by` | `(n_a, 1)`, `(n_y, 1)` | biases, broadcast over the `m` columns |
#
# The weight subscripts read right to left: `Wax` turns an **x** into something the size of an **a**.
#
# ## The RNN cell
#
# One time step computes
#
# $$a^{\langle t \rangle} = \tanh\left(W_{aa}\, a^{\langle t-1 \rangle} + W_{ax}\, x^{\langle t \rangle} + b_a\right), \qquad
# \hat y^{\langle t \rangle} = \mathrm{softmax}\left(W_{ya}\, a^{\langle t \rangle} + b_y\right).$$
#
# `rnn_cell_forward(xt, a_prev, parameters)` returns `a_next`, `yt_pred` and a **cache**
# `(a_next, a_prev, xt, parameters)`: exactly what the backward pass will need. (`rnnlib`'s version forms the
# projected input `Wax @ xt + ba` and calls `rnnlib.core.cells.rnn.rnn_step_forward`, the same one-line step the
# fast trainer of notebook 4 runs in its time loop.)

# %%
def rnn_cell_forward(xt, a_prev, parameters):
    """One time step of the RNN cell, with its softmax prediction.

    xt: (n_x, m) the inputs at step t; a_prev: (n_a, m) the hidden state a<t-1>;
    parameters: dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    Returns a_next (n_a, m), yt_pred (n_y, m) and cache = (a_next, a_prev, xt, parameters).
    """
    ### BEGIN SOLUTION
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    # The biases are (n, 1) columns: numpy adds them to each of the m columns (one per example).
    # (Summed in rnnlib's order, input term first, so the printed digits below are rnnlib's too.)
    a_next = np.tanh(Wax @ xt + ba + Waa @ a_prev)
    # softmax over axis 0: each column becomes a distribution over the n_y outputs
    yt_pred = softmax(Wya @ a_next + by)
    # everything rnn_cell_backward will need, so the backward pass recomputes nothing
    cache = (a_next, a_prev, xt, parameters)
    ### END SOLUTION
    return a_next, yt_pred, cache


# %%
check("rnn_cell_forward", rnn_cell_forward)

# %% [markdown]
# From here on the notebook runs the function of the cell above if it passed, and `rnnlib`'s otherwise
# (saying so). The course's test cell (the seed and the order of the random draws fix every number; note that
# `Waa` is drawn before `Wax` here):

# %%
rnn_cell_forward = use("rnn_cell_forward", rnn_cell_forward)

# %%
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Waa"] = np.random.randn(5, 5)
parameters_tmp["Wax"] = np.random.randn(5, 3)
parameters_tmp["Wya"] = np.random.randn(2, 5)
parameters_tmp["ba"] = np.random.randn(5, 1)
parameters_tmp["by"] = np.random.randn(2, 1)

a_next_tmp, yt_pred_tmp, cache_tmp = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)
print("a_next[4] = \n", a_next_tmp[4])
print("a_next.shape = \n", a_next_tmp.shape)
print("yt_pred[1] =\n", yt_pred_tmp[1])
print("yt_pred.shape = \n", yt_pred_tmp.shape)

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# a_next[4] = 
#  [ 0.59584544  0.18141802  0.61311866  0.99808218  0.85016201  0.99980978
#  -0.18887155  0.99815551  0.6531151   0.82872037]
# a_next.shape = 
#  (5, 10)
# yt_pred[1] =
#  [ 0.9888161   0.01682021  0.21140899  0.36817467  0.98988387  0.88945212
#   0.36920224  0.9966312   0.9982559   0.17746526]
# yt_pred.shape = 
#  (2, 10)
# ```
#
# A quick sanity check of the formula: with a zero input and a zero previous state only the biases are left,
# so every column of `a_next` must be `tanh(ba)` and every column of the prediction
# `softmax(Wya tanh(ba) + by)`; the softmax columns must sum to 1.

# %%
from rnnlib import softmax

a_check, y_check, _ = rnn_cell_forward(np.zeros((3, 10)), np.zeros((5, 10)), parameters_tmp)
a_expected = np.tanh(parameters_tmp["ba"])
print("a_next == tanh(ba):                  ", np.allclose(a_check, a_expected))
print("yt_pred == softmax(Wya tanh(ba) + by):", np.allclose(y_check, softmax(parameters_tmp["Wya"] @ a_expected + parameters_tmp["by"])))
print("columns of yt_pred_tmp sum to 1:      ", np.allclose(yt_pred_tmp.sum(axis=0), 1.0))

# %% [markdown]
# ## The RNN over a sequence
#
# `rnn_forward(x, a0, parameters)` runs the cell `T_x` times, feeding each step's `a_next` to the next step as
# its `a_prev`. The **same** parameters are used at every step: that sharing is what makes an RNN able to read
# sequences of any length, and it is why the backward pass will have to *add up* the gradient contributions
# of all the steps.
#
# It returns `a` and `y_pred` with the time axis last, and `caches = (list of the T_x cell caches, x)`.

# %%
def rnn_forward(x, a0, parameters):
    """Run the RNN cell over a whole sequence.

    x: (n_x, m, T_x) the inputs; a0: (n_a, m) the initial hidden state; parameters as for rnn_cell_forward.
    Returns a (n_a, m, T_x) every hidden state, y_pred (n_y, m, T_x) every prediction, and
    caches = (list of the T_x cell caches, x).
    """
    ### BEGIN SOLUTION
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        # the same parameters at every step; each step's a_next is the next step's a_prev
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    # x goes into the caches too: rnn_backward reads its shape from it
    caches = (caches, x)
    ### END SOLUTION
    return a, y_pred, caches


# %%
check("rnn_forward", rnn_forward)

# %% [markdown]
# The course's test cell:

# %%
rnn_forward = use("rnn_forward", rnn_forward)

# %%
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 4)
a0_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Waa"] = np.random.randn(5, 5)
parameters_tmp["Wax"] = np.random.randn(5, 3)
parameters_tmp["Wya"] = np.random.randn(2, 5)
parameters_tmp["ba"] = np.random.randn(5, 1)
parameters_tmp["by"] = np.random.randn(2, 1)

a_tmp, y_pred_tmp, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)
print("a[4][1] = \n", a_tmp[4][1])
print("a.shape = \n", a_tmp.shape)
print("y_pred[1][3] =\n", y_pred_tmp[1][3])
print("y_pred.shape = \n", y_pred_tmp.shape)
print("caches[1][1][3] =\n", caches_tmp[1][1][3])
print("len(caches) = \n", len(caches_tmp))

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# a[4][1] = 
#  [-0.99999375  0.77911235 -0.99861469 -0.99833267]
# a.shape = 
#  (5, 10, 4)
# y_pred[1][3] =
#  [ 0.79560373  0.86224861  0.11118257  0.81515947]
# y_pred.shape = 
#  (2, 10, 4)
# caches[1][1][3] =
#  [-1.1425182  -0.34934272 -0.20889423  0.58662319]
# len(caches) = 
#  2
# ```
#
# `caches[1]` is the input `x` itself, so `caches[1][1][3]` is simply `x[1][3]`: the first input feature of
# example 3 at the four time steps. Looking inside the caches:

# %%
cell_caches, x_cached = caches_tmp
print(len(cell_caches), "cell caches, one per time step")
a_next_c, a_prev_c, xt_c, params_c = cell_caches[2]
print("step 2 keeps a_next", a_next_c.shape, "a_prev", a_prev_c.shape, "xt", xt_c.shape,
      "and the parameter dict", sorted(params_c))
print("its a_prev is a<1>:", np.array_equal(a_prev_c, a_tmp[:, :, 1]))
print("its xt is x[:, :, 2]:", np.array_equal(xt_c, x_tmp[:, :, 2]))
print("caches[1] is x itself:", x_cached is x_tmp)

# %% [markdown]
# The caches hold references, not copies: the forward pass remembers what it saw so that the backward pass
# never has to recompute it.
#
# ## The cell, backward
#
# The backward pass of one cell receives `da_next`, the gradient of the loss with respect to `a⟨t⟩`, and
# sends it back through the `tanh`. With $z = W_{aa} a^{\langle t-1 \rangle} + W_{ax} x^{\langle t \rangle} + b_a$
# and $\tanh'(z) = 1 - \tanh^2(z) = 1 - (a^{\langle t \rangle})^2$:
#
# $$dz = \left(1 - (a^{\langle t \rangle})^2\right) \odot da_{next}$$
#
# $$dW_{ax} = dz\, (x^{\langle t \rangle})^T, \quad dW_{aa} = dz\, (a^{\langle t-1 \rangle})^T, \quad
# db_a = \textstyle\sum_{\text{columns}} dz, \quad dx^{\langle t \rangle} = W_{ax}^T dz, \quad
# da_{prev} = W_{aa}^T dz.$$
#
# The `tanh` derivative is computed from the cached `a_next`, not from `z`, which is why the cache keeps it.
# The matrix products against the transposed activations sum over the `m` examples, so the weight gradients
# are totals over the batch, as is `dba`. Like the course, `rnn_cell_backward` leaves the output layer
# (`Wya`, `by`) out: the prediction's gradient is assumed to be already folded into `da_next`.
#
# The solution, then its check. A backward function is checked with the forward function it belongs to
# (`forward=rnn_cell_forward`): besides comparing with `rnnlib`'s gradients, the check measures the gradients of
# *your* forward numerically, so a backward pass that matches a wrong forward pass is still caught.

# %%
def rnn_cell_backward(da_next, cache):
    """Backward pass of one RNN cell's hidden state (the output layer is left out, as in the course).

    da_next: (n_a, m) the gradient of the loss with respect to a_next; cache: what rnn_cell_forward returned.
    Returns a dict: dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    ### BEGIN SOLUTION
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    # through the tanh: tanh'(z) = 1 - tanh(z)**2, and tanh(z) is the cached a_next
    dz = (1 - a_next ** 2) * da_next
    # z = Wax xt + Waa a_prev + ba: each factor's gradient is the other factor times dz
    dxt = Wax.T @ dz
    dWax = dz @ xt.T  # the product sums over the m examples: a total over the batch
    da_prev = Waa.T @ dz
    dWaa = dz @ a_prev.T
    # ba was added to every column, so its gradient adds up the columns
    dba = np.sum(dz, axis=1, keepdims=True)
    ### END SOLUTION
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# %%
check("rnn_cell_backward", rnn_cell_backward, forward=rnn_cell_forward)

# %% [markdown]
# The course's test cell (here `Wax` is drawn **before** `Waa`, the opposite of the forward cells):

# %%
rnn_cell_backward = use("rnn_cell_backward", rnn_cell_backward)

# %%
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Wax"] = np.random.randn(5, 3)
parameters_tmp["Waa"] = np.random.randn(5, 5)
parameters_tmp["Wya"] = np.random.randn(2, 5)
parameters_tmp["ba"] = np.random.randn(5, 1)
parameters_tmp["by"] = np.random.randn(2, 1)

a_next_tmp, yt_tmp, cache_tmp = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)
da_next_tmp = np.random.randn(5, 10)
gradients_tmp = rnn_cell_backward(da_next_tmp, cache_tmp)
print('gradients["dxt"][1][2] =', gradients_tmp["dxt"][1][2])
print('gradients["dxt"].shape =', gradients_tmp["dxt"].shape)
print('gradients["da_prev"][2][3] =', gradients_tmp["da_prev"][2][3])
print('gradients["da_prev"].shape =', gradients_tmp["da_prev"].shape)
print('gradients["dWax"][3][1] =', gradients_tmp["dWax"][3][1])
print('gradients["dWax"].shape =', gradients_tmp["dWax"].shape)
print('gradients["dWaa"][1][2] =', gradients_tmp["dWaa"][1][2])
print('gradients["dWaa"].shape =', gradients_tmp["dWaa"].shape)
print('gradients["dba"][4] =', gradients_tmp["dba"][4])
print('gradients["dba"].shape =', gradients_tmp["dba"].shape)

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# gradients["dxt"][1][2] = -1.3872130506
# gradients["dxt"].shape = (3, 10)
# gradients["da_prev"][2][3] = -0.152399493774
# gradients["da_prev"].shape = (5, 10)
# gradients["dWax"][3][1] = 0.410772824935
# gradients["dWax"].shape = (5, 3)
# gradients["dWaa"][1][2] = 1.15034506685
# gradients["dWaa"].shape = (5, 5)
# gradients["dba"][4] = [ 0.20023491]
# gradients["dba"].shape = (5, 1)
# ```
#
# (The course prints 12 significant digits; Python prints every digit of a float. Older editions of this
# cell published different numbers because their test cell passed a stale bias from an earlier cell.)
#
# ## Backpropagation through time
#
# At step `t` the hidden state `a⟨t⟩` influences the loss in two ways: through its own prediction
# `ŷ⟨t⟩`, and through `a⟨t+1⟩`, which it feeds. So the gradient arriving at step `t` is the sum
#
# $$\frac{\partial L}{\partial a^{\langle t \rangle}} = \underbrace{da[:, :, t]}_{\text{from } \hat y^{\langle t \rangle}}
# + \underbrace{da_{prev} \text{ of step } t+1}_{\text{from the future}}.$$
#
# `rnn_backward(da, caches)` therefore walks the steps **backwards**, from `T_x − 1` down to `0`, calls
# `rnn_cell_backward` on that sum, keeps `dxt` for its time step, passes `da_prev` on to the step before, and
# **adds** the weight gradients of all the steps (the weights are shared). What is left of `da_prev` after
# step 0 is `da0`, the gradient with respect to the initial state.

# %%
def rnn_backward(da, caches):
    """Backpropagation through time over the whole sequence.

    da: (n_a, m, T_x) the gradient arriving at every hidden state from its prediction;
    caches: what rnn_forward returned, (list of cell caches, x).
    Returns a dict: dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1).
    """
    ### BEGIN SOLUTION
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax, dWaa, dba = np.zeros((n_a, n_x)), np.zeros((n_a, n_a)), np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))  # nothing comes back from after the last step
    for t in reversed(range(T_x)):
        # a<t> feeds its own prediction (da[:, :, t]) and step t+1 (da_prevt): add both
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        # every step used the same weights, so their gradients add up over the steps
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt  # what is left after step 0 reaches the initial state
    ### END SOLUTION
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# %%
check("rnn_backward", rnn_backward, forward=rnn_forward)

# %% [markdown]
# The course's test cell:

# %%
rnn_backward = use("rnn_backward", rnn_backward)

# %%
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 4)
a0_tmp = np.random.randn(5, 10)
parameters_tmp = {}
parameters_tmp["Wax"] = np.random.randn(5, 3)
parameters_tmp["Waa"] = np.random.randn(5, 5)
parameters_tmp["Wya"] = np.random.randn(2, 5)
parameters_tmp["ba"] = np.random.randn(5, 1)
parameters_tmp["by"] = np.random.randn(2, 1)

a_tmp, y_tmp, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)
da_tmp = np.random.randn(5, 10, 4)
gradients_tmp = rnn_backward(da_tmp, caches_tmp)
print('gradients["dx"][1][2] =', gradients_tmp["dx"][1][2])
print('gradients["dx"].shape =', gradients_tmp["dx"].shape)
print('gradients["da0"][2][3] =', gradients_tmp["da0"][2][3])
print('gradients["da0"].shape =', gradients_tmp["da0"].shape)
print('gradients["dWax"][3][1] =', gradients_tmp["dWax"][3][1])
print('gradients["dWax"].shape =', gradients_tmp["dWax"].shape)
print('gradients["dWaa"][1][2] =', gradients_tmp["dWaa"][1][2])
print('gradients["dWaa"].shape =', gradients_tmp["dWaa"].shape)
print('gradients["dba"][4] =', gradients_tmp["dba"][4])
print('gradients["dba"].shape =', gradients_tmp["dba"].shape)

# %% [markdown]
# **Expected output** (the course, 2021 edition):
#
# ```
# gradients["dx"][1][2] = [-2.07101689 -0.59255627  0.02466855  0.01483317]
# gradients["dx"].shape = (3, 10, 4)
# gradients["da0"][2][3] = -0.314942375127
# gradients["da0"].shape = (5, 10)
# gradients["dWax"][3][1] = 11.2641044965
# gradients["dWax"].shape = (5, 3)
# gradients["dWaa"][1][2] = 2.30333312658
# gradients["dWaa"].shape = (5, 5)
# gradients["dba"][4] = [-0.74747722]
# gradients["dba"].shape = (5, 1)
# ```
#
# ## Gradient checking
#
# Matching the course's numbers shows that the code does what the course's code does. It does not prove that
# either computes the *true* gradient. For that there is a test that needs no calculus at all: nudge one
# number up and down by a tiny `h` and watch the loss,
#
# $$\frac{\partial L}{\partial \theta_i} \approx \frac{L(\theta_i + h) - L(\theta_i - h)}{2h},$$
#
# a centred difference whose error shrinks like $h^2$. Doing this for every element of every parameter is far
# too slow for training (two forward passes per number), but perfect for testing a backward pass on small
# arrays. The course teaches it in course 2 ("Gradient Checking"), and Denny Britz's WildML RNN tutorial
# uses it to verify exactly this kind of BPTT code, parameter by parameter.
#
# **Which loss?** The backward functions take an upstream gradient (`da_next`, `da`) rather than a loss. The
# scalar
#
# $$L = \sum a \odot da$$
#
# has $\partial L / \partial a = da$, so the gradients that `rnn_backward(da, caches)` returns are exactly
# the gradients of this `L` (`rnnlib.weighted_loss` computes it). We can therefore check the
# course's own test cells, with their own `da`.
#
# **How close is close?** Two ways of comparing an analytic gradient $g_a$ with a numerical one $g_n$:
#
# * **whole array**: course 2's single number $\lVert g_a - g_n \rVert_2 / (\lVert g_a \rVert_2 + \lVert g_n \rVert_2)$,
#   judged against $10^{-7}$. It says how far off the gradient is overall; the verdict column below uses it.
# * **worst element**: the relative error $|g_a - g_n| / (|g_a| + |g_n|)$ of each element, and the largest of
#   them. This is what `rnnlib.relative_error` returns and `check_gradients` reports for each array in
#   one call (the library's own tests use it). It shows whether a few elements are wrong among many right ones,
#   and it is at most 1, reached when an element has the wrong sign or should not be zero. Its floor is set by
#   rounding: the loss is only known to about 16 digits, so an element whose true gradient is very small
#   shows a larger relative error than the others (notebook 6 meets one).
#
# In double precision with `h = 1e-5`, a correct backward pass gives whole-array errors far below $10^{-7}$;
# a bug gives something many orders of magnitude larger. A small helper prints both for each array:

# %%
from rnnlib import check_gradients, numerical_gradient, relative_error, weighted_loss

def report(loss_fn, arrays, analytic):
    for name, array in arrays.items():
        g_a, g_n = analytic[name], numerical_gradient(loss_fn, array)
        whole = np.linalg.norm(g_a - g_n) / (np.linalg.norm(g_a) + np.linalg.norm(g_n))
        worst = relative_error(g_a, g_n)
        print(f"{name:>8}   worst element {worst:8.1e}   whole array {whole:8.1e}   {'ok' if whole < 1e-7 else 'WRONG'}")


# %% [markdown]
# ### Checking `rnn_cell_backward`
#
# We rebuild the cell test's inputs (same seed, same draws), define the loss as a function of the arrays the
# forward pass reads, and let `numerical_gradient` nudge each element of `xt`, `a_prev`, `Wax`, `Waa` and `ba` in
# place (restoring it afterwards):

# %%
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
parameters_tmp = {name: np.random.randn(*shape) for name, shape in
                  (("Wax", (5, 3)), ("Waa", (5, 5)), ("Wya", (2, 5)), ("ba", (5, 1)), ("by", (2, 1)))}
_, _, cache_tmp = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)
da_next_tmp = np.random.randn(5, 10)

def cell_loss():
    a_next, _, _ = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)
    return weighted_loss(a_next, da_next_tmp)

cell_arrays = {"dxt": xt_tmp, "da_prev": a_prev_tmp, "dWax": parameters_tmp["Wax"],
               "dWaa": parameters_tmp["Waa"], "dba": parameters_tmp["ba"]}
report(cell_loss, cell_arrays, rnn_cell_backward(da_next_tmp, cache_tmp))


# %% [markdown]
# Every gradient agrees with its measurement: the worst single element is off by a few parts in a billion,
# the arrays as a whole by less than $10^{-10}$. (The dictionary comprehension
# draws in the same order as the course's cell, so these are the arrays whose gradients were printed above.)
#
# Now a deliberately broken backward pass: one that **forgets the derivative of `tanh`**, a classic slip. The
# solution multiplies by `1 - a_next**2`; handing it a cache whose `a_next` is zero makes that factor 1, which
# is exactly the bug:

# %%
def rnn_cell_backward_no_tanh(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    return rnn_cell_backward(da_next, (np.zeros_like(a_next), a_prev, xt, parameters))

report(cell_loss, cell_arrays, rnn_cell_backward_no_tanh(da_next_tmp, cache_tmp))

# %% [markdown]
# Every array fails: some element of each has the wrong sign (worst-element error 1.0), and the whole-array
# errors are between 0.5 and 0.9 instead of $10^{-10}$. Note that nothing else would have
# warned us: the broken gradients have the right shapes, and a model trained with them would still move its
# loss around, just not downhill reliably.
#
# ### Checking `rnn_backward`
#
# The same for the whole sequence, with the course's BPTT test inputs. The loss is now
# $L = \sum_t \sum a^{\langle t \rangle} \odot da[:, :, t]$, and nudging `x` or `a0` changes every later step:

# %%
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 4)
a0_tmp = np.random.randn(5, 10)
parameters_tmp = {name: np.random.randn(*shape) for name, shape in
                  (("Wax", (5, 3)), ("Waa", (5, 5)), ("Wya", (2, 5)), ("ba", (5, 1)), ("by", (2, 1)))}
_, _, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)
da_tmp = np.random.randn(5, 10, 4)

def sequence_loss():
    return weighted_loss(rnn_forward(x_tmp, a0_tmp, parameters_tmp)[0], da_tmp)

sequence_arrays = {"dx": x_tmp, "da0": a0_tmp, "dWax": parameters_tmp["Wax"],
                   "dWaa": parameters_tmp["Waa"], "dba": parameters_tmp["ba"]}
gradients_tmp = rnn_backward(da_tmp, caches_tmp)
report(sequence_loss, sequence_arrays, gradients_tmp)

# %% [markdown]
# The same check in one call, as the library's tests write it (worst-element errors only):

# %%
errors = check_gradients(sequence_loss, sequence_arrays, gradients_tmp)
print({name: f"{err:.1e}" for name, err in errors.items()})


# %% [markdown]
# The second classic bug is in the time loop: **not carrying `da_prev` back** to the previous step, so each
# step only sees the gradient from its own prediction. Every cell's backward pass is still correct; only the
# "from the future" term of BPTT is missing:

# %%
def rnn_backward_no_carry(da, caches):
    steps = [rnn_cell_backward(da[:, :, t], cache) for t, cache in enumerate(caches[0])]
    return {"dx": np.stack([s["dxt"] for s in steps], axis=2), **{k: sum(s[k] for s in steps) for k in ("dWax", "dWaa", "dba")}}

wrong = rnn_backward_no_carry(da_tmp, caches_tmp)
report(sequence_loss, {k: sequence_arrays[k] for k in wrong}, wrong)

# %% [markdown]
# The check fails again. Looking at `dx` one time step at a time shows where:

# %%
numeric_dx = numerical_gradient(sequence_loss, x_tmp)
for t in range(x_tmp.shape[2]):
    print(f"t = {t}:  right {relative_error(gradients_tmp['dx'][:, :, t], numeric_dx[:, :, t]):8.1e}"
          f"   no carry {relative_error(wrong['dx'][:, :, t], numeric_dx[:, :, t]):8.1e}")

# %% [markdown]
# At the **last** step there is no future, so the buggy version is right there; at every earlier step the
# missing term makes it wrong. This is what "through time" in backpropagation through time means: an input
# is responsible for every later output, and its gradient must hear from all of them.
#
# That route back through time is also where plain RNNs struggle: at every step the gradient is multiplied by
# $W_{aa}^T$ and by the `tanh` derivative (at most 1), so over many steps it tends to shrink towards zero or,
# with large weights, to explode (notebook 2 clipped the latter). The gated cells of the next notebook were
# designed to keep that route open.
#
# Previous: [4 · Training](04_training.ipynb) · Next: [6 · LSTM and GRU step by step](06_lstm_gru_step_by_step.ipynb).
