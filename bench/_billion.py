"""The traffic and the server of bench/bench_billion.py: seeded chunks of predictions,
their profiles as the SDK's profile mode builds them, and a real ``watchkeeper serve``.

Traffic: window ``w`` (one hour from :data:`T0`) holds ``rows_per_window``
predictions split over the 3 segments (the first segments take the remainder), each
(window, segment) drawn from its own seeded generator (``default_rng([SEED, w, s])``),
so any window can be regenerated alone and the record-mode comparison replays the same
first hour. 20 numeric features N(0, 1); every :data:`DRIFT_EVERY`-th window shifts
two features in segment ``eu`` (``x0`` mean +0.5, ``x3`` scale x1.5); latency
gamma(2, 4) ms; 0.1% errors.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import psutil
import pyarrow as pa

from watchkeeper._operations import HEADER, Operations
from watchkeeper.client._profile_mode import PROFILE_MEDIA_TYPE, _operations
from watchkeeper.profile import Profile, ProfileBuilder

N_FEATURES = 20
NAMES = [f"x{i}" for i in range(N_FEATURES)]
SEGMENTS = ("eu", "us", "apac")
T0 = datetime(2024, 6, 1, tzinfo=UTC)
SEED = 16
DRIFT_EVERY = 50
ERROR_RATE = 0.001


@dataclass
class Chunk:
    """One (window, segment)'s share of the traffic, as columns."""

    window: int
    segment: str
    matrix: np.ndarray  # rows x N_FEATURES, float64
    latency: np.ndarray
    errors: np.ndarray  # bool
    timestamps: np.ndarray  # seconds since the epoch, float64

    @property
    def rows(self) -> int:
        return len(self.latency)


def segment_rows(rows_per_window: int) -> list[int]:
    base, extra = divmod(rows_per_window, len(SEGMENTS))
    return [base + (1 if s < extra else 0) for s in range(len(SEGMENTS))]


def chunk(window: int, s: int, rows: int) -> Chunk:
    """The seeded predictions of segment ``s`` in window ``window``."""
    rng = np.random.default_rng([SEED, window, s])
    matrix = rng.standard_normal((rows, N_FEATURES))
    if window % DRIFT_EVERY == DRIFT_EVERY - 1 and s == 0:
        matrix[:, 0] += 0.5
        matrix[:, 3] *= 1.5
    latency = rng.gamma(2.0, 4.0, rows)
    errors = rng.random(rows) < ERROR_RATE
    start = T0.timestamp() + window * 3600
    # Spread over the hour, strictly inside it.
    stamps = start + (np.arange(rows, dtype=np.float64) + 0.5) * (3600 / rows)
    return Chunk(window, SEGMENTS[s], matrix, latency, errors, stamps)


def chunks(window: int, rows_per_window: int) -> Iterator[Chunk]:
    for s, rows in enumerate(segment_rows(rows_per_window)):
        yield chunk(window, s, rows)


def profile_post(
    reference: Profile, part: Chunk, model: str, key: str
) -> tuple[str, bytes, dict[str, str]]:
    """The post the SDK's profile mode makes for ``part``: a ProfileBuilder on the
    reference's bins over the feature columns, the Operations of latencies and errors
    (client/_profile_mode.py, ``ProfileSink._update`` and ``take``)."""
    builder = ProfileBuilder(reference.schema, bins_from=reference)
    builder.update(pa.table({name: part.matrix[:, i] for i, name in enumerate(NAMES)}))
    ops: Operations = _operations(part.latency, int(part.errors.sum()))
    body = builder.build().to_bytes()
    start = datetime.fromtimestamp(T0.timestamp() + part.window * 3600, UTC).isoformat()
    query = urlencode({"version": "v1", "window_start": start, "segment": f"region={part.segment}"})
    path = f"/v1/models/{model}/profiles?{query}"
    headers = {"Content-Type": PROFILE_MEDIA_TYPE, HEADER: ops.to_json(), "Idempotency-Key": key}
    return path, body, headers


def arrow_rows(part: Chunk, start: int, stop: int) -> pa.Table:
    """Rows ``start:stop`` of ``part`` as the frame ``Client.log_predictions`` takes."""
    columns: dict[str, Any] = {name: part.matrix[start:stop, i] for i, name in enumerate(NAMES)}
    columns.update(
        prediction=np.ones(stop - start, dtype=np.int64),
        latency_ms=part.latency[start:stop],
        error=part.errors[start:stop],
        timestamp=part.timestamps[start:stop],
        region=np.full(stop - start, part.segment),
    )
    return pa.table(columns)


def window_end(window: int) -> datetime:
    return T0 + timedelta(hours=window + 1)


# The server ----------------------------------------------------------------------------


class Server:
    """``watchkeeper serve`` in its own process on ``url``; CPU read with psutil."""

    def __init__(self, url: str, log: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = dict(os.environ)
        env.update(
            WATCHKEEPER_TICK_SECONDS="0",  # windows are closed by POST .../windows/close
            WATCHKEEPER_MAX_BODY_BYTES=str(64 << 20),
            WATCHKEEPER_RATE_LIMIT_PER_SECOND="100000",
            WATCHKEEPER_RATE_LIMIT_BURST="100000",
        )
        command = [str(Path(sys.executable).parent / "watchkeeper"), "serve", "--port"]
        command += [str(self.port), "--database-url", url, "--log-level", "warning"]
        self._log = log.open("ab")
        self.child = subprocess.Popen(command, env=env, stdout=self._log, stderr=self._log)
        self.process = psutil.Process(self.child.pid)
        self.base = f"http://127.0.0.1:{self.port}"
        import httpx

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.child.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start; see {log}")

    def cpu(self) -> float:
        """User + system seconds of the server and its children."""
        total = sum(self.process.cpu_times()[:2])
        for kid in self.process.children(recursive=True):
            try:
                total += sum(kid.cpu_times()[:2])
            except psutil.NoSuchProcess:
                continue
        return total

    def rss(self) -> int:
        return int(self.process.memory_info().rss)

    def stop(self) -> None:
        self.child.terminate()
        try:
            self.child.wait(60)
        except subprocess.TimeoutExpired:
            self.child.kill()
        self._log.close()


def store_bytes(url: str) -> int:
    """SQLite: the file and its WAL; PostgreSQL: the schema's tables, indexes, TOAST."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        wal = path.with_name(path.name + "-wal")
        return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()
