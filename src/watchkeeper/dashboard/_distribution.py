"""A feature's reference and current distributions for one closed window.

The service keeps each closed window's profile on the reference's bins, so the
distributions come from comparing the two profiles (the same comparison the window's
drift figures came from) and are drawn here as an inline SVG of paired bars, with
presentation attributes only, which the dashboard's Content-Security-Policy allows.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from watchkeeper.dashboard._html import e, fmt_number
from watchkeeper.service._protocol import ServiceAPI
from watchkeeper.service._results import WindowInfo

__all__ = ["distribution_section"]

_W, _H, _PAD = 640, 220, 36
_REFERENCE, _CURRENT = "#6b7280", "#2563eb"


def _labels(histogram: Mapping[str, Any]) -> list[str]:
    if "categories" in histogram:
        return [str(c) for c in histogram["categories"]]
    edges = histogram.get("edges") or []
    return [f"{fmt_number(a)} to {fmt_number(b)}" for a, b in itertools.pairwise(edges)]


def _bars(labels: Sequence[str], reference: Sequence[float], current: Sequence[float]) -> str:
    top = max([*reference, *current, 1e-12])
    n = max(len(labels), 1)
    slot = (_W - 2 * _PAD) / n
    bar = max(slot / 2 - 1, 1)
    parts = [
        f'<svg class="wk-dist" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="reference (grey) and current (blue) shares per bin">'
    ]
    for i, (label, r, c) in enumerate(zip(labels, reference, current, strict=False)):
        x = _PAD + i * slot
        for offset, share, color in ((0.0, r, _REFERENCE), (bar, c, _CURRENT)):
            height = (_H - 2 * _PAD) * share / top
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{_H - _PAD - height:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{color}"><title>{e(label)}: '
                f"{'reference' if offset == 0 else 'current'} {share:.1%}</title></rect>"
            )
    parts.append(
        f'<text x="4" y="{_PAD - 8}" font-size="11" fill="currentColor">{top:.1%}</text>'
        f'<text x="{_PAD}" y="{_H - 8}" font-size="11" fill="currentColor">'
        f"{e(labels[0] if labels else '')}</text>"
        f'<text x="{_W - _PAD}" y="{_H - 8}" font-size="11" text-anchor="end" '
        f'fill="currentColor">{e(labels[-1] if labels else "")}</text></svg>'
    )
    return "".join(parts)


def distribution_section(
    service: ServiceAPI,
    model: str,
    version: str | None,
    windows: Sequence[WindowInfo],
    feature: str,
    segment: str | None,
    chosen: str | None,
) -> str:
    """The HTML of the distribution section (an explanation when there is nothing to draw)."""
    closed = [w for w in windows if w.status == "closed" and w.segment == segment]
    if not version or not closed:
        return '<p class="wk-note">No closed window to show distributions for yet.</p>'
    window = next((w for w in closed if w.start.isoformat() == chosen), closed[0])
    reference = service.reference_profile(model, version)
    current = service.window_profile(model, version, window.start, segment)
    if reference is None or current is None:
        return (
            '<p class="wk-note">This version has no reference profile or the window no '
            "profile, so there is no distribution to compare.</p>"
        )
    from watchkeeper.drift import compare_profiles

    try:
        column = compare_profiles(reference, current)[feature]
    except KeyError:
        return f'<p class="wk-note">{e(feature)} is not compared for this model.</p>'
    histogram = column.histogram
    labels = _labels(histogram)
    options = "".join(
        f'<option value="{e(w.start.isoformat())}"'
        f"{' selected' if w is window else ''}>{e(_when(w.start))}</option>"
        for w in closed[:100]
    )
    picker = (
        '<form method="get" class="wk-inline"><input type="hidden" name="name" '
        f'value="{e(feature)}"><input type="hidden" name="version" value="{e(version)}">'
        + (f'<input type="hidden" name="segment" value="{e(segment)}">' if segment else "")
        + f'<label>Window <select name="window">{options}</select></label> '
        '<button type="submit">Show</button></form>'
    )
    verdict = "drifted" if column.drifted else "no drift"
    caption = (
        f"{e(column.method)} {e(fmt_number(column.statistic))}"
        + (f", p {e(fmt_number(column.p_value))}" if column.p_value is not None else "")
        + f", {e(verdict)} ({e(column.comparison)}); grey: reference, blue: window"
    )
    return (
        picker
        + f"<figure><figcaption>{caption}</figcaption>"
        + _bars(labels, histogram.get("reference") or [], histogram.get("current") or [])
        + "</figure>"
    )


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
