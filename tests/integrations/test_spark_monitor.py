"""Spark monitor job and streaming sink against the real server (issue 16): per-window,
per-segment profiles from the executors give the windows the counts and drift
verdicts of the same rows sent as records (local[2], a file-source stream)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests._serving import serving

from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

T0 = datetime(2024, 6, 1, tzinfo=UTC)
N = 12_000
HOURS = 3


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str, MonitoringService]]:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    settings = Settings(database_url=url)
    service = MonitoringService(Store(url), settings)
    rng = np.random.default_rng(5)
    reference = pa.table({"x": rng.normal(0, 1, 4000), "plan": rng.choice(["a", "b"], 4000)})
    for model in ("spark", "stream", "records"):
        service.create_model(model, "regression", {"x": "numeric", "plan": "categorical"})
        service.create_version(model, "v1", reference=reference, activate=True)
    key = service.create_api_key(["ingest"], name="spark")[1]
    with serving(service, settings) as address:
        yield address, key, service
    service.store.close()


def _data() -> pa.Table:
    rng = np.random.default_rng(9)
    seconds = rng.uniform(0, HOURS * 3600, N)
    return pa.table(
        {
            "ts": pa.array([T0 + timedelta(seconds=float(s)) for s in seconds],
                           pa.timestamp("us", "UTC")),
            "x": rng.normal(0.25, 1, N),
            "plan": rng.choice(["a", "b"], N, p=[0.6, 0.4]),
            "region": rng.choice(["eu", "us"], N),
            "latency": rng.gamma(2.0, 3.0, N),
            "failed": rng.random(N) < 0.03,
        }
    )  # fmt: skip


def _as_records(table: pa.Table) -> pa.Table:
    return pa.table(
        {
            "id": [f"r{i}" for i in range(table.num_rows)],
            "timestamp": table.column("ts"),
            "feature.x": table.column("x"),
            "feature.plan": table.column("plan"),
            "segment.region": table.column("region"),
            "prediction": [0.0] * table.num_rows,
            "latency_ms": table.column("latency"),
            "error": table.column("failed"),
        }
    )


def test_monitor_and_stream_give_record_modes_windows(
    spark: Any, live: tuple[str, str, MonitoringService], tmp_path: Path
) -> None:
    from watchkeeper.integrations.spark import monitor, stream_sink

    url, key, service = live
    data = _data()
    options = {"segment_columns": ["region"], "latency_column": "latency", "error_column": "failed"}
    frame = spark.createDataFrame(data.to_pandas()).repartition(3)
    result = monitor(frame, url=url, api_key=key, model="spark", version="v1",
                     time_column="ts", window="1h", **options)  # fmt: skip
    assert sum(rows for _, segment, rows in result.posted) == N
    # The stream: the same rows as parquet files, one micro-batch per file.
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i, part in enumerate(np.array_split(np.arange(N), 3)):
        pq.write_table(data.take(pa.array(part)), folder / f"part-{i}.parquet")
    stream = spark.readStream.schema(frame.schema).option("maxFilesPerTrigger", 1)
    query = (
        stream.parquet(str(folder))
        .writeStream.foreachBatch(
            stream_sink(
                url=url,
                api_key=key,
                model="stream",
                version="v1",
                time_column="ts",
                run_id="test-stream",
                **options,
            )
        )
        .option("checkpointLocation", str(tmp_path / "checkpoint"))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination(300)
    assert query.exception() is None
    service.ingest_predictions("records", "v1", _as_records(data))
    now = T0 + timedelta(days=1)
    windows = {m: {(w.start, w.segment): w for w in service.close_windows(m, now=now)}
               for m in ("spark", "stream", "records")}  # fmt: skip
    assert len(windows["records"]) == HOURS * 3
    for model in ("spark", "stream"):
        assert set(windows[model]) == set(windows["records"])
        for where, expected in windows["records"].items():
            got = windows[model][where]
            assert got.n_records == expected.n_records, (model, where)
            assert got.metrics["drift_detected"] == expected.metrics["drift_detected"]
            assert got.metrics["drift_p_value"] == pytest.approx(expected.metrics["drift_p_value"])
            assert got.metrics["error_rate"] == pytest.approx(expected.metrics["error_rate"])
    assert sum(w.n_records for (_, s), w in windows["stream"].items() if s is None) == N


def test_monitor_with_a_score_column_gives_record_modes_score_statistics(
    spark: Any, live: tuple[str, str, MonitoringService]
) -> None:
    """A regressor's predictions sketched on the executors: every window's score
    statistics equal those of the same rows sent as records (mean/std to rounding,
    min/max exactly, the quartiles within their stated bound)."""
    from watchkeeper.integrations.spark import monitor

    url, key, service = live
    data = _data()
    predictions = np.random.default_rng(11).normal(40.0, 12.0, N)
    data = data.append_column("pred", pa.array(predictions))
    frame = spark.createDataFrame(data.to_pandas()).repartition(3)
    monitor(frame, url=url, api_key=key, model="spark", version="v1", time_column="ts",
            segment_columns=["region"], score_column="pred")  # fmt: skip
    records = _as_records(data).set_column(5, "prediction", pa.array(predictions))
    service.ingest_predictions("records", "v1", records)
    now = T0 + timedelta(days=1)
    got = {(w.start, w.segment): w for w in service.close_windows("spark", now=now)}
    expected = {(w.start, w.segment): w for w in service.close_windows("records", now=now)}
    assert set(got) == set(expected) and len(expected) == HOURS * 3
    for where, window in expected.items():
        mine, theirs = got[where].metrics, window.metrics
        assert mine["score_mean"] == pytest.approx(theirs["score_mean"], rel=1e-12), where
        assert mine["score_std"] == pytest.approx(theirs["score_std"], rel=1e-9), where
        assert (mine["score_min"], mine["score_max"]) == (theirs["score_min"], theirs["score_max"])
        for q in (25, 50, 75):
            bound = mine["bounded"][f"score_p{q}"]
            assert bound["lower"] <= theirs[f"score_p{q}"] <= bound["upper"], (where, q)
