"""Spark performance profiles (predictions joined with late labels in a lake, per
window and segment) equal the single-process profiles of the same joined rows, and
their exact metrics equal scikit-learn's on the raw rows (local[2]; the lake is
conftest's)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn import metrics as skm
from tests.integrations.conftest import CLASSES, LAKE_START, assert_segment_profiles

from watchkeeper.performance._profiles import ClassificationProfile, classification_profile
from watchkeeper.performance._regression_profile import RegressionProfile, regression_profile

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

START = LAKE_START


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


def test_segments_give_each_window_and_segment_the_single_process_profile(
    spark: Any, lake: dict[str, Any]
) -> None:
    from watchkeeper.integrations.spark import performance_profiles

    predictions, labels = _frames(spark, lake["root"])
    found = performance_profiles(
        predictions, labels, on="id", time_column="ts", target="klass", prediction="guess",
        classes=CLASSES, scores=["p_a", "p_b", "p_c"], window="1h", segment_columns=["region"],
    )  # fmt: skip
    starts = [START + timedelta(hours=h) for h in range(3)]
    assert list(found) == [
        (start, segment) for start in starts for segment in (None, "region=eu", "region=us")
    ]
    assert_segment_profiles(found, lake)
