"""Graphite push to a real TCP listener on 127.0.0.1, lines parsed back."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from watchkeeper.service._types import AlertState, MetricPoint
from watchkeeper.service.exposition import GraphitePusher, graphite_path

T0 = datetime(2024, 3, 1, 10, tzinfo=UTC)
T1 = datetime(2024, 3, 1, 11, tzinfo=UTC)  # 1709290800 seconds since the epoch


class Carbon:
    """A carbon plaintext receiver: accepts connections, keeps every line."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port: int = self.server.getsockname()[1]
        self.data = bytearray()
        self.connections = 0
        self.lock = threading.Lock()
        self.clients: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self.clients.append(client)
            threading.Thread(target=self._read, args=(client,), daemon=True).start()

    def _read(self, client: socket.socket) -> None:
        with client:
            while True:
                try:
                    chunk = client.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                with self.lock:
                    self.data += chunk

    def drop_clients(self) -> None:
        with self.lock:
            for client in self.clients:
                with contextlib.suppress(OSError):  # the reader may have closed it
                    client.shutdown(socket.SHUT_RDWR)
                client.close()
            self.clients.clear()

    def lines(self, expected: int, timeout: float = 10.0) -> list[tuple[str, float, int]]:
        """Wait until ``expected`` complete lines arrived; parse them."""
        deadline = threading.Event()
        for _ in range(int(timeout / 0.01)):
            with self.lock:
                text = self.data.decode("utf-8")
            if text.count("\n") >= expected:
                break
            deadline.wait(0.01)
        out = []
        for line in text.splitlines():
            path, value, stamp = line.split(" ")
            out.append((path, float(value), int(stamp)))
        return out

    def close(self) -> None:
        self.server.close()
        self.drop_clients()


@pytest.fixture
def carbon() -> Iterator[Carbon]:
    receiver = Carbon()
    yield receiver
    receiver.close()


def point(metric: str, value: float, feature: str | None = None, segment: str | None = None,
          version: str = "v1") -> MetricPoint:  # fmt: skip
    return MetricPoint("churn", version, metric, value, T0, T1, feature, segment)


@dataclass(frozen=True)
class Alert:
    monitor: str
    model: str
    version: str
    feature: str | None
    state: AlertState


def test_lines_arrive_and_parse_back(carbon: Carbon) -> None:
    points = [
        point("drift_score", 0.25, "age"),
        point("row_count", 1200.0),
        point("error_rate", 0.125, segment="region=eu"),
        point("missing_share", float("nan"), "plan"),
    ]
    alerts = [Alert("drift", "churn", "v1", "age", AlertState.FIRING)]
    clock = lambda: datetime(2024, 3, 1, 11, 5, tzinfo=UTC)  # noqa: E731
    with GraphitePusher("127.0.0.1", carbon.port, clock=clock) as pusher:
        result = pusher.push(points, alerts)
    assert (result.sent, result.skipped, result.failed, result.ok) == (4, 1, 0, True)
    assert carbon.lines(4) == [
        ("watchkeeper.churn.v1.all.drift_score.age", 0.25, 1709290800),
        ("watchkeeper.churn.v1.all.row_count", 1200.0, 1709290800),
        ("watchkeeper.churn.v1.region_eu.error_rate", 0.125, 1709290800),
        ("watchkeeper.churn.v1.alerts.drift.age", 1.0, 1709291100),
    ]


def test_path_components_are_sanitised(carbon: Carbon) -> None:
    odd = point("drift_score", 1.0, "income.monthly (EUR)\n", version="2.0 beta")
    assert graphite_path("wk", odd) == "wk.churn.2_0_beta.all.drift_score.income_monthly__EUR__"
    pusher = GraphitePusher("127.0.0.1", carbon.port, prefix="team a.watchkeeper")
    assert pusher.push([odd]).sent == 1
    ((path, value, _),) = carbon.lines(1)
    assert path == "team_a.watchkeeper.churn.2_0_beta.all.drift_score.income_monthly__EUR__"
    assert path.count(".") == 6 and value == 1.0
    pusher.close()


def test_batches_share_one_connection(carbon: Carbon) -> None:
    points = [point("drift_score", i / 100, f"f{i}") for i in range(25)]
    pusher = GraphitePusher("127.0.0.1", carbon.port, batch_size=4)
    assert pusher.push(points).sent == 25
    assert pusher.push(points[:3]).sent == 3
    got = carbon.lines(28)
    assert len(got) == 28 and got[24][0].endswith(".f24") and got[24][1] == 0.24
    assert carbon.connections == 1
    pusher.close()


def test_reconnects_after_the_server_drops_the_connection(carbon: Carbon) -> None:
    pusher = GraphitePusher("127.0.0.1", carbon.port)
    assert pusher.push([point("row_count", 1.0)]).sent == 1
    carbon.lines(1)
    carbon.drop_clients()
    # The first write after a reset may still "succeed" into the kernel buffer; the
    # pusher must keep delivering on a fresh connection within a few pushes.
    for _ in range(5):
        pusher.push([point("row_count", 2.0)])
    got = carbon.lines(2)
    assert any(value == 2.0 for _, value, _ in got)
    assert carbon.connections >= 2
    pusher.close()


def test_an_unreachable_server_is_counted_not_raised() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connection refused
        pusher = GraphitePusher("127.0.0.1", port, timeout=1.0)
        result = pusher.push([point("row_count", 1.0), point("error_rate", 0.0)])
    assert (result.sent, result.failed, result.ok) == (0, 2, False)
    assert result.error is not None and "ConnectionRefused" in result.error


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        GraphitePusher("127.0.0.1", 2003, batch_size=0)
