"""One Spark session fixture for the integration tests: local[2], this interpreter on
the executors (it has watchkeeper and pyarrow), UTC, Arrow hand-off, quiet logs; and a
small lake of predictions and late labels for the performance tests."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn import metrics as skm

from watchkeeper.performance._profiles import classification_profile


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (java is not on PATH)")
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("watchkeeper-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "512m")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


LAKE_ROWS = 6_000
LAKE_START = datetime(2026, 11, 1, tzinfo=UTC)
CLASSES = ["a", "b", "c"]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Predictions over 3 hours in two regions (5 % without one), binary and three-class;
    labels for 80 % of them, landed later, shuffled: one parquet file, and the same rows
    cut into three files in ``labels/`` for a file-source stream."""
    rng = np.random.default_rng(20261205)
    n = LAKE_ROWS
    y = rng.integers(0, 2, n)
    proba = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
    pred = (proba > 0.5).astype(np.int64)
    value = rng.normal(50, 5, n)
    estimate = value + rng.normal(0, 1, n)
    klass = rng.integers(0, 3, n)
    raw = rng.random((n, 3)) + 0.8 * np.eye(3)[klass]
    scores = raw / raw.sum(axis=1, keepdims=True)
    guess = scores.argmax(axis=1)
    region = rng.choice(["eu", "us"], n)
    no_region = rng.random(n) < 0.05
    ts = [LAKE_START + timedelta(seconds=int(s)) for s in rng.integers(0, 3 * 3600, n)]
    ids = np.arange(n)
    names = np.array(CLASSES)
    root = Path(tmp_path_factory.mktemp("lake"))
    pq.write_table(
        pa.table({"id": ids, "ts": pa.array(ts, pa.timestamp("us", "UTC")), "pred": pred,
                  "proba": proba, "estimate": estimate, "guess": names[guess],
                  "p_a": scores[:, 0], "p_b": scores[:, 1], "p_c": scores[:, 2],
                  "region": pa.array(region, mask=no_region)}),
        root / "predictions.parquet",
    )  # fmt: skip
    labelled = rng.permutation(n)[: int(0.8 * n)]
    labels = pa.table(
        {"id": ids[labelled], "label": y[labelled], "value": value[labelled],
         "klass": names[klass[labelled]]}
    )  # fmt: skip
    pq.write_table(labels, root / "labels.parquet")
    (root / "labels").mkdir()
    for i, part in enumerate(np.array_split(np.arange(labels.num_rows), 3)):
        pq.write_table(labels.take(pa.array(part)), root / "labels" / f"part-{i}.parquet")
    hours = np.array([(t - LAKE_START) // timedelta(hours=1) for t in ts])
    return {
        "root": root, "y": y, "proba": proba, "pred": pred, "value": value,
        "estimate": estimate, "hour": hours, "labelled": np.isin(ids, labelled),
        "klass": names[klass], "guess": names[guess], "scores": scores,
        "region": np.where(no_region, "", region),
    }  # fmt: skip


def assert_segment_profiles(found: dict[Any, Any], lake: dict[str, Any]) -> None:
    """Each (window, segment) profile equals classification_profile of the same rows,
    and its threshold metrics scikit-learn's (ROC AUC within the profile's bound)."""
    for (start, segment), prof in found.items():
        h = (start - LAKE_START) // timedelta(hours=1)
        rows = lake["labelled"] & (lake["hour"] == h)
        if segment is not None:
            rows &= lake["region"] == segment.removeprefix("region=")
        y, guess, scores = lake["klass"][rows], lake["guess"][rows], lake["scores"][rows]
        assert prof == classification_profile(y, guess, scores, classes=CLASSES), (start, segment)
        assert prof.n_rows == int(rows.sum()) > 100
        assert prof.accuracy == pytest.approx(skm.accuracy_score(y, guess), abs=1e-12)
        precision = skm.precision_score(y, guess, labels=CLASSES, average=None)
        recall = skm.recall_score(y, guess, labels=CLASSES, average=None)
        f1 = skm.f1_score(y, guess, labels=CLASSES, average=None)
        for k, name in enumerate(CLASSES):
            assert prof.precision(name) == pytest.approx(precision[k], abs=1e-12)
            assert prof.recall(name) == pytest.approx(recall[k], abs=1e-12)
            assert prof.f1(name) == pytest.approx(f1[k], abs=1e-12)
            auc = prof.roc_auc(name)
            assert auc.lower <= skm.roc_auc_score(y == name, scores[:, k]) <= auc.upper
            assert auc.width < 0.01
    # The all-traffic profile of a window holds its segments and the rows without one.
    for start in {start for start, _ in found}:
        parts = [p for (s, seg), p in found.items() if s == start and seg is not None]
        assert sum(p.n_rows for p in parts) < found[(start, None)].n_rows
