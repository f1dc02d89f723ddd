"""Tests for rnnlib.course: the Dinosaur Island functions, against the course's published test cells."""
import os
from pathlib import Path

import numpy as np
import pytest

from rnnlib.core import lm
from rnnlib.course import dinosaurs as course
from course_cells import clip_cell_gradients, optimize_cell_inputs
from rnnlib.errors import ConfigError, CorpusError, SamplingError, ShapeError, VocabularyError
from rnnlib.course.dinosaurs import (get_initial_loss, initialize_parameters, model, print_sample, sample, smooth,
                                     update_parameters)

ALPHABET = "\nabcdefghijklmnopqrstuvwxyz"
CHARS = sorted(set(ALPHABET))
CHAR_TO_IX = {c: i for i, c in enumerate(CHARS)}
IX_TO_CHAR = {i: c for i, c in enumerate(CHARS)}


# ---------------------------------------------------------------------------------------------
# clip
# ---------------------------------------------------------------------------------------------


def test_clip_course_values():
    gradients = clip_cell_gradients()
    gradients = course.clip(gradients, 10)
    assert gradients["dWaa"][1][2] == 10.0
    assert gradients["dWax"][3][1] == -10.0
    assert gradients["dWya"][1][2] == pytest.approx(0.29713815361, abs=1e-10)
    np.testing.assert_array_equal(gradients["db"][4], [10.0])
    np.testing.assert_allclose(gradients["dby"][1], [8.45833407], atol=1e-8)


def test_clip_is_in_place_and_bounded():
    gradients = clip_cell_gradients()
    originals = {k: v for k, v in gradients.items()}
    before = {k: v.copy() for k, v in gradients.items()}
    out = course.clip(gradients, 10)
    assert set(out) == {"dWaa", "dWax", "dWya", "db", "dby"}
    for k in originals:
        assert out[k] is originals[k], k
        assert gradients[k] is originals[k]
        assert np.abs(originals[k]).max() <= 10.0
        np.testing.assert_array_equal(originals[k], np.clip(before[k], -10, 10))
    assert any(np.abs(v).max() > 10 for v in before.values())  # the clip had work to do


def test_clip_missing_key_and_bad_max():
    gradients = clip_cell_gradients()
    del gradients["dby"]
    with pytest.raises(ShapeError, match="'dby'"):
        course.clip(gradients, 10)
    with pytest.raises(ValueError):
        course.clip(clip_cell_gradients(), 0)
    with pytest.raises(ValueError):
        course.clip(clip_cell_gradients(), -5)


# ---------------------------------------------------------------------------------------------
# sample
# ---------------------------------------------------------------------------------------------


def course_sample_parameters():
    np.random.seed(2)
    n_a, vocab_size = 100, 27
    a0 = np.random.randn(n_a, 1)  # drawn (and unused) first, as in the course's test cell
    Wax, Waa, Wya = np.random.randn(n_a, vocab_size), np.random.randn(n_a, n_a), np.random.randn(vocab_size, n_a)
    b, by = np.random.randn(n_a, 1), np.random.randn(vocab_size, 1)
    del a0
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


def test_sample_course_values():
    indices = course.sample(course_sample_parameters(), CHAR_TO_IX, 0)
    assert indices == [18, 2, 26, 0]
    assert "".join(IX_TO_CHAR[i] for i in indices) == "rbz\n"


def test_sample_is_deterministic_per_seed():
    p = course_sample_parameters()
    assert course.sample(p, CHAR_TO_IX, 5) == course.sample(p, CHAR_TO_IX, 5)
    assert all(isinstance(i, int) for i in course.sample(p, CHAR_TO_IX, 5))


def test_sample_stops_at_50_characters_plus_newline():
    rng = np.random.default_rng(0)
    n_a = 8
    p = {
        "Wax": rng.standard_normal((n_a, 27)),
        "Waa": rng.standard_normal((n_a, n_a)) * 0.1,
        "Wya": np.zeros((27, n_a)),
        "b": np.zeros((n_a, 1)),
        "by": np.zeros((27, 1)),
    }
    p["by"][CHAR_TO_IX["\n"]] = -50.0  # newline essentially impossible
    for seed in range(3):
        indices = course.sample(p, CHAR_TO_IX, seed)
        assert len(indices) == 51
        assert indices[-1] == CHAR_TO_IX["\n"]
        assert CHAR_TO_IX["\n"] not in indices[:50]


def test_sample_stops_at_newline():
    n_a = 4
    p = {
        "Wax": np.zeros((n_a, 27)),
        "Waa": np.zeros((n_a, n_a)),
        "Wya": np.zeros((27, n_a)),
        "b": np.zeros((n_a, 1)),
        "by": np.full((27, 1), -50.0),
    }
    p["by"][CHAR_TO_IX["\n"]] = 50.0
    assert course.sample(p, CHAR_TO_IX, 0) == [CHAR_TO_IX["\n"]]


def test_sample_needs_newline_in_vocab():
    p = course_sample_parameters()
    no_newline = {c: i for c, i in CHAR_TO_IX.items() if c != "\n"}
    with pytest.raises(VocabularyError):
        course.sample(p, no_newline, 0)


# ---------------------------------------------------------------------------------------------
# optimize
# ---------------------------------------------------------------------------------------------


def test_optimize_course_values():
    X, Y, a_prev, parameters = optimize_cell_inputs()
    loss, gradients, a_last = course.optimize(X, Y, a_prev, parameters, learning_rate=0.01)
    assert loss == pytest.approx(126.503975722, abs=1e-8)
    assert gradients["dWaa"][1][2] == pytest.approx(0.194709315347, abs=1e-10)
    assert np.argmax(gradients["dWax"]) == 93
    assert gradients["dWya"][1][2] == pytest.approx(-0.007773876032, abs=1e-11)
    np.testing.assert_allclose(gradients["db"][4], [-0.06809825], atol=1e-8)
    np.testing.assert_allclose(gradients["dby"][1], [0.01538192], atol=1e-8)
    np.testing.assert_allclose(a_last[4], [-1.0], atol=1e-8)
    assert a_last.shape == (100, 1)


def test_optimize_updates_parameters_in_place():
    X, Y, a_prev, parameters = optimize_cell_inputs()
    objects = dict(parameters)
    before = {k: v.copy() for k, v in parameters.items()}
    _, gradients, _ = course.optimize(X, Y, a_prev, parameters, learning_rate=0.01)
    for k in lm.PARAM_NAMES:
        assert parameters[k] is objects[k], k
        np.testing.assert_allclose(parameters[k], before[k] - 0.01 * gradients["d" + k], atol=1e-14)
        assert np.abs(gradients["d" + k]).max() <= 5.0  # clipped at 5 first
    assert not np.array_equal(parameters["Wya"], before["Wya"])


def test_optimize_loss_equals_lm_forward():
    rng = np.random.default_rng(4)
    n_a = 7
    parameters = {
        "Wax": rng.standard_normal((n_a, 27)) * 0.3,
        "Waa": rng.standard_normal((n_a, n_a)) * 0.3,
        "Wya": rng.standard_normal((27, n_a)) * 0.3,
        "b": rng.standard_normal((n_a, 1)) * 0.1,
        "by": rng.standard_normal((27, 1)) * 0.1,
    }
    name = "tyrannosaurus"
    X = [None] + [CHAR_TO_IX[c] for c in name]
    Y = X[1:] + [CHAR_TO_IX["\n"]]
    a_prev = rng.standard_normal((n_a, 1)) * 0.2
    Xid = np.array([[-1]] + [[i] for i in X[1:]])
    Yid = np.array([[i] for i in Y])
    expected, count, cache = lm.forward(parameters, Xid, Yid, a_prev)
    final = lm.final_state(cache)
    assert count == len(name) + 1
    loss, _, a_last = course.optimize(X, Y, a_prev, parameters)
    assert loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(a_last, final, atol=1e-12)


def test_rnn_lm_forward_backward_state_dict():
    X, Y, a_prev, parameters = optimize_cell_inputs()
    loss, cache = course.rnn_lm_forward(X, Y, a_prev, parameters)
    gradients, a = course.rnn_lm_backward(X, Y, parameters, cache)
    np.testing.assert_array_equal(a[-1], a_prev)
    assert sorted(a) == list(range(-1, len(X)))
    assert loss == pytest.approx(126.503975722, abs=1e-8)
    assert set(gradients) == {"dWax", "dWaa", "dWya", "db", "dby", "da_next"}  # as the course's utils


def test_rnn_lm_forward_rejects_non_integer_indices():
    _, Y, a_prev, parameters = optimize_cell_inputs()
    with pytest.raises(VocabularyError):
        course.rnn_lm_forward([None, "a", 3, 5, 11, 22], Y, a_prev, parameters)


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------


def test_initialize_parameters_seeds_and_shapes():
    np.random.seed(123)
    p = course.initialize_parameters(6, 27, 27)
    shapes = {"Wax": (6, 27), "Waa": (6, 6), "Wya": (27, 6), "b": (6, 1), "by": (27, 1)}
    assert {k: v.shape for k, v in p.items()} == shapes
    np.random.seed(1)
    np.testing.assert_array_equal(p["Wax"], np.random.randn(6, 27) * 0.01)
    np.testing.assert_array_equal(p["Waa"], np.random.randn(6, 6) * 0.01)
    np.testing.assert_array_equal(p["Wya"], np.random.randn(27, 6) * 0.01)
    np.testing.assert_array_equal(p["b"], 0.0)
    np.testing.assert_array_equal(p["by"], 0.0)
    q = course.initialize_parameters(6, 27, 27)
    for k in p:
        np.testing.assert_array_equal(p[k], q[k])


def test_get_initial_loss():
    assert course.get_initial_loss(27, 7) == pytest.approx(7 * np.log(27))
    assert course.get_initial_loss(2, 1) == pytest.approx(np.log(2))


def test_smooth():
    assert course.smooth(10.0, 20.0) == pytest.approx(10.01)
    assert course.smooth(5.0, 5.0) == pytest.approx(5.0)


def test_print_sample(capsys):
    course.print_sample([4, 9, 14, 15, 0], IX_TO_CHAR)
    course.print_sample([1, 2, 0], IX_TO_CHAR)
    assert capsys.readouterr().out == "Dino\nAb\n"


def test_update_parameters_in_place():
    p = {k: np.ones((2, 2)) for k in lm.PARAM_NAMES}
    objects = dict(p)
    g = {"d" + k: np.full((2, 2), 3.0) for k in lm.PARAM_NAMES}
    out = course.update_parameters(p, g, 0.5)
    for k in lm.PARAM_NAMES:
        assert out[k] is objects[k]
        np.testing.assert_array_equal(p[k], -0.5)


# ---------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------

TINY_NAMES = [
    "abe", "bora", "cix", "dax", "elo", "fyn", "gorp", "hux", "ixa", "jol",
    "kep", "lumo", "mox", "nyx", "opa", "pix", "quo", "ryn", "sol", "tuk",
]


def test_model_on_tiny_corpus(tmp_path, capsys):
    path = tmp_path / "tiny.txt"
    path.write_text("\n".join(TINY_NAMES) + "\n")
    data = path.read_text().lower()
    params = course.model(data, IX_TO_CHAR, CHAR_TO_IX, num_iterations=10, n_a=5, dino_names=3)
    out = capsys.readouterr().out
    lines = out.split("\n")
    assert lines[0].startswith("Iteration: 0, Loss: ")
    loss = float(lines[0].split("Loss: ")[1])
    # smoothed from the uniform 3-name guess towards one name's loss
    assert abs(loss - course.get_initial_loss(27, 3)) < 0.1
    assert "Iteration: 2000" not in out
    names = [line for line in lines[1:] if line]
    assert len(names) == 3
    for n in names:
        assert n[0].isupper() and n[1:] == n[1:].lower()
    assert set(params) == {"Wax", "Waa", "Wya", "b", "by"}
    assert params["Wax"].shape == (5, 27) and params["Wya"].shape == (27, 5)
    # deterministic
    again = course.model(data, IX_TO_CHAR, CHAR_TO_IX, num_iterations=10, n_a=5, dino_names=3)
    assert capsys.readouterr().out == out
    for k in params:
        np.testing.assert_array_equal(params[k], again[k])


@pytest.mark.parametrize("data", ["", "   ", "\n\n  \n"])
def test_model_empty_corpus(data):
    with pytest.raises(CorpusError):
        course.model(data, IX_TO_CHAR, CHAR_TO_IX, num_iterations=1, n_a=3)


def test_model_unknown_character():
    with pytest.raises(VocabularyError, match="'1'"):
        course.model("abc\nd1e\n", IX_TO_CHAR, CHAR_TO_IX, num_iterations=1, n_a=3)


def _dinos_file():
    mirror = os.environ.get("RNNLIB_DATA_MIRROR")
    if not mirror:
        return None
    path = Path(mirror) / "dinos.txt"
    return path if path.is_file() else None


@pytest.mark.skipif(_dinos_file() is None, reason="RNNLIB_DATA_MIRROR with dinos.txt not set")
def test_model_reproduces_course_on_dinos(capsys):
    data = _dinos_file().read_text().lower()
    chars = sorted(set(data))
    char_to_ix = {c: i for i, c in enumerate(chars)}
    ix_to_char = {i: c for i, c in enumerate(chars)}
    assert len(chars) == 27
    course.model(data, ix_to_char, char_to_ix, num_iterations=2001, n_a=50, dino_names=7)
    out = capsys.readouterr().out
    assert "Iteration: 2000, Loss: 27.884160" in out
    after = out.split("Iteration: 2000, Loss: 27.884160", 1)[1]
    names = [line for line in after.split("\n") if line]
    assert names[0] == "Liusskeomnolxeros"
    assert len(names) == 7


# ---- issue 9 fuzz findings: bad arguments end in rnnlib errors

def test_print_sample_of_no_indices_is_empty(capsys):
    print_sample([], {0: "\n"})
    assert capsys.readouterr().out == ""


def test_print_sample_refuses_unknown_index_and_non_dict():
    with pytest.raises(VocabularyError, match="not in ix_to_char"):
        print_sample([(), 2], {})
    with pytest.raises(VocabularyError, match="ix_to_char must be a dict"):
        print_sample([1], [(1, "a")])


def test_get_initial_loss_refuses_empty_vocabulary():
    with pytest.raises(ConfigError, match="vocab_size"):
        get_initial_loss(0, 7)
    with pytest.raises(ConfigError, match="seq_length"):
        get_initial_loss(27, -1)


def test_initialize_parameters_refuses_bad_and_huge_sizes():
    with pytest.raises(ConfigError, match="n_x"):
        initialize_parameters(5, -7, 3)
    with pytest.raises(ConfigError, match="n_a"):
        initialize_parameters(2.5, 3, 3)
    with pytest.raises(ConfigError, match="array elements"):
        initialize_parameters(5, 3, 10**9)


def test_smooth_refuses_non_numbers():
    with pytest.raises(ConfigError, match="loss"):
        smooth("\n", 2.0)


def test_sample_refuses_bad_seed_and_char_to_ix():
    parameters = initialize_parameters(5, 3, 3)
    with pytest.raises(SamplingError, match="seed"):
        sample(parameters, {"\n": 0, "a": 1, "b": 2}, None)
    with pytest.raises(SamplingError, match="seed"):
        sample(parameters, {"\n": 0, "a": 1, "b": 2}, -1)
    with pytest.raises(VocabularyError, match="dict"):
        sample(parameters, [("\n", 0)], 0)


def test_sample_refuses_overflowing_parameters():
    parameters = initialize_parameters(5, 3, 3)
    parameters["b"] = np.ones((5, 1))
    parameters["Wya"] = np.full((3, 5), 1e308)
    with pytest.raises(SamplingError, match="overflow"):
        sample(parameters, {"\n": 0, "a": 1, "b": 2}, 0)


def test_update_parameters_refuses_missing_gradient_and_bad_lr():
    parameters = initialize_parameters(5, 3, 3)
    grads = {"d" + k: np.zeros_like(v) for k, v in parameters.items()}
    with pytest.raises(ConfigError, match="lr"):
        update_parameters(parameters, grads, "0.1")
    del grads["dWax"]
    with pytest.raises(ShapeError, match="dWax"):
        update_parameters(parameters, grads, 0.1)


def test_model_refuses_bad_sizes_and_maps():
    chars = sorted(set("abc\n"))
    c2i = {c: i for i, c in enumerate(chars)}
    i2c = {i: c for c, i in c2i.items()}
    with pytest.raises(ConfigError, match="vocab_size"):
        model("abc", i2c, c2i, 1, 3, 1, 0)
    with pytest.raises(ConfigError, match="n_a"):
        model("abc", i2c, c2i, 1, -5, 1, 4)
    with pytest.raises(VocabularyError, match="char_to_ix must be a dict"):
        model("abc", i2c, False, 1, 3, 1, 4)
    with pytest.raises(VocabularyError, match="ix_to_char lacks"):
        model("abc", {1: "a"}, c2i, 1, 3, 1, 4)


def test_issue9_long_run_findings():
    """Long-run fuzz findings: optimize with an index beyond int64 (OverflowError), update_parameters with
    lr=10**30 (numpy's isfinite TypeError on a Python int too large for int64)."""
    parameters = initialize_parameters(5, 27, 27)
    with pytest.raises(VocabularyError, match="integer indices"):
        course.optimize([None, 2**63, 16], [13, 16, 0], np.zeros((5, 1)), parameters, 0.01)
    grads = {"d" + k: np.zeros_like(v) for k, v in parameters.items()}
    update_parameters(parameters, grads, 10**30)  # a finite (if silly) rate is accepted, not a TypeError


@pytest.mark.parametrize("kwargs,match", [({"num_iterations": 1_000_001}, "num_iterations"),
                                          ({"dino_names": 1_001}, "dino_names")])
def test_model_refuses_work_beyond_its_caps(kwargs, match):
    data = "abc\nbca\n"
    with pytest.raises(ConfigError, match=match):
        course.model(data, IX_TO_CHAR, CHAR_TO_IX, **{"num_iterations": 1, "n_a": 3, **kwargs})
