"""The names a ``watchkeeper.yaml`` may use: metrics, tasks, channel types.

One table each, read by the validator, the docs and the tests. For every metric
here except the performance metrics larger is worse; a performance metric's
direction is its registry entry's ``higher_is_better``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CHANNEL_TYPES",
    "METRICS",
    "TASKS",
    "ChannelType",
    "MetricInfo",
    "known_metrics",
]

# The service's tasks (watchkeeper.service._service.TASKS); repeated here so that
# validating a file does not import the store and its database drivers.
TASKS = ("binary_classification", "multiclass_classification", "regression", "llm")

# The problem each task's performance metrics are registered under.
PROBLEM_OF_TASK: Mapping[str, str | None] = MappingProxyType(
    {
        "binary_classification": "binary",
        "multiclass_classification": "multiclass",
        "regression": "regression",
        "llm": None,
    }
)


@dataclass(frozen=True)
class MetricInfo:
    """A metric name monitors may watch; ``per_feature`` metrics take ``columns``."""

    name: str
    per_feature: bool
    meaning: str
    problems: tuple[str, ...] = ()  # performance metrics only: the problems they apply to


_SERVICE_METRICS = (
    MetricInfo("drift_score", True, "drift score: the distance, or 1 - p-value for tests"),
    MetricInfo("drift_p_value", True, "raw p-value (tests only)"),
    MetricInfo("drift_effect", True, "effect size (Wasserstein/sd or Jensen-Shannon)"),
    MetricInfo("drift_detected", True, "1 if the column drifted under the policy, else 0"),
    MetricInfo("drift_share", False, "share of drifted features"),
    MetricInfo("missing_share", True, "share of missing values"),
    MetricInfo("true_share", True, "share of true among a boolean feature's non-missing values"),
    MetricInfo("row_count", False, "records in the window"),
    MetricInfo("label_coverage", False, "share of records with a label"),
    MetricInfo("latency_p50_ms", False, "median latency"),
    MetricInfo("latency_p95_ms", False, "95th percentile latency"),
    MetricInfo("latency_p99_ms", False, "99th percentile latency"),
    MetricInfo("throughput_rps", False, "records per second over the window"),
    MetricInfo("error_rate", False, "share of records flagged as errors"),
    MetricInfo("cpu_percent", False, "host CPU reported by the SDK"),
    MetricInfo("memory_bytes", False, "host memory reported by the SDK"),
    MetricInfo("quality_critical", False, "critical data-quality findings"),
    MetricInfo("quality_warning", False, "data-quality warnings"),
    MetricInfo("sdk_dropped", False, "records the SDK had to drop"),
)

METRICS: Mapping[str, MetricInfo] = MappingProxyType({m.name: m for m in _SERVICE_METRICS})


def known_metrics() -> dict[str, MetricInfo]:
    """The service's metrics plus the performance registry's, by name.

    >>> metrics = known_metrics()
    >>> metrics["drift_score"].per_feature, metrics["rmse"].problems
    (True, ('regression',))
    """
    out = dict(METRICS)
    try:
        from watchkeeper.performance import METRICS as PERFORMANCE
    except ImportError:  # pragma: no cover - the performance package is in the core
        return out
    for name, metric in PERFORMANCE.items():
        out.setdefault(
            name, MetricInfo(name, False, "realized performance", tuple(metric.problems))
        )
    return out


@dataclass(frozen=True)
class ChannelType:
    """A notification channel type and the settings it takes.

    ``one_of`` lists groups of keys of which exactly one must be given (a URL in
    the file, or the environment variable holding it).
    """

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.required, *self.optional, *(k for group in self.one_of for k in group))


CHANNEL_TYPES: Mapping[str, ChannelType] = MappingProxyType(
    {
        "webhook": ChannelType(
            "webhook", (), ("secret_env", "headers", "timeout"), (("url", "url_env"),)
        ),
        "slack": ChannelType("slack", (), ("timeout",), (("url", "url_env"),)),
        "email": ChannelType(
            "email",
            ("host", "from", "to"),
            ("port", "starttls", "username", "password_env", "timeout"),
        ),
        "pagerduty": ChannelType("pagerduty", ("routing_key_env",), ("url", "source", "timeout")),
    }
)

# Keys that would hold a secret's value; the file names the variable instead.
SECRET_KEYS = ("secret", "password", "routing_key", "token", "api_key")
