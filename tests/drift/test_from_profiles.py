"""Drift from profiles: binned statistics equal the raw-data ones, KS is bounded."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import stats

from watchkeeper._exceptions import ColumnError
from watchkeeper.drift import DriftPolicy, detect_drift
from watchkeeper.drift._from_profiles import binned_counts, compare_profiles
from watchkeeper.profile import NumericProfile, Profile, profile_source
from watchkeeper.schema import ColumnKind, ColumnSpec, Schema
from watchkeeper.stats import bin_counts, get_method

BINNED = ["psi", "jensen_shannon", "hellinger", "kl_divergence", "total_variation", "l_infinity"]


@pytest.fixture
def data(rng: np.random.Generator) -> tuple[dict[str, object], dict[str, object]]:
    ref_x = rng.gamma(3.0, 2.0, 30_000)
    cur_x = rng.gamma(3.0, 2.0, 20_000) + 0.3
    ref_x[:50] = np.nan
    cur_x[:10] = np.inf
    ref = {"x": ref_x, "c": rng.choice(["a", "b", "c"], 30_000, p=[0.5, 0.3, 0.2])}
    cur = {"x": cur_x, "c": rng.choice(["a", "b", "c", "d"], 20_000, p=[0.4, 0.3, 0.2, 0.1])}
    return ref, cur


def _profiles(data: tuple[dict[str, object], dict[str, object]]) -> tuple[Profile, Profile]:
    ref = profile_source(data[0], batch_size=4096)
    return ref, profile_source(data[1], bins_from=ref, batch_size=4096)


def _finite_sorted(values: object) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    return np.sort(x[np.isfinite(x)])


@pytest.mark.parametrize("method", BINNED)
def test_binned_statistics_equal_the_raw_data_result(
    data: tuple[dict[str, object], dict[str, object]], method: str
) -> None:
    ref, cur = _profiles(data)
    policy = DriftPolicy.from_options(numeric_method=method)
    got = compare_profiles(ref, cur, policy)["x"]
    ref_x, cur_x = ref["x"], cur["x"]
    assert isinstance(ref_x, NumericProfile) and isinstance(cur_x, NumericProfile)
    edges, _, _ = binned_counts(ref_x, cur_x, policy.n_bins)
    raw_ref, raw_cur = _finite_sorted(data[0]["x"]), _finite_sorted(data[1]["x"])
    expected = get_method(method)(bin_counts(raw_ref, edges), bin_counts(raw_cur, edges))
    assert got.statistic == expected.statistic
    assert got.comparison == "exact"


@pytest.mark.parametrize("method", ["chisquare", "g_test", "psi", "jensen_shannon"])
def test_categorical_results_equal_the_raw_path(
    data: tuple[dict[str, object], dict[str, object]], method: str
) -> None:
    ref, cur = _profiles(data)
    policy = DriftPolicy.from_options(categorical_method=method)
    got = compare_profiles(ref, cur, policy)["c"]
    raw = detect_drift(data[0], data[1], policy=policy)["c"]
    assert (got.statistic, got.p_value) == (raw.statistic, raw.p_value)
    assert got.unseen_categories == ("d",) and got.comparison == "exact"


def test_ks_bound_holds_the_scipy_statistic_and_is_repeatable(
    data: tuple[dict[str, object], dict[str, object]],
) -> None:
    ref, cur = _profiles(data)
    first = compare_profiles(ref, cur)["x"]
    again = compare_profiles(ref, cur)["x"]
    assert (first.statistic, first.p_value, first.note) == (
        again.statistic,
        again.p_value,
        again.note,
    )
    assert first.comparison == "approximate"
    low, high = map(float, re.findall(r"\[([^,]+), ([^\]]+)\]", first.note or "")[0])
    exact = stats.ks_2samp(_finite_sorted(data[0]["x"]), _finite_sorted(data[1]["x"]))
    assert low <= exact.statistic <= high
    assert high - low < 0.01
    # Finite values: 30,000 - 50 NaN and 20,000 - 10 inf; scipy's asymptotic n.
    n = round(29_950 * 19_990 / (29_950 + 19_990))
    assert first.p_value == pytest.approx(stats.kstwo.sf(first.statistic, n), rel=1e-12)


def test_welch_t_test_reads_the_moments_exactly(
    data: tuple[dict[str, object], dict[str, object]],
) -> None:
    ref, cur = _profiles(data)
    got = compare_profiles(ref, cur, DriftPolicy.from_options(numeric_method="t_test"))["x"]
    raw_ref, raw_cur = _finite_sorted(data[0]["x"]), _finite_sorted(data[1]["x"])
    expected = stats.ttest_ind(raw_ref, raw_cur, equal_var=False)
    assert got.statistic == pytest.approx(expected.statistic, rel=1e-9)
    assert got.p_value == pytest.approx(expected.pvalue, rel=1e-6)


def test_wasserstein_from_histograms_is_close_to_scipy(
    data: tuple[dict[str, object], dict[str, object]],
) -> None:
    ref, cur = _profiles(data)
    got = compare_profiles(ref, cur, DriftPolicy.from_options(numeric_method="wasserstein"))
    raw_ref, raw_cur = _finite_sorted(data[0]["x"]), _finite_sorted(data[1]["x"])
    expected = stats.wasserstein_distance(raw_ref, raw_cur)
    # Linear within a fine bin; the open tail bins (0.1% each) carry most of the error.
    assert got["x"].statistic == pytest.approx(expected, rel=0.05)
    assert got["x"].comparison == "approximate"


def test_a_method_that_needs_raw_values_says_so(
    data: tuple[dict[str, object], dict[str, object]],
) -> None:
    ref, cur = _profiles(data)
    got = compare_profiles(ref, cur, DriftPolicy.from_options(numeric_method="anderson"))["x"]
    assert got.statistic is None and "needs raw values" in (got.note or "")


def test_a_current_profile_on_its_own_edges_is_rebinned_within_the_bound(
    data: tuple[dict[str, object], dict[str, object]],
) -> None:
    ref, on_ref_bins = _profiles(data)
    own_bins = profile_source(data[1])
    policy = DriftPolicy.from_options(numeric_method="psi")
    exact = compare_profiles(ref, on_ref_bins, policy)["x"]
    rebinned = compare_profiles(ref, own_bins, policy)["x"]
    assert rebinned.comparison == "approximate" and "re-binned" in (rebinned.note or "")
    assert rebinned.drifted == exact.drifted
    assert rebinned.statistic == pytest.approx(exact.statistic, rel=0.05)


def test_a_column_of_another_kind_is_an_error_naming_it(
    data: tuple[dict[str, object], dict[str, object]],
) -> None:
    ref = profile_source(data[0])
    schema = Schema([ColumnSpec("x", ColumnKind.CATEGORICAL), ColumnSpec("c", ColumnKind.TEXT)])
    other = profile_source({"x": ["1", "2"], "c": ["a", "b"]}, schema=schema)
    with pytest.raises(ColumnError, match="column 'x' is numeric in the reference profile"):
        compare_profiles(ref, other)


def test_profiling_current_data_again_gives_identical_numbers(
    data: tuple[dict[str, object], dict[str, object]],
) -> None:
    # KLL compacts at random; nothing reported may depend on it once the reference
    # (and so the bins) is fixed.
    ref = profile_source(data[0])
    first = compare_profiles(ref, profile_source(data[1], bins_from=ref))
    again = compare_profiles(ref, profile_source(data[1], bins_from=ref))
    assert first.to_dict() == again.to_dict()
    # Other batch sizes change only the rounding of the merged mean and variance.
    rebatched = compare_profiles(ref, profile_source(data[1], bins_from=ref, batch_size=777))
    for name in ("x", "c"):
        assert rebatched[name].statistic == first[name].statistic
        assert rebatched[name].p_value == first[name].p_value
    assert rebatched["x"].summary["current"]["std"] == pytest.approx(
        first["x"].summary["current"]["std"], rel=1e-12
    )
