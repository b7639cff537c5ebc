"""Sample tests agree with scipy to 1e-9 (statistic and p-value) on randomised inputs."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.stats import (
    TestResult,
    anderson_ksamp,
    cramer_von_mises_2samp,
    epps_singleton_2samp,
    ks_2samp,
    mann_whitney_u,
    welch_t_test,
)
from watchkeeper.stats._numeric_tests import _ks_statistic

RTOL = 1e-9

# Small sizes take scipy's exact branches; ties come from rounding to a coarse grid.
SMALL_SIZES = [(1, 1), (1, 7), (2, 3), (5, 5), (6, 9), (7, 7), (12, 30), (40, 25), (200, 300)]


def _pair(seed: int, n1: int, n2: int, *, ties: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ref = rng.normal(0.0, 1.0, n1)
    cur = rng.normal(rng.uniform(-0.5, 0.5), rng.uniform(0.5, 2.0), n2)
    if ties:
        ref, cur = np.round(ref * 2) / 2, np.round(cur * 2) / 2
    return ref, cur


def _scipy_quiet(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = func(*args, **kwargs)
    return float(res.statistic), float(res.pvalue)


def _assert_matches(ours: TestResult, expected: tuple[float, float]) -> None:
    assert ours.statistic == pytest.approx(expected[0], rel=RTOL, abs=1e-300)
    assert ours.p_value == pytest.approx(expected[1], rel=RTOL, abs=1e-300)


CASES = [
    (seed, n1, n2, ties) for seed, (n1, n2) in enumerate(SMALL_SIZES) for ties in (False, True)
]


@pytest.mark.parametrize(("seed", "n1", "n2", "ties"), CASES)
def test_ks_matches_scipy(seed: int, n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(seed, n1, n2, ties=ties)
    _assert_matches(ks_2samp(ref, cur), _scipy_quiet(stats.ks_2samp, ref, cur))


@pytest.mark.parametrize(("n1", "n2", "ties"), [(10_001, 12_000, False), (15_000, 10_500, True)])
def test_ks_asymptotic_branch_matches_scipy_on_unsorted_input(n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(n1, n1, n2, ties=ties)
    cur = cur + 0.02  # a small shift keeps the p-value away from 0 and 1
    result = ks_2samp(ref, cur)  # unsorted: the function sorts
    _assert_matches(result, _scipy_quiet(stats.ks_2samp, ref, cur))


def test_ks_statistic_on_sorted_input_is_scipys_bit_for_bit() -> None:
    # method="asymp" because the exact branch re-rounds D to a multiple of 1/lcm(n1, n2).
    for seed in range(200):
        rng = np.random.default_rng(seed)
        n1, n2 = (int(n) for n in rng.integers(1, 60, 2))
        ref = np.sort(rng.integers(0, int(rng.integers(1, 12)), n1).astype(float))
        cur = np.sort(rng.integers(0, int(rng.integers(1, 12)), n2).astype(float))
        assert _ks_statistic(ref, cur) == stats.ks_2samp(ref, cur, method="asymp").statistic


@pytest.mark.parametrize(("seed", "n1", "n2", "ties"), [c for c in CASES if c[1] + c[2] >= 4])
def test_anderson_matches_scipy(seed: int, n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(seed, n1, n2, ties=ties)
    expected = _scipy_quiet(stats.anderson_ksamp, [ref, cur], variant="midrank")
    result = anderson_ksamp(ref, cur)
    _assert_matches(result, expected)
    assert 0.001 <= (result.p_value or 0.0) <= 0.25  # scipy's documented cap


@pytest.mark.parametrize(("seed", "n1", "n2", "ties"), [c for c in CASES if min(c[1:3]) >= 2])
def test_cramer_von_mises_matches_scipy(seed: int, n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(seed, n1, n2, ties=ties)
    expected = _scipy_quiet(stats.cramervonmises_2samp, ref, cur)
    _assert_matches(cramer_von_mises_2samp(ref, cur), expected)


@pytest.mark.parametrize(("seed", "n1", "n2", "ties"), CASES)
def test_mann_whitney_matches_scipy(seed: int, n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(seed, n1, n2, ties=ties)
    expected = _scipy_quiet(stats.mannwhitneyu, ref, cur, alternative="two-sided")
    _assert_matches(mann_whitney_u(ref, cur), expected)


@pytest.mark.parametrize(("seed", "n1", "n2", "ties"), [c for c in CASES if min(c[1:3]) >= 2])
def test_welch_t_test_matches_scipy(seed: int, n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(seed, n1, n2, ties=ties)
    expected = _scipy_quiet(stats.ttest_ind, ref, cur, equal_var=False)
    _assert_matches(welch_t_test(ref, cur), expected)


@pytest.mark.parametrize(("seed", "n1", "n2", "ties"), [c for c in CASES if min(c[1:3]) >= 5])
def test_epps_singleton_matches_scipy(seed: int, n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(seed, n1, n2, ties=ties)
    expected = _scipy_quiet(stats.epps_singleton_2samp, ref, cur)
    _assert_matches(epps_singleton_2samp(ref, cur), expected)


# Edge cases: documented results where scipy gives NaN or raises.


def test_identical_constants() -> None:
    same = np.full(8, 2.5)
    assert ks_2samp(same, same) == TestResult(0.0, 1.0)
    assert anderson_ksamp(same, same) == TestResult(0.0, 1.0)
    assert welch_t_test(same, same) == TestResult(0.0, 1.0)
    assert epps_singleton_2samp(same, same) == TestResult(0.0, 1.0)
    assert mann_whitney_u(same, same) == TestResult(32.0, 1.0)
    assert cramer_von_mises_2samp(same, same) == TestResult(0.0, 1.0)


def test_constants_that_are_not_exactly_representable_are_still_constant() -> None:
    # mean([0.1] * 7) is not 0.1 in floating point, so a variance check would see noise.
    assert welch_t_test([0.1] * 7, [0.1] * 6) == TestResult(0.0, 1.0)


def test_different_constants() -> None:
    low, high = np.full(6, 1.0), np.full(7, 2.0)
    assert welch_t_test(low, high) == TestResult(-np.inf, 0.0)
    assert welch_t_test(high, low) == TestResult(np.inf, 0.0)
    assert ks_2samp(low, high).statistic == 1.0
    assert anderson_ksamp(low, high).p_value == 0.001
    assert epps_singleton_2samp(low, high).p_value == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("func", "name"),
    [
        (ks_2samp, "ks"),
        (anderson_ksamp, "anderson"),
        (cramer_von_mises_2samp, "cramer_von_mises"),
        (mann_whitney_u, "mann_whitney"),
        (welch_t_test, "t_test"),
        (epps_singleton_2samp, "epps_singleton"),
    ],
)
def test_empty_and_non_finite_input_are_named(func: Callable[..., TestResult], name: str) -> None:
    with pytest.raises(InputError, match=rf"^{name}: the reference is empty"):
        func([], [1.0, 2.0])
    with pytest.raises(InputError, match=rf"^{name}: the current has 1 NaN or infinite"):
        func([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, np.nan, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(InputError, match="shape"):
        func(np.ones((2, 3)), [1.0])


@pytest.mark.parametrize(
    ("func", "smallest"),
    [(cramer_von_mises_2samp, 2), (welch_t_test, 2), (epps_singleton_2samp, 5)],
)
def test_too_small_samples_raise(func: Callable[..., TestResult], smallest: int) -> None:
    with pytest.raises(InputError, match=f"at least {smallest} on each side"):
        func(np.arange(smallest - 1.0), np.arange(10.0))


def test_anderson_needs_four_values() -> None:
    with pytest.raises(InputError, match="at least 4"):
        anderson_ksamp([1.0], [2.0, 3.0])
    assert anderson_ksamp([1.0], [2.0, 3.0, 4.0]).p_value is not None


def test_epps_singleton_zero_iqr_is_an_input_error() -> None:
    mostly_zero = np.r_[np.zeros(20), 1.0, 2.0]
    with pytest.raises(InputError, match="interquartile range is zero"):
        epps_singleton_2samp(mostly_zero, mostly_zero[::-1])


def test_one_value_per_side_is_handled() -> None:
    assert ks_2samp([1.0], [2.0]) == TestResult(1.0, 1.0)
    assert mann_whitney_u([1.0], [2.0]) == TestResult(0.0, 1.0)


def test_t_test_with_subnormal_spread_follows_the_constant_rule() -> None:
    # Both variances underflow to zero; scipy returns NaN here.
    tiny = [5e-324, 0.0, 5e-324, 5e-324]
    assert welch_t_test(tiny, tiny) == TestResult(0.0, 1.0)


def test_t_test_is_scale_free_even_where_squares_overflow() -> None:
    ref, cur = _pair(5, 40, 30, ties=False)
    expected = _scipy_quiet(stats.ttest_ind, ref, cur, equal_var=False)
    _assert_matches(welch_t_test(ref * 1e300, cur * 1e300), expected)
