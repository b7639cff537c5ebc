"""The monitoring service: ingestion, windows, monitors, alerts and notifications.

:class:`MonitoringService` is the facade the server, the CLI and tests call; it is built
from a :class:`~watchkeeper.store.Store` and :class:`Settings`. The types its parts
exchange are in :mod:`watchkeeper.service._types`.
"""

from watchkeeper.service._errors import Conflict, NotFound
from watchkeeper.service._protocol import ServiceAPI
from watchkeeper.service._results import (
    AlertInfo,
    ApiKeyInfo,
    ApplyResult,
    IngestResult,
    LabelResult,
    ModelInfo,
    RecordError,
    VersionInfo,
    WindowInfo,
)
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
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
    "AlertInfo",
    "AlertState",
    "ApiKeyInfo",
    "ApplyResult",
    "ChannelSpec",
    "Condition",
    "Conflict",
    "IngestResult",
    "LabelResult",
    "MetricPoint",
    "ModelInfo",
    "MonitorSpec",
    "MonitoringService",
    "NotFound",
    "RecordError",
    "ServiceAPI",
    "Settings",
    "Severity",
    "VersionInfo",
    "WindowInfo",
    "alert_key",
    "segment_key",
]
