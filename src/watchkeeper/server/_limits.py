"""A request-body size limit, checked before reading and again while streaming.

A declared ``Content-Length`` above the limit is refused before a byte is read; a
chunked body (or one that lies about its length) is refused as soon as the bytes
received pass the limit. Either way the answer is a 413 that says the limit and how
to stay under it, and nothing of the batch is stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeeper._json import dumps

__all__ = ["BodyLimitMiddleware", "BodyTooLarge", "answer_early"]


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit.

    An ``HTTPException`` so that FastAPI's body reading lets it through unchanged
    (it turns any other error while reading into a 400).
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_message(limit))


def _message(limit: int) -> str:
    return (
        f"the request body is larger than the server's limit of {limit} bytes; send smaller "
        "batches (the SDK splits them) or raise WATCHKEEPER_MAX_BODY_BYTES"
    )


class BodyLimitMiddleware:
    """ASGI middleware answering 413 to bodies larger than ``max_body_bytes``."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await answer_early(send, 400, "the Content-Length header is not a number")
                    return
                if declared > limit:
                    await answer_early(send, 413, _message(limit))
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as error:
            if started:
                raise
            await answer_early(send, 413, str(error.detail))


async def answer_early(send: Send, status: int, detail: str) -> None:
    """A JSON error answer sent from middleware, closing the connection (the body unread)."""
    body = dumps({"detail": detail, "errors": []})
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
