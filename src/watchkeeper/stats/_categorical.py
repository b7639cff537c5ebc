"""Hypothesis tests on category counts: a *smaller* p-value is worse.

Each test takes two aligned count arrays, ``reference[i]`` and ``current[i]`` counting
the same category ``i``, and returns a :class:`~watchkeeper.stats.TestResult` with the
statistic and its p-value. They agree with the scipy function named in their docstring.

Rules shared by the tests, so that no input gives a NaN:

- a category empty on *both* sides is dropped first (it carries no evidence; scipy would
  fail on its zero expected count);
- when a single category remains, the two distributions are equal: statistic 0, p 1;
- **no continuity (Yates) correction**, for 2x2 tables too: the correction is known to
  be conservative, and without it the chi-squared statistic equals the squared
  two-proportion z statistic. For small 2x2 tables use :func:`fisher_exact_test`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.stats._distances import floored_shares
from watchkeeper.stats._registry import TestResult, register_method
from watchkeeper.stats._validation import FloatArray, as_counts, drop_empty_categories

__all__ = [
    "SYMMETRIC_METHODS",
    "chisquare_contingency",
    "chisquare_goodness_of_fit",
    "fisher_exact_test",
    "g_test",
    "two_proportion_z_test",
]

#: Registered names whose p-value does not change when reference and current swap.
SYMMETRIC_METHODS = frozenset({"chisquare", "g_test", "z_test", "fisher_exact"})


def _seen_counts(
    reference: npt.ArrayLike, current: npt.ArrayLike, method: str
) -> tuple[FloatArray, FloatArray]:
    ref, cur = as_counts(reference, current, method)
    return drop_empty_categories(ref, cur)


def _contingency(ref: FloatArray, cur: FloatArray, lambda_: str) -> TestResult:
    if ref.size < 2:
        return TestResult(0.0, 1.0)
    res = stats.chi2_contingency(np.vstack((ref, cur)), correction=False, lambda_=lambda_)
    return TestResult(float(res.statistic), float(res.pvalue))


def chisquare_contingency(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Pearson's chi-squared test of homogeneity on the 2 x k table (reference, current).

    Equals ``scipy.stats.chi2_contingency([reference, current], correction=False)``
    once categories empty on both sides are dropped. Symmetric.

    >>> result = chisquare_contingency([50, 30, 20], [40, 30, 30])
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (3.1111, 0.2111)
    """
    ref, cur = _seen_counts(reference, current, "chisquare")
    return _contingency(ref, cur, "pearson")


def g_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """G-test (likelihood-ratio test of homogeneity) on the 2 x k table.

    Equals ``scipy.stats.chi2_contingency([reference, current], correction=False,
    lambda_="log-likelihood")`` once categories empty on both sides are dropped.

    >>> result = g_test([50, 30, 20], [40, 30, 30])
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (3.127, 0.2094)
    """
    ref, cur = _seen_counts(reference, current, "g_test")
    return _contingency(ref, cur, "log-likelihood")


def chisquare_goodness_of_fit(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Chi-squared goodness of fit of the current counts to the reference's shares.

    The reference is taken as the known distribution (its sampling error is ignored,
    unlike :func:`chisquare_contingency`), expected counts are its shares times the
    current total. **Unseen categories**: a category with no reference count would
    expect zero, which makes the statistic infinite; its reference share is floored at
    :data:`~watchkeeper.stats.SHARE_FLOOR` and the shares renormalised (the same floor
    as PSI), so a new category weighs heavily but finitely. Equals
    ``scipy.stats.chisquare(current, floored_shares(reference) * sum(current))``.
    Not symmetric.

    >>> result = chisquare_goodness_of_fit([50, 30, 20], [40, 30, 30])
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (7.0, 0.0302)
    """
    ref, cur = _seen_counts(reference, current, "chisquare_gof")
    if ref.size < 2:
        return TestResult(0.0, 1.0)
    expected = floored_shares(ref) * cur.sum()
    res = stats.chisquare(cur, expected)
    return TestResult(float(res.statistic), float(res.pvalue))


def _binary(
    reference: npt.ArrayLike, current: npt.ArrayLike, method: str, use: str
) -> tuple[FloatArray, FloatArray] | None:
    """The two rows of a 2 x 2 table; None for a single category (nothing to compare)."""
    ref, cur = as_counts(reference, current, method)
    if ref.size > 2:
        raise InputError(
            f"{method}: needs a binary column (2 categories), got {ref.size}; "
            f"use {use} for columns with more categories"
        )
    return (ref, cur) if ref.size == 2 else None


def two_proportion_z_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Two-proportion z-test (pooled variance, two-sided) for a binary column.

    ``reference`` and ``current`` count the two categories ``[first, second]``; the
    statistic is ``(q - p) / sqrt(s * (1 - s) * (1 / n_ref + 1 / n_cur))`` where ``p``
    and ``q`` are the shares of the second category and ``s`` its pooled share (the
    formula of statsmodels' ``proportions_ztest``), positive when the current share is
    larger. ``z**2`` equals the chi-squared contingency statistic. When both sides hold
    only one and the same category, z=0 and p=1. More than 2 categories is an error.

    >>> result = two_proportion_z_test([60, 40], [45, 55])
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (2.124, 0.0337)
    """
    rows = _binary(reference, current, "z_test", "'chisquare'")
    if rows is None:
        return TestResult(0.0, 1.0)
    ref, cur = rows
    n_ref, n_cur = float(ref.sum()), float(cur.sum())
    pooled = (ref[1] + cur[1]) / (n_ref + n_cur)
    variance = pooled * (1.0 - pooled) * (1.0 / n_ref + 1.0 / n_cur)
    if variance <= 0.0:
        return TestResult(0.0, 1.0)
    z = float((cur[1] / n_cur - ref[1] / n_ref) / math.sqrt(variance))
    return TestResult(z, float(2.0 * stats.norm.sf(abs(z))))


def fisher_exact_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> TestResult:
    """Fisher's exact test (two-sided) on the 2 x 2 table of a binary column.

    Equals ``scipy.stats.fisher_exact([reference, current])``; the statistic is the
    sample odds ratio ``(ref[0] * cur[1]) / (ref[1] * cur[0])``, ``inf`` or 0 when a
    cell is empty. When a category is empty on both sides (or there is only one) the
    odds ratio is undefined and reported as 1 (no association), with p=1. Counts must
    be whole numbers. More than 2 categories is an error.

    >>> result = fisher_exact_test([8, 2], [1, 5])
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (20.0, 0.035)
    """
    rows = _binary(reference, current, "fisher_exact", "'chisquare' or 'g_test'")
    if rows is None:
        return TestResult(1.0, 1.0)
    table = np.vstack(rows)
    if not np.array_equal(table, np.round(table)):
        raise InputError("fisher_exact: counts must be whole numbers; round or use 'chisquare'")
    if (table.sum(axis=0) == 0).any():
        return TestResult(1.0, 1.0)
    res = stats.fisher_exact(table.astype(np.int64))
    return TestResult(float(res.statistic), float(res.pvalue))


# name, function, aliases, description
_Entry = tuple[str, Callable[[npt.ArrayLike, npt.ArrayLike], TestResult], tuple[str, ...], str]

_COUNT_TESTS: tuple[_Entry, ...] = (
    ("chisquare", chisquare_contingency, ("chi2", "chi_squared"), "Chi-squared contingency test"),
    ("chisquare_gof", chisquare_goodness_of_fit, (), "Chi-squared goodness of fit to reference"),
    ("g_test", g_test, ("likelihood_ratio",), "G-test (likelihood ratio) of homogeneity"),
    ("z_test", two_proportion_z_test, ("two_proportion_z",), "Two-proportion z-test"),
    ("fisher_exact", fisher_exact_test, ("fisher",), "Fisher's exact test for 2x2 tables"),
)

for _name, _func, _aliases, _description in _COUNT_TESTS:
    register_method(
        _name,
        _func,
        kinds=["categorical"],
        input="counts",
        output="p_value",
        default_threshold=0.05,
        description=_description,
        aliases=_aliases,
        replace=True,
    )
