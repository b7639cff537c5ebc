"""API keys with scopes: created with a random plaintext shown once, stored as a SHA-256
hash, verified in constant time, revoked by id.

Scopes are ``ingest``, ``read`` and ``admin`` (``admin`` implies the others; the server
decides what each route needs).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime

from watchkeeper._exceptions import InputError
from watchkeeper._vocabulary import SCOPES
from watchkeeper.service._errors import NotFound
from watchkeeper.service._results import ApiKeyInfo
from watchkeeper.store import Store

__all__ = ["SCOPES", "ApiKeys"]


def _hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiKeys:
    """The API keys of ``store``.

    >>> from datetime import UTC, datetime
    >>> keys = ApiKeys(Store("sqlite://"), lambda: datetime(2024, 1, 1, tzinfo=UTC))
    >>> info, plaintext = keys.create(["read"], name="grafana")
    >>> keys.verify(plaintext).scopes, keys.verify("wk_guess")
    (('read',), None)
    """

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def create(self, scopes: Sequence[str], *, name: str = "") -> tuple[ApiKeyInfo, str]:
        """A new key with ``scopes``; the plaintext is returned once and never stored."""
        chosen = tuple(dict.fromkeys(scopes))
        if not chosen:
            raise InputError(f"an API key needs at least one scope: {', '.join(SCOPES)}")
        unknown = [s for s in chosen if s not in SCOPES]
        if unknown:
            raise InputError(f"scope {unknown[0]!r} is not known; use {', '.join(SCOPES)}")
        plaintext = "wk_" + secrets.token_urlsafe(32)
        key_id = "key_" + secrets.token_hex(6)
        at = self.clock()
        self.store.insert_api_key(key_id, name, _hash_key(plaintext), chosen, at)
        return ApiKeyInfo(key_id, name, chosen, at), plaintext

    def verify(self, plaintext: str) -> ApiKeyInfo | None:
        """The key's facts when ``plaintext`` is a valid, unrevoked key; else None."""
        if not plaintext:
            return None
        digest = _hash_key(plaintext)
        row = self.store.api_key_by_hash(digest)
        if row is None or row.revoked or not hmac.compare_digest(row.key_hash, digest):
            return None
        return ApiKeyInfo(row.id, row.name, row.scopes, row.created_at)

    def list(self) -> list[ApiKeyInfo]:
        return [
            ApiKeyInfo(r.id, r.name, r.scopes, r.created_at) for r in self.store.list_api_keys()
        ]

    def revoke(self, key_id: str) -> None:
        if not self.store.revoke_api_key(key_id, self.clock()):
            raise NotFound(f"API key {key_id!r} does not exist or is already revoked")
        self.store.delete_sessions_of_key(key_id)  # its dashboard sessions end with it
