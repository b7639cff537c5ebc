"""Dashboard sessions, one row per signed-in browser, shared by every worker.

``wk_dashboard_sessions`` keeps the SHA-256 of the session token (the token itself lives
only in the browser's cookie), the API key the session was opened with, its CSRF token
and its expiry. A session is read back joined with its key: a revoked key, or an
expired session, reads as no session at all. Expired rows are purged when sessions
are opened (and by :meth:`SessionRepository.purge_sessions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Index, String, Table, delete, func, select

from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._tables import api_keys, metadata
from watchkeeper.store._types import UTCDateTime

__all__ = ["SessionRepository", "SessionRow", "dashboard_sessions"]

dashboard_sessions = Table(
    "wk_dashboard_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("key_id", String(40), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index(None, "key_id"),
    Index(None, "expires_at"),
)


@dataclass(frozen=True)
class SessionRow:
    """A live session with the facts of its (unrevoked) key."""

    token_hash: str
    key_id: str
    name: str
    scopes: tuple[str, ...]
    csrf: str
    created_at: datetime
    expires_at: datetime


class SessionRepository(RepositoryBase):
    def insert_session(
        self, token_hash: str, key_id: str, csrf: str, created: datetime, expires: datetime
    ) -> None:
        """Record a new session; expired sessions are purged in the same transaction."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(dashboard_sessions).where(dashboard_sessions.c.expires_at <= created)
            )
            connection.execute(
                dashboard_sessions.insert().values(
                    token_hash=token_hash,
                    key_id=key_id,
                    csrf=csrf,
                    created_at=created,
                    expires_at=expires,
                )
            )

    def live_session(self, token_hash: str, now: datetime) -> SessionRow | None:
        """The session with ``token_hash`` if it has not expired and its key is not revoked."""
        s, k = dashboard_sessions.c, api_keys.c
        query = (
            select(s.token_hash, s.key_id, k.name, k.scopes, s.csrf, s.created_at, s.expires_at)
            .join_from(dashboard_sessions, api_keys, s.key_id == k.id)
            .where(s.token_hash == token_hash, s.expires_at > now, k.revoked.is_(False))
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return SessionRow(
            token_hash=row["token_hash"],
            key_id=row["key_id"],
            name=row["name"],
            scopes=tuple(row["scopes"]),
            csrf=row["csrf"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )

    def delete_session(self, token_hash: str) -> bool:
        """Forget one session (sign-out); whether it existed."""
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(dashboard_sessions).where(dashboard_sessions.c.token_hash == token_hash)
            )
        return bool(result.rowcount)

    def delete_sessions_of_key(self, key_id: str) -> int:
        """Forget every session opened with ``key_id`` (the key was revoked)."""
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(dashboard_sessions).where(dashboard_sessions.c.key_id == key_id)
            )
        return int(result.rowcount)

    def purge_sessions(self, now: datetime) -> int:
        """Delete the sessions that expired at or before ``now``; how many."""
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(dashboard_sessions).where(dashboard_sessions.c.expires_at <= now)
            )
        return int(result.rowcount)

    def count_sessions(self) -> int:
        """Every stored session row, expired ones not yet purged included."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(dashboard_sessions)
                ).scalar_one()
            )
