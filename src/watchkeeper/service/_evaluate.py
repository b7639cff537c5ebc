"""Monitor evaluation: a window's metric points against each monitor's condition.

A monitor is evaluated on the points of its metric (and columns, for per-feature
metrics) once the window has at least ``min_samples`` records (labelled records, for
performance metrics). ``relative_to_baseline`` and ``sigma_band`` read the version's
baseline (``{metric}`` or ``{metric}.{feature}``, and ``{metric}_std`` for the band)
and otherwise the same series over earlier windows. The result of each check is
an :class:`Evaluation`; :mod:`watchkeeper.service._alerting` turns them into alert
state changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from watchkeeper._numbers import format_number as _fmt
from watchkeeper.service._types import Condition, MetricPoint, MonitorSpec

__all__ = ["MIN_HISTORY", "Evaluation", "check_condition", "evaluate_monitors"]

# Earlier windows needed to estimate a sigma band when the baseline gives none.
MIN_HISTORY = 3


@dataclass(frozen=True)
class Evaluation:
    """One monitor checked on one point: whether it is in breach, and why."""

    monitor: MonitorSpec
    point: MetricPoint
    breached: bool
    message: str


_WORDS = {
    "above": ("above", "not above"),
    "below": ("below", "not below"),
    "at_least": ("at least", "below"),
    "at_most": ("at most", "above"),
}


def check_condition(
    condition: Condition,
    value: float,
    *,
    baseline: float | None = None,
    spread: float | None = None,
    history: Sequence[float] = (),
) -> tuple[bool, str] | None:
    """Whether ``value`` breaches ``condition``, with a sentence; None when it cannot tell.

    The breach is the condition language's (:mod:`watchkeeper._conditions`), the same
    a CI suite's check fails by.

    >>> check_condition(Condition("above", threshold=0.2), 0.31)
    (True, '0.31 is above 0.2')
    >>> check_condition(Condition("at_most", threshold=0.8), 0.8)
    (True, '0.8 is at most 0.8')
    >>> check_condition(Condition("sigma_band", k=3.0), 14.0, history=[10.0, 11.0, 9.0])
    (True, '14 is outside 10 ± 3 x 1 (3 sigma band)')
    >>> check_condition(Condition("relative_to_baseline", threshold=0.1), 0.7) is None
    True
    """
    kind = condition.kind
    try:
        rule = condition.rule()
    except ValueError:
        return None  # a threshold is missing: nothing to tell
    if kind in _WORDS:
        breached = rule.fails(value)
        word = _WORDS[kind][0 if breached else 1]
        return breached, f"{_fmt(value)} is {word} {_fmt(rule.argument)}"
    if kind == "outside":
        low, high = rule.argument
        breached = rule.fails(value)
        where = "outside" if breached else "inside"
        return breached, f"{_fmt(value)} is {where} [{_fmt(low)}, {_fmt(high)}]"
    if baseline is None and history:
        baseline = float(np.mean(history))
    if kind == "relative_to_baseline":
        if baseline is None or baseline == 0:
            return None
        change = (value - baseline) / abs(baseline)
        breached = rule.fails(value, baseline=baseline)
        return breached, (
            f"{_fmt(value)} is {change:+.1%} from the baseline {_fmt(baseline)} "
            f"(limit {rule.argument:.1%}, {condition.direction})"
        )
    k = rule.argument
    if spread is None:
        if len(history) < MIN_HISTORY:
            return None
        spread = float(np.std(history, ddof=1))
    if baseline is None:
        return None
    breached = rule.fails(value, baseline=baseline, spread=spread)
    where = "outside" if breached else "inside"
    return breached, (
        f"{_fmt(value)} is {where} {_fmt(baseline)} ± {_fmt(k)} x {_fmt(spread)} "
        f"({_fmt(k)} sigma band)"
    )


def _baseline(
    baseline: Mapping[str, float], metric: str, feature: str | None
) -> tuple[float | None, float | None]:
    keys = [f"{metric}.{feature}", metric] if feature else [metric]
    for key in keys:
        if key in baseline:
            return baseline[key], baseline.get(f"{key}_std")
    return None, None


def evaluate_monitors(
    monitors: Sequence[MonitorSpec],
    points: Sequence[MetricPoint],
    *,
    n_records: int,
    n_labels: int,
    baseline: Mapping[str, float],
    history: Callable[[MetricPoint], Sequence[float]],
    performance_metrics: frozenset[str] = frozenset(),
) -> list[Evaluation]:
    """Check every applicable monitor against the points of one window.

    ``history(point)`` gives the earlier values of the point's series (oldest first),
    read only when a condition needs it.
    """
    out: list[Evaluation] = []
    for monitor in monitors:
        samples = n_labels if monitor.metric in performance_metrics else n_records
        if samples < monitor.min_samples:
            continue
        for point in points:
            if point.metric != monitor.metric or point.model != monitor.model:
                continue
            if monitor.version is not None and point.version != monitor.version:
                continue
            if monitor.columns and point.feature not in monitor.columns:
                continue
            if not math.isfinite(point.value):
                continue
            base, spread = _baseline(baseline, point.metric, point.feature)
            needs_history = monitor.condition.kind in ("relative_to_baseline", "sigma_band") and (
                base is None or (monitor.condition.kind == "sigma_band" and spread is None)
            )
            earlier = list(history(point)) if needs_history else []
            if base is not None and monitor.condition.kind == "sigma_band" and spread is None:
                # A baseline mean without its spread: estimate the spread from history.
                if len(earlier) < MIN_HISTORY:
                    continue
                spread = float(np.std(earlier, ddof=1))
            verdict = check_condition(
                monitor.condition, point.value, baseline=base, spread=spread, history=earlier
            )
            if verdict is None:
                continue
            breached, reason = verdict
            subject = (
                point.metric if point.feature is None else f"{point.metric} of {point.feature!r}"
            )
            where = f" in segment {point.segment}" if point.segment else ""
            message = (
                f"{monitor.name}: {subject} for {point.model} {point.version}{where}: {reason}"
            )
            out.append(Evaluation(monitor, point, breached, message))
    return out
