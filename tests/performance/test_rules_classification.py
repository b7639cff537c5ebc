"""Classification metrics' documented edge rules (performance/_classification.py).

Multiclass ROC AUC is the one-vs-rest macro average over the classes present in the
chunk: with exactly two of three classes present it is the mean of those two classes'
one-vs-rest AUCs (scikit-learn's roc_auc_score on each indicator), with one present it
is NaN.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from watchkeeper.performance._classification import average_precision, roc_auc
from watchkeeper.performance._warning_classes import DegenerateChunkWarning

PROBA = np.array(
    [
        [0.6, 0.3, 0.1],
        [0.2, 0.5, 0.3],
        [0.5, 0.1, 0.4],
        [0.3, 0.4, 0.3],
        [0.1, 0.2, 0.7],
        [0.4, 0.35, 0.25],
    ]
)


def test_rule_multiclass_roc_auc_with_exactly_two_classes_present_averages_those_two() -> None:
    y = np.array([0, 1, 0, 1, 1, 0])  # class 2 is absent
    expected = np.mean([roc_auc_score(y == k, PROBA[:, k]) for k in (0, 1)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = roc_auc(y, PROBA)
    assert value == pytest.approx(expected)
    # Written out: class 0 scores {0.6, 0.5, 0.4} vs {0.2, 0.3, 0.1}: 9 of 9 pairs, 1.0;
    # class 1 scores {0.5, 0.4, 0.2} vs {0.3, 0.1, 0.35}: 7 of 9 pairs, 7/9.
    assert value == pytest.approx((1.0 + 7 / 9) / 2)


def test_rule_multiclass_roc_auc_with_two_classes_present_warns_of_the_absent_one() -> None:
    y = np.array([0, 1, 0, 1, 1, 0])
    with pytest.warns(DegenerateChunkWarning, match="absent from the chunk"):
        roc_auc(y, PROBA)


def test_rule_multiclass_roc_auc_with_one_class_present_is_nan() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(roc_auc(np.zeros(6, dtype=np.int64), PROBA))


def test_rule_multiclass_roc_auc_with_all_classes_equals_sklearn_ovr_macro() -> None:
    y = np.array([0, 1, 2, 1, 2, 0])
    expected = roc_auc_score(y, PROBA, multi_class="ovr", average="macro")
    assert roc_auc(y, PROBA) == pytest.approx(expected)


def test_rule_binary_roc_auc_reads_the_second_column() -> None:
    y = np.array([0, 1, 1, 0, 1])
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.35, 0.65], [0.3, 0.7], [0.2, 0.8]])
    assert roc_auc(y, proba) == pytest.approx(roc_auc_score(y, proba[:, 1]))


def test_rule_multiclass_average_precision_with_two_classes_present_averages_those_two() -> None:
    from sklearn.metrics import average_precision_score

    y = np.array([0, 1, 0, 1, 1, 0])
    expected = np.mean([average_precision_score(y == k, PROBA[:, k]) for k in (0, 1)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert average_precision(y, PROBA) == pytest.approx(expected)


def test_rule_a_class_with_a_single_example_is_present() -> None:
    y = np.array([0, 1, 2, 1, 2, 1])  # class 0 has exactly one example
    expected = roc_auc_score(y, PROBA, multi_class="ovr", average="macro")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert roc_auc(y, PROBA) == pytest.approx(expected)


def test_rule_the_absent_class_warning_names_the_metric() -> None:
    y = np.array([0, 1, 0, 1, 1, 0])
    with pytest.warns(DegenerateChunkWarning) as caught:
        average_precision(y, PROBA)
    assert str(caught[0].message) == (
        "average_precision is undefined because some classes are absent from the chunk; "
        "reported as the mean over the others"
    )
