"""The metric catalogue: every metric watchkeeper measures, declared once.

Each :class:`MetricSpec` gives the metric's ``name`` (what monitors in
``watchkeeper.yaml`` watch and what the service stores, snake case), its ``path`` in
the report (what a CI suite names: ``drift.share_drifted``,
``quality.column.<column>.missing_share``; None for what only live traffic has, such
as latency), its ``direction`` (``higher_is_worse``, ``lower_is_worse``, or
``neutral`` for counts whose either way can be news), its ``unit``, whether it is
measured per feature, and whether the service computes it per window.

Everything that knows a metric reads it from here: the suites' metric table
(:mod:`watchkeeper.checks._metrics`), the configuration's validator, the Prometheus
exposition (series names, help text, which way to fold), the Prometheus rules and the
Grafana dashboard. ``tests/test_catalogue.py`` walks the catalogue and checks that each
of them knows every metric.

Old names stay accepted as deprecated aliases (:data:`ALIASES`): ``drift_share`` was
both the drift policy's threshold and the observed share; the observed share is
``share_drifted`` now, the threshold keeps ``drift_share``.

>>> spec = get_metric_spec("share_drifted")
>>> spec.path, spec.direction, spec.unit
('drift.share_drifted', 'higher_is_worse', 'ratio')
>>> ALIASES["drift_share"]
'share_drifted'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

from watchkeeper._exceptions import UnknownMethodError

__all__ = [
    "ALIASES",
    "PROMETHEUS_PREFIX",
    "DeprecatedNameWarning",
    "Direction",
    "MetricSpec",
    "canonical_key",
    "canonical_name",
    "catalogue",
    "get_metric_spec",
    "prometheus_series",
    "scale_of",
    "service_metrics",
    "spellings",
    "worse",
]

Direction = Literal["higher_is_worse", "lower_is_worse", "neutral"]
PROMETHEUS_PREFIX = "watchkeeper_"


@dataclass(frozen=True, kw_only=True)
class MetricSpec:
    """One metric: its name, where the report holds it, which way is bad, its unit.

    ``prometheus`` and ``scale`` say how the exposition writes it where Prometheus's
    conventions reject the name (units in base units, no ``_count`` suffix);
    ``service`` says the service computes it for every window (so monitors, the
    exposition, the rules and the dashboards know it); a metric with a ``path`` is
    one a CI suite can check.
    """

    name: str
    path: str | None
    direction: Direction
    unit: str
    description: str
    per_feature: bool = False
    service: bool = True
    prometheus: str | None = None
    scale: float = 1.0
    problems: tuple[str, ...] = ()

    @property
    def series(self) -> str:
        """The Prometheus series name: ``watchkeeper_`` and the (renamed) name."""
        return prometheus_series(self.name)


def _spec(
    name: str,
    path: str | None,
    direction: Direction,
    unit: str,
    description: str,
    **options: Any,
) -> MetricSpec:
    return MetricSpec(
        name=name, path=path, direction=direction, unit=unit, description=description, **options
    )


_HIGHER: Direction = "higher_is_worse"
_LOWER: Direction = "lower_is_worse"
_NEUTRAL: Direction = "neutral"

_STATIC: tuple[MetricSpec, ...] = (
    # drift, per window and in the report
    _spec("drift_score", None, _HIGHER, "score",
          "drift score: the distance, or 1 - p-value for tests", per_feature=True),
    _spec("drift_p_value", "drift.column.<column>.p_value", _LOWER, "probability",
          "raw p-value (tests only)", per_feature=True),
    _spec("drift_effect", "drift.column.<column>.effect_size", _HIGHER, "effect",
          "effect size (Wasserstein/sd or Jensen-Shannon)", per_feature=True),
    _spec("drift_detected", "drift.column.<column>.drifted", _HIGHER, "bool",
          "1 if the column drifted under the policy, else 0", per_feature=True),
    _spec("share_drifted", "drift.share_drifted", _HIGHER, "ratio",
          "share of drifted features (drifted / compared)"),
    # data quality
    _spec("missing_share", "quality.column.<column>.missing_share", _HIGHER, "ratio",
          "share of missing values", per_feature=True),
    _spec("quality_critical", "quality.findings.critical", _HIGHER, "count",
          "critical data-quality findings"),
    _spec("quality_warning", "quality.findings.warning", _HIGHER, "count",
          "data-quality warnings"),
    _spec("true_share", None, _HIGHER, "ratio",
          "share of true among a boolean feature's non-missing values", per_feature=True),
    # operations
    _spec("row_count", "dataset.rows", _NEUTRAL, "records", "records in the window",
          prometheus="window_records"),
    _spec("label_coverage", None, _LOWER, "ratio", "share of records with a label"),
    _spec("latency_p50_ms", None, _HIGHER, "ms", "median latency",
          prometheus="latency_p50_seconds", scale=1e-3),
    _spec("latency_p95_ms", None, _HIGHER, "ms", "95th percentile latency",
          prometheus="latency_p95_seconds", scale=1e-3),
    _spec("latency_p99_ms", None, _HIGHER, "ms", "99th percentile latency",
          prometheus="latency_p99_seconds", scale=1e-3),
    _spec("throughput_rps", None, _NEUTRAL, "1/s", "records per second over the window"),
    _spec("error_rate", None, _HIGHER, "ratio", "share of records flagged as errors"),
    _spec("cpu_percent", None, _HIGHER, "percent", "host CPU reported by the SDK"),
    _spec("memory_bytes", None, _HIGHER, "bytes", "host memory reported by the SDK"),
    _spec("sdk_dropped", None, _HIGHER, "count", "records the SDK had to drop"),
    # in the report only: what CI suites check on a whole batch
    _spec("column_count", "dataset.columns", _NEUTRAL, "count", "number of columns",
          service=False),
    _spec("duplicate_share", "dataset.duplicate_share", _HIGHER, "ratio",
          "share of rows equal to an earlier row", service=False),
    _spec("n_drifted", "drift.n_drifted", _HIGHER, "count", "number of drifted features",
          service=False),
    _spec("dataset_drifted", "drift.dataset_drift", _HIGHER, "bool",
          "whether the dataset drifted (true/false)", service=False),
    _spec("drift_statistic", "drift.column.<column>.statistic", _HIGHER, "statistic",
          "the drift test statistic or distance", per_feature=True, service=False),
    _spec("quality_info", "quality.findings.info", _NEUTRAL, "count",
          "informational data-quality findings", service=False),
    _spec("n_distinct", "quality.column.<column>.n_distinct", _NEUTRAL, "count",
          "number of distinct values", per_feature=True, service=False),
    _spec("column_min", "quality.column.<column>.min", _NEUTRAL, "value",
          "smallest finite value", per_feature=True, service=False),
    _spec("column_max", "quality.column.<column>.max", _NEUTRAL, "value",
          "largest finite value", per_feature=True, service=False),
    _spec("column_mean", "quality.column.<column>.mean", _NEUTRAL, "value",
          "mean of the finite values", per_feature=True, service=False),
    _spec("column_std", "quality.column.<column>.std", _NEUTRAL, "value",
          "sample standard deviation of the finite values", per_feature=True, service=False),
    _spec("column_median", "quality.column.<column>.median", _NEUTRAL, "value",
          "median of the finite values", per_feature=True, service=False),
    _spec("categories", "quality.column.<column>.categories", _NEUTRAL, "set",
          "the set of values present (as text)", per_feature=True, service=False),
)  # fmt: skip

# Old name -> current name. Accepted in watchkeeper.yaml and suites with a warning.
ALIASES: Mapping[str, str] = MappingProxyType({"drift_share": "share_drifted"})


def _performance_specs() -> tuple[MetricSpec, ...]:
    from watchkeeper.performance import METRICS

    return tuple(
        MetricSpec(
            name=name,
            path=f"performance.{name}",
            direction=_LOWER if metric.higher_is_better else _HIGHER,
            unit="score" if metric.higher_is_better else "error",
            description=f"realized performance: {name}",
            problems=tuple(metric.problems),
        )
        for name, metric in METRICS.items()
    )


# The monitor kinds of the service (watchkeeper.service.kinds), per window.
_KINDS: tuple[MetricSpec, ...] = (
    _spec("score_mean", None, _NEUTRAL, "score", "mean score (regression: prediction)"),
    _spec("score_std", None, _NEUTRAL, "score", "sample standard deviation of the scores"),
    _spec("score_min", None, _NEUTRAL, "score", "smallest score"),
    _spec("score_max", None, _NEUTRAL, "score", "largest score"),
    _spec("score_p25", None, _NEUTRAL, "score", "first quartile of the scores"),
    _spec("score_p50", None, _NEUTRAL, "score", "median score"),
    _spec("score_p75", None, _NEUTRAL, "score", "third quartile of the scores"),
    _spec("score_drift", None, _HIGHER, "bool",
          "1 if the streaming detector on the score stream signalled a drift"),
    _spec("score_drift_statistic", None, _NEUTRAL, "score",
          "the score-drift detector's estimate of the mean score"),
    _spec("concept_drift", None, _HIGHER, "bool",
          "1 if the streaming detector on the label-joined errors signalled a drift"),
    _spec("concept_drift_statistic", None, _HIGHER, "error",
          "the concept-drift detector's error estimate"),
    _spec("demographic_parity_difference", None, _HIGHER, "ratio",
          "largest gap in selection rate between groups of a sensitive column",
          per_feature=True),
    _spec("equalized_odds_difference", None, _HIGHER, "ratio",
          "larger of the gaps in true and false positive rates between groups",
          per_feature=True),
    _spec("disparate_impact", None, _LOWER, "ratio",
          "Clarify DI: the facet's selection rate over the others' (1 is fair)",
          per_feature=True),
    *(
        _spec(f"clarify_{name.lower()}", None, _NEUTRAL, "score",
              f"Clarify post-training bias metric {name} (0 is fair)", per_feature=True)
        for name in ("DPPL", "DCA", "DCR", "SD", "RD", "DAR", "DRR", "AD", "TE", "GE")
    ),
    _spec("bias_drift_detected", None, _HIGHER, "bool",
          "1 if a bias metric moved from the reference beyond its threshold",
          per_feature=True),
    _spec("bias_drift_p_value", None, _LOWER, "probability",
          "smallest p-value of the bias metrics' z-tests against the reference",
          per_feature=True),
    _spec("attribution_ndcg", None, _LOWER, "score",
          "NDCG of the window's feature attribution ranking against the reference's"),
    _spec("attribution_share", None, _NEUTRAL, "ratio",
          "a feature's share of the window's mean absolute attribution", per_feature=True),
    _spec("multivariate_drift_auc", None, _HIGHER, "score",
          "ROC AUC of a classifier telling the window from the reference"),
    _spec("multivariate_drift_threshold", None, _NEUTRAL, "score",
          "the domain classifier's AUC threshold from the reference chunks"),
)  # fmt: skip

_ESTIMATED = ("roc_auc", "f1", "precision", "recall", "specificity", "accuracy",
              "mae", "mse", "rmse", "mape")  # fmt: skip


def _estimated_specs() -> tuple[MetricSpec, ...]:
    from watchkeeper.performance import METRICS

    specs = []
    for name in _ESTIMATED:
        metric = METRICS[name]
        direction = _LOWER if metric.higher_is_better else _HIGHER
        for suffix, what in (("", "estimated"), ("_lower", "lower band of estimated"),
                             ("_upper", "upper band of estimated")):  # fmt: skip
            specs.append(
                MetricSpec(
                    name=f"estimated_{name}{suffix}",
                    path=None,
                    direction=direction,
                    unit="score" if metric.higher_is_better else "error",
                    description=f"{what} {name} (CBPE/DLE, without labels)",
                    problems=tuple(sorted(metric.problems)),
                )
            )
    return tuple(specs)


@cache
def _table() -> Mapping[str, MetricSpec]:
    specs = {spec.name: spec for spec in (*_STATIC, *_KINDS, *_estimated_specs())}
    for spec in _performance_specs():
        specs.setdefault(spec.name, spec)
    return MappingProxyType(specs)


def catalogue() -> list[MetricSpec]:
    """Every metric, the service's first, then the report's, then performance.

    >>> [spec.name for spec in catalogue()][:3]
    ['drift_score', 'drift_p_value', 'drift_effect']
    """
    return list(_table().values())


def service_metrics() -> list[MetricSpec]:
    """The metrics the service computes per window (monitors may watch them).

    >>> "share_drifted" in {m.name for m in service_metrics()}
    True
    """
    return [spec for spec in catalogue() if spec.service]


class DeprecatedNameWarning(FutureWarning):
    """A file uses an old metric or condition name; it still works, for now.

    A ``FutureWarning``, so that it shows by default: the person to tell is the one
    who wrote the file, not a developer running with warnings on.
    """


def canonical_name(name: str, *, where: str = "") -> str:
    """``name``, or the current name of a deprecated alias (with a one-line warning).

    ``where`` prefixes the warning (``watchkeeper.yaml:12``).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     canonical_name("drift_share", where="watchkeeper.yaml:12")
    'share_drifted'
    >>> print(caught[0].message)
    watchkeeper.yaml:12: metric 'drift_share' is deprecated; call it 'share_drifted'
    """
    if name not in ALIASES:
        return name
    current = ALIASES[name]
    prefix = f"{where}: " if where else ""
    warnings.warn(
        f"{prefix}metric {name!r} is deprecated; call it {current!r}",
        DeprecatedNameWarning,
        stacklevel=2,
    )
    return current


def spellings(name: str) -> tuple[str, ...]:
    """Every name a metric has been stored under: its current name and old aliases.

    The store reads a series by all of them, so history written before a rename stays
    one series.

    >>> spellings("drift_share"), spellings("drift_score")
    (('share_drifted', 'drift_share'), ('drift_score',))
    """
    current = ALIASES.get(name, name)
    return (current, *(old for old, new in ALIASES.items() if new == current))


def canonical_key(key: str, *, where: str = "") -> str:
    """A baseline key (``metric``, ``metric_std``, ``metric.feature``) with the current name.

    >>> canonical_key("row_count_std"), canonical_key("drift_score.age")
    ('row_count_std', 'drift_score.age')
    """
    metric, dot, feature = key.partition(".")
    suffix = "_std" if metric.endswith("_std") and metric[:-4] in ALIASES else ""
    base = metric[: -len(suffix)] if suffix else metric
    return canonical_name(base, where=where) + suffix + dot + feature


def get_metric_spec(name: str) -> MetricSpec:
    """The catalogue entry of ``name`` (a current name; see :func:`canonical_name`).

    >>> get_metric_spec("roc_auc").direction
    'lower_is_worse'
    """
    try:
        return _table()[name]
    except KeyError:
        raise UnknownMethodError(
            f"unknown metric {name!r}; metrics are: {', '.join(_table())}"
        ) from None


def prometheus_series(name: str) -> str:
    """The Prometheus series of a metric (any name, catalogued or custom).

    >>> prometheus_series("latency_p95_ms"), prometheus_series("retries_total")
    ('watchkeeper_latency_p95_seconds', 'watchkeeper_retries_total_value')
    """
    import re

    spec = _table().get(name)
    if spec is not None and spec.prometheus is not None:
        return PROMETHEUS_PREFIX + spec.prometheus
    safe = re.sub(r"[^a-zA-Z0-9_:]", "_", name)
    # ``_count`` and friends belong to histograms and summaries in Prometheus.
    if safe.endswith(("_count", "_sum", "_bucket", "_total", "_created")):
        safe += "_value"
    return PROMETHEUS_PREFIX + safe


def scale_of(name: str) -> float:
    """The factor from the metric's unit to its series' unit (1e-3 for ms -> s)."""
    spec = _table().get(name)
    return 1.0 if spec is None else spec.scale


def worse(name: str, a: float, b: float) -> float:
    """The worse of two values of metric ``name`` (NaN loses; neutral keeps the larger).

    >>> worse("drift_p_value", 0.2, 0.01), worse("missing_share", 0.2, 0.01)
    (0.01, 0.2)
    """
    if math.isnan(a):
        return b
    if math.isnan(b):
        return a
    spec = _table().get(name)
    return min(a, b) if spec is not None and spec.direction == _LOWER else max(a, b)
