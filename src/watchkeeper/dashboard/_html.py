"""HTML building blocks of the dashboard: the page shell, links, badges, tables, forms.

Pages are rendered with f-strings, as the batch report is, and every value that came
from the store or the request (model, version, feature, segment and monitor names,
messages, query parameters) goes through :func:`e` (``html.escape`` with quotes)
or, inside a URL, through :func:`url` first. The scripts only ever set data as
``textContent``, and no page has inline script or style, so the Content-Security-
Policy can forbid both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from watchkeeper._version import __version__
from watchkeeper.dashboard._session import Session

__all__ = [
    "CSP",
    "PREFIX",
    "approximate_note",
    "badge",
    "chart",
    "csrf_field",
    "e",
    "fmt_number",
    "fmt_time",
    "health_badge",
    "page",
    "pager",
    "select",
    "table",
    "url",
]

PREFIX = "/ui"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_NAV = (
    ("overview", "Overview", f"{PREFIX}/"),
    ("alerts", "Alerts", f"{PREFIX}/alerts"),
    ("reports", "Reports", f"{PREFIX}/reports"),
    ("guard", "Guard", f"{PREFIX}/guard"),
    ("audit", "Audit", f"{PREFIX}/audit"),
)


def e(value: Any) -> str:
    """Text made safe for HTML content and quoted attributes.

    >>> e('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return escape("" if value is None else str(value), quote=True)


def url(path: str, *segments: str, **params: Any) -> str:
    """A dashboard URL: path segments percent-encoded, ``None`` parameters left out.

    The result still needs :func:`e` inside an attribute (``&`` between parameters).

    >>> url("/ui/models", "a b/<c>", version="v1", segment=None)
    '/ui/models/a%20b%2F%3Cc%3E?version=v1'
    """
    text = path.rstrip("/") + "".join("/" + quote(str(s), safe="") for s in segments)
    if path.endswith("/") and not segments:
        text = path
    query = {k: v for k, v in params.items() if v is not None and v != ""}
    return f"{text}?{urlencode(query)}" if query else text


def fmt_number(value: Any, digits: int = 3) -> str:
    """A number for people: ``-`` when missing, a few significant digits otherwise.

    >>> fmt_number(0.123456), fmt_number(1234567.0), fmt_number(None), fmt_number(3)
    ('0.123', '1.23e+06', '-', '3')
    """
    if value is None or isinstance(value, bool):
        return "-" if value is None else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-"
        return f"{value:.{digits}g}"
    return str(value)


def fmt_time(value: datetime | str | None) -> str:
    """``YYYY-MM-DD HH:MM`` UTC, or ``-``.

    >>> from datetime import UTC, datetime
    >>> fmt_time(datetime(2024, 5, 1, 12, 30, tzinfo=UTC))
    '2024-05-01 12:30'
    """
    if value is None:
        return "-"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime("%Y-%m-%d %H:%M")


def badge(text: str, kind: str) -> str:
    """A coloured label; ``kind`` is one of ok, warning, critical, info, none, drift."""
    return f'<span class="wk-badge wk-badge-{e(kind)}">{e(text)}</span>'


def health_badge(health: str) -> str:
    """The health of a model: ok, warning or critical (words, not only colours)."""
    return badge(health, {"ok": "ok", "warning": "warning", "critical": "critical"}[health])


def csrf_field(session: Session) -> str:
    return f'<input type="hidden" name="csrf" value="{e(session.csrf)}">'


def select(name: str, label: str, options: Iterable[tuple[str, str]], chosen: str | None) -> str:
    """A labelled ``<select>``; ``options`` are (value, text) pairs."""
    items = "".join(
        f'<option value="{e(v)}"{" selected" if v == chosen else ""}>{e(t)}</option>'
        for v, t in options
    )
    return (
        f'<label class="wk-field"><span>{e(label)}</span>'
        f'<select name="{e(name)}">{items}</select></label>'
    )


def table(
    headers: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[str]],
    *,
    caption: str,
    empty: str = "nothing to show",
) -> str:
    """A table of pre-rendered (already escaped) cells; headers are (text, css class)."""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{css}">{cell}</td>' if css else f"<td>{cell}</td>"
            for (_, css), cell in zip(headers, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    if not body:
        return f'<p class="wk-empty">{e(empty)}</p>'
    head = "".join(
        f'<th scope="col" class="{css}">{e(text)}</th>'
        if css
        else f'<th scope="col">{e(text)}</th>'
        for text, css in headers
    )
    return (
        f'<div class="wk-table-wrap"><table><caption class="wk-muted">{e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def pager(path: str, page_no: int, pages: int, params: Mapping[str, Any]) -> str:
    """Previous / next links for a paginated list."""
    if pages <= 1:
        return ""
    links = []
    if page_no > 1:
        links.append(
            f'<a href="{e(url(path, **params, page=page_no - 1))}" rel="prev">Previous</a>'
        )
    links.append(f"<span>page {page_no} of {pages}</span>")
    if page_no < pages:
        links.append(f'<a href="{e(url(path, **params, page=page_no + 1))}" rel="next">Next</a>')
    return f'<nav class="wk-pager" aria-label="pages">{" ".join(links)}</nav>'


def chart(
    title: str,
    source: str,
    *,
    kind: str = "line",
    description: str = "",
    y_label: str = "",
) -> str:
    """A chart drawn by the script from the JSON at ``source`` (a read endpoint).

    The figure has a caption, and the drawing area an ``aria-label`` that the script
    completes with the latest values, so a screen reader hears what the chart says.
    """
    label = f"{title}. {description}".strip()
    return (
        f'<figure class="wk-fig"><figcaption>{e(title)}'
        + (f' <span class="wk-muted wk-small">{e(description)}</span>' if description else "")
        + f'</figcaption><div class="wk-chart" role="img" aria-label="{e(label)}" '
        f'data-chart="{e(kind)}" data-src="{e(source)}" data-y-label="{e(y_label)}">'
        '<p class="wk-muted wk-small wk-loading">loading...</p></div></figure>'
    )


def _nav(active: str) -> str:
    current = ' aria-current="page"'
    items = "".join(
        f'<li><a href="{href}"{current if key == active else ""}>{text}</a></li>'
        for key, text, href in _NAV
    )
    return f'<nav class="wk-nav" aria-label="main"><ul>{items}</ul></nav>'


def _user(session: Session | None) -> str:
    if session is None:
        return ""
    scopes = ", ".join(sorted(session.scopes))
    role = "" if session.can_act else " (read only)"
    return (
        f'<div class="wk-user"><span class="wk-muted wk-small">{e(session.name)}'
        f" &middot; {e(scopes)}{e(role)}</span>"
        f'<form method="post" action="{PREFIX}/logout">{csrf_field(session)}'
        '<button type="submit" class="wk-button wk-quiet">Sign out</button></form></div>'
    )


def page(
    title: str,
    body: str,
    *,
    session: Session | None,
    active: str = "",
    crumbs: Sequence[tuple[str, str]] = (),
    notice: str = "",
) -> str:
    """A whole page: skip link, header with navigation, theme toggle, main content."""
    trail = ""
    if crumbs:
        parts = [f'<a href="{e(href)}">{e(text)}</a>' if href else e(text) for text, href in crumbs]
        trail = f'<nav class="wk-crumbs" aria-label="breadcrumb">{" / ".join(parts)}</nav>'
    flash = f'<p class="wk-notice" role="status">{e(notice)}</p>' if notice else ""
    header = (
        '<header class="wk-header">'
        f'<a class="wk-brand" href="{PREFIX}/">watchkeeper</a>'
        + (_nav(active) if session is not None else "")
        + '<button type="button" class="wk-button wk-quiet" id="wk-theme" '
        'aria-label="colour theme: follows the system" title="switch colour theme">'
        "Theme: auto</button>" + _user(session) + "</header>"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # An empty icon: otherwise the browser asks for /favicon.ico and logs a 404.
        '<link rel="icon" href="data:,">'
        f"<title>{e(title)} - watchkeeper</title>"
        f'<link rel="stylesheet" href="{PREFIX}/static/report.css">'
        f'<link rel="stylesheet" href="{PREFIX}/static/dashboard.css">'
        f'<script src="{PREFIX}/static/theme.js"></script>'
        f'<script src="{PREFIX}/static/charts.js" defer></script>'
        f'<script src="{PREFIX}/static/app.js" defer></script>'
        '</head><body class="wk-report wk-dash">'
        '<a class="wk-skip" href="#main">Skip to content</a>'
        + header
        + f'<main id="main" tabindex="-1">{trail}<h1>{e(title)}</h1>{flash}{body}</main>'
        f'<footer class="wk-muted wk-small">watchkeeper {e(__version__)}</footer>'
        "</body></html>"
    )


def approximate_note(n: int) -> str:
    """A note on the ``n`` windows an erasure could not fully reach (empty when none).

    >>> approximate_note(0), "2 approximate windows" in approximate_note(2)
    ('', True)
    """
    if not n:
        return ""
    return (
        ' &middot; <span class="wk-approximate" title="an erasure could not reach part of '
        f'their data (held as aggregates only)">{n} approximate window{"s" if n > 1 else ""}'
        "</span>"
    )
