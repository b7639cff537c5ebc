"""The monitoring service facade: what the HTTP server, the dashboard and the CLI call.

A thin layer: each method names one operation and hands it to the module that does it:

- :mod:`._registry`: models and versions (and the cached lookups the rest uses);
- :mod:`._ingestion` (validation in :mod:`._ingest`): predictions and labels;
- :mod:`._closing`: closing windows, metrics, monitor evaluation;
- :mod:`._alerting`: alert operations; :mod:`._delivery`: the notification outbox;
- :mod:`._keys`: API keys; :mod:`._health`: host figures, health; :mod:`._reports`: reports.

The store, the settings, the clock and the notification sender are injected. The
methods the server and the dashboard may call are the :class:`~._protocol.ServiceAPI`
protocol, which this class satisfies.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.profile import Profile
from watchkeeper.service import _alerting, _closing, _health, _ingestion
from watchkeeper.service._apply import apply_config
from watchkeeper.service._delivery import DeliveryReport, Sender, deliver_pending
from watchkeeper.service._ingest import feature_kinds
from watchkeeper.service._keys import SCOPES, ApiKeys
from watchkeeper.service._profiles import load_reference_profile, read_window_profile
from watchkeeper.service._registry import TASKS, Registry, aware, utc_now
from watchkeeper.service._reports import ReportBook, ReportInfo
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
from watchkeeper.service._settings import Settings
from watchkeeper.service._specs import monitor_from_dict, monitor_to_dict
from watchkeeper.service._types import MetricPoint, MonitorSpec
from watchkeeper.store import Store

__all__ = ["SCOPES", "TASKS", "MonitoringService", "utc_now"]


class MonitoringService:
    """Models, versions, ingestion, windows, metrics, alerts, keys and reports over a store.

    >>> import pyarrow as pa
    >>> from datetime import UTC, datetime
    >>> service = MonitoringService(Store("sqlite://"), Settings())
    >>> service.create_model("churn", "binary_classification",
    ...                      {"features": {"age": "numeric"}}).name
    'churn'
    >>> _ = service.create_version("churn", "v1", activate=True)
    >>> t = datetime(2024, 1, 1, 10, tzinfo=UTC)
    >>> stamps = pa.array([t, t], pa.timestamp("us", "UTC"))
    >>> batch = pa.table({"id": ["a", "b"], "timestamp": stamps,
    ...                   "feature.age": [31.0, 45.0], "prediction": [1, 0]})
    >>> service.ingest_predictions("churn", "v1", batch).accepted
    2
    >>> service.ingest_predictions("churn", "v1", batch).duplicates
    2
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
        *,
        sender: Sender | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.sender = sender
        self._registry = Registry(store, settings, clock)
        self._keys = ApiKeys(store, clock)
        self._reports = ReportBook(store, clock)
        self._close_lock = threading.Lock()

    def _forget(self) -> None:
        self._registry.forget()

    # models and versions

    def create_model(
        self,
        name: str,
        task: str,
        schema: Mapping[str, Any] | None = None,
        *,
        window: timedelta | None = None,
    ) -> ModelInfo:
        """Register a model; idempotent when it exists with the same task and schema."""
        return self._registry.create_model(name, task, schema, window=window)

    def list_models(self) -> list[ModelInfo]:
        return self._registry.list_models()

    def get_model(self, name: str) -> ModelInfo:
        return self._registry.get_model(name)

    def create_version(
        self,
        model: str,
        version: str,
        *,
        reference: pa.Table | None = None,
        baseline: Mapping[str, float] | None = None,
        activate: bool = False,
        reference_profile: Profile | bytes | None = None,
    ) -> VersionInfo:
        """Register a version with its reference data (or a reference profile, for data
        too large to send) and baseline metrics; idempotent given the same reference."""
        return self._registry.create_version(
            model, version, reference=reference, baseline=baseline, activate=activate,
            reference_profile=reference_profile)  # fmt: skip

    def list_versions(self, model: str) -> list[VersionInfo]:
        return self._registry.list_versions(model)

    def promote(self, model: str, version: str) -> VersionInfo:
        """Make ``version`` the active version of ``model``."""
        return self._registry.promote(model, version)

    def rollback(self, model: str) -> VersionInfo:
        """Make the previously active version active again."""
        return self._registry.rollback(model)

    # ingestion

    def ingest_predictions(self, model: str, version: str, records: pa.Table) -> IngestResult:
        """Validate and store a batch of predictions; returns once the accepted ones are
        durable. Records that fail validation are listed in the result, not stored."""
        return _ingestion.ingest_predictions(self._registry, model, version, records)

    def ingest_labels(self, model: str, labels: Sequence[tuple[str, Any]]) -> LabelResult:
        """Attach ground truth to stored predictions by id; late labels reopen their window."""
        return _ingestion.ingest_labels(self._registry, model, labels)

    def ingest_host_metrics(
        self, model: str, version: str, points: Sequence[Mapping[str, Any]]
    ) -> int:
        """Store the SDK's host figures (cpu_percent, memory_bytes, dropped) by timestamp."""
        return _health.ingest_host_metrics(self._registry, model, version, points)

    # windows and metrics

    def close_windows(self, model: str, *, now: datetime | None = None) -> list[WindowInfo]:
        """Close every window of ``model`` whose end has passed (event time) and evaluate it.

        Also recomputes closed windows that late labels or late records changed. Then
        evaluates the monitors, records alert changes with their notifications, and
        tries to deliver what is due.
        """
        row = self._registry.model(model)
        moment = aware(now, "now") if now is not None else self.clock()
        with self._close_lock:
            closed = _closing.close_due_windows(self._registry, row, moment)
        self.deliver_notifications()
        return closed

    def window_profile(
        self, model: str, version: str, window_start: datetime, segment: str | None = None
    ) -> Profile | None:
        """The stored profile of a closed window (``segment`` as in WindowInfo; None for
        all traffic), counted on the version's reference bins; None if there is none."""
        row = self._registry.model(model)
        target = self._registry.version(row, version)
        start = aware(window_start, "window_start")
        return read_window_profile(self.store, row.id, target.id, start, segment)

    def reference_profile(self, model: str, version: str) -> Profile | None:
        """The version's reference profile (bins fixed by the reference); None without one."""
        row = self._registry.model(model)
        target = self._registry.version(row, version)
        return load_reference_profile(self.store, target.id, feature_kinds(row.schema))

    def list_windows(
        self, model: str, *, version: str | None = None, limit: int = 500
    ) -> list[WindowInfo]:
        """The model's windows, newest first (at most ``limit``)."""
        row = self._registry.model(model)
        version_id = None if version is None else self._registry.version(row, version).id
        if limit < 1:
            raise InputError(f"limit is {limit}; give a positive number")
        found = self.store.list_windows(row.id, version_id=version_id, limit=limit)
        return [_closing.window_info(model, w) for w in found]

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
    ) -> list[MetricPoint]:
        """A metric's points over windows, oldest first (every feature unless ``feature``)."""
        row = self._registry.model(model)
        if version is not None:
            self._registry.version(row, version)
        rows = self.store.metric_series(
            model, metric, version=version, feature=feature, segment=segment,
            start=None if start is None else aware(start, "start"),
            end=None if end is None else aware(end, "end"),
        )  # fmt: skip
        return [_closing.metric_point(r) for r in rows]

    def latest_metrics(self) -> list[MetricPoint]:
        """The newest point of every series, for ``/metrics``."""
        return [_closing.metric_point(r) for r in self.store.latest_points()]

    # alerts and notifications

    def list_alerts(self, *, model: str | None = None, state: str | None = None) -> list[AlertInfo]:
        return _alerting.list_alerts(self.store, model=model, state=state)

    def acknowledge_alert(self, key: str, *, by: str) -> AlertInfo:
        """Mark a firing alert as acknowledged: no more held-back firing notifications."""
        return _alerting.acknowledge_alert(self.store, key, by=by)

    def silence_alert(self, key: str, *, until: datetime, by: str) -> AlertInfo:
        """Send nothing about this alert until ``until``; the state is still tracked."""
        return _alerting.silence_alert(self.store, key, until=aware(until, "until"), by=by)

    def deliver_notifications(self, *, now: datetime | None = None) -> DeliveryReport:
        """Send the due notifications of the outbox (failures stay queued, with backoff)."""
        moment = aware(now, "now") if now is not None else self.clock()
        return deliver_pending(self.store, moment, sender=self.sender)

    # monitors as code

    def apply_config(self, config: Any) -> ApplyResult:
        """Load a :class:`watchkeeper.service.config.WatchkeeperConfig` into the store."""
        result = apply_config(self, self._registry, config)
        self._forget()
        return result

    def put_monitor(self, monitor: MonitorSpec) -> None:
        """Store (or replace) one monitor."""
        self._registry.model(monitor.model)
        self.store.put_monitor(monitor.name, monitor.model, monitor_to_dict(monitor), self.clock())

    def list_monitors(self, model: str | None = None) -> list[MonitorSpec]:
        return [monitor_from_dict(spec) for spec in self.store.list_monitor_specs(model)]

    # API keys

    def create_api_key(self, scopes: Sequence[str], *, name: str = "") -> tuple[ApiKeyInfo, str]:
        """A new key with ``scopes``; the plaintext is returned once and never stored."""
        return self._keys.create(scopes, name=name)

    def verify_api_key(self, plaintext: str) -> ApiKeyInfo | None:
        """The key's facts when ``plaintext`` is a valid, unrevoked key; else None."""
        return self._keys.verify(plaintext)

    def list_api_keys(self) -> list[ApiKeyInfo]:
        return self._keys.list()

    def revoke_api_key(self, key_id: str) -> None:
        self._keys.revoke(key_id)

    # batch reports

    def upload_report(
        self, report: Mapping[str, Any], *, name: str = "", model: str | None = None, by: str
    ) -> ReportInfo:
        """Store a batch report's JSON form; returns its id and summary."""
        return self._reports.upload_report(report, name=name, model=model, by=by)

    def list_reports(self, *, limit: int = 50, offset: int = 0) -> list[ReportInfo]:
        """Stored reports, newest first."""
        return self._reports.list_reports(limit=limit, offset=offset)

    def count_reports(self) -> int:
        return self._reports.count_reports()

    def get_report(self, report_id: str) -> tuple[ReportInfo, dict[str, Any]]:
        """A report's facts and its JSON form; :class:`NotFound` when unknown."""
        return self._reports.get_report(report_id)

    def health(self) -> dict[str, Any]:
        """``{"status": "ok", "database": "ok", ...}``, or ``"error"`` without the details."""
        return _health.health(self.store)
