"""The step-by-step exercises: the RNN, LSTM and GRU cells and sequences, forward and backward.

Each check feeds the student's function the course's test cell (and compares with the published
values), then several random shapes with ``n_x != n_a != n_y``, ``m > 1`` and ``T_x > 1`` in float64
and float32, then checks the return structure and that no argument was changed in place.  When a
value is wrong, the likely mistakes are tried as *inputs or transforms of the reference* (a zero
bias, a transposed weight, the logits before the softmax ...), so the message can name the mistake
without a second copy of the math.
"""
import numpy as np

from ..core.functional import sigmoid, softmax
from ..course import rnn_step_by_step as rnn_course
from .compare import expect_close, expect_tuple, expect_unchanged, snapshot
from .exercise import Exercise
from .verdict import Failed

#: Random problem sizes the checks use besides the course's: (n_x, n_a, n_y, m, T_x).
SHAPES = ((3, 5, 2, 4, 3), (4, 6, 3, 1, 5), (7, 2, 4, 3, 2))


def _course_rnn_cell_inputs():
    """The course's rnn_cell_forward test cell: ``np.random.seed(1)``, then xt, a_prev, Waa, Wax, Wya, ba, by."""
    rng = np.random.RandomState(1)  # the same draws as np.random.seed(1), without touching global state
    xt, a_prev = rng.randn(3, 10), rng.randn(5, 10)
    Waa, Wax, Wya, ba, by = rng.randn(5, 5), rng.randn(5, 3), rng.randn(2, 5), rng.randn(5, 1), rng.randn(2, 1)
    return xt, a_prev, {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}


# Published in the course's rnn_cell_forward test cell (all editions): a_next[4] and yt_pred[1].
PUBLISHED_RNN_CELL = {
    "a_next[4]": [0.59584544, 0.18141802, 0.61311866, 0.99808218, 0.85016201,
                  0.99980978, -0.18887155, 0.99815551, 0.6531151, 0.82872037],
    "yt_pred[1]": [0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387,
                   0.88945212, 0.36920224, 0.9966312, 0.9982559, 0.17746526],
}


def _random_rnn_cell_inputs(rng, n_x, n_a, n_y, m, dtype):
    parameters = {"Waa": rng.standard_normal((n_a, n_a)) * 0.5, "Wax": rng.standard_normal((n_a, n_x)),
                  "Wya": rng.standard_normal((n_y, n_a)), "ba": rng.standard_normal((n_a, 1)),
                  "by": rng.standard_normal((n_y, 1))}
    parameters = {k: v.astype(dtype) for k, v in parameters.items()}
    return rng.standard_normal((n_x, m)).astype(dtype), rng.standard_normal((n_a, m)).astype(dtype), parameters


def _rnn_cell_mistakes(xt, a_prev, p):
    """{message: (a_next, yt_pred) that mistake gives}, from the reference and altered inputs."""
    xt, a_prev = xt.astype(float), a_prev.astype(float)
    p = {k: np.asarray(v, dtype=float) for k, v in p.items()}
    z = p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"]
    logits = p["Wya"] @ np.tanh(z) + p["by"]
    no_bias = dict(p, ba=np.zeros_like(p["ba"]))
    transposed = dict(p, Waa=p["Waa"].T)
    a_mistakes = {
        "a_next uses sigmoid; the RNN cell uses tanh": sigmoid(z),
        "a_next is missing the bias ba": rnn_course.rnn_cell_forward(xt, a_prev, no_bias)[0],
        "a_next uses Waa transposed (Waa.T @ a_prev); the product is Waa @ a_prev": (
            rnn_course.rnn_cell_forward(xt, a_prev, transposed)[0]),
        "a_next has no activation: apply tanh to Waa @ a_prev + Wax @ xt + ba": z,
    }
    y_mistakes = {
        "you returned yt_pred before the softmax (the logits Wya @ a_next + by)": logits,
        "the softmax runs over the wrong axis: normalize each column (axis 0, over the n_y outputs)":
            softmax(logits, axis=1),
        "yt_pred is missing the bias by": softmax(p["Wya"] @ np.tanh(z)),
        "yt_pred uses sigmoid where the course uses softmax": sigmoid(logits),
    }
    return a_mistakes, y_mistakes


def _check_rnn_cell_call(fn, progress, xt, a_prev, parameters, dtype):
    """Call the student's cell once; compare a_next, yt_pred and the cache with the reference."""
    before = snapshot((xt, a_prev, parameters))
    result = progress.call(fn, xt, a_prev, parameters)
    expect_unchanged("rnn_cell_forward", ("xt", "a_prev", "parameters"), before, (xt, a_prev, parameters))
    a_next, yt_pred, cache = expect_tuple("rnn_cell_forward", result, 3, ("a_next", "yt_pred", "cache"))
    a_ref, y_ref, _ = rnn_course.rnn_cell_forward(*(snapshot((xt, a_prev, parameters))))
    a_mistakes, y_mistakes = _rnn_cell_mistakes(xt, a_prev, parameters)
    expect_close("a_next", a_next, a_ref, dtype=dtype, mistakes=a_mistakes)
    expect_close("yt_pred", yt_pred, y_ref, dtype=dtype, mistakes=y_mistakes)
    cache = expect_tuple("the cache", cache, 4, ("a_next", "a_prev", "xt", "parameters"))
    for index, (name, expected) in enumerate((("a_next", a_ref), ("a_prev", a_prev), ("xt", xt))):
        expect_close(f"cache[{index}] (it should be {name})", cache[index], expected, dtype=dtype)
    if not isinstance(cache[3], dict):
        raise Failed("cache[3] should be the parameters dict, so rnn_cell_backward can read Wax and Waa")
    return a_next, yt_pred


def run_rnn_cell_forward(fn, forward, progress):
    xt, a_prev, parameters = _course_rnn_cell_inputs()
    a_next, yt_pred = _check_rnn_cell_call(fn, progress, xt, a_prev, parameters, np.float64)
    expect_close("a_next[4]", np.asarray(a_next)[4], PUBLISHED_RNN_CELL["a_next[4]"], dtype=np.float32)
    expect_close("yt_pred[1]", np.asarray(yt_pred)[1], PUBLISHED_RNN_CELL["yt_pred[1]"], dtype=np.float32)
    progress.ok("the course's test values")
    rng = np.random.default_rng(2024)
    for n_x, n_a, n_y, m, _ in SHAPES:
        _check_rnn_cell_call(fn, progress, *_random_rnn_cell_inputs(rng, n_x, n_a, n_y, m, np.float64), np.float64)
    progress.ok(f"{len(SHAPES)} other shapes in float64")
    n_x, n_a, n_y, m, _ = SHAPES[0]
    _check_rnn_cell_call(fn, progress, *_random_rnn_cell_inputs(rng, n_x, n_a, n_y, m, np.float32), np.float32)
    progress.ok("float32 inputs")
    progress.ok("the return structure and cache, and no argument changed in place")


EXERCISES = (
    Exercise(
        name="rnn_cell_forward",
        notebook="05_rnn_step_by_step.ipynb",
        reference=rnn_course.rnn_cell_forward,
        run=run_rnn_cell_forward,
        hints=(
            "a_next = tanh(Waa a_prev + Wax xt + ba); yt_pred = softmax(Wya a_next + by), the softmax over "
            "each column (the n_y outputs of one example).",
            "xt is (n_x, m), a_prev (n_a, m), Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), "
            "by (n_y, 1); a_next is (n_a, m) and yt_pred (n_y, m). The biases broadcast over the m columns.",
            "Start with: a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba); and return "
            "a_next, yt_pred, (a_next, a_prev, xt, parameters).",
        ),
    ),
)
