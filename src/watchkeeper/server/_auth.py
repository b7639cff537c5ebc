"""API keys with scopes: ``Authorization: Bearer KEY``.

Scopes are ``ingest`` (send predictions, labels, host metrics), ``read`` (every GET)
and ``admin`` (models, versions, promotion, closing windows, alerts); ``admin``
implies the other two. No key is a 401, a key without the scope a 403. The service
checks keys against their stored SHA-256 hashes; the server never logs them.

With auth turned off (``watchkeeper serve --dev``, allowed only on a loopback
address) every request acts as the principal ``dev`` with every scope.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from watchkeeper.server._protocol import ServiceAPI
from watchkeeper.service._keys import SCOPES
from watchkeeper.service._results import ApiKeyInfo

__all__ = [
    "BEARER",
    "DEV_PRINCIPAL",
    "SCOPES",
    "AdminKey",
    "IngestKey",
    "Principal",
    "ReadKey",
    "authorize",
    "is_loopback",
    "require",
]

BEARER = HTTPBearer(
    auto_error=False,
    description="an API key from `watchkeeper keys create --scope SCOPE`",
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name (or id) and its scopes.

    >>> Principal("ci", frozenset({"admin"})).allows("ingest")
    True
    >>> Principal("grafana", frozenset({"read"})).allows("ingest")
    False
    """

    name: str
    scopes: frozenset[str]
    key_id: str | None = None

    def allows(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes


DEV_PRINCIPAL = Principal("dev", frozenset(SCOPES))


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (so that turning auth off is safe).

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost")
    (True, True, True)
    >>> is_loopback("0.0.0.0"), is_loopback("192.168.1.5")
    (False, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def key_info(service: ServiceAPI, token: str) -> ApiKeyInfo | None:
    """The facts of the key ``token``, or None when the store refuses it: from the
    service's keys verified in the last ``key_cache_seconds`` on the event loop (a hash,
    no I/O), else from the store in a worker thread."""
    return service.cached_api_key(token) or await run_in_threadpool(service.verify_api_key, token)


async def authorize(request: Request, scope: str) -> Principal:
    """The caller of ``request`` if its key holds ``scope``; else a 401 or 403."""
    if not request.app.state.auth_enabled:
        return DEV_PRINCIPAL
    # The gate (_gate.py) checked the key of a /v1 request before its body was read.
    gated = getattr(request.state, "principal", None)
    if isinstance(gated, Principal):
        return _with_scope(gated, scope)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized(
            "this endpoint needs an API key; send 'Authorization: Bearer KEY' (create one "
            f"with: watchkeeper keys create --scope {scope})"
        )
    info = await key_info(request.app.state.service, token)
    if info is None:
        raise _unauthorized(
            "the API key is not recognised (revoked, mistyped or from another server); "
            "create one with: watchkeeper keys create"
        )
    return _with_scope(Principal(info.name or info.id, frozenset(info.scopes), info.id), scope)


def _with_scope(principal: Principal, scope: str) -> Principal:
    if not principal.allows(scope):
        raise HTTPException(
            status_code=403,
            detail=(
                f"the API key {principal.name!r} has scopes {sorted(principal.scopes)} but "
                f"this endpoint needs {scope!r}; create a key with --scope {scope}"
            ),
        )
    return principal


def require(scope: str) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency that lets the request through with a key holding ``scope``."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; use one of {SCOPES}")

    async def check(
        request: Request,
        # Declared so that the OpenAPI document shows the bearer scheme; the header is
        # read by authorize() itself, which /metrics also calls without this dependency.
        credentials: HTTPAuthorizationCredentials | None = Depends(BEARER),  # noqa: B008
    ) -> Principal:
        return await authorize(request, scope)

    return check


ReadKey = Annotated[Principal, Depends(require("read"))]
IngestKey = Annotated[Principal, Depends(require("ingest"))]
AdminKey = Annotated[Principal, Depends(require("admin"))]
