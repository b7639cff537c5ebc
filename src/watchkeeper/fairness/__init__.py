"""Fairness: group metrics, disparity between groups, Clarify bias metrics, bias drift.

Direction: a ``*_difference`` (and every Clarify metric but DI) is 0 when groups are
treated alike and larger in absolute value is worse; a ``*_ratio`` and DI are 1 when
groups are treated alike and smaller is worse; the four-fifths rule fails below 0.8.

Rate-based metrics come from :class:`GroupCounters`, eight integers per group that
merge exactly, so a live service can compute them per window. See ``docs/fairness.md``.
"""

from watchkeeper.fairness._clarify import (
    CLARIFY_METRICS,
    BiasMetrics,
    ClarifyMetric,
    bias_metrics,
    bias_metrics_from_counters,
)
from watchkeeper.fairness._counters import GroupCounters, GroupCounts, count_groups
from watchkeeper.fairness._disparity import (
    FOUR_FIFTHS,
    Disparity,
    DisparityReport,
    FourFifthsResult,
    demographic_parity_difference,
    demographic_parity_ratio,
    disparity,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    four_fifths_rule,
)
from watchkeeper.fairness._drift import (
    DEFAULT_BIAS_DRIFT_THRESHOLD,
    BiasDriftResult,
    BiasMetricDrift,
    bias_drift,
)
from watchkeeper.fairness._frame import (
    FAIRNESS_RATES,
    GroupFrame,
    GroupRow,
    MetricValue,
    group_metric_frame,
)
from watchkeeper.fairness._inputs import MISSING_GROUP

__all__ = [
    "CLARIFY_METRICS",
    "DEFAULT_BIAS_DRIFT_THRESHOLD",
    "FAIRNESS_RATES",
    "FOUR_FIFTHS",
    "MISSING_GROUP",
    "BiasDriftResult",
    "BiasMetricDrift",
    "BiasMetrics",
    "ClarifyMetric",
    "Disparity",
    "DisparityReport",
    "FourFifthsResult",
    "GroupCounters",
    "GroupCounts",
    "GroupFrame",
    "GroupRow",
    "MetricValue",
    "bias_drift",
    "bias_metrics",
    "bias_metrics_from_counters",
    "count_groups",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "disparity",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "four_fifths_rule",
    "group_metric_frame",
]
