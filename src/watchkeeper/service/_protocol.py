""":class:`ServiceAPI`: every method of the monitoring service that its callers use.

The HTTP server, the dashboard and the background loop are written against this
protocol, never against the store; :class:`~watchkeeper.service.MonitoringService`
satisfies it (a test checks), and a test double for fault injection can too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import pyarrow as pa

from watchkeeper._operations import Operations
from watchkeeper.compliance._audit import Actor, AuditEntry, ChainCheck
from watchkeeper.profile import Profile
from watchkeeper.service._delivery import DeliveryReport
from watchkeeper.service._erasure import ErasureResult
from watchkeeper.service._leader import Leadership
from watchkeeper.service._profile_ingest import ProfileIngestResult
from watchkeeper.service._reports import ReportInfo
from watchkeeper.service._results import (
    AlertInfo,
    ApiKeyInfo,
    ApplyResult,
    IngestResult,
    LabelResult,
    ModelInfo,
    VersionInfo,
    WindowInfo,
)
from watchkeeper.service._sessions import SessionInfo
from watchkeeper.service._types import MetricPoint, MonitorSpec

__all__ = ["ServiceAPI"]


class ServiceAPI(Protocol):
    """The monitoring-service facade as the server and the dashboard see it."""

    # models and versions

    def create_model(
        self,
        name: str,
        task: str,
        schema: Mapping[str, Any] | None = None,
        *,
        window: timedelta | None = None,
        actor: Actor | None = None,
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
        reference_profile: Profile | bytes | None = None,
        actor: Actor | None = None,
    ) -> VersionInfo: ...

    def list_versions(self, model: str) -> list[VersionInfo]: ...

    def promote(self, model: str, version: str, *, actor: Actor | None = None) -> VersionInfo: ...

    def rollback(self, model: str, *, actor: Actor | None = None) -> VersionInfo: ...

    # versions from MLflow model URIs, against the server's own tracking URI (issue 18)

    def register_mlflow_version(
        self,
        model: str,
        version: str,
        uri: str,
        *,
        baseline: Mapping[str, float] | None = None,
        activate: bool = False,
        actor: Actor | None = None,
    ) -> VersionInfo: ...

    def version_metadata(self, model: str, key: str) -> dict[str, Any]: ...

    # ingestion

    def ingest_predictions(self, model: str, version: str, records: pa.Table) -> IngestResult: ...

    def ingest_labels(self, model: str, labels: Sequence[tuple[str, Any]]) -> LabelResult: ...

    def ingest_host_metrics(
        self, model: str, version: str, points: Sequence[Mapping[str, Any]]
    ) -> int: ...

    # profiles posted by senders; several processes on one store (issue 16)

    def ingest_profile(
        self,
        model: str,
        version: str,
        window_start: datetime,
        body: bytes,
        *,
        segment: str | None = None,
        operations: Operations | None = None,
        part_key: str | None = None,
    ) -> ProfileIngestResult: ...

    def ingest_performance_profile(
        self,
        model: str,
        version: str,
        window_start: datetime,
        profile: Mapping[str, Any],
        *,
        segment: str | None = None,
        part_key: str | None = None,
    ) -> ProfileIngestResult: ...

    def ingest_score_profile(
        self,
        model: str,
        version: str,
        window_start: datetime,
        profile: Mapping[str, Any],
        *,
        segment: str | None = None,
        part_key: str | None = None,
    ) -> ProfileIngestResult: ...

    def ingest_bias_profile(
        self,
        model: str,
        version: str,
        window_start: datetime,
        profile: Mapping[str, Any],
        *,
        segment: str | None = None,
        part_key: str | None = None,
    ) -> ProfileIngestResult: ...

    def performance_edges(self, model: str, version: str) -> dict[str, Any]: ...

    def window_length(self, model: str) -> timedelta: ...

    def leadership(self) -> Leadership: ...

    # windows and metrics

    def close_windows(
        self, model: str, *, now: datetime | None = None, actor: Actor | None = None
    ) -> list[WindowInfo]: ...

    def list_windows(
        self, model: str, *, version: str | None = None, limit: int = 500
    ) -> list[WindowInfo]: ...

    def window_profile(
        self, model: str, version: str, window_start: datetime, segment: str | None = None
    ) -> Profile | None: ...

    def reference_profile(self, model: str, version: str) -> Profile | None: ...

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

    # alerts, notifications, monitors

    def list_alerts(
        self, *, model: str | None = None, state: str | None = None
    ) -> list[AlertInfo]: ...

    def acknowledge_alert(self, key: str, *, by: str, actor: Actor | None = None) -> AlertInfo: ...

    def silence_alert(
        self, key: str, *, until: datetime, by: str, actor: Actor | None = None
    ) -> AlertInfo: ...

    def deliver_notifications(self, *, now: datetime | None = None) -> DeliveryReport: ...

    def apply_config(self, config: Any, *, actor: Actor | None = None) -> ApplyResult: ...

    def put_monitor(self, monitor: MonitorSpec, *, actor: Actor | None = None) -> None: ...

    def list_monitors(self, model: str | None = None) -> list[MonitorSpec]: ...

    # API keys

    def create_api_key(
        self, scopes: Sequence[str], *, name: str = "", actor: Actor | None = None
    ) -> tuple[ApiKeyInfo, str]: ...

    def verify_api_key(self, plaintext: str) -> ApiKeyInfo | None: ...

    # No I/O: a key verify_api_key accepted within Settings.key_cache_seconds, else None.
    def cached_api_key(self, plaintext: str) -> ApiKeyInfo | None: ...

    def list_api_keys(self) -> list[ApiKeyInfo]: ...

    def revoke_api_key(self, key_id: str, *, actor: Actor | None = None) -> None: ...

    # dashboard sessions (in the store: shared by workers, kept across restarts)

    def open_session(self, key_id: str, lifetime: timedelta) -> tuple[SessionInfo, str]: ...

    def find_session(self, token: str) -> SessionInfo | None: ...

    def end_session(self, token: str) -> None: ...

    # batch reports

    def upload_report(
        self,
        report: Mapping[str, Any],
        *,
        name: str = "",
        model: str | None = None,
        by: str,
        actor: Actor | None = None,
    ) -> ReportInfo: ...

    def list_reports(self, *, limit: int = 50, offset: int = 0) -> list[ReportInfo]: ...

    def count_reports(self) -> int: ...

    def get_report(self, report_id: str) -> tuple[ReportInfo, dict[str, Any]]: ...

    def health(self) -> dict[str, Any]: ...

    # erasure

    def erase_records(
        self,
        model: str,
        *,
        ids: Sequence[str] = (),
        subject: str | None = None,
        actor: Actor | None = None,
    ) -> ErasureResult: ...

    def apply_retention(
        self,
        model: str,
        periods: Mapping[str, timedelta],
        *,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> dict[str, int]: ...

    def run_retention(
        self, model: str, *, now: datetime | None = None, actor: Actor | None = None
    ) -> dict[str, int]: ...

    def use_server_retention(self, periods: Mapping[str, timedelta]) -> None: ...

    # the audit trail

    def list_audit(
        self,
        *,
        model: str | None = None,
        action: str | None = None,
        actor: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after_seq: int = 0,
        before_seq: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]: ...

    def verify_audit(self) -> ChainCheck: ...
