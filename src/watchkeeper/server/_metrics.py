"""``GET /metrics``: the latest metric points and alert states in Prometheus text format.

The exposition itself (names ``watchkeeper_<metric>``, bounded label cardinality) is
:mod:`watchkeeper.service.exposition`; until that module is installed a minimal
exposition built with ``prometheus_client`` stands in. Scope ``read`` is needed unless
auth is off or the settings make ``/metrics`` public (``metrics_public``), which is
what a Prometheus server without credentials needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import import_module

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import Response

from watchkeeper._exceptions import MissingDependency
from watchkeeper.server._auth import BEARER, authorize
from watchkeeper.server._common import call, service_of
from watchkeeper.service._results import AlertInfo
from watchkeeper.service._types import MetricPoint

__all__ = ["render_metrics", "router"]

router = APIRouter()
_UNSAFE = re.compile(r"[^a-zA-Z0-9_]")


def render_metrics(points: Iterable[MetricPoint], alerts: Iterable[AlertInfo]) -> tuple[bytes, str]:
    """The exposition body and its content type."""
    try:
        exposition = import_module("watchkeeper.service.exposition")
    except ImportError:
        return _fallback(points, alerts)
    # A half-written package (a bare folder imports as a namespace) has neither name yet.
    render: Callable[[Iterable[MetricPoint], Iterable[AlertInfo]], bytes] | None
    render = getattr(exposition, "render_prometheus", None)
    content_type: str | None = getattr(exposition, "CONTENT_TYPE", None)
    if render is None or content_type is None:
        return _fallback(points, alerts)
    return render(points, alerts), content_type


def _fallback(points: Iterable[MetricPoint], alerts: Iterable[AlertInfo]) -> tuple[bytes, str]:
    try:
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.exposition import CONTENT_TYPE_LATEST
        from prometheus_client.metrics_core import GaugeMetricFamily, Metric
    except ImportError as error:
        raise MissingDependency("prometheus-client", "server") from error

    labels = ["model", "version", "feature", "segment"]

    class _Snapshot:
        def collect(self) -> Iterator[Metric]:
            families: dict[str, GaugeMetricFamily] = {}
            for point in points:
                name = "watchkeeper_" + _UNSAFE.sub("_", point.metric)
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(
                        name, f"watchkeeper metric {point.metric}", labels=labels
                    )
                value = point.value if math.isfinite(point.value) else math.nan
                family.add_metric(
                    [point.model, point.version, point.feature or "", point.segment or ""], value
                )
            yield from families.values()
            firing = GaugeMetricFamily(
                "watchkeeper_alert_firing",
                "1 while an alert fires, 0 once resolved",
                labels=["monitor", "model", "version", "feature", "segment", "severity"],
            )
            for alert in alerts:
                firing.add_metric(
                    [
                        alert.monitor,
                        alert.model,
                        alert.version,
                        alert.feature or "",
                        alert.segment or "",
                        alert.severity,
                    ],
                    1.0 if alert.state == "firing" else 0.0,
                )
            yield firing

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot())
    return generate_latest(registry), CONTENT_TYPE_LATEST


@router.get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus exposition of the latest metrics and alert states",
    response_class=Response,
    dependencies=[Depends(BEARER)],
    responses={
        200: {"content": {"text/plain": {}}, "description": "the exposition"},
        401: {"description": "no API key, or an unknown one"},
        403: {"description": "the API key lacks the scope 'read'"},
    },
)
async def metrics(request: Request) -> Response:
    if not request.app.state.metrics_public:
        await authorize(request, "read")
    service = service_of(request)
    points = await call(service.latest_metrics)
    alerts = await call(service.list_alerts)
    try:
        body, content_type = render_metrics(points, alerts)
    except MissingDependency as error:
        raise HTTPException(status_code=501, detail=str(error)) from None
    return Response(body, media_type=content_type)
