"""Monitors as JSON documents, the form the store keeps them in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from watchkeeper.service._types import Condition, MonitorSpec, Severity

__all__ = ["monitor_from_dict", "monitor_to_dict"]


def monitor_to_dict(monitor: MonitorSpec) -> dict[str, Any]:
    """A monitor as plain JSON.

    >>> m = MonitorSpec("drift", "churn", "drift_score", Condition("above", threshold=0.2))
    >>> monitor_from_dict(monitor_to_dict(m)) == m
    True
    """
    return {
        "name": monitor.name,
        "model": monitor.model,
        "metric": monitor.metric,
        "condition": monitor.condition.to_dict(),
        "severity": monitor.severity.value,
        "columns": list(monitor.columns),
        "min_samples": monitor.min_samples,
        "cooldown_seconds": monitor.cooldown.total_seconds(),
        "channels": list(monitor.channels),
        "version": monitor.version,
        "description": monitor.description,
    }


def monitor_from_dict(data: Mapping[str, Any]) -> MonitorSpec:
    """The monitor of :func:`monitor_to_dict`'s form."""
    return MonitorSpec(
        name=data["name"],
        model=data["model"],
        metric=data["metric"],
        condition=Condition(**dict(data["condition"])),
        severity=Severity(data.get("severity", "warning")),
        columns=tuple(data.get("columns") or ()),
        min_samples=int(data.get("min_samples", 100)),
        cooldown=timedelta(seconds=float(data.get("cooldown_seconds", 3600))),
        channels=tuple(data.get("channels") or ()),
        version=data.get("version"),
        description=data.get("description", ""),
    )
