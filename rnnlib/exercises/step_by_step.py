"""The step-by-step exercises: the RNN and LSTM cells and sequences, forward and backward.

Each check feeds the student's function the course's test cell (and compares with the published
values), then several random shapes with ``n_x != n_a != n_y``, ``m > 1`` and ``T_x > 1`` in float64
and float32, then checks the return structure and that no argument was changed in place.  A
backward check also runs a numerical gradient check of the student's forward/backward pair (the
student's forward when ``check`` gets ``forward=``, else rnnlib's), so a backward that only matches
a wrong forward is still caught, and every backward message says whether the backward agrees with
the numerical gradient of that forward.

When a value is wrong, the likely mistakes are tried as *inputs or transforms of the reference*
(a zero bias, a transposed weight, halved weights, a cache with one entry replaced, rnnlib's cell
run over the steps in another order ...) or as transforms of the student's own output
(``softmax(got)`` equal to the reference means "you returned the logits"), so the message can name
the mistake without a second copy of the math.  Every exercise here is graded by the course.
"""
import numpy as np

from ..core.gradcheck import norm_relative_error, numerical_gradient
from ..course import lstm_step_by_step as lstm_course
from ..course import rnn_step_by_step as rnn_course
from ..errors import RnnlibError
from .compare import (as_array, expect_close, expect_keys, expect_named, expect_tuple, expect_unchanged, is_close,
                      snapshot, softmax_output_tests)
from . import runner
from .exercise import Exercise
from .verdict import Failed, NotImplementedYet

#: Random problem sizes the checks use besides the course's: (n_x, n_a, n_y, m, T_x).
SHAPES = ((3, 5, 2, 4, 3), (4, 6, 3, 1, 5), (7, 2, 4, 3, 2))

#: The small float64 problem of the numerical gradient checks: (n_x, n_a, n_y, m, T_x).
GRADCHECK_SHAPE = (2, 3, 2, 2, 3)

#: The gradient check's (finite-difference step h, largest norm relative error) settings, tried in
#: turn until one passes.  A correct float64 pair gives about 1e-9 at the first; a forward that
#: computes in float32 (perhaps only inside, on float32 copies of the weights) needs the larger step
#: and the looser bound of the second.  A wrong backward gives 1e-2 or more at both.
GRADCHECK_SETTINGS = ((1e-5, 1e-5), (1e-2, 2e-2))

RNN_CELL_GRADS = ("dxt", "da_prev", "dWax", "dWaa", "dba")
RNN_GRADS = ("dx", "da0", "dWax", "dWaa", "dba")
LSTM_WEIGHT_GRADS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")
LSTM_CELL_GRADS = ("dxt", "da_prev", "dc_prev") + LSTM_WEIGHT_GRADS
LSTM_GRADS = ("dx", "da0") + LSTM_WEIGHT_GRADS
RNN_CELL_CACHE = ("a_next", "a_prev", "xt", "parameters")
LSTM_CELL_CACHE = ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters")


# ------------------------------------------------------------------------------------------------
# shared pieces


def _float64(value):
    """A float64 deep copy of arrays, dicts and tuples of them (the reference computes on these)."""
    if isinstance(value, np.ndarray):
        return value.astype(np.float64)
    if isinstance(value, dict):
        return {k: _float64(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return type(value)(*map(_float64, value)) if hasattr(value, "_fields") else tuple(map(_float64, value))
    if isinstance(value, list):
        return [_float64(v) for v in value]
    return value


def _astype(value, dtype):
    if isinstance(value, np.ndarray):
        return value.astype(dtype)
    if isinstance(value, dict):
        return {k: _astype(v, dtype) for k, v in value.items()}
    return tuple(_astype(v, dtype) for v in value)


def _gradient_tests(key, expected, dtype):
    """Mistakes any gradient array can show, recognised from the student's value itself."""
    expected = np.asarray(expected, dtype=float)
    tests = {}
    if expected.ndim == 2 and expected.shape[0] != expected.shape[1]:
        tests[f"it is transposed: {key} has the shape {expected.shape} of the weight it belongs to"] = (
            lambda got: is_close(got.T, expected, dtype))
    elif expected.ndim == 2:
        tests[f"it is transposed ({key}.T is right): multiply dz by the input's transpose, dz @ input.T"] = (
            lambda got: is_close(got.T, expected, dtype))
    if key.startswith("db"):
        tests[f"it should have shape {expected.shape}: sum over the examples with keepdims=True"] = (
            lambda got: got.shape != expected.shape and got.size == expected.size
            and is_close(got.reshape(expected.shape), expected, dtype))
        tests[f"it is not summed over the m examples: sum axis 1 with keepdims=True to get {expected.shape}"] = (
            lambda got: got.ndim == 2 and got.shape[0] == expected.shape[0] and got.shape[1] > 1
            and is_close(got.sum(axis=1, keepdims=True), expected, dtype))
        tests["it is summed over the wrong axis: sum over axis 1 (the m examples), with keepdims=True"] = (
            lambda got: got.shape != expected.shape and got.size != expected.size and got.size > 1
            and (got.ndim == 1 or 1 in got.shape) and is_close(got.sum(), expected.sum(), dtype))
    return tests


def _expect_gradients(name, grads, expected, keys, *, dtype, variants=None):
    """Compare the student's gradients dict with the reference's, key by key.

    variants: {message: {key: the value that mistake gives}} (a variant may name only some keys)
    """
    expect_keys(f"the dict {name} returns", grads, keys)
    for key in keys:
        mistakes = {message: values[key] for message, values in (variants or {}).items() if key in values}
        expect_named(f"gradients[{key!r}]", grads[key], expected[key], dtype=dtype, mistakes=mistakes,
                tests=_gradient_tests(key, expected[key], dtype))


def _expect_cache(what, cache, expected, names, *, dtype):
    """The student's cell cache against the reference's, naming a slot that holds another entry."""
    cache = _expect_tuple_value(what, cache, names)
    for index, (name, want) in enumerate(zip(names, expected)):
        if name == "parameters":
            if not isinstance(cache[index], dict):
                raise Failed(f"{what}[{index}] should be the parameters dict, so the backward can read the weights")
            continue
        got = as_array(f"{what}[{index}] (it should be {name})", cache[index])
        if got.shape == np.shape(want) and is_close(got, want, dtype):
            continue
        for other, value in zip(names, expected):
            if other not in (name, "parameters") and got.shape == np.shape(value) and is_close(got, value, dtype):
                raise Failed(f"{what}[{index}] holds {other}; the course's cache order is ({', '.join(names)})")
        expect_close(f"{what}[{index}] (it should be {name})", got, want, dtype=dtype)


def _expect_tuple_value(what, value, names):
    """``value`` as the tuple ``names`` describes, or Failed saying what it is instead."""
    if not isinstance(value, tuple) or len(value) != len(names):
        kind = type(value).__name__
        length = f" of length {len(value)}" if isinstance(value, (tuple, list)) else ""
        raise Failed(f"{what} should be the {len(names)}-tuple ({', '.join(names)}), got {'an' if kind[0] in 'aeiou' else 'a'} "
                     f"{kind}{length}")
    return value


def _expect_entries(values, published):
    """The course's printed entries: published is ((label, getter, value), ...)."""
    for label, getter, value in published:
        expect_close(label, getter(values), value, dtype=np.float32)


def _stacked(per_step, T, shape):
    """(..., T) array of the per-step arrays {t: array}, zeros where a step is missing."""
    out = np.zeros(tuple(shape) + (T,))
    for t, array in per_step.items():
        out[..., t] = array
    return out


def _course_draws(seed):
    """``np.random.seed(seed)``'s draws, without touching numpy's global state."""
    return np.random.RandomState(seed)


# ------------------------------------------------------------------------------------------------
# the numerical gradient check of a forward/backward pair


def _pair_errors(progress, forward, reference_forward, backward, pair, forward_name):
    """Gradient-check ``backward`` against ``forward`` on a small float64 problem.

    pair(rng) -> (inputs, arrays, upstream, split): the forward's arguments; {gradient key: the
    input array it is the gradient of}; the upstream gradients (the loss is
    ``sum(output * upstream)`` over the outputs ``split(result)`` picks, so these are also the
    backward's first arguments); split(result) -> (outputs, cache).
    Returns ({key: relative error} above the tolerance, the tolerance, whether ``forward`` matches
    ``reference_forward``, how many gradients were checked).  Raises Failed when the pair cannot be run.
    """
    inputs, arrays, upstream, split = pair(np.random.default_rng(7))

    def outputs():
        try:  # called as the forward, so its errors name it, not the backward
            result = runner.call(forward, *inputs, name=forward_name)
        except NotImplementedYet:
            raise Failed(f"the {forward_name} passed as forward= is not implemented yet: write it first, or "
                         f"leave forward= out to pair your backward with rnnlib's") from None
        outs, cache = split(result)
        arrays_out = []
        for index, (out, weight) in enumerate(zip(outs, upstream)):
            out_array = as_array(f"what your {forward_name} returned (output {index})", out)
            if out_array.shape != weight.shape:
                raise Failed(f"your {forward_name} returned output {index} of shape {out_array.shape}, "
                             f"expected {weight.shape}")
            arrays_out.append(out_array)
        return arrays_out, cache

    outs, cache = outputs()
    reference_outs, _ = split(reference_forward(*_float64(inputs)))
    matches = all(is_close(o, r, np.float32) for o, r in zip(outs, reference_outs))
    grads = progress.call(backward, *[w.copy() for w in upstream], cache)
    expect_keys("the dict your backward returns", grads, tuple(arrays))

    def loss():
        return sum(float(np.sum(o * w)) for o, w in zip(outputs()[0], upstream))

    analytic = {key: as_array(f"gradients[{key!r}]", grads[key]) for key in arrays}
    for h, tol in GRADCHECK_SETTINGS:
        too_far = {}
        for key, array in arrays.items():
            try:
                numeric = numerical_gradient(loss, array, h)
            except RnnlibError:
                raise Failed("the numerical gradient of your forward is not finite (it overflowed)") from None
            error = norm_relative_error(analytic[key], numeric) if analytic[key].shape == numeric.shape else np.inf
            if not error <= tol:
                too_far[key] = error
        if not too_far:
            break
    return too_far, tol, matches, len(arrays)


def _forward_phrase(own, forward_name):
    return f"your own {forward_name}" if own else f"rnnlib's {forward_name}"


def _check_pair(progress, forward, reference_forward, backward, pair, forward_name, backward_name, own):
    """The gradient-check stage: Failed naming the worst key when the pair disagrees."""
    too_far, tol, matches, count = _pair_errors(progress, forward, reference_forward, backward, pair, forward_name)
    if too_far:
        key = max(too_far, key=too_far.get)
        why = ""
        if own and not matches:
            why = (f"; your {forward_name} itself differs from the course's (check({forward_name!r}, "
                   f"{forward_name}) says how)")
        elif own:
            why = (f"; your {forward_name} computes the course's values, so its cache may not hold what "
                   f"your {backward_name} reads from it")
        raise Failed(f"your {backward_name} disagrees with the numerical gradient of {_forward_phrase(own, forward_name)}: "
                     f"gradients[{key!r}] is off by a relative error of {too_far[key]:.1e} (a correct pair stays "
                     f"below {tol:g}, even one computing in float32; {len(too_far)} of {count} gradients are off){why}")
    whose = "your" if own else "rnnlib's"
    progress.ok(f"the numerical gradient check of {whose} {forward_name} with your {backward_name}")


def _with_pair_sentence(failure, progress, forward, reference_forward, backward, pair, forward_name, own):
    """``failure`` with a sentence saying whether the backward agrees with the forward's numerical gradient."""
    quiet = type(progress)(progress.name)
    try:
        too_far, _, matches, _ = _pair_errors(quiet, forward, reference_forward, backward, pair, forward_name)
    except (Failed, NotImplementedYet, RnnlibError):
        return failure
    whose = _forward_phrase(own, forward_name)
    if too_far:
        return Failed(f"{failure} (It also disagrees with the numerical gradient of {whose}.)")
    if own and not matches:
        return Failed(f"{failure} (It does agree with the numerical gradient of {whose}, which is not the "
                      f"course's {forward_name}: fix the forward, then the backward.)")
    return Failed(f"{failure} (Its gradients do agree with the numerical gradient of {whose}.)")


def _run_backward(fn, forward, progress, *, reference_forward, pair, forward_name, backward_name, stages):
    """The backward checks: ``stages()`` (values against the reference), then the pair's gradient check.

    A failure in the stages gets a sentence saying whether the backward at least agrees with the
    numerical gradient of the forward it was paired with.
    """
    own = forward is not None
    forward = forward if own else reference_forward
    try:
        stages()
    except Failed as failure:
        raise _with_pair_sentence(failure, progress, forward, reference_forward, fn, pair, forward_name,
                                  own) from None
    _check_pair(progress, forward, reference_forward, fn, pair, forward_name, backward_name, own)


def _cells_over_time(cell, x, state, order, carried):
    """{output name: {t: array}} of rnnlib's ``cell(xt, state) -> (new state, outputs)`` run over the
    steps in ``order``, carrying forward only the state entries named in ``carried`` (the others keep
    their start values): the shape of a forward loop's typical mistakes."""
    start, outputs = dict(state), {}
    for t in order:
        new, produced = cell(x[:, :, t], state)
        state = {k: (new[k] if k in carried else start[k]) for k in start}
        for name, value in produced.items():
            outputs.setdefault(name, {})[t] = value
    return outputs


def _backward_over_time(step, da, cells, order, carried, weight_keys, accumulate=True):
    """The gradients dict a BPTT loop with a typical mistake returns, from rnnlib's cell backward.

    step(da_t, carry, cache) -> (cell gradients, carry for the step before); the loop visits
    ``order``, hands each step only the carried entries named in ``carried``, and sums the weight
    gradients (or, with accumulate=False, keeps only the last visited step's, as ``=`` for ``+=`` does).
    """
    carry, per_step, last = {}, {}, None
    for t in order:
        last, carry = step(da[:, :, t], {k: v for k, v in carry.items() if k in carried}, cells[t])
        per_step[t] = last
    dx = _stacked({t: g["dxt"] for t, g in per_step.items()}, da.shape[2], last["dxt"].shape)
    weights = {k: (sum(g[k] for g in per_step.values()) if accumulate else last[k]) for k in weight_keys}
    return {"dx": dx, "da0": last["da_prev"], **weights}


def _loop_mistakes(T):
    """{message: (order of the steps, carried, accumulate)} of a BPTT loop's typical mistakes."""
    return {
        "the loop runs forward in time; backpropagation visits t = T_x - 1 down to 0 (reversed(range(T_x)))":
            (list(range(T)), "all", True),
        "the loop skips the last time step t = T_x - 1 (start at T_x - 1, not T_x - 2)":
            (list(reversed(range(T - 1))), "all", True),
        "the loop stops before t = 0 (range(T_x - 1, 0, -1) misses it; use reversed(range(T_x)))":
            (list(reversed(range(1, T))), "all", True),
        "the weight gradients are not accumulated over time: add each step's (+=), do not overwrite them":
            (list(reversed(range(T))), "all", False),
    }


def _sequence_gradient_variants(step, da, cells, state_names, weight_keys, carry_messages):
    """The BPTT loop mistakes as gradients dicts: {message: gradients}."""
    T = da.shape[2]
    variants = {}
    for message, (order, carried, accumulate) in _loop_mistakes(T).items():
        if not order:  # a one-step sequence has no "one step early"
            continue
        variants[message] = _backward_over_time(step, da, cells, order,
                                                state_names if carried == "all" else carried, weight_keys, accumulate)
    for message, carried in carry_messages.items():
        variants[message] = _backward_over_time(step, da, cells, list(reversed(range(T))), carried, weight_keys)
    return variants


# ------------------------------------------------------------------------------------------------
# RNN: inputs


def _course_rnn_cell_inputs():
    """The course's rnn_cell_forward test cell: ``np.random.seed(1)``, then xt, a_prev, Waa, Wax, Wya, ba, by."""
    rng = _course_draws(1)  # the same draws as np.random.seed(1), without touching global state
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    Waa, Wax, Wya, ba, by = rng.randn(5, 5), rng.randn(5, 3), rng.randn(2, 5), rng.randn(5, 1), rng.randn(2, 1)
    return xt, a_prev, {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}


def _course_rnn_cell_backward_inputs():
    """The course's rnn_cell_backward test cell: seed 1, xt, a_prev, Wax (before Waa), Waa, Wya, ba, by, da_next."""
    rng = _course_draws(1)
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    Wax, Waa, Wya, ba, by = rng.randn(5, 3), rng.randn(5, 5), rng.randn(2, 5), rng.randn(5, 1), rng.randn(2, 1)
    parameters = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba, "by": by}
    return xt, a_prev, parameters, rng.randn(5, 10)


def _course_rnn_forward_inputs():
    """The course's rnn_forward test cell: seed 1, x (3, 10, 4), a0, then Waa, Wax, Wya, ba, by."""
    rng = _course_draws(1)
    x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    Waa, Wax, Wya, ba, by = rng.randn(5, 5), rng.randn(5, 3), rng.randn(2, 5), rng.randn(5, 1), rng.randn(2, 1)
    return x, a0, {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}


def _course_rnn_backward_inputs():
    """The course's rnn_backward test cell: seed 1, x, a0, Wax (before Waa), Waa, Wya, ba, by, then da."""
    rng = _course_draws(1)
    x, a0 = rng.randn(3, 10, 4), rng.randn(5, 10)
    Wax, Waa, Wya, ba, by = rng.randn(5, 3), rng.randn(5, 5), rng.randn(2, 5), rng.randn(5, 1), rng.randn(2, 1)
    return x, a0, {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba, "by": by}, rng.randn(5, 10, 4)


# Published in the course's rnn_cell_forward test cell (all editions): a_next[4] and yt_pred[1].
PUBLISHED_RNN_CELL = {
    "a_next[4]": [0.59584544, 0.18141802, 0.61311866, 0.99808218, 0.85016201,
                  0.99980978, -0.18887155, 0.99815551, 0.6531151, 0.82872037],
    "yt_pred[1]": [0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387,
                   0.88945212, 0.36920224, 0.9966312, 0.9982559, 0.17746526],
}

# The course's printed entries of the other RNN test cells: (label, how to read it, value).
PUBLISHED_RNN_FORWARD = (
    ("a[4][1]", lambda r: r[0][4][1], [-0.99999375, 0.77911235, -0.99861469, -0.99833267]),
    ("y_pred[1][3]", lambda r: r[1][1][3], [0.79560373, 0.86224861, 0.11118257, 0.81515947]),
    ("caches[1][1][3]", lambda r: r[2][1][1][3], [-1.1425182, -0.34934272, -0.20889423, 0.58662319]),
)
PUBLISHED_RNN_CELL_BACKWARD = (
    ('gradients["dxt"][1][2]', lambda g: g["dxt"][1][2], -1.3872130506),
    ('gradients["da_prev"][2][3]', lambda g: g["da_prev"][2][3], -0.152399493774),
    ('gradients["dWax"][3][1]', lambda g: g["dWax"][3][1], 0.410772824935),
    ('gradients["dWaa"][1][2]', lambda g: g["dWaa"][1][2], 1.15034506685),
    ('gradients["dba"][4]', lambda g: g["dba"][4], [0.20023491]),
)
PUBLISHED_RNN_BACKWARD = (
    ('gradients["dx"][1][2]', lambda g: g["dx"][1][2], [-2.07101689, -0.59255627, 0.02466855, 0.01483317]),
    ('gradients["da0"][2][3]', lambda g: g["da0"][2][3], -0.314942375127),
    ('gradients["dWax"][3][1]', lambda g: g["dWax"][3][1], 11.2641044965),
    ('gradients["dWaa"][1][2]', lambda g: g["dWaa"][1][2], 2.30333312658),
    ('gradients["dba"][4]', lambda g: g["dba"][4], [-0.74747722]),
)


def _random_rnn_parameters(rng, n_x, n_a, n_y, dtype):
    parameters = {"Waa": rng.standard_normal((n_a, n_a)) * 0.5, "Wax": rng.standard_normal((n_a, n_x)),
                  "Wya": rng.standard_normal((n_y, n_a)), "ba": rng.standard_normal((n_a, 1)),
                  "by": rng.standard_normal((n_y, 1))}
    return {k: v.astype(dtype) for k, v in parameters.items()}


def _random_rnn_cell_inputs(rng, n_x, n_a, n_y, m, dtype):
    parameters = _random_rnn_parameters(rng, n_x, n_a, n_y, dtype)
    return rng.standard_normal((n_x, m)).astype(dtype), rng.standard_normal((n_a, m)).astype(dtype), parameters


def _random_rnn_inputs(rng, n_x, n_a, n_y, m, T_x, dtype):
    parameters = _random_rnn_parameters(rng, n_x, n_a, n_y, dtype)
    return (rng.standard_normal((n_x, m, T_x)).astype(dtype), rng.standard_normal((n_a, m)).astype(dtype),
            parameters)


def _random_cases(make):
    """(inputs, dtype) for each of SHAPES in float64, then the first again in float32."""
    rng = np.random.default_rng(2024)
    cases = [(make(rng, *shape, np.float64), np.float64) for shape in SHAPES]
    return cases + [(make(rng, *SHAPES[0], np.float32), np.float32)]


# ------------------------------------------------------------------------------------------------
# rnn_cell_forward


def _rnn_cell_mistakes(xt, a_prev, p, a_ref, y_ref, dtype):
    """(a mistakes, a tests, y mistakes, y tests) for ``expect``/``_expect``: rnnlib's cell on altered
    inputs, and transforms of the student's value."""
    xt, a_prev, p = _float64((xt, a_prev, p))
    cell = rnn_course.rnn_cell_forward
    halved = {k: (v / 2 if k in ("Waa", "Wax", "ba") else v) for k, v in p.items()}
    a_half = cell(xt, a_prev, halved)[0]  # tanh(z / 2) for the cell's pre-activation z
    a_mistakes = {
        # sigmoid(z) = (1 + tanh(z / 2)) / 2
        "a_next uses sigmoid; the RNN cell uses tanh": (1 + a_half) / 2,
        "a_next is missing the bias ba": cell(xt, a_prev, dict(p, ba=np.zeros_like(p["ba"])))[0],
        "a_next uses Waa transposed (Waa.T @ a_prev); the product is Waa @ a_prev": (
            cell(xt, a_prev, dict(p, Waa=p["Waa"].T))[0]),
    }
    a_tests = {"a_next has no activation: apply tanh to Waa @ a_prev + Wax @ xt + ba":
               lambda got: is_close(np.tanh(got), a_ref, dtype)}
    y_mistakes = {"yt_pred is missing the bias by": cell(xt, a_prev, dict(p, by=np.zeros_like(p["by"])))[1]}
    y_tests = softmax_output_tests(y_ref, dtype)
    return a_mistakes, a_tests, y_mistakes, y_tests


def _check_rnn_cell_call(fn, progress, xt, a_prev, parameters, dtype):
    """Call the student's cell once; compare a_next, yt_pred and the cache with the reference."""
    before = snapshot((xt, a_prev, parameters))
    result = progress.call(fn, xt, a_prev, parameters)
    expect_unchanged("rnn_cell_forward", ("xt", "a_prev", "parameters"), before, (xt, a_prev, parameters))
    a_next, yt_pred, cache = expect_tuple("rnn_cell_forward", result, 3, ("a_next", "yt_pred", "cache"))
    a_ref, y_ref, ref_cache = rnn_course.rnn_cell_forward(*_float64(before))
    a_mistakes, a_tests, y_mistakes, y_tests = _rnn_cell_mistakes(xt, a_prev, parameters, a_ref, y_ref, dtype)
    expect_named("a_next", a_next, a_ref, dtype=dtype, mistakes=a_mistakes, tests=a_tests)
    expect_named("yt_pred", yt_pred, y_ref, dtype=dtype, mistakes=y_mistakes, tests=y_tests)
    _expect_cache("the cache", cache, ref_cache, RNN_CELL_CACHE, dtype=dtype)
    return a_next, yt_pred


def run_rnn_cell_forward(fn, forward, progress):
    xt, a_prev, parameters = _course_rnn_cell_inputs()
    a_next, yt_pred = _check_rnn_cell_call(fn, progress, xt, a_prev, parameters, np.float64)
    expect_close("a_next[4]", np.asarray(a_next)[4], PUBLISHED_RNN_CELL["a_next[4]"], dtype=np.float32)
    expect_close("yt_pred[1]", np.asarray(yt_pred)[1], PUBLISHED_RNN_CELL["yt_pred[1]"], dtype=np.float32)
    progress.ok("the course's test values")
    cases = _random_cases(lambda rng, n_x, n_a, n_y, m, T, dtype: _random_rnn_cell_inputs(rng, n_x, n_a, n_y, m, dtype))
    for inputs, dtype in cases[:-1]:
        _check_rnn_cell_call(fn, progress, *inputs, dtype)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    _check_rnn_cell_call(fn, progress, *cases[-1][0], np.float32)
    progress.ok("float32 inputs")
    progress.ok("the return structure and cache, and no argument changed in place")


# ------------------------------------------------------------------------------------------------
# rnn_forward


def _rnn_sequence_mistakes(x, a0, p, a_ref):
    """{message: (a, y_pred)} of rnn_forward's typical mistakes, from rnnlib's cell run over the steps."""
    x, a0, p = _float64((x, a0, p))
    n_a, m, T = a_ref.shape

    def cell(xt, state):
        a_next, yt, _ = rnn_course.rnn_cell_forward(xt, state["a"], p)
        return {"a": a_next}, {"a": a_next, "y": yt}

    def run(order, carried=("a",), start=a0):
        outs = _cells_over_time(cell, x, {"a": start}, list(order), carried)
        n_y = next(iter(outs["y"].values())).shape[0]
        return _stacked(outs["a"], T, (n_a, m)), _stacked(outs["y"], T, (n_y, m))

    mistakes = {
        "the loop stops one step early: range(T_x) visits every step": run(range(T - 1)),
        "the loop starts at t = 1: range(T_x) starts at 0": run(range(1, T)),
        "a_next is not carried from step to step: every step starts from a0": run(range(T), carried=()),
        "the first step starts from zeros; it starts from a0": run(range(T), start=np.zeros_like(a0)),
    }
    shifted = np.concatenate([a0[:, :, None], a_ref[:, :, :-1]], axis=2)
    a_only = {"a[:, :, t] holds the step's a_prev; store the a_next the cell returns": shifted,
              "a's axes are (n_a, T_x, m); the course's order is (n_a, m, T_x)": a_ref.transpose(0, 2, 1)}
    return mistakes, a_only


def _check_rnn_forward_call(fn, progress, x, a0, parameters, dtype):
    before = snapshot((x, a0, parameters))
    result = progress.call(fn, x, a0, parameters)
    expect_unchanged("rnn_forward", ("x", "a0", "parameters"), before, (x, a0, parameters))
    a, y_pred, caches = expect_tuple("rnn_forward", result, 3, ("a", "y_pred", "caches"))
    a_ref, y_ref, ref_caches = rnn_course.rnn_forward(*_float64(before))
    mistakes, a_only = _rnn_sequence_mistakes(x, a0, parameters, a_ref)
    expect_named("a", a, a_ref, dtype=dtype, mistakes={**{k: v[0] for k, v in mistakes.items()}, **a_only})
    expect_named("y_pred", y_pred, y_ref, dtype=dtype,
            mistakes={**{k: v[1] for k, v in mistakes.items()},
                      "y_pred's axes are (n_y, T_x, m); the course's order is (n_y, m, T_x)": y_ref.transpose(0, 2, 1)})
    _expect_sequence_caches("rnn_forward", caches, ref_caches, x, RNN_CELL_CACHE, dtype)
    return result


def _expect_sequence_caches(name, caches, ref_caches, x, names, dtype):
    """The (list of cell caches, x) pair the backward needs."""
    caches = _expect_tuple_value(f"the caches {name} returns", caches, ("the list of cell caches", "x"))
    cells, ref_cells = caches[0], ref_caches[0]
    if not isinstance(cells, (list, tuple)) or len(cells) != len(ref_cells):
        length = len(cells) if isinstance(cells, (list, tuple)) else type(cells).__name__
        raise Failed(f"caches[0] should be a list of {len(ref_cells)} cell caches, one per time step, got {length}")
    for t, (cell, ref_cell) in enumerate(zip(cells, ref_cells)):
        _expect_cache(f"caches[0][{t}]", cell, ref_cell, names, dtype=dtype)
    expect_close("caches[1] (it should be x)", caches[1], x, dtype=dtype)


def run_rnn_forward(fn, forward, progress):
    inputs = _course_rnn_forward_inputs()
    result = _check_rnn_forward_call(fn, progress, *inputs, np.float64)
    _expect_entries(result, PUBLISHED_RNN_FORWARD)
    progress.ok("the course's test values")
    cases = _random_cases(_random_rnn_inputs)
    for case, dtype in cases[:-1]:
        _check_rnn_forward_call(fn, progress, *case, dtype)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    _check_rnn_forward_call(fn, progress, *cases[-1][0], np.float32)
    progress.ok("float32 inputs")
    progress.ok("the return structure and caches, and no argument changed in place")


# ------------------------------------------------------------------------------------------------
# rnn_cell_backward


def _rnn_cell_backward_variants(da_next, cache):
    """{message: gradients} of rnn_cell_backward's typical mistakes: rnnlib's backward on an altered cache."""
    a_next, a_prev, xt, p = cache
    back = rnn_course.rnn_cell_backward
    return {
        "the tanh derivative (1 - a_next**2) is missing": back(da_next, (np.zeros_like(a_next), a_prev, xt, p)),
        "the tanh derivative is 1 - a_next**2, not 1 - tanh(a_next)**2: a_next already is a tanh":
            back(da_next, (np.tanh(a_next), a_prev, xt, p)),
        "the tanh derivative uses a_prev; it is 1 - a_next**2, with the a_next the cache holds":
            back(da_next, (a_prev, a_prev, xt, p)),
        "da_prev uses Waa; it is Waa.T @ dz": {"da_prev": back(da_next, (a_next, a_prev, xt, dict(p, Waa=p["Waa"].T)))["da_prev"]},
        "dWaa uses a_next; it is dz @ a_prev.T": {"dWaa": back(da_next, (a_next, a_next, xt, p))["dWaa"]},
    }


def _check_rnn_cell_backward_call(fn, progress, da_next, cache, dtype, published=()):
    before = snapshot((da_next, cache))
    grads = progress.call(fn, da_next, cache)
    expect_unchanged("rnn_cell_backward", ("da_next", "cache"), before, (da_next, cache))
    da64, cache64 = _float64(before)
    expected = rnn_course.rnn_cell_backward(da64, cache64)
    _expect_gradients("rnn_cell_backward", grads, expected, RNN_CELL_GRADS, dtype=dtype,
                      variants=_rnn_cell_backward_variants(da64, cache64))
    _expect_entries(grads, published)


def _rnn_cell_pair(rng):
    n_x, n_a, n_y, m, _ = GRADCHECK_SHAPE
    xt, a_prev, p = _random_rnn_cell_inputs(rng, n_x, n_a, n_y, m, np.float64)
    arrays = {"dxt": xt, "da_prev": a_prev, "dWax": p["Wax"], "dWaa": p["Waa"], "dba": p["ba"]}

    def split(result):
        a_next, _, cache = expect_tuple("your rnn_cell_forward", result, 3, ("a_next", "yt_pred", "cache"))
        return (a_next,), cache
    return (xt, a_prev, p), arrays, (rng.standard_normal((n_a, m)),), split


def run_rnn_cell_backward(fn, forward, progress):
    def stages():
        xt, a_prev, parameters, da_next = _course_rnn_cell_backward_inputs()
        cache = rnn_course.rnn_cell_forward(xt, a_prev, parameters)[2]
        _check_rnn_cell_backward_call(fn, progress, da_next, cache, np.float64, PUBLISHED_RNN_CELL_BACKWARD)
        progress.ok("the course's test values")
        for (xt, a_prev, p), dtype in _random_cases(
                lambda rng, n_x, n_a, n_y, m, T, dtype: _random_rnn_cell_inputs(rng, n_x, n_a, n_y, m, dtype)):
            cache = rnn_course.rnn_cell_forward(xt, a_prev, p)[2]
            da_next = np.random.default_rng(xt.shape).standard_normal(a_prev.shape).astype(dtype)
            _check_rnn_cell_backward_call(fn, progress, da_next, tuple(cache), dtype)
        progress.ok(f"{len(SHAPES)} other shapes in float64, and float32 inputs")
        progress.ok("the gradients' keys and shapes, and no argument changed in place")

    _run_backward(fn, forward, progress, reference_forward=rnn_course.rnn_cell_forward, pair=_rnn_cell_pair,
                  forward_name="rnn_cell_forward", backward_name="rnn_cell_backward", stages=stages)


# ------------------------------------------------------------------------------------------------
# rnn_backward


def _rnn_step_back(da_t, carry, cache):
    grads = rnn_course.rnn_cell_backward(da_t + carry.get("a", 0.0), cache)
    return grads, {"a": grads["da_prev"]}


def _rnn_backward_variants(da, caches):
    cells = list(caches[0])
    return _sequence_gradient_variants(
        _rnn_step_back, da, cells, ("a",), ("dWax", "dWaa", "dba"),
        {"each step's upstream gradient is da[:, :, t] + da_prevt; da_prevt was not added": ()})


def _check_rnn_backward_call(fn, progress, da, caches, dtype, published=()):
    before = snapshot((da, caches))
    grads = progress.call(fn, da, caches)
    expect_unchanged("rnn_backward", ("da", "caches"), before, (da, caches))
    da64, caches64 = _float64(before)
    expected = rnn_course.rnn_backward(da64, caches64)
    _expect_gradients("rnn_backward", grads, expected, RNN_GRADS, dtype=dtype,
                      variants=_rnn_backward_variants(da64, caches64))
    _expect_entries(grads, published)


def _rnn_pair(rng):
    n_x, n_a, n_y, m, T = GRADCHECK_SHAPE
    x, a0, p = _random_rnn_inputs(rng, n_x, n_a, n_y, m, T, np.float64)
    arrays = {"dx": x, "da0": a0, "dWax": p["Wax"], "dWaa": p["Waa"], "dba": p["ba"]}

    def split(result):
        a, _, caches = expect_tuple("your rnn_forward", result, 3, ("a", "y_pred", "caches"))
        return (a,), caches
    return (x, a0, p), arrays, (rng.standard_normal((n_a, m, T)),), split


def run_rnn_backward(fn, forward, progress):
    def stages():
        x, a0, parameters, da = _course_rnn_backward_inputs()
        caches = rnn_course.rnn_forward(x, a0, parameters)[2]
        _check_rnn_backward_call(fn, progress, da, caches, np.float64, PUBLISHED_RNN_BACKWARD)
        progress.ok("the course's test values")
        for (x, a0, p), dtype in _random_cases(_random_rnn_inputs):
            caches = rnn_course.rnn_forward(x, a0, p)[2]
            da = np.random.default_rng(x.shape).standard_normal(a0.shape + x.shape[2:]).astype(dtype)
            _check_rnn_backward_call(fn, progress, da, caches, dtype)
        progress.ok(f"{len(SHAPES)} other shapes in float64, and float32 inputs")
        progress.ok("the gradients' keys and shapes, and no argument changed in place")

    _run_backward(fn, forward, progress, reference_forward=rnn_course.rnn_forward, pair=_rnn_pair,
                  forward_name="rnn_forward", backward_name="rnn_backward", stages=stages)


# ------------------------------------------------------------------------------------------------
# LSTM: inputs


def _course_lstm_parameters(rng, n_a, n_x, n_y, draw_output=True):
    """The course's draw order: Wf, bf, Wi, bi, Wo, bo, Wc, bc (the output gate before the candidate), Wy, by."""
    p = {}
    for gate in "fioc":
        p["W" + gate], p["b" + gate] = rng.randn(n_a, n_a + n_x), rng.randn(n_a, 1)
    if draw_output:
        p["Wy"], p["by"] = rng.randn(n_y, n_a), rng.randn(n_y, 1)
    else:  # the 2021 lstm_backward cell: "unused, but needed for lstm_forward"
        p["Wy"], p["by"] = np.zeros((n_y, n_a)), np.zeros((n_y, 1))
    return p


def _course_lstm_cell_inputs():
    """The course's lstm_cell_forward (and lstm_cell_backward) test cell: seed 1, xt, a_prev, c_prev, parameters;
    returns the generator too, whose next draws are the backward cell's da_next and dc_next."""
    rng = _course_draws(1)
    xt, a_prev, c_prev = rng.randn(3, 10), rng.randn(5, 10), rng.randn(5, 10)
    return (xt, a_prev, c_prev, _course_lstm_parameters(rng, 5, 3, 2)), rng


def _course_lstm_forward_inputs(draw_output=True):
    rng = _course_draws(1)
    x, a0 = rng.randn(3, 10, 7), rng.randn(5, 10)
    return (x, a0, _course_lstm_parameters(rng, 5, 3, 2, draw_output)), rng


PUBLISHED_LSTM_CELL = (
    ("a_next[4]", lambda r: r[0][4], [-0.66408471, 0.0036921, 0.02088357, 0.22834167, -0.85575339, 0.00138482,
                                      0.76566531, 0.34631421, -0.00215674, 0.43827275]),
    ("c_next[2]", lambda r: r[1][2], [0.63267805, 1.00570849, 0.35504474, 0.20690913, -1.64566718, 0.11832942,
                                      0.76449811, -0.0981561, -0.74348425, -0.26810932]),
    ("yt[1]", lambda r: r[2][1], [0.79913913, 0.15986619, 0.22412122, 0.15606108, 0.97057211, 0.31146381,
                                  0.00943007, 0.12666353, 0.39380172, 0.07828381]),
    ("cache[1][3]", lambda r: r[3][1][3], [-0.16263996, 1.03729328, 0.72938082, -0.54101719, 0.02752074,
                                           -0.30821874, 0.07651101, -1.03752894, 1.41219977, -0.37647422]),
)
PUBLISHED_LSTM_FORWARD = (
    ("a[4][3][6]", lambda r: r[0][4][3][6], 0.172117767533),
    ("y[1][4][3]", lambda r: r[1][1][4][3], 0.95087346185),
    ("c[1][2][1]", lambda r: r[2][1][2][1], -0.855544916718),
    ("caches[1][1][1]", lambda r: r[3][1][1][1],
     [0.82797464, 0.23009474, 0.76201118, -0.22232814, -0.20075807, 0.18656139, 0.41005165]),
)
PUBLISHED_LSTM_CELL_BACKWARD = tuple(
    (f'gradients["{key}"]{"".join(f"[{i}]" for i in index)}', (lambda g, key=key, index=index: g[key][index]), value)
    for key, index, value in (
        ("dxt", (1, 2), 3.23055911511), ("da_prev", (2, 3), -0.0639621419711), ("dc_prev", (2, 3), 0.797522038797),
        ("dWf", (3, 1), -0.147954838164), ("dWi", (1, 2), 1.05749805523), ("dWc", (3, 1), 2.30456216369),
        ("dWo", (1, 2), 0.331311595289), ("dbf", (4,), [0.18864637]), ("dbi", (4,), [-0.40142491]),
        ("dbc", (4,), [0.25587763]), ("dbo", (4,), [0.13893342])))
# The 2021 lstm_backward cell: a forward pass over 7 steps, then da over only 4 (the backward takes T from da).
PUBLISHED_LSTM_BACKWARD = tuple(
    (f'gradients["{key}"]{"".join(f"[{i}]" for i in index)}', (lambda g, key=key, index=index: g[key][index]), value)
    for key, index, value in (
        ("dx", (1, 2), [0.00218254, 0.28205375, -0.48292508, -0.43281115]), ("da0", (2, 3), 0.312770310257),
        ("dWf", (3, 1), -0.0809802310938), ("dWi", (1, 2), 0.40512433093), ("dWc", (3, 1), -0.0793746735512),
        ("dWo", (1, 2), 0.038948775763), ("dbf", (4,), [-0.15745657]), ("dbi", (4,), [-0.50848333]),
        ("dbc", (4,), [-0.42510818]), ("dbo", (4,), [-0.17958196])))


def _random_lstm_parameters(rng, n_x, n_a, n_y, dtype):
    p = {}
    for gate in "fico":  # scaled so the gates do not saturate: every gradient path matters
        p["W" + gate] = rng.standard_normal((n_a, n_a + n_x)) * 0.7
        p["b" + gate] = rng.standard_normal((n_a, 1)) * 0.7
    p["Wy"], p["by"] = rng.standard_normal((n_y, n_a)), rng.standard_normal((n_y, 1))
    return {k: v.astype(dtype) for k, v in p.items()}


def _random_lstm_cell_inputs(rng, n_x, n_a, n_y, m, T, dtype):
    p = _random_lstm_parameters(rng, n_x, n_a, n_y, dtype)
    xt, a_prev, c_prev = (rng.standard_normal(shape).astype(dtype) for shape in ((n_x, m), (n_a, m), (n_a, m)))
    return xt, a_prev, c_prev, p


def _random_lstm_inputs(rng, n_x, n_a, n_y, m, T, dtype):
    p = _random_lstm_parameters(rng, n_x, n_a, n_y, dtype)
    return rng.standard_normal((n_x, m, T)).astype(dtype), rng.standard_normal((n_a, m)).astype(dtype), p


# ------------------------------------------------------------------------------------------------
# lstm_cell_forward


def _swapped_concatenation(p, n_x):
    """Gate weights W' with W' @ [a_prev; xt] == W @ [xt; a_prev]: what a cell stacking [xt; a_prev] computes."""
    return {k: (np.concatenate([v[:, n_x:], v[:, :n_x]], axis=1) if k in ("Wf", "Wi", "Wc", "Wo") else v)
            for k, v in p.items()}


def _lstm_cell_mistakes(xt, a_prev, c_prev, p, ref):
    """{output index: {message: value}} of lstm_cell_forward's typical mistakes (rnnlib's cell on altered
    parameters, or the reference's own gates combined another way)."""
    xt, a_prev, c_prev, p = _float64((xt, a_prev, c_prev, p))
    cell = lambda q: lstm_course.lstm_cell_forward(xt, a_prev, c_prev, q)  # noqa: E731
    saturated = np.full_like(p["bf"], 50.0)  # sigmoid(50) and tanh(50) are 1.0 in float64
    variants = {
        "c_next is missing the forget gate: c_next = ft * c_prev + it * cct":
            cell(dict(p, Wf=np.zeros_like(p["Wf"]), bf=saturated)),
        "c_next is missing the candidate: c_next = ft * c_prev + it * cct":
            cell(dict(p, Wc=np.zeros_like(p["Wc"]), bc=saturated)),
        "the gates act on [xt; a_prev]; the course concatenates [a_prev; xt] (a_prev on top)":
            cell(_swapped_concatenation(p, xt.shape[0])),
        "the update gate uses Wf and bf; it = sigmoid(Wi @ concat + bi)": cell(dict(p, Wi=p["Wf"], bi=p["bf"])),
        "yt_pred is missing the bias by": cell(dict(p, by=np.zeros_like(p["by"]))),
    }
    mistakes = {i: {message: v[i] for message, v in variants.items()} for i in range(3)}
    a_ref, c_ref, y_ref, cache = ref
    mistakes[0]["a_next is missing the tanh: a_next = ot * tanh(c_next)"] = cache.ot * c_ref
    mistakes[0]["a_next uses tanh(c_prev); it is ot * tanh(c_next)"] = cache.ot * np.tanh(c_prev)
    mistakes[0]["a_next holds c_next: the course returns a_next, c_next, yt_pred, cache"] = c_ref
    mistakes[1]["c_next holds a_next: the course returns a_next, c_next, yt_pred, cache"] = a_ref
    return mistakes


def _check_lstm_cell_call(fn, progress, xt, a_prev, c_prev, parameters, dtype):
    before = snapshot((xt, a_prev, c_prev, parameters))
    result = progress.call(fn, xt, a_prev, c_prev, parameters)
    expect_unchanged("lstm_cell_forward", ("xt", "a_prev", "c_prev", "parameters"), before,
                     (xt, a_prev, c_prev, parameters))
    result = expect_tuple("lstm_cell_forward", result, 4, ("a_next", "c_next", "yt_pred", "cache"))
    ref = lstm_course.lstm_cell_forward(*_float64(before))
    mistakes = _lstm_cell_mistakes(xt, a_prev, c_prev, parameters, ref)
    y_tests = softmax_output_tests(ref[2], dtype, logits="Wy @ a_next + by")
    for index, name in ((1, "c_next"), (0, "a_next"), (2, "yt_pred")):  # c_next first: a_next is made from it
        expect_named(name, result[index], ref[index], dtype=dtype, mistakes=mistakes[index],
                tests=y_tests if name == "yt_pred" else None)
    _expect_cache("the cache", result[3], ref[3], LSTM_CELL_CACHE, dtype=dtype)
    return result


def run_lstm_cell_forward(fn, forward, progress):
    inputs, _ = _course_lstm_cell_inputs()
    result = _check_lstm_cell_call(fn, progress, *inputs, np.float64)
    _expect_entries(result, PUBLISHED_LSTM_CELL)
    progress.ok("the course's test values")
    cases = _random_cases(_random_lstm_cell_inputs)
    for case, dtype in cases[:-1]:
        _check_lstm_cell_call(fn, progress, *case, dtype)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    _check_lstm_cell_call(fn, progress, *cases[-1][0], np.float32)
    progress.ok("float32 inputs")
    progress.ok("the return structure and cache, and no argument changed in place")


# ------------------------------------------------------------------------------------------------
# lstm_forward


def _lstm_sequence_mistakes(x, a0, p, ref):
    """{output index: {message: value}} of lstm_forward's typical mistakes, from rnnlib's cell over the steps."""
    x, a0, p = _float64((x, a0, p))
    a_ref, y_ref, c_ref, _ = ref
    n_a, m, T = a_ref.shape
    n_y = y_ref.shape[0]

    def cell(xt, state):
        a_next, c_next, yt, _ = lstm_course.lstm_cell_forward(xt, state["a"], state["c"], p)
        return {"a": a_next, "c": c_next}, {"a": a_next, "y": yt, "c": c_next}

    def run(order, carried=("a", "c"), a_start=a0, c_start=None):
        start = {"a": a_start, "c": np.zeros((n_a, m)) if c_start is None else c_start}
        outs = _cells_over_time(cell, x, start, list(order), carried)
        return tuple(_stacked(outs[k], T, (size, m)) for k, size in (("a", n_a), ("y", n_y), ("c", n_a)))

    variants = {
        "the loop stops one step early: range(T_x) visits every step": run(range(T - 1)),
        "a_next and c_next are not carried from step to step: every step starts from a0 and zeros":
            run(range(T), carried=()),
        "c_next is not carried from step to step: every step starts from a zero memory cell":
            run(range(T), carried=("a",)),
        "a_next is not carried from step to step: every step starts from a0": run(range(T), carried=("c",)),
        "the memory cell starts from a0; it starts from zeros (c_next = np.zeros((n_a, m)))": run(range(T), c_start=a0),
        "the first step starts from zeros; a_next starts from a0": run(range(T), a_start=np.zeros_like(a0)),
    }
    mistakes = {i: {message: v[i] for message, v in variants.items()} for i in range(3)}
    order = "the course returns a, y, c, caches in that order"
    mistakes[0][f"a holds the memory cell c: {order}"] = c_ref
    mistakes[1][f"y holds c: {order}"] = c_ref
    mistakes[2][f"c holds y: {order}"] = y_ref
    for index, (name, value) in enumerate((("a", a_ref), ("y", y_ref), ("c", c_ref))):
        mistakes[index][f"{name}'s axes are (n, T_x, m); the course's order is (n, m, T_x)"] = value.transpose(0, 2, 1)
    return mistakes


def _check_lstm_forward_call(fn, progress, x, a0, parameters, dtype):
    before = snapshot((x, a0, parameters))
    result = progress.call(fn, x, a0, parameters)
    expect_unchanged("lstm_forward", ("x", "a0", "parameters"), before, (x, a0, parameters))
    result = expect_tuple("lstm_forward", result, 4, ("a", "y", "c", "caches"))
    ref = lstm_course.lstm_forward(*_float64(before))
    mistakes = _lstm_sequence_mistakes(x, a0, parameters, ref)
    for index, name in enumerate(("a", "y", "c")):
        expect_named(name, result[index], ref[index], dtype=dtype, mistakes=mistakes[index])
    _expect_sequence_caches("lstm_forward", result[3], ref[3], x, LSTM_CELL_CACHE, dtype)
    return result


def run_lstm_forward(fn, forward, progress):
    inputs, _ = _course_lstm_forward_inputs()
    result = _check_lstm_forward_call(fn, progress, *inputs, np.float64)
    _expect_entries(result, PUBLISHED_LSTM_FORWARD)
    progress.ok("the course's test values")
    cases = _random_cases(_random_lstm_inputs)
    for case, dtype in cases[:-1]:
        _check_lstm_forward_call(fn, progress, *case, dtype)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    _check_lstm_forward_call(fn, progress, *cases[-1][0], np.float32)
    progress.ok("float32 inputs")
    progress.ok("the return structure and caches, and no argument changed in place")


# ------------------------------------------------------------------------------------------------
# lstm_cell_backward


def _lstm_cell_backward_variants(da_next, dc_next, cache):
    """{message: gradients} of lstm_cell_backward's typical mistakes: rnnlib's backward with altered
    upstream gradients or cache entries, or its dW columns rearranged."""
    back = lstm_course.lstm_cell_backward
    cache = lstm_course.LSTMCellCache(*cache)
    ones, zeros = np.ones_like(cache.ft), np.zeros_like(da_next)
    n_a = cache.a_prev.shape[0]
    ref = back(da_next, dc_next, cache)
    without_ot = back(da_next, dc_next, cache._replace(ot=ones))
    cell_path = "(dc_next + da_next * ot * (1 - tanh(c_next)**2))"
    return {
        f"dc_next is ignored: the memory cell's gradient is {cell_path}": back(da_next, zeros, cache),
        f"dc_prev is missing the path through a_next: dc_prev = {cell_path} * ft":
            {"dc_prev": back(zeros, dc_next, cache)["dc_prev"]},
        f"dc_prev is not multiplied by the forget gate: dc_prev = {cell_path} * ft":
            {"dc_prev": back(da_next, dc_next, cache._replace(ft=ones))["dc_prev"]},
        f"the output gate ot is missing from the memory cell's gradient {cell_path}":
            {k: without_ot[k] for k in ("dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc")},
        "the weight gradients use [xt; a_prev]; the course concatenates [a_prev; xt] (a_prev on top)":
            {k: np.concatenate([ref[k][:, n_a:], ref[k][:, :n_a]], axis=1) for k in ("dWf", "dWi", "dWc", "dWo")},
    }


#: The order the LSTM gradients are compared in: the weights first, whose mistakes say the most.
LSTM_CELL_CHECK_ORDER = LSTM_WEIGHT_GRADS + ("dc_prev", "da_prev", "dxt")
LSTM_CHECK_ORDER = LSTM_WEIGHT_GRADS + ("dx", "da0")


def _check_lstm_cell_backward_call(fn, progress, da_next, dc_next, cache, dtype, published=()):
    before = snapshot((da_next, dc_next, cache))
    grads = progress.call(fn, da_next, dc_next, cache)
    expect_unchanged("lstm_cell_backward", ("da_next", "dc_next", "cache"), before, (da_next, dc_next, cache))
    da64, dc64, cache64 = _float64(before)
    expected = lstm_course.lstm_cell_backward(da64, dc64, cache64)
    expect_keys("the dict lstm_cell_backward returns", grads, LSTM_CELL_GRADS)
    _expect_gradients("lstm_cell_backward", grads, expected, LSTM_CELL_CHECK_ORDER, dtype=dtype,
                      variants=_lstm_cell_backward_variants(da64, dc64, cache64))
    _expect_entries(grads, published)


def _lstm_weight_arrays(p):
    return {"d" + k: p[k] for k in ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")}


def _lstm_cell_pair(rng):
    n_x, n_a, n_y, m, T = GRADCHECK_SHAPE
    xt, a_prev, c_prev, p = _random_lstm_cell_inputs(rng, n_x, n_a, n_y, m, T, np.float64)
    arrays = {"dxt": xt, "da_prev": a_prev, "dc_prev": c_prev, **_lstm_weight_arrays(p)}

    def split(result):
        a_next, c_next, _, cache = expect_tuple("your lstm_cell_forward", result, 4,
                                                ("a_next", "c_next", "yt_pred", "cache"))
        return (a_next, c_next), cache
    return (xt, a_prev, c_prev, p), arrays, (rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))), split


def run_lstm_cell_backward(fn, forward, progress):
    def stages():
        inputs, rng = _course_lstm_cell_inputs()
        cache = lstm_course.lstm_cell_forward(*inputs)[3]
        da_next, dc_next = rng.randn(5, 10), rng.randn(5, 10)
        _check_lstm_cell_backward_call(fn, progress, da_next, dc_next, cache, np.float64, PUBLISHED_LSTM_CELL_BACKWARD)
        progress.ok("the course's test values")
        for case, dtype in _random_cases(_random_lstm_cell_inputs):
            cache = lstm_course.lstm_cell_forward(*case)[3]
            upstream = np.random.default_rng(case[0].shape).standard_normal((2,) + case[1].shape).astype(dtype)
            _check_lstm_cell_backward_call(fn, progress, upstream[0], upstream[1], tuple(cache), dtype)
        progress.ok(f"{len(SHAPES)} other shapes in float64, and float32 inputs")
        progress.ok("the gradients' keys and shapes, and no argument changed in place")

    _run_backward(fn, forward, progress, reference_forward=lstm_course.lstm_cell_forward, pair=_lstm_cell_pair,
                  forward_name="lstm_cell_forward", backward_name="lstm_cell_backward", stages=stages)


# ------------------------------------------------------------------------------------------------
# lstm_backward


def _lstm_step_back(da_t, carry, cache):
    dc = carry.get("c", np.zeros_like(da_t))
    grads = lstm_course.lstm_cell_backward(da_t + carry.get("a", 0.0), dc, cache)
    return grads, {"a": grads["da_prev"], "c": grads["dc_prev"]}


def _lstm_backward_variants(da, caches):
    cells = list(caches[0])[:da.shape[2]]  # the course's 2021 cell passes fewer steps of da than it ran
    return _sequence_gradient_variants(
        _lstm_step_back, da, cells, ("a", "c"), LSTM_WEIGHT_GRADS,
        {"each step's upstream gradient is da[:, :, t] + da_prevt; da_prevt was not added": ("c",),
         "dc_prevt is not carried back: pass the previous step's dc_prev as dc_next": ("a",)})


def _check_lstm_backward_call(fn, progress, da, caches, dtype, published=()):
    before = snapshot((da, caches))
    grads = progress.call(fn, da, caches)
    expect_unchanged("lstm_backward", ("da", "caches"), before, (da, caches))
    da64, caches64 = _float64(before)
    expected = lstm_course.lstm_backward(da64, caches64)
    expect_keys("the dict lstm_backward returns", grads, LSTM_GRADS)
    _expect_gradients("lstm_backward", grads, expected, LSTM_CHECK_ORDER, dtype=dtype,
                      variants=_lstm_backward_variants(da64, caches64))
    _expect_entries(grads, published)


def _lstm_pair(rng):
    n_x, n_a, n_y, m, T = GRADCHECK_SHAPE
    x, a0, p = _random_lstm_inputs(rng, n_x, n_a, n_y, m, T, np.float64)
    arrays = {"dx": x, "da0": a0, **_lstm_weight_arrays(p)}

    def split(result):
        a, _, _, caches = expect_tuple("your lstm_forward", result, 4, ("a", "y", "c", "caches"))
        return (a,), caches
    return (x, a0, p), arrays, (rng.standard_normal((n_a, m, T)),), split


def run_lstm_backward(fn, forward, progress):
    def stages():
        inputs, rng = _course_lstm_forward_inputs(draw_output=False)
        caches = lstm_course.lstm_forward(*inputs)[3]
        da = rng.randn(5, 10, 4)
        _check_lstm_backward_call(fn, progress, da, caches, np.float64, PUBLISHED_LSTM_BACKWARD)
        progress.ok("the course's test values (da over 4 of the 7 steps, as the course's cell passes it)")
        for (x, a0, p), dtype in _random_cases(_random_lstm_inputs):
            caches = lstm_course.lstm_forward(x, a0, p)[3]
            da = np.random.default_rng(x.shape).standard_normal(a0.shape + x.shape[2:]).astype(dtype)
            _check_lstm_backward_call(fn, progress, da, caches, dtype)
        progress.ok(f"{len(SHAPES)} other shapes in float64, and float32 inputs")
        progress.ok("the gradients' keys and shapes, and no argument changed in place")

    _run_backward(fn, forward, progress, reference_forward=lstm_course.lstm_forward, pair=_lstm_pair,
                  forward_name="lstm_forward", backward_name="lstm_backward", stages=stages)


# ------------------------------------------------------------------------------------------------
# the catalogue

_RNN_NB, _LSTM_NB = "05_rnn_step_by_step.ipynb", "06_lstm_gru_step_by_step.ipynb"

EXERCISES = (
    Exercise(
        name="rnn_cell_forward", notebook=_RNN_NB, reference=rnn_course.rnn_cell_forward, run=run_rnn_cell_forward,
        hints=(
            "a_next = tanh(Waa a_prev + Wax xt + ba); yt_pred = softmax(Wya a_next + by), the softmax over "
            "each column (the n_y outputs of one example).",
            "xt is (n_x, m), a_prev (n_a, m), Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), "
            "by (n_y, 1); a_next is (n_a, m) and yt_pred (n_y, m). The biases broadcast over the m columns.",
            "Start with: a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba); and return "
            "a_next, yt_pred, (a_next, a_prev, xt, parameters).",
        ),
    ),
    Exercise(
        name="rnn_forward", notebook=_RNN_NB, reference=rnn_course.rnn_forward, run=run_rnn_forward,
        hints=(
            "Start from a_next = a0 and, for every t, run rnn_cell_forward on x[:, :, t] and the previous "
            "a_next; store a_next and yt_pred at step t and keep each step's cache.",
            "a is (n_a, m, T_x) and y_pred (n_y, m, T_x), both np.zeros to begin with; n_y is Wya's first "
            "dimension; caches is the tuple (list of T_x cell caches, x).",
            "Start with: n_x, m, T_x = x.shape; n_y, n_a = parameters['Wya'].shape; a_next = a0; then "
            "for t in range(T_x): a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters).",
        ),
    ),
    Exercise(
        name="rnn_cell_backward", notebook=_RNN_NB, reference=rnn_course.rnn_cell_backward,
        run=run_rnn_cell_backward, takes_forward=True,
        hints=(
            "With dz = (1 - a_next**2) * da_next (tanh' is 1 - tanh**2): dxt = Wax.T dz, dWax = dz xt.T, "
            "da_prev = Waa.T dz, dWaa = dz a_prev.T, dba = dz summed over the examples.",
            "dz is (n_a, m) like da_next; dxt (n_x, m); da_prev (n_a, m); dWax (n_a, n_x); dWaa (n_a, n_a); "
            "dba (n_a, 1), so sum over axis 1 with keepdims=True.",
            "Start with: (a_next, a_prev, xt, parameters) = cache; dz = (1 - a_next ** 2) * da_next.",
        ),
    ),
    Exercise(
        name="rnn_backward", notebook=_RNN_NB, reference=rnn_course.rnn_backward, run=run_rnn_backward,
        takes_forward=True,
        hints=(
            "Go back in time from t = T_x - 1 to 0: step t's upstream gradient is da[:, :, t] plus the "
            "da_prev that step t + 1 sent back; add up dWax, dWaa and dba over the steps; da0 is the last "
            "da_prev.",
            "dx is (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1), all "
            "np.zeros to begin with, like da_prevt (n_a, m).",
            "Start with: (caches, x) = caches; (a1, a0, x1, parameters) = caches[0]; n_a, m, T_x = da.shape; "
            "then for t in reversed(range(T_x)): gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t]).",
        ),
    ),
    Exercise(
        name="lstm_cell_forward", notebook=_LSTM_NB, reference=lstm_course.lstm_cell_forward,
        run=run_lstm_cell_forward,
        hints=(
            "With concat = [a_prev; xt]: ft, it, ot = sigmoid(W concat + b) for the forget, update and output "
            "gates, cct = tanh(Wc concat + bc), c_next = ft * c_prev + it * cct, a_next = ot * tanh(c_next), "
            "yt_pred = softmax(Wy a_next + by).",
            "concat is (n_a + n_x, m); each gate's W is (n_a, n_a + n_x) and b (n_a, 1); every gate, c_next "
            "and a_next are (n_a, m); yt_pred is (n_y, m). The products are elementwise except W @ concat.",
            "Start with: concat = np.concatenate((a_prev, xt), axis=0); ft = sigmoid(np.dot(Wf, concat) + bf); "
            "return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).",
        ),
    ),
    Exercise(
        name="lstm_forward", notebook=_LSTM_NB, reference=lstm_course.lstm_forward, run=run_lstm_forward,
        hints=(
            "Start from a_next = a0 and a zero memory cell; for every t run lstm_cell_forward on x[:, :, t] "
            "with the previous a_next and c_next, and store a_next, yt and c_next at step t.",
            "a and c are (n_a, m, T_x), y (n_y, m, T_x), all np.zeros to begin with; c_next starts as "
            "np.zeros((n_a, m)); caches is the tuple (list of T_x cell caches, x).",
            "Start with: n_x, m, T_x = x.shape; n_y, n_a = parameters['Wy'].shape; a_next = a0; "
            "c_next = np.zeros(a_next.shape).",
        ),
    ),
    Exercise(
        name="lstm_cell_backward", notebook=_LSTM_NB, reference=lstm_course.lstm_cell_backward,
        run=run_lstm_cell_backward, takes_forward=True,
        hints=(
            "The memory cell's gradient is dc = dc_next + da_next * ot * (1 - tanh(c_next)**2); then "
            "dot = da_next * tanh(c_next) * ot * (1 - ot), dcct = dc * it * (1 - cct**2), "
            "dit = dc * cct * it * (1 - it), dft = dc * c_prev * ft * (1 - ft); dWf = dft [a_prev; xt].T and "
            "so on; dc_prev = dc * ft; da_prev and dxt collect W.T @ dgate over the four gates.",
            "Every dgate is (n_a, m); dW* are (n_a, n_a + n_x) and db* (n_a, 1) (sum over axis 1, "
            "keepdims=True); da_prev uses the first n_a columns of each W, dxt the other n_x.",
            "Start with: (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache; "
            "n_x, m = xt.shape; n_a, m = a_next.shape.",
        ),
    ),
    Exercise(
        name="lstm_backward", notebook=_LSTM_NB, reference=lstm_course.lstm_backward, run=run_lstm_backward,
        takes_forward=True,
        hints=(
            "Go back in time from the last step of da to 0: step t gets da[:, :, t] + da_prevt and dc_prevt "
            "from step t + 1; add up the weight and bias gradients over the steps; da0 is the last da_prevt.",
            "T_x comes from da.shape (the course's test gives da fewer steps than the forward ran); dx is "
            "(n_x, m, T_x), da0, da_prevt and dc_prevt (n_a, m), dW* (n_a, n_a + n_x), db* (n_a, 1).",
            "Start with: (caches, x) = caches; (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]; "
            "n_a, m, T_x = da.shape; then for t in reversed(range(T_x)): "
            "gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t]).",
        ),
    ),
)
