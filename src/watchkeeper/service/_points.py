"""Results to metric values: the one mapping from a drift result, finding counts and
labelled rows.

The live service (a window's profiles) and scheduled batch monitoring (a report over
files) both end in a :class:`~watchkeeper.drift.DatasetDrift`, counts of quality
findings and labelled predictions; this module turns them into ``(metric, feature,
value)`` triples named as the metric catalogue (:mod:`watchkeeper._catalogue`) names
them, so a nightly batch job and the live service raise the same alerts from the same
data. For each of the drift metrics larger is worse, but ``drift_p_value``, where
smaller is; performance metrics go the way the performance registry says.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from watchkeeper._exceptions import InputError

if TYPE_CHECKING:
    from watchkeeper.drift import DatasetDrift

__all__ = ["Value", "drift_values", "performance_values", "quality_values"]

# (metric, feature or None, value)
Value = tuple[str, str | None, float]


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def drift_values(result: DatasetDrift) -> list[Value]:
    """``drift_score``, ``drift_p_value``, ``drift_effect``, ``drift_detected`` per
    compared feature, and the dataset's ``share_drifted``.

    ``drift_score`` is the distance, or 1 - the (adjusted) p-value for a test, so that
    larger is worse for every method.

    >>> import numpy as np
    >>> from watchkeeper.drift import detect_drift
    >>> rng = np.random.default_rng(0)
    >>> result = detect_drift({"x": rng.normal(0, 1, 300)}, {"x": rng.normal(1, 1, 300)})
    >>> [(m, f) for m, f, _ in drift_values(result)]
    [('drift_score', 'x'), ('drift_p_value', 'x'), ('drift_effect', 'x'), \
('drift_detected', 'x'), ('share_drifted', None)]
    """
    out: list[Value] = []
    for column in result.columns:
        if not _finite(column.statistic):
            continue
        p_value = column.p_value_adjusted if column.p_value_adjusted is not None else column.p_value
        if column.output == "p_value" and p_value is not None:
            out.append(("drift_score", column.column, 1.0 - float(p_value)))
            out.append(("drift_p_value", column.column, float(column.p_value or 0.0)))
        else:
            out.append(("drift_score", column.column, float(column.statistic or 0.0)))
        if column.effect_size is not None and _finite(column.effect_size.value):
            out.append(("drift_effect", column.column, float(column.effect_size.value)))
        out.append(("drift_detected", column.column, 1.0 if column.drifted else 0.0))
    if result.n_columns:
        out.append(("share_drifted", None, float(result.share_drifted)))
    return out


def quality_values(counts: Mapping[str, int]) -> list[Value]:
    """``quality_critical`` and ``quality_warning`` from findings counted by severity.

    >>> quality_values({"critical": 2, "info": 5})
    [('quality_critical', None, 2.0), ('quality_warning', None, 0.0)]
    """
    return [
        ("quality_critical", None, float(counts.get("critical", 0))),
        ("quality_warning", None, float(counts.get("warning", 0))),
    ]


def performance_values(
    problem: str,
    truth: Sequence[Any],
    y_pred: Sequence[Any] | None,
    y_score: Any,
    classes: Sequence[Any] | None = None,
) -> list[Value]:
    """The problem's default performance metrics (``DEFAULT_METRICS[problem]``) over
    labelled rows. A metric whose input is missing (no scores, no predictions) or that
    is undefined on these rows (one class only) is absent, not zero.

    One error of 1 in three rows: MAE = MSE = 1/3; R^2 = 1 - 1 / (14/3) = 11/14.

    >>> values = performance_values("regression", [1.0, 2.0, 4.0], [1.0, 2.0, 3.0], None)
    >>> [(name, round(value, 4)) for name, _, value in values]
    [('mae', 0.3333), ('mse', 0.3333), ('rmse', 0.5774), ('r2', 0.7857), ('mape', 0.0833)]
    """
    from watchkeeper.performance import DEFAULT_METRICS, compute_metric, get_metric

    out: list[Value] = []
    for name in DEFAULT_METRICS[problem]:
        needs_scores = get_metric(name).needs == "scores"
        if (y_score if needs_scores else y_pred) is None:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if problem == "regression":
                    value = compute_metric(name, truth, y_pred)
                else:
                    value = compute_metric(
                        name,
                        truth,
                        None if needs_scores else y_pred,
                        y_score if needs_scores else None,
                        classes=classes,
                    )
        except (InputError, ValueError, TypeError):
            continue
        if math.isfinite(value):
            out.append((name, None, float(value)))
    return out
