"""Column kinds and roles, and the schema that binds them to column names.

A column has a *kind* (what its values are: numeric, categorical, boolean, datetime,
text, embedding) and a *role* (what it means to the model: feature, target, prediction,
score, timestamp, id, segment). Drift compares features; the target and predictions are
reported as target and prediction drift; ids and timestamps are never compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from watchkeeper._exceptions import SchemaError

__all__ = ["ColumnKind", "ColumnRole", "ColumnSpec", "Schema"]


class ColumnKind(StrEnum):
    """What the values of a column are."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    EMBEDDING = "embedding"


class ColumnRole(StrEnum):
    """What a column means to the model."""

    FEATURE = "feature"
    TARGET = "target"
    PREDICTION = "prediction"
    SCORE = "score"
    TIMESTAMP = "timestamp"
    ID = "id"
    SEGMENT = "segment"
    IGNORED = "ignored"


# Roles whose columns are compared between reference and current data.
COMPARED_ROLES = frozenset(
    {ColumnRole.FEATURE, ColumnRole.TARGET, ColumnRole.PREDICTION, ColumnRole.SCORE}
)
# Kinds that have a drift comparison of their own.
COMPARED_KINDS = frozenset({ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN})


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: its name, kind and role, and whether the kind was declared.

    >>> ColumnSpec("age", ColumnKind.NUMERIC).to_dict()
    {'name': 'age', 'kind': 'numeric', 'role': 'feature', 'declared': False}
    """

    name: str
    kind: ColumnKind
    role: ColumnRole = ColumnRole.FEATURE
    declared: bool = False

    @property
    def compared(self) -> bool:
        """Whether drift compares this column."""
        return self.role in COMPARED_ROLES and self.kind in COMPARED_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "role": self.role.value,
            "declared": self.declared,
        }


@dataclass(frozen=True)
class Schema:
    """An ordered set of column specs, looked up by name.

    >>> schema = Schema([ColumnSpec("x", ColumnKind.NUMERIC),
    ...                  ColumnSpec("y", ColumnKind.CATEGORICAL, ColumnRole.TARGET)])
    >>> schema["y"].role
    <ColumnRole.TARGET: 'target'>
    >>> [c.name for c in schema.with_role(ColumnRole.FEATURE)]
    ['x']
    """

    columns: tuple[ColumnSpec, ...] = field(default=())

    def __init__(self, columns: Iterable[ColumnSpec] = ()) -> None:
        cols = tuple(columns)
        seen: set[str] = set()
        for col in cols:
            if col.name in seen:
                raise SchemaError(f"column {col.name!r} is declared twice in the schema")
            seen.add(col.name)
        object.__setattr__(self, "columns", cols)

    def __getitem__(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise SchemaError(f"column {name!r} is not in the schema; columns: {self.names}")

    def __contains__(self, name: object) -> bool:
        return any(col.name == name for col in self.columns)

    def __iter__(self) -> Iterator[ColumnSpec]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    @property
    def names(self) -> list[str]:
        return [col.name for col in self.columns]

    def with_role(self, role: ColumnRole) -> list[ColumnSpec]:
        return [col for col in self.columns if col.role == role]

    def updated(self, overrides: Mapping[str, ColumnSpec]) -> Schema:
        """A copy with some columns replaced, keeping the column order."""
        return Schema(overrides.get(col.name, col) for col in self.columns)

    def to_dict(self) -> dict[str, Any]:
        return {"columns": [col.to_dict() for col in self.columns]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schema:
        """The inverse of :meth:`to_dict`."""
        try:
            return cls(
                ColumnSpec(
                    name=str(item["name"]),
                    kind=ColumnKind(item["kind"]),
                    role=ColumnRole(item.get("role", "feature")),
                    declared=bool(item.get("declared", True)),
                )
                for item in data["columns"]
            )
        except (KeyError, ValueError, TypeError) as error:
            raise SchemaError(f"invalid schema document: {error}") from None


def replace_spec(spec: ColumnSpec, **changes: Any) -> ColumnSpec:
    """A copy of ``spec`` with ``changes`` applied (marks it declared)."""
    return replace(spec, declared=True, **changes)
