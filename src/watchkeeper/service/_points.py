"""Results to metric values: the one mapping from a drift result and finding counts.

The live service (a window's profiles) and scheduled batch monitoring (a report over
files) both end in a :class:`~watchkeeper.drift.DatasetDrift` and counts of quality
findings; this module turns them into ``(metric, feature, value)`` triples named as
the metric catalogue (:mod:`watchkeeper._catalogue`) names them, so a nightly batch
job and the live service raise the same alerts from the same data. For each of these
metrics larger is worse, but ``drift_p_value``, where smaller is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from watchkeeper.drift import DatasetDrift

__all__ = ["Value", "drift_values", "quality_values"]

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
