"""JSON prediction bodies, fast: decoding with msgspec and a batch read column by column.

:func:`decode_body` decodes with msgspec (about four times the standard library's
speed) and falls back to the standard library's marking decoder
(:func:`watchkeeper._json.loads_marking`) for anything msgspec refuses: NaN and
infinities (which the marking decoder turns into markers so that the record is refused
on its own), lone surrogates, a byte-order mark, and text that is not JSON at all, whose
error message therefore stays the standard library's. Where msgspec succeeds the values
are the standard library's (integers of any size stay integers; see
tests/server/test_json_columns.py).

:func:`uniform_table` reads a batch whose every value has the type its column needs
(the common case: one type per field, as any program that writes JSON sends) with one
C-level pass per column instead of Python code per value, and answers None for any
other batch, which :func:`watchkeeper.server._records.records_from_json` then reads
record by record to say which record is wrong and why. For the batches it reads, the
table equals what the record-by-record reader builds (same columns, types and values).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain, repeat
from typing import Any

import msgspec
import pyarrow as pa

from watchkeeper._json import loads_marking

__all__ = ["decode_body", "uniform_table"]

_DECODER = msgspec.json.Decoder()

_FIELDS = frozenset({"id", "timestamp", "features", "prediction", "score", "latency_ms",
                     "error", "segment"})  # fmt: skip
_EMPTY: dict[str, Any] = {}
_NONE = type(None)
_NUMBER = frozenset({int, float})
_ARROW = {"number": pa.float64(), "bool": pa.bool_(), "string": pa.string()}
_KIND_CLASS = {"numeric": "number", "boolean": "bool"}


def decode_body(body: bytes) -> Any:
    """A JSON body decoded as :func:`~watchkeeper._json.loads_marking` decodes it.

    >>> decode_body(b'{"a": [1, 2.5, "x", null]}')
    {'a': [1, 2.5, 'x', None]}
    >>> decode_body(b'{"a": NaN}')
    {'a': NonFinite('NaN')}
    """
    try:
        return _DECODER.decode(body)
    except msgspec.DecodeError:  # (ValidationError, for 1e999, is one too)
        return loads_marking(body)


def _class(values: list[Any]) -> str | None:
    """The one JSON class of the non-null ``values``: number, bool, string; '' when all
    are null; None when they mix classes or hold anything else (objects, lists, markers)."""
    types = set(map(type, values))
    types.discard(_NONE)
    if not types:
        return ""
    if types <= _NUMBER:
        return "number"
    if types == {bool}:
        return "bool"
    if types == {str}:
        return "string"
    return None


def _column(records: list[Any], field: str, default: Any = None) -> list[Any]:
    return list(map(dict.get, records, repeat(field), repeat(default)))


def _mappings(values: list[Any]) -> list[tuple[str, list[Any]]] | None:
    """The columns of a list of objects (an absent key reads as null); None unless
    every value is an object."""
    if set(map(type, values)) != {dict}:
        return None
    names = dict.fromkeys(chain.from_iterable(values))
    return [(name, _column(values, name)) for name in names]


def uniform_table(records: list[Any], kinds: Mapping[str, str]) -> pa.Table | None:
    """The service's Arrow table for JSON ``records`` whose fields each hold one type
    (None for any other batch: read it record by record).

    >>> table = uniform_table([{"id": "a", "timestamp": "2024-05-01T12:00:00Z",
    ...                         "features": {"age": 41}, "prediction": 1}], {"age": "numeric"})
    >>> table.column_names, table.column("feature.age").type, table.column("prediction").type
    (['id', 'timestamp', 'feature.age', 'prediction'], DataType(double), DataType(int64))
    >>> uniform_table([{"id": "a", "features": {"age": "old"}}], {"age": "numeric"}) is None
    True
    """
    if set(map(type, records)) != {dict}:
        return None
    present = set(chain.from_iterable(records))
    if not present <= _FIELDS:
        return None
    # (name, values, class) in the order of the record-by-record reader's cells.
    cells: list[tuple[str, list[Any], str]] = []
    for field in ("id", "timestamp"):
        values = _column(records, field)
        if _class(values) not in ("string", ""):
            return None
        cells.append((field, values, "string"))
    for prefix, field, ok in (("feature.", "features", None), ("segment.", "segment", "string")):
        columns = _mappings(_column(records, field, _EMPTY)) if field in present else []
        if columns is None:
            return None
        for name, values in columns:
            cls = _class(values)
            declared = _KIND_CLASS.get(kinds.get(name, "")) if field == "features" else ok
            if cls is None or (cls and declared is not None and cls != declared):
                return None
            if cls:
                cells.append((prefix + name, values, cls))
    if "prediction" in present:
        values = _column(records, "prediction")
        cls = _class(values)
        if cls is None:
            return None
        if cls:
            cells.append(("prediction", values, cls))
    if "score" in present:
        scores = _column(records, "score")
        cls = _class(scores)
        if cls == "number":
            cells.append(("score", scores, "number"))
        elif cls:
            return None  # booleans or text: the record-by-record reader refuses them
        elif cls is None:
            columns = _mappings([s for s in scores if s is not None])
            if columns is None:
                return None
            for label, _ in columns:
                values = [None if s is None else s.get(label) for s in scores]
                cls = _class(values)
                if cls not in ("number", ""):
                    return None
                if cls:
                    cells.append((f"score.{label}", values, "number"))
    for field, expected in (("latency_ms", "number"), ("error", "bool")):
        if field in present:
            values = _column(records, field)
            cls = _class(values)
            if cls not in (expected, ""):
                return None
            if cls:
                cells.append((field, values, cls))
    try:
        return _table(cells, kinds, len(records))
    except (pa.ArrowException, OverflowError, UnicodeError):
        return None  # the record-by-record reader says what Arrow could not hold


def _first(values: list[Any]) -> int:
    return next((i for i, value in enumerate(values) if value is not None), len(values))


def _table(cells: list[tuple[str, list[Any], str]], kinds: Mapping[str, str], n: int) -> pa.Table:
    arrays: dict[str, pa.Array] = {}
    # A column is made when its first non-null value is read, record after record.
    # (id and timestamp come first whatever they hold).
    order = sorted(
        range(len(cells)), key=lambda i: (0, i) if i < 2 else (_first(cells[i][1]) + 1, i)
    )
    for i in order:
        name, values, cls = cells[i]
        if name == "prediction" and cls == "number" and float not in set(map(type, values)):
            # Class labels sent as integers stay integers, so that they equal the labels.
            arrays[name] = pa.array(values, pa.int64())
        else:
            arrays[name] = pa.array(values, _ARROW[cls])
    for name, kind in kinds.items():
        column = f"feature.{name}"
        if column not in arrays:
            arrays[column] = pa.nulls(n, _ARROW[_KIND_CLASS.get(kind, "string")])
    return pa.table(arrays)
