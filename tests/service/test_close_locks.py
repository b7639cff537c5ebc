"""One close lock per model (issue 13): a model whose close is stuck does not stall the
closes of another model, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

T0 = datetime(2024, 1, 1, 10, tzinfo=UTC)
HANG_GUARD = 30.0  # seconds; only so that a regression fails instead of hanging


class GatedClock:
    """The service's clock, which blocks the first call made from thread ``name`` until
    released (fault injection: the call inside the close lock, by compaction)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> datetime:
        if threading.current_thread().name == self.name and not self.entered.is_set():
            self.entered.set()
            self.release.wait(HANG_GUARD)
        return T0 + timedelta(days=1)


def _ingest(service: MonitoringService, model: str) -> None:
    service.create_model(model, "binary_classification", {"features": {"x": "numeric"}})
    service.create_version(model, "v1", activate=True)
    stamps = pa.array([T0, T0], pa.timestamp("us", "UTC"))
    batch = pa.table({"id": ["a", "b"], "timestamp": stamps, "feature.x": [1.0, 2.0],
                      "prediction": [1, 0]})  # fmt: skip
    service.ingest_predictions(model, "v1", batch)


def test_a_blocked_close_of_one_model_does_not_stall_another(database_url: str) -> None:
    clock = GatedClock("close-b")
    store = Store(database_url)
    service = MonitoringService(store, Settings(raw_retention=timedelta(days=7)), clock=clock)
    try:
        _ingest(service, "a")
        _ingest(service, "b")
        now = T0 + timedelta(days=1)
        closed: dict[str, int] = {}

        def close(model: str) -> None:
            closed[model] = len(service.close_windows(model, now=now))

        b = threading.Thread(target=close, args=("b",), name="close-b", daemon=True)
        b.start()
        assert clock.entered.wait(HANG_GUARD), "model b's close never reached compaction"
        assert service._close_locks.lock(store.get_model("b").id).locked()  # b holds its lock

        a = threading.Thread(target=close, args=("a",), name="close-a", daemon=True)
        a.start()
        a.join(HANG_GUARD)
        assert not a.is_alive(), "closing model a waited for model b's lock"
        assert closed == {"a": 1}  # a closed its window while b is still inside its close
        assert b.is_alive()

        clock.release.set()
        b.join(HANG_GUARD)
        assert not b.is_alive()
        assert closed == {"a": 1, "b": 1}
    finally:
        clock.release.set()
        store.close()


def test_the_same_model_is_closed_by_one_thread_at_a_time(database_url: str) -> None:
    clock = GatedClock("close-1")
    store = Store(database_url)
    service = MonitoringService(store, Settings(raw_retention=timedelta(days=7)), clock=clock)
    try:
        _ingest(service, "a")
        now = T0 + timedelta(days=1)
        closed: list[int] = []

        def close() -> None:
            closed.append(len(service.close_windows("a", now=now)))

        first = threading.Thread(target=close, name="close-1", daemon=True)
        first.start()
        assert clock.entered.wait(HANG_GUARD)
        second = threading.Thread(target=close, name="close-2", daemon=True)
        second.start()
        assert closed == []  # the first holds the lock; the second cannot have closed
        clock.release.set()
        first.join(HANG_GUARD)
        second.join(HANG_GUARD)
        assert not first.is_alive() and not second.is_alive()
        assert sorted(closed) == [0, 1]  # the window was closed once, not twice
    finally:
        clock.release.set()
        store.close()
