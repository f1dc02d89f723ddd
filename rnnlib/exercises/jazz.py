"""The jazz exercise of notebook 10: ``predict_and_sample``.

The course grades ``predict_and_sample(inference_model, x_initializer, a_initializer,
c_initializer)``: run the inference model once, take the argmax of each of the Ty softmax outputs,
and return ``(results, indices)``: ``results`` (Ty, n_values) one-hot and ``indices`` (Ty, 1)
integers.  Both editions' docstrings and printed outputs (``list(indices[12:18])`` shows
``[array([1]), ...]``) give indices as (Ty, 1), so (Ty,) is reported as a mistake; results of
any numeric or bool dtype are accepted as long as they are exactly one-hot.

The course's published values come from its own trained weights, which rnnlib cannot reproduce,
so the check builds small inference models from rnnlib's layers (``course_layers`` and
``music_inference_model``) with fixed random weights, and compares the student's function with
rnnlib's ``predict_and_sample`` on them: the course's zero initializers first, then random ones
(so that ignoring them shows).
"""
import numpy as np

from ..course import jazz as course
from ..data.preprocessing import to_categorical
from .compare import expect_close, expect_tuple, expect_unchanged, snapshot
from .exercise import Exercise
from .verdict import Failed

#: (n_values, n_a, Ty, random initializers?, seed) of the inference models the check builds; the
#: seeds are ones whose greedy sequences use at least 3 values, do not start at index 0 and (with
#: random initializers) change when the initializers are ignored or a and c swapped.
CASES = ((7, 5, 6, False, 5), (11, 4, 9, True, 1), (6, 3, 12, True, 22))


def inference_model(n_values, n_a, Ty, seed):
    """A small ``music_inference_model`` on fresh ``course_layers`` with fixed random weights
    (larger than a fresh model's, so that the greedy argmax moves between values)."""
    _, cell, head = course.course_layers(n_values=n_values, n_a=n_a)
    model = course.music_inference_model(cell, head, Ty=Ty)
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0.0, 1.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])
    return model


def initializers(n_values, n_a, random, seed):
    """(x_initializer (1, 1, n_values), a_initializer (1, n_a), c_initializer (1, n_a)): the course's
    zeros, or random values (a random one-hot first input)."""
    if not random:
        return np.zeros((1, 1, n_values)), np.zeros((1, n_a)), np.zeros((1, n_a))
    rng = np.random.default_rng(seed)
    x = np.zeros((1, 1, n_values))
    x[0, 0, rng.integers(n_values)] = 1
    return x, rng.normal(0.0, 1.0, (1, n_a)), rng.normal(0.0, 1.0, (1, n_a))


def _mistakes(model, x, a, c):
    """({message: indices}, {message: results}) of typical mistakes, from the model's own predictions."""
    n_values = x.shape[2]
    stacked = np.stack(model.predict([x, a, c]))  # (Ty, 1, n_values)
    ref_indices = np.argmax(stacked, axis=-1)
    axis = "the argmax runs over the wrong axis: take it over the n_values outputs (axis=-1)"
    index_mistakes = {
        axis: np.argmax(stacked, axis=0),
        "the argmax runs over axis 1, which has length 1, so every index is 0: take it over the n_values "
        "outputs (axis=-1)": np.argmax(stacked, axis=1),
        "the argmax has no axis: np.argmax of the whole stack is one number; take it over axis=-1": (
            np.asarray(np.argmax(stacked))),
        "shape (Ty,) instead of the course's (Ty, 1): np.argmax(pred, axis=-1) on the (Ty, 1, n_values) "
        "stack keeps it": ref_indices.ravel(),
        "x_initializer, a_initializer and c_initializer were ignored: predict([x_initializer, a_initializer, "
        "c_initializer])": np.argmax(np.stack(model.predict(list(initializers(n_values, a.shape[1], False, 0)))),
                                     axis=-1),
        "a_initializer and c_initializer are swapped: the inputs are [x_initializer, a_initializer, c_initializer]":
            np.argmax(np.stack(model.predict([x, c, a])), axis=-1),
    }
    result_mistakes = {
        "these are the softmax probabilities; results is their one-hot (to_categorical of indices)": (
            stacked[:, 0, :]),
        f"{int(ref_indices.max()) + 1} wide instead of {n_values}: give to_categorical "
        f"num_classes=x_initializer.shape[-1]": to_categorical(ref_indices),
        "shape (Ty, 1, n_values) instead of the course's (Ty, n_values): the one-hot of the (Ty, 1) "
        "indices, as to_categorical gives it": np.eye(n_values)[ref_indices],
    }
    return index_mistakes, result_mistakes


def _check_call(fn, progress, n_values, n_a, Ty, random, seed):
    model = inference_model(n_values, n_a, Ty, seed)
    x, a, c = initializers(n_values, n_a, random, seed)
    before = snapshot(((x, a, c), model.get_weights()))
    result = progress.call(fn, model, x, a, c)
    expect_unchanged("predict_and_sample", ("(x_initializer, a_initializer, c_initializer)", "the model's weights"),
                     before, ((x, a, c), model.get_weights()))
    results, indices = expect_tuple("predict_and_sample", result, 2, ("results", "indices"))
    ref_results, ref_indices = course.predict_and_sample(model, x, a, c)
    shape = np.shape(results), np.shape(indices)
    if shape == (ref_indices.shape, ref_results.shape):
        raise Failed("you returned (indices, results); predict_and_sample returns results first, then indices")
    index_mistakes, result_mistakes = _mistakes(model, x, a, c)
    called = f"on a model with n_values={n_values}, Ty={Ty} and {'random' if random else 'zero'} initializers"
    indices_array = np.asarray(indices)
    if indices_array.dtype.kind not in "iu" and indices_array.shape == ref_indices.shape:
        raise Failed(f"{called}: indices should hold integers (np.argmax gives them), got dtype {indices_array.dtype}")
    try:
        expect_close("indices", indices, ref_indices, mistakes=index_mistakes)
        expect_close("results", results, ref_results, mistakes=result_mistakes)
    except Failed as failure:
        raise Failed(f"{called}: {failure}") from None


def run_predict_and_sample(fn, forward, progress):
    for n, (n_values, n_a, Ty, random, seed) in enumerate(CASES):
        _check_call(fn, progress, n_values, n_a, Ty, random, seed)
        if n == 0:
            progress.ok("the course's zero initializers, on rnnlib's fixed random model")
    progress.ok(f"{len(CASES) - 1} more models with random initializers")
    progress.ok("the return structure (results (Ty, n_values) one-hot, indices (Ty, 1)), nothing changed in place")


EXERCISES = (
    Exercise(
        name="predict_and_sample",
        notebook="10_jazz_improvisation.ipynb",
        reference=course.predict_and_sample,
        run=run_predict_and_sample,
        hints=(
            "pred = inference_model.predict([x_initializer, a_initializer, c_initializer]) gives Ty softmax "
            "outputs; indices = their argmax over the values; results = the one-hot of indices.",
            "pred is a list of Ty arrays (1, n_values); np.argmax(pred, axis=-1) is (Ty, 1); "
            "to_categorical(indices, num_classes=x_initializer.shape[-1]) is (Ty, n_values).",
            "Start with: pred = inference_model.predict([x_initializer, a_initializer, c_initializer]); "
            "indices = np.argmax(pred, axis=-1)",
        ),
    ),
)
