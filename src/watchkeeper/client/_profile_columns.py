"""A drained batch of prediction tuples as columns, grouped by window and segment.

The worker thread of profile mode (:mod:`._profile_mode`) gets the caller's tuples
in batches. Everything here takes a whole batch at once: the tuples' fields are
gathered by ``operator.itemgetter`` in C, the numeric features become one float
matrix through ``struct`` (a batch of 20 features costs about 0.5 us a row instead of
the 1.3 us of ``numpy.array`` on a list of tuples), window starts are computed by numpy
over the batch's timestamps, and the rows are grouped by (window, segment) once per
batch by sorting a code per row. The per-row Python work left is none in the usual
case (float timestamps, dict features with the reference's numeric columns, segments
as dicts or None).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Columns", "group_rows", "grouped", "segment_text", "window_starts"]

FEATURES = itemgetter(5)
PREDICTION = itemgetter(6)
SCORE = itemgetter(7)
LATENCY = itemgetter(8)
ERROR = itemgetter(9)
SEGMENT = itemgetter(10)
STAMP = itemgetter(4)
LABEL = itemgetter(11)

_SEGMENTS: dict[tuple[Any, ...], str] = {}


def segment_text(segment: Any) -> str:
    """As the server files records: key=value sorted by key, booleans as true/false,
    None values left out (memoised: a service has few segments)."""
    if not segment:
        return ""
    try:
        key = tuple(segment.items())
        found = _SEGMENTS.get(key)
    except TypeError:  # a value that cannot be hashed
        return _segment_text(segment)
    if found is None:
        found = _segment_text(segment)
        if len(_SEGMENTS) < 10_000:
            _SEGMENTS[key] = found
    return found


def _segment_text(segment: Mapping[str, Any]) -> str:
    parts = []
    for key in sorted(segment):
        value = segment[key]
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        parts.append(f"{key}={text}")
    return ",".join(parts)


def _micros(stamp: float | datetime) -> int:
    if isinstance(stamp, datetime):
        moment = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp
        return int(moment.timestamp() * 1_000_000)
    return int(stamp * 1_000_000)


def window_starts(stamps: list[Any], window_us: int) -> npt.NDArray[np.int64]:
    """The start (microseconds since the epoch) of each stamp's window: numpy over
    seconds as numbers, one Python call per stamp for datetimes. The microseconds are
    ``int(seconds * 1_000_000)`` as for a single stamp (both truncate the same double)."""
    try:  # struct reads a list of floats twice as fast as numpy.array
        seconds = np.frombuffer(struct.pack(f"{len(stamps)}d", *stamps), dtype=np.float64)
    except (TypeError, struct.error):
        micros = np.array([_micros(stamp) for stamp in stamps], dtype=np.int64)
    else:
        if not np.isfinite(seconds).all():
            raise ValueError("a prediction's timestamp is not a finite number of seconds")
        micros = (seconds * 1_000_000).astype(np.int64)
    return micros - micros % window_us


def _segment_codes(segments: list[Any]) -> tuple[list[str], list[int] | None]:
    """The distinct segment texts of a batch and each row's index among them (None when
    every row has the first)."""
    first = segments[0]
    if segments.count(first) == len(segments):  # identity first: one shared dict is fast
        return [segment_text(first)], None
    shared = _shared_keys(segments)
    if shared is not None:
        names, values = shared
        try:
            distinct = dict.fromkeys(values)
        except TypeError:  # a value that cannot be hashed
            pass
        else:
            if len(names) == 1:
                texts = {value: segment_text({names[0]: value}) for value in distinct}
            else:
                texts = {v: segment_text(dict(zip(names, v, strict=True))) for v in distinct}
            return _coded(texts, values)
    try:
        keys = [tuple(segment.items()) if segment else () for segment in segments]
        texts = {key: segment_text(dict(key)) for key in dict.fromkeys(keys)}
    except (TypeError, AttributeError):  # a value that cannot be hashed
        per_row = [segment_text(segment) for segment in segments]
        return _coded({text: text for text in per_row}, per_row)
    return _coded(texts, keys)


def _shared_keys(segments: list[Any]) -> tuple[tuple[str, ...], list[Any]] | None:
    """When every segment is a mapping with the first one's keys (the usual case): the
    keys and each row's values (one value, or a tuple), gathered in C; else None."""
    first = segments[0]
    if not isinstance(first, Mapping) or not first:
        return None
    names = tuple(first)
    try:
        if set(map(len, segments)) != {len(names)}:  # TypeError for None
            return None
        return names, list(map(itemgetter(*names), segments))  # KeyError for other keys
    except (TypeError, KeyError):
        return None


def _coded(texts: Mapping[Any, str], keys: list[Any]) -> tuple[list[str], list[int]]:
    index = {text: code for code, text in enumerate(dict.fromkeys(texts.values()))}
    code_of = {key: index[text] for key, text in texts.items()}
    return list(index), list(map(code_of.__getitem__, keys))


def group_rows(
    starts: npt.NDArray[np.int64], segments: list[Any]
) -> list[tuple[int, str, npt.NDArray[np.intp] | None]]:
    """(window start, segment text, row indices) of each group of a batch; the indices
    are None for a group of every row (the usual case: one window, one segment)."""
    texts, codes = _segment_codes(segments)
    return grouped(starts, texts, codes)


def grouped(
    starts: npt.NDArray[np.int64], texts: list[str], codes: list[int] | None
) -> list[tuple[int, str, npt.NDArray[np.intp] | None]]:
    """:func:`group_rows` given each row's segment code among ``texts``."""
    first = starts[0]
    if bool((starts == first).all()):
        if codes is None:
            return [(int(first), texts[0], None)]
        distinct, combined = starts[:1], np.asarray(codes, dtype=np.int64)
    else:
        distinct, inverse = np.unique(starts, return_inverse=True)
        combined = inverse.astype(np.int64).reshape(-1) * len(texts)
        if codes is not None:
            combined += np.asarray(codes, dtype=np.int64)
    counts = np.bincount(combined)
    keys = np.flatnonzero(counts)
    if len(counts) <= 2**15:  # numpy sorts 16-bit integers by radix, stably
        combined = combined.astype(np.int16)
    order = np.argsort(combined, kind="stable")
    bounds = np.cumsum(counts[keys])[:-1]
    groups: list[tuple[int, str, npt.NDArray[np.intp] | None]] = []
    for key, rows in zip(keys.tolist(), np.split(order, bounds), strict=True):
        groups.append((int(distinct[key // len(texts)]), texts[key % len(texts)], rows))
    return groups


def value_rows(features: list[Any], names: Sequence[str]) -> list[tuple[Any, ...]]:
    """Each row's values of ``names`` as a tuple (None where a row lacks one). A row the
    caller's thread already made a tuple (the reference's columns, in order: see
    ``Client``) is taken as it is; mappings are read by ``itemgetter`` in C."""
    types = set(map(type, features))
    if types == {tuple}:
        return features
    if tuple in types:
        return [row if type(row) is tuple else _values(row, names) for row in features]
    if len(names) == 1:
        name = names[0]
        return [(row.get(name),) for row in features]
    try:
        return list(map(itemgetter(*names), features))
    except KeyError:
        return [_values(row, names) for row in features]


def _values(row: Mapping[str, Any], names: Sequence[str]) -> tuple[Any, ...]:
    return tuple(map(row.get, names))


def numeric_matrix(
    rows: list[tuple[Any, ...]], positions: Sequence[int]
) -> npt.NDArray[np.float64]:
    """The values at ``positions`` of ``rows`` as one float matrix (None as NaN). One
    C-level pass (``struct``) in the usual case; column by column through Arrow when a
    value is None (which raises for text in a numeric feature)."""
    n, k = len(rows), len(positions)
    if not k or not n:
        return np.empty((n, k), dtype=np.float64)
    try:
        if k == len(rows[0]) and list(positions) == list(range(k)):
            values: Any = chain.from_iterable(rows)
        elif k == 1:
            values = map(itemgetter(positions[0]), rows)
        else:
            values = chain.from_iterable(map(itemgetter(*positions), rows))
        data = struct.pack(f"{n * k}d", *values)
    except (TypeError, struct.error):
        return _numeric_by_column(rows, positions)
    return np.frombuffer(data, dtype=np.float64).reshape(n, k)


def _numeric_by_column(
    rows: list[tuple[Any, ...]], positions: Sequence[int]
) -> npt.NDArray[np.float64]:
    import pyarrow as pa

    matrix = np.empty((len(rows), len(positions)), dtype=np.float64)
    for column, position in enumerate(positions):
        values = list(map(itemgetter(position), rows))
        matrix[:, column] = pa.array(values, pa.float64(), from_pandas=True).to_numpy(
            zero_copy_only=False
        )
    return matrix


def score_series(scores: list[Any]) -> dict[str, npt.NDArray[np.float64]]:
    """Each row's score per series: ``""`` for numbers, the class for a mapping's
    entries; NaN where a row has none."""
    n = len(scores)
    if scores.count(None) == n:  # a model without scores: one C-level pass
        return {}
    try:
        return {"": np.frombuffer(struct.pack(f"{n}d", *scores), dtype=np.float64)}
    except (TypeError, struct.error):
        pass
    series: dict[str, npt.NDArray[np.float64]] = {}
    for row, score in enumerate(scores):
        if isinstance(score, Mapping):
            for name, value in score.items():
                if isinstance(value, int | float):
                    series.setdefault(str(name), np.full(n, np.nan))[row] = value
        elif isinstance(score, int | float):
            series.setdefault("", np.full(n, np.nan))[row] = score
    return series


@dataclass
class Columns:
    """One (model, version) share of a batch as columns: the numeric matrix, the other
    features as lists, latencies (NaN for none), error flags, and for labelled rows their
    positions, labels, predictions and scores."""

    n: int
    numeric: npt.NDArray[np.float64]
    others: dict[str, list[Any]]
    latency: npt.NDArray[np.float64]
    errors: npt.NDArray[np.bool_]
    labelled: npt.NDArray[np.intp]
    labels: list[Any]
    predictions: list[Any]
    scores: list[Any]
    #: Every row's score per series ("" or a class name; NaN where none), for the
    #: window's score sketches.
    series: dict[str, npt.NDArray[np.float64]]
    #: Every row's prediction and label (None where none), or None unless asked for
    #: (the window's bias counters).
    predicted: list[Any] | None = None
    truth: list[Any] | None = None

    @classmethod
    def of(
        cls,
        items: list[tuple[Any, ...]],
        kinds: Mapping[str, str],
        *,
        labelled: bool,
        series: str | None = None,
        predicted: bool = False,
    ) -> Columns:
        rows = value_rows(list(map(FEATURES, items)), list(kinds))
        numeric = numeric_matrix(
            rows, [i for i, kind in enumerate(kinds.values()) if kind == "numeric"]
        )
        others = {
            name: list(map(itemgetter(i), rows))
            for i, (name, kind) in enumerate(kinds.items())
            if kind != "numeric"
        }
        latency = np.array(list(map(LATENCY, items)), dtype=np.float64)  # None is NaN
        errors = np.fromiter(map(bool, map(ERROR, items)), dtype=np.bool_, count=len(items))
        where: list[int] = []
        if labelled:
            where = [i for i, item in enumerate(items) if len(item) > 11 and item[11] is not None]
        chosen = [items[i] for i in where]
        return cls(
            n=len(items),
            numeric=numeric,
            others=others,
            latency=latency,
            errors=errors,
            labelled=np.asarray(where, dtype=np.intp),
            labels=list(map(LABEL, chosen)),
            predictions=list(map(PREDICTION, chosen)),
            scores=list(map(SCORE, chosen)),
            series={}
            if series is None
            else score_series(list(map(PREDICTION if series == "prediction" else SCORE, items))),
            predicted=list(map(PREDICTION, items)) if predicted else None,
            truth=[item[11] if len(item) > 11 else None for item in items] if predicted else None,
        )

    def take(self, rows: npt.NDArray[np.intp] | None) -> Columns:
        """The share of the rows at ``rows`` (all of them for None)."""
        if rows is None:
            return self
        picked = rows.tolist() if self.others or self.predicted is not None else []
        keep = np.isin(self.labelled, rows) if self.labels else np.zeros(0, dtype=np.bool_)
        positions = np.flatnonzero(keep).tolist()
        return Columns(
            n=len(rows),
            numeric=self.numeric[rows],
            others={name: [values[i] for i in picked] for name, values in self.others.items()},
            latency=self.latency[rows],
            errors=self.errors[rows],
            labelled=self.labelled[keep],
            labels=[self.labels[i] for i in positions],
            predictions=[self.predictions[i] for i in positions],
            scores=[self.scores[i] for i in positions],
            series={name: values[rows] for name, values in self.series.items()},
            predicted=None if self.predicted is None else [self.predicted[i] for i in picked],
            truth=None if self.truth is None else [self.truth[i] for i in picked],
        )
