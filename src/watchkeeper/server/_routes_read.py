"""Windows, metric time series and health.

``GET`` needs scope ``read``; closing windows (``POST .../windows/close``) needs
``admin``: it is how tests and the demo move event time forward without waiting for
the clock. ``/healthz`` needs no key, so that a load balancer can ask.
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from watchkeeper.server._auth import AdminKey, ReadKey
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    ModelName,
    StrictJSONRoute,
    answer,
    call,
    parse_body,
    service_of,
)
from watchkeeper.server._routes_audit import actor_of
from watchkeeper.server._schemas import (
    NAME_PATTERN,
    CloseWindowsIn,
    HealthOut,
    MetricSeriesOut,
    Timestamp,
    WindowList,
)

__all__ = ["router"]

router = APIRouter(route_class=StrictJSONRoute, responses=ERROR_RESPONSES)
# One Query object per parameter: FastAPI drops a parameter whose default object is
# shared with another (``end`` vanished from the API when it reused ``start``'s).
_START = Query(default=None, description="ISO-8601 with a time zone; points from here on")
_END = Query(default=None, description="ISO-8601 with a time zone; points up to here")


@router.get(
    "/healthz",
    response_model=HealthOut,
    tags=["operations"],
    summary="Liveness and database reachability (no key needed)",
    responses={503: {"description": "the database is not reachable"}},
)
async def healthz(request: Request) -> Response:
    try:
        health = await call(service_of(request).health)
    except Exception as error:  # a health check reports, it does not fail
        return answer({"status": "error", "database": type(error).__name__}, 503)
    return answer(health, 200 if health.get("status") == "ok" else 503)


@router.get(
    "/v1/models/{model}/windows",
    response_model=WindowList,
    tags=["windows"],
    summary="Recent windows of a model, newest first, with their metrics once closed",
)
async def list_windows(
    request: Request,
    principal: ReadKey,
    model: str = ModelName,
    version: str | None = Query(default=None, pattern=NAME_PATTERN, max_length=128),
    limit: int = Query(default=500, ge=1, le=10_000),
) -> Response:
    windows = await call(service_of(request).list_windows, model, version=version, limit=limit)
    return answer({"windows": [window.to_dict() for window in windows]})


@router.post(
    "/v1/models/{model}/windows/close",
    response_model=WindowList,
    tags=["windows"],
    summary="Close every window whose end has passed (event time) and evaluate monitors",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CloseWindowsIn"}}
            },
        }
    },
)
async def close_windows(
    request: Request,
    principal: AdminKey,
    model: str = ModelName,
) -> Response:
    """Without a body (or without ``now``) the server's clock decides what has ended."""
    body = await request.body()
    now = parse_body(body, CloseWindowsIn).now if body.strip() else None
    windows = await call(
        service_of(request).close_windows, model, now=now, actor=actor_of(principal)
    )
    return answer({"windows": [window.to_dict() for window in windows]})


@router.get(
    "/v1/models/{model}/metrics/{metric}",
    response_model=MetricSeriesOut,
    tags=["windows"],
    summary="The time series of one metric, one point per closed window",
)
async def metric_series(
    request: Request,
    principal: ReadKey,
    model: str = ModelName,
    metric: str = Path(pattern=r"^[A-Za-z0-9_.:-]{1,128}$"),
    version: str | None = Query(default=None, pattern=NAME_PATTERN, max_length=128),
    feature: str | None = Query(default=None, min_length=1, max_length=256),
    segment: str | None = Query(default=None, min_length=1, max_length=512),
    start: Timestamp | None = _START,
    end: Timestamp | None = _END,
) -> Response:
    points = await call(
        service_of(request).metric_series,
        model,
        metric,
        version=version,
        feature=feature,
        segment=segment,
        start=start,
        end=end,
    )
    return answer({"points": [point.to_dict() for point in points]})
