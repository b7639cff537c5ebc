"""The model pages: overview, model, feature and versions (A/B), rendered on the server.

Each function reads what its page needs from the service (a bounded amount: a page of
models, the newest windows, the firing alerts) and returns the HTML; the charts are
empty figures whose data the script fetches from the ``/ui/api`` endpoints, so a page
with 100 models and 1,000 windows each renders from a handful of queries.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from watchkeeper.dashboard._data import (
    KEY_PERFORMANCE,
    OPERATIONS,
    RANGES,
    features_of,
    health_by_model,
    performance_metrics,
)
from watchkeeper.dashboard._distribution import distribution_section
from watchkeeper.dashboard._html import (
    PREFIX,
    approximate_note,
    badge,
    chart,
    e,
    fmt_number,
    fmt_time,
    health_badge,
    page,
    pager,
    select,
    table,
    url,
)
from watchkeeper.dashboard._kinds import kinds_section
from watchkeeper.dashboard._session import Session
from watchkeeper.service._protocol import ServiceAPI
from watchkeeper.service._results import ModelInfo, WindowInfo

__all__ = ["feature_page", "model_page", "overview_page", "versions_page"]

PAGE_SIZE = 25
_MAX_FEATURE_ROWS = 200
_RANGE_OPTIONS = [(k, {"all": "everything"}.get(k, f"last {k}")) for k in RANGES]
_HEALTH_ORDER = {"critical": 0, "warning": 1, "ok": 2}


def _newest(windows: list[WindowInfo]) -> WindowInfo | None:
    """The newest whole-traffic window (segments have their own)."""
    return next((w for w in windows if w.segment is None and w.status == "closed"), None)


def _spark(model: str, metric: str, label: str) -> str:
    return (
        f'<span class="wk-spark" data-model="{e(model)}" data-metric="{e(metric)}" '
        f'role="img" aria-label="{e(label)} of {e(model)}, recent windows"></span>'
    )


def overview_page(service: ServiceAPI, session: Session, params: Mapping[str, str]) -> str:
    """Every model with its health, firing alerts and sparklines, 25 to a page."""
    models = service.list_models()
    firing = service.list_alerts(state="firing")
    health = health_by_model(firing)
    counts: dict[str, int] = {}
    for alert in firing:
        counts[alert.model] = counts.get(alert.model, 0) + 1
    query = params.get("q", "").strip()
    wanted = params.get("health", "")
    chosen = [
        m
        for m in models
        if (not query or query.lower() in m.name.lower())
        and (wanted not in _HEALTH_ORDER or health.get(m.name, "ok") == wanted)
    ]
    chosen.sort(key=lambda m: (_HEALTH_ORDER[health.get(m.name, "ok")], m.name))
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    page_no = min(max(1, _int(params.get("page"), 1)), pages)
    shown = chosen[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    rows = []
    for m in shown:
        perf = KEY_PERFORMANCE.get(m.task)
        rows.append(
            [
                health_badge(health.get(m.name, "ok")),
                f'<a href="{e(url(PREFIX + "/models", m.name))}">{e(m.name)}</a>',
                e(m.task),
                e(m.active_version or "-"),
                (
                    f'<a href="{e(url(PREFIX + "/alerts", model=m.name))}">{counts[m.name]}</a>'
                    if counts.get(m.name)
                    else "0"
                ),
                _spark(m.name, "share_drifted", "share drifted"),
                _spark(m.name, perf, perf) if perf else '<span class="wk-muted">-</span>',
                _spark(m.name, "latency_p95_ms", "latency p95"),
            ]
        )
    totals = {h: sum(1 for m in models if health.get(m.name, "ok") == h) for h in _HEALTH_ORDER}
    summary = (
        '<p class="wk-summary">'
        + " ".join(f"{health_badge(h)} {totals[h]}" for h in ("critical", "warning", "ok"))
        + f" &middot; {len(models)} models &middot; "
        f'<a href="{PREFIX}/alerts">{len(firing)} firing alerts</a></p>'
    )
    filters = (
        f'<form class="wk-filters" method="get" action="{PREFIX}/" role="search">'
        '<label class="wk-field"><span>Model name</span>'
        f'<input type="search" name="q" value="{e(query)}"></label>'
        + select(
            "health",
            "Health",
            [("", "any"), ("critical", "critical"), ("warning", "warning"), ("ok", "ok")],
            wanted,
        )
        + '<button type="submit" class="wk-button">Filter</button></form>'
    )
    grid = table(
        [
            ("Health", ""),
            ("Model", "wk-name"),
            ("Task", "wk-opt"),
            ("Active version", ""),
            ("Firing", "wk-num"),
            ("Drift share", "wk-sparkcell"),
            ("Performance", "wk-sparkcell"),
            ("Latency p95", "wk-sparkcell wk-opt"),
        ],
        rows,
        caption="models, worst health first; sparklines show the newest windows of the "
        "active version",
        empty="no models yet: register one with POST /v1/models or 'watchkeeper apply'",
    )
    return page(
        "Overview",
        summary
        + filters
        + f'<div data-sparklines="{PREFIX}/api/sparklines">{grid}</div>'
        + pager(f"{PREFIX}/", page_no, pages, {"q": query or None, "health": wanted or None}),
        session=session,
        active="overview",
    )


def _link(href: str, text: str) -> str:
    return f'<a href="{e(href)}">{e(text)}</a>'


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _controls(
    action: str,
    versions: list[str],
    version: str | None,
    segments: list[str],
    segment: str | None,
    range_name: str,
    extra: Mapping[str, str] | None = None,
) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in (extra or {}).items()
    )
    return (
        f'<form class="wk-filters" method="get" action="{e(action)}">{hidden}'
        + select("version", "Version", [(v, v) for v in versions], version)
        + select("segment", "Segment", [("", "all traffic"), *((s, s) for s in segments)], segment)
        + select("range", "Time range", _RANGE_OPTIONS, range_name)
        + '<button type="submit" class="wk-button">Show</button></form>'
    )


def _series_url(model: str, metric: str, **params: Any) -> str:
    return url(f"{PREFIX}/api/series", model=model, metric=metric, **params)


def _context(service: ServiceAPI, name: str, params: Mapping[str, str]) -> dict[str, Any]:
    model: ModelInfo = service.get_model(name)
    versions = [v.version for v in service.list_versions(name)]
    version = params.get("version") or model.active_version or (versions[-1] if versions else None)
    if version not in versions:
        version = model.active_version
    windows = service.list_windows(name, version=version, limit=200) if version else []
    segments = sorted({w.segment for w in windows if w.segment})
    segment = params.get("segment") or None
    if segment not in segments:
        segment = None
    range_name = params.get("range", "7d")
    if range_name not in RANGES:
        range_name = "7d"
    return {
        "model": model,
        "versions": versions,
        "version": version,
        "windows": windows,
        "segments": segments,
        "segment": segment,
        "range": range_name,
        "newest": _newest(windows),
    }


def model_page(service: ServiceAPI, session: Session, name: str, params: Mapping[str, str]) -> str:
    """Drift per feature, performance, data quality and operations of one model version."""
    c = _context(service, name, params)
    model: ModelInfo = c["model"]
    newest: WindowInfo | None = c["newest"]
    common = {"version": c["version"], "segment": c["segment"], "range": c["range"]}
    firing = service.list_alerts(model=name, state="firing")
    health = health_by_model(firing).get(name, "ok")
    head = (
        f'<p class="wk-summary">{health_badge(health)} {e(model.task)} &middot; active version '
        f"{e(model.active_version or '-')} &middot; "
        f'<a href="{e(url(PREFIX + "/alerts", model=name))}">{len(firing)} firing alerts</a>'
        f' &middot; <a href="{e(url(PREFIX + "/models", name, "versions"))}">compare versions</a>'
        f" &middot; newest window {e(fmt_time(newest.end if newest else None))}"
        f"{approximate_note(sum(w.approximate for w in c['windows'] if w.segment is None))}</p>"
    )
    controls = _controls(
        url(PREFIX + "/models", name),
        c["versions"],
        c["version"],
        c["segments"],
        c["segment"],
        c["range"],
    )
    if c["version"] is None:
        return page(
            name,
            head + '<p class="wk-empty">this model has no version yet</p>',
            session=session,
            crumbs=[("Overview", f"{PREFIX}/"), (name, "")],
        )
    drift = (
        "<h2>Drift</h2><div class='wk-grid'>"
        + chart(
            "Drift score per feature",
            _series_url(name, "drift_score", top=12, **common),
            description="larger is worse; dashed lines are monitor thresholds",
        )
        + chart("Share of drifted features", _series_url(name, "share_drifted", **common))
        + "</div>"
    )
    perf_metrics = performance_metrics(newest)
    perf = "<h2>Performance</h2>" + (
        "<div class='wk-grid'>"
        + "".join(
            chart(
                f"{metric} (realized and estimated)",
                _series_url(name, metric, estimated=1, **common),
                description="estimated and its band drawn when the service records them",
            )
            for metric in perf_metrics[:6]
        )
        + "</div>"
        if perf_metrics
        else '<p class="wk-empty">no realized performance yet: labels have not arrived for '
        "the newest window</p>"
    )
    quality = (
        "<h2>Data quality</h2><div class='wk-grid'>"
        + chart(
            "Missing share per feature",
            _series_url(name, "missing_share", top=12, **common),
            description="share of missing values, larger is worse",
        )
        + chart(
            "Quality findings",
            _series_url(name, "quality_critical,quality_warning", **common),
            description="critical and warning findings per window",
        )
        + "</div>"
    )
    ops = (
        "<h2>Operations</h2><div class='wk-grid'>"
        + "".join(
            chart(title, _series_url(name, ",".join(metrics), **common), y_label=unit)
            for title, metrics, unit in OPERATIONS
        )
        + "</div>"
    )
    perf += kinds_section(_series_url, name, newest.metrics if newest else {}, common)
    return page(
        name,
        head + controls + drift + perf + quality + ops + _feature_table(name, model, newest, c),
        session=session,
        crumbs=[("Overview", f"{PREFIX}/"), (name, "")],
    )


def _feature_table(
    name: str, model: ModelInfo, newest: WindowInfo | None, c: Mapping[str, Any]
) -> str:
    metrics = newest.metrics if newest is not None else {}

    def value(metric: str, feature: str) -> Any:
        values = metrics.get(metric)
        return values.get(feature) if isinstance(values, Mapping) else None

    features = features_of(model, newest)
    features.sort(key=lambda f: (-(value("drift_score", f) or 0.0), f))
    rows = [
        [
            _link(url(PREFIX + "/models", name, "feature", name=f, version=c["version"]), f),
            e(fmt_number(value("drift_score", f))),
            badge("drift", "drift") if value("drift_detected", f) == 1 else badge("no", "ok"),
            e(fmt_number(value("missing_share", f))),
        ]
        for f in features[:_MAX_FEATURE_ROWS]
    ]
    more = len(features) - len(rows)
    note = f'<p class="wk-muted wk-small">{more} more features not listed</p>' if more > 0 else ""
    return (
        "<h2>Features in the newest window</h2>"
        + table(
            [
                ("Feature", "wk-name"),
                ("Drift score", "wk-num"),
                ("Drifted", ""),
                ("Missing share", "wk-num"),
            ],
            rows,
            caption="worst drift first; follow a feature for its history",
            empty="no features known yet",
        )
        + note
    )


def feature_page(
    service: ServiceAPI, session: Session, name: str, params: Mapping[str, str]
) -> str:
    """One feature: reference and current distributions for a chosen window (from the
    window's stored profile), its drift and missing share over time, and the newest
    window's figures.
    """
    feature = params.get("name", "")
    c = _context(service, name, params)
    newest: WindowInfo | None = c["newest"]
    common = {
        "version": c["version"],
        "segment": c["segment"],
        "range": c["range"],
        "feature": feature,
    }
    controls = _controls(
        url(PREFIX + "/models", name, "feature"),
        c["versions"],
        c["version"],
        c["segments"],
        c["segment"],
        c["range"],
        {"name": feature},
    )
    rows = []
    for metric in (
        "drift_score",
        "drift_p_value",
        "drift_effect",
        "drift_detected",
        "missing_share",
    ):
        values = newest.metrics.get(metric) if newest is not None else None
        if isinstance(values, Mapping) and feature in values:
            rows.append([e(metric), e(fmt_number(values[feature]))])
    summary = table(
        [("Metric", ""), ("Value", "wk-num")],
        rows,
        caption=f"newest window {fmt_time(newest.start if newest else None)} to "
        f"{fmt_time(newest.end if newest else None)}",
        empty="no figures for this feature in the newest window",
    )
    charts = (
        "<div class='wk-grid'>"
        + chart(
            "Drift score", _series_url(name, "drift_score", **common), description="larger is worse"
        )
        + chart(
            "Distribution of the drift score over the range",
            _series_url(name, "drift_score", **common),
            kind="histogram",
        )
        + chart(
            "p-value",
            _series_url(name, "drift_p_value", **common),
            description="smaller is worse (tests only)",
        )
        + chart("Effect size", _series_url(name, "drift_effect", **common))
        + chart("Missing share", _series_url(name, "missing_share", **common))
        + "</div>"
    )
    distribution = distribution_section(
        service, name, c["version"], c["windows"], feature, c["segment"], params.get("window")
    )
    return page(
        f"{feature} in {name}",
        controls
        + "<h2>Reference and current distributions</h2>"
        + distribution
        + "<h2>Newest window</h2>"
        + summary
        + "<h2>History</h2>"
        + charts,
        session=session,
        crumbs=[("Overview", f"{PREFIX}/"), (name, url(PREFIX + "/models", name)), (feature, "")],
    )


def _metric(window: WindowInfo | None, metric: str) -> Any:
    return None if window is None else window.metrics.get(metric)


def versions_page(
    service: ServiceAPI, session: Session, name: str, params: Mapping[str, str]
) -> str:
    """Two versions side by side: baselines, newest figures, and their series together."""
    model: ModelInfo = service.get_model(name)
    infos = service.list_versions(name)
    names = [v.version for v in infos]
    a = params.get("a") if params.get("a") in names else model.active_version
    others = [v for v in reversed(names) if v != a]
    b = params.get("b") if params.get("b") in names else (others[0] if others else a)
    range_name = params.get("range") if params.get("range") in RANGES else "30d"
    listing = table(
        [
            ("Version", "wk-name"),
            ("Active", ""),
            ("Created", ""),
            ("Reference", ""),
            ("Baseline", ""),
        ],
        [
            [
                e(v.version),
                badge("active", "ok") if v.active else "",
                e(fmt_time(v.created_at)),
                "yes" if v.has_reference else "no",
                e(", ".join(f"{k}={fmt_number(x)}" for k, x in sorted(v.baseline.items())) or "-"),
            ]
            for v in infos
        ],
        caption="every version of the model",
        empty="no versions yet",
    )
    here = url(PREFIX + "/models", name, "versions")
    pick = (
        f'<form class="wk-filters" method="get" action="{e(here)}">'
        + select("a", "Version A", [(v, v) for v in names], a)
        + select("b", "Version B", [(v, v) for v in names], b)
        + select("range", "Time range", _RANGE_OPTIONS, range_name)
        + '<button type="submit" class="wk-button">Compare</button></form>'
    )
    if a is None or b is None:
        return page(
            f"Versions of {name}",
            listing,
            session=session,
            crumbs=[("Overview", f"{PREFIX}/"), (name, url(PREFIX + "/models", name))],
        )
    newest = {v: _newest(service.list_windows(name, version=v, limit=50)) for v in {a, b}}
    metrics = [
        "share_drifted",
        *performance_metrics(newest[a] or newest[b])[:3],
        "row_count",
        "latency_p95_ms",
        "error_rate",
    ]
    side = table(
        [("Metric", ""), (f"A: {a}", "wk-num"), (f"B: {b}", "wk-num")],
        [[e(m)] + [e(fmt_number(_metric(newest[v], m))) for v in (a, b)] for m in metrics],
        caption="newest closed window of each version",
    )
    versions = f"{a},{b}"
    charts = (
        "<div class='wk-grid'>"
        + "".join(
            chart(f"{m}: A vs B", _series_url(name, m, versions=versions, range=range_name))
            for m in metrics
        )
        + "</div>"
    )
    return page(
        f"Versions of {name}",
        listing + "<h2>A/B</h2>" + pick + side + charts,
        session=session,
        crumbs=[
            ("Overview", f"{PREFIX}/"),
            (name, url(PREFIX + "/models", name)),
            ("versions", ""),
        ],
    )
