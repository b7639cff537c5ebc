"""Ingestion throughput of the monitoring service, into SQLite and PostgreSQL.

    python bench/bench_ingest.py [--batches 60] [--backend sqlite|postgresql|both] [--json OUT]
    python bench/bench_ingest.py --quick   # 20 batches per backend

Calls ``MonitoringService.ingest_predictions`` directly (no HTTP) with Arrow batches of
1,000 records of 20 numeric features, an id, a timestamp, a prediction, a score and a
latency, in event-time order (each batch the next 10 seconds, as live traffic). Every
call returns only after its batch is committed (SQLite: WAL with synchronous=FULL, so
one fsync per batch; PostgreSQL: its default synchronous_commit=on). Batches are built
before the clock starts. Reported: records per second of wall time and of this
process's CPU time, and the wall time per batch (median, p95). The SQLite file lives
in a temporary directory; PostgreSQL uses a schema of its own
(WATCHKEEPER_BENCH_POSTGRES_URL, default the trust-auth server on 127.0.0.1:5432,
database ``test``) dropped at the end.

No peer is run: Evidently, NannyML and whylogs have no ingestion service to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

N_FEATURES = 20
BATCH = 1000
POSTGRES = os.environ.get(
    "WATCHKEEPER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def make_batches(n_batches: int, seed: int = 0) -> list[pa.Table]:
    rng = np.random.default_rng(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    batches = []
    for b in range(n_batches):
        # Live traffic: each batch is the next 10 seconds of event time.
        offsets = np.sort(rng.integers(b * 10_000_000, (b + 1) * 10_000_000, BATCH))
        stamps = pa.array(
            [start + timedelta(microseconds=int(o)) for o in offsets], pa.timestamp("us", "UTC")
        )
        columns: dict[str, Any] = {
            "id": pa.array([f"b{b}-r{i}" for i in range(BATCH)], pa.string()),
            "timestamp": stamps,
            "prediction": rng.integers(0, 2, BATCH),
            "score": rng.random(BATCH),
            "latency_ms": rng.gamma(2.0, 5.0, BATCH),
        }
        for f in range(N_FEATURES):
            columns[f"feature.f{f}"] = rng.normal(0, 1, BATCH)
        batches.append(pa.table(columns))
    return batches


def run(url: str, batches: list[pa.Table]) -> dict[str, Any]:
    store = Store(url)
    service = MonitoringService(store, Settings())
    schema = {"features": {f"f{f}": "numeric" for f in range(N_FEATURES)}}
    service.create_model("bench", "binary_classification", schema)
    service.create_version("bench", "v1", activate=True)
    service.ingest_predictions("bench", "v1", batches[0])  # warm caches and the connection
    per_batch = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    accepted = 0
    for batch in batches[1:]:
        t = time.perf_counter()
        accepted += service.ingest_predictions("bench", "v1", batch).accepted
        per_batch.append(time.perf_counter() - t)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    store.close()
    per_batch.sort()
    return {
        "records": accepted,
        "records_per_s_wall": round(accepted / wall),
        "records_per_s_cpu": round(accepted / cpu),
        "batch_ms_median": round(statistics.median(per_batch) * 1000, 2),
        "batch_ms_p95": round(per_batch[int(0.95 * (len(per_batch) - 1))] * 1000, 2),
    }


def run_postgres(batches: list[pa.Table]) -> dict[str, Any] | str:
    from sqlalchemy import create_engine, text

    schema = f"wk_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(POSTGRES)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        return f"skipped: no PostgreSQL at {POSTGRES} ({type(error).__name__})"
    try:
        return run(f"{POSTGRES}?options=-csearch_path%3D{schema}", batches)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=60, help="batches of 1,000 (default 60)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--json", help="write the figures here as JSON")
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, for a smoke run: 20 batches"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.batches = min(args.batches, 20)
    batches = make_batches(args.batches + 1)
    results: dict[str, Any] = {
        "batch_size": BATCH,
        "features": N_FEATURES,
        "batches": args.batches,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as directory:
            results["sqlite"] = run(f"sqlite:///{Path(directory) / 'bench.db'}", batches)
    if args.backend in ("postgresql", "both"):
        results["postgresql"] = run_postgres(batches)
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
