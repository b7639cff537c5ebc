"""An in-memory stand-in for MonitoringService, with the facade's methods and errors."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.service._errors import Conflict, NotFound
from watchkeeper.service._results import (
    AlertInfo,
    ApiKeyInfo,
    IngestResult,
    LabelResult,
    ModelInfo,
    RecordError,
    VersionInfo,
    WindowInfo,
)
from watchkeeper.service._types import MetricPoint

TASKS = {"binary_classification", "multiclass_classification", "regression", "llm"}
T0 = datetime(2024, 5, 1, tzinfo=UTC)


class FakeService:
    def __init__(self, window: timedelta = timedelta(hours=1)) -> None:
        self.window = window
        self.models: dict[str, ModelInfo] = {}
        self.versions: dict[str, dict[str, VersionInfo]] = {}
        self.history: dict[str, list[str]] = {}
        self.references: dict[tuple[str, str], pa.Table | None] = {}
        self.records: dict[str, dict[str, dict[str, Any]]] = {}
        self.tables: list[pa.Table] = []
        self.labels: dict[str, dict[str, Any]] = {}
        self.host: list[Mapping[str, Any]] = []
        self.keys: dict[str, ApiKeyInfo] = {}
        self.alerts: dict[str, AlertInfo] = {}
        self.points: list[MetricPoint] = []
        self.closed: list[WindowInfo] = []

    def _model(self, name: str) -> ModelInfo:
        if name not in self.models:
            raise NotFound(f"model {name!r} does not exist; create it with POST /v1/models")
        return self.models[name]

    def _version(self, model: str, version: str) -> VersionInfo:
        self._model(model)
        if version not in self.versions[model]:
            raise NotFound(f"model {model!r} has no version {version!r}")
        return self.versions[model][version]

    def create_model(
        self, name: str, task: str, schema: Mapping[str, Any] | None = None
    ) -> ModelInfo:
        if task not in TASKS:
            raise InputError(f"task {task!r} is not one of {sorted(TASKS)}")
        if name in self.models:
            existing = self.models[name]
            if existing.task != task or dict(existing.schema) != dict(schema or {}):
                raise Conflict(f"model {name!r} exists with task {existing.task!r}")
            return existing
        info = ModelInfo(name, task, dict(schema or {}), None, T0)
        self.models[name] = info
        self.versions[name] = {}
        self.history[name] = []
        self.records[name] = {}
        self.labels[name] = {}
        return info

    def list_models(self) -> list[ModelInfo]:
        return list(self.models.values())

    def get_model(self, name: str) -> ModelInfo:
        return self._model(name)

    def create_version(
        self,
        model: str,
        version: str,
        *,
        reference: pa.Table | None = None,
        baseline: Mapping[str, float] | None = None,
        activate: bool = False,
    ) -> VersionInfo:
        self._model(model)
        info = VersionInfo(model, version, False, T0, reference is not None, dict(baseline or {}))
        self.versions[model][version] = info
        self.references[(model, version)] = reference
        return self.promote(model, version) if activate else info

    def list_versions(self, model: str) -> list[VersionInfo]:
        self._model(model)
        return list(self.versions[model].values())

    def _activate(self, model: str, version: str) -> VersionInfo:
        for name, info in self.versions[model].items():
            self.versions[model][name] = VersionInfo(
                model, name, name == version, info.created_at, info.has_reference, info.baseline
            )
        old = self.models[model]
        self.models[model] = ModelInfo(old.name, old.task, old.schema, version, old.created_at)
        return self.versions[model][version]

    def promote(self, model: str, version: str) -> VersionInfo:
        self._version(model, version)
        self.history[model].append(version)
        return self._activate(model, version)

    def rollback(self, model: str) -> VersionInfo:
        self._model(model)
        if len(self.history[model]) < 2:
            raise Conflict(f"model {model!r} has no previously active version to roll back to")
        self.history[model].pop()
        return self._activate(model, self.history[model][-1])

    def ingest_predictions(self, model: str, version: str, records: pa.Table) -> IngestResult:
        self._version(model, version)
        self.tables.append(records)
        accepted = duplicates = 0
        rejected: list[RecordError] = []
        for index, row in enumerate(records.to_pylist()):
            if row.get("prediction") == "reject-me":
                rejected.append(RecordError(index, row["id"], "prediction", "refused by service"))
            elif row["id"] in self.records[model]:
                duplicates += 1
            else:
                self.records[model][row["id"]] = {**row, "version": version}
                accepted += 1
        return IngestResult(accepted, duplicates, tuple(rejected))

    def ingest_labels(self, model: str, labels: Sequence[tuple[str, Any]]) -> LabelResult:
        self._model(model)
        accepted = duplicates = 0
        unknown: list[str] = []
        for record_id, label in labels:
            if record_id not in self.records[model]:
                unknown.append(record_id)
            elif record_id in self.labels[model]:
                duplicates += 1
            else:
                self.labels[model][record_id] = label
                accepted += 1
        return LabelResult(accepted, duplicates, tuple(unknown[:100]), len(unknown))

    def ingest_host_metrics(
        self, model: str, version: str, points: Sequence[Mapping[str, Any]]
    ) -> int:
        self._version(model, version)
        self.host.extend(points)
        return len(points)

    def close_windows(self, model: str, *, now: datetime | None = None) -> list[WindowInfo]:
        self._model(model)
        now = now or datetime.now(UTC)
        seconds = self.window.total_seconds()
        groups: dict[tuple[str, datetime], int] = {}
        for row in self.records[model].values():
            stamp: datetime = row["timestamp"]
            start = datetime.fromtimestamp(stamp.timestamp() // seconds * seconds, UTC)
            groups[(row["version"], start)] = groups.get((row["version"], start), 0) + 1
        done = {(w.version, w.start) for w in self.closed if w.model == model}
        closed: list[WindowInfo] = []
        for (version, start), count in sorted(groups.items()):
            end = start + self.window
            if end <= now and (version, start) not in done:
                metrics = {"row_count": count, "drift_p_value": float("nan")}
                closed.append(
                    WindowInfo(model, version, None, start, end, "closed", count, 0, metrics)
                )
                self.points.append(MetricPoint(model, version, "row_count", count, start, end))
        self.closed.extend(closed)
        return closed

    def list_windows(
        self, model: str, *, version: str | None = None, limit: int = 500
    ) -> list[WindowInfo]:
        self._model(model)
        found = [w for w in self.closed if w.model == model and version in (None, w.version)]
        return found[::-1][:limit]

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
        self._model(model)
        return [
            p
            for p in self.points
            if p.model == model
            and p.metric == metric
            and version in (None, p.version)
            and feature in (None, p.feature)
            and (start is None or p.window_start >= start)
            and (end is None or p.window_end <= end)
        ]

    def latest_metrics(self) -> list[MetricPoint]:
        return list(self.points)

    def list_alerts(self, *, model: str | None = None, state: str | None = None) -> list[AlertInfo]:
        return [
            a for a in self.alerts.values() if model in (None, a.model) and state in (None, a.state)
        ]

    def add_alert(self, key: str = "a1b2c3d4e5f60718", model: str = "churn") -> AlertInfo:
        alert = AlertInfo(
            key,
            "drift",
            model,
            "v1",
            "drift_score",
            "age",
            None,
            "firing",
            "warning",
            0.4,
            T0,
            None,
            None,
            None,
            "age drifted",
        )
        self.alerts[key] = alert
        return alert

    def _alert(self, key: str) -> AlertInfo:
        if key not in self.alerts:
            raise NotFound(f"alert {key!r} does not exist")
        return self.alerts[key]

    def acknowledge_alert(self, key: str, *, by: str) -> AlertInfo:
        old = self._alert(key)
        self.alerts[key] = new = AlertInfo(**{**old.__dict__, "acknowledged_by": by})
        return new

    def silence_alert(self, key: str, *, until: datetime, by: str) -> AlertInfo:
        old = self._alert(key)
        self.alerts[key] = new = AlertInfo(**{**old.__dict__, "silenced_until": until})
        return new

    def create_api_key(self, scopes: Sequence[str], *, name: str = "") -> tuple[ApiKeyInfo, str]:
        plaintext = "wk_" + secrets.token_urlsafe(32)
        info = ApiKeyInfo(secrets.token_hex(4), name, tuple(scopes), T0)
        self.keys[hashlib.sha256(plaintext.encode()).hexdigest()] = info
        return info, plaintext

    def verify_api_key(self, plaintext: str) -> ApiKeyInfo | None:
        digest = hashlib.sha256(plaintext.encode()).hexdigest()
        for stored, info in self.keys.items():
            if hmac.compare_digest(stored, digest):
                return info
        return None

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "database": "ok"}
