"""The A/B metric registry and the dispatch to the right test."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.abtest import AB_METRICS, Arm, compare_arms, get_ab_metric
from watchkeeper.performance import METRICS


def _arms(rng: np.random.Generator, n: int = 500) -> tuple[Arm, Arm]:
    def arm(noise: float) -> Arm:
        y = rng.integers(0, 2, n)
        return Arm(
            y_true=y,
            y_pred=np.where(rng.random(n) < 0.8, y, 1 - y),
            score=y + rng.normal(0, noise, n),
            values=rng.integers(0, 2, n),
        )

    return arm(1.0), arm(0.8)


@pytest.mark.parametrize("name", sorted(AB_METRICS))
def test_every_metric_runs_and_is_antisymmetric(name: str) -> None:
    a, b = _arms(np.random.default_rng(0))
    ab = compare_arms(name, a, b, n_boot=200)
    ba = compare_arms(name, b, a, n_boot=200)
    assert ab.difference == pytest.approx(-ba.difference)
    assert 0.0 <= ab.p_value <= 1.0
    assert ab.higher_is_better == get_ab_metric(name).higher_is_better
    assert ab.metric == name


def test_directions_agree_with_the_performance_registry() -> None:
    for name, spec in AB_METRICS.items():
        if name in METRICS:
            assert spec.higher_is_better == METRICS[name].higher_is_better, name


def test_estimates_are_the_sklearn_metrics() -> None:
    rng = np.random.default_rng(1)
    y_a, y_b = rng.normal(0, 1, 300), rng.normal(0, 1, 200)
    a = Arm(y_true=y_a, y_pred=y_a + rng.normal(0, 0.5, 300))
    b = Arm(y_true=y_b, y_pred=y_b + rng.normal(0, 0.6, 200))
    mae = compare_arms("mae", a, b)
    assert mae.estimate_a == pytest.approx(mean_absolute_error(a.y_true, a.y_pred))
    assert mae.estimate_b == pytest.approx(mean_absolute_error(b.y_true, b.y_pred))
    assert mae.method == "welch_t"
    mse = compare_arms("mse", a, b)
    assert mse.estimate_b == pytest.approx(mean_squared_error(b.y_true, b.y_pred))
    errors_a = np.abs(y_a - np.asarray(a.y_pred))
    errors_b = np.abs(y_b - np.asarray(b.y_pred))
    assert mae.p_value == pytest.approx(stats.ttest_ind(errors_b, errors_a, equal_var=False).pvalue)
    c_a, c_b = _arms(rng)
    acc = compare_arms("accuracy", c_a, c_b)
    assert acc.estimate_a == pytest.approx(accuracy_score(c_a.y_true, c_a.y_pred))
    assert acc.method == "two_proportion_z"


def test_paired_dispatch() -> None:
    rng = np.random.default_rng(2)
    y = rng.normal(0, 1, 400)
    a = Arm(y_true=y, y_pred=y + rng.normal(0, 0.5, 400), values=rng.gamma(2, 10, 400))
    b = Arm(y_true=y, y_pred=y + rng.normal(0, 0.4, 400), values=rng.gamma(2, 10, 400))
    assert compare_arms("mae", a, b, paired=True).method == "paired_t"
    assert compare_arms("latency_ms", a, b, paired=True).paired
    with pytest.raises(InputError, match="same rows"):
        compare_arms("mae", a, Arm(y_true=y[:10], y_pred=y[:10]), paired=True)


def test_refusals_name_the_fix() -> None:
    a, b = _arms(np.random.default_rng(3))
    with pytest.raises(UnknownMethodError, match="use one of"):
        compare_arms("f2", a, b)
    with pytest.raises(InputError, match="needs score"):
        compare_arms("roc_auc", Arm(y_true=[0, 1]), b)
    with pytest.raises(InputError, match="0/1 outcomes"):
        compare_arms("error_rate", Arm(values=[0, 2, 1]), b)
    with pytest.raises(InputError, match="one prediction per row"):
        compare_arms("accuracy", Arm(y_true=[0, 1], y_pred=[1]), b)
