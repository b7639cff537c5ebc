"""Dashboard sessions: sign in with an API key, then a signed, HttpOnly session cookie.

The key is checked once, at sign-in, by the service (against its stored hash) and is
never kept: the server remembers only the key's id, name and scopes under a random
session id, and the cookie carries that id with an HMAC-SHA256 signature made with a
server-side secret (generated per process unless one is given). A forged or altered
cookie fails the signature check; a stolen session id is worthless after sign-out or
expiry, because the server forgets it.

Every form carries a synchronizer token (CSRF): a random value stored with the
session and compared in constant time on each POST. Before sign-in there is no
session, so the sign-in form is protected by a short-lived pre-session nonce cookie
and a token derived from it with the secret.

Sessions live in this process's memory: a restart signs everyone out, and several
worker processes need sticky sessions (or one worker).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = [
    "COOKIE",
    "LOGIN_COOKIE",
    "Session",
    "SessionStore",
]

COOKIE = "wk_session"
LOGIN_COOKIE = "wk_login"
_MAX_SESSIONS = 10_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Session:
    """Who is signed in: the key's id and name, its scopes, and the CSRF token.

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


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class SessionStore:
    """Server-side sessions keyed by a random id, with signed cookie values.

    >>> store = SessionStore(secret=b"k" * 32)
    >>> session = store.create("key_1", "ana", ("read",))
    >>> cookie = store.cookie_value(session)
    >>> store.get(cookie) == session
    True
    >>> store.get(cookie[:-1] + ("A" if cookie[-1] != "A" else "B")) is None
    True
    >>> store.check_csrf(session, session.csrf), store.check_csrf(session, "forged")
    (True, False)
    >>> store.delete(cookie)
    >>> store.get(cookie) is None
    True
    """

    def __init__(
        self,
        *,
        secret: bytes | None = None,
        lifetime: timedelta = timedelta(hours=8),
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        self.lifetime = lifetime
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def _sign(self, purpose: str, value: str) -> str:
        # The purpose keeps a session signature from being replayed as a login token.
        message = f"{purpose}\x1f{value}".encode()
        return _b64(hmac.new(self.secret, message, hashlib.sha256).digest())

    def create(self, key_id: str, name: str, scopes: tuple[str, ...] | frozenset[str]) -> Session:
        """A new session for a verified key (its plaintext is not given and not kept)."""
        now = self.clock()
        session = Session(
            id=secrets.token_urlsafe(32),
            key_id=key_id,
            name=name,
            scopes=frozenset(scopes),
            csrf=secrets.token_urlsafe(32),
            expires=now + self.lifetime,
            created=now,
        )
        with self._lock:
            self._prune(now)
            self._sessions[session.id] = session
        return session

    def _prune(self, now: datetime) -> None:
        expired = [sid for sid, s in self._sessions.items() if s.expires <= now]
        for sid in expired:
            del self._sessions[sid]
        # A flood of sign-ins must not grow memory without bound: the oldest go first.
        while len(self._sessions) >= _MAX_SESSIONS:
            oldest = min(self._sessions.values(), key=lambda s: s.created)
            del self._sessions[oldest.id]

    def cookie_value(self, session: Session) -> str:
        """``<session id>.<signature>``: what the browser keeps."""
        return f"{session.id}.{self._sign('session', session.id)}"

    def get(self, cookie: str | None) -> Session | None:
        """The live session a cookie names, or None (unsigned, altered, expired, signed out)."""
        if not cookie or cookie.count(".") != 1:
            return None
        sid, signature = cookie.split(".")
        if not _same(signature, self._sign("session", sid)):
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is not None and session.expires <= self.clock():
                del self._sessions[sid]
                return None
        return session

    def delete(self, cookie: str | None) -> None:
        """Sign out: forget the session a cookie names (no-op when unknown)."""
        session = self.get(cookie)
        if session is not None:
            with self._lock:
                self._sessions.pop(session.id, None)

    def check_csrf(self, session: Session, token: str | None) -> bool:
        """Whether ``token`` is the session's synchronizer token (constant-time)."""
        return bool(token) and _same(session.csrf, token or "")

    def login_nonce(self) -> str:
        """A fresh nonce for the pre-session cookie of the sign-in form."""
        return secrets.token_urlsafe(24)

    def login_token(self, nonce: str) -> str:
        """The sign-in form's CSRF token, derived from the nonce cookie.

        >>> store = SessionStore(secret=b"k" * 32)
        >>> store.check_login("n1", store.login_token("n1")), store.check_login("n1", "x")
        (True, False)
        """
        return self._sign("login", nonce)

    def check_login(self, nonce: str | None, token: str | None) -> bool:
        """Whether the sign-in form's token matches its nonce cookie."""
        if not nonce or not token:
            return False
        return _same(token, self.login_token(nonce))

    def __len__(self) -> int:
        return len(self._sessions)
