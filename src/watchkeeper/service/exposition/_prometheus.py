"""Prometheus text exposition of metric points and alert states, with bounded labels.

Every metric ``m`` of the catalogue (:mod:`watchkeeper._catalogue`) becomes the gauge
``watchkeeper_m`` (but for the four that Prometheus's naming rules reject, see
:data:`RENAMED`: the latencies become ``watchkeeper_latency_p50_seconds`` etc. in
seconds, ``row_count`` becomes ``watchkeeper_window_records``) with the labels
``model`` and ``version``, plus ``feature`` on the series of per-feature metrics and
``segment`` on the series of a segment (a label is left out, not left empty, where
it does not apply). Alerts become ``watchkeeper_alert_firing`` (1 firing, 0
resolved) labelled ``model``, ``version``, ``monitor``, ``severity`` and, when set,
``feature`` and ``segment``. Values keep their metric's direction, as the catalogue
declares it: for the drift, quality and error figures larger is worse; for
``drift_p_value``, ``label_coverage`` and the performance scores smaller is worse.

Label cardinality is bounded, because a model with 5,000 features would otherwise
create 5,000 series per metric in Prometheus: per model, at most ``max_features``
features keep their own series (those with the largest ``drift_score``, then by
name) and at most ``max_segments`` segments (those with the most rows, then by
name); the rest are folded into ``feature="__other__"`` / ``segment="__other__"``
holding the worst value of what was folded (the maximum; the minimum where the
catalogue says lower is worse). A fresh :class:`~prometheus_client.CollectorRegistry` is built
per call: nothing is registered globally.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from watchkeeper._catalogue import (
    catalogue,
    get_metric_spec,
    prometheus_series,
    scale_of,
    worse,
)
from watchkeeper._exceptions import MissingDependency, UnknownMethodError
from watchkeeper.service._types import MetricPoint

__all__ = [
    "CONTENT_TYPE",
    "MAX_FEATURES",
    "MAX_SEGMENTS",
    "OTHER",
    "RENAMED",
    "metric_name",
    "render_prometheus",
]

# The body is the classic text format 0.0.4; prometheus_client >= 0.22 labels its
# output 1.0.0, which scrapers older than Prometheus 3 do not know.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MAX_FEATURES = 200
MAX_SEGMENTS = 50
OTHER = "__other__"
PREFIX = "watchkeeper_"

# (model, version, feature, segment) -> value, per metric
_Series = dict[tuple[str, str, str | None, str | None], float]


# Names that Prometheus's conventions (and promtool's lint) reject: units are base
# units spelled out (seconds, not ms), and ``_count`` belongs to histograms and
# summaries. The catalogue renames and rescales these; every other metric ``m`` is
# ``watchkeeper_m`` unchanged.
RENAMED: Mapping[str, tuple[str, float]] = MappingProxyType(
    {
        spec.name: (spec.prometheus, spec.scale)
        for spec in catalogue()
        if spec.prometheus is not None
    }
)


def metric_name(metric: str) -> str:
    """The Prometheus name of a watchkeeper metric (the catalogue's series).

    >>> metric_name("drift_score"), metric_name("latency_p95_ms"), metric_name("odd name")
    ('watchkeeper_drift_score', 'watchkeeper_latency_p95_seconds', 'watchkeeper_odd_name')
    >>> metric_name("retries_total")
    'watchkeeper_retries_total_value'
    """
    return prometheus_series(metric)


def _kept(ranked: dict[str, dict[str, float]], limit: int) -> dict[str, set[str]]:
    """For each model over the limit, the names that keep their own series."""
    out: dict[str, set[str]] = {}
    for model, scores in ranked.items():
        if len(scores) > limit:
            order = sorted(scores, key=lambda name: (-scores[name], name))
            out[model] = set(order[:limit])
    return out


def _bounded(name: str | None, model: str, kept: dict[str, set[str]]) -> str | None:
    if name is None or model not in kept or name in kept[model]:
        return name
    return OTHER


def _rank(
    points: list[MetricPoint],
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    features: dict[str, dict[str, float]] = {}
    segments: dict[str, dict[str, float]] = {}
    for p in points:
        if p.feature is not None:
            scores = features.setdefault(p.model, {})
            score = p.value if p.metric == "drift_score" and not math.isnan(p.value) else -math.inf
            scores[p.feature] = max(scores.get(p.feature, -math.inf), score)
        if p.segment is not None:
            rows = segments.setdefault(p.model, {})
            count = p.value if p.metric == "row_count" and not math.isnan(p.value) else -math.inf
            rows[p.segment] = max(rows.get(p.segment, -math.inf), count)
    return features, segments


def _fold(
    points: list[MetricPoint], max_features: int, max_segments: int
) -> tuple[dict[str, _Series], dict[str, set[str]], dict[str, set[str]]]:
    feature_scores, segment_rows = _rank(points)
    features = _kept(feature_scores, max_features)
    segments = _kept(segment_rows, max_segments)
    families: dict[str, _Series] = {}
    for p in points:
        feature = _bounded(p.feature, p.model, features)
        segment = _bounded(p.segment, p.model, segments)
        series = families.setdefault(p.metric, {})
        key = (p.model, p.version, feature, segment)
        value = float(p.value)
        series[key] = worse(p.metric, series[key], value) if key in series else value
    return families, features, segments


def _help(metric: str) -> str:
    try:
        meaning = get_metric_spec(metric).description
    except UnknownMethodError:
        meaning = "a custom figure"
    return f"watchkeeper {metric}: {meaning}"


def _labels(
    model: str, version: str, feature: str | None, segment: str | None, **extra: str
) -> dict[str, str]:
    labels = {"model": model, "version": version, **extra}
    if feature is not None:
        labels["feature"] = feature
    if segment is not None:
        labels["segment"] = segment
    return labels


def render_prometheus(
    points: Iterable[MetricPoint],
    alerts: Iterable[Any],
    *,
    max_features: int = MAX_FEATURES,
    max_segments: int = MAX_SEGMENTS,
) -> bytes:
    """The Prometheus text exposition of ``points`` and the states of ``alerts``.

    ``alerts`` are objects with the attributes ``monitor``, ``model``, ``version``,
    ``feature``, ``segment`` (optional), ``severity`` and ``state`` (``AlertInfo``,
    ``AlertEvent``).

    >>> from datetime import UTC, datetime
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> points = [MetricPoint("churn", "v1", "drift_score", 0.25, t, t, feature="age"),
    ...           MetricPoint("churn", "v1", "row_count", 120.0, t, t)]
    >>> print(render_prometheus(points, []).decode())
    # HELP watchkeeper_drift_score watchkeeper drift_score: drift score: the distance, or 1 - p-value for tests
    # TYPE watchkeeper_drift_score gauge
    watchkeeper_drift_score{feature="age",model="churn",version="v1"} 0.25
    # HELP watchkeeper_window_records watchkeeper row_count: records in the window
    # TYPE watchkeeper_window_records gauge
    watchkeeper_window_records{model="churn",version="v1"} 120.0
    # HELP watchkeeper_alert_firing 1 while an alert fires, 0 once it is resolved
    # TYPE watchkeeper_alert_firing gauge
    <BLANKLINE>
    """  # noqa: E501 (the doctest shows the exposition as it is)
    try:
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.metrics_core import Metric
    except ImportError as error:
        raise MissingDependency("prometheus-client", "server") from error
    if max_features < 1 or max_segments < 1:
        raise ValueError("max_features and max_segments must be at least 1")
    families, features, segments = _fold(list(points), max_features, max_segments)
    firing: dict[tuple[tuple[str, str], ...], float] = {}
    for alert in alerts:
        model = str(alert.model)
        labels = _labels(
            model,
            str(alert.version),
            _bounded(getattr(alert, "feature", None), model, features),
            _bounded(getattr(alert, "segment", None), model, segments),
            monitor=str(alert.monitor),
            severity=str(getattr(alert.severity, "value", alert.severity)),
        )
        state = str(getattr(alert.state, "value", alert.state))
        key = tuple(sorted(labels.items()))
        firing[key] = max(firing.get(key, 0.0), 1.0 if state == "firing" else 0.0)

    class _Snapshot:
        """A collector over one snapshot; registered in a registry of its own."""

        def collect(self) -> Iterator[Metric]:
            for metric in sorted(families):
                name = metric_name(metric)
                scale = scale_of(metric)
                family = Metric(name, _help(metric), "gauge")
                for (model, version, feature, segment), value in sorted(
                    families[metric].items(), key=lambda item: repr(item[0])
                ):
                    labels = _labels(model, version, feature, segment)
                    family.add_sample(name, labels, value * scale)
                yield family
            alert_family = Metric(
                PREFIX + "alert_firing", "1 while an alert fires, 0 once it is resolved", "gauge"
            )
            for key, value in sorted(firing.items()):
                alert_family.add_sample(PREFIX + "alert_firing", dict(key), value)
            yield alert_family

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot())
    body: bytes = generate_latest(registry)
    return body
