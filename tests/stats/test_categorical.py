"""Count tests agree with scipy to 1e-9 and with formulas written out by hand."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.stats import (
    TestResult,
    chisquare_contingency,
    chisquare_goodness_of_fit,
    fisher_exact_test,
    floored_shares,
    g_test,
    two_proportion_z_test,
)

RTOL = 1e-9


def _counts(seed: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ref = rng.integers(0, 200, k) * (rng.random(k) > 0.15)
    cur = rng.integers(0, 200, k) * (rng.random(k) > 0.15)
    ref[0] += 1
    cur[-1] += 1
    return ref, cur


def _approx(value: float) -> object:
    return pytest.approx(value, rel=RTOL, abs=1e-300)


@pytest.mark.parametrize("seed", range(30))
def test_contingency_tests_match_scipy(seed: int) -> None:
    ref, cur = _counts(seed, 2 + seed % 12)
    seen = (ref + cur) > 0  # scipy cannot take a category empty on both sides
    table = np.vstack((ref[seen], cur[seen]))
    if table.shape[1] < 2:
        pytest.skip("a single category is covered by its own test")
    chi2 = stats.chi2_contingency(table, correction=False)
    result = chisquare_contingency(ref, cur)
    assert (result.statistic, result.p_value) == (_approx(chi2.statistic), _approx(chi2.pvalue))
    g = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    result = g_test(ref, cur)
    assert (result.statistic, result.p_value) == (_approx(g.statistic), _approx(g.pvalue))


def test_contingency_drops_categories_empty_on_both_sides() -> None:
    with_gap = chisquare_contingency([10, 0, 5], [4, 0, 9])
    assert with_gap == chisquare_contingency([10, 5], [4, 9])
    assert g_test([10, 0, 5], [4, 0, 9]) == g_test([10, 5], [4, 9])


def test_chisquare_2x2_has_no_yates_correction() -> None:
    # Pearson's X^2 for [[20, 10], [10, 20]] by hand: every expected count is 15 and
    # every |observed - expected| is 5, so X^2 = 4 * 25 / 15.
    result = chisquare_contingency([20, 10], [10, 20])
    assert result.statistic == pytest.approx(100.0 / 15.0, rel=1e-12)
    assert result.p_value == pytest.approx(stats.chi2.sf(100.0 / 15.0, 1), rel=1e-12)


@pytest.mark.parametrize("seed", range(30))
def test_goodness_of_fit_matches_scipy_with_the_floor(seed: int) -> None:
    ref, cur = _counts(seed, 2 + seed % 12)
    seen = (ref + cur) > 0
    if seen.sum() < 2:
        pytest.skip("a single category is covered by its own test")
    expected = floored_shares(ref[seen]) * cur[seen].sum()
    res = stats.chisquare(cur[seen], expected)
    result = chisquare_goodness_of_fit(ref, cur)
    assert result.statistic == _approx(res.statistic)
    assert result.p_value == _approx(res.pvalue)


def test_goodness_of_fit_unseen_category_by_hand() -> None:
    # Reference [30, 70, 0] -> shares [.3, .7, 1e-4] / 1.0001; current [20, 60, 20].
    shares = [0.3 / 1.0001, 0.7 / 1.0001, 1e-4 / 1.0001]
    observed = [20, 60, 20]
    expected = [s * 100 for s in shares]
    x2 = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    result = chisquare_goodness_of_fit([30, 70, 0], observed)
    assert result.statistic == pytest.approx(x2, rel=1e-12)
    assert result.p_value == pytest.approx(stats.chi2.sf(x2, 2), rel=1e-9, abs=1e-300)


def _z_by_hand(ref: list[int], cur: list[int]) -> float:
    # statsmodels.stats.proportion.proportions_ztest([cur[1], ref[1]], [n_cur, n_ref]),
    # prop_var=False, written out: pooled share, pooled standard error.
    n_ref, n_cur = sum(ref), sum(cur)
    p_ref, p_cur = ref[1] / n_ref, cur[1] / n_cur
    pooled = (ref[1] + cur[1]) / (n_ref + n_cur)
    return (p_cur - p_ref) / math.sqrt(pooled * (1 - pooled) * (1 / n_ref + 1 / n_cur))


@pytest.mark.parametrize("seed", range(20))
def test_z_test_by_hand_and_equals_chi_squared(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref = [int(x) for x in rng.integers(1, 5000, 2)]
    cur = [int(x) for x in rng.integers(1, 5000, 2)]
    result = two_proportion_z_test(ref, cur)
    assert result.statistic == pytest.approx(_z_by_hand(ref, cur), rel=1e-12)
    chi2 = stats.chi2_contingency([ref, cur], correction=False)
    assert result.statistic**2 == pytest.approx(chi2.statistic, rel=RTOL)
    assert result.p_value == pytest.approx(chi2.pvalue, rel=1e-8, abs=1e-300)


def test_z_test_single_value_columns() -> None:
    assert two_proportion_z_test([10, 0], [7, 0]) == TestResult(0.0, 1.0)
    assert two_proportion_z_test([10], [7]) == TestResult(0.0, 1.0)
    assert two_proportion_z_test([10, 0], [0, 7]).p_value == pytest.approx(
        stats.chi2_contingency([[10, 0], [0, 7]], correction=False).pvalue
    )


@pytest.mark.parametrize("seed", range(20))
def test_fisher_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref = rng.integers(0, 40 if seed % 2 else 4000, 2)
    cur = rng.integers(0, 40 if seed % 2 else 4000, 2)
    ref[0] += 1
    cur[1] += 1
    res = stats.fisher_exact([ref, cur])
    result = fisher_exact_test(ref, cur)
    assert result.statistic == pytest.approx(res.statistic, rel=RTOL)
    assert result.p_value == pytest.approx(res.pvalue, rel=RTOL, abs=1e-300)


def test_fisher_by_hand() -> None:
    # Table [[1, 3], [3, 1]]: hypergeometric with row sums 4, 4 and first column 4.
    # P(a) = C(4, a) C(4, 4 - a) / C(8, 4) -> 1, 16, 36, 16, 1 over 70. Observed a = 1
    # (probability 16/70); as or less likely: a in {0, 1, 3, 4} -> 34 / 70.
    result = fisher_exact_test([1, 3], [3, 1])
    assert result.p_value == pytest.approx(34.0 / 70.0, rel=1e-12)
    assert result.statistic == pytest.approx(1.0 / 9.0, rel=1e-12)


def test_fisher_degenerate_tables() -> None:
    assert fisher_exact_test([5, 0], [3, 0]) == TestResult(1.0, 1.0)
    assert fisher_exact_test([5], [3]) == TestResult(1.0, 1.0)
    assert fisher_exact_test([5, 1], [0, 4]).statistic == math.inf
    with pytest.raises(InputError, match="whole numbers"):
        fisher_exact_test([1.5, 2], [1, 2])


@pytest.mark.parametrize(
    ("func", "name"), [(two_proportion_z_test, "z_test"), (fisher_exact_test, "fisher_exact")]
)
def test_binary_tests_reject_more_categories(func: Callable[..., TestResult], name: str) -> None:
    with pytest.raises(
        InputError, match=rf"^{name}: needs a binary column \(2 categories\), got 3"
    ):
        func([1, 2, 3], [3, 2, 1])


ALL = [chisquare_contingency, chisquare_goodness_of_fit, g_test, two_proportion_z_test]


@pytest.mark.parametrize("func", [*ALL, fisher_exact_test])
def test_bad_counts_are_input_errors(func: Callable[..., TestResult]) -> None:
    with pytest.raises(InputError, match="has 2 counts and the current 1"):
        func([1, 2], [3])
    with pytest.raises(InputError, match="every count of the reference is zero"):
        func([0, 0], [1, 2])
    with pytest.raises(InputError, match="the current is empty"):
        func([1], [])


@pytest.mark.parametrize("func", ALL)
def test_single_category_means_no_difference(func: Callable[..., TestResult]) -> None:
    assert func([40], [3]) == TestResult(0.0, 1.0)
    assert func([40, 0], [3, 0]) == TestResult(0.0, 1.0)
