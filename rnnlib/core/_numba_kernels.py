"""The cells' per-step elementwise passes as compiled loops (numba); see ``rnnlib.core.kernels``.

Each kernel does, in one loop, exactly the operations the numpy code it stands in for does in
several passes, in the same order and rounding every intermediate to the array's dtype (the
constants come in as arguments of that dtype, so no float64 literal widens a float32
expression), hence the same results bit for bit.  Only imported when numba is in use.
"""
import numba


def _jit(function):
    # cache=True: compiled once per machine and kept beside this file's bytecode
    return numba.njit(cache=True, nogil=True)(function)


@_jit
def lstm_gates_and_memory(gates, scale, shift, c_prev, c_next):
    """After the tanh: gates = gates * scale + shift (each gate's activation), in place, and
    c_next = f * c_prev + i * cc.  gates (4 n_a, m); scale, shift (4 n_a, 1); c_prev, c_next (n_a, m)."""
    rows, m = gates.shape
    n_a = rows // 4
    for r in range(rows):
        s, k = scale[r, 0], shift[r, 0]
        for j in range(m):
            gates[r, j] = gates[r, j] * s + k
    for r in range(n_a):
        for j in range(m):
            c_next[r, j] = gates[r, j] * c_prev[r, j] + gates[n_a + r, j] * gates[2 * n_a + r, j]


@_jit
def lstm_step_backward(da_next, dc_next, gates, tanh_c, c_prev, one, dxw, dc_prev):
    """The LSTM step's backward elementwise math (``cells.lstm.lstm_step_backward``) in one loop.

    Writes dxw (4 n_a, m), the gradient on the gate pre-activations, and dc_prev (n_a, m).
    ``one`` is 1 in the arrays' dtype.
    """
    n_a, m = tanh_c.shape
    for r in range(n_a):
        rf, ri, rc, ro = r, n_a + r, 2 * n_a + r, 3 * n_a + r
        for j in range(m):
            f, i, cc, o = gates[rf, j], gates[ri, j], gates[rc, j], gates[ro, j]
            tc, da = tanh_c[r, j], da_next[r, j]
            dc = (one - tc * tc) * o * da + dc_next[r, j]
            # sigmoid rows: (1 - g) * g; the candidate's tanh row: (1 - g) * (g + 1)
            dxw[rf, j] = dc * c_prev[r, j] * ((one - f) * f)
            dxw[ri, j] = dc * cc * ((one - i) * i)
            dxw[rc, j] = dc * i * ((one - cc) * (cc + one))
            dxw[ro, j] = da * tc * ((one - o) * o)
            dc_prev[r, j] = dc * f
