"""The part of :class:`watchkeeper.service.MonitoringService` that the HTTP server calls.

The server is written against this protocol, never against the store, so that the
routes can be tested with an in-memory fake and the real service is a drop-in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import pyarrow as pa

from watchkeeper.service._results import (
    AlertInfo,
    ApiKeyInfo,
    IngestResult,
    LabelResult,
    ModelInfo,
    VersionInfo,
    WindowInfo,
)
from watchkeeper.service._types import MetricPoint

__all__ = ["ServiceAPI"]


class ServiceAPI(Protocol):
    """The monitoring-service facade as the server sees it (see docs/server.md)."""

    def create_model(
        self, name: str, task: str, schema: Mapping[str, Any] | None = None
    ) -> ModelInfo: ...

    def list_models(self) -> list[ModelInfo]: ...

    def get_model(self, name: str) -> ModelInfo: ...

    def create_version(
        self,
        model: str,
        version: str,
        *,
        reference: pa.Table | None = None,
        baseline: Mapping[str, float] | None = None,
        activate: bool = False,
        reference_profile: bytes | None = None,
    ) -> VersionInfo: ...

    def list_versions(self, model: str) -> list[VersionInfo]: ...

    def promote(self, model: str, version: str) -> VersionInfo: ...

    def rollback(self, model: str) -> VersionInfo: ...

    def ingest_predictions(self, model: str, version: str, records: pa.Table) -> IngestResult: ...

    def ingest_labels(self, model: str, labels: Sequence[tuple[str, Any]]) -> LabelResult: ...

    def ingest_host_metrics(
        self, model: str, version: str, points: Sequence[Mapping[str, Any]]
    ) -> int: ...

    def close_windows(self, model: str, *, now: datetime | None = None) -> list[WindowInfo]: ...

    def list_windows(
        self, model: str, *, version: str | None = None, limit: int = 500
    ) -> list[WindowInfo]: ...

    def metric_series(
        self,
        model: str,
        metric: str,
        *,
        version: str | None = None,
        feature: str | None = None,
        segment: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[MetricPoint]: ...

    def latest_metrics(self) -> list[MetricPoint]: ...

    def list_alerts(
        self, *, model: str | None = None, state: str | None = None
    ) -> list[AlertInfo]: ...

    def acknowledge_alert(self, key: str, *, by: str) -> AlertInfo: ...

    def silence_alert(self, key: str, *, until: datetime, by: str) -> AlertInfo: ...

    def verify_api_key(self, plaintext: str) -> ApiKeyInfo | None: ...

    def health(self) -> dict[str, Any]: ...
