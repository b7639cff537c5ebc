"""Drift from two profiles: the same results as from raw data, exact where it can be.

Binned statistics (PSI, Jensen-Shannon, Hellinger, KL, total variation, L-infinity on
numeric columns; every categorical method) read exact counts on bins the reference
fixed, by the one edge rule of :mod:`watchkeeper.stats._binning` that the raw report,
Spark and the service's windows use too, so they equal the raw-data result to the last
bit. Each of the policy's ``n_bins`` edges is the first fine edge where the reference's
cumulative share reaches ``k / n_bins``, so the coarse counts are sums of exact fine
counts.

When both sides kept their values (at most 10,000 finite values each, the sizes where
scipy's KS p-value is exact), every sample method runs on them: the result is the
raw-data result. Otherwise methods that need raw values are approximated from the fine
histograms and reported with ``comparison="approximate"``:

- **KS**: ``D_low``, the largest CDF gap at the fine edges, is reported. The exact D
  lies in ``[D_low, D_low + w]`` with ``w`` the largest share of either side in one fine
  bin (within a bin each CDF rises by at most its share); the note gives the interval.
  The p-value is Smirnov's asymptotic ``kstwo`` distribution at ``D_low`` with
  ``n = round(n_ref n_cur / (n_ref + n_cur))``, as scipy's ``ks_2samp`` uses for large
  samples. No sketch is read, so the same profiles give the same numbers on every run.
- **Wasserstein** (and its normed form): the area between the two CDFs, each linear
  within a fine bin and bounded by the side's exact min and max.
- **Welch's t-test** is exact: it reads the merged means and variances.

Other sample tests (Anderson-Darling, Cramér-von Mises, Mann-Whitney, Epps-Singleton,
energy) need raw values; on large profiles the column is reported uncompared with a
note. A KS result names its p-value method (exact or asymptotic, scipy's choice for the
sample sizes) in the note. A profile re-binned by a merge, or a current profile on other
edges than the reference's (re-binned here), makes binned results approximate; the note
gives the bound.
Smaller p-values and larger distances are worse, as everywhere in drift.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from watchkeeper._exceptions import ColumnError
from watchkeeper.drift._column import (
    _SUMMARY_QUANTILES,
    _uncompared,
    compare_categorical,
    ks_method_note,
    numeric_drift,
    sorted_quantiles,
)
from watchkeeper.drift._dataset import ProgressCallback, assemble, skip_reason
from watchkeeper.drift._policy import DriftPolicy
from watchkeeper.drift._results import ColumnDrift, DatasetDrift
from watchkeeper.io import CategoricalValues
from watchkeeper.profile import CategoricalProfile, NumericBins, NumericProfile, Profile
from watchkeeper.profile._rebin import cdf_knots, rebin
from watchkeeper.schema import ColumnSpec
from watchkeeper.stats import Method, TestResult, get_method
from watchkeeper.stats._binning import coarse_starts, reference_edges

__all__ = ["binned_counts", "compare_profiles", "profile_quantiles"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_CHART_TAIL = 0.001


def binned_counts(
    ref: NumericProfile, cur: NumericProfile, n_bins: int
) -> tuple[FloatArray, IntArray, IntArray]:
    """The ``n_bins`` reference-quantile edges (a subset of the fine edges) and the
    exact counts of both sides in the bins they make.

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> ref = profile_source({"x": np.arange(1000.0)})
    >>> cur = profile_source({"x": np.arange(500.0)}, bins_from=ref)
    >>> edges, r, c = binned_counts(ref["x"], cur["x"], 4)
    >>> r.tolist(), c.tolist()
    ([250, 250, 250, 250], [250, 250, 0, 0])
    """
    assert ref.bins is not None and ref.counts is not None and cur.counts is not None
    fine_ref, fine_cur = ref.counts, cur.counts
    starts = coarse_starts(fine_ref, n_bins)
    return (
        ref.bins.edges[starts[1:] - 1],
        np.add.reduceat(fine_ref, starts).astype(np.int64),
        np.add.reduceat(fine_cur, starts).astype(np.int64),
    )


def profile_quantiles(col: NumericProfile, probs: tuple[float, ...]) -> list[float]:
    """Quantiles read from the exact histogram, linear within a fine bin; the same
    profile gives the same numbers on every run.

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> p = profile_source({"x": np.arange(1001.0)})
    >>> [round(q) for q in profile_quantiles(p["x"], (0.0, 0.5, 1.0))]
    [0, 500, 1000]
    """
    if col.values is not None and col.values.size:
        return sorted_quantiles(col.values, probs)
    x, shares = cdf_knots(col)
    return [float(v) for v in np.interp(probs, shares, x)]


def _cdf(col: NumericProfile, points: FloatArray) -> FloatArray:
    x, shares = cdf_knots(col)
    out: FloatArray = np.interp(points, x, shares, left=0.0, right=1.0)
    return out


def _ks(ref: NumericProfile, cur: NumericProfile) -> tuple[TestResult, str]:
    assert ref.counts is not None and cur.counts is not None
    n_ref, n_cur = int(ref.counts.sum()), int(cur.counts.sum())
    ref_cdf = np.cumsum(ref.counts)[:-1] / n_ref
    cur_cdf = np.cumsum(cur.counts)[:-1] / n_cur
    d_low = float(np.max(np.abs(ref_cdf - cur_cdf))) if ref_cdf.size else 0.0
    width = float(np.max(np.maximum(ref.counts / n_ref, cur.counts / n_cur)))
    d_high = min(1.0, d_low + width)
    m, n = sorted((float(n_ref), float(n_cur)), reverse=True)
    p = float(np.clip(stats.kstwo.sf(d_low, np.round(m * n / (m + n))), 0.0, 1.0))
    note = (
        f"approximate: KS D read at the {ref.counts.size - 1:,} reference-quantile bin "
        f"edges; the exact D lies in [{d_low:.4g}, {d_high:.4g}]; "
        f"{ks_method_note(n_ref, n_cur, values_kept=False)}"
    )
    return TestResult(d_low, p), note


def _wasserstein_raw(ref: NumericProfile, cur: NumericProfile) -> float:
    assert ref.min is not None and cur.min is not None
    assert ref.max is not None and cur.max is not None
    x = np.unique(np.concatenate((cdf_knots(ref)[0], cdf_knots(cur)[0])))
    gap = _cdf(ref, x) - _cdf(cur, x)
    a, b, width = gap[:-1], gap[1:], np.diff(x)
    same_sign = a * b >= 0
    area = np.where(
        same_sign,
        np.abs(a + b) / 2 * width,
        # The gap crosses zero inside the interval: two triangles.
        (a * a + b * b) / (2 * np.maximum(np.abs(a) + np.abs(b), 1e-300)) * width,
    )
    return float(area.sum())


def _wasserstein(ref: NumericProfile, cur: NumericProfile) -> tuple[TestResult, str]:
    return TestResult(_wasserstein_raw(ref, cur)), "approximate: Wasserstein from histograms"


def _wasserstein_norm(ref: NumericProfile, cur: NumericProfile) -> tuple[TestResult, str]:
    distance = _wasserstein_raw(ref, cur)
    note = "approximate: Wasserstein from histograms"
    if distance == 0.0:
        return TestResult(0.0), note
    scale = ref.moments.std(ddof=0) or 0.0
    if scale == 0.0:
        scale = ref.moments.merge(cur.moments).std(ddof=0) or 0.0
    return TestResult(distance / scale if scale else 0.0), note


def _welch(ref: NumericProfile, cur: NumericProfile) -> tuple[TestResult, str | None]:
    r, c = ref.moments, cur.moments
    if r.n < 2 or c.n < 2:
        return TestResult(math.nan, None), "Welch's t-test needs at least 2 values per side"
    sr, sc = r.std(ddof=1) or 0.0, c.std(ddof=1) or 0.0
    if sr == 0.0 and sc == 0.0:
        gap = r.mean - c.mean
        return TestResult(0.0 if gap == 0 else math.copysign(math.inf, gap), float(gap != 0)), None
    res = stats.ttest_ind_from_stats(r.mean, sr, r.n, c.mean, sc, c.n, equal_var=False)
    return TestResult(float(res.statistic), float(res.pvalue)), None


# Sample methods computable from profiles: name -> (function, exact?).
_SampleFunc = Callable[[NumericProfile, NumericProfile], tuple[TestResult, str | None]]
_FROM_PROFILES: dict[str, tuple[_SampleFunc, bool]] = {
    "ks": (_ks, False),
    "wasserstein": (_wasserstein, False),
    "wasserstein_norm": (_wasserstein_norm, False),
    "t_test": (_welch, True),
}


def _run(
    method: Method, ref: NumericProfile, cur: NumericProfile, n_bins: int
) -> tuple[TestResult, bool, str | None] | None:
    """The method's result, whether it is exact, and a note; None when unsupported."""
    if method.input == "counts":
        _, r, c = binned_counts(ref, cur, n_bins)
        bound = max(ref.approximate, cur.approximate)
        if bound > 0:
            rebinned = (
                f"approximate: a side was re-binned onto other edges; its cumulative "
                f"shares are within {bound:.3g} of the exact ones"
            )
            return method(r, c), False, rebinned
        return method(r, c), True, None
    if ref.values is not None and cur.values is not None and ref.values.size and cur.values.size:
        # Both sides kept their values: the raw-data result, exactly.
        kept: str | None = None
        if method.name == "ks":
            kept = ks_method_note(ref.values.size, cur.values.size)
        return method(ref.values, cur.values), True, kept
    entry = _FROM_PROFILES.get(method.name)
    if entry is None:
        return None
    func, exact = entry
    result, note = func(ref, cur)
    return result, exact, note


def _numeric_summary(col: NumericProfile) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "count": col.n_finite,
        "missing": col.n_missing,
        "infinite": col.n_pos_inf + col.n_neg_inf,
    }
    if col.n_finite:
        q = profile_quantiles(col, _SUMMARY_QUANTILES)
        summary.update(
            mean=col.moments.mean,
            std=col.moments.std(ddof=1) or 0.0,
            min=col.min,
            p05=q[0],
            p25=q[1],
            median=q[2],
            p75=q[3],
            p95=q[4],
            max=col.max,
        )
    return summary


def _numeric_histogram(ref: NumericProfile, cur: NumericProfile, n_bins: int) -> dict[str, Any]:
    # As drift/_column.py draws it, between the 0.1% and 99.9% quantiles of both sides;
    # shares within a fine bin are interpolated, which only the picture uses.
    lo = min(profile_quantiles(ref, (_CHART_TAIL,))[0], profile_quantiles(cur, (_CHART_TAIL,))[0])
    hi = max(
        profile_quantiles(ref, (1 - _CHART_TAIL,))[0], profile_quantiles(cur, (1 - _CHART_TAIL,))[0]
    )
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, n_bins + 1)

    def shares(col: NumericProfile) -> list[float]:
        inner = _cdf(col, edges[1:-1])
        out: list[float] = np.diff(np.concatenate(([0.0], inner, [1.0]))).round(6).tolist()
        return out

    return {
        "edges": [float(e) for e in edges],
        "reference": shares(ref),
        "current": shares(cur),
    }


def _on_reference_bins(
    ref: NumericProfile, cur: NumericProfile
) -> tuple[NumericProfile, NumericProfile]:
    """Both sides on the reference's edges: a reference without a histogram gets one
    from its kept values; a current side on other edges is re-binned (approximate)."""
    if ref.bins is None or ref.counts is None:
        if ref.values is None:
            raise ColumnError(
                ref.name,
                "has no histogram in the reference profile (it was profiled in one pass)",
                "profile the reference from files or a table, which are read twice "
                "(watchkeeper profile without --reference)",
            )
        edges, _ = reference_edges(ref.values)
        ref = rebin(ref, NumericBins(edges, float(ref.values[0]), float(ref.values[-1])))
    if cur.bins != ref.bins or cur.counts is None:
        if cur.counts is None and cur.values is None:
            raise ColumnError(
                ref.name,
                "has no histogram in the current profile and too many values to re-bin",
                "profile the current data with bins_from= the reference profile "
                "(watchkeeper profile --reference REF.wkp)",
            )
        assert ref.bins is not None
        cur = rebin(cur, ref.bins)
    return ref, cur


def compare_numeric_profiles(
    ref: NumericProfile, cur: NumericProfile, role: str, policy: DriftPolicy
) -> ColumnDrift:
    """Drift of one numeric column from its two profiles, under ``policy``."""
    rule = policy.rule_for(ref.name, "numeric")
    method = get_method(rule.method)
    if ref.n_finite == 0 or cur.n_finite == 0:
        side = "reference" if ref.n_finite == 0 else "current data"
        return _uncompared(
            ref.name, "numeric", role, rule, method, f"the {side} has no finite values"
        )
    ref, cur = _on_reference_bins(ref, cur)
    ran = _run(method, ref, cur, policy.n_bins)
    if ran is None:
        supported = ", ".join(sorted(_FROM_PROFILES))
        return _uncompared(
            ref.name, "numeric", role, rule, method,
            f"{method.name} needs raw values; on profiles use {supported} or a binned method",
        )  # fmt: skip
    result, exact, note = ran
    effect_method = get_method(policy.numeric_effect)
    if effect_method.name == method.name:
        effect_value, effect_exact = result.statistic, exact
    else:
        effect_ran = _run(effect_method, ref, cur, policy.n_bins)
        if effect_ran is None:
            effect_value, effect_exact = math.nan, False
        else:
            effect_value, effect_exact = effect_ran[0].statistic, effect_ran[1]
    if method.output == "p_value" and not effect_exact:
        exact = False
    return numeric_drift(
        column=ref.name,
        role=role,
        rule=rule,
        method=method,
        result=result,
        policy=policy,
        effect_name=effect_method.name,
        effect_value=effect_value,
        comparison="exact" if exact else "approximate",
        n_reference=ref.n_finite,
        n_current=cur.n_finite,
        summary={"reference": _numeric_summary(ref), "current": _numeric_summary(cur)},
        histogram=_numeric_histogram(ref, cur, policy.chart_bins),
        note=note,
    )


def _values(col: CategoricalProfile) -> CategoricalValues:
    categories, counts = col.ordered()
    return CategoricalValues(col.name, categories, counts, col.n_rows, col.n_null)


def compare_categorical_profiles(
    ref: CategoricalProfile, cur: CategoricalProfile, role: str, policy: DriftPolicy
) -> ColumnDrift:
    """Drift of one categorical column: exact counts below the cap, else frequent items."""
    result = compare_categorical(_values(ref), _values(cur), ref.kind, role, policy)
    if ref.exact and cur.exact:
        return result
    note = (
        "approximate: more categories than the profile's cap; compared on the frequent "
        "items' estimated counts"
    )
    return replace(result, comparison="approximate", note=note)


def _compare_one(
    spec: ColumnSpec, reference: Profile, current: Profile, policy: DriftPolicy
) -> ColumnDrift | None:
    ref, cur = reference.columns[spec.name], current.columns[spec.name]
    if ref.kind != cur.kind:
        raise ColumnError(
            spec.name,
            f"is {ref.kind} in the reference profile but {cur.kind} in the current one",
            "profile the current data with the reference's schema (bins_from=reference)",
        )
    if isinstance(ref, NumericProfile) and isinstance(cur, NumericProfile):
        return compare_numeric_profiles(ref, cur, spec.role.value, policy)
    if isinstance(ref, CategoricalProfile) and isinstance(cur, CategoricalProfile):
        return compare_categorical_profiles(ref, cur, spec.role.value, policy)
    return None


def compare_profiles(
    reference: Profile,
    current: Profile,
    policy: DriftPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> DatasetDrift:
    """Drift of every compared column of ``reference.schema``, from two profiles.

    ``current`` must be profiled with ``bins_from=reference`` (or the same edges);
    otherwise the error names the column and the fix.

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(3)
    >>> ref = profile_source({"x": rng.normal(0, 1, 20000), "c": rng.choice(["a", "b"], 20000)})
    >>> cur = profile_source({"x": rng.normal(0.3, 1, 20000), "c": rng.choice(["a", "b"], 20000)},
    ...                      bins_from=ref)
    >>> result = compare_profiles(ref, cur)
    >>> result.drifted_columns, result["x"].comparison, result["c"].comparison
    (['x'], 'approximate', 'exact')
    """
    policy = policy or DriftPolicy()
    jobs: list[ColumnSpec] = []
    skipped: list[dict[str, str]] = []
    for spec in reference.schema:
        if not spec.compared:
            skipped.append({"column": spec.name, "reason": skip_reason(spec)})
        elif spec.name not in current.columns:
            skipped.append({"column": spec.name, "reason": "missing from the current data"})
        elif spec.name not in reference.columns:
            skipped.append({"column": spec.name, "reason": "missing from the reference data"})
        else:
            jobs.append(spec)
    results = []
    for spec in jobs:
        results.append(_compare_one(spec, reference, current, policy))
        if progress is not None:
            progress(spec.name)
    return assemble(results, skipped, policy)
