"""The report as plain text for a terminal: the verdict, a table, the findings."""

from __future__ import annotations

from typing import Any

__all__ = ["render_summary"]

_RED, _GREEN, _YELLOW, _RESET = "\033[31m", "\033[32m", "\033[33m", "\033[0m"


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.2e}"
    return f"{value:.4f}"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def render_summary(data: dict[str, Any], *, color: bool = False) -> str:
    """The summary of a report's JSON form (see docs/report-schema.md)."""
    drift = data["drift"]
    lines: list[str] = []
    ref, cur = data["reference"], data["current"]
    lines.append(
        f"reference: {ref['name']} ({ref['n_rows']:,} rows)   "
        f"current: {cur['name']} ({cur['n_rows']:,} rows)"
    )
    verdict = "DRIFT" if drift["dataset_drift"] else "no dataset drift"
    paint = _RED if drift["dataset_drift"] else _GREEN
    lines.append(
        f"{_paint(verdict, paint, color)}: {drift['n_drifted']} of {drift['n_columns']} "
        f"features drifted (share {drift['share_drifted']:.2f}, "
        f"dataset drift at {drift['drift_share']:.2f})"
    )
    rows = [("column", "kind", "method", "statistic", "p-value", "effect", "drift")]
    sections = (
        ("", drift["columns"]),
        ("target ", drift["target"]),
        ("pred ", drift["predictions"]),
    )
    for prefix, items in sections:
        for item in items:
            effect = item["effect_size"]
            rows.append(
                (
                    prefix + item["column"],
                    item["kind"],
                    item["method"],
                    _number(item["statistic"]),
                    _number(item["p_value"]),
                    _number(effect["value"]) if effect else "-",
                    "DRIFT" if item["drifted"] else ("n/a" if item["statistic"] is None else "ok"),
                )
            )
    widths = [min(max(len(row[i]) for row in rows), 40) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [cell[:40].ljust(widths[i]) for i, cell in enumerate(row)]
        text = "  ".join(cells).rstrip()
        if index and row[-1] == "DRIFT":
            text = _paint(text, _RED, color)
        lines.append(text)
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    findings = data["quality"]["findings"]
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    tally = ", ".join(f"{n} {severity}" for severity, n in counts.items()) or "none"
    lines.append(f"data quality findings: {tally}")
    for finding in findings:
        if finding["severity"] == "info":
            continue
        mark = _paint(finding["severity"].upper(), _YELLOW, color)
        lines.append(f"  {mark} {finding['message']}")
    return "\n".join(lines)
