"""Quality of two Arrow tables: measure both datasets once, then run every registered
check (the public verb, :func:`~watchkeeper.quality.assess_quality`, takes any source).

Findings are sorted worst first (critical, warning, info), dataset-level findings
before column findings, then by column name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

import pyarrow as pa

from watchkeeper._exceptions import ColumnError
from watchkeeper.io import (
    CategoricalValues,
    ColumnValues,
    NumericValues,
    extract_column,
)
from watchkeeper.quality import _checks, _value_checks  # noqa: F401  (register the checks)
from watchkeeper.quality._config import QualityConfig
from watchkeeper.quality._duplicates import count_duplicate_rows
from watchkeeper.quality._facts import ColumnQuality, ColumnSide, DatasetQuality, fraction
from watchkeeper.quality._findings import Finding, QualityResult
from watchkeeper.quality._measure import (
    arrow_family,
    column_side,
    outlier_facts,
    range_facts,
    unseen_facts,
    with_sides,
)
from watchkeeper.quality._registry import QualityCheck, available_checks, get_check
from watchkeeper.schema import ColumnRole, ColumnSpec, Schema

__all__ = ["added_column", "assess_tables", "run_checks", "selected_checks"]


def _check_names(table: pa.Table, dataset: str) -> set[str]:
    names = table.column_names
    if len(set(names)) != len(names):
        twice = next(n for n, count in Counter(names).items() if count > 1)
        raise ColumnError(twice, f"appears more than once in {dataset}", "rename one of them")
    return set(names)


def _values(
    spec: ColumnSpec, table: pa.Table, given: Mapping[str, ColumnValues] | None
) -> ColumnValues:
    if given is not None and spec.name in given:
        return given[spec.name]
    return extract_column(table.column(spec.name), spec)


def _measure_column(
    spec: ColumnSpec,
    reference: pa.Table,
    current: pa.Table,
    names: tuple[set[str], set[str]],
    given: tuple[Mapping[str, ColumnValues] | None, Mapping[str, ColumnValues] | None],
    config: QualityConfig,
) -> ColumnQuality:
    name = spec.name
    in_ref, in_cur = name in names[0], name in names[1]
    ref_type = reference.schema.field(name).type if in_ref else None
    cur_type = current.schema.field(name).type if in_cur else None
    column = ColumnQuality(
        name=name,
        kind=spec.kind,
        role=spec.role,
        in_reference=in_ref,
        in_current=in_cur,
        reference_type=None if ref_type is None else str(ref_type),
        current_type=None if cur_type is None else str(cur_type),
        reference_family=None if ref_type is None else arrow_family(ref_type),
        current_family=None if cur_type is None else arrow_family(cur_type),
    )
    if spec.role == ColumnRole.IGNORED:
        return column
    ref_values = _values(spec, reference, given[0]) if in_ref else None
    cur_values = _values(spec, current, given[1]) if in_cur else None
    ref_side = None if ref_values is None else column_side(ref_values)
    cur_side = None if cur_values is None else column_side(cur_values)
    column = with_sides(column, ref_side, cur_side)
    if not column.values_checked:
        return column
    if isinstance(ref_values, NumericValues) and isinstance(cur_values, NumericValues):
        column = replace(
            column,
            range=range_facts(ref_values, cur_values),
            outliers=outlier_facts(ref_values, cur_values, config.iqr_factor),
        )
    elif isinstance(ref_values, CategoricalValues) and isinstance(cur_values, CategoricalValues):
        column = replace(column, unseen=unseen_facts(ref_values, cur_values, config.unseen_top))
    return column


def _dataset(
    name: Literal["reference", "current"],
    table: pa.Table,
    sides: list[ColumnSide],
    count_duplicates: bool,
) -> DatasetQuality:
    n_duplicates: int | None = None
    reason: str | None = None
    if count_duplicates:
        n_duplicates, reason = count_duplicate_rows(table)
    return DatasetQuality(
        name=name,
        n_rows=table.num_rows,
        n_columns=table.num_columns,
        n_duplicate_rows=n_duplicates,
        duplicate_share=None if n_duplicates is None else fraction(n_duplicates, table.num_rows),
        n_missing_cells=sum(side.n_missing for side in sides),
        duplicates_unchecked=reason,
    )


def selected_checks(config: QualityConfig) -> list[QualityCheck]:
    """The registered checks ``config`` leaves enabled, in registration order; an
    unknown name in ``config`` raises, listing the known ones."""
    for name in [*config.disabled, *config.severities]:
        get_check(name)
    return [check for check in available_checks() if check.name not in config.disabled]


def added_column(
    name: str, *, in_reference: bool, current_type: str, current_family: str | None
) -> ColumnQuality:
    """The record of a current column the schema does not list: reported as added,
    not checked further."""
    return ColumnQuality(
        name=name,
        kind=None,
        role=None,
        in_reference=in_reference,
        in_current=True,
        reference_type=None,
        current_type=current_type,
        current_family=current_family,
    )


def run_checks(
    checks: list[QualityCheck],
    columns: list[ColumnQuality],
    reference: DatasetQuality,
    current: DatasetQuality,
    config: QualityConfig,
) -> QualityResult:
    """Every check on the measured facts, with ``config``'s severity overrides: the one
    loop shared by raw data (:func:`assess_tables`) and profiles
    (:func:`~watchkeeper.quality.assess_profiles`)."""
    findings: list[Finding] = []
    for check in checks:
        if check.scope == "dataset":
            found = list(check.func(reference, current, config))
        else:
            found = [f for column in columns for f in check.func(column, config)]
        override = config.severities.get(check.name)
        if override is not None:
            found = [replace(f, severity=override) for f in found]
        findings.extend(found)
    return QualityResult(findings, reference, current, columns)


def assess_tables(
    reference: pa.Table,
    current: pa.Table,
    schema: Schema,
    *,
    reference_values: Mapping[str, ColumnValues] | None = None,
    current_values: Mapping[str, ColumnValues] | None = None,
    config: QualityConfig | None = None,
) -> QualityResult:
    """Data-quality findings for ``current`` against ``reference``, read per ``schema``.

    ``schema`` is usually inferred from the reference; columns of ``current`` that are
    not in it are reported as added and not checked further. ``reference_values`` and
    ``current_values`` are columns already extracted with
    :func:`~watchkeeper.io.extract_column` (by name); a column absent from them is
    extracted here.

    >>> import pyarrow as pa
    >>> from watchkeeper.io import extract_column
    >>> from watchkeeper.schema import infer_schema
    >>> ref, cur = pa.table({"x": [1.0, 2.0, 3.0] * 10}), pa.table({"x": [1.0, None, 9.0] * 10})
    >>> schema = infer_schema(ref)
    >>> given = {"x": extract_column(cur.column("x"), schema["x"])}
    >>> result = assess_tables(ref, cur, schema, current_values=given)
    >>> [f.check for f in result.findings if f.severity == "critical"]
    ['missing_share_change', 'out_of_range']
    """
    config = config or QualityConfig()
    checks = selected_checks(config)
    names = (_check_names(reference, "the reference"), _check_names(current, "current"))
    given = (reference_values, current_values)
    columns = [_measure_column(spec, reference, current, names, given, config) for spec in schema]
    in_schema = set(schema.names)
    columns.extend(
        added_column(
            name,
            in_reference=name in names[0],
            current_type=str(current.schema.field(name).type),
            current_family=arrow_family(current.schema.field(name).type),
        )
        for name in current.column_names
        if name not in in_schema
    )
    count_duplicates = "duplicate_rows" not in config.disabled
    ref_dataset = _dataset(
        "reference", reference, [c.reference for c in columns if c.reference], count_duplicates
    )
    cur_dataset = _dataset(
        "current", current, [c.current for c in columns if c.current], count_duplicates
    )
    return run_checks(checks, columns, ref_dataset, cur_dataset, config)
