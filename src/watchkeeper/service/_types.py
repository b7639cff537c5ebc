"""The types the service's parts exchange: metric points, monitors, channels, alerts.

Pure data, no behaviour beyond validation and JSON forms, so that the store, the
monitor evaluator, the alert state machine, the notifiers, the exposition and the
configuration loader can be written and tested apart.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from watchkeeper._conditions import Rule
from watchkeeper._severity import Severity  # one scale for alerts and findings

__all__ = [
    "AlertEvent",
    "AlertState",
    "ChannelSpec",
    "Condition",
    "MetricPoint",
    "MonitorSpec",
    "Severity",
    "alert_key",
    "segment_key",
]


class AlertState(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


def segment_key(segment: Mapping[str, Any] | None) -> str | None:
    """A canonical text for a segment mapping (sorted ``key=value`` pairs).

    >>> segment_key({"region": "eu", "tier": "gold"})
    'region=eu,tier=gold'
    >>> segment_key({}) is None
    True
    """
    if not segment:
        return None
    return ",".join(f"{k}={segment[k]}" for k in sorted(segment))


@dataclass(frozen=True)
class MetricPoint:
    """One value of one metric for one window of one model version."""

    model: str
    version: str
    metric: str
    value: float
    window_start: datetime
    window_end: datetime
    feature: str | None = None
    segment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "metric": self.metric,
            "value": self.value,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "feature": self.feature,
            "segment": self.segment,
        }


ConditionKind = Literal[
    "above", "below", "at_least", "at_most", "outside", "relative_to_baseline", "sigma_band"
]


@dataclass(frozen=True)
class Condition:
    """When a monitor's metric is in breach, in the condition language of
    :mod:`watchkeeper._conditions` (which CI suites share):

    - ``above``: value > threshold; ``below``: value < threshold; ``at_least``:
      value >= threshold; ``at_most``: value <= threshold;
    - ``outside``: value < low or value > high;
    - ``relative_to_baseline``: |value - baseline| / |baseline| > threshold
      (``direction`` "up", "down" or "both");
    - ``sigma_band``: value outside baseline mean +/- k standard deviations.

    >>> Condition("outside", low=0.5).rule().fails(0.4)
    True
    """

    kind: ConditionKind
    threshold: float | None = None
    low: float | None = None
    high: float | None = None
    k: float | None = None
    direction: Literal["up", "down", "both"] = "both"

    def rule(self) -> Rule:
        """The condition as the language's :class:`~watchkeeper._conditions.Rule`.

        Raises ``ValueError`` when a threshold the kind needs is missing.
        """
        if self.kind == "outside":
            low = -math.inf if self.low is None else self.low
            high = math.inf if self.high is None else self.high
            return Rule(kind="outside", argument=(low, high))
        if self.kind == "sigma_band":
            k = 3.0 if self.k is None else self.k
            return Rule(kind="sigma_band", argument=k, direction=self.direction)
        if self.threshold is None:
            raise ValueError(f"condition {self.kind!r} has no threshold")
        return Rule(kind=self.kind, argument=self.threshold, direction=self.direction)

    @classmethod
    def from_rule(cls, rule: Rule) -> Condition:
        """The monitor's condition for a parsed numeric rule.

        >>> from watchkeeper._conditions import parse_condition
        >>> Condition.from_rule(parse_condition("between", [0, 1]))
        Condition(kind='outside', threshold=None, low=0.0, high=1.0, k=None, direction='both')
        """
        if rule.kind == "outside":
            low, high = rule.argument
            return cls(
                "outside",
                low=None if math.isinf(low) else float(low),
                high=None if math.isinf(high) else float(high),
            )
        if rule.kind == "sigma_band":
            return cls("sigma_band", k=float(rule.argument), direction=rule.direction)
        if rule.kind in ("above", "below", "at_least", "at_most", "relative_to_baseline"):
            return cls(rule.kind, threshold=float(rule.argument), direction=rule.direction)
        raise ValueError(f"a monitor's condition is numeric; {rule.kind!r} is not")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "threshold": self.threshold,
            "low": self.low,
            "high": self.high,
            "k": self.k,
            "direction": self.direction,
        }


@dataclass(frozen=True)
class MonitorSpec:
    """A monitor declared as code: a metric, a condition, a severity and where to tell."""

    name: str
    model: str
    metric: str
    condition: Condition
    severity: Severity = Severity.WARNING
    columns: tuple[str, ...] = ()
    min_samples: int = 100
    cooldown: timedelta = timedelta(hours=1)
    channels: tuple[str, ...] = ()
    version: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ChannelSpec:
    """A notification channel; ``settings`` depend on ``type``.

    Secrets (webhook signing secrets, SMTP passwords, routing keys) are named by the
    environment variable that holds them (``secret_env``, ``password_env``), never
    written in the file.
    """

    name: str
    type: Literal["webhook", "slack", "email", "pagerduty"]
    settings: Mapping[str, Any] = field(default_factory=dict)


def alert_key(
    monitor: str, model: str, version: str, feature: str | None, segment: str | None
) -> str:
    """The de-duplication key of an alert: one per monitor, model, version, feature, segment.

    >>> alert_key("drift", "churn", "v1", "age", None)
    '73dd1cfa71e7edc4'
    """
    text = "\x1f".join([monitor, model, version, feature or "", segment or ""])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class AlertEvent:
    """A change of an alert's state, as sent to a notification channel."""

    key: str
    monitor: str
    model: str
    version: str
    metric: str
    state: AlertState
    severity: Severity
    value: float
    condition: Condition
    window_start: datetime
    window_end: datetime
    fired_at: datetime
    feature: str | None = None
    segment: str | None = None
    resolved_at: datetime | None = None
    message: str = ""
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "monitor": self.monitor,
            "model": self.model,
            "version": self.version,
            "metric": self.metric,
            "feature": self.feature,
            "segment": self.segment,
            "state": self.state.value,
            "severity": self.severity.value,
            "value": self.value,
            "condition": self.condition.to_dict(),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "fired_at": self.fired_at.isoformat(),
            "resolved_at": None if self.resolved_at is None else self.resolved_at.isoformat(),
            "message": self.message,
            "url": self.url,
        }
