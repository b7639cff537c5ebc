"""The access log: one line per request, and never a secret in it.

uvicorn's own access log prints the raw query string, so ``watchkeeper serve`` turns
it off and this middleware writes to the ``watchkeeper.server.access`` logger
instead: method, path, status, duration and client, with no header at all (the
``Authorization`` header holds the key) and the values of query parameters that look
like secrets replaced by ``***``.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AccessLogMiddleware", "redact_query"]

_log = logging.getLogger("watchkeeper.server.access")
_SECRET = re.compile(r"key|token|secret|password|passwd|auth|signature|credential", re.I)


def redact_query(query: str) -> str:
    """A query string with the values of secret-looking parameters hidden.

    >>> redact_query("model=churn&api_key=abc123&token=x")
    'model=churn&api_key=%2A%2A%2A&token=%2A%2A%2A'
    """
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, "***" if _SECRET.search(name) else value) for name, value in pairs])


class AccessLogMiddleware:
    """ASGI middleware logging each request at INFO on ``watchkeeper.server.access``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            if _log.isEnabledFor(logging.INFO):
                query = redact_query(scope.get("query_string", b"").decode("latin-1"))
                path = scope.get("path", "") + (f"?{query}" if query else "")
                client = scope.get("client")
                _log.info(
                    '%s "%s %s" %d %.1fms',
                    f"{client[0]}:{client[1]}" if client else "-",
                    scope.get("method", ""),
                    path,
                    status,
                    (time.perf_counter() - started) * 1000,
                )
