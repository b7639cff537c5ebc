"""Merging profiles: the profile of parts equals the profile of the whole.

Counts, extremes, histograms on the same edges and category counts add exactly; moments
combine by Chan et al.'s update (equal to a single pass within rounding). Numeric
columns profiled on different edges (parts profiled independently, each its own
reference) are re-binned onto common edges (:mod:`watchkeeper.profile._rebin`): the
result records the error bound in ``approximate``. Only a real mismatch (a column that
is numeric in one profile and text in the other, different segment columns) raises an
error naming the column and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from watchkeeper._exceptions import ColumnError, InputError
from watchkeeper.profile._builder import null_column
from watchkeeper.profile._profile import ColumnProfile, Profile
from watchkeeper.schema import ColumnSpec, Schema

__all__ = ["merge_all", "merge_profiles"]


def _merge_column(a: ColumnProfile, b: ColumnProfile) -> ColumnProfile:
    if type(a) is not type(b) or a.kind != b.kind:
        raise ColumnError(
            a.name,
            f"is {a.kind} in one profile and {b.kind} in the other",
            "profile every part with one schema: on the command line `watchkeeper profile "
            "--schema FILE` or `--reference REF.wkp`; in Python schema= or bins_from=",
        )
    merged: ColumnProfile = a.merge(b)  # type: ignore[arg-type]  # same type, checked above
    return merged


def _merge_schema(a: Schema, b: Schema) -> Schema:
    specs: dict[str, ColumnSpec] = {spec.name: spec for spec in a}
    for spec in b:
        mine = specs.get(spec.name)
        if mine is None:
            specs[spec.name] = spec
        elif mine.kind != spec.kind:
            raise ColumnError(
                spec.name,
                f"is {mine.kind.value} in one profile's schema and {spec.kind.value} in the "
                "other's",
                "profile every part with one schema: on the command line `watchkeeper profile "
                "--schema FILE` or `--reference REF.wkp`; in Python schema= or bins_from=",
            )
    return Schema(specs.values())


def merge_profiles(a: Profile, b: Profile) -> Profile:
    """The profile of the rows of ``a`` and ``b`` together.

    A column present in only one side counts as missing in the other side's rows, as
    it does when one batch of a stream lacks it.

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> ref = profile_source({"x": np.arange(10.0)})
    >>> left = profile_source({"x": np.arange(4.0)}, bins_from=ref)
    >>> right = profile_source({"x": np.arange(4.0, 10.0)}, bins_from=ref)
    >>> whole = merge_profiles(left, right)
    >>> whole.n_rows, whole["x"].min, whole["x"].max, int(whole["x"].counts.sum())
    (10, 0.0, 9.0, 10)
    """
    if a.segment_columns != b.segment_columns:
        raise InputError(
            f"the profiles are segmented by different columns ({list(a.segment_columns)} and "
            f"{list(b.segment_columns)}); profile every part with the same --segment columns"
        )
    schema = _merge_schema(a.schema, b.schema)
    columns: dict[str, ColumnProfile] = {}
    for spec in schema:
        left, right = a.columns.get(spec.name), b.columns.get(spec.name)
        if left is not None and right is not None:
            columns[spec.name] = _merge_column(left, right)
        elif left is not None:
            # The other side's rows lacked the column: they count as missing values.
            columns[spec.name] = _merge_column(left, null_column(left, b.n_rows))
        elif right is not None:
            columns[spec.name] = _merge_column(null_column(right, a.n_rows), right)
    extra = {**b.extra_columns, **a.extra_columns}
    segments = dict(a.segments)
    for key, part in b.segments.items():
        segments[key] = merge_profiles(segments[key], part) if key in segments else part
    return Profile(
        schema=schema,
        n_rows=a.n_rows + b.n_rows,
        columns=columns,
        extra_columns={k: extra[k] for k in sorted(extra) if k not in columns},
        segment_columns=a.segment_columns,
        segments={key: segments[key] for key in sorted(segments)},
    )


def merge_all(profiles: Iterable[Profile]) -> Profile:
    """The merge of every profile given (at least one).

    >>> merge_all([])
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.InputError: no profiles to merge; give at least one
    """
    items = list(profiles)
    if not items:
        raise InputError("no profiles to merge; give at least one")
    return reduce(merge_profiles, items)
