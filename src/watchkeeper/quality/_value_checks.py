"""The data-quality checks of values: broken values, and values against the reference.

Type mismatches, infinities and constants are read on each side; ranges, outliers and
unseen categories compare the current values with the reference's. Larger shares are
worse; a comparison also needs a p-value below ``significance``, so that noise on small
samples raises no alarm. Thresholds and examples: docs/quality.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from watchkeeper.quality._config import QualityConfig
from watchkeeper.quality._facts import ColumnQuality, ColumnSide
from watchkeeper.quality._findings import Finding, Severity
from watchkeeper.quality._format import format_share, in_dataset, p_text, plural, sides
from watchkeeper.quality._registry import register_check
from watchkeeper.schema import ColumnKind

__all__ = [
    "constant_column",
    "infinite_values",
    "out_of_range",
    "outlier_share",
    "type_mismatch",
    "unseen_categories",
]


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
    for dataset, side in sides(column):
        ratio = side.type_mismatch_share
        if not side.n_type_mismatch or ratio is None:
            continue
        critical = ratio >= config.type_mismatch_critical
        yield Finding(
            column.name,
            "type_mismatch",
            Severity.CRITICAL if critical else Severity.WARNING,
            f"column {column.name!r} has {side.n_type_mismatch:,} values {in_dataset(dataset)} "
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
    for dataset, side in sides(column):
        ratio = side.infinite_share
        if not side.n_infinite or ratio is None:
            continue
        yield Finding(
            column.name,
            "infinite_values",
            Severity.WARNING,
            f"column {column.name!r} has {side.n_infinite:,} infinite values {in_dataset(dataset)} "
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
        f"({p_text(facts.p_value)}); look for a change of scale, units or source",
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
        f"{plural(facts.n_unseen_categories, 'category', 'categories')} the reference "
        f"never saw: {listed}; {fix}",
        ratio,
        "current",
        config.unseen_share_warning if warn else None,
        details,
    )
