"""The monitoring service: ingestion, windows, monitors, alerts and notifications.

Its shared types are in :mod:`watchkeeper.service._types`.
"""

from watchkeeper.service._types import (
    AlertEvent,
    AlertState,
    ChannelSpec,
    Condition,
    MetricPoint,
    MonitorSpec,
    Severity,
    alert_key,
    segment_key,
)

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
