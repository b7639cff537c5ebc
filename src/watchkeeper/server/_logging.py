"""The access log: one line per request, and never a secret in it.

uvicorn's own access log prints the raw query string, so ``watchkeeper serve`` turns
it off and this middleware writes to the ``watchkeeper.server.access`` logger
instead: method, path, status, duration and client, with no header at all (the
``Authorization`` header holds the key) and the values of query parameters that look
like secrets replaced by ``***``. The path arrives percent-decoded, so a ``%0A`` in it
is a newline: every control character (and Unicode's line separators) is written as an
escape (``\\n``), so that no request can forge a line of the log.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AccessLogMiddleware", "printable", "redact_query"]

_log = logging.getLogger("watchkeeper.server.access")
_SECRET = re.compile(r"key|token|secret|password|passwd|auth|signature|credential", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def printable(text: str) -> str:
    r"""``text`` with control characters (and the backslash) escaped, on one line.

    >>> print(printable("/v1/x\n127.0.0.1 - admin \"POST /v1/promote\" 200"))
    /v1/x\n127.0.0.1 - admin "POST /v1/promote" 200
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


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
                    printable(scope.get("method", "")),
                    printable(path),
                    status,
                    (time.perf_counter() - started) * 1000,
                )
