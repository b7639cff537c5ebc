"""Models and versions: register, list, add a version with its reference, promote, roll back.

A version's reference data comes as JSON rows (``{"reference": [{...}, ...]}``), as a
multipart upload (field ``reference``: a parquet or Arrow IPC file, with ``version``,
``activate`` and ``baseline`` as form fields), or as a raw parquet / Arrow body with
``?version=`` in the query.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.responses import Response

from watchkeeper._exceptions import InputError
from watchkeeper._json import loads_strict
from watchkeeper.profile._format import MAGIC as PROFILE_MAGIC
from watchkeeper.server._auth import AdminKey, ReadKey
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    ModelName,
    StrictJSONRoute,
    VersionPath,
    answer,
    binary_body,
    call,
    decode_budget,
    media_type,
    parse_body,
    service_of,
)
from watchkeeper.server._records import (
    ARROW_MEDIA_TYPES,
    PARQUET_MEDIA_TYPES,
    check_profile_body,
    read_table_body,
)
from watchkeeper.server._routes_audit import actor_of
from watchkeeper.server._schemas import (
    NAME_PATTERN,
    ModelIn,
    ModelList,
    ModelOut,
    VersionIn,
    VersionList,
    VersionOut,
)

__all__ = ["router"]

router = APIRouter(route_class=StrictJSONRoute, tags=["models"], responses=ERROR_RESPONSES)
VersionName = Query(default=None, pattern=NAME_PATTERN, max_length=128)


@router.post("/v1/models", status_code=201, response_model=ModelOut, summary="Register a model")
async def create_model(
    request: Request,
    principal: AdminKey,
    body: ModelIn,
) -> Response:
    """Create a model; repeating an identical request is harmless, another task is a 409."""
    info = await call(
        service_of(request).create_model,
        body.name,
        body.task,
        body.schema_,
        actor=actor_of(principal),
    )
    return answer(info.to_dict(), 201)


@router.get("/v1/models", response_model=ModelList, summary="List the models")
async def list_models(request: Request, principal: ReadKey) -> Response:
    models = await call(service_of(request).list_models)
    return answer({"models": [model.to_dict() for model in models]})


@router.get("/v1/models/{model}", response_model=ModelOut, summary="One model")
async def get_model(
    request: Request,
    principal: ReadKey,
    model: str = ModelName,
) -> Response:
    info = await call(service_of(request).get_model, model)
    return answer(info.to_dict())


def _rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    if not rows:
        raise InputError("reference has no rows; send at least one row or leave it out")
    try:
        return pa.Table.from_pylist(rows)
    except (pa.ArrowException, OverflowError, UnicodeError) as error:
        raise InputError(
            f"reference rows cannot form a table ({error}); give each column one type"
        ) from None


def _upload_media(upload: UploadFile, head: bytes) -> str:
    if head[:4] == b"PAR1" or (upload.filename or "").lower().endswith((".parquet", ".pq")):
        return "application/vnd.apache.parquet"
    return "application/vnd.apache.arrow.stream"


def _form_flag(value: Any) -> bool:
    text = str(value or "").strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise InputError(f"form field activate={text!r} is not a boolean; send true or false")


# A reference may also be a profile written by `watchkeeper profile` (.wkp), for data
# too large to send; it is recognised by its magic bytes, whatever the file is called.
PROFILE_MEDIA_TYPE = "application/vnd.watchkeeper.profile"


def _is_profile(head: bytes) -> bool:
    return head.startswith(PROFILE_MAGIC)


async def _from_form(
    request: Request,
) -> tuple[str, pa.Table | bytes | None, dict[str, float] | None, bool]:
    form = await request.form()
    upload = form.get("reference")
    fields: dict[str, Any] = {
        "version": form.get("version"),
        "activate": _form_flag(form.get("activate")),
    }
    raw_baseline = form.get("baseline")
    if isinstance(raw_baseline, str) and raw_baseline:
        try:
            fields["baseline"] = loads_strict(raw_baseline)
        except json.JSONDecodeError as error:
            raise InputError(
                f"form field baseline is not JSON ({error.msg}); send an object"
            ) from None
    try:
        spec = VersionIn.model_validate(fields)
    except ValidationError as error:
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(error.errors(include_input=False)) from None
    reference: pa.Table | bytes | None = None
    if isinstance(upload, UploadFile):
        data = await upload.read()
        budget = decode_budget(request, reference=True)
        if _is_profile(data):
            await call(check_profile_body, data, budget.max_bytes)
            reference = data
        else:
            media = _upload_media(upload, data[:4])
            reference = await call(read_table_body, data, media, budget)
    elif upload is not None:
        raise InputError("form field reference must be a file (parquet, Arrow IPC or .wkp)")
    return spec.version, reference, spec.baseline, spec.activate


@router.post(
    "/v1/models/{model}/versions",
    status_code=201,
    response_model=VersionOut,
    summary="Add a version, with its reference data or a reference profile (.wkp)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/VersionIn"}},
                **binary_body(*sorted(PARQUET_MEDIA_TYPES | ARROW_MEDIA_TYPES), PROFILE_MEDIA_TYPE),
            },
        }
    },
)
async def create_version(
    request: Request,
    principal: AdminKey,
    model: str = ModelName,
    version: str | None = VersionName,
    activate: bool = Query(default=False),
) -> Response:
    """Create a version; with ``activate`` it becomes the one traffic is compared against."""
    media = media_type(request)
    baseline: dict[str, float] | None = None
    reference: pa.Table | bytes | None = None
    if media in ("", "application/json"):
        spec = parse_body(await request.body(), VersionIn)
        name, baseline, activate = spec.version, spec.baseline, spec.activate
        if spec.reference is not None:
            reference = await call(_rows_table, [dict(row) for row in spec.reference])
    elif media == "multipart/form-data":
        name, reference, baseline, activate = await _from_form(request)
    elif media in ARROW_MEDIA_TYPES | PARQUET_MEDIA_TYPES | {PROFILE_MEDIA_TYPE}:
        if version is None:
            raise InputError(
                "a parquet, Arrow or profile body needs the version in the query: ?version=v2"
            )
        name = version
        body = await request.body()
        budget = decode_budget(request, reference=True)
        if media == PROFILE_MEDIA_TYPE or _is_profile(body):
            await call(check_profile_body, body, budget.max_bytes)
            reference = body
        else:
            reference = await call(read_table_body, body, media, budget)
    else:
        raise HTTPException(
            status_code=415,
            detail=f"Content-Type {media!r} is not understood; send application/json, "
            "multipart/form-data, application/vnd.apache.parquet, "
            f"application/vnd.apache.arrow.stream or {PROFILE_MEDIA_TYPE}",
        )
    # A profile goes by its own keyword, so services that take only data still work.
    source: dict[str, Any] = {
        "reference_profile" if isinstance(reference, bytes) else "reference": reference
    }
    info = await call(
        service_of(request).create_version,
        model,
        name,
        baseline=baseline,
        activate=activate,
        actor=actor_of(principal),
        **source,
    )
    return answer(info.to_dict(), 201)


@router.get("/v1/models/{model}/versions", response_model=VersionList, summary="List versions")
async def list_versions(
    request: Request,
    principal: ReadKey,
    model: str = ModelName,
) -> Response:
    service = service_of(request)
    versions = await call(service.list_versions, model)
    # What MLflow said at registration (a few short fields), for versions made from it.
    mlflow = await call(service.version_metadata, model, "mlflow")
    return answer(
        {"versions": [{**v.to_dict(), "mlflow": mlflow.get(v.version)} for v in versions]}
    )


@router.post(
    "/v1/models/{model}/versions/{version}/promote",
    response_model=VersionOut,
    summary="Make a version the active one",
)
async def promote(
    request: Request,
    principal: AdminKey,
    model: str = ModelName,
    version: str = VersionPath,
) -> Response:
    info = await call(service_of(request).promote, model, version, actor=actor_of(principal))
    return answer(info.to_dict())


@router.post(
    "/v1/models/{model}/rollback",
    response_model=VersionOut,
    summary="Go back to the previously active version",
)
async def rollback(
    request: Request,
    principal: AdminKey,
    model: str = ModelName,
) -> Response:
    info = await call(service_of(request).rollback, model, actor=actor_of(principal))
    return answer(info.to_dict())
