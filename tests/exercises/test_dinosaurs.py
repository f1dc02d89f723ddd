"""Tests for rnnlib.exercises.dinosaurs: typical mistakes are named, correct variants pass.

The students' functions here are written as the notebooks' solution cells would be, calling the course's
helpers by their global names (``optimize``, ``sample``, ``initialize_parameters`` ...), which is how the
model check sees each iteration's call to ``optimize``.
"""
import copy

import numpy as np
import pytest

from rnnlib.core.functional import softmax
from rnnlib.course.dinosaurs import (clip, get_initial_loss, get_sample, initialize_parameters, print_sample,
                                     rnn_lm_backward, rnn_lm_forward, smooth, update_parameters)
from rnnlib.course.dinosaurs import optimize as course_optimize
from rnnlib.course.dinosaurs import sample as course_sample
from rnnlib.exercises import check, dinosaurs

# The names the students' model looks up (as in the notebook, where these are the course's or the student's).
optimize = course_optimize
sample = course_sample


def _failure(name, fn):
    verdict = check(name, fn)
    assert not verdict.passed and verdict.implemented, verdict.message
    return verdict.message


# ---------------------------------------------------------------------------------------------------
# clip
# ---------------------------------------------------------------------------------------------------

def _clip(low=lambda m: -m, high=lambda m: m, skip=(), rename=None, swap=None, fixed=None):
    """A 2018-style clip (in place, np.clip with out=) with one mistake switched on."""
    def student_clip(gradients, maxValue):
        m = maxValue if fixed is None else fixed
        keys = ["dWaa", "dWax", "dWya", "db", "dby"]
        for key in keys:
            if key not in skip:
                np.clip(gradients[key], low(m), high(m), out=gradients[key])
        out = {k: gradients[k] for k in keys}
        if swap:
            out[swap[0]], out[swap[1]] = out[swap[1]], out[swap[0]]
        if rename:
            out[rename[1]] = out.pop(rename[0])
        return out
    return student_clip


def _clip_rebinding_the_loop_variable(gradients, maxValue):
    for gradient in [gradients["dWaa"], gradients["dWax"], gradients["dWya"], gradients["db"], gradients["dby"]]:
        gradient = np.clip(gradient, -maxValue, maxValue)  # noqa: F841  (the classic: the result is thrown away)
    return {k: gradients[k] for k in ("dWaa", "dWax", "dWya", "db", "dby")}


def _clip_garbling_the_input(gradients, maxValue):
    result = {k: np.clip(gradients[k], -maxValue, maxValue) for k in ("dWaa", "dWax", "dWya", "db", "dby")}
    gradients["dWax"] *= 2.0
    return result


CLIP_MISTAKES = {
    "gradient db was not clipped": _clip(skip=("db",)),
    "gradients dWaa, dWax, dWya, db, dby were not clipped": _clip_rebinding_the_loop_variable,
    "clipped into [0, maxValue]": _clip(low=lambda m: 0),
    "only the upper bound is applied": _clip(low=lambda m: -np.inf),
    "only the lower bound is applied": _clip(high=lambda m: np.inf),
    "clipped at ±10 instead of ±maxValue (maxValue is 5": _clip(fixed=10),
    "has no key 'db' (it has 'dba'": _clip(rename=("db", "dba")),
    "has no key 'dby'": _clip(rename=("dby", "dBy")),
    "holds the clipped dWya: the keys are mixed up": _clip(swap=("dWax", "dWya")),
    "changed the caller's gradients['dWax']": _clip_garbling_the_input,
}


@pytest.mark.parametrize("mistake", sorted(CLIP_MISTAKES))
def test_clip_mistakes_are_named(mistake):
    assert mistake in _failure("clip", CLIP_MISTAKES[mistake])


def test_clip_correct_variants_pass():
    def on_a_copy(gradients, maxValue):  # the 2021 edition: copy first, then clip
        gradients = copy.deepcopy(gradients)
        for key in ("dWaa", "dWax", "dWya", "db", "dby"):
            gradients[key] = np.clip(gradients[key], -maxValue, maxValue)
        return {key: gradients[key] for key in ("dWaa", "dWax", "dWya", "db", "dby")}

    def with_minimum_and_maximum(gradients, maxValue):  # no np.clip, a dict comprehension, every key kept
        return {key: np.maximum(np.minimum(g, maxValue), -maxValue) for key, g in gradients.items()}

    for variant in (_clip(), on_a_copy, with_minimum_and_maximum, clip):
        verdict = check("clip", variant)
        assert verdict.passed, verdict.message


# ---------------------------------------------------------------------------------------------------
# sample
# ---------------------------------------------------------------------------------------------------

def _sample(reseed="course", draw="choice", limit=50, append_at_limit=True, stop_at_newline=True,
            x_update="one-hot", update_a=True, activation=softmax, newline=lambda c2i: c2i["\n"]):
    """The course's sample with one mistake switched on."""
    def student_sample(parameters, char_to_ix, seed):
        Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
        vocab_size, n_a = by.shape[0], Waa.shape[1]
        x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
        indices, idx, counter = [], -1, 0
        newline_character = newline(char_to_ix)
        if reseed == "once":
            np.random.seed(seed)
        while (idx != newline_character or not stop_at_newline) and counter != limit:
            if reseed == "before":
                seed += 1
                counter += 1
            a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
            y = activation(np.dot(Wya, a) + by)
            if reseed in ("course", "no seed increment", "before"):
                np.random.seed(counter + seed)
            elif reseed == "same":
                np.random.seed(seed)
            idx = int(np.argmax(y)) if draw == "argmax" else np.random.choice(range(vocab_size), p=y.ravel())
            indices.append(idx)
            if x_update == "one-hot":
                x = np.zeros((vocab_size, 1))
            if x_update in ("one-hot", "multi-hot"):
                x[idx] = 1
            if update_a:
                a_prev = a
            if reseed != "before":
                if reseed not in ("no seed increment", "same"):
                    seed += 1
                counter += 1
        if counter == limit and append_at_limit:
            indices.append(char_to_ix["\n"])
        return indices
    return student_sample


SAMPLE_MISTAKES = {
    "its draws depend on numpy's random state before the call": _sample(reseed="none"),
    "every step reseeds with the same seed": _sample(reseed="same"),
    "each step's seed grows by 1, the course's by 2": _sample(reseed="no seed increment"),
    "seed and counter are bumped before the draw": _sample(reseed="before"),
    "seeding once before the loop is not enough": _sample(reseed="once"),
    "you took the most likely character (argmax)": _sample(draw="argmax"),
    "the loop stops one step early": _sample(limit=49),
    "after 50 characters the course appends the newline index": _sample(append_at_limit=False),
    "the loop runs past 50 characters": _sample(limit=51),
    "the loop does not stop at the newline": _sample(stop_at_newline=False),
    "the next input x must be the one-hot vector of the index just drawn": _sample(x_update="multi-hot"),
    "x is never updated": _sample(x_update="never"),
    "a_prev is never updated": _sample(update_a=False),
    "y must be a probability vector, the softmax of Wya a + by": _sample(activation=lambda z: z),
    "the name ends at char_to_ix['\\n'], not at index 0": _sample(newline=lambda c2i: 0),
}


@pytest.mark.parametrize("mistake", sorted(SAMPLE_MISTAKES))
def test_sample_mistakes_are_named(mistake):
    assert mistake in _failure("sample", SAMPLE_MISTAKES[mistake])


def test_sample_without_a_stop_at_50_is_stopped_and_named(monkeypatch):
    monkeypatch.setattr(dinosaurs, "SAMPLE_TIME_LIMIT", 0.3)
    message = _failure("sample", _sample(limit=None))
    assert "did not stop within 0.3 seconds" in message and "after 50 characters" in message


def test_sample_mutating_the_parameters_is_caught():
    reference = _sample()

    def in_place(parameters, char_to_ix, seed):
        parameters["by"] += 1e-3
        return reference(parameters, char_to_ix, seed)

    assert "changed its argument parameters['by'] in place" in _failure("sample", in_place)


def test_sample_results_that_are_not_index_lists_are_described():
    assert "not the characters" in _failure("sample", lambda p, c, s: "abc\n")
    assert "entry 0 is array" in _failure("sample", lambda p, c, s: [np.array([1]), 0])


def test_sample_check_restores_the_global_random_state():
    np.random.seed(42)
    expected = np.random.random_sample()
    np.random.seed(42)
    for fn in (course_sample, _sample(reseed="none"), _sample(draw="argmax")):
        check("sample", fn)
    assert np.random.random_sample() == expected


def test_sample_correct_variants_pass():
    def with_a_private_generator(parameters, char_to_ix, seed):
        """RandomState(counter + seed) draws what np.random.seed(counter + seed) would, without the global state;
        @ instead of np.dot, a for loop with break, a hand-written softmax."""
        p = parameters
        vocab_size = p["by"].shape[0]
        x, a = np.zeros((vocab_size, 1)), np.zeros((p["Waa"].shape[0], 1))
        indices = []
        for counter in range(50):
            a = np.tanh(p["Waa"] @ a + p["Wax"] @ x + p["b"])
            e = np.exp(p["Wya"] @ a + p["by"] - np.max(p["Wya"] @ a + p["by"]))
            idx = int(np.random.RandomState(seed + 2 * counter).choice(vocab_size, p=(e / e.sum()).ravel()))
            indices.append(idx)
            x = np.eye(vocab_size)[:, [idx]]
            if idx == char_to_ix["\n"]:
                return indices
        return indices + [char_to_ix["\n"]]

    for variant in (_sample(), with_a_private_generator, course_sample):
        verdict = check("sample", variant)
        assert verdict.passed, verdict.message


# ---------------------------------------------------------------------------------------------------
# optimize
# ---------------------------------------------------------------------------------------------------

def _optimize(clip_value=5, update=True, sign=-1, rate=None, clip_after_update=False, state=lambda a, X: a[len(X) - 1],
              loss_scale=lambda loss, X: loss):
    """The course's optimize with one mistake switched on."""
    def student_optimize(X, Y, a_prev, parameters, learning_rate=0.01):
        loss, cache = rnn_lm_forward(X, Y, a_prev, parameters)
        gradients, a = rnn_lm_backward(X, Y, parameters, cache)
        lr = learning_rate if rate is None else rate
        if clip_after_update:
            update_parameters(parameters, gradients, lr)
        if clip_value is not None:
            gradients = clip(gradients, clip_value)
        if update and not clip_after_update:
            update_parameters(parameters, gradients, -sign * lr)
        return loss_scale(loss, X), gradients, state(a, X)
    return student_optimize


OPTIMIZE_MISTAKES = {
    "the gradients are not clipped": _optimize(clip_value=None),
    "the gradients are clipped at ±10; the course clips at 5": _optimize(clip_value=10),
    "the gradients are clipped at ±2.5; the course clips at 5": _optimize(clip_value=2.5),
    "the parameters were not updated": _optimize(update=False),
    "the parameters moved up the gradient": _optimize(sign=+1),
    "the update ignores learning_rate (it stepped with 0.01": _optimize(rate=0.01),
    "the update leaves out learning_rate": _optimize(rate=1.0),
    "the parameters were updated with the unclipped gradients": _optimize(clip_after_update=True),
    "return a[len(X)-1], the last one": _optimize(state=lambda a, X: a[len(X)]),
    "you returned a_prev (a[-1])": _optimize(state=lambda a, X: a[-1]),
    "you returned a[4]": _optimize(state=lambda a, X: a[len(X) - 2]),
    "averaged over the characters": _optimize(loss_scale=lambda loss, X: loss / len(X)),
}


@pytest.mark.parametrize("mistake", sorted(OPTIMIZE_MISTAKES))
def test_optimize_mistakes_are_named(mistake):
    assert mistake in _failure("optimize", OPTIMIZE_MISTAKES[mistake])


def test_optimize_mutating_a_prev_or_returning_four_values_is_caught():
    reference = _optimize()

    def in_place(X, Y, a_prev, parameters, learning_rate=0.01):
        result = reference(X, Y, a_prev, parameters, learning_rate)
        a_prev *= 0.5
        return result

    assert "changed its argument a_prev in place" in _failure("optimize", in_place)
    message = _failure("optimize", lambda *args: reference(*args) + (args[3],))
    assert "should return the 3-tuple (loss, gradients, a[len(X)-1])" in message


def test_optimize_correct_variants_pass():
    def by_hand(X, Y, a_prev, parameters, lr=0.01):
        """The rate under another name, a copy of the gradients clipped by hand, the dict entries rebound."""
        loss, cache = rnn_lm_forward(X, Y, a_prev, parameters)
        gradients, a = rnn_lm_backward(X, Y, parameters, cache)
        gradients = {k: np.clip(v, -5, 5) for k, v in gradients.items()}
        for name in ("Wax", "Waa", "Wya", "b", "by"):
            parameters[name] = parameters[name] - lr * gradients["d" + name]
        return loss, gradients, a[len(X) - 1]

    for variant in (_optimize(), by_hand, course_optimize):
        verdict = check("optimize", variant)
        assert verdict.passed, verdict.message


# ---------------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------------

def _model(edition=2021, shuffle="seeded", index=lambda j, n: j % n, none_first=True, newline_last=True,
           learning_rate=0.01, carry_state=True, init=None, strip_name=False):
    """The course's model loop (2021: a list in, (parameters, last name) out; 2018: the text in, the
    parameters out) with one mistake switched on."""
    def student_model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27,
                      verbose=False):
        if edition == 2018:
            data_x = data_x.split("\n")
        n_x, n_y = vocab_size, vocab_size
        parameters = initialize_parameters(n_a, n_x, n_y) if init is None else init(n_a, n_x, n_y)
        loss = get_initial_loss(vocab_size, dino_names)
        examples = [x.strip() for x in data_x]
        if shuffle == "seeded":
            np.random.seed(0)
        if shuffle in ("seeded", "unseeded"):
            np.random.shuffle(examples)
        a_prev = np.zeros((n_a, 1))
        last_dino_name = "abc"
        for j in range(num_iterations):
            idx = index(j, len(examples))
            single_example_ix = [char_to_ix[ch] for ch in examples[idx]]
            X = ([None] if none_first else []) + single_example_ix
            Y = X[1:] + ([char_to_ix["\n"]] if newline_last else [])
            curr_loss, gradients, a_last = optimize(X, Y, a_prev if carry_state else np.zeros((n_a, 1)), parameters,
                                                    learning_rate=learning_rate)
            a_prev = a_last
            loss = smooth(loss, curr_loss)
            if j % 2000 == 0:
                print("Iteration: %d, Loss: %f" % (j, loss) + "\n")
                for name in range(dino_names):
                    sampled_indices = sample(parameters, char_to_ix, name)
                    last_dino_name = get_sample(sampled_indices, ix_to_char)
                    if edition == 2018:
                        print_sample(sampled_indices, ix_to_char)
                    else:
                        print(last_dino_name.replace("\n", ""))
                print("\n")
        if edition == 2018:
            return parameters
        return parameters, (last_dino_name.strip() if strip_name else last_dino_name)
    return student_model


def _random_initialization(n_a, n_x, n_y):
    return {"Wax": np.random.randn(n_a, n_x) * 0.01, "Waa": np.random.randn(n_a, n_a) * 0.01,
            "Wya": np.random.randn(n_y, n_a) * 0.01, "b": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


MODEL_MISTAKES = {
    "the names are not shuffled": _model(shuffle="no"),
    "the names are shuffled in another order than the course's": _model(shuffle="unseeded"),
    "the example index never reaches the last name": _model(index=lambda j, n: j % (n - 1)),
    "which wraps around the names": _model(index=lambda j, n: j),
    "X should start with None": _model(none_first=False),
    "Y is missing the newline index at the end": _model(newline_last=False),
    "model calls optimize with learning_rate=0.05": _model(learning_rate=0.05),
    "a_prev is reset to zeros for every name": _model(carry_state=False),
    "the parameters at the first optimize call are not initialize_parameters": _model(init=_random_initialization),
    "last_dino_name should keep its trailing newline": _model(strip_name=True),
}


@pytest.mark.parametrize("mistake", sorted(MODEL_MISTAKES))
def test_model_mistakes_are_named(mistake):
    assert mistake in _failure("model", MODEL_MISTAKES[mistake])


def test_model_with_a_wrong_optimize_blames_that_optimize(monkeypatch):
    monkeypatch.setitem(globals(), "optimize", OPTIMIZE_MISTAKES["the parameters moved up the gradient"])
    message = _failure("model", _model())
    assert "model trains with your optimize, which does not pass its own check yet" in message
    assert "the parameters moved up the gradient" in message


def test_model_correct_variants_pass_in_both_editions():
    for variant in (_model(edition=2021), _model(edition=2018), dinosaurs.course.model):
        verdict = check("model", variant)
        assert verdict.passed, verdict.message
    assert "the 2018 edition's call (the text)" in check("model", _model(edition=2018)).message
    assert "the 2021 edition's call (a list of names)" in check("model", _model(edition=2021)).message


def test_model_check_leaves_optimize_and_the_random_state_as_they_were():
    np.random.seed(7)
    expected = np.random.random_sample()
    np.random.seed(7)
    check("model", _model())
    check("model", _model(shuffle="no"))
    assert optimize is course_optimize and dinosaurs.course.optimize is course_optimize
    assert np.random.random_sample() == expected


@pytest.mark.parametrize("name", ["clip", "sample", "optimize", "model"])
def test_each_check_is_quick(name):
    import time

    from rnnlib.exercises import reference
    start = time.perf_counter()
    assert check(name, reference(name)).passed
    assert time.perf_counter() - start < 2.0
