"""Prediction batches as Arrow IPC streams: the SDK's record-mode wire format.

The server reads an Arrow body column by column (``feature.<name>``, ``segment.<key>``,
``score`` or ``score.<class>``), where a JSON body costs a Python object per value on
both sides; the worker thread builds the columns straight from the queued tuples.
A batch whose values do not make typed columns (a feature that is a number in one
record and text in another, a list as a prediction, an object with no Arrow form) is
sent as JSON instead (:func:`encode_arrow` answers None), so the behaviour stays JSON's.
pyarrow is needed for this path only; without it the SDK sends JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

__all__ = ["ARROW_MEDIA_TYPE", "encode_arrow"]

ARROW_MEDIA_TYPE = "application/vnd.apache.arrow.stream"
# Python types whose Arrow type is taken from the first value (filled when pyarrow loads).
_TYPED: dict[type, Any] = {}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(stamp: float | datetime) -> int:
    """Microseconds since the epoch, as the JSON wire's text says them (``iso_utc``:
    whole seconds, then the fraction rounded half to even, as ``datetime.fromtimestamp``)."""
    if isinstance(stamp, datetime):
        moment = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp
        return (moment - _EPOCH) // _MICROSECOND
    whole = math.floor(stamp)
    return whole * 1_000_000 + round((stamp - whole) * 1_000_000)


def encode_arrow(items: Sequence[tuple[Any, ...]]) -> bytes | None:
    """Queued prediction tuples (one model and version) as an Arrow IPC stream, or None
    when their values do not make typed columns (then they go as JSON).

    >>> import pyarrow as pa
    >>> item = ("p", "m", "v1", "id-1", 0.0, {"age": 31}, 1, 0.8, 12.5, False, {"r": "eu"})
    >>> body = encode_arrow([item])
    >>> table = pa.ipc.open_stream(body).read_all()
    >>> table.column_names
    ['id', 'timestamp', 'prediction', 'latency_ms', 'error', 'feature.age', 'score', 'segment.r']
    >>> str(table.column("timestamp").type), table.column("feature.age").to_pylist()
    ('timestamp[us, tz=UTC]', [31])
    """
    try:
        import pyarrow as pa
    except ImportError:
        return None
    _TYPED.setdefault(float, pa.float64)
    _TYPED.setdefault(str, pa.string)
    try:
        return _encode(pa, items)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None


def _encode(pa: Any, items: Sequence[tuple[Any, ...]]) -> bytes | None:
    # One transposition in C: a tuple per field of the queued tuples (see Client.log_prediction).
    n = len(items)
    _, _, _, ids, stamps, features, predictions, scores, latencies, errors, segments = (
        zip(*items, strict=True) if n else ((),) * 11
    )
    prediction = pa.array(predictions)
    if pa.types.is_nested(prediction.type) or pa.types.is_binary(prediction.type):
        return None
    columns: dict[str, Any] = {
        "id": pa.array(ids, pa.string()),
        "timestamp": _timestamps(pa, stamps),
        "prediction": prediction,
        "latency_ms": pa.array(latencies, pa.float64(), from_pandas=True),
        "error": pa.array(list(map(bool, errors)), pa.bool_()),
    }
    for name, values in _feature_columns(features):
        array = _column(pa, values)
        if pa.types.is_nested(array.type) or pa.types.is_binary(array.type):
            return None
        columns[f"feature.{name}"] = array
    if not _score_columns(pa, scores, columns):
        return None
    if any(segments):
        keys: dict[str, None] = {}
        for segment in segments:
            if segment:
                keys.update(dict.fromkeys(segment))
        for key in keys:
            array = pa.array([None if not s else s.get(key) for s in segments])
            columns[f"segment.{key}"] = array.cast(pa.string())
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _timestamps(pa: Any, stamps: Sequence[Any]) -> Any:
    """Event times as ``timestamp[us, UTC]``, each the instant :func:`_micros` says."""
    import pyarrow.compute as pc

    try:
        # The common case: seconds since the epoch (time.time()), converted in C.
        seconds = pa.array(stamps, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        micros = pa.array([_micros(stamp) for stamp in stamps], pa.int64())
    else:
        if seconds.null_count:
            raise ValueError("a timestamp is missing")
        whole = pc.floor(seconds)
        fraction = pc.round(
            pc.multiply(pc.subtract(seconds, whole), 1_000_000.0), round_mode="half_to_even"
        )
        micros = pc.add(pc.multiply(whole, 1_000_000.0).cast(pa.int64()), fraction.cast(pa.int64()))
    return micros.cast(pa.timestamp("us", tz="UTC"))


def _feature_columns(features: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Any]]]:
    """(name, values) per feature, each column pulled in one C-level pass when every
    record has the same names (no tuple per record: they would wake the garbage
    collector, which then walks the whole queue)."""
    if not features:
        return []
    names = list(features[0])
    if sum(map(len, features)) == len(names) * len(features):
        try:
            # Each record has every name and as many names as the first: the same names.
            return [(name, list(map(itemgetter(name), features))) for name in names]
        except (KeyError, TypeError):
            pass
    every: dict[str, None] = {}
    for record in features:
        every.update(dict.fromkeys(record))
    return [(name, [record.get(name) for record in features]) for name in every]


def _column(pa: Any, values: list[Any]) -> Any:
    """An Arrow array of ``values``, NaN as null; typed when the first value says float
    or text (the inference Arrow would do gives the same array, at four times the cost)."""
    first = next((value for value in values if value is not None), None)
    kind = _TYPED.get(type(first))
    if kind is not None:
        try:
            return pa.array(values, kind(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            pass  # mixed values: inference says what they make (or refuses them)
    return pa.array(values, from_pandas=True)


def _score_columns(pa: Any, scores: Sequence[Any], columns: dict[str, Any]) -> bool:
    """Add ``score`` (numbers) or ``score.<class>`` (mappings); False when they are mixed."""
    if scores.count(None) == len(scores):
        return True
    try:
        columns["score"] = pa.array(scores, pa.float64(), from_pandas=True)
        return True
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass
    if not all(score is None or isinstance(score, Mapping) for score in scores):
        return False
    classes: dict[str, None] = {}
    for score in scores:
        if score:
            classes.update(dict.fromkeys(str(k) for k in score))
    for name in classes:
        values = [None if s is None else s.get(name) for s in scores]
        columns[f"score.{name}"] = pa.array(values, pa.float64(), from_pandas=True)
    return True
