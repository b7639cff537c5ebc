"""Bias drift: for each sensitive column of the schema (``sensitive: [gender, ...]``),
group counters per window (:func:`watchkeeper.fairness.count_groups`, mergeable) and
the fairness metrics they give, against the same counters on the reference.

Series, with the sensitive column as the feature label:

- ``demographic_parity_difference`` (0 is fair, larger is worse) and
  ``equalized_odds_difference`` (needs labels) over every group of the column;
- ``disparate_impact`` (Clarify DI, 1 is fair) and the other Clarify post-training
  metrics that counts allow, ``clarify_<metric>`` (DPPL, DCA, DCR, SD, RD, DAR, DRR, AD,
  TE, GE), for the facet *d*: the group the model selected least on the reference;
- ``bias_drift_detected`` (1 when :func:`watchkeeper.fairness.bias_drift` flags any of
  them against the reference) and ``bias_drift_p_value``, the smallest p-value of its
  z-tests (the metrics that have a variance).

Only binary classification: the rates need a positive class.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from watchkeeper.fairness import (
    CLARIFY_METRICS,
    GroupCounters,
    bias_drift,
    bias_metrics_from_counters,
    count_groups,
    disparity,
)
from watchkeeper.service._points import Value
from watchkeeper.service.kinds._base import (
    MonitorKind,
    ReferenceInput,
    WindowInput,
    problem_of,
    reference_column,
    role_columns,
)

__all__ = ["CLARIFY_SERIES", "KIND", "BiasDrift", "facet_of"]

# Clarify's post-training metrics that group counts give; DI has its own series name.
CLARIFY_SERIES = tuple(
    n for n, m in CLARIFY_METRICS.items() if m.stage == "post_training" and n != "DI"
)
_POST = ("DI", *CLARIFY_SERIES)


def facet_of(counters: GroupCounters) -> str:
    """The disadvantaged facet: the group with the lowest selection rate (ties by name).

    >>> facet_of(count_groups(None, [1, 0, 1, 1], sensitive_features={"g": list("abab")}))
    'b'
    """
    rates = {key[0]: counts.selection_rate for key, counts in counters.groups.items()}
    return min(sorted(rates), key=lambda g: rates[g])


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


class BiasDrift(MonitorKind):
    """Fairness metrics per sensitive column and window, and their drift."""

    name = "bias"

    def fit(self, reference: ReferenceInput) -> bytes | None:
        sensitive = [str(c) for c in reference.schema.get("sensitive") or []]
        if problem_of(reference.task) != "binary" or not sensitive:
            return None
        table, schema = reference.table, reference.schema
        target = reference_column(table, [*role_columns(schema, "target"), "target"])
        prediction = reference_column(table, [*role_columns(schema, "prediction"), "prediction"])
        if prediction is None:
            return None
        y_pred = table.column(prediction).to_pylist()
        y_true = None if target is None else table.column(target).to_pylist()
        kept: dict[str, Any] = {}
        for column in sensitive:
            found = reference_column(table, [column])
            if found is None:
                continue
            counters = count_groups(
                y_true, y_pred, sensitive_features={column: table.column(found).to_pylist()}
            )
            kept[column] = {"counters": counters.to_dict(), "facet": facet_of(counters)}
        return json.dumps(kept).encode() if kept else None

    def window_values(self, window: WindowInput) -> list[Value]:
        if window.state is None:
            return []
        kept: Mapping[str, Any] = json.loads(window.state)
        data = window.data
        rows = [i for i, p in enumerate(data.predictions) if p is not None]
        out: list[Value] = []
        for column, entry in kept.items():
            if column not in data.features.column_names or not rows:
                continue
            baseline = GroupCounters.from_dict(entry["counters"])
            groups = data.features.column(column).to_pylist()
            labels = [data.labels[i] for i in rows]
            current = count_groups(
                [np.nan if v is None else v for v in labels],
                [data.predictions[i] for i in rows],
                sensitive_features={column: [groups[i] for i in rows]},
                positive_label=baseline.positive_label,
            )
            out += window_bias_values(column, baseline, current, entry["facet"])
        return out


def window_bias_values(
    column: str, baseline: GroupCounters, current: GroupCounters, facet: str
) -> list[Value]:
    """The series of one sensitive column for one window's counters."""
    out: list[Value] = []
    report = disparity(current)
    for name, value in (
        ("demographic_parity_difference", report.demographic_parity_difference),
        ("equalized_odds_difference", report.equalized_odds_difference),
    ):
        if _finite(value):
            out.append((name, column, float(value)))
    if facet not in {key[0] for key in current.groups} or len(current.groups) < 2:
        return out
    metrics = bias_metrics_from_counters(current, facet=facet, metrics=_POST).values
    for name in _POST:
        series = "disparate_impact" if name == "DI" else f"clarify_{name.lower()}"
        if _finite(metrics[name]):
            out.append((series, column, float(metrics[name])))
    if facet in {key[0] for key in baseline.groups} and len(baseline.groups) > 1:
        drift = bias_drift(baseline, current, facet=facet, metrics=_POST)
        out.append(("bias_drift_detected", column, 1.0 if drift.drifted else 0.0))
        p_values = [m.p_value for m in drift.metrics if m.p_value is not None]
        if p_values:
            out.append(("bias_drift_p_value", column, float(min(p_values))))
    return out


KIND = BiasDrift()
