"""Ingestion: predictions (JSON, Arrow IPC, parquet), labels and host metrics (scope ``ingest``).

Every answer comes after the service has returned, that is after the accepted
records are durable: a 200 means stored. A batch is judged record by record: the
answer counts ``accepted`` and ``duplicates`` (ids already stored, which makes a
retry harmless) and lists each ``rejected`` record with its index, id, field and the
fix. When no record of a batch could be stored the status is 422 (same body, plus
``detail`` and ``errors``), so a client that only looks at the status still notices.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from watchkeeper._exceptions import InputError
from watchkeeper.io._bounded import DecodeBudget
from watchkeeper.server._auth import IngestKey
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    ModelName,
    StrictJSONRoute,
    answer,
    binary_body,
    call,
    decode_budget,
    json_invalid,
    media_type,
    service_of,
)
from watchkeeper.server._json_columns import decode_body
from watchkeeper.server._protocol import ServiceAPI
from watchkeeper.server._records import (
    ARROW_MEDIA_TYPES,
    PARQUET_MEDIA_TYPES,
    Prepared,
    merge_result,
    read_table_body,
    records_from_arrow,
    records_from_json,
)
from watchkeeper.server._schemas import (
    MAX_BATCH,
    NAME_PATTERN,
    HostMetricsIn,
    HostMetricsOut,
    IngestOut,
    LabelOut,
    LabelsIn,
)
from watchkeeper.service._ingest import feature_kinds
from watchkeeper.service._results import IngestResult

__all__ = ["router"]

router = APIRouter(route_class=StrictJSONRoute, tags=["ingestion"], responses=ERROR_RESPONSES)
_NAME = re.compile(NAME_PATTERN)


def _envelope(body: bytes) -> tuple[str, list[Any]]:
    try:
        data = decode_body(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise json_invalid(error) from None
    if not isinstance(data, dict):
        raise InputError('the body must be an object {"version": ..., "records": [...]}')
    extra = sorted(set(data) - {"version", "records"})
    if extra:
        raise InputError(f"unknown field {extra[0]!r}; the body has only 'version' and 'records'")
    version = data.get("version")
    if not isinstance(version, str) or not _NAME.match(version):
        raise InputError(
            "version must be the name of one of the model's versions (letters, digits, '._-')"
        )
    records = data.get("records")
    if not isinstance(records, list) or not records:
        raise InputError("records must be a non-empty list of prediction records")
    if len(records) > MAX_BATCH:
        raise InputError(
            f"records holds {len(records)} records; send at most {MAX_BATCH} per batch"
        )
    return version, records


def _store_batch(
    service: ServiceAPI,
    model: str,
    version: str | None,
    media: str,
    body: bytes,
    budget: DecodeBudget,
) -> tuple[Prepared, IngestResult]:
    """Decode a prediction body (the model must exist first: 404 before 4xx) and store it."""
    kinds = feature_kinds(service.get_model(model).schema)
    if media in ("", "application/json"):
        version, records = _envelope(body)
        prepared = records_from_json(records, kinds)
    else:
        if version is None:
            raise InputError("an Arrow or parquet body needs the version in the query: ?version=v1")
        prepared = records_from_arrow(read_table_body(body, media, budget))
    if prepared.table is None:
        return prepared, IngestResult(0, 0)
    return prepared, service.ingest_predictions(model, version, prepared.table)


@router.post(
    "/v1/models/{model}/predictions",
    response_model=IngestOut,
    summary="Log predictions (JSON, Arrow IPC or parquet)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PredictionBatch"}},
                **binary_body(*sorted(ARROW_MEDIA_TYPES | PARQUET_MEDIA_TYPES)),
            },
        }
    },
)
async def ingest_predictions(
    request: Request,
    principal: IngestKey,
    model: str = ModelName,
    version: str | None = Query(
        default=None,
        pattern=NAME_PATTERN,
        max_length=128,
        description="the version, for Arrow and parquet bodies (JSON bodies carry it)",
    ),
) -> Response:
    """Store a batch of predictions; idempotent by record id."""
    service = service_of(request)
    media = media_type(request)
    if (
        media not in ("", "application/json")
        and media not in ARROW_MEDIA_TYPES | PARQUET_MEDIA_TYPES
    ):
        raise HTTPException(
            status_code=415,
            detail=f"Content-Type {media!r} is not understood; send application/json, "
            "application/vnd.apache.arrow.stream or application/vnd.apache.parquet",
        )
    body = await request.body()
    budget = decode_budget(request)
    # One trip to the thread pool for the whole batch: a trip costs more than a
    # small batch's decoding.
    prepared, result = await call(_store_batch, service, model, version, media, body, budget)
    merged = merge_result(prepared, result)
    payload: dict[str, Any] = merged.to_dict()
    if merged.accepted == 0 and merged.duplicates == 0 and merged.rejected:
        first = merged.rejected[0]
        payload = {
            "detail": (
                f"no record of the batch was stored: record {first.index} (id {first.id!r}) "
                f"field {first.field!r} {first.message}; see 'rejected' for every record"
            ),
            "errors": [error.to_dict() for error in merged.rejected],
            **payload,
        }
        return answer(payload, 422)
    return answer(payload)


@router.post(
    "/v1/models/{model}/labels",
    response_model=LabelOut,
    summary="Log ground truth by prediction id",
)
async def ingest_labels(
    request: Request,
    principal: IngestKey,
    body: LabelsIn,
    model: str = ModelName,
) -> Response:
    """Store labels; ids that match no stored prediction are counted and listed (up to 100)
    in a 200 answer, since a label may legitimately arrive before its prediction is known
    to be lost."""
    pairs = [(item.id, item.label) for item in body.labels]
    result = await call(service_of(request).ingest_labels, model, pairs)
    return answer(result.to_dict())


@router.post(
    "/v1/models/{model}/host-metrics",
    response_model=HostMetricsOut,
    summary="Log the host process's CPU, memory and dropped records",
)
async def ingest_host_metrics(
    request: Request,
    principal: IngestKey,
    body: HostMetricsIn,
    model: str = ModelName,
) -> Response:
    points = [point.model_dump() for point in body.points]
    accepted = await call(service_of(request).ingest_host_metrics, model, body.version, points)
    return answer({"accepted": accepted})


# Window profiles posted by senders (SDK profile mode, Spark) and the reference bins.
