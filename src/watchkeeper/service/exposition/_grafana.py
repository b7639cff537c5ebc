"""A Grafana dashboard (JSON model) over the series watchkeeper exposes at ``/metrics``.

Variables pick the Prometheus data source, the model, the version, the feature and the
segment; rows hold drift, performance, data quality, operations and alert states, each
panel a PromQL query on a ``watchkeeper_*`` series, named by the metric catalogue
(:mod:`watchkeeper._catalogue`) exactly as the exposition names it: latencies in
seconds, ``row_count`` as ``watchkeeper_window_records``. Each panel says which way is
worse, as the catalogue declares it: for drift, quality and error panels larger is
worse; for performance scores (accuracy, F1, ROC AUC) smaller is worse, for errors
(MAE, RMSE) larger is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from watchkeeper._catalogue import prometheus_series, service_metrics
from watchkeeper.service.exposition._grafana_kinds import kind_panels

__all__ = ["SCHEMA_VERSION", "grafana_dashboard", "panel_metric_names"]

SCHEMA_VERSION = 39
_DS = {"type": "prometheus", "uid": "${datasource}"}
_SEL = 'model=~"$model", version=~"$version"'
_SEG = 'segment=~"$segment"'


def _s(metric: str) -> str:
    """The series of ``metric``, as the exposition names it (one table: the catalogue)."""
    return prometheus_series(metric)


def _performance() -> str:
    """Every realized-performance metric the service computes, as a regex alternation."""
    names = (m.name for m in service_metrics() if m.path and m.path.startswith("performance."))
    return "|".join(sorted(names))


def _variable(
    name: str, label: str, query: str, *, include_all: bool, current: str | None
) -> dict[str, Any]:
    variable: dict[str, Any] = {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": _DS,
        "query": {"query": query, "refId": f"{name}-query"},
        "definition": query,
        "refresh": 2,
        "includeAll": include_all,
        "multi": include_all,
        "sort": 1,
    }
    if include_all:
        variable["allValue"] = ".*"
    if current is not None:
        variable["current"] = {"selected": True, "text": current, "value": current}
    return variable


def _target(expr: str, legend: str, ref: str) -> dict[str, Any]:
    return {"datasource": _DS, "expr": expr, "legendFormat": legend, "refId": ref, "range": True}


def _panel(
    title: str,
    targets: Sequence[tuple[str, str]],
    *,
    unit: str = "short",
    description: str = "",
    thresholds: Sequence[float] = (),
    kind: str = "timeseries",
    width: int = 12,
) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [{"color": "green", "value": None}]
    steps += [{"color": "red", "value": value} for value in thresholds]
    panel: dict[str, Any] = {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": _DS,
        "gridPos": {"h": 8, "w": width, "x": 0, "y": 0},
        "targets": [
            _target(expr, legend, chr(ord("A") + i)) for i, (expr, legend) in enumerate(targets)
        ],
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "thresholds": {"mode": "absolute", "steps": steps},
                "custom": {"thresholdsStyle": {"mode": "dashed" if thresholds else "off"}},
            },
            "overrides": [],
        },
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
    }
    return panel


def _row(title: str) -> dict[str, Any]:
    return {
        "type": "row",
        "title": title,
        "collapsed": False,
        "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0},
        "panels": [],
    }


def _layout(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Place panels left to right, rows across, and number them."""
    x = y = 0
    height = 0
    for index, item in enumerate(items, start=1):
        item["id"] = index
        grid = item["gridPos"]
        if item["type"] == "row" or x + grid["w"] > 24:
            y += height
            x, height = 0, 0
        grid["x"], grid["y"] = x, y
        if item["type"] == "row":
            y += grid["h"]
            continue
        x += grid["w"]
        height = max(height, grid["h"])
    return items


def grafana_dashboard(*, model: str | None = None, title: str | None = None) -> dict[str, Any]:
    """The dashboard's JSON model; ``model`` preselects the model variable.

    >>> board = grafana_dashboard(model="churn")
    >>> board["schemaVersion"], [v["name"] for v in board["templating"]["list"]]
    (39, ['datasource', 'model', 'version', 'feature', 'segment'])
    >>> sorted(panel_metric_names(board))[:3]
    ['watchkeeper_accuracy', 'watchkeeper_alert_firing', 'watchkeeper_attribution_ndcg']
    """
    feature = f'{_SEL}, feature=~"$feature", {_SEG}'
    whole = f'{_SEL}, segment=""'
    items: list[dict[str, Any]] = [
        _row("Drift"),
        _panel(
            "Drift score per feature",
            [(f"{_s('drift_score')}{{{feature}}}", "{{model}} {{version}} {{feature}}")],
            description="the distance, or 1 - p-value for tests; larger is worse",
        ),
        _panel(
            "Share of drifted features",
            [(f"{_s('share_drifted')}{{{_SEL}, {_SEG}}}", "{{model}} {{version}} {{segment}}")],
            unit="percentunit",
            thresholds=[0.5],
        ),
        _panel(
            "Drifted features (1 = drifted)",
            [(f"{_s('drift_detected')}{{{feature}}}", "{{model}} {{version}} {{feature}}")],
            kind="state-timeline",
        ),
        _panel(
            "p-value per feature",
            [(f"{_s('drift_p_value')}{{{feature}}}", "{{feature}}")],
            description="tests only; smaller is worse",
        ),
        _panel(
            "Effect size per feature",
            [(f"{_s('drift_effect')}{{{feature}}}", "{{model}} {{version}} {{feature}}")],
            description="Wasserstein distance / sd, or Jensen-Shannon; larger is worse",
        ),
        _row("Performance"),
        _panel(
            "Realized performance",
            [
                (
                    f'{{__name__=~"watchkeeper_({_performance()})", {_SEL}, {_SEG}}}',
                    "{{__name__}} {{model}} {{version}}",
                )
            ],
            description="where labels arrived; scores: smaller is worse, errors: larger is worse",
        ),
        _panel(
            "Label coverage",
            [(f"{_s('label_coverage')}{{{_SEL}, {_SEG}}}", "{{model}} {{version}}")],
            unit="percentunit",
        ),
        _row("Data quality"),
        _panel(
            "Missing share per feature",
            [(f"{_s('missing_share')}{{{feature}}}", "{{model}} {{feature}}")],
            unit="percentunit",
        ),
        _panel(
            "Quality findings",
            [
                (f"{_s('quality_critical')}{{{_SEL}, {_SEG}}}", "critical {{model}}"),
                (f"{_s('quality_warning')}{{{_SEL}, {_SEG}}}", "warning {{model}}"),
            ],
        ),
        _panel(
            "True share per boolean feature",
            [(f"{_s('true_share')}{{{feature}}}", "{{model}} {{feature}}")],
            unit="percentunit",
            description="for guard detectors: the share of flagged requests; larger is worse",
        ),
        _row("Operations"),
        _panel(
            "Latency",
            [
                (f"{_s('latency_p50_ms')}{{{whole}}}", "p50 {{model}} {{version}}"),
                (f"{_s('latency_p95_ms')}{{{whole}}}", "p95 {{model}} {{version}}"),
                (f"{_s('latency_p99_ms')}{{{whole}}}", "p99 {{model}} {{version}}"),
            ],
            unit="s",
            width=8,
        ),
        _panel(
            "Throughput",
            [(f"{_s('throughput_rps')}{{{whole}}}", "{{model}} {{version}}")],
            unit="reqps",
            width=8,
        ),
        _panel(
            "Error rate",
            [(f"{_s('error_rate')}{{{whole}}}", "{{model}} {{version}}")],
            unit="percentunit",
            width=8,
        ),
        _panel(
            "CPU",
            [(f"{_s('cpu_percent')}{{{whole}}}", "{{model}} {{version}}")],
            unit="percent",
            width=8,
        ),
        _panel(
            "Memory",
            [(f"{_s('memory_bytes')}{{{whole}}}", "{{model}} {{version}}")],
            unit="bytes",
            width=8,
        ),
        _panel(
            "Records dropped by the SDK",
            [(f"{_s('sdk_dropped')}{{{whole}}}", "{{model}} {{version}}")],
            description="records the SDK could not send; larger is worse",
            width=8,
        ),
        _panel(
            "Records per window",
            [
                (
                    f"{_s('row_count')}{{{_SEL}, {_SEG}}}",
                    "{{model}} {{version}} {{segment}}",
                )
            ],
            width=8,
        ),
        *kind_panels(_panel, _row, _SEL, _SEG),
        _row("Alerts"),
        _panel(
            "Alert states (1 = firing)",
            [
                (
                    f"{_s('alert_firing')}{{{_SEL}}}",
                    "{{monitor}} {{model}} {{version}} {{feature}} {{severity}}",
                )
            ],
            kind="state-timeline",
            width=24,
        ),
    ]
    name = title or (f"watchkeeper: {model}" if model else "watchkeeper")
    return {
        "title": name,
        "uid": ("watchkeeper-" + "".join(c if c.isalnum() else "-" for c in model))[:40]
        if model
        else "watchkeeper",
        "tags": ["watchkeeper", "ml-monitoring"],
        "timezone": "utc",
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": True,
        "refresh": "1m",
        "time": {"from": "now-7d", "to": "now"},
        "annotations": {"list": []},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "refresh": 1,
                },
                _variable(
                    "model",
                    "Model",
                    f"label_values({_s('row_count')}, model)",
                    include_all=model is None,
                    current=model,
                ),
                _variable(
                    "version",
                    "Version",
                    f'label_values({_s("row_count")}{{model=~"$model"}}, version)',
                    include_all=True,
                    current=None,
                ),
                _variable(
                    "feature",
                    "Feature",
                    f'label_values({_s("drift_score")}{{model=~"$model"}}, feature)',
                    include_all=True,
                    current=None,
                ),
                _variable(
                    "segment",
                    "Segment",
                    f'label_values({_s("row_count")}{{model=~"$model"}}, segment)',
                    include_all=True,
                    current=None,
                ),
            ]
        },
        "panels": _layout(items),
    }


def panel_metric_names(board: dict[str, Any]) -> set[str]:
    """Every ``watchkeeper_*`` series name the panels' queries read.

    The performance panel's ``__name__`` regex counts as each metric it lists.
    """
    import re

    names: set[str] = set()
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"]
            names.update(re.findall(r"\bwatchkeeper_[a-z0-9_]+(?=\{)", expr))
            for group in re.findall(r"watchkeeper_\(([^)]*)\)", expr):
                names.update(f"watchkeeper_{m}" for m in group.split("|"))
    return names
