"""Column kinds and roles, and the schema that binds them to column names.

A column has a *kind* (what its values are: numeric, categorical, boolean, datetime,
text, embedding) and a *role* (what it means to the model: feature, target, prediction,
score, timestamp, id, segment). Drift compares features; the target and predictions are
reported as target and prediction drift; ids and timestamps are never compared.

A column may also carry a privacy declaration (:class:`PiiAction`: ``mask``, ``hash`` or
``drop``, applied by the service at ingestion, see :mod:`watchkeeper.compliance`), and one
column may be the *subject*: the one that names the person a record is about, by which
the service erases records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from watchkeeper._exceptions import SchemaError

__all__ = ["ColumnKind", "ColumnRole", "ColumnSpec", "PiiAction", "Schema"]


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


class PiiAction(StrEnum):
    """What the service does with a column of personal data before storing it.

    ``mask`` replaces what the guard's PII scanners find in text with placeholders,
    ``hash`` keeps a keyed HMAC-SHA256 of the value (equal values stay equal, so joins
    and counts still work, but the value cannot be read back), ``drop`` keeps nothing.
    """

    MASK = "mask"
    HASH = "hash"
    DROP = "drop"


# Roles whose columns are compared between reference and current data.
COMPARED_ROLES = frozenset(
    {ColumnRole.FEATURE, ColumnRole.TARGET, ColumnRole.PREDICTION, ColumnRole.SCORE}
)
# Kinds that have a drift comparison of their own.
COMPARED_KINDS = frozenset({ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN})


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: its name, kind and role, whether the kind was declared, and its
    privacy declarations (``pii``, ``subject``), which appear in the dict only when set.

    >>> ColumnSpec("age", ColumnKind.NUMERIC).to_dict()
    {'name': 'age', 'kind': 'numeric', 'role': 'feature', 'declared': False}
    >>> email = ColumnSpec("email", ColumnKind.TEXT, pii=PiiAction.HASH, subject=True)
    >>> {k: v for k, v in email.to_dict().items() if k in ("pii", "subject")}
    {'pii': 'hash', 'subject': True}
    """

    name: str
    kind: ColumnKind
    role: ColumnRole = ColumnRole.FEATURE
    declared: bool = False
    pii: PiiAction | None = None
    subject: bool = False

    @property
    def compared(self) -> bool:
        """Whether drift compares this column."""
        return self.role in COMPARED_ROLES and self.kind in COMPARED_KINDS

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind.value,
            "role": self.role.value,
            "declared": self.declared,
        }
        if self.pii is not None:
            out["pii"] = self.pii.value
        if self.subject:
            out["subject"] = True
        return out


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
        subjects = [col.name for col in cols if col.subject]
        if len(subjects) > 1:
            raise SchemaError(f"only one column can be the subject; {subjects} are declared")
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

    @property
    def subject(self) -> str | None:
        """The column that names the person a record is about, if declared."""
        return next((col.name for col in self.columns if col.subject), None)

    @property
    def pii(self) -> dict[str, PiiAction]:
        """The privacy declaration of each column that has one.

        >>> Schema([ColumnSpec("x", ColumnKind.TEXT, pii=PiiAction.MASK)]).pii
        {'x': <PiiAction.MASK: 'mask'>}
        """
        return {col.name: col.pii for col in self.columns if col.pii is not None}

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
                    pii=PiiAction(item["pii"]) if item.get("pii") is not None else None,
                    subject=bool(item.get("subject", False)),
                )
                for item in data["columns"]
            )
        except (KeyError, ValueError, TypeError) as error:
            raise SchemaError(f"invalid schema document: {error}") from None


def replace_spec(spec: ColumnSpec, **changes: Any) -> ColumnSpec:
    """A copy of ``spec`` with ``changes`` applied (marks it declared)."""
    return replace(spec, declared=True, **changes)
