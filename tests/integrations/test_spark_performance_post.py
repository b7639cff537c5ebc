"""Late labels joined in the lake, posted as performance profiles to the real server
(issue 16): the windows' realized performance equals that of the same labels sent as
records (threshold metrics exactly, ROC AUC within the posted bound), for a batch job
and for a file-source stream whose replayed micro-batch counts once (local[2], uvicorn).

The predictions reach every model as records (the SDK logged them live); the labels
reach model ``records`` as labels, and models ``joined`` and ``stream`` only through
Spark's performance profiles.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests._serving import serving
from tests.integrations.conftest import LAKE_START

from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

MODELS = ("joined", "stream", "records")


THRESHOLD = ("accuracy", "precision", "recall", "f1", "specificity")
COLUMNS = {"on": "id", "time_column": "ts", "target": "label", "prediction": "pred",
           "scores": ["proba"], "segment_columns": ["region"]}  # fmt: skip


@pytest.fixture
def live(tmp_path: Path, lake: dict[str, Any]) -> Iterator[tuple[str, str, MonitoringService]]:
    database = f"sqlite:///{tmp_path / 'wk.db'}"
    settings = Settings(database_url=database)
    service = MonitoringService(Store(database), settings)
    predictions = pq.read_table(lake["root"] / "predictions.parquet")
    region = predictions.column("region")
    records = pa.table(
        {
            "id": [f"{i}" for i in predictions.column("id").to_pylist()],
            "timestamp": predictions.column("ts"),
            "feature.x": predictions.column("proba"),
            "segment.region": region,
            "prediction": predictions.column("pred"),
            "score": predictions.column("proba"),
        }
    )
    for model in MODELS:
        service.create_model(model, "binary_classification",
                             {"features": {"x": "numeric"}, "classes": [0, 1]})  # fmt: skip
        service.create_version(model, "v1", activate=True)
        assert service.ingest_predictions(model, "v1", records).accepted == len(records)
    labels = pq.read_table(lake["root"] / "labels.parquet")
    service.ingest_labels(
        "records",
        list(
            zip(
                [str(i) for i in labels.column("id").to_pylist()],
                labels.column("label").to_pylist(),
                strict=True,
            )
        ),
    )
    key = service.create_api_key(["ingest"], name="spark")[1]
    with serving(service, settings) as address:
        yield address, key, service
    service.store.close()


def _run(spark: Any, folder: Path, sink: Any, checkpoint: Path) -> Any:
    from pyspark.errors import StreamingQueryException

    schema = spark.read.parquet(str(folder.parent / "labels.parquet")).schema
    query = (
        spark.readStream.schema(schema).option("maxFilesPerTrigger", 1).parquet(str(folder))
        .writeStream.foreachBatch(sink).option("checkpointLocation", str(checkpoint))
        .trigger(availableNow=True).start()
    )  # fmt: skip
    with contextlib.suppress(StreamingQueryException):  # the injected failure, checked below
        query.awaitTermination(300)
    return query


def test_posted_performance_profiles_give_the_records_realized_performance(
    spark: Any, lake: dict[str, Any], live: tuple[str, str, MonitoringService], tmp_path: Path
) -> None:
    from watchkeeper.integrations.spark import monitor_performance, performance_stream_sink

    url, key, service = live
    root = lake["root"]
    predictions = spark.read.parquet(str(root / "predictions.parquet")).cache()
    labels = spark.read.parquet(str(root / "labels.parquet")).repartition(3)
    n_labels = int(lake["labelled"].sum())
    for _ in range(2):  # the same run posted twice counts once
        result = monitor_performance(predictions, labels, url=url, api_key=key, model="joined",
                                     version="v1", run_id="nightly-1", **COLUMNS)  # fmt: skip
        assert result.n_rows == n_labels

    calls: list[int] = []
    sink = performance_stream_sink(predictions, url=url, api_key=key, model="stream",
                                   version="v1", run_id="labels", **COLUMNS)  # fmt: skip

    def crashing(batch: Any, batch_id: int) -> None:
        sink(batch, batch_id)
        calls.append(batch_id)
        if batch_id == 1 and calls.count(1) == 1:
            raise RuntimeError("driver lost after batch 1 was posted")

    checkpoint = tmp_path / "checkpoint"
    assert _run(spark, root / "labels", crashing, checkpoint).exception() is not None
    assert _run(spark, root / "labels", crashing, checkpoint).exception() is None
    assert calls == [0, 1, 1, 2]  # Spark replayed batch 1; its posts counted once

    now = LAKE_START + timedelta(days=1)
    windows = {m: {(w.start, w.segment): w for w in service.close_windows(m, now=now)}
               for m in MODELS}  # fmt: skip
    assert len(windows["records"]) == 3 * 3  # three hours, all traffic and two regions
    for model in ("joined", "stream"):
        assert set(windows[model]) == set(windows["records"])
        for where, expected in windows["records"].items():
            got = windows[model][where]
            assert got.n_labels == expected.n_labels > 100, (model, where)
            for name in THRESHOLD:
                assert got.metrics[name] == expected.metrics[name], (model, where, name)
            bound = got.metrics["bounded"]["roc_auc"]
            assert bound["lower"] <= expected.metrics["roc_auc"] <= bound["upper"]
            assert bound["width"] < 0.005
    assert sum(w.n_labels for (_, s), w in windows["stream"].items() if s is None) == n_labels
    assert np.isclose(
        windows["joined"][(LAKE_START, None)].metrics["label_coverage"],
        windows["records"][(LAKE_START, None)].metrics["label_coverage"],
    )
