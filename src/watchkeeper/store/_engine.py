"""Engines for the two supported backends, configured for durability.

SQLite: write-ahead log with ``synchronous=FULL``, so that a committed transaction
survives the process being killed and the machine losing power; a busy timeout so
that concurrent writers wait instead of failing; foreign keys on. PostgreSQL (psycopg
3): its defaults are durable already (``synchronous_commit=on``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from watchkeeper._exceptions import InputError

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "create_store_engine"]

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def create_store_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``: ``sqlite:///path.db`` or ``postgresql+psycopg://...``.

    A plain ``postgresql://`` URL is read as psycopg 3. Other backends are refused,
    because the store is only tested on these two.

    >>> engine = create_store_engine("sqlite://")
    >>> engine.dialect.name
    'sqlite'
    """
    try:
        parsed = make_url(url)
    except Exception as error:
        raise InputError(
            f"database URL is not understood ({error}); use sqlite:///watchkeeper.db or "
            "postgresql+psycopg://user@host/db"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2") or parsed.drivername == (
            "postgresql"
        ):
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **kwargs)
    if backend != "sqlite":
        raise InputError(
            f"database backend {backend!r} is not supported; use sqlite:///watchkeeper.db "
            "or postgresql+psycopg://user@host/db"
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    else:
        # One in-memory database per engine, whichever thread asks (the server runs the
        # service in a thread pool); the default pool would give each thread an empty one.
        kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine
