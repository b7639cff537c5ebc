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
    lines.extend(_performance_lines(data.get("performance"), color=color))
    return "\n".join(lines)


def _performance_lines(performance: dict[str, Any] | None, *, color: bool) -> list[str]:
    """Per metric: the current chunks' values, the thresholds and how many chunks alert.

    >>> chunk = {"period": "analysis", "value": 0.71, "alert": True}
    >>> metric = {"metric": "accuracy", "segment": None, "baseline": 0.8,
    ...           "lower_threshold": 0.75, "upper_threshold": 0.85, "chunks": [chunk]}
    >>> lines = _performance_lines({"metrics": [metric]}, color=False)
    >>> print("\\n".join(lines))  # doctest: +NORMALIZE_WHITESPACE
    performance (realized, per chunk of current): 1 of 1 metrics alert
      ALERT accuracy  1 of 1 chunks alert  current 0.7100..0.7100  baseline 0.8000
      thresholds 0.7500..0.8500
    """
    if not performance or not performance.get("metrics"):
        return []
    lines: list[str] = []
    rows: list[str] = []
    alerting = 0
    metrics = [m for m in performance["metrics"] if m.get("segment") is None]
    width = max(len(m["metric"]) for m in metrics) if metrics else 0
    for metric in metrics:
        current = [c for c in metric["chunks"] if c.get("period") != "reference"]
        values = [c["value"] for c in current if c.get("value") is not None]
        alerts = sum(bool(c.get("alert")) for c in current)
        alerting += alerts > 0
        mark = _paint("ALERT", _RED, color) if alerts else "ok   "
        span = f"{_number(min(values))}..{_number(max(values))}" if values else "-"
        rows.append(
            f"  {mark} {metric['metric'].ljust(width)}  {alerts} of {len(current)} chunks alert"
            f"  current {span}  baseline {_number(metric.get('baseline'))}"
            f"  thresholds {_number(metric.get('lower_threshold'))}"
            f"..{_number(metric.get('upper_threshold'))}"
        )
    lines.append(
        f"performance (realized, per chunk of current): {alerting} of {len(metrics)} metrics alert"
    )
    lines.extend(rows)
    lines.extend(f"  note: {note}" for note in performance.get("notes", []))
    return lines
