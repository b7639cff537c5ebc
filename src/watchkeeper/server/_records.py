"""Prediction batches from HTTP bodies (JSON, Arrow IPC, parquet) to the service's Arrow layout.

The service takes one Arrow table per batch with columns ``id``, ``timestamp``
(``timestamp[us, UTC]``), ``prediction``, ``score`` or ``score.<class>``,
``latency_ms``, ``error``, ``segment.<key>`` and ``feature.<name>``. Records that
cannot be stored (no id, a timestamp without a time zone, NaN, a feature the model
does not have, a type that differs from the rest of the batch) are set aside here,
one :class:`~watchkeeper.service._results.RecordError` each, and the others go on:
one bad record never costs the batch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import ColumnError, InputError
from watchkeeper.server._json import NonFinite
from watchkeeper.service._results import IngestResult, RecordError

__all__ = [
    "ARROW_MEDIA_TYPES",
    "PARQUET_MEDIA_TYPES",
    "Prepared",
    "feature_kinds",
    "merge_result",
    "read_table_body",
    "records_from_arrow",
    "records_from_json",
]

ARROW_MEDIA_TYPES = frozenset(
    {"application/vnd.apache.arrow.stream", "application/vnd.apache.arrow.file"}
)
PARQUET_MEDIA_TYPES = frozenset({"application/vnd.apache.parquet", "application/x-parquet"})

_RECORD_FIELDS = (
    "id",
    "timestamp",
    "features",
    "prediction",
    "score",
    "latency_ms",
    "error",
    "segment",
)
_FIELD_SET = frozenset(_RECORD_FIELDS)
_MAX_ID = 256
# The JSON type a declared feature kind must arrive as; other kinds take any one type.
_KIND_CLASS = {"numeric": "number", "boolean": "bool", "embedding": "vector"}
_CLASS_TYPE = {
    "number": pa.float64(),
    "bool": pa.bool_(),
    "string": pa.string(),
    "vector": pa.list_(pa.float64()),
}
_CLASS_WORD = {
    "number": "a number",
    "bool": "a boolean",
    "string": "a string",
    "vector": "a list of numbers",
}


@dataclass(frozen=True)
class Prepared:
    """A batch ready for the service: the storable rows and why the others were refused.

    ``rows[i]`` is the index in the request of row ``i`` of ``table``.
    """

    table: pa.Table | None
    rows: tuple[int, ...]
    rejected: tuple[RecordError, ...]


def feature_kinds(schema: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Feature name -> declared kind from a model's schema; None accepts any feature.

    >>> feature_kinds({"age": "numeric", "plan": {"kind": "categorical"}})
    {'age': 'numeric', 'plan': 'categorical'}
    >>> feature_kinds({"features": {"age": "numeric"}, "segments": ["region"]})
    {'age': 'numeric'}
    >>> feature_kinds({}) is None
    True
    """
    if not schema:
        return None
    nested = schema.get("features")
    features: Mapping[str, Any] = nested if isinstance(nested, Mapping) else schema
    kinds: dict[str, str] = {}
    for name, spec in features.items():
        if isinstance(spec, str):
            kinds[str(name)] = spec.lower()
        elif isinstance(spec, Mapping):
            kinds[str(name)] = str(spec.get("kind", "")).lower()
        else:
            kinds[str(name)] = ""
    return kinds


def merge_result(prepared: Prepared, result: IngestResult) -> IngestResult:
    """The service's answer with its record indices mapped back to the request's."""
    moved = tuple(
        replace(error, index=prepared.rows[error.index])
        if 0 <= error.index < len(prepared.rows)
        else error
        for error in result.rejected
    )
    rejected = tuple(sorted(prepared.rejected + moved, key=lambda error: error.index))
    return IngestResult(result.accepted, result.duplicates, rejected)


# --- JSON records ---------------------------------------------------------------------


def _json_class(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list) and all(
        isinstance(item, int | float) and not isinstance(item, bool) for item in value
    ):
        return "vector"
    return "invalid"


class _Reject(Exception):  # noqa: N818 (control flow inside this module only)
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def _bad_number(value: Any) -> bool:
    return isinstance(value, NonFinite) or (isinstance(value, float) and not math.isfinite(value))


def _non_finite(value: Any) -> bool:
    return _bad_number(value) or (
        isinstance(value, list) and any(_bad_number(item) for item in value)
    )


def _check_value(
    field: str, value: Any, declared: str | None, seen: str | None, *, vector: bool = True
) -> str:
    if _non_finite(value):
        raise _Reject(field, "is NaN or infinite, which is not JSON; send null for a missing value")
    cls = _json_class(value)
    if cls == "invalid" or (cls == "vector" and not vector):
        allowed = "a number, string, boolean, null" + (" or list of numbers" if vector else "")
        raise _Reject(field, f"is {type(value).__name__}; send {allowed}")
    want = declared or seen
    if want is not None and cls != want:
        why = "the model's schema declares" if declared else "earlier records of this batch sent"
        raise _Reject(
            field, f"is {_CLASS_WORD[cls]} but {why} {_CLASS_WORD[want]}; send one type per field"
        )
    return cls


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise _Reject("timestamp", "must be ISO-8601 text such as '2024-05-01T12:00:00Z'")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Reject(
            "timestamp", f"{value[:40]!r} is not ISO-8601; write e.g. '2024-05-01T12:00:00Z'"
        ) from None
    if parsed.tzinfo is None:
        raise _Reject("timestamp", f"{value[:40]!r} has no time zone; add 'Z' or an offset")
    return parsed.astimezone(UTC)


class _Columns:
    """Columns under construction; a column's type is fixed by its first value."""

    def __init__(self) -> None:
        self.n = 0
        self.values: dict[str, list[Any]] = {}
        self.classes: dict[str, str] = {}
        self.ids: list[str] = []
        self.timestamps: list[datetime] = []
        self.score_form: str | None = None

    def set(self, name: str, cls: str, value: Any) -> None:
        column = self.values.get(name)
        if column is None:
            column = self.values[name] = []
        if len(column) < self.n:
            column.extend([None] * (self.n - len(column)))
        column.append(value)
        self.classes.setdefault(name, cls)


def _check_record(
    record: Any, kinds: dict[str, str] | None, columns: _Columns
) -> tuple[str, datetime, dict[str, tuple[str, Any]]]:
    if not isinstance(record, dict):
        raise _Reject("(record)", f"is {type(record).__name__}; send a JSON object")
    unknown = [key for key in record if key not in _FIELD_SET]
    if unknown:
        raise _Reject(unknown[0], f"is not a record field; use {', '.join(_RECORD_FIELDS)}")
    record_id = record.get("id")
    if not isinstance(record_id, str) or not 0 < len(record_id) <= _MAX_ID:
        raise _Reject("id", f"must be a non-empty string of at most {_MAX_ID} characters")
    timestamp = _timestamp(record.get("timestamp"))
    cells: dict[str, tuple[str, Any]] = {}

    features = record.get("features", {})
    if not isinstance(features, dict):
        raise _Reject("features", "must be an object mapping feature names to values")
    for name, value in features.items():
        field = f"features.{name}"
        declared = None
        if kinds is not None:
            if name not in kinds:
                known = ", ".join(sorted(kinds)[:20])
                raise _Reject(
                    field,
                    f"is not a feature of this model (known: {known}); fix the name or add "
                    "it to the model's schema",
                )
            declared = _KIND_CLASS.get(kinds[name])
        if value is None:
            continue
        column = f"feature.{name}"
        # The common case, a finite float for a numeric feature, skips the general checks
        # (x - x is 0.0 only for finite x).
        if type(value) is float and declared == "number" and value - value == 0.0:
            cells[column] = ("number", value)
            continue
        cls = _check_value(field, value, declared, columns.classes.get(column))
        cells[column] = (cls, [float(item) for item in value] if cls == "vector" else value)

    segment = record.get("segment", {})
    if not isinstance(segment, dict):
        raise _Reject("segment", "must be an object such as {'region': 'eu'}")
    for key, value in segment.items():
        if value is None:
            continue
        if not isinstance(value, str | int) or isinstance(value, NonFinite):
            raise _Reject(f"segment.{key}", "must be a string, an integer or a boolean")
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        cells[f"segment.{key}"] = ("string", text)

    prediction = record.get("prediction")
    if prediction is not None:
        cls = _check_value("prediction", prediction, None, columns.classes.get("prediction"))
        cells["prediction"] = (cls, prediction)

    score = record.get("score")
    if score is not None:
        form = "dict" if isinstance(score, dict) else "number"
        if columns.score_form not in (None, form):
            raise _Reject("score", "mixes numbers and {class: probability} objects in one batch")
        items = score.items() if isinstance(score, dict) else [(None, score)]
        for label, value in items:
            field = "score" if label is None else f"score.{label}"
            if value is None and label is not None:
                continue
            _check_value(field, value, "number", None, vector=False)
            cells[field] = ("number", float(value))

    latency = record.get("latency_ms")
    if latency is not None:
        _check_value("latency_ms", latency, "number", None, vector=False)
        if latency < 0:
            raise _Reject("latency_ms", f"is {latency}; a latency cannot be negative")
        cells["latency_ms"] = ("number", float(latency))

    error = record.get("error")
    if error is not None:
        if not isinstance(error, bool):
            raise _Reject("error", "must be true, false or null")
        cells["error"] = ("bool", error)
    return record_id, timestamp, cells


def records_from_json(records: list[Any], kinds: dict[str, str] | None) -> Prepared:
    """Check JSON records one by one and build the service's Arrow table from the good ones.

    >>> prepared = records_from_json(
    ...     [{"id": "a", "timestamp": "2024-05-01T12:00:00Z", "features": {"age": 41}},
    ...      {"id": "b", "timestamp": "2024-05-01T12:00:01Z", "features": {"agee": 3}}],
    ...     {"age": "numeric"})
    >>> prepared.table.column_names, prepared.rows
    (['id', 'timestamp', 'feature.age'], (0,))
    >>> prepared.rejected[0].field
    'features.agee'
    """
    columns = _Columns()
    rows: list[int] = []
    rejected: list[RecordError] = []
    for index, record in enumerate(records):
        try:
            record_id, timestamp, cells = _check_record(record, kinds, columns)
        except _Reject as problem:
            raw_id = record.get("id") if isinstance(record, dict) else None
            rejected.append(
                RecordError(
                    index,
                    raw_id if isinstance(raw_id, str) else None,
                    problem.field,
                    problem.message,
                )
            )
            continue
        for name, (cls, value) in cells.items():
            columns.set(name, cls, value)
        if any(name.startswith("score") for name in cells):
            columns.score_form = "number" if "score" in cells else "dict"
        columns.ids.append(record_id)
        columns.timestamps.append(timestamp)
        columns.n += 1
        rows.append(index)
    if not rows:
        return Prepared(None, (), tuple(rejected))
    try:
        table = _json_table(columns, kinds)
    except (pa.ArrowException, OverflowError, UnicodeError) as error:
        # Integers beyond 64 bits and lone UTF-16 surrogates are valid JSON that Arrow
        # cannot hold; they are rare enough to refuse the batch rather than find the record.
        raise InputError(
            f"the batch holds a value Arrow cannot store ({error}); send integers within "
            "64 bits and text without lone surrogates"
        ) from None
    return Prepared(table, tuple(rows), tuple(rejected))


def _json_table(columns: _Columns, kinds: dict[str, str] | None) -> pa.Table:
    arrays: dict[str, pa.Array] = {
        "id": pa.array(columns.ids, pa.string()),
        "timestamp": pa.array(columns.timestamps, pa.timestamp("us", tz="UTC")),
    }
    for name, values in columns.values.items():
        values.extend([None] * (columns.n - len(values)))
        cls = columns.classes[name]
        kind = kinds.get(name.removeprefix("feature."), "") if kinds else ""
        # Class labels sent as integers stay integers, so that they equal the labels.
        if (
            cls == "number"
            and kind != "numeric"
            and name == "prediction"
            and all(value is None or isinstance(value, int) for value in values)
        ):
            arrays[name] = pa.array(values, pa.int64())
            continue
        arrays[name] = pa.array(values, _CLASS_TYPE[cls])
    if kinds:
        # A declared feature that no record of the batch carried is a column of nulls.
        for name, kind in kinds.items():
            column = f"feature.{name}"
            if column not in arrays:
                cls = _KIND_CLASS.get(kind, "string")
                arrays[column] = pa.nulls(columns.n, _CLASS_TYPE[cls])
    return pa.table(arrays)


# --- Arrow and parquet bodies ---------------------------------------------------------


def read_table_body(body: bytes, media_type: str) -> pa.Table:
    """Read an Arrow IPC (stream or file) or parquet request body into a table."""
    what = "parquet file" if media_type in PARQUET_MEDIA_TYPES else "Arrow IPC stream"
    if not body:
        raise InputError(f"the request body is empty; send a {what}")
    try:
        if media_type in PARQUET_MEDIA_TYPES:
            import pyarrow.parquet as pq

            return pq.read_table(pa.BufferReader(body))
        if body[:6] == b"ARROW1":
            return pa.ipc.open_file(pa.BufferReader(body)).read_all()
        return pa.ipc.open_stream(pa.BufferReader(body)).read_all()
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputError(
            f"the request body is not a valid {what} ({error}); write it with "
            "pyarrow.ipc.new_stream or pyarrow.parquet.write_table"
        ) from None


_RENAMES = (("features.", "feature."), ("segments.", "segment."))
_PLAIN = frozenset({"id", "timestamp", "prediction", "score", "latency_ms", "error"})


def _layout(table: pa.Table) -> pa.Table:
    if any(pa.types.is_struct(field.type) for field in table.schema):
        table = table.flatten()
    names: list[str] = []
    for name in table.column_names:
        for old, new in _RENAMES:
            if name.startswith(old):
                name = new + name[len(old) :]
        if not (name in _PLAIN or name.startswith(("feature.", "segment.", "score."))):
            raise ColumnError(
                name,
                "is not a prediction column",
                "use id, timestamp, prediction, score, latency_ms, error, feature.<name>, "
                "segment.<key> (or struct columns features, segment, score)",
            )
        names.append(name)
    if len(set(names)) != len(names):
        raise InputError(f"the body has repeated columns after flattening: {names}")
    return table.rename_columns(names)


def _timestamps(column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            raise ColumnError(
                "timestamp",
                "has no time zone",
                "write it as timestamp[us, tz=UTC] (pandas: .dt.tz_localize('UTC'))",
            )
        return column.cast(pa.timestamp("us", tz="UTC"))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            return column.cast(pa.timestamp("us", tz="UTC"))
        except pa.ArrowInvalid as error:
            raise ColumnError(
                "timestamp", f"holds text that is not ISO-8601 with a zone ({error})", "add 'Z'"
            ) from None
    raise ColumnError(
        "timestamp", f"has type {kind}", "send timestamp[us, tz=UTC] or ISO-8601 text"
    )


def _numeric(name: str, column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return column.cast(pa.float64())
    if pa.types.is_decimal(column.type):
        return column.cast(pa.float64())
    raise ColumnError(name, f"has type {column.type}", "send numbers (float64)")


def records_from_arrow(table: pa.Table, kinds: dict[str, str] | None) -> Prepared:
    """Check an Arrow batch column by column and set aside the rows that cannot be stored.

    >>> import pyarrow as pa
    >>> from datetime import UTC, datetime
    >>> t = pa.table({"id": ["a", "b"],
    ...               "timestamp": pa.array([datetime(2024, 5, 1, tzinfo=UTC)] * 2,
    ...                                     pa.timestamp("us", tz="UTC")),
    ...               "features": pa.array([{"age": 41.0}, {"age": float("nan")}])})
    >>> prepared = records_from_arrow(t, {"age": "numeric"})
    >>> prepared.rows, prepared.rejected[0].field
    ((0,), 'feature.age')
    """
    table = _layout(table)
    for required in ("id", "timestamp"):
        if required not in table.column_names:
            raise ColumnError(required, "is missing", "every record needs an id and a timestamp")
    n = table.num_rows
    bad = np.zeros(n, dtype=bool)
    problems: list[tuple[int, str, str]] = []

    def refuse(mask: np.ndarray[Any, np.dtype[np.bool_]], field: str, message: str) -> None:
        fresh = mask & ~bad
        problems.extend((int(index), field, message) for index in np.flatnonzero(fresh))
        bad[:] |= fresh

    def nulls(column: pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
        return np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool)

    ids = table.column("id")
    if not (pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type)):
        raise ColumnError("id", f"has type {ids.type}", "send record ids as strings")
    ids = ids.cast(pa.string())
    refuse(nulls(ids), "id", "is missing; every record needs an id")
    lengths = pc.fill_null(pc.utf8_length(ids), 0).to_numpy()
    refuse(
        (lengths == 0) | (lengths > _MAX_ID),
        "id",
        f"must be a non-empty string of at most {_MAX_ID} characters",
    )
    stamps = _timestamps(table.column("timestamp"))
    refuse(nulls(stamps), "timestamp", "is missing; send the time of the prediction")
    out: dict[str, pa.ChunkedArray] = {"id": ids, "timestamp": stamps}

    for name in table.column_names:
        if name in ("id", "timestamp"):
            continue
        column = table.column(name)
        if name.startswith("feature."):
            feature = name.removeprefix("feature.")
            if kinds is not None and feature not in kinds:
                known = ", ".join(sorted(kinds)[:20])
                refuse(
                    ~nulls(column),
                    name,
                    f"is not a feature of this model (known: {known}); fix the name or add "
                    "it to the model's schema",
                )
                continue
            if kinds is not None and kinds.get(feature) == "numeric":
                column = _numeric(name, column)
        elif name.startswith("score") or name == "latency_ms":
            column = _numeric(name, column)
            if name == "latency_ms":
                refuse(
                    pc.fill_null(pc.less(column, 0.0), False).to_numpy(zero_copy_only=False),
                    name,
                    "is negative; a latency cannot be",
                )
        elif name == "error":
            if not pa.types.is_boolean(column.type):
                raise ColumnError(name, f"has type {column.type}", "send booleans")
        elif name.startswith("segment."):
            column = column.cast(pa.string())
        if pa.types.is_floating(column.type):
            finite = pc.fill_null(pc.is_finite(column), True).to_numpy(zero_copy_only=False)
            refuse(~finite, name, "is NaN or infinite; send null for a missing value")
        out[name] = column
    if kinds is not None:
        for feature, kind in kinds.items():
            if f"feature.{feature}" not in out:
                cls = _KIND_CLASS.get(kind, "string")
                out[f"feature.{feature}"] = pa.chunked_array([pa.nulls(n, _CLASS_TYPE[cls])])
    result = pa.table(out)
    rejected: tuple[RecordError, ...] = ()
    if problems:
        id_values = ids.to_pylist()
        rejected = tuple(
            RecordError(index, id_values[index], field, message)
            for index, field, message in sorted(problems)
        )
    keep = np.flatnonzero(~bad)
    if keep.size == 0:
        return Prepared(None, (), rejected)
    if keep.size < n:
        result = result.filter(pa.array(~bad))
    return Prepared(result, tuple(int(index) for index in keep), rejected)
