"""The report when either side is a profile, or both are streamed: kept as an import
path; the function is :func:`watchkeeper.report._report.report_from_profiles` (beside
:func:`~watchkeeper.report.report`, which calls it), so ``report/`` has no module cycle.
"""

from watchkeeper._sides import is_profile_source
from watchkeeper.report._report import report_from_profiles

__all__ = ["is_profile_source", "report_from_profiles"]
