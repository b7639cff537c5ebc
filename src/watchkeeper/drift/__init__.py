"""Univariate drift per column and the dataset-level verdict.

See :mod:`watchkeeper.drift._policy` for the default policy and why it neither cries
wolf on large samples nor misses real shifts on small ones.
"""

from watchkeeper.drift._dataset import compare_values, detect_drift, extract_all
from watchkeeper.drift._from_profiles import compare_profiles
from watchkeeper.drift._policy import ColumnRule, DriftPolicy
from watchkeeper.drift._results import ColumnDrift, DatasetDrift, EffectSize

__all__ = [
    "ColumnDrift",
    "ColumnRule",
    "DatasetDrift",
    "DriftPolicy",
    "EffectSize",
    "compare_profiles",
    "compare_values",
    "detect_drift",
    "extract_all",
]
