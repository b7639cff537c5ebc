"""The operational pages: sign-in, alerts (acknowledge, silence), reports and the guard.

Acknowledge and silence buttons are drawn only for sessions whose key may use them
(scope ``admin``, as for the API); the POST handlers check again and refuse others
with a 403, because hiding a button is not access control.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from watchkeeper.dashboard._html import (
    PREFIX,
    badge,
    chart,
    csrf_field,
    e,
    fmt_number,
    fmt_time,
    page,
    pager,
    select,
    table,
    url,
)
from watchkeeper.dashboard._session import Session
from watchkeeper.service._protocol import ServiceAPI
from watchkeeper.service._reports import ReportInfo
from watchkeeper.service._results import AlertInfo, ModelInfo, WindowInfo

__all__ = [
    "SILENCE_CHOICES",
    "alerts_page",
    "guard_page",
    "login_page",
    "report_page",
    "reports_page",
]

ALERTS_PER_PAGE = 50
REPORTS_PER_PAGE = 50
SILENCE_CHOICES = {"1h": 1, "4h": 4, "24h": 24, "7d": 168}
_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def login_page(token: str, *, error: str = "", next_url: str = "") -> str:
    """The sign-in form: an API key, posted once, never stored."""
    message = f'<p class="wk-error" role="alert">{e(error)}</p>' if error else ""
    body = (
        message + f'<form class="wk-login" method="post" action="{PREFIX}/login">'
        f'<input type="hidden" name="csrf" value="{e(token)}">'
        f'<input type="hidden" name="next" value="{e(next_url)}">'
        '<label class="wk-field wk-wide"><span>API key</span>'
        '<input type="password" name="key" autocomplete="current-password" required '
        'autofocus aria-describedby="wk-key-help"></label>'
        '<p id="wk-key-help" class="wk-muted wk-small">A key from <code>watchkeeper keys '
        "create --scope read</code> (or admin to acknowledge and silence alerts). The key "
        "is checked once; the browser keeps only a session cookie.</p>"
        '<button type="submit" class="wk-button wk-primary">Sign in</button></form>'
    )
    return page("Sign in", body, session=None)


def _actions(session: Session, alert: AlertInfo, back: str) -> str:
    if not session.can_act or alert.state != "firing":
        return ""
    key = alert.key
    ack = ""
    if not alert.acknowledged_by:
        ack = (
            f'<form method="post" action="{e(url(PREFIX + "/alerts", key, "ack"))}">'
            f'{csrf_field(session)}<input type="hidden" name="next" value="{e(back)}">'
            f'<button type="submit" class="wk-button" data-action="ack" '
            f'aria-label="acknowledge {e(alert.monitor)} on {e(alert.model)}">'
            "Acknowledge</button></form>"
        )
    silence_url = url(PREFIX + "/alerts", key, "silence")
    silence = (
        f'<form class="wk-inline" method="post" action="{e(silence_url)}">'
        f'{csrf_field(session)}<input type="hidden" name="next" value="{e(back)}">'
        + select("for", "for", [(k, k) for k in SILENCE_CHOICES], "4h")
        + f'<button type="submit" class="wk-button" data-action="silence" '
        f'aria-label="silence {e(alert.monitor)} on {e(alert.model)}">Silence</button></form>'
    )
    return f'<div class="wk-actions">{ack}{silence}</div>'


def alerts_page(service: ServiceAPI, session: Session, params: Mapping[str, str], back: str) -> str:
    """Firing and resolved alerts, 50 to a page, with their actions."""
    state = params.get("state", "firing")
    if state not in ("firing", "resolved", "all"):
        state = "firing"
    model = params.get("model") or None
    alerts = service.list_alerts(model=model, state=None if state == "all" else state)
    alerts.sort(
        key=lambda a: (
            a.state != "firing",
            _SEVERITY_ORDER.get(a.severity, 3),
            -a.fired_at.timestamp(),
        )
    )
    pages = max(1, math.ceil(len(alerts) / ALERTS_PER_PAGE))
    try:
        page_no = min(max(1, int(params.get("page", "1"))), pages)
    except ValueError:
        page_no = 1
    shown = alerts[(page_no - 1) * ALERTS_PER_PAGE : page_no * ALERTS_PER_PAGE]
    rows = []
    for a in shown:
        status = badge(a.state, "critical" if a.state == "firing" else "ok")
        notes = []
        if a.acknowledged_by:
            notes.append(f"acknowledged by {e(a.acknowledged_by)}")
        if a.silenced_until:
            notes.append(f"silenced until {e(fmt_time(a.silenced_until))}")
        rows.append(
            [
                badge(a.severity, a.severity if a.severity in _SEVERITY_ORDER else "none"),
                status,
                f'<a href="{e(url(PREFIX + "/models", a.model))}">{e(a.model)}</a>',
                e(a.version),
                e(a.monitor),
                e(a.metric) + (f" / {e(a.feature)}" if a.feature else ""),
                e(a.segment or "all"),
                e(fmt_number(a.value)),
                e(fmt_time(a.fired_at)),
                e(fmt_time(a.resolved_at)),
                f'<span class="wk-small">{e(a.message)}</span>'
                + (
                    f'<br><span class="wk-muted wk-small">{"; ".join(notes)}</span>'
                    if notes
                    else ""
                ),
                _actions(session, a, back),
            ]
        )
    filters = (
        f'<form class="wk-filters" method="get" action="{PREFIX}/alerts">'
        + select(
            "state",
            "State",
            [("firing", "firing"), ("resolved", "resolved"), ("all", "all")],
            state,
        )
        + '<label class="wk-field"><span>Model</span>'
        f'<input type="search" name="model" value="{e(model or "")}"></label>'
        '<button type="submit" class="wk-button">Filter</button></form>'
    )
    readonly = (
        ""
        if session.can_act
        else '<p class="wk-note">Signed in read-only: acknowledging and silencing need an '
        "admin key.</p>"
    )
    grid = table(
        [
            ("Severity", ""),
            ("State", ""),
            ("Model", "wk-name"),
            ("Version", ""),
            ("Monitor", ""),
            ("Metric", ""),
            ("Segment", "wk-opt"),
            ("Value", "wk-num"),
            ("Fired", "wk-opt"),
            ("Resolved", "wk-opt"),
            ("Message", "wk-opt"),
            ("Actions", ""),
        ],
        rows,
        caption=f"{len(alerts)} alerts ({state})",
        empty=f"no {state} alerts" if state != "all" else "no alerts",
    )
    return page(
        "Alerts",
        filters
        + readonly
        + grid
        + pager(f"{PREFIX}/alerts", page_no, pages, {"state": state, "model": model}),
        session=session,
        active="alerts",
        notice=params.get("done", "")
        and {"ack": "Alert acknowledged.", "silence": "Alert silenced."}.get(params["done"], ""),
    )


def reports_page(service: ServiceAPI, session: Session, params: Mapping[str, str]) -> str:
    """Uploaded batch reports, newest first."""
    how = (
        '<p class="wk-muted">Upload a report with <code>curl -H "Authorization: Bearer KEY" '
        "-H 'Content-Type: application/json' --data @report.json URL/v1/reports</code> (scope "
        "ingest or admin); the JSON is what <code>watchkeeper report --json</code> writes.</p>"
    )
    total = service.count_reports()
    pages = max(1, math.ceil(total / REPORTS_PER_PAGE))
    try:
        page_no = min(max(1, int(params.get("page", "1"))), pages)
    except ValueError:
        page_no = 1
    reports = service.list_reports(limit=REPORTS_PER_PAGE, offset=(page_no - 1) * REPORTS_PER_PAGE)
    rows = [
        [
            f'<a href="{e(url(PREFIX + "/reports", r.id))}">{e(r.name)}</a>',
            e(r.model or "-"),
            e(fmt_time(r.created_at)),
            e(r.uploaded_by),
            e(fmt_number(r.summary.get("n_columns"))),
            e(fmt_number(r.summary.get("share_drifted"))),
            badge("drift", "drift") if r.summary.get("dataset_drift") else badge("no drift", "ok"),
        ]
        for r in reports
    ]
    grid = table(
        [
            ("Report", "wk-name"),
            ("Model", ""),
            ("Uploaded", ""),
            ("By", "wk-opt"),
            ("Columns", "wk-num"),
            ("Drifted share", "wk-num"),
            ("Verdict", ""),
        ],
        rows,
        caption=f"{total} reports",
        empty="no reports uploaded yet",
    )
    return page(
        "Reports",
        how + grid + pager(f"{PREFIX}/reports", page_no, pages, {}),
        session=session,
        active="reports",
    )


def report_page(info: ReportInfo, session: Session) -> str:
    """One report: its facts, and the rendered report in a sandboxed frame."""
    facts = (
        f'<p class="wk-summary">model {e(info.model or "-")} &middot; uploaded '
        f"{e(fmt_time(info.created_at))} by {e(info.uploaded_by)} &middot; "
        f'<a href="{e(url(PREFIX + "/reports", info.id, "html"))}">open on its own</a></p>'
    )
    frame = (
        f'<iframe class="wk-report-frame" title="report {e(info.name)}" sandbox="allow-scripts" '
        f'src="{e(url(PREFIX + "/reports", info.id, "html"))}"></iframe>'
    )
    return page(
        info.name,
        facts + frame,
        session=session,
        active="reports",
        crumbs=[("Reports", f"{PREFIX}/reports"), (info.name, "")],
    )


def _guard_models(service: ServiceAPI) -> list[tuple[ModelInfo, list[str], WindowInfo | None]]:
    """Models fed by the guard endpoint (their schema declares ``guard_flagged``), with
    their detectors and newest window (None before any closed)."""
    found = []
    for model in service.list_models():
        features = (model.schema or {}).get("features")
        if not isinstance(features, Mapping) or "guard_flagged" not in features:
            continue
        detectors = sorted(
            name[len("guard_") : -len("_hit")]
            for name in features
            if name.startswith("guard_") and name.endswith("_hit")
        )
        windows = service.list_windows(model.name, limit=1) if model.active_version else []
        found.append((model, detectors, windows[0] if windows else None))
    return found


def _detector_link(model: str, detector: str) -> str:
    href = url(PREFIX + "/models", model, "feature", name=f"guard_{detector}_score")
    return f'<a href="{e(href)}">{e(detector)}</a>'


def _latest_rates(
    service: ServiceAPI, model: ModelInfo
) -> tuple[WindowInfo | None, dict[str, float]]:
    """The newest closed whole-traffic window of the active version that stored hit
    rates (``true_share``), and those rates by feature; (None, {}) before one."""
    if model.active_version is None:
        return None, {}
    for window in service.list_windows(model.name, version=model.active_version, limit=50):
        shares = (window.metrics or {}).get("true_share")
        if window.status == "closed" and window.segment is None and isinstance(shares, Mapping):
            return window, dict(shares)
    return None, {}


def _requests_read(window: WindowInfo, feature: str) -> int | None:
    # The rate's denominator: the records the detector had something to read in.
    metrics = window.metrics or {}
    rows = metrics.get("row_count")
    missing = (metrics.get("missing_share") or {}).get(feature, 0.0)
    return None if rows is None else round(rows * (1.0 - missing))


def _guard_section(service: ServiceAPI, model: ModelInfo, detectors: list[str]) -> str:
    series = PREFIX + "/api/series"
    charts = (
        "<div class='wk-grid'>"
        + chart(
            "Flag rate",
            url(series, model=model.name, metric="true_share", feature="guard_flagged"),
            description="share of requests the guard flagged, per window; larger is worse",
            y_label="share",
        )
        + chart(
            "Detector hit rates",
            url(series, model=model.name, metric="true_share", top=12),
            description=(
                "per detector (guard_<detector>_hit): share of the requests it read that it "
                "flagged, with the flag rate; larger is worse"
            ),
            y_label="share",
        )
        + "</div>"
    )
    window, shares = _latest_rates(service, model)
    names = sorted(
        {*detectors}
        | {
            f[len("guard_") : -len("_hit")]
            for f in shares
            if f.startswith("guard_") and f.endswith("_hit")
        }
    )
    rows = []
    if window is not None:
        for label, feature in [("flagged (any detector)", "guard_flagged")] + [
            (name, f"guard_{name}_hit") for name in names
        ]:
            name_cell = (
                e(label) if feature == "guard_flagged" else _detector_link(model.name, label)
            )
            rows.append(
                [
                    name_cell,
                    e(fmt_number(shares.get(feature))),
                    e(fmt_number(_requests_read(window, feature) if feature in shares else None)),
                ]
            )
    when = f"window {fmt_time(window.start)} to {fmt_time(window.end)}" if window else "no window"
    latest = table(
        [("Detector", "wk-name"), ("Hit rate", "wk-num"), ("Requests read", "wk-num")],
        rows,
        caption=f"hit rates of the latest closed window ({when}), active version",
        empty="no closed window with hit rates yet",
    )
    return f"<h2>{e(model.name)}: hit rates</h2>" + charts + latest


def guard_page(service: ServiceAPI, session: Session) -> str:
    """Each guard model's flag rate and detector hit rates over time, and the latest
    window's: the ``true_share`` the service stores per window for the boolean
    features ``guard_flagged`` and ``guard_<detector>_hit`` (larger is worse)."""
    models = [m for m in _guard_models(service) if m[2] is not None]
    if not models:
        body = (
            '<div class="wk-emptystate" role="status"><p><strong>no LLM guard traffic yet</strong>'
            '</p><p class="wk-muted">Send prompts to <code>POST /v1/guard</code> with a '
            "<code>model</code> to log them; this page then lists each detector of that "
            "model and its score over time.</p></div>"
        )
        return page("Guard", body, session=session, active="guard")
    rows = [
        [
            f'<a href="{e(url(PREFIX + "/models", model.name))}">{e(model.name)}</a>',
            e(model.active_version or "-"),
            e(fmt_time(window.end)) if window is not None else "-",
            " ".join(_detector_link(model.name, d) for d in detectors) or "-",
        ]
        for model, detectors, window in models
    ]
    parts = [
        "<h2>Models logged by the guard</h2>"
        + table(
            [
                ("Model", "wk-name"),
                ("Active version", ""),
                ("Newest window", ""),
                ("Detectors (score over time)", ""),
            ],
            rows,
            caption="each detector's score is a feature of the model",
        )
    ]
    parts += [_guard_section(service, model, detectors) for model, detectors, _ in models]
    return page("Guard", "".join(parts), session=session, active="guard")
