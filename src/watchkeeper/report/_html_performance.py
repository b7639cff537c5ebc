"""The report's performance section: one inline SVG chart per metric, from the JSON form.

Each chart draws the metric per chunk (reference chunks grey, current chunks blue), the
sampling-error band around the current values, the thresholds (dashed) and the chunks in
alert (red dots). It reads ``report["performance"]`` and computes nothing.

The vertical scale is set by the values and thresholds; a band may widen it by at most
half their span on each side and is clipped there. A chunk with a huge sampling error
(a few rows) would otherwise stretch the scale until every other line lies flat.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from watchkeeper._numbers import finite_or_none

__all__ = ["performance_section"]

_W, _H, _PAD = 640, 180, 36


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _scale(core: Sequence[float], bands: Sequence[float]) -> tuple[float, float]:
    """The drawn range: values and thresholds, widened by bands up to half their span.

    >>> _scale([0.7, 0.8, 0.9], [0.0, 1.0])
    (0.6, 1.0)
    >>> _scale([0.7, 0.8, 0.9], [0.75, 0.85])
    (0.7, 0.9)
    """
    if not core:
        return min(bands), max(bands)
    core_low, core_high = min(core), max(core)
    margin = 0.5 * ((core_high - core_low) or abs(core_high) or 1.0)
    low = max(min([core_low, *bands]), core_low - margin)
    high = min(max([core_high, *bands]), core_high + margin)
    return round(low, 12), round(high, 12)


def _chart(metric: Mapping[str, Any]) -> str:
    chunks: Sequence[Mapping[str, Any]] = metric.get("chunks") or []
    core = [v for c in chunks if (v := finite_or_none(c.get("value"))) is not None]
    core += [
        v
        for c in (metric, *chunks)
        for k in ("lower_threshold", "upper_threshold")
        if (v := finite_or_none(c.get(k))) is not None
    ]
    bands = [
        v
        for c in chunks
        for k in ("lower_band", "upper_band")
        if (v := finite_or_none(c.get(k))) is not None
    ]
    if not chunks or not (core or bands):
        return '<p class="wk-note">no finite values to draw</p>'
    low, high = _scale(core, bands)
    span = (high - low) or 1.0

    def x(i: int) -> float:
        return _PAD + i * (_W - 2 * _PAD) / max(len(chunks) - 1, 1)

    def y(v: float) -> float:
        return _H - _PAD - (v - low) / span * (_H - 2 * _PAD)

    parts = [
        f'<svg class="wk-perf-chart" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{_e(metric.get("metric", ""))} per chunk">'
    ]
    upper = [(i, finite_or_none(c.get("upper_band"))) for i, c in enumerate(chunks)]
    lower = [(i, finite_or_none(c.get("lower_band"))) for i, c in enumerate(chunks)]
    band = [
        (i, u, lo)
        for (i, u), (_, lo) in zip(upper, lower, strict=True)
        if u is not None and lo is not None
    ]
    if band:
        points = [f"{x(i):.1f},{y(min(u, high)):.1f}" for i, u, _ in band]
        points += [f"{x(i):.1f},{y(max(lo, low)):.1f}" for i, _, lo in reversed(band)]
        parts.append(f'<polygon class="wk-band" points="{" ".join(points)}"/>')
    for key in ("lower_threshold", "upper_threshold"):
        level = finite_or_none(metric.get(key))
        if level is not None:
            parts.append(
                f'<line class="wk-threshold" x1="{_PAD}" x2="{_W - _PAD}" '
                f'y1="{y(level):.1f}" y2="{y(level):.1f}"/>'
            )
    for period in ("reference", "analysis"):
        pts = [
            f"{x(i):.1f},{y(v):.1f}"
            for i, c in enumerate(chunks)
            if c.get("period") == period and (v := finite_or_none(c.get("value"))) is not None
        ]
        if pts:
            parts.append(f'<polyline class="wk-line wk-{period}" points="{" ".join(pts)}"/>')
    for i, c in enumerate(chunks):
        v = finite_or_none(c.get("value"))
        if v is not None and c.get("alert"):
            parts.append(f'<circle class="wk-alert" cx="{x(i):.1f}" cy="{y(v):.1f}" r="4"/>')
    parts.append(
        f'<text x="4" y="{_PAD - 8}">{high:.4g}</text>'
        f'<text x="4" y="{_H - _PAD + 14}">{low:.4g}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def performance_section(prefix: str, performance: Mapping[str, Any] | None) -> str:
    """The section's HTML, or an empty string when the report has no performance."""
    if not performance:
        return ""
    metrics = [m for m in performance.get("metrics") or [] if isinstance(m, Mapping)]
    alerts = sum(
        1
        for m in metrics
        for c in m.get("chunks") or []
        if c.get("alert") and c.get("period") == "analysis"
    )
    rows = []
    for metric in metrics:
        name = str(metric.get("metric", ""))
        segment = metric.get("segment")
        title = name if not segment else f"{name} · {segment}"
        baseline = finite_or_none(metric.get("baseline"))
        rows.append(
            '<figure class="wk-perf">'
            f"<figcaption><strong>{_e(title)}</strong>"
            + (f" · baseline {baseline:.4g}" if baseline is not None else "")
            + "</figcaption>"
            + _chart(metric)
            + "</figure>"
        )
    summary = (
        f"{_e(performance.get('method', 'realized'))} performance of a "
        f"{_e(performance.get('problem', ''))} model, "
        f"chunks: {_e(performance.get('chunker', ''))}, "
        f"thresholds: {_e(performance.get('threshold', ''))}; "
        f"{alerts} alert{'s' if alerts != 1 else ''} on current chunks across "
        f"{len(metrics)} metric{'s' if len(metrics) != 1 else ''}."
    )
    said = [str(n) for n in performance.get("notes") or []]
    notes = (
        '<ul class="wk-note">' + "".join(f"<li>{_e(n)}</li>" for n in said) + "</ul>"
        if said
        else ""
    )
    return (
        f'<section aria-labelledby="{prefix}-h-performance">'
        f'<h2 id="{prefix}-h-performance">Model performance</h2>'
        f'<p class="wk-note">{summary} Grey: reference chunks; blue: current chunks; '
        "shaded: sampling-error band; dashed: thresholds; red dots: alerts.</p>"
        + notes
        + "".join(rows)
        + "</section>"
    )
