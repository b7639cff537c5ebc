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
from watchkeeper._operations import Operations
from watchkeeper.compliance._audit import AuditEntry, ChainCheck
from watchkeeper.profile import Profile
from watchkeeper.service import (
    _alerting,
    _closing,
    _erasure,
    _health,
    _ingestion,
    _privacy,
    _profile_ingest,
    _retention,
)
from watchkeeper.service._apply import apply_config
from watchkeeper.service._audit import Actor, Auditor, changed
from watchkeeper.service._compaction import compact_raw
from watchkeeper.service._delivery import DeliveryReport, Sender, deliver_pending
from watchkeeper.service._erasure import ErasureResult
from watchkeeper.service._ingest import feature_kinds
from watchkeeper.service._keys import SCOPES, ApiKeys
from watchkeeper.service._leader import Leadership, exclusive
from watchkeeper.service._profile_ingest import ProfileIngestResult
from watchkeeper.service._profiles import load_reference_profile, read_window_profile
from watchkeeper.service._registry import TASKS, Registry, aware, utc_now
from watchkeeper.service._reports import ReportBook
from watchkeeper.service._results import (
    AlertInfo,
    ApplyResult,
    IngestResult,
    LabelResult,
    ModelInfo,
    VersionInfo,
    WindowInfo,
)
from watchkeeper.service._service_access import AccessMethods
from watchkeeper.service._service_documents import DocumentMethods
from watchkeeper.service._sessions import SessionBook
from watchkeeper.service._settings import Settings
from watchkeeper.service._specs import monitor_from_dict, monitor_to_dict
from watchkeeper.service._types import MetricPoint, MonitorSpec
from watchkeeper.store import Store

__all__ = ["SCOPES", "TASKS", "MonitoringService", "utc_now"]


class MonitoringService(AccessMethods, DocumentMethods):
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
        self._sessions = SessionBook(store, clock)
        self._audit = Auditor(store, clock)
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
        actor: Actor | None = None,
    ) -> ModelInfo:
        """Register a model; idempotent when it exists with the same task and schema."""
        existed = self.store.get_model(name) is not None
        _privacy.check_declarations(schema, self.settings.pii_key)
        info = self._registry.create_model(name, task, schema, window=window)
        if not existed:
            seconds = None if window is None else window.total_seconds()
            after = {"task": task, "schema": info.schema, "window_seconds": seconds}
            self._audit.record(actor, "model.create", f"model:{name}", model=name, after=after)
        return info

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
        actor: Actor | None = None,
    ) -> VersionInfo:
        """Register a version with its reference data (or a reference profile, for data
        too large to send) and baseline metrics; idempotent given the same reference."""
        known = {v.version for v in self._registry.list_versions(model)}
        plan = _privacy.plan_of(self._registry.model(model).schema)
        if reference_profile is not None and not plan.empty:
            raise InputError(
                f"model {model!r} declares pii columns and a profile keeps category values; "
                "send the reference data, which the service masks, hashes or drops first"
            )
        reference = _privacy.protect_reference(reference, plan, self.settings.pii_key)
        info = self._registry.create_version(
            model, version, reference=reference, baseline=baseline, activate=activate,
            reference_profile=reference_profile)  # fmt: skip
        if version not in known:
            source = "data" if reference is not None else "profile" if reference_profile else None
            after = {"baseline": info.baseline, "active": info.active, "reference": source}
            self._audit.record(
                actor, "version.create", f"version:{model}/{version}", model=model, after=after
            )
        return info

    def list_versions(self, model: str) -> list[VersionInfo]:
        return self._registry.list_versions(model)

    def _active(self, model: str) -> str | None:
        row = self.store.get_model(model)
        return None if row is None else row.active_version

    def promote(self, model: str, version: str, *, actor: Actor | None = None) -> VersionInfo:
        """Make ``version`` the active version of ``model``."""
        before = self._active(model)
        info = self._registry.promote(model, version)
        if before != version:
            change = {"before": {"active": before}, "after": {"active": version}}
            self._audit.record(
                actor, "version.promote", f"version:{model}/{version}", model=model, **change
            )
        return info

    def rollback(self, model: str, *, actor: Actor | None = None) -> VersionInfo:
        """Make the previously active version active again."""
        before = self._active(model)
        info = self._registry.rollback(model)
        change = {"before": {"active": before}, "after": {"active": info.version}}
        target = f"version:{model}/{info.version}"
        self._audit.record(actor, "version.rollback", target, model=model, **change)
        return info

    # ingestion

    def ingest_predictions(self, model: str, version: str, records: pa.Table) -> IngestResult:
        """Validate and store a batch of predictions; returns once the accepted ones are
        durable. Records that fail validation are listed in the result, not stored."""
        plan = _privacy.plan_of(self._registry.model(model).schema)
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
        _privacy.refuse_profiles(model, self._registry.model(model).schema)
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
        with self._close_lock, exclusive(self.store, f"close:{row.id}"):
            closed = _closing.close_due_windows(self._registry, row, moment)
            compact_raw(self._registry, row, self.settings.raw_retention)
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

    # alerts and notifications

    def list_alerts(self, *, model: str | None = None, state: str | None = None) -> list[AlertInfo]:
        return _alerting.list_alerts(self.store, model=model, state=state)

    def acknowledge_alert(self, key: str, *, by: str, actor: Actor | None = None) -> AlertInfo:
        """Mark a firing alert as acknowledged: no more held-back firing notifications."""
        old = self.store.get_alert(key)
        info = _alerting.acknowledge_alert(self.store, key, by=by)
        change = {
            "before": {"acknowledged_by": old.acknowledged_by if old else None},
            "after": {"acknowledged_by": by},
        }
        who = actor or Actor(by, by)
        self._audit.record(who, "alert.acknowledge", f"alert:{key}", model=info.model, **change)
        return info

    def silence_alert(
        self, key: str, *, until: datetime, by: str, actor: Actor | None = None
    ) -> AlertInfo:
        """Send nothing about this alert until ``until``; the state is still tracked."""
        old = self.store.get_alert(key)
        info = _alerting.silence_alert(self.store, key, until=aware(until, "until"), by=by)
        change = {
            "before": {"silenced_until": old.silenced_until if old else None},
            "after": {"silenced_until": aware(until, "until"), "by": by},
        }
        who = actor or Actor(by, by)
        self._audit.record(who, "alert.silence", f"alert:{key}", model=info.model, **change)
        return info

    def deliver_notifications(self, *, now: datetime | None = None) -> DeliveryReport:
        """Send the due notifications of the outbox (failures stay queued, with backoff)."""
        moment = aware(now, "now") if now is not None else self.clock()
        return deliver_pending(self.store, moment, sender=self.sender)

    # monitors as code

    def _configured(self) -> dict[str, Any]:
        """What ``apply`` can change, for its audit entry's diff."""
        state: dict[str, Any] = {}
        for m in self.store.list_models():
            names = [v.name for v in self.store.list_versions(m.id)]
            state[f"model:{m.name}"] = {
                "task": m.task,
                "active": m.active_version,
                "versions": names,
            }
        for spec in self.store.list_monitor_specs():
            state[f"monitor:{spec['name']}"] = spec
        for name, type_, settings in self.store.list_channels():
            state[f"channel:{name}"] = {"type": type_, "settings": settings}
        return state

    def apply_config(self, config: Any, *, actor: Actor | None = None) -> ApplyResult:
        """Load a :class:`watchkeeper.service.config.WatchkeeperConfig` into the store."""
        with self._audit.acting(actor) as who:
            before = self._configured()
            result = apply_config(self, self._registry, config)
            self._forget()
            old, new = changed(before, self._configured())
            if old or new:  # an apply that changes nothing (each server start) is not news
                target = f"config:{getattr(config, 'path', None) or 'watchkeeper.yaml'}"
                self._audit.record(who, "config.apply", target, before=old, after=new)
        return result

    def put_monitor(self, monitor: MonitorSpec, *, actor: Actor | None = None) -> None:
        """Store (or replace) one monitor."""
        self._registry.model(monitor.model)
        old = next((s for s in self.store.list_monitor_specs() if s["name"] == monitor.name), None)
        spec = monitor_to_dict(monitor)
        self.store.put_monitor(monitor.name, monitor.model, spec, self.clock())
        new = next(s for s in self.store.list_monitor_specs() if s["name"] == monitor.name)
        if old != new:
            action = "monitor.create" if old is None else "monitor.update"
            self._audit.record(actor, action, f"monitor:{monitor.name}", model=monitor.model,
                               before=old, after=new)  # fmt: skip

    def list_monitors(self, model: str | None = None) -> list[MonitorSpec]:
        return [monitor_from_dict(spec) for spec in self.store.list_monitor_specs(model)]

    # erasure

    def erase_records(
        self,
        model: str,
        *,
        ids: Sequence[str] = (),
        subject: str | None = None,
        actor: Actor | None = None,
    ) -> ErasureResult:
        """Erase records by id, or every record of one subject (the schema's ``subject``
        column), and recompute the closed windows they were in from what remains."""

        def recompute(row: Any, now: datetime) -> list[WindowInfo]:
            with self._close_lock:
                return _closing.close_due_windows(self._registry, row, now)

        result, request = _erasure.erase(
            self._registry, model, ids=ids, subject=subject,
            pii_key=self.settings.pii_key, recompute=recompute,
        )  # fmt: skip
        self._audit.record(actor, "records.erase", f"model:{model}", model=model, after=request)
        return result

    def apply_retention(
        self,
        model: str,
        periods: Mapping[str, timedelta],
        *,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> dict[str, int]:
        """Delete the model's data older than its retention ``periods`` (``records``,
        ``labels``, ``profiles``, ``metrics``); how many rows of each went. Audited."""
        return _retention.run(
            self._registry, self._audit, model, periods,
            now=aware(now, "now") if now is not None else self.clock(), actor=actor,
        )  # fmt: skip

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
    ) -> list[AuditEntry]:
        """Audit entries matching every filter, newest first (``actor``: key id or name)."""
        if not 1 <= limit <= 1000:
            raise InputError(f"limit is {limit}; give 1 to 1000")
        return self._audit.repository.list_audit(
            model=model, action=action, actor=actor, target=target,
            since=None if since is None else aware(since, "since"),
            until=None if until is None else aware(until, "until"),
            after_seq=after_seq, before_seq=before_seq, limit=limit, newest_first=True,
        )  # fmt: skip

    def verify_audit(self) -> ChainCheck:
        """Walk the audit trail's hash chain; the first broken link, if any."""
        return self._audit.repository.verify_audit()

    def health(self) -> dict[str, Any]:
        """``{"status": "ok", "database": "ok", ...}``, or ``"error"`` without the details."""
        return _health.health(self.store)
