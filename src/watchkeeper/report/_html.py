"""The report as one self-contained HTML page, or as a fragment for Jupyter.

This module reads the report's JSON form (docs/report-schema.md) and never computes a
statistic. The page needs no network: its CSS and script are inlined from ``assets/``,
the charts are inline SVG that the script draws from the report JSON embedded in the
page, and a Content-Security-Policy forbids any fetch. The table, the verdict and the
findings are rendered here as plain HTML, so a viewer with scripts disabled still reads
every number; the script adds sorting, filtering and the per-column charts.

Everything that came from the data (column names, categories, messages, file names) is
escaped with :func:`html.escape` here, and the script only ever sets it as
``textContent``. In the JSON island every ``<``, ``>`` and ``&`` is written as a
``\\u00XX`` escape, so no value (``</script>``, ``<!--``) can end the island early.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any

from watchkeeper.report._html_performance import performance_section
from watchkeeper.report._validate import check_report

__all__ = ["render_html", "render_performance_html"]

_SEVERITIES = ("critical", "warning", "info")
# Past this many findings of one severity, the info group starts folded.
_OPEN_LIMIT = 20
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
_PAGE_STYLE = (
    "body{margin:0;background:#fff}@media (prefers-color-scheme: dark){body{background:#0d1117}}"
)
_TABLE_HEADERS = (
    # (sort key, label, cell class); "wk-opt" columns give way on narrow screens.
    ("column", "Column", "wk-name"),
    ("kind", "Kind", "wk-opt"),
    ("method", "Method", ""),
    ("statistic", "Statistic", "wk-num"),
    ("threshold", "Threshold", "wk-num wk-opt"),
    ("p_value", "p-value", "wk-num"),
    ("p_value_adjusted", "Adj. p", "wk-num wk-opt"),
    ("effect", "Effect", "wk-num"),
    ("floor", "Floor", "wk-num wk-opt"),
    ("verdict", "Verdict", ""),
)


@cache
def _asset(name: str) -> str:
    return files("watchkeeper.report").joinpath("assets", name).read_text(encoding="utf-8")


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_none(v) for v in value]
    return value


def embed_json(data: Any) -> str:
    """Compact JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u`` escapes, which JSON readers decode back, so the
    text round-trips through :func:`json.loads` unchanged. A NaN or infinity (which the
    report never holds, but a hand-built dict might) becomes null, as JSON has neither.

    >>> embed_json({"column": "</script>", "share": 0.5})
    '{"column":"\\\\u003c/script\\\\u003e","share":0.5}'
    >>> json.loads(embed_json({"column": "</script>"}))["column"]
    '</script>'
    """
    try:
        text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    except ValueError:
        text = json.dumps(_finite_or_none(data), separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def format_number(value: Any, digits: int = 4) -> str:
    """A number as a person reads it in a table: grouped integers, ``digits`` significant.

    >>> [format_number(v) for v in (1234567, 0.123456, 3.2e-12, None, "inf", True)]
    ['1,234,567', '0.1235', '3.2e-12', '—', '∞', 'yes']
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if value == "inf":
        return "∞"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        return f"{value:.{digits}g}"
    return str(value)


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _side(info: Mapping[str, Any], fallback: str) -> tuple[str, str]:
    name = info.get("name") or fallback
    rows, columns = format_number(info.get("n_rows")), format_number(info.get("n_columns"))
    return str(name), _e(f"{rows} rows × {columns} columns")


def _header(report: Mapping[str, Any]) -> str:
    ref_name, ref_shape = _side(report.get("reference") or {}, "reference")
    cur_name, cur_shape = _side(report.get("current") or {}, "current")
    return (
        "<header>"
        "<h1>Drift and data-quality report</h1>"
        '<div class="wk-sides">'
        f'<div class="wk-side"><span class="wk-muted">Reference</span> '
        f"<strong>{_e(ref_name)}</strong> · {ref_shape}</div>"
        f'<div class="wk-side"><span class="wk-muted">Current</span> '
        f"<strong>{_e(cur_name)}</strong> · {cur_shape}</div>"
        "</div></header>"
    )


def _share(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return f"{100 * value:.3g}%"
    return "—"


def _verdict(drift: Mapping[str, Any]) -> str:
    drifted = bool(drift.get("dataset_drift"))
    n_drifted = drift.get(
        "n_drifted", sum(bool(c.get("drifted")) for c in drift.get("columns", []))
    )
    n_columns = drift.get("n_columns", len(drift.get("columns", [])))
    headline = "Dataset drift detected" if drifted else "No dataset drift"
    detail = (
        f"{format_number(n_drifted)} of {format_number(n_columns)} compared features drifted "
        f"({_share(drift.get('share_drifted'))}); the dataset drifts at "
        f"{_share(drift.get('drift_share'))} or more."
    )
    css = "wk-verdict-drift" if drifted else "wk-verdict-ok"
    return (
        f'<div class="wk-verdict {css}" role="status"><strong>{headline}.</strong> '
        f"{_e(detail)}</div>"
    )


def _rule_text(rule: Any) -> str:
    if not isinstance(rule, Mapping):
        return str(rule)
    text = str(rule.get("method", "?"))
    if rule.get("threshold") is not None:
        text += f" at {format_number(rule['threshold'])}"
    if rule.get("min_effect") is not None:
        text += f", effect floor {format_number(rule['min_effect'])}"
    return text


def _policy_line(policy: Any) -> str:
    if not isinstance(policy, Mapping) or not policy:
        return ""
    parts: list[str] = []
    for kind in ("numeric", "categorical"):
        if kind in policy:
            part = f"{kind}: {_rule_text(policy[kind])}"
            if policy.get(f"{kind}_effect") is not None:
                part += f" (effect {policy[f'{kind}_effect']}"
                if policy.get(f"{kind}_min_effect") is not None:
                    part += f" ≥ {format_number(policy[f'{kind}_min_effect'])}"
                part += ")"
            parts.append(part)
    overrides = policy.get("columns") or {}
    if isinstance(overrides, Mapping) and overrides:
        parts.append(
            "overrides: " + "; ".join(f"{name}: {_rule_text(r)}" for name, r in overrides.items())
        )
    shown = {"numeric", "categorical", "columns"}
    shown |= {f"{k}_effect" for k in ("numeric", "categorical")}
    shown |= {f"{k}_min_effect" for k in ("numeric", "categorical")}
    parts.extend(
        f"{str(key).replace('_', ' ')}: {format_number(value)}"
        for key, value in policy.items()
        if key not in shown and not isinstance(value, Mapping | list)
    )
    return f'<p class="wk-policy"><strong>Policy</strong> · {_e(" · ".join(parts))}</p>'


def _verdict_badge(column: Mapping[str, Any]) -> str:
    if column.get("drifted"):
        return '<span class="wk-badge wk-badge-drift">drifted</span>'
    if column.get("statistic") is None:
        return '<span class="wk-badge wk-badge-none">not compared</span>'
    return '<span class="wk-badge wk-badge-ok">no drift</span>'


def _column_row(section: str, index: int, column: Mapping[str, Any]) -> str:
    effect = column.get("effect_size") or {}
    # The effect's method is the same for every column of a kind (the policy line says
    # which), so it is a tooltip rather than a second line in every row.
    effect_value = _e(format_number(effect.get("value")))
    if effect.get("method"):
        effect_value = f'<span title="{_e(effect["method"])}">{effect_value}</span>'
    contents = (
        _e(column.get("column", "")),
        _e(column.get("kind", "")),
        _e(column.get("method", "")),
        _e(format_number(column.get("statistic"))),
        _e(format_number(column.get("threshold"))),
        _e(format_number(column.get("p_value"), 3)),
        _e(format_number(column.get("p_value_adjusted"), 3)),
        effect_value,
        _e(format_number(effect.get("min_effect"))),
        _verdict_badge(column),
    )
    cells = (
        f'<td class="{css}">{content}</td>' if css else f"<td>{content}</td>"
        for (_, _, css), content in zip(_TABLE_HEADERS, contents, strict=True)
    )
    return (
        f'<tr class="wk-row" tabindex="0" aria-expanded="false" data-section="{section}" '
        f'data-i="{index}">{"".join(cells)}</tr>'
    )


def _controls(prefix: str, columns: Sequence[Mapping[str, Any]]) -> str:
    kinds = sorted({str(c.get("kind", "")) for c in columns} - {""})
    options = "".join(f'<option value="{_e(k)}">{_e(k)}</option>' for k in kinds)
    return (
        # Hidden until the script runs, as without it they would do nothing.
        f'<div class="wk-controls" hidden id="{prefix}-controls">'
        f'<label for="{prefix}-filter">Filter by name</label>'
        f'<input type="search" id="{prefix}-filter" class="wk-filter" autocomplete="off" '
        'placeholder="column name">'
        f'<label><input type="checkbox" class="wk-drifted-only"> drifted only</label>'
        f'<label for="{prefix}-kind">Kind</label>'
        f'<select id="{prefix}-kind" class="wk-kind"><option value="">all</option>'
        f"{options}</select>"
        f'<span class="wk-count wk-muted" aria-live="polite"></span>'
        "</div>"
    )


def _column_table(
    prefix: str, section: str, columns: Sequence[Mapping[str, Any]], caption: str
) -> str:
    head = "".join(
        f'<th scope="col" data-key="{key}"'
        + (f' class="{css}">' if css else ">")
        + f'<button type="button" class="wk-sort">{label}</button></th>'
        for key, label, css in _TABLE_HEADERS
    )
    body = "".join(_column_row(section, i, c) for i, c in enumerate(columns))
    return (
        '<div class="wk-table-wrap">'
        f'<table class="wk-columns" id="{prefix}-{section}" data-section="{section}">'
        f'<caption class="wk-muted wk-small">{_e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _drift_sections(prefix: str, drift: Mapping[str, Any]) -> str:
    columns = list(drift.get("columns") or [])
    hint = "Click a row, or press Enter on it, to see its distributions."
    out = [
        f'<section aria-labelledby="{prefix}-h-columns">'
        f'<h2 id="{prefix}-h-columns">Feature drift ({format_number(len(columns))} columns)</h2>',
        _controls(prefix, columns),
        _column_table(prefix, "columns", columns, hint),
        "</section>",
    ]
    for section, title in (("target", "Target drift"), ("predictions", "Prediction drift")):
        rows = list(drift.get(section) or [])
        if rows:
            out.append(
                f'<section aria-labelledby="{prefix}-h-{section}">'
                f'<h2 id="{prefix}-h-{section}">{title}</h2>'
                f"{_column_table(prefix, section, rows, hint)}</section>"
            )
    return "".join(out)


def _severity_order(findings: Iterable[Mapping[str, Any]]) -> list[str]:
    seen = {str(f.get("severity", "info")) for f in findings}
    return [s for s in _SEVERITIES if s in seen] + sorted(seen - set(_SEVERITIES))


def _finding_row(finding: Mapping[str, Any]) -> str:
    column = finding.get("column")
    return (
        f'<tr><td class="wk-name">{_e("(dataset)" if column is None else column)}</td>'
        f"<td>{_e(finding.get('check', ''))}</td>"
        f"<td>{_e(finding.get('message', ''))}</td>"
        f'<td class="wk-num">{_e(format_number(finding.get("value")))}</td></tr>'
    )


def _findings(findings: Sequence[Mapping[str, Any]]) -> str:
    if not findings:
        return "<p>No data-quality findings.</p>"
    order = _severity_order(findings)
    groups = {s: [f for f in findings if str(f.get("severity", "info")) == s] for s in order}
    counts = " ".join(
        f'<span class="wk-badge wk-badge-{_e(s) if s in _SEVERITIES else "none"}">'
        f"{format_number(len(groups[s]))} {_e(s)}</span>"
        for s in order
    )
    out = [f'<p class="wk-finding-counts">{counts}</p>']
    for severity in order:
        group = groups[severity]
        is_open = severity != "info" or len(group) <= _OPEN_LIMIT
        rows = "".join(_finding_row(f) for f in group)
        out.append(
            f'<details class="wk-findings wk-sev-{_e(severity)}"{" open" if is_open else ""}>'
            f"<summary>{_e(severity.capitalize())} ({format_number(len(group))})</summary>"
            '<div class="wk-table-wrap"><table><thead><tr><th scope="col">Column</th>'
            '<th scope="col">Check</th><th scope="col">Message</th>'
            f'<th scope="col" class="wk-num">Value</th></tr></thead><tbody>{rows}</tbody>'
            "</table></div></details>"
        )
    return "".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, Mapping | list | tuple):
        return _e(json.dumps(_finite_or_none(value), separators=(", ", ": ")))
    return _e(format_number(value))


def _datasets(datasets: Any) -> str:
    if not isinstance(datasets, Mapping) or not datasets:
        return ""
    sides = [k for k, v in datasets.items() if isinstance(v, Mapping)]
    if len(sides) == len(datasets):
        keys: list[str] = []
        for side in sides:
            keys.extend(k for k in datasets[side] if k not in keys)
        head = "".join(f'<th scope="col" class="wk-num">{_e(s)}</th>' for s in sides)
        rows = "".join(
            f'<tr><th scope="row">{_e(str(key).replace("_", " "))}</th>'
            + "".join(f'<td class="wk-num">{_cell(datasets[s].get(key))}</td>' for s in sides)
            + "</tr>"
            for key in keys
        )
    else:
        head = '<th scope="col" class="wk-num">value</th>'
        rows = "".join(
            f'<tr><th scope="row">{_e(k)}</th><td class="wk-num">{_cell(v)}</td></tr>'
            for k, v in datasets.items()
        )
    return (
        '<h3>Datasets</h3><div class="wk-table-wrap"><table class="wk-datasets">'
        f'<thead><tr><th scope="col"></th>{head}</tr></thead><tbody>{rows}</tbody>'
        "</table></div>"
    )


def _quality(prefix: str, quality: Mapping[str, Any]) -> str:
    findings = [f for f in quality.get("findings") or [] if isinstance(f, Mapping)]
    return (
        f'<section aria-labelledby="{prefix}-h-quality">'
        f'<h2 id="{prefix}-h-quality">Data quality</h2>'
        f"{_findings(findings)}{_datasets(quality.get('datasets'))}</section>"
    )


def _skipped(prefix: str, skipped: Sequence[Any]) -> str:
    if not skipped:
        return ""
    items = "".join(
        f"<li><strong>{_e(s.get('column', ''))}</strong>: {_e(s.get('reason', ''))}</li>"
        if isinstance(s, Mapping)
        else f"<li>{_e(s)}</li>"
        for s in skipped
    )
    return (
        f'<section aria-labelledby="{prefix}-h-skipped">'
        f'<h2 id="{prefix}-h-skipped">Skipped columns ({format_number(len(skipped))})</h2>'
        f'<ul class="wk-list">{items}</ul></section>'
    )


def _footer(report: Mapping[str, Any]) -> str:
    parts = [
        f"watchkeeper {report.get('watchkeeper_version', '')}".strip(),
        f"report schema {report.get('schema_version', '?')}",
    ]
    if report.get("created_at"):
        parts.append(f"created {report['created_at']}")
    return f"<footer>{_e(' · '.join(parts))}</footer>"


def _problems(problems: Sequence[str]) -> str:
    shown = [*problems[:20], *[f"and {len(problems) - 20:,} more"] * (len(problems) > 20)]
    items = "".join(f"<li>{_e(p)}</li>" for p in shown)
    return items and (
        '<div class="wk-verdict wk-verdict-drift" role="alert"><strong>This report does not match '
        f'its schema; these values were left out:</strong><ul class="wk-list">{items}</ul></div>'
    )


def _body(prefix: str, report: Mapping[str, Any], embedded: bool, problems: Sequence[str]) -> str:
    drift = report.get("drift") or {}
    quality = report.get("quality") or {}
    script = '(function(){"use strict";\n' + _asset("report.js") + f'\nwkStart("{prefix}");\n}}());'
    return (
        f'<div class="wk-report" id="{prefix}" data-embedded="{int(embedded)}">'
        + (f"<style>{_asset('report.css')}</style>" if embedded else "")
        + _header(report)
        + _problems(problems)
        + _verdict(drift)
        + _policy_line(drift.get("policy"))
        + _drift_sections(prefix, drift)
        + performance_section(prefix, report.get("performance"))
        + _quality(prefix, quality)
        + _skipped(prefix, list(drift.get("skipped") or []))
        + _footer(report)
        + f'<script type="application/json" class="wk-data" id="{prefix}-data">'
        + embed_json(report)
        + "</script>"
        + f"<script>{script}</script>"
        + "</div>"
    )


def _title(report: Mapping[str, Any]) -> str:
    ref_name, _ = _side(report.get("reference") or {}, "reference")
    cur_name, _ = _side(report.get("current") or {}, "current")
    title = f"watchkeeper report: {ref_name} vs {cur_name}"
    return title if len(title) <= 120 else title[:119] + "…"


def render_html(report: Mapping[str, Any], *, embedded: bool = False) -> str:
    """The report as an HTML page that works offline, or a fragment for a notebook.

    ``report`` is the JSON form of :meth:`Report.to_dict`; a value of the wrong type
    (``"n_rows": "<script>"``) is left out and named on the page, and every string is
    escaped. With ``embedded=True`` the
    result has no ``<html>`` or ``<body>``, its CSS applies only inside it, and its ids
    carry a random prefix so that two reports in one notebook do not clash.

    >>> page = render_html({"drift": {"columns": [{"column": "a<b", "drifted": True}]}})
    >>> page.startswith("<!DOCTYPE html>"), "a&lt;b" in page, "http://" in page
    (True, True, False)
    >>> "<body" in render_html({}, embedded=True)
    False
    """
    clean, problems = check_report(report)
    if embedded:
        return _body(f"wk-{secrets.token_hex(4)}", clean, embedded=True, problems=problems)
    return _page(_title(clean), _body("wk", clean, embedded=False, problems=problems))


def render_performance_html(
    performance: Mapping[str, Any], *, title: str = "watchkeeper performance"
) -> str:
    """A page holding one performance result (``PerformanceResult.to_dict()``), with the
    same charts as the report's performance section and no script.

    >>> page = render_performance_html({"method": "realized", "metrics": []})
    >>> "Model performance" in page, "<script" in page
    (True, False)
    """
    body = (
        f'<div class="wk-report" id="wk"><h1>{_e(title)}</h1>'
        + performance_section("wk", performance)
        + "</div>"
    )
    return _page(title, body)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{_e(title)}</title>"
        f"<style>{_PAGE_STYLE}</style><style>{_asset('report.css')}</style>"
        "</head><body>" + body + "</body></html>\n"
    )
