"""Data-quality checks of current data against a reference.

:func:`assess_quality` measures both datasets once and runs every registered check;
each :class:`Finding` names a column (or None for a whole dataset), the check, a
severity (``critical`` is worse than ``warning``, worse than ``info``) and a message
with the value and the fix. The checks and their thresholds are documented in
docs/quality.md.
"""

from watchkeeper._deprecation import renamed_in_module
from watchkeeper.quality import _checks as _checks  # registers the built-in checks, in order
from watchkeeper.quality import _value_checks as _value_checks
from watchkeeper.quality._config import QualityConfig
from watchkeeper.quality._duplicates import count_duplicate_rows
from watchkeeper.quality._facts import (
    ColumnQuality,
    ColumnSide,
    DatasetQuality,
    MissingChange,
    NumericSummary,
    OutlierFacts,
    RangeFacts,
    UnseenFacts,
)
from watchkeeper.quality._findings import Finding, QualityResult, Severity
from watchkeeper.quality._from_profiles import assess_profiles
from watchkeeper.quality._registry import (
    QualityCheck,
    available_checks,
    get_check,
    register_check,
)
from watchkeeper.quality._verbs import assess_quality

__all__ = [
    "ColumnQuality",
    "ColumnSide",
    "DatasetQuality",
    "Finding",
    "MissingChange",
    "NumericSummary",
    "OutlierFacts",
    "QualityCheck",
    "QualityConfig",
    "QualityResult",
    "RangeFacts",
    "Severity",
    "UnseenFacts",
    "assess_profiles",
    "assess_quality",
    "available_checks",
    "count_duplicate_rows",
    "get_check",
    "register_check",
]


# Old public names, kept as deprecated aliases (CHANGELOG.md, "Unreleased").
__getattr__ = renamed_in_module(__name__, {"Check": "QualityCheck"}, globals())
