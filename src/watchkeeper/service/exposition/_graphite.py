"""Pushing metric points to Graphite over carbon's plaintext protocol.

Each point becomes one line ``path value timestamp\\n`` sent over TCP (port 2003 by
convention), the path being
``<prefix>.<model>.<version>.<segment or "all">.<metric>[.<feature>]`` and the
timestamp the end of the point's window, in whole seconds. Alert states go to
``<prefix>.<model>.<version>.alerts.<monitor>[.<feature>]`` (1 firing, 0 resolved)
at the injected clock's time. Path components are sanitised: a dot would split
a feature name into levels and a space would end the path, so anything but ASCII
letters, digits, ``_``, ``-`` and ``:`` becomes ``_``.

Monitoring must never take the monitored service down: :meth:`GraphitePusher.push`
never raises into the caller. It sends in batches, reconnects once when a
connection breaks, and returns what was sent, skipped and lost.
"""

from __future__ import annotations

import contextlib
import math
import re
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from watchkeeper.service._types import MetricPoint

__all__ = ["GraphitePusher", "PushResult", "graphite_path", "sanitize_component"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_\-:]")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def sanitize_component(text: str) -> str:
    """One level of a Graphite path: no dots, spaces or wildcard characters.

    >>> sanitize_component("income.monthly (EUR)")
    'income_monthly__EUR_'
    >>> sanitize_component("")
    '_'
    """
    return _UNSAFE.sub("_", text) or "_"


def graphite_path(prefix: str, point: MetricPoint) -> str:
    """The carbon path of a point.

    >>> from datetime import UTC, datetime
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> graphite_path("watchkeeper", MetricPoint("churn", "v1.2", "drift_score", 0.3, t, t, "a.b"))
    'watchkeeper.churn.v1_2.all.drift_score.a_b'
    """
    parts = [point.model, point.version, point.segment or "all", point.metric]
    if point.feature is not None:
        parts.append(point.feature)
    return ".".join([prefix, *(sanitize_component(p) for p in parts)])


@dataclass(frozen=True)
class PushResult:
    """What one push did: lines sent, points skipped (not finite), lines lost."""

    sent: int
    skipped: int
    failed: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.failed == 0


class GraphitePusher:
    """Sends metric points to a carbon server; reuses one connection between pushes.

    >>> pusher = GraphitePusher("127.0.0.1", 9, clock=lambda: datetime(2024, 1, 1, tzinfo=UTC))
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> pusher.lines([MetricPoint("churn", "v1", "row_count", 120.0, t, t)])
    ['watchkeeper.churn.v1.all.row_count 120.0 1704067200\\n']
    """

    def __init__(
        self,
        host: str,
        port: int = 2003,
        prefix: str = "watchkeeper",
        clock: Callable[[], datetime] = _utc_now,
        *,
        timeout: float = 5.0,
        batch_size: int = 500,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.host = host
        self.port = port
        self.prefix = ".".join(sanitize_component(p) for p in prefix.split(".")) if prefix else ""
        self.clock = clock
        self.timeout = timeout
        self.batch_size = batch_size
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()

    def _path(self, parts: Sequence[str]) -> str:
        tail = ".".join(sanitize_component(p) for p in parts)
        return f"{self.prefix}.{tail}" if self.prefix else tail

    def lines(self, points: Iterable[MetricPoint], alerts: Iterable[Any] = ()) -> list[str]:
        """The plaintext lines for ``points`` and ``alerts``; non-finite values are left out."""
        out = []
        for point in points:
            if not math.isfinite(point.value):
                continue
            parts = [point.model, point.version, point.segment or "all", point.metric]
            if point.feature is not None:
                parts.append(point.feature)
            stamp = int(point.window_end.timestamp())
            out.append(f"{self._path(parts)} {float(point.value)!r} {stamp}\n")
        now = int(self.clock().timestamp())
        for alert in alerts:
            parts = [str(alert.model), str(alert.version), "alerts", str(alert.monitor)]
            feature = getattr(alert, "feature", None)
            if feature is not None:
                parts.append(str(feature))
            state = str(getattr(alert.state, "value", alert.state))
            out.append(f"{self._path(parts)} {1.0 if state == 'firing' else 0.0!r} {now}\n")
        return out

    def _connect(self) -> socket.socket:
        if self._socket is None:
            self._socket = socket.create_connection((self.host, self.port), timeout=self.timeout)
        return self._socket

    def _drop(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.close()
            self._socket = None

    def _send(self, payload: bytes) -> str | None:
        """Send one batch; on a broken connection reconnect and try once more."""
        error: str | None = None
        for _attempt in range(2):
            try:
                self._connect().sendall(payload)
                return None
            except OSError as exc:
                # A server restart leaves a dead socket that only fails on use.
                error = f"{type(exc).__name__}: {exc}"
                self._drop()
        return error

    def push(self, points: Iterable[MetricPoint], alerts: Iterable[Any] = ()) -> PushResult:
        """Send ``points`` (and alert states); never raises on network errors."""
        points = list(points)
        lines = self.lines(points, alerts)
        skipped = sum(1 for p in points if not math.isfinite(p.value))
        sent = 0
        with self._lock:
            for start in range(0, len(lines), self.batch_size):
                batch = lines[start : start + self.batch_size]
                error = self._send("".join(batch).encode("utf-8"))
                if error is not None:
                    # The server is unreachable; the rest would fail the same way.
                    return PushResult(sent, skipped, len(lines) - sent, error)
                sent += len(batch)
        return PushResult(sent, skipped, 0)

    def close(self) -> None:
        with self._lock:
            self._drop()

    def __enter__(self) -> GraphitePusher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
