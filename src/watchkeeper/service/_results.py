"""What :class:`~watchkeeper.service.MonitoringService` returns: frozen, JSON-ready data.

Every result has ``to_dict()`` giving plain JSON types (datetimes as ISO-8601 text in
UTC), which is what the HTTP API answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "AlertInfo",
    "ApiKeyInfo",
    "ApplyResult",
    "IngestResult",
    "LabelResult",
    "ModelInfo",
    "RecordError",
    "VersionInfo",
    "WindowInfo",
]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class ModelInfo:
    """A registered model: its task, its feature schema and its active version.

    >>> from datetime import UTC, datetime
    >>> m = ModelInfo("churn", "binary_classification", {"age": "numeric"}, "v1",
    ...               datetime(2024, 1, 1, tzinfo=UTC))
    >>> m.to_dict()["created_at"]
    '2024-01-01T00:00:00+00:00'
    """

    name: str
    task: str
    schema: Mapping[str, Any]
    active_version: str | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "task": self.task,
            "schema": dict(self.schema),
            "active_version": self.active_version,
            "created_at": _iso(self.created_at),
        }


@dataclass(frozen=True)
class VersionInfo:
    """A model version: whether it is active, has a reference, and its baseline metrics."""

    model: str
    version: str
    active: bool
    created_at: datetime
    has_reference: bool
    baseline: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "active": self.active,
            "created_at": _iso(self.created_at),
            "has_reference": self.has_reference,
            "baseline": dict(self.baseline),
        }


@dataclass(frozen=True)
class RecordError:
    """Why one record of a batch was rejected; ``index`` is its position in the batch.

    >>> RecordError(3, "r-3", "feature.age", "is NaN; send null").to_dict()
    {'index': 3, 'id': 'r-3', 'field': 'feature.age', 'message': 'is NaN; send null'}
    """

    index: int
    id: str | None
    field: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.id, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class IngestResult:
    """How a batch of predictions was received: stored, already known, rejected.

    >>> IngestResult(998, 1, (RecordError(5, None, "id", "is missing"),)).to_dict()["rejected"]
    [{'index': 5, 'id': None, 'field': 'id', 'message': 'is missing'}]
    """

    accepted: int
    duplicates: int
    rejected: tuple[RecordError, ...] = ()
    # Records whose segment value went to "__other__" (the per-window cap, SECURITY.md).
    segments_folded: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [error.to_dict() for error in self.rejected],
        }
        if self.segments_folded:
            out["segments_folded"] = self.segments_folded
        return out


@dataclass(frozen=True)
class LabelResult:
    """How a batch of labels was received; ``unknown_ids`` lists at most 100 of them."""

    accepted: int
    duplicates: int
    unknown_ids: tuple[str, ...] = ()
    n_unknown: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "unknown_ids": list(self.unknown_ids),
            "n_unknown": self.n_unknown,
        }


@dataclass(frozen=True)
class WindowInfo:
    """One time window of one model version and segment, and its metrics once closed.

    ``metrics`` maps a metric name to its value, or for per-feature metrics to a
    mapping feature -> value.
    """

    model: str
    version: str
    segment: str | None
    start: datetime
    end: datetime
    status: str
    n_records: int
    n_labels: int
    metrics: dict[str, Any] = field(default_factory=dict)
    # The metrics rest on aggregates an erasure could not reach (raw data compacted).
    approximate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "segment": self.segment,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "status": self.status,
            "n_records": self.n_records,
            "n_labels": self.n_labels,
            "metrics": self.metrics,
            "approximate": self.approximate,
        }


@dataclass(frozen=True)
class AlertInfo:
    """The stored state of one alert (one per monitor, model, version, feature, segment)."""

    key: str
    monitor: str
    model: str
    version: str
    metric: str
    feature: str | None
    segment: str | None
    state: str
    severity: str
    value: float
    fired_at: datetime
    resolved_at: datetime | None
    acknowledged_by: str | None
    silenced_until: datetime | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "monitor": self.monitor,
            "model": self.model,
            "version": self.version,
            "metric": self.metric,
            "feature": self.feature,
            "segment": self.segment,
            "state": self.state,
            "severity": self.severity,
            "value": self.value,
            "fired_at": _iso(self.fired_at),
            "resolved_at": _iso(self.resolved_at),
            "acknowledged_by": self.acknowledged_by,
            "silenced_until": _iso(self.silenced_until),
            "message": self.message,
        }


@dataclass(frozen=True)
class ApiKeyInfo:
    """An API key's public facts; the key itself is shown once, at creation, and never stored."""

    id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "scopes": list(self.scopes),
            "created_at": _iso(self.created_at),
        }


@dataclass(frozen=True)
class ApplyResult:
    """The names that ``apply_config`` created or updated, per kind."""

    models: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    monitors: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models),
            "versions": list(self.versions),
            "monitors": list(self.monitors),
            "channels": list(self.channels),
        }
