"""Tests for rnnlib.core.layers: the time loops, plain and with padding masks, reverse runs and
recurrent dropout, for every cell (gradient checks in float64)."""
import numpy as np
import pytest

from rnnlib.core.gradcheck import check_gradients
from rnnlib.core.layers import CELL_BY_GATES, CELLS, layer_backward, layer_forward, projected_layer_forward
from rnnlib.errors import ConfigError, ShapeError, TrainingDiverged

N_A, T, M = 3, 5, 4


def setup(cell_name, seed=0):
    cell = CELLS[cell_name]
    rng = np.random.default_rng(seed)
    xw = rng.standard_normal((cell.gates * N_A, T, M))
    Wh = rng.standard_normal(cell.recurrent_shape(N_A)) * 0.7
    state0 = tuple(rng.standard_normal((N_A, M)) * 0.5 for _ in range(cell.n_states))
    return cell, xw, Wh, state0


def post_padded_mask(lengths, T=T):
    return np.arange(T)[:, None] < np.asarray(lengths)[None, :]


MASKS = {
    "none": None,
    "post": post_padded_mask([5, 3, 1, 4]),
    "pre": post_padded_mask([5, 3, 1, 4])[::-1].copy(),
    "holes": np.array([[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 1]], bool),
}


@pytest.mark.parametrize("cell_name", sorted(CELLS))
@pytest.mark.parametrize("mask_name", sorted(MASKS))
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("dropout", [False, True])
def test_gradients_match_numerical(cell_name, mask_name, reverse, dropout):
    cell, xw, Wh, state0 = setup(cell_name)
    mask = MASKS[mask_name]
    rng = np.random.default_rng(1)
    keep = (rng.random((N_A, M)) > 0.3) / 0.7 if dropout else None
    wH = rng.standard_normal((N_A, T, M))
    wS = [rng.standard_normal((N_A, M)) for _ in range(cell.n_states)]

    def loss():
        H, final, _ = layer_forward(cell, xw, state0, Wh, mask=mask, reverse=reverse, recurrent_keep=keep)
        return float(np.sum(H * wH) + sum(np.sum(s * w) for s, w in zip(final, wS)))

    _, _, caches = layer_forward(cell, xw, state0, Wh, mask=mask, reverse=reverse, recurrent_keep=keep)
    dXW, dWh, dstate0 = layer_backward(cell, wH, tuple(wS), caches, Wh, mask=mask, reverse=reverse, recurrent_keep=keep)
    arrays = {"xw": xw, "Wh": Wh, **{f"s{k}": s for k, s in enumerate(state0)}}
    analytic = {"xw": dXW, "Wh": dWh, **{f"s{k}": d for k, d in enumerate(dstate0)}}
    errors = check_gradients(loss, arrays, analytic, measure="norm")
    assert max(errors.values()) < 1e-8, errors


@pytest.mark.parametrize("cell_name", sorted(CELLS))
def test_a_masked_step_carries_the_state_and_ends_on_the_last_real_step(cell_name):
    cell, xw, Wh, state0 = setup(cell_name)
    lengths = [5, 3, 1, 4]
    H, final, _ = layer_forward(cell, xw, state0, Wh, mask=post_padded_mask(lengths))
    for j, L in enumerate(lengths):
        # the same column run alone over its real steps only
        Hj, fj, _ = layer_forward(cell, xw[:, :L, j:j + 1], tuple(s[:, j:j + 1] for s in state0), Wh)
        np.testing.assert_allclose(H[:, :L, j], Hj[:, :, 0], rtol=1e-12)
        np.testing.assert_allclose(H[:, L:, j], np.repeat(Hj[:, -1:, 0], T - L, axis=1), rtol=1e-12)
        for s, sj in zip(final, fj):
            np.testing.assert_allclose(s[:, j], sj[:, 0], rtol=1e-12)


@pytest.mark.parametrize("cell_name", sorted(CELLS))
@pytest.mark.parametrize("padding", ["post", "pre"])
def test_a_reverse_run_reads_only_the_real_steps(cell_name, padding):
    cell, xw, Wh, state0 = setup(cell_name)
    lengths = [5, 3, 1, 4]
    mask = post_padded_mask(lengths)
    if padding == "pre":
        mask = mask[::-1].copy()
    H, final, _ = layer_forward(cell, xw, state0, Wh, mask=mask, reverse=True)
    for j, L in enumerate(lengths):
        real = np.flatnonzero(mask[:, j])
        backwards = xw[:, real[::-1], j:j + 1]  # its real steps, last one first
        Hj, fj, _ = layer_forward(cell, backwards, tuple(s[:, j:j + 1] for s in state0), Wh)
        np.testing.assert_allclose(H[:, real[::-1], j], Hj[:, :, 0], rtol=1e-12)
        np.testing.assert_allclose(final[0][:, j], fj[0][:, 0], rtol=1e-12)


@pytest.mark.parametrize("cell_name", ["rnn", "gru", "lstm"])
def test_the_plain_loop_is_unchanged_by_the_options_path(cell_name):
    """An all-True mask takes the general path; it must agree with the plain loop."""
    cell, xw, Wh, state0 = setup(cell_name)
    H, final, caches = layer_forward(cell, xw, state0, Wh)
    H2, final2, caches2 = layer_forward(cell, xw, state0, Wh, mask=np.ones((T, M), bool))
    np.testing.assert_array_equal(H, H2)
    dH = np.ones_like(H)
    out = layer_backward(cell, dH, None, caches, Wh)
    out2 = layer_backward(cell, dH, None, caches2, Wh, mask=np.ones((T, M), bool))
    np.testing.assert_allclose(out[0], out2[0], rtol=1e-13)
    np.testing.assert_allclose(out[1], out2[1], rtol=1e-13)


def test_reset_after_gru_is_not_read_back_from_a_gate_count():
    assert CELL_BY_GATES[3].name == "gru"
    assert CELLS["gru_reset_after"].recurrent_shape(4) == (12, 5)
    assert CELLS["gru"].recurrent_shape(4) == (12, 4)


@pytest.mark.parametrize("cell_name", sorted(CELLS))
def test_recurrent_dropout_drops_only_what_the_recurrent_product_reads(cell_name):
    """keep = 0 everywhere: every step sees a zero previous output in its product.  For the RNN and
    LSTM that is the same as running each step from a zero a; for the GRUs the carry
    (1 - Γu) a<t-1> still holds the undropped state, so the outputs differ from that."""
    cell, xw, Wh, state0 = setup(cell_name)
    zero_keep = np.zeros((N_A, M))
    H, _, _ = layer_forward(cell, xw, state0, Wh, recurrent_keep=zero_keep)
    state = state0
    for t in range(T):
        read = (np.zeros((N_A, M)),) + tuple(state[1:])
        stepped, cache = cell.step(xw[:, t], read, Wh)
        if cell_name.startswith("gru"):  # put back the carry's undropped a<t-1>
            stepped = (stepped[0] + (1 - cache.update) * state[0],)
        np.testing.assert_allclose(H[:, t], stepped[0], rtol=1e-12, atol=1e-15)
        state = stepped


def test_the_language_model_refuses_the_reset_after_cell():
    """lm reads a model's cell back from its gate count, which cannot tell the two GRUs apart, so
    its parameters are only made for rnn, gru and lstm."""
    from rnnlib.core import lm
    from rnnlib.errors import ConfigError

    with pytest.raises(ConfigError, match="cell"):
        lm.init_parameters(5, 3, cell="gru_reset_after")
    assert lm.init_parameters(5, 3, cell="gru")["Waa"].shape == (9, 3)


@pytest.mark.parametrize("shape", [(4, 0, 3), (4, 3, 0)])
def test_backward_over_no_steps_or_no_sequences_is_a_shape_error(shape):
    cell = CELLS["lstm"]
    n_a, T, m = shape
    xw = np.ones((4 * n_a, T, m))
    _, _, caches = layer_forward(cell, xw, (np.zeros((n_a, m)),) * 2, np.zeros((4 * n_a, n_a)))
    with pytest.raises(ShapeError, match="at least one step and one sequence"):
        layer_backward(cell, np.ones(shape), None, caches, np.zeros((4 * n_a, n_a)))


@pytest.mark.parametrize("name", sorted(CELLS))
def test_projected_layer_forward_is_the_projection_then_the_plain_loop(name):
    """A layer above the first: ``Wx @ inputs + b`` for every step, then ``layer_forward``, bit for bit
    (on the numpy path; the pooled LSTM's in-loop version is tested in test_numba_pool.py)."""
    rng = np.random.default_rng(4)
    cell, n_in, n_a, T, m = CELLS[name], 5, 3, 4, 2
    inputs = rng.standard_normal((n_in, T, m))
    Wx, b = rng.standard_normal((cell.gates * n_a, n_in)), rng.standard_normal((cell.gates * n_a, 1))
    Wh = rng.standard_normal(cell.recurrent_shape(n_a)) * 0.3
    state0 = tuple(rng.standard_normal((n_a, m)) for _ in range(cell.n_states))
    H, final, _ = projected_layer_forward(cell, inputs, Wx, b, state0, Wh)
    xw = (Wx @ inputs.reshape(n_in, T * m) + b).reshape(-1, T, m)
    H_want, final_want, _ = layer_forward(cell, xw, state0, Wh)
    np.testing.assert_array_equal(H, H_want)
    for got, want in zip(final, final_want):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("inputs, Wx, b", [
    (np.ones((3, 4)), np.ones((4, 3)), np.ones((4, 1))),  # inputs not (n_in, T, m)
    ([[[1.0]]], np.ones((4, 1)), np.ones((4, 1))),  # not an array
    (None, np.ones((4, 1)), np.ones((4, 1))),
    (np.ones((3, 2, 1)), np.ones((4, 2)), np.ones((4, 1))),  # Wx for 2 inputs, not 3
    (np.ones((3, 2, 1)), np.ones((4, 3)), np.ones((4,))),  # b not a column
    (np.ones((3, 2, 1)), np.ones((4, 3)), np.ones((5, 1))),  # b for other rows than Wx's
])
def test_projected_layer_forward_refuses_mismatched_arguments(inputs, Wx, b):
    with pytest.raises(ShapeError, match="projected_layer_forward"):
        projected_layer_forward(CELLS["lstm"], inputs, Wx, b, (np.ones((1, 1)),) * 2, np.ones((4, 1)))


def _mismatches(cell):
    """(what is wrong, xw, state0, Wh) cases for ``cell``, each one argument off the right shapes."""
    _, xw, Wh, state0 = setup(cell.name)
    return [
        ("Wh not 2-D", xw, state0, Wh[None]),
        ("Wh not an array", xw, state0, Wh.tolist()),
        ("Wh with a gate block too many", xw, state0, np.concatenate([Wh, Wh[:N_A]])),
        ("xw for other hidden sizes", xw[:-1], state0, Wh),
        ("xw not 3-D", xw[:, 0], state0, Wh),
        ("state for another batch", xw, tuple(s[:, :-1] for s in state0), Wh),
        ("state for another hidden size", xw, tuple(s[:-1] for s in state0), Wh),
        ("too few state arrays", xw, state0[:-1] or (), Wh),
        ("a bare array as the state", xw, state0[0], Wh),
    ]


@pytest.mark.parametrize("cell_name", sorted(CELLS))
@pytest.mark.parametrize("case", range(9))
@pytest.mark.parametrize("options", [{}, {"reverse": True}])
def test_layer_forward_names_arguments_that_do_not_fit(cell_name, case, options):
    what, xw, state0, Wh = _mismatches(CELLS[cell_name])[case]
    with pytest.raises(ShapeError, match=r"layer_forward \(" + cell_name + r"\)"):
        layer_forward(CELLS[cell_name], xw, state0, Wh, **options)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_projected_layer_forward_checks_state_and_wh_before_any_compiled_loop(dtype):
    # float32 LSTM layers reach the pooled loop, which reads state0 and Wh by address: a wrong
    # shape must be refused before it
    cell = CELLS["lstm"]
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((N_A, T, M)).astype(dtype)
    Wx = rng.standard_normal((4 * N_A, N_A)).astype(dtype)
    b = np.zeros((4 * N_A, 1), dtype)
    Wh = rng.standard_normal((4 * N_A, N_A)).astype(dtype)
    good = (np.zeros((N_A, M), dtype),) * 2
    for state0, W in [((np.zeros((N_A, M + 1), dtype),) * 2, Wh), (good, Wh[:, :-1]), (good[:1], Wh)]:
        with pytest.raises(ShapeError, match=r"projected_layer_forward \(lstm\)"):
            projected_layer_forward(cell, inputs, Wx, b, state0, W)
    H, _, _ = projected_layer_forward(cell, inputs, Wx, b, good, Wh)
    assert H.shape == (N_A, T, M)


@pytest.mark.parametrize("cell_name", sorted(CELLS))
@pytest.mark.parametrize("options", [
    {"mask": np.ones((T, M + 1), bool)},
    {"mask": np.ones((T - 1, M), bool)},
    {"mask": [[True] * M] * T},
    {"mask": np.ones((T, M))},  # floats, not booleans
    {"recurrent_keep": np.ones((N_A + 1, M))},
    {"recurrent_keep": np.ones((N_A,))},
    {"recurrent_keep": np.ones((N_A, M), int)},
])
def test_layer_forward_names_a_mask_or_keep_that_does_not_fit(cell_name, options):
    cell, xw, Wh, state0 = setup(cell_name)
    name = next(iter(options))
    with pytest.raises(ShapeError, match=name):
        layer_forward(cell, xw, state0, Wh, **options)


@pytest.mark.parametrize("cell_name", sorted(CELLS))
@pytest.mark.parametrize("what", ["dH rows", "dstate batch", "dstate count", "Wh", "mask", "keep", "dH list"])
def test_layer_backward_names_arguments_that_do_not_fit(cell_name, what):
    cell, xw, Wh, state0 = setup(cell_name)
    _, final, caches = layer_forward(cell, xw, state0, Wh)
    dH, dstate, W, options = np.ones((N_A, T, M)), tuple(np.ones_like(s) for s in final), Wh, {}
    if what == "dH rows":
        dH = dH[:-1]
    elif what == "dstate batch":
        dstate = tuple(s[:, :-1] for s in dstate)
    elif what == "dstate count":
        dstate = dstate + dstate
    elif what == "Wh":
        W = Wh[:-1]
    elif what == "mask":
        options = {"mask": np.ones((T + 1, M), bool)}
    elif what == "keep":
        options = {"recurrent_keep": np.ones((N_A, M - 1))}
    else:
        dH = dH.tolist()
    with pytest.raises(ShapeError, match="layer_backward"):
        layer_backward(cell, dH, dstate, caches, W, **options)


def test_the_loops_refuse_a_cell_that_is_not_one_and_a_reverse_that_is_not_a_bool():
    cell, xw, Wh, state0 = setup("lstm")
    with pytest.raises(ConfigError, match="cell must be one of"):
        layer_forward("lstm", xw, state0, Wh)
    with pytest.raises(ConfigError, match="reverse must be True or False"):
        layer_forward(cell, xw, state0, Wh, reverse=np.ones(2))
    _, final, caches = layer_forward(cell, xw, state0, Wh)
    with pytest.raises(ConfigError, match="reverse must be True or False"):
        layer_backward(cell, np.ones((N_A, T, M)), None, caches, Wh, reverse="yes")


@pytest.mark.parametrize("cell_name", sorted(CELLS))
def test_layer_backward_refuses_caches_that_are_not_the_forwards(cell_name):
    cell, xw, Wh, state0 = setup(cell_name)
    _, _, caches = layer_forward(cell, xw, state0, Wh)
    _, _, other = layer_forward(cell, xw[:, :, :-1], tuple(s[:, :-1] for s in state0), Wh)  # one sequence fewer
    dH = np.ones((N_A, T, M))
    for bad in (caches[:-1], list(caches[:2]) + [tuple(caches[2])] + list(caches[3:]), other, None):
        with pytest.raises(ShapeError, match="caches"):
            layer_backward(cell, dH, None, bad, Wh)


def test_layer_backward_reports_an_overflowed_gradient():
    cell, xw, Wh, state0 = setup("rnn")
    _, _, caches = layer_forward(cell, xw, state0, Wh)
    with pytest.raises(TrainingDiverged, match="dWh or the initial state.s gradient overflowed"):
        layer_backward(cell, np.full((N_A, T, M), 1e308), None, caches, Wh * 1e10)
