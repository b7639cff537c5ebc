"""A self-contained HTML page of a performance result: one inline SVG chart per metric.

Each chart draws the value per chunk (reference chunks grey, analysis blue), the
sampling-error band, the thresholds (dashed red) and alerts (red dots). No script, no
CDN. Rendering reads the result and computes nothing.
"""

from __future__ import annotations

import html
import math

from watchkeeper.performance._results import MetricResult, PerformanceResult

__all__ = ["render_html"]

_W, _H, _PAD = 720, 220, 40


def _chart(metric: MetricResult) -> str:
    chunks = metric.chunks
    values = [
        v
        for c in chunks
        for v in (c.value, c.lower_band, c.upper_band, c.lower_threshold, c.upper_threshold)
        if v is not None and math.isfinite(v)
    ]
    if not values:
        return "<p>no finite values</p>"
    low, high = min(values), max(values)
    span = (high - low) or 1.0

    def x(i: int) -> float:
        return _PAD + i * (_W - 2 * _PAD) / max(len(chunks) - 1, 1)

    def y(v: float) -> float:
        return _H - _PAD - (v - low) / span * (_H - 2 * _PAD)

    parts = [f'<svg width="{_W}" height="{_H}" xmlns="http://www.w3.org/2000/svg">']
    band = [(i, c) for i, c in enumerate(chunks) if c.lower_band is not None]
    if band:
        upper = " ".join(f"{x(i):.1f},{y(c.upper_band or 0):.1f}" for i, c in band)
        lower = " ".join(f"{x(i):.1f},{y(c.lower_band or 0):.1f}" for i, c in reversed(band))
        parts.append(f'<polygon points="{upper} {lower}" fill="#cfe2ff" stroke="none"/>')
    for bound in (metric.lower_threshold, metric.upper_threshold):
        if bound is not None and math.isfinite(bound):
            parts.append(
                f'<line x1="{_PAD}" x2="{_W - _PAD}" y1="{y(bound):.1f}" y2="{y(bound):.1f}" '
                'stroke="#d62728" stroke-dasharray="5,4"/>'
            )
    points = [(i, c) for i, c in enumerate(chunks) if math.isfinite(c.value)]
    line = " ".join(f"{x(i):.1f},{y(c.value):.1f}" for i, c in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>')
    for i, c in points:
        colour = "#d62728" if c.alert else ("#999" if c.period == "reference" else "#1f77b4")
        title = html.escape(f"{c.key} ({c.period}): {c.value:.4g} ± {c.sampling_error:.2g}")
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(c.value):.1f}" r="3" fill="{colour}">'
            f"<title>{title}</title></circle>"
        )
    parts.append(f'<text x="4" y="{_PAD - 10}" font-size="11">{high:.4g}</text>')
    parts.append(f'<text x="4" y="{_H - _PAD + 14}" font-size="11">{low:.4g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(result: PerformanceResult, title: str = "watchkeeper performance") -> str:
    """The whole page as a string."""
    sections = []
    for metric in result.metrics:
        name = metric.metric + ("" if metric.segment is None else f" (segment {metric.segment})")
        alerts = ", ".join(str(i) for i in metric.alerts) or "none"
        sections.append(
            f"<h2>{html.escape(name)}</h2><p>baseline {metric.baseline:.4g}; "
            f"alerts on analysis chunks: {html.escape(alerts)}</p>{_chart(metric)}"
        )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>method {result.method}, problem {result.problem}, "
        f"chunks {html.escape(result.chunker)}</p><ul>{notes}</ul>{''.join(sections)}"
        "</body></html>"
    )
