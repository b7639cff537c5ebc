"""A suite proposed from reference data, as SageMaker's baseline job suggests constraints.

The reference is compared with itself once, and every number the suite needs is read
from that comparison with the same metric readers the checks use, so the suggestion
passes on the reference by construction (a test holds it to that). What it proposes:

- ``dataset.rows`` above zero (fail);
- per column, the missing share below the reference's plus ``missing_margin`` (fail);
- per numeric column, a range: the minimum above ``min - margin * (max - min)`` and
  the maximum below ``max + margin * (max - min)`` (warn: extremes grow with data);
- per categorical or boolean column with at most ``max_categories`` values, the set of
  categories (fail: a category the model never saw is an input it cannot score);
- per compared column, no drift (warn: one column in many drifts by chance), and the
  share of drifted features at most ``max_share_drifted`` or what the reference shows
  against itself, whichever is larger (fail);
- with a target and a prediction or score, each default performance metric of the
  problem above the reference's value minus ``performance_margin`` (higher is better)
  or below it plus ``performance_margin`` times itself (errors, larger is worse) (fail).

Limits are rounded outwards to four significant digits, so the file reads well and
rounding never tightens a limit. Conditions are written in the language suites and
monitors share (:mod:`watchkeeper._conditions`): each says when the check fails
(``above: 0.2`` on the drift share).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from watchkeeper._exceptions import InputError, WatchkeeperError
from watchkeeper.checks._metrics import Measurements, metric_value
from watchkeeper.checks._suite import Check, Suite
from watchkeeper.io import to_table
from watchkeeper.performance import DEFAULT_METRICS, get_metric
from watchkeeper.schema import ColumnKind, ColumnRole, Schema

__all__ = ["suggest_suite"]

_SKIPPED_ROLES = frozenset({ColumnRole.ID, ColumnRole.IGNORED, ColumnRole.TIMESTAMP})
_DIGITS = 4


def _scale(value: float) -> float:
    return 10.0 ** (math.floor(math.log10(abs(value))) - (_DIGITS - 1))


def _snap(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


def _down(value: float) -> float:
    """``value`` rounded down to four significant digits.

    >>> _down(0.123456), _down(-0.123456)
    (0.1234, -0.1235)
    """
    if abs(value) < 1e-300:  # zero and subnormals: nothing worth rounding
        return value
    scale = _scale(value)
    limit = _snap(math.floor(value / scale) * scale)
    while limit > value:  # the division's rounding error landed on the wrong side
        limit = _snap(limit - scale)
    return limit


def _up(value: float) -> float:
    """``value`` rounded up to four significant digits.

    >>> _up(0.123456), _up(1234567.0)
    (0.1235, 1235000.0)
    """
    return -_down(-value)


def _overrides(
    schema: Mapping[str, Any] | None,
    target: str | None,
    prediction: str | None,
    scores: list[str] | None,
) -> dict[str, Any] | None:
    out: dict[str, Any] = dict(schema or {})
    if target:
        out["target"] = target
    if prediction:
        out["prediction"] = prediction
    if scores:
        out["scores"] = list(scores)
    return out or None


def _column_checks(
    data: Measurements,
    schema: Schema,
    *,
    margin: float,
    missing_margin: float,
    max_categories: int,
) -> list[Check]:
    checks: list[Check] = []
    for spec in schema:
        if spec.role in _SKIPPED_ROLES or spec.kind not in (
            ColumnKind.NUMERIC,
            ColumnKind.CATEGORICAL,
            ColumnKind.BOOLEAN,
        ):
            continue
        prefix = f"quality.column.{spec.name}"
        missing = metric_value(data, f"{prefix}.missing_share", "reference")
        checks.append(Check(f"{prefix}.missing_share", "at_least", _up(missing + missing_margin)))
        if spec.kind == ColumnKind.NUMERIC:
            try:
                low = metric_value(data, f"{prefix}.min", "reference")
                high = metric_value(data, f"{prefix}.max", "reference")
            except InputError:
                continue  # no finite values to take a range from
            width = high - low if high > low else max(abs(high), 1.0)
            checks.append(Check(f"{prefix}.min", "at_most", _down(low - margin * width), "warn"))
            checks.append(Check(f"{prefix}.max", "at_least", _up(high + margin * width), "warn"))
        else:
            categories = metric_value(data, f"{prefix}.categories", "reference")
            if 0 < len(categories) <= max_categories:
                checks.append(Check(f"{prefix}.categories", "not_in", categories))
    return checks


def _problem(data: Measurements, schema: Schema, target: str) -> str:
    if schema[target].kind == ColumnKind.NUMERIC:
        return "regression"
    labels = metric_value(data, f"quality.column.{target}.categories", "reference")
    return "binary" if len(labels) <= 2 else "multiclass"


def _performance_checks(data: Measurements, schema: Schema, margin: float) -> list[Check]:
    targets = schema.with_role(ColumnRole.TARGET)
    has_outputs = schema.with_role(ColumnRole.PREDICTION) or schema.with_role(ColumnRole.SCORE)
    if len(targets) != 1 or not has_outputs:
        return []
    checks: list[Check] = []
    for name in DEFAULT_METRICS[_problem(data, schema, targets[0].name)]:
        try:
            value = float(metric_value(data, f"performance.{name}", "reference"))
        except WatchkeeperError:
            continue  # the data lacks what this metric needs (scores, a second class)
        metric = f"performance.{name}"
        if get_metric(name).higher_is_better:
            checks.append(Check(metric, "at_most", _down(value - margin)))
        else:
            checks.append(Check(metric, "at_least", _up(value + margin * max(abs(value), 1e-12))))
    return checks


def suggest_suite(
    reference: Any,
    *,
    schema: Mapping[str, Any] | None = None,
    target: str | None = None,
    prediction: str | None = None,
    scores: list[str] | None = None,
    reference_path: str | None = None,
    name: str = "suggested",
    margin: float = 0.1,
    missing_margin: float = 0.05,
    max_categories: int = 50,
    max_share_drifted: float = 0.2,
    performance_margin: float = 0.05,
) -> Suite:
    """A suite of checks that ``reference`` passes and clearly different data fails.

    ``schema`` holds schema overrides (as in a schema file); ``target``, ``prediction``
    and ``scores`` are shorthands for them and turn on the performance floors.
    ``reference_path`` is written into the suite so ``watchkeeper check`` finds it.

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> ref = {"x": rng.normal(0, 1, 500), "plan": rng.choice(["a", "b"], 500)}
    >>> suite = suggest_suite(ref)
    >>> for check in suite.checks[:4]:
    ...     print(check.title, "|", check.severity)
    dataset.rows > 0 | fail
    quality.column.x.missing_share < 0.05 | fail
    quality.column.x.min > -3.293 | warn
    quality.column.x.max < 3.682 | warn
    >>> suite.check(ref, ref).passed
    True
    """
    for label, value in (("margin", margin), ("missing_margin", missing_margin)):
        if not value >= 0:
            raise InputError(f"{label} must be a number >= 0, not {value!r}")
    overrides = _overrides(schema, target, prediction, scores)
    table = to_table(reference)
    data = Measurements.compute(table, table, schema=overrides)
    resolved = data.report.schema
    checks = [Check("dataset.rows", "at_most", 0)]
    checks += _column_checks(
        data, resolved, margin=margin, missing_margin=missing_margin, max_categories=max_categories
    )
    for spec in resolved:
        if spec.compared:
            checks.append(Check(f"drift.column.{spec.name}.drifted", "is", True, "warn"))
    own_share = metric_value(data, "drift.share_drifted")  # 0 unless a policy is odd
    limit = _up(max(max_share_drifted, own_share))
    checks.append(Check("drift.share_drifted", "above", limit))
    checks += _performance_checks(data, resolved, performance_margin)
    return Suite(tuple(checks), name=name, reference=reference_path, schema=overrides)
