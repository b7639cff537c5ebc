"""Records from the caller's objects to JSON, on the worker thread.

The caller's thread only builds a tuple (see :mod:`._client`); everything here runs on
the background thread: timestamps become ISO-8601 text in UTC, numpy scalars and arrays
become Python numbers and lists, NaN and infinity become ``null`` (a missing value:
JSON has no NaN and the server refuses it), and a value JSON cannot carry makes that one
record fail rather than the batch. The standard library's ``json`` encodes (its C
encoder takes a whole batch in one call); orjson would be faster still, but one
encoder means one behaviour to test. Frames (pandas, polars, Arrow) become rows through
Arrow, column by column.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

__all__ = [
    "LABEL",
    "PREDICTION",
    "as_table",
    "dumps",
    "encode_batch",
    "encode_label",
    "encode_prediction",
    "iso_utc",
    "rows_from_data",
    "to_jsonable",
]

PREDICTION = "p"
LABEL = "l"

# Columns of a flat row or frame that are not features.
_RECORD_COLUMNS = frozenset({"id", "timestamp", "prediction", "score", "latency_ms", "error"})


def iso_utc(value: float | datetime) -> str:
    """ISO-8601 text in UTC for seconds since the epoch or a datetime (naive means UTC).

    >>> iso_utc(0.0)
    '1970-01-01T00:00:00+00:00'
    >>> iso_utc(datetime(2024, 5, 1, 12, 30))
    '2024-05-01T12:30:00+00:00'
    """
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    else:
        moment = datetime.fromtimestamp(value, UTC)
    return moment.isoformat()


def to_jsonable(value: Any) -> Any:
    """A value JSON can carry: numpy to Python, NaN and infinity to None, arrays to lists.

    >>> import numpy as np
    >>> to_jsonable({"a": np.float32(1.5), "b": float("nan"), "c": np.arange(3)})
    {'a': 1.5, 'b': None, 'c': [0, 1, 2]}

    Raises TypeError for a value that has no JSON form (an arbitrary object).
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays, pandas Series
    if callable(tolist):
        return to_jsonable(tolist())
    raise TypeError(f"a value of type {type(value).__name__} has no JSON form")


def encode_prediction(item: tuple[Any, ...]) -> dict[str, Any]:
    """The wire form of a queued prediction tuple (see ``Client.log_prediction``).

    Values are left as given: :func:`encode_batch` makes them JSON.
    """
    _, _, _, record_id, stamp, features, prediction, score, latency, error, segment = item
    record: dict[str, Any] = {
        "id": record_id,
        "timestamp": iso_utc(stamp),
        "features": features,
        "prediction": prediction,
    }
    if score is not None:
        record["score"] = score
    if latency is not None:
        record["latency_ms"] = latency
    if error:
        record["error"] = True
    if segment:
        record["segment"] = segment
    return record


def encode_label(item: tuple[Any, ...]) -> dict[str, Any]:
    """The wire form of a queued label tuple."""
    return {"id": item[3], "label": item[4]}


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"a value of type {type(value).__name__} has no JSON form")


def dumps(obj: Any) -> bytes:
    """Compact JSON bytes; numpy values and datetimes converted, NaN refused (ValueError).

    >>> import numpy as np
    >>> dumps({"a": [1, None], "b": np.float32(0.5)})
    b'{"a":[1,null],"b":0.5}'
    """
    return json.dumps(obj, separators=(",", ":"), allow_nan=False, default=_default).encode()


def encode_batch(
    head: Mapping[str, Any], key: str, records: list[dict[str, Any]]
) -> tuple[bytes, list[dict[str, Any]], list[tuple[Any, str]]]:
    """The JSON body ``{**head, key: records}``, the records it holds, and the
    (id, reason) of each record that has no JSON form and was left out.

    The standard library's C encoder takes the batch in one call; only a batch that it
    refuses (a NaN, an object with no JSON form) is cleaned record by record, where NaN
    and infinity become null.

    >>> records = [{"id": "a", "x": float("nan")}, {"id": "b", "x": object()}]
    >>> body, kept, bad = encode_batch({"version": "v1"}, "records", records)
    >>> body
    b'{"version":"v1","records":[{"id":"a","x":null}]}'
    >>> bad
    [('b', 'a value of type object has no JSON form')]
    """
    try:
        return dumps({**head, key: records}), records, []
    except (TypeError, ValueError, OverflowError):
        pass
    clean: list[Any] = []
    kept: list[dict[str, Any]] = []
    bad: list[tuple[Any, str]] = []
    for record in records:
        try:
            clean.append(to_jsonable(record))
        except (TypeError, ValueError, OverflowError) as error:
            bad.append((record.get("id"), str(error)))
        else:
            kept.append(record)
    return dumps({**head, key: clean}), kept, bad


def as_table(data: Any) -> Any:
    """An Arrow table for a pandas or polars frame or Arrow data, else None (plain rows)."""
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and hasattr(data, "columns"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars" and hasattr(data, "to_arrow"):
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__") and hasattr(data, "columns"):
        return pa.table(data)
    return None


def _flat_row(
    columns: Sequence[str],
    values: Sequence[Any],
    feature_columns: frozenset[str] | None,
    segment_columns: frozenset[str],
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    features: dict[str, Any] = {}
    segment: dict[str, Any] = {}
    scores: dict[str, Any] = {}
    for name, value in zip(columns, values, strict=True):
        if name.startswith("feature."):
            features[name[8:]] = value
        elif name.startswith("segment."):
            segment[name[8:]] = value
        elif name.startswith("score."):
            scores[name[6:]] = value
        elif name in segment_columns:
            segment[name] = value
        elif name in _RECORD_COLUMNS:
            row[name] = value
        elif feature_columns is None or name in feature_columns:
            features[name] = value
    row["features"] = features
    if segment:
        row["segment"] = segment
    if scores and "score" not in row:
        row["score"] = scores
    return row


def rows_from_data(
    data: Any,
    *,
    feature_columns: Sequence[str] | None = None,
    segment_columns: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Record-shaped rows from a frame (pandas, polars, Arrow) or an iterable of mappings.

    A column (or a key of a flat mapping) named ``id``, ``timestamp``, ``prediction``,
    ``score``, ``latency_ms`` or ``error`` fills that field; ``score.<class>`` columns make
    the class-probability mapping, ``segment.<key>`` columns and ``segment_columns`` the
    segment, ``feature.<name>`` columns and every other column (or only
    ``feature_columns``) the features. A mapping with a ``features`` key is taken as a
    record already.

    >>> import pyarrow as pa
    >>> table = pa.table({"age": [31, 40], "prediction": [1, 0], "score.yes": [0.8, 0.3]})
    >>> rows_from_data(table)[0]
    {'prediction': 1, 'features': {'age': 31}, 'score': {'yes': 0.8}}
    """
    features = None if feature_columns is None else frozenset(feature_columns)
    segments = frozenset(segment_columns)
    table = as_table(data)
    if table is not None:
        names = [str(name) for name in table.column_names]
        columns = [column.to_pylist() for column in table.columns]
        tuples = zip(*columns, strict=True)
        return [_flat_row(names, values, features, segments) for values in tuples]
    rows: list[dict[str, Any]] = []
    for row in _iter_rows(data):
        if "features" in row:
            rows.append(dict(row))
        else:
            keys = [str(key) for key in row]
            rows.append(_flat_row(keys, list(row.values()), features, segments))
    return rows


def _iter_rows(data: Iterable[Any]) -> Iterable[Mapping[str, Any]]:
    for index, row in enumerate(data):
        if not isinstance(row, Mapping):
            raise TypeError(
                f"row {index} is a {type(row).__name__}, not a mapping; pass mappings "
                "(one per record) or a pandas/polars frame or an Arrow table"
            )
        yield row
