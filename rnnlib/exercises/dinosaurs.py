"""The Dinosaur Island exercises: ``clip``, ``sample``, ``optimize`` and ``model``.

Every check feeds the student's function the course's test cell first (and compares with the published
values), then inputs of rnnlib's own making.  As in ``step_by_step``, a wrong value is never diagnosed
with a second copy of the math: each typical mistake's result is the reference's result on altered
inputs or a transform of it (``sample`` with ``Waa = 0`` is a sampler that never updates ``a_prev``;
``update_parameters`` with ``-learning_rate`` is an update with the wrong sign), or, for ``sample`` and
``model``, the mistake is found by how the function behaves:

* ``sample`` is probed on parameters built to expose one thing each: a constant next-character
  distribution (the only thing left is the reseeding rule, ``np.random.seed(counter + seed)`` with both
  growing by one per step, and the stop after 50 characters), and a "chain" in which each character
  fixes the next (the one-hot input and the stop at the newline).  The global ``np.random`` state the
  course's function uses is saved before the check and restored after it.
* ``model`` runs a few hundred iterations on a short list of names.  While it runs, the ``optimize``
  it calls (looked up in the student's module, as the notebook defines it) is wrapped so the check can
  see each iteration's ``X``, ``Y``, ``a_prev`` and learning rate, and compare them with the reference
  loop's, which is watched the same way.  Both editions' calls are accepted: the 2021 one
  (``model(data.split("\\n"), ...)`` returning ``(parameters, last_dino_name)``) is tried first, then the
  2018 one (``model(data, ...)`` with the text, returning the parameters).

The dicts use the course's spelling throughout (``b`` / ``db``, as every edition of Dinosaur Island does);
``clip`` may clip in place (2018) or on a copy (2021), and both pass.
"""
import copy
import inspect
import io
from contextlib import contextmanager, redirect_stdout

import numpy as np

from ..course import dinosaurs as course
from . import runner
from .compare import expect_close, expect_keys, expect_tuple, expect_unchanged, is_close, snapshot
from .exercise import Exercise, Progress
from .verdict import Failed

CHARS = "\nabcdefghijklmnopqrstuvwxyz"  # the course's sorted vocabulary: the newline is index 0
CHAR_TO_IX = {ch: i for i, ch in enumerate(CHARS)}
IX_TO_CHAR = {i: ch for i, ch in enumerate(CHARS)}
NEWLINE = CHAR_TO_IX["\n"]
GRADIENT_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
PARAMETER_KEYS = ("Wax", "Waa", "Wya", "b", "by")

#: (n_x, n_a, n_y) of the random gradient dicts ``clip`` gets besides the course's; the last has three
#: same-shaped gradients, so a mix-up of keys shows.
CLIP_SHAPES = ((27, 7, 27), (4, 6, 3), (5, 5, 5))

#: Seconds one call of the student's ``sample`` may take: 50 steps take milliseconds, so a call past
#: this is a loop that never ends (no stop at 50 characters).
SAMPLE_TIME_LIMIT = 2.0


@contextmanager
def _global_random_state_kept():
    """Restore numpy's global random state afterwards: the course's sample reseeds it (and so may the
    student's code), and a check must not change what the notebook's next cell draws."""
    state = np.random.get_state()
    try:
        yield
    finally:
        np.random.set_state(state)


# ---------------------------------------------------------------------------------------------------
# clip
# ---------------------------------------------------------------------------------------------------

def _course_clip_gradients():
    """The course's clip test cell: ``np.random.seed(3)``, then dWax, dWaa, dWya, db, dby, each times 10."""
    rng = np.random.RandomState(3)  # the same draws as np.random.seed(3), without touching the global state
    dWax, dWaa, dWya = rng.randn(5, 3) * 10, rng.randn(5, 5) * 10, rng.randn(2, 5) * 10
    db, dby = rng.randn(5, 1) * 10, rng.randn(2, 1) * 10
    return {"dWax": dWax, "dWaa": dWaa, "dWya": dWya, "db": db, "dby": dby}


#: The entries the course's clip test cell prints, for maxValue 10 and 5 (all editions).
PUBLISHED_CLIP_ENTRIES = (("dWaa", (1, 2)), ("dWax", (3, 1)), ("dWya", (1, 2)), ("db", (4, 0)), ("dby", (1, 0)))
PUBLISHED_CLIP = {10: (10.0, -10.0, 0.2971381536101662, 10.0, 8.45833407),
                  5: (5.0, -5.0, 0.2971381536101662, 5.0, 5.0)}


def _random_gradients(rng, n_x, n_a, n_y, dtype, scale=4.0):
    shapes = {"dWax": (n_a, n_x), "dWaa": (n_a, n_a), "dWya": (n_y, n_a), "db": (n_a, 1), "dby": (n_y, 1)}
    return {k: (rng.standard_normal(s) * scale).astype(dtype) for k, s in shapes.items()}


def _clip_mistakes(original, expected, max_value):
    """{message: the dict of five gradients that mistake gives}, from the reference clip."""
    five = {k: original[k].astype(float) for k in GRADIENT_KEYS}
    mistakes = {
        f"clipped into [0, maxValue]: the lower bound is -maxValue, so values between -{max_value:g} and 0 stay":
            course.clip({k: np.maximum(v, 0.0) for k, v in five.items()}, max_value),
        "only the upper bound is applied: values below -maxValue must become -maxValue too":
            {k: np.where(o < -max_value, o, expected[k]) for k, o in five.items()},
        "only the lower bound is applied: values above maxValue must become maxValue too":
            {k: np.where(o > max_value, o, expected[k]) for k, o in five.items()},
    }
    for fixed in (1, 5, 10):
        if fixed != max_value:
            mistakes[f"clipped at ±{fixed:g} instead of ±maxValue (maxValue is {max_value:g} in this call)"] = (
                course.clip(copy.deepcopy(five), fixed))
    return mistakes


def _close(got, expected, dtype):
    """``is_close``, and False for a value that is not numbers at all (``expect_close`` then says what it is)."""
    try:
        return np.shape(got) == np.shape(expected) and is_close(got, expected, dtype)
    except (TypeError, ValueError):
        return False


def _matches_everywhere(result, values, dtype):
    return all(_close(result[k], values[k], dtype) for k in GRADIENT_KEYS)


def _check_clip_call(fn, progress, gradients, max_value, dtype):
    """Call the student's clip once and compare every returned gradient with the reference's."""
    original = snapshot(gradients)
    given = dict(gradients)  # the arrays themselves, to see afterwards what happened to them
    result = progress.call(fn, gradients, max_value)
    expected = course.clip({k: snapshot(original[k]) for k in GRADIENT_KEYS}, max_value)
    if not isinstance(result, dict):
        raise Failed(f"clip should return the dict of clipped gradients, got {type(result).__name__}")
    missing = [k for k in GRADIENT_KEYS if k not in result]
    if missing:
        spelled = {"db": "dba", "dba": "db"}.get(missing[0])
        why = (f" (it has {spelled!r}: return each gradient under the key it was given)" if spelled in result else
               f" (it needs {', '.join(map(repr, GRADIENT_KEYS))})")
        raise Failed(f"the dict clip returns has no key {missing[0]!r}{why}")
    mistakes = _clip_mistakes(original, expected, max_value)
    for message, values in mistakes.items():  # a mistake made on every gradient is named as such first
        if not _matches_everywhere(result, expected, dtype) and not _matches_everywhere(values, original, dtype) \
                and _matches_everywhere(result, values, dtype):
            raise Failed(message)
    not_clipped = [k for k in GRADIENT_KEYS
                   if not is_close(original[k], expected[k], dtype) and _close(result[k], original[k], dtype)]
    if len(not_clipped) == 1:
        raise Failed(f"gradient {not_clipped[0]} was not clipped: it still holds values beyond ±{max_value:g}")
    if not_clipped:
        raise Failed(f"gradients {', '.join(not_clipped)} were not clipped: they still hold values beyond ±{max_value:g}")
    for key in GRADIENT_KEYS:
        named = {message: values[key] for message, values in mistakes.items()}
        named.update({f"it holds the clipped {other}: the keys are mixed up": expected[other]
                      for other in GRADIENT_KEYS if other != key})
        expect_close(f"gradients[{key!r}]", result[key], expected[key], dtype=dtype, mistakes=named)
    # In place (2018) or on a copy (2021) are both right; anything else done to the caller's arrays is not.
    for key in GRADIENT_KEYS:
        for where, array in (("array", given[key]), ("dict entry", gradients.get(key, given[key]))):
            if not isinstance(array, np.ndarray) or array.shape != original[key].shape or not (
                    np.array_equal(array, original[key]) or is_close(array, expected[key], dtype)):
                raise Failed(f"your clip changed the caller's gradients[{key!r}] ({where}) into something that "
                             f"is neither the original nor its clipped value")
    return result


def run_clip(fn, forward, progress):
    with _global_random_state_kept():
        for max_value, published in PUBLISHED_CLIP.items():
            result = _check_clip_call(fn, progress, _course_clip_gradients(), max_value, np.float64)
            for (key, index), value in zip(PUBLISHED_CLIP_ENTRIES, published):
                expect_close(f"gradients[{key!r}]{list(index)} (maxValue {max_value})",
                             np.asarray(result[key])[index], value, dtype=np.float32)
        progress.ok("the course's test values (maxValue 10 and 5)")
        rng = np.random.default_rng(2018)
        for (n_x, n_a, n_y), max_value in zip(CLIP_SHAPES, (2.5, 0.75, 7.0)):
            _check_clip_call(fn, progress, _random_gradients(rng, n_x, n_a, n_y, np.float64), max_value, np.float64)
        progress.ok(f"{len(CLIP_SHAPES)} other shapes and maxValues in float64")
        _check_clip_call(fn, progress, _random_gradients(rng, 4, 6, 3, np.float32), 1.5, np.float32)
        progress.ok("float32 gradients")
        with_extra = _random_gradients(rng, 27, 5, 27, np.float64)
        with_extra["da_next"] = rng.standard_normal((5, 1)) * 9  # what the course's rnn_backward also returns
        _check_clip_call(fn, progress, with_extra, 5, np.float64)
        progress.ok("a dict with da_next as well, as optimize passes it")
        progress.ok("the five keys returned, clipped in place or on a copy")


# ---------------------------------------------------------------------------------------------------
# sample
# ---------------------------------------------------------------------------------------------------

def _course_sample_parameters(seed, vocab_size=27, n_a=100):
    """The course's sample test cell: ``np.random.seed(seed); _, n_a = 20, 100``, then Wax, Waa, Wya, b, by."""
    rng = np.random.RandomState(seed)
    Wax, Waa, Wya = rng.randn(n_a, vocab_size), rng.randn(n_a, n_a), rng.randn(vocab_size, n_a)
    b, by = rng.randn(n_a, 1), rng.randn(vocab_size, 1)
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


#: Published: the 2021 edition's cell (np.random.seed(24)), and the first 43 indices of the 2018 (v3a)
#: edition's np.random.seed(2) cell, which draws 50 characters and appends the newline.  Later draws of
#: that cell depend on the last bits of the arithmetic (see notebooks/03_sampling), so they are not compared.
PUBLISHED_SAMPLE_2021 = [23, 16, 26, 26, 24, 3, 21, 1, 7, 24, 15, 3, 25, 20, 6, 13, 10, 8, 20, 12, 2, 0]
PUBLISHED_SAMPLE_V3A_FIRST_43 = [12, 17, 24, 14, 13, 9, 10, 22, 24, 6, 13, 11, 12, 6, 21, 15, 21, 14, 3, 2, 1, 21,
                                 18, 24, 7, 25, 6, 25, 18, 10, 16, 2, 3, 8, 15, 12, 11, 7, 1, 12, 10, 2, 7]

FLAT_SEED, CHAIN_SEED = 3, 5


def _flat_parameters():
    """Parameters whose next-character distribution is the same at every step and never gives the newline:
    the indices drawn then depend only on the seed each step uses, and a name always runs to 50 characters."""
    n_a = 5
    by = np.random.RandomState(7).randn(27, 1) * 0.7
    by[NEWLINE] = -40.0
    return {"Wax": np.zeros((n_a, 27)), "Waa": np.zeros((n_a, n_a)), "Wya": np.zeros((27, n_a)),
            "b": np.zeros((n_a, 1)), "by": by}


def _chain_parameters():
    """Parameters under which each character fixes the next: 'a' first, then 'b', ... 'z', then the newline
    (all but certainly, whatever the seed).  The hidden state carries nothing (Waa = 0), so the indices
    test the one-hot input x and the stop at the newline only."""
    n = len(CHARS)
    Wya = np.zeros((n, n))
    Wya[(np.arange(n) + 1) % n, np.arange(n)] = 40.0
    by = np.zeros((n, 1))
    by[CHAR_TO_IX["a"]] = 20.0  # the first step reads x = 0, so 'a' comes from the bias alone
    return {"Wax": 10.0 * np.eye(n), "Waa": np.zeros((n, n)), "Wya": Wya, "b": np.zeros((n, 1)), "by": by}


def _small_vocabulary():
    """A five-character vocabulary whose newline is not index 0."""
    return {"a": 0, "b": 1, "\n": 2, "c": 3, "d": 4}


def _random_sample_parameters(rng, vocab_size, n_a, dtype, scale=1.5):
    p = {"Wax": rng.standard_normal((n_a, vocab_size)), "Waa": rng.standard_normal((n_a, n_a)),
         "Wya": rng.standard_normal((vocab_size, n_a)), "b": rng.standard_normal((n_a, 1)),
         "by": rng.standard_normal((vocab_size, 1))}
    return {k: (v * scale).astype(dtype) for k, v in p.items()}


def _reference_sample(parameters, char_to_ix, seed):
    """The reference's indices (it reseeds the global np.random; every caller here restores it)."""
    return course.sample(snapshot(parameters), dict(char_to_ix), seed)


def _as_indices(result):
    """The student's sample result as a list of ints, or Failed saying what it is instead."""
    if isinstance(result, (str, bytes)):
        raise Failed("sample should return the list of sampled indices, got a string: return the indices "
                     "(ints), not the characters")
    if isinstance(result, np.ndarray):
        if result.ndim != 1:
            raise Failed(f"sample should return a flat list of indices, got an array of shape {result.shape}")
        items = result.tolist()
    elif isinstance(result, (list, tuple)):
        items = list(result)
    else:
        raise Failed(f"sample should return the list of sampled indices, got {type(result).__name__}")
    indices = []
    for position, value in enumerate(items):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise Failed(f"sample should return a list of integer indices; entry {position} is {value!r:.60}")
        indices.append(int(value))
    return indices


def _call_sample(fn, progress, parameters, char_to_ix, seed):
    """The student's indices for one call; numpy's complaints about p and an endless loop become sentences."""
    before = snapshot((parameters, char_to_ix))
    limit = min(SAMPLE_TIME_LIMIT, runner.TIME_LIMIT)
    try:
        result = progress.call(fn, parameters, char_to_ix, seed, time_limit=limit)
    except Failed as failure:
        text = str(failure)
        if "did not finish within" in text:
            raise Failed(f"your sample did not stop within {limit:g} seconds: when the newline is never drawn the "
                         f"loop must end after 50 characters (while idx != newline and counter != 50), with counter "
                         f"growing by one per step") from None
        if "probabilities" in text:
            raise Failed(f"{text}: y must be a probability vector, the softmax of Wya a + by, before "
                         f"np.random.choice draws from it") from None
        raise
    expect_unchanged("sample", ("parameters", "char_to_ix"), before, (parameters, char_to_ix))
    return _as_indices(result)


def _sequence_difference(what, got, expected):
    """Failed naming the first index where two index lists differ (or their lengths)."""
    for position, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            raise Failed(f"{what}: index {position} of the sampled list is {g} but should be {e} "
                         f"(you sampled {len(got)} indices, the course {len(expected)})")
    raise Failed(f"{what}: you sampled {len(got)} indices, the course {len(expected)} (the first {min(len(got), len(expected))} agree)")


def _expect_indices(what, got, expected, newline, mistakes=None):
    """Failed unless ``got == expected``; names the mistake whose (derived) indices ``got`` equals, or the
    stop rule that ``got``'s length breaks."""
    if got == expected:
        return
    for message, wrong in (mistakes or {}).items():
        if got == wrong:
            raise Failed(f"{what}: {message}")
    full = len(expected) == 51 and expected[-1] == newline  # 50 draws, then the appended newline
    if full and got == expected[:50]:
        raise Failed(f"{what}: after 50 characters the course appends the newline index, so the list ends with "
                     f"char_to_ix['\\n']")
    if full and got == expected[:49] + [newline]:
        raise Failed(f"{what}: the loop stops one step early: it should draw 50 characters before it appends the newline")
    if full and len(got) > 51 and got[:50] == expected[:50]:
        raise Failed(f"{what}: the loop runs past 50 characters: stop when counter reaches 50, then append the newline")
    if not full and expected[-1] == newline and got == expected[:-1]:
        raise Failed(f"{what}: the newline that ends the name is missing from the list: append every index drawn, "
                     f"the newline too")
    if not full and len(got) > len(expected) and got[:len(expected)] == expected:
        raise Failed(f"{what}: the loop does not stop at the newline: it should end as soon as the newline is drawn")
    _sequence_difference(what, got, expected)


def _probe_reseeding(fn, progress):
    """The student's indices on the flat parameters, twice, from two different global random states."""
    parameters = _flat_parameters()
    results = []
    for state_seed in (11, 12345):
        np.random.seed(state_seed)
        results.append(_call_sample(fn, progress, parameters, CHAR_TO_IX, FLAT_SEED))
    if results[0] != results[1]:
        raise Failed("your sample returned different indices for the same arguments: its draws depend on numpy's "
                     "random state before the call. The course reseeds before every draw: np.random.seed(counter + "
                     "seed), then np.random.choice")
    return results[0]


def _probe_schedule(got):
    """Which seed each of the student's steps used, read off the flat parameters' draws; Failed naming it."""
    parameters = _flat_parameters()
    expected = _reference_sample(parameters, CHAR_TO_IX, FLAT_SEED)
    what = "on parameters whose next-character distribution never changes"
    if got == expected:
        return
    drawn = got[:-1] if got and got[-1] == NEWLINE else got
    if drawn and drawn == expected[:len(drawn)] or got == expected[:50] or got[:50] == expected[:50]:
        _expect_indices(what, got, expected, NEWLINE)  # only the stop rule is wrong
    most_likely = int(np.argmax(parameters["by"]))
    if len(drawn) >= 2 and all(i == most_likely for i in drawn):
        raise Failed(f"{what}: you took the most likely character (argmax) at every step; the course draws it at "
                     f"random with np.random.choice(range(vocab_size), p=y.ravel())")
    # The index a draw gives for each seed offset k (seed FLAT_SEED + k), from the reference's own draws:
    # the reference's step t uses offset 2t, so three starting seeds cover offsets 0 .. 100.
    by_offset = {}
    for start in (0, 1, 2):
        for t, index in enumerate(_reference_sample(parameters, CHAR_TO_IX, FLAT_SEED + start)[:50]):
            by_offset[start + 2 * t] = index
    schedules = (
        (lambda t: t, "each step's seed grows by 1, the course's by 2: it reseeds with np.random.seed(counter + "
                      "seed) and then adds 1 to both seed and counter"),
        (lambda t: 0, "every step reseeds with the same seed, so every draw is the same: reseed with counter + "
                      "seed, and add 1 to both after each draw"),
        (lambda t: 2 * t + 1, "the seed is bumped before the draw: reseed with np.random.seed(counter + seed) "
                              "first, draw, then add 1 to seed and counter"),
        (lambda t: 2 * t + 2, "seed and counter are bumped before the draw: reseed with np.random.seed(counter + "
                              "seed) first, draw, then add 1 to both"),
    )
    steps = min(len(drawn), 45)
    for offset, message in schedules:
        if steps >= 10 and all(drawn[t] == by_offset[offset(t)] for t in range(steps)):
            raise Failed(f"{what}: {message}")
    if drawn and drawn[0] == expected[0]:
        raise Failed(f"{what}: the first draw is right but later ones are not: reseed before every draw with "
                     f"np.random.seed(counter + seed), then add 1 to both seed and counter "
                     f"(seeding once before the loop is not enough)")
    _sequence_difference(what, got, expected)


def _probe_chain(fn, progress):
    """The one-hot input and the stop at the newline, on the chain parameters."""
    parameters = _chain_parameters()
    got = _call_sample(fn, progress, parameters, CHAR_TO_IX, CHAIN_SEED)
    expected = _reference_sample(parameters, CHAR_TO_IX, CHAIN_SEED)
    what = "on parameters under which each character fixes the next"
    never_updated = _reference_sample(dict(parameters, Wax=np.zeros_like(parameters["Wax"])), CHAR_TO_IX, CHAIN_SEED)
    try:
        _expect_indices(what, got, expected, NEWLINE, mistakes={
            "x is never updated: after each draw x must become the one-hot vector of the index just drawn": never_updated})
    except Failed as failure:
        if "index " in str(failure) and "of the sampled list" in str(failure):
            raise Failed(f"{failure}; the next input x must be the one-hot vector of the index just drawn: a fresh "
                         f"zero vector with x[idx] = 1") from None
        raise


def _sample_mistakes(parameters, char_to_ix, seed):
    """{message: the indices that mistake gives}, from the reference with altered inputs."""
    zero = {k: np.zeros_like(np.asarray(v, dtype=float)) for k, v in parameters.items()}
    mistakes = {
        "a_prev is never updated: after each step the new hidden state a must become a_prev":
            _reference_sample(dict(parameters, Waa=zero["Waa"]), char_to_ix, seed),
        "x is never updated: after each draw x must become the one-hot vector of the index just drawn":
            _reference_sample(dict(parameters, Wax=zero["Wax"]), char_to_ix, seed),
    }
    if char_to_ix["\n"] != 0:
        mistakes["the name ends at char_to_ix['\\n'], not at index 0"] = _reference_sample(parameters, {"\n": 0}, seed)
    return mistakes


def _diagnose_sample(fn, progress, what, got, expected, parameters, char_to_ix, seed):
    """The student's indices differ from the reference's: run the probes, which name a mistake of the
    reseeding, the stop or the input, then try the mistakes derived for these parameters."""
    _probe_schedule(_probe_reseeding(fn, progress))
    _probe_chain(fn, progress)
    _expect_indices(what, got, expected, char_to_ix["\n"], _sample_mistakes(parameters, char_to_ix, seed))


def _check_sample_case(fn, progress, what, parameters, char_to_ix, seed, agrees=None):
    """One call compared with the reference (``agrees(got, expected)`` where exact equality is too strict)."""
    got = _call_sample(fn, progress, parameters, char_to_ix, seed)
    expected = _reference_sample(parameters, char_to_ix, seed)
    if not (agrees or (lambda g, e: g == e))(got, expected):
        _diagnose_sample(fn, progress, what, got, expected, parameters, char_to_ix, seed)
    return got


def _v3a_agrees(got, expected):
    return got[:43] == PUBLISHED_SAMPLE_V3A_FIRST_43 and len(got) == 51 and got[-1] == NEWLINE


def run_sample(fn, forward, progress):
    with _global_random_state_kept():
        got = _check_sample_case(fn, progress, "the course's test cell (np.random.seed(24))",
                                 _course_sample_parameters(24), CHAR_TO_IX, 0)
        if got != PUBLISHED_SAMPLE_2021:
            _sequence_difference("the course's test cell (np.random.seed(24))", got, PUBLISHED_SAMPLE_2021)
        progress.ok("the course's test values")
        _check_sample_case(fn, progress, "the 2018 edition's test cell (np.random.seed(2))",
                           _course_sample_parameters(2), CHAR_TO_IX, 0, agrees=_v3a_agrees)
        progress.ok("the 2018 edition's cell: 50 characters, then the newline")
        _probe_schedule(_probe_reseeding(fn, progress))
        progress.ok("the reseeding rule (np.random.seed(counter + seed), both growing by one per step)")
        progress.ok("the stop after 50 characters")
        _probe_chain(fn, progress)
        progress.ok("the stop at the newline, and the one-hot input")
        rng = np.random.default_rng(2021)
        vocabulary = _small_vocabulary()
        for seed in range(4):
            _check_sample_case(fn, progress, f"a five-character vocabulary (seed {seed})",
                               _random_sample_parameters(rng, 5, 3, np.float64, 0.9), vocabulary, seed)
        progress.ok("another vocabulary, its newline not at index 0")
        _check_sample_case(fn, progress, "float32 parameters", _random_sample_parameters(rng, 27, 6, np.float32, 0.8),
                           CHAR_TO_IX, 9)
        progress.ok("float32 parameters")
        progress.ok("no argument changed in place, numpy's random state restored")


# ---------------------------------------------------------------------------------------------------
# optimize
# ---------------------------------------------------------------------------------------------------

def _course_optimize_inputs():
    """The course's optimize test cell: ``np.random.seed(1)``, a_prev, the five parameters, its X and Y."""
    rng = np.random.RandomState(1)
    vocab_size, n_a = 27, 100
    a_prev = rng.randn(n_a, 1)
    Wax, Waa, Wya = rng.randn(n_a, vocab_size), rng.randn(n_a, n_a), rng.randn(vocab_size, n_a)
    b, by = rng.randn(n_a, 1), rng.randn(vocab_size, 1)
    return [12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26], a_prev, {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


#: Published in the course's optimize test cell (all editions print these).
PUBLISHED_OPTIMIZE_LOSS = 126.503975722
PUBLISHED_OPTIMIZE = ((("gradients['dWaa']", (1, 2)), 0.194709315347), (("gradients['dWya']", (1, 2)), -0.007773876032),
                      (("gradients['db']", (4, 0)), -0.06809825), (("gradients['dby']", (1, 0)), 0.01538192),
                      (("a_last", (4, 0)), -1.0))
PUBLISHED_OPTIMIZE_ARGMAX_DWAX = 93


def _random_optimize_inputs(rng, n_a, length, scale, dtype):
    ids = [int(i) for i in rng.integers(1, 27, size=length)]
    parameters = {"Wax": rng.standard_normal((n_a, 27)), "Waa": rng.standard_normal((n_a, n_a)),
                  "Wya": rng.standard_normal((27, n_a)), "b": rng.standard_normal((n_a, 1)),
                  "by": rng.standard_normal((27, 1))}
    parameters = {k: (v * scale).astype(dtype) for k, v in parameters.items()}
    return [None] + ids, ids + [NEWLINE], (rng.standard_normal((n_a, 1)) * 0.5).astype(dtype), parameters


def _call_optimize(fn, progress, X, Y, a_prev, parameters, learning_rate):
    try:
        return progress.call(fn, X, Y, a_prev, parameters, learning_rate)  # positional: any name for the rate works
    except Failed as failure:
        if f"raised KeyError: {len(X)}" in str(failure):
            raise Failed(f"{failure}: a holds the hidden states a[-1] (a_prev) to a[len(X)-1]; return a[len(X)-1], "
                         f"the last one") from None
        raise


def _check_optimize_call(fn, progress, X, Y, a_prev, parameters, learning_rate, dtype):
    """Call the student's optimize once; compare loss, gradients, the last state and the updated parameters."""
    before = snapshot((X, Y, a_prev, parameters))
    start = before[3]
    loss_ref, gradients_ref, a_ref = course.optimize(*snapshot((X, Y, a_prev, parameters)), learning_rate)
    result = _call_optimize(fn, progress, X, Y, a_prev, parameters, learning_rate)
    expect_unchanged("optimize", ("X", "Y", "a_prev"), before[:3], (X, Y, a_prev))
    loss, gradients, a_last = expect_tuple("optimize", result, 3, ("loss", "gradients", "a[len(X)-1]"))

    # What the mistakes give, from the reference's own pieces: the unclipped gradients and the states.
    _, cache = course.rnn_lm_forward(*snapshot((X, Y, a_prev, start)))
    raw, states = course.rnn_lm_backward(X, Y, snapshot(start), cache)
    raw = {k: raw[k] for k in GRADIENT_KEYS}

    def updated(grads, rate):
        return course.update_parameters(snapshot(start), snapshot(grads), rate)

    if isinstance(loss, (str, bytes, dict, list, tuple)) or np.size(loss) != 1:
        raise Failed(f"the loss optimize returns should be one number, got {type(loss).__name__}")
    expect_close("the loss", np.reshape(np.asarray(loss, dtype=float), ()), loss_ref, dtype=dtype, mistakes={
        "it is averaged over the characters; the course's loss is their sum": loss_ref / len(X)})
    expect_keys("the gradients optimize returns", gradients, GRADIENT_KEYS)
    try:  # the bound the student clipped at, if the gradients are readable numbers at all
        observed = max(float(np.max(np.abs(np.asarray(gradients[k], dtype=float)), initial=0.0)) for k in GRADIENT_KEYS)
    except (TypeError, ValueError):
        observed = 0.0
    clipped_at = {c: course.clip(snapshot(raw), c) for c in (1, 10, observed) if np.isfinite(c) and c > 0 and c != 5}
    for key in GRADIENT_KEYS:
        mistakes = {"the gradients are not clipped: clip them into [-5, 5] (clip(gradients, 5)) before the update":
                    raw[key]}
        mistakes.update({f"the gradients are clipped at ±{c:.4g}; the course clips at 5": g[key]
                         for c, g in clipped_at.items()})
        expect_close(f"gradients[{key!r}]", gradients[key], gradients_ref[key], dtype=dtype, mistakes=mistakes)
    a_mistakes = {("you returned a_prev (a[-1])" if t == -1 else f"you returned a[{t}]") +
                  "; return the last hidden state, a[len(X)-1]": states[t] for t in range(-1, len(X) - 1)}
    expect_close("the hidden state optimize returns", a_last, a_ref, dtype=dtype, mistakes=a_mistakes)

    update_mistakes = {
        "the parameters were not updated: optimize must apply the step to the dict it was given "
        "(update_parameters(parameters, gradients, learning_rate) changes it in place)": lambda: start,
        "the parameters moved up the gradient: gradient descent subtracts learning_rate * gradient":
            lambda: updated(gradients_ref, -learning_rate),
        "the parameters were updated with the unclipped gradients: clip first, then update":
            lambda: updated(raw, learning_rate),
        f"the update ignores learning_rate (it stepped with 0.01; this call passed {learning_rate:g})":
            lambda: updated(gradients_ref, 0.01) if learning_rate != 0.01 else None,
        "the update leaves out learning_rate: each parameter moves by learning_rate * its gradient":
            lambda: updated(gradients_ref, 1.0),
    }
    expected_parameters = updated(gradients_ref, learning_rate)
    for key in PARAMETER_KEYS:
        if key not in parameters:
            raise Failed(f"after your optimize the parameters dict has no {key!r}")
        got = parameters[key]
        if isinstance(got, np.ndarray) and is_close(got, expected_parameters[key], dtype):
            continue
        values = {message: make() for message, make in update_mistakes.items()}
        expect_close(f"parameters[{key!r}] after optimize", got, expected_parameters[key], dtype=dtype,
                     mistakes={m: (v[key] if v is not None else None) for m, v in values.items()})
    return loss, gradients, a_last


def run_optimize(fn, forward, progress):
    with _global_random_state_kept():
        loss, gradients, a_last = _check_optimize_call(fn, progress, *_course_optimize_inputs(), 0.01, np.float64)
        expect_close("the loss", loss, PUBLISHED_OPTIMIZE_LOSS, dtype=np.float32)
        values = {"a_last": a_last, **{f"gradients[{k!r}]": gradients[k] for k in GRADIENT_KEYS}}
        for (what, index), value in PUBLISHED_OPTIMIZE:
            expect_close(f"{what}{list(index)}", np.asarray(values[what])[index], value, dtype=np.float32)
        if int(np.argmax(gradients["dWax"])) != PUBLISHED_OPTIMIZE_ARGMAX_DWAX:
            raise Failed(f"np.argmax(gradients['dWax']) is {int(np.argmax(gradients['dWax']))}, the course's is "
                         f"{PUBLISHED_OPTIMIZE_ARGMAX_DWAX}")
        progress.ok("the course's test values")
        rng = np.random.default_rng(1)
        for n_a, length, scale, rate in ((20, 8, 1.5, 0.05), (16, 9, 0.1, 0.01), (6, 3, 3.0, 0.3)):
            _check_optimize_call(fn, progress, *_random_optimize_inputs(rng, n_a, length, scale, np.float64), rate,
                                 np.float64)
        progress.ok("other sizes, names and learning rates (two with gradients beyond ±5)")
        _check_optimize_call(fn, progress, *_random_optimize_inputs(rng, 5, 6, 1.0, np.float32), 0.02, np.float32)
        progress.ok("float32 parameters")
        progress.ok("gradients clipped at 5, the parameters updated in place, X, Y and a_prev unchanged")


# ---------------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------------

#: The model check's corpus (real dinosaur genera) and run: short enough for well under a second, long
#: enough to wrap around the names many times.
MODEL_NAMES = ("aardonyx", "bambiraptor", "coelophysis", "diplodocus", "eoraptor", "fukuiraptor", "gojirasaurus",
               "herrerasaurus", "irritator", "juravenator")
MODEL_RUN = {"num_iterations": 200, "n_a": 12, "dino_names": 2}
LEARNING_RATE = 0.01  # the course's model trains with optimize(..., learning_rate=0.01)


def _copied(value):
    try:
        return snapshot(value)
    except Exception:  # something deepcopy cannot copy: keep the object itself
        return value


@contextmanager
def _watching_optimize(namespace):
    """While active, ``namespace["optimize"]`` is wrapped to record each call: X, Y, a_prev, the learning
    rate, the parameters at the first call and the hidden state returned.  Yields the list of records
    (None if the namespace holds no callable optimize)."""
    original = namespace.get("optimize") if isinstance(namespace, dict) else None
    if not callable(original):
        yield None
        return
    try:
        signature = inspect.signature(original)
    except (TypeError, ValueError):
        signature = None
    calls = []

    def watched(*args, **kwargs):
        record = {}
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = list(bound.arguments.values())
            record = {"X": _copied(values[0]), "Y": _copied(values[1]), "a_prev": _copied(values[2]),
                      "learning_rate": values[4] if len(values) > 4 else None,
                      "parameters": _copied(values[3]) if not calls else None}
        except Exception:  # a call optimize itself would refuse: record nothing, let it raise
            pass
        calls.append(record)
        result = original(*args, **kwargs)
        record["a_out"] = _copied(result[2]) if isinstance(result, tuple) and len(result) == 3 else None
        return result

    namespace["optimize"] = watched
    try:
        yield calls
    finally:
        namespace["optimize"] = original


def _reference_model():
    """The reference's (parameters, last_dino_name) and the calls its loop made to optimize."""
    with _watching_optimize(vars(course)) as calls, redirect_stdout(io.StringIO()):
        parameters, last_name = course.model(list(MODEL_NAMES), dict(IX_TO_CHAR), dict(CHAR_TO_IX), **MODEL_RUN)
    return parameters, last_name, calls


def _run_student_model(fn, progress, reference_calls):
    """(form, result, calls): the 2021 call (a list of names) first, then the 2018 one (the text).

    When the student's loop raises, the calls to optimize recorded before it did may name the mistake
    (Y one shorter than X makes optimize itself raise)."""
    namespace = getattr(fn, "__globals__", None)
    try:
        first = next(iter(inspect.signature(fn).parameters), "")
    except (TypeError, ValueError):
        first = ""
    failures = {}
    for form, data in (("list", list(MODEL_NAMES)), ("text", "\n".join(MODEL_NAMES))):
        with _watching_optimize(namespace) as calls, redirect_stdout(io.StringIO()):
            try:
                # positionally, in the order every edition's signature has: num_iterations, n_a, dino_names
                result = progress.call(fn, data, dict(IX_TO_CHAR), dict(CHAR_TO_IX), *MODEL_RUN.values())
            except Failed as failure:
                failures[form] = failure
                if calls and all("X" in c for c in calls):
                    try:
                        _check_model_examples(calls, reference_calls, complete=False)
                    except Failed as named:
                        failures[form] = Failed(f"{named} (then {failure})")
                continue
        if form == "list" and not (isinstance(result, dict) or isinstance(result, tuple) and len(result) == 2):
            failures[form] = Failed(f"model should return the parameters (2018 edition: model(data, ...)) or "
                                    f"(parameters, last_dino_name) (2021 edition: model(data.split('\\n'), ...)), "
                                    f"got {type(result).__name__}")
            continue
        return form, result, calls
    failure = failures.get("list" if first == "data_x" else "text") or failures["list"]
    if "raised IndexError" in str(failure):
        raise Failed(f"{failure}: the example of iteration j is examples[j % len(examples)], which wraps "
                     f"around the names") from None
    raise failure


def _as_list(value):
    try:
        return list(value)
    except TypeError:
        return None


def _name_of(X):
    try:
        return "".join(IX_TO_CHAR[i] for i in list(X)[1:])
    except (KeyError, TypeError):
        return None


def _check_model_examples(calls, reference_calls, complete=True):
    """Each iteration's X and Y against the reference loop's; Failed naming the mistake.

    complete: whether ``calls`` is a whole run (False: the student's loop raised part way)."""
    total = MODEL_RUN["num_iterations"]
    if complete and len(calls) != total:
        raise Failed(f"model called optimize {len(calls)} times for num_iterations={total}; it should call it once "
                     f"per iteration")
    names, count = [_name_of(c.get("X", ())) for c in calls], len(MODEL_NAMES)
    order = [_name_of(c["X"]) for c in reference_calls[:count]]
    for j, (mine, ref) in enumerate(zip(calls, reference_calls)):
        X, Y = _as_list(mine.get("X")), _as_list(mine.get("Y"))
        if X is None or Y is None:
            raise Failed(f"iteration {j}: model should pass optimize X and Y as lists of indices, got "
                         f"{type(mine.get('X')).__name__} and {type(mine.get('Y')).__name__}")
        if X == list(ref["X"]) and Y == list(ref["Y"]):
            continue
        if not X or X[0] is not None:
            raise Failed(f"iteration {j}: X should start with None (the zero input of the first step), then the "
                         f"indices of the name's characters; got X = {X}")
        if X == list(ref["X"]):
            if Y == list(ref["Y"])[:-1] or Y == X[1:]:
                raise Failed(f"iteration {j}: Y is missing the newline index at the end: Y = X[1:] + "
                             f"[char_to_ix['\\n']]")
            if Y == X:
                raise Failed(f"iteration {j}: Y should be X shifted left by one (the next character at each step), "
                             f"ending with the newline")
            raise Failed(f"iteration {j}: Y is {Y}, the course's loop builds {list(ref['Y'])}")
        if names[j] is None:
            raise Failed(f"iteration {j}: X = {X} holds something that is not an index of char_to_ix")
        if names[j] not in MODEL_NAMES:
            raise Failed(f"iteration {j} trains on {names[j]!r}, which is not one of the names model was given: build "
                         f"the examples from its data argument")
        if not complete and len(names) < count:
            raise Failed(f"iteration {j} trains on {names[j]!r}, the course's loop on {_name_of(ref['X'])!r}")
        if all(n == MODEL_NAMES[i % count] for i, n in enumerate(names)):
            raise Failed("the names are not shuffled: the course shuffles them once before the loop, "
                         "np.random.seed(0) then np.random.shuffle(examples)")
        if sorted(names[:count]) == sorted(MODEL_NAMES):
            raise Failed("the names are shuffled in another order than the course's: seed with np.random.seed(0) "
                         "right before np.random.shuffle(examples)")
        if count > 1 and all(n == order[i % (count - 1)] for i, n in enumerate(names)):
            raise Failed("the example index never reaches the last name: the example of iteration j is "
                         "examples[j % len(examples)]")
        raise Failed(f"iteration {j} trains on {names[j]!r}, the course's loop on {_name_of(ref['X'])!r}: the "
                     f"example of iteration j is examples[j % len(examples)] after the seeded shuffle")


def _check_model_training(calls, reference_calls):
    """The learning rate, the hidden state carried from name to name, and the starting parameters."""
    n_a = MODEL_RUN["n_a"]
    for j, record in enumerate(calls):
        rate = record.get("learning_rate")
        if rate is not None and not (isinstance(rate, (int, float, np.number)) and np.isclose(rate, LEARNING_RATE)):
            raise Failed(f"model calls optimize with learning_rate={rate!r}; the course's loop uses {LEARNING_RATE}")
        if "a_prev" not in record:
            return
        a_in = record["a_prev"]
        if j == 0:
            expect_close("the hidden state passed to the first optimize call (zeros of shape (n_a, 1))", a_in,
                         np.zeros((n_a, 1)))
            continue
        a_out = calls[j - 1].get("a_out")
        if a_out is None or (np.shape(a_in) == np.shape(a_out) and is_close(a_in, a_out)):
            continue
        if np.shape(a_in) == (n_a, 1) and not np.any(np.asarray(a_in, dtype=float)):
            raise Failed("a_prev is reset to zeros for every name; the course carries the hidden state optimize "
                         "returns into the next name")
        raise Failed(f"the a_prev passed to optimize at iteration {j} is not the hidden state optimize returned at "
                     f"iteration {j - 1}")
    first, first_ref = calls[0].get("parameters"), reference_calls[0]["parameters"]
    if isinstance(first, dict):
        try:
            for key in PARAMETER_KEYS:
                if key in first:
                    expect_close(f"parameters[{key!r}]", first[key], first_ref[key])
        except Failed as failure:
            raise Failed(f"the parameters at the first optimize call are not initialize_parameters(n_a, n_x, n_y): "
                         f"{failure}") from None


def _check_with_students_optimize(fn, failure):
    """The parameters differ although each iteration's inputs were right: blame the student's own optimize
    when it fails its check, else report the difference itself."""
    namespace = getattr(fn, "__globals__", {})
    optimize = namespace.get("optimize") if isinstance(namespace, dict) else None
    if callable(optimize) and optimize is not course.optimize:
        try:
            run_optimize(optimize, None, Progress("optimize"))
        except Failed as problem:
            raise Failed(f"model trains with your optimize, which does not pass its own check yet "
                         f"(check('optimize', optimize)): {problem}") from None
    raise failure


def run_model(fn, forward, progress):
    with _global_random_state_kept():
        reference_parameters, reference_name, reference_calls = _reference_model()
        form, result, calls = _run_student_model(fn, progress, reference_calls)
        if isinstance(result, tuple):
            parameters, last_name = expect_tuple("model", result, 2, ("parameters", "last_dino_name"))
        else:
            parameters, last_name = result, None
        if not isinstance(parameters, dict):
            raise Failed(f"model should return the trained parameters dict (2021: with last_dino_name), got "
                         f"{type(parameters).__name__}")
        progress.ok(f"the {'2021' if isinstance(result, tuple) else '2018'} edition's call "
                    f"({'a list of names' if form == 'list' else 'the text'})")
        watched = bool(calls) and all("X" in c for c in calls)
        if watched:
            _check_model_examples(calls, reference_calls)
            progress.ok("each iteration's X and Y (seeded shuffle, examples[j % len(examples)], None first, "
                        "the newline last)")
            _check_model_training(calls, reference_calls)
            progress.ok("the learning rate, the hidden state carried across names, the initial parameters")
        expect_keys("the parameters model returns", parameters, PARAMETER_KEYS)
        try:
            for key in PARAMETER_KEYS:
                expect_close(f"parameters[{key!r}] after {MODEL_RUN['num_iterations']} iterations", parameters[key],
                             reference_parameters[key])
        except Failed as failure:
            if watched:
                _check_with_students_optimize(fn, failure)
            raise
        progress.ok(f"the parameters after {MODEL_RUN['num_iterations']} iterations on {len(MODEL_NAMES)} names")
        if last_name is not None:
            if not isinstance(last_name, str):
                raise Failed(f"last_dino_name should be a string, got {type(last_name).__name__}")
            if last_name != reference_name:
                if last_name == reference_name.rstrip("\n"):
                    raise Failed("last_dino_name should keep its trailing newline, as get_sample returns it")
                raise Failed(f"last_dino_name is {last_name!r} but should be {reference_name!r} (the last name "
                             f"sampled, with seed dino_names - 1, at the last printout)")
            progress.ok("last_dino_name")


EXERCISES = (
    Exercise(
        name="clip",
        notebook="02_gradient_clipping.ipynb",
        reference=course.clip,
        run=run_clip,
        hints=(
            "Every element of each of the five gradients (dWaa, dWax, dWya, db, dby) is forced into "
            "[-maxValue, maxValue]: larger values become maxValue, smaller ones -maxValue, the rest stay.",
            "Each gradient keeps its shape (dWax is (n_a, n_x), db is (n_a, 1), ...); return a dict with the same "
            "five keys. np.clip(array, low, high, out=array) clips an array in place.",
            "Start with: for gradient in [dWax, dWaa, dWya, db, dby]: np.clip(gradient, -maxValue, maxValue, "
            "out=gradient)",
        ),
    ),
    Exercise(
        name="sample",
        notebook="03_sampling.ipynb",
        reference=course.sample,
        run=run_sample,
        hints=(
            "Each step: a = tanh(Wax x + Waa a_prev + b), y = softmax(Wya a + by); reseed with "
            "np.random.seed(counter + seed), draw idx from y, make x the one-hot of idx, a_prev = a, then add 1 to "
            "seed and counter. Stop at the newline or after 50 characters (then append the newline).",
            "x starts as zeros (vocab_size, 1) and a_prev as zeros (n_a, 1), with vocab_size = by.shape[0] and "
            "n_a = Waa.shape[1]; y is (vocab_size, 1), so pass p=y.ravel() to np.random.choice.",
            "Start with: idx = np.random.choice(range(vocab_size), p=y.ravel()) inside "
            "while (idx != newline_character and counter != 50):",
        ),
    ),
    Exercise(
        name="optimize",
        notebook="04_training.ipynb",
        reference=course.optimize,
        run=run_optimize,
        hints=(
            "One step of training on one name: forward pass (loss), backpropagation through time (gradients), "
            "clip the gradients at 5, then update the parameters with learning_rate.",
            "rnn_forward(X, Y, a_prev, parameters) gives (loss, cache); rnn_backward(X, Y, parameters, cache) gives "
            "(gradients, a), where a[t] is the (n_a, 1) hidden state after step t; return a[len(X)-1].",
            "Start with: loss, cache = rnn_forward(X, Y, a_prev, parameters); then gradients, a = "
            "rnn_backward(X, Y, parameters, cache); gradients = clip(gradients, 5)",
        ),
    ),
    Exercise(
        name="model",
        notebook="04_training.ipynb",
        reference=course.model,
        run=run_model,
        hints=(
            "Iteration j trains on one name, examples[j % len(examples)] (after np.random.seed(0) and "
            "np.random.shuffle(examples)): X is None followed by its characters' indices, Y is X shifted by one "
            "plus the newline; optimize(X, Y, a_prev, parameters, learning_rate=0.01) returns the next a_prev.",
            "X and Y are lists of length len(name) + 1; a_prev starts as zeros (n_a, 1) and is carried from one "
            "name to the next.",
            "Start with: idx = j % len(examples); single_example_ix = [char_to_ix[ch] for ch in examples[idx]]; "
            "X = [None] + single_example_ix",
        ),
    ),
)
