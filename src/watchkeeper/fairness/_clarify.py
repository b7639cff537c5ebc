"""Pre-training and post-training bias metrics as Amazon SageMaker Clarify defines them.

The rows are split into two facets of one sensitive feature: *d*, the disadvantaged
facet (the group values named by ``facet``) and *a*, every other row. ``n`` counts
rows, a superscript ``(1)`` positive labels and a hat predicted ones; ``q = n(1)/n``.
Definitions: SageMaker Clarify developer guide, "Pre-training bias metrics" and
"Post-training data and model bias metrics"
(https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-measure-data-bias.html,
https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-measure-post-training-bias.html),
and Das et al., "Fairness Measures for Machine Learning in Finance" (2021).

Pre-training (labels only):

* ``CI`` class imbalance ``(n_a - n_d) / (n_a + n_d)``;
* ``DPL`` difference in proportions of labels ``q_a - q_d``;
* ``KL``, ``JS``, ``LP`` (L2), ``TVD``, ``KS``: divergences between the label
  distributions ``P_a`` and ``P_d`` (here over positive/negative), natural log.

Post-training (predictions, and labels where needed):

* ``DPPL`` ``q̂_a - q̂_d``; ``DI`` disparate impact ``q̂_d / q̂_a``;
* ``DCA`` ``c_a - c_d`` with ``c = n(1) / n̂(1)``; ``DCR`` ``r_d - r_a`` with
  ``r = n(0) / n̂(0)``;
* ``RD`` recall ``a - d``; ``SD`` specificity ``d - a``;
* ``DAR`` precision ``TP/n̂(1)``, ``a - d``; ``DRR`` ``TN/n̂(0)``, ``d - a``;
* ``AD`` accuracy ``a - d``; ``TE`` treatment equality ``FN_d/FP_d - FN_a/FP_a``;
* ``GE`` generalised entropy index with α = 2 of the benefits ``ŷ - y + 1`` over all
  labelled rows (Speicher et al. 2018), which does not depend on the facets.

Direction: 0 is balanced for every difference, CI, the divergences and GE; 1 is
balanced for DI. Positive differences mean facet *a* gets more (of the positive
outcome, of accuracy, ...), except DCR, SD and DRR, whose sign Clarify flips so that
positive still means *d* is disadvantaged. The flip test (FT) and the conditional
metrics (CDDL, CDDPL) need the rows themselves or a strata column and are not here.

Zero denominators follow Clarify's ``divide``: ``0/0 = 0`` and ``x/0 = ±inf``, and a
difference of two equal infinities is 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper._numbers import finite_or_none
from watchkeeper._tabular import Tabular
from watchkeeper.fairness._counters import GroupCounters, GroupCounts, count_groups

__all__ = [
    "CLARIFY_METRICS",
    "BiasMetrics",
    "ClarifyMetric",
    "bias_metrics",
    "bias_metrics_from_counters",
    "split_facets",
]

Pair = Callable[[GroupCounts, GroupCounts], float]


def _divide(numerator: float, denominator: float) -> float:
    """Clarify's convention: 0/0 is 0, x/0 is ±inf."""
    if denominator == 0:
        return 0.0 if numerator == 0 else math.copysign(math.inf, numerator)
    return numerator / denominator


def _minus(left: float, right: float) -> float:
    if math.isinf(left) and left == right:
        return 0.0
    return left - right


def _proportion_variance(hits: int, total: int) -> float:
    """Sampling variance of a proportion hits/total (binomial); NaN when total is 0."""
    if total == 0:
        return float("nan")
    p = hits / total
    return p * (1.0 - p) / total


def _label_distributions(a: GroupCounts, d: GroupCounts) -> tuple[np.ndarray[Any, Any], ...]:
    pa = np.array([a.label_negative, a.label_positive], dtype=np.float64) / max(a.labelled, 1)
    pd = np.array([d.label_negative, d.label_positive], dtype=np.float64) / max(d.labelled, 1)
    return pa, pd


def _kl(a: GroupCounts, d: GroupCounts) -> float:
    pa, pd = _label_distributions(a, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(pa > 0, pa * np.log(pa / pd), 0.0)
    return float(terms.sum())


def _js(a: GroupCounts, d: GroupCounts) -> float:
    pa, pd = _label_distributions(a, d)
    mix = (pa + pd) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.where(pa > 0, pa * np.log(pa / mix), 0.0)
        right = np.where(pd > 0, pd * np.log(pd / mix), 0.0)
    return float(0.5 * (left.sum() + right.sum()))


def _norm(order: float) -> Pair:
    def compute(a: GroupCounts, d: GroupCounts) -> float:
        pa, pd = _label_distributions(a, d)
        return float(np.linalg.norm(pa - pd, order))

    return compute


def _generalized_entropy(a: GroupCounts, d: GroupCounts) -> float:
    both = a + d
    n = both.tp + both.fp + both.tn + both.fn
    # Benefit b = ŷ - y + 1 is 0 for a false negative, 1 when right, 2 for a false positive.
    mean = _divide(both.tp + both.tn + 2 * both.fp, n)
    if n == 0 or mean == 0:
        return float("nan")
    sum_squares = (both.tp + both.tn + 4 * both.fp) / mean**2
    return float((sum_squares - n) / (n * 2 * 1))


@dataclass(frozen=True)
class ClarifyMetric:
    """One Clarify bias metric, with its formula on facet counts and its sampling variance.

    ``variance`` is set for the metrics that are a difference of two independent
    proportions (binomial variance of each, added); bias drift uses it for a z-test.

    >>> m = CLARIFY_METRICS["DPPL"]
    >>> (m.stage, m.balanced_value, m.variance is not None)
    ('post_training', 0.0, True)
    """

    name: str
    title: str
    stage: Literal["pre_training", "post_training"]
    balanced_value: float
    formula: str
    compute: Pair
    variance: Pair | None = None


def _difference(rate: str, a_first: bool = True) -> Pair:
    def compute(a: GroupCounts, d: GroupCounts) -> float:
        num_a, den_a = _RATE_PARTS[rate](a)
        num_d, den_d = _RATE_PARTS[rate](d)
        left, right = _divide(num_a, den_a), _divide(num_d, den_d)
        return _minus(left, right) if a_first else _minus(right, left)

    return compute


def _variance_of(rate: str) -> Pair:
    def variance(a: GroupCounts, d: GroupCounts) -> float:
        return _proportion_variance(*_RATE_PARTS[rate](a)) + _proportion_variance(
            *_RATE_PARTS[rate](d)
        )

    return variance


# rate -> (numerator, denominator) of one facet's counts.
_RATE_PARTS: Mapping[str, Callable[[GroupCounts], tuple[int, int]]] = {
    "label": lambda c: (c.label_positive, c.labelled),
    "selection": lambda c: (c.predicted_positive, c.n),
    "acceptance": lambda c: (c.tp + c.fn, c.tp + c.fp),
    "rejection": lambda c: (c.tn + c.fp, c.tn + c.fn),
    "recall": lambda c: (c.tp, c.tp + c.fn),
    "specificity": lambda c: (c.tn, c.tn + c.fp),
    "precision": lambda c: (c.tp, c.tp + c.fp),
    "negative_predictive": lambda c: (c.tn, c.tn + c.fn),
    "accuracy": lambda c: (c.tp + c.tn, c.tp + c.fp + c.tn + c.fn),
}


def _class_imbalance(a: GroupCounts, d: GroupCounts) -> float:
    return _divide(a.n - d.n, a.n + d.n)


def _class_imbalance_variance(a: GroupCounts, d: GroupCounts) -> float:
    # CI = 1 - 2 p_d with p_d = n_d / n, so Var(CI) = 4 p_d (1 - p_d) / n.
    return 4.0 * _proportion_variance(d.n, a.n + d.n)


def _disparate_impact(a: GroupCounts, d: GroupCounts) -> float:
    return _divide(_divide(d.predicted_positive, d.n), _divide(a.predicted_positive, a.n))


def _treatment_equality(a: GroupCounts, d: GroupCounts) -> float:
    return _minus(_divide(d.fn, d.fp), _divide(a.fn, a.fp))


def _build() -> dict[str, ClarifyMetric]:
    pre: Literal["pre_training"] = "pre_training"
    post: Literal["post_training"] = "post_training"
    metrics = [
        ClarifyMetric("CI", "class imbalance", pre, 0.0, "(n_a - n_d) / (n_a + n_d)",
                      _class_imbalance, _class_imbalance_variance),
        ClarifyMetric("DPL", "difference in proportions of labels", pre, 0.0,
                      "n_a(1)/n_a - n_d(1)/n_d", _difference("label"), _variance_of("label")),
        ClarifyMetric("KL", "Kullback-Leibler divergence of labels", pre, 0.0,
                      "sum P_a log(P_a / P_d)", _kl),
        ClarifyMetric("JS", "Jensen-Shannon divergence of labels", pre, 0.0,
                      "(KL(P_a, P) + KL(P_d, P)) / 2, P = (P_a + P_d) / 2", _js),
        ClarifyMetric("LP", "L2 norm of the label distributions' difference", pre, 0.0,
                      "sqrt(sum (P_a - P_d)^2)", _norm(2.0)),
        ClarifyMetric("TVD", "total variation distance of labels", pre, 0.0,
                      "sum |P_a - P_d| / 2", lambda a, d: 0.5 * _norm(1.0)(a, d)),
        ClarifyMetric("KS", "Kolmogorov-Smirnov distance of labels", pre, 0.0,
                      "max |P_a - P_d|", _norm(math.inf)),
        ClarifyMetric("DPPL", "difference in positive proportions in predicted labels", post,
                      0.0, "n̂_a(1)/n_a - n̂_d(1)/n_d", _difference("selection"),
                      _variance_of("selection")),
        ClarifyMetric("DI", "disparate impact", post, 1.0, "q̂_d / q̂_a", _disparate_impact),
        ClarifyMetric("DCA", "difference in conditional acceptance", post, 0.0,
                      "n_a(1)/n̂_a(1) - n_d(1)/n̂_d(1)", _difference("acceptance")),
        ClarifyMetric("DCR", "difference in conditional rejection", post, 0.0,
                      "n_d(0)/n̂_d(0) - n_a(0)/n̂_a(0)", _difference("rejection", False)),
        ClarifyMetric("SD", "specificity difference", post, 0.0,
                      "TN_d/(TN_d + FP_d) - TN_a/(TN_a + FP_a)",
                      _difference("specificity", False), _variance_of("specificity")),
        ClarifyMetric("RD", "recall difference", post, 0.0,
                      "TP_a/(TP_a + FN_a) - TP_d/(TP_d + FN_d)", _difference("recall"),
                      _variance_of("recall")),
        ClarifyMetric("DAR", "difference in acceptance rates", post, 0.0,
                      "TP_a/n̂_a(1) - TP_d/n̂_d(1)", _difference("precision"),
                      _variance_of("precision")),
        ClarifyMetric("DRR", "difference in rejection rates", post, 0.0,
                      "TN_d/n̂_d(0) - TN_a/n̂_a(0)", _difference("negative_predictive", False),
                      _variance_of("negative_predictive")),
        ClarifyMetric("AD", "accuracy difference", post, 0.0, "ACC_a - ACC_d",
                      _difference("accuracy"), _variance_of("accuracy")),
        ClarifyMetric("TE", "treatment equality", post, 0.0, "FN_d/FP_d - FN_a/FP_a",
                      _treatment_equality),
        ClarifyMetric("GE", "generalized entropy index (alpha = 2)", post, 0.0,
                      "sum((b_i/mean b)^2 - 1) / (2 n), b = ŷ - y + 1", _generalized_entropy),
    ]  # fmt: skip
    return {metric.name: metric for metric in metrics}


CLARIFY_METRICS: Mapping[str, ClarifyMetric] = MappingProxyType(_build())


@dataclass(frozen=True, repr=False)
class BiasMetrics(Tabular):
    """Clarify metrics of facet *d* (``facet`` values of ``feature``) against the rest, *a*."""

    feature: str
    facet: tuple[str, ...]
    advantaged: GroupCounts
    disadvantaged: GroupCounts
    values: Mapping[str, float]

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per Clarify metric."""
        return [{"metric": k, "value": v} for k, v in self.values.items()]

    def _headline(self) -> str:
        return f"BiasMetrics {self.feature}={'|'.join(self.facet)} against the rest"

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "facet": list(self.facet),
            "advantaged": self.advantaged.to_dict(),
            "disadvantaged": self.disadvantaged.to_dict(),
            "values": {k: finite_or_none(v) for k, v in self.values.items()},
        }


def split_facets(
    counters: GroupCounters, facet: str | Sequence[str], feature: str | None = None
) -> tuple[str, tuple[str, ...], GroupCounts, GroupCounts]:
    """(feature, facet values, counts of *a*, counts of *d*) for one sensitive feature."""
    if feature is None:
        if len(counters.features) != 1:
            raise InputError(
                f"counters have several sensitive features {list(counters.features)}; "
                "pass feature=... to choose one"
            )
        feature = counters.features[0]
    single = counters.marginal(feature)
    values = (facet,) if isinstance(facet, str) else tuple(str(v) for v in facet)
    known = {key[0] for key in single.groups}
    missing = [v for v in values if v not in known]
    if missing:
        raise InputError(
            f"facet value {missing[0]!r} is not a group of {feature!r} "
            f"(groups: {sorted(known)}); pass one of them"
        )
    advantaged, disadvantaged = GroupCounts(), GroupCounts()
    for key, counts in single.groups.items():
        if key[0] in values:
            disadvantaged = disadvantaged + counts
        else:
            advantaged = advantaged + counts
    if advantaged.n == 0:
        raise InputError(f"facet {list(values)} holds every row of {feature!r}; nothing to compare")
    return feature, values, advantaged, disadvantaged


def _chosen(metrics: Sequence[str] | None, has_predictions: bool) -> list[str]:
    if metrics is None:
        return [
            name
            for name, m in CLARIFY_METRICS.items()
            if has_predictions or m.stage == "pre_training"
        ]
    unknown = [m for m in metrics if m not in CLARIFY_METRICS]
    if unknown:
        raise UnknownMethodError(
            f"unknown Clarify metric {unknown[0]!r}; choose one of: {', '.join(CLARIFY_METRICS)}"
        )
    return list(metrics)


def bias_metrics_from_counters(
    counters: GroupCounters,
    *,
    facet: str | Sequence[str],
    feature: str | None = None,
    metrics: Sequence[str] | None = None,
) -> BiasMetrics:
    """Clarify metrics from counters (so per window of a live service).

    >>> c = count_groups([1, 0, 1, 1, 0, 0], [1, 0, 1, 0, 0, 1],
    ...                  sensitive_features={"sex": list("mmmfff")})
    >>> b = bias_metrics_from_counters(c, facet="f", metrics=["CI", "DPL", "DPPL", "DI"])
    >>> {k: round(v, 3) for k, v in b.values.items()}
    {'CI': 0.0, 'DPL': 0.333, 'DPPL': 0.333, 'DI': 0.5}
    """
    feature, values, a, d = split_facets(counters, facet, feature)
    has_predictions = (a + d).predicted_positive > 0 or (a + d).tp + (a + d).tn > 0
    names = _chosen(metrics, has_predictions)
    results = {name: float(CLARIFY_METRICS[name].compute(a, d)) for name in names}
    return BiasMetrics(feature, values, a, d, MappingProxyType(results))


def bias_metrics(
    y_true: ArrayLike | None,
    y_pred: ArrayLike | None = None,
    *,
    sensitive_feature: Any,
    facet: str | Sequence[str],
    positive_label: Any = None,
    metrics: Sequence[str] | None = None,
) -> BiasMetrics:
    """Clarify metrics of one sensitive feature; pre-training ones only without ``y_pred``.

    ``facet`` names the group value(s) of the disadvantaged facet *d*, as text.

    >>> rng = np.random.default_rng(0)
    >>> sex = rng.choice(["f", "m"], 1000)
    >>> y = (rng.random(1000) < np.where(sex == "f", 0.3, 0.5)).astype(int)
    >>> b = bias_metrics(y, None, sensitive_feature=sex, facet="f")
    >>> {k: round(v, 3) for k, v in b.values.items()}
    {'CI': 0.074, 'DPL': 0.267, 'KL': 0.159, 'JS': 0.038, 'LP': 0.377, 'TVD': 0.267, 'KS': 0.267}
    """
    counters = count_groups(
        y_true, y_pred, sensitive_features=sensitive_feature, positive_label=positive_label
    )
    if y_pred is None and metrics is None:
        metrics = [n for n, m in CLARIFY_METRICS.items() if m.stage == "pre_training"]
    return bias_metrics_from_counters(
        counters, facet=facet, feature=counters.features[0], metrics=metrics
    )
