"""Disparity between groups: differences and ratios of per-group rates.

Direction: a ``*_difference`` is 0 when every group is treated alike and larger is
worse (up to 1); a ``*_ratio`` is 1 when every group is treated alike and smaller is
worse (down to 0). The disparate-impact ratios fail the four-fifths rule when one is
below 0.8.

Definitions (as fairlearn's ``fairlearn.metrics``, and computed exactly from
:class:`~watchkeeper.fairness.GroupCounters`, so they work per window):

* demographic parity: the selection rate P(ŷ = 1) per group;
* equal opportunity: the true positive rate per group;
* equalised odds: true *and* false positive rates; the difference is the larger of the
  two differences and the ratio the smaller of the two ratios (``agg="worst_case"``),
  or their mean (``agg="mean"``).

``method="between_groups"`` compares the largest and smallest group values
(difference ``max - min``, ratio ``min / max``); ``method="to_overall"`` compares each
group with the value over all rows (difference ``max |g - overall|``, ratio
``min(min(g / overall, overall / g))``). A group whose rate is undefined (no row in its
denominator) is left out. With several sensitive features, groups are their
intersections, as in fairlearn.

Disparate impact (US EEOC Uniform Guidelines, 29 CFR 1607.4(D)): each group's
selection rate divided by that of the reference group (by default the group with the
highest rate); the four-fifths rule holds when no ratio is below 0.8.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper._numbers import finite_or_none
from watchkeeper._tabular import Tabular
from watchkeeper.fairness._counters import GroupCounters, GroupCounts, GroupKey, count_groups

__all__ = [
    "FOUR_FIFTHS",
    "Disparity",
    "DisparityReport",
    "FourFifthsResult",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "disparity",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "four_fifths_rule",
]

FOUR_FIFTHS = 0.8
Method = Literal["between_groups", "to_overall"]
_RATES: Mapping[str, Callable[[GroupCounts], float]] = {
    "selection_rate": lambda c: c.selection_rate,
    "true_positive_rate": lambda c: c.true_positive_rate,
    "false_positive_rate": lambda c: c.false_positive_rate,
}


def _spread(values: Mapping[GroupKey, float], overall: float, method: str) -> tuple[float, float]:
    """(difference, ratio) of group values; NaN when fewer than one defined value."""
    defined = np.array([v for v in values.values() if not np.isnan(v)], dtype=np.float64)
    if defined.size == 0:
        return float("nan"), float("nan")
    if method == "between_groups":
        high, low = float(defined.max()), float(defined.min())
        return high - low, (low / high if high > 0 else (1.0 if low == high else 0.0))
    if method == "to_overall":
        difference = float(np.abs(defined - overall).max())
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.minimum(defined / overall, overall / defined)
        # 0/0 means both are 0: the same rate.
        ratios = np.where(np.isnan(ratios), 1.0, ratios)
        return difference, float(ratios.min())
    raise UnknownMethodError(f"unknown method {method!r}; choose 'between_groups' or 'to_overall'")


@dataclass(frozen=True, repr=False)
class Disparity(Tabular):
    """One rate per group, and its difference and ratio.

    >>> c = count_groups([1, 1, 0, 0], [1, 1, 1, 0], sensitive_features=["a", "a", "b", "b"])
    >>> d = Disparity.of(c, "selection_rate")
    >>> (d.by_group, d.difference, d.ratio)
    ({('a',): 1.0, ('b',): 0.5}, 0.5, 0.5)
    """

    rate: str
    method: str
    by_group: Mapping[GroupKey, float]
    overall: float
    difference: float
    ratio: float

    @classmethod
    def of(cls, counters: GroupCounters, rate: str, method: Method = "between_groups") -> Disparity:
        """The disparity of ``rate`` (``selection_rate``, ``true_positive_rate``, ...)."""
        try:
            get = _RATES[rate]
        except KeyError:
            raise UnknownMethodError(
                f"unknown rate {rate!r}; choose one of: {', '.join(_RATES)}"
            ) from None
        by_group = {key: get(counts) for key, counts in counters.groups.items()}
        overall = get(counters.total())
        difference, ratio = _spread(by_group, overall, method)
        return cls(rate, method, by_group, overall, difference, ratio)

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per group: its rate (``overall``, ``difference``, ``ratio`` repeated)."""
        return [
            {"rate": self.rate, "group": " & ".join(map(str, k)), "value": v}
            for k, v in self.by_group.items()
        ]

    def _headline(self) -> str:
        return (
            f"Disparity of {self.rate} ({self.method}): difference {self.difference:.4g},"
            f" ratio {self.ratio:.4g}, overall {self.overall:.4g}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "method": self.method,
            "by_group": [
                {"group": list(k), "value": finite_or_none(v)} for k, v in self.by_group.items()
            ],
            "overall": finite_or_none(self.overall),
            "difference": finite_or_none(self.difference),
            "ratio": finite_or_none(self.ratio),
        }


@dataclass(frozen=True, repr=False)
class FourFifthsResult(Tabular):
    """Disparate impact of each group against the reference group, and the rule's verdict.

    >>> c = count_groups(None, [1, 1, 1, 0, 1, 0], sensitive_features=list("aaabbb"))
    >>> r = four_fifths_rule(c)
    >>> (r.reference_group, r.impact_ratios, r.passed, r.failing_groups)
    (('a',), {('a',): 1.0, ('b',): 0.3333333333333333}, False, (('b',),))
    """

    reference_group: GroupKey
    selection_rates: Mapping[GroupKey, float]
    impact_ratios: Mapping[GroupKey, float]
    threshold: float
    passed: bool
    failing_groups: tuple[GroupKey, ...]

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per group: selection rate, impact ratio and whether it fails."""
        return [
            {
                "group": " & ".join(map(str, k)),
                "selection_rate": self.selection_rates[k],
                "impact_ratio": v,
                "fails": k in self.failing_groups,
                "reference": k == self.reference_group,
            }
            for k, v in self.impact_ratios.items()
        ]

    def _headline(self) -> str:
        verdict = "passed" if self.passed else f"{len(self.failing_groups)} groups fail"
        return f"FourFifthsResult (threshold {self.threshold:g}): {verdict}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_group": list(self.reference_group),
            "threshold": self.threshold,
            "passed": self.passed,
            "groups": [
                {
                    "group": list(k),
                    "selection_rate": finite_or_none(self.selection_rates[k]),
                    "impact_ratio": finite_or_none(v),
                }
                for k, v in self.impact_ratios.items()
            ],
            "failing_groups": [list(k) for k in self.failing_groups],
        }


def four_fifths_rule(
    counters: GroupCounters,
    *,
    reference_group: str | GroupKey | None = None,
    threshold: float = FOUR_FIFTHS,
) -> FourFifthsResult:
    """Disparate impact ratios against ``reference_group`` (default: the highest rate).

    A group whose ratio is below ``threshold`` (0.8, the four-fifths rule) fails. A
    reference group with a selection rate of 0 gives ratios of NaN, which do not fail.
    """
    rates = {key: counts.selection_rate for key, counts in counters.groups.items()}
    defined = {k: v for k, v in rates.items() if not np.isnan(v)}
    if not defined:
        raise InputError("no group has any row; four-fifths rule needs predictions per group")
    if reference_group is None:
        reference = max(defined, key=lambda k: defined[k])
    else:
        reference = (reference_group,) if isinstance(reference_group, str) else reference_group
        if reference not in rates:
            raise InputError(
                f"reference group {list(reference)!r} is not among the groups "
                f"{[list(k) for k in rates]}; pass one of them"
            )
    base = rates[reference]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = {k: (v / base if base > 0 else float("nan")) for k, v in rates.items()}
    failing = tuple(k for k, v in ratios.items() if v < threshold)
    return FourFifthsResult(reference, rates, ratios, threshold, not failing, failing)


@dataclass(frozen=True, repr=False)
class DisparityReport(Tabular):
    """Every disparity metric of one set of groups, computed from counters."""

    features: tuple[str, ...]
    method: str
    demographic_parity: Disparity
    equal_opportunity: Disparity
    false_positive_rate: Disparity
    equalized_odds_difference: float
    equalized_odds_ratio: float
    four_fifths: FourFifthsResult

    @property
    def demographic_parity_difference(self) -> float:
        return self.demographic_parity.difference

    @property
    def demographic_parity_ratio(self) -> float:
        return self.demographic_parity.ratio

    @property
    def equal_opportunity_difference(self) -> float:
        return self.equal_opportunity.difference

    @property
    def equal_opportunity_ratio(self) -> float:
        return self.equal_opportunity.ratio

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per group: its three rates and its four-fifths impact ratio."""
        return [
            {
                "group": " & ".join(map(str, k)),
                "selection_rate": v,
                "true_positive_rate": self.equal_opportunity.by_group.get(k),
                "false_positive_rate": self.false_positive_rate.by_group.get(k),
                "impact_ratio": self.four_fifths.impact_ratios.get(k),
            }
            for k, v in self.demographic_parity.by_group.items()
        ]

    def _headline(self) -> str:
        numbers = ", ".join(f"{k} {v:.4g}" for k, v in self.summary().items())
        return f"DisparityReport over {', '.join(self.features)}: {numbers}"

    def summary(self) -> dict[str, float]:
        """The headline numbers by name."""
        return {
            "demographic_parity_difference": self.demographic_parity_difference,
            "demographic_parity_ratio": self.demographic_parity_ratio,
            "equalized_odds_difference": self.equalized_odds_difference,
            "equalized_odds_ratio": self.equalized_odds_ratio,
            "equal_opportunity_difference": self.equal_opportunity_difference,
            "equal_opportunity_ratio": self.equal_opportunity_ratio,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "method": self.method,
            **{k: finite_or_none(v) for k, v in self.summary().items()},
            "selection_rate": self.demographic_parity.to_dict(),
            "true_positive_rate": self.equal_opportunity.to_dict(),
            "false_positive_rate": self.false_positive_rate.to_dict(),
            "four_fifths": self.four_fifths.to_dict(),
        }


def _odds(tpr: Disparity, fpr: Disparity, agg: str) -> tuple[float, float]:
    if agg == "worst_case":
        return max(tpr.difference, fpr.difference), min(tpr.ratio, fpr.ratio)
    if agg == "mean":
        return (tpr.difference + fpr.difference) / 2, (tpr.ratio + fpr.ratio) / 2
    raise UnknownMethodError(f"unknown agg {agg!r}; choose 'worst_case' or 'mean'")


def disparity(
    counters: GroupCounters,
    *,
    features: str | tuple[str, ...] | None = None,
    method: Method = "between_groups",
    agg: Literal["worst_case", "mean"] = "worst_case",
    reference_group: str | GroupKey | None = None,
    threshold: float = FOUR_FIFTHS,
) -> DisparityReport:
    """All disparity metrics over the groups of ``features`` (default: all, intersected).

    >>> rng = np.random.default_rng(0)
    >>> y, s = rng.integers(0, 2, 400), rng.choice(["a", "b"], 400)
    >>> p = np.where(s == "a", y, rng.integers(0, 2, 400))
    >>> r = disparity(count_groups(y, p, sensitive_features=s))
    >>> round(r.equalized_odds_difference, 3), r.four_fifths.passed
    (0.5, True)
    """
    chosen = counters if features is None else counters.marginal(features)
    tpr = Disparity.of(chosen, "true_positive_rate", method)
    fpr = Disparity.of(chosen, "false_positive_rate", method)
    odds_difference, odds_ratio = _odds(tpr, fpr, agg)
    return DisparityReport(
        features=chosen.features,
        method=method,
        demographic_parity=Disparity.of(chosen, "selection_rate", method),
        equal_opportunity=tpr,
        false_positive_rate=fpr,
        equalized_odds_difference=odds_difference,
        equalized_odds_ratio=odds_ratio,
        four_fifths=four_fifths_rule(chosen, reference_group=reference_group, threshold=threshold),
    )


def _counters(
    y_true: ArrayLike | None, y_pred: ArrayLike, sensitive: Any, positive: Any
) -> GroupCounters:
    return count_groups(y_true, y_pred, sensitive_features=sensitive, positive_label=positive)


def demographic_parity_difference(
    y_true: ArrayLike | None,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    positive_label: Any = None,
) -> float:
    """Largest gap in selection rate between groups (fairlearn's signature; 0 is fair).

    >>> demographic_parity_difference(None, [1, 1, 0, 1], sensitive_features=list("aabb"))
    0.5
    """
    counters = _counters(y_true, y_pred, sensitive_features, positive_label)
    return Disparity.of(counters, "selection_rate", method).difference


def demographic_parity_ratio(
    y_true: ArrayLike | None,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    positive_label: Any = None,
) -> float:
    """Smallest ratio of selection rates between groups (1 is fair).

    >>> demographic_parity_ratio(None, [1, 1, 0, 1], sensitive_features=list("aabb"))
    0.5
    """
    counters = _counters(y_true, y_pred, sensitive_features, positive_label)
    return Disparity.of(counters, "selection_rate", method).ratio


def equal_opportunity_difference(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    positive_label: Any = None,
) -> float:
    """Largest gap in true positive rate between groups (0 is fair).

    >>> equal_opportunity_difference([1, 1, 1, 1], [1, 1, 0, 1], sensitive_features=list("aabb"))
    0.5
    """
    counters = _counters(y_true, y_pred, sensitive_features, positive_label)
    return Disparity.of(counters, "true_positive_rate", method).difference


def equal_opportunity_ratio(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    positive_label: Any = None,
) -> float:
    """Smallest ratio of true positive rates between groups (1 is fair).

    >>> equal_opportunity_ratio([1, 1, 1, 1], [1, 1, 0, 1], sensitive_features=list("aabb"))
    0.5
    """
    counters = _counters(y_true, y_pred, sensitive_features, positive_label)
    return Disparity.of(counters, "true_positive_rate", method).ratio


def equalized_odds_difference(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    agg: Literal["worst_case", "mean"] = "worst_case",
    positive_label: Any = None,
) -> float:
    """The larger of the gaps in true and false positive rates (0 is fair).

    >>> equalized_odds_difference([1, 0, 1, 0], [1, 0, 1, 1], sensitive_features=list("aabb"))
    1.0
    """
    counters = _counters(y_true, y_pred, sensitive_features, positive_label)
    tpr = Disparity.of(counters, "true_positive_rate", method)
    fpr = Disparity.of(counters, "false_positive_rate", method)
    return _odds(tpr, fpr, agg)[0]


def equalized_odds_ratio(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sensitive_features: Any,
    method: Method = "between_groups",
    agg: Literal["worst_case", "mean"] = "worst_case",
    positive_label: Any = None,
) -> float:
    """The smaller of the ratios of true and false positive rates (1 is fair).

    >>> equalized_odds_ratio([1, 0, 1, 0], [1, 0, 1, 1], sensitive_features=list("aabb"))
    0.0
    """
    counters = _counters(y_true, y_pred, sensitive_features, positive_label)
    tpr = Disparity.of(counters, "true_positive_rate", method)
    fpr = Disparity.of(counters, "false_positive_rate", method)
    return _odds(tpr, fpr, agg)[1]
