"""HTTP ingestion throughput of ``watchkeeper serve``, JSON and Arrow bodies, SQLite and PostgreSQL.

    python bench/bench_server.py [--batches 30] [--backend sqlite|postgresql|both] [--json OUT]
    python bench/bench_server.py --quick   # 10 batches of each body per backend

Starts ``watchkeeper serve --dev`` (uvicorn, one process) on a free loopback port as a
subprocess, registers a model with 20 numeric features, and POSTs batches of 1,000
records (id, timestamp, 20 features, prediction, score, latency) one after the other
over one keep-alive connection, first as JSON, then as Arrow IPC streams (fresh ids,
the next 10 seconds of event time per batch). Bodies are encoded before the clock
starts; each answer arrives only after the batch is durable. Reported: records per
second of wall time and the wall time per batch (median, p95). Compare with
bench/bench_ingest.py (the service without HTTP) to see what the HTTP layer costs.
The SQLite file lives in a temporary directory; PostgreSQL uses a schema of its own
(WATCHKEEPER_BENCH_POSTGRES_URL, default 127.0.0.1:5432 database ``test``), dropped
at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa

N_FEATURES = 20
BATCH = 1000
POSTGRES = os.environ.get(
    "WATCHKEEPER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _database(backend: str, workdir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"wk_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _server(url: str, workdir: Path) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "watchkeeper.cli._serve", "--dev", "--port", str(port)]
    command += ["--log-level", "warning"]
    env = {**os.environ, "WATCHKEEPER_DATABASE_URL": url}
    process = subprocess.Popen(command, cwd=workdir, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _records(batch: int, rng: np.random.Generator) -> tuple[list[dict[str, Any]], pa.Table]:
    start = T0 + timedelta(seconds=10 * batch)
    values = rng.normal(size=(BATCH, N_FEATURES))
    ids = [f"b{batch}-{i}" for i in range(BATCH)]
    stamps = [start + timedelta(milliseconds=10 * i) for i in range(BATCH)]
    scores = rng.random(BATCH)
    rows = [
        {
            "id": ids[i],
            "timestamp": stamps[i].isoformat(),
            "features": {f"f{j}": float(values[i, j]) for j in range(N_FEATURES)},
            "prediction": int(scores[i] > 0.5),
            "score": float(scores[i]),
            "latency_ms": 5.0,
        }
        for i in range(BATCH)
    ]
    columns: dict[str, Any] = {
        "id": ids,
        "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
        "prediction": (scores > 0.5).astype(np.int64),
        "score": scores,
        "latency_ms": np.full(BATCH, 5.0),
    }
    columns.update({f"feature.f{j}": values[:, j] for j in range(N_FEATURES)})
    return rows, pa.table(columns)


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _run(base: str, bodies: list[bytes], content_type: str, query: str) -> dict[str, float]:
    times: list[float] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        started = time.perf_counter()
        for body in bodies:
            t = time.perf_counter()
            answer = client.post(
                f"/v1/models/bench/predictions{query}",
                content=body,
                headers={"Content-Type": content_type},
            )
            times.append(time.perf_counter() - t)
            if answer.status_code != 200 or answer.json()["accepted"] != BATCH:
                raise RuntimeError(f"unexpected answer {answer.status_code}: {answer.text[:300]}")
        wall = time.perf_counter() - started
    times.sort()
    return {
        "records_per_s": round(len(bodies) * BATCH / wall),
        "batch_ms_median": round(statistics.median(times) * 1000, 1),
        "batch_ms_p95": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
    }


def bench(backend: str, batches: int) -> dict[str, Any]:
    rng = np.random.default_rng(20261126)
    prepared = [_records(b, rng) for b in range(2 * batches)]
    json_bodies = [
        json.dumps({"version": "v1", "records": rows}).encode() for rows, _ in prepared[:batches]
    ]
    arrow_bodies = [_ipc(table) for _, table in prepared[batches:]]
    with (
        tempfile.TemporaryDirectory() as tmp,
        _database(backend, Path(tmp)) as url,
        _server(url, Path(tmp)) as base,
    ):
        if True:
            schema = {f"f{j}": "numeric" for j in range(N_FEATURES)}
            httpx.post(
                f"{base}/v1/models",
                json={"name": "bench", "task": "binary_classification", "schema": schema},
            ).raise_for_status()
            httpx.post(
                f"{base}/v1/models/bench/versions", json={"version": "v1", "activate": True}
            ).raise_for_status()
            result = {
                "json": _run(base, json_bodies, "application/json", ""),
                "arrow": _run(
                    base, arrow_bodies, "application/vnd.apache.arrow.stream", "?version=v1"
                ),
            }
    return {"backend": backend, "batches": batches, "batch_size": BATCH, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, for a smoke run: 10 batches"
    )
    args = parser.parse_args()
    if args.quick:
        args.batches = min(args.batches, 10)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = [bench(backend, args.batches) for backend in backends]
    for result in results:
        for body in ("json", "arrow"):
            figures = result[body]
            print(
                f"{result['backend']:<10} {body:<5} {figures['records_per_s']:>8} records/s  "
                f"batch median {figures['batch_ms_median']} ms, p95 {figures['batch_ms_p95']} ms"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
