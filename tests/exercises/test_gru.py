"""Tests for rnnlib.exercises.gru: typical GRU mistakes are named, correct variants pass.

The student implementations below are written out with the concatenations, as a student would,
with one knob per typical mistake.
"""
import numpy as np
import pytest

from rnnlib.core.functional import sigmoid, softmax
from rnnlib.course import gru_step_by_step as gru_course
from rnnlib.exercises import EXERCISES, check, hint
from rnnlib.exercises import gru


def _cell(mix="lecture", reset="before", gate=sigmoid, candidate=np.tanh, biases="urc", order="a_x",
          out=softmax, cache=None, dtype=None, swap_gates=False, update_gate=None):
    def gru_cell_forward(xt, a_prev, parameters):
        p = parameters if dtype is None else {k: v.astype(dtype) for k, v in parameters.items()}
        x, a = (xt, a_prev) if dtype is None else (xt.astype(dtype), a_prev.astype(dtype))
        n_a = a.shape[0]
        stack = (lambda top, bottom: np.concatenate([top, bottom])) if order == "a_x" else (
            lambda top, bottom: np.concatenate([bottom, top]))
        b = {g: (p["b" + g] if g in biases else 0) for g in "urc"}
        concat = stack(a, x)
        u, r = ("r", "u") if swap_gates else ("u", "r")
        gu = (update_gate or gate)(p["W" + u] @ concat + b[u])
        gr = gate(p["W" + r] @ concat + b[r])
        if reset == "before":
            cc = candidate(p["Wc"] @ stack(gr * a, x) + b["c"])
        elif reset == "after":
            cc = candidate(gr * (p["Wc"][:, :n_a] @ a) + p["Wc"][:, n_a:] @ x + b["c"])
        else:  # no reset gate at all
            cc = candidate(p["Wc"] @ concat + b["c"])
        a_next = {"lecture": gu * cc + (1 - gu) * a, "swapped": (1 - gu) * cc + gu * a, "candidate": cc}[mix]
        yt_pred = out(p["Wy"] @ a_next + p["by"])
        entries = {"a_next": a_next, "a_prev": a_prev, "xt": xt, "gu": gu, "gr": gr, "cc": cc}
        names = cache or ("a_next", "a_prev", "xt", "gu", "gr", "cc")
        return a_next, yt_pred, tuple(entries[n] for n in names) + (parameters,)
    return gru_cell_forward


def _forward(cell=None, steps=0, start="a0", store="a_next", backwards=False):
    cell = cell or _cell()

    def gru_forward(x, a0, parameters):
        n_x, m, T_x = x.shape
        n_y, n_a = parameters["Wy"].shape
        a, y, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
        a_next = a0 if start == "a0" else np.zeros_like(a0)
        order = range(T_x + steps)
        for t in (reversed(order) if backwards else order):
            a_prev = a_next
            a_next, yt, cache = cell(x[:, :, t], a0 if start == "always a0" else a_prev, parameters)
            a[:, :, t] = a_next if store == "a_next" else a_prev
            y[:, :, t] = yt
            caches.append(cache)
        return a, y, (caches, x)
    return gru_forward


def _cell_backward(sign=1, gate_derivative="sigmoid", tanh_derivative=True, wc_input="reset", direct=True,
                   through_candidate=True, sum_b=True, keepdims=True, transpose=False, dxt_rows="all"):
    def gru_cell_backward(da_next, cache):
        a_next, a_prev, xt, gu, gr, cc, p = cache
        n_a = a_prev.shape[0]
        dzc = da_next * gu * ((1 - cc ** 2) if tanh_derivative else 1)
        dgu = sign * da_next * (cc - a_prev)
        dzu = dgu * (gu * (1 - gu) if gate_derivative == "sigmoid" else 1 - gu ** 2)
        dra = p["Wc"][:, :n_a].T @ dzc
        dzr = dra * a_prev * gr * (1 - gr)
        ax, rax = np.concatenate([a_prev, xt]), np.concatenate([gr * a_prev, xt])
        weights = {"dWu": dzu @ ax.T, "dWr": dzr @ ax.T, "dWc": dzc @ (rax if wc_input == "reset" else ax).T}
        if transpose:
            weights = {k: v.T for k, v in weights.items()}
        db = (lambda dz: dz.sum(axis=1, keepdims=keepdims)) if sum_b else (lambda dz: dz)
        da_prev = (p["Wu"][:, :n_a].T @ dzu + p["Wr"][:, :n_a].T @ dzr + (da_next * (1 - gu) if direct else 0)
                   + (gr * dra if through_candidate else 0))
        dxt = p["Wc"][:, n_a:].T @ dzc
        if dxt_rows == "all":
            dxt = dxt + p["Wu"][:, n_a:].T @ dzu + p["Wr"][:, n_a:].T @ dzr
        return {"dxt": dxt, "da_prev": da_prev, **weights, "dbu": db(dzu), "dbr": db(dzr), "dbc": db(dzc)}
    return gru_cell_backward


WEIGHTS = ("dWu", "dbu", "dWr", "dbr", "dWc", "dbc")


def _backward(cell_backward=None, accumulate=True, carry=True, first_step=0, reverse_dx=False, forward_in_time=False):
    cell_backward = cell_backward or _cell_backward()

    def gru_backward(da, caches):
        caches, x = caches
        n_a, m, T_x = da.shape
        dx = np.zeros((x.shape[0], m, T_x))
        totals = {k: np.zeros_like(caches[0][6][k[1:]]) for k in WEIGHTS}
        da_prevt = np.zeros((n_a, m))
        order = range(first_step, T_x) if forward_in_time else range(T_x - 1, first_step - 1, -1)
        for t in order:
            g = cell_backward(da[:, :, t] + (da_prevt if carry else 0), caches[t])
            dx[:, :, T_x - 1 - t if reverse_dx else t] = g["dxt"]
            for k in WEIGHTS:
                totals[k] = totals[k] + g[k] if accumulate else g[k]
            da_prevt = g["da_prev"]
        return {"dx": dx, "da0": da_prevt, **totals}
    return gru_backward


def _named(name, fn, mistake, **kwargs):
    verdict = check(name, fn, **kwargs)
    assert not verdict.passed and verdict.implemented, verdict.message
    assert mistake in verdict.message, verdict.message


# ------------------------------------------------------------------------------------------------

def test_the_exercises_are_registered_as_rnnlibs_own():
    for name in ("gru_cell_forward", "gru_forward", "gru_cell_backward", "gru_backward"):
        exercise = EXERCISES[name]
        assert exercise.notebook == "06_lstm_gru_step_by_step.ipynb"
        assert exercise.graded_by_course is False
        assert exercise.takes_forward == name.endswith("backward")
        assert len(exercise.hints) == 3
    assert "rnnlib's fixed test values" in check("gru_cell_forward", gru_course.gru_cell_forward).message


def test_the_fixed_values_are_what_the_reference_gives():
    p, arrays = gru.fixed_inputs()
    a_next, yt_pred, cache = gru_course.gru_cell_forward(arrays["xt"], arrays["a_prev"], p)
    a, _, caches = gru_course.gru_forward(arrays["x"], arrays["a0"], p)
    cell = gru_course.gru_cell_backward(arrays["da_next"], cache)
    seq = gru_course.gru_backward(arrays["da"], caches)
    got = {"a_next[4]": a_next[4], "yt_pred[1]": yt_pred[1], "a[4][1]": a[4][1], "dxt[1][2]": cell["dxt"][1][2],
           "da_prev[2][3]": cell["da_prev"][2][3], "dWc[3][1]": cell["dWc"][3][1], "dx[1][2]": seq["dx"][1][2],
           "da0[2][3]": seq["da0"][2][3], "dWu[3][1]": seq["dWu"][3][1]}
    assert set(got) == set(gru.FIXED_VALUES)
    for key, value in got.items():
        np.testing.assert_allclose(value, gru.FIXED_VALUES[key], rtol=1e-7, atol=1e-9, err_msg=key)
    # the notebook's seeded cell: np.random.seed(1) draws these same numbers
    state = np.random.get_state()
    try:
        np.random.seed(1)
        assert np.array_equal(np.random.randn(5, 8), p["Wu"])
    finally:
        np.random.set_state(state)


CELL_MISTAKES = {
    "update gate is used the wrong way round": _cell(mix="swapped"),
    "reset gate multiplies the product": _cell(reset="after"),
    "reset gate is missing": _cell(reset="none"),
    "c̃ uses sigmoid": _cell(candidate=sigmoid),
    "Γu uses tanh": _cell(update_gate=np.tanh),
    "missing its bias bc": _cell(biases="ur"),
    "missing its bias bu": _cell(biases="rc"),
    "the biases bu, br, bc are missing": _cell(biases=""),
    "concatenation is upside down": _cell(order="x_a"),
    "Γu and Γr are swapped": _cell(swap_gates=True),
    "the candidate c̃ alone": _cell(mix="candidate"),
    "before the softmax": _cell(out=lambda z: z),
    "wrong axis": _cell(out=lambda z: softmax(z, axis=1)),
    "it holds Γr": _cell(cache=("a_next", "a_prev", "xt", "gr", "gu", "cc")),
}


@pytest.mark.parametrize("mistake", sorted(CELL_MISTAKES))
def test_gru_cell_forward_mistakes_are_named(mistake):
    _named("gru_cell_forward", CELL_MISTAKES[mistake], mistake)


def test_gru_cell_forward_correct_variants_pass():
    def split_weights(xt, a_prev, parameters):  # no concatenation: the weight blocks one by one
        n_a = a_prev.shape[0]
        W = {g: (parameters["W" + g][:, :n_a], parameters["W" + g][:, n_a:]) for g in "urc"}
        gu = 1 / (1 + np.exp(-(W["u"][0].dot(a_prev) + W["u"][1].dot(xt) + parameters["bu"])))
        gr = 1 / (1 + np.exp(-(W["r"][0].dot(a_prev) + W["r"][1].dot(xt) + parameters["br"])))
        cc = np.tanh(W["c"][0].dot(gr * a_prev) + W["c"][1].dot(xt) + parameters["bc"])
        a_next = a_prev + gu * (cc - a_prev)
        e = np.exp(parameters["Wy"].dot(a_next) + parameters["by"])
        return a_next, e / e.sum(axis=0), (a_next, a_prev, xt, gu, gr, cc, parameters)

    for variant in (_cell(), _cell(dtype=np.float32), split_weights):
        verdict = check("gru_cell_forward", variant)
        assert verdict.passed, verdict.message


def test_gru_cell_forward_mutating_an_input_is_caught():
    reference = _cell()

    def in_place(xt, a_prev, parameters):
        parameters["bu"] += 1e-3
        return reference(xt, a_prev, parameters)

    assert "changed its argument parameters['bu'] in place" in check("gru_cell_forward", in_place).message


FORWARD_MISTAKES = {
    "stops one step early": _forward(steps=-1),
    "every step starts from a0": _forward(start="always a0"),
    "holds the state the step read": _forward(store="a_prev"),
    "a0 is ignored": _forward(start="zeros"),
    "runs backwards in time": _forward(backwards=True),
    "update gate is used the wrong way round": _forward(cell=_cell(mix="swapped")),
    "missing its bias bc": _forward(cell=_cell(biases="ur")),
}


@pytest.mark.parametrize("mistake", sorted(FORWARD_MISTAKES))
def test_gru_forward_mistakes_are_named(mistake):
    _named("gru_forward", FORWARD_MISTAKES[mistake], mistake)


def test_gru_forward_structure_is_checked():
    reference = _forward()
    assert "caches should return the 2-tuple" in check("gru_forward", lambda *a: reference(*a)[:2] + (reference(*a)[2][0],)).message


def test_gru_forward_correct_variants_pass():
    def with_lists(x, a0, parameters):  # collect the steps in lists, stack at the end
        states, outputs, caches, a_next = [], [], [], a0
        for t in range(x.shape[2]):
            a_next, yt, cache = gru_course.gru_cell_forward(x[..., t], a_next, parameters)
            states.append(a_next)
            outputs.append(yt)
            caches.append(cache)
        return np.stack(states, axis=2), np.stack(outputs, axis=-1), (caches, x)

    for variant in (_forward(), _forward(cell=_cell(dtype=np.float32)), with_lists):
        verdict = check("gru_forward", variant)
        assert verdict.passed, verdict.message


CELL_BACKWARD_MISTAKES = {
    "was not summed over the m examples": _cell_backward(sum_b=False),
    "keepdims=True": _cell_backward(keepdims=False),
    "is transposed": _cell_backward(transpose=True),
    "dΓu has the wrong sign": _cell_backward(sign=-1),
    "derivative is tanh's": _cell_backward(gate_derivative="tanh"),
    "misses tanh's derivative": _cell_backward(tanh_derivative=False),
    "dWc multiplies dz by [a_prev; xt]": _cell_backward(wc_input="plain"),
    "misses the direct route": _cell_backward(direct=False),
    "misses the route through the candidate": _cell_backward(through_candidate=False),
    "uses only the candidate's rows": _cell_backward(dxt_rows="candidate"),
}


@pytest.mark.parametrize("mistake", sorted(CELL_BACKWARD_MISTAKES))
def test_gru_cell_backward_mistakes_are_named(mistake):
    _named("gru_cell_backward", CELL_BACKWARD_MISTAKES[mistake], mistake)


def test_gru_cell_backward_correct_variants_pass_with_and_without_their_forward():
    def per_example(da_next, cache):  # one column at a time through rnnlib's cell backward, summed
        m = da_next.shape[1]
        parts = [gru_course.gru_cell_backward(da_next[:, j:j + 1], tuple(v[:, j:j + 1] for v in cache[:6]) + (cache[6],))
                 for j in range(m)]
        out = {k: sum(p[k] for p in parts) for k in WEIGHTS}
        out.update(dxt=np.hstack([p["dxt"] for p in parts]), da_prev=np.hstack([p["da_prev"] for p in parts]))
        return out

    for variant in (_cell_backward(), per_example):
        for forward in (None, _cell(), _cell(dtype=np.float32)):
            verdict = check("gru_cell_backward", variant, forward=forward)
            assert verdict.passed, verdict.message
            assert ("your forward/backward pair" in verdict.message) == (forward is not None)


def test_the_gradient_check_uses_the_students_forward():
    # a correct backward with a wrong forward: the pair disagrees, and the message blames the forward
    verdict = check("gru_cell_backward", _cell_backward(), forward=_cell(reset="after"))
    assert not verdict.passed and "numerical gradient of your gru_cell_forward" in verdict.message
    assert "your forward differs from rnnlib's" in verdict.message
    # a forward that agrees with rnnlib's but whose cache the backward misreads
    verdict = check("gru_cell_backward", _cell_backward(), forward=_cell(cache=("a_next", "a_prev", "xt", "gr", "gu", "cc")))
    assert not verdict.passed and "numerical gradient" in verdict.message
    assert "differs from rnnlib's" not in verdict.message
    # a forward= that raises is reported as the forward's error
    def broken(xt, a_prev, parameters):
        raise ValueError("oops")
    assert "your gru_cell_forward raised ValueError" in check("gru_cell_backward", _cell_backward(), forward=broken).message


def test_gru_cell_backward_mutating_the_cache_is_caught():
    reference = _cell_backward()

    def in_place(da_next, cache):
        cache[3][:] *= 0.5
        return reference(da_next, cache)

    assert "changed its argument cache[3] in place" in check("gru_cell_backward", in_place).message


BACKWARD_MISTAKES = {
    "not accumulated over time": _backward(accumulate=False),
    "stops one step early": _backward(first_step=1),
    "reversed time order": _backward(reverse_dx=True),
    "each step gets only da[:, :, t]": _backward(carry=False),
    "runs forward in time": _backward(forward_in_time=True),
    "dWc multiplies dz by [a_prev; xt]": _backward(cell_backward=_cell_backward(wc_input="plain")),
    "was not summed over the m examples": _backward(cell_backward=_cell_backward(sum_b=False)),
}


@pytest.mark.parametrize("mistake", sorted(BACKWARD_MISTAKES))
def test_gru_backward_mistakes_are_named(mistake):
    _named("gru_backward", BACKWARD_MISTAKES[mistake], mistake)


def test_gru_backward_correct_variants_pass():
    def in_place_totals(da, caches):  # += into dicts, rnnlib's cell backward, reversed() loop
        cells, x = caches
        grads = None
        da_prev = np.zeros(da.shape[:2])
        dx = np.empty((x.shape[0],) + da.shape[1:])
        for t in reversed(range(da.shape[2])):
            g = gru_course.gru_cell_backward(da[:, :, t] + da_prev, cells[t])
            da_prev, dx[:, :, t] = g["da_prev"], g["dxt"]
            if grads is None:
                grads = {k: g[k].copy() for k in WEIGHTS}
            else:
                for k in WEIGHTS:
                    grads[k] += g[k]
        return dict(grads, dx=dx, da0=da_prev)

    for variant in (_backward(), in_place_totals):
        for forward in (None, _forward(), _forward(cell=_cell(dtype=np.float32))):
            verdict = check("gru_backward", variant, forward=forward)
            assert verdict.passed, verdict.message
    verdict = check("gru_backward", _backward(), forward=_forward(cell=_cell(biases="ur")))
    assert not verdict.passed and "your forward differs from rnnlib's" in verdict.message


def test_hints(capsys):
    for name in ("gru_cell_forward", "gru_forward", "gru_cell_backward", "gru_backward"):
        for level in (1, 2, 3):
            hint(name, level)
    assert capsys.readouterr().out.count("Hint 3 of 3") == 4
