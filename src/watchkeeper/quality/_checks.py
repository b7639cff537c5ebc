"""The data-quality checks, each registered by name with its metadata.

Every check reads facts measured once (:mod:`watchkeeper.quality._facts`) and yields
findings whose message names the column, the value and the fix. Shares in messages are
percentages of the rows (or values) of the side named. Larger values are worse; the
thresholds live in :class:`~watchkeeper.quality.QualityConfig` and are documented, with
an example per check, in docs/quality.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from watchkeeper.quality._config import QualityConfig
from watchkeeper.quality._facts import ColumnQuality, ColumnSide, DatasetQuality
from watchkeeper.quality._findings import DatasetName, Finding, Severity
from watchkeeper.quality._registry import register_check
from watchkeeper.schema import ColumnKind, ColumnRole

__all__ = ["format_share"]


def format_share(value: float) -> str:
    """A share as a percentage a person reads at a glance.

    >>> format_share(0.0), format_share(0.00004), format_share(0.0123), format_share(0.5)
    ('0%', '<0.01%', '1.2%', '50.0%')
    """
    percent = 100.0 * value
    if percent == 0.0:
        return "0%"
    if percent < 0.01:
        return "<0.01%"
    if percent < 1.0:
        return f"{percent:.2f}%"
    return f"{percent:.1f}%"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _p(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _sides(column: ColumnQuality) -> Iterator[tuple[DatasetName, ColumnSide]]:
    if column.reference is not None:
        yield "reference", column.reference
    if column.current is not None:
        yield "current", column.current


def _in(dataset: DatasetName) -> str:
    return "in the reference" if dataset == "reference" else "in current"


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
    yield Finding(
        column.name,
        "added_column",
        Severity.INFO,
        f"column {column.name!r} ({column.current_type}) is in current but not in the "
        "reference, so it is not checked; add it to the reference to watch it",
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
    for dataset, side in _sides(column):
        ratio = side.missing_share
        if ratio is None or ratio == 0.0 or side.is_empty:
            continue
        warn = ratio >= config.missing_share_warning
        fix = "; impute it or fix the source" if warn else ""
        yield Finding(
            column.name,
            "missing_share",
            Severity.WARNING if warn else Severity.INFO,
            f"column {column.name!r} is {format_share(ratio)} missing {_in(dataset)} "
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
        f"{_p(change.p_value)}); check the step that fills it",
        change.rise,
        "current",
        config.missing_rise_critical if critical else config.missing_rise_warning,
        {"p_value": change.p_value},
    )


# Broken values --------------------------------------------------------------------


@register_check(
    "type_mismatch",
    scope="column",
    severity=Severity.WARNING,
    reads=["reference.n_type_mismatch", "current.n_type_mismatch"],
    thresholds=["type_mismatch_critical"],
    description=(
        "Values of a numeric column that are not numbers (text such as 'n/a'): warning "
        "above 0, critical at or above type_mismatch_critical of the rows."
    ),
)
def type_mismatch(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    for dataset, side in _sides(column):
        ratio = side.type_mismatch_share
        if not side.n_type_mismatch or ratio is None:
            continue
        critical = ratio >= config.type_mismatch_critical
        yield Finding(
            column.name,
            "type_mismatch",
            Severity.CRITICAL if critical else Severity.WARNING,
            f"column {column.name!r} has {side.n_type_mismatch:,} values {_in(dataset)} "
            f"({format_share(ratio)}) that are not numbers (first: {side.first_mismatch!r}); "
            "they are left out of every statistic: clean them upstream, or declare the "
            "column categorical",
            ratio,
            dataset,
            config.type_mismatch_critical if critical else None,
            {"n_type_mismatch": side.n_type_mismatch, "first": side.first_mismatch},
        )


@register_check(
    "infinite_values",
    scope="column",
    severity=Severity.WARNING,
    reads=["reference.n_pos_inf", "reference.n_neg_inf", "current.n_pos_inf", "current.n_neg_inf"],
    description="Infinite values in a numeric column, on either side.",
)
def infinite_values(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    for dataset, side in _sides(column):
        ratio = side.infinite_share
        if not side.n_infinite or ratio is None:
            continue
        yield Finding(
            column.name,
            "infinite_values",
            Severity.WARNING,
            f"column {column.name!r} has {side.n_infinite:,} infinite values {_in(dataset)} "
            f"({format_share(ratio)}: {side.n_pos_inf:,} +inf, {side.n_neg_inf:,} -inf); "
            "they are left out of every statistic: fix them upstream (often a division by "
            "zero or an overflow)",
            ratio,
            dataset,
            None,
            {"n_pos_inf": side.n_pos_inf, "n_neg_inf": side.n_neg_inf},
        )


@register_check(
    "constant_column",
    scope="column",
    severity=Severity.WARNING,
    reads=["reference.n_distinct", "current.n_distinct"],
    description=(
        "A column with a single distinct value: warning when current is constant but the "
        "reference is not (a stuck source or a default fill), info when the reference is."
    ),
)
def constant_column(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    ref, cur = column.reference, column.current
    if not column.values_checked:
        return

    def constant(side: ColumnSide | None) -> bool:
        # One present value is too few to call a column constant.
        return side is not None and side.n_distinct == 1 and side.n_present >= 2

    def value(side: ColumnSide) -> str:
        if side.constant_value is None:
            return ""
        if column.kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN):
            return f" ({side.constant_value!r})"
        return f" ({side.constant_value})"

    name = column.name
    if constant(ref) and ref is not None:
        both = constant(cur) and cur is not None and cur.constant_value == ref.constant_value
        where = "both reference and current" if both else "the reference"
        yield Finding(
            name,
            "constant_column",
            Severity.INFO,
            f"column {name!r} has a single value{value(ref)} in {where}; it carries no "
            "information a model can use: drop it, or ignore it in the schema",
            1.0,
            None if both else "reference",
        )
        if both:
            return
    if constant(cur) and cur is not None:
        was = ""
        if ref is not None and ref.n_distinct is not None and ref.n_distinct > 1:
            was = f" but {ref.n_distinct:,} in the reference"
        severity = Severity.WARNING if was else Severity.INFO
        yield Finding(
            name,
            "constant_column",
            severity,
            f"column {name!r} has a single value{value(cur)} in current{was}; look for a "
            "stuck source or a default that fills every row",
            1.0,
            "current",
        )


# Values against the reference -----------------------------------------------------


@register_check(
    "out_of_range",
    scope="column",
    severity=Severity.WARNING,
    reads=["range"],
    thresholds=["out_of_range_warning", "out_of_range_critical", "significance"],
    description=(
        "Share of current finite values below the reference minimum or above its "
        "maximum: warning above out_of_range_warning when a beta-binomial test says "
        "chance does not explain it, critical at or above out_of_range_critical."
    ),
)
def out_of_range(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    facts = column.range
    if facts is None or not column.values_checked:
        return
    ratio = facts.share
    if ratio is None or ratio <= config.out_of_range_warning:
        return
    if facts.p_value >= config.significance:
        return
    critical = ratio >= config.out_of_range_critical
    low, high = facts.reference_min, facts.reference_max
    yield Finding(
        column.name,
        "out_of_range",
        Severity.CRITICAL if critical else Severity.WARNING,
        f"{format_share(ratio)} of the current values of column {column.name!r} "
        f"({facts.n_outside:,} of {facts.n_current:,}: {facts.n_below:,} below, "
        f"{facts.n_above:,} above) lie outside the reference range [{low:.4g}, {high:.4g}]; "
        "check units and the source, or refresh the reference if the range really grew",
        ratio,
        "current",
        config.out_of_range_critical if critical else config.out_of_range_warning,
        {"n_below": facts.n_below, "n_above": facts.n_above, "p_value": facts.p_value},
    )


@register_check(
    "outlier_share",
    scope="column",
    severity=Severity.WARNING,
    reads=["outliers"],
    thresholds=["iqr_factor", "outlier_rise_warning", "significance"],
    description=(
        "Share of current values outside the reference's Tukey fences (Q1 - 1.5 IQR, "
        "Q3 + 1.5 IQR): warning when it exceeds the reference's own share by "
        "outlier_rise_warning and a one-sided two-proportion z-test agrees."
    ),
)
def outlier_share(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    facts = column.outliers
    if facts is None or not column.values_checked:
        return
    ref_share, cur_share = facts.reference_share, facts.current_share
    if ref_share is None or cur_share is None:
        return
    rise = cur_share - ref_share
    if rise < config.outlier_rise_warning or facts.p_value >= config.significance:
        return
    yield Finding(
        column.name,
        "outlier_share",
        Severity.WARNING,
        f"{format_share(cur_share)} of the current values of column {column.name!r} are "
        f"outliers (outside [{facts.lower_fence:.4g}, {facts.upper_fence:.4g}], the "
        f"reference's IQR fences), against {format_share(ref_share)} in the reference "
        f"({_p(facts.p_value)}); look for a change of scale, units or source",
        cur_share,
        "current",
        config.outlier_rise_warning,
        {"reference_share": ref_share, "rise": rise, "p_value": facts.p_value},
    )


def _unseen_list(top: tuple[tuple[str, int], ...], n_current: int, n_unseen: int) -> str:
    shown = [f"{category!r} ({format_share(count / n_current)})" for category, count in top]
    more = n_unseen - len(top)
    if more > 0:
        shown.append(f"{more:,} more")
    return ", ".join(shown)


@register_check(
    "unseen_categories",
    scope="column",
    severity=Severity.WARNING,
    reads=["unseen"],
    thresholds=["unseen_share_warning", "unseen_top", "identifier_distinct_share"],
    description=(
        "Share of current values in categories the reference never saw: info above 0, "
        "warning at or above unseen_share_warning; the top few are listed."
    ),
)
def unseen_categories(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
    facts = column.unseen
    if facts is None or not column.values_checked or not facts.n_unseen_values:
        return
    ratio = facts.share
    if ratio is None:
        return
    warn = ratio >= config.unseen_share_warning
    looks_like_id = (
        facts.reference_n_present > 0
        and facts.reference_n_distinct
        > config.identifier_distinct_share * facts.reference_n_present
        and facts.reference_n_distinct > 1
    )
    if looks_like_id:
        fix = (
            f"the reference has {facts.reference_n_distinct:,} distinct values in "
            f"{facts.reference_n_present:,} rows, so this looks like an identifier or free "
            "text: give it the id role or ignore it in the schema"
        )
    else:
        fix = "update the reference, or map them to known categories upstream"
    listed = _unseen_list(facts.top, facts.n_current, facts.n_unseen_categories)
    details: dict[str, Any] = {
        "n_unseen_categories": facts.n_unseen_categories,
        "top": [{"category": c, "count": n} for c, n in facts.top],
    }
    yield Finding(
        column.name,
        "unseen_categories",
        Severity.WARNING if warn else Severity.INFO,
        f"{format_share(ratio)} of the current values of column {column.name!r} "
        f"({facts.n_unseen_values:,} of {facts.n_current:,}) are in "
        f"{_plural(facts.n_unseen_categories, 'category', 'categories')} the reference "
        f"never saw: {listed}; {fix}",
        ratio,
        "current",
        config.unseen_share_warning if warn else None,
        details,
    )
