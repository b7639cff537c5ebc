"""CBPE: close to the realized metric on calibrated scores, reacts to covariate shift."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper import InputError
from watchkeeper.performance import CBPE, SizeChunker, calculate_performance


def _calibrated(n: int, seed: int, a: float = 2.0, b: float = 2.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.beta(a, b, n)
    return {"p": p, "pred": (p > 0.5).astype(int), "y": rng.binomial(1, p)}


METRICS = ["roc_auc", "f1", "precision", "recall", "specificity", "accuracy",
           "average_precision", "log_loss", "brier_score"]  # fmt: skip


def test_binary_estimate_is_within_sampling_error_of_realized() -> None:
    ref, ana = _calibrated(50_000, 0), _calibrated(20_000, 1)
    cbpe = CBPE(y_pred="pred", y_score="p", y_true="y", metrics=METRICS,
                chunker=SizeChunker(5000)).fit(ref)  # fmt: skip
    result = cbpe.estimate(ana)
    for name in METRICS:
        for chunk in result.metric(name).analysis:
            assert chunk.realized is not None
            # An estimate is a mean of n terms: within 4 standard errors nearly always.
            assert abs(chunk.value - chunk.realized) < 4 * chunk.sampling_error + 1e-3, name


def test_estimate_reacts_to_covariate_shift() -> None:
    ref = _calibrated(40_000, 0)
    easy = _calibrated(10_000, 2, a=0.5, b=0.5)  # scores pushed to 0 and 1: more accurate
    cbpe = CBPE(y_pred="pred", y_score="p", y_true="y", metrics=["accuracy"],
                chunker=SizeChunker(5000)).fit(ref)  # fmt: skip
    result = cbpe.estimate({"p": easy["p"], "pred": easy["pred"]})
    accuracy = result.metric("accuracy")
    realized = calculate_performance(easy, easy, y_true="y", y_pred="pred", metrics=["accuracy"],
                                     chunker=SizeChunker(5000)).metric("accuracy")  # fmt: skip
    assert accuracy.upper_threshold is not None
    for est, real in zip(accuracy.analysis, realized.analysis, strict=True):
        assert est.value > accuracy.upper_threshold
        assert est.alert
        assert est.value == pytest.approx(real.value, abs=0.02)


def test_multiclass_estimate_is_close_to_realized() -> None:
    rng = np.random.default_rng(0)
    n, k = 60_000, 3
    logits = rng.normal(0, 1.5, (n, k))
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = (proba.cumsum(axis=1) > rng.uniform(size=(n, 1))).argmax(axis=1)
    data = {"p0": proba[:, 0], "p1": proba[:, 1], "p2": proba[:, 2],
            "pred": proba.argmax(axis=1), "y": y}  # fmt: skip
    half = {key: value[: n // 2] for key, value in data.items()}
    rest = {key: value[n // 2 :] for key, value in data.items()}
    cbpe = CBPE(y_pred="pred", y_score=["p0", "p1", "p2"], y_true="y",
                metrics=["accuracy", "f1_macro", "roc_auc", "precision_weighted"],
                chunker=SizeChunker(10_000)).fit(half)  # fmt: skip
    for metric in cbpe.estimate(rest).metrics:
        for chunk in metric.analysis:
            assert chunk.value == pytest.approx(chunk.realized, abs=0.02), metric.metric


def test_miscalibrated_scores_are_calibrated_on_the_reference() -> None:
    ref, ana = _calibrated(40_000, 0), _calibrated(10_000, 1)
    squash = {**ref, "p": ref["p"] ** 3}  # same ranking, badly calibrated
    cbpe = CBPE(y_pred="pred", y_score="p", y_true="y", metrics=["accuracy"],
                chunker=SizeChunker(5000)).fit(squash)  # fmt: skip
    assert cbpe.calibrators_
    result = cbpe.estimate({**ana, "p": ana["p"] ** 3})
    for chunk in result.metric("accuracy").analysis:
        assert chunk.value == pytest.approx(chunk.realized, abs=0.02)


def test_fit_needs_targets_and_scores() -> None:
    with pytest.raises(InputError, match="y_true"):
        CBPE(y_pred="pred", y_score="p").fit(_calibrated(100, 0))
    with pytest.raises(InputError, match="before estimate"):
        CBPE(y_pred="pred", y_score="p").estimate(_calibrated(100, 0))


def test_every_classification_metric_can_be_estimated() -> None:
    from watchkeeper.performance import METRICS
    from watchkeeper.performance._cbpe import _SCORE_ESTIMATORS

    for name, metric in METRICS.items():
        if "binary" in metric.problems:
            assert metric.from_confusion is not None or name in _SCORE_ESTIMATORS, name


def test_small_reference_class_warns_that_the_estimate_is_unreliable() -> None:
    from watchkeeper.performance import UnreliableEstimateWarning

    data = _calibrated(1500, 0, a=0.3, b=8.0)  # very few positives
    assert data["y"].sum() < 100
    with pytest.warns(UnreliableEstimateWarning, match="too little data"):
        CBPE(y_pred="pred", y_score="p", y_true="y", metrics=["accuracy"]).fit(data)
