"""Distances: scipy agreement to 1e-9 where scipy has them, hand computations elsewhere."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats
from scipy.spatial import distance

from watchkeeper._exceptions import InputError
from watchkeeper.stats import (
    SHARE_FLOOR,
    TestResult,
    energy_distance,
    floored_shares,
    hellinger_distance,
    jensen_shannon_distance,
    kl_divergence,
    l_infinity_distance,
    normed_wasserstein_distance,
    population_stability_index,
    total_variation_distance,
    wasserstein_distance,
)

RTOL = 1e-9

SIZES = [(1, 1), (1, 9), (2, 3), (10, 10), (37, 61), (500, 300), (20_000, 15_000)]


def _pair(seed: int, n1: int, n2: int, ties: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ref = rng.normal(0.0, 3.0, n1)
    cur = rng.gamma(2.0, 2.0, n2)
    if ties:
        ref, cur = np.round(ref), np.round(cur)
    return ref, cur


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize(("seed", "n1", "n2"), [(i, *s) for i, s in enumerate(SIZES)])
def test_wasserstein_and_energy_match_scipy(seed: int, n1: int, n2: int, ties: bool) -> None:
    ref, cur = _pair(seed, n1, n2, ties)
    w = stats.wasserstein_distance(ref, cur)
    assert wasserstein_distance(ref, cur).statistic == pytest.approx(w, rel=RTOL)
    assert wasserstein_distance(np.sort(ref), np.sort(cur)).statistic == pytest.approx(w, rel=RTOL)
    e = stats.energy_distance(ref, cur)
    assert energy_distance(ref, cur).statistic == pytest.approx(e, rel=RTOL)
    if n1 > 1:  # one reference value has no spread: see the zero-variance rule
        assert normed_wasserstein_distance(ref, cur).statistic == pytest.approx(
            w / np.std(ref), rel=RTOL
        )


def test_sample_distances_return_no_p_value() -> None:
    result = wasserstein_distance([0.0, 1.0], [0.5])
    assert result == TestResult(0.5, None)


def test_wasserstein_of_a_shift_is_the_shift() -> None:
    ref = np.random.default_rng(3).normal(10.0, 2.0, 1000)
    assert wasserstein_distance(ref, ref + 0.75).statistic == pytest.approx(0.75, rel=1e-9)
    expected = 0.75 / np.std(ref)
    assert normed_wasserstein_distance(ref, ref + 0.75).statistic == pytest.approx(expected)


def test_normed_wasserstein_zero_variance_rule() -> None:
    # Reference constant: scale by the pooled standard deviation. Pooled [1,1,1,1,3,3]:
    # mean 5/3, squared deviations 4 * 4/9 + 2 * 16/9 = 48/9, variance 8/9.
    # W = 2, so the distance is 2 / sqrt(8/9) = 3 / sqrt(2).
    result = normed_wasserstein_distance([1.0, 1.0, 1.0, 1.0], [3.0, 3.0])
    assert result.statistic == pytest.approx(3.0 / math.sqrt(2.0), rel=1e-12)
    assert normed_wasserstein_distance([4.0, 4.0], [4.0]).statistic == 0.0
    # A constant *current* needs no rule: the reference sets the scale. |F_ref - F_cur|
    # is 0.5 on [0, 2), so W = 1, and std([0, 2]) = 1.
    assert normed_wasserstein_distance([0.0, 2.0], [1.0, 1.0]).statistic == pytest.approx(1.0)


# Count distances.

P_COUNTS = [50.0, 30.0, 20.0]
Q_COUNTS = [40.0, 30.0, 30.0]


def test_psi_by_hand() -> None:
    expected = (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.3 - 0.2) * math.log(0.3 / 0.2)
    assert population_stability_index(P_COUNTS, Q_COUNTS).statistic == pytest.approx(
        expected, rel=1e-12
    )


def test_psi_floor_by_hand() -> None:
    # Reference [10, 0] has shares [1, 0]; the zero becomes 1e-4 and both are divided
    # by 1.0001. The current [5, 5] has no empty bin.
    p = [1.0 / 1.0001, 1e-4 / 1.0001]
    q = [0.5, 0.5]
    expected = sum((qi - pi) * math.log(qi / pi) for pi, qi in zip(p, q, strict=True))
    assert population_stability_index([10, 0], [5, 5]).statistic == pytest.approx(
        expected, rel=1e-12
    )
    assert floored_shares([10, 0]) == pytest.approx(p, rel=1e-15)
    assert SHARE_FLOOR == 1e-4


@pytest.mark.parametrize("seed", range(20))
def test_psi_and_kl_match_scipy_entropy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 30))
    ref = rng.integers(0, 50, k) * (rng.random(k) > 0.2)
    cur = rng.integers(0, 50, k) * (rng.random(k) > 0.2)
    ref[0], cur[-1] = ref[0] + 1, cur[-1] + 1  # neither side may be all zero
    p, q = floored_shares(ref), floored_shares(cur)
    kl = stats.entropy(p, q)
    assert kl_divergence(ref, cur).statistic == pytest.approx(kl, rel=RTOL, abs=1e-15)
    psi = stats.entropy(p, q) + stats.entropy(q, p)  # PSI is the symmetrised KL
    assert population_stability_index(ref, cur).statistic == pytest.approx(psi, rel=RTOL, abs=1e-15)


@pytest.mark.parametrize("seed", range(20))
def test_jensen_shannon_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 40))
    ref = rng.integers(0, 1000, k) * (rng.random(k) > 0.3)
    cur = rng.integers(0, 1000, k) * (rng.random(k) > 0.3)
    ref[0], cur[-1] = ref[0] + 1, cur[-1] + 1
    expected = distance.jensenshannon(ref, cur, base=2)
    result = jensen_shannon_distance(ref, cur).statistic
    assert result == pytest.approx(expected, rel=RTOL, abs=1e-15)
    assert 0.0 <= result <= 1.0


def test_jensen_shannon_bounds() -> None:
    assert jensen_shannon_distance([3, 0], [0, 7]).statistic == 1.0
    assert jensen_shannon_distance([3, 1], [6, 2]).statistic == 0.0


def test_hellinger_by_hand() -> None:
    # sqrt(.5) - sqrt(.4), 0, sqrt(.2) - sqrt(.3); half the sum of squares, then the root.
    diffs = [math.sqrt(0.5) - math.sqrt(0.4), 0.0, math.sqrt(0.2) - math.sqrt(0.3)]
    expected = math.sqrt(sum(d * d for d in diffs) / 2.0)
    assert hellinger_distance(P_COUNTS, Q_COUNTS).statistic == pytest.approx(expected, rel=1e-12)
    # The Bhattacharyya form of the same distance.
    bc = math.sqrt(0.5 * 0.4) + math.sqrt(0.3 * 0.3) + math.sqrt(0.2 * 0.3)
    assert hellinger_distance(P_COUNTS, Q_COUNTS).statistic == pytest.approx(
        math.sqrt(1.0 - bc), rel=1e-9
    )
    assert hellinger_distance([1, 0], [0, 1]).statistic == pytest.approx(1.0)


def test_total_variation_and_l_infinity_by_hand() -> None:
    # Shares [.5, .3, .2] and [.4, .3, .3]: |diffs| = .1, 0, .1.
    assert total_variation_distance(P_COUNTS, Q_COUNTS).statistic == pytest.approx(0.1)
    assert l_infinity_distance(P_COUNTS, Q_COUNTS).statistic == pytest.approx(0.1)
    # Shares [.7, .2, .1] and [.1, .2, .7]: TV = (.6 + 0 + .6) / 2, L-inf = .6.
    assert total_variation_distance([7, 2, 1], [1, 2, 7]).statistic == pytest.approx(0.6)
    assert l_infinity_distance([7, 2, 1], [1, 2, 7]).statistic == pytest.approx(0.6)


COUNT_DISTANCES = [
    population_stability_index,
    jensen_shannon_distance,
    hellinger_distance,
    kl_divergence,
    total_variation_distance,
    l_infinity_distance,
]


@pytest.mark.parametrize("func", COUNT_DISTANCES)
def test_count_distances_on_a_single_category_are_zero(func: Callable[..., TestResult]) -> None:
    assert func([12], [7]) == TestResult(0.0, None)


@pytest.mark.parametrize("func", COUNT_DISTANCES)
def test_count_distances_reject_bad_counts(func: Callable[..., TestResult]) -> None:
    with pytest.raises(InputError, match="has 2 counts and the current 3"):
        func([1, 2], [1, 2, 3])
    with pytest.raises(InputError, match="every count of the current is zero"):
        func([1, 2], [0, 0])
    with pytest.raises(InputError, match="negative counts"):
        func([1, -2], [1, 2])
    with pytest.raises(InputError, match="the reference is empty"):
        func([], [])


@pytest.mark.parametrize(
    "func", [wasserstein_distance, normed_wasserstein_distance, energy_distance]
)
def test_sample_distances_reject_empty_and_nan(func: Callable[..., TestResult]) -> None:
    with pytest.raises(InputError, match="the current is empty"):
        func([1.0], [])
    with pytest.raises(InputError, match="NaN or infinite"):
        func([1.0, np.inf], [1.0])


def test_normed_wasserstein_is_scale_free_even_where_squares_overflow() -> None:
    ref, cur = _pair(4, 50, 70, ties=False)
    expected = stats.wasserstein_distance(ref, cur) / np.std(ref)
    huge = normed_wasserstein_distance(ref * 1e300, cur * 1e300).statistic
    assert huge == pytest.approx(expected, rel=RTOL)
