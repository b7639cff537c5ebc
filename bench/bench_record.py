"""Record mode end to end: SDK -> ``watchkeeper serve`` -> SQLite, predictions per second.

    python bench/bench_record.py [--records N] [--only NAME,...] [--json OUT]
    python bench/bench_record.py --quick   # 20,000 predictions per scenario

Each scenario gets a fresh ``watchkeeper serve`` (its own process, one uvicorn worker, an
API key with the ``ingest`` scope, a SQLite file in WAL mode with ``synchronous=FULL``)
and a fresh model of 20 numeric features. The clock starts at the first
``log_prediction`` and stops when ``close()`` has returned, that is when every record
has been acknowledged by the server (a 200 means committed); the rows are then counted
in the SQLite file. CPU is read separately for this process (the SDK: caller plus
background thread) and for the server process (``/proc/<pid>/stat``).

Scenarios, in the same run:

* ``sdk arrow``: ``Client(..., wire="arrow")`` (the default), ``log_prediction`` per record;
* ``sdk json``: the same with ``wire="json"``;
* ``httpx arrow`` / ``httpx json``: the raw HTTP ceiling: bodies of the same records
  built before the clock starts, posted back to back with one ``httpx.Client``;
* ``sqlite3 executemany``: the floor of the store itself, no HTTP and no validation:
  the same record rows and one Arrow feature blob per batch, inserted with the standard
  library's ``sqlite3`` into a store of the same schema, one transaction per batch.

Reported: predictions per second (wall), client CPU seconds per million predictions,
server CPU seconds per million, "CPU-bound" predictions per second (predictions over
client plus server CPU seconds: the rate if nothing else wanted the cores and the two
processes never overlapped, a figure that a loaded machine disturbs far less than the
wall clock), and each scenario's ratio of wall rates to the raw HTTP ceiling of the same
wire. ``--base-src DIR`` runs the SDK and the server from another source tree (e.g. an
older commit unpacked with ``git archive``) for a before/after in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

N_FEATURES = 20
BATCH = 1000  # records per body in the raw HTTP and sqlite3 scenarios
_TICK = os.sysconf("SC_CLK_TCK")
SDK_OPTIONS: dict[str, Any] = {}  # --sdk-batch


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``watchkeeper serve`` on a SQLite file in ``directory``, with an ingest key."""

    def __init__(self, directory: Path) -> None:
        self.db = directory / "wk.db"
        self.env = {**os.environ, "WATCHKEEPER_DATABASE_URL": f"sqlite:///{self.db}"}
        cli = [sys.executable, "-m", "watchkeeper"]
        made = subprocess.run(
            [*cli, "keys", "create", "--scope", "admin", "--json", "-"],
            env=self.env, cwd=directory, capture_output=True, text=True, check=True,
        )  # fmt: skip
        self.key = json.loads(made.stdout)["key"]
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        options = ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        self.process = subprocess.Popen(
            [*cli, "serve", *options], env=self.env, cwd=directory, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            self.stop()
            raise SystemExit("the server did not start")
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as http:
            schema = {"features": {f"f{k}": "numeric" for k in range(N_FEATURES)}}
            model = {"name": "bench", "task": "binary_classification", "schema": schema}
            http.post("/v1/models", json=model).raise_for_status()
            version = {"version": "v1", "activate": True}
            http.post("/v1/models/bench/versions", json=version).raise_for_status()

    def stored(self) -> int:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM wk_records").fetchone()[0])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def features(i: int) -> dict[str, float]:
    return {f"f{k}": (i * 31 + k) % 97 / 7.0 for k in range(N_FEATURES)}


def _measure(server: Server, work: Callable[[], dict[str, Any]], n: int) -> dict[str, Any]:
    server_cpu0, cpu0, wall0 = (
        cpu_seconds(server.process.pid),
        time.process_time(),
        time.perf_counter(),
    )
    extra = work()
    wall = time.perf_counter() - wall0
    client_cpu = time.process_time() - cpu0
    server_cpu = cpu_seconds(server.process.pid) - server_cpu0
    stored = server.stored()
    return {
        "predictions": n,
        "stored": stored,
        "wall_s": round(wall, 3),
        "predictions_per_s": round(stored / wall),
        "client_cpu_s_per_million": round(client_cpu / n * 1e6, 1),
        "server_cpu_s_per_million": round(server_cpu / n * 1e6, 1),
        "cpu_bound_per_s": round(n / (client_cpu + server_cpu)),
        **extra,
    }


def sdk(server: Server, n: int, wire: str) -> dict[str, Any]:
    from watchkeeper.client import Client

    rows = [features(i) for i in range(256)]

    def work() -> dict[str, Any]:
        client = Client(
            server.url, server.key, model="bench", version="v1", wire=wire,
            max_queue=n + 1, host_metrics_interval=None, **SDK_OPTIONS,
        )  # fmt: skip
        log = client.log_prediction
        started = time.perf_counter()
        for i in range(n):
            log(rows[i & 255], i & 1, score=0.5, latency_ms=1.0)
        logged = time.perf_counter() - started
        done = client.close(timeout=600)
        stats = client.stats
        return {"logging_s": round(logged, 3), "closed_in_time": done, "sent": stats.sent,
                "dropped": stats.dropped, "failed": stats.failed,
                "rejected": stats.rejected}  # fmt: skip

    return _measure(server, work, n)


def bodies(n: int, wire: str) -> list[tuple[str, bytes, dict[str, str]]]:
    """The same records as the SDK sends, prebuilt in batches of :data:`BATCH`."""
    from watchkeeper.client._arrow import ARROW_MEDIA_TYPE, encode_arrow
    from watchkeeper.client._encode import PREDICTION, dumps, encode_prediction

    rows = [features(i) for i in range(256)]
    now = time.time()
    out = []
    for start in range(0, n, BATCH):
        items = [
            (
                PREDICTION,
                "bench",
                "v1",
                f"raw-{i}",
                now,
                rows[i & 255],
                i & 1,
                0.5,
                1.0,
                False,
                None,
            )
            for i in range(start, min(n, start + BATCH))
        ]
        if wire == "arrow":
            body = encode_arrow(items)
            assert body is not None
            out.append(("/v1/models/bench/predictions?version=v1", body,
                        {"Content-Type": ARROW_MEDIA_TYPE}))  # fmt: skip
        else:
            records = [encode_prediction(item) for item in items]
            body = dumps({"version": "v1", "records": records})
            out.append(("/v1/models/bench/predictions", body,
                        {"Content-Type": "application/json"}))  # fmt: skip
    return out


def raw_http(server: Server, n: int, wire: str) -> dict[str, Any]:
    posts = bodies(n, wire)
    headers = {"Authorization": f"Bearer {server.key}"}

    def work() -> dict[str, Any]:
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            for path, body, head in posts:
                http.post(path, content=body, headers=head).raise_for_status()
        return {"batch": BATCH}

    return _measure(server, work, n)


def sqlite_floor(server: Server, n: int) -> dict[str, Any]:
    """The store's own floor: the same rows and blobs through ``sqlite3``, no HTTP."""
    import pyarrow as pa

    from watchkeeper.service._ingest import table_to_ipc
    from watchkeeper.store._repo_records import _SQLITE_INSERT_FOR

    server.stop()  # one writer: the server is only here for its migrated schema
    with sqlite3.connect(server.db) as db:
        model_id, version_id = db.execute("SELECT model_id, id FROM wk_versions").fetchone()
    now_us = int(time.time() * 1e6)
    window = now_us - now_us % 3_600_000_000
    rows = [features(i) for i in range(256)]
    batches = []
    for start in range(0, n, BATCH):
        ids = [f"sql-{i}" for i in range(start, min(n, start + BATCH))]
        records = [(rid, now_us, window, "", "1", 0.5, None, 1.0, False) for rid in ids]
        table = pa.table({
            "id": ids, "window_start": pa.array([window] * len(ids), pa.int64()),
            "segment": [""] * len(ids),
            **{f"f{k}": [rows[i & 255][f"f{k}"] for i in range(len(ids))]
               for k in range(N_FEATURES)},
        })  # fmt: skip
        batches.append((records, table_to_ipc(table)))
    db = sqlite3.connect(server.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    insert = _SQLITE_INSERT_FOR.format(model_id=model_id, version_id=version_id)
    blob = (
        "INSERT INTO wk_window_data (model_id, version_id, window_start, n_rows, data) "
        "VALUES (?, ?, ?, ?, ?)"
    )

    def work() -> dict[str, Any]:
        for records, data in batches:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(insert, records)
            db.execute(blob, (model_id, version_id, window, len(records), data))
            db.execute("COMMIT")
        return {"batch": BATCH}

    cpu0, wall0 = time.process_time(), time.perf_counter()
    extra = work()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    db.close()
    with sqlite3.connect(server.db) as check:
        stored = int(check.execute("SELECT count(*) FROM wk_records").fetchone()[0])
    return {
        "predictions": n,
        "stored": stored,
        "wall_s": round(wall, 3),
        "predictions_per_s": round(stored / wall),
        "client_cpu_s_per_million": round(cpu / n * 1e6, 1),
        "server_cpu_s_per_million": 0.0,
        "cpu_bound_per_s": round(n / cpu),
        **extra,
    }


def before(args: argparse.Namespace, name: str) -> dict[str, Any]:
    """``name`` run by this script in a child whose SDK and server come from ``--base-src``."""
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "before.json"
        command = [sys.executable, __file__, "--only", name, "--records", str(args.records),
                   "--batch", str(args.batch), "--json", str(out)]  # fmt: skip
        if args.sdk_batch:
            command += ["--sdk-batch", str(args.sdk_batch)]
        env = {**os.environ, "PYTHONPATH": str(Path(args.base_src).resolve())}
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        row: dict[str, Any] = json.loads(out.read_text())[name]
    print(f"before: {name}", row, flush=True)
    return row


SCENARIOS: dict[str, Callable[[Server, int], dict[str, Any]]] = {
    "sdk arrow": lambda s, n: sdk(s, n, "arrow"),
    "sdk json": lambda s, n: sdk(s, n, "json"),
    "httpx arrow": lambda s, n: raw_http(s, n, "arrow"),
    "httpx json": lambda s, n: raw_http(s, n, "json"),
    "sqlite3 executemany": sqlite_floor,
}


def main(argv: list[str] | None = None) -> int:
    global BATCH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000, help="predictions per scenario")
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--batch", type=int, default=1000, help="records per raw body")
    parser.add_argument("--sdk-batch", type=int, help="the SDK's batch_size (default its own)")
    parser.add_argument("--json", help="write the figures here as JSON")
    parser.add_argument("--base-src", help="also run each scenario from this source tree first")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes, for a smoke run: 20,000 predictions per scenario",
    )
    args = parser.parse_args(argv)
    if args.quick:
        # Each scenario starts its own server (seconds), so fewer records barely shorten it.
        args.records = min(args.records, 20_000)
    BATCH = args.batch
    if args.sdk_batch:
        SDK_OPTIONS["batch_size"] = args.sdk_batch
    names = list(SCENARIOS) if not args.only else [s.strip() for s in args.only.split(",")]
    results: dict[str, Any] = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    shown: list[str] = []
    for name in names:
        if args.base_src and "sqlite" not in name:
            results[f"before: {name}"] = before(args, name)
            shown.append(f"before: {name}")
        shown.append(name)
        with tempfile.TemporaryDirectory() as directory:
            server = Server(Path(directory))
            try:
                results[name] = SCENARIOS[name](server, args.records)
            finally:
                if server.process.poll() is None:
                    server.stop()
        print(name, results[name], flush=True)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    load = f"{results['load_average_before']} -> {results['load_average_after']}"
    print(f"\n{os.cpu_count()} CPUs, load {load}; {args.records:,} predictions per scenario")
    print(
        f"{'scenario':30} {'pred/s':>9} {'client CPU s/M':>15} {'server CPU s/M':>15} "
        f"{'CPU-bound pred/s':>17} ratio"
    )
    for name in shown:
        row = results[name]
        wire = "arrow" if "arrow" in name else "json"
        head = "before: " if name.startswith("before: ") else ""
        ceiling = results.get(f"{head}httpx {wire}", {}).get("predictions_per_s")
        ratio = (
            f"{row['predictions_per_s'] / ceiling:.2f}" if ceiling and "sqlite" not in name else ""
        )
        print(
            f"{name:30} {row['predictions_per_s']:>9,} {row['client_cpu_s_per_million']:>15} "
            f"{row['server_cpu_s_per_million']:>15} {row['cpu_bound_per_s']:>17,} {ratio:>5}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
