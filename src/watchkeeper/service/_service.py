"""The monitoring service facade: what the HTTP server (and the CLI) call.

It validates at the boundary, turns store rows into results, and orchestrates
ingestion, window closing, monitor evaluation, alerts and notification delivery.
The store, the settings and the clock are injected.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import math
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import InputError, ProfileFormatError
from watchkeeper.profile import Profile
from watchkeeper.service._alerting import apply_evaluation, to_record, with_record
from watchkeeper.service._delivery import DeliveryReport, Sender, deliver_pending
from watchkeeper.service._errors import Conflict, NotFound
from watchkeeper.service._evaluate import evaluate_monitors
from watchkeeper.service._ingest import feature_kinds, prepare_batch, table_to_ipc
from watchkeeper.service._profiles import (
    load_reference_profile,
    profile_windows,
    read_window_profile,
)
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
from watchkeeper.service._windows import (
    compute_window_metrics,
    summarize,
    window_data,
)
from watchkeeper.service._windows import reference_profile as reference_profile_of
from watchkeeper.store import Store, to_micros
from watchkeeper.store._rows import AlertRow, ModelRow, VersionRow, WindowRow

__all__ = ["SCOPES", "TASKS", "MonitoringService", "utc_now"]

TASKS = ("binary_classification", "multiclass_classification", "regression", "llm")
SCOPES = ("ingest", "read", "admin")
_MAX_UNKNOWN_LISTED = 100
_HISTORY = 30


def utc_now() -> datetime:
    return datetime.now(UTC)


def _model_info(row: ModelRow) -> ModelInfo:
    return ModelInfo(row.name, row.task, row.schema, row.active_version, row.created_at)


def _checked_reference_profile(data: Profile | bytes, kinds: Mapping[str, str]) -> bytes:
    """A reference profile sent instead of data: readable, with bins, covering the schema."""
    try:
        profile = (
            data
            if isinstance(data, Profile)
            else Profile.from_bytes(bytes(data), source="the reference profile")
        )
    except ProfileFormatError as error:
        raise InputError(f"{error}; send a .wkp file written by 'watchkeeper profile'") from None
    numeric = [name for name, kind in kinds.items() if kind == "numeric"]
    if numeric and not profile.bins:
        raise InputError(
            "the reference profile has no reference bins; make it from the reference data "
            "with 'watchkeeper profile DATA -o ref.wkp' (without --reference)"
        )
    missing = sorted(name for name in kinds if name not in profile.columns)
    if missing:
        raise InputError(
            f"the reference profile has no column for features {missing}; profile data "
            "that has every feature of the model's schema"
        )
    return profile.to_bytes()


def _version_info(model: str, row: VersionRow) -> VersionInfo:
    return VersionInfo(model, row.name, row.active, row.created_at, row.has_reference, row.baseline)


def _window_info(model: str, row: WindowRow) -> WindowInfo:
    return WindowInfo(
        model=model,
        version=row.version,
        segment=row.segment or None,
        start=row.start,
        end=row.end,
        status=row.status,
        n_records=row.n_records,
        n_labels=row.n_labels,
        metrics=row.metrics,
    )


def _alert_info(row: AlertRow) -> AlertInfo:
    return AlertInfo(
        key=row.key,
        monitor=row.monitor,
        model=row.model,
        version=row.version,
        metric=row.metric,
        feature=row.feature,
        segment=row.segment,
        state=row.state,
        severity=row.severity,
        value=row.value,
        fired_at=row.fired_at,
        resolved_at=row.resolved_at,
        acknowledged_by=row.acknowledged_by,
        silenced_until=row.silenced_until,
        message=row.message,
    )


def _point(row: tuple[str, str, str, str, str, datetime, datetime, float]) -> MetricPoint:
    model, version, metric, feature, segment, start, end, value = row
    return MetricPoint(model, version, metric, value, start, end, feature or None, segment or None)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise InputError(f"{name} {value.isoformat()} has no time zone; give a UTC time")
    return value.astimezone(UTC)


def _label_json(record_id: str, label: Any) -> str:
    if isinstance(label, float) and not math.isfinite(label):
        raise InputError(f"label of record {record_id!r} is {label}; send a finite number")
    if isinstance(label, np.generic):
        label = label.item()
    if label is None or not isinstance(label, str | int | float | bool):
        raise InputError(
            f"label of record {record_id!r} is {label!r}; a label is a number, text or boolean"
        )
    return json.dumps(label)


def _hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class MonitoringService:
    """Models, versions, ingestion, windows, metrics, alerts and API keys over a store.

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
        self._models: dict[str, ModelRow] = {}
        self._versions: dict[tuple[int, str], VersionRow] = {}
        self._lock = threading.Lock()
        self._close_lock = threading.Lock()

    # lookups (cached: every ingestion batch needs them, and they change rarely)

    def _forget(self) -> None:
        with self._lock:
            self._models.clear()
            self._versions.clear()

    def _model(self, name: str) -> ModelRow:
        row = self._models.get(name)
        if row is None:
            row = self.store.get_model(name)
            if row is None:
                raise NotFound(f"model {name!r} does not exist; create it with POST /v1/models")
            with self._lock:
                self._models[name] = row
        return row

    def _version(self, model: ModelRow, name: str) -> VersionRow:
        row = self._versions.get((model.id, name))
        if row is None:
            row = self.store.get_version(model.id, name)
            if row is None:
                raise NotFound(
                    f"version {name!r} of model {model.name!r} does not exist; create it with "
                    f"POST /v1/models/{model.name}/versions"
                )
            with self._lock:
                self._versions[(model.id, name)] = row
        return row

    def _window_us(self, model: ModelRow) -> int:
        seconds = model.window_seconds or self.settings.window.total_seconds()
        return int(seconds * 1_000_000)

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
        if not name or len(name) > 200 or "/" in name:
            raise InputError(f"model name {name!r} must be 1 to 200 characters without '/'")
        if task not in TASKS:
            raise InputError(f"task {task!r} is not known; use one of {', '.join(TASKS)}")
        given = dict(schema or {})
        feature_kinds(given)  # validates
        try:
            json.dumps(given, allow_nan=False)
        except (TypeError, ValueError):
            raise InputError("schema must be JSON (text, numbers, lists, mappings)") from None
        seconds = None if window is None else int(window.total_seconds())
        created = self.store.insert_model(name, task, given, self.clock(), seconds)
        if created is not None:
            self._forget()
            return _model_info(created)
        existing = self._model(name)
        if existing.task != task:
            raise Conflict(
                f"model {name!r} exists with task {existing.task!r}, not {task!r}; "
                "choose another name"
            )
        if schema is not None and json.dumps(existing.schema, sort_keys=True) != json.dumps(
            given, sort_keys=True
        ):
            raise Conflict(
                f"model {name!r} exists with another schema; change it with "
                "'watchkeeper apply' or choose another name"
            )
        return _model_info(existing)

    def list_models(self) -> list[ModelInfo]:
        return [_model_info(row) for row in self.store.list_models()]

    def get_model(self, name: str) -> ModelInfo:
        row = self.store.get_model(name)
        if row is None:
            raise NotFound(f"model {name!r} does not exist; create it with POST /v1/models")
        return _model_info(row)

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
        too large to send) and baseline metrics.

        Idempotent for an existing version given no (or the same) reference.
        """
        row = self._model(model)
        if not version or len(version) > 200 or "/" in version:
            raise InputError(f"version name {version!r} must be 1 to 200 characters without '/'")
        clean: dict[str, float] = {}
        for key, value in (baseline or {}).items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise InputError(f"baseline {key!r} is {value!r}; a baseline value is a number")
            if not math.isfinite(value):
                raise InputError(f"baseline {key!r} is {value}; give a finite number")
            clean[str(key)] = float(value)
        blob = profile = None
        if reference is not None and reference_profile is not None:
            raise InputError("send the reference data or a reference profile, not both")
        if reference is not None:
            if reference.num_rows == 0:
                raise InputError("the reference has no rows; send the data the model was built on")
            profile = reference_profile_of(reference, feature_kinds(row.schema)).to_bytes()
            blob = table_to_ipc(reference)
        elif reference_profile is not None:
            profile = _checked_reference_profile(reference_profile, feature_kinds(row.schema))
        created = self.store.insert_version(
            row.id, version, reference=blob, baseline=clean, created_at=self.clock(),
            reference_profile=profile,
        )  # fmt: skip
        if created is None:
            existing = self._version(row, version)
            if (
                (blob is not None and self.store.reference_bytes(existing.id) != blob)
                or (
                    blob is None
                    and profile is not None
                    and self.store.reference_profile_bytes(existing.id) != profile
                )
                or (baseline is not None and existing.baseline != clean)
            ):
                raise Conflict(
                    f"version {version!r} of model {model!r} exists with another reference or "
                    "baseline; create a new version"
                )
            created = existing
        if activate:
            return self.promote(model, version)
        self._forget()
        return _version_info(model, created)

    def list_versions(self, model: str) -> list[VersionInfo]:
        row = self._model(model)
        return [_version_info(model, v) for v in self.store.list_versions(row.id)]

    def promote(self, model: str, version: str) -> VersionInfo:
        """Make ``version`` the active version of ``model``."""
        row = self._model(model)
        target = self._version(row, version)
        self.store.activate(row.id, target.id, self.clock())
        self._forget()
        return _version_info(model, self._version(self._model(model), version))

    def rollback(self, model: str) -> VersionInfo:
        """Make the previously active version active again."""
        row = self._model(model)
        version_id = self.store.roll_back(row.id)
        if version_id is None:
            raise Conflict(f"model {model!r} has no earlier active version to roll back to")
        self._forget()
        names = self.store.version_names(row.id)
        return _version_info(model, self._version(self._model(model), names[version_id]))

    # ingestion

    def ingest_predictions(self, model: str, version: str, records: pa.Table) -> IngestResult:
        """Store a batch of predictions; returns after the accepted ones are durable."""
        row = self._model(model)
        target = self._version(row, version)
        window_us = self._window_us(row)
        batch = prepare_batch(
            records, kinds=feature_kinds(row.schema), model=model, window_us=window_us
        )

        def blobs(inserted: set[str]) -> list[tuple[int, int, bytes]]:
            features = batch.features
            if len(inserted) != features.num_rows:
                keep = pc.is_in(features.column("id"), value_set=pa.array(sorted(inserted)))
                features = features.filter(keep)
            starts = features.column("window_start").to_numpy()
            if starts.size == 0:
                return []
            if (starts == starts[0]).all():
                return [(int(starts[0]), features.num_rows, table_to_ipc(features))]
            # Sort once and cut the runs, rather than filtering once per window.
            order = np.argsort(starts, kind="stable")
            features = features.take(pa.array(order))
            starts = starts[order]
            cuts = [0, *(np.flatnonzero(np.diff(starts)) + 1).tolist(), len(starts)]
            return [
                (int(starts[a]), b - a, table_to_ipc(features.slice(a, b - a)))
                for a, b in itertools.pairwise(cuts)
            ]

        inserted = self.store.ingest_batch(row.id, target.id, batch.rows, blobs, window_us)
        duplicates = batch.duplicates_in_batch + len(batch.rows) - len(inserted)
        return IngestResult(len(inserted), duplicates, tuple(batch.rejected))

    def ingest_labels(self, model: str, labels: Sequence[tuple[str, Any]]) -> LabelResult:
        """Attach ground truth to stored predictions by id; late labels reopen their window."""
        row = self._model(model)
        window_us = self._window_us(row)
        latest: dict[str, str] = {}
        duplicates = 0
        for record_id, label in labels:
            if not isinstance(record_id, str) or not record_id:
                raise InputError(f"label id {record_id!r} must be a non-empty string")
            text = _label_json(record_id, label)
            if record_id in latest and latest[record_id] == text:
                duplicates += 1
            latest[record_id] = text
        targets = self.store.label_targets(row.id, list(latest))
        unknown = [rid for rid in latest if rid not in targets]
        writes: list[tuple[str, str]] = []
        new: dict[tuple[int, str, int], int] = defaultdict(int)
        corrected: set[tuple[int, str, int]] = set()
        for record_id, text in latest.items():
            target = targets.get(record_id)
            if target is None:
                continue
            if target.label == text:
                duplicates += 1
                continue
            writes.append((record_id, text))
            keys = [(target.version_id, "", target.window_start)]
            if target.segment:
                keys.append((target.version_id, target.segment, target.window_start))
            for key in keys:
                if target.label is None:
                    new[key] += 1
                else:
                    corrected.add(key)
        self.store.apply_labels(row.id, writes, new, corrected, self.clock(), window_us)
        return LabelResult(
            accepted=len(writes),
            duplicates=duplicates,
            unknown_ids=tuple(unknown[:_MAX_UNKNOWN_LISTED]),
            n_unknown=len(unknown),
        )

    def ingest_host_metrics(
        self, model: str, version: str, points: Sequence[Mapping[str, Any]]
    ) -> int:
        """Store the SDK's host figures (cpu_percent, memory_bytes, dropped) by timestamp."""
        row = self._model(model)
        target = self._version(row, version)
        rows = []
        for index, point in enumerate(points):
            stamp = point.get("timestamp")
            if isinstance(stamp, str):
                try:
                    stamp = datetime.fromisoformat(stamp)
                except ValueError:
                    stamp = None
            if not isinstance(stamp, datetime) or stamp.tzinfo is None:
                raise InputError(
                    f"host metric {index} has timestamp {point.get('timestamp')!r}; "
                    "send ISO-8601 with a time zone"
                )
            clean: dict[str, Any] = {"ts": to_micros(stamp.astimezone(UTC))}
            for name in ("cpu_percent", "memory_bytes"):
                value = point.get(name)
                if value is not None and (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or not math.isfinite(value)
                    or value < 0
                ):
                    raise InputError(
                        f"host metric {index} has {name}={value!r}; send a finite number >= 0"
                    )
                clean[name] = None if value is None else float(value)
            dropped = point.get("dropped", 0) or 0
            if isinstance(dropped, bool) or not isinstance(dropped, int) or dropped < 0:
                raise InputError(f"host metric {index} has dropped={dropped!r}; send a count")
            clean["dropped"] = dropped
            rows.append(clean)
        self.store.insert_host_metrics(row.id, target.id, rows)
        return len(rows)

    # windows

    def close_windows(self, model: str, *, now: datetime | None = None) -> list[WindowInfo]:
        """Close every window of ``model`` whose end has passed (event time) and evaluate it.

        Also recomputes closed windows that late labels or late records changed. Then
        evaluates the monitors, records alert changes with their notifications, and
        tries to deliver what is due.
        """
        row = self._model(model)
        moment = _aware(now, "now") if now is not None else self.clock()
        with self._close_lock:
            closed = self._close(row, moment)
        self.deliver_notifications()
        return closed

    def _close(self, model: ModelRow, now: datetime) -> list[WindowInfo]:
        due = self.store.due_windows(model.id, now)
        if not due:
            return []
        kinds = feature_kinds(model.schema)
        references: dict[int, Profile | None] = {}
        baselines = {v.id: v.baseline for v in self.store.list_versions(model.id)}
        monitors = self._monitors(model.name)
        groups: dict[tuple[int, datetime], list[WindowRow]] = defaultdict(list)
        for window in due:
            groups[(window.version_id, window.start)].append(window)
        closed: list[WindowInfo] = []
        for (version_id, start), rows in sorted(groups.items(), key=lambda kv: kv[0][1]):
            if version_id not in references:
                references[version_id] = load_reference_profile(self.store, version_id, kinds)
            start_us = to_micros(start)
            built = profile_windows(
                self.store, model.id, version_id, start_us, rows,
                reference=references[version_id], kinds=kinds,
            )  # fmt: skip
            keys = built.keys
            outputs = self.store.records_by_id(model.id, keys.column("id").to_pylist())
            host = self.store.host_points(model.id, version_id, start_us, to_micros(rows[0].end))
            for window in rows:
                part = keys
                if window.segment:
                    part = keys.filter(pc.equal(keys.column("segment"), window.segment))
                data = window_data(part, outputs)
                profile = built.profiles.get(window.id)
                values = compute_window_metrics(
                    task=model.task,
                    schema=model.schema,
                    data=data,
                    reference=references[version_id],
                    window_seconds=(window.end - window.start).total_seconds(),
                    profile=profile,
                    host=host if not window.segment else (),
                )
                points = [
                    MetricPoint(
                        model.name, window.version, metric, value, window.start, window.end,
                        feature, window.segment or None,
                    )
                    for metric, feature, value in values
                ]  # fmt: skip
                summary = summarize(values)
                self.store.close_window(
                    window.id,
                    closed_at=self.clock(),
                    summary=summary,
                    points=[
                        (p.model, p.version, p.metric, p.feature or "", p.segment or "",
                         p.window_start, p.window_end, p.value)
                        for p in points
                    ],
                    labels_seen=window.n_labels,
                    records_seen=data.n,
                    profile=(profile.to_bytes(), built.through[window.id])
                    if profile is not None and window.id in built.changed else None,
                )  # fmt: skip
                n_labels = sum(label is not None for label in data.labels)
                self._evaluate(monitors, points, data.n, n_labels, baselines.get(version_id, {}))
                closed.append(
                    WindowInfo(
                        model.name, window.version, window.segment or None, window.start,
                        window.end, "closed", data.n, n_labels, summary,
                    )
                )  # fmt: skip
        return closed

    def window_profile(
        self, model: str, version: str, window_start: datetime, segment: str | None = None
    ) -> Profile | None:
        """The stored profile of a closed window (``segment`` as in WindowInfo; None for
        all traffic), counted on the version's reference bins; None if there is none."""
        row = self._model(model)
        target = self._version(row, version)
        return read_window_profile(
            self.store, row.id, target.id, _aware(window_start, "window_start"), segment
        )

    def reference_profile(self, model: str, version: str) -> Profile | None:
        """The version's reference profile (bins fixed by the reference); None without one."""
        row = self._model(model)
        target = self._version(row, version)
        return load_reference_profile(self.store, target.id, feature_kinds(row.schema))

    def _monitors(self, model: str) -> list[MonitorSpec]:
        return [monitor_from_dict(spec) for spec in self.store.list_monitor_specs(model)]

    def _evaluate(
        self,
        monitors: Sequence[MonitorSpec],
        points: Sequence[MetricPoint],
        n_records: int,
        n_labels: int,
        baseline: Mapping[str, float],
    ) -> None:
        if not monitors or not points:
            return
        from watchkeeper.performance import METRICS

        performance = frozenset(METRICS)

        def history(point: MetricPoint) -> list[float]:
            earlier = self.store.metric_series(
                point.model,
                point.metric,
                version=point.version,
                feature=point.feature or "",
                segment=point.segment,
                end=point.window_start,
                limit=_HISTORY,
                descending=True,
            )
            return [p[7] for p in reversed(earlier)]

        evaluations = evaluate_monitors(
            monitors,
            points,
            n_records=n_records,
            n_labels=n_labels,
            baseline=baseline,
            history=history,
            performance_metrics=performance,
        )
        if not evaluations:
            return
        from watchkeeper.service._types import alert_key

        keys = [
            alert_key(e.monitor.name, e.point.model, e.point.version, e.point.feature,
                      e.point.segment)
            for e in evaluations
        ]  # fmt: skip
        stored = self.store.alerts_for(keys)
        now = self.clock()
        changed: list[AlertRow] = []
        notifications: list[tuple[str, Mapping[str, Any]]] = []
        for evaluation, key in zip(evaluations, keys, strict=True):
            samples = n_labels if evaluation.monitor.metric in performance else n_records
            row, events = apply_evaluation(
                stored.get(key),
                evaluation,
                n_samples=samples,
                now=now,
                url=self.settings.public_url,
            )
            if row is None:
                continue
            stored[key] = row
            changed.append(row)
            for event in events:
                for channel in evaluation.monitor.channels:
                    notifications.append((channel, event.to_dict()))
        self.store.save_alerts(changed, notifications, now)

    def deliver_notifications(self, *, now: datetime | None = None) -> DeliveryReport:
        """Send the due notifications of the outbox (failures stay queued, with backoff)."""
        moment = _aware(now, "now") if now is not None else self.clock()
        return deliver_pending(self.store, moment, sender=self.sender)

    def list_windows(
        self, model: str, *, version: str | None = None, limit: int = 500
    ) -> list[WindowInfo]:
        row = self._model(model)
        version_id = None if version is None else self._version(row, version).id
        if limit < 1:
            raise InputError(f"limit is {limit}; give a positive number")
        return [
            _window_info(model, w)
            for w in self.store.list_windows(row.id, version_id=version_id, limit=limit)
        ]

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
        row = self._model(model)
        if version is not None:
            self._version(row, version)
        rows = self.store.metric_series(
            model,
            metric,
            version=version,
            feature=feature,
            segment=segment,
            start=None if start is None else _aware(start, "start"),
            end=None if end is None else _aware(end, "end"),
        )
        return [_point(r) for r in rows]

    def latest_metrics(self) -> list[MetricPoint]:
        """The newest point of every series, for ``/metrics``."""
        return [_point(r) for r in self.store.latest_points()]

    # alerts

    def list_alerts(self, *, model: str | None = None, state: str | None = None) -> list[AlertInfo]:
        if state is not None and state not in ("firing", "resolved"):
            raise InputError(f"alert state {state!r} is not known; use firing or resolved")
        return [_alert_info(r) for r in self.store.list_alerts(model=model, state=state)]

    def _alert(self, key: str) -> AlertRow:
        row = self.store.get_alert(key)
        if row is None:
            raise NotFound(f"alert {key!r} does not exist; list alerts with GET /v1/alerts")
        return row

    def acknowledge_alert(self, key: str, *, by: str) -> AlertInfo:
        """Mark a firing alert as acknowledged: no more held-back firing notifications."""
        from watchkeeper.service.alerts import acknowledge

        row = self._alert(key)
        record = acknowledge(to_record(row), by=by)
        updated = self.store.update_alert(key, acknowledged_by=record.acknowledged_by)
        return _alert_info(updated or with_record(row, record))

    def silence_alert(self, key: str, *, until: datetime, by: str) -> AlertInfo:
        """Send nothing about this alert until ``until``; the state is still tracked."""
        from watchkeeper.service.alerts import silence

        if not by:
            raise InputError("silence 'by' is empty; give the name of who silences the alert")
        row = self._alert(key)
        record = silence(to_record(row), until=_aware(until, "until"))
        updated = self.store.update_alert(key, silenced_until=record.silenced_until)
        return _alert_info(updated or with_record(row, record))

    # monitors as code

    def apply_config(self, config: Any) -> ApplyResult:
        """Load a :class:`watchkeeper.service.config.WatchkeeperConfig` into the store."""
        from watchkeeper.service._apply import apply_config

        result = apply_config(self, config)
        self._forget()
        return result

    def put_monitor(self, monitor: MonitorSpec) -> None:
        """Store (or replace) one monitor."""
        self._model(monitor.model)
        self.store.put_monitor(monitor.name, monitor.model, monitor_to_dict(monitor), self.clock())

    def list_monitors(self, model: str | None = None) -> list[MonitorSpec]:
        return [monitor_from_dict(spec) for spec in self.store.list_monitor_specs(model)]

    # API keys

    def create_api_key(self, scopes: Sequence[str], *, name: str = "") -> tuple[ApiKeyInfo, str]:
        """A new key with ``scopes``; the plaintext is returned once and never stored."""
        chosen = tuple(dict.fromkeys(scopes))
        if not chosen:
            raise InputError(f"an API key needs at least one scope: {', '.join(SCOPES)}")
        unknown = [s for s in chosen if s not in SCOPES]
        if unknown:
            raise InputError(f"scope {unknown[0]!r} is not known; use {', '.join(SCOPES)}")
        plaintext = "wk_" + secrets.token_urlsafe(32)
        key_id = "key_" + secrets.token_hex(6)
        at = self.clock()
        self.store.insert_api_key(key_id, name, _hash_key(plaintext), chosen, at)
        return ApiKeyInfo(key_id, name, chosen, at), plaintext

    def verify_api_key(self, plaintext: str) -> ApiKeyInfo | None:
        """The key's facts when ``plaintext`` is a valid, unrevoked key; else None."""
        if not plaintext:
            return None
        digest = _hash_key(plaintext)
        row = self.store.api_key_by_hash(digest)
        if row is None or row.revoked or not hmac.compare_digest(row.key_hash, digest):
            return None
        return ApiKeyInfo(row.id, row.name, row.scopes, row.created_at)

    def list_api_keys(self) -> list[ApiKeyInfo]:
        return [
            ApiKeyInfo(r.id, r.name, r.scopes, r.created_at) for r in self.store.list_api_keys()
        ]

    def revoke_api_key(self, key_id: str) -> None:
        if not self.store.revoke_api_key(key_id, self.clock()):
            raise NotFound(f"API key {key_id!r} does not exist or is already revoked")

    def health(self) -> dict[str, Any]:
        """``{"status": "ok", "database": "ok", ...}``, or ``"error"`` without the details."""
        try:
            reachable = self.store.ping()
        except Exception as error:  # the answer must never carry the URL or a password
            return {
                "status": "error",
                "database": f"unreachable ({type(error).__name__})",
                "backend": self.store.dialect,
            }
        return {
            "status": "ok" if reachable else "error",
            "database": "ok" if reachable else "error",
            "backend": self.store.dialect,
        }
