"""Tests for rnnlib.exercises.jazz: predict_and_sample's typical mistakes are named, correct variants pass."""
import numpy as np
import pytest

from rnnlib.data.preprocessing import to_categorical
from rnnlib.exercises import EXERCISES, check, hint
from rnnlib.exercises import jazz


def _predict_and_sample(axis=-1, one_hot="to_categorical", flatten=False, swap=False, inputs="given"):
    def predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer):
        if inputs == "zeros":
            x_initializer, a_initializer, c_initializer = (np.zeros_like(v) for v in (x_initializer, a_initializer,
                                                                                      c_initializer))
        states = [a_initializer, c_initializer] if inputs != "a_c_swapped" else [c_initializer, a_initializer]
        pred = inference_model.predict([x_initializer] + states)
        indices = np.argmax(pred, axis=axis) if axis != "none" else np.argmax(pred)
        if flatten:
            indices = indices.ravel()
        n_values = x_initializer.shape[-1]
        results = {"to_categorical": lambda: to_categorical(indices, num_classes=n_values),
                   "default width": lambda: to_categorical(indices),
                   "probabilities": lambda: np.stack(pred)[:, 0, :],
                   "eye": lambda: np.eye(n_values)[indices]}[one_hot]()
        return (indices, results) if swap else (results, indices)
    return predict_and_sample


MISTAKES = {
    "the argmax runs over the wrong axis": _predict_and_sample(axis=0),
    "which has length 1": _predict_and_sample(axis=1),
    "the argmax has no axis": _predict_and_sample(axis="none"),
    "indices: shape (Ty,) instead": _predict_and_sample(flatten=True),
    "results: these are the softmax probabilities": _predict_and_sample(one_hot="probabilities"),
    "9 wide instead of 11: give to_categorical": _predict_and_sample(one_hot="default width"),
    "results: shape (Ty, 1, n_values) instead": _predict_and_sample(one_hot="eye"),
    "you returned (indices, results)": _predict_and_sample(swap=True),
    "were ignored": _predict_and_sample(inputs="zeros"),
    "a_initializer and c_initializer are swapped": _predict_and_sample(inputs="a_c_swapped"),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_predict_and_sample_mistakes_are_named(mistake):
    verdict = check("predict_and_sample", MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented, verdict.message
    assert mistake in verdict.message, verdict.message


def test_predict_and_sample_correct_variants_pass():
    def step_by_step(inference_model, x_initializer, a_initializer, c_initializer):  # a loop, np.eye, int32
        pred = inference_model.predict([x_initializer, a_initializer, c_initializer])
        indices = np.array([[int(np.argmax(p[0]))] for p in pred], dtype=np.int32)
        return np.eye(x_initializer.shape[2], dtype=bool)[indices[:, 0]], indices

    def called_directly(inference_model, x_initializer, a_initializer, c_initializer):  # model(...) and float64
        pred = np.array(inference_model([x_initializer, a_initializer, c_initializer]), dtype=np.float64)
        indices = pred.argmax(axis=2)
        return (np.arange(pred.shape[2]) == indices).astype(np.float64), indices

    for variant in (_predict_and_sample(), step_by_step, called_directly):
        verdict = check("predict_and_sample", variant)
        assert verdict.passed, verdict.message


def test_non_integer_indices_and_changed_inputs_are_caught():
    reference = _predict_and_sample()

    def float_indices(*args):
        results, indices = reference(*args)
        return results, indices.astype(float)

    assert "indices should hold integers" in check("predict_and_sample", float_indices).message

    def clears_the_state(inference_model, x_initializer, a_initializer, c_initializer):
        out = reference(inference_model, x_initializer, a_initializer, c_initializer)
        a_initializer[:] = 0
        return out

    assert "changed its argument" in check("predict_and_sample", clears_the_state).message


def test_the_models_are_fixed_and_their_sequences_move():
    for n_values, n_a, Ty, random, seed in jazz.CASES:
        first = jazz.inference_model(n_values, n_a, Ty, seed).get_weights()
        again = jazz.inference_model(n_values, n_a, Ty, seed).get_weights()
        assert all(np.array_equal(u, v) for u, v in zip(first, again))
        model = jazz.inference_model(n_values, n_a, Ty, seed)
        _, indices = EXERCISES["predict_and_sample"].reference(model, *jazz.initializers(n_values, n_a, random, seed))
        assert indices.shape == (Ty, 1) and len(set(indices.ravel().tolist())) >= 3


def test_registered_and_hinted(capsys):
    exercise = EXERCISES["predict_and_sample"]
    assert exercise.notebook == "10_jazz_improvisation.ipynb" and exercise.graded_by_course
    hint("predict_and_sample", 3)
    assert "inference_model.predict" in capsys.readouterr().out
