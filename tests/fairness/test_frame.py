"""The group metric frame agrees with fairlearn's MetricFrame; its intervals behave."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, recall_score

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.fairness import group_metric_frame

fairlearn = pytest.importorskip("fairlearn.metrics")
pd = pytest.importorskip("pandas")


def _data(seed: int, n: int = 500):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = np.where(rng.random(n) < 0.7, y, 1 - y)
    score = np.clip(0.5 * y + rng.uniform(0, 0.6, n), 0, 1)
    race = rng.choice(["a", "b", "c"], n)
    sex = rng.choice(["f", "m"], n)
    return y, p, score, race, sex


@pytest.mark.parametrize("seed", range(4))
def test_by_group_agrees_with_metricframe(seed: int) -> None:
    y, p, _, race, sex = _data(seed)
    theirs = fairlearn.MetricFrame(
        metrics={
            "accuracy": accuracy_score,
            "recall": recall_score,
            "f1": f1_score,
            "selection_rate": fairlearn.selection_rate,
            "false_positive_rate": fairlearn.false_positive_rate,
        },
        y_true=y,
        y_pred=p,
        sensitive_features=pd.DataFrame({"race": race, "sex": sex}),
    )
    ours = group_metric_frame(
        y,
        p,
        sensitive_features={"race": race, "sex": sex},
        metrics=["accuracy", "recall", "f1", "selection_rate", "false_positive_rate"],
        n_boot=0,
    )
    by_group = ours.by_group()  # the intersection of both features, as MetricFrame's
    assert len(by_group) == len(theirs.by_group)
    for key, row in theirs.by_group.iterrows():
        for name, value in row.items():
            assert by_group.loc[tuple(key), name] == pytest.approx(value, abs=1e-12)
    assert list(by_group.index.names) == list(theirs.by_group.index.names)
    for name, value in theirs.overall.items():
        assert ours.overall.metrics[name].value == pytest.approx(value, abs=1e-12)
    for name in ("accuracy", "recall"):
        assert ours.difference(name) == pytest.approx(theirs.difference()[name], abs=1e-12)
        assert ours.ratio(name) == pytest.approx(theirs.ratio()[name], abs=1e-12)
        assert ours.difference(name, method="to_overall") == pytest.approx(
            theirs.difference(method="to_overall")[name], abs=1e-12
        )
        assert ours.ratio(name, method="to_overall") == pytest.approx(
            theirs.ratio(method="to_overall")[name], abs=1e-12
        )
        assert ours.group_min(name) == pytest.approx(theirs.group_min()[name], abs=1e-12)


def test_single_feature_groups_agree_with_metricframe() -> None:
    y, p, _, race, sex = _data(9)
    ours = group_metric_frame(
        y, p, sensitive_features={"race": race, "sex": sex}, metrics="accuracy", n_boot=0
    )
    theirs = fairlearn.MetricFrame(
        metrics=accuracy_score, y_true=y, y_pred=p, sensitive_features=sex
    )
    for key, value in theirs.by_group.items():
        assert ours.by_group("sex").loc[key, "accuracy"] == pytest.approx(value, abs=1e-12)


def test_scores_and_callables() -> None:
    from sklearn.metrics import roc_auc_score

    y, _, score, race, _ = _data(2)
    ours = group_metric_frame(
        y, None, score, sensitive_features=race, metrics=["roc_auc", roc_auc_score], n_boot=0
    )
    theirs = fairlearn.MetricFrame(
        metrics=roc_auc_score, y_true=y, y_pred=score, sensitive_features=race
    )
    for key, value in theirs.by_group.items():
        assert ours.by_group().loc[key, "roc_auc"] == pytest.approx(value, abs=1e-12)
        assert ours.by_group().loc[key, "roc_auc_score"] == pytest.approx(value, abs=1e-12)


def test_bootstrap_interval_matches_the_normal_approximation() -> None:
    # For a proportion on many rows, the percentile interval is close to
    # p +- 1.96 sqrt(p (1 - p) / n) (the Wald interval).
    rng = np.random.default_rng(5)
    n = 4000
    p = (rng.random(n) < 0.3).astype(int)
    frame = group_metric_frame(
        p, p, sensitive_features=np.full(n, "g"), metrics="selection_rate", n_boot=400, seed=1
    )
    value = frame.overall.metrics["selection_rate"]
    half = 1.959964 * np.sqrt(value.value * (1 - value.value) / n)
    assert value.ci_low == pytest.approx(value.value - half, abs=0.004)
    assert value.ci_high == pytest.approx(value.value + half, abs=0.004)


def test_bootstrap_is_seeded_and_brackets_the_value() -> None:
    y, p, _, race, _ = _data(1)
    first = group_metric_frame(y, p, sensitive_features=race, metrics="accuracy", n_boot=60, seed=3)
    again = group_metric_frame(y, p, sensitive_features=race, metrics="accuracy", n_boot=60, seed=3)
    assert first.to_dict() == again.to_dict()
    for row in first.rows:
        v = row.metrics["accuracy"]
        assert v.ci_low is not None and v.ci_high is not None
        assert v.ci_low <= v.value <= v.ci_high


def test_unlabelled_rows_are_left_out() -> None:
    y = np.array([1.0, 0.0, np.nan, 1.0])
    p = np.array([1, 0, 1, 0])
    frame = group_metric_frame(
        y, p, sensitive_features=["a", "a", "a", "b"], metrics="count", n_boot=0
    )
    assert frame.by_group()["count"].to_dict() == {"a": 2.0, "b": 1.0}


def test_errors_name_the_fix() -> None:
    with pytest.raises(UnknownMethodError, match="unknown metric 'nope'"):
        group_metric_frame([0, 1], [0, 1], sensitive_features=["a", "b"], metrics="nope")
    with pytest.raises(InputError, match="2 values for 3 rows"):
        group_metric_frame([0, 1, 1], [0, 1, 1], sensitive_features=["a", "b"])
    frame = group_metric_frame([0, 1], [0, 1], sensitive_features=["a", "b"], n_boot=0)
    with pytest.raises(InputError, match="no groups for features"):
        frame.by_group("nope")
