"""Validation of a batch of prediction records (the one validator: the server only
decodes bodies into the Arrow layout below), and its shape for the store.

A record is rejected on its own (with the field and the fix) when its id or
timestamp is missing, a feature is unknown to the model's schema or of the wrong
type, or a number is NaN or infinite; the others are accepted. A problem with a
whole column (an unknown field name, a type that no record could satisfy) is an
:class:`~watchkeeper._exceptions.InputError` for the batch.

Features travel to the store as Arrow IPC, one blob per batch and window, so that
ingestion is one index insert per record and closing a window is one read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import InputError
from watchkeeper.service._results import RecordError

__all__ = [
    "FEATURE_PREFIX",
    "NOT_FINITE",
    "SEGMENT_PREFIX",
    "PreparedBatch",
    "expected_message",
    "feature_kinds",
    "prepare_batch",
    "table_to_ipc",
]

FEATURE_PREFIX = "feature."
SEGMENT_PREFIX = "segment."
SCORE_PREFIX = "score."
ATTRIBUTION_PREFIX = "attribution."
_PLAIN = ("id", "timestamp", "prediction", "score", "latency_ms", "error")
_MAX_ID = 200
_KINDS = ("numeric", "categorical", "boolean", "text")
_UTC_US = pa.timestamp("us", tz="UTC")
NOT_FINITE = "is NaN or infinite; send null for a missing value"
_EXPECTED = {
    "number": ("a number", "send a number or null"),
    "bool": ("true or false", "send a boolean or null"),
    "string": ("a string", "send text"),
}


def expected_message(expected: str, value: Any) -> str:
    """The one wording for a value of the wrong type (``expected``: number, bool, string).

    >>> expected_message("number", "old")
    "expected a number, got 'old'; send a number or null"
    """
    word, fix = _EXPECTED[expected]
    return f"expected {word}, got {value!r}; {fix}"


def feature_kinds(schema: Mapping[str, Any] | None) -> dict[str, str]:
    """The declared kind of each feature of a model's schema (empty: not declared).

    A schema is ``{"features": {name: kind}}`` (kind one of numeric, categorical,
    boolean, text, or ``{"kind": ...}``), optionally with ``classes`` and others; or,
    the short form, the ``{name: kind}`` mapping itself (entries that are not kinds,
    such as ``"segments": [...]``, are skipped).

    >>> feature_kinds({"features": {"age": "numeric", "plan": {"kind": "categorical"}}})
    {'age': 'numeric', 'plan': 'categorical'}
    >>> feature_kinds({"age": "numeric", "segments": ["region"]})
    {'age': 'numeric'}
    >>> feature_kinds(None)
    {}
    """
    schema = schema or {}
    features = schema.get("features")
    if features is None:
        features = {
            name: entry
            for name, entry in schema.items()
            if isinstance(entry, str) or (isinstance(entry, Mapping) and "kind" in entry)
        }
    if not isinstance(features, Mapping):
        raise InputError(
            "schema 'features' must map feature names to kinds, e.g. "
            '{"features": {"age": "numeric", "plan": "categorical"}}'
        )
    kinds: dict[str, str] = {}
    for name, entry in features.items():
        kind = entry.get("kind") if isinstance(entry, Mapping) else entry
        kind = kind.lower() if isinstance(kind, str) else kind
        if kind not in _KINDS:
            raise InputError(
                f"schema feature {name!r} has kind {kind!r}; use one of {', '.join(_KINDS)}"
            )
        kinds[str(name)] = str(kind)
    return kinds


@dataclass
class PreparedBatch:
    """A validated batch: store rows of the accepted records and their features."""

    rows: list[tuple[Any, ...]]
    features: pa.Table  # id, window_start, segment, then one column per feature
    rejected: list[RecordError]
    duplicates_in_batch: int


class _Problems:
    """The first problem of each record; later problems of a rejected record are moot."""

    def __init__(self, ids: list[Any]) -> None:
        self.ids = ids
        self.bad = np.zeros(len(ids), dtype=bool)
        self.errors: dict[int, RecordError] = {}

    def add(self, mask: np.ndarray[Any, Any], field: str, message: Any) -> None:
        """Reject the records of ``mask``; ``message`` is text or a function of the index."""
        if not mask.any():  # the common case, checked once a column
            return
        for index in np.flatnonzero(mask & ~self.bad):
            text = message(int(index)) if callable(message) else message
            raw = self.ids[index]
            self.errors[int(index)] = RecordError(
                int(index), None if raw in (None, "") else str(raw), field, text
            )
        self.bad |= mask


def _present(column: pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """Which values of ``column`` are not null (without a compute call when none is)."""
    if not column.null_count:
        return np.ones(len(column), dtype=bool)
    return _mask(pc.is_valid(column))


def _mask(array: pa.ChunkedArray | pa.Array) -> np.ndarray[Any, Any]:
    if array.null_count:  # (fill_null costs more than the rest when there is nothing to fill)
        array = pc.fill_null(array, False)
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _not_finite(column: pa.ChunkedArray) -> np.ndarray[Any, Any]:
    if not pa.types.is_floating(column.type):
        return np.zeros(len(column), dtype=bool)
    return np.asarray(~_mask(pc.is_finite(column)) & _mask(pc.is_valid(column)), dtype=bool)


def _check_numbers(column: pa.ChunkedArray, field: str, problems: _Problems) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_null(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        return column.cast(pa.float64())
    if not pa.types.is_floating(kind):
        values = column.to_pylist()
        problems.add(
            _mask(pc.is_valid(column)), field, lambda i: expected_message("number", values[i])
        )
        return pa.nulls(len(column), pa.float64())
    # Nulls read as NaN here; the common all-finite column costs one numpy pass.
    values = np.asarray(column.to_numpy(), dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        problems.add(~finite & _present(column), field, NOT_FINITE)
    return column if kind == pa.float64() else column.cast(pa.float64())


def _check_feature(
    name: str, column: pa.ChunkedArray, kind: str | None, problems: _Problems
) -> pa.ChunkedArray:
    field = FEATURE_PREFIX + name
    values_type = column.type
    if kind == "numeric" or (
        kind is None and (pa.types.is_floating(values_type) or pa.types.is_integer(values_type))
    ):
        return _check_numbers(column, field, problems)
    if kind == "boolean" and not (
        pa.types.is_boolean(values_type) or pa.types.is_null(values_type)
    ):
        values = column.to_pylist()
        problems.add(_present(column), field, lambda i: expected_message("bool", values[i]))
    if kind in ("categorical", "text") and pa.types.is_floating(values_type):
        problems.add(_not_finite(column) | _mask(pc.is_nan(column)), field, NOT_FINITE)
    nested = pa.types.is_nested(values_type) or pa.types.is_binary(values_type)
    if nested or pa.types.is_temporal(values_type):
        problems.add(
            _present(column),
            field,
            f"has type {values_type}, which a feature cannot be; send a number, text or boolean",
        )
    return column


_MISSING_TIME = "is missing; send ISO-8601 with a zone, e.g. 2024-05-01T12:00:00Z"


def _timestamps(column: pa.ChunkedArray, problems: _Problems) -> np.ndarray[Any, Any]:
    """Event times as int64 microseconds since the epoch (0 where rejected)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        try:
            # Arrow parses ISO-8601 and refuses text without a zone; a batch it refuses
            # is read row by row below, to say which records and why.
            column = column.cast(_UTC_US)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _parse_each(column.to_pylist(), problems)
    if pa.types.is_timestamp(column.type):
        if column.type.tz is None:
            raise InputError(
                "column 'timestamp' has no time zone; write it as timestamp[us, tz=UTC] "
                "(pandas: .dt.tz_localize('UTC'))"
            )
        as_us = pc.cast(column, pa.timestamp("us", tz=column.type.tz), safe=False)
        micros = pc.cast(as_us, pa.int64())
        problems.add(~_mask(pc.is_valid(micros)), "timestamp", _MISSING_TIME)
        return np.asarray(pc.fill_null(micros, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    raise InputError(
        f"column 'timestamp' has type {column.type}; send ISO-8601 text or timestamp[us, tz=UTC]"
    )


def _parse_each(texts: list[str | None], problems: _Problems) -> np.ndarray[Any, Any]:
    out = np.zeros(len(texts), dtype=np.int64)
    bad = np.zeros(len(texts), dtype=bool)
    reasons: dict[int, str] = {}
    for i, text in enumerate(texts):
        if text is None:
            bad[i], reasons[i] = True, _MISSING_TIME
            continue
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            bad[i] = True
            reasons[i] = f"{text!r} is not ISO-8601; send e.g. 2024-05-01T12:00:00Z"
            continue
        if moment.tzinfo is None:
            bad[i], reasons[i] = True, f"{text!r} has no time zone; add Z or +00:00"
            continue
        out[i] = round(moment.timestamp() * 1_000_000)
    problems.add(bad, "timestamp", lambda i: reasons[i])
    return out


def _json_texts(column: pa.ChunkedArray, field: str, problems: _Problems) -> list[str | None]:
    """Predictions as JSON text (numbers and booleans through Arrow, text through json)."""
    if pa.types.is_nested(column.type) or pa.types.is_binary(column.type):
        raise InputError(
            f"column {field!r} has type {column.type}; a {field} is a number, text or boolean"
        )
    if pa.types.is_floating(column.type):
        problems.add(_mask(pc.is_nan(column)) | _not_finite(column), field, NOT_FINITE)
    if pa.types.is_integer(column.type) or pa.types.is_boolean(column.type):
        # Arrow writes integers as Python's str() and booleans as JSON's true/false.
        return list(column.cast(pa.string()).to_pylist())
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return _each(_JSON_TEXT, column.to_pylist())
    if pa.types.is_floating(column.type):
        return _each(float.__repr__, column.to_pylist())
    if pa.types.is_null(column.type):
        return [None] * len(column)
    return [None if v is None else json.dumps(str(v)) for v in column.to_pylist()]


# json.dumps(text) without the call's overhead: the same quoted, escaped ASCII.
_JSON_TEXT = json.encoder.encode_basestring_ascii


def _each(function: Any, values: list[Any]) -> list[Any]:
    """``function`` of each value, None kept (one C-level pass when there is no None)."""
    if None not in values:
        return list(map(function, values))
    return [None if v is None else function(v) for v in values]


def _check_columns(table: pa.Table) -> None:
    for name in table.column_names:
        prefixes = (FEATURE_PREFIX, SEGMENT_PREFIX, SCORE_PREFIX, ATTRIBUTION_PREFIX)
        if name in _PLAIN or name.startswith(prefixes):
            continue
        raise InputError(
            f"column {name!r} is not a record field; send features as 'feature.<name>', "
            f"segments as 'segment.<key>', class scores as 'score.<class>', "
            f"attributions as 'attribution.<feature>' "
            f"(fields: {', '.join(_PLAIN)})"
        )
    for required in ("id", "timestamp"):
        if required not in table.column_names:
            raise InputError(
                f"records have no {required!r}; every record needs an id (a unique string) "
                "and a timestamp (ISO-8601, UTC)"
            )


def _ids(column: pa.ChunkedArray, problems: _Problems) -> list[Any]:
    if pa.types.is_integer(column.type):
        column = column.cast(pa.string())
    elif not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        if not pa.types.is_null(column.type):
            raise InputError(f"column 'id' has type {column.type}; send ids as strings")
        column = column.cast(pa.string())
    ids: list[Any] = list(column.to_pylist())
    problems.ids = ids
    empty = ~_mask(pc.is_valid(column)) | _mask(pc.equal(column, ""))
    problems.add(empty, "id", "is missing; give every record a unique string id")
    lengths = _mask(pc.greater(pc.utf8_length(column), _MAX_ID))
    problems.add(lengths, "id", f"is longer than {_MAX_ID} characters; use a shorter id")
    return ids


def _segments(table: pa.Table, keep: np.ndarray[Any, Any]) -> list[str]:
    names = sorted(n for n in table.column_names if n.startswith(SEGMENT_PREFIX))
    n = int(keep.sum())
    if not names:
        return [""] * n
    # Booleans read as 'true'/'false', as JSON writes them.
    columns = [
        (name[len(SEGMENT_PREFIX) :], table.column(name).filter(keep).cast(pa.string()).to_pylist())
        for name in names
    ]
    out = []
    for i in range(n):
        out.append(
            ",".join(f"{key}={values[i]}" for key, values in columns if values[i] is not None)
        )
    return out


def prepare_batch(
    table: pa.Table,
    *,
    kinds: Mapping[str, str],
    model: str,
    window_us: int,
) -> PreparedBatch:
    """Validate ``table`` and shape it for the store.

    The columns are ``id``, ``timestamp`` (``timestamp[us, UTC]`` or ISO-8601 text),
    ``prediction``, ``score`` or ``score.<class>``, ``latency_ms``, ``error``,
    ``segment.<key>``, ``feature.<name>`` and ``attribution.<feature>`` (a per-record
    attribution, e.g. a SHAP value; kept beside the features) (docs/server.md).

    >>> import pyarrow as pa
    >>> from datetime import UTC, datetime
    >>> t = pa.table({"id": ["a", "b", "a"],
    ...               "timestamp": pa.array([datetime(2024, 1, 1, 10, 30, tzinfo=UTC)] * 3,
    ...                                     pa.timestamp("us", tz="UTC")),
    ...               "feature.age": [31.0, float("nan"), 31.0], "prediction": [1, 0, 1]})
    >>> batch = prepare_batch(t, kinds={"age": "numeric"}, model="m", window_us=3_600_000_000)
    >>> len(batch.rows), batch.duplicates_in_batch, batch.rejected[0].field
    (1, 1, 'feature.age')
    """
    _check_columns(table)
    n = table.num_rows
    problems = _Problems([None] * n)
    ids = _ids(table.column("id"), problems)
    micros = _timestamps(table.column("timestamp"), problems)
    feature_columns: dict[str, pa.ChunkedArray] = {}
    for name in table.column_names:
        if not name.startswith(FEATURE_PREFIX):
            continue
        feature = name[len(FEATURE_PREFIX) :]
        column = table.column(name)
        if kinds and feature not in kinds:
            problems.add(
                _mask(pc.is_valid(column)),
                name,
                f"is not in model {model!r}'s schema (features: {', '.join(sorted(kinds))}); "
                "add it to the schema or stop sending it",
            )
            continue
        feature_columns[feature] = _check_feature(feature, column, kinds.get(feature), problems)
    score = None
    if "score" in table.column_names:
        score = _check_numbers(table.column("score"), "score", problems)
    class_scores = {
        name[len(SCORE_PREFIX) :]: _check_numbers(table.column(name), name, problems)
        for name in table.column_names
        if name.startswith(SCORE_PREFIX)
    }
    attributions = {
        name: _check_numbers(table.column(name), name, problems)
        for name in table.column_names
        if name.startswith(ATTRIBUTION_PREFIX)
    }
    latency = None
    if "latency_ms" in table.column_names:
        latency = _check_numbers(table.column("latency_ms"), "latency_ms", problems)
        negative = _mask(pc.less(latency, 0))
        problems.add(negative, "latency_ms", "is negative; send the duration in milliseconds")
    predictions = (
        _json_texts(table.column("prediction"), "prediction", problems)
        if "prediction" in table.column_names
        else [None] * n
    )
    errors = [False] * n
    if "error" in table.column_names:
        column = table.column("error")
        if pa.types.is_integer(column.type) or pa.types.is_null(column.type):
            column = column.cast(pa.bool_())
        if not pa.types.is_boolean(column.type):
            raise InputError(f"column 'error' has type {column.type}; send true or false")
        errors = list(pc.fill_null(column, False).to_pylist())

    # Later copies of an id in the same batch are duplicates, like ids already stored.
    keep = ~problems.bad
    duplicates = 0
    if not keep.all() or len(set(ids)) != n:
        seen: set[str] = set()
        for i in np.flatnonzero(keep):
            if ids[i] in seen:
                keep[i] = False
                duplicates += 1
            else:
                seen.add(ids[i])
    every = bool(keep.all())  # the common batch: no list is filtered, nothing copied

    def kept_of(column: pa.ChunkedArray) -> list[Any]:
        return list((column if every else column.filter(keep)).to_pylist())

    window_starts = micros - np.mod(micros, window_us)
    kept = np.flatnonzero(keep)
    segments = _segments(table, keep)
    scores_f = kept_of(score) if score is not None else [None] * len(kept)
    latency_f = kept_of(latency) if latency is not None else [None] * len(kept)
    class_lists = {k: kept_of(v) for k, v in class_scores.items()}
    kept_list = kept.tolist()
    kept_ids = ids if every else [ids[i] for i in kept_list]
    if class_lists:
        scores_json: list[str | None] = [
            json.dumps({k: v[p] for k, v in class_lists.items() if v[p] is not None})
            for p in range(len(kept_list))
        ]
    else:
        scores_json = [None] * len(kept_list)
    rows: list[tuple[Any, ...]] = list(
        zip(
            kept_ids,
            (micros if every else micros[kept]).tolist(),
            (window_starts if every else window_starts[kept]).tolist(),
            segments,
            predictions if every else [predictions[i] for i in kept_list],
            scores_f,
            scores_json,
            latency_f,
            errors if every else [errors[i] for i in kept_list],
            strict=True,
        )
    )
    mask = pa.array(keep)
    features = pa.table(
        {
            "id": pa.array(kept_ids, pa.string()),
            "window_start": pa.array(window_starts[kept], pa.int64()),
            "segment": pa.array(segments, pa.string()),
            **{name: c if every else c.filter(mask) for name, c in feature_columns.items()},
            **{name: c if every else c.filter(mask) for name, c in attributions.items()},
        }
    )
    rejected = [problems.errors[i] for i in sorted(problems.errors)]
    return PreparedBatch(rows, features, rejected, duplicates)


def table_to_ipc(table: pa.Table) -> bytes:
    """``table`` as Arrow IPC stream bytes (what the store keeps per batch and window)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def ipc_to_table(blobs: Sequence[bytes]) -> pa.Table | None:
    """The tables of several IPC blobs, concatenated (None when there are none)."""
    tables = [pa.ipc.open_stream(pa.py_buffer(blob)).read_all() for blob in blobs]
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")
