"""Dashboard sessions in the store: opened for a verified key, found by their token.

The token (32 random bytes, URL-safe) is returned once, for the browser's cookie; the
store keeps its SHA-256 only, so a copy of the database opens no session. A session is
found again only while it has not expired and its key is not revoked, so revoking a key
ends its sessions on the next request of every worker. Expired rows are purged whenever a
session is opened.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeeper.service._errors import NotFound
from watchkeeper.store import Store

__all__ = ["SessionBook", "SessionInfo", "token_hash"]


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a session token is stored.

    >>> token_hash("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class SessionInfo:
    """A live dashboard session: its key's id, name and scopes, CSRF token and expiry."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    csrf: str
    created: datetime
    expires: datetime


class SessionBook:
    """The dashboard sessions of ``store``.

    >>> from datetime import UTC, datetime, timedelta
    >>> from watchkeeper.service._keys import ApiKeys
    >>> store = Store("sqlite://")
    >>> now = [datetime(2024, 1, 1, tzinfo=UTC)]
    >>> info, _ = ApiKeys(store, lambda: now[0]).create(["read"], name="ana")
    >>> book = SessionBook(store, lambda: now[0])
    >>> session, token = book.open(info.id, timedelta(hours=1))
    >>> book.find(token) == session, book.find(token + "x")
    (True, None)
    >>> now[0] += timedelta(hours=1)
    >>> book.find(token) is None
    True
    """

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def open(self, key_id: str, lifetime: timedelta) -> tuple[SessionInfo, str]:
        """A new session for the (already verified) key ``key_id`` and its token."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        self.store.insert_session(
            token_hash(token), key_id, secrets.token_urlsafe(32), now, now + lifetime
        )
        session = self.find(token)
        if session is None:  # the key was revoked between its check and now
            self.store.delete_session(token_hash(token))
            raise NotFound(f"API key {key_id!r} does not exist or is revoked")
        return session, token

    def find(self, token: str) -> SessionInfo | None:
        """The live session of ``token``; None when unknown, expired or its key revoked."""
        if not token:
            return None
        row = self.store.live_session(token_hash(token), self.clock())
        if row is None:
            return None
        return SessionInfo(
            row.key_id, row.name, row.scopes, row.csrf, row.created_at, row.expires_at
        )

    def end(self, token: str) -> None:
        """Sign out: forget the session of ``token`` (no-op when unknown)."""
        if token:
            self.store.delete_session(token_hash(token))
