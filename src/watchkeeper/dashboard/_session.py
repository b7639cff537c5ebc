"""Dashboard sessions: sign in with an API key, then an HttpOnly session cookie.

The key is checked once, at sign-in, by the service (against its stored hash) and is
never kept. The service opens a session in the store (:mod:`watchkeeper.service._sessions`)
and returns a random token, which the cookie carries; the store keeps only the token's
SHA-256, the key's id, the CSRF token and the expiry. Sessions therefore survive a
restart and are shared by every worker on one database (``watchkeeper serve --workers N``
on PostgreSQL), with no sticky sessions. Each request looks the session up again, joined
with its key: an expired session, a signed-out one or one whose key was revoked is no
session, on every worker at once.

Every form carries a synchronizer token (CSRF): a random value stored with the session
and compared in constant time on each POST. Before sign-in there is no session, so the
sign-in form is protected by a double-submit token: a random nonce in an HttpOnly,
``SameSite=Strict`` cookie that the form must repeat (a cross-site post carries no such
cookie, and another site can read neither the cookie nor the form). No server secret is
involved, so the form may be served by one worker and posted to another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from watchkeeper.service._protocol import ServiceAPI

if TYPE_CHECKING:
    from watchkeeper.service._sessions import SessionInfo

__all__ = [
    "COOKIE",
    "LOGIN_COOKIE",
    "Session",
    "SessionStore",
]

COOKIE = "wk_session"
LOGIN_COOKIE = "wk_login"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Session:
    """Who is signed in: the key's id and name, its scopes, and the CSRF token.

    ``id`` is the SHA-256 of the session token (what the store keys the session by).

    >>> from datetime import UTC, datetime
    >>> s = Session("sid", "key_1", "ana", frozenset({"read"}), "tok",
    ...             datetime(2024, 1, 1, tzinfo=UTC))
    >>> s.allows("read"), s.allows("admin")
    (True, False)
    """

    id: str
    key_id: str
    name: str
    scopes: frozenset[str]
    csrf: str
    expires: datetime
    created: datetime = field(default_factory=_utc_now)

    def allows(self, scope: str) -> bool:
        """Whether the session's key holds ``scope`` (admin implies every scope)."""
        return "admin" in self.scopes or scope in self.scopes

    @property
    def can_act(self) -> bool:
        """Whether the user may acknowledge or silence alerts (the API needs admin)."""
        return self.allows("admin")


def _same(given: str, expected: str) -> bool:
    # compare_digest refuses non-ASCII str; a hostile form value must be a "no", not a 500.
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _session(info: SessionInfo, token: str) -> Session:
    return Session(
        id=_token_id(token),
        key_id=info.key_id,
        name=info.name or info.key_id,
        scopes=frozenset(info.scopes),
        csrf=info.csrf,
        expires=info.expires,
        created=info.created,
    )


class SessionStore:
    """The dashboard's view of the sessions the service keeps in the store.

    >>> from watchkeeper.service import MonitoringService, Settings
    >>> from watchkeeper.store import Store
    >>> service = MonitoringService(Store("sqlite://"), Settings())
    >>> key, _ = service.create_api_key(["read"], name="ana")
    >>> sessions = SessionStore()
    >>> session, cookie = sessions.create(service, key.id)
    >>> sessions.get(service, cookie) == session, sessions.get(service, cookie + "x")
    (True, None)
    >>> sessions.check_csrf(session, session.csrf), sessions.check_csrf(session, "forged")
    (True, False)
    >>> sessions.delete(service, cookie)
    >>> sessions.get(service, cookie) is None
    True
    """

    def __init__(self, *, lifetime: timedelta = timedelta(hours=8)) -> None:
        self.lifetime = lifetime
        self._dev: Session | None = None

    def create(self, service: ServiceAPI, key_id: str) -> tuple[Session, str]:
        """A new session for a verified key, and the cookie value that names it."""
        info, token = service.open_session(key_id, self.lifetime)
        return _session(info, token), token

    def get(self, service: ServiceAPI, cookie: str | None) -> Session | None:
        """The live session a cookie names, or None (unknown, expired, signed out, revoked)."""
        if not cookie:
            return None
        info = service.find_session(cookie)
        if info is None:
            return None
        return _session(info, cookie)

    def delete(self, service: ServiceAPI, cookie: str | None) -> None:
        """Sign out: forget the session a cookie names (no-op when unknown)."""
        if cookie:
            service.end_session(cookie)

    def dev_session(self) -> Session:
        """The one session of an auth-off (loopback dev) server: admin, kept in memory.

        Forms still carry its CSRF token, so another site cannot post to the local server.
        """
        if self._dev is None:
            now = _utc_now()
            self._dev = Session(
                id="dev",
                key_id="dev",
                name="dev",
                scopes=frozenset({"admin", "ingest", "read"}),
                csrf=secrets.token_urlsafe(32),
                expires=now + self.lifetime,
                created=now,
            )
        return self._dev

    def check_csrf(self, session: Session, token: str | None) -> bool:
        """Whether ``token`` is the session's synchronizer token (constant-time)."""
        return bool(token) and _same(session.csrf, token or "")

    def login_nonce(self) -> str:
        """A fresh nonce for the sign-in form: its cookie, and the form's hidden token."""
        return secrets.token_urlsafe(24)

    def check_login(self, nonce: str | None, token: str | None) -> bool:
        """Whether the sign-in form repeats its nonce cookie (double submit).

        >>> SessionStore().check_login("n1", "n1"), SessionStore().check_login("n1", "x")
        (True, False)
        >>> SessionStore().check_login(None, None)
        False
        """
        if not nonce or not token:
            return False
        return _same(token, nonce)
