"""Tests for rnnlib.exercises.shakespeare: typical build_data / vectorization mistakes are named,
correct variants (strings or character lists, bool or float arrays) pass."""
import numpy as np
import pytest

from rnnlib.exercises import EXERCISES, check


def _build_data(start=0, end_shift=0, stride_used=None, length_shift=0, target="next", swap=False):
    def build_data(text, Tx=40, stride=3):
        X, Y = [], []
        step = stride if stride_used is None else stride_used(Tx, stride)
        for i in range(start * step, len(text) - Tx + end_shift, step):
            X.append(text[i: i + Tx + length_shift])
            Y.append(text[i + Tx + length_shift] if target == "next" else text[i + Tx - 1])
        return (Y, X) if swap else (X, Y)
    return build_data


BUILD_DATA_MISTAKES = {
    "the stride is ignored": _build_data(stride_used=lambda Tx, stride: 1),
    "the windows do not overlap": _build_data(stride_used=lambda Tx, stride: Tx),
    "the last window is missing": _build_data(end_shift=-1),
    "the first window is missing": _build_data(start=1),
    "one character short": _build_data(length_shift=-1),
    "one character too long": _build_data(length_shift=1, end_shift=-1),
    "Y holds the last character of each window": _build_data(target="last"),
    "yours are swapped": _build_data(swap=True),
}


@pytest.mark.parametrize("mistake", sorted(BUILD_DATA_MISTAKES))
def test_build_data_mistakes_are_named(mistake):
    verdict = check("build_data", BUILD_DATA_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented, verdict.message
    assert mistake in verdict.message, verdict.message


def test_build_data_wrong_defaults_and_a_past_the_end_window_are_reported():
    def wrong_defaults(text, Tx=40, stride=1):
        return _build_data()(text, Tx, stride)

    verdict = check("build_data", wrong_defaults)
    assert not verdict.passed and "build_data('" in verdict.message and "the stride is ignored" in verdict.message
    verdict = check("build_data", _build_data(end_shift=1))  # text[i + Tx] runs past the end
    assert not verdict.passed and "raised IndexError" in verdict.message


def test_build_data_correct_variants_pass():
    def as_character_lists(text, Tx=40, stride=3):  # windows as lists of characters, built backwards
        starts = list(range(0, len(text) - Tx, stride))
        return [list(text[i:i + Tx]) for i in starts], [text[i + Tx] for i in starts]

    def with_a_while_loop(text, Tx=40, stride=3):
        X, Y, i = [], [], 0
        while i + Tx < len(text):
            X.append(text[i:i + Tx])
            Y.append(text[i + Tx])
            i += stride
        return X, Y

    for variant in (_build_data(), as_character_lists, with_a_while_loop):
        verdict = check("build_data", variant)
        assert verdict.passed, verdict.message


def _vectorization(dtype=bool, order="m_t_n", shift=0, y_from="next", x_mark="each", swap=False,
                   indices="given", default_tx=40):
    def vectorization(X, Y, n_x, char_indices, Tx=default_tx):
        m = len(X)
        index = char_indices if indices == "given" else {c: i for i, c in enumerate(sorted(char_indices))}
        x = np.zeros((m, Tx, n_x), dtype=dtype)
        y = np.zeros((m, n_x), dtype=dtype)
        for i, sentence in enumerate(X):
            for t, char in enumerate(sentence):
                if x_mark == "each":
                    x[i, t, (index[char] + shift) % n_x] = 1
                elif x_mark == "every step":
                    x[i, :, index[char]] = 1
            if x_mark == "last":
                x[i, Tx - 1, index[sentence[-1]]] = 1
            if y_from != "none":
                y[i, (index[Y[i] if y_from == "next" else sentence[-1]] + shift) % n_x] = 1
        if order == "t_m_n":
            x = x.transpose(1, 0, 2)
        elif order == "y_transposed":
            y = y.T
        return (y, x) if swap else (x, y)
    return vectorization


VECTORIZATION_MISTAKES = {
    "x's axes are in the wrong order": _vectorization(order="t_m_n"),
    "y is (n_x, m)": _vectorization(order="y_transposed"),
    "the one-hot index is one too high": _vectorization(shift=1),
    "the one-hot index is one too low": _vectorization(shift=-1),
    "y holds each window's last character": _vectorization(y_from="last"),
    "y is all zeros": _vectorization(y_from="none"),
    "x marks only each window's last character": _vectorization(x_mark="last"),
    "x marks each character at every time step": _vectorization(x_mark="every step"),
    "you returned (y, x)": _vectorization(swap=True),
    "yours follows the sorted characters": _vectorization(indices="sorted"),
    "Tx defaults to the course's 40": _vectorization(default_tx=10),
}


@pytest.mark.parametrize("mistake", sorted(VECTORIZATION_MISTAKES))
def test_vectorization_mistakes_are_named(mistake):
    verdict = check("vectorization", VECTORIZATION_MISTAKES[mistake])
    assert not verdict.passed and verdict.implemented, verdict.message
    assert mistake in verdict.message, verdict.message


def test_vectorization_non_one_hot_values_and_mutation_are_caught():
    def halves(X, Y, n_x, char_indices, Tx=40):
        x, y = _vectorization(dtype=float)(X, Y, n_x, char_indices, Tx)
        return x * 0.5, y

    assert "holds only 0 and 1" in check("vectorization", halves).message

    def pops(X, Y, n_x, char_indices, Tx=40):
        result = _vectorization()(X, Y, n_x, char_indices, Tx)
        Y.pop()
        return result

    assert "changed its argument Y in place" in check("vectorization", pops).message


def test_vectorization_correct_variants_pass():
    def vectorized(X, Y, n_x, char_indices, Tx=40):  # fancy indexing, float32 like np.zeros's default
        ids = np.array([[char_indices[c] for c in s] for s in X])
        x = np.zeros((len(X), Tx, n_x), dtype=np.float32)
        x[np.arange(len(X))[:, None], np.arange(Tx), ids] = 1
        y = np.eye(n_x)[[char_indices[c] for c in Y]]
        return x, y

    for variant in (_vectorization(), _vectorization(dtype=np.float64), vectorized):
        verdict = check("vectorization", variant)
        assert verdict.passed, verdict.message


def test_registered_as_rnnlibs_own():
    for name in ("build_data", "vectorization"):
        assert EXERCISES[name].notebook == "08_writing_like_shakespeare.ipynb"
        assert EXERCISES[name].graded_by_course is False
