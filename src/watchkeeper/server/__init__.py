"""The HTTP server: the monitoring service's API, ``/metrics``, ``/healthz`` and OpenAPI.

:func:`create_app` is an app factory: the service and the settings are passed in (or
built from the environment when it is called, never at import time), so tests run
the same app on the real service over SQLite (in memory or a file) or PostgreSQL.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from watchkeeper._version import __version__
from watchkeeper.dashboard import dashboard_router
from watchkeeper.server._auth import SCOPES, Principal, is_loopback
from watchkeeper.server._background import background_lifespan
from watchkeeper.server._dev import DEV_HOSTS, DevContentTypeMiddleware, check_dev_host
from watchkeeper.server._errors import install_error_handlers
from watchkeeper.server._gate import KeyGateMiddleware, TokenBucket
from watchkeeper.server._limits import BodyLimitMiddleware
from watchkeeper.server._logging import AccessLogMiddleware
from watchkeeper.server._protocol import ServiceAPI
from watchkeeper.server._schemas import CloseWindowsIn, PredictionBatch, VersionIn
from watchkeeper.server._tracing import install_tracing
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

__all__ = ["SCOPES", "Principal", "ServiceAPI", "build_service", "create_app", "is_loopback"]

_DESCRIPTION = """\
Receive predictions and labels, keep score per time window and model version, and
expose metrics and alerts. Send `Authorization: Bearer KEY` (scopes `ingest`, `read`,
`reports`, `admin`; admin implies the others). See docs/server.md and SECURITY.md.
"""


def build_service(settings: Settings) -> ServiceAPI:
    """The real :class:`~watchkeeper.service.MonitoringService` on ``settings.database_url``."""
    return MonitoringService(Store(settings.database_url), settings)


def api_routers() -> list[APIRouter]:
    """The router of every route module of this package (``_routes_*.py`` and
    ``_metrics.py``), found by discovery so that a merge cannot drop one from a list.

    Ordered by the module's ``ORDER`` (100 when it has none), then by name: a request is
    matched against the routers in this order, so the hottest path (the guard, 0) goes
    first. No two modules serve the same path, so the order changes nothing else.
    """
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_routes_") or info.name == "_metrics":
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((getattr(module, "ORDER", 100), info.name, module.router))
    return [router for _, _, router in sorted(found, key=lambda item: item[:2])]


def create_app(service: ServiceAPI | None = None, settings: Settings | None = None) -> FastAPI:
    """The FastAPI application around ``service``.

    Without ``settings`` they are read from the environment (now, not at import);
    without ``service`` one is built on ``settings.database_url``. Auth is on unless
    ``settings.auth_enabled`` is false or ``settings.dev`` is true, which is refused
    unless ``settings.host`` is loopback, and then answers only requests whose ``Host``
    is localhost, 127.0.0.1 or [::1] and whose POSTs are not what a cross-site form can
    send (see ``_dev.py``).

    >>> settings = Settings(dev=True)
    >>> app = create_app(MonitoringService(Store("sqlite://"), settings), settings)
    >>> sorted(p for p in app.openapi()["paths"] if p.startswith("/v1/models/{model}/w"))
    ['/v1/models/{model}/windows', '/v1/models/{model}/windows/close']
    """
    settings = Settings.from_env() if settings is None else settings
    if settings.dev or not settings.auth_enabled:
        check_dev_host(settings.host)
    service = build_service(settings) if service is None else service
    app = FastAPI(
        title="watchkeeper",
        version=__version__,
        description=_DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=background_lifespan(service, settings),
    )
    app.state.service = service
    app.state.settings = settings
    app.state.auth_enabled = settings.auth_enabled and not settings.dev
    # Prometheus servers often scrape without credentials; a deployment says so.
    app.state.metrics_public = settings.metrics_public
    install_error_handlers(app)
    for router in api_routers():
        app.include_router(router)
    app.include_router(dashboard_router())

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        """A person who opens the server's address lands on the dashboard."""
        return RedirectResponse("/ui/", status_code=307)

    # Outermost last: the access log, then (dev only) Host and Content-Type checks, then
    # the key and the rate limit, then the body limit; no body is read before the key.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    bucket = TokenBucket(rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst)
    app.add_middleware(KeyGateMiddleware, bucket=bucket)
    if not app.state.auth_enabled:
        app.add_middleware(DevContentTypeMiddleware)
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(DEV_HOSTS))
    app.add_middleware(AccessLogMiddleware)
    install_tracing(app)  # outermost; on only when OTEL_* variables ask (_tracing.py)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        # Bodies read by hand (several media types, per-record validation) are documented
        # through openapi_extra references; their schemas are added here.
        for model in (PredictionBatch, VersionIn, CloseWindowsIn):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schemas[model.__name__] = schema
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
    return app
