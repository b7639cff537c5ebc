"""What the repository returns: small frozen rows, independent of SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "AlertRow",
    "ApiKeyRow",
    "LabelTarget",
    "ModelRow",
    "OutboxRow",
    "VersionRow",
    "WindowRow",
]


@dataclass(frozen=True)
class ModelRow:
    id: int
    name: str
    task: str
    schema: dict[str, Any]
    window_seconds: int | None
    active_version_id: int | None
    active_version: str | None
    created_at: datetime


@dataclass(frozen=True)
class VersionRow:
    id: int
    model_id: int
    name: str
    baseline: dict[str, float]
    active: bool
    created_at: datetime
    has_reference: bool


@dataclass(frozen=True)
class WindowRow:
    id: int
    model_id: int
    version_id: int
    version: str
    segment: str
    start: datetime
    end: datetime
    status: str
    n_records: int
    n_labels: int
    needs_recompute: bool
    metrics: dict[str, Any] = field(default_factory=dict)
    approximate: bool = False


@dataclass(frozen=True)
class LabelTarget:
    """A stored record that a label refers to."""

    record_id: str
    version_id: int
    window_start: int
    segment: str
    label: str | None


@dataclass(frozen=True)
class AlertRow:
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
    condition: dict[str, Any]
    window_start: datetime
    window_end: datetime
    fired_at: datetime
    resolved_at: datetime | None
    last_notified_at: datetime | None
    acknowledged_by: str | None
    silenced_until: datetime | None
    message: str
    notified_state: str | None = None
    consecutive_breaches: int = 0
    consecutive_clears: int = 0


@dataclass(frozen=True)
class OutboxRow:
    id: int
    channel: str
    event: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


@dataclass(frozen=True)
class ApiKeyRow:
    id: str
    name: str
    key_hash: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked: bool
