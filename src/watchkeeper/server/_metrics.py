"""``GET /metrics``: the latest metric points and alert states in Prometheus text format.

The exposition itself (names ``watchkeeper_<metric>``, bounded label cardinality) is
:mod:`watchkeeper.service.exposition` (``prometheus_client``, in the ``server``
extra). Scope ``read`` is needed unless auth is off or the settings make ``/metrics``
public (``metrics_public``), which is what a Prometheus server without credentials needs.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import Response

from watchkeeper._exceptions import MissingDependency
from watchkeeper.server._auth import BEARER, authorize
from watchkeeper.server._common import call, service_of
from watchkeeper.service._results import AlertInfo
from watchkeeper.service._types import MetricPoint

__all__ = ["render_metrics", "router"]

router = APIRouter()


def render_metrics(points: Iterable[MetricPoint], alerts: Iterable[AlertInfo]) -> tuple[bytes, str]:
    """The exposition body and its content type."""
    from watchkeeper.service.exposition import CONTENT_TYPE, render_prometheus

    return render_prometheus(points, alerts), CONTENT_TYPE


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
