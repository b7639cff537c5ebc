"""Issue 16 item 7 for real: 1,000,000,000 predictions (20 features, 3 segments, 1,000
hourly windows) fed as SDK profiles to a real ``watchkeeper serve``, at constant memory.

    python bench/bench_billion.py [--quick] [--n N] [--windows W] [--database-url URL]
                                  [--stop-at HH:MM] [--json OUT]

Per (window, segment) the rows are generated as one numpy chunk (bench/_billion.py) and
profiled exactly as the SDK's profile mode does (the same ``ProfileBuilder`` on the
reference bins fetched from the server, the same ``Operations`` and headers), then
posted to ``POST /v1/models/billion/profiles``; after each window's three posts the
window is closed with ``POST .../windows/close``. Measured per window: client CPU
(generating and profiling apart), server CPU (psutil on the server's pid) for the posts
and for the close, the close's wall time and the store's size (SQLite file and WAL, or
the PostgreSQL schema's tables). At the end the windows' ``n_records`` read through the
API must add up to N exactly (all traffic, and the three segments).

Before the feed, the same traffic's first hour (one window's share) goes through the
real SDK twice: ``Client(mode="profile").log_predictions`` and record mode
(``Client(wire="arrow")``), each into a model of its own, with client CPU, server CPU,
store growth and the close measured the same way; and whylogs (the peer, in
bench/.venvs/whylogs when it is there) profiles the first window's chunks.

``--stop-at`` (UTC) stops feeding new windows at that time; the figures then cover the
windows fed, and say so. Run it niced (``nice -n 10``) on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _billion as b
import _harness as h
import httpx

from watchkeeper.profile import Profile

SERIES = ("gen_cpu", "profile_cpu", "post_wall", "ingest_cpu", "close_cpu", "close_wall")
SDK_FLUSH_ROWS = 200_000
SDK_TABLE_ROWS = 50_000


def _prepare(url: str) -> str:
    import numpy as np
    import pyarrow as pa

    from watchkeeper.service import MonitoringService, Settings
    from watchkeeper.store import Store

    service = MonitoringService(Store(url), Settings(database_url=url))
    rng = np.random.default_rng(0)
    reference = pa.table({name: rng.normal(0, 1, 10_000) for name in b.NAMES})
    for model in ("billion", "sdk", "records"):
        service.create_model(model, "binary_classification", dict.fromkeys(b.NAMES, "numeric"))
        service.create_version(model, "v1", reference=reference, activate=True)
    key = service.create_api_key(["ingest", "read", "admin"], name="bench")[1]
    service.store.close()
    return key


def _close(http: httpx.Client, server: b.Server, model: str, window: int) -> tuple[float, float]:
    """Close ``window`` of ``model``; (server CPU, wall) of the close."""
    cpu0, wall0 = server.cpu(), time.perf_counter()
    answer = http.post(
        f"/v1/models/{model}/windows/close", json={"now": b.window_end(window).isoformat()}
    )
    answer.raise_for_status()
    return server.cpu() - cpu0, time.perf_counter() - wall0


def _sdk(
    base: str, key: str, server: b.Server, url: str, http: httpx.Client, rows: int, **options: Any
) -> dict[str, Any]:
    """The first window's traffic through the real SDK into model ``options['model']``."""
    from watchkeeper.client import Client

    model = options.pop("model")
    client = Client(
        base, key, model=model, version="v1", host_metrics_interval=None, batch_size=5000,
        timeout=120, max_queue=SDK_FLUSH_ROWS + SDK_TABLE_ROWS + 1, **options,
    )  # fmt: skip
    parts = list(b.chunks(0, rows))
    size0, server0 = b.store_bytes(url), server.cpu()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    since_flush = 0
    for part in parts:
        for start in range(0, part.rows, SDK_TABLE_ROWS):
            stop = min(part.rows, start + SDK_TABLE_ROWS)
            client.log_predictions(
                b.arrow_rows(part, start, stop), feature_columns=b.NAMES, segment_columns=["region"]
            )
            since_flush += stop - start
            if since_flush >= SDK_FLUSH_ROWS:
                assert client.flush(1200), "flush timed out"
                since_flush = 0
    assert client.flush(1200), "flush timed out"
    wall = time.perf_counter() - wall0
    client.close()
    cpu = time.process_time() - cpu0
    ingest_cpu = server.cpu() - server0
    grown = b.store_bytes(url) - size0
    close_cpu, close_wall = _close(http, server, model, 0)
    counted = _counts(http, model)
    return {
        "predictions": rows,
        "stored_n_records": counted["all"],
        "sent": client.stats.sent,
        "failed": client.stats.failed,
        "dropped": client.stats.dropped,
        "wall_s": round(wall, 2),
        "predictions_per_s_wall": round(rows / wall),
        "client_cpu_s": round(cpu, 2),
        "client_cpu_s_per_million": round(cpu / rows * 1e6, 2),
        "server_ingest_cpu_s": round(ingest_cpu, 2),
        "server_close_cpu_s": round(close_cpu, 3),
        "close_wall_s": round(close_wall, 3),
        "store_bytes_before_close": grown,
        "store_bytes_after_close": b.store_bytes(url) - size0,
    }


def _counts(http: httpx.Client, model: str) -> dict[str, int]:
    """Sum of ``n_records`` of the model's windows through the API, per segment."""
    answer = http.get(f"/v1/models/{model}/windows", params={"limit": 10_000})
    answer.raise_for_status()
    totals: dict[str, int] = {}
    for window in answer.json()["windows"]:
        segment = window["segment"] or "all"
        totals[segment] = totals.get(segment, 0) + int(window["n_records"] or 0)
    totals["windows"] = len(answer.json()["windows"])
    return totals


def _whylogs(rows: int) -> dict[str, Any] | None:
    """whylogs profiling the first window's chunks (the peer), in its own venv."""
    python = h.VENVS_DIR / "whylogs" / "bin" / "python"
    if not python.exists():
        return None
    script = h.BENCH_DIR / "peers" / "whylogs_chunks.py"
    command = [str(python), str(script), str(rows), str(b.SEED), str(len(b.SEGMENTS))]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _feed(
    args: argparse.Namespace, key: str, server: b.Server, http: httpx.Client, url: str
) -> dict[str, Any]:
    reference_answer = http.get("/v1/models/billion/versions/v1/reference-profile")
    reference_answer.raise_for_status()
    reference = Profile.from_bytes(reference_answer.content)
    per_window = args.n // args.windows
    stop_at = _stop_at(args.stop_at)
    series: dict[str, list[float]] = {
        k: []
        for k in ("gen_cpu", "profile_cpu", "post_wall", "ingest_cpu", "close_cpu", "close_wall")
    }
    store: list[tuple[int, int]] = [(0, b.store_bytes(url))]
    load: list[tuple[int, float]] = []
    prefix = uuid.uuid4().hex[:12]
    body_bytes = 0
    wall0 = time.perf_counter()
    fed = 0
    for w in range(args.windows):
        if stop_at is not None and time.time() >= stop_at:
            break
        gen = prof = post = ingest = 0.0
        for s, rows in enumerate(b.segment_rows(per_window)):
            t = time.process_time()
            part = b.chunk(w, s, rows)
            t1 = time.process_time()
            path, body, headers = b.profile_post(reference, part, "billion", f"{prefix}-{w}-{s}")
            t2 = time.process_time()
            gen, prof = gen + t1 - t, prof + t2 - t1
            body_bytes += len(body)
            cpu0, wall = server.cpu(), time.perf_counter()
            http.post(path, content=body, headers=headers).raise_for_status()
            post += time.perf_counter() - wall
            ingest += server.cpu() - cpu0
            del part
        close_cpu, close_wall = _close(http, server, "billion", w)
        for name, value in zip(
            series, (gen, prof, post, ingest, close_cpu, close_wall), strict=True
        ):
            series[name].append(round(value, 4))
        fed = w + 1
        if fed % 10 == 0 or fed == args.windows:
            store.append((fed, b.store_bytes(url)))
            load.append((fed, round(os.getloadavg()[0], 2)))
            _progress(fed, wall0, series, store, server)
    wall = time.perf_counter() - wall0
    if store[-1][0] != fed:  # stopped by --stop-at between two samples
        store.append((fed, b.store_bytes(url)))
    counts = _counts(http, "billion")
    n_fed = fed * per_window
    sums = {name: round(sum(values), 2) for name, values in series.items()}
    return {
        "windows_fed": fed,
        "predictions_fed": n_fed,
        "stored_n_records": counts,
        "count_exact": counts.get("all") == n_fed
        and all(
            counts.get(f"region={s}") == rows * fed
            for s, rows in zip(b.SEGMENTS, b.segment_rows(per_window), strict=True)
        ),
        "wall_s": round(wall, 1),
        "cpu_s": sums,
        "client_profile_cpu_s_per_million": round(sums["profile_cpu"] / n_fed * 1e6, 3),
        "client_generate_cpu_s_per_million": round(sums["gen_cpu"] / n_fed * 1e6, 3),
        "server_ingest_cpu_s_per_window": round(sums["ingest_cpu"] / fed, 4),
        "server_close_cpu_s_per_window": round(sums["close_cpu"] / fed, 4),
        "close_wall_s_per_window": round(sums["close_wall"] / fed, 4),
        "profile_body_bytes_per_post": round(body_bytes / (fed * len(b.SEGMENTS))),
        "store_bytes": store,
        "store_bytes_per_window": round((store[-1][1] - store[0][1]) / fed),
        "load_average_1min": load,
        "server_rss_mib": round(server.rss() / 2**20),
        "series": series,
    }


def _progress(
    fed: int, wall0: float, series: dict[str, list[float]], store: list[tuple[int, int]],
    server: b.Server,
) -> None:  # fmt: skip
    last = {name: sum(values[-10:]) / 10 for name, values in series.items()}
    print(
        f"{datetime.now(UTC):%H:%M:%S} windows {fed} wall {time.perf_counter() - wall0:.0f}s "
        f"gen {last['gen_cpu']:.3f} prof {last['profile_cpu']:.3f} ingest {last['ingest_cpu']:.3f} "
        f"close {last['close_cpu']:.3f}/{last['close_wall']:.3f}s store {store[-1][1] / 1e6:.1f}MB "
        f"server {server.rss() / 2**20:.0f}MiB load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def _stop_at(text: str | None) -> float | None:
    if not text:
        return None
    hour, minute = (int(x) for x in text.split(":"))
    moment = datetime.now(UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment.timestamp()


def _database(url: str | None, workdir: Path) -> tuple[str, str | None]:
    """The store's URL; for PostgreSQL a schema of its own (dropped at the end)."""
    if not url:
        return f"sqlite:///{workdir / 'wk.db'}", None
    from sqlalchemy import create_engine, text

    schema = f"wk_billion_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", schema


def _drop(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2,000,000 over 10 windows; results in billion-quick-*.json",
    )
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--windows", type=int, default=None)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: SQLite)")
    parser.add_argument("--stop-at", default=None, help="HH:MM UTC: feed no window after")
    parser.add_argument("--skip-sdk", action="store_true", help="only the profile feed")
    parser.add_argument("--sdk-only", action="store_true", help="only the first hour via the SDK")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    # Quick: whylogs and both SDK modes also take the first window's rows, so the window
    # is 200,000 rows (10M over 10 windows took 100 s under load 5-7).
    args.n = args.n or (2_000_000 if args.quick else 1_000_000_000)
    args.windows = args.windows or (10 if args.quick else 1000)
    if args.n % args.windows:
        parser.error("--n must be a multiple of --windows")
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"wk-bench-billion-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    url, schema = _database(args.database_url, workdir)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        # A run from a snapshot (git archive) of a commit names it in BENCH_COMMIT.
        "commit": os.environ.get("BENCH_COMMIT")
        or subprocess.run(
            ["git", "-C", str(h.REPO_DIR), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
        "store": "postgresql" if schema else "sqlite",
        "n": args.n,
        "windows": args.windows,
        "rows_per_window": args.n // args.windows,
        "nice": os.nice(0),
        "quick": args.quick,
    }
    key = _prepare(url)
    server = b.Server(url, workdir / "server.log")
    headers = {"Authorization": f"Bearer {key}"}
    try:
        with httpx.Client(base_url=server.base, headers=headers, timeout=300) as http:
            rows = args.n // args.windows
            if not args.skip_sdk:
                results["whylogs_first_window"] = _whylogs(rows)
                print("whylogs", results["whylogs_first_window"], flush=True)
                results["sdk_profile_first_window"] = _sdk(
                    server.base, key, server, url, http, rows, model="sdk", mode="profile"
                )
                print("sdk profile", results["sdk_profile_first_window"], flush=True)
                results["sdk_records_first_window"] = _sdk(
                    server.base, key, server, url, http, rows, model="records", wire="arrow"
                )
                print("sdk records", results["sdk_records_first_window"], flush=True)
            if not args.sdk_only:
                results["feed"] = _feed(args, key, server, http, url)
    finally:
        server.stop()
        h.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        log_name = "billion-quick-server.log" if args.quick else "billion-server.log"
        shutil.copy(workdir / "server.log", h.RESULTS_DIR / log_name)
        if schema and args.database_url:
            _drop(args.database_url, schema)
        shutil.rmtree(workdir, ignore_errors=True)
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    text = json.dumps(results, indent=1)
    prefix = "billion-quick" if args.quick else "billion"
    out = args.json or h.RESULTS_DIR / f"{prefix}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    summary = {k: v for k, v in results.items() if k != "feed"}
    if "feed" in results:
        summary["feed"] = {k: v for k, v in results["feed"].items() if k != "series"}
    print(json.dumps(summary, indent=1))
    print(f"results: {out}")
    if "feed" in results and not results["feed"]["count_exact"]:
        sys.exit("the stored row count is not the number of predictions fed")


if __name__ == "__main__":
    main()
