"""A :class:`~watchkeeper.compliance.ModelCard` as Markdown and as one self-contained HTML
page.

Rendering computes nothing: it lays out the card's data. Every value is escaped (HTML:
``html.escape``; Markdown: table pipes, backticks and angle brackets), because the
store holds text that users and API clients wrote. The page loads nothing: its
Content-Security-Policy is ``default-src 'none'`` and allows only its own inline style,
by hash.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence
from typing import Any

from watchkeeper.compliance._card import ModelCard

__all__ = ["CSP", "render_card_html", "render_card_markdown"]

_STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
    "color:#1f2328}h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}"
    "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;"
    "padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}"
    ".muted{color:#59636e}.num{text-align:right;font-variant-numeric:tabular-nums}"
)
CSP = (
    "default-src 'none'; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()}'; "
    "base-uri 'none'; form-action 'none'"
)


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat(timespec="seconds"))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def _top(top: list[list[Any]] | None) -> str | None:
    return None if top is None else ", ".join(f"{k} ({v})" for k, v in top)


def _sections(card: ModelCard) -> list[tuple[str, str, list[str], list[list[Any]]]]:
    """(title, note, header, rows) of each section, shared by both renderers."""
    ref = card.reference
    out: list[tuple[str, str, list[str], list[list[Any]]]] = []
    out.append(
        (
            "Intended use and owner",
            ""
            if (card.intended_use or card.owner)
            else "Not declared: add owner and intended_use to the model in watchkeeper.yaml.",
            ["", ""],
            [
                ["Intended use", card.intended_use or "–"],
                ["Owner", card.owner or "–"],
                ["Description", card.description or "–"],
                ["Task", card.task],
                ["Registered", card.created_at],
            ],
        )
    )
    out.append(
        (
            "Schema and privacy",
            "pii: what ingestion does to the column (mask, hash, drop); subject: the "
            "column by which a person's records are erased.",
            ["column", "kind", "role", "pii", "subject"],
            [[r["column"], r["kind"], r["role"], r["pii"], r["subject"]] for r in card.schema],
        )
    )
    if ref is None:
        out.append(("Reference data", "This version has no reference.", [], []))
    else:
        out.append(
            (
                "Reference data",
                f"{ref['rows']} rows.",
                ["column", "kind", "nulls", "mean", "std", "min", "median", "max", "top"],
                [
                    [
                        c["column"],
                        c["kind"],
                        c["nulls"],
                        c.get("mean"),
                        c.get("std"),
                        c.get("min"),
                        c.get("median"),
                        c.get("max"),
                        _top(c.get("top")),
                    ]
                    for c in ref["columns"]
                ],
            )
        )
    perf = sorted(set(card.baseline) | set(card.reference_performance))
    out.append(
        (
            "Baseline performance",
            "Declared: the version's baseline in watchkeeper.yaml. On reference: the metric "
            "on the reference rows that carry a label and a prediction."
            if perf
            else "No baseline declared and no labelled predictions in the reference.",
            ["metric", "declared", "on reference"],
            [[m, card.baseline.get(m), card.reference_performance.get(m)] for m in perf],
        )
    )
    rows: list[list[Any]] = []
    for item in card.fairness:
        for group, rates in (item.get("groups") or {}).items():
            rows.append(
                [
                    item["column"],
                    group,
                    rates["rows"],
                    rates["selection_rate"],
                    rates["true_positive_rate"],
                    item["demographic_parity_difference"],
                    item["four_fifths_passed"],
                ]
            )
        if "note" in item:
            rows.append([item["column"], item["note"], None, None, None, None, None])
    out.append(
        (
            "Fairness",
            "On the reference data, per sensitive column."
            if card.sensitive
            else "No sensitive column is declared (schema: sensitive: [column]).",
            [
                "column",
                "group",
                "rows",
                "selection rate",
                "true positive rate",
                "parity difference",
                "four-fifths rule passed",
            ],
            rows,
        )
    )
    out.append(
        (
            "Monitors",
            "Each monitor's series over the version's closed windows, its newest values "
            "and the alerts it raised.",
            [
                "monitor",
                "metric",
                "condition",
                "severity",
                "windows",
                "latest",
                "alerts",
                "firing",
                "changes",
            ],
            [
                [
                    m["name"],
                    m["metric"],
                    m["condition"],
                    m["severity"],
                    m["points"],
                    m["latest"],
                    m["alerts"],
                    m["firing"],
                    "; ".join(f"{c['action']} by {c['actor']}" for c in m["changes"]),
                ]
                for m in card.monitors
            ],
        )
    )
    w = card.windows
    out.append(
        (
            "Alerts and how they were handled",
            f"{w.get('closed', 0)} closed windows ({w.get('records', 0)} records, "
            f"{w.get('labels', 0)} labels) from {_fmt(w.get('first_start'))} to "
            f"{_fmt(w.get('last_end'))}.",
            ["fired", "monitor", "severity", "feature", "value", "state", "handling"],
            [
                [
                    a["fired_at"],
                    a["monitor"],
                    a["severity"],
                    a["feature"],
                    a["value"],
                    a["state"],
                    a["handling"],
                ]
                for a in card.alerts
            ],
        )
    )
    out.append(
        (
            "Versions",
            "",
            ["version", "active", "created", "reference", "baseline"],
            [
                [v["name"], v["active"], v["created_at"], v["has_reference"], v["baseline"]]
                for v in card.versions
            ],
        )
    )
    out.append(
        (
            "History (audit trail)",
            "" if card.history else "No audited action on this model yet.",
            ["#", "time", "actor", "action", "target"],
            [[h["seq"], h["at"], h["actor"], h["action"], h["target"]] for h in card.history],
        )
    )
    return out


def _md(value: Any) -> str:
    text = " ".join(_fmt(value).split())
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("`", "\\`"), ("<", "&lt;"),
                          (">", "&gt;"), ("*", "\\*"), ("_", "\\_"), ("[", "\\[")):  # fmt: skip
        text = text.replace(char, escaped)
    return text


def _md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines.extend("| " + " | ".join(_md(v) for v in row) + " |" for row in rows)
    return lines


def render_card_markdown(card: ModelCard) -> str:
    """The card as GitHub-flavoured Markdown."""
    version = f" {_md(card.version)}" if card.version else ""
    lines = [
        f"# Model card: {_md(card.model)}{version}",
        "",
        f"Generated {_md(card.generated_at)} by watchkeeper from its store.",
    ]
    for title, note, header, rows in _sections(card):
        lines += ["", f"## {title}", ""]
        if note:
            lines += [_md(note), ""]
        if rows:
            lines += _md_table(header, rows)
    return "\n".join(lines).rstrip() + "\n"


def _e(value: Any) -> str:
    return html.escape(_fmt(value), quote=True)


def render_card_html(card: ModelCard) -> str:
    """The card as one HTML page that loads nothing."""
    version = f" {card.version}" if card.version else ""
    title = f"Model card: {card.model}{version}"
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">Generated {_e(card.generated_at)} by watchkeeper from its store.</p>',
    ]
    for title_, note, header, rows in _sections(card):
        parts.append(f"<section><h2>{_e(title_)}</h2>")
        if note:
            parts.append(f'<p class="muted">{_e(note)}</p>')
        if rows:
            parts.append("<table>")
            if any(header):
                parts.append("<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>")
            for row in rows:
                cells = (
                    f'<td class="num">{_e(v)}</td>'
                    if isinstance(v, int | float) and not isinstance(v, bool)
                    else f"<td>{_e(v)}</td>"
                    for v in row
                )
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</table>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "".join(parts)
