"""Request tracing: one OpenTelemetry server span per HTTP request, off by default.

:func:`install_tracing` adds :class:`TracingMiddleware` outermost when the standard
``OTEL_*`` variables turn traces on (see :mod:`watchkeeper._otel`), or when a tracer
provider is passed in. Each span is named ``"{method} {route}"`` (the route template,
``GET /v1/models/{model}``, never the raw path, so names stay few) and carries
``http.request.method``, ``url.path``, ``http.route``, ``http.response.status_code``
and ``watchkeeper.model`` (the model the route is about); a 5xx answer or an exception
marks it as an error. A ``traceparent`` header from the caller makes the span its child.
Outermost, the span also covers what the key gate and the body limit refuse (no route
then: the span is named by the method alone).

The middleware is ours rather than ``opentelemetry-instrumentation-asgi``: a few lines
give the route template and the model, which that package's span names lack, without
its extra dependencies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from watchkeeper._otel import signal_enabled, tracer_provider_from_env
from watchkeeper._version import __version__

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.trace import Tracer, TracerProvider
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["TracingMiddleware", "install_tracing"]


def install_tracing(app: FastAPI, tracer_provider: TracerProvider | None = None) -> None:
    """Trace ``app``'s requests with ``tracer_provider``, or as the environment says.

    Call it after the app's other middleware so that its spans cover them. The
    provider is kept in ``app.state.tracer_provider`` (None when tracing is off).

    >>> from fastapi import FastAPI
    >>> from fastapi.testclient import TestClient
    >>> from opentelemetry.sdk.trace import TracerProvider
    >>> from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    >>> from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    ...     InMemorySpanExporter)
    >>> spans, provider = InMemorySpanExporter(), TracerProvider()
    >>> provider.add_span_processor(SimpleSpanProcessor(spans))
    >>> app = FastAPI()
    >>> @app.get("/v1/models/{model}")
    ... def get_model(model: str) -> dict[str, str]:
    ...     return {"name": model}
    >>> install_tracing(app, provider)
    >>> TestClient(app).get("/v1/models/churn").status_code
    200
    >>> [(s.name, s.attributes["watchkeeper.model"]) for s in spans.get_finished_spans()]
    [('GET /v1/models/{model}', 'churn')]
    """
    if tracer_provider is None and signal_enabled("traces"):
        tracer_provider = tracer_provider_from_env("watchkeeper")
    app.state.tracer_provider = tracer_provider
    if tracer_provider is not None:
        tracer = tracer_provider.get_tracer("watchkeeper.server", __version__)
        app.add_middleware(TracingMiddleware, tracer=tracer)


def _route_of(scope: Scope) -> str | None:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) and path else None


class TracingMiddleware:
    """A pure ASGI middleware opening a server span around each HTTP request."""

    def __init__(self, app: ASGIApp, *, tracer: Tracer) -> None:
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        self.app = app
        self.tracer = tracer
        self._propagator = TraceContextTextMapPropagator()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from opentelemetry.trace import SpanKind, Status, StatusCode

        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        method = scope["method"]
        status: dict[str, int] = {}

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        attributes: dict[str, Any] = {"http.request.method": method, "url.path": scope["path"]}
        with self.tracer.start_as_current_span(
            method,
            context=self._propagator.extract(carrier),
            kind=SpanKind.SERVER,
            attributes=attributes,
            record_exception=True,
            set_status_on_exception=True,
        ) as span:
            try:
                await self.app(scope, receive, send_and_note)
            finally:
                route = _route_of(scope)
                if route is not None:
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.route", route)
                model = scope.get("path_params", {}).get("model")
                if isinstance(model, str):
                    span.set_attribute("watchkeeper.model", model)
                if "code" in status:
                    span.set_attribute("http.response.status_code", status["code"])
                    if status["code"] >= 500:
                        span.set_status(Status(StatusCode.ERROR))
