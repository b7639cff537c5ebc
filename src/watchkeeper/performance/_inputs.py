"""The boundary: read the columns of a model's outputs, validate them once, encode them.

Behaviour on bad input (each raises :class:`~watchkeeper.ColumnError` naming the
column, the data set, the value and the fix):

* a column that is not there;
* a prediction or score that is null/NaN;
* a score outside 0..1;
* multiclass probabilities whose row sum differs from 1 by more than
  :data:`PROBABILITY_SUM_TOLERANCE` (rows within it are used as they are);
* a label (target or prediction) never seen in the reference.

A null target is not an error: the row is *unlabelled*, left out of the realized
metrics and counted in the label coverage of its chunk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from watchkeeper._exceptions import ColumnError, InputError
from watchkeeper.io import to_table

__all__ = [
    "PROBABILITY_SUM_TOLERANCE",
    "Columns",
    "Prepared",
    "ScoreSpec",
    "prepare_analysis",
    "prepare_pair",
    "prepare_reference",
]

PROBABILITY_SUM_TOLERANCE = 1e-4
ScoreSpec = str | Sequence[str] | Mapping[Any, str] | None
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Columns:
    """Which column holds what; ``None`` where the data has no such column."""

    y_true: str | None = None
    y_pred: str | None = None
    y_score: ScoreSpec = None
    timestamp: str | None = None
    segment: str | None = None


@dataclass(frozen=True)
class Prepared:
    """One data set, validated and encoded, rows in time order when there is a timestamp."""

    n_rows: int
    y_true: NDArray[Any] | None  # class codes (-1 unlabelled) or float targets (NaN unlabelled)
    labelled: NDArray[np.bool_]
    y_pred: NDArray[Any] | None  # class codes or float predictions
    proba: FloatArray | None  # (n, k), column j the probability of class j
    timestamps: NDArray[np.datetime64] | None
    segments: NDArray[np.str_] | None
    order: NDArray[np.intp] | None = None  # original row of each row, when re-ordered

    def take(self, rows: NDArray[np.intp]) -> Prepared:
        """The same data restricted to ``rows``."""

        def pick(a: Any) -> Any:
            return None if a is None else a[rows]

        return Prepared(
            rows.size,
            pick(self.y_true),
            self.labelled[rows],
            pick(self.y_pred),
            pick(self.proba),
            pick(self.timestamps),
            pick(self.segments),
            rows if self.order is None else self.order[rows],
        )


def _column(table: pa.Table, name: str, source: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise ColumnError(
            name,
            f"is not in the {source} data",
            f"available columns: {', '.join(table.column_names)}",
        )
    return table.column(name)


def _floats(column: pa.ChunkedArray, name: str, source: str) -> FloatArray:
    try:
        values = pc.cast(column, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise ColumnError(
            name, f"in the {source} data is not numeric ({column.type})", "pass a numeric column"
        ) from None
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)


def _score_columns(spec: ScoreSpec, classes: Sequence[Any], problem: str) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str):
        spec = [spec]
    if isinstance(spec, Mapping):
        by_text = {str(k): v for k, v in spec.items()}
        missing = [c for c in classes if str(c) not in by_text]
        if missing:
            raise InputError(f"no score column for classes {missing}; map every class to a column")
        return [by_text[str(c)] for c in classes]
    names = list(spec)
    if problem == "binary" and len(names) == 1:
        return names
    if len(names) != len(classes):
        raise InputError(
            f"{len(names)} score columns for {len(classes)} classes {list(classes)}; give one "
            "column per class in that order, or a mapping class -> column"
        )
    return names


def _proba(table: pa.Table, names: list[str], problem: str, source: str) -> FloatArray:
    columns = [_floats(_column(table, n, source), n, source) for n in names]
    for name, values in zip(names, columns, strict=True):
        bad = ~((values >= 0.0) & (values <= 1.0))
        if bad.any():
            raise ColumnError(
                name,
                f"in the {source} data has {int(bad.sum())} scores that are not probabilities "
                f"in 0..1 (first: {values[bad][0]!r})",
                "pass calibrated probabilities (e.g. apply a sigmoid or softmax) without nulls",
            )
    if problem == "binary" and len(columns) == 1:
        return np.column_stack([1.0 - columns[0], columns[0]])
    proba = np.column_stack(columns)
    gap = np.abs(proba.sum(axis=1) - 1.0)
    off = gap > PROBABILITY_SUM_TOLERANCE
    if off.any():
        row = int(np.argmax(gap))
        raise ColumnError(
            ", ".join(names),
            f"in the {source} data do not sum to 1 in {int(off.sum())} rows (row {row} sums "
            f"to {proba[row].sum():.6g}; tolerance {PROBABILITY_SUM_TOLERANCE})",
            "pass one probability column per class, normalised",
        )
    return proba


def _codes(
    column: pa.ChunkedArray, classes: pa.Array, name: str, source: str, nullable: bool
) -> NDArray[np.intp]:
    if column.type != classes.type:
        try:
            column = pc.cast(column, classes.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ColumnError(
                name, f"in the {source} data has type {column.type}, the reference {classes.type}"
            ) from None
    index = pc.index_in(column, value_set=classes)
    unknown = pc.and_(pc.is_null(index), pc.is_valid(column))
    if pc.any(unknown).as_py():
        seen = pc.unique(pc.filter(column, unknown)).to_pylist()
        raise ColumnError(
            name,
            f"in the {source} data has labels never seen in the reference: {seen[:5]}",
            "use a reference that contains every class, or map the new labels",
        )
    if not nullable and column.null_count:
        raise ColumnError(name, f"in the {source} data has {column.null_count} nulls", "fill them")
    codes = pc.fill_null(index, -1).to_numpy(zero_copy_only=False)
    return np.asarray(codes, dtype=np.intp)


def infer_problem(table: pa.Table, columns: Columns) -> str:
    """``binary``, ``multiclass`` or ``regression``, from the columns given.

    One score column means binary, several multiclass; without scores a floating-point
    target means regression and any other target classification.
    """
    spec = columns.y_score
    if spec is not None:
        return "binary" if isinstance(spec, str) or len(spec) == 1 else "multiclass"
    name = columns.y_true or columns.y_pred
    if name is None:
        raise InputError("give the target or prediction column")
    if pa.types.is_floating(_column(table, name, "reference").type):
        return "regression"
    return "classification"


def _classes(table: pa.Table, columns: Columns, positive_label: Any) -> pa.Array:
    parts = []
    for name in (columns.y_true, columns.y_pred):
        if name is not None and name in table.column_names:
            parts.append(pc.drop_null(table.column(name)).combine_chunks())
    if isinstance(columns.y_score, Mapping):
        parts.append(pa.array(list(columns.y_score)))
    if not parts:
        raise InputError("give the target or prediction column")
    parts = [p.cast(parts[0].type) for p in parts]
    classes = pc.unique(pa.concat_arrays(parts)).sort()
    if positive_label is not None:
        values = classes.to_pylist()
        if positive_label not in values:
            raise InputError(f"positive_label {positive_label!r} is not one of {values}")
        values.remove(positive_label)
        classes = pa.array([*values, positive_label], type=classes.type)
    return classes


def _prepare(
    table: pa.Table, columns: Columns, problem: str, classes: pa.Array | None, source: str
) -> Prepared:
    n = table.num_rows
    y_true: NDArray[Any] | None = None
    y_pred: NDArray[Any] | None = None
    proba: FloatArray | None = None
    labelled = np.ones(n, dtype=bool)
    if problem == "regression":
        if columns.y_true is not None and columns.y_true in table.column_names:
            y_true = _floats(table.column(columns.y_true), columns.y_true, source)
            labelled = ~np.isnan(y_true)
        elif columns.y_true is not None and source == "reference":
            _column(table, columns.y_true, source)
        else:
            labelled = np.zeros(n, dtype=bool)
        if columns.y_pred is not None:
            y_pred = _floats(_column(table, columns.y_pred, source), columns.y_pred, source)
            if np.isnan(y_pred).any():
                raise ColumnError(columns.y_pred, f"in the {source} data has nulls", "fill them")
    else:
        assert classes is not None
        if columns.y_true is not None and columns.y_true in table.column_names:
            y_true = _codes(table.column(columns.y_true), classes, columns.y_true, source, True)
            labelled = np.asarray(y_true >= 0)
        elif columns.y_true is not None and source == "reference":
            _column(table, columns.y_true, source)
        else:
            labelled = np.zeros(n, dtype=bool)
        if columns.y_pred is not None:
            column = _column(table, columns.y_pred, source)
            y_pred = _codes(column, classes, columns.y_pred, source, False)
        names = _score_columns(columns.y_score, classes.to_pylist(), problem)
        if names:
            proba = _proba(table, names, problem, source)
    timestamps = segments = None
    if columns.timestamp is not None:
        stamp = _column(table, columns.timestamp, source)
        try:
            stamp = pc.cast(stamp, pa.timestamp("ns"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise ColumnError(
                columns.timestamp, f"in the {source} data is not a timestamp"
            ) from None
        timestamps = np.asarray(stamp.to_numpy(zero_copy_only=False), dtype="datetime64[ns]")
        if np.isnat(timestamps).any():
            raise ColumnError(columns.timestamp, f"in the {source} data has nulls", "fill them")
    if columns.segment is not None:
        column = pc.cast(_column(table, columns.segment, source), pa.string())
        segments = np.asarray(pc.fill_null(column, "(null)").to_numpy(zero_copy_only=False), str)
    prepared = Prepared(n, y_true, labelled, y_pred, proba, timestamps, segments)
    if timestamps is not None and (np.diff(timestamps.view(np.int64)) < 0).any():
        prepared = prepared.take(np.argsort(timestamps, kind="stable").astype(np.intp))
    return prepared


def prepare_reference(
    reference: Any, columns: Columns, *, problem: str | None = None, positive_label: Any = None
) -> tuple[Prepared, str, pa.Array | None]:
    """The reference prepared, the problem, and the classes (None for regression)."""
    table = to_table(reference)
    chosen = problem or infer_problem(table, columns)
    classes = None
    if chosen != "regression":
        classes = _classes(table, columns, positive_label)
        if chosen == "classification":
            chosen = "binary" if len(classes) <= 2 else "multiclass"
        if len(classes) < 2 or (chosen == "binary" and len(classes) > 2):
            raise InputError(
                f"the reference has {len(classes)} classes {classes.to_pylist()[:10]} for a "
                f"{chosen} problem; check the target column or the problem"
            )
    return _prepare(table, columns, chosen, classes, "reference"), chosen, classes


def prepare_analysis(
    analysis: Any, columns: Columns, problem: str, classes: pa.Array | None, name: str
) -> Prepared:
    """Data to analyse, prepared with the reference's classes."""
    return _prepare(to_table(analysis), columns, problem, classes, name)


def prepare_pair(
    reference: Any,
    analysis: Any,
    columns: Columns,
    *,
    problem: str | None = None,
    positive_label: Any = None,
    analysis_name: str = "analysis",
) -> tuple[Prepared, Prepared, str, tuple[Any, ...]]:
    """Both data sets prepared with the reference's classes; also the problem and classes."""
    ref, chosen, classes = prepare_reference(
        reference, columns, problem=problem, positive_label=positive_label
    )
    ana = prepare_analysis(analysis, columns, chosen, classes, analysis_name)
    labels = () if classes is None else tuple(classes.to_pylist())
    return ref, ana, chosen, labels
