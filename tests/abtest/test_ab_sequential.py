"""The mSPRT: peeking does not inflate false positives, real effects are found."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.abtest import MixtureSPRT, sequential_test

RUNS = 300
LOOKS = 50
BATCH = 100
ALPHA = 0.05


def _ever_rejects_naive(a: np.ndarray, b: np.ndarray) -> bool:
    """Student's t-test (as scipy.stats.ttest_ind) re-run at every look, from running sums."""
    n = np.arange(BATCH, a.size + 1, BATCH)
    sums = [np.cumsum(x)[n - 1] for x in (a, b)]
    squares = [np.cumsum(x * x)[n - 1] for x in (a, b)]
    means = [s / n for s in sums]
    var = [(q - s * s / n) / (n - 1) for s, q in zip(sums, squares, strict=True)]
    pooled = (var[0] + var[1]) / 2
    t = (means[0] - means[1]) / np.sqrt(pooled * 2 / n)
    return bool((2 * stats.t.sf(np.abs(t), 2 * n - 2) < ALPHA).any())


def test_naive_peeking_helper_is_scipys_t_test() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, (2, 300))
    expected = any(stats.ttest_ind(a[:n], b[:n]).pvalue < ALPHA for n in range(BATCH, 301, BATCH))
    assert _ever_rejects_naive(a, b) == expected


def test_peeking_every_100_observations_keeps_the_false_positive_rate() -> None:
    rng = np.random.default_rng(2017)
    msprt_means = msprt_rates = naive = 0
    for _ in range(RUNS):
        a, b = rng.normal(5.0, 2.0, (2, LOOKS * BATCH))
        msprt_means += sequential_test(a, b, look_every=BATCH, alpha=ALPHA).rejected
        x = (rng.random((2, LOOKS * BATCH)) < 0.1).astype(float)
        msprt_rates += sequential_test(x[0], x[1], look_every=BATCH, alpha=ALPHA, tau=0.02).rejected
        naive += _ever_rejects_naive(a, b)
    # Ville's inequality bounds the chance of EVER rejecting by alpha.
    assert msprt_means / RUNS < ALPHA
    assert msprt_rates / RUNS < ALPHA
    # The point of it: a fixed-horizon t-test re-run at each of 50 looks rejects far more often.
    assert naive / RUNS > 3 * ALPHA


def test_rejects_a_real_effect_and_its_sequence_covers_it() -> None:
    rng = np.random.default_rng(1)
    found = 0
    for _run in range(40):
        a = rng.random(20_000) < 0.10
        b = rng.random(20_000) < 0.12
        test = MixtureSPRT(alpha=ALPHA, tau=0.02)
        for start in range(0, 20_000, 500):
            test.update(a[start : start + 500], b[start : start + 500])
            if test.rejected:
                break
        found += test.rejected
        low, high = test.confidence_sequence
        if test.rejected:
            assert low > 0 or high < 0
    assert found >= 36  # power well above 90% for a 2-point lift on 20,000 per arm


def test_p_value_never_grows_and_sequence_only_shrinks() -> None:
    rng = np.random.default_rng(3)
    test = MixtureSPRT(tau=0.3)
    p_values, widths = [], []
    for _ in range(40):
        test.update(rng.normal(0, 1, 50), rng.normal(0.1, 1, 50))
        p_values.append(test.p_value)
        low, high = test.confidence_sequence
        widths.append(high - low)
    assert all(later <= earlier for earlier, later in itertools.pairwise(p_values))
    assert all(later <= earlier for earlier, later in itertools.pairwise(widths))
    assert test.result().looks == 40


def test_likelihood_ratio_by_hand() -> None:
    a = np.array([0.0, 1.0] * 100)  # mean 0.5, variance 200/199 * 0.25
    b = np.array([0.0, 1.0, 1.0, 1.0] * 50)  # mean 0.75
    test = MixtureSPRT(tau=0.1, burn_in=100)
    test.update(a, b)
    var_a = np.var(a, ddof=1)
    var_b = np.var(b, ddof=1)
    v = var_a / 200 + var_b / 200
    theta = 0.25
    lr = math.sqrt(v / (v + 0.01)) * math.exp(0.01 * theta**2 / (2 * v * (v + 0.01)))
    assert test.result().likelihood_ratio == pytest.approx(lr, rel=1e-9)
    assert test.p_value == pytest.approx(min(1.0, 1 / lr), rel=1e-9)
    half = math.sqrt(v * (v + 0.01) / 0.01 * (math.log((v + 0.01) / v) + 2 * math.log(20)))
    assert test.confidence_sequence == pytest.approx((theta - half, theta + half), rel=1e-9)


def test_counts_are_the_same_as_zero_one_values() -> None:
    by_values, by_counts = MixtureSPRT(tau=0.05), MixtureSPRT(tau=0.05)
    rng = np.random.default_rng(4)
    for _ in range(10):
        a, b = rng.random(300) < 0.2, rng.random(250) < 0.25
        by_values.update(a, b)
        by_counts.update_counts(int(a.sum()), a.size, int(b.sum()), b.size)
    assert by_values.p_value == pytest.approx(by_counts.p_value, rel=1e-9)
    assert by_values.confidence_sequence == pytest.approx(by_counts.confidence_sequence, rel=1e-9)
    assert (by_values.n_a, by_values.n_b) == (by_counts.n_a, by_counts.n_b) == (3000, 2500)


def test_burn_in_and_reset() -> None:
    test = MixtureSPRT(burn_in=100)
    test.update([0.0] * 50, [1.0] * 50)  # a huge difference, but inside the burn-in
    assert test.p_value == 1.0 and not test.rejected
    test._reset()
    assert (test.n_a, test.n_b, test.result().looks) == (0, 0, 0)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InputError, match="alpha"):
        MixtureSPRT(alpha=5)
    with pytest.raises(InputError, match="tau"):
        MixtureSPRT(tau=0)
    with pytest.raises(InputError, match="NaN"):
        MixtureSPRT().update([np.nan], [1.0])
    with pytest.raises(InputError, match="successes out of"):
        MixtureSPRT().update_counts(5, 3, 0, 1)
    with pytest.raises(InputError, match="look_every"):
        sequential_test([1.0], [1.0], look_every=0)
