"""The Shakespeare exercises of notebook 08: ``build_data`` and ``vectorization``.

The course grades neither function (``graded_by_course=False``): they are its ``shakespeare_utils``
helpers, so the fixed test values here are rnnlib's own (a small fixed text, then random texts of
letters, spaces, punctuation and newlines), compared with ``rnnlib.course.shakespeare``.  The
course's defaults are checked too: ``build_data(text)`` means ``Tx=40, stride=3``, and
``vectorization(X, Y, n_x=len(chars), char_indices=char_indices)`` (the 2021 edition's call,
without Tx) means ``Tx=40``; the notebook's positional call with Tx is checked as well.

dtype: both editions' ``vectorization`` build ``np.bool`` arrays (rnnlib's reference returns
bool); an int or float array of exact 0s and 1s is accepted as well, since Keras reads it the same.
A window may be a string (the course's ``text[i: i + Tx]``) or a list of its characters.
"""
import numpy as np

from ..course import shakespeare as course
from .compare import expect_tuple, expect_unchanged, snapshot
from .exercise import Exercise
from .verdict import Failed

#: The small fixed text: 26 letters, windows of 5 characters every 4 (so an early stop loses a window).
FIXED_TEXT = "abcdefghijklmnopqrstuvwxyz"
FIXED_ARGS = (5, 4)  # Tx, stride
#: Characters of the random texts (the Sonnets' kind: letters, space, punctuation, newline).
ALPHABET = "abcdefghijklmnopqrstuvwxyz ,.;:!?'-\n"
#: (length of the random text, Tx, stride) for the random checks.
RANDOM_CASES = ((61, 4, 1), (97, 7, 2), (150, 10, 3), (203, 6, 5))
FIXED = "rnnlib's fixed test values (the course grades no Shakespeare function)"


def _random_text(rng, length):
    return "".join(rng.choice(list(ALPHABET), size=length))


def _clipped(text):
    return text if len(text) <= 24 else text[:21] + "..."


# ----------------------------------------------------------------------------------------------
# build_data
# ----------------------------------------------------------------------------------------------


def _as_windows(what, value):
    """A list of the windows as strings (a window may also be a list of its characters)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise Failed(f"{what} should be a list, got {type(value).__name__}")
    out = []
    for i, window in enumerate(value):
        if isinstance(window, (list, tuple)) and all(isinstance(c, str) for c in window):
            window = "".join(window)
        if not isinstance(window, str):
            raise Failed(f"{what}[{i}] should be a string, got {type(window).__name__}")
        out.append(window)
    return out


def _build_data_mistakes(text, Tx, stride):
    """{message: (X, Y) that mistake gives}, from the reference with altered arguments."""
    X, Y = course.build_data(text, Tx, stride)
    mistakes = {
        "the first element is the list of windows (sentences) and the second their next characters; "
        "yours are swapped": (Y, X),
        "Y holds the last character of each window; the target is the character right after it, text[i + Tx]":
            (X, [s[-1] for s in X]),
        "the stride is ignored: the windows start every `stride` characters (range(0, len(text) - Tx, stride))":
            course.build_data(text, Tx, 1) if stride != 1 else None,
        "the windows do not overlap: they start every `stride` characters, not every Tx":
            course.build_data(text, Tx, Tx) if stride != Tx else None,
        "the last window is missing: the starts are range(0, len(text) - Tx, stride)": (X[:-1], Y[:-1]),
        "the first window is missing: the first window starts at text[0]": (X[1:], Y[1:]),
    }
    if Tx > 1:
        mistakes["the windows are one character short: a window is text[i : i + Tx]"] = course.build_data(
            text, Tx - 1, stride)
    if len(text) > Tx + 1:
        mistakes["the windows are one character too long: a window is text[i : i + Tx]"] = course.build_data(
            text, Tx + 1, stride)
    return {message: pair for message, pair in mistakes.items() if pair is not None and pair != (X, Y)}


def _describe_difference(what, got, expected):
    if len(got) != len(expected):
        return f"{what} has {len(got)} entries, expected {len(expected)}"
    i = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
    return f"{what}[{i}] is {_clipped(got[i])!r} but should be {_clipped(expected[i])!r}"


def _call_build_data(fn, progress, text, Tx, stride, how="course"):
    """Call the student's build_data ``how``: "defaults" build_data(text) (meaning Tx=40, stride=3),
    "course" build_data(text, Tx, stride=stride) (the notebook's call), "positional" build_data(text, Tx, stride)."""
    calls = {"defaults": ((), {}), "course": ((Tx,), {"stride": stride}), "positional": ((Tx, stride), {})}
    args, kwargs = calls[how]
    called = f"build_data({_clipped(text)!r}" + "".join(f", {a!r}" for a in args) + "".join(
        f", {k}={v!r}" for k, v in kwargs.items()) + ")"
    result = progress.call(fn, text, *args, **kwargs)
    X, Y = expect_tuple("build_data", result, 2, ("X", "Y"))
    got = (_as_windows("X", X), _as_windows("Y", Y))
    expected = course.build_data(text, Tx, stride)
    if got == expected:
        return
    for message, wrong in _build_data_mistakes(text, Tx, stride).items():
        if got == (list(wrong[0]), list(wrong[1])):
            raise Failed(f"{called}: {message}")
    if got[0] != expected[0]:
        raise Failed(f"{called}: {_describe_difference('X', got[0], expected[0])}")
    raise Failed(f"{called}: {_describe_difference('Y', got[1], expected[1])}")


def run_build_data(fn, forward, progress):
    _call_build_data(fn, progress, FIXED_TEXT, *FIXED_ARGS, how="positional")
    _call_build_data(fn, progress, FIXED_TEXT, 4, 3)
    progress.ok(FIXED)
    rng = np.random.default_rng(8)
    text = _random_text(rng, 130)
    _call_build_data(fn, progress, text, 40, 3, how="defaults")
    _call_build_data(fn, progress, text, 40, 3)
    progress.ok("the course's defaults Tx=40, stride=3")
    for length, Tx, stride in RANDOM_CASES:
        _call_build_data(fn, progress, _random_text(rng, length), Tx, stride, how="positional")
    progress.ok(f"{len(RANDOM_CASES)} random texts")
    progress.ok("the return structure (X, Y)")


# ----------------------------------------------------------------------------------------------
# vectorization
# ----------------------------------------------------------------------------------------------


def _one_hot_array(what, value):
    """``value`` as a bool array, or Failed: it must be bool, or numbers that are exactly 0 or 1."""
    if not isinstance(value, np.ndarray):
        raise Failed(f"{what} should be a numpy array, got {type(value).__name__}")
    if value.dtype != bool:
        if value.dtype.kind not in "iuf":
            raise Failed(f"{what} has dtype {value.dtype}; the course's is bool (0/1 numbers are accepted too)")
        if not np.all((value == 0) | (value == 1)):
            bad = tuple(int(i) for i in np.argwhere((value != 0) & (value != 1))[0])
            raise Failed(f"{what}{list(bad)} is {value[bad]!r}: a one-hot array holds only 0 and 1 (True/False)")
    return value.astype(bool)


def _vectorization_mistakes(X, Y, n_x, char_indices, Tx):
    """({message: x}, {message: y}) typical mistakes give, from the reference's own arrays."""
    x, y = course.vectorization(X, Y, n_x, char_indices, Tx)
    last_only = np.zeros_like(x)
    last_only[:, -1] = x[:, -1]
    everywhere = np.broadcast_to(x.any(axis=1, keepdims=True), x.shape)
    ordered = {c: i for i, c in enumerate(sorted(char_indices))}
    x_mistakes = {
        "x's axes are in the wrong order: x is (m, Tx, n_x), one row of n_x per character of each window":
            x.transpose(1, 0, 2),
        "x's axes are in the wrong order: x is (m, Tx, n_x), not (m, n_x, Tx)": x.transpose(0, 2, 1),
        "x marks only each window's last character: set x[i, t, char_indices[char]] for every t": last_only,
        "x marks each character at every time step: x[i, t, ...] takes the t-th character only": everywhere,
        "the one-hot index is one too high: it is char_indices[char]": np.roll(x, 1, axis=-1),
        "the one-hot index is one too low: it is char_indices[char]": np.roll(x, -1, axis=-1),
        "x is all zeros: set x[i, t, char_indices[char]] = 1": np.zeros_like(x),
    }
    y_mistakes = {
        "y is (n_x, m); it is (m, n_x), one row per window": y.T,
        "y holds each window's last character; the target is its next character Y[i]": x[:, -1, :],
        "the one-hot index is one too high: it is char_indices[Y[i]]": np.roll(y, 1, axis=-1),
        "the one-hot index is one too low: it is char_indices[Y[i]]": np.roll(y, -1, axis=-1),
        "y is all zeros: set y[i, char_indices[Y[i]]] = 1": np.zeros_like(y),
    }
    if ordered != char_indices:  # the index must come from char_indices, not from another order
        wrong_x, wrong_y = course.vectorization(X, Y, n_x, ordered, Tx)
        message = "the one-hot index must be char_indices[char]; yours follows the sorted characters"
        x_mistakes[message], y_mistakes[message] = wrong_x, wrong_y
    return x, y, x_mistakes, y_mistakes


def _expect_one_hot(what, got, expected, mistakes, called):
    if not isinstance(got, np.ndarray):
        raise Failed(f"{called}: {what} should be a numpy array, got {type(got).__name__}")
    for message, wrong in mistakes.items():
        if got.shape == wrong.shape and got.shape != expected.shape and np.array_equal(got != 0, wrong):
            raise Failed(f"{called}: {message}")
    if got.shape != expected.shape:
        raise Failed(f"{called}: {what} has shape {got.shape}, expected {expected.shape}")
    got = _one_hot_array(f"{called}: {what}", got)
    if np.array_equal(got, expected):
        return
    for message, wrong in mistakes.items():
        if np.array_equal(got, wrong):
            raise Failed(f"{called}: {message}")
    index = tuple(int(i) for i in np.argwhere(got != expected)[0])
    raise Failed(f"{called}: {what}{list(index)} is {got[index]} but should be {expected[index]} "
                 f"({int((got != expected).sum())} of {got.size} entries differ)")


def _call_vectorization(fn, progress, X, Y, n_x, char_indices, Tx=None):
    arguments = (X, Y, n_x, char_indices) + (() if Tx is None else (Tx,))
    before = snapshot(arguments)
    if Tx is None:  # the 2021 edition's call, on windows of 40 characters
        called = "vectorization(X, Y, n_x=n_x, char_indices=char_indices) (Tx defaults to the course's 40)"
        call = lambda: progress.call(fn, X, Y, n_x=n_x, char_indices=char_indices)
    else:
        called = f"vectorization(X, Y, {n_x}, char_indices, {Tx})"
        call = lambda: progress.call(fn, *arguments)
    try:
        result = call()
    except Failed as failure:  # say which call it was (the default Tx is a common culprit)
        raise Failed(f"{called}: {failure}") from None
    expect_unchanged("vectorization", ("X", "Y", "n_x", "char_indices", "Tx"), before, arguments)
    x, y = expect_tuple("vectorization", result, 2, ("x", "y"))
    if isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.ndim == 2 and y.ndim == 3:
        raise Failed(f"{called}: you returned (y, x); vectorization returns x first, then y")
    ref_x, ref_y, x_mistakes, y_mistakes = _vectorization_mistakes(X, Y, n_x, char_indices, 40 if Tx is None else Tx)
    _expect_one_hot("x", x, ref_x, x_mistakes, called)
    _expect_one_hot("y", y, ref_y, y_mistakes, called)


def _vocabulary(text, rng=None):
    chars = sorted(set(text))
    if rng is not None:  # another order than the sorted one, so the index must come from char_indices
        chars = list(rng.permutation(chars))
    return len(chars), {c: i for i, c in enumerate(chars)}


def run_vectorization(fn, forward, progress):
    Tx, stride = FIXED_ARGS
    X, Y = course.build_data(FIXED_TEXT, Tx, stride)
    n_x, char_indices = _vocabulary(FIXED_TEXT)
    _call_vectorization(fn, progress, X, Y, n_x, char_indices, Tx)
    progress.ok(FIXED)
    rng = np.random.default_rng(9)
    text = _random_text(rng, 120)
    X, Y = course.build_data(text, 40, 3)
    _call_vectorization(fn, progress, X, Y, *_vocabulary(text))
    progress.ok("the 2021 call without Tx (the course's default Tx=40)")
    for length, Tx, stride in RANDOM_CASES:
        text = _random_text(rng, length)
        X, Y = course.build_data(text, Tx, stride)
        _call_vectorization(fn, progress, X, Y, *_vocabulary(text, rng), Tx)
    progress.ok(f"{len(RANDOM_CASES)} random texts, char_indices in a shuffled order")
    progress.ok("the return structure (x, y), one-hot bool (or 0/1) arrays, and no argument changed in place")


NOTEBOOK = "08_writing_like_shakespeare.ipynb"

EXERCISES = (
    Exercise(
        name="build_data",
        notebook=NOTEBOOK,
        reference=course.build_data,
        run=run_build_data,
        graded_by_course=False,
        hints=(
            "Slide a window of Tx characters over the text, moving `stride` characters at a time: window i is "
            "text[i : i + Tx] and its target the character right after it, text[i + Tx].",
            "The starts are range(0, len(text) - Tx, stride), so the last target is still inside the text. "
            "X is a list of strings of length Tx, Y a list of single characters, of the same length. "
            "The defaults are the course's Tx=40, stride=3.",
            "Start with: X, Y = [], []; for i in range(0, len(text) - Tx, stride): X.append(text[i : i + Tx])",
        ),
    ),
    Exercise(
        name="vectorization",
        notebook=NOTEBOOK,
        reference=course.vectorization,
        run=run_vectorization,
        graded_by_course=False,
        hints=(
            "One-hot encode: x[i, t, char_indices[X[i][t]]] = 1 for every window i and position t; "
            "y[i, char_indices[Y[i]]] = 1.",
            "m = len(X); x is (m, Tx, n_x) and y (m, n_x), both bool (np.zeros(..., dtype=bool)). "
            "The signature is vectorization(X, Y, n_x, char_indices, Tx=40).",
            "Start with: m = len(X); x = np.zeros((m, Tx, n_x), dtype=bool); y = np.zeros((m, n_x), dtype=bool); "
            "for i, sentence in enumerate(X): for t, char in enumerate(sentence): ...",
        ),
    ),
)
