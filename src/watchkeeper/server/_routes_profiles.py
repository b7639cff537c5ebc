"""Profiles in and out: a window's profile posted by a sender, and a version's reference
profile for senders to count on its bins (issue 16).

``POST /v1/models/{model}/profiles?version=V&window_start=T[&segment=k=v]`` takes a
``.wkp`` body (``application/vnd.watchkeeper.profile``, scope ``ingest``), counted on the
version's reference bins; the ``Watchkeeper-Operations`` header carries the window's
operational aggregates as JSON (:mod:`watchkeeper._operations`: the ``.wkp`` format has
no place for them), ``Idempotency-Key`` makes a retried post count once. The body is
read within the request's body limit and its compressed payload inflated within the
decoding budget (:func:`~watchkeeper.server._records.check_profile_body`) before the
profile reader sees it.

``GET /v1/models/{model}/versions/{version}/reference-profile`` answers the ``.wkp``
(scope ``ingest`` or ``read``: the SDK's key is an ingest key), with the model's window
length in seconds in the ``Watchkeeper-Window-Seconds`` header.

``POST /v1/models/{model}/performance-profiles?version=V&window_start=T[&segment=k=v]``
takes a labelled performance profile as JSON (``ClassificationProfile.to_dict()`` or
``RegressionProfile.to_dict()``, scope ``ingest``, at most
:data:`MAX_PERFORMANCE_BYTES`), counted on the edges and classes that
``GET /v1/models/{model}/versions/{version}/performance-edges`` gives; its rows count as
the window's labels and realized performance is computed over them at close
(:mod:`watchkeeper.service._performance_parts`). ``POST /v1/models/{model}/score-profiles``
(same parameters) takes a window's score sketches, merged into its score statistics
(:mod:`watchkeeper.service._score_parts`); ``POST /v1/models/{model}/bias-profiles`` its
group counters per sensitive column, merged into the bias series
(:mod:`watchkeeper.service._bias_parts`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from starlette.responses import Response

from watchkeeper._exceptions import InputError
from watchkeeper._json import loads_strict
from watchkeeper._operations import HEADER, Operations
from watchkeeper.server._auth import BEARER, IngestKey, Principal, authorize
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    ModelName,
    StrictJSONRoute,
    VersionPath,
    answer,
    binary_body,
    call,
    decode_budget,
    json_invalid,
    media_type,
    service_of,
)
from watchkeeper.server._records import check_profile_body
from watchkeeper.server._schemas import NAME_PATTERN
from watchkeeper.service._profile_ingest import ProfileIngestResult

__all__ = ["MAX_PERFORMANCE_BYTES", "PROFILE_MEDIA_TYPE", "router"]

PROFILE_MEDIA_TYPE = "application/vnd.watchkeeper.profile"
_MAX_HEADER = 64 * 1024
# A binary profile on 1,000 bins is about 30 kB of JSON; 100 classes about 1 MB.
MAX_PERFORMANCE_BYTES = 4 * 1024 * 1024

WindowStart = Query(description="the window's start (ISO-8601, with a zone)")

router = APIRouter(route_class=StrictJSONRoute, tags=["ingestion"], responses=ERROR_RESPONSES)


async def _ingest_or_read(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(BEARER),  # noqa: B008
) -> Principal:
    try:
        return await authorize(request, "ingest")
    except HTTPException as error:
        if error.status_code != 403:
            raise
        return await authorize(request, "read")


@router.post(
    "/v1/models/{model}/profiles",
    summary="Merge a window's profile (.wkp) into the window",
    openapi_extra={"requestBody": {"required": True, "content": binary_body(PROFILE_MEDIA_TYPE)}},
)
async def ingest_profile(
    request: Request,
    principal: IngestKey,
    model: str = ModelName,
    version: str = Query(pattern=NAME_PATTERN, max_length=128, description="the version"),
    window_start: datetime = WindowStart,
    segment: str | None = Query(
        default=None, max_length=500, description="the segment, key=value[,key=value]"
    ),
    operations: str | None = Header(
        default=None, alias=HEADER, description="the window's operational aggregates (JSON)"
    ),
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=100),
) -> Response:
    """Store the profile; a 200 means durable. Counts only once per ``Idempotency-Key``."""
    media = media_type(request)
    if media not in ("", PROFILE_MEDIA_TYPE, "application/octet-stream"):
        raise HTTPException(
            status_code=415,
            detail=f"Content-Type {media!r} is not understood; send {PROFILE_MEDIA_TYPE}",
        )
    if window_start.tzinfo is None:
        raise InputError(
            f"window_start {window_start.isoformat()} has no time zone; send e.g. "
            "2024-01-01T10:00:00Z"
        )
    ops = None
    if operations is not None:
        if len(operations) > _MAX_HEADER:
            raise InputError(f"the {HEADER} header is longer than {_MAX_HEADER} bytes")
        ops = Operations.from_json(operations)
    body = await request.body()
    if not body:
        raise InputError("the request body is empty; send a .wkp profile")
    await call(check_profile_body, body, decode_budget(request).max_bytes)
    result = await call(
        service_of(request).ingest_profile,
        model,
        version,
        window_start,
        body,
        segment=segment,
        operations=ops,
        part_key=idempotency_key,
    )
    return answer(result.to_dict())


@router.get(
    "/v1/models/{model}/versions/{version}/reference-profile",
    summary="The version's reference profile (.wkp): the bins senders profile on",
    response_class=Response,
    responses={200: {"content": {PROFILE_MEDIA_TYPE: {}}}},
)
async def reference_profile(
    request: Request,
    principal: Principal = Depends(_ingest_or_read),  # noqa: B008
    model: str = ModelName,
    version: str = VersionPath,
) -> Response:
    service = service_of(request)
    profile = await call(service.reference_profile, model, version)
    if profile is None:
        raise HTTPException(
            status_code=404,
            detail=f"version {version!r} of model {model!r} has no reference; add one "
            f"(POST /v1/models/{model}/versions with reference data or a .wkp)",
        )
    seconds = (await call(service.window_length, model)).total_seconds()
    return Response(
        content=await call(profile.to_bytes),
        media_type=PROFILE_MEDIA_TYPE,
        headers={"Watchkeeper-Window-Seconds": f"{seconds:g}"},
    )


def _aware(window_start: datetime) -> datetime:
    if window_start.tzinfo is None:
        raise InputError(
            f"window_start {window_start.isoformat()} has no time zone; send e.g. "
            "2024-01-01T10:00:00Z"
        )
    return window_start


async def _json_body(request: Request) -> Any:
    """The request's JSON body, within :data:`MAX_PERFORMANCE_BYTES`."""
    media = media_type(request)
    if media not in ("", "application/json"):
        raise HTTPException(
            status_code=415,
            detail=f"Content-Type {media!r} is not understood; send application/json",
        )
    body = await request.body()
    if len(body) > MAX_PERFORMANCE_BYTES:
        raise HTTPException(
            status_code=413,
            detail=f"the profile is {len(body)} bytes, more than the limit of "
            f"{MAX_PERFORMANCE_BYTES}; post one profile per window and segment",
        )
    if not body:
        raise InputError("the request body is empty; send a profile's to_dict()")
    try:
        return loads_strict(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise json_invalid(error) from None
    except RecursionError:
        raise InputError("the body is nested too deeply; send a profile's to_dict()") from None


@dataclass
class _Window:
    """The query and headers of a window part's post (one dependency for the three)."""

    version: str = Query(pattern=NAME_PATTERN, max_length=128, description="the version")
    window_start: datetime = WindowStart
    segment: str | None = Query(
        default=None, max_length=500, description="the segment, key=value[,key=value]"
    )
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=100)


async def _ingest(
    request: Request, ingest: Callable[..., ProfileIngestResult], model: str, window: _Window
) -> Response:
    """Store a posted window part (a 200 means durable; once per ``Idempotency-Key``)."""
    start = _aware(window.window_start)
    data = await _json_body(request)
    result = await call(
        ingest, model, window.version, start, data,
        segment=window.segment, part_key=window.idempotency_key,
    )  # fmt: skip
    return answer(result.to_dict())


def _json_schema(description: str) -> dict[str, Any]:
    content = {"application/json": {"schema": {"type": "object", "description": description}}}
    return {"requestBody": {"required": True, "content": content}}


@router.post(
    "/v1/models/{model}/performance-profiles",
    summary="Merge a window's labelled performance profile (JSON) into the window",
    openapi_extra=_json_schema("ClassificationProfile or RegressionProfile .to_dict()"),
)
async def ingest_performance_profile(
    request: Request,
    principal: IngestKey,
    model: str = ModelName,
    window: _Window = Depends(),  # noqa: B008
) -> Response:
    """Store the profile; its rows count as the window's labels."""
    return await _ingest(request, service_of(request).ingest_performance_profile, model, window)


@router.post(
    "/v1/models/{model}/score-profiles",
    summary="Merge a window's score sketches (JSON) into its score statistics",
    openapi_extra=_json_schema('{"kind": "scores", "version": 1, "series": {name: sketch}}'),
)
async def ingest_score_profile(
    request: Request,
    principal: IngestKey,
    model: str = ModelName,
    window: _Window = Depends(),  # noqa: B008
) -> Response:
    """Store the sketches; they count no rows."""
    return await _ingest(request, service_of(request).ingest_score_profile, model, window)


@router.post(
    "/v1/models/{model}/bias-profiles",
    summary="Merge a window's bias group counters (JSON) into its bias series",
    openapi_extra=_json_schema('{"kind": "bias", "version": 1, "columns": {column: counters}}'),
)
async def ingest_bias_profile(
    request: Request,
    principal: IngestKey,
    model: str = ModelName,
    window: _Window = Depends(),  # noqa: B008
) -> Response:
    """Store the counters; they count no rows."""
    return await _ingest(request, service_of(request).ingest_bias_profile, model, window)


@router.get(
    "/v1/models/{model}/versions/{version}/performance-edges",
    summary="The kind, classes and edges of a version's performance profiles, and the "
    "sensitive columns and positive label of its bias counters",
)
async def performance_edges(
    request: Request,
    principal: Principal = Depends(_ingest_or_read),  # noqa: B008
    model: str = ModelName,
    version: str = VersionPath,
) -> Response:
    service = service_of(request)
    return answer(await call(service.performance_edges, model, version))
