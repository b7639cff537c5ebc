"""The verified-key cache: a key the store accepted is let through for
``key_cache_seconds`` without a database read; refusals are never kept; a revocation
through the same service object is immediate, one by another process on the same store
takes effect once the seconds have passed. Time is a fake monotonic clock, never slept.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from tests._backends import BACKENDS, database_url

from watchkeeper._exceptions import InputError
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._keys import ApiKeys
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

T0 = datetime(2024, 5, 1, 12, tzinfo=UTC)


class Clock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def key_lookups(store: Store) -> Iterator[list[str]]:
    """The SQL statements that read ``wk_api_keys``, as ``store`` sends them."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "wk_api_keys" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def served(service: MonitoringService) -> TestClient:
    return TestClient(create_app(service, service.settings), raise_server_exceptions=False)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def guard(client: TestClient, key: str) -> int:
    answer = client.post("/v1/guard", json={"text": "hello"}, headers=bearer(key))
    return answer.status_code


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


def service_on(url: str, clock: Clock, **settings: Any) -> MonitoringService:
    return MonitoringService(Store(url), Settings(database_url=url, **settings), monotonic=clock)


def test_a_verified_key_is_not_looked_up_again_within_the_seconds(url: str) -> None:
    clock = Clock()
    service = service_on(url, clock)
    key = service.create_api_key(["ingest", "read"], name="app")[1]
    with served(service) as client, key_lookups(service.store) as lookups:
        assert guard(client, key) == 200
        assert len(lookups) == 1
        for step in range(10):
            clock.now += 0.099
            assert guard(client, key) == 200, step
            assert client.get("/v1/models", headers=bearer(key)).status_code == 200
        assert len(lookups) == 1  # 0.99 s: twenty requests, no read of the key table
        clock.now += 0.01  # one second after the store said yes: it is asked again
        assert guard(client, key) == 200
        assert len(lookups) == 2
    service.store.close()


def test_a_revocation_through_the_same_service_is_immediate(url: str) -> None:
    clock = Clock()
    service = service_on(url, clock)
    info, key = service.create_api_key(["ingest"], name="app")
    other = service.create_api_key(["ingest"], name="other")[1]
    with served(service) as client:
        assert guard(client, key) == 200 and guard(client, other) == 200
        service.revoke_api_key(info.id)  # the clock has not moved
        assert guard(client, key) == 401
        assert guard(client, other) == 200
    assert service.cached_api_key(key) is None
    service.store.close()


def test_a_revocation_by_another_process_takes_effect_within_the_seconds(url: str) -> None:
    clock = Clock()
    server_side = service_on(url, clock)
    info, key = server_side.create_api_key(["ingest"], name="app")
    elsewhere = MonitoringService(Store(url), Settings(database_url=url))  # the CLI, say
    with served(server_side) as client:
        assert guard(client, key) == 200
        elsewhere.revoke_api_key(info.id)
        assert elsewhere.verify_api_key(key) is None
        clock.now += 0.5
        assert guard(client, key) == 200  # taken on trust for up to key_cache_seconds
        assert server_side.verify_api_key(key) is None  # the store itself says no at once
        clock.now += 0.5
        assert guard(client, key) == 401
        clock.now += 10
        assert guard(client, key) == 401
    elsewhere.store.close()
    server_side.store.close()


def test_a_refusal_is_never_remembered(url: str) -> None:
    clock = Clock()
    service = service_on(url, clock)
    plaintext = "wk_made-by-another-process"
    with served(service) as client:
        assert guard(client, plaintext) == 401
        assert service.verify_api_key(plaintext) is None
        # Another process creates the key right after the refusal (the store's own call,
        # so that the test knows the plaintext); the clock has not moved.
        other = Store(url)
        digest = hashlib.sha256(plaintext.encode()).hexdigest()
        other.insert_api_key("key_elsewhere", "late", digest, ("ingest",), T0)
        other.close()
        assert guard(client, plaintext) == 200
    service.store.close()


def test_the_cache_is_bounded_oldest_first() -> None:
    clock = Clock()
    keys = ApiKeys(Store("sqlite://"), lambda: T0, cache_size=3, monotonic=clock)
    made = [keys.create(["read"], name=f"k{i}") for i in range(5)]
    for info, plaintext in made:
        assert keys.verify(plaintext) == info
        clock.now += 0.01
    assert len(keys.verified) == 3
    assert [keys.recent(p) is not None for _, p in made] == [False, False, True, True, True]
    assert keys.verify(made[0][1]) == made[0][0]  # verified again: now the newest
    assert [keys.recent(p) is not None for _, p in made] == [True, False, False, True, True]


def test_zero_seconds_turns_the_cache_off(url: str) -> None:
    clock = Clock()
    service = service_on(url, clock, key_cache_seconds=0)
    key = service.create_api_key(["ingest"], name="app")[1]
    with served(service) as client, key_lookups(service.store) as lookups:
        for _ in range(3):
            assert guard(client, key) == 200
        assert len(lookups) == 3
    assert service.cached_api_key(key) is None
    service.store.close()


def test_a_verification_that_raced_a_revocation_is_not_kept() -> None:
    """A worker thread read the store before this process revoked the key and puts its
    answer after: the revocation wins."""
    clock = Clock()
    keys = ApiKeys(Store("sqlite://"), lambda: T0, monotonic=clock)
    info, plaintext = keys.create(["read"])
    since = keys.verified.start()  # the worker's read begins ...
    keys.revoke(info.id)
    digest = hashlib.sha256(plaintext.encode()).digest()
    keys.verified.put(digest, info, since=since)  # ... and its (stale) yes arrives
    assert keys.recent(plaintext) is None
    assert keys.verify(plaintext) is None


def test_the_cache_holds_digests_not_keys() -> None:
    keys = ApiKeys(Store("sqlite://"), lambda: T0, monotonic=Clock())
    made = [keys.create(["read"], name=f"k{i}")[1] for i in range(3)]
    for plaintext in made:
        keys.verify(plaintext)
    assert len(keys.verified) == 3
    texts = [
        item.decode("latin-1") if isinstance(item, bytes) else item
        for item in _reachable(keys.verified)
        if isinstance(item, str | bytes)
    ]
    digests = {hashlib.sha256(p.encode()).digest().decode("latin-1") for p in made}
    assert digests <= set(texts)  # what it does hold: the digests
    assert not [t for t in texts for p in made if p in t or p[3:] in t]


def _reachable(root: object) -> list[object]:
    """Every object reachable from ``root`` through containers and instance attributes
    (not through functions, classes or modules: the clock is not the cache's data)."""
    seen: set[int] = set()
    found: list[object] = []
    todo = [root]
    while todo:
        item = todo.pop()
        if id(item) in seen or (callable(item) and item is not root):
            continue
        seen.add(id(item))
        found.append(item)
        if isinstance(item, str | bytes | int | float | type(None)):
            continue
        todo.extend(gc.get_referents(item))
    return found


@pytest.mark.parametrize(("value", "seconds"), [(None, 1.0), ("0", 0.0), ("2.5", 2.5), ("", 1.0)])
def test_key_cache_seconds_from_the_environment(value: str | None, seconds: float) -> None:
    environ = {} if value is None else {"WATCHKEEPER_KEY_CACHE_SECONDS": value}
    assert Settings.from_env(environ).key_cache_seconds == seconds


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_key_cache_seconds_must_be_a_finite_number_of_seconds(value: str) -> None:
    with pytest.raises(InputError, match="WATCHKEEPER_KEY_CACHE_SECONDS"):
        Settings.from_env({"WATCHKEEPER_KEY_CACHE_SECONDS": value})
