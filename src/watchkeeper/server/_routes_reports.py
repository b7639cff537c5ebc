"""Batch reports: upload the JSON form of a report (scope ``reports``, or ``admin``), list
and read them (scope ``read``). The dashboard shows them under ``/ui/reports``.

A report becomes a page that people open, so uploading one is not an ingest right: it
needs the ``reports`` scope, and the report must match its schema (docs/report-schema.md)
or the upload is a 422 naming each field of the wrong type.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import RootModel
from starlette.responses import Response

from watchkeeper.report._validate import check_report
from watchkeeper.server._auth import Principal, ReadKey, require
from watchkeeper.server._common import ERROR_RESPONSES, answer, call, parse_body, service_of
from watchkeeper.server._errors import error_response
from watchkeeper.server._routes_audit import actor_of

__all__ = ["router"]

router = APIRouter(tags=["reports"], responses=ERROR_RESPONSES)
_MAX_LISTED = 500


@router.post("/v1/reports", status_code=201, summary="Upload a batch report (its JSON form)")
async def upload_report(
    request: Request,
    principal: Annotated[Principal, Depends(require("reports"))],
    name: str = "",
    model: str | None = None,
) -> Response:
    body = parse_body(await request.body(), RootModel[dict[str, Any]]).root
    _, problems = check_report(body)
    if problems:
        errors = [
            {"field": p.split(" must ")[0], "message": p, "type": "report_schema"} for p in problems
        ]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return error_response(
            422, f"the report does not match its schema: {problems[0]}{more}", errors
        )
    service = service_of(request)
    info = await call(
        service.upload_report,
        body,
        name=name,
        model=model,
        by=principal.name,
        actor=actor_of(principal),
    )
    return answer(info.to_dict(), 201)


@router.get("/v1/reports", summary="List uploaded reports, newest first")
async def list_reports(
    request: Request, principal: ReadKey, limit: int = 50, offset: int = 0
) -> Response:
    limit = min(max(limit, 1), _MAX_LISTED)
    found = await call(service_of(request).list_reports, limit=limit, offset=max(offset, 0))
    return answer({"reports": [r.to_dict() for r in found]})


@router.get("/v1/reports/{report_id}", summary="One report: its facts and its JSON form")
async def get_report(request: Request, principal: ReadKey, report_id: str) -> Response:
    info, body = await call(service_of(request).get_report, report_id)
    return answer({**info.to_dict(), "report": body})
