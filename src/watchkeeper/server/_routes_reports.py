"""Batch reports: upload the JSON form of a report (scope ``ingest``), list and read
them (scope ``read``). The dashboard shows them under ``/ui/reports``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import RootModel
from starlette.responses import Response

from watchkeeper.server._auth import IngestKey, ReadKey
from watchkeeper.server._common import ERROR_RESPONSES, answer, call, parse_body, service_of

__all__ = ["router"]

router = APIRouter(tags=["reports"], responses=ERROR_RESPONSES)
_MAX_LISTED = 500


@router.post("/v1/reports", status_code=201, summary="Upload a batch report (its JSON form)")
async def upload_report(
    request: Request, principal: IngestKey, name: str = "", model: str | None = None
) -> Response:
    body = parse_body(await request.body(), RootModel[dict[str, Any]]).root
    service = service_of(request)
    info = await call(service.upload_report, body, name=name, model=model, by=principal.name)
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
