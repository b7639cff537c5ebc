"""Comparing one column: the method's result, the effect size, and the chart's data.

Numeric columns arrive as sorted finite values (see :mod:`watchkeeper.io`), so
quantiles are read by index and reference bins by binary search: every statistic here
costs one pass or less over data that was sorted once. The bins follow the one
deterministic edge rule of :mod:`watchkeeper.stats._binning` that profiles, Spark and
the service's windows use, so binned statistics are equal whichever path computed them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper.drift._policy import ColumnRule, DriftPolicy
from watchkeeper.drift._results import ColumnDrift, EffectSize
from watchkeeper.io import CategoricalValues, NumericValues
from watchkeeper.stats import Method, TestResult, bin_counts, get_method, quantile_edges

__all__ = [
    "compare_categorical",
    "compare_numeric",
    "ks_method_note",
    "numeric_drift",
    "sorted_quantiles",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_SUMMARY_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_OTHER = "(other)"
# scipy.stats.ks_2samp(method="auto") is exact up to this size of the larger sample.
_KS_MAX_EXACT_N = 10_000


def ks_method_note(n_reference: int, n_current: int, *, values_kept: bool = True) -> str:
    """How the KS p-value was computed: as scipy chooses for these sample sizes, or
    asymptotic when a profile did not keep the values scipy's exact test needs.

    >>> print(ks_method_note(300, 200))
    KS p-value: exact (scipy's choice when each side has at most 10,000 values)
    """
    if max(n_reference, n_current) <= _KS_MAX_EXACT_N:
        if values_kept:
            return "KS p-value: exact (scipy's choice when each side has at most 10,000 values)"
        return (
            "KS p-value: asymptotic (Smirnov's kstwo); scipy would use the exact one for "
            "these sizes, but a profile did not keep its values (format version 1)"
        )
    return "KS p-value: asymptotic (Smirnov's kstwo, scipy's choice above 10,000 values)"


def sorted_quantiles(values: FloatArray, probs: tuple[float, ...]) -> list[float]:
    """Quantiles of an ascending array by linear interpolation (numpy's default rule).

    >>> sorted_quantiles(np.array([1.0, 2.0, 3.0, 4.0]), (0.5, 0.25))
    [2.5, 1.75]
    """
    n = values.size
    out: list[float] = []
    for p in probs:
        h = (n - 1) * p
        lo = math.floor(h)
        hi = min(lo + 1, n - 1)
        out.append(float(values[lo] + (h - lo) * (values[hi] - values[lo])))
    return out


def _numeric_summary(col: NumericValues) -> dict[str, Any]:
    v = col.values
    summary: dict[str, Any] = {
        "count": int(v.size),
        "missing": col.n_missing,
        "infinite": col.n_pos_inf + col.n_neg_inf,
    }
    if v.size:
        q = sorted_quantiles(v, _SUMMARY_QUANTILES)
        summary.update(
            mean=float(v.mean()),
            std=float(v.std(ddof=1)) if v.size > 1 else 0.0,
            min=float(v[0]),
            p05=q[0],
            p25=q[1],
            median=q[2],
            p75=q[3],
            p95=q[4],
            max=float(v[-1]),
        )
    return summary


def _numeric_histogram(ref: FloatArray, cur: FloatArray, n_bins: int) -> dict[str, Any]:
    # The chart spans both samples but not their extreme tails, which would squash it;
    # values beyond the span are counted in the end bins.
    lo = min(sorted_quantiles(ref, (0.001,))[0], sorted_quantiles(cur, (0.001,))[0])
    hi = max(sorted_quantiles(ref, (0.999,))[0], sorted_quantiles(cur, (0.999,))[0])
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, n_bins + 1)
    inner = edges[1:-1]
    ref_counts = bin_counts(ref, inner)
    cur_counts = bin_counts(cur, inner)
    return {
        "edges": [float(e) for e in edges],
        "reference": (ref_counts / ref.size).round(6).tolist(),
        "current": (cur_counts / cur.size).round(6).tolist(),
    }


def _uncompared(
    column: str, kind: str, role: str, rule: ColumnRule, method: Method, note: str
) -> ColumnDrift:
    return ColumnDrift(
        column=column,
        kind=kind,
        role=role,
        method=method.name,
        output=method.output,
        statistic=None,
        p_value=None,
        threshold=method.default_threshold if rule.threshold is None else rule.threshold,
        drifted=False,
        note=note,
    )


def _provisional(
    method: Method, result: TestResult, threshold: float, effect: EffectSize | None
) -> bool:
    """The verdict before multiple-testing correction (final for distances)."""
    drifted = method.is_drift(result, threshold)
    if method.output == "p_value" and effect is not None:
        drifted = drifted and effect.value >= effect.min_effect
    return drifted


def _tested(
    method: Method, rule: ColumnRule, result: TestResult, effect: EffectSize
) -> dict[str, Any]:
    """The fields of a compared column's record that come from its test and effect size."""
    threshold = method.default_threshold if rule.threshold is None else rule.threshold
    return {
        "method": method.name,
        "output": method.output,
        "statistic": float(result.statistic),
        "p_value": None if result.p_value is None else float(result.p_value),
        "threshold": threshold,
        "drifted": _provisional(method, result, threshold, effect),
        "effect_size": effect,
    }


def numeric_drift(
    *,
    column: str,
    role: str,
    rule: ColumnRule,
    method: Method,
    result: TestResult,
    policy: DriftPolicy,
    effect_name: str,
    effect_value: float,
    n_reference: int,
    n_current: int,
    summary: dict[str, Any],
    histogram: dict[str, Any],
    note: str | None,
    comparison: str = "exact",
) -> ColumnDrift:
    """One numeric column's drift record from its test result and effect size: the one
    assembly shared by raw data and profiles (the verdict before correction)."""
    effect = EffectSize(effect_name, float(effect_value), policy.min_effect_for(rule, "numeric"))
    return ColumnDrift(
        column=column,
        kind="numeric",
        role=role,
        **_tested(method, rule, result, effect),
        comparison=comparison,
        n_reference=n_reference,
        n_current=n_current,
        summary=summary,
        histogram=histogram,
        note=note,
    )


def compare_numeric(
    ref: NumericValues, cur: NumericValues, role: str, policy: DriftPolicy
) -> ColumnDrift:
    """Drift of one numeric column under ``policy``."""
    rule = policy.rule_for(ref.name, "numeric")
    method = get_method(rule.method)
    if ref.values.size == 0 or cur.values.size == 0:
        side = "reference" if ref.values.size == 0 else "current data"
        return _uncompared(
            ref.name, "numeric", role, rule, method, f"the {side} has no finite values"
        )
    if method.input == "samples":
        result = method(ref.values, cur.values)
    else:
        edges = quantile_edges(ref.values, policy.n_bins)
        result = method(bin_counts(ref.values, edges), bin_counts(cur.values, edges))
    effect_method = get_method(policy.numeric_effect)
    if effect_method.name == method.name:
        effect_value = result.statistic
    elif effect_method.input == "samples":
        effect_value = effect_method(ref.values, cur.values).statistic
    else:
        edges = quantile_edges(ref.values, policy.n_bins)
        effect_value = effect_method(
            bin_counts(ref.values, edges), bin_counts(cur.values, edges)
        ).statistic
    return numeric_drift(
        column=ref.name,
        role=role,
        rule=rule,
        method=method,
        result=result,
        policy=policy,
        effect_name=effect_method.name,
        effect_value=effect_value,
        n_reference=int(ref.values.size),
        n_current=int(cur.values.size),
        summary={"reference": _numeric_summary(ref), "current": _numeric_summary(cur)},
        histogram=_numeric_histogram(ref.values, cur.values, policy.chart_bins),
        note=ks_method_note(ref.values.size, cur.values.size) if method.name == "ks" else None,
    )


def _canonical(col: CategoricalValues) -> CategoricalValues:
    """Categories most frequent first, ties by name: raw data and profiles list them
    alike, so statistics add their terms in the same order and agree to the last bit."""
    counts = col.counts.tolist()
    order = sorted(range(len(counts)), key=lambda i: (-counts[i], col.categories[i]))
    if order == list(range(len(counts))):
        return col
    return CategoricalValues(
        col.name,
        [col.categories[i] for i in order],
        col.counts[order],
        col.n_rows,
        col.n_null,
    )


def _align(
    ref: CategoricalValues, cur: CategoricalValues
) -> tuple[list[str], IntArray, IntArray, list[str]]:
    """Counts of both sides over the union of categories, reference order first."""
    index = {category: i for i, category in enumerate(ref.categories)}
    unseen = [c for c in cur.categories if c not in index]
    for category in unseen:
        index[category] = len(index)
    ref_counts = np.zeros(len(index), dtype=np.int64)
    ref_counts[: len(ref.categories)] = ref.counts
    cur_counts = np.zeros(len(index), dtype=np.int64)
    positions = np.fromiter((index[c] for c in cur.categories), dtype=np.int64)
    cur_counts[positions] = cur.counts
    return list(index), ref_counts, cur_counts, unseen


def _categorical_histogram(
    categories: list[str], ref_counts: IntArray, cur_counts: IntArray, limit: int
) -> dict[str, Any]:
    total = ref_counts + cur_counts
    order = np.argsort(-total, kind="stable")
    top, rest = order[:limit], order[limit:]
    labels = [categories[i] for i in top]
    ref_share = (ref_counts[top] / max(ref_counts.sum(), 1)).round(6).tolist()
    cur_share = (cur_counts[top] / max(cur_counts.sum(), 1)).round(6).tolist()
    if rest.size:
        labels.append(_OTHER)
        ref_share.append(round(float(ref_counts[rest].sum() / max(ref_counts.sum(), 1)), 6))
        cur_share.append(round(float(cur_counts[rest].sum() / max(cur_counts.sum(), 1)), 6))
    return {"categories": labels, "reference": ref_share, "current": cur_share}


def _categorical_summary(col: CategoricalValues, limit: int = 5) -> dict[str, Any]:
    total = int(col.counts.sum())
    return {
        "count": total,
        "missing": col.n_missing,
        "n_categories": len(col.categories),
        "top": [
            {"category": c, "share": round(int(n) / total, 6)}
            for c, n in zip(col.categories[:limit], col.counts[:limit].tolist(), strict=True)
        ],
    }


def compare_categorical(
    ref: CategoricalValues, cur: CategoricalValues, kind: str, role: str, policy: DriftPolicy
) -> ColumnDrift:
    """Drift of one categorical or boolean column under ``policy``."""
    rule = policy.rule_for(ref.name, "categorical")
    method = get_method(rule.method)
    if not ref.categories or not cur.categories:
        side = "reference" if not ref.categories else "current data"
        return _uncompared(ref.name, kind, role, rule, method, f"the {side} has no values")
    categories, ref_counts, cur_counts, unseen = _align(_canonical(ref), _canonical(cur))
    note = None
    if len(categories) == 1:
        result = TestResult(0.0, None if method.output == "distance" else 1.0)
        note = "a single category on both sides: identical distributions"
    else:
        result = method(ref_counts, cur_counts)
    effect_method = get_method(policy.categorical_effect)
    effect_value = (
        result.statistic
        if effect_method.name == method.name
        else effect_method(ref_counts, cur_counts).statistic
    )
    effect = EffectSize(
        effect_method.name, float(effect_value), policy.min_effect_for(rule, "categorical")
    )
    return ColumnDrift(
        column=ref.name,
        kind=kind,
        role=role,
        **_tested(method, rule, result, effect),
        n_reference=int(ref_counts.sum()),
        n_current=int(cur_counts.sum()),
        summary={"reference": _categorical_summary(ref), "current": _categorical_summary(cur)},
        histogram=_categorical_histogram(
            categories, ref_counts, cur_counts, policy.max_chart_categories
        ),
        unseen_categories=tuple(unseen),
        note=note,
    )
