"""The monitoring service facade: what the HTTP server, the dashboard and the CLI call.

A thin layer: each method names one operation and hands it to the module that does it:

- :mod:`._registry`: models and versions (and the cached lookups the rest uses);
- :mod:`._ingestion` (validation in :mod:`._ingest`): predictions and labels;
- :mod:`._closing`: closing windows, metrics, monitor evaluation;
- :mod:`._alerting`: alert operations; :mod:`._delivery`: the notification outbox;
- :mod:`._keys`: API keys; :mod:`._sessions`: dashboard sessions (the facade's methods
  for both in :mod:`._service_access`);
- :mod:`._reports`: reports; :mod:`._mlflow`: versions from MLflow model URIs (the
  facade's methods for both in :mod:`._service_documents`);
- :mod:`._health`: host figures, health.

The facade's methods that wrap a module with an audit entry live beside it by theme:
:mod:`._service_models` (models, versions), :mod:`._service_monitors` (alerts,
notifications, monitors as code), :mod:`._service_compliance` (erasure, retention, the
audit trail), :mod:`._service_access` and :mod:`._service_documents`.

The store, the settings, the clock and the notification sender are injected. The
methods the server and the dashboard may call are the :class:`~._protocol.ServiceAPI`
protocol, which this class satisfies.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper._operations import Operations
from watchkeeper.profile import Profile
from watchkeeper.service import (
    _closing,
    _health,
    _ingestion,
    _privacy,
    _profile_ingest,
    _retention,
)
from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._compaction import compact_raw
from watchkeeper.service._delivery import Sender
from watchkeeper.service._ingest import feature_kinds
from watchkeeper.service._keys import SCOPES, ApiKeys
from watchkeeper.service._leader import Leadership, exclusive
from watchkeeper.service._locks import KeyedLocks
from watchkeeper.service._profile_ingest import ProfileIngestResult
from watchkeeper.service._profiles import load_reference_profile, read_window_profile
from watchkeeper.service._registry import TASKS, Registry, aware, utc_now
from watchkeeper.service._reports import ReportBook
from watchkeeper.service._results import (
    IngestResult,
    LabelResult,
    WindowInfo,
)
from watchkeeper.service._service_access import AccessMethods
from watchkeeper.service._service_compliance import ComplianceMethods
from watchkeeper.service._service_documents import DocumentMethods
from watchkeeper.service._service_models import ModelMethods
from watchkeeper.service._service_monitors import MonitorMethods
from watchkeeper.service._service_performance import PerformanceMethods
from watchkeeper.service._sessions import SessionBook
from watchkeeper.service._settings import Settings
from watchkeeper.service._types import MetricPoint
from watchkeeper.store import Store

__all__ = ["SCOPES", "TASKS", "MonitoringService", "utc_now"]


class MonitoringService(
    ModelMethods,
    MonitorMethods,
    ComplianceMethods,
    AccessMethods,
    DocumentMethods,
    PerformanceMethods,
):
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
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.sender = sender
        self._registry = Registry(store, settings, clock)
        # monotonic: the clock of the verified-key cache (Settings.key_cache_seconds).
        self._keys = ApiKeys(
            store, clock, cache_seconds=settings.key_cache_seconds, monotonic=monotonic
        )
        self._reports = ReportBook(store, clock)
        self._sessions = SessionBook(store, clock)
        self._audit = Auditor(store, clock)
        self._close_locks = KeyedLocks()  # one per model: closes of two models overlap

    # ingestion

    def ingest_predictions(self, model: str, version: str, records: pa.Table) -> IngestResult:
        """Validate and store a batch of predictions; returns once the accepted ones are
        durable. Records that fail validation are listed in the result, not stored."""
        # Fresh: the declarations of now, even if another process changed them.
        plan = _privacy.plan_of(self._registry.model(model, fresh=True).schema)
        records = _privacy.protect_records(records, plan, self.settings.pii_key)
        return _ingestion.ingest_predictions(self._registry, model, version, records)

    def ingest_labels(self, model: str, labels: Sequence[tuple[str, Any]]) -> LabelResult:
        """Attach ground truth to stored predictions by id; late labels reopen their window."""
        return _ingestion.ingest_labels(self._registry, model, labels)

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
    ) -> ProfileIngestResult:
        """Store a window's profile (.wkp on the reference bins), merged at close."""
        _privacy.refuse_profiles(model, self._registry.model(model, fresh=True).schema)
        return _profile_ingest.ingest_profile(
            self._registry, model, version, window_start, body,
            segment=segment, operations=operations, part_key=part_key,
        )  # fmt: skip

    def window_length(self, model: str) -> timedelta:
        """How long the model's windows are (a sender profiles per window)."""
        row = self._registry.model(model)
        return timedelta(microseconds=self._registry.window_us(row))

    def leadership(self) -> Leadership:
        """This process's claim to run the background loop (always held on SQLite)."""
        return Leadership(self.store)

    def ingest_host_metrics(
        self, model: str, version: str, points: Sequence[Mapping[str, Any]]
    ) -> int:
        """Store the SDK's host figures (cpu_percent, memory_bytes, dropped) by timestamp."""
        return _health.ingest_host_metrics(self._registry, model, version, points)

    # windows and metrics

    def close_windows(
        self, model: str, *, now: datetime | None = None, actor: Actor | None = None
    ) -> list[WindowInfo]:
        """Close every window of ``model`` whose end has passed (event time) and evaluate it.

        Also recomputes closed windows that late labels or late records changed. Then
        evaluates the monitors, records alert changes with their notifications, and
        tries to deliver what is due. A close by hand (``actor`` given) is audited; the
        background loop's are not (they are the clock's, every tick).
        """
        row = self._registry.model(model)
        moment = aware(now, "now") if now is not None else self.clock()
        # One closer per model across processes sharing a PostgreSQL store (_leader.py).
        with self._close_locks.lock(row.id), exclusive(self.store, f"close:{row.id}"):
            closed = _closing.close_due_windows(self._registry, row, moment)
            raw = _retention.periods_of(self._registry, row, self.settings)
            compact_raw(self._registry, row, raw.get("records"))
        if actor is not None:
            after = {"now": moment, "windows": len(closed)}
            self._audit.record(actor, "windows.close", f"model:{model}", model=model, after=after)
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

    def health(self) -> dict[str, Any]:
        """``{"status": "ok", "database": "ok", ...}``, or ``"error"`` without the details."""
        return _health.health(self.store)
