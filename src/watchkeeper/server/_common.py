"""What every route module shares: the service, JSON answers, strict JSON bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from fastapi import Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from watchkeeper._json import dumps, loads_strict
from watchkeeper.io._bounded import DecodeBudget
from watchkeeper.server._protocol import ServiceAPI
from watchkeeper.server._schemas import NAME_PATTERN

__all__ = [
    "ERROR_RESPONSES",
    "ModelName",
    "StrictJSONRoute",
    "VersionPath",
    "answer",
    "binary_body",
    "call",
    "decode_budget",
    "json_invalid",
    "media_type",
    "parse_body",
    "service_of",
]

P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

ModelName = Path(pattern=NAME_PATTERN, max_length=128, description="the model's name")
VersionPath = Path(pattern=NAME_PATTERN, max_length=128, description="the version's name")

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "the body is not JSON (or holds NaN / Infinity)"},
    401: {"description": "no API key, or an unknown one"},
    403: {"description": "the API key lacks the scope"},
    404: {"description": "unknown model, version or alert"},
    413: {"description": "the body, or what it decodes to, is larger than a limit (named)"},
    422: {"description": "the request is invalid; 'errors' names each field"},
    429: {"description": "the key sent too many requests; retry after Retry-After seconds"},
}


def service_of(request: Request) -> ServiceAPI:
    """The service injected into the app by ``create_app``."""
    service: ServiceAPI = request.app.state.service
    return service


def decode_budget(request: Request, *, reference: bool = False) -> DecodeBudget:
    """The per-request decoding budget from the app's settings (a reference upload may
    hold more rows than a prediction batch; the byte budget is the same)."""
    settings = request.app.state.settings
    rows = settings.max_reference_rows if reference else settings.max_decoded_rows
    return DecodeBudget(max_rows=rows, max_bytes=settings.max_decoded_bytes)


async def call(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a (blocking, database-bound) service method off the event loop."""
    return await run_in_threadpool(function, *args, **kwargs)


def answer(data: Any, status: int = 200) -> Response:
    """A JSON answer; NaN and infinite metric values become null (JSON has neither)."""
    return Response(dumps(data), status_code=status, media_type="application/json")


class _StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            # Python's json would take NaN and Infinity; JSON does not, and neither do we.
            body = await self.body()
            try:
                self._json = loads_strict(body)
            except UnicodeDecodeError as error:
                bad = body[error.start : error.start + 1].hex()
                raise json.JSONDecodeError(
                    f"it is not UTF-8: byte 0x{bad} at offset {error.start}; encode the "
                    "text as UTF-8",
                    "",
                    error.start,
                ) from None
            except RecursionError:
                # CPython's decoder stops at the interpreter's recursion limit, so a body
                # of a million '[' costs microseconds, never the stack.
                raise json.JSONDecodeError(
                    "it is nested too deeply; send a flatter JSON document", "", 0
                ) from None
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose JSON body parser refuses NaN and infinities (as a 400)."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            response: Response = await handler(_StrictJSONRequest(request.scope, request.receive))
            return response

        return strict_handler


def media_type(request: Request) -> str:
    """The request's media type without parameters, lower case ('' when absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def parse_body(body: bytes, model: type[M]) -> M:
    """Decode a JSON body strictly and validate it against ``model`` (400 / 422 otherwise)."""
    try:
        data = loads_strict(body) if body else None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise _json_invalid(error) from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_input=False)) from None


def _json_invalid(error: Exception) -> RequestValidationError:
    why = error.msg if isinstance(error, json.JSONDecodeError) else "it is not UTF-8"
    pos = error.pos if isinstance(error, json.JSONDecodeError) else 0
    return RequestValidationError(
        [
            {
                "type": "json_invalid",
                "loc": ("body", pos),
                "msg": "JSON decode error",
                "ctx": {"error": why},
            }
        ]
    )


def json_invalid(error: Exception) -> RequestValidationError:
    """The error for a body that is not JSON, answered as a 400."""
    return _json_invalid(error)


def binary_body(*media_types: str) -> dict[str, Any]:
    """OpenAPI ``content`` entries for binary bodies of the given media types."""
    return {media: {"schema": {"type": "string", "format": "binary"}} for media in media_types}
