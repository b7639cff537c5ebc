"""A stream of late labels joined with the lake's predictions per micro-batch
(``foreachBatch``): per-window, per-segment performance profiles equal to the
single-process profiles of the same rows, and a micro-batch Spark replays after a
failure counts once (local[2], a file-source stream of three parquet files).

The failure is injected (fault injection only): a wrapper raises after the sink has
counted batch 1, before Spark commits it, which is what a driver crash there does.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.conftest import CLASSES, assert_segment_profiles

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

OPTIONS: dict[str, Any] = {
    "on": "id", "time_column": "ts", "target": "klass", "prediction": "guess",
    "classes": CLASSES, "scores": ["p_a", "p_b", "p_c"], "window": "1h",
    "segment_columns": ["region"],
}  # fmt: skip


def _run(spark: Any, lake: dict[str, Any], sink: Any, checkpoint: Path) -> Any:
    stream = (
        spark.readStream.schema(_schema(spark, lake))
        .option("maxFilesPerTrigger", 1)
        .parquet(str(lake["root"] / "labels"))
    )
    query = (
        stream.writeStream.foreachBatch(sink)
        .option("checkpointLocation", str(checkpoint))
        .trigger(availableNow=True)
        .start()
    )
    from pyspark.errors import StreamingQueryException

    # The injected failure ends the query with it; the test reads query.exception().
    with contextlib.suppress(StreamingQueryException):
        query.awaitTermination(300)
    return query


def _schema(spark: Any, lake: dict[str, Any]) -> Any:
    return spark.read.parquet(str(lake["root"] / "labels.parquet")).schema


def test_a_label_stream_gives_the_single_process_profiles_and_replays_count_once(
    spark: Any, lake: dict[str, Any], tmp_path: Path
) -> None:
    from watchkeeper.integrations.spark import PerformanceSink, performance_profiles

    predictions = spark.read.parquet(str(lake["root"] / "predictions.parquet")).cache()
    # A clean run: three files, one micro-batch each.
    sink = PerformanceSink(predictions, **OPTIONS)
    query = _run(spark, lake, sink, tmp_path / "clean")
    assert query.exception() is None
    assert sorted(sink.batches()) == [0, 1, 2]
    found = sink.profiles()
    assert_segment_profiles(found, lake)
    labels = spark.read.parquet(str(lake["root"] / "labels.parquet"))
    assert found == performance_profiles(predictions, labels, **OPTIONS)

    # A run that fails after counting batch 1, then restarts from its checkpoint with a
    # new sink (a new driver) on the same folder: Spark replays batch 1.
    folder, checkpoint = tmp_path / "profiles", tmp_path / "checkpoint"
    calls: list[int] = []
    first = PerformanceSink(predictions, path=folder, **OPTIONS)

    def crashing(batch: Any, batch_id: int) -> None:
        first(batch, batch_id)
        calls.append(batch_id)
        if batch_id == 1:
            raise RuntimeError("driver lost after batch 1 was counted")

    failed = _run(spark, lake, crashing, checkpoint)
    assert failed.exception() is not None
    assert calls == [0, 1]
    restarted = PerformanceSink(predictions, path=folder, **OPTIONS)

    def counting(batch: Any, batch_id: int) -> None:
        restarted(batch, batch_id)
        calls.append(batch_id)

    query = _run(spark, lake, counting, checkpoint)
    assert query.exception() is None
    assert calls == [0, 1, 1, 2]  # batch 1 ran twice
    assert sorted(restarted.batches()) == [0, 1, 2]
    assert restarted.profiles() == found
    total = sum(p.n_rows for (_, segment), p in found.items() if segment is None)
    assert total == int(lake["labelled"].sum())
