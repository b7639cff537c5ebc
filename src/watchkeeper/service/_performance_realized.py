"""Realized performance of a window fed by performance profiles and labelled records.

The window's labelled records are profiled on the posted parts' classes and edges and
added to them, so the window's figures are those of the union of the rows:

- *exact*: the threshold metrics of a classifier (accuracy, precision, recall, F1,
  specificity, the confusion cells) come from the merged confusion matrix through the
  performance registry's own functions, the very computation the records-only path
  does, so they equal scikit-learn on the rows; a regressor's MAE, MSE, RMSE, MAPE and
  R^2 come from summed errors (equal to floating-point rounding);
- *bounded*: ROC AUC and average precision come from the score histograms. The value
  stored is the estimate (within-bin pairs as ties) and the window's ``bounded`` entry
  gives ``lower``, ``upper`` and ``width``: the metric on the raw scores lies in
  ``[lower, upper]`` (docs/performance.md, "Performance profiles"). Score metrics a
  histogram cannot give (log loss, Brier score, calibration error) are absent.

A window without performance parts keeps the records-only computation, exact for every
metric. Larger is better for every score; errors: larger is worse.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from watchkeeper._exceptions import InputError
from watchkeeper._vocabulary import PROBLEM_OF_TASK
from watchkeeper.performance import (
    DEFAULT_METRICS,
    METRICS,
    BoundedScore,
    ClassificationProfile,
    RegressionProfile,
    classification_profile,
    regression_profile,
)
from watchkeeper.service._performance_parts import PerformanceProfile
from watchkeeper.service._points import Value
from watchkeeper.service._windows import WindowData, _score_matrix

__all__ = ["Realized", "realized_with_profiles"]

_RANKING: Mapping[str, Callable[[ClassificationProfile, str], BoundedScore]] = {
    "roc_auc": ClassificationProfile.roc_auc,
    "average_precision": ClassificationProfile.average_precision,
}
_REGRESSION: Mapping[str, Callable[[RegressionProfile], float]] = {
    "mae": lambda p: p.mean_absolute_error,
    "mse": lambda p: p.mean_squared_error,
    "rmse": lambda p: p.root_mean_squared_error,
    "r2": lambda p: p.r2_score,
    "mape": lambda p: p.mean_absolute_percentage_error,
}


@dataclass(frozen=True)
class Realized:
    """A window's realized performance from profiles and records.

    ``values`` are the realized metrics; ``bounded`` maps each bounded one to its
    ``lower``, ``upper`` and ``width``; ``n_labels`` counts the labelled rows of both;
    ``note`` says why the parts could not be used (then ``values`` is None and the
    records-only figures stand).
    """

    values: list[Value] | None
    n_labels: int
    bounded: dict[str, dict[str, float]] = field(default_factory=dict)
    note: str | None = None

    def applied(self, values: Sequence[Value], n_rows: int) -> list[Value]:
        """``values`` with the realized metrics and ``label_coverage`` replaced."""
        if self.values is None:
            return list(values)
        kept = [v for v in values if v[0] not in METRICS and v[0] != "label_coverage"]
        coverage = self.n_labels / n_rows if n_rows else 0.0
        return [*kept, ("label_coverage", None, coverage), *self.values]

    def summary(self) -> dict[str, Any]:
        """What the window's summary adds: ``bounded`` and ``performance_note``."""
        out: dict[str, Any] = {}
        if self.bounded:
            out["bounded"] = self.bounded
        if self.note:
            out["performance_note"] = self.note
        return out


def realized_with_profiles(task: str, data: WindowData, posted: PerformanceProfile) -> Realized:
    """The realized performance of the window's labelled records and ``posted`` parts."""
    rows = [i for i, label in enumerate(data.labels) if label is not None]
    n_labels = len(rows) + posted.n_rows
    problem = PROBLEM_OF_TASK.get(task)
    try:
        if isinstance(posted, RegressionProfile) and problem == "regression":
            return _regression(data, rows, posted, n_labels)
        if isinstance(posted, ClassificationProfile) and problem in ("binary", "multiclass"):
            return _classification(problem, data, rows, posted, n_labels)
    except InputError as error:
        note = f"performance profiles not merged with the labelled records: {error}"
        return Realized(None, len(rows), note=note)
    return Realized(None, len(rows), note=f"performance profiles do not fit a {task} model")


def _finite(name: str, value: float) -> list[Value]:
    return [(name, None, float(value))] if math.isfinite(value) else []


def _regression(
    data: WindowData, rows: Sequence[int], posted: RegressionProfile, n_labels: int
) -> Realized:
    merged = posted
    if rows:
        predicted = [data.predictions[i] for i in rows]
        if any(p is None for p in predicted):
            raise InputError("some labelled records have no prediction")
        truth = [data.labels[i] for i in rows]
        merged = regression_profile(truth, predicted, edges=posted.edges).merge(posted)
    values: list[Value] = []
    for name in DEFAULT_METRICS["regression"]:
        read = _REGRESSION.get(name)
        if read is None or (name == "mape" and merged.sum_abs_percentage_error is None):
            continue
        values += _finite(name, read(merged))
    return Realized(values, n_labels)


def _classification(
    problem: str,
    data: WindowData,
    rows: Sequence[int],
    posted: ClassificationProfile,
    n_labels: int,
) -> Realized:
    classes = posted.classes
    merged, with_predictions = posted, True
    if rows:
        truth = [data.labels[i] for i in rows]
        predicted = [data.predictions[i] for i in rows]
        with_predictions = all(p is not None for p in predicted)
        scores = _score_matrix(problem, classes, data, rows)
        mine = classification_profile(
            truth, predicted if with_predictions else truth, scores,
            classes=classes, edges=posted.edges,
        )  # fmt: skip
        merged = mine.merge(posted)
    # Binary or multiclass by the number of classes, as compute_metric decides.
    kind = "binary" if len(classes) == 2 else "multiclass"
    confusion = merged.confusion.astype(np.float64)
    values: list[Value] = []
    bounded: dict[str, dict[str, float]] = {}
    for name in DEFAULT_METRICS[problem]:
        metric = METRICS[name]
        if metric.from_confusion is not None:
            if with_predictions and kind in metric.problems:
                values += _finite(name, metric.from_confusion(confusion, kind))
            continue
        ranking = _RANKING.get(name)
        if ranking is None or not merged.ranked:
            continue
        score = _one_vs_rest(merged, ranking, kind)
        if score is not None:
            values += _finite(name, score.estimate)
            bounded[name] = {"lower": score.lower, "upper": score.upper, "width": score.width}
    return Realized(values, n_labels, bounded)


def _one_vs_rest(
    profile: ClassificationProfile,
    ranking: Callable[[ClassificationProfile, str], BoundedScore],
    kind: str,
) -> BoundedScore | None:
    """The positive class's bounded score (binary), or the mean over the classes present
    (multiclass), as the records-only path averages; None when undefined."""
    classes = profile.classes
    try:
        if kind == "binary":
            return ranking(profile, classes[1])
        present = [c for k, c in enumerate(classes) if profile.confusion[k].sum() > 0]
        if len(present) < 2:
            return None
        scores = [ranking(profile, c) for c in present]
    except InputError:
        return None
    return BoundedScore(
        estimate=float(np.mean([s.estimate for s in scores])),
        lower=float(np.mean([s.lower for s in scores])),
        upper=float(np.mean([s.upper for s in scores])),
    )
