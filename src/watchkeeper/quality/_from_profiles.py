"""Data quality from two profiles, beside :mod:`watchkeeper.drift._from_profiles`.

The registered checks run on facts measured from the profiles: missing shares and
their change, type mismatches, infinities, values out of the reference's range
(exact: the current profile counts them on the reference's range), unseen categories,
added, missing and retyped columns, constant and empty columns. Two facts need rows a
profile does not keep: duplicate rows (a dataset-level info finding says they were not
counted) and Tukey outliers (not measured). The check loop is the raw-data one
(:func:`~watchkeeper.quality._assess.run_checks`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
import pyarrow as pa

from watchkeeper._numbers import format_number
from watchkeeper.io import CategoricalValues
from watchkeeper.profile import CategoricalProfile, ColumnProfile, NumericProfile, Profile
from watchkeeper.quality._assess import added_column, run_checks, selected_checks
from watchkeeper.quality._config import QualityConfig
from watchkeeper.quality._facts import (
    ColumnQuality,
    ColumnSide,
    DatasetQuality,
    NumericSummary,
    RangeFacts,
)
from watchkeeper.quality._findings import QualityResult
from watchkeeper.quality._measure import (
    _outside_range_p_value,
    arrow_family,
    column_side,
    unseen_facts,
    with_sides,
)
from watchkeeper.schema import ColumnRole, ColumnSpec, Schema

__all__ = ["assess_profiles"]

_DUPLICATES_UNCHECKED = "a profile keeps no rows, so duplicate rows cannot be counted"


def _family(types: tuple[str, ...]) -> str | None:
    families = set()
    for text in types:
        try:
            families.add(arrow_family(pa.type_for_alias(text)))
        except (ValueError, KeyError):
            prefix = text.split("[")[0].split("<")[0]
            families.add({"timestamp": "datetime", "date32": "datetime"}.get(prefix, prefix))
    families.discard("null")
    if not families:
        return "null" if types else None
    return ", ".join(sorted(families))


def _numeric_side(col: NumericProfile) -> ColumnSide:
    n_inf_kinds = (col.n_pos_inf > 0) + (col.n_neg_inf > 0)
    constant: str | None = None
    summary: NumericSummary | None = None
    if col.n_finite == 0 or col.min is None or col.max is None:
        n_distinct = n_inf_kinds
        if n_distinct == 1:
            constant = "inf" if col.n_pos_inf else "-inf"
    else:
        if col.min == col.max:
            n_finite_distinct = 1
        else:
            # A lower bound: distinct values are at least the occupied bins (and 2).
            occupied = 0 if col.counts is None else int(np.count_nonzero(col.counts))
            n_finite_distinct = max(2, occupied)
        n_distinct = n_finite_distinct + n_inf_kinds
        if n_distinct == 1:
            constant = format_number(col.min)
        q25, median, q75 = (col.quantile(q) or 0.0 for q in (0.25, 0.5, 0.75))
        summary = NumericSummary(
            n=col.n_finite,
            mean=col.moments.mean,
            std=col.moments.std(ddof=1),
            min=col.min,
            q25=q25,
            median=median,
            q75=q75,
            max=col.max,
        )
    return ColumnSide(
        n_rows=col.n_rows,
        n_missing=col.n_missing,
        n_type_mismatch=col.n_type_mismatch,
        first_mismatch=col.first_mismatch,
        n_pos_inf=col.n_pos_inf,
        n_neg_inf=col.n_neg_inf,
        n_distinct=n_distinct,
        constant_value=constant,
        summary=summary,
    )


def _categorical_values(col: CategoricalProfile) -> CategoricalValues:
    categories, counts = col.ordered()
    return CategoricalValues(col.name, categories, counts, col.n_rows, col.n_null)


def _side(col: ColumnProfile) -> ColumnSide:
    if isinstance(col, NumericProfile):
        return _numeric_side(col)
    if isinstance(col, CategoricalProfile):
        side = column_side(_categorical_values(col))
        return side if col.exact else replace(side, n_distinct=col.n_distinct())
    return ColumnSide(n_rows=col.n_rows, n_missing=col.n_missing)


def _range(ref: NumericProfile, cur: NumericProfile) -> RangeFacts | None:
    if ref.n_finite < 2 or cur.n_finite == 0 or ref.min is None or ref.max is None:
        return None
    if cur.bins is None or cur.bins.low != ref.min or cur.bins.high != ref.max:
        return None
    return RangeFacts(
        reference_min=ref.min,
        reference_max=ref.max,
        n_current=cur.n_finite,
        n_below=cur.n_below,
        n_above=cur.n_above,
        p_value=_outside_range_p_value(cur.n_below + cur.n_above, cur.n_finite, ref.n_finite),
    )


def _measure(spec: ColumnSpec, reference: Profile, current: Profile, top: int) -> ColumnQuality:
    ref, cur = reference.columns.get(spec.name), current.columns.get(spec.name)
    column = ColumnQuality(
        name=spec.name,
        kind=spec.kind,
        role=spec.role,
        in_reference=ref is not None,
        in_current=cur is not None or spec.name in current.extra_columns,
        reference_type=None if ref is None else ", ".join(ref.arrow_types),
        current_type=None if cur is None else ", ".join(cur.arrow_types),
        reference_family=None if ref is None else _family(ref.arrow_types),
        current_family=None if cur is None else _family(cur.arrow_types),
    )
    if spec.role == ColumnRole.IGNORED:
        return column
    column = with_sides(
        column, None if ref is None else _side(ref), None if cur is None else _side(cur)
    )
    if not column.values_checked:
        return column
    if isinstance(ref, NumericProfile) and isinstance(cur, NumericProfile):
        column = replace(column, range=_range(ref, cur))
    elif isinstance(ref, CategoricalProfile) and isinstance(cur, CategoricalProfile):
        facts = unseen_facts(_categorical_values(ref), _categorical_values(cur), top)
        column = replace(column, unseen=facts)
    return column


def _dataset(
    name: Literal["reference", "current"], profile: Profile, sides: list[ColumnSide]
) -> DatasetQuality:
    return DatasetQuality(
        name=name,
        n_rows=profile.n_rows,
        n_columns=profile.n_columns,
        n_duplicate_rows=None,
        duplicate_share=None,
        n_missing_cells=sum(side.n_missing for side in sides),
        duplicates_unchecked=_DUPLICATES_UNCHECKED,
    )


def assess_profiles(
    reference: Profile,
    current: Profile,
    *,
    schema: Schema | None = None,
    config: QualityConfig | None = None,
) -> QualityResult:
    """Data-quality findings for the ``current`` profile against the ``reference``
    profile, by the registered checks; ``schema`` defaults to the reference's.

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(7)
    >>> ref = profile_source({"plan": rng.choice(["a", "b"], 1000)})
    >>> cur = profile_source({"plan": rng.choice(["a", "b", "c"], 1000)})
    >>> for f in assess_profiles(ref, cur).findings:
    ...     print(f.severity.value, f.check, f.column)
    warning unseen_categories plan
    info duplicate_rows None
    info duplicate_rows None
    """
    config = config or QualityConfig()
    schema = reference.schema if schema is None else schema
    checks = selected_checks(config)
    columns = [_measure(spec, reference, current, config.unseen_top) for spec in schema]
    added = {name: ", ".join(col.arrow_types) for name, col in current.columns.items()} | dict(
        current.extra_columns
    )
    columns.extend(
        added_column(
            name,
            in_reference=name in reference.columns or name in reference.extra_columns,
            current_type=text,
            current_family=_family(tuple(text.split(", "))),
        )
        for name, text in sorted(added.items())
        if name not in schema
    )
    ref_dataset = _dataset("reference", reference, [c.reference for c in columns if c.reference])
    cur_dataset = _dataset("current", current, [c.current for c in columns if c.current])
    return run_checks(checks, columns, ref_dataset, cur_dataset, config)
