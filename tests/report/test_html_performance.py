"""The performance chart's scale: a chunk with a huge band does not flatten the rest."""

from __future__ import annotations

import re
from typing import Any

from watchkeeper.report._html_performance import performance_section


def _chunk(i: int, value: float, band: tuple[float, float]) -> dict[str, Any]:
    return {
        "index": i, "period": "analysis", "value": value, "lower_band": band[0],
        "upper_band": band[1], "lower_threshold": 0.7, "upper_threshold": 0.9, "alert": False,
    }  # fmt: skip


def _metric(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metric": "accuracy", "baseline": 0.8, "lower_threshold": 0.7,
            "upper_threshold": 0.9, "chunks": chunks}  # fmt: skip


def test_a_one_row_chunk_band_is_clipped_not_a_spike() -> None:
    chunks = [_chunk(i, v, (v - 0.02, v + 0.02)) for i, v in enumerate([0.8, 0.82, 0.81])]
    chunks.append(_chunk(3, 1.0, (0.0, 1.0)))  # one row: band over the whole range
    page = performance_section("r", {"metrics": [_metric(chunks)]})
    # Values and thresholds span 0.7..1.0 (0.3); the band may widen that by 0.15 a side,
    # and may not reach below 0.55: the scale is 0.55..1.0 instead of 0.0..1.0.
    assert '<text x="4" y="28">1</text>' in page
    assert '<text x="4" y="158">0.55</text>' in page
    # Plot height 180 - 2 * 36 = 108 px for 0.45: y(v) = 144 - (v - 0.55) / 0.45 * 108.
    # Thresholds: y(0.9) = 60.0, y(0.7) = 108.0 (48 px apart, not 21.6 as on 0..1).
    assert 'y1="60.0" y2="60.0"' in page and 'y1="108.0" y2="108.0"' in page
    band = re.search(r'<polygon class="wk-band" points="([^"]+)"', page)
    assert band is not None
    ys = [float(p.split(",")[1]) for p in band.group(1).split()]
    assert min(ys) >= 36.0 and max(ys) <= 144.0  # inside the plot area
    assert max(ys) == 144.0  # the one-row band reaches the bottom edge, clipped


def test_narrow_bands_keep_the_scale_of_values_and_thresholds() -> None:
    chunks = [_chunk(i, v, (v - 0.01, v + 0.01)) for i, v in enumerate([0.8, 0.85, 0.75])]
    page = performance_section("r", {"metrics": [_metric(chunks)]})
    assert '<text x="4" y="28">0.9</text>' in page
    assert '<text x="4" y="158">0.7</text>' in page


def test_notes_are_shown_escaped() -> None:
    chunks = [_chunk(0, 0.8, (0.78, 0.82))]
    note = "reference data: the last 1 row joined the chunk before it ([306:341], 35 rows) <x>"
    page = performance_section("r", {"metrics": [_metric(chunks)], "notes": [note]})
    assert (
        '<ul class="wk-note"><li>reference data: the last 1 row joined the chunk before it '
        "([306:341], 35 rows) &lt;x&gt;</li></ul>"
    ) in page
    assert "<ul" not in performance_section("r", {"metrics": [_metric(chunks)], "notes": []})
