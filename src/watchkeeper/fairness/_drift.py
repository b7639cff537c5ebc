"""Bias drift: has a bias metric of a window moved away from its value on the baseline?

SageMaker Model Monitor's bias drift monitor computes the Clarify metrics of each
window of live traffic and compares them with the baseline's. Here, for each metric:

* ``change = window - baseline`` (larger in absolute value is worse);
* where the metric is a difference of two proportions (CI, DPL, DPPL, SD, RD, DAR,
  DRR, AD), its sampling variance is known (binomial), and a two-sided z-test of
  ``change`` uses ``z = change / sqrt(var_baseline + var_window)``, the two data sets
  being independent samples;
* the metric drifts when ``|change|`` exceeds its threshold (default 0.1) *and*, where
  the z-test exists, its p-value is below ``alpha`` (default 0.05), so that a small,
  noisy window does not raise an alarm on chance alone.

Both inputs are :class:`~watchkeeper.fairness.GroupCounters`, so a service can keep
the counters of each window and the result is exact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scipy.stats import norm

from watchkeeper._exceptions import InputError
from watchkeeper._numbers import finite_or_none
from watchkeeper._tabular import Tabular
from watchkeeper.fairness._clarify import CLARIFY_METRICS, bias_metrics_from_counters, split_facets
from watchkeeper.fairness._counters import GroupCounters

__all__ = ["DEFAULT_BIAS_DRIFT_THRESHOLD", "BiasDriftResult", "BiasMetricDrift", "bias_drift"]

DEFAULT_BIAS_DRIFT_THRESHOLD = 0.1


@dataclass(frozen=True, repr=False)
class BiasMetricDrift(Tabular):
    """The change of one bias metric between the baseline and a window."""

    metric: str
    baseline: float
    current: float
    change: float
    threshold: float
    z: float | None
    p_value: float | None
    drifted: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "baseline": finite_or_none(self.baseline),
            "current": finite_or_none(self.current),
            "change": finite_or_none(self.change),
            "threshold": self.threshold,
            "z": finite_or_none(self.z),
            "p_value": finite_or_none(self.p_value),
            "drifted": self.drifted,
        }


@dataclass(frozen=True, repr=False)
class BiasDriftResult(Tabular):
    """Every metric's drift for one feature and facet; ``drifted`` if any metric drifted."""

    feature: str
    facet: tuple[str, ...]
    alpha: float
    metrics: tuple[BiasMetricDrift, ...]

    @property
    def drifted(self) -> bool:
        return any(m.drifted for m in self.metrics)

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per bias metric."""
        return [m.to_dict() for m in self.metrics]

    def _headline(self) -> str:
        verdict = "drifted" if self.drifted else "no drift"
        return f"BiasDriftResult {self.feature}={'|'.join(self.facet)}: {verdict}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "facet": list(self.facet),
            "alpha": self.alpha,
            "drifted": self.drifted,
            "metrics": [m.to_dict() for m in self.metrics],
        }


def bias_drift(
    baseline: GroupCounters,
    current: GroupCounters,
    *,
    facet: str | Sequence[str],
    feature: str | None = None,
    metrics: Sequence[str] | None = None,
    threshold: float | Mapping[str, float] = DEFAULT_BIAS_DRIFT_THRESHOLD,
    alpha: float = 0.05,
) -> BiasDriftResult:
    """Bias drift of the ``current`` window against the ``baseline``.

    ``threshold`` is one absolute change for every metric or one per metric name.

    >>> import numpy as np
    >>> from watchkeeper.fairness import count_groups
    >>> rng = np.random.default_rng(0)
    >>> def window(rate_f):
    ...     sex = rng.choice(["f", "m"], 2000)
    ...     y = rng.integers(0, 2, 2000)
    ...     p = (rng.random(2000) < np.where(sex == "f", rate_f, 0.5)).astype(int)
    ...     return count_groups(y, p, sensitive_features={"sex": sex})
    >>> result = bias_drift(window(0.5), window(0.3), facet="f", metrics=["DPPL", "DI"])
    >>> [(m.metric, round(m.change, 2), m.drifted) for m in result.metrics]
    [('DPPL', 0.17, True), ('DI', -0.34, True)]
    """
    if not 0.0 < alpha < 1.0:
        raise InputError(f"alpha must be between 0 and 1, got {alpha}")
    before = bias_metrics_from_counters(baseline, facet=facet, feature=feature, metrics=metrics)
    after = bias_metrics_from_counters(
        current, facet=facet, feature=before.feature, metrics=list(before.values)
    )
    _, _, a_base, d_base = split_facets(baseline, facet, before.feature)
    _, _, a_now, d_now = split_facets(current, facet, before.feature)
    rows = []
    for name, value in before.values.items():
        now = after.values[name]
        change = now - value if math.isfinite(now) and math.isfinite(value) else float("nan")
        limit = (
            threshold.get(name, DEFAULT_BIAS_DRIFT_THRESHOLD)
            if isinstance(threshold, Mapping)
            else float(threshold)
        )
        z = p_value = None
        variance_of = CLARIFY_METRICS[name].variance
        if variance_of is not None:
            variance = variance_of(a_base, d_base) + variance_of(a_now, d_now)
            if variance > 0 and math.isfinite(change):
                z = change / math.sqrt(variance)
                p_value = float(2.0 * norm.sf(abs(z)))
        large = math.isfinite(change) and abs(change) > limit
        significant = p_value is None or p_value < alpha
        rows.append(
            BiasMetricDrift(name, value, now, change, limit, z, p_value, large and significant)
        )
    return BiasDriftResult(before.feature, before.facet, alpha, tuple(rows))
