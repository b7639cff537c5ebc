"""Domain classifier: reference AUCs from scikit-learn, properties, and bad input."""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper import InputError, MissingDependency
from watchkeeper.multivariate import domain_classifier_auc, domain_classifier_drift


def test_separable_sets_give_auc_one_and_identical_sets_half() -> None:
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(600, 3))
    cur = rng.normal(size=(600, 3))
    cur[:, 1] += 50.0
    assert domain_classifier_auc(ref, cur) == 1.0
    assert domain_classifier_auc(ref, rng.normal(size=(600, 3))) == pytest.approx(0.5, abs=0.05)
    # Rows present in both sets pull the out-of-fold AUC below 0.5 (each row's twin in
    # the training folds carries the other label); that is no drift, and no alert.
    assert domain_classifier_auc(ref, ref.copy()) < 0.5


def test_auc_close_to_the_bayes_optimal_auc() -> None:
    # Two unit Gaussians a distance d apart: the best classifier's AUC is Phi(d / sqrt(2)).
    from scipy import stats

    rng = np.random.default_rng(1)
    ref = rng.normal(size=(4000, 2))
    cur = rng.normal(size=(4000, 2)) + np.array([0.8, 0.0])
    expected = stats.norm.cdf(0.8 / np.sqrt(2))  # 0.7142
    assert domain_classifier_auc(ref, cur) == pytest.approx(expected, abs=0.02)


def test_chunks_alert_only_after_the_shift_and_threads_change_nothing() -> None:
    rng = np.random.default_rng(2)
    ref = rng.normal(size=(4000, 4))
    cur = rng.normal(size=(4000, 4))
    cur[2000:, 0] = cur[2000:, 1] * 0.9 + rng.normal(size=2000) * 0.3  # new correlation
    one = domain_classifier_drift(ref, cur, n_chunks=4)
    two = domain_classifier_drift(ref, cur, n_chunks=4, n_jobs=2)
    assert [c.alert for c in one.current_chunks] == [False, False, True, True]
    assert one == two
    assert all(abs(c.value - 0.5) < 0.06 for c in one.reference_chunks)
    assert one.lower_threshold is not None and one.upper_threshold is not None
    assert one.upper_threshold < 0.6


def test_constant_thresholds_and_json() -> None:
    rng = np.random.default_rng(3)
    ref, cur = rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2)) + 2.0
    result = domain_classifier_drift(ref, cur, n_chunks=2, thresholds=(0.45, 0.65))
    data = result.to_dict()
    assert data["upper_threshold"] == 0.65 and data["drifted"] is True
    assert data["parameters"]["max_depth"] == 2


def test_categories_and_nulls_from_tables() -> None:
    rng = np.random.default_rng(4)
    n = 3000
    ref = pa.table(
        {
            "x": pa.array(np.where(rng.random(n) < 0.2, None, rng.normal(size=n)).tolist()),
            "city": rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1]).tolist(),
        }
    )
    cur = pa.table(
        {
            "x": pa.array(np.where(rng.random(n) < 0.2, None, rng.normal(size=n)).tolist()),
            "city": rng.choice(["a", "b", "c", "new"], size=n, p=[0.2, 0.3, 0.1, 0.4]).tolist(),
        }
    )
    assert domain_classifier_auc(ref, cur) > 0.65
    same = pa.table({"x": ref.column("x"), "city": ref.column("city")}).slice(0, 1500)
    assert domain_classifier_auc(same, ref.slice(1500)) < 0.56


def test_sampling_is_seeded() -> None:
    rng = np.random.default_rng(5)
    ref, cur = rng.normal(size=(3000, 2)), rng.normal(size=(3000, 2)) + 0.3
    a = domain_classifier_auc(ref, cur, max_rows=500, random_state=7)
    assert a == domain_classifier_auc(ref, cur, max_rows=500, random_state=7)


def test_bad_input() -> None:
    ref = np.random.default_rng(6).normal(size=(100, 2))
    with pytest.raises(InputError, match="n_folds"):
        domain_classifier_auc(ref, ref, n_folds=1)
    with pytest.raises(InputError, match="max_bins"):
        domain_classifier_auc(ref, ref, max_bins=300)
    with pytest.raises(InputError, match="n_jobs"):
        domain_classifier_drift(ref, ref, n_jobs=0)
    with pytest.raises(InputError, match="lower above upper"):
        domain_classifier_drift(ref, ref, n_chunks=2, thresholds=(0.7, 0.6))


def test_missing_scikit_learn_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    ref = np.random.default_rng(7).normal(size=(100, 2))
    with pytest.raises(MissingDependency, match=r"watchkeeper\[ml\]"):
        domain_classifier_auc(ref, ref)
