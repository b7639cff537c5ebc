"""Bad input at the boundary: clear messages, documented behaviour."""

from __future__ import annotations

import numpy as np
import pytest

import watchkeeper.performance as perf
from watchkeeper import ColumnError, InputError, UnknownMethodError
from watchkeeper.performance import calculate_performance


def _multiclass(n: int = 300) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    proba = rng.dirichlet([1.0, 1.0, 1.0], n)
    return {"a": proba[:, 0], "b": proba[:, 1], "c": proba[:, 2],
            "pred": proba.argmax(axis=1), "y": rng.integers(0, 3, n)}  # fmt: skip


def test_probabilities_must_sum_to_one_within_tolerance() -> None:
    data = _multiclass()
    nudged = {**data, "a": data["a"] + perf.PROBABILITY_SUM_TOLERANCE / 2}
    calculate_performance(data, nudged, y_true="y", y_pred="pred", y_score=["a", "b", "c"])
    broken = {**data, "a": data["a"] * 0.5}
    with pytest.raises(ColumnError, match="do not sum to 1"):
        calculate_performance(data, broken, y_true="y", y_pred="pred", y_score=["a", "b", "c"])


def test_score_mapping_by_class_and_wrong_count() -> None:
    data = _multiclass()
    result = calculate_performance(
        data, data, y_true="y", y_pred="pred", y_score={2: "c", 0: "a", 1: "b"},
        metrics=["roc_auc"],
    )  # fmt: skip
    assert result.problem == "multiclass"
    with pytest.raises(InputError, match="2 score columns for 3 classes"):
        calculate_performance(data, data, y_true="y", y_pred="pred", y_score=["a", "b"])


def test_unknown_metric_and_wrong_problem() -> None:
    with pytest.raises(UnknownMethodError, match="unknown metric 'auc'"):
        perf.get_metric("auc")
    with pytest.raises(InputError, match="does not apply to a regression"):
        perf.get_metric("f1", "regression")


def test_public_surface_is_exactly_all() -> None:
    public = {name for name in dir(perf) if not name.startswith("_")}
    assert set(perf.__all__) <= public
    for name in perf.__all__:
        assert getattr(perf, name) is not None


def test_every_registered_metric_has_consistent_metadata() -> None:
    for name, metric in perf.METRICS.items():
        assert metric.name == name
        assert metric.problems <= {"binary", "multiclass", "regression"}
        implementations = [metric.from_confusion, metric.from_scores, metric.from_values]
        assert sum(f is not None for f in implementations) == 1
