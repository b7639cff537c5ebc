"""Issue 16 at scale: the SDK's record mode (Arrow and JSON) and profile mode against the
real server, per call (``log_prediction``), caller latency included.

    python bench/bench_scale.py [--quick] [--n N] [--records N] [--hours H] [--json OUT]

Wall-clock rates depend on what else the machine runs (this one is shared: see the
load average in the output); ``cpu_bound_predictions_per_s`` is what one dedicated core
per side sustains, from the CPU time of the busier side (SDK process or server).

The server is ``create_app`` on uvicorn in a child process (its own GIL, as in
production) on a SQLite file; the SDK runs here. Records have 20 numeric features,
a prediction, a latency and one of 3 segments (a pool of 200,000 distinct rows, cycled),
event times spread evenly over the run's hourly windows. The caller waits for a
``flush()`` every 200,000 calls, which bounds the queue (a real service logs at its own
pace) and is counted in the time.

Scenarios:

* ``records-arrow`` / ``records-json``: ``Client(wire=...)``, calls back to back, then
  ``flush()``; predictions/s from the first call until every record is stored (the
  server answered), end to end into SQLite;
* ``profile``: ``Client(mode="profile")``, calls back to back; predictions/s per
  process (calls plus the final flush), caller-thread p50/p99 per call, client CPU
  seconds per million predictions (this process, all threads), and, after closing the
  windows, the store's growth per window (all traffic + 3 segments) and the server
  CPU spent (the child's CPU time);
The billion predictions themselves are fed for real, not extrapolated, by
bench/bench_billion.py (1,000 windows into ``watchkeeper serve``, the row count checked).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from watchkeeper.client import Client

N_FEATURES = 20
SEGMENTS = ("eu", "us", "apac")
T0 = datetime(2024, 6, 1, tzinfo=UTC)

SERVER = r"""
import sys, uvicorn
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store
url, port = sys.argv[1], int(sys.argv[2])
settings = Settings(database_url=url, tick_seconds=0, max_body_bytes=64 << 20)
uvicorn.run(create_app(MonitoringService(Store(url), settings), settings),
            host="127.0.0.1", port=port, log_level="warning")
"""


def _prepare(url: str) -> str:
    from watchkeeper.service import MonitoringService, Settings
    from watchkeeper.store import Store

    service = MonitoringService(Store(url), Settings(database_url=url))
    rng = np.random.default_rng(0)
    features = {f"x{i}": "numeric" for i in range(N_FEATURES)}
    reference = {name: rng.normal(0, 1, 10_000) for name in features}
    import pyarrow as pa

    for model in ("arrow", "json", "profile"):
        service.create_model(model, "binary_classification", features)
        service.create_version(model, "v1", reference=pa.table(reference), activate=True)
    key = service.create_api_key(["ingest"], name="bench")[1]
    service.store.close()
    return key


def _start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    child = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)])
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            return child, base
        except httpx.TransportError:
            time.sleep(0.1)
    child.kill()
    raise RuntimeError("the server did not start")


def _child_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


POOL = 200_000  # distinct rows; a longer run cycles through them with its own times
FLUSH_EVERY = 200_000


class _Traffic:
    """``n`` predictions: features, segment and latency from a pool of rows, event times
    spread evenly over ``hours`` (so memory does not grow with ``n``)."""

    def __init__(self, n: int, hours: int) -> None:
        rng = np.random.default_rng(1)
        size = min(n, POOL)
        matrix = rng.normal(0, 1, (size, N_FEATURES)).round(6).tolist()
        names = [f"x{i}" for i in range(N_FEATURES)]
        self.features = [dict(zip(names, row, strict=True)) for row in matrix]
        self.segments = [{"region": s} for s in rng.choice(SEGMENTS, size).tolist()]
        self.latency = rng.gamma(2.0, 4.0, size).tolist()
        self.n, self.step, self.t0 = n, hours * 3600 / n, T0.timestamp()

    def __len__(self) -> int:
        return self.n


def _run(
    base: str,
    key: str,
    model: str,
    traffic: _Traffic,
    *,
    timed: bool,
    server: int,
    **options: Any,
) -> dict[str, Any]:
    n = len(traffic)
    client = Client(
        base, key, model=model, version="v1", max_queue=min(n, 2_000_000) + 1,
        host_metrics_interval=None, batch_size=5000, timeout=60, **options,
    )  # fmt: skip
    log = client.log_prediction
    features, segments, latency = traffic.features, traffic.segments, traffic.latency
    pool, step, t0 = len(features), traffic.step, traffic.t0
    times = np.empty(n if timed else 0, dtype=np.int64)
    clock = time.perf_counter_ns
    cpu0, server0 = time.process_time(), _child_cpu(server)
    start = time.perf_counter()
    for i in range(n):
        j = i % pool
        if j == 0 and i:
            assert client.flush(1200), "flush timed out"
        if timed:
            t = clock()
            log(features[j], 1, latency_ms=latency[j], timestamp=t0 + i * step, segment=segments[j])
            times[i] = clock() - t
        else:
            log(features[j], 1, latency_ms=latency[j], timestamp=t0 + i * step, segment=segments[j])
    calls = time.perf_counter() - start
    assert client.flush(1200), "flush timed out"
    elapsed = time.perf_counter() - start
    client.close()
    cpu = time.process_time() - cpu0
    server_cpu = _child_cpu(server) - server0
    out = {
        "n": n,
        "sent": client.stats.sent,
        "failed": client.stats.failed,
        "dropped": client.stats.dropped,
        "seconds": round(elapsed, 3),
        "calls_seconds": round(calls, 3),
        "predictions_per_s": round(n / elapsed),
        "client_cpu_s_per_million": round(cpu / n * 1e6, 2),
        "server_cpu_s_per_million": round(server_cpu / n * 1e6, 2),
        # What one dedicated core per side would sustain: the busier side's CPU.
        "cpu_bound_predictions_per_s": round(n / max(cpu, server_cpu)),
    }
    if timed:
        out["caller_p50_us"] = round(float(np.percentile(times, 50)) / 1000, 2)
        out["caller_p99_us"] = round(float(np.percentile(times, 99)) / 1000, 2)
    return out


def _db_bytes(path: Path) -> int:
    """The live data's size: VACUUM drops the free pages deleted parts left."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n", type=int, default=None, help="predictions per scenario")
    parser.add_argument("--hours", type=int, default=4)
    parser.add_argument(
        "--records", type=int, default=1_000_000, help="predictions in record mode (at most --n)"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    n = args.n or (50_000 if args.quick else 1_000_000)
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"wk-bench-scale-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "wk.db"
    url = f"sqlite:///{path}"
    key = _prepare(url)
    child, base = _start_server(url)
    results: dict[str, Any] = {"n": n, "hours": args.hours, "features": N_FEATURES}
    try:
        traffic = _Traffic(n, args.hours)
        size0, server0 = _db_bytes(path), _child_cpu(child.pid)
        results["profile"] = _run(
            base, key, "profile", traffic, timed=True, server=child.pid, mode="profile"
        )
        from watchkeeper.service import MonitoringService, Settings
        from watchkeeper.store import Store

        service = MonitoringService(Store(url), Settings(database_url=url))
        close0 = time.process_time()
        closed = service.close_windows("profile", now=T0 + timedelta(days=2))
        close_cpu = time.process_time() - close0
        windows = {w.start for w in closed}
        rows = sum(w.n_records for w in closed if w.segment is None)
        grown = _db_bytes(path) - size0
        server_cpu = _child_cpu(child.pid) - server0
        results["profile"].update(
            windows=len(windows),
            rows_in_windows=rows,
            store_bytes_per_window=round(grown / len(windows)),
            server_ingest_cpu_s_per_window=round(server_cpu / len(windows), 3),
            close_cpu_s_per_window=round(close_cpu / len(windows), 3),
        )
        service.store.close()
        records = _Traffic(min(n, args.records), args.hours)
        small = _Traffic(max(1, len(records) // 5), args.hours)
        before = _db_bytes(path)
        results["records-arrow"] = _run(
            base, key, "arrow", records, timed=False, server=child.pid, wire="arrow"
        )
        # Record mode keeps a row and a feature cell per prediction (until retention).
        grown = _db_bytes(path) - before
        results["records-arrow"]["store_bytes_per_million"] = round(grown / len(records) * 1e6)
        results["records-json"] = _run(
            base, key, "json", small, timed=False, server=child.pid, wire="json"
        )
    finally:
        child.terminate()
        child.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)
    results["load_average_1min"] = round(os.getloadavg()[0], 2)
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
