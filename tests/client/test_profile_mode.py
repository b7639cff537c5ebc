"""The SDK's profile mode against the real server on uvicorn (issue 16): per-window
profiles instead of records give the windows the same row counts and drift verdicts as
the same predictions sent as records, and the store stays small per window."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pytest
from tests._serving import serving

from watchkeeper.client import Client, monitor
from watchkeeper.client._profile_mode import ProfileSink
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

FEATURES = {f"x{i}": "numeric" for i in range(5)} | {"plan": "categorical"}
T0 = datetime(2024, 6, 1, tzinfo=UTC)
HOURS = 4


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str, MonitoringService, Path]]:
    """(url, ingest key, service, database file) of a server on loopback, with two
    models on the same reference: one fed by profiles, one by records."""
    path = tmp_path / "wk.db"
    url = f"sqlite:///{path}"
    settings = Settings(database_url=url)
    service = MonitoringService(Store(url), settings)
    rng = np.random.default_rng(7)
    reference = pa.table(
        {name: rng.normal(0, 1, 5000) for name in FEATURES if name != "plan"}
        | {"plan": rng.choice(["a", "b", "c"], 5000)}
    )
    for model in ("profiled", "recorded"):
        service.create_model(model, "binary_classification", FEATURES)
        service.create_version(model, "v1", reference=reference, activate=True)
    key = service.create_api_key(["ingest"], name="sdk")[1]
    with serving(service, settings) as address:
        yield address, key, service, path
    service.store.close()


def _traffic(n: int) -> dict[str, Any]:
    rng = np.random.default_rng(11)
    data: dict[str, Any] = {f"x{i}": rng.normal(0, 1, n) for i in range(5)}
    data["x0"] = data["x0"] + 0.3  # drifted; x1..x4 are not
    data["plan"] = rng.choice(["a", "b", "c"], n, p=[0.4, 0.4, 0.2])
    data["seconds"] = rng.uniform(0, HOURS * 3600, n)
    data["region"] = rng.choice(["eu", "us"], n)
    data["latency"] = rng.gamma(2.0, 4.0, n)
    data["error"] = rng.random(n) < 0.02
    return data


def _db_bytes(path: Path) -> int:
    """The live data's size: VACUUM drops the free pages deleted parts left."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path.stat().st_size


def test_profile_mode_gives_record_modes_counts_and_verdicts(
    live: tuple[str, str, MonitoringService, Path],
) -> None:
    url, key, service, path = live
    n = 200_000
    data = _traffic(n)
    names = [f"x{i}" for i in range(5)]
    columns = [data[name].tolist() for name in names]
    plan, region = data["plan"].tolist(), data["region"].tolist()
    stamps = (T0.timestamp() + data["seconds"]).tolist()
    latency, error = data["latency"].tolist(), data["error"].tolist()
    before = _db_bytes(path)
    client = Client(url, key, model="profiled", version="v1", mode="profile",
                    max_queue=n, host_metrics_interval=None)  # fmt: skip
    for i in range(n):
        features = {name: column[i] for name, column in zip(names, columns, strict=True)}
        features["plan"] = plan[i]
        client.log_prediction(
            features, 1, latency_ms=latency[i], error=error[i], timestamp=stamps[i],
            segment={"region": region[i]},
        )  # fmt: skip
    assert client.close(timeout=120)
    assert client.stats.sent == n and client.stats.failed == 0
    now = T0 + timedelta(days=1)
    profiled = {(w.start, w.segment): w for w in service.close_windows("profiled", now=now)}
    # The store's growth for the profiled traffic: parts, window profiles and points.
    per_window = (_db_bytes(path) - before) / HOURS
    assert per_window < 1_000_000, per_window

    records = pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "timestamp": pa.array(
                [T0 + timedelta(seconds=s) for s in data["seconds"]], pa.timestamp("us", "UTC")
            ),
            **{f"feature.{name}": data[name] for name in names},
            "feature.plan": data["plan"],
            "segment.region": data["region"],
            "prediction": [1] * n,
            "latency_ms": data["latency"],
            "error": data["error"],
        }
    )
    for start in range(0, n, 50_000):
        service.ingest_predictions("recorded", "v1", records.slice(start, 50_000))
    recorded = {(w.start, w.segment): w for w in service.close_windows("recorded", now=now)}
    assert set(profiled) == set(recorded)
    assert len(profiled) == HOURS * 3  # all traffic, eu, us
    assert sum(w.n_records for (_, segment), w in profiled.items() if segment is None) == n
    for where, window in recorded.items():
        mine = profiled[where]
        assert mine.n_records == window.n_records
        assert mine.metrics["drift_detected"] == window.metrics["drift_detected"]
        assert mine.metrics["drift_p_value"] == pytest.approx(window.metrics["drift_p_value"])
        assert mine.metrics["error_rate"] == pytest.approx(window.metrics["error_rate"])
    assert {recorded[(T0, None)].metrics["drift_detected"][f] for f in ("x0", "x1")} == {
        0.0,
        1.0,
    }  # both verdicts occur


def test_memory_is_bounded_by_the_open_windows(
    live: tuple[str, str, MonitoringService, Path],
) -> None:
    """One builder per open window at most, whatever the traffic; none after a post."""
    url, key, _, _ = live
    http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"})
    sink = ProfileSink(http, warn=lambda key, message: None, chunk_rows=1000)
    start = T0.timestamp()
    features = [{f"x{i}": 0.1 * i + j / 100 for i in range(5)} | {"plan": "abc"[j % 3]}
                for j in range(100)]  # fmt: skip
    for n in range(30):  # 3 windows x 2 segments, 500 rows each per pass
        batch = [
            ("p", "profiled", "v1", f"i{n}-{j}", start + 3600 * (j % 3) + n, features[j % 100],
             1, None, 2.0, False, {"region": ("eu", "us")[j % 2]})
            for j in range(3000)
        ]  # fmt: skip
        rest, lost, problem = sink.route(batch, set())
        assert (rest, lost) == ([], 0), problem
        assert sink.open_windows == 6 and sink.builders <= sink.open_windows
    assert sink.builders == 6  # 15,000 rows per window passed chunk_rows
    posts = sink.take()
    assert sink.open_windows == 0 and sink.builders == 0
    assert sorted(post.n_records for post in posts) == [15_000] * 6
    for post in posts:
        assert http.post(post.path, content=post.body, headers=post.headers).is_success
    http.close()


def test_labels_with_the_predictions_give_record_modes_performance(
    live: tuple[str, str, MonitoringService, Path],
) -> None:
    """Batch scoring of labelled data: label= in profile mode posts each window's
    performance profile and every window's scores as sketches: the windows' realized
    metrics and score statistics equal the same predictions and labels sent as records."""
    url, key, service, _ = live
    n = 20_000
    rng = np.random.default_rng(5)
    data = _traffic(n)
    y = rng.integers(0, 2, n).tolist()
    score = np.round(np.clip(0.35 * np.asarray(y) + 0.65 * rng.random(n), 0, 1), 6).tolist()
    predicted = [int(s > 0.5) for s in score]
    seconds = (data["seconds"] / HOURS * 2).tolist()  # two windows
    names = [f"x{i}" for i in range(5)]
    client = Client(url, key, model="profiled", version="v1", mode="profile",
                    max_queue=n, host_metrics_interval=None)  # fmt: skip
    for i in range(n):
        features = {name: float(data[name][i]) for name in names} | {"plan": str(data["plan"][i])}
        client.log_prediction(
            features, predicted[i], score=score[i], label=y[i],
            timestamp=T0.timestamp() + seconds[i], segment={"region": str(data["region"][i])},
        )  # fmt: skip
    assert client.close(timeout=120)
    assert client.stats.sent == n and client.stats.failed == 0
    records = pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "timestamp": pa.array(
                [T0 + timedelta(seconds=s) for s in seconds], pa.timestamp("us", "UTC")
            ),
            **{f"feature.{name}": data[name] for name in names},
            "feature.plan": data["plan"],
            "segment.region": data["region"],
            "prediction": predicted,
            "score": score,
        }
    )
    service.ingest_predictions("recorded", "v1", records)
    service.ingest_labels("recorded", [(f"r{i}", y[i]) for i in range(n)])
    now = T0 + timedelta(days=1)
    profiled = {(w.start, w.segment): w for w in service.close_windows("profiled", now=now)}
    recorded = {(w.start, w.segment): w for w in service.close_windows("recorded", now=now)}
    assert set(profiled) == set(recorded) and len(profiled) == 2 * 3
    for where, window in recorded.items():
        mine = profiled[where]
        assert mine.n_records == window.n_records and mine.n_labels == window.n_labels > 0
        for metric in ("accuracy", "precision", "recall", "f1"):
            assert mine.metrics[metric] == pytest.approx(window.metrics[metric]), metric
        assert mine.metrics["roc_auc"] == pytest.approx(window.metrics["roc_auc"], abs=0.01)
        for statistic in ("score_mean", "score_std", "score_min", "score_max"):  # sketches
            assert mine.metrics[statistic] == pytest.approx(window.metrics[statistic])


def test_a_frame_logged_at_once_gives_the_windows_of_its_rows(
    live: tuple[str, str, MonitoringService, Path],
) -> None:
    """log_predictions(frame) in profile mode (one queue entry, read column by column)
    gives the windows, drift verdicts, error rates and realized metrics of the same rows
    sent as records; ids come back one per row."""
    pd = pytest.importorskip("pandas")
    url, key, service, _ = live
    n = 30_000
    data = _traffic(n)
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, n)
    score = np.round(np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1), 6)
    stamps = pd.to_datetime(T0.timestamp() + data["seconds"], unit="s", utc=True)
    frame = pd.DataFrame(
        {f"x{i}": data[f"x{i}"] for i in range(5)}
        | {"plan": data["plan"], "timestamp": stamps, "segment.region": data["region"],
           "latency_ms": data["latency"], "error": data["error"],
           "prediction": (score > 0.5).astype(int), "score": score, "label": y}
    )  # fmt: skip
    client = Client(url, key, model="profiled", version="v1", mode="profile",
                    host_metrics_interval=None)  # fmt: skip
    ids = client.log_predictions(frame.iloc[: n // 2])
    ids += client.log_predictions(pa.Table.from_pandas(frame.iloc[n // 2 :]))
    assert client.close(timeout=120)
    assert len(set(ids)) == n and client.stats.sent == n and client.stats.failed == 0
    records = pa.Table.from_pandas(frame.drop(columns=["label"]), preserve_index=False)
    records = records.rename_columns(
        [f"feature.{c}" if c in FEATURES else c for c in records.column_names]
    ).append_column("id", pa.array([f"r{i}" for i in range(n)]))
    service.ingest_predictions("recorded", "v1", records)
    service.ingest_labels("recorded", [(f"r{i}", int(y[i])) for i in range(n)])
    now = T0 + timedelta(days=1)
    profiled = {(w.start, w.segment): w for w in service.close_windows("profiled", now=now)}
    recorded = {(w.start, w.segment): w for w in service.close_windows("recorded", now=now)}
    assert set(profiled) == set(recorded) and len(profiled) == HOURS * 3
    for where, window in recorded.items():
        mine = profiled[where]
        assert (mine.n_records, mine.n_labels) == (window.n_records, window.n_labels)
        assert mine.metrics["drift_detected"] == window.metrics["drift_detected"]
        assert mine.metrics["drift_p_value"] == pytest.approx(window.metrics["drift_p_value"])
        assert mine.metrics["error_rate"] == pytest.approx(window.metrics["error_rate"])
        assert mine.metrics["accuracy"] == pytest.approx(window.metrics["accuracy"])
        assert mine.metrics["score_mean"] == pytest.approx(window.metrics["score_mean"])


def test_monitor_of_a_batch_predict_in_profile_mode_profiles_every_row(
    live: tuple[str, str, MonitoringService, Path],
) -> None:
    """@monitor on a predict function given a frame: in profile mode the frame and the
    call's outputs go on the queue as one entry, and every row is counted."""
    pd = pytest.importorskip("pandas")
    url, key, service, _ = live
    data = _traffic(6_000)
    frame = pd.DataFrame({f"x{i}": data[f"x{i}"] for i in range(5)} | {"plan": data["plan"]})
    client = Client(url, key, model="profiled", version="v1", mode="profile",
                    flush_interval=60, host_metrics_interval=None)  # fmt: skip

    @monitor(client, segment={"region": "eu"})
    def predict(rows: Any) -> Any:
        return (rows["x0"] > 0).astype(int).to_numpy()

    for start in range(0, 6_000, 2_000):
        predict(frame.iloc[start : start + 2_000])
        assert len(predict.last_ids()) == 2_000
    assert len(client._queue) == 3  # one entry per call, not per row
    assert client.close(timeout=60) and client.stats.sent == 6_000
    closed = service.close_windows("profiled", now=datetime.now(UTC) + timedelta(days=1))
    by_segment = {w.segment: w.n_records for w in closed}
    assert by_segment == {None: 6_000, "region=eu": 6_000}
