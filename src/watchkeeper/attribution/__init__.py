"""Feature attribution for a model given as a callable, and attribution drift.

Direction: an attribution (mean absolute Shapley value, permutation importance) is
larger for a more important feature; attribution drift's NDCG is 1 when the features
keep their ranking and lower is worse, flagged below 0.90 (SageMaker's default).
See ``docs/attribution.md``.
"""

from watchkeeper.attribution._drift import (
    ATTRIBUTION_METHODS,
    DEFAULT_NDCG_THRESHOLD,
    AttributionDrift,
    AttributionMethod,
    FeatureAttributionChange,
    attribution_drift,
    attribution_drift_from_values,
    ndcg,
)
from watchkeeper.attribution._permutation import PermutationImportance, permutation_importance
from watchkeeper.attribution._shapley import ShapleyValues, sampling_shapley

__all__ = [
    "ATTRIBUTION_METHODS",
    "DEFAULT_NDCG_THRESHOLD",
    "AttributionDrift",
    "AttributionMethod",
    "FeatureAttributionChange",
    "PermutationImportance",
    "ShapleyValues",
    "attribution_drift",
    "attribution_drift_from_values",
    "ndcg",
    "permutation_importance",
    "sampling_shapley",
]
