"""Exception handlers: every refusal is a 4xx whose body says what and how to fix it.

==========================================  ======  ==========================================
raised                                      status  body
==========================================  ======  ==========================================
body that is not JSON (or has NaN)          400     ``{"detail", "errors": []}``
``RequestValidationError`` (pydantic)       422     ``{"detail", "errors": [{"field", ...}]}``
``DecodeLimitError`` (a decoding budget)    413     ``{"detail", "errors": [{"type": limit}]}``
``MalformedBodyError`` (corrupt bytes)      422     ``{"detail", "errors": [{"type": check}]}``
``InputError`` (and ``ColumnError``)        422     ``{"detail", "errors": [{"field", ...}]}``
``NotFound``                                404     ``{"detail"}``
``Conflict``                                409     ``{"detail"}``
``HTTPException`` (401, 403, 413, 415, 429) as is   ``{"detail"}``
anything else                               500     a generic message; the log has the trace
==========================================  ======  ==========================================
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from watchkeeper._exceptions import ConfigError, InputError, WatchkeeperError
from watchkeeper._json import dumps
from watchkeeper.io._bounded import DecodeLimitError, MalformedBodyError
from watchkeeper.service._errors import Conflict, NotFound

__all__ = ["error_response", "install_error_handlers", "validation_errors"]

_log = logging.getLogger("watchkeeper.server")


def error_response(
    status: int,
    detail: str,
    errors: Sequence[dict[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON error answer ``{"detail": ..., "errors": [...]}``."""
    return Response(
        dumps({"detail": detail, "errors": list(errors)}),
        status_code=status,
        media_type="application/json",
        headers=dict(headers) if headers else None,
    )


def _field(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc if part != "body"]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "(body)"


def validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """pydantic's errors as ``{"field", "message", "type"}``, without echoing the input."""
    return [
        {
            "field": _field(error.get("loc", ())),
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in errors
    ]


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "json_invalid":
            why = (error.get("ctx") or {}).get("error", "")
            return error_response(
                400,
                f"the request body is not valid JSON ({why}); send a JSON object with "
                "Content-Type: application/json (NaN and Infinity are not JSON: send null)",
            )
    listed = validation_errors(errors)
    first = listed[0] if listed else {"field": "(body)", "message": "is invalid"}
    more = f" (and {len(listed) - 1} more)" if len(listed) > 1 else ""
    return error_response(
        422, f"{first['field']}: {first['message']}{more}; see 'errors' for each problem", listed
    )


async def _on_input(request: Request, exc: Exception) -> Response:
    field = getattr(exc, "column", None)
    return error_response(422, str(exc), [{"field": field or "(body)", "message": str(exc)}])


async def _on_decode(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DecodeLimitError | MalformedBodyError)
    error = {"field": "(body)", "message": str(exc), "type": exc.limit}
    return error_response(exc.status_code, str(exc), [error])


async def _on_not_found(request: Request, exc: Exception) -> Response:
    return error_response(404, str(exc))


async def _on_conflict(request: Request, exc: Exception) -> Response:
    return error_response(409, str(exc))


async def _on_watchkeeper(request: Request, exc: Exception) -> Response:
    return error_response(400, str(exc))


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(exc.status_code, str(exc.detail), headers=exc.headers)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    # The trace goes to the log (without headers: they may hold a key); the client
    # learns only that it was not its fault.
    _log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(NotFound, _on_not_found)
    app.add_exception_handler(Conflict, _on_conflict)
    app.add_exception_handler(DecodeLimitError, _on_decode)
    app.add_exception_handler(MalformedBodyError, _on_decode)
    app.add_exception_handler(InputError, _on_input)
    app.add_exception_handler(ConfigError, _on_input)
    app.add_exception_handler(WatchkeeperError, _on_watchkeeper)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
