"""The public quality verb, in the shape of every core verb: ``(reference, current, *,
schema=None, config=None)``, each side a frame, a table, a file or glob, or a profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from watchkeeper._deprecation import warn_renamed
from watchkeeper._sides import is_profile_source, profile_pair
from watchkeeper.io import ColumnValues, to_table
from watchkeeper.quality._assess import assess_tables
from watchkeeper.quality._config import QualityConfig
from watchkeeper.quality._findings import QualityResult
from watchkeeper.quality._from_profiles import assess_profiles
from watchkeeper.schema import Schema, infer_schema

__all__ = ["assess_quality"]


def assess_quality(
    reference: Any,
    current: Any,
    _schema: Schema | None = None,
    /,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    config: QualityConfig | None = None,
    reference_values: Mapping[str, ColumnValues] | None = None,
    current_values: Mapping[str, ColumnValues] | None = None,
) -> QualityResult:
    """Data-quality findings for ``current`` against ``reference``.

    Both sides may be pandas or polars frames, Arrow tables, file paths or globs, or
    profiles (a :class:`~watchkeeper.profile.Profile` or a ``.wkp`` path; then both are
    assessed as profiles, which keep no rows: duplicates and outliers are not counted).
    The schema is inferred from the reference, with ``schema`` as overrides; columns of
    ``current`` not in it are reported as added and not checked further. A schema given
    by position, ``reference_values`` and ``current_values`` are deprecated.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = {"id": np.arange(1000), "age": rng.normal(40, 10, 1000),
    ...        "plan": rng.choice(["a", "b"], 1000)}
    >>> age = rng.normal(40, 10, 1000)
    >>> age[:100] = np.nan
    >>> cur = {"id": np.arange(1000, 2000), "age": age,
    ...        "plan": rng.choice(["a", "b", "c"], 1000)}
    >>> result = assess_quality(ref, cur)
    >>> for f in result.findings:
    ...     print(f.severity.value, f.column, f.check, round(f.value, 3))
    warning age missing_share_change 0.1
    warning plan unseen_categories 0.321
    info age missing_share 0.1
    >>> result.counts_by_severity()
    {'critical': 0, 'warning': 2, 'info': 1}
    """
    if _schema is not None:
        warn_renamed("assess_quality(reference, current, schema)", "schema=schema")
        schema = schema or _schema
    if reference_values is not None or current_values is not None:
        warn_renamed("assess_quality(reference_values=, current_values=)", "no argument")
    if is_profile_source(reference) or is_profile_source(current):
        ref, cur, resolved = profile_pair(reference, current, schema=schema)
        return assess_profiles(ref, cur, schema=resolved, config=config)
    ref_table, cur_table = to_table(reference), to_table(current)
    resolved = schema if isinstance(schema, Schema) else infer_schema(ref_table, schema)
    return assess_tables(
        ref_table,
        cur_table,
        resolved,
        reference_values=reference_values,
        current_values=current_values,
        config=config,
    )
