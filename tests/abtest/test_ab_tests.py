"""The fixed-horizon tests against scipy, scikit-learn and formulas written out."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats import chi2_contingency
from sklearn.metrics import roc_auc_score

from watchkeeper._exceptions import InputError
from watchkeeper.abtest import (
    bootstrap_auc_test,
    paired_proportion_test,
    paired_ttest,
    two_proportion_ztest,
    welch_ttest,
    welch_ttest_from_stats,
)


def _statsmodels_proportions_ztest(k: tuple[int, int], n: tuple[int, int]) -> tuple[float, float]:
    # statsmodels.stats.proportion.proportions_ztest(count, nobs) with its defaults
    # (value=None, prop_var=False), written out: pooled variance under the null.
    p1, p2 = k[0] / n[0], k[1] / n[1]
    pooled = (k[0] + k[1]) / (n[0] + n[1])
    std_diff = math.sqrt(pooled * (1 - pooled) * (1 / n[0] + 1 / n[1]))
    z = (p1 - p2) / std_diff
    return z, 2 * stats.norm.sf(abs(z))


@pytest.mark.parametrize(
    ("k_a", "n_a", "k_b", "n_b"),
    [(100, 1000, 130, 1000), (45, 500, 30, 700), (990, 1000, 985, 1000), (3, 40, 12, 60)],
)
def test_z_test_matches_statsmodels_formula_and_chi2(
    k_a: int, n_a: int, k_b: int, n_b: int
) -> None:
    r = two_proportion_ztest(k_a, n_a, k_b, n_b)
    z_sm, p_sm = _statsmodels_proportions_ztest((k_b, k_a), (n_b, n_a))
    assert r.statistic == pytest.approx(z_sm, rel=1e-12)
    assert r.p_value == pytest.approx(p_sm, rel=1e-10)
    table = [[k_a, n_a - k_a], [k_b, n_b - k_b]]
    chi2, p_chi2, dof, _ = chi2_contingency(table, correction=False)
    assert dof == 1
    assert r.statistic**2 == pytest.approx(chi2, rel=1e-10)
    assert r.p_value == pytest.approx(p_chi2, rel=1e-10)
    # The interval is the Wald interval, by hand.
    p_a, p_b = k_a / n_a, k_b / n_b
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    assert r.ci_low == pytest.approx(p_b - p_a - 1.959963984540054 * se, rel=1e-9)
    assert r.ci_high == pytest.approx(p_b - p_a + 1.959963984540054 * se, rel=1e-9)


def test_z_test_direction_and_degenerate_rates() -> None:
    better = two_proportion_ztest(100, 1000, 150, 1000, metric="accuracy", higher_is_better=True)
    assert better.winner == "b" and better.difference == pytest.approx(0.05)
    worse = two_proportion_ztest(100, 1000, 150, 1000, metric="error", higher_is_better=False)
    assert worse.winner == "a"
    same = two_proportion_ztest(0, 50, 0, 80)
    assert same.p_value == 1.0 and same.winner is None
    with pytest.raises(InputError, match="successes out of"):
        two_proportion_ztest(11, 10, 1, 10)
    with pytest.raises(InputError, match="confidence"):
        two_proportion_ztest(1, 10, 1, 10, confidence=95)


def test_mcnemar_by_hand() -> None:
    # 2x2 of (A right, B right): 70 both, 10 only A, 20 only B, 0 neither.
    a = [1] * 80 + [0] * 20
    b = [1] * 70 + [0] * 10 + [1] * 20
    r = paired_proportion_test(a, b)
    # McNemar without continuity correction: chi2 = (b - c)^2 / (b + c) = 100 / 30.
    assert r.statistic**2 == pytest.approx(100 / 30)
    assert r.p_value == pytest.approx(stats.chi2.sf(100 / 30, 1))
    assert r.difference == pytest.approx(0.9 - 0.8)
    assert r.paired and r.n_a == r.n_b == 100


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_welch_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(3.0, 1.0, 80)
    b = rng.gamma(2.0, 2.0, 130)
    r = welch_ttest(a, b)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    ci = ref.confidence_interval(0.9)
    r90 = welch_ttest(a, b, confidence=0.9)
    assert (r90.ci_low, r90.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-10)
    from_stats = stats.ttest_ind_from_stats(
        b.mean(), b.std(ddof=1), b.size, a.mean(), a.std(ddof=1), a.size, equal_var=False
    )
    mine = welch_ttest_from_stats(a.mean(), a.var(ddof=1), a.size, b.mean(), b.var(ddof=1), b.size)
    assert mine.p_value == pytest.approx(from_stats.pvalue, rel=1e-10)


def test_paired_t_matches_scipy() -> None:
    rng = np.random.default_rng(4)
    base = rng.gamma(2.0, 1.0, 300)
    a, b = base + rng.normal(0, 0.3, 300), base + 0.05 + rng.normal(0, 0.3, 300)
    r = paired_ttest(a, b)
    ref = stats.ttest_rel(b, a)
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    ci = ref.confidence_interval(0.95)
    assert (r.ci_low, r.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-10)
    # Pairing removes the rows' shared spread: far more power than Welch here.
    assert r.p_value < welch_ttest(a, b).p_value


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30),
    st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30),
)
def test_welch_is_antisymmetric(a: list[float], b: list[float]) -> None:
    ab, ba = welch_ttest(a, b), welch_ttest(b, a)
    assert ab.difference == pytest.approx(-ba.difference, abs=1e-9)
    assert ab.p_value == pytest.approx(ba.p_value, abs=1e-9)
    assert 0.0 <= ab.p_value <= 1.0


def test_bootstrap_point_estimates_are_sklearns_auc() -> None:
    rng = np.random.default_rng(5)
    y_a, y_b = rng.integers(0, 2, 300), rng.integers(0, 2, 250)
    # Rounded scores: ties must count one half, as in roc_auc_score.
    s_a = np.round(y_a + rng.normal(0, 1, 300), 1)
    s_b = np.round(y_b + rng.normal(0, 0.8, 250), 1)
    r = bootstrap_auc_test(y_a, s_a, y_b, s_b, n_boot=200, seed=1)
    assert r.estimate_a == pytest.approx(roc_auc_score(y_a, s_a), rel=1e-12)
    assert r.estimate_b == pytest.approx(roc_auc_score(y_b, s_b), rel=1e-12)
    assert r.ci_low < r.difference < r.ci_high
    again = bootstrap_auc_test(y_a, s_a, y_b, s_b, n_boot=200, seed=1)
    assert again == r  # seeded


def test_bootstrap_resample_aucs_match_sklearn() -> None:
    from watchkeeper.abtest._tests import _RankedScores

    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, 60).astype(bool)
    s = np.round(rng.normal(y, 1.0), 1)
    ranked = _RankedScores(y, s)
    pos = ranked.pos_rows[rng.integers(0, ranked.pos_rows.size, (3, ranked.pos_rows.size))]
    neg = ranked.neg_rows[rng.integers(0, ranked.neg_rows.size, (3, ranked.neg_rows.size))]
    got = ranked.auc(pos, neg)
    for i in range(3):
        rows = np.r_[pos[i], neg[i]]
        assert got[i] == pytest.approx(roc_auc_score(y[rows], s[rows]), rel=1e-12)


def _auc_arms(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    latent = rng.normal(0, 1, n)  # row difficulty shared by both versions
    s_a = y * 1.0 + latent + rng.normal(0, 1.0, n)
    s_b = y * 1.4 + latent + rng.normal(0, 1.0, n)
    return y, s_a, s_b


def test_bootstrap_ci_covers_the_true_auc_difference_most_of_the_time() -> None:
    # True AUCs of the simulation: with d the class shift and total variance 2,
    # AUC = Phi(d / sqrt(2 * 2)) (binormal model, equal variances).
    true_diff = stats.norm.cdf(1.4 / 2.0) - stats.norm.cdf(1.0 / 2.0)
    rng = np.random.default_rng(11)
    covered_unpaired = covered_paired = 0
    runs = 60
    for run in range(runs):
        y, s_a, s_b = _auc_arms(rng, 400)
        y2, s_a2, _ = _auc_arms(rng, 400)
        paired = bootstrap_auc_test(y, s_a, y, s_b, paired=True, n_boot=300, seed=run)
        unpaired = bootstrap_auc_test(y2, s_a2, y, s_b, n_boot=300, seed=run)
        covered_paired += paired.ci_low <= true_diff <= paired.ci_high
        covered_unpaired += unpaired.ci_low <= true_diff <= unpaired.ci_high
    # Nominal 95%; with 60 runs, 50 or more covered is well within sampling error.
    assert covered_paired >= 50
    assert covered_unpaired >= 50


def test_paired_bootstrap_is_narrower_on_shadow_traffic() -> None:
    rng = np.random.default_rng(12)
    y, s_a, s_b = _auc_arms(rng, 600)
    paired = bootstrap_auc_test(y, s_a, y, s_b, paired=True, n_boot=400)
    unpaired = bootstrap_auc_test(y, s_a, y, s_b, paired=False, n_boot=400)
    assert paired.ci_high - paired.ci_low < unpaired.ci_high - unpaired.ci_low
    assert paired.winner == "b"


def test_bootstrap_refuses_bad_input() -> None:
    y = np.array([0, 1] * 10)
    s = np.linspace(0, 1, 20)
    with pytest.raises(InputError, match="only one class"):
        bootstrap_auc_test(np.ones(20), s, y, s)
    with pytest.raises(InputError, match="same rows with the same labels"):
        bootstrap_auc_test(y, s, y[::-1], s, paired=True)
    with pytest.raises(InputError, match="0/1 or booleans"):
        bootstrap_auc_test(y * 2, s, y, s)
    with pytest.raises(InputError, match="not finite"):
        bootstrap_auc_test(y, np.r_[s[:-1], np.nan], y, s)
    with pytest.raises(InputError, match="n_boot"):
        bootstrap_auc_test(y, s, y, s, n_boot=10)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_z_test_is_antisymmetric_and_agrees_with_chi2(
    arm_a: tuple[int, int], arm_b: tuple[int, int]
) -> None:
    ab = two_proportion_ztest(*arm_a, *arm_b)
    ba = two_proportion_ztest(*arm_b, *arm_a)
    assert ab.difference == pytest.approx(-ba.difference, abs=1e-12)
    assert ab.p_value == pytest.approx(ba.p_value, abs=1e-12)
    assert ab.ci_low <= ab.difference <= ab.ci_high
    table = np.array([[arm_a[0], arm_a[1] - arm_a[0]], [arm_b[0], arm_b[1] - arm_b[0]]])
    if (table.sum(axis=0) > 0).all():  # chi2_contingency needs no empty column
        chi2 = chi2_contingency(table, correction=False)[0]
        assert ab.statistic**2 == pytest.approx(chi2, rel=1e-7, abs=1e-9)
