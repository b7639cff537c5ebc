"""Spark performance profiles (predictions joined with late labels in a lake, per
window) equal the single-process profiles of the same joined rows, and their exact
metrics equal scikit-learn's on the raw rows (local[2])."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn import metrics as skm

from watchkeeper.performance._profiles import ClassificationProfile, classification_profile
from watchkeeper.performance._regression_profile import RegressionProfile, regression_profile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

N = 6_000
START = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Predictions over 3 hours; labels for 80 % of them, landed later, shuffled."""
    rng = np.random.default_rng(20261205)
    y = rng.integers(0, 2, N)
    proba = np.clip(0.35 * y + 0.65 * rng.random(N), 0, 1)
    pred = (proba > 0.5).astype(np.int64)
    value = rng.normal(50, 5, N)
    estimate = value + rng.normal(0, 1, N)
    ts = [START + timedelta(seconds=int(s)) for s in rng.integers(0, 3 * 3600, N)]
    ids = np.arange(N)
    root = tmp_path_factory.mktemp("lake")
    pq.write_table(
        pa.table({"id": ids, "ts": pa.array(ts, pa.timestamp("us", "UTC")), "pred": pred,
                  "proba": proba, "estimate": estimate}),
        root / "predictions.parquet",
    )  # fmt: skip
    labelled = rng.permutation(N)[: int(0.8 * N)]
    pq.write_table(
        pa.table({"id": ids[labelled], "label": y[labelled], "value": value[labelled]}),
        root / "labels.parquet",
    )
    hours = np.array([(t - START) // timedelta(hours=1) for t in ts])
    return {
        "root": Path(root), "y": y, "proba": proba, "pred": pred, "value": value,
        "estimate": estimate, "hour": hours, "labelled": np.isin(ids, labelled),
    }  # fmt: skip


def _frames(spark: Any, root: Path) -> tuple[Any, Any]:
    predictions = spark.read.parquet(str(root / "predictions.parquet")).repartition(3)
    labels = spark.read.parquet(str(root / "labels.parquet")).repartition(2)
    return predictions, labels


def test_classification_profiles_per_window_equal_single_process(
    spark: Any, lake: dict[str, Any]
) -> None:
    from watchkeeper.integrations.spark._performance import performance_profiles

    predictions, labels = _frames(spark, lake["root"])
    by_window = performance_profiles(
        predictions, labels, on="id", time_column="ts", target="label", prediction="pred",
        classes=[0, 1], scores=["proba"], window="1h",
    )  # fmt: skip
    assert list(by_window) == [START + timedelta(hours=h) for h in range(3)]
    for h, (start, prof) in enumerate(by_window.items()):
        rows = lake["labelled"] & (lake["hour"] == h)
        y, pred, proba = lake["y"][rows], lake["pred"][rows], lake["proba"][rows]
        assert prof == classification_profile(y, pred, proba, classes=[0, 1]), start
        assert isinstance(prof, ClassificationProfile)
        assert prof.n_rows == int(rows.sum())
        assert prof.accuracy == pytest.approx(skm.accuracy_score(y, pred), abs=1e-12)
        assert prof.precision(1) == pytest.approx(skm.precision_score(y, pred), abs=1e-12)
        assert prof.recall(1) == pytest.approx(skm.recall_score(y, pred), abs=1e-12)
        assert prof.f1(1) == pytest.approx(skm.f1_score(y, pred), abs=1e-12)
        auc = prof.roc_auc(1)
        assert auc.lower <= skm.roc_auc_score(y, proba) <= auc.upper


def test_regression_profiles_per_window_equal_single_process(
    spark: Any, lake: dict[str, Any]
) -> None:
    from watchkeeper.integrations.spark._performance import performance_profiles

    predictions, labels = _frames(spark, lake["root"])
    by_window = performance_profiles(
        predictions, labels, on="id", time_column="ts", target="value", prediction="estimate",
        window="1h",
    )  # fmt: skip
    assert len(by_window) == 3
    for h, prof in enumerate(by_window.values()):
        rows = lake["labelled"] & (lake["hour"] == h)
        y, yhat = lake["value"][rows], lake["estimate"][rows]
        single = regression_profile(y, yhat)
        assert isinstance(prof, RegressionProfile)
        assert prof.n_rows == single.n_rows
        np.testing.assert_array_equal(prof.counts, single.counts)
        assert prof.mean_absolute_error == pytest.approx(
            skm.mean_absolute_error(y, yhat), rel=1e-12
        )
        assert prof.root_mean_squared_error == pytest.approx(
            skm.root_mean_squared_error(y, yhat), rel=1e-12
        )
        assert prof.r2_score == pytest.approx(skm.r2_score(y, yhat), rel=1e-12)
        median = prof.median_absolute_error
        assert median.lower <= skm.median_absolute_error(y, yhat) <= median.upper
