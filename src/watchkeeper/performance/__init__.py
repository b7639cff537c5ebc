"""Model performance: realized metrics per chunk, thresholds, delayed labels, and
label-free estimation (CBPE for classification, DLE for regression).

Direction is metadata: each registered :class:`Metric` says ``higher_is_better``.
See ``docs/performance.md`` for assumptions and the values used on degenerate chunks.
"""

from watchkeeper.performance._cbpe import CBPE
from watchkeeper.performance._chunking import (
    Chunk,
    Chunker,
    CountChunker,
    PeriodChunker,
    RollingChunker,
    SizeChunker,
)
from watchkeeper.performance._dle import DLE
from watchkeeper.performance._inputs import PROBABILITY_SUM_TOLERANCE
from watchkeeper.performance._labels import join_labels
from watchkeeper.performance._profiles import (
    DEFAULT_SCORE_BINS,
    BoundedScore,
    ClassificationProfile,
    classification_profile,
    probability_edges,
)
from watchkeeper.performance._realized import calculate_performance
from watchkeeper.performance._registry import (
    DEFAULT_METRICS,
    METRICS,
    Metric,
    available_metrics,
    compute_metric,
    get_metric,
    metric_names,
)
from watchkeeper.performance._regression_profile import (
    RegressionProfile,
    error_edges,
    regression_profile,
)
from watchkeeper.performance._results import (
    ChunkResult,
    LabelJoin,
    MetricResult,
    PerformanceResult,
)
from watchkeeper.performance._thresholds import (
    ConstantThreshold,
    RelativeThreshold,
    StandardDeviationThreshold,
    Threshold,
)
from watchkeeper.performance._warning_classes import (
    MIN_REFERENCE_CHUNKS,
    DegenerateChunkWarning,
    FewReferenceChunksWarning,
    PerformanceWarning,
    UnreliableEstimateWarning,
)

__all__ = [
    "CBPE",
    "DEFAULT_METRICS",
    "DEFAULT_SCORE_BINS",
    "DLE",
    "METRICS",
    "MIN_REFERENCE_CHUNKS",
    "PROBABILITY_SUM_TOLERANCE",
    "BoundedScore",
    "Chunk",
    "ChunkResult",
    "Chunker",
    "ClassificationProfile",
    "ConstantThreshold",
    "CountChunker",
    "DegenerateChunkWarning",
    "FewReferenceChunksWarning",
    "LabelJoin",
    "Metric",
    "MetricResult",
    "PerformanceResult",
    "PerformanceWarning",
    "PeriodChunker",
    "RegressionProfile",
    "RelativeThreshold",
    "RollingChunker",
    "SizeChunker",
    "StandardDeviationThreshold",
    "Threshold",
    "UnreliableEstimateWarning",
    "available_metrics",
    "calculate_performance",
    "classification_profile",
    "compute_metric",
    "error_edges",
    "get_metric",
    "join_labels",
    "metric_names",
    "probability_edges",
    "regression_profile",
]
