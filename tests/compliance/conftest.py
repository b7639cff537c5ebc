"""Every compliance test that needs a store gets a fresh one on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests._backends import database_url_fixture

from watchkeeper.store import Store

database_url = database_url_fixture()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store(database_url)
    try:
        yield opened
    finally:
        opened.close()
