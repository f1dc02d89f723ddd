"""Tests for rnnlib.nn.metrics' held-out reports: confusion matrix, per-class recall, macro-F1."""
import numpy as np
import pytest

from rnnlib.errors import ShapeError
from rnnlib.nn.metrics import confusion_matrix, macro_f1, per_class_recall


def test_confusion_matrix_counts_true_by_predicted():
    counts = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    np.testing.assert_allclose(per_class_recall(counts), [0.5, 1.0, 2 / 3])


def test_macro_f1_by_hand():
    counts = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    # class 0: P 1/2 R 1/2 -> 0.5; class 1: P 1/2 R 1 -> 2/3; class 2: P 1 R 2/3 -> 0.8
    assert macro_f1(counts) == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)
    assert macro_f1(confusion_matrix([0, 1], [0, 1], 4)) == 1.0  # absent classes are left out
    assert macro_f1(confusion_matrix([0, 1], [1, 0], 2)) == 0.0


@pytest.mark.parametrize("true, pred", [([0, 1], [0]), ([0, 5], [0, 1]), ([[0]], [[0]]), ([0.5], [0]), ([-1], [0])])
def test_bad_labels(true, pred):
    with pytest.raises(ShapeError):
        confusion_matrix(true, pred, 3)
