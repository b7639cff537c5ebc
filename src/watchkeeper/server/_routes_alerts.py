"""Alerts: list them (scope ``read``), acknowledge and silence them (scope ``admin``).

Who acknowledged or silenced is the name of the API key used (``dev`` without auth).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from watchkeeper.server._auth import AdminKey, ReadKey
from watchkeeper.server._common import ERROR_RESPONSES, StrictJSONRoute, answer, call, service_of
from watchkeeper.server._routes_audit import actor_of
from watchkeeper.server._schemas import NAME_PATTERN, AlertList, AlertOut, SilenceIn

__all__ = ["router"]

router = APIRouter(route_class=StrictJSONRoute, tags=["alerts"], responses=ERROR_RESPONSES)
AlertKey = Path(pattern=r"^[A-Za-z0-9_-]{1,128}$", description="the alert's key")


@router.get("/v1/alerts", response_model=AlertList, summary="List alerts")
async def list_alerts(
    request: Request,
    principal: ReadKey,
    model: str | None = Query(default=None, pattern=NAME_PATTERN, max_length=128),
    state: Literal["firing", "resolved"] | None = Query(default=None),
) -> Response:
    alerts = await call(service_of(request).list_alerts, model=model, state=state)
    return answer({"alerts": [alert.to_dict() for alert in alerts]})


@router.post("/v1/alerts/{key}/ack", response_model=AlertOut, summary="Acknowledge an alert")
async def acknowledge(
    request: Request,
    principal: AdminKey,
    key: str = AlertKey,
) -> Response:
    info = await call(
        service_of(request).acknowledge_alert, key, by=principal.name, actor=actor_of(principal)
    )
    return answer(info.to_dict())


@router.post(
    "/v1/alerts/{key}/silence", response_model=AlertOut, summary="Silence an alert until a time"
)
async def silence(
    request: Request,
    principal: AdminKey,
    body: SilenceIn,
    key: str = AlertKey,
) -> Response:
    info = await call(
        service_of(request).silence_alert,
        key,
        until=body.until,
        by=principal.name,
        actor=actor_of(principal),
    )
    return answer(info.to_dict())
