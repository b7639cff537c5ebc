"""Four processes on one PostgreSQL store: each window closed once, each notification
sent once, one leader for the background loop (issue 16)."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
import pytest
from tests._backends import database_url

from watchkeeper import InputError
from watchkeeper.service._leader import Leadership, check_workers
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service._types import ChannelSpec, Condition, MonitorSpec, Severity
from watchkeeper.store import Store

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HOURS = 6
WORKERS = 4


class _FileSender:
    """Appends one line per delivered notification (O_APPEND: one write per line)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, channel: Any, event: Any) -> None:
        line = f"{channel.name} {event.key} {event.state.value} {event.window_start}\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def _worker(url: str, sent: str, start: Any, out: Any) -> None:
    """One server process's background work: close and deliver, several ticks."""
    store = Store(url, migrate=False)
    service = MonitoringService(store, Settings(), sender=_FileSender(sent))
    start.wait(60)
    closed = []
    for hour in range(1, HOURS + 2):
        now = T0 + timedelta(hours=hour)
        closed += [(w.start.isoformat(), w.segment) for w in service.close_windows("m", now=now)]
        service.deliver_notifications(now=now)
    out.put(closed)
    store.close()


@pytest.fixture
def postgres_url(tmp_path: Path) -> Any:
    with database_url("postgresql", tmp_path) as url:
        yield url


def test_four_processes_close_each_window_once_and_notify_once(
    postgres_url: str, tmp_path: Path
) -> None:
    store = Store(postgres_url)
    service = MonitoringService(store, Settings())
    service.create_model("m", "regression", {"features": {"x": "numeric"}})
    service.create_version("m", "v1", activate=True)
    service.apply_config(
        SimpleNamespace(
            models=[],
            monitors=[
                MonitorSpec(
                    "busy", "m", "row_count", Condition("above", threshold=0.0),
                    severity=Severity.WARNING, min_samples=1, channels=("hook",),
                )
            ],
            channels=[ChannelSpec("hook", "webhook", {"url": "http://127.0.0.1:9/hook"})],
        )
    )  # fmt: skip
    for hour in range(HOURS):
        stamp = T0 + timedelta(hours=hour, minutes=5)
        service.ingest_predictions(
            "m",
            "v1",
            pa.table(
                {
                    "id": [f"h{hour}-{i}" for i in range(5)],
                    "timestamp": pa.array([stamp] * 5, pa.timestamp("us", "UTC")),
                    "feature.x": [1.0, 2.0, 3.0, 4.0, 5.0],
                    "prediction": [1.0] * 5,
                }
            ),
        )
    store.close()
    sent = str(tmp_path / "sent.txt")
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    processes = [
        context.Process(target=_worker, args=(postgres_url, sent, start, out))
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    start.set()
    closed = [item for _ in processes for item in out.get(timeout=240)]
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    # Every window closed exactly once, whichever process got there first.
    assert len(closed) == len(set(closed)) == HOURS
    # One alert fired (row_count > 0 from the first window on) and was notified once.
    lines = Path(sent).read_text().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].split()[2] == "firing"


def test_one_leader_at_a_time_and_the_next_takes_over(postgres_url: str) -> None:
    first_store, second_store = Store(postgres_url), Store(postgres_url, migrate=False)
    first, second = Leadership(first_store), Leadership(second_store)
    try:
        assert first.holds()
        assert not second.holds()
        assert first.holds()  # still
        first.release()
        assert second.holds()
        assert not first.holds()
    finally:
        first.release()
        second.release()
        first_store.close()
        second_store.close()


def test_sqlite_stays_single_process() -> None:
    with pytest.raises(InputError, match="SQLite stays single-process"):
        check_workers("sqlite:///watchkeeper.db", WORKERS)
    check_workers("postgresql+psycopg://db/wk", WORKERS)
    assert Leadership(Store("sqlite://")).holds()


def test_serve_with_four_workers_elects_one_leader(postgres_url: str) -> None:
    """`watchkeeper serve --workers 4` on PostgreSQL: four uvicorn workers answer, and
    exactly one holds the background loop's advisory lock."""
    import socket
    import subprocess
    import sys
    import time

    import httpx
    from sqlalchemy import create_engine, text

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "WATCHKEEPER_TICK_SECONDS": "0.5"}
    program = str(Path(sys.executable).parent / "watchkeeper")
    command = [program, "serve", "--workers", "4", "--port", str(port)]
    command += ["--database-url", postgres_url, "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert health == {"status": "ok", "database": "ok", "backend": "postgresql"}
        engine = create_engine(postgres_url)
        time.sleep(3)  # a few ticks: every worker has tried to lead
        with engine.connect() as connection:
            key = connection.execute(
                text(
                    "SELECT hashtextextended('watchkeeper:' || current_database() || ':' "
                    "|| current_schema() || ':' || :name, 0)"
                ),
                {"name": "background"},
            ).scalar_one()
            holders = connection.execute(
                text(
                    "SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND granted AND classid = :high AND objid = :low"
                ),
                {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
            ).scalar_one()
        engine.dispose()
        assert holders == 1
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
