"""Closing windows: profile each due window, compute its metrics, store them, evaluate
the monitors and record alert changes with their notifications; and reading windows
and metric series back.

Event time decides: a window closes when its end has passed. Closed windows that late
labels, late records or late profiles changed are recomputed at the next close. A
window's posted feature profiles and performance profiles are merged with its records
(:mod:`._profile_ingest`, :mod:`._performance_parts`); realized performance with
performance profiles is :mod:`._performance_realized`'s (exact threshold metrics,
bounded ranking metrics, said in the window's ``bounded`` entry); posted score sketches
are merged into the score statistics (:mod:`._score_parts`), group counters into the
bias series (:mod:`._bias_parts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pyarrow.compute as pc

from watchkeeper.profile import Profile
from watchkeeper.service._alerting import apply_evaluation
from watchkeeper.service._bias_parts import bias_values, window_bias
from watchkeeper.service._evaluate import evaluate_monitors
from watchkeeper.service._ingest import feature_kinds
from watchkeeper.service._performance_parts import window_performance
from watchkeeper.service._performance_realized import realized_with_profiles
from watchkeeper.service._profile_ingest import window_parts
from watchkeeper.service._profiles import load_reference_profile, profile_windows
from watchkeeper.service._registry import Registry
from watchkeeper.service._results import WindowInfo
from watchkeeper.service._score_parts import score_values, window_scores
from watchkeeper.service._specs import monitor_from_dict
from watchkeeper.service._types import MetricPoint, MonitorSpec, alert_key
from watchkeeper.service._windows import compute_window_metrics, summarize, window_data
from watchkeeper.service.kinds._run import kind_columns, version_states, window_kind_values
from watchkeeper.store import to_micros
from watchkeeper.store._rows import AlertRow, ModelRow, WindowRow

__all__ = ["close_due_windows", "evaluate_live", "metric_point", "window_info"]

_HISTORY = 30


def window_info(model: str, row: WindowRow) -> WindowInfo:
    """A stored window as the API lists it."""
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
        approximate=row.approximate,
    )


def metric_point(row: tuple[str, str, str, str, str, datetime, datetime, float]) -> MetricPoint:
    """A stored metric row as a :class:`MetricPoint` (empty feature/segment become None)."""
    model, version, metric, feature, segment, start, end, value = row
    return MetricPoint(model, version, metric, value, start, end, feature or None, segment or None)


def close_due_windows(registry: Registry, model: ModelRow, now: datetime) -> list[WindowInfo]:
    """Close (or recompute) every due window of ``model`` and evaluate its monitors."""
    store = registry.store
    due = store.due_windows(model.id, now)
    if not due:
        return []
    kinds = feature_kinds(model.schema)
    references: dict[int, Profile | None] = {}
    states: dict[int, dict[str, bytes]] = {}  # the monitor kinds' (service.kinds)
    baselines = {v.id: v.baseline for v in store.list_versions(model.id)}
    monitors = [monitor_from_dict(spec) for spec in store.list_monitor_specs(model.name)]
    groups: dict[tuple[int, datetime], list[WindowRow]] = defaultdict(list)
    for window in due:
        groups[(window.version_id, window.start)].append(window)
    closed: list[WindowInfo] = []
    for (version_id, start), rows in sorted(groups.items(), key=lambda kv: kv[0][1]):
        if version_id not in references:
            references[version_id] = load_reference_profile(store, version_id, kinds)
            states[version_id] = version_states(store, model, version_id, registry.clock())
        start_us = to_micros(start)
        parts = {w.id: window_parts(registry, w) for w in rows}  # posted profiles
        built = profile_windows(
            store, model.id, version_id, start_us, rows,
            reference=references[version_id], kinds=kinds,
            outside={wid: p.n_profiled for wid, p in parts.items() if p is not None},
            keep=kind_columns(model.task, model.schema),
        )  # fmt: skip
        keys = built.keys
        outputs = store.records_by_id(model.id, keys.column("id").to_pylist())
        host = store.host_points(model.id, version_id, start_us, to_micros(rows[0].end))
        for window in rows:
            part = keys
            if window.segment:
                part = keys.filter(pc.equal(keys.column("segment"), window.segment))
            data = window_data(part, outputs)
            profile = built.profiles.get(window.id)
            part = parts[window.id]
            values = compute_window_metrics(
                task=model.task,
                schema=model.schema,
                data=data,
                reference=references[version_id],
                window_seconds=(window.end - window.start).total_seconds(),
                profile=profile if part is None else part.merged(profile),
                host=host if not window.segment else (),
            )
            n = data.n
            if part is not None:
                window_seconds = (window.end - window.start).total_seconds()
                values = part.operational(values, data, window_seconds)
                n += part.n_records
            n_labels = sum(label is not None for label in data.labels)
            extra: dict[str, Any] = {}
            posted = window_performance(registry, window)  # labelled performance profiles
            if posted is not None:
                realized = realized_with_profiles(model.task, data, posted)
                values = realized.applied(values, n)
                n_labels, extra = realized.n_labels, realized.summary()
            values += window_kind_values(
                task=model.task, schema=model.schema, data=data, states=states[version_id],
                window_start_us=start_us, segment=window.segment or None,
            )  # fmt: skip
            sketches = window_scores(registry, window)  # score statistics of profiled traffic
            if sketches is not None:
                values, ranged = score_values(model.task, data, sketches, values)
                extra["bounded"] = {**extra.get("bounded", {}), **ranged}
            counters = window_bias(registry, window)  # group counters of profiled traffic
            if counters is not None:
                values = bias_values(data, counters, states[version_id].get("bias"), values)
            points = [
                MetricPoint(
                    model.name, window.version, metric, value, window.start, window.end,
                    feature, window.segment or None,
                )
                for metric, feature, value in values
            ]  # fmt: skip
            summary = {**summarize(values), **extra}
            store.close_window(
                window.id,
                closed_at=registry.clock(),
                summary=summary,
                points=[
                    (p.model, p.version, p.metric, p.feature or "", p.segment or "",
                     p.window_start, p.window_end, p.value)
                    for p in points
                ],
                labels_seen=window.n_labels,
                records_seen=n,
                profile=(profile.to_bytes(), built.through[window.id])
                if profile is not None and window.id in built.changed else None,
            )  # fmt: skip
            evaluate(registry, monitors, points, n, n_labels, baselines.get(version_id, {}))
            closed.append(
                WindowInfo(
                    model.name, window.version, window.segment or None, window.start,
                    window.end, "closed", n, n_labels, summary,
                )
            )  # fmt: skip
    return closed


def evaluate_live(
    registry: Registry, model: ModelRow, points: Sequence[MetricPoint], n_labels: int
) -> None:
    """Evaluate the monitors of the metrics in ``points``, written between closes (a
    streaming detector's, as labels arrive), so that an alert fires now."""
    wanted = {p.metric for p in points}
    store = registry.store
    monitors = [
        m for m in (monitor_from_dict(s) for s in store.list_monitor_specs(model.name))
        if m.metric in wanted
    ]  # fmt: skip
    if not monitors:
        return
    baselines = {v.name: v.baseline for v in store.list_versions(model.id)}
    by_version: dict[str, list[MetricPoint]] = defaultdict(list)
    for point in points:
        by_version[point.version].append(point)
    for version, group in by_version.items():
        evaluate(registry, monitors, group, n_labels, n_labels, baselines.get(version, {}))


def evaluate(
    registry: Registry,
    monitors: Sequence[MonitorSpec],
    points: Sequence[MetricPoint],
    n_records: int,
    n_labels: int,
    baseline: Mapping[str, float],
) -> None:
    """Evaluate ``monitors`` on a closed window's points; store alert changes and the
    notifications they queue, in one transaction."""
    if not monitors or not points:
        return
    from watchkeeper.performance import METRICS

    store = registry.store
    performance = frozenset(METRICS)

    def history(point: MetricPoint) -> list[float]:
        earlier = store.metric_series(
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
    keys = [
        alert_key(e.monitor.name, e.point.model, e.point.version, e.point.feature,
                  e.point.segment)
        for e in evaluations
    ]  # fmt: skip
    stored = store.alerts_for(keys)
    now = registry.clock()
    changed: list[AlertRow] = []
    notifications: list[tuple[str, Mapping[str, Any]]] = []
    for evaluation, key in zip(evaluations, keys, strict=True):
        samples = n_labels if evaluation.monitor.metric in performance else n_records
        row, events = apply_evaluation(
            stored.get(key),
            evaluation,
            n_samples=samples,
            now=now,
            url=registry.settings.public_url,
        )
        if row is None:
            continue
        stored[key] = row
        changed.append(row)
        for event in events:
            for channel in evaluation.monitor.channels:
                notifications.append((channel, event.to_dict()))
    store.save_alerts(changed, notifications, now)
