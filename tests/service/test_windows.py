"""Window metrics against scipy, scikit-learn and numpy."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from sklearn import metrics

from watchkeeper.drift import DriftPolicy
from watchkeeper.drift._from_profiles import binned_counts, compare_profiles
from watchkeeper.profile import NumericProfile, Profile, ProfileBuilder
from watchkeeper.service._windows import (
    WindowData,
    compute_window_metrics,
    reference_profile,
    summarize,
    window_data,
    window_schema,
)
from watchkeeper.stats import bin_counts, get_method


def _data(rng: np.random.Generator, n: int, shift: float = 0.0) -> tuple[WindowData, dict]:
    y = rng.integers(0, 2, n)
    score = np.clip(y * 0.3 + rng.uniform(0, 0.7, n), 0, 1)
    predicted = (score > 0.5).astype(int)
    latency = rng.gamma(2.0, 10.0, n)
    errors = rng.random(n) < 0.1
    age = rng.normal(40 + shift, 10, n)
    labels = [int(v) if i % 4 else None for i, v in enumerate(y)]  # three in four labelled
    features = pa.table({"id": [f"r{i}" for i in range(n)], "age": age})
    data = WindowData(
        features,
        predicted.tolist(),
        score.tolist(),
        [None] * n,
        latency.tolist(),
        errors.tolist(),
        labels,
    )
    return data, {
        "y": y,
        "score": score,
        "pred": predicted,
        "latency": latency,
        "errors": errors,
        "age": age,
    }


def _by_name(values):
    return {(m, f): v for m, f, v in values}


def test_operational_and_performance_metrics_match_numpy_and_sklearn(rng) -> None:
    data, raw = _data(rng, 800)
    got = _by_name(
        compute_window_metrics(
            task="binary_classification",
            schema={},
            data=data,
            reference=None,
            window_seconds=3600.0,
        )
    )
    labelled = np.array([label is not None for label in data.labels])
    y, pred, score = raw["y"][labelled], raw["pred"][labelled], raw["score"][labelled]
    assert got[("row_count", None)] == 800
    assert got[("label_coverage", None)] == pytest.approx(labelled.mean())
    assert got[("throughput_rps", None)] == pytest.approx(800 / 3600)
    assert got[("error_rate", None)] == pytest.approx(raw["errors"].mean())
    for q in (50, 95, 99):
        assert got[(f"latency_p{q}_ms", None)] == pytest.approx(np.percentile(raw["latency"], q))
    assert got[("accuracy", None)] == pytest.approx(metrics.accuracy_score(y, pred))
    assert got[("f1", None)] == pytest.approx(metrics.f1_score(y, pred))
    assert got[("precision", None)] == pytest.approx(metrics.precision_score(y, pred))
    assert got[("recall", None)] == pytest.approx(metrics.recall_score(y, pred))
    assert got[("roc_auc", None)] == pytest.approx(metrics.roc_auc_score(y, score))


def test_regression_metrics_match_sklearn(rng) -> None:
    n = 300
    truth = rng.normal(10, 3, n)
    predicted = truth + rng.normal(0, 1, n)
    data = WindowData(
        pa.table({"id": [str(i) for i in range(n)]}),
        predicted.tolist(),
        [None] * n,
        [None] * n,
        [None] * n,
        [False] * n,
        truth.tolist(),
    )
    got = _by_name(
        compute_window_metrics(
            task="regression", schema={}, data=data, reference=None, window_seconds=60.0
        )
    )
    assert got[("mae", None)] == pytest.approx(metrics.mean_absolute_error(truth, predicted))
    assert got[("rmse", None)] == pytest.approx(
        np.sqrt(metrics.mean_squared_error(truth, predicted))
    )
    assert got[("r2", None)] == pytest.approx(metrics.r2_score(truth, predicted))
    assert ("latency_p50_ms", None) not in got


def test_multiclass_scores_follow_the_declared_classes(rng) -> None:
    n = 400
    truth = rng.choice(["a", "b", "c"], n)
    proba = rng.dirichlet([1, 1, 1], n)
    proba[np.arange(n), np.searchsorted(["a", "b", "c"], truth)] += 1.0
    proba /= proba.sum(axis=1, keepdims=True)
    predicted = np.array(["a", "b", "c"])[proba.argmax(axis=1)]
    class_scores = [dict(zip("abc", row.tolist(), strict=True)) for row in proba]
    data = WindowData(
        pa.table({"id": [str(i) for i in range(n)]}),
        predicted.tolist(),
        [None] * n,
        class_scores,
        [None] * n,
        [False] * n,
        truth.tolist(),
    )
    got = _by_name(
        compute_window_metrics(
            task="multiclass_classification",
            schema={"classes": ["a", "b", "c"]},
            data=data,
            reference=None,
            window_seconds=60.0,
        )
    )
    assert got[("accuracy", None)] == pytest.approx(metrics.accuracy_score(truth, predicted))
    assert got[("roc_auc", None)] == pytest.approx(
        metrics.roc_auc_score(truth, proba, multi_class="ovr", average="macro")
    )


def _window_profile(features: pa.Table, reference: Profile) -> Profile:
    builder = ProfileBuilder(window_schema(features, kinds={}, reference=reference),
                             bins_from=reference)  # fmt: skip
    builder.update(features.drop_columns(["id"]))
    return builder.build()


def test_drift_from_profiles_brackets_scipy_and_binned_statistics_are_exact(rng) -> None:
    reference = pa.table({"feature.age": rng.normal(40, 10, 2000)})
    ref = reference_profile(reference, {"age": "numeric"})
    data, raw = _data(rng, 600, shift=5.0)
    current = _window_profile(data.features, ref)
    got = _by_name(
        compute_window_metrics(
            task="binary_classification",
            schema={},
            data=data,
            reference=ref,
            window_seconds=3600.0,
            profile=current,
        )
    )
    ref_age, cur_age = ref["age"], current["age"]
    assert isinstance(ref_age, NumericProfile) and isinstance(cur_age, NumericProfile)
    assert ref_age.counts is not None and cur_age.counts is not None
    # KS on profiles is approximate (docs/profiles.md). Written out: D_low is the largest
    # CDF gap at the fine edges; within one fine bin either CDF rises by at most that
    # side's share of the bin, so scipy's exact D on the raw values is in
    # [D_low, D_low + w], w the largest share of either side in one fine bin.
    ref_cdf = np.cumsum(ref_age.counts) / ref_age.counts.sum()
    cur_cdf = np.cumsum(cur_age.counts) / cur_age.counts.sum()
    d_low = float(np.max(np.abs(ref_cdf - cur_cdf)))
    w = max(float(np.max(ref_age.counts / ref_age.counts.sum())),
            float(np.max(cur_age.counts / cur_age.counts.sum())))  # fmt: skip
    exact = stats.ks_2samp(reference.column(0).to_numpy(), raw["age"])
    # (1e-12: the CDFs are ratios of counts, rounded in the last bit.)
    assert d_low - 1e-12 <= exact.statistic <= d_low + w + 1e-12
    # The p-value is Smirnov's asymptotic distribution at D_low (as scipy's ks_2samp
    # above 10,000 values), with n = round(n m / (n + m)).
    p_value = stats.kstwo.sf(d_low, round(2000 * 600 / 2600))
    assert got[("drift_p_value", "age")] == pytest.approx(p_value, rel=1e-9)
    # One tested column: the BH-adjusted p-value is the raw one.
    assert got[("drift_score", "age")] == pytest.approx(1 - p_value, rel=1e-9)
    assert got[("drift_detected", "age")] == 1.0
    assert got[("share_drifted", None)] == 1.0
    # Wasserstein distance over the reference's standard deviation (approximate).
    effect = stats.wasserstein_distance(reference.column(0).to_numpy(), raw["age"]) / np.std(
        reference.column(0).to_numpy(), ddof=1
    )
    assert got[("drift_effect", "age")] == pytest.approx(effect, rel=0.05)
    assert got[("missing_share", "age")] == 0.0
    assert ("quality_critical", None) in got
    # Binned statistics read exact counts on the reference's edges: they equal the
    # raw-data statistic on the same edges, to the last digit.
    for method in ("psi", "jensen_shannon"):
        policy = DriftPolicy.from_options(numeric_method=method)
        edges, _, _ = binned_counts(ref_age, cur_age, policy.n_bins)
        expected = get_method(method)(
            bin_counts(np.sort(reference.column(0).to_numpy()), edges),
            bin_counts(np.sort(raw["age"]), edges),
        )
        assert compare_profiles(ref, current, policy)["age"].statistic == expected.statistic


def test_an_unlabelled_window_has_no_performance(rng) -> None:
    data, _ = _data(rng, 50)
    data.labels = [None] * 50
    names = {
        m
        for m, _, _ in compute_window_metrics(
            task="binary_classification",
            schema={},
            data=data,
            reference=None,
            window_seconds=3600.0,
        )
    }
    assert "accuracy" not in names and "label_coverage" in names


def test_host_figures_are_averaged_and_maxed() -> None:
    data = WindowData(pa.table({"id": ["a"]}), [1], [None], [None], [None], [False], [None])
    got = _by_name(
        compute_window_metrics(
            task="llm",
            schema={},
            data=data,
            reference=None,
            window_seconds=60.0,
            host=[(10.0, 100.0, 0), (30.0, 300.0, 2)],
        )
    )
    assert got[("cpu_percent", None)] == 20.0
    assert got[("memory_bytes", None)] == 300.0
    assert got[("sdk_dropped", None)] == 2.0


def test_window_data_joins_outputs_by_id() -> None:
    features = pa.table({"id": ["b", "a", "z"]})
    outputs = {
        "record_id": ["a", "b"],
        "prediction": ["1", '"x"'],
        "score": [0.1, 0.2],
        "scores": [None, '{"p": 1.0}'],
        "latency_ms": [1.0, 2.0],
        "error": [False, True],
        "label": ["0", None],
    }
    data = window_data(features, outputs)
    assert data.predictions == ["x", 1, None]
    assert data.class_scores == [{"p": 1.0}, None, None]
    assert data.labels == [None, 0, None]
    assert data.errors == [True, False, False]


def test_summary_nests_per_feature_metrics() -> None:
    assert summarize([("drift_score", "a", 0.1), ("drift_score", "b", 0.2)]) == {
        "drift_score": {"a": 0.1, "b": 0.2}
    }
