"""Every metric a check can test, addressed by a path-like name.

A name is one of the registered patterns, with ``<column>`` or ``<metric>`` filled in:
``drift.share_drifted``, ``drift.column.age.p_value``, ``quality.column.age.max``,
``performance.accuracy``. :func:`available_metrics` lists them with their meaning;
``docs/ci-suites.md`` prints the same table. Which way is bad depends on the metric
(a larger ``drift.share_drifted`` is worse, a larger ``performance.accuracy`` is
better), so the suite's condition says it, not the metric.

Values are read from a :class:`Measurements`, the report computed once plus the two
tables it was computed from (performance over the whole current data and category
sets need the rows). Metrics about the current data also have a reference value,
read the same way from the reference, for ``relative_to_reference`` conditions; drift
metrics and finding counts compare the two sides already and have none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from watchkeeper._exceptions import ColumnError, InputError, UnknownMethodError
from watchkeeper.checks._conditions import ValueType, as_category
from watchkeeper.drift import ColumnDrift, DriftPolicy
from watchkeeper.io import to_table
from watchkeeper.performance import compute_metric, get_metric
from watchkeeper.quality import ColumnQuality, ColumnSide
from watchkeeper.report import Report, report
from watchkeeper.schema import ColumnKind, ColumnRole, Schema

__all__ = [
    "Measurements",
    "MetricFamily",
    "Side",
    "available_metrics",
    "metric_value",
    "resolve_metric",
]

Side = Literal["current", "reference"]


@dataclass(frozen=True, eq=False)
class Measurements:
    """What a suite runs against: the report, computed once, and its two tables.

    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> ref = {"x": rng.normal(0, 1, 500)}
    >>> data = Measurements.compute(ref, {"x": rng.normal(0, 1, 500)})
    >>> data.report.drift.n_drifted, data.current.num_rows
    (0, 500)
    """

    report: Report
    reference: pa.Table
    current: pa.Table

    @classmethod
    def compute(
        cls,
        reference: Any,
        current: Any,
        *,
        schema: Schema | Mapping[str, Any] | None = None,
        policy: DriftPolicy | None = None,
        names: tuple[str | None, str | None] | None = None,
    ) -> Measurements:
        """Read both sides (frames, tables, paths) and compute their report."""
        ref_table, cur_table = to_table(reference), to_table(current)
        result = report(ref_table, cur_table, schema=schema, policy=policy, names=names)
        return cls(result, ref_table, cur_table)

    def table(self, side: Side) -> pa.Table:
        return self.current if side == "current" else self.reference


@dataclass(frozen=True)
class MetricFamily:
    """One pattern of metric names, what it means and how it is read.

    ``pattern`` holds at most one placeholder (``<column>`` or ``<metric>``);
    ``has_reference`` says the reference has its own value of the metric.

    >>> family, column = resolve_metric("quality.column.age.max")
    >>> family.pattern, column, family.value_type
    ('quality.column.<column>.max', 'age', 'number')
    """

    pattern: str
    description: str
    value_type: ValueType
    has_reference: bool
    read: Callable[[Measurements, str, Side], Any] = field(repr=False)
    validate: Callable[[str], None] | None = field(default=None, repr=False)

    @property
    def _parts(self) -> tuple[str, str | None, str]:
        if "<" not in self.pattern:
            return self.pattern, None, ""
        prefix, rest = self.pattern.split("<", 1)
        placeholder, suffix = rest.split(">", 1)
        return prefix, placeholder, suffix

    def match(self, name: str) -> str | None:
        """The placeholder's value in ``name`` ('' for a fixed name), or None."""
        prefix, placeholder, suffix = self._parts
        if placeholder is None:
            return "" if name == prefix else None
        if len(name) <= len(prefix) + len(suffix):
            return None
        if name.startswith(prefix) and name.endswith(suffix):
            return name[len(prefix) : len(name) - len(suffix)]
        return None


_FAMILIES: list[MetricFamily] = []


def available_metrics() -> list[MetricFamily]:
    """Every metric pattern, in the order the docs list them.

    >>> [f.pattern for f in available_metrics()][:3]
    ['dataset.rows', 'dataset.columns', 'dataset.duplicate_share']
    """
    return list(_FAMILIES)


def resolve_metric(name: str) -> tuple[MetricFamily, str]:
    """The family ``name`` belongs to and its placeholder's value.

    Fixed names win over patterns, and longer suffixes over shorter ones, so a column
    called ``a.max`` still reads as ``quality.column.<a.max>.mean``.

    >>> resolve_metric("performance.f1")[1]
    'f1'
    """
    fixed = [f for f in _FAMILIES if "<" not in f.pattern]
    patterned = sorted((f for f in _FAMILIES if "<" in f.pattern), key=lambda f: -len(f._parts[2]))
    for family in [*fixed, *patterned]:
        argument = family.match(name)
        if argument is not None:
            if family.validate is not None:
                family.validate(argument)
            return family, argument
    known = ", ".join(f.pattern for f in _FAMILIES)
    raise UnknownMethodError(f"unknown metric {name!r}; metrics are: {known}")


def metric_value(data: Measurements, name: str, side: Side = "current") -> Any:
    """The value of metric ``name`` on one side: a float, a bool or a frozenset.

    Raises :class:`~watchkeeper.InputError` (a :class:`~watchkeeper.ColumnError` for
    a column) when the value cannot be read, saying why.

    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> data = Measurements.compute({"x": rng.normal(0, 1, 500)}, {"x": [1.0, 2.0, None]})
    >>> metric_value(data, "quality.column.x.missing_share")
    0.3333333333333333
    >>> metric_value(data, "dataset.rows", "reference")
    500.0
    """
    family, argument = resolve_metric(name)
    if side == "reference" and not family.has_reference:
        raise InputError(f"metric {name!r} compares the two sides and has no reference value")
    return family.read(data, argument, side)


def _register(
    pattern: str,
    description: str,
    value_type: ValueType,
    has_reference: bool,
    validate: Callable[[str], None] | None = None,
) -> Callable[[Callable[[Measurements, str, Side], Any]], Callable[[Measurements, str, Side], Any]]:
    def decorate(
        read: Callable[[Measurements, str, Side], Any],
    ) -> Callable[[Measurements, str, Side], Any]:
        _FAMILIES.append(
            MetricFamily(pattern, description, value_type, has_reference, read, validate)
        )
        return read

    return decorate


def _known(value: float | None, what: str) -> float:
    if value is None or not np.isfinite(value):
        raise InputError(f"{what} is not known (no values to compute it from)")
    return float(value)


# Dataset -----------------------------------------------------------------------------


@_register("dataset.rows", "number of rows", "number", True)
def _rows(data: Measurements, _: str, side: Side) -> float:
    return float(data.table(side).num_rows)


@_register("dataset.columns", "number of columns", "number", True)
def _columns(data: Measurements, _: str, side: Side) -> float:
    return float(data.table(side).num_columns)


@_register("dataset.duplicate_share", "share of rows equal to an earlier row", "number", True)
def _duplicates(data: Measurements, _: str, side: Side) -> float:
    facts = data.report.quality.current if side == "current" else data.report.quality.reference
    reason = facts.duplicates_unchecked or "the table is empty"
    return _known(facts.duplicate_share, f"the duplicate share of the {side} data ({reason})")


# Drift -------------------------------------------------------------------------------


@_register("drift.share_drifted", "drifted features / compared features", "number", False)
def _share_drifted(data: Measurements, _: str, side: Side) -> float:
    return float(data.report.drift.share_drifted)


@_register("drift.n_drifted", "number of drifted features", "number", False)
def _n_drifted(data: Measurements, _: str, side: Side) -> float:
    return float(data.report.drift.n_drifted)


@_register("drift.dataset_drift", "whether the dataset drifted (true/false)", "bool", False)
def _dataset_drift(data: Measurements, _: str, side: Side) -> bool:
    return bool(data.report.drift.drifted)


def _column_drift(data: Measurements, column: str) -> ColumnDrift:
    try:
        return data.report.drift[column]
    except KeyError:
        pass
    for skipped in data.report.drift.skipped:
        if skipped.get("column") == column:
            raise ColumnError(column, f"was not compared for drift: {skipped.get('reason')}")
    raise ColumnError(
        column,
        "is not a compared column",
        f"use one of {[c.column for c in data.report.drift.columns]}",
    )


@_register(
    "drift.column.<column>.statistic", "the drift test statistic or distance", "number", False
)
def _statistic(data: Measurements, column: str, side: Side) -> float:
    item = _column_drift(data, column)
    return _known(item.statistic, f"the drift statistic of {column!r} ({item.note})")


@_register("drift.column.<column>.p_value", "the raw p-value of the drift test", "number", False)
def _p_value(data: Measurements, column: str, side: Side) -> float:
    item = _column_drift(data, column)
    if item.output != "p_value":
        raise ColumnError(column, f"is compared with the distance {item.method!r}, no p-value")
    return _known(item.p_value, f"the p-value of {column!r} ({item.note})")


@_register(
    "drift.column.<column>.drifted", "the column's drift verdict (true/false)", "bool", False
)
def _drifted(data: Measurements, column: str, side: Side) -> bool:
    return bool(_column_drift(data, column).drifted)


@_register(
    "drift.column.<column>.effect_size", "how large the change is (its method's scale)", "number",
    False,
)  # fmt: skip
def _effect_size(data: Measurements, column: str, side: Side) -> float:
    item = _column_drift(data, column)
    if item.effect_size is None:
        raise ColumnError(column, f"has no effect size for the method {item.method!r}")
    return _known(item.effect_size.value, f"the effect size of {column!r}")


# Quality -----------------------------------------------------------------------------


def _finding_counter(severity: str) -> Callable[[Measurements, str, Side], float]:
    def read(data: Measurements, _: str, side: Side) -> float:
        return float(data.report.quality.counts_by_severity()[severity])

    return read


for _severity in ("critical", "warning", "info"):
    _register(f"quality.findings.{_severity}", f"number of {_severity} findings", "number", False)(
        _finding_counter(_severity)
    )


def _column_side(data: Measurements, column: str, side: Side) -> tuple[ColumnQuality, ColumnSide]:
    found = next((c for c in data.report.quality.columns if c.name == column), None)
    if found is None:
        names = [c.name for c in data.report.quality.columns]
        raise ColumnError(column, "is in neither data set", f"use one of {names}")
    facts = found.current if side == "current" else found.reference
    if facts is None:
        present = found.in_current if side == "current" else found.in_reference
        reason = "is ignored" if present else f"is missing from the {side} data"
        raise ColumnError(column, reason)
    return found, facts


@_register(
    "quality.column.<column>.missing_share", "share of missing values (null or NaN)", "number",
    True,
)  # fmt: skip
def _missing_share(data: Measurements, column: str, side: Side) -> float:
    _, facts = _column_side(data, column, side)
    return _known(facts.missing_share, f"the missing share of {column!r} in the {side} data")


@_register("quality.column.<column>.n_distinct", "number of distinct values", "number", True)
def _n_distinct(data: Measurements, column: str, side: Side) -> float:
    _, facts = _column_side(data, column, side)
    if facts.n_distinct is None:
        raise ColumnError(column, f"has no distinct count in the {side} data")
    return float(facts.n_distinct)


def _summary_reader(statistic: str) -> Callable[[Measurements, str, Side], float]:
    def read(data: Measurements, column: str, side: Side) -> float:
        _, facts = _column_side(data, column, side)
        if facts.summary is None:
            raise ColumnError(column, f"has no finite numbers in the {side} data", "is it numeric?")
        value: float | None = getattr(facts.summary, statistic)
        return _known(value, f"the {statistic} of {column!r} in the {side} data")

    return read


for _statistic_name, _meaning in (
    ("min", "smallest finite value"),
    ("max", "largest finite value"),
    ("mean", "mean of the finite values"),
    ("std", "sample standard deviation of the finite values"),
    ("median", "median of the finite values"),
):
    _register(f"quality.column.<column>.{_statistic_name}", _meaning, "number", True)(
        _summary_reader(_statistic_name)
    )


@_register("quality.column.<column>.categories", "the set of values present (as text)", "set", True)
def _categories(data: Measurements, column: str, side: Side) -> frozenset[str]:
    table = data.table(side)
    if column not in table.column_names:
        raise ColumnError(column, f"is missing from the {side} data")
    values = pc.unique(pc.drop_null(table.column(column))).to_pylist()
    return frozenset(as_category(v) for v in values)


# Performance -------------------------------------------------------------------------


def _check_metric_name(name: str) -> None:
    get_metric(name)


def _labels(table: pa.Table, column: str, side: Side) -> NDArray[Any]:
    if column not in table.column_names:
        raise ColumnError(column, f"is missing from the {side} data")
    return np.asarray(table.column(column).to_numpy(zero_copy_only=False))


def _present(table: pa.Table, columns: list[str]) -> NDArray[np.bool_]:
    keep = np.ones(table.num_rows, dtype=bool)
    for name in columns:
        column = table.column(name)
        mask = pc.is_valid(column)
        if pa.types.is_floating(column.type):
            mask = pc.and_(mask, pc.invert(pc.is_nan(column)))
        keep &= np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
    return keep


def _roles(schema: Schema) -> tuple[str, str | None, list[str]]:
    targets = schema.with_role(ColumnRole.TARGET)
    if len(targets) != 1:
        raise InputError(
            f"performance metrics need one target column, the schema has {len(targets)}; "
            "declare it in the suite: schema: {target: COLUMN, prediction: COLUMN}"
        )
    predictions = schema.with_role(ColumnRole.PREDICTION)
    scores = [c.name for c in schema.with_role(ColumnRole.SCORE)]
    return targets[0].name, predictions[0].name if predictions else None, scores


@_register(
    "performance.<metric>",
    "a performance metric over all rows (performance.available_metrics() lists them)",
    "number",
    True,
    validate=_check_metric_name,
)
def _performance(data: Measurements, name: str, side: Side) -> float:
    metric = get_metric(name)
    schema = data.report.schema
    target, prediction, scores = _roles(schema)
    if metric.needs == "scores" and not scores:
        raise InputError(f"performance.{name} needs a score column; declare it: scores: [COLUMN]")
    if metric.needs == "predictions" and prediction is None:
        raise InputError(
            f"performance.{name} needs a prediction column; declare it: prediction: COLUMN"
        )
    used = [target, *([prediction] if metric.needs == "predictions" and prediction else scores)]
    table = data.table(side)
    for column in used:
        if column not in table.column_names:
            raise ColumnError(column, f"is missing from the {side} data")
    rows = table.filter(pa.array(_present(table, used)))
    y_true = _labels(rows, target, side)
    y_pred = (
        _labels(rows, prediction, side) if metric.needs == "predictions" and prediction else None
    )
    y_score: NDArray[Any] | None = None
    if metric.needs == "scores":
        stacked = [_labels(rows, s, side).astype(np.float64) for s in scores]
        y_score = stacked[0] if len(stacked) == 1 else np.column_stack(stacked)
    if metric.from_values is not None:
        value = compute_metric(name, y_true, y_pred)
    elif schema[target].kind == ColumnKind.NUMERIC:
        raise ColumnError(target, f"is numeric, and {name!r} is a classification metric")
    else:
        classes = _classes(data, target, prediction)
        value = compute_metric(name, y_true, y_pred, y_score, classes=classes)
    return _known(value, f"performance.{name} on the {side} data")


def _classes(data: Measurements, target: str, prediction: str | None) -> list[Any]:
    """The labels of both sides, so that reference and current share one class order."""
    seen: set[Any] = set()
    for table in (data.reference, data.current):
        for column in (target, prediction):
            if column is not None and column in table.column_names:
                seen.update(pc.unique(pc.drop_null(table.column(column))).to_pylist())
    return sorted(seen)
