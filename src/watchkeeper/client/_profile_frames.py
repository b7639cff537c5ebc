"""Profile mode's ``log_predictions`` of a frame: one queue entry, columns all the way.

In profile mode ``Client.log_predictions(frame)`` (pandas, polars, Arrow) puts the
whole Arrow table on the queue as one entry (:class:`Frame`); the background thread
reads the reference's columns straight from Arrow into numpy (no Python object per
value), the window starts from the ``timestamp`` column, the segments from the
``segment.<key>`` columns and ``segment_columns``, and files the rows as
:meth:`~._profile_mode.ProfileSink.route` files single predictions. The caller's cost
per row is its id (the ``id`` column, or one of the client's) and nothing else.

The columns mean what they mean for :func:`~._encode.rows_from_data`. A frame whose
``timestamp`` column is neither a timestamp nor a number of seconds takes the row path
(decided on the caller's thread), as does a version sent as records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper.client._profile_columns import Columns, segment_text

__all__ = [
    "Frame",
    "frame_columns",
    "frame_ok",
    "frame_rows",
    "segment_texts",
    "segment_values",
    "window_micros",
]

_NOT_FEATURES = frozenset(
    {"id", "timestamp", "prediction", "score", "latency_ms", "error", "label"}
)


@dataclass(frozen=True)
class Frame:
    """A frame of predictions logged at ``logged_at`` (seconds), with their ids."""

    table: pa.Table
    ids: list[str]
    logged_at: float
    feature_columns: tuple[str, ...] | None
    segment_columns: tuple[str, ...]


def frame_ok(table: pa.Table) -> bool:
    """Whether the frame path takes this table (else the row path does)."""
    if "timestamp" not in table.column_names:
        return True
    kind = table.schema.field("timestamp").type
    return bool(
        pa.types.is_timestamp(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind)
    )


def _feature(frame: Frame, name: str) -> pa.ChunkedArray | None:
    table = frame.table
    allowed = frame.feature_columns
    for column in (f"feature.{name}", name):
        if column in table.column_names and (
            column != name or (name not in _NOT_FEATURES and (allowed is None or name in allowed))
        ):
            return table.column(column)
    return None


def _floats(column: pa.ChunkedArray | None, n: int, fill: float) -> npt.NDArray[np.float64]:
    if column is None:
        return np.full(n, fill, dtype=np.float64)
    values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=np.float64)


def window_micros(frame: Frame) -> npt.NDArray[np.int64]:
    """Each row's time in microseconds since the epoch (the log call's for none)."""
    table, n = frame.table, frame.table.num_rows
    logged = int(frame.logged_at * 1_000_000)
    if "timestamp" not in table.column_names:
        return np.full(n, logged, dtype=np.int64)
    column = table.column("timestamp")
    if pa.types.is_timestamp(column.type):
        micros = pc.cast(column, pa.timestamp("us", column.type.tz), safe=False).cast(pa.int64())
        return np.asarray(pc.fill_null(micros, logged).to_numpy(), dtype=np.int64)
    seconds = _floats(column, n, np.nan)
    micros = np.where(np.isnan(seconds), logged / 1e6, seconds)
    return (micros * 1_000_000).astype(np.int64)


def segment_values(frame: Frame) -> tuple[list[str], list[Any]]:
    """The segment keys and each row's values (a tuple per row; () without segments)."""
    table = frame.table
    keys: list[str] = []
    columns: list[list[Any]] = []
    for name in table.column_names:
        key = name[8:] if name.startswith("segment.") else name
        if name.startswith("segment.") or name in frame.segment_columns:
            keys.append(key)
            columns.append(table.column(name).to_pylist())
    if not keys:
        return [], [()] * table.num_rows
    return keys, list(zip(*columns, strict=True))


def segment_texts(keys: list[str], values: list[Any]) -> tuple[list[str], list[int] | None]:
    """The distinct segment texts and each row's index among them (None: all the first)."""
    distinct = dict.fromkeys(values)
    texts = {v: segment_text(dict(zip(keys, v, strict=True))) for v in distinct}
    index = {text: code for code, text in enumerate(dict.fromkeys(texts.values()))}
    if len(index) == 1:
        return list(index), None
    code_of = {value: index[text] for value, text in texts.items()}
    return list(index), list(map(code_of.__getitem__, values))


def _series(table: pa.Table, series: str) -> dict[str, npt.NDArray[np.float64]]:
    names, n = table.column_names, table.num_rows
    if series == "prediction" or "score" in names:
        name = "prediction" if series == "prediction" else "score"
        return {} if name not in names else {"": _floats(table.column(name), n, np.nan)}
    classes = [name for name in names if name.startswith("score.")]
    return {name[6:]: _floats(table.column(name), n, np.nan) for name in classes}


def frame_columns(
    frame: Frame, kinds: dict[str, str], series: str | None = None, *, predicted: bool = False
) -> Columns:
    """The frame as :class:`~._profile_columns.Columns` on the reference's columns;
    with ``predicted``, every row's prediction and label too (the bias counters)."""
    table, n = frame.table, frame.table.num_rows
    numeric = [name for name, kind in kinds.items() if kind == "numeric"]
    matrix = np.empty((n, len(numeric)), dtype=np.float64)
    for position, name in enumerate(numeric):
        matrix[:, position] = _floats(_feature(frame, name), n, np.nan)
    others: dict[str, list[Any]] = {}
    for name, kind in kinds.items():
        if kind != "numeric":
            column = _feature(frame, name)
            others[name] = [None] * n if column is None else column.to_pylist()
    names = table.column_names
    errors = np.zeros(n, dtype=np.bool_)
    if "error" in names:
        errors = np.asarray(pc.fill_null(table.column("error"), False).to_numpy(), dtype=np.bool_)
    where: list[int] = []
    labels: list[Any] = []
    predictions: list[Any] = []
    scores: list[Any] = []
    if "label" in names:
        every = table.column("label").to_pylist()
        where = [i for i, label in enumerate(every) if label is not None]
        labels = [every[i] for i in where]
        column = table.column("prediction").to_pylist() if "prediction" in names else [None] * n
        predictions = [column[i] for i in where]
        every_score = _scores(table)
        scores = [every_score[i] for i in where]
    return Columns(
        n=n,
        numeric=matrix,
        others=others,
        latency=_floats(table.column("latency_ms") if "latency_ms" in names else None, n, np.nan),
        errors=errors,
        labelled=np.asarray(where, dtype=np.intp),
        labels=labels,
        predictions=predictions,
        scores=scores,
        series={} if series is None else _series(table, series),
        predicted=_every(table, "prediction") if predicted else None,
        truth=_every(table, "label") if predicted else None,
    )


def _every(table: pa.Table, name: str) -> list[Any]:
    """Every row's value of ``name`` (None where the frame has no such column)."""
    if name not in table.column_names:
        return [None] * table.num_rows
    return list(table.column(name).to_pylist())


def _scores(table: pa.Table) -> list[Any]:
    if "score" in table.column_names:
        return list(table.column("score").to_pylist())
    classes = [name for name in table.column_names if name.startswith("score.")]
    if not classes:
        return [None] * table.num_rows
    columns = [table.column(name).to_pylist() for name in classes]
    keys = [name[6:] for name in classes]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def frame_rows(item: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """A frame entry as the prediction tuples of the row path (a version sent as
    records); labelled rows get the label after the 11 fields."""
    from watchkeeper.client._encode import rows_from_data

    frame: Frame = item[5]
    rows = rows_from_data(
        frame.table, feature_columns=frame.feature_columns, segment_columns=frame.segment_columns
    )
    labels: Sequence[Any] = (
        frame.table.column("label").to_pylist()
        if "label" in frame.table.column_names
        else [None] * len(rows)
    )
    out: list[tuple[Any, ...]] = []
    for record_id, row, label in zip(frame.ids, rows, labels, strict=True):
        features = row.get("features") or {}
        features.pop("label", None)
        stamp = row.get("timestamp")
        entry = (item[0], item[1], item[2], record_id,
                 frame.logged_at if stamp is None else stamp, features, row.get("prediction"),
                 row.get("score"), row.get("latency_ms"), bool(row.get("error")),
                 row.get("segment"))  # fmt: skip
        out.append(entry if label is None else (*entry, label))
    return out
