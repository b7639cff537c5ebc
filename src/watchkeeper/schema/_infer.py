"""Inferring a schema from data, and applying the caller's overrides.

The rules, applied to the reference table (documented in docs/schema.md):

- booleans are ``boolean``; dates and timestamps are ``datetime`` with the
  ``timestamp`` role; lists of numbers are ``embedding``;
- floats are ``numeric``; integers are ``numeric`` unless they take at most two
  distinct values (flags) or are the target or prediction with at most 20 distinct
  values (class labels), which makes them ``categorical``;
- strings whose non-null values are at least 95% numbers are ``numeric`` (the rest are
  reported as type mismatches by the quality checks); strings with a mean length of at
  least 40 characters, or mostly distinct and containing spaces, are ``text``; every
  other string column is ``categorical``;
- a column called ``target`` or ``label`` has the target role, ``prediction`` the
  prediction role, ``id`` the id role. Anything else is a feature unless declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import SchemaError
from watchkeeper.schema._model import ColumnKind, ColumnRole, ColumnSpec, PiiAction, Schema

__all__ = ["NUMBER_PATTERN", "infer_schema", "parse_overrides"]

# A decimal or scientific number, optionally signed and padded; what a CSV cell that
# "is a number" looks like. Linear-time: no nested quantifiers.
NUMBER_PATTERN = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"

_TARGET_NAMES = frozenset({"target", "label"})
_PREDICTION_NAMES = frozenset({"prediction"})
_ID_NAMES = frozenset({"id"})
_NUMERIC_SHARE_FOR_STRINGS = 0.95
_TEXT_MEAN_LENGTH = 40
_MAX_CLASS_LABELS = 20
_SAMPLE_ROWS = 100_000


def _role_from_name(name: str) -> ColumnRole:
    lowered = name.lower()
    if lowered in _TARGET_NAMES:
        return ColumnRole.TARGET
    if lowered in _PREDICTION_NAMES:
        return ColumnRole.PREDICTION
    if lowered in _ID_NAMES:
        return ColumnRole.ID
    return ColumnRole.FEATURE


def _string_kind(column: pa.ChunkedArray) -> ColumnKind:
    non_null = pc.drop_null(column)
    n = len(non_null)
    if n == 0:
        return ColumnKind.CATEGORICAL
    if n > _SAMPLE_ROWS:
        # The kind of a string column is a property of its shape, which a prefix shows;
        # scanning a million long strings for it would cost more than the report.
        non_null = non_null.slice(0, _SAMPLE_ROWS)
        n = _SAMPLE_ROWS
    numeric_like = pc.sum(pc.match_substring_regex(non_null, NUMBER_PATTERN)).as_py() or 0
    if numeric_like >= _NUMERIC_SHARE_FOR_STRINGS * n:
        return ColumnKind.NUMERIC
    lengths = pc.utf8_length(non_null)
    mean_length = pc.mean(lengths).as_py() or 0.0
    if mean_length >= _TEXT_MEAN_LENGTH:
        return ColumnKind.TEXT
    distinct = pc.count_distinct(non_null).as_py()
    with_space = pc.sum(pc.match_substring(non_null, " ")).as_py() or 0
    if distinct > 0.5 * n and with_space > 0.5 * n:
        return ColumnKind.TEXT
    return ColumnKind.CATEGORICAL


def _kind_from_arrow(column: pa.ChunkedArray, role: ColumnRole) -> ColumnKind:
    dtype = column.type
    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
        column = column.cast(dtype)
    if pa.types.is_boolean(dtype):
        return ColumnKind.BOOLEAN
    if pa.types.is_temporal(dtype):
        return ColumnKind.DATETIME
    if pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return ColumnKind.NUMERIC
    if pa.types.is_integer(dtype):
        distinct = pc.count_distinct(column).as_py()
        if distinct <= 2:
            return ColumnKind.CATEGORICAL
        if role in (ColumnRole.TARGET, ColumnRole.PREDICTION) and distinct <= _MAX_CLASS_LABELS:
            return ColumnKind.CATEGORICAL
        return ColumnKind.NUMERIC
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return _string_kind(column)
    is_list = pa.types.is_list(dtype) or pa.types.is_fixed_size_list(dtype)
    if is_list and (
        pa.types.is_floating(dtype.value_type) or pa.types.is_integer(dtype.value_type)
    ):
        return ColumnKind.EMBEDDING
    if pa.types.is_null(dtype):
        return ColumnKind.CATEGORICAL
    return ColumnKind.CATEGORICAL


def parse_overrides(overrides: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Normalise user overrides into ``{column: {"kind": ..., "role": ...}}``.

    Accepts ``{"columns": {name: kind | {kind, role, pii}}}`` plus the shorthands
    ``target``, ``prediction``, ``scores``, ``id``, ``timestamp``, ``segments`` and
    ``ignore`` (a name or a list of names), ``subject`` (one name: the column naming the
    person a record is about), or a plain ``{name: kind}`` mapping. ``pii`` is one of
    ``mask``, ``hash``, ``drop`` (:class:`~watchkeeper.schema.PiiAction`).

    >>> parse_overrides({"columns": {"age": "numeric"}, "target": "churn"})
    {'age': {'kind': 'numeric'}, 'churn': {'role': 'target'}}
    >>> parse_overrides({"columns": {"email": {"kind": "text", "pii": "hash"}},
    ...                  "subject": "email"})
    {'email': {'kind': 'text', 'pii': 'hash', 'subject': True}}
    >>> parse_overrides({"age": "categorical"})
    {'age': {'kind': 'categorical'}}
    """
    shorthand_roles = {
        "target": ColumnRole.TARGET,
        "prediction": ColumnRole.PREDICTION,
        "predictions": ColumnRole.PREDICTION,
        "score": ColumnRole.SCORE,
        "scores": ColumnRole.SCORE,
        "id": ColumnRole.ID,
        "ids": ColumnRole.ID,
        "timestamp": ColumnRole.TIMESTAMP,
        "segments": ColumnRole.SEGMENT,
        "ignore": ColumnRole.IGNORED,
    }
    result: dict[str, dict[str, Any]] = {}
    plain = "columns" not in overrides and not (set(overrides) & {*shorthand_roles, "subject"})
    columns = overrides if plain else overrides.get("columns") or {}
    if not isinstance(columns, Mapping):
        raise SchemaError("'columns' must be a mapping of column name to kind or {kind, role}")
    for name, value in columns.items():
        if isinstance(value, str):
            entry: dict[str, Any] = {"kind": value}
        elif isinstance(value, Mapping):
            unknown = set(value) - {"kind", "role", "pii"}
            if unknown:
                raise SchemaError(
                    f"column {name!r} has unknown keys {sorted(unknown)}; "
                    "use 'kind', 'role' and 'pii'"
                )
            entry = dict(value)
        else:
            raise SchemaError(
                f"column {name!r} is declared as {value!r}; use a kind name or {{kind, role}}"
            )
        result[str(name)] = entry
    for key, role in shorthand_roles.items():
        if plain or key not in overrides:
            continue
        names = overrides[key]
        for name in [names] if isinstance(names, str) else list(names or []):
            result.setdefault(str(name), {})["role"] = role.value
    subject = None if plain else overrides.get("subject")
    if subject is not None:
        if not isinstance(subject, str) or not subject:
            raise SchemaError(
                f"'subject' is {subject!r}; name one column, the one that identifies the "
                "person a record is about (e.g. subject: customer_id)"
            )
        result.setdefault(subject, {})["subject"] = True
    for name, entry in result.items():
        if "pii" in entry and entry["pii"] not in {p.value for p in PiiAction}:
            raise SchemaError(
                f"column {name!r} has pii {entry['pii']!r}; use one of "
                f"{', '.join(p.value for p in PiiAction)}"
            )
        try:
            if "kind" in entry:
                ColumnKind(entry["kind"])
            if "role" in entry:
                ColumnRole(entry["role"])
        except ValueError:
            kinds = ", ".join(k.value for k in ColumnKind)
            roles = ", ".join(r.value for r in ColumnRole)
            raise SchemaError(
                f"column {name!r} is declared as {entry}; kinds are {kinds}; roles are {roles}"
            ) from None
    return result


def infer_schema(table: pa.Table, overrides: Mapping[str, Any] | Schema | None = None) -> Schema:
    """The schema of ``table``, inferred by the module's rules, with ``overrides`` applied.

    >>> import pyarrow as pa
    >>> table = pa.table({"age": [31.0, 45.5, 22.0], "city": ["Oslo", "Rome", "Oslo"],
    ...                   "target": [0, 1, 0]})
    >>> for c in infer_schema(table):
    ...     print(c.name, c.kind.value, c.role.value)
    age numeric feature
    city categorical feature
    target categorical target
    >>> infer_schema(table, {"age": "categorical"})["age"].kind
    <ColumnKind.CATEGORICAL: 'categorical'>
    """
    if isinstance(overrides, Schema):
        declared: dict[str, dict[str, Any]] = {}
        for c in overrides:
            declared[c.name] = {"kind": c.kind.value, "role": c.role.value}
            if c.pii is not None:
                declared[c.name]["pii"] = c.pii.value
            if c.subject:
                declared[c.name]["subject"] = True
    else:
        declared = parse_overrides(overrides or {})
    unknown = sorted(set(declared) - set(table.column_names))
    if unknown:
        raise SchemaError(
            f"the schema declares columns that are not in the data: {unknown}; "
            f"the data has {table.column_names}"
        )
    specs: list[ColumnSpec] = []
    for name in table.column_names:
        entry = declared.get(name, {})
        role = ColumnRole(entry["role"]) if "role" in entry else _role_from_name(name)
        if "kind" in entry:
            kind = ColumnKind(entry["kind"])
        else:
            kind = _kind_from_arrow(table.column(name), role)
        if "role" not in entry and kind == ColumnKind.DATETIME:
            role = ColumnRole.TIMESTAMP
        specs.append(
            ColumnSpec(
                name,
                kind,
                role,
                declared="kind" in entry or "role" in entry,
                pii=PiiAction(entry["pii"]) if "pii" in entry else None,
                subject=bool(entry.get("subject", False)),
            )
        )
    return Schema(specs)
