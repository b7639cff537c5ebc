"""The report when either side is a profile (a :class:`~watchkeeper.profile.Profile` or
a ``.wkp`` file), or when both sides are streamed because they do not fit in memory.

Drift comes from :func:`~watchkeeper.drift._from_profiles.compare_profiles`. Data
quality runs the registered checks on facts measured from the profiles: missing shares
and their change, type mismatches, infinities, values out of the reference's range
(exact: the current profile counts them on the reference's range), unseen categories,
added, missing and retyped columns, constant and empty columns. Two facts need rows a
profile does not keep: duplicate rows (a dataset-level info finding says they were not
counted) and Tukey outliers (not measured). Raw data on one side is profiled here, in
batches, with the other side's bins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import ColumnError
from watchkeeper._progress import Progress
from watchkeeper.drift import DriftPolicy
from watchkeeper.drift._from_profiles import compare_profiles, profile_quantiles
from watchkeeper.io import CategoricalValues
from watchkeeper.profile import (
    DEFAULT_BATCH_SIZE,
    CategoricalProfile,
    ColumnProfile,
    NumericProfile,
    Profile,
    profile_source,
)
from watchkeeper.quality import (
    ColumnQuality,
    ColumnSide,
    DatasetQuality,
    Finding,
    NumericSummary,
    QualityConfig,
    QualityResult,
    RangeFacts,
    available_checks,
    get_check,
)
from watchkeeper.quality._measure import (
    _outside_range_p_value,
    arrow_family,
    column_side,
    format_number,
    missing_change,
    unseen_facts,
)
from watchkeeper.report._report import DatasetInfo, Report, _source_name
from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema, parse_overrides

__all__ = ["is_profile_source", "report_from_profiles"]

_DUPLICATES_UNCHECKED = "a profile keeps no rows, so duplicate rows cannot be counted"


def is_profile_source(obj: Any) -> bool:
    """Whether ``obj`` is a profile: a :class:`Profile` or a path ending in ``.wkp``.

    >>> is_profile_source("ref.wkp"), is_profile_source("ref.parquet")
    (True, False)
    """
    if isinstance(obj, Profile):
        return True
    return isinstance(obj, str | Path) and str(obj).lower().endswith(".wkp")


def _loaded(obj: Any) -> Profile | None:
    if isinstance(obj, Profile):
        return obj
    if is_profile_source(obj):
        return Profile.load(obj)
    return None


def _resolve_schema(profiled: Schema, schema: Schema | Mapping[str, Any] | None) -> Schema:
    """The reference profile's schema with the caller's roles; kinds are fixed by the
    profile, and a different one is an error naming the column."""
    if schema is None:
        return profiled
    if isinstance(schema, Schema):
        wanted = {spec.name: {"kind": spec.kind.value, "role": spec.role.value} for spec in schema}
    else:
        wanted = parse_overrides(schema)
    specs = []
    for spec in profiled:
        entry = wanted.get(spec.name, {})
        kind = ColumnKind(entry.get("kind", spec.kind))
        if kind != spec.kind:
            raise ColumnError(
                spec.name,
                f"was profiled as {spec.kind.value} but the schema says {kind.value}",
                "profile the data again with this schema (watchkeeper profile --schema)",
            )
        role = ColumnRole(entry.get("role", spec.role))
        specs.append(ColumnSpec(spec.name, kind, role, declared=spec.declared or bool(entry)))
    return Schema(specs)


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
        if col.counts is not None:
            q25, median, q75 = profile_quantiles(col, (0.25, 0.5, 0.75))
        else:
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
    ref_types = None if ref is None else ", ".join(ref.arrow_types)
    cur_types = None if cur is None else ", ".join(cur.arrow_types)
    column = ColumnQuality(
        name=spec.name,
        kind=spec.kind,
        role=spec.role,
        in_reference=ref is not None,
        in_current=cur is not None or spec.name in current.extra_columns,
        reference_type=ref_types,
        current_type=cur_types,
        reference_family=None if ref is None else _family(ref.arrow_types),
        current_family=None if cur is None else _family(cur.arrow_types),
    )
    if spec.role == ColumnRole.IGNORED:
        return column
    ref_side = None if ref is None else _side(ref)
    cur_side = None if cur is None else _side(cur)
    column = replace(column, reference=ref_side, current=cur_side)
    if ref_side is not None and cur_side is not None:
        column = replace(column, missing_change=missing_change(ref_side, cur_side))
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
    reference: Profile, current: Profile, schema: Schema, config: QualityConfig | None = None
) -> QualityResult:
    """Data-quality findings from two profiles, by the registered checks."""
    config = config or QualityConfig()
    for name in [*config.disabled, *config.severities]:
        get_check(name)  # an unknown name raises, listing the known ones
    columns = [_measure(spec, reference, current, config.unseen_top) for spec in schema]
    added = {name: ", ".join(col.arrow_types) for name, col in current.columns.items()} | dict(
        current.extra_columns
    )
    columns.extend(
        ColumnQuality(
            name=name,
            kind=None,
            role=None,
            in_reference=name in reference.columns or name in reference.extra_columns,
            in_current=True,
            current_type=text,
            current_family=_family(tuple(text.split(", "))),
        )
        for name, text in sorted(added.items())
        if name not in schema
    )
    ref_dataset = _dataset("reference", reference, [c.reference for c in columns if c.reference])
    cur_dataset = _dataset("current", current, [c.current for c in columns if c.current])
    findings: list[Finding] = []
    for check in available_checks():
        if check.name in config.disabled:
            continue
        if check.scope == "dataset":
            found = list(check.func(ref_dataset, cur_dataset, config))
        else:
            found = [f for column in columns for f in check.func(column, config)]
        override = config.severities.get(check.name)
        if override is not None:
            found = [replace(f, severity=override) for f in found]
        findings.extend(found)
    return QualityResult(findings, ref_dataset, cur_dataset, columns)


def report_from_profiles(
    reference: Any,
    current: Any,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    policy: DriftPolicy | None = None,
    quality: QualityConfig | None = None,
    progress: bool | Progress = False,
    names: tuple[str | None, str | None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Report:
    """The report of ``current`` against ``reference`` where either side is a profile
    (or both are raw sources to stream: files, globs, frames).

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(7)
    >>> plans = ["a", "b", "c"]
    >>> ref = profile_source({"age": rng.normal(40, 10, 5000), "plan": rng.choice(plans, 5000)})
    >>> cur = {"age": rng.normal(46, 10, 5000), "plan": rng.choice(plans + ["d"], 5000)}
    >>> result = report_from_profiles(ref, cur)
    >>> result.drift.drifted_columns, result.drift["age"].comparison
    (['age', 'plan'], 'approximate')
    >>> [f.check for f in result.quality.findings if f.column == "plan"]
    ['unseen_categories']
    """
    bar = progress if isinstance(progress, Progress) else Progress(enabled=bool(progress))
    ref, cur = _loaded(reference), _loaded(current)
    if ref is None and cur is not None and cur.bins:
        ref = profile_source(
            reference, bins_from=cur, schema=schema or cur.schema, batch_size=batch_size,
            progress=bar,
        )  # fmt: skip
    elif ref is None:
        ref = profile_source(
            reference, schema=schema,
            batch_size=batch_size, progress=bar,
        )  # fmt: skip
    if cur is None:
        cur = profile_source(current, bins_from=ref, batch_size=batch_size, progress=bar)
    resolved = _resolve_schema(ref.schema, schema)
    ref = replace(ref, schema=resolved)
    bar.start("comparing columns", sum(1 for s in resolved if s.compared))
    drift = compare_profiles(ref, cur, policy, bar.step)
    quality_result = assess_profiles(ref, cur, resolved, quality)
    bar.finish()
    ref_name, cur_name = names or (_source_name(reference), _source_name(current))
    return Report(
        reference=DatasetInfo(ref_name, ref.n_rows, ref.n_columns),
        current=DatasetInfo(cur_name, cur.n_rows, cur.n_columns),
        schema=resolved,
        drift=drift,
        quality=quality_result,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
