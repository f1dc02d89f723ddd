"""Tests for rnnlib.exercises.step_by_step: typical mistakes are named, correct variants pass."""
import numpy as np
import pytest

from rnnlib.core.functional import sigmoid, softmax
from rnnlib.exercises import check


def _cell(activation=np.tanh, Waa=lambda p: p["Waa"], bias=True, out=lambda z: softmax(z), dtype=None):
    def rnn_cell_forward(xt, a_prev, parameters):
        p = parameters if dtype is None else {k: v.astype(dtype) for k, v in parameters.items()}
        z = Waa(p) @ a_prev + p["Wax"] @ xt + (p["ba"] if bias else 0)
        a_next = activation(z)
        yt_pred = out(p["Wya"] @ a_next + p["by"])
        return a_next, yt_pred, (a_next, a_prev, xt, parameters)
    return rnn_cell_forward


RNN_CELL_MISTAKES = {
    "uses sigmoid; the RNN cell uses tanh": _cell(activation=sigmoid),
    "missing the bias ba": _cell(bias=False),
    "Waa transposed": _cell(Waa=lambda p: p["Waa"].T),
    "has no activation": _cell(activation=lambda z: z),
    "before the softmax": _cell(out=lambda z: z),
    "wrong axis": _cell(out=lambda z: softmax(z, axis=1)),
    "uses sigmoid where the course uses softmax": _cell(out=sigmoid),
}


@pytest.mark.parametrize("mistake", sorted(RNN_CELL_MISTAKES))
def test_rnn_cell_forward_mistakes_are_named(mistake):
    verdict = check("rnn_cell_forward", RNN_CELL_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message


def test_rnn_cell_forward_mutating_an_input_is_caught():
    reference = _cell()

    def in_place(xt, a_prev, parameters):
        a_prev *= 1.0 + 1e-3
        return reference(xt, a_prev, parameters)

    assert "changed its argument a_prev in place" in check("rnn_cell_forward", in_place).message


def test_rnn_cell_forward_correct_variants_pass():
    def with_a_loop(xt, a_prev, parameters):  # one example at a time, a hand-written softmax
        columns, outputs = [], []
        for j in range(xt.shape[1]):
            a = np.tanh(parameters["Wax"].dot(xt[:, j:j + 1]) + parameters["Waa"].dot(a_prev[:, j:j + 1])
                        + parameters["ba"])
            e = np.exp(parameters["Wya"].dot(a) + parameters["by"])
            columns.append(a)
            outputs.append(e / e.sum())
        a_next, yt_pred = np.hstack(columns), np.hstack(outputs)
        return a_next, yt_pred, (a_next, a_prev, xt, parameters)

    for variant in (_cell(), _cell(dtype=np.float32), with_a_loop):
        verdict = check("rnn_cell_forward", variant)
        assert verdict.passed, verdict.message


def test_rnn_cell_forward_mistakes_need_no_hand_written_pre_activation():
    """The sigmoid mistake is derived from the reference cell on halved weights: check the identity it uses."""
    from rnnlib.course.rnn_step_by_step import rnn_cell_forward
    rng = np.random.default_rng(0)
    xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    p = {"Waa": rng.standard_normal((5, 5)), "Wax": rng.standard_normal((5, 3)), "Wya": rng.standard_normal((2, 5)),
         "ba": rng.standard_normal((5, 1)), "by": rng.standard_normal((2, 1))}
    halved = {k: v / 2 if k in ("Waa", "Wax", "ba") else v for k, v in p.items()}
    z = p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"]
    np.testing.assert_allclose((1 + rnn_cell_forward(xt, a_prev, halved)[0]) / 2, sigmoid(z), atol=1e-12)


# ------------------------------------------------------------------------------------------------
# rnn_forward: a student-style loop with one mistake switched on at a time


def _rnn_forward(steps=range, carry=True, start=lambda a0: a0, store_prev=False, transpose=False, caches_as=None):
    cell = _cell()

    def rnn_forward(x, a0, parameters):
        n_x, m, T_x = x.shape
        n_y, n_a = parameters["Wya"].shape
        a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
        a_next = start(a0)
        for t in steps(T_x):
            a_prev = a_next if carry else a0
            a_next, yt, cache = cell(x[:, :, t], a_prev, parameters)
            a[:, :, t] = a_prev if store_prev else a_next
            y_pred[:, :, t] = yt
            caches.append(cache)
        if transpose:
            a = a.transpose(0, 2, 1)
        return a, y_pred, (caches_as(caches, x) if caches_as else (caches, x))
    return rnn_forward


RNN_FORWARD_MISTAKES = {
    "stops one step early": _rnn_forward(steps=lambda T: range(T - 1)),
    "starts at t = 1": _rnn_forward(steps=lambda T: range(1, T)),
    "every step starts from a0": _rnn_forward(carry=False),
    "the first step starts from zeros": _rnn_forward(start=np.zeros_like),
    "holds the step's a_prev": _rnn_forward(store_prev=True),
    "a's axes are (n_a, T_x, m)": _rnn_forward(transpose=True),
    "should be the 2-tuple (the list of cell caches, x)": _rnn_forward(caches_as=lambda caches, x: caches),
    "caches[1] (it should be x)": _rnn_forward(caches_as=lambda caches, x: (caches, x[:, :, ::-1])),
}


@pytest.mark.parametrize("mistake", sorted(RNN_FORWARD_MISTAKES))
def test_rnn_forward_mistakes_are_named(mistake):
    verdict = check("rnn_forward", RNN_FORWARD_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message, verdict.message


def test_rnn_forward_correct_variants_pass():
    def projected_once(x, a0, parameters):  # the input projection for all steps in one einsum, float32 state
        p = parameters
        xw = np.einsum("ij,jmt->imt", p["Wax"], x) + p["ba"][:, :, None]
        a, y, caches, a_next = [], [], [], a0
        for t in range(x.shape[2]):
            a_prev, a_next = a_next, np.tanh(xw[:, :, t] + p["Waa"] @ a_next).astype(np.float32)
            a.append(a_next)
            y.append(softmax(p["Wya"] @ a_next + p["by"]))
            caches.append((a_next, a_prev, x[:, :, t], parameters))
        return np.stack(a, axis=2), np.stack(y, axis=2), (caches, x)

    for variant in (_rnn_forward(), projected_once):
        verdict = check("rnn_forward", variant)
        assert verdict.passed, verdict.message


# ------------------------------------------------------------------------------------------------
# rnn_cell_backward


def _rnn_cell_backward(derivative=lambda a_next, a_prev: 1 - a_next ** 2, Waa_T=True, dWaa_from="a_prev",
                       dba=lambda dz: dz.sum(axis=1, keepdims=True), dWax=lambda dz, xt: dz @ xt.T, in_place=False):
    def rnn_cell_backward(da_next, cache):
        a_next, a_prev, xt, p = cache
        if in_place:
            da_next *= derivative(a_next, a_prev)
            dz = da_next
        else:
            dz = derivative(a_next, a_prev) * da_next
        return {"dxt": p["Wax"].T @ dz, "da_prev": (p["Waa"].T if Waa_T else p["Waa"]) @ dz,
                "dWax": dWax(dz, xt), "dWaa": dz @ (a_prev if dWaa_from == "a_prev" else a_next).T, "dba": dba(dz)}
    return rnn_cell_backward


RNN_CELL_BACKWARD_MISTAKES = {
    "the tanh derivative (1 - a_next**2) is missing": _rnn_cell_backward(derivative=lambda a, a_prev: 1.0),
    "not 1 - tanh(a_next)**2": _rnn_cell_backward(derivative=lambda a, a_prev: 1 - np.tanh(a) ** 2),
    "the tanh derivative uses a_prev": _rnn_cell_backward(derivative=lambda a, a_prev: 1 - a_prev ** 2),
    "da_prev uses Waa; it is Waa.T @ dz": _rnn_cell_backward(Waa_T=False),
    "dWaa uses a_next": _rnn_cell_backward(dWaa_from="a_next"),
    "not summed over the m examples": _rnn_cell_backward(dba=lambda dz: dz),
    "summed over the wrong axis": _rnn_cell_backward(dba=lambda dz: dz.sum(axis=0, keepdims=True)),
    "keepdims=True": _rnn_cell_backward(dba=lambda dz: dz.sum(axis=1)),
    "gradients['dWax']: it is transposed": _rnn_cell_backward(dWax=lambda dz, xt: xt @ dz.T),
    "changed its argument da_next in place": _rnn_cell_backward(in_place=True),
}


@pytest.mark.parametrize("mistake", sorted(RNN_CELL_BACKWARD_MISTAKES))
def test_rnn_cell_backward_mistakes_are_named(mistake):
    verdict = check("rnn_cell_backward", RNN_CELL_BACKWARD_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message, verdict.message


def test_rnn_cell_backward_says_whether_it_agrees_with_the_forward():
    # a wrong backward, rnnlib's forward: it disagrees with that forward's numerical gradient too
    message = check("rnn_cell_backward", RNN_CELL_BACKWARD_MISTAKES["dWaa uses a_next"]).message
    assert "It also disagrees with the numerical gradient of rnnlib's rnn_cell_forward" in message
    # a sigmoid cell with its own (correct for it) derivative: the pair agrees, the forward is not the course's
    sigmoid_backward = _rnn_cell_backward(derivative=lambda a, a_prev: a * (1 - a))
    message = check("rnn_cell_backward", sigmoid_backward, forward=_cell(activation=sigmoid)).message
    assert "the tanh derivative" not in message or "It does agree" in message
    assert "It does agree with the numerical gradient of your own rnn_cell_forward, which is not the course's" in message
    # the right backward with a wrong forward: only the pair's gradient check can tell
    message = check("rnn_cell_backward", _rnn_cell_backward(), forward=_cell(activation=sigmoid)).message
    assert "disagrees with the numerical gradient of your own rnn_cell_forward" in message
    assert "your rnn_cell_forward itself differs from the course's" in message


def test_rnn_cell_backward_correct_variants_pass():
    def with_einsum(da_next, cache):
        a_next, a_prev, xt, p = cache
        dz = np.einsum("im,im->im", 1 - np.square(a_next), da_next)
        return {"dba": np.sum(dz, axis=-1)[:, None], "dWaa": np.einsum("im,jm->ij", dz, a_prev),
                "dWax": np.einsum("im,jm->ij", dz, xt), "da_prev": np.einsum("ji,jm->im", p["Waa"], dz),
                "dxt": np.einsum("ji,jm->im", p["Wax"], dz)}

    def in_float32(da_next, cache):
        a_next, a_prev, xt, p = (np.float32(v) if not isinstance(v, dict) else v for v in cache)
        return _rnn_cell_backward()(da_next.astype(np.float32), (a_next, a_prev, xt,
                                    {k: v.astype(np.float32) for k, v in p.items()}))

    for variant in (_rnn_cell_backward(), with_einsum, in_float32):
        verdict = check("rnn_cell_backward", variant)
        assert verdict.passed, verdict.message
    for forward in (_cell(), _cell(dtype=np.float32)):
        verdict = check("rnn_cell_backward", _rnn_cell_backward(), forward=forward)
        assert verdict.passed, verdict.message
        assert "numerical gradient check of your rnn_cell_forward" in verdict.message


# ------------------------------------------------------------------------------------------------
# rnn_backward


def _rnn_backward(order=lambda T: reversed(range(T)), add_prev=True, accumulate=True):
    cell_backward = _rnn_cell_backward()

    def rnn_backward(da, caches):
        cells, x = caches
        a1, a0, x1, p = cells[0]
        n_a, m, T_x = da.shape
        n_x = x1.shape[0]
        dx, da_prevt = np.zeros((n_x, m, T_x)), np.zeros((n_a, m))
        totals = {"dWax": np.zeros((n_a, n_x)), "dWaa": np.zeros((n_a, n_a)), "dba": np.zeros((n_a, 1))}
        for t in order(T_x):
            g = cell_backward(da[:, :, t] + (da_prevt if add_prev else 0), cells[t])
            dx[:, :, t], da_prevt = g["dxt"], g["da_prev"]
            for k in totals:
                totals[k] = totals[k] + g[k] if accumulate else g[k]
        return {"dx": dx, "da0": da_prevt, **totals}
    return rnn_backward


RNN_BACKWARD_MISTAKES = {
    "the loop runs forward in time": _rnn_backward(order=range),
    "the loop skips the last time step": _rnn_backward(order=lambda T: reversed(range(T - 1))),
    "the loop stops before t = 0": _rnn_backward(order=lambda T: range(T - 1, 0, -1)),
    "not accumulated over time": _rnn_backward(accumulate=False),
    "da_prevt was not added": _rnn_backward(add_prev=False),
}


@pytest.mark.parametrize("mistake", sorted(RNN_BACKWARD_MISTAKES))
def test_rnn_backward_mistakes_are_named(mistake):
    verdict = check("rnn_backward", RNN_BACKWARD_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message, verdict.message
    assert "disagrees with the numerical gradient of rnnlib's rnn_forward" in verdict.message


def test_rnn_backward_correct_variants_pass():
    def vectorised(da, caches):  # the recurrence in a loop, the weight gradients in one einsum afterwards
        cells, x = caches
        p = cells[0][3]
        n_a, m, T_x = da.shape
        dz, da_prevt = np.zeros((n_a, m, T_x)), np.zeros((n_a, m))
        for k in range(T_x):
            t = T_x - 1 - k
            a_next = cells[t][0]
            dz[:, :, t] = (1 - a_next ** 2) * (da[:, :, t] + da_prevt)
            da_prevt = p["Waa"].T @ dz[:, :, t]
        a_prevs = np.stack([c[1] for c in cells], axis=2)
        return {"dx": np.einsum("ji,jmt->imt", p["Wax"], dz), "da0": da_prevt,
                "dWax": np.einsum("imt,jmt->ij", dz, x), "dWaa": np.einsum("imt,jmt->ij", dz, a_prevs),
                "dba": dz.sum(axis=(1, 2))[:, None]}

    for variant in (_rnn_backward(), vectorised):
        verdict = check("rnn_backward", variant)
        assert verdict.passed, verdict.message
    verdict = check("rnn_backward", vectorised, forward=_rnn_forward())
    assert verdict.passed, verdict.message


def test_rnn_backward_paired_with_a_wrong_forward_fails_the_gradient_check():
    message = check("rnn_backward", _rnn_backward(), forward=RNN_FORWARD_MISTAKES["every step starts from a0"]).message
    assert "disagrees with the numerical gradient of your own rnn_forward" in message
    assert "your rnn_forward itself differs" in message


# ------------------------------------------------------------------------------------------------
# lstm_cell_forward


def _lstm_cell(a_first=True, forget=True, candidate=True, update_from="i", a_tanh=True, a_of="c_next",
               out=softmax, by=True, swap_return=False, cache_order=None, dtype=None):
    def lstm_cell_forward(xt, a_prev, c_prev, parameters):
        p = parameters if dtype is None else {k: v.astype(dtype) for k, v in parameters.items()}
        concat = np.concatenate([a_prev, xt] if a_first else [xt, a_prev], axis=0)
        ft = sigmoid(p["Wf"] @ concat + p["bf"])
        it = sigmoid(p["W" + update_from] @ concat + p["b" + update_from])
        cct = np.tanh(p["Wc"] @ concat + p["bc"])
        ot = sigmoid(p["Wo"] @ concat + p["bo"])
        c_next = (ft * c_prev if forget else c_prev) + (it * cct if candidate else it)
        c_used = c_next if a_of == "c_next" else c_prev
        a_next = ot * (np.tanh(c_used) if a_tanh else c_used)
        yt_pred = out(p["Wy"] @ a_next + (p["by"] if by else 0))
        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
        if cache_order:
            cache = tuple(cache[i] for i in cache_order)
        return (c_next, a_next, yt_pred, cache) if swap_return else (a_next, c_next, yt_pred, cache)
    return lstm_cell_forward


LSTM_CELL_MISTAKES = {
    "c_next is missing the forget gate": _lstm_cell(forget=False),
    "c_next is missing the candidate": _lstm_cell(candidate=False),
    "the course concatenates [a_prev; xt]": _lstm_cell(a_first=False),
    "the update gate uses Wf and bf": _lstm_cell(update_from="f"),
    "a_next is missing the tanh": _lstm_cell(a_tanh=False),
    "a_next uses tanh(c_prev)": _lstm_cell(a_of="c_prev"),
    "yt_pred before the softmax": _lstm_cell(out=lambda z: z),
    "yt_pred is missing the bias by": _lstm_cell(by=False),
    "c_next holds a_next": _lstm_cell(swap_return=True),
    "the cache[6] holds ot": _lstm_cell(cache_order=(0, 1, 2, 3, 4, 5, 7, 6, 8, 9)),
}


@pytest.mark.parametrize("mistake", sorted(LSTM_CELL_MISTAKES))
def test_lstm_cell_forward_mistakes_are_named(mistake):
    verdict = check("lstm_cell_forward", LSTM_CELL_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message, verdict.message


def test_lstm_cell_forward_correct_variants_pass():
    def stacked(xt, a_prev, c_prev, parameters):  # the four gates in one product, split afterwards
        p = parameters
        n_a = a_prev.shape[0]
        W = np.vstack([p["Wf"], p["Wi"], p["Wc"], p["Wo"]])
        z = W @ np.vstack([a_prev, xt]) + np.vstack([p["bf"], p["bi"], p["bc"], p["bo"]])
        ft, it, ot = (sigmoid(z[k * n_a:(k + 1) * n_a]) for k in (0, 1, 3))
        cct = np.tanh(z[2 * n_a:3 * n_a])
        c_next = ft * c_prev + it * cct
        a_next = ot * np.tanh(c_next)
        e = np.exp(p["Wy"] @ a_next + p["by"])
        return a_next, c_next, e / e.sum(axis=0), (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)

    for variant in (_lstm_cell(), _lstm_cell(dtype=np.float32), stacked):
        verdict = check("lstm_cell_forward", variant)
        assert verdict.passed, verdict.message


# ------------------------------------------------------------------------------------------------
# lstm_forward


def _lstm_forward(steps=range, carry=("a", "c"), c_start=None, a_start=None, return_order="ayc", cell=None):
    cell = cell or _lstm_cell()

    def lstm_forward(x, a0, parameters):
        n_x, m, T_x = x.shape
        n_y, n_a = parameters["Wy"].shape
        out = {"a": np.zeros((n_a, m, T_x)), "y": np.zeros((n_y, m, T_x)), "c": np.zeros((n_a, m, T_x))}
        a_next = a0 if a_start is None else a_start(a0)
        c_next = np.zeros((n_a, m)) if c_start is None else c_start(a0)
        start_a, start_c, caches = a_next, c_next, []
        for t in steps(T_x):
            a_new, c_new, yt, cache = cell(x[:, :, t], a_next if "a" in carry else start_a,
                                           c_next if "c" in carry else start_c, parameters)
            a_next, c_next = a_new, c_new
            out["a"][:, :, t], out["y"][:, :, t], out["c"][:, :, t] = a_next, yt, c_next
            caches.append(cache)
        return tuple(out[k] for k in return_order) + ((caches, x),)
    return lstm_forward


LSTM_FORWARD_MISTAKES = {
    "stops one step early": _lstm_forward(steps=lambda T: range(T - 1)),
    "a_next and c_next are not carried": _lstm_forward(carry=()),
    "c_next is not carried": _lstm_forward(carry=("a",)),
    "a_next is not carried": _lstm_forward(carry=("c",)),
    "the memory cell starts from a0": _lstm_forward(c_start=lambda a0: a0),
    "the first step starts from zeros": _lstm_forward(a_start=np.zeros_like),
    "y holds c": _lstm_forward(return_order="acy"),
    "caches[0][0][6] holds ot": _lstm_forward(cell=LSTM_CELL_MISTAKES["the cache[6] holds ot"]),
}


@pytest.mark.parametrize("mistake", sorted(LSTM_FORWARD_MISTAKES))
def test_lstm_forward_mistakes_are_named(mistake):
    verdict = check("lstm_forward", LSTM_FORWARD_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message, verdict.message


def test_lstm_forward_correct_variants_pass():
    def appending(x, a0, parameters):  # lists stacked at the end, the time index counted by hand
        cell, a, y, c, caches = _lstm_cell(dtype=np.float32), [], [], [], []
        a_next, c_next, t = a0, np.zeros_like(a0), 0
        while t < x.shape[2]:
            a_next, c_next, yt, cache = cell(x[:, :, t], a_next, c_next, parameters)
            a.append(a_next), y.append(yt), c.append(c_next), caches.append(cache)
            t += 1
        return np.dstack(a), np.dstack(y), np.dstack(c), (caches, x)

    for variant in (_lstm_forward(), appending):
        verdict = check("lstm_forward", variant)
        assert verdict.passed, verdict.message


# ------------------------------------------------------------------------------------------------
# lstm_cell_backward


def _lstm_cell_backward(use_dc_next=True, a_path=True, times_ft=True, ot_in_dc=True, a_first=True,
                        db=lambda d: d.sum(axis=1, keepdims=True), in_place=False, dtype=None):
    def lstm_cell_backward(da_next, dc_next, cache):
        if dtype is not None:
            da_next, dc_next = da_next.astype(dtype), dc_next.astype(dtype)
        a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
        n_a = a_next.shape[0]
        tanh_c = np.tanh(c_next)
        if in_place:  # dc aliases dc_next: += writes into the caller's array
            dc = dc_next
            dc += da_next * ot * (1 - tanh_c ** 2)
        else:
            dc = (dc_next if use_dc_next else 0) + da_next * (ot if ot_in_dc else 1) * (1 - tanh_c ** 2)
        dgates = {"o": da_next * tanh_c * ot * (1 - ot), "c": dc * it * (1 - cct ** 2),
                  "i": dc * cct * it * (1 - it), "f": dc * c_prev * ft * (1 - ft)}
        concat = np.concatenate([a_prev, xt] if a_first else [xt, a_prev], axis=0)
        grads = {}
        for g, d in dgates.items():
            grads["dW" + g], grads["db" + g] = d @ concat.T, db(d)
        grads["da_prev"] = sum(p["W" + g][:, :n_a].T @ d for g, d in dgates.items())
        grads["dxt"] = sum(p["W" + g][:, n_a:].T @ d for g, d in dgates.items())
        grads["dc_prev"] = (dc if a_path else dc_next) * (ft if times_ft else 1)
        return grads
    return lstm_cell_backward


LSTM_CELL_BACKWARD_MISTAKES = {
    "dc_next is ignored": _lstm_cell_backward(use_dc_next=False),
    "dc_prev is missing the path through a_next": _lstm_cell_backward(a_path=False),
    "dc_prev is not multiplied by the forget gate": _lstm_cell_backward(times_ft=False),
    "the output gate ot is missing from the memory cell's gradient": _lstm_cell_backward(ot_in_dc=False),
    "the weight gradients use [xt; a_prev]": _lstm_cell_backward(a_first=False),
    "not summed over the m examples": _lstm_cell_backward(db=lambda d: d),
    "keepdims=True": _lstm_cell_backward(db=lambda d: d.sum(axis=1)),
    "changed its argument dc_next in place": _lstm_cell_backward(in_place=True),
}


@pytest.mark.parametrize("mistake", sorted(LSTM_CELL_BACKWARD_MISTAKES))
def test_lstm_cell_backward_mistakes_are_named(mistake):
    verdict = check("lstm_cell_backward", LSTM_CELL_BACKWARD_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message, verdict.message


def test_lstm_cell_backward_correct_variants_pass():
    for variant in (_lstm_cell_backward(), _lstm_cell_backward(dtype=np.float32),
                    _lstm_cell_backward(db=lambda d: np.einsum("im->i", d)[:, None])):
        verdict = check("lstm_cell_backward", variant)
        assert verdict.passed, verdict.message
    for forward in (_lstm_cell(), _lstm_cell(dtype=np.float32)):
        verdict = check("lstm_cell_backward", _lstm_cell_backward(), forward=forward)
        assert verdict.passed, verdict.message


def test_lstm_cell_backward_paired_with_a_wrong_forward_fails_the_gradient_check():
    verdict = check("lstm_cell_backward", _lstm_cell_backward(), forward=_lstm_cell(a_tanh=False))
    assert not verdict.passed
    assert "disagrees with the numerical gradient of your own lstm_cell_forward" in verdict.message
    assert "your lstm_cell_forward itself differs from the course's" in verdict.message


# ------------------------------------------------------------------------------------------------
# lstm_backward


def _lstm_backward(order=lambda T: reversed(range(T)), add_prev=True, carry_c=True, accumulate=True):
    cell_backward = _lstm_cell_backward()

    def lstm_backward(da, caches):
        cells, x = caches
        a1, c1, a0, c0, f1, i1, cc1, o1, x1, p = cells[0]
        n_a, m, T_x = da.shape  # the course's test passes fewer steps of da than the forward ran
        n_x = x1.shape[0]
        dx, da_prevt, dc_prevt = np.zeros((n_x, m, T_x)), np.zeros((n_a, m)), np.zeros((n_a, m))
        totals = {k: np.zeros_like(p[k[1:]]) for k in ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")}
        for t in order(T_x):
            g = cell_backward(da[:, :, t] + (da_prevt if add_prev else 0),
                              dc_prevt if carry_c else np.zeros((n_a, m)), cells[t])
            dx[:, :, t], da_prevt, dc_prevt = g["dxt"], g["da_prev"], g["dc_prev"]
            for k in totals:
                totals[k] = totals[k] + g[k] if accumulate else g[k]
        return {"dx": dx, "da0": da_prevt, **totals}
    return lstm_backward


LSTM_BACKWARD_MISTAKES = {
    "the loop runs forward in time": _lstm_backward(order=range),
    "the loop skips the last time step": _lstm_backward(order=lambda T: reversed(range(T - 1))),
    "the loop stops before t = 0": _lstm_backward(order=lambda T: range(T - 1, 0, -1)),
    "not accumulated over time": _lstm_backward(accumulate=False),
    "da_prevt was not added": _lstm_backward(add_prev=False),
    "dc_prevt is not carried back": _lstm_backward(carry_c=False),
}


@pytest.mark.parametrize("mistake", sorted(LSTM_BACKWARD_MISTAKES))
def test_lstm_backward_mistakes_are_named(mistake):
    verdict = check("lstm_backward", LSTM_BACKWARD_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented
    assert mistake in verdict.message, verdict.message


def test_lstm_backward_correct_variants_pass():
    def stacked_gates(da, caches):  # one (4 n_a, .) gradient per step, the loop index counted down by hand
        cells, x = caches
        n_a, m, T_x = da.shape
        p = cells[0][9]
        W = np.vstack([p["Wf"], p["Wi"], p["Wc"], p["Wo"]])
        dW, db = np.zeros_like(W), np.zeros((4 * n_a, 1))
        dx, da_prevt, dc_prevt = np.zeros((x.shape[0], m, T_x)), np.zeros((n_a, m)), np.zeros((n_a, m))
        t = T_x - 1
        while t >= 0:
            a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, _ = cells[t]
            da_t, tanh_c = da[:, :, t] + da_prevt, np.tanh(c_next)
            dc = dc_prevt + da_t * ot * (1 - tanh_c ** 2)
            dz = np.vstack([dc * c_prev * ft * (1 - ft), dc * cct * it * (1 - it), dc * it * (1 - cct ** 2),
                            da_t * tanh_c * ot * (1 - ot)])
            dW += dz @ np.vstack([a_prev, xt]).T
            db += dz.sum(axis=1, keepdims=True)
            dx[:, :, t], da_prevt, dc_prevt = W[:, n_a:].T @ dz, W[:, :n_a].T @ dz, dc * ft
            t -= 1
        grads = {"dx": dx, "da0": da_prevt}
        for k, g in enumerate("fico"):
            grads["dW" + g], grads["db" + g] = dW[k * n_a:(k + 1) * n_a], db[k * n_a:(k + 1) * n_a]
        return grads

    for variant in (_lstm_backward(), stacked_gates):
        verdict = check("lstm_backward", variant)
        assert verdict.passed, verdict.message
    verdict = check("lstm_backward", stacked_gates, forward=_lstm_forward())
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("name", ["rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
                                  "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward"])
def test_each_check_is_quick(name):
    import time
    from rnnlib.exercises import reference
    start = time.perf_counter()
    assert check(name, reference(name)).passed
    assert time.perf_counter() - start < 2.0


def test_a_forward_that_is_a_stub_or_raises_is_named_as_the_forward():
    def stub(*args):
        raise NotImplementedError()

    def broken(xt, a_prev, parameters):
        return xt[10, 99]

    verdict = check("rnn_cell_backward", _rnn_cell_backward(), forward=stub)
    assert verdict.implemented and "the rnn_cell_forward passed as forward= is not implemented yet" in verdict.message
    verdict = check("rnn_cell_backward", _rnn_cell_backward(), forward=broken)
    assert "your rnn_cell_forward raised IndexError" in verdict.message
