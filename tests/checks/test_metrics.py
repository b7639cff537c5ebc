"""The metric lookup, checked against numpy, scipy, scikit-learn and hand counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, roc_auc_score

from watchkeeper._exceptions import ColumnError, InputError, UnknownMethodError
from watchkeeper.checks import Measurements, available_metrics, metric_value, resolve_metric
from watchkeeper.drift import DriftPolicy


@pytest.fixture
def tables(rng: np.random.Generator) -> tuple[pa.Table, pa.Table]:
    n_ref, n_cur = 800, 600
    ref_age = rng.normal(40, 10, n_ref)
    cur_age = rng.normal(41.5, 10, n_cur)
    cur_age[:30] = np.nan  # 30 of 600 missing: a share of 0.05
    ref_score = rng.uniform(0, 1, n_ref)
    cur_score = rng.uniform(0, 1, n_cur)
    reference = pa.table(
        {
            "age": ref_age,
            "plan": rng.choice(["basic", "pro"], n_ref),
            "score": ref_score,
            "prediction": (ref_score >= 0.5).astype(np.int64),
            "target": (rng.random(n_ref) < ref_score).astype(np.int64),
        }
    )
    current = pa.table(
        {
            "age": cur_age,
            "plan": rng.choice(["basic", "pro", "team"], n_cur),
            "score": cur_score,
            "prediction": (cur_score >= 0.5).astype(np.int64),
            "target": (rng.random(n_cur) < cur_score).astype(np.int64),
        }
    )
    return reference, current


@pytest.fixture
def data(tables: tuple[pa.Table, pa.Table]) -> Measurements:
    return Measurements.compute(*tables, schema={"scores": ["score"]})


def test_dataset_and_quality_metrics_match_numpy(
    data: Measurements, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, current = tables
    age = current.column("age").to_numpy()
    assert metric_value(data, "dataset.rows") == 600
    assert metric_value(data, "dataset.rows", "reference") == 800
    assert metric_value(data, "dataset.columns") == 5
    assert metric_value(data, "quality.column.age.missing_share") == pytest.approx(30 / 600)
    assert metric_value(data, "quality.column.age.missing_share", "reference") == 0.0
    assert metric_value(data, "quality.column.age.min") == np.nanmin(age)
    assert metric_value(data, "quality.column.age.max") == np.nanmax(age)
    assert metric_value(data, "quality.column.age.mean") == pytest.approx(np.nanmean(age))
    assert metric_value(data, "quality.column.age.std") == pytest.approx(np.nanstd(age, ddof=1))
    assert metric_value(data, "quality.column.age.median") == pytest.approx(np.nanmedian(age))
    ref_age = reference.column("age").to_numpy()
    assert metric_value(data, "quality.column.age.mean", "reference") == pytest.approx(
        ref_age.mean()
    )


def test_categories_are_the_set_of_values_as_text(
    data: Measurements, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference = tables[0]
    assert metric_value(data, "quality.column.plan.categories") == {"basic", "pro", "team"}
    assert metric_value(data, "quality.column.plan.categories", "reference") == set(
        reference.column("plan").to_pylist()
    )
    assert metric_value(data, "quality.column.target.categories") == {"0", "1"}
    assert metric_value(data, "quality.column.plan.n_distinct") == 3


def test_drift_metrics_match_scipy_and_hand_counts(
    data: Measurements, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, current = tables
    assert data.report.drift["age"].method == "ks"
    ref_age = reference.column("age").to_numpy()
    cur_age = current.column("age").to_numpy()
    expected = stats.ks_2samp(ref_age, cur_age[~np.isnan(cur_age)])
    assert metric_value(data, "drift.column.age.statistic") == pytest.approx(expected.statistic)
    assert metric_value(data, "drift.column.age.p_value") == pytest.approx(expected.pvalue)
    columns = data.report.drift.columns
    drifted = [c.column for c in columns if c.drifted]
    assert metric_value(data, "drift.n_drifted") == len(drifted)
    assert metric_value(data, "drift.share_drifted") == pytest.approx(len(drifted) / len(columns))
    assert metric_value(data, "drift.dataset_drift") is data.report.drift.drifted
    assert isinstance(metric_value(data, "drift.column.plan.drifted"), bool)
    assert metric_value(data, "drift.column.age.effect_size") >= 0


def test_performance_over_all_rows_matches_scikit_learn(
    data: Measurements, tables: tuple[pa.Table, pa.Table]
) -> None:
    reference, current = tables
    y = current.column("target").to_numpy()
    pred = current.column("prediction").to_numpy()
    score = current.column("score").to_numpy()
    assert metric_value(data, "performance.accuracy") == pytest.approx(accuracy_score(y, pred))
    assert metric_value(data, "performance.f1") == pytest.approx(f1_score(y, pred))
    assert metric_value(data, "performance.roc_auc") == pytest.approx(roc_auc_score(y, score))
    ref_y = reference.column("target").to_numpy()
    ref_pred = reference.column("prediction").to_numpy()
    assert metric_value(data, "performance.accuracy", "reference") == pytest.approx(
        accuracy_score(ref_y, ref_pred)
    )


@pytest.mark.filterwarnings("ignore::watchkeeper.performance.DegenerateChunkWarning")
def test_regression_performance_skips_unlabelled_rows(rng: np.random.Generator) -> None:
    truth = rng.normal(size=300)
    predicted = truth + rng.normal(0, 0.5, 300)
    labelled = truth.copy()
    labelled[:40] = np.nan
    reference = {"x": rng.normal(size=300), "y": truth, "yhat": predicted}
    current = {"x": rng.normal(size=300), "y": labelled, "yhat": predicted}
    data = Measurements.compute(reference, current, schema={"target": "y", "prediction": "yhat"})
    assert metric_value(data, "performance.mae") == pytest.approx(
        mean_absolute_error(truth[40:], predicted[40:])
    )
    with pytest.raises(ColumnError, match="classification metric"):
        metric_value(data, "performance.accuracy")


def test_unreadable_metrics_say_why(data: Measurements, rng: np.random.Generator) -> None:
    with pytest.raises(ColumnError, match="'height' is in neither data set"):
        metric_value(data, "quality.column.height.missing_share")
    with pytest.raises(ColumnError, match="no finite numbers"):
        metric_value(data, "quality.column.plan.mean")
    with pytest.raises(InputError, match="has no reference value"):
        metric_value(data, "drift.share_drifted", "reference")
    unlabelled = Measurements.compute({"x": rng.normal(size=50)}, {"x": rng.normal(size=50)})
    with pytest.raises(InputError, match="need one target column"):
        metric_value(unlabelled, "performance.accuracy")


def test_a_distance_has_no_p_value(tables: tuple[pa.Table, pa.Table]) -> None:
    policy = DriftPolicy.from_options(categorical_method="jensen_shannon")
    data = Measurements.compute(*tables, policy=policy)
    with pytest.raises(ColumnError, match="distance 'jensen_shannon', no p-value"):
        metric_value(data, "drift.column.plan.p_value")
    assert metric_value(data, "drift.column.plan.statistic") > 0


def test_unknown_names_list_the_patterns() -> None:
    with pytest.raises(UnknownMethodError, match=r"drift\.column\.<column>\.p_value"):
        resolve_metric("drift.columns.age.p_value")
    with pytest.raises(UnknownMethodError, match="unknown metric 'acuracy'"):
        resolve_metric("performance.acuracy")


def test_column_names_with_dots_resolve(rng: np.random.Generator) -> None:
    data = Measurements.compute({"a.max": [1.0, 2.0, 3.0]}, {"a.max": [1.0, 5.0, None]})
    assert metric_value(data, "quality.column.a.max.max") == 5.0
    assert resolve_metric("quality.column.a.max.mean")[1] == "a.max"


def test_every_pattern_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "ci-suites.md").read_text(encoding="utf-8")
    for family in available_metrics():
        assert f"`{family.pattern}`" in text, family.pattern
