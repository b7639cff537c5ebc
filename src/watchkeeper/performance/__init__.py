"""Model performance: realized metrics per chunk, thresholds, and label-free estimation."""

from watchkeeper.performance._registry import (
    DEFAULT_METRICS,
    METRICS,
    Metric,
    compute_metric,
    get_metric,
    metric_names,
)
from watchkeeper.performance._warning_classes import (
    DegenerateChunkWarning,
    PerformanceWarning,
    UnreliableEstimateWarning,
)

__all__ = [
    "DEFAULT_METRICS",
    "METRICS",
    "DegenerateChunkWarning",
    "Metric",
    "PerformanceWarning",
    "UnreliableEstimateWarning",
    "compute_metric",
    "get_metric",
    "metric_names",
]
