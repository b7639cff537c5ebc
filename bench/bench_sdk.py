"""SDK overhead on the caller's thread: what one ``log_prediction`` costs the host application.

    python bench/bench_sdk.py [--quick] [--calls N] [--json OUT]

The SDK's background thread sends to a fake server (``http.server`` on loopback, in a
child process, so that it does not share this process's GIL: a real server never
does). Each call is timed alone on the caller's thread with ``perf_counter_ns`` and the
figures are the percentiles of those times, garbage collection left on. Records have
20 numeric features, a prediction, a score and a latency, as in ``bench_ingest.py``.

Scenarios:

* ``paced``: 10,000 calls per second, the caller busy between calls (a CPU-bound
  predict function), while the worker encodes and posts batches: the usual case;
* ``burst``: calls back to back as fast as the caller can make them, far beyond what
  the worker can send: the queue fills, the oldest records are dropped (counted), and
  the caller must still not wait;
* ``monitor``: a trivial predict function wrapped by ``@monitor``, paced as above
  (the decorator's input handling plus ``log_prediction``).

Peers, timed the same way in the same run:

* ``logging.QueueHandler``: the standard library's non-blocking logging path (a
  ``QueueListener`` thread serialises each event to JSON), which a team would otherwise
  use to ship prediction events;
* ``httpx.post`` per prediction: logging without an SDK, one synchronous request each
  (fewer calls: it is slow).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import logging.handlers
import os
import queue
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from watchkeeper.client import Client, monitor

N_FEATURES = 20
RATE = 10_000  # calls per second in the paced scenarios
TARGET_P99_US = 50.0


def serve(port: int) -> None:
    """The fake server (child process): answers every POST as accepted."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in two writes: without this, Nagle's algorithm and
            # the client's delayed ACK add 40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            n = len(body.get("records") or body.get("labels") or body.get("points") or [])
            data = json.dumps({"accepted": n, "duplicates": 0, "rejected": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.post(f"{url}/ping", json={}, timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the fake server did not start")


def features(i: int) -> dict[str, float]:
    return {f"f{k}": (i * 31 + k) % 97 / 7.0 for k in range(N_FEATURES)}


def timed(call: Callable[[int], Any], n: int, rate: float | None) -> list[int]:
    """Nanoseconds of each of ``n`` calls; with a rate, busy-wait between calls."""
    times = [0] * n
    interval = 0 if rate is None else int(1e9 / rate)
    clock = time.perf_counter_ns
    next_at = clock()
    for i in range(n):
        if interval:
            next_at += interval
            while clock() < next_at:
                pass
        start = clock()
        call(i)
        times[i] = clock() - start
    return times


def summary(name: str, times: list[int], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    us = sorted(t / 1000 for t in times)
    n = len(us)
    figures = {
        "scenario": name,
        "calls": n,
        "p50_us": round(us[n // 2], 2),
        "p99_us": round(us[min(n - 1, int(n * 0.99))], 2),
        "p999_us": round(us[min(n - 1, int(n * 0.999))], 2),
        "max_us": round(us[-1], 1),
        "mean_us": round(statistics.fmean(us), 2),
    }
    figures.update(extra or {})
    return figures


def bench_sdk(url: str, calls: int) -> list[dict[str, Any]]:
    results = []
    rows = [features(i) for i in range(256)]
    for name, rate in (("paced", RATE), ("burst", None)):
        client = Client(url, "bench-key", model="bench", version="v1")
        log = client.log_prediction

        def call(i: int, log: Any = log) -> Any:
            return log(rows[i & 255], i & 1, score=0.5, latency_ms=1.0)

        started = time.perf_counter()
        times = timed(call, calls, rate)
        elapsed = time.perf_counter() - started
        client.close(timeout=60)
        stats = client.stats
        results.append(
            summary(
                f"watchkeeper {name}",
                times,
                {
                    "calls_per_s": round(calls / elapsed),
                    "sent": stats.sent,
                    "dropped": stats.dropped,
                    "failed": stats.failed,
                },
            )
        )
    client = Client(url, "bench-key", model="bench", version="v1")

    @monitor(client)
    def predict(row: dict[str, float]) -> int:
        return 1

    times = timed(lambda i: predict(rows[i & 255]), calls, RATE)
    client.close(timeout=60)
    results.append(summary("watchkeeper @monitor paced", times, {"sent": client.stats.sent}))
    return results


class _JsonLines(logging.Handler):
    """The QueueListener's end: one JSON line per event, written to /dev/null."""

    def __init__(self) -> None:
        super().__init__()
        self.stream = open(os.devnull, "w")  # noqa: SIM115 (closed in close())

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(json.dumps(record.__dict__.get("prediction")) + "\n")

    def close(self) -> None:
        self.stream.close()
        super().close()


def bench_logging_peer(calls: int) -> dict[str, Any]:
    events: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    sink = _JsonLines()
    listener = logging.handlers.QueueListener(events, sink)
    peer = logging.getLogger("bench.predictions")
    peer.propagate = False
    peer.setLevel(logging.INFO)
    peer.addHandler(logging.handlers.QueueHandler(events))
    listener.start()
    rows = [features(i) for i in range(256)]

    def call(i: int) -> None:
        event = {"features": rows[i & 255], "prediction": i & 1, "score": 0.5, "latency_ms": 1.0}
        peer.info("prediction", extra={"prediction": event})

    times = timed(call, calls, RATE)
    listener.stop()
    sink.close()
    return summary("peer logging.QueueHandler paced", times)


def bench_httpx_peer(url: str, calls: int) -> dict[str, Any]:
    rows = [features(i) for i in range(256)]
    with httpx.Client(base_url=url) as http:

        def call(i: int) -> None:
            record = {"id": str(i), "timestamp": "2024-05-01T12:00:00Z", "features": rows[i & 255]}
            http.post("/v1/models/bench/predictions", json={"version": "v1", "records": [record]})

        times = timed(call, calls, None)
    return summary("peer httpx.post per prediction", times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 calls per scenario")
    parser.add_argument("--calls", type=int, default=None, help="calls per scenario")
    parser.add_argument("--json", help="write the figures here as JSON")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    calls = args.calls or (20_000 if args.quick else 200_000)
    process, url = start_server()
    try:
        gc.collect()
        results = bench_sdk(url, calls)
        results.append(bench_logging_peer(calls))
        results.append(bench_httpx_peer(url, max(200, calls // 100)))
    finally:
        process.kill()
        process.wait()
    load = os.getloadavg()
    print(f"SDK overhead on the caller's thread ({os.cpu_count()} CPUs, load {load[0]:.2f}):")
    header = (
        f"{'scenario':34} {'calls':>8} {'p50 us':>8} {'p99 us':>8} {'p99.9 us':>9} {'max us':>9}"
    )
    print(header)
    for row in results:
        print(
            f"{row['scenario']:34} {row['calls']:>8} {row['p50_us']:>8} {row['p99_us']:>8} "
            f"{row['p999_us']:>9} {row['max_us']:>9}"
        )
    for row in results:
        if "dropped" in row:
            print(
                f"{row['scenario']}: {row.get('calls_per_s', '?')} calls/s, sent {row['sent']}, "
                f"dropped {row['dropped']}, failed {row['failed']}"
            )
    worst = max(row["p99_us"] for row in results if row["scenario"].startswith("watchkeeper"))
    verdict = "meets" if worst <= TARGET_P99_US else "MISSES"
    print(f"worst watchkeeper p99: {worst} us ({verdict} the {TARGET_P99_US:.0f} us target)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
