"""The audit trail over HTTP (scope ``admin``): ``GET /v1/audit`` with filters and
``GET /v1/audit/verify``; erasure, ``DELETE /v1/models/{model}/records?ids=...`` or
``?subject=VALUE``; and :func:`actor_of`, which every state-changing route uses to tell
the service who is acting (the API key's id and name; ``dev`` without auth).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from watchkeeper.compliance._audit import Actor
from watchkeeper.server._auth import AdminKey, Principal
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    ModelName,
    StrictJSONRoute,
    answer,
    call,
    service_of,
)
from watchkeeper.server._schemas import NAME_PATTERN

__all__ = ["actor_of", "router"]

router = APIRouter(route_class=StrictJSONRoute, tags=["audit"], responses=ERROR_RESPONSES)
_SINCE = Query(default=None, description="ISO-8601 with a time zone; entries from here on")
_UNTIL = Query(default=None, description="ISO-8601 with a time zone; entries before this")


def actor_of(principal: Principal) -> Actor:
    """The audit trail's actor for a request's principal.

    >>> from watchkeeper.server._auth import DEV_PRINCIPAL
    >>> actor_of(Principal("ci", frozenset({"admin"}), "key_1"))
    Actor(id='key_1', name='ci')
    >>> actor_of(DEV_PRINCIPAL)
    Actor(id='dev', name='dev')
    """
    return Actor(principal.key_id or principal.name, principal.name)


@router.get("/v1/audit", summary="The audit trail, newest first, filtered")
async def list_audit(
    request: Request,
    principal: AdminKey,
    model: str | None = Query(default=None, pattern=NAME_PATTERN, max_length=128),
    action: str | None = Query(
        default=None,
        pattern=r"^[a-z_.*]{1,100}$",
        description="an action (version.promote), or a prefix ending in '.' or '*'",
    ),
    actor: str | None = Query(default=None, max_length=200, description="key id or name"),
    target: str | None = Query(default=None, max_length=500, description="a target prefix"),
    since: datetime | None = _SINCE,
    until: datetime | None = _UNTIL,
    after_seq: int = Query(default=0, ge=0, description="only entries after this one"),
    before_seq: int | None = Query(
        default=None, ge=1, description="only entries before this one (the next page)"
    ),
    limit: int = Query(default=100, ge=1, le=1000),
) -> Response:
    entries = await call(
        service_of(request).list_audit,
        model=model,
        action=action,
        actor=actor,
        target=target,
        since=since,
        until=until,
        after_seq=after_seq,
        before_seq=before_seq,
        limit=limit,
    )
    return answer({"entries": [entry.to_dict() for entry in entries]})


@router.get("/v1/audit/verify", summary="Check the audit trail's hash chain")
async def verify_audit(request: Request, principal: AdminKey) -> Response:
    check = await call(service_of(request).verify_audit)
    return answer(check.to_dict())


@router.delete(
    "/v1/models/{model}/records",
    tags=["models"],
    summary="Erase records by id, or every record of one subject; windows are recomputed",
)
async def erase_records(
    request: Request,
    principal: AdminKey,
    model: str = ModelName,
    ids: str | None = Query(
        default=None, max_length=1_000_000, description="record ids, separated by commas"
    ),
    subject: str | None = Query(
        default=None, max_length=500, description="a value of the model's subject column"
    ),
) -> Response:
    wanted = [part.strip() for part in (ids or "").split(",") if part.strip()]
    result = await call(
        service_of(request).erase_records,
        model,
        ids=wanted,
        subject=subject,
        actor=actor_of(principal),
    )
    return answer(result.to_dict())
