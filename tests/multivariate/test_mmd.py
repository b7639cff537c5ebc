"""MMD: a hand computation, the exact permutation distribution, and properties."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from watchkeeper import InputError
from watchkeeper.multivariate import chi2_mixture_sf, mmd_rff_test, mmd_test
from watchkeeper.multivariate._mmd import EXACT_MAX_ROWS


def _hand_mmd2(x: list[float], y: list[float], sigma: float) -> float:
    def k(a: float, b: float) -> float:
        return math.exp(-((a - b) ** 2) / (2 * sigma**2))

    m, n = len(x), len(y)
    xx = sum(k(a, b) for i, a in enumerate(x) for j, b in enumerate(x) if i != j)
    yy = sum(k(a, b) for i, a in enumerate(y) for j, b in enumerate(y) if i != j)
    xy = sum(k(a, b) for a in x for b in y)
    return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n)


def test_statistic_matches_a_hand_computation() -> None:
    x, y = [0.0, 1.0, 3.0], [2.0, 4.0]
    result = mmd_test(np.array(x), np.array(y), bandwidth=1.5, standardize=False)
    # k(0,1)=e^{-1/4.5}, ... written out by _hand_mmd2 term by term.
    assert result.statistic == pytest.approx(_hand_mmd2(x, y, 1.5), abs=1e-12)
    assert result.bandwidth == 1.5


def test_median_heuristic_by_hand() -> None:
    # Pooled distances: |0-1|=1, |0-3|=3, |1-3|=2, |0-2|=2, |1-2|=1, |3-2|=1,
    # |0-4|=4, |1-4|=3, |3-4|=1, |2-4|=2 -> sorted 1,1,1,1,2,2,2,3,3,4 -> median 2.
    result = mmd_test(np.array([0.0, 1.0, 3.0]), np.array([2.0, 4.0]), standardize=False)
    assert result.bandwidth == 2.0


def test_p_value_matches_the_exact_permutation_distribution() -> None:
    x = [0.0, 0.3, 1.1, 0.7]
    y = [1.5, 2.2, 0.9, 1.8]
    pooled = x + y
    observed = _hand_mmd2(x, y, 1.0)
    splits = list(itertools.combinations(range(8), 4))
    values = [
        _hand_mmd2([pooled[i] for i in s], [pooled[i] for i in range(8) if i not in s], 1.0)
        for s in splits
    ]
    exact = np.mean([v >= observed - 1e-12 for v in values])
    result = mmd_test(
        np.array(x), np.array(y), bandwidth=1.0, standardize=False, n_permutations=20_000
    )
    assert exact == pytest.approx(4 / 70)
    assert result.p_value == pytest.approx(exact, abs=0.01)


def test_detects_a_shift_and_not_its_absence() -> None:
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(300, 4))
    assert not mmd_test(ref, rng.normal(size=(300, 4))).drifted
    shifted = mmd_test(ref, rng.normal(size=(300, 4)) + np.array([0.0, 0.0, 0.6, 0.0]))
    assert shifted.drifted and shifted.p_value < 0.01


def test_same_seed_same_result_and_json() -> None:
    rng = np.random.default_rng(1)
    ref, cur = rng.normal(size=(80, 2)), rng.normal(size=(90, 2))
    assert mmd_test(ref, cur) == mmd_test(ref, cur)
    assert mmd_test(ref, cur).to_dict()["n_permutations"] == 500


finite = st.floats(-100, 100, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (6, 2), elements=finite), arrays(np.float64, (5, 2), elements=finite))
def test_symmetric_and_zero_on_identical(x: np.ndarray, y: np.ndarray) -> None:
    a = mmd_test(x, y, bandwidth=3.0, standardize=False, n_permutations=10)
    b = mmd_test(y, x, bandwidth=3.0, standardize=False, n_permutations=10)
    assert a.statistic == pytest.approx(b.statistic, abs=1e-12)
    same = mmd_test(x, x, bandwidth=3.0, standardize=False, n_permutations=10)
    # Unbiased MMD^2 of a sample with itself is 2 (S - m^2) / (m^2 (m - 1)) in [-2/(m-1), 0].
    assert -2 / 5 - 1e-12 <= same.statistic <= 1e-12


def test_size_limit_and_subsampling() -> None:
    rng = np.random.default_rng(2)
    big = rng.normal(size=(EXACT_MAX_ROWS, 2))
    with pytest.raises(InputError, match="max_rows"):
        mmd_test(big, big)
    result = mmd_test(big, big + 1.0, max_rows=300, n_permutations=100)
    assert (result.n_reference, result.n_current) == (300, 300)
    assert result.drifted
    with pytest.raises(InputError, match="bandwidth"):
        mmd_test(big[:10], big[:10], bandwidth=0.0)


def test_chi2_mixture_equal_weights_is_a_chi_square() -> None:
    for k, x in [(1, 3.84), (3, 7.0), (10, 18.3), (40, 30.0)]:
        expected = stats.chi2.sf(x / 2.5, k)
        assert chi2_mixture_sf(x, [2.5] * k) == pytest.approx(expected, abs=2e-6)


def test_chi2_mixture_unequal_weights_against_simulation() -> None:
    weights = np.array([1.0, 0.6, 0.3, 0.2, 0.05])
    z = np.random.default_rng(3).standard_normal((400_000, 5))
    draws = (z**2) @ weights
    for x in np.quantile(draws, [0.5, 0.9, 0.99]):
        assert chi2_mixture_sf(float(x), weights) == pytest.approx((draws > x).mean(), abs=4e-3)


def test_rff_statistic_approaches_the_exact_one() -> None:
    rng = np.random.default_rng(4)
    ref, cur = rng.normal(size=(1500, 3)), rng.normal(size=(1500, 3)) + np.array([0.5, 0.0, 0.0])
    exact = mmd_test(ref, cur, bandwidth=1.7, n_permutations=1)
    # 512 frequencies: each kernel value has a standard deviation below 1/sqrt(1024).
    fast = mmd_rff_test(ref, cur, bandwidth=1.7, n_features=512)
    assert fast.statistic == pytest.approx(exact.statistic, rel=0.15)
    assert fast.drifted


@pytest.mark.slow
def test_rff_false_alarm_rate_is_near_alpha() -> None:
    rng = np.random.default_rng(5)
    p_values = [
        mmd_rff_test(rng.normal(size=(1000, 3)), rng.normal(size=(1000, 3)), n_features=16).p_value
        for _ in range(50)
    ]
    assert np.mean(np.array(p_values) < 0.05) <= 0.15
    # Uniform under the null: a KS test against U(0, 1) does not reject.
    assert stats.kstest(p_values, "uniform").pvalue > 0.01


def test_rff_detects_a_small_shift_in_many_rows() -> None:
    rng = np.random.default_rng(6)
    ref = rng.normal(size=(50_000, 5))
    cur = rng.normal(size=(50_000, 5))
    assert not mmd_rff_test(ref, cur).drifted
    cur[:, 2] *= 1.06
    assert mmd_rff_test(ref, cur).drifted
