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

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

__all__ = ["ARROW_MEDIA_TYPE", "encode_arrow"]

ARROW_MEDIA_TYPE = "application/vnd.apache.arrow.stream"
_SIMPLE = (str, int, float, bool)


def _seconds(stamp: float | datetime) -> float:
    if isinstance(stamp, datetime):
        moment = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp
        return moment.timestamp()
    return float(stamp)


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
    try:
        return _encode(pa, items)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None


def _encode(pa: Any, items: Sequence[tuple[Any, ...]]) -> bytes | None:
    n = len(items)
    # One pass for the keys: features, segment keys and class-score names.
    features: dict[str, None] = {}
    segments: dict[str, None] = {}
    classes: dict[str, None] = {}
    numeric_score = False
    for item in items:
        features.update(dict.fromkeys(item[5]))
        if item[10]:
            segments.update(dict.fromkeys(item[10]))
        score = item[7]
        if isinstance(score, Mapping):
            classes.update(dict.fromkeys(str(k) for k in score))
        elif score is not None:
            numeric_score = True
    if numeric_score and classes:
        return None
    predictions = [item[6] for item in items]
    if any(p is not None and not isinstance(p, _SIMPLE) for p in predictions):
        return None
    micros = [round(_seconds(item[4]) * 1_000_000) for item in items]
    columns: dict[str, Any] = {
        "id": pa.array([item[3] for item in items], pa.string()),
        "timestamp": pa.array(micros, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        "prediction": pa.array(predictions),
        "latency_ms": pa.array([item[8] for item in items], pa.float64(), from_pandas=True),
        "error": pa.array([bool(item[9]) for item in items], pa.bool_()),
    }
    for name in features:
        values = [item[5].get(name) for item in items]
        array = pa.array(values, from_pandas=True)
        if pa.types.is_nested(array.type) or pa.types.is_binary(array.type):
            return None
        columns[f"feature.{name}"] = array
    if numeric_score:
        columns["score"] = pa.array([item[7] for item in items], pa.float64(), from_pandas=True)
    for name in classes:
        values = [None if item[7] is None else item[7].get(name) for item in items]
        columns[f"score.{name}"] = pa.array(values, pa.float64(), from_pandas=True)
    for key in segments:
        values = [None if not item[10] else item[10].get(key) for item in items]
        array = pa.array(values)
        columns[f"segment.{key}"] = array if n == 0 else array.cast(pa.string())
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())
