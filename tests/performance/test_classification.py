"""Classification metrics agree with scikit-learn to 1e-9 on randomised inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve
from sklearn.preprocessing import label_binarize

from watchkeeper.performance import DegenerateChunkWarning, compute_metric

RTOL = 1e-9
SEEDS = range(12)


def _binary(seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    # Rounded scores so that ties, which exercise the tie handling, are common.
    p = np.round(np.clip(0.3 * y + rng.uniform(0, 0.7, n), 0, 1), 2)
    pred = (p > rng.uniform(0.3, 0.7)).astype(int)
    return y, pred, p


def _multiclass(seed: int, n: int = 400, k: int = 4) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    pred = np.where(rng.uniform(size=n) < 0.8, proba.argmax(axis=1), rng.integers(0, k, n))
    return y, pred, proba


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_label_metrics_match_sklearn(seed: int) -> None:
    y, pred, _ = _binary(seed)
    assert compute_metric("accuracy", y, pred) == pytest.approx(
        skm.accuracy_score(y, pred), rel=RTOL
    )
    for name, sk in [("precision", skm.precision_score), ("recall", skm.recall_score),
                     ("f1", skm.f1_score)]:  # fmt: skip
        assert compute_metric(name, y, pred) == pytest.approx(sk(y, pred), rel=RTOL)
        for average in ("micro", "macro", "weighted"):
            expected = sk(y, pred, average=average)
            assert compute_metric(f"{name}_{average}", y, pred) == pytest.approx(expected, rel=RTOL)
    # Specificity is the recall of the negative class.
    expected = skm.recall_score(y, pred, pos_label=0)
    assert compute_metric("specificity", y, pred) == pytest.approx(expected, rel=RTOL)
    tn, fp, fn, tp = skm.confusion_matrix(y, pred).ravel()
    assert compute_metric("true_positive", y, pred) == tp
    assert compute_metric("false_positive", y, pred) == fp
    assert compute_metric("false_negative", y, pred) == fn
    assert compute_metric("true_negative", y, pred) == tn


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_score_metrics_match_sklearn(seed: int) -> None:
    y, _, p = _binary(seed)
    pairs = {
        "roc_auc": skm.roc_auc_score(y, p),
        "average_precision": skm.average_precision_score(y, p),
        "log_loss": skm.log_loss(y, p),
        "brier_score": skm.brier_score_loss(y, p),
    }
    for name, expected in pairs.items():
        assert compute_metric(name, y, y_score=p) == pytest.approx(expected, rel=RTOL), name


@pytest.mark.parametrize("seed", SEEDS)
def test_multiclass_metrics_match_sklearn(seed: int) -> None:
    y, pred, proba = _multiclass(seed)
    classes = [0, 1, 2, 3]
    assert compute_metric("accuracy", y, pred) == pytest.approx(skm.accuracy_score(y, pred))
    for name, sk in [("precision", skm.precision_score), ("recall", skm.recall_score),
                     ("f1", skm.f1_score)]:  # fmt: skip
        assert compute_metric(name, y, pred) == pytest.approx(sk(y, pred, average="macro"))
        for average in ("micro", "macro", "weighted"):
            expected = sk(y, pred, average=average)
            assert compute_metric(f"{name}_{average}", y, pred) == pytest.approx(expected, rel=RTOL)
    # Per-class specificity tn / (tn + fp) from scikit-learn's one-vs-rest matrices.
    mcm = skm.multilabel_confusion_matrix(y, pred)
    tn, fp = mcm[:, 0, 0], mcm[:, 0, 1]
    support = mcm[:, 1, 0] + mcm[:, 1, 1]
    specificity = tn / (tn + fp)
    assert compute_metric("specificity_macro", y, pred) == pytest.approx(specificity.mean())
    assert compute_metric("specificity_micro", y, pred) == pytest.approx(tn.sum() / (tn + fp).sum())
    assert compute_metric("specificity_weighted", y, pred) == pytest.approx(
        np.average(specificity, weights=support), rel=RTOL
    )
    onehot = label_binarize(y, classes=classes)
    pairs = {
        "roc_auc": skm.roc_auc_score(y, proba, multi_class="ovr", average="macro"),
        "average_precision": skm.average_precision_score(onehot, proba, average="macro"),
        "log_loss": skm.log_loss(y, proba, labels=classes),
        "brier_score": skm.brier_score_loss(y, proba, labels=classes),
    }
    for name, expected in pairs.items():
        got = compute_metric(name, y, y_score=proba, classes=classes)
        assert got == pytest.approx(expected, rel=RTOL), name


@pytest.mark.parametrize("seed", SEEDS)
def test_confusion_matrix_cells_match_sklearn(seed: int) -> None:
    from watchkeeper.performance._classification import confusion_from_codes

    y, pred, _ = _multiclass(seed)
    expected = skm.confusion_matrix(y, pred, labels=[0, 1, 2, 3])
    np.testing.assert_array_equal(confusion_from_codes(y, pred, 4), expected)


def _ece_from_sklearn_curve(y: np.ndarray, confidence: np.ndarray, n_bins: int = 10) -> float:
    prob_true, prob_pred = calibration_curve(y, confidence, n_bins=n_bins, strategy="uniform")
    # calibration_curve drops empty bins; count the rows of the non-empty ones the same
    # way (edges on the lower bin, as its documentation states).
    edges = np.linspace(0, 1, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], confidence), minlength=n_bins)
    counts = counts[counts > 0]
    return float(np.sum(counts / y.size * np.abs(prob_true - prob_pred)))


@pytest.mark.parametrize("seed", SEEDS)
def test_expected_calibration_error_matches_calibration_curve(seed: int) -> None:
    y, _, p = _binary(seed)
    got = compute_metric("expected_calibration_error", y, y_score=p)
    assert got == pytest.approx(_ece_from_sklearn_curve(y, p), rel=RTOL)
    yk, _, proba = _multiclass(seed)
    top = proba.argmax(axis=1)
    expected = _ece_from_sklearn_curve((top == yk).astype(int), proba.max(axis=1))
    got = compute_metric("expected_calibration_error", yk, y_score=proba, classes=[0, 1, 2, 3])
    assert got == pytest.approx(expected, rel=RTOL)


def test_expected_calibration_error_by_hand() -> None:
    # Two rows in bin (0.7, 0.8]: mean confidence 0.75, outcome 0.5, gap 0.25 (weight 0.5);
    # two rows in (0.1, 0.2]: confidence 0.15, outcome 0, gap 0.15 (weight 0.5).
    y = np.array([1, 0, 0, 0])
    p = np.array([0.7 + 0.05, 0.75, 0.15, 0.15])
    assert compute_metric("expected_calibration_error", y, y_score=p) == pytest.approx(0.2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=2, max_size=60).filter(
        lambda rows: len({r[0] for r in rows}) == 2
    )
)
def test_roc_auc_and_average_precision_with_heavy_ties(rows: list[tuple[int, int]]) -> None:
    y = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows]) / 20.0
    assert compute_metric("roc_auc", y, y_score=p) == pytest.approx(
        skm.roc_auc_score(y, p), rel=RTOL
    )
    assert compute_metric("average_precision", y, y_score=p) == pytest.approx(
        skm.average_precision_score(y, p), rel=RTOL
    )


def test_one_class_chunk_gives_nan_and_a_warning() -> None:
    y = np.ones(10, dtype=int)
    p = np.linspace(0.1, 0.9, 10)
    with pytest.warns(DegenerateChunkWarning, match="only one class"):
        assert np.isnan(compute_metric("roc_auc", y, y_score=p, classes=[0, 1]))
    with pytest.warns(DegenerateChunkWarning, match="denominator is zero"):
        assert compute_metric("specificity", y, y, classes=[0, 1]) == 0.0


def test_empty_chunk_gives_nan_and_a_warning() -> None:
    empty = np.array([], dtype=int)
    for name in ("accuracy", "f1", "roc_auc", "log_loss"):
        with pytest.warns(DegenerateChunkWarning, match="no labelled rows"):
            assert np.isnan(compute_metric(name, empty, empty, np.array([]), classes=[0, 1]))


def test_no_predicted_positive_follows_sklearn_zero_division() -> None:
    y = np.array([0, 1, 1, 0])
    pred = np.zeros(4, dtype=int)
    with pytest.warns(DegenerateChunkWarning):
        got = compute_metric("precision", y, pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert got == skm.precision_score(y, pred)


def test_multiclass_auc_skips_absent_classes_with_a_warning() -> None:
    y, _, proba = _multiclass(0)
    keep = y != 3
    with pytest.warns(DegenerateChunkWarning, match="absent"):
        got = compute_metric("roc_auc", y[keep], y_score=proba[keep], classes=[0, 1, 2, 3])
    expected = np.mean([skm.roc_auc_score(y[keep] == k, proba[keep, k]) for k in range(3)])
    assert got == pytest.approx(expected, rel=RTOL)


def test_string_labels_use_sorted_order_and_second_is_positive() -> None:
    y = np.array(["ham", "spam", "spam", "ham", "spam"])
    pred = np.array(["ham", "spam", "ham", "ham", "spam"])
    assert compute_metric("recall", y, pred) == pytest.approx(
        skm.recall_score(y, pred, pos_label="spam")
    )
