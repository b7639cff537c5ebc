"""What the pages and their chart endpoints read from the service, shaped for drawing.

Everything here calls the service facade (never the store) and bounds what it reads:
a time range ending at the model's newest window (event time, so that a replayed or
seeded history shows up), at most ``top`` series per chart, and at most
``MAX_POINTS`` points per series (min-max buckets keep every spike and dip, which a
plain stride would drop). Health is derived from firing alerts only: ``critical`` if a
critical alert fires, ``warning`` if a warning one does, ``ok`` otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from watchkeeper.service._results import AlertInfo, ModelInfo, WindowInfo
from watchkeeper.service._types import MetricPoint, MonitorSpec

__all__ = [
    "KEY_PERFORMANCE",
    "MAX_POINTS",
    "OPERATIONS",
    "RANGES",
    "downsample",
    "features_of",
    "health_by_model",
    "performance_metrics",
    "range_start",
    "series_payload",
    "thresholds_for",
]

MAX_POINTS = 400
RANGES: Mapping[str, timedelta | None] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "all": None,
}
# The one performance figure a sparkline shows, per task.
KEY_PERFORMANCE: Mapping[str, str] = {
    "binary_classification": "accuracy",
    "multiclass_classification": "accuracy",
    "regression": "rmse",
}
OPERATIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Latency", ("latency_p50_ms", "latency_p95_ms", "latency_p99_ms"), "ms"),
    ("Throughput", ("throughput_rps",), "records/s"),
    ("Errors", ("error_rate",), "share of records"),
    ("CPU", ("cpu_percent",), "%"),
    ("Memory", ("memory_bytes",), "bytes"),
    ("Records and labels", ("row_count",), "records"),
    ("Label coverage", ("label_coverage",), "share"),
)
_RANK = {"critical": 2, "warning": 1}


def health_by_model(alerts: Iterable[AlertInfo]) -> dict[str, str]:
    """Each model's health from its firing alerts (models without any are ``ok``).

    >>> from datetime import UTC, datetime
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> def a(model, severity):
    ...     return AlertInfo("k", "m", model, "v1", "drift_score", None, None, "firing",
    ...                      severity, 0.5, t, None, None, None, "")
    >>> health_by_model([a("x", "warning"), a("x", "critical"), a("y", "info")])
    {'x': 'critical'}
    """
    worst: dict[str, int] = {}
    for alert in alerts:
        if alert.state != "firing":
            continue
        rank = _RANK.get(alert.severity, 0)
        if rank:
            worst[alert.model] = max(worst.get(alert.model, 0), rank)
    names = {2: "critical", 1: "warning"}
    return {model: names[rank] for model, rank in worst.items()}


def range_start(end: datetime | None, name: str) -> datetime | None:
    """Where a named range starts, counted back from ``end`` (None: from the beginning).

    >>> from datetime import UTC, datetime
    >>> range_start(datetime(2024, 1, 8, tzinfo=UTC), "7d").isoformat()
    '2024-01-01T00:00:00+00:00'
    """
    span = RANGES.get(name)
    if end is None or span is None:
        return None
    return end - span


def downsample(points: Sequence[tuple[float, float]], limit: int = MAX_POINTS) -> list[Any]:
    """At most ``limit`` points: per bucket the minimum and the maximum, in time order.

    >>> downsample([(float(t), float(v)) for t, v in enumerate([0, 5, 1, 1, 9, 1])], 4)
    [[0.0, 0.0], [1.0, 5.0], [3.0, 1.0], [4.0, 9.0]]
    """
    if len(points) <= limit:
        return [list(p) for p in points]
    buckets = max(1, limit // 2)
    size = len(points) / buckets
    out: list[Any] = []
    for b in range(buckets):
        chunk = points[int(b * size) : int((b + 1) * size)]
        if not chunk:
            continue
        low = min(chunk, key=lambda p: p[1])
        high = max(chunk, key=lambda p: p[1])
        out.extend(list(p) for p in sorted({low, high}))
    return out


def features_of(model: ModelInfo, window: WindowInfo | None) -> list[str]:
    """The model's feature names: from its schema, and from its newest window's metrics.

    >>> from datetime import UTC, datetime
    >>> m = ModelInfo("m", "regression", {"features": {"b": "numeric"}}, None,
    ...               datetime(2024, 1, 1, tzinfo=UTC))
    >>> features_of(m, None)
    ['b']
    """
    names: dict[str, None] = {}
    schema = dict(model.schema or {})
    declared = schema.get("features", schema)
    if isinstance(declared, Mapping):
        names.update((str(k), None) for k in declared if k not in ("columns", "classes"))
    if window is not None:
        for metric in ("drift_score", "missing_share"):
            values = window.metrics.get(metric)
            if isinstance(values, Mapping):
                names.update((str(k), None) for k in values)
    return sorted(names)


def performance_metrics(window: WindowInfo | None) -> list[str]:
    """The performance metrics present in a window, realized or estimated (CBPE/DLE,
    while labels are missing), in the registry's order."""
    from watchkeeper.performance import METRICS

    if window is None:
        return []
    return [
        name for name in METRICS
        if any(isinstance(window.metrics.get(key), int | float)
               for key in (name, f"estimated_{name}"))
    ]  # fmt: skip


def thresholds_for(
    monitors: Iterable[MonitorSpec],
    metric: str,
    feature: str | None,
    baseline: Mapping[str, float],
) -> list[dict[str, Any]]:
    """Horizontal lines for a chart: each monitor's fixed limits on ``metric``.

    ``relative_to_baseline`` becomes the two (or one) limits around the version's
    baseline; ``sigma_band`` depends on the metric's recent history, so it is drawn
    as nothing rather than as a wrong line.
    """
    lines: list[dict[str, Any]] = []
    for monitor in monitors:
        if monitor.metric != metric or (
            feature and monitor.columns and feature not in monitor.columns
        ):
            continue
        c = monitor.condition
        label = f"{monitor.name} ({c.kind}, {monitor.severity})"
        if c.kind in ("above", "below") and c.threshold is not None:
            lines.append({"value": c.threshold, "label": label})
        elif c.kind == "outside":
            lines.extend({"value": v, "label": label} for v in (c.low, c.high) if v is not None)
        elif c.kind == "relative_to_baseline" and c.threshold is not None and metric in baseline:
            base = baseline[metric]
            if c.direction in ("up", "both"):
                lines.append({"value": base + abs(base) * c.threshold, "label": label})
            if c.direction in ("down", "both"):
                lines.append({"value": base - abs(base) * c.threshold, "label": label})
    return lines


def _stamp(point: MetricPoint) -> float:
    return point.window_start.timestamp() * 1000.0


def series_payload(
    points: Iterable[MetricPoint],
    *,
    name_by: str,
    top: int = 12,
    thresholds: Sequence[Mapping[str, Any]] = (),
    bands: Mapping[str, tuple[Sequence[MetricPoint], Sequence[MetricPoint]]] | None = None,
) -> dict[str, Any]:
    """The JSON a chart draws: series named by ``name_by`` (feature, version or metric).

    With more than ``top`` series, those with the largest maximum are kept and the
    number left out is reported, so that a model with 500 features stays readable.
    """
    grouped: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for point in points:
        key = getattr(point, name_by) or point.metric
        grouped[str(key)].append((_stamp(point), point.value))
    ranked = sorted(grouped, key=lambda k: (-max(v for _, v in grouped[k]), k))
    # Alphabetical, each realized metric before its estimate: one colour per role.
    kept = sorted(
        ranked[:top],
        key=lambda k: (k.removeprefix("estimated_"), k != k.removeprefix("estimated_")),
    )
    series = [{"name": name, "points": downsample(grouped[name])} for name in kept]
    drawn_bands = []
    for name, (lower, upper) in (bands or {}).items():
        if lower and upper:
            drawn_bands.append(
                {
                    "name": name,
                    "lower": downsample([(_stamp(p), p.value) for p in lower]),
                    "upper": downsample([(_stamp(p), p.value) for p in upper]),
                }
            )
    return {
        "series": series,
        "omitted": max(0, len(ranked) - top),
        "thresholds": list(thresholds),
        "bands": drawn_bands,
    }
