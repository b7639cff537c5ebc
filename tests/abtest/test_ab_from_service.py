"""compare_versions on a SQLite store populated through the MonitoringService."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from scipy import stats
from tests.abtest._store import HOURS, T0, populate

from watchkeeper._exceptions import InputError
from watchkeeper.abtest import compare_versions, two_proportion_ztest
from watchkeeper.service import MonitoringService, NotFound, Settings
from watchkeeper.store import Store


@pytest.fixture
def service(tmp_path: Path) -> Iterator[MonitoringService]:
    store = Store(f"sqlite:///{tmp_path / 'watchkeeper.db'}")
    try:
        yield MonitoringService(store, Settings(), clock=lambda: T0 + timedelta(days=1))
    finally:
        store.close()


def test_accuracy_windows_pool_back_into_the_raw_counts(service: MonitoringService) -> None:
    counts = populate(service)
    result = compare_versions(service, "churn", "v1", "v2", "accuracy")
    expected = two_proportion_ztest(*counts["v1"], *counts["v2"])
    assert (result.test.n_a, result.test.n_b) == (counts["v1"][1], counts["v2"][1])
    assert result.test.p_value == pytest.approx(expected.p_value, rel=1e-9)
    assert result.test.difference == pytest.approx(expected.difference, rel=1e-9)
    table = [[c[0], c[1] - c[0]] for c in (counts["v1"], counts["v2"])]
    assert result.test.statistic**2 == pytest.approx(
        stats.chi2_contingency(table, correction=False)[0], rel=1e-9
    )
    assert (result.n_windows_a, result.n_windows_b) == (HOURS, HOURS)
    assert result.test.winner == "b"
    assert "pooled" in result.test.note
    assert result.sequential is not None and result.sequential.looks == HOURS
    assert result.sequential.rejected
    payload = result.to_dict()
    assert payload["test"]["winner"] == "b" and payload["sequential"]["method"] == "msprt"


def test_metrics_without_counts_compare_window_values(service: MonitoringService) -> None:
    populate(service)
    result = compare_versions(service, "churn", "v1", "v2", "latency_p50_ms")
    values = {
        version: [
            p.value
            for p in service.metric_series("churn", "latency_p50_ms", version=version)
            if p.segment is None
        ]
        for version in ("v1", "v2")
    }
    ref = stats.ttest_ind(values["v2"], values["v1"], equal_var=False)
    assert result.test.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert result.test.method == "welch_t"
    assert result.test.higher_is_better is False
    assert "Welch's test across windows" in result.test.note
    assert result.sequential is None
    auc = compare_versions(service, "churn", "v1", "v2", "roc_auc")
    assert auc.test.higher_is_better is True and auc.test.n_a == HOURS


def test_period_and_refusals(service: MonitoringService) -> None:
    populate(service)
    half = compare_versions(service, "churn", "v1", "v2", "accuracy", end=T0 + timedelta(hours=2))
    assert half.n_windows_a == 2
    with pytest.raises(InputError, match="no closed window"):
        compare_versions(service, "churn", "v1", "v2", "accuracy", start=T0 + timedelta(days=2))
    with pytest.raises(InputError, match="no closed window"):
        compare_versions(service, "churn", "v1", "v2", "no_such_metric")
    with pytest.raises(InputError, match="both 'v1'"):
        compare_versions(service, "churn", "v1", "v1", "accuracy")
    with pytest.raises(NotFound):
        compare_versions(service, "churn", "v1", "v9", "accuracy")
    with pytest.raises(InputError, match="at least 2 closed windows"):
        compare_versions(service, "churn", "v1", "v2", "roc_auc", start=T0 + timedelta(hours=3))
