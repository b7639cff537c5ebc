"""Dashboard load times with 100 models x 1,000 windows on SQLite.

    python bench/bench_dashboard.py [--models 100] [--windows 1000] [--repeat 7] [--json OUT]
    python bench/bench_dashboard.py --quick   # 20 models x 250 windows, 3 repeats

Seeds a SQLite store through the store's repository and tables (no window computation:
the points are what closed windows would have written): per model one active version,
``--windows`` closed hourly windows, and per window 5 features x (drift_score,
drift_detected, missing_share) plus drift_share, accuracy, row_count, label_coverage,
latency p50/p95/p99, throughput, error_rate, cpu and memory: 29 points per window,
2.9 million points for the default size. A third of the models have a firing alert.

Then, in-process through the ASGI app (Starlette's TestClient, so no network noise but all of
FastAPI, the session check, the service and SQLite), a signed-in admin fetches each page
and the chart data a browser would fetch for it, ``--repeat`` times; reported are the
median and p95 wall time per request, and the time of a whole page load: the HTML plus
every chart/sparkline request it triggers, one after the other (a browser overlaps
them, so this is an upper bound). There is no peer: Evidently's UI and Grafana are not
installable offline here, and Grafana needs a Prometheus in front.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

T0 = datetime(2024, 1, 1, tzinfo=UTC)
FEATURES = ("age", "income", "tenure", "plan", "region")
SCALARS = (
    "drift_share",
    "accuracy",
    "row_count",
    "label_coverage",
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "throughput_rps",
    "error_rate",
    "cpu_percent",
    "memory_bytes",
)


def seed(url: str, n_models: int, n_windows: int) -> Any:
    import numpy as np
    from sqlalchemy import insert

    from watchkeeper.store import Store
    from watchkeeper.store._tables import alerts, metric_points, windows

    store = Store(url)
    rng = np.random.default_rng(0)
    schema = {"features": dict.fromkeys(FEATURES, "numeric")}
    started = time.perf_counter()
    for m in range(n_models):
        name = f"model-{m:03d}"
        row = store.insert_model(name, "binary_classification", schema, T0, 3600)
        assert row is not None
        version = store.insert_version(row.id, "v1", reference=None, baseline={}, created_at=T0)
        assert version is not None
        store.activate(row.id, version.id, T0)
        window_rows = []
        points = []
        drift = np.clip(rng.normal(0.1, 0.05, (n_windows, len(FEATURES))), 0, 1)
        drift[n_windows // 2 :, 0] += 0.4 * (m % 3 == 0)
        for w in range(n_windows):
            start = T0 + timedelta(hours=w)
            end = start + timedelta(hours=1)
            values: dict[str, Any] = {
                "drift_share": float((drift[w] > 0.3).mean()),
                "accuracy": float(rng.normal(0.9, 0.02)),
                "row_count": 1000.0,
                "label_coverage": 0.8,
                "latency_p50_ms": float(rng.gamma(5, 2)),
                "latency_p95_ms": float(rng.gamma(10, 3)),
                "latency_p99_ms": float(rng.gamma(20, 3)),
                "throughput_rps": 0.28,
                "error_rate": float(rng.uniform(0, 0.02)),
                "cpu_percent": float(rng.uniform(10, 60)),
                "memory_bytes": float(rng.uniform(1e8, 2e8)),
            }
            summary: dict[str, Any] = dict(values)
            for name_metric in ("drift_score", "drift_detected", "missing_share"):
                summary[name_metric] = {}
            for f, feature in enumerate(FEATURES):
                score = float(drift[w, f])
                per = {
                    "drift_score": score,
                    "drift_detected": float(score > 0.3),
                    "missing_share": 0.01,
                }
                for metric, value in per.items():
                    summary[metric][feature] = value
                    points.append((name, "v1", metric, feature, "", start, end, value))
            points.extend((name, "v1", k, "", "", start, end, v) for k, v in values.items())
            window_rows.append(
                {
                    "model_id": row.id,
                    "version_id": version.id,
                    "segment": "",
                    "start": start,
                    "end": end,
                    "status": "closed",
                    "n_records": 1000,
                    "n_labels": 800,
                    "needs_recompute": False,
                    "closed_at": end,
                    "metrics": summary,
                }
            )
        names = (
            "model",
            "version",
            "metric",
            "feature",
            "segment",
            "window_start",
            "window_end",
            "value",
        )
        with store.begin() as connection:
            connection.execute(insert(windows), window_rows)
            connection.execute(
                insert(metric_points), [dict(zip(names, p, strict=True)) for p in points]
            )
            if m % 3 == 0:
                last = T0 + timedelta(hours=n_windows - 1)
                connection.execute(
                    insert(alerts),
                    [
                        {
                            "key": f"alert-{m:03d}",
                            "monitor": "age-drift",
                            "model": name,
                            "version": "v1",
                            "metric": "drift_score",
                            "feature": "age",
                            "segment": None,
                            "state": "firing",
                            "severity": "critical",
                            "value": 0.5,
                            "condition": {"kind": "above", "threshold": 0.3},
                            "window_start": last,
                            "window_end": last + timedelta(hours=1),
                            "fired_at": last,
                            "resolved_at": None,
                            "last_notified_at": None,
                            "acknowledged_by": None,
                            "silenced_until": None,
                            "message": "drift_score of 'age' is above 0.3",
                            "notified_state": "firing",
                            "consecutive_breaches": 1,
                            "consecutive_clears": 0,
                        }
                    ],
                )
    return store, time.perf_counter() - started


def _sources(html: str) -> list[str]:
    """What the browser fetches after the HTML: chart data and the sparkline batch."""
    import html as html_lib

    charts = [html_lib.unescape(s) for s in re.findall(r'data-src="([^"]+)"', html)]
    sparks = re.findall(r'class="wk-spark" data-model="([^"]+)"', html)
    if sparks:
        query = "&".join(f"model={html_lib.unescape(m)}" for m in dict.fromkeys(sparks))
        charts.append(f"/ui/api/sparklines?{query}")
    return charts


def measure(store: Any, repeat: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from watchkeeper.dashboard import dashboard_router
    from watchkeeper.server import create_app
    from watchkeeper.service import MonitoringService, Settings

    service = MonitoringService(store, Settings(database_url=store.url, tick_seconds=0))
    _, key = service.create_api_key(["admin"], name="bench")
    app = create_app(service, Settings(database_url=store.url, tick_seconds=0))
    if not any(getattr(r, "path", "") == "/ui/login" for r in app.routes):
        app.include_router(dashboard_router())
    client = TestClient(app)
    form = client.get("/ui/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    client.post("/ui/login", data={"csrf": token.group(1), "key": key})
    # Model 0 drifts (a firing alert); the middle of the list is as costly as any.
    target = "model-000"
    pages = {
        "overview": "/ui/",
        "model": f"/ui/models/{target}",
        "model (90 days)": f"/ui/models/{target}?range=90d",
        "feature": f"/ui/models/{target}/feature?name=age",
        "versions": f"/ui/models/{target}/versions",
        "alerts": "/ui/alerts",
    }
    results: dict[str, Any] = {}
    for label, path in pages.items():
        html_times, total_times, request_times = [], [], []
        n_requests = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            answer = client.get(path)
            html_time = time.perf_counter() - t0
            assert answer.status_code == 200, (path, answer.status_code)
            sources = _sources(answer.text)
            n_requests = len(sources)
            for source in sources:
                t1 = time.perf_counter()
                assert client.get(source).status_code == 200, source
                request_times.append(time.perf_counter() - t1)
            html_times.append(html_time)
            total_times.append(time.perf_counter() - t0)
        results[label] = {
            "html_median_ms": round(statistics.median(html_times) * 1000, 1),
            "json_requests": n_requests,
            "json_median_ms": round(statistics.median(request_times) * 1000, 1)
            if request_times
            else None,
            "page_total_median_ms": round(statistics.median(total_times) * 1000, 1),
            "page_total_max_ms": round(max(total_times) * 1000, 1),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--windows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes, for a smoke run: 20 models x 250 windows, 3 repeats",
    )
    args = parser.parse_args()
    if args.quick:
        args.models, args.windows = min(args.models, 20), min(args.windows, 250)
        args.repeat = min(args.repeat, 3)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        store, seconds = seed(url, args.models, args.windows)
        points = args.models * args.windows * (len(FEATURES) * 3 + len(SCALARS))
        size = (Path(folder) / "bench.db").stat().st_size
        print(
            f"seeded {args.models} models x {args.windows} windows = {points:,} points "
            f"in {seconds:.1f} s ({size / 1e6:.0f} MB)"
        )
        results = measure(store, args.repeat)
        store.close()
    print(f"{'page':<18}{'HTML ms':>9}{'JSON reqs':>11}{'JSON ms':>9}{'page ms':>9}{'max ms':>9}")
    for label, r in results.items():
        print(
            f"{label:<18}{r['html_median_ms']:>9}{r['json_requests']:>11}"
            f"{r['json_median_ms'] if r['json_median_ms'] is not None else '-':>9}"
            f"{r['page_total_median_ms']:>9}{r['page_total_max_ms']:>9}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "models": args.models,
                    "windows": args.windows,
                    "points": points,
                    "results": results,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
