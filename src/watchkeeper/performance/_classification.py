"""Classification metrics in numpy, computed from encoded labels and scores.

Direction: ``accuracy``, ``precision``, ``recall``, ``f1``, ``specificity``, ``roc_auc``
and ``average_precision`` are scores, higher is better; ``log_loss``, ``brier_score``
and ``expected_calibration_error`` are losses, larger is worse.

Every function here takes labels already encoded as integer codes ``0..k-1`` (the index
of the label in the sorted classes) and probabilities as an ``(n, k)`` matrix whose
column ``j`` is the probability of class ``j``. For a binary problem the positive class
is code 1. Encoding happens once, at the boundary (:mod:`._inputs`), so that a chunked
computation never re-sorts labels.

Degenerate inputs never raise. The values used, each with a
:class:`~watchkeeper.performance.DegenerateChunkWarning`, are:

* a ratio whose denominator is zero (precision with no predicted positives, recall of
  a class with no true rows, ...) is 0.0, as scikit-learn's ``zero_division="warn"``;
* ROC AUC and average precision with a single class present are NaN; in the
  multiclass macro average, classes absent from the chunk are left out, and the
  average is NaN when fewer than two classes are present;
* any metric of an empty chunk is NaN (handled by the caller, :mod:`._registry`).

The confusion-matrix metrics are written as functions of a (possibly fractional)
confusion matrix so that CBPE can apply the very same code to an *expected* confusion
matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from watchkeeper.performance._warning_classes import warn_degenerate

__all__ = [
    "AVERAGES",
    "accuracy_from_confusion",
    "average_precision",
    "binary_average_precision",
    "binary_roc_auc",
    "brier_score",
    "confusion_from_codes",
    "expected_calibration_error",
    "log_loss",
    "rate_from_confusion",
    "roc_auc",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

AVERAGES = ("binary", "micro", "macro", "weighted")

# (numerator, denominator) of each per-class rate, from tp, fp, fn, tn.
_Counts = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
_RATES: dict[str, Callable[[_Counts], tuple[FloatArray, FloatArray]]] = {
    "precision": lambda c: (c[0], c[0] + c[1]),
    "recall": lambda c: (c[0], c[0] + c[2]),
    "specificity": lambda c: (c[3], c[3] + c[1]),
    # F1 straight from the counts (as scikit-learn): it is undefined only when
    # tp = fp = fn = 0, not whenever precision or recall is.
    "f1": lambda c: (2.0 * c[0], 2.0 * c[0] + c[1] + c[2]),
}


def confusion_from_codes(y_true: IntArray, y_pred: IntArray, n_classes: int) -> FloatArray:
    """Confusion matrix, rows the true class and columns the predicted class.

    >>> confusion_from_codes(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]
    """
    flat = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes).astype(np.float64)


def _counts(confusion: FloatArray) -> _Counts:
    tp = np.diag(confusion).astype(np.float64)
    fp = confusion.sum(axis=0) - tp
    fn = confusion.sum(axis=1) - tp
    tn = confusion.sum() - tp - fp - fn
    return tp, fp, fn, tn


def _safe_divide(num: FloatArray, den: FloatArray, metric: str) -> FloatArray:
    zero = den == 0
    if zero.any():
        warn_degenerate(metric, "its denominator is zero for at least one class", "0.0")
    return np.divide(num, den, out=np.zeros_like(num, dtype=np.float64), where=~zero)


def accuracy_from_confusion(confusion: FloatArray) -> float:
    """Share of rows whose prediction is right.

    >>> accuracy_from_confusion(np.array([[3.0, 1.0], [0.0, 4.0]]))
    0.875
    """
    return float(np.trace(confusion) / confusion.sum())


def rate_from_confusion(confusion: FloatArray, rate: str, average: str) -> float:
    """Precision, recall, specificity or F1 of a confusion matrix, averaged as asked.

    ``average`` is ``"binary"`` (the positive class, code 1), ``"micro"`` (pooled
    counts), ``"macro"`` (unweighted mean over classes) or ``"weighted"`` (mean weighted
    by each class's number of true rows).

    >>> c = np.array([[5.0, 1.0], [2.0, 2.0]])
    >>> round(rate_from_confusion(c, "precision", "binary"), 4)
    0.6667
    >>> round(rate_from_confusion(c, "recall", "macro"), 4)
    0.6667
    """
    counts = _counts(confusion)
    num, den = _RATES[rate](counts)
    if average == "micro":
        return float(_safe_divide(np.array([num.sum()]), np.array([den.sum()]), rate)[0])
    if average == "binary":
        return float(_safe_divide(num[1:2], den[1:2], rate)[0])
    per_class = _safe_divide(num, den, rate)
    if average == "macro":
        return float(per_class.mean())
    support = counts[0] + counts[2]
    return float(np.average(per_class, weights=support))


def binary_roc_auc(
    positive: NDArray[np.bool_], score: FloatArray, metric: str = "roc_auc"
) -> float:
    """Area under the ROC curve, as the Mann-Whitney statistic with mid-ranks for ties.

    >>> binary_roc_auc(np.array([False, False, True, True]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        warn_degenerate(metric, "only one class is present")
        return float("nan")
    ranks = rankdata(score)
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def _one_vs_rest(
    y_true: IntArray,
    proba: FloatArray,
    binary_metric: Callable[[NDArray[np.bool_], FloatArray, str], float],
    metric: str,
) -> float:
    n_classes = proba.shape[1]
    if n_classes == 2:
        return binary_metric(y_true == 1, proba[:, 1], metric)
    present = np.bincount(y_true, minlength=n_classes) > 0
    if present.sum() < 2:
        warn_degenerate(metric, "fewer than two classes are present")
        return float("nan")
    if not present.all():
        warn_degenerate(
            metric, "some classes are absent from the chunk", "the mean over the others"
        )
    values = [binary_metric(y_true == k, proba[:, k], metric) for k in np.flatnonzero(present)]
    return float(np.mean(values))


def roc_auc(y_true: IntArray, proba: FloatArray) -> float:
    """ROC AUC: binary, or the one-vs-rest macro average for more than two classes.

    >>> proba = np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3]])
    >>> round(roc_auc(np.array([0, 1, 2, 1]), proba), 4)
    1.0
    """
    return _one_vs_rest(y_true, proba, binary_roc_auc, "roc_auc")


def binary_average_precision(
    positive: NDArray[np.bool_], score: FloatArray, metric: str = "average_precision"
) -> float:
    """Average precision: the sum over score thresholds of precision times recall gained.

    >>> positive = np.array([False, False, True, True])
    >>> binary_average_precision(positive, np.array([0.1, 0.4, 0.35, 0.8]))
    0.8333333333333333
    """
    n_pos = int(positive.sum())
    if n_pos == 0:
        warn_degenerate(metric, "there are no positive rows")
        return float("nan")
    order = np.argsort(-score)
    sorted_score = score[order]
    # One point per distinct threshold: the last row of each run of tied scores.
    last = np.r_[np.flatnonzero(np.diff(sorted_score)), score.size - 1]
    tps = np.cumsum(positive[order], dtype=np.float64)[last]
    precision = tps / (last + 1.0)
    recall = tps / n_pos
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def average_precision(y_true: IntArray, proba: FloatArray) -> float:
    """Average precision: binary, or the one-vs-rest macro average.

    >>> proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.2, 0.8]])
    >>> average_precision(np.array([0, 1, 1, 1]), proba)
    1.0
    """
    return _one_vs_rest(y_true, proba, binary_average_precision, "average_precision")


def log_loss(y_true: IntArray, proba: FloatArray) -> float:
    """Mean negative log-likelihood of the true class (probabilities clipped to [eps, 1-eps]).

    The clipping, with ``eps`` the float64 machine epsilon, is scikit-learn's.

    >>> round(log_loss(np.array([1, 0]), np.array([[0.1, 0.9], [0.8, 0.2]])), 6)
    0.164252
    """
    eps = np.finfo(np.float64).eps
    picked = proba[np.arange(y_true.size), y_true]
    return float(-np.mean(np.log(np.clip(picked, eps, 1.0 - eps))))


def brier_score(y_true: IntArray, proba: FloatArray) -> float:
    """Mean squared distance between the probabilities and the one-hot truth.

    Binary: ``mean((p - y)^2)`` with ``p`` the positive-class probability (range 0..1).
    Multiclass: the sum over classes, range 0..2 (scikit-learn's ``scale_by_half="auto"``).

    >>> brier_score(np.array([1, 0]), np.array([[0.1, 0.9], [0.8, 0.2]]))
    0.025
    """
    if proba.shape[1] == 2:
        return float(np.mean((proba[:, 1] - (y_true == 1)) ** 2))
    onehot = np.zeros_like(proba)
    onehot[np.arange(y_true.size), y_true] = 1.0
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def calibration_bins(confidence: FloatArray, n_bins: int) -> IntArray:
    """Equal-width bin of each value in 0..1; a value on an edge goes to the lower bin.

    This is scikit-learn's ``calibration_curve(strategy="uniform")`` binning.
    """
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.searchsorted(edges[1:-1], confidence).astype(np.intp)


def expected_calibration_error(y_true: IntArray, proba: FloatArray, n_bins: int = 10) -> float:
    """Expected calibration error on ``n_bins`` equal-width bins of the confidence.

    ``sum_b (n_b / n) * |mean(outcome in b) - mean(confidence in b)|``. Binary: the
    confidence is the positive-class probability and the outcome the positive label.
    Multiclass: top-label calibration, the confidence is the largest probability and the
    outcome whether its class is the true one.

    >>> p = np.array([0.9, 0.2, 0.7, 0.6])  # one row per bin: gaps 0.1, 0.2, 0.3, 0.4
    >>> ece = expected_calibration_error(np.array([1, 0, 1, 1]), np.column_stack([1 - p, p]))
    >>> round(ece, 4)
    0.25
    """
    if proba.shape[1] == 2:
        confidence = proba[:, 1]
        outcome = (y_true == 1).astype(np.float64)
    else:
        top = np.argmax(proba, axis=1)
        confidence = proba[np.arange(y_true.size), top]
        outcome = (top == y_true).astype(np.float64)
    bins = calibration_bins(confidence, n_bins)
    gap = np.bincount(bins, outcome, n_bins) - np.bincount(bins, confidence, n_bins)
    return float(np.abs(gap).sum() / y_true.size)
