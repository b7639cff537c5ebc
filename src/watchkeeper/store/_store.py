"""The :class:`Store`: an engine, its migrations, and the repository methods."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from watchkeeper.store._engine import create_store_engine
from watchkeeper.store._migrate import upgrade
from watchkeeper.store._repo_alerts import AlertRepository
from watchkeeper.store._repo_kinds import KindStateRepository
from watchkeeper.store._repo_models import ModelRepository
from watchkeeper.store._repo_profiles import ProfileRepository
from watchkeeper.store._repo_records import RecordRepository
from watchkeeper.store._repo_sessions import SessionRepository
from watchkeeper.store._repo_version_meta import VersionMetadataRepository
from watchkeeper.store._repo_windows import WindowRepository

__all__ = ["Store", "create_store_engine"]


class Store(
    ModelRepository,
    RecordRepository,
    WindowRepository,
    AlertRepository,
    ProfileRepository,
    KindStateRepository,
    VersionMetadataRepository,
    SessionRepository,
):
    """The database behind the service, migrated to the newest schema when opened.

    >>> store = Store("sqlite://")
    >>> store.ping()
    True
    """

    def __init__(self, url: str, *, migrate: bool = True, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else create_store_engine(url)
        if migrate:
            upgrade(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection inside a transaction, committed when the block ends without error."""
        with self.engine.begin() as connection:
            yield connection

    def ping(self) -> bool:
        """Whether the database answers."""
        with self.engine.connect() as connection:
            return bool(connection.execute(text("SELECT 1")).scalar_one() == 1)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
