"""The JSON the dashboard's charts fetch: bounded series and batched sparklines.

These read endpoints sit behind the session cookie (scope ``read``), beside the
bearer-key API; they return data shaped for drawing (downsampled, top series only,
thresholds attached) rather than raw points, which ``GET /v1/models/{m}/metrics/{x}``
already serves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from watchkeeper.dashboard._data import (
    KEY_PERFORMANCE,
    range_start,
    series_payload,
    thresholds_for,
)
from watchkeeper.service._protocol import ServiceAPI
from watchkeeper.service._types import MetricPoint, MonitorSpec

__all__ = ["MAX_SPARK_MODELS", "SPARK_WINDOWS", "chart_series", "sparklines"]

MAX_SPARK_MODELS = 50
SPARK_WINDOWS = 48
_MAX_METRICS = 6


def _newest_end(
    service: ServiceAPI, model: str, versions: Sequence[str]
) -> tuple[datetime | None, timedelta | None]:
    ends = []
    span = None
    for version in versions:
        windows = service.list_windows(model, version=version, limit=1)
        if windows:
            ends.append(windows[0].end)
            span = windows[0].end - windows[0].start
    return (max(ends) if ends else None), span


def _monitors(service: ServiceAPI, model: str) -> list[MonitorSpec]:
    return service.list_monitors(model)


def chart_series(service: ServiceAPI, params: Mapping[str, str]) -> dict[str, Any]:
    """The payload of one chart (see :func:`watchkeeper.dashboard._data.series_payload`).

    Parameters: ``model``, ``metric`` (comma-separated for several lines), ``version``
    or ``versions`` (comma-separated, the A/B view), ``feature``, ``segment``,
    ``range`` (``24h``, ``7d``, ``30d``, ``90d``, ``all``), ``top`` and ``estimated``.
    """
    model_name = params.get("model", "")
    model = service.get_model(model_name)
    metrics = [m for m in params.get("metric", "").split(",") if m][:_MAX_METRICS]
    known = {v.version: v for v in service.list_versions(model_name)}
    versions = [v for v in params.get("versions", "").split(",") if v in known]
    if not versions:
        chosen = params.get("version") or model.active_version
        versions = [chosen] if chosen in known else []
    if not metrics or not versions:
        return series_payload([], name_by="metric")
    end, _ = _newest_end(service, model_name, versions)
    start = range_start(end, params.get("range", "7d"))
    feature = params.get("feature") or None
    segment = params.get("segment") or None

    def read(metric: str, version: str) -> list[MetricPoint]:
        points: list[MetricPoint] = service.metric_series(
            model_name, metric, version=version, feature=feature, segment=segment, start=start
        )
        return points

    points = [p for m in metrics for v in versions for p in read(m, v)]
    bands: dict[str, tuple[list[MetricPoint], list[MetricPoint]]] = {}
    if params.get("estimated") and len(metrics) == 1 and len(versions) == 1:
        metric, version = metrics[0], versions[0]
        points += read(f"estimated_{metric}", version)
        for prefix in ("", "estimated_"):
            lower = read(f"{prefix}{metric}_lower", version)
            upper = read(f"{prefix}{metric}_upper", version)
            if lower and upper:
                bands[f"{prefix}{metric}"] = (lower, upper)
    if len(versions) > 1:
        name_by = "version"
    elif len(metrics) > 1 or params.get("estimated"):
        name_by = "metric"
    else:
        name_by = "feature"
    baseline = dict(known[versions[0]].baseline) if len(versions) == 1 else {}
    lines = (
        thresholds_for(_monitors(service, model_name), metrics[0], feature, baseline)
        if len(metrics) == 1
        else []
    )
    top = min(max(_int(params.get("top"), 12), 1), 50)
    return series_payload(points, name_by=name_by, top=top, thresholds=lines, bands=bands)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def sparklines(service: ServiceAPI, names: Sequence[str]) -> dict[str, Any]:
    """The newest ``SPARK_WINDOWS`` values of each model's key metrics (active version).

    One request for a whole overview page: at most ``MAX_SPARK_MODELS`` models, four
    small queries each.
    """
    models = {m.name: m for m in service.list_models()}
    out: dict[str, Any] = {}
    for name in list(dict.fromkeys(names))[:MAX_SPARK_MODELS]:
        model = models.get(name)
        if model is None or model.active_version is None:
            continue
        end, span = _newest_end(service, name, [model.active_version])
        if end is None or span is None:
            out[name] = {}
            continue
        start = end - span * SPARK_WINDOWS
        metrics = ["share_drifted", "latency_p95_ms"]
        if model.task in KEY_PERFORMANCE:
            metrics.append(KEY_PERFORMANCE[model.task])
        out[name] = {
            metric: [
                round(p.value, 6)
                for p in service.metric_series(
                    name, metric, version=model.active_version, start=start
                )
            ][-SPARK_WINDOWS:]
            for metric in metrics
        }
        out[name]["newest"] = end.isoformat()
    return {"models": out}
