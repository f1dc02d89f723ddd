"""The LSTM step's elementwise work as compiled loops (numba); see ``rnnlib.core.kernels``.

Only imported when numba is in use.  Two settings matter for speed, and neither changes what is
computed beyond what the docstrings say:

* ``error_model="numpy"``: a float division does not check for zero (Python's rule would raise
  ZeroDivisionError), which is what lets the compiler vectorise a loop that divides.
* ``fastmath`` only in the float32 forward kernel, and only the flags that allow fused
  multiply-adds and a reciprocal in the division ("contract", "arcp"): not "nnan"/"ninf", so a NaN
  or an infinity from a diverging model still comes out as numpy's code would give it.
"""
import numba
import numpy as np

from .kernels import TANH_CLAMP, TANH_DENOMINATOR, TANH_NUMERATOR

_P = tuple(np.float32(c) for c in TANH_NUMERATOR)
_Q = tuple(np.float32(c) for c in TANH_DENOMINATOR)
_CLAMP, _ONE, _HALF = np.float32(TANH_CLAMP), np.float32(1.0), np.float32(0.5)
_FAST_FLAGS = {"contract", "arcp"}


def _jit(function=None, **options):
    # cache=True: compiled once per machine and kept beside this file's bytecode
    def compile_it(f):
        return numba.njit(cache=True, nogil=True, error_model="numpy", **options)(f)

    return compile_it if function is None else compile_it(function)


@_jit(inline="always", fastmath=_FAST_FLAGS)
def tanh32(x):
    """float32 tanh by ``kernels.rational_tanh``'s formula.  The clamps are written so that a NaN
    passes through them (a comparison with NaN is false, so the NaN branch is taken)."""
    x = _CLAMP if x > _CLAMP else x
    x = -_CLAMP if x < -_CLAMP else x
    s = x * x
    p = ((((((_P[6] * s + _P[5]) * s + _P[4]) * s + _P[3]) * s + _P[2]) * s + _P[1]) * s + _P[0])
    q = (((_Q[3] * s + _Q[2]) * s + _Q[1]) * s + _Q[0])
    t = x * p / q
    t = _ONE if t > _ONE else t
    return -_ONE if t < -_ONE else t


@_jit(inline="always", fastmath=_FAST_FLAGS)
def sigmoid32(x):
    """float32 sigmoid as (1 + tanh(x/2)) / 2 on ``tanh32``: the numpy cells' identity, and one
    transcendental kernel for every gate."""
    return _HALF + _HALF * tanh32(_HALF * x)


@_jit(fastmath=_FAST_FLAGS)
def lstm_step_forward_float32(z, xw, c_prev, c_next, tanh_c, a_next):
    """The float32 LSTM step after its matrix product, in one pass over the hidden units.

    z:      (4 n_a, m) ``Wh @ a_prev`` on entry; on return the gate activations (forget, update,
            candidate, output), which is what the step's cache keeps
    xw:     (4 n_a, m) ``Wx @ x<t> + b``
    c_prev: (n_a, m); writes c_next, tanh_c = tanh(c_next) and a_next = o * tanh_c, each (n_a, m).
    Every array must be C-contiguous for the loop to be vectorised (the caller makes sure).
    """
    n_a, m = c_prev.shape
    for r in range(n_a):
        for j in range(m):
            c_next[r, j], tanh_c[r, j], a_next[r, j] = _lstm_unit(z, xw[r, j], xw[n_a + r, j], xw[2 * n_a + r, j],
                                                                  xw[3 * n_a + r, j], c_prev[r, j], r, j, n_a)


@_jit(fastmath=_FAST_FLAGS)
def lstm_sequence_step_float32(z, xw, t, C, tanh_C, A):
    """``lstm_step_forward_float32`` for step t of a whole sequence, on the sequence's arrays
    (all C-contiguous), so the step copies nothing:

    xw (4 n_a, T, m): reads the step's input projection at [:, t];
    C (T + 1, n_a, m): reads c<t-1> at [t], writes c<t> at [t + 1];
    tanh_C (T, n_a, m): writes tanh(c<t>) at [t];
    A (n_a, T + 1, m): writes a<t> at [:, t + 1] (A[:, 0] is the initial state).
    """
    n_a, m = C.shape[1], C.shape[2]
    for r in range(n_a):
        for j in range(m):
            C[t + 1, r, j], tanh_C[t, r, j], A[r, t + 1, j] = _lstm_unit(
                z, xw[r, t, j], xw[n_a + r, t, j], xw[2 * n_a + r, t, j], xw[3 * n_a + r, t, j], C[t, r, j], r, j, n_a)


@_jit(inline="always", fastmath=_FAST_FLAGS)
def _lstm_unit(z, xf, xi, xc, xo, c_prev, r, j, n_a):
    """One hidden unit of one example: the gates into z (in place), and (c<t>, tanh c<t>, a<t>)."""
    rf, ri, rc, ro = r, n_a + r, 2 * n_a + r, 3 * n_a + r
    f, i, cc, o, c, tc, a = lstm_unit_values(z[rf, j] + xf, z[ri, j] + xi, z[rc, j] + xc, z[ro, j] + xo, c_prev)
    z[rf, j], z[ri, j], z[rc, j], z[ro, j] = f, i, cc, o
    return c, tc, a


@_jit(inline="always", fastmath=_FAST_FLAGS)
def lstm_unit_values(zf, zi, zc, zo, c_prev):
    """The float32 LSTM step of one hidden unit of one example, from its four gate pre-activations
    and c<t-1>: (f, i, cc, o, c<t>, tanh c<t>, a<t>)."""
    f = sigmoid32(zf)
    i = sigmoid32(zi)
    cc = tanh32(zc)
    o = sigmoid32(zo)
    c = f * c_prev + i * cc
    tc = tanh32(c)
    return f, i, cc, o, c, tc, o * tc


@_jit
def lstm_step_backward(da_next, dc_next, gates, tanh_c, c_prev, one, dxw, dc_prev):
    """The LSTM step's backward elementwise math (``cells.lstm.lstm_step_backward``) in one loop,
    the same operations in the same order as the numpy code (so the same bits), for float32 and
    float64.

    Writes dxw (4 n_a, m), the gradient on the gate pre-activations, and dc_prev (n_a, m).
    ``one`` is 1 in the arrays' dtype, so no float64 literal widens a float32 expression.
    """
    n_a, m = tanh_c.shape
    for r in range(n_a):
        for j in range(m):
            dxw[r, j], dxw[n_a + r, j], dxw[2 * n_a + r, j], dxw[3 * n_a + r, j], dc_prev[r, j] = _lstm_unit_back(
                da_next[r, j], dc_next[r, j], gates, tanh_c[r, j], c_prev[r, j], one, r, j, n_a)


@_jit
def lstm_sequence_back(da_above, dH, t, dc_next, gates, tanh_c, c_prev, one, dXW, dc_prev):
    """``lstm_step_backward`` for step t of a whole sequence: da<t> is ``da_above`` (n_a, m), from
    step t+1, plus dH[:, t] (dH (n_a, T, m)), added here as the numpy loop adds it; dxw is written
    into dXW (4 n_a, T, m) at [:, t] directly (both C-contiguous)."""
    lstm_rows_back(0, tanh_c.shape[0], da_above, dH, t, dc_next, gates, tanh_c, c_prev, one, dXW, dc_prev)


@_jit
def lstm_rows_back(r0, r1, da_above, dH, t, dc_next, gates, tanh_c, c_prev, one, dXW, dc_prev):
    """``lstm_sequence_back`` for the hidden units r0 ... r1 - 1 only (the pooled loop gives each
    thread its share).  dc_prev may be dc_next itself (updated in place).

    Each unit's results go to a small buffer first and are stored from there.  Stored straight
    into dXW and dc_prev, the loop ran much slower inside the pooled time step, most likely
    because LLVM's vectorised form of it is guarded by run-time checks that the arrays stored to
    overlap none of the six it reads, and there the scalar fallback ran.  The buffer overlaps
    nothing.
    """
    n_a, m = tanh_c.shape
    out = np.empty((5, m), dtype=tanh_c.dtype)
    for r in range(r0, r1):
        for j in range(m):
            out[0, j], out[1, j], out[2, j], out[3, j], out[4, j] = _lstm_unit_back(
                da_above[r, j] + dH[r, t, j], dc_next[r, j], gates, tanh_c[r, j], c_prev[r, j], one, r, j, n_a)
        for j in range(m):
            dXW[r, t, j], dXW[n_a + r, t, j], dXW[2 * n_a + r, t, j], dXW[3 * n_a + r, t, j] = \
                out[0, j], out[1, j], out[2, j], out[3, j]
            dc_prev[r, j] = out[4, j]


@_jit(inline="always")
def _lstm_unit_back(da, dc_next, gates, tc, c_prev, one, r, j, n_a):
    """One hidden unit of one example: (the four gates' dxw, dc_prev)."""
    f, i, cc, o = gates[r, j], gates[n_a + r, j], gates[2 * n_a + r, j], gates[3 * n_a + r, j]
    dc = (one - tc * tc) * o * da + dc_next
    # sigmoid rows: (1 - g) * g; the candidate's tanh row: (1 - g) * (g + 1)
    return (dc * c_prev * ((one - f) * f), dc * cc * ((one - i) * i), dc * i * ((one - cc) * (cc + one)),
            da * tc * ((one - o) * o), dc * f)


# ----------------------------------------------------------------------------- the reset-after GRU
# (``cells.gru.gru_reset_after_step_forward`` / ``_backward``, Keras's reset_after=True, PyTorch's nn.GRU)


@_jit(fastmath=_FAST_FLAGS)
def gru_reset_after_sequence_step_float32(rec, xw, t, a_prev, N, A, a_next):
    """The float32 reset-after GRU step t after its matrix product, on the sequence's arrays (all
    C-contiguous):

    rec (3 n_a, m): ``Wh a<t-1> + bh`` on entry; on return its update and reset rows hold the gates
        Γu and Γr and its candidate rows still hold the product the reset gate scaled (all three
        are what the step's cache keeps);
    xw (3 n_a, T, m): reads the step's input projection at [:, t];
    a_prev (n_a, m): a<t-1>;
    N (T, n_a, m): writes the candidate n<t> at [t];
    A (n_a + 1, T + 1, m): writes a<t> at [:n_a, t + 1];
    a_next (n_a, m): writes a<t> again, the next step's a_prev.
    a<t-1> is read from its own array rather than from A[:n_a, t]: numba did not vectorise the loop
    when it read and wrote the same array.
    """
    n_a, m = N.shape[1], N.shape[2]
    for r in range(n_a):
        ru, rr, rc = r, n_a + r, 2 * n_a + r
        for j in range(m):
            update = sigmoid32(xw[ru, t, j] + rec[ru, j])
            reset = sigmoid32(xw[rr, t, j] + rec[rr, j])
            candidate = tanh32(xw[rc, t, j] + reset * rec[rc, j])
            rec[ru, j], rec[rr, j], N[t, r, j] = update, reset, candidate
            a = update * candidate + (_ONE - update) * a_prev[r, j]
            A[r, t + 1, j] = a
            a_next[r, j] = a


@_jit
def gru_reset_after_sequence_back(da_above, dH, t, update, reset, candidate, rc, a_prev, one, dXW, d_rc, carry):
    """The reset-after GRU step t's backward elementwise math, the same operations in the same
    order as ``cells.gru.gru_reset_after_step_backward`` (so the same bits), float32 or float64.

    da<t> is ``da_above`` (n_a, m), from step t+1, plus dH[:, t] (dH (n_a, T, m)), as the numpy loop
    adds it; the cache's update, reset, candidate, rc (the candidate's recurrent product) and a_prev
    are each (n_a, m).  Writes the step's dxw (update, reset, candidate rows) into dXW (3 n_a, T, m)
    at [:, t], ``d_rc`` = the candidate rows' gradient times the reset gate (what the recurrent
    product of those rows receives), and ``carry`` = da<t> (1 - Γu), the part of da<t-1> that does
    not go through a product.
    """
    n_a, m = update.shape
    for r in range(n_a):
        for j in range(m):
            da = da_above[r, j] + dH[r, t, j]
            gu, gr, n = update[r, j], reset[r, j], candidate[r, j]
            dzc = da * gu * (one - n * n)
            dXW[r, t, j] = da * (n - a_prev[r, j]) * gu * (one - gu)
            dXW[n_a + r, t, j] = dzc * rc[r, j] * gr * (one - gr)
            dXW[2 * n_a + r, t, j] = dzc
            d_rc[r, j] = dzc * gr
            carry[r, j] = da * (one - gu)
