"""Several server processes on one PostgreSQL store: one leader, one closer at a time.

``watchkeeper serve --workers N`` (or N servers behind a load balancer) share a
PostgreSQL database. Two things must then happen once, whichever process asks:

- closing a model's windows (:func:`exclusive` with ``close:<model id>``), so that no
  window is closed, and no alert raised, twice;
- delivering the notification outbox (``delivery``), so that no notification is sent
  twice.

Both are PostgreSQL advisory locks (``pg_advisory_lock``), held on a connection of
their own for the duration of the work: a second process waits, then finds nothing
left to do. :class:`Leadership` is the session-level lock that picks the one process
whose background loop runs (the others answer requests only); it is taken again by
another process when the leader's connection ends, within one tick.

SQLite stays single-process: a SQLite file admits one writer at a time and the
server's closing and delivery are serialised by a thread lock within the process;
``serve --workers N`` refuses SQLite (see :func:`check_workers`). On SQLite these
locks are no-ops.

>>> from watchkeeper.store import Store
>>> store = Store("sqlite://")
>>> with exclusive(store, "close:1"):
...     pass
>>> Leadership(store).holds()
True
>>> check_workers("sqlite:///wk.db", 1) is None
True
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from watchkeeper._exceptions import InputError

if TYPE_CHECKING:
    from watchkeeper.store import Store

__all__ = ["LEADER_LOCK", "Leadership", "check_workers", "exclusive"]

LEADER_LOCK = "background"


# Advisory locks are per database, not per schema: the key names the schema too, so
# that stores sharing a database in different schemas do not wait for each other.
_KEY = (
    "hashtextextended('watchkeeper:' || current_database() || ':' || current_schema() "
    "|| ':' || :name, 0)"
)


def _postgres(store: Store) -> bool:
    return store.engine.dialect.name == "postgresql"


@contextmanager
def exclusive(store: Store, name: str) -> Iterator[None]:
    """Run the block while no other process (on PostgreSQL) runs a block of ``name``."""
    if not _postgres(store):
        yield
        return
    with store.engine.connect() as connection:
        connection.execute(text(f"SELECT pg_advisory_lock({_KEY})"), {"name": name})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text(f"SELECT pg_advisory_unlock({_KEY})"), {"name": name})
            connection.commit()


class Leadership:
    """Whether this process leads the background loop; see the module docstring."""

    def __init__(self, store: Store, name: str = LEADER_LOCK) -> None:
        self.store = store
        self.name = name
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def holds(self) -> bool:
        """True while this process is the leader (trying to become it when not)."""
        if not _postgres(self.store):
            return True
        with self._lock:
            if self._connection is not None:
                try:
                    self._connection.execute(text("SELECT 1"))
                    self._connection.commit()
                    return True
                except Exception:  # the connection (and so the lock) is gone
                    self._drop()
            connection = self.store.engine.connect()
            try:
                got = connection.execute(
                    text(f"SELECT pg_try_advisory_lock({_KEY})"), {"name": self.name}
                ).scalar_one()
                connection.commit()
            except Exception:
                connection.close()
                raise
            if not got:
                connection.close()
                return False
            self._connection = connection
            return True

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """:func:`exclusive` on this leadership's store."""
        with exclusive(self.store, name):
            yield

    def release(self) -> None:
        """Give the leadership up (at shutdown): another process takes it at its tick."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._connection is None:
            return
        with contextlib.suppress(Exception):
            # Closed for good, not returned to the pool: the session ends, and the
            # advisory lock with it.
            self._connection.invalidate()
            self._connection.close()
        self._connection = None


def check_workers(database_url: str, workers: int) -> None:
    """Refuse several worker processes on SQLite (one writer; no cross-process locks).

    >>> check_workers("sqlite:///wk.db", 4)
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.InputError: --workers 4 needs PostgreSQL ...
    """
    if workers < 1:
        raise InputError(f"--workers {workers} is not a count; pass 1 or more")
    if workers > 1 and not database_url.startswith("postgresql"):
        raise InputError(
            f"--workers {workers} needs PostgreSQL (WATCHKEEPER_DATABASE_URL="
            "postgresql+psycopg://...): SQLite stays single-process, one writer at a time"
        )
