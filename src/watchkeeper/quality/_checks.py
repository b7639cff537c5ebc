"""The data-quality checks of datasets, of the schema and of missing values.

Every check is registered by name with its metadata, reads facts measured once
(:mod:`watchkeeper.quality._facts`) and yields findings whose message names the
column, the value and the fix. Larger values are worse; the thresholds live in
:class:`~watchkeeper.quality.QualityConfig` and are documented, with an example per
check, in docs/quality.md. The checks of values (broken values, and values against the
reference) are in :mod:`watchkeeper.quality._value_checks`; registration order is the
order checks run and are documented in.
"""

from __future__ import annotations

from collections.abc import Iterator

from watchkeeper.quality._config import QualityConfig
from watchkeeper.quality._facts import ColumnQuality, DatasetQuality
from watchkeeper.quality._findings import DatasetName, Finding, Severity
from watchkeeper.quality._format import format_share, in_dataset, p_text, sides
from watchkeeper.quality._registry import register_check
from watchkeeper.schema import ColumnRole

__all__ = [
    "added_column",
    "column_count",
    "duplicate_rows",
    "empty_column",
    "missing_column",
    "missing_share",
    "missing_share_change",
    "row_count",
    "type_change",
]


# Dataset checks -------------------------------------------------------------------


@register_check(
    "row_count",
    scope="dataset",
    severity=Severity.CRITICAL,
    reads=["reference.n_rows", "current.n_rows"],
    thresholds=["min_rows"],
    description="A dataset with no rows (critical) or fewer than min_rows rows (warning).",
)
def row_count(
    reference: DatasetQuality, current: DatasetQuality, config: QualityConfig
) -> Iterator[Finding]:
    for dataset in (reference, current):
        n = dataset.n_rows
        if n == 0:
            yield Finding(
                None,
                "row_count",
                Severity.CRITICAL,
                f"{dataset.name} has no rows, so nothing in it can be checked or compared; "
                "check the query, filter or file that produced it",
                0.0,
                dataset.name,
            )
        elif n < config.min_rows:
            yield Finding(
                None,
                "row_count",
                Severity.WARNING,
                f"{dataset.name} has only {n:,} rows (fewer than {config.min_rows}); shares "
                "and tests on so few rows are unreliable: compare larger samples",
                float(n),
                dataset.name,
                float(config.min_rows),
            )


@register_check(
    "column_count",
    scope="dataset",
    severity=Severity.CRITICAL,
    reads=["reference.n_columns", "current.n_columns"],
    description="A dataset with no columns at all.",
)
def column_count(
    reference: DatasetQuality, current: DatasetQuality, config: QualityConfig
) -> Iterator[Finding]:
    for dataset in (reference, current):
        if dataset.n_columns == 0:
            yield Finding(
                None,
                "column_count",
                Severity.CRITICAL,
                f"{dataset.name} has no columns; check that the file or frame holds the data",
                0.0,
                dataset.name,
            )


@register_check(
    "duplicate_rows",
    scope="dataset",
    severity=Severity.WARNING,
    reads=["reference.n_duplicate_rows", "current.n_duplicate_rows"],
    thresholds=["duplicate_share_warning"],
    description=(
        "Share of rows equal to an earlier row in every column: info above 0, warning at "
        "or above duplicate_share_warning."
    ),
)
def duplicate_rows(
    reference: DatasetQuality, current: DatasetQuality, config: QualityConfig
) -> Iterator[Finding]:
    for dataset in (reference, current):
        if dataset.duplicates_unchecked is not None:
            yield Finding(
                None,
                "duplicate_rows",
                Severity.INFO,
                f"duplicate rows in {dataset.name} were not counted: "
                f"{dataset.duplicates_unchecked}",
                None,
                dataset.name,
            )
            continue
        n, ratio = dataset.n_duplicate_rows, dataset.duplicate_share
        if not n or ratio is None:
            continue
        severity = Severity.WARNING if ratio >= config.duplicate_share_warning else Severity.INFO
        yield Finding(
            None,
            "duplicate_rows",
            severity,
            f"{dataset.name} has {n:,} fully duplicated rows ({format_share(ratio)} of "
            f"{dataset.n_rows:,}); drop them upstream or check the join or retry that "
            "repeated them",
            ratio,
            dataset.name,
            config.duplicate_share_warning if severity == Severity.WARNING else None,
            {"n_duplicate_rows": n},
        )


# Schema checks --------------------------------------------------------------------


@register_check(
    "missing_column",
    scope="column",
    severity=Severity.CRITICAL,
    reads=["in_reference", "in_current"],
    description="A column of the schema absent from the current data (or the reference).",
)
def missing_column(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    if not column.in_schema or column.role == ColumnRole.IGNORED:
        return
    presence: tuple[tuple[DatasetName, bool], ...] = (
        ("reference", column.in_reference),
        ("current", column.in_current),
    )
    for dataset, present in presence:
        if present:
            continue
        where = "the reference" if dataset == "current" else "the schema"
        yield Finding(
            column.name,
            "missing_column",
            Severity.CRITICAL,
            f"column {column.name!r} is in {where} but missing from {dataset}; restore it "
            "upstream, or remove it from the schema if it was dropped on purpose",
            None,
            dataset,
        )


@register_check(
    "added_column",
    scope="column",
    severity=Severity.INFO,
    reads=["in_reference", "in_current"],
    description="A column of the current data that the reference (the schema) lacks.",
)
def added_column(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    if column.in_schema or not column.in_current:
        return
    where = "the schema" if column.in_reference else "the reference"
    yield Finding(
        column.name,
        "added_column",
        Severity.INFO,
        f"column {column.name!r} ({column.current_type}) is in current but not in {where}, "
        f"so it is not checked; add it to {where} to watch it",
        None,
        "current",
    )


@register_check(
    "type_change",
    scope="column",
    severity=Severity.WARNING,
    reads=["reference_type", "current_type"],
    description=(
        "The column's type family (number, text, boolean, datetime, ...) differs between "
        "reference and current; an all-null side has no type and is not compared."
    ),
)
def type_change(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    ref, cur = column.reference_family, column.current_family
    if not column.in_schema or ref is None or cur is None or "null" in (ref, cur) or ref == cur:
        return
    yield Finding(
        column.name,
        "type_change",
        Severity.WARNING,
        f"column {column.name!r} changed type: {ref} ({column.reference_type}) in the "
        f"reference, {cur} ({column.current_type}) in current; restore the type upstream, "
        "or declare the column's kind in a schema file",
        None,
        "current",
        None,
        {"reference_type": column.reference_type, "current_type": column.current_type},
    )


# Missing values -------------------------------------------------------------------


@register_check(
    "empty_column",
    scope="column",
    severity=Severity.CRITICAL,
    reads=["reference.n_missing", "current.n_missing"],
    description=(
        "Every value missing: critical when current is empty but the reference is not, "
        "warning when the reference is empty."
    ),
)
def empty_column(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    ref, cur = column.reference, column.current
    ref_empty = ref is not None and ref.is_empty
    cur_empty = cur is not None and cur.is_empty
    name = column.name
    if ref_empty and cur_empty:
        yield Finding(
            name,
            "empty_column",
            Severity.WARNING,
            f"column {name!r} is empty in both reference and current (every value "
            "missing); drop it or fix the source that should fill it",
            1.0,
        )
    elif cur_empty and cur is not None:
        yield Finding(
            name,
            "empty_column",
            Severity.CRITICAL,
            f"column {name!r} is empty in current (all {cur.n_rows:,} values missing) "
            "although the reference has values; the source that fills it is broken",
            1.0,
            "current",
        )
    elif ref_empty and ref is not None:
        yield Finding(
            name,
            "empty_column",
            Severity.WARNING,
            f"column {name!r} is empty in the reference (all {ref.n_rows:,} values "
            "missing), so current cannot be compared with it; use a reference with values",
            1.0,
            "reference",
        )


@register_check(
    "missing_share",
    scope="column",
    severity=Severity.WARNING,
    reads=["reference.n_missing", "current.n_missing"],
    thresholds=["missing_share_warning"],
    description=(
        "Share of missing values (null or NaN) on each side: info above 0, warning at or "
        "above missing_share_warning. Empty columns are left to empty_column."
    ),
)
def missing_share(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    for dataset, side in sides(column):
        ratio = side.missing_share
        if ratio is None or ratio == 0.0 or side.is_empty:
            continue
        warn = ratio >= config.missing_share_warning
        fix = "; impute it or fix the source" if warn else ""
        yield Finding(
            column.name,
            "missing_share",
            Severity.WARNING if warn else Severity.INFO,
            f"column {column.name!r} is {format_share(ratio)} missing {in_dataset(dataset)} "
            f"({side.n_missing:,} of {side.n_rows:,} rows){fix}",
            ratio,
            dataset,
            config.missing_share_warning if warn else None,
        )


@register_check(
    "missing_share_change",
    scope="column",
    severity=Severity.WARNING,
    reads=["missing_change"],
    thresholds=["missing_rise_warning", "missing_rise_critical", "significance"],
    description=(
        "Rise of the missing share against the reference, in points, that is also "
        "significant by a one-sided two-proportion z-test: warning at missing_rise_warning, "
        "critical at missing_rise_critical."
    ),
)
def missing_share_change(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    change = column.missing_change
    if change is None or change.p_value >= config.significance:
        return
    if change.rise < config.missing_rise_warning or change.current_share == 1.0:
        # An all-missing current column is reported, once, by empty_column.
        return
    critical = change.rise >= config.missing_rise_critical
    yield Finding(
        column.name,
        "missing_share_change",
        Severity.CRITICAL if critical else Severity.WARNING,
        f"the missing share of column {column.name!r} rose from "
        f"{format_share(change.reference_share)} in the reference to "
        f"{format_share(change.current_share)} in current (+{100 * change.rise:.1f} points, "
        f"{p_text(change.p_value)}); check the step that fills it",
        change.rise,
        "current",
        config.missing_rise_critical if critical else config.missing_rise_warning,
        {"p_value": change.p_value},
    )
