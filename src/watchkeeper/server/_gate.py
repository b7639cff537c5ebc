"""The gate in front of ``/v1``: the API key checked, and the key's rate limited, before
a byte of the body is read.

FastAPI resolves dependencies after it has read and parsed the body, so a key checked by
a route's dependency lets anyone make the server read 16 MiB and parse it before the 401.
This ASGI middleware answers 401 from the headers alone (a key the service verified
within ``key_cache_seconds`` is let through without a database read, on the event
loop: see ``ServiceAPI.cached_api_key``), stores the caller on the scope
(``scope["state"]["principal"]``, which :func:`~watchkeeper.server._auth.authorize` then
uses instead of looking the key up again) and, on ingest and the guard, takes one token
from the key's bucket: an empty bucket is a 429 with ``Retry-After``. In dev mode (keys
off, loopback only) nothing is rate limited.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from watchkeeper._json import dumps
from watchkeeper.server._auth import DEV_PRINCIPAL, Principal, key_info

__all__ = ["KeyGateMiddleware", "TokenBucket"]

_NO_KEY = (
    "this endpoint needs an API key; send 'Authorization: Bearer KEY' (create one with: "
    "watchkeeper keys create)"
)
_UNKNOWN_KEY = (
    "the API key is not recognised (revoked, mistyped or from another server); create one "
    "with: watchkeeper keys create"
)
# Ingest and the guard take a token; reads and admin routes do not.
_LIMITED = re.compile(r"^/v1/(guard$|models/[^/]+/(predictions|labels|host-metrics)$)")


@dataclass
class TokenBucket:
    """Per-key token buckets: ``rate`` tokens a second up to ``burst``.

    >>> bucket = TokenBucket(rate=1.0, burst=2, clock=iter([0.0, 0.0, 0.0, 1.5]).__next__)
    >>> [bucket.take("k") for _ in range(4)]
    [0.0, 0.0, 1.0, 0.0]
    """

    rate: float
    burst: int
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when granted, else the seconds until one is."""
        now = self.clock()
        tokens, then = self._state.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens >= 1.0:
            self._state[key] = (tokens - 1.0, now)
            return 0.0
        self._state[key] = (tokens, now)
        return (1.0 - tokens) / self.rate


class KeyGateMiddleware:
    """ASGI middleware: key before body on ``/v1``, and a per-key token bucket."""

    def __init__(self, app: ASGIApp, bucket: TokenBucket) -> None:
        self.app = app
        self.bucket = bucket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        principal = DEV_PRINCIPAL
        if state.auth_enabled:
            token = _bearer(scope)
            info = await key_info(state.service, token) if token else None
            if info is None:
                await _refuse(send, 401, _UNKNOWN_KEY if token else _NO_KEY)
                return
            principal = Principal(info.name or info.id, frozenset(info.scopes), key_id=info.id)
        scope.setdefault("state", {})["principal"] = principal
        # With keys off there is one local user (loopback only) and nobody to share with.
        if state.auth_enabled and scope.get("method") == "POST" and _LIMITED.match(path):
            wait = self.bucket.take(principal.key_id or principal.name)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await _refuse(
                    send, 429,
                    f"the key {principal.name!r} sent more than {self.bucket.burst} requests in a "
                    f"burst ({self.bucket.rate:g} a second sustained); retry after {seconds} s "
                    "or raise WATCHKEEPER_RATE_LIMIT_PER_SECOND",
                    {"retry-after": str(seconds)},
                )  # fmt: skip
                return
        await self.app(scope, receive, send)


def _bearer(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


async def _refuse(
    send: Send, status: int, detail: str, extra: dict[str, str] | None = None
) -> None:
    body = dumps({"detail": detail, "errors": []})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        # The body was not read; closing the connection drops it instead of parsing it.
        (b"connection", b"close"),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
