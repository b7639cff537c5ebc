"""Prediction batches from HTTP bodies (JSON, Arrow IPC, parquet) to the service's Arrow layout.

This module *decodes*; the service *validates* (:func:`watchkeeper.service._ingest.prepare_batch`,
once, with one wording per problem). The service takes one Arrow table per batch with
columns ``id``, ``timestamp``, ``prediction``, ``score`` or ``score.<class>``,
``latency_ms``, ``error``, ``segment.<key>`` and ``feature.<name>``.

A JSON record that cannot become a row of such a table is set aside here, one
:class:`~watchkeeper.service._results.RecordError` each: a record that is not an
object, a field that is not a record field, a value of a type no column holds, or one
whose type differs from the column's (the model's declared kind, or the batch's earlier
records). Everything else (ids, time zones, NaN, unknown features, negative latencies)
is the service's to judge. Arrow and parquet bodies are only reshaped (struct columns
flattened, ``features.``/``segments.`` prefixes renamed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper._json import NonFinite
from watchkeeper.io._bounded import DecodeBudget, decompress_bounded, read_arrow_ipc, read_parquet
from watchkeeper.server._json_columns import uniform_table
from watchkeeper.service._ingest import expected_message
from watchkeeper.service._results import IngestResult, RecordError

__all__ = [
    "ARROW_MEDIA_TYPES",
    "PARQUET_MEDIA_TYPES",
    "Prepared",
    "check_profile_body",
    "merge_result",
    "read_each",
    "read_table_body",
    "records_from_arrow",
    "records_from_json",
]

ARROW_MEDIA_TYPES = frozenset(
    {"application/vnd.apache.arrow.stream", "application/vnd.apache.arrow.file"}
)
PARQUET_MEDIA_TYPES = frozenset({"application/vnd.apache.parquet", "application/x-parquet"})

_RECORD_FIELDS = ("id", "timestamp", "features", "prediction", "score", "latency_ms", "error",
                  "segment", "attributions")  # fmt: skip
_FIELD_SET = frozenset(_RECORD_FIELDS)
# The JSON type a declared feature kind must arrive as; other kinds take any one type.
_KIND_CLASS = {"numeric": "number", "boolean": "bool"}
_CLASS_TYPE = {"number": pa.float64(), "bool": pa.bool_(), "string": pa.string()}
_CLASS_WORD = {"number": "a number", "bool": "a boolean", "string": "a string"}
_NON_FINITE = {"NaN": float("nan"), "-Infinity": float("-inf")}


@dataclass(frozen=True)
class Prepared:
    """A decoded batch: the table for the service and the records that could not be rows.

    ``rows[i]`` is the index in the request of row ``i`` of ``table``; ``json`` says the
    request named features ``features.<name>`` (the service says ``feature.<name>``).
    """

    table: pa.Table | None
    rows: tuple[int, ...]
    rejected: tuple[RecordError, ...]
    json: bool = False


def merge_result(prepared: Prepared, result: IngestResult) -> IngestResult:
    """The service's answer with its record indices (and field names) in the request's terms."""

    def request_terms(error: RecordError) -> RecordError:
        index = prepared.rows[error.index] if 0 <= error.index < len(prepared.rows) else error.index
        field = error.field
        if prepared.json and field.startswith("feature."):
            field = "features." + field.removeprefix("feature.")
        return replace(error, index=index, field=field)

    moved = tuple(request_terms(error) for error in result.rejected)
    rejected = tuple(sorted(prepared.rejected + moved, key=lambda error: error.index))
    return replace(result, rejected=rejected)


# --- JSON records ---------------------------------------------------------------------


class _Reject(Exception):  # noqa: N818 (control flow inside this module only)
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def _number(value: Any) -> Any:
    """A JSON non-finite marker as the float the service will judge; other values as they are."""
    if isinstance(value, NonFinite):
        return _NON_FINITE.get(value.text, float("inf"))
    return value


def _json_class(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "invalid"


def _cell(field: str, value: Any, declared: str | None, seen: str | None) -> tuple[str, Any]:
    value = _number(value)
    cls = _json_class(value)
    if cls == "invalid":
        raise _Reject(field, f"is {type(value).__name__}; send a number, string, boolean or null")
    if declared is not None and cls != declared:
        raise _Reject(field, expected_message(declared, value))
    if seen is not None and cls != seen:
        raise _Reject(
            field,
            f"is {_CLASS_WORD[cls]} but earlier records of this batch sent {_CLASS_WORD[seen]}; "
            "send one type per field",
        )
    return cls, value


class _Columns:
    """Columns under construction; a column's type is fixed by its first value."""

    def __init__(self) -> None:
        self.n = 0
        self.values: dict[str, list[Any]] = {}
        self.classes: dict[str, str] = {}
        self.score_form: str | None = None

    def add(self, cells: Mapping[str, tuple[str, Any]]) -> None:
        for name, (cls, value) in cells.items():
            column = self.values.setdefault(name, [])
            column.extend([None] * (self.n - len(column)))
            column.append(value)
            self.classes.setdefault(name, cls)
        if any(name.startswith("score") for name in cells):
            self.score_form = "number" if "score" in cells else "dict"
        self.n += 1


def _record_cells(
    record: Any, kinds: Mapping[str, str], columns: _Columns
) -> dict[str, tuple[str, Any]]:
    if not isinstance(record, dict):
        raise _Reject("(record)", f"is {type(record).__name__}; send a JSON object")
    unknown = [key for key in record if key not in _FIELD_SET]
    if unknown:
        raise _Reject(unknown[0], f"is not a record field; use {', '.join(_RECORD_FIELDS)}")
    seen = columns.classes.get
    cells: dict[str, tuple[str, Any]] = {}
    record_id = record.get("id")
    if record_id is not None:
        cells["id"] = _cell("id", record_id, "string", None)
    stamp = record.get("timestamp")
    if stamp is not None:
        # Text is parsed (and judged) by the service; other JSON values are not ISO-8601.
        cells["timestamp"] = ("string", stamp if isinstance(stamp, str) else repr(stamp))
    features = record.get("features", {})
    if not isinstance(features, dict):
        raise _Reject("features", "must be an object mapping feature names to values")
    for name, value in features.items():
        if value is None:
            continue
        column = f"feature.{name}"
        declared = _KIND_CLASS.get(kinds.get(name, ""))
        # The common case, a finite float for a numeric feature, skips the general checks
        # (x - x is 0.0 only for finite x; non-finite values go on for the service to judge).
        if type(value) is float and declared == "number" and value - value == 0.0:
            cells[column] = ("number", value)
            continue
        cells[column] = _cell(f"features.{name}", value, declared, seen(column))
    attributions = record.get("attributions", {})
    if not isinstance(attributions, dict):
        raise _Reject("attributions", "must be an object mapping feature names to numbers")
    for name, value in attributions.items():
        if value is not None:
            field = f"attribution.{name}"
            cells[field] = _cell(f"attributions.{name}", value, "number", None)
    segment = record.get("segment", {})
    if not isinstance(segment, dict):
        raise _Reject("segment", "must be an object such as {'region': 'eu'}")
    for key, value in segment.items():
        if value is None:
            continue
        if not isinstance(value, str | int):
            raise _Reject(f"segment.{key}", "must be a string, an integer or a boolean")
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        cells[f"segment.{key}"] = ("string", text)
    if record.get("prediction") is not None:
        cells["prediction"] = _cell("prediction", record["prediction"], None, seen("prediction"))
    score = record.get("score")
    if score is not None:
        form = "dict" if isinstance(score, dict) else "number"
        if columns.score_form not in (None, form):
            raise _Reject("score", "mixes numbers and {class: probability} objects in one batch")
        items = score.items() if isinstance(score, dict) else [(None, score)]
        for label, value in items:
            if value is not None:
                field = "score" if label is None else f"score.{label}"
                cells[field] = _cell(field, value, "number", None)
    for field, cls in (("latency_ms", "number"), ("error", "bool")):
        if record.get(field) is not None:
            cells[field] = _cell(field, record[field], cls, None)
    return cells


def records_from_json(records: list[Any], kinds: Mapping[str, str]) -> Prepared:
    """Decode JSON records into the service's Arrow table (records that cannot be rows aside).

    >>> prepared = records_from_json(
    ...     [{"id": "a", "timestamp": "2024-05-01T12:00:00Z", "features": {"age": 41}},
    ...      {"id": "b", "timestamp": "2024-05-01T12:00:01Z", "features": {"age": "old"}}],
    ...     {"age": "numeric"})
    >>> prepared.table.column_names, prepared.rows
    (['id', 'timestamp', 'feature.age'], (0,))
    >>> prepared.rejected[0].field, prepared.rejected[0].message
    ('features.age', "expected a number, got 'old'; send a number or null")
    """
    table = uniform_table(records, kinds)
    if table is not None:  # one type per field: read column by column
        return Prepared(table, tuple(range(len(records))), (), json=True)
    return read_each(records, kinds)


def read_each(records: list[Any], kinds: Mapping[str, str]) -> Prepared:
    """:func:`records_from_json` record by record: what it does with a batch that
    :func:`~watchkeeper.server._json_columns.uniform_table` does not read."""
    columns = _Columns()
    rows: list[int] = []
    rejected: list[RecordError] = []
    for index, record in enumerate(records):
        try:
            cells = _record_cells(record, kinds, columns)
        except _Reject as problem:
            raw_id = record.get("id") if isinstance(record, dict) else None
            rejected.append(
                RecordError(
                    index, raw_id if isinstance(raw_id, str) else None, problem.field,
                    problem.message,
                )
            )  # fmt: skip
            continue
        columns.add(cells)
        rows.append(index)
    if not rows:
        return Prepared(None, (), tuple(rejected), json=True)
    try:
        table = _json_table(columns, kinds)
    except (pa.ArrowException, OverflowError, UnicodeError) as error:
        # Integers beyond 64 bits and lone UTF-16 surrogates are valid JSON that Arrow
        # cannot hold; they are rare enough to refuse the batch rather than find the record.
        raise InputError(
            f"the batch holds a value Arrow cannot store ({error}); send integers within "
            "64 bits and text without lone surrogates"
        ) from None
    return Prepared(table, tuple(rows), tuple(rejected), json=True)


def _json_table(columns: _Columns, kinds: Mapping[str, str]) -> pa.Table:
    arrays: dict[str, pa.Array] = {
        "id": pa.nulls(columns.n, pa.string()),
        "timestamp": pa.nulls(columns.n, pa.string()),
    }
    for name, values in columns.values.items():
        values.extend([None] * (columns.n - len(values)))
        cls = columns.classes[name]
        # Class labels sent as integers stay integers, so that they equal the labels.
        if (
            name == "prediction"
            and cls == "number"
            and all(value is None or isinstance(value, int) for value in values)
        ):
            arrays[name] = pa.array(values, pa.int64())
            continue
        arrays[name] = pa.array(values, _CLASS_TYPE[cls])
    # A declared feature that no record of the batch carried is a column of nulls.
    for name, kind in kinds.items():
        column = f"feature.{name}"
        if column not in arrays:
            arrays[column] = pa.nulls(columns.n, _CLASS_TYPE[_KIND_CLASS.get(kind, "string")])
    return pa.table(arrays)


# --- Arrow and parquet bodies ---------------------------------------------------------

_RENAMES = (("features.", "feature."), ("segments.", "segment."))


def read_table_body(body: bytes, media_type: str, budget: DecodeBudget | None = None) -> pa.Table:
    """Read an Arrow IPC (stream or file) or parquet request body into a table, within
    ``budget`` (rows, decoded bytes, columns): a body past it is a
    :class:`~watchkeeper.io._bounded.DecodeLimitError` (413), a corrupt one a
    :class:`~watchkeeper.io._bounded.MalformedBodyError` (422), checked before anything
    is decompressed and batch by batch after (``validate(full=True)``)."""
    what = "parquet file" if media_type in PARQUET_MEDIA_TYPES else "Arrow IPC stream"
    if not body:
        raise InputError(f"the request body is empty; send a {what}")
    if media_type in PARQUET_MEDIA_TYPES:
        return read_parquet(body, budget)
    return read_arrow_ipc(body, budget)


def check_profile_body(body: bytes, max_bytes: int) -> None:
    """Refuse a ``.wkp`` body whose compressed payload inflates past ``max_bytes`` (413),
    before the profile reader inflates it whole."""
    from watchkeeper.profile._format import _COMPRESSED, _HEADER, MAGIC

    if len(body) < _HEADER.size or not body.startswith(MAGIC):
        return  # the profile reader says what is wrong with it
    flags = _HEADER.unpack_from(body)[2]
    if flags & _COMPRESSED:
        decompress_bounded(body[_HEADER.size :], "zlib", max_bytes)


def records_from_arrow(table: pa.Table) -> Prepared:
    """A prediction table in the service's layout: struct columns flattened and the
    ``features.``/``segments.`` prefixes renamed (``features.age`` -> ``feature.age``)."""
    if any(pa.types.is_struct(field.type) for field in table.schema):
        table = table.flatten()
    names = []
    for name in table.column_names:
        for old, new in _RENAMES:
            if name.startswith(old):
                name = new + name[len(old) :]
        names.append(name)
    if len(set(names)) != len(names):
        raise InputError(f"the body has repeated columns after flattening: {names}")
    table = table.rename_columns(names)
    return Prepared(table, tuple(range(table.num_rows)), ())
