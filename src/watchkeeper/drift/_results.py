"""Drift results: typed, frozen, and JSON-ready through ``to_dict``.

``statistic`` follows its method's direction (p-value methods: a smaller ``p_value`` is
worse; distances: a larger ``statistic`` is worse). ``statistic`` is None only when the
column could not be compared, and ``note`` then says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from watchkeeper._deprecation import deprecated_property
from watchkeeper._tabular import Tabular

__all__ = ["ColumnDrift", "DatasetDrift", "EffectSize"]

# The table form of a comparison: what ``DatasetDrift.to_pandas()`` has a column for.
_DRIFT_COLUMNS = (
    "column",
    "kind",
    "method",
    "statistic",
    "p_value",
    "threshold",
    "effect",
    "drifted",
    "role",
    "output",
    "p_value_adjusted",
    "effect_method",
    "comparison",
    "n_reference",
    "n_current",
    "note",
)


def _clean(value: float | None) -> float | None:
    """JSON has no NaN or infinity; the report writes null for them."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return float(value)


@dataclass(frozen=True, repr=False)
class EffectSize(Tabular):
    """How large a difference is, on a scale with a documented floor."""

    method: str
    value: float
    min_effect: float

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "value": _clean(self.value), "min_effect": self.min_effect}


@dataclass(frozen=True, repr=False)
class ColumnDrift(Tabular):
    """The comparison of one column between reference and current data."""

    column: str
    kind: str
    role: str
    method: str
    output: str
    statistic: float | None
    p_value: float | None
    threshold: float
    drifted: bool
    p_value_adjusted: float | None = None
    effect_size: EffectSize | None = None
    comparison: str = "exact"
    n_reference: int = 0
    n_current: int = 0
    summary: dict[str, Any] = field(default_factory=dict)
    histogram: dict[str, Any] = field(default_factory=dict)
    unseen_categories: tuple[str, ...] = ()
    note: str | None = None

    @property
    def score(self) -> float | None:
        """One number per column where larger is worse: the distance, or 1 - p-value."""
        if self.output == "p_value":
            return None if self.p_value is None else 1.0 - self.p_value
        return self.statistic

    _table_columns: ClassVar[tuple[str, ...]] = _DRIFT_COLUMNS

    def _table_rows(self) -> list[dict[str, Any]]:
        effect = self.effect_size
        return [
            {
                "column": self.column,
                "kind": self.kind,
                "method": self.method,
                "statistic": self.statistic,
                "p_value": self.p_value,
                "threshold": self.threshold,
                "effect": None if effect is None else effect.value,
                "drifted": self.drifted,
                "role": self.role,
                "output": self.output,
                "p_value_adjusted": self.p_value_adjusted,
                "effect_method": None if effect is None else effect.method,
                "comparison": self.comparison,
                "n_reference": self.n_reference,
                "n_current": self.n_current,
                "note": self.note,
            }
        ]

    def _headline(self) -> str:
        verdict = "drifted" if self.drifted else "no drift"
        return f"ColumnDrift {self.column!r}: {verdict} ({self.method})"

    def to_dict(self) -> dict[str, Any]:
        statistic = self.statistic
        if statistic is not None and statistic == float("inf"):
            # An infinite divergence (a category with no reference mass) is still a
            # number a person should see; JSON cannot say inf, so it says a string.
            statistic_json: Any = "inf"
        else:
            statistic_json = _clean(statistic)
        return {
            "column": self.column,
            "kind": self.kind,
            "role": self.role,
            "method": self.method,
            "output": self.output,
            "statistic": statistic_json,
            "p_value": _clean(self.p_value),
            "p_value_adjusted": _clean(self.p_value_adjusted),
            "threshold": self.threshold,
            "drifted": self.drifted,
            "effect_size": None if self.effect_size is None else self.effect_size.to_dict(),
            "comparison": self.comparison,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "summary": self.summary,
            "histogram": self.histogram,
            "unseen_categories": list(self.unseen_categories),
            "note": self.note,
        }


@dataclass(frozen=True, kw_only=True, repr=False)
class DatasetDrift(Tabular):
    """Every column's drift and the dataset-level verdict, ``drifted`` (the JSON form
    keeps its key ``dataset_drift``; the attribute of that name is deprecated).

    ``columns`` holds the features; the target and the predictions (and scores) are
    reported apart, as target drift and prediction drift.
    """

    drifted: bool
    drift_share: float
    share_drifted: float
    n_drifted: int
    n_columns: int
    columns: tuple[ColumnDrift, ...]
    target: tuple[ColumnDrift, ...] = ()
    predictions: tuple[ColumnDrift, ...] = ()
    skipped: tuple[dict[str, str], ...] = ()
    policy: dict[str, Any] = field(default_factory=dict)

    dataset_drift = deprecated_property("drifted", "dataset_drift")

    @property
    def drifted_columns(self) -> list[str]:
        return [c.column for c in self.columns if c.drifted]

    def __getitem__(self, column: str) -> ColumnDrift:
        for item in (*self.columns, *self.target, *self.predictions):
            if item.column == column:
                return item
        raise KeyError(column)

    _table_columns: ClassVar[tuple[str, ...]] = _DRIFT_COLUMNS

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row per compared column: the features, then the target and predictions."""
        compared = (*self.columns, *self.target, *self.predictions)
        return [row for item in compared for row in item._table_rows()]

    def _headline(self) -> str:
        verdict = "dataset drift" if self.drifted else "no dataset drift"
        return (
            f"DatasetDrift: {verdict}, {self.n_drifted} of {self.n_columns} columns drifted"
            f" (share {self.share_drifted:.3g}, limit {self.drift_share:.3g})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset_drift": self.drifted,
            "drift_share": self.drift_share,
            "share_drifted": self.share_drifted,
            "n_drifted": self.n_drifted,
            "n_columns": self.n_columns,
            "columns": [c.to_dict() for c in self.columns],
            "target": [c.to_dict() for c in self.target],
            "predictions": [c.to_dict() for c in self.predictions],
            "skipped": list(self.skipped),
            "policy": self.policy,
        }
