"""The service boundary under hostile traffic (issue 13, SECURITY.md).

    python bench/bench_security.py [--floods 4] [--json OUT] [--quick]

Starts the real server (``python -m watchkeeper serve``, keys on, SQLite in a temporary
directory) and measures:

1. ``/healthz`` round trips over one keep-alive connection, idle and while ``--floods``
   threads each POST unauthenticated 12 MB bodies to the ingest route (refused with a
   401 from the headers, before the body is read);
2. each hostile body of ``tests/security/_probes.py`` (out-of-bounds offsets, zstd and
   parquet bombs): its size, the answer, the time to refuse it, and the server's peak
   resident memory before and after (VmHWM from /proc).

Client and server share the machine's cores; on a busy machine the tail is time spent
waiting for a core.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security import _probes  # noqa: E402
from tests.security._live import LiveServer, start_server  # noqa: E402


def _latencies(client: httpx.Client, base: str, until: threading.Event | int) -> list[float]:
    out = []
    while (not until.is_set()) if isinstance(until, threading.Event) else len(out) < until:
        started = time.perf_counter()
        client.get(f"{base}/healthz", timeout=30)
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def _summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": values[len(values) // 2], "max_ms": values[-1]}


def _health(server: LiveServer, floods: int) -> dict[str, Any]:
    body = b"[" * 12_000_000

    def flood() -> None:
        for _ in range(5):
            # The server closes the connection after its 401, possibly mid-upload.
            with contextlib.suppress(httpx.TransportError):
                httpx.post(
                    f"{server.base}/v1/models/churn/predictions", content=body, timeout=60,
                    headers={"Content-Type": "application/json"},
                )  # fmt: skip

    with httpx.Client() as client:
        idle = _latencies(client, server.base, 50)
        done = threading.Event()
        threads = [threading.Thread(target=flood) for _ in range(floods)]
        for thread in threads:
            thread.start()
        watcher = threading.Thread(target=lambda: ([t.join() for t in threads], done.set()))
        watcher.start()
        busy = _latencies(client, server.base, done)
    return {"idle": _summary(idle), "during_floods": _summary(busy)}


def _probes_run(server: LiveServer) -> list[dict[str, Any]]:
    rows = []
    for name in ("bad_offsets", "zstd_rows_bomb", "zstd_bytes_bomb", "parquet_rows_bomb",
                 "parquet_size_bomb"):  # fmt: skip
        body = getattr(_probes, name)()
        media = "application/vnd.apache.parquet" if "parquet" in name else (
            "application/vnd.apache.arrow.stream")  # fmt: skip
        before = server.peak_rss_mib()
        started = time.perf_counter()
        answer = httpx.post(
            f"{server.base}/v1/models/churn/predictions?version=v1", content=body, timeout=120,
            headers=server.headers("ingest", **{"Content-Type": media}),
        )  # fmt: skip
        rows.append({
            "probe": name, "bytes": len(body), "status": answer.status_code,
            "limit": answer.json()["errors"][0]["type"],
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "peak_rss_mib": [round(before), round(server.peak_rss_mib())],
        })  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floods", type=int, default=4)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, for a smoke run: 2 flood threads"
    )
    args = parser.parse_args()
    if args.quick:
        args.floods = min(args.floods, 2)
    server = start_server(Path(tempfile.mkdtemp()))
    try:
        result = {"healthz": _health(server, args.floods), "probes": _probes_run(server)}
        result["alive_after"] = server.alive()
    finally:
        server.stop()
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
