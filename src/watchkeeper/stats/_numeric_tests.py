"""Two-sample hypothesis tests on raw numeric samples.

Each test asks whether ``reference`` and ``current`` come from the same distribution and
returns a :class:`~watchkeeper.stats.TestResult` with the test statistic and a p-value:
a *smaller* p-value is worse (stronger evidence of drift). All of them are two-sided and
agree with the scipy function named in their docstring; where a result would be NaN in
scipy (constant samples, too few values), the docstring states what is returned instead.

Inputs are 1-D arrays of finite numbers. The drift engine passes them sorted, which
lets the Kolmogorov-Smirnov statistic be found without sorting again; unsorted input
is sorted first, so results never depend on the order of the values.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.stats._registry import TestResult, register_method
from watchkeeper.stats._validation import as_samples, rescaled

__all__ = [
    "MIN_SAMPLE_SIZE",
    "SYMMETRIC_METHODS",
    "anderson_ksamp",
    "cramer_von_mises_2samp",
    "epps_singleton_2samp",
    "ks_2samp",
    "mann_whitney_u",
    "welch_t_test",
]

FloatArray = npt.NDArray[np.float64]

# scipy.stats.ks_2samp(method="auto") is exact up to this size of the larger sample.
_KS_MAX_EXACT_N = 10_000

#: The fewest values each side needs, per registered name (one when absent).
MIN_SAMPLE_SIZE: dict[str, int] = {"cramer_von_mises": 2, "t_test": 2, "epps_singleton": 5}

#: Registered names whose p-value does not change when reference and current swap.
SYMMETRIC_METHODS = frozenset(
    {"ks", "anderson", "cramer_von_mises", "mann_whitney", "t_test", "epps_singleton"}
)


def _is_constant(sorted_values: FloatArray) -> bool:
    return bool(sorted_values[0] == sorted_values[-1])


def _ks_statistic(ref: FloatArray, cur: FloatArray) -> float:
    # scipy evaluates both empirical CDFs at every pooled value after sorting both
    # samples again; on sorted input the same values are reached at the last copy of
    # each distinct value of either sample, with the same float operations, so the
    # statistic is bit-identical at half the searches and no sort.
    n1, n2 = ref.size, cur.size
    last_ref = np.append(np.flatnonzero(ref[1:] != ref[:-1]), n1 - 1)
    last_cur = np.append(np.flatnonzero(cur[1:] != cur[:-1]), n2 - 1)
    at_ref = (last_ref + 1) / n1 - np.searchsorted(cur, ref[last_ref], side="right") / n2
    at_cur = np.searchsorted(ref, cur[last_cur], side="right") / n1 - (last_cur + 1) / n2
    above = max(float(at_ref.max()), float(at_cur.max()))
    below = min(max(-float(at_ref.min()), -float(at_cur.min()), 0.0), 1.0)
    return below if below > above else above


def ks_2samp(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Two-sample Kolmogorov-Smirnov test (two-sided): the largest gap between the CDFs.

    Same statistic and p-value as ``scipy.stats.ks_2samp(reference, current)``:
    the exact p-value when the larger sample has at most 10,000 values, Smirnov's
    asymptotic ``kstwo`` distribution above. Two identical constants give D=0, p=1.

    >>> rng = np.random.default_rng(0)
    >>> result = ks_2samp(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (0.1817, 0.0006)
    """
    ref, cur = as_samples(reference, current, "ks")
    n1, n2 = ref.size, cur.size
    if max(n1, n2) <= _KS_MAX_EXACT_N:
        with warnings.catch_warnings():
            # scipy falls back from exact to asymptotic with a RuntimeWarning; the
            # fallback is its documented behaviour and the number we report.
            warnings.simplefilter("ignore", RuntimeWarning)
            res = stats.ks_2samp(ref, cur, alternative="two-sided", method="auto")
        return TestResult(float(res.statistic), float(res.pvalue))
    d = _ks_statistic(ref, cur)
    m, n = sorted((float(n1), float(n2)), reverse=True)
    p = stats.kstwo.sf(d, np.round(m * n / (m + n)))
    return TestResult(d, float(np.clip(p, 0.0, 1.0)))


def _anderson(samples: list[FloatArray]) -> tuple[float, float]:
    try:
        res = stats.anderson_ksamp(samples, variant="midrank")
    except TypeError:  # scipy < 1.17 has no `variant`; midrank was its default
        res = stats.anderson_ksamp(samples, midrank=True)
    return float(res.statistic), float(res.pvalue)


def anderson_ksamp(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Anderson-Darling k-sample test (midrank variant) for two samples.

    Same statistic and p-value as ``scipy.stats.anderson_ksamp([reference, current],
    variant="midrank")``. scipy interpolates the p-value in a table and **caps it to
    [0.001, 0.25]**: 0.25 means "0.25 or more", 0.001 means "0.001 or less". The
    capped number is reported as is and scipy's warning about it is silenced. The test
    needs at least 4 values in total. When every value on both sides is the same, there
    is nothing to tell apart: statistic 0, p-value 1.

    >>> rng = np.random.default_rng(0)
    >>> result = anderson_ksamp(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (8.2734, 0.001)
    """
    ref, cur = as_samples(reference, current, "anderson")
    if ref.size + cur.size < 4:
        raise InputError(
            f"anderson: the samples have {ref.size + cur.size} values in total, the test "
            "needs at least 4; use 'ks' or 'mann_whitney' for tiny samples"
        )
    if _is_constant(ref) and _is_constant(cur) and ref[0] == cur[0]:
        return TestResult(0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        statistic, p_value = _anderson([ref, cur])
    return TestResult(statistic, p_value)


def cramer_von_mises_2samp(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Two-sample Cramér-von Mises test: the mean squared gap between the CDFs.

    Same statistic and p-value as ``scipy.stats.cramervonmises_2samp(reference,
    current)`` (exact p-value for small samples, asymptotic for large ones, as scipy
    chooses). Each side needs at least 2 values. When every value on both sides is the
    same, scipy's midrank statistic is positive (0.06 for 10 and 12 copies, p=0.85);
    here nothing can differ, so the result is statistic 0, p=1.

    >>> rng = np.random.default_rng(0)
    >>> result = cramer_von_mises_2samp(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (1.3874, 0.0003)
    """
    ref, cur = as_samples(reference, current, "cramer_von_mises", min_size=2)
    if _is_constant(ref) and _is_constant(cur) and ref[0] == cur[0]:
        return TestResult(0.0, 1.0)
    res = stats.cramervonmises_2samp(ref, cur, method="auto")
    return TestResult(float(res.statistic), float(np.clip(res.pvalue, 0.0, 1.0)))


def mann_whitney_u(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Mann-Whitney U test (two-sided); the statistic is U of the reference.

    Same statistic and p-value as ``scipy.stats.mannwhitneyu(reference, current,
    alternative="two-sided")``: exact when both samples are small and untied, normal
    approximation with tie and continuity corrections otherwise. All values equal on
    both sides gives U = n1 * n2 / 2 and p = 1.

    >>> rng = np.random.default_rng(0)
    >>> result = mann_whitney_u(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    >>> round(result.statistic, 1), round(result.p_value, 4)
    (24087.0, 0.0002)
    """
    ref, cur = as_samples(reference, current, "mann_whitney")
    res = stats.mannwhitneyu(ref, cur, alternative="two-sided", method="auto")
    return TestResult(float(res.statistic), float(res.pvalue))


def welch_t_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Welch's t-test for equal means, without assuming equal variances (two-sided).

    Same statistic and p-value as ``scipy.stats.ttest_ind(reference, current,
    equal_var=False)``; the statistic is positive when the reference mean is larger.
    Each side needs at least 2 values. When *both* samples are constant scipy returns
    NaN; here two equal constants give t=0, p=1 and two different constants give
    t=±inf (the sign of reference - current), p=0. The same rule applies, on the
    means, when both variances underflow to zero (spreads of subnormal size). Values
    beyond 1e150 are first scaled by a power of two (exact; t is scale-free) so that
    variances do not overflow.

    >>> rng = np.random.default_rng(0)
    >>> result = welch_t_test(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (-3.4835, 0.0005)
    >>> welch_t_test([2.0, 2.0], [1.0, 1.0, 1.0])
    TestResult(statistic=inf, p_value=0.0)
    """
    ref, cur = rescaled(*as_samples(reference, current, "t_test", min_size=2))
    constant_ref, constant_cur = _is_constant(ref), _is_constant(cur)
    if constant_ref and constant_cur:
        return _no_spread_t(float(ref[0]), float(cur[0]))
    with warnings.catch_warnings():
        if constant_ref or constant_cur:
            # scipy reports "catastrophic cancellation" for an exactly constant side;
            # its zero variance is exact and the other side carries the standard error.
            warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.ttest_ind(ref, cur, equal_var=False)
    if np.isnan(res.statistic):  # both variances underflowed (subnormal spreads)
        return _no_spread_t(float(np.mean(ref)), float(np.mean(cur)))
    return TestResult(float(res.statistic), float(res.pvalue))


def _no_spread_t(ref_mean: float, cur_mean: float) -> TestResult:
    gap = ref_mean - cur_mean
    if gap == 0.0:
        return TestResult(0.0, 1.0)
    return TestResult(math.copysign(math.inf, gap), 0.0)


def epps_singleton_2samp(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Epps-Singleton test: compares the empirical characteristic functions.

    Same statistic and p-value as ``scipy.stats.epps_singleton_2samp(reference,
    current)`` with scipy's default points ``t=(0.4, 0.8)``. Each side needs at least 5
    values. All values equal on both sides gives statistic 0, p=1. When the pooled
    interquartile range is zero (more than half the values share one value) the test is
    undefined and an :class:`~watchkeeper.InputError` says so.

    >>> rng = np.random.default_rng(0)
    >>> result = epps_singleton_2samp(rng.normal(size=300), rng.normal(0.3, 1.0, size=200))
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (18.8338, 0.0008)
    """
    ref, cur = as_samples(reference, current, "epps_singleton", min_size=5)
    if _is_constant(ref) and _is_constant(cur) and ref[0] == cur[0]:
        return TestResult(0.0, 1.0)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # scipy warns when its covariance estimate is rank-deficient; the p-value it
            # returns is still its answer. A NaN or a LinAlgError is explained below.
            warnings.simplefilter("ignore", UserWarning)
            res = stats.epps_singleton_2samp(ref, cur)
    except np.linalg.LinAlgError:
        res = None
    if res is None or not (np.isfinite(res.statistic) and np.isfinite(res.pvalue)):
        q25, q75 = np.percentile(np.concatenate((ref, cur)), [25.0, 75.0])
        if q75 == q25:
            raise InputError(
                "epps_singleton: the pooled interquartile range is zero (more than half of "
                f"the values equal {float(q25)!r}), so the test is undefined; use 'ks' or "
                "'chisquare'"
            )
        raise InputError(
            "epps_singleton: the characteristic-function covariance of these samples is "
            "singular (too few distinct values), so the test is undefined; use 'ks'"
        )
    return TestResult(float(res.statistic), float(res.pvalue))


# name, function, aliases, description
_Entry = tuple[str, Callable[[npt.ArrayLike, npt.ArrayLike], TestResult], tuple[str, ...], str]

_SAMPLE_TESTS: tuple[_Entry, ...] = (
    ("ks", ks_2samp, ("kolmogorov_smirnov",), "Kolmogorov-Smirnov two-sample test"),
    ("anderson", anderson_ksamp, ("anderson_darling",), "Anderson-Darling k-sample test"),
    ("cramer_von_mises", cramer_von_mises_2samp, ("cvm",), "Cramér-von Mises two-sample test"),
    ("mann_whitney", mann_whitney_u, ("mann_whitney_u",), "Mann-Whitney U test (two-sided)"),
    ("t_test", welch_t_test, ("welch_t_test",), "Welch's t-test for equal means"),
    ("epps_singleton", epps_singleton_2samp, (), "Epps-Singleton characteristic-function test"),
)

for _name, _func, _aliases, _description in _SAMPLE_TESTS:
    register_method(
        _name,
        _func,
        kinds=["numeric"],
        input="samples",
        output="p_value",
        default_threshold=0.05,
        description=_description,
        aliases=_aliases,
        replace=True,
    )
