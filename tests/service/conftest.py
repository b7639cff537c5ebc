"""The service over a fresh database on each backend (see tests/_backends.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tests._backends import database_url_fixture

from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service._types import AlertEvent, ChannelSpec
from watchkeeper.store import Store

database_url = database_url_fixture()

NOW = datetime(2024, 3, 1, tzinfo=UTC)


class Outbox:
    """A sender that records what it was asked to send, or fails on demand."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, AlertEvent]] = []
        self.fail = False

    def __call__(self, channel: ChannelSpec, event: AlertEvent) -> None:
        if self.fail:
            raise ConnectionError("receiver down")
        self.sent.append((channel.name, event))


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def service(database_url: str, outbox: Outbox) -> Iterator[MonitoringService]:
    store = Store(database_url)
    try:
        yield MonitoringService(store, Settings(), clock=lambda: NOW, sender=outbox)
    finally:
        store.close()
