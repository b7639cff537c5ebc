"""The dashboard's routes (``/ui/...``): pages, chart data and static assets.

:func:`dashboard_router` builds an :class:`~fastapi.APIRouter` with its own session
store; the server's ``create_app`` includes it (every ``/v1`` route, ``/v1/reports``
among them, belongs to :mod:`watchkeeper.server`). Pages need a session (sign in with
an API key holding ``read``); forms need the session's CSRF token; acknowledging and
silencing need ``admin``. The dashboard reaches the service only through
:class:`~watchkeeper.service.ServiceAPI` (``app.state.service``), and imports nothing
from the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool as call
from starlette.responses import HTMLResponse, RedirectResponse, Response

from watchkeeper._json import dumps
from watchkeeper.compliance._audit import Actor
from watchkeeper.dashboard import _api, _pages, _pages_audit, _pages_ops
from watchkeeper.dashboard._html import CSP, PREFIX, e, page, url
from watchkeeper.dashboard._session import COOKIE, LOGIN_COOKIE, Session, SessionStore
from watchkeeper.service._errors import NotFound
from watchkeeper.service._protocol import ServiceAPI

__all__ = ["dashboard_router"]

_STATIC: Mapping[str, tuple[str, str, str]] = {
    "dashboard.css": ("watchkeeper.dashboard", "static/dashboard.css", "text/css"),
    "charts.js": ("watchkeeper.dashboard", "static/charts.js", "text/javascript"),
    "app.js": ("watchkeeper.dashboard", "static/app.js", "text/javascript"),
    "theme.js": ("watchkeeper.dashboard", "static/theme.js", "text/javascript"),
    "report.css": ("watchkeeper.report", "assets/report.css", "text/css"),
}
# An uploaded report is someone else's page: "sandbox" without allow-same-origin runs it in
# an opaque origin even when opened on its own, so its script can read neither the
# dashboard's cookies nor its pages (and their CSRF tokens).
_REPORT_CSP = (
    "sandbox allow-scripts; "
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


def _safe_next(target: str | None) -> str:
    """Only a path inside the dashboard: never another site (``//evil``, ``/\\evil``)."""
    if not target or not target.startswith(PREFIX) or "//" in target or "\\" in target:
        return f"{PREFIX}/"
    return target


def _secure(request: Request) -> bool:
    """Whether the cookie is ``Secure``: served over https, or behind a TLS proxy whose
    public URL (``WATCHKEEPER_PUBLIC_URL``) is https."""
    public = request.app.state.settings.public_url or ""
    return request.url.scheme == "https" or public.lower().startswith("https://")


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def service_of(request: Request) -> ServiceAPI:
    """The service the app was built with (``create_app`` sets ``app.state.service``)."""
    service: ServiceAPI = request.app.state.service
    return service


def answer(data: Any, status: int = 200) -> Response:
    """A JSON answer; NaN and infinite values become null (JSON has neither)."""
    return Response(dumps(data), status_code=status, media_type="application/json")


def dashboard_router(*, lifetime: timedelta = timedelta(hours=8)) -> APIRouter:
    """The dashboard pages, their chart endpoints and static assets.

    Sessions live in the service's store (a restart keeps them, workers share them) and
    last ``lifetime``. Include it with ``app.include_router(dashboard_router())``.
    """
    sessions = SessionStore(lifetime=lifetime)
    router = APIRouter(include_in_schema=False)

    async def current(request: Request) -> Session | None:
        if not request.app.state.auth_enabled:
            # Without auth (a loopback dev server) everyone is 'dev'.
            return sessions.dev_session()
        # Looked up on every request, joined with its key: a revoked key (or an expired
        # session) is no session, on every worker at once.
        return await call(sessions.get, service_of(request), request.cookies.get(COOKIE))

    def to_login(request: Request) -> Response:
        return RedirectResponse(url(f"{PREFIX}/login", next=_here(request)), status_code=303)

    def not_found(session: Session, message: str) -> Response:
        return _html(
            page("Not found", f'<p class="wk-error">{e(message)}</p>', session=session), 404
        )

    async def render(
        request: Request, build: Callable[..., str], *args: Any, active_scope: str = "read"
    ) -> Response:
        session = await current(request)
        if session is None:
            return to_login(request)
        if not session.allows(active_scope):
            return _html(
                page("Forbidden", "<p>this key cannot read the dashboard</p>", session=session), 403
            )
        try:
            html = await call(build, service_of(request), session, *args)
        except NotFound as error:
            return not_found(session, str(error))
        return _html(html)

    # sign-in

    @router.get(f"{PREFIX}/login")
    async def login_form(request: Request, next: str = "") -> Response:
        if await current(request) is not None:
            return RedirectResponse(_safe_next(next), status_code=303)
        nonce = sessions.login_nonce()
        response = _html(_pages_ops.login_page(nonce, next_url=next))
        response.set_cookie(
            LOGIN_COOKIE,
            nonce,
            max_age=3600,
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )
        return response

    @router.post(f"{PREFIX}/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        nonce = request.cookies.get(LOGIN_COOKIE)
        token = str(form.get("csrf", ""))
        target = _safe_next(str(form.get("next", "")))

        def again(error: str, status: int) -> Response:
            fresh = sessions.login_nonce()
            body = _pages_ops.login_page(fresh, error=error, next_url=target)
            response = _html(body, status)
            response.set_cookie(
                LOGIN_COOKIE,
                fresh,
                max_age=3600,
                path=PREFIX,
                httponly=True,
                samesite="strict",
                secure=_secure(request),
            )
            return response

        if not sessions.check_login(nonce, token):
            return again("the sign-in form expired or came from elsewhere; sign in again", 403)
        key = str(form.get("key", "")).strip()
        info = await call(service_of(request).verify_api_key, key) if key else None
        if info is None:
            return again("that API key is not recognised (revoked or mistyped)", 401)
        scopes = frozenset(info.scopes)
        if not ({"read", "admin"} & scopes):
            return again("that key has no 'read' scope; the dashboard needs read or admin", 403)
        try:
            _, cookie = await call(sessions.create, service_of(request), info.id)
        except NotFound:  # revoked between the check and the session
            return again("that API key is not recognised (revoked or mistyped)", 401)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE,
            cookie,
            max_age=int(lifetime.total_seconds()),
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )
        response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
        return response

    async def checked_form(request: Request) -> tuple[Session | None, Any, Response | None]:
        """The session and form of a POST, or the refusal (401 / 403)."""
        session = await current(request)
        form = await request.form()
        if session is None:
            return None, form, _html(page("Signed out", "<p>sign in again</p>", session=None), 401)
        if not sessions.check_csrf(session, str(form.get("csrf", ""))):
            return (
                session,
                form,
                _html(
                    page(
                        "Refused",
                        "<p>the form's CSRF token is missing or wrong; reload the page "
                        "and try again</p>",
                        session=session,
                    ),
                    403,
                ),
            )
        return session, form, None

    @router.post(f"{PREFIX}/logout")
    async def logout(request: Request) -> Response:
        _, _, refusal = await checked_form(request)
        if refusal is not None:
            return refusal
        await call(sessions.delete, service_of(request), request.cookies.get(COOKIE))
        response = RedirectResponse(f"{PREFIX}/login", status_code=303)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    # pages

    @router.get(PREFIX)
    async def root() -> Response:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    @router.get(f"{PREFIX}/")
    async def overview(request: Request) -> Response:
        return await render(request, _pages.overview_page, dict(request.query_params))

    @router.get(f"{PREFIX}/models/{{model}}")
    async def model(request: Request, model: str) -> Response:
        return await render(request, _pages.model_page, model, dict(request.query_params))

    @router.get(f"{PREFIX}/models/{{model}}/feature")
    async def feature(request: Request, model: str) -> Response:
        return await render(request, _pages.feature_page, model, dict(request.query_params))

    @router.get(f"{PREFIX}/models/{{model}}/versions")
    async def versions(request: Request, model: str) -> Response:
        return await render(request, _pages.versions_page, model, dict(request.query_params))

    @router.get(f"{PREFIX}/alerts")
    async def alerts(request: Request) -> Response:
        params = dict(request.query_params)
        back = _here(request).replace("&done=ack", "").replace("&done=silence", "")
        return await render(request, _pages_ops.alerts_page, params, back)

    async def alert_action(request: Request, key: str, action: str) -> Response:
        session, form, refusal = await checked_form(request)
        if refusal is not None:
            return refusal
        assert session is not None
        if not session.can_act:
            return _html(
                page(
                    "Forbidden",
                    "<p>acknowledging and silencing alerts need an "
                    "admin key; this session is read-only</p>",
                    session=session,
                ),
                403,
            )
        service = service_of(request)
        actor = Actor(session.key_id, session.name)
        try:
            if action == "ack":
                await call(service.acknowledge_alert, key, by=session.name, actor=actor)
            else:
                hours = _pages_ops.SILENCE_CHOICES.get(str(form.get("for", "")), 4)
                until = datetime.now(UTC) + timedelta(hours=hours)
                await call(service.silence_alert, key, until=until, by=session.name, actor=actor)
        except NotFound as error:
            return not_found(session, str(error))
        target = _safe_next(str(form.get("next", "")) or f"{PREFIX}/alerts")
        joiner = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{joiner}done={action}", status_code=303)

    @router.post(f"{PREFIX}/alerts/{{key}}/ack")
    async def acknowledge(request: Request, key: str) -> Response:
        return await alert_action(request, key, "ack")

    @router.post(f"{PREFIX}/alerts/{{key}}/silence")
    async def silence(request: Request, key: str) -> Response:
        return await alert_action(request, key, "silence")

    @router.get(f"{PREFIX}/audit")
    async def audit(request: Request) -> Response:
        return await render(request, _pages_audit.audit_page, dict(request.query_params))

    @router.get(f"{PREFIX}/reports")
    async def reports(request: Request) -> Response:
        return await render(request, _pages_ops.reports_page, dict(request.query_params))

    def one_report(service: ServiceAPI, session: Session, report_id: str) -> str:
        info, _ = service.get_report(report_id)
        return _pages_ops.report_page(info, session)

    @router.get(f"{PREFIX}/reports/{{report_id}}")
    async def report(request: Request, report_id: str) -> Response:
        return await render(request, one_report, report_id)

    @router.get(f"{PREFIX}/reports/{{report_id}}/html")
    async def report_html(request: Request, report_id: str) -> Response:
        session = await current(request)
        if session is None or not session.allows("read"):
            return to_login(request)
        try:
            _, body = await call(service_of(request).get_report, report_id)
        except NotFound as error:
            return not_found(session, str(error))
        from watchkeeper.report._html import render_html

        html = await call(render_html, body)
        headers = {**_HEADERS, "Content-Security-Policy": _REPORT_CSP}
        return HTMLResponse(html, headers=headers)

    @router.get(f"{PREFIX}/guard")
    async def guard_view(request: Request) -> Response:
        return await render(request, _pages_ops.guard_page)

    # chart data

    async def json_for(request: Request, build: Callable[..., Any], *args: Any) -> Response:
        session = await current(request)
        if session is None or not session.allows("read"):
            return answer({"detail": "sign in at /ui/login"}, 401)
        try:
            data = await call(build, service_of(request), *args)
        except NotFound as error:
            return answer({"detail": str(error)}, 404)
        response = answer(data)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @router.get(f"{PREFIX}/api/series")
    async def series(request: Request) -> Response:
        return await json_for(request, _api.chart_series, dict(request.query_params))

    @router.get(f"{PREFIX}/api/sparklines")
    async def sparklines(request: Request) -> Response:
        return await json_for(request, _api.sparklines, request.query_params.getlist("model"))

    @router.get(f"{PREFIX}/static/{{name}}")
    async def static(name: str) -> Response:
        found = _STATIC.get(name)
        if found is None:
            return Response("not found", status_code=404, media_type="text/plain")
        package, path, media = found
        text = files(package).joinpath(path).read_text(encoding="utf-8")
        return Response(
            text,
            media_type=media,
            headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    return router
