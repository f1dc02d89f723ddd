"""The GRU exercises of notebook 06: ``gru_cell_forward``, ``gru_forward``, ``gru_cell_backward``,
``gru_backward``.

The course grades no GRU function (``graded_by_course=False``): there are no published values, so
the "fixed test values" here are rnnlib's own, from the notebook's seeded cell
(``np.random.seed(1)``; n_x, n_a, n_y, m, T_x = 3, 5, 2, 10, 4; the parameters Wu, bu, Wr, br, Wc,
bc, Wy, by drawn in that order, then xt, a_prev, x, a0, da_next, da), in the style of the course's
own test cells.  The convention is rnnlib's (``rnnlib.course.gru_step_by_step``): one
``(n_a, n_a + n_x)`` matrix per gate on ``[a_prev; xt]``, the reset gate applied to ``a_prev``
*before* the candidate's product (``Wc [Γr * a_prev; xt]``), ``a_next = Γu * c̃ + (1 - Γu) * a_prev``,
and the cell cache ``(a_next, a_prev, xt, Γu, Γr, c̃, parameters)``.

Each check runs the fixed cell, then random shapes with ``n_x != n_a != n_y`` in float64 and float32,
checks the return structure and that no argument changed in place; the backward checks end with a
numerical gradient check of the student's forward/backward pair (``forward=`` the student's forward,
else rnnlib's), so a backward that only agrees with a wrong forward is still caught.  Likely mistakes
are derived from the reference (altered parameters, sub-sequences, one example at a time) or from the
reference's outputs and cache, not from a second copy of the GRU; the other convention (the reset
gate after the product) is ``rnnlib.core``'s reset-after step on the same stacked weights.
"""
import numpy as np

from ..core.gradcheck import norm_relative_error, numerical_gradient
from ..core.cells.gru import gru_reset_after_step_forward
from ..course import gru_step_by_step as gru_course
from . import runner
from .compare import (expect_close, expect_keys, expect_named, expect_tuple, expect_unchanged, is_close, snapshot,
                      softmax_output_tests)
from .exercise import Exercise
from .verdict import Failed

#: The notebook's sizes for its seeded GRU cells: (n_x, n_a, n_y, m, T_x).
FIXED_SIZES = (3, 5, 2, 10, 4)
#: Random problem sizes besides the fixed ones: (n_x, n_a, n_y, m, T_x), n_x != n_a != n_y.
SHAPES = ((3, 5, 2, 4, 3), (4, 6, 3, 1, 5), (7, 2, 4, 3, 2))
#: Sizes of the numerical gradient check (kept small: it calls the forward twice per number).
GRADCHECK_SIZES = (3, 4, 2, 2, 3)
#: The numerical gradient's step, and the largest accepted ||analytic - numeric|| / (||analytic|| +
#: ||numeric||).  The step is large so that a forward computed in float32 passes too: over 30 random
#: cells of GRADCHECK_SIZES, rnnlib's float64 pair gave at most 8.1e-5 and a float32 forward 2.7e-4
#: with this step (with a step of 1e-3 the float32 forward reached 2.4e-3), while the wrong
#: backwards of tests/exercises/test_gru.py give 0.25 or more.
GRADCHECK_STEP = 1e-2
GRADCHECK_TOLERANCE = 1e-2

CACHE_NAMES = ("a_next", "a_prev", "xt", "Γu", "Γr", "c̃", "parameters")
GATE_KEYS = ("Wu", "bu", "Wr", "br", "Wc", "bc")
CELL_GRADIENTS = ("dbu", "dWu", "dbc", "dWc", "dbr", "dWr", "dxt", "da_prev")  # checked in this order
SEQUENCE_GRADIENTS = ("dbu", "dWu", "dbc", "dWc", "dbr", "dWr", "dx", "da0")

#: rnnlib's fixed test values: what rnnlib's GRU gives on the notebook's seeded cell (see the module
#: docstring); tests/exercises/test_gru.py checks that the reference still gives them.
FIXED_VALUES = {
    "a_next[4]": [-0.42504558, 1.3012787, 0.15097468, 1.5808518, 0.52189199, 1.3795931, 0.13144685, 0.62843126, 1.4092033, 0.94997048],
    "yt_pred[1]": [0.39234942, 0.8799693, 0.73168896, 0.2195465, 0.92906651, 0.14427696, 0.8999382, 0.45118466, 0.13705743, 0.15872942],
    "a[4][1]": [-0.99504527, -0.98825447, -0.98697694, 0.83944454],
    "dxt[1][2]": 0.18060204,
    "da_prev[2][3]": -0.10026541,
    "dWc[3][1]": 0.45074372,
    "dx[1][2]": [0.14534176, -0.074522904, 0.35790643, -0.25769377],
    "da0[2][3]": -0.11969722,
    "dWu[3][1]": 0.36853926,
}
FIXED = "rnnlib's fixed test values (the course grades no GRU)"


def fixed_inputs():
    """The notebook's seeded GRU arrays, drawn as its cells draw them (a RandomState(1), global state untouched)."""
    n_x, n_a, n_y, m, T_x = FIXED_SIZES
    rng = np.random.RandomState(1)
    p = {}
    for gate in "urc":
        p["W" + gate] = rng.randn(n_a, n_a + n_x)
        p["b" + gate] = rng.randn(n_a, 1)
    p["Wy"], p["by"] = rng.randn(n_y, n_a), rng.randn(n_y, 1)
    arrays = {"xt": rng.randn(n_x, m), "a_prev": rng.randn(n_a, m), "x": rng.randn(n_x, m, T_x),
              "a0": rng.randn(n_a, m)}
    arrays["da_next"], arrays["da"] = rng.randn(n_a, m), rng.randn(n_a, m, T_x)
    return p, arrays


def random_parameters(rng, n_x, n_a, n_y, dtype=np.float64):
    p = {}
    for gate in "urc":
        p["W" + gate] = rng.standard_normal((n_a, n_a + n_x)) * 0.7
        p["b" + gate] = rng.standard_normal((n_a, 1)) * 0.5
    p["Wy"], p["by"] = rng.standard_normal((n_y, n_a)), rng.standard_normal((n_y, 1))
    return {k: v.astype(dtype) for k, v in p.items()}


def _as64(p):
    return {k: np.asarray(v, dtype=np.float64) for k, v in p.items()}


def _expect_fixed(key, got):
    expect_close(key, got, FIXED_VALUES[key], dtype=np.float32)


# ----------------------------------------------------------------------------------------------
# Mistakes of the forward functions, as altered parameters of the reference
# ----------------------------------------------------------------------------------------------


def _parameter_mistakes(p, n_a):
    """{message: the parameters dict that makes the reference compute that mistake}."""
    n_x = p["Wu"].shape[1] - n_a
    rolled = {f"W{g}": np.roll(p[f"W{g}"], -n_x, axis=1) for g in "urc"}  # W [xt; a] == roll(W) [a; xt]
    zero = {f"b{g}": np.zeros_like(p[f"b{g}"]) for g in "urc"}
    return {
        # 1 - sigmoid(z) == sigmoid(-z): the swapped mixture is the reference with Wu, bu negated
        "the update gate is used the wrong way round: a_next = Γu * c̃ + (1 - Γu) * a_prev "
        "(yours mixes (1 - Γu) * c̃ + Γu * a_prev)": dict(p, Wu=-p["Wu"], bu=-p["bu"]),
        "the reset gate is missing: the candidate reads Wc [Γr * a_prev; xt], not Wc [a_prev; xt]":
            dict(p, br=np.full_like(p["br"], 1e4)),  # Γr == 1 everywhere
        "Γu and Γr are swapped: Wu, bu make the update gate and Wr, br the reset gate":
            dict(p, Wu=p["Wr"], bu=p["br"], Wr=p["Wu"], br=p["bu"]),
        "the concatenation is upside down: the weights act on [a_prev; xt] (a_prev on top), not [xt; a_prev]":
            dict(p, **rolled),
        "the update gate is missing its bias bu": dict(p, bu=zero["bu"]),
        "the reset gate is missing its bias br": dict(p, br=zero["br"]),
        "the candidate c̃ is missing its bias bc": dict(p, bc=zero["bc"]),
        "the biases bu, br, bc are missing": dict(p, **zero),
    }


def _tanh_of_logit(g):
    """tanh(z) from g = sigmoid(z), without recomputing z (tanh(z) = 2 sigmoid(2z) - 1)."""
    return (2 * g - 1) / (g * g + (1 - g) ** 2)


def _sigmoid_of_atanh(c):
    """sigmoid(z) from c = tanh(z), without recomputing z (sigmoid(z) = (1 + tanh(z/2)) / 2)."""
    return 0.5 * (1 + c / (1 + np.sqrt(np.maximum(1 - c * c, 0.0))))


def _cell_mistakes(xt, a_prev, p):
    """({message: a_next}, {message: yt_pred}) that typical mistakes give, from the reference."""
    xt, a_prev, p = np.asarray(xt, float), np.asarray(a_prev, float), _as64(p)
    n_a = a_prev.shape[0]
    a_ref, _, (_, _, _, gu, gr, cc, _) = gru_course.gru_cell_forward(xt, a_prev, p)
    a_mistakes = {message: gru_course.gru_cell_forward(xt, a_prev, changed)[0]
                  for message, changed in _parameter_mistakes(p, n_a).items()}
    # the reset gate after the product is the other convention (PyTorch's, cuDNN's); it is not a
    # change of parameters, but it is rnnlib's reset-after step (core) with no recurrent bias: the
    # same gates, and the candidate tanh(Wc_x xt + bc + Γr * (Wc_a a_prev))
    stacked = gru_course.gru_stack_params(p, "gru_cell_forward")
    a_after, _ = gru_reset_after_step_forward(stacked.Wx @ xt + stacked.b, a_prev, stacked.Wh,
                                                        np.zeros_like(stacked.b))
    a_mistakes["the reset gate multiplies the product (Wc_a a_prev), PyTorch's convention; rnnlib's "
               "(the lecture's) resets a_prev before it: Wc [Γr * a_prev; xt]"] = a_after
    # a_next = Γu c̃ + (1 - Γu) a_prev: swapping one activation changes one factor of the mixture
    a_mistakes["the candidate c̃ uses sigmoid; it uses tanh (the gates use sigmoid)"] = (
        a_ref + gu * (_sigmoid_of_atanh(cc) - cc))
    a_mistakes["the update gate Γu uses tanh; the gates use sigmoid (the candidate uses tanh)"] = (
        a_ref + (_tanh_of_logit(gu) - gu) * (cc - a_prev))
    a_mistakes["a_next is the candidate c̃ alone: mix it with a_prev through the update gate"] = cc
    y_mistakes = {"yt_pred is missing the bias by": gru_course.gru_cell_forward(xt, a_prev, dict(p, by=0 * p["by"]))[1]}
    return a_mistakes, y_mistakes


def _expect_cell_cache(what, cache, reference_cache, dtype):
    """The student's cell cache against the reference's, naming a misplaced entry."""
    cache = expect_tuple(what, cache, 7, CACHE_NAMES)
    order = f"the cache is ({', '.join(CACHE_NAMES)})"
    for index, name in enumerate(CACHE_NAMES[:6]):
        others = {f"it holds {other}; {order}": reference_cache[j]
                  for j, other in enumerate(CACHE_NAMES[:6]) if j != index}
        expect_close(f"{what}[{index}] (it should be {name})", cache[index], reference_cache[index],
                     dtype=dtype, mistakes=others)
    if not isinstance(cache[6], dict):
        raise Failed(f"{what}[6] should be the parameters dict, so gru_cell_backward can read Wu, Wr and Wc")
    return cache


def _call_cell(fn, progress, xt, a_prev, p, dtype):
    """Call the student's gru_cell_forward once and compare everything it returns with the reference."""
    before = snapshot((xt, a_prev, p))
    result = progress.call(fn, xt, a_prev, p)
    expect_unchanged("gru_cell_forward", ("xt", "a_prev", "parameters"), before, (xt, a_prev, p))
    a_next, yt_pred, cache = expect_tuple("gru_cell_forward", result, 3, ("a_next", "yt_pred", "cache"))
    a_ref, y_ref, cache_ref = gru_course.gru_cell_forward(*snapshot((xt, a_prev, p)))
    a_mistakes, y_mistakes = _cell_mistakes(xt, a_prev, p)
    expect_close("a_next", a_next, a_ref, dtype=dtype, mistakes=a_mistakes)
    expect_named("yt_pred", yt_pred, y_ref, dtype=dtype, mistakes=y_mistakes,
                 tests=softmax_output_tests(y_ref, dtype, logits="Wy @ a_next + by", course="the output"))
    _expect_cell_cache("the cache", cache, cache_ref, dtype)
    return a_next, yt_pred


def run_gru_cell_forward(fn, forward, progress):
    p, arrays = fixed_inputs()
    a_next, yt_pred = _call_cell(fn, progress, arrays["xt"], arrays["a_prev"], p, np.float64)
    _expect_fixed("a_next[4]", np.asarray(a_next)[4])
    _expect_fixed("yt_pred[1]", np.asarray(yt_pred)[1])
    progress.ok(FIXED)
    rng = np.random.default_rng(2025)
    for n_x, n_a, n_y, m, _ in SHAPES:
        _call_cell(fn, progress, rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)),
                   random_parameters(rng, n_x, n_a, n_y), np.float64)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    n_x, n_a, n_y, m, _ = SHAPES[0]
    _call_cell(fn, progress, rng.standard_normal((n_x, m)).astype(np.float32),
               rng.standard_normal((n_a, m)).astype(np.float32),
               random_parameters(rng, n_x, n_a, n_y, np.float32), np.float32)
    progress.ok("float32 inputs")
    progress.ok("the return structure and cache, and no argument changed in place")


# ----------------------------------------------------------------------------------------------
# gru_forward
# ----------------------------------------------------------------------------------------------


def _sequence_mistakes(x, a0, p):
    """({message: a}, {message: y}) that typical loop mistakes give, from the reference."""
    x, a0, p = np.asarray(x, float), np.asarray(a0, float), _as64(p)
    a_ref, y_ref, _ = gru_course.gru_forward(x, a0, p)
    T_x = x.shape[2]
    last_missing = lambda v: np.concatenate((v[..., :-1], np.zeros_like(v[..., -1:])), axis=-1)
    cells_from_a0 = [gru_course.gru_cell_forward(x[:, :, t], a0, p) for t in range(T_x)]
    a_mistakes = {
        "the loop stops one step early: a[:, :, T_x - 1] was never computed": last_missing(a_ref),
        "every step starts from a0: feed each step the a_next of the step before": (
            np.stack([c[0] for c in cells_from_a0], axis=-1)),
        "a[:, :, t] holds the state the step read (a_prev), not the a_next it computed": (
            np.concatenate((a0[:, :, None], a_ref[..., :-1]), axis=-1)),
        "a0 is ignored: the first step must start from a0, not from zeros": (
            gru_course.gru_forward(x, np.zeros_like(a0), p)[0]),
        "the loop runs backwards in time: step t = 0 comes first": (
            gru_course.gru_forward(x[:, :, ::-1], a0, p)[0][:, :, ::-1]),
    }
    for message, changed in _parameter_mistakes(p, a0.shape[0]).items():
        a_mistakes[message] = gru_course.gru_forward(x, a0, changed)[0]
    y_mistakes = {
        "the loop stops one step early: y[:, :, T_x - 1] was never computed": last_missing(y_ref),
        "y is all zeros: store each step's yt_pred in y[:, :, t]": np.zeros_like(y_ref),
    }
    return a_mistakes, y_mistakes


def _call_sequence(fn, progress, x, a0, p, dtype):
    before = snapshot((x, a0, p))
    result = progress.call(fn, x, a0, p)
    expect_unchanged("gru_forward", ("x", "a0", "parameters"), before, (x, a0, p))
    a, y, caches = expect_tuple("gru_forward", result, 3, ("a", "y", "caches"))
    a_ref, y_ref, caches_ref = gru_course.gru_forward(*snapshot((x, a0, p)))
    a_mistakes, y_mistakes = _sequence_mistakes(x, a0, p)
    expect_close("a", a, a_ref, dtype=dtype, mistakes=a_mistakes)
    expect_close("y", y, y_ref, dtype=dtype, mistakes=y_mistakes)
    caches = expect_tuple("caches", caches, 2, ("list of the T_x cell caches", "x"))
    if not isinstance(caches[0], (list, tuple)) or len(caches[0]) != x.shape[2]:
        count = len(caches[0]) if isinstance(caches[0], (list, tuple)) else type(caches[0]).__name__
        raise Failed(f"caches[0] should be the list of the {x.shape[2]} cell caches (one per time step), got {count}")
    for t, (cache, cache_ref) in enumerate(zip(caches[0], caches_ref.caches)):
        _expect_cell_cache(f"caches[0][{t}]", cache, cache_ref, dtype)
    expect_close("caches[1] (it should be x)", caches[1], x, dtype=dtype)
    return a


def run_gru_forward(fn, forward, progress):
    p, arrays = fixed_inputs()
    a = _call_sequence(fn, progress, arrays["x"], arrays["a0"], p, np.float64)
    _expect_fixed("a[4][1]", np.asarray(a)[4][1])
    progress.ok(FIXED)
    rng = np.random.default_rng(2026)
    for n_x, n_a, n_y, m, T_x in SHAPES:
        _call_sequence(fn, progress, rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m)),
                       random_parameters(rng, n_x, n_a, n_y), np.float64)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    n_x, n_a, n_y, m, T_x = SHAPES[0]
    _call_sequence(fn, progress, rng.standard_normal((n_x, m, T_x)).astype(np.float32),
                   rng.standard_normal((n_a, m)).astype(np.float32),
                   random_parameters(rng, n_x, n_a, n_y, np.float32), np.float32)
    progress.ok("float32 inputs")
    progress.ok("the return structure and caches, and no argument changed in place")


# ----------------------------------------------------------------------------------------------
# Backward: mistakes from the reference's own gradients, one example at a time
# ----------------------------------------------------------------------------------------------


def _column(cache, j):
    """Example j of a cell cache (every backward quantity but the sums is per example)."""
    return gru_course.GRUCellCache(*(v[:, j:j + 1] for v in cache[:6]), cache[6])


def _pre_activation_gradients(da_next, cache):
    """(dzu, dzr, dzc): the reference's gradients on each gate's pre-activation, (n_a, m) each.

    Read off the reference's db of each single example, so no second backward is written here.
    """
    columns = [gru_course.gru_cell_backward(da_next[:, j:j + 1], _column(cache, j)) for j in range(da_next.shape[1])]
    return tuple(np.hstack([c[key] for c in columns]) for key in ("dbu", "dbr", "dbc"))


def _cell_backward_mistakes(da_next, cache):
    """{gradient key: {message: the value that mistake gives}}, from the reference's gradients."""
    da_next = np.asarray(da_next, float)
    cache = gru_course.GRUCellCache(*(np.asarray(v, float) for v in cache[:6]), _as64(cache[6]))
    ref = gru_course.gru_cell_backward(da_next, cache)
    a_next, a_prev, xt, gu, gr, cc, p = cache
    n_a = a_prev.shape[0]
    dzu, dzr, dzc = _pre_activation_gradients(da_next, cache)
    ax, rax = np.vstack((a_prev, xt)), np.vstack((gr * a_prev, xt))
    mistakes = {key: {} for key in CELL_GRADIENTS}
    for gate, dz in (("u", dzu), ("r", dzr), ("c", dzc)):
        mistakes[f"db{gate}"][f"db{gate} was not summed over the m examples (axis=1)"] = dz
        mistakes[f"db{gate}"][f"db{gate} lost its second axis: sum with keepdims=True, for shape ({n_a}, 1)"] = (
            ref[f"db{gate}"].ravel())
        mistakes[f"dW{gate}"][f"dW{gate} is transposed: it is dz @ concat.T, of Wu's shape (n_a, n_a + n_x)"] = (
            ref[f"dW{gate}"].T)
    sign = "dΓu has the wrong sign: a_next = Γu * c̃ + (1 - Γu) * a_prev, so its derivative is da_next * (c̃ - a_prev)"
    mistakes["dbu"][sign], mistakes["dWu"][sign] = -ref["dbu"], -ref["dWu"]
    with np.errstate(divide="ignore", invalid="ignore"):  # a saturated gate gives inf: then no match, no harm
        tanh_prime = dzu * (1 + gu) / gu  # (1 - Γu²) in place of Γu (1 - Γu)
        no_tanh = dzc / (1 - cc * cc)
    message = "the update gate's derivative is tanh's (1 - Γu**2); a sigmoid gate's is Γu * (1 - Γu)"
    mistakes["dbu"][message], mistakes["dWu"][message] = tanh_prime.sum(1, keepdims=True), tanh_prime @ ax.T
    message = "the candidate's gradient misses tanh's derivative (1 - c̃**2)"
    mistakes["dbc"][message], mistakes["dWc"][message] = no_tanh.sum(1, keepdims=True), no_tanh @ rax.T
    mistakes["dWc"]["dWc multiplies dz by [a_prev; xt]; Wc acts on [Γr * a_prev; xt]"] = dzc @ ax.T
    mistakes["da_prev"]["da_prev misses the direct route da_next * (1 - Γu)"] = ref["da_prev"] - da_next * (1 - gu)
    mistakes["da_prev"]["da_prev misses the route through the candidate, Γr * (Wc_a.T @ dz_c)"] = (
        ref["da_prev"] - gr * (p["Wc"][:, :n_a].T @ dzc))
    mistakes["dxt"]["dxt uses only the candidate's rows: add Wu_x.T @ dz_u and Wr_x.T @ dz_r"] = (
        p["Wc"][:, n_a:].T @ dzc)
    return ref, mistakes


def _expect_gradients(name, got, ref, mistakes, keys, dtype):
    expect_keys(f"what your {name} returned", got, keys)
    for key in keys:
        expect_close(f"gradients[{key!r}]", got[key], ref[key], dtype=dtype, mistakes=mistakes.get(key))


def _call_cell_backward(fn, progress, da_next, cache, dtype):
    before = snapshot((da_next, cache))
    got = progress.call(fn, da_next, cache)
    expect_unchanged("gru_cell_backward", ("da_next", "cache"), before, (da_next, cache))
    ref, mistakes = _cell_backward_mistakes(da_next, cache)
    _expect_gradients("gru_cell_backward", got, ref, mistakes, CELL_GRADIENTS, dtype)
    return got


def _gradient_check(name, forward_name, forward, backward, loss_inputs, run_forward, upstream, keys):
    """Numerical gradients of ``sum(a * upstream)`` through the student's forward, against the
    student's backward of the forward's own cache.

    loss_inputs: {gradient key: the array the forward reads} (perturbed in place, restored).
    run_forward: () -> what ``forward`` returns for the current arrays.
    """
    result = runner.call(run_forward, name=forward_name)
    if not isinstance(result, tuple) or len(result) != 3:
        raise Failed(f"the forward= function should return the 3-tuple of {forward_name}, so its cache "
                     f"can be handed to your {name}")
    analytic = runner.call(backward, upstream, result[2], name=name)
    expect_keys(f"what your {name} returned", analytic, keys)

    def loss():
        return float(np.sum(np.asarray(runner.call(run_forward, name=forward_name)[0], dtype=float) * upstream))

    for key, array in loss_inputs.items():
        numeric = numerical_gradient(loss, array, h=GRADCHECK_STEP)
        error = norm_relative_error(np.asarray(analytic[key], dtype=float), numeric)
        if not error <= GRADCHECK_TOLERANCE:
            whose = "your" if forward is not None else "rnnlib's"
            raise Failed(f"gradients[{key!r}] does not match the numerical gradient of {whose} {forward_name} "
                         f"(relative error {error:.2g}, tolerance {GRADCHECK_TOLERANCE:g})"
                         + ("; your forward differs from rnnlib's: fix it first (check it with "
                            f"check({forward_name!r}, {forward_name}))" if forward is not None and
                            not _forward_agrees(forward, forward_name, run_forward) else ""))


def _forward_agrees(forward, forward_name, run_forward):
    got = runner.call(run_forward, name=forward_name)[0]
    ref = run_forward.reference()[0]
    return is_close(got, ref)


class _Forward:
    """A no-argument call of a forward function on fixed arrays (read afresh at each call, so the
    numerical gradient sees every perturbation), and the same call of rnnlib's forward."""

    def __init__(self, fn, reference, args):
        self.fn, self._reference, self.args = fn, reference, args

    def __call__(self):
        return self.fn(*self.args)

    def reference(self):
        return self._reference(*self.args)


def run_gru_cell_backward(fn, forward, progress):
    p, arrays = fixed_inputs()
    cache = gru_course.gru_cell_forward(arrays["xt"], arrays["a_prev"], p)[2]
    got = _call_cell_backward(fn, progress, arrays["da_next"], cache, np.float64)
    _expect_fixed("dxt[1][2]", np.asarray(got["dxt"])[1][2])
    _expect_fixed("da_prev[2][3]", np.asarray(got["da_prev"])[2][3])
    _expect_fixed("dWc[3][1]", np.asarray(got["dWc"])[3][1])
    progress.ok(FIXED)
    rng = np.random.default_rng(2027)
    for n_x, n_a, n_y, m, _ in SHAPES:
        p = random_parameters(rng, n_x, n_a, n_y)
        cache = gru_course.gru_cell_forward(rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)), p)[2]
        _call_cell_backward(fn, progress, rng.standard_normal((n_a, m)), cache, np.float64)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    n_x, n_a, n_y, m, _ = SHAPES[0]
    p = random_parameters(rng, n_x, n_a, n_y, np.float32)
    xt, a_prev = rng.standard_normal((n_x, m)).astype(np.float32), rng.standard_normal((n_a, m)).astype(np.float32)
    cache = gru_course.gru_cell_forward(xt, a_prev, p)[2]
    _call_cell_backward(fn, progress, rng.standard_normal((n_a, m)).astype(np.float32), cache, np.float32)
    progress.ok("float32 inputs")
    progress.ok("the gradient dict, and no argument changed in place")
    n_x, n_a, n_y, m, _ = GRADCHECK_SIZES
    p = random_parameters(rng, n_x, n_a, n_y)
    xt, a_prev, da_next = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))
    run = _Forward(forward or gru_course.gru_cell_forward, gru_course.gru_cell_forward, (xt, a_prev, p))
    inputs = {"dxt": xt, "da_prev": a_prev, **{"d" + k: p[k] for k in GATE_KEYS}}
    _gradient_check("gru_cell_backward", "gru_cell_forward", forward, fn, inputs, run, da_next, CELL_GRADIENTS)
    progress.ok("the numerical gradient check of " + ("your forward/backward pair" if forward is not None
                                                      else "rnnlib's gru_cell_forward with your backward"))


# ----------------------------------------------------------------------------------------------
# gru_backward
# ----------------------------------------------------------------------------------------------


def _sequence_backward_mistakes(da, caches):
    """{gradient key: {message: value}} of typical BPTT loop mistakes, from reference calls on the
    whole sequence, on sub-sequences and on single steps."""
    da = np.asarray(da, float)
    cells = [gru_course.GRUCellCache(*(np.asarray(v, float) for v in c[:6]), _as64(c[6])) for c in caches[0]]
    x = np.asarray(caches[1], float)
    ref = gru_course.gru_backward(da, gru_course.SequenceCaches(cells, x))
    T_x = len(cells)
    weights = [k for k in SEQUENCE_GRADIENTS if k not in ("dx", "da0")]
    mistakes = {key: {} for key in SEQUENCE_GRADIENTS}

    def add(message, gradients):
        for key, value in gradients.items():
            mistakes[key][message] = value

    if T_x > 1:
        later = gru_course.gru_backward(da[:, :, 1:], gru_course.SequenceCaches(cells[1:], x[:, :, 1:]))
        first = gru_course.gru_cell_backward(da[:, :, 0] + later["da0"], cells[0])
        add("the parameter gradients were not accumulated over time: add each step's (+=) instead of "
            "overwriting them", {k: first[k] for k in weights})
        add("the loop stops one step early: step t = 0 is never back-propagated",
            {**{k: later[k] for k in weights}, "da0": later["da0"],
             "dx": np.concatenate((np.zeros_like(x[:, :, :1]), later["dx"]), axis=2)})
        add("dx is in reversed time order: store step t's dxt in dx[:, :, t]", {"dx": ref["dx"][:, :, ::-1]})
    steps = [gru_course.gru_cell_backward(da[:, :, t], cells[t]) for t in range(T_x)]
    add("each step gets only da[:, :, t]: add the da_prev carried back from step t + 1",
        {**{k: sum(s[k] for s in steps) for k in weights}, "da0": steps[0]["da_prev"],
         "dx": np.stack([s["dxt"] for s in steps], axis=2)})
    carry, forwards = np.zeros_like(da[:, :, 0]), []
    for t in range(T_x):  # the wrong direction, each step still rnnlib's cell backward
        forwards.append(gru_course.gru_cell_backward(da[:, :, t] + carry, cells[t]))
        carry = forwards[-1]["da_prev"]
    add("the loop runs forward in time; backpropagation goes from the last step (t = T_x - 1) to the first",
        {**{k: sum(s[k] for s in forwards) for k in weights}, "da0": carry,
         "dx": np.stack([s["dxt"] for s in forwards], axis=2)})
    # the cell's mistakes that leave da_prev alone, summed over the steps with the right carries
    # (each carry is the reference's da0 of the sub-sequence after step t)
    per_step = {}
    for t in range(T_x):
        carry = (gru_course.gru_backward(da[:, :, t + 1:], gru_course.SequenceCaches(cells[t + 1:], x[:, :, t + 1:]))["da0"]
                 if t < T_x - 1 else np.zeros_like(da[:, :, 0]))
        for key, named in _cell_backward_mistakes(da[:, :, t] + carry, cells[t])[1].items():
            for message, value in named.items():
                per_step.setdefault(("dx" if key == "dxt" else key, message), []).append(value)
    for (key, message), values in per_step.items():
        if key in mistakes and len(values) == T_x and message not in mistakes[key]:
            mistakes[key][message] = np.stack(values, axis=2) if key == "dx" else sum(values)
    return ref, mistakes


def _call_backward(fn, progress, da, caches, dtype):
    before = snapshot((da, caches))
    got = progress.call(fn, da, caches)
    expect_unchanged("gru_backward", ("da", "caches"), before, (da, caches))
    ref, mistakes = _sequence_backward_mistakes(da, caches)
    _expect_gradients("gru_backward", got, ref, mistakes, SEQUENCE_GRADIENTS, dtype)
    return got


def _random_caches(rng, n_x, n_a, n_y, m, T_x, dtype=np.float64):
    p = random_parameters(rng, n_x, n_a, n_y, dtype)
    x, a0 = rng.standard_normal((n_x, m, T_x)).astype(dtype), rng.standard_normal((n_a, m)).astype(dtype)
    return gru_course.gru_forward(x, a0, p)[2], rng.standard_normal((n_a, m, T_x)).astype(dtype)


def run_gru_backward(fn, forward, progress):
    p, arrays = fixed_inputs()
    caches = gru_course.gru_forward(arrays["x"], arrays["a0"], p)[2]
    got = _call_backward(fn, progress, arrays["da"], caches, np.float64)
    _expect_fixed("dx[1][2]", np.asarray(got["dx"])[1][2])
    _expect_fixed("da0[2][3]", np.asarray(got["da0"])[2][3])
    _expect_fixed("dWu[3][1]", np.asarray(got["dWu"])[3][1])
    progress.ok(FIXED)
    rng = np.random.default_rng(2028)
    for sizes in SHAPES:
        caches, da = _random_caches(rng, *sizes)
        _call_backward(fn, progress, da, caches, np.float64)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    caches, da = _random_caches(rng, *SHAPES[0], dtype=np.float32)
    _call_backward(fn, progress, da, caches, np.float32)
    progress.ok("float32 inputs")
    progress.ok("the gradient dict, and no argument changed in place")
    n_x, n_a, n_y, m, T_x = GRADCHECK_SIZES
    p = random_parameters(rng, n_x, n_a, n_y)
    x, a0, da = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m, T_x))
    run = _Forward(forward or gru_course.gru_forward, gru_course.gru_forward, (x, a0, p))
    inputs = {"dx": x, "da0": a0, **{"d" + k: p[k] for k in GATE_KEYS}}
    _gradient_check("gru_backward", "gru_forward", forward, fn, inputs, run, da, SEQUENCE_GRADIENTS)
    progress.ok("the numerical gradient check of " + ("your forward/backward pair" if forward is not None
                                                      else "rnnlib's gru_forward with your backward"))


NOTEBOOK = "06_lstm_gru_step_by_step.ipynb"

EXERCISES = (
    Exercise(
        name="gru_cell_forward",
        notebook=NOTEBOOK,
        reference=gru_course.gru_cell_forward,
        run=run_gru_cell_forward,
        graded_by_course=False,
        hints=(
            "Γu = σ(Wu [a_prev; xt] + bu), Γr = σ(Wr [a_prev; xt] + br), c̃ = tanh(Wc [Γr * a_prev; xt] + bc), "
            "a_next = Γu * c̃ + (1 - Γu) * a_prev, yt_pred = softmax(Wy a_next + by) over each column.",
            "xt is (n_x, m), a_prev (n_a, m); Wu, Wr, Wc are (n_a, n_a + n_x) and act on a stacked (n_a + n_x, m) "
            "array, a_prev on top; bu, br, bc are (n_a, 1); Wy (n_y, n_a), by (n_y, 1). Every gate is (n_a, m). "
            "The cache is (a_next, a_prev, xt, Γu, Γr, c̃, parameters).",
            "Start with: concat = np.concatenate([a_prev, xt], axis=0); gu = sigmoid(np.dot(Wu, concat) + bu); "
            "and build the candidate's input from np.concatenate([gr * a_prev, xt], axis=0).",
        ),
    ),
    Exercise(
        name="gru_forward",
        notebook=NOTEBOOK,
        reference=gru_course.gru_forward,
        run=run_gru_forward,
        graded_by_course=False,
        hints=(
            "For t = 0 .. T_x - 1: a_next, yt, cache = gru_cell_forward(x[:, :, t], a_next, parameters), starting "
            "from a_next = a0; store a_next in a[:, :, t] and yt in y[:, :, t], append the cache.",
            "x is (n_x, m, T_x), a0 (n_a, m); a is (n_a, m, T_x) and y (n_y, m, T_x); n_y is Wy.shape[0]. "
            "caches is the pair (list of the T_x cell caches, x).",
            "Start with: n_x, m, T_x = x.shape; n_y, n_a = parameters['Wy'].shape; a = np.zeros((n_a, m, T_x)); "
            "y = np.zeros((n_y, m, T_x)); a_next = a0",
        ),
    ),
    Exercise(
        name="gru_cell_backward",
        notebook=NOTEBOOK,
        reference=gru_course.gru_cell_backward,
        run=run_gru_cell_backward,
        graded_by_course=False,
        takes_forward=True,
        hints=(
            "From a_next = Γu c̃ + (1 - Γu) a_prev: dz_c = da_next Γu (1 - c̃²), dz_u = da_next (c̃ - a_prev) Γu (1 - Γu); "
            "the candidate's product hands d(Γr a_prev) = Wc_a.T dz_c back, so dz_r = d(Γr a_prev) a_prev Γr (1 - Γr). "
            "dW = dz @ concat.T (for Wc the concat is [Γr a_prev; xt]), db = the sum of dz over the examples.",
            "da_next and every dz are (n_a, m); dWu, dWr, dWc are (n_a, n_a + n_x) with the a_prev columns first; "
            "dbu, dbr, dbc (n_a, 1); dxt (n_x, m) and da_prev (n_a, m) sum what reaches them through every gate: "
            "da_prev also gets da_next (1 - Γu) directly and Γr d(Γr a_prev).",
            "Start with: a_next, a_prev, xt, gu, gr, cc, parameters = cache; n_a = a_prev.shape[0]; "
            "dz_c = da_next * gu * (1 - cc ** 2)",
        ),
    ),
    Exercise(
        name="gru_backward",
        notebook=NOTEBOOK,
        reference=gru_course.gru_backward,
        run=run_gru_backward,
        graded_by_course=False,
        takes_forward=True,
        hints=(
            "Go from t = T_x - 1 down to 0: gradients = gru_cell_backward(da[:, :, t] + da_prevt, caches[t]); "
            "dx[:, :, t] = gradients['dxt']; add each weight and bias gradient to its running total; "
            "da_prevt = gradients['da_prev']; da0 is the last da_prevt.",
            "da is (n_a, m, T_x); dx (n_x, m, T_x); da0 and da_prevt (n_a, m); the totals have the parameters' "
            "shapes: dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1).",
            "Start with: (caches, x) = caches; n_a, m, T_x = da.shape; n_x = x.shape[0]; "
            "dx = np.zeros((n_x, m, T_x)); da_prevt = np.zeros((n_a, m))",
        ),
    ),
)
