"""Univariate drift per column and the dataset-level verdict.

See :mod:`watchkeeper.drift._policy` for the default policy and why it neither cries
wolf on large samples nor misses real shifts on small ones.
"""

from watchkeeper.drift._dataset import compare_values, extract_all
from watchkeeper.drift._policy import ColumnRule, DriftPolicy
from watchkeeper.drift._results import ColumnDrift, DatasetDrift, EffectSize
from watchkeeper.drift._verbs import compare_profiles, detect_drift

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
