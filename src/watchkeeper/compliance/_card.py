"""A model card read from the store: what the model is for, what it was built on, how it
has behaved, what went wrong and who did what to it.

Every number is read from the store (or computed from the reference data the store
keeps), so the card can be regenerated at any time and agrees with the dashboard:

- intended use and owner: the model's entry in ``watchkeeper.yaml`` (``intended_use``,
  ``owner``, ``description``), when a file is given;
- reference summary: the version's reference profile (rows, and per column its nulls,
  mean, spread or top categories);
- baseline performance: the declared baseline, and the task's metrics on the reference
  rows when they carry the target and the prediction;
- fairness: for each ``sensitive`` column of the schema, selection and true positive
  rates per group on the reference, with their largest difference and the
  four-fifths rule (binary classification);
- monitors with their series and alerts; alerts with how they were handled; closed
  windows; versions with their history from the audit trail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.store import Store
from watchkeeper.store._repo_audit import AuditRepository

__all__ = ["ModelCard", "build_card"]

_CLASSIFICATION = ("accuracy", "precision", "recall", "f1", "roc_auc")
_REGRESSION = ("mae", "rmse", "r2")
_TOP_CATEGORIES = 5


@dataclass(frozen=True, kw_only=True)
class ModelCard:
    """The card's content, as plain data (rendered by :mod:`._card_render`)."""

    model: str
    task: str
    version: str | None
    generated_at: datetime
    created_at: datetime
    description: str = ""
    intended_use: str = ""
    owner: str = ""
    schema: list[dict[str, Any]] = field(default_factory=list)
    reference: dict[str, Any] | None = None
    baseline: dict[str, float] = field(default_factory=dict)
    reference_performance: dict[str, float] = field(default_factory=dict)
    fairness: list[dict[str, Any]] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)
    monitors: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    windows: dict[str, Any] = field(default_factory=dict)
    versions: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            name: _plain(getattr(self, name))
            for name in self.__dataclass_fields__  # dataclass order: the card's order
        }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _schema_rows(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    columns = dict(schema.get("columns") or {})
    for name, entry in (schema.get("features") or {}).items():
        merged = dict(columns.get(name) or {})
        if isinstance(entry, Mapping):
            merged = {**dict(entry), **merged}
        else:
            merged.setdefault("kind", entry)
        columns[name] = merged
    subject = schema.get("subject")
    rows = []
    for name in sorted(columns):
        entry = columns[name]
        rows.append(
            {
                "column": name,
                "kind": entry.get("kind", ""),
                "role": entry.get("role", "feature"),
                "pii": entry.get("pii") or "",
                "subject": bool(entry.get("subject")) or name == subject,
            }
        )
    return rows


def _column_summary(name: str, column: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"column": name, "kind": column.kind, "nulls": column.n_missing}
    if column.kind == "numeric":
        out.update(
            mean=column.moments.mean if column.moments.n else None,
            std=column.moments.std(ddof=1) if column.moments.n > 1 else None,
            min=column.min,
            median=column.quantile(0.5),
            max=column.max,
        )
    elif column.kind in ("categorical", "boolean") and column.counts is not None:
        top = Counter(column.counts).most_common(_TOP_CATEGORIES)
        out.update(categories=len(column.counts), top=[[k, int(v)] for k, v in top])
    elif column.kind == "text":
        out.update(mean_length=column.lengths.mean if column.lengths.n else None)
    return out


def _reference_summary(store: Store, version_id: int) -> dict[str, Any] | None:
    from watchkeeper.profile import Profile

    data = store.reference_profile_bytes(version_id)
    if data is None:
        return None
    profile = Profile.from_bytes(data, source="the version's reference profile")
    return {
        "rows": profile.n_rows,
        "columns": [_column_summary(name, profile[name]) for name in sorted(profile.columns)],
    }


def _role_columns(schema: Mapping[str, Any], role: str) -> list[str]:
    columns = schema.get("columns") or {}
    return [
        name
        for name, entry in columns.items()
        if isinstance(entry, Mapping) and entry.get("role") == role
    ]


def _reference_table(store: Store, version_id: int) -> Any:
    import pyarrow as pa

    data = store.reference_bytes(version_id)
    if data is None:
        return None
    return pa.ipc.open_stream(data).read_all()


def _performance(task: str, table: Any, schema: Mapping[str, Any]) -> dict[str, float]:
    from watchkeeper.performance import compute_metric

    targets, predictions = _role_columns(schema, "target"), _role_columns(schema, "prediction")
    scores = _role_columns(schema, "score")
    if table is None or not targets or not predictions:
        return {}
    names = set(table.column_names)
    if targets[0] not in names or predictions[0] not in names:
        return {}
    import pyarrow.compute as pc

    # Rows without a label or a prediction say nothing about performance.
    labelled = pc.and_(pc.is_valid(table[targets[0]]), pc.is_valid(table[predictions[0]]))
    rows = table.filter(labelled)
    if rows.num_rows == 0:
        return {}
    truth = rows[targets[0]].to_numpy(zero_copy_only=False)
    predicted = rows[predictions[0]].to_numpy(zero_copy_only=False)
    out: dict[str, float] = {}
    metrics = _REGRESSION if task == "regression" else _CLASSIFICATION
    for metric in metrics:
        score = None
        if metric == "roc_auc":
            if task != "binary_classification" or not scores or scores[0] not in names:
                continue
            score = rows[scores[0]].to_numpy(zero_copy_only=False)
        try:
            value = compute_metric(metric, truth, predicted, score)
        except InputError:
            continue
        if value == value:  # NaN: undefined on these rows (one class only)
            out[metric] = float(value)
    return out


def _fairness(table: Any, schema: Mapping[str, Any], sensitive: list[str]) -> list[dict[str, Any]]:
    from watchkeeper.fairness import count_groups, disparity

    targets, predictions = _role_columns(schema, "target"), _role_columns(schema, "prediction")
    if table is None or not targets or not predictions:
        return []
    out: list[dict[str, Any]] = []
    for column in sensitive:
        if column not in table.column_names:
            out.append({"column": column, "note": "not in the reference data"})
            continue
        counters = count_groups(
            table[targets[0]].to_pylist(),
            table[predictions[0]].to_pylist(),
            sensitive_features=[str(v) for v in table[column].to_pylist()],
        )
        report = disparity(counters)
        selection = report.demographic_parity
        opportunity = report.equal_opportunity
        out.append(
            {
                "column": column,
                "groups": {
                    "/".join(key): {
                        "rows": counters.groups[key].n,
                        "selection_rate": selection.by_group.get(key),
                        "true_positive_rate": opportunity.by_group.get(key),
                    }
                    for key in sorted(counters.groups)
                },
                "demographic_parity_difference": selection.difference,
                "equal_opportunity_difference": opportunity.difference,
                "four_fifths_passed": report.four_fifths.passed,
            }
        )
    return out


def _condition_text(condition: Mapping[str, Any]) -> str:
    kind = condition.get("kind", "")
    if kind in ("above", "below", "at_least", "at_most"):
        return f"{kind} {condition.get('threshold')}"
    if kind in ("outside", "inside", "between"):
        return f"{kind} {condition.get('low')}..{condition.get('high')}"
    return ", ".join(f"{k} {v}" for k, v in sorted(condition.items()) if v is not None)


def _monitors(
    store: Store, model: str, version: str | None, alerts: list[Any], audit: list[Any]
) -> list[dict[str, Any]]:
    out = []
    for spec in store.list_monitor_specs(model):
        points = store.metric_series(model, spec["metric"], version=version)
        if spec.get("columns"):
            points = [p for p in points if p[3] in spec["columns"]]
        features = sorted({p[3] for p in points})
        latest: dict[str, float] = {}
        for point in points:  # oldest first: the last one seen per feature is the newest
            latest[point[3] or "(model)"] = point[7]
        fired = [a for a in alerts if a.monitor == spec["name"]]
        changes = [e for e in audit if e.target == f"monitor:{spec['name']}"]
        out.append(
            {
                "name": spec["name"],
                "metric": spec["metric"],
                "columns": list(spec.get("columns") or []),
                "condition": _condition_text(spec.get("condition") or {}),
                "severity": spec.get("severity", ""),
                "points": len(points),
                "features": len(features),
                "first_window": points[0][5] if points else None,
                "last_window": points[-1][5] if points else None,
                "latest": latest,
                "alerts": len(fired),
                "firing": sum(a.state == "firing" for a in fired),
                "changes": [_history_row(e) for e in changes],
            }
        )
    return out


def _handling(alert: Any) -> str:
    parts = []
    if alert.acknowledged_by:
        parts.append(f"acknowledged by {alert.acknowledged_by}")
    if alert.silenced_until is not None:
        parts.append(f"silenced until {alert.silenced_until.isoformat()}")
    if alert.resolved_at is not None:
        parts.append(f"resolved {alert.resolved_at.isoformat()}")
    return "; ".join(parts) or "open, not acknowledged"


def _history_row(entry: Any) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor_name if entry.actor_name == entry.actor_id else
        f"{entry.actor_name} ({entry.actor_id})",
        "action": entry.action,
        "target": entry.target,
    }  # fmt: skip


def build_card(
    store: Store,
    model: str,
    version: str | None = None,
    *,
    config: Any = None,
    now: datetime | None = None,
) -> ModelCard:
    """The card of ``model`` (its ``version``; default: the active, else the newest).

    ``config`` is a :class:`~watchkeeper.service.config.WatchkeeperConfig` (or None),
    where the model's owner and intended use are read.
    """
    row = store.get_model(model)
    if row is None:
        known = ", ".join(m.name for m in store.list_models()) or "none"
        raise InputError(f"model {model!r} is not in the store; models: {known}")
    versions = store.list_versions(row.id)
    if version is None:
        chosen = next((v for v in versions if v.active), versions[-1] if versions else None)
    else:
        chosen = next((v for v in versions if v.name == version), None)
        if chosen is None:
            names = ", ".join(v.name for v in versions) or "none"
            raise InputError(f"model {model!r} has no version {version!r}; versions: {names}")
    declared = None
    if config is not None:
        declared = next((m for m in config.models if m.name == model), None)
    schema = row.schema
    sensitive = [str(c) for c in schema.get("sensitive") or []]
    table = _reference_table(store, chosen.id) if chosen is not None else None
    audit = AuditRepository(store.engine).list_audit(model=model, limit=10_000)
    alerts = [a for a in store.list_alerts(model=model)
              if chosen is None or a.version == chosen.name]  # fmt: skip
    windows = [w for w in store.list_windows(row.id, limit=100_000)
               if chosen is None or w.version_id == chosen.id]  # fmt: skip
    # The whole traffic's windows; a segment's windows count the same records again.
    windows = [w for w in windows if w.segment == ""]
    closed = [w for w in windows if w.status == "closed"]
    return ModelCard(
        model=row.name,
        task=row.task,
        version=chosen.name if chosen is not None else None,
        generated_at=now or datetime.now(UTC),
        created_at=row.created_at,
        description=declared.description if declared is not None else "",
        intended_use=declared.intended_use if declared is not None else "",
        owner=declared.owner if declared is not None else "",
        schema=_schema_rows(schema),
        reference=_reference_summary(store, chosen.id) if chosen is not None else None,
        baseline=dict(chosen.baseline) if chosen is not None else {},
        reference_performance=_performance(row.task, table, schema),
        fairness=_fairness(table, schema, sensitive) if row.task == "binary_classification" else [],
        sensitive=sensitive,
        monitors=_monitors(store, model, chosen.name if chosen else None, alerts, audit),
        alerts=[
            {
                "monitor": a.monitor,
                "severity": a.severity,
                "state": a.state,
                "feature": a.feature or "",
                "value": a.value,
                "window_start": a.window_start,
                "fired_at": a.fired_at,
                "handling": _handling(a),
                "message": a.message,
            }
            for a in sorted(alerts, key=lambda a: (a.fired_at, a.key))
        ],
        windows={
            "closed": len(closed),
            "open": len(windows) - len(closed),
            "records": sum(w.n_records for w in closed),
            "labels": sum(w.n_labels for w in closed),
            "first_start": min((w.start for w in closed), default=None),
            "last_end": max((w.end for w in closed), default=None),
        },
        versions=[
            {
                "name": v.name,
                "active": v.active,
                "created_at": v.created_at,
                "has_reference": v.has_reference,
                "baseline": dict(v.baseline),
            }
            for v in versions
        ],
        history=[_history_row(e) for e in audit],
    )
