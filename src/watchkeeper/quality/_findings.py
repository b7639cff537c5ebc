"""Findings and the result of a data-quality assessment.

A :class:`Finding` is one thing wrong (or worth knowing) about one column or one
dataset. ``critical`` is worse than ``warning``, which is worse than ``info``; a
finding's ``value`` is the measured quantity (a share, a count), larger is worse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from watchkeeper._severity import Severity
from watchkeeper._tabular import Tabular
from watchkeeper.quality._facts import ColumnQuality, DatasetQuality

__all__ = ["DatasetName", "Finding", "QualityResult", "Severity"]

DatasetName = Literal["reference", "current"]


_FINDING_COLUMNS = ("column", "check", "severity", "dataset", "value", "threshold", "message")


@dataclass(frozen=True, repr=False)
class Finding(Tabular):
    """One data-quality finding.

    ``column`` is None for a finding about a whole dataset; ``dataset`` says which side
    it concerns (None when it compares the two); ``value`` is the measured quantity and
    ``threshold`` the limit it crossed, when there is one; ``details`` holds extras
    (such as the unseen categories and their counts).

    >>> f = Finding("age", "infinite_values", Severity.WARNING,
    ...             "column 'age' has 2 infinite values in current", 0.02, "current")
    >>> f.to_dict()["severity"], f.to_dict()["dataset"]
    ('warning', 'current')
    """

    column: str | None
    check: str
    severity: Severity
    message: str
    value: float | None = None
    dataset: DatasetName | None = None
    threshold: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)

    _table_columns: ClassVar[tuple[str, ...]] = _FINDING_COLUMNS

    def _headline(self) -> str:
        where = "dataset" if self.column is None else f"column {self.column!r}"
        return f"Finding ({self.severity.value}, {where}): {self.check}"

    def sort_key(self) -> tuple[int, int, str, str, str]:
        """Severity first, then dataset-level findings, then column, check and side."""
        return (
            self.severity.rank,
            0 if self.column is None else 1,
            self.column or "",
            self.check,
            self.dataset or "",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "check": self.check,
            "severity": self.severity.value,
            "message": self.message,
            "value": self.value,
            "dataset": self.dataset,
            "threshold": self.threshold,
            "details": dict(self.details),
        }


@dataclass(frozen=True, repr=False)
class QualityResult(Tabular):
    """Every finding, sorted, and the measured facts per dataset and per column.

    >>> from watchkeeper.quality._facts import DatasetQuality
    >>> empty = DatasetQuality("current", 0, 1, 0, 0.0, 0)
    >>> full = DatasetQuality("reference", 10, 1, 0, 0.0, 0)
    >>> f = Finding(None, "row_count", Severity.CRITICAL, "current has no rows", 0.0, "current")
    >>> result = QualityResult([f], full, empty, [])
    >>> result.counts_by_severity()
    {'critical': 1, 'warning': 0, 'info': 0}
    """

    findings: tuple[Finding, ...]
    reference: DatasetQuality
    current: DatasetQuality
    columns: tuple[ColumnQuality, ...]

    def __init__(
        self,
        findings: Sequence[Finding],
        reference: DatasetQuality,
        current: DatasetQuality,
        columns: Sequence[ColumnQuality],
    ) -> None:
        object.__setattr__(self, "findings", tuple(sorted(findings, key=Finding.sort_key)))
        object.__setattr__(self, "reference", reference)
        object.__setattr__(self, "current", current)
        object.__setattr__(self, "columns", tuple(columns))

    _table_columns: ClassVar[tuple[str, ...]] = _FINDING_COLUMNS

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per finding, worst first."""
        return [f._table_rows()[0] for f in self.findings]

    def _headline(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in self.counts_by_severity().items())
        return f"QualityResult: {counts}"

    def counts_by_severity(self) -> dict[str, int]:
        """The number of findings of each severity, worst first, zeros included."""
        counts = {severity.value: 0 for severity in sorted(Severity, key=lambda s: s.rank)}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def worst(self) -> Severity | None:
        """The worst severity found, or None when there is no finding."""
        return self.findings[0].severity if self.findings else None

    def for_column(self, column: str | None) -> list[Finding]:
        """The findings about ``column`` (None: about whole datasets)."""
        return [f for f in self.findings if f.column == column]

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "counts": self.counts_by_severity(),
            "datasets": {
                "reference": self.reference.to_dict(),
                "current": self.current.to_dict(),
            },
            "columns": [c.to_dict() for c in self.columns],
        }
