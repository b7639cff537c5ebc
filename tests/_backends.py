"""Database backends for tests: a SQLite file in tmp_path and a fresh PostgreSQL schema.

Every store test runs on both. The PostgreSQL variant uses
``WATCHKEEPER_TEST_POSTGRES_URL`` (default: the trust-auth server on 127.0.0.1:5432,
database ``test``, user ``postgres``), creates a schema of its own, points the
connection's ``search_path`` at it and drops it afterwards. It skips with the reason
when no server answers, and fails instead when ``WATCHKEEPER_REQUIRE_POSTGRES=1``
(which CI sets), so a missing server cannot pass silently.

Use it from a conftest::

    from tests._backends import database_url_fixture, store_fixture
    database_url = database_url_fixture()
    store = store_fixture()  # when the tests want an open Store on it
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_server_url() -> str:
    return os.environ.get("WATCHKEEPER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    return os.environ.get("WATCHKEEPER_REQUIRE_POSTGRES", "") == "1"


@lru_cache(maxsize=1)
def postgres_unavailable_reason() -> str | None:
    """None when the PostgreSQL test server answers, else why not."""
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
    except ImportError as error:
        return f"PostgreSQL tests need psycopg and SQLAlchemy ({error})"
    url = postgres_server_url()
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"no PostgreSQL server at {url}: {first_line}"
    return None


def require_postgres() -> None:
    """Skip (or, under WATCHKEEPER_REQUIRE_POSTGRES=1, fail) without a server."""
    reason = postgres_unavailable_reason()
    if reason is None:
        return
    if postgres_required():
        pytest.fail(f"WATCHKEEPER_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of ``backend``, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'watchkeeper.db'}"
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}")
    require_postgres()
    from sqlalchemy import create_engine, text

    schema = f"wk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url())
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_server_url() else "?"
    try:
        yield f"{postgres_server_url()}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_url_fixture(name: str = "database_url") -> Any:
    """A pytest fixture, parametrised over :data:`BACKENDS`, giving a fresh database URL."""

    @pytest.fixture(name=name, params=BACKENDS)
    def _fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
        with database_url(request.param, tmp_path) as url:
            yield url

    return _fixture


def store_fixture() -> Any:
    """A pytest fixture ``store``: a :class:`~watchkeeper.store.Store` on the
    ``database_url`` fixture, closed afterwards."""
    from watchkeeper.store import Store

    @pytest.fixture(name="store")
    def _fixture(database_url: str) -> Iterator[Store]:
        opened = Store(database_url)
        try:
            yield opened
        finally:
            opened.close()

    return _fixture
