"""The public drift verbs, one shape: ``(reference, current, *, schema=None,
policy=None)``, each side a frame, a table, a file or glob, or a profile.

:func:`detect_drift` compares raw columns when both sides are raw (exact tests), and
profiles when either side is one. :func:`compare_profiles` always compares profiles,
profiling a raw side on the other side's bins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from watchkeeper._deprecation import warn_renamed
from watchkeeper._sides import is_profile_source, profile_pair
from watchkeeper.drift import _from_profiles
from watchkeeper.drift._dataset import ProgressCallback, compare_values, extract_all
from watchkeeper.drift._policy import DriftPolicy
from watchkeeper.drift._results import DatasetDrift
from watchkeeper.io import to_table
from watchkeeper.schema import ColumnKind, Schema, infer_schema

__all__ = ["compare_profiles", "detect_drift"]

_EXTRACTED = (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)


def detect_drift(
    reference: Any,
    current: Any,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    policy: DriftPolicy | None = None,
) -> DatasetDrift:
    """Compare ``current`` with ``reference`` column by column.

    Both sides may be pandas or polars frames, Arrow tables, file paths or globs, or
    profiles (a :class:`~watchkeeper.profile.Profile` or a ``.wkp`` path; then both are
    compared as profiles, as :func:`compare_profiles`). The schema is inferred from the
    reference, with ``schema`` as overrides.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = {"x": rng.normal(0, 1, 5000), "c": rng.choice(["a", "b"], 5000)}
    >>> cur = {"x": rng.normal(0.5, 1, 5000), "c": rng.choice(["a", "b"], 5000)}
    >>> result = detect_drift(ref, cur)
    >>> result.drifted_columns, result["c"].drifted
    (['x'], False)
    """
    if is_profile_source(reference) or is_profile_source(current):
        return compare_profiles(reference, current, schema=schema, policy=policy)
    ref_table, cur_table = to_table(reference), to_table(current)
    resolved = schema if isinstance(schema, Schema) else infer_schema(ref_table, schema)
    specs = [s for s in resolved if s.kind in _EXTRACTED]
    return compare_values(
        resolved, extract_all(ref_table, specs), extract_all(cur_table, specs), policy
    )


def compare_profiles(
    reference: Any,
    current: Any,
    _policy: DriftPolicy | None = None,
    _progress: ProgressCallback | None = None,
    /,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    policy: DriftPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> DatasetDrift:
    """Drift of every compared column, from two profiles.

    A side that is not a profile (a frame, a table, a file) is profiled first, on the
    other side's bins; a current profile on other edges is re-binned (approximate).
    ``policy`` and ``progress`` are keywords (positional is deprecated).

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(3)
    >>> ref = profile_source({"x": rng.normal(0, 1, 20000), "c": rng.choice(["a", "b"], 20000)})
    >>> cur = {"x": rng.normal(0.3, 1, 20000), "c": rng.choice(["a", "b"], 20000)}
    >>> result = compare_profiles(ref, cur)
    >>> result.drifted_columns, result["c"].comparison
    (['x'], 'exact')
    """
    if _policy is not None or _progress is not None:
        warn_renamed(
            "compare_profiles(reference, current, policy, progress)",
            "compare_profiles(reference, current, policy=..., progress=...)",
        )
        policy = policy or _policy
        progress = progress or _progress
    ref, cur, _ = profile_pair(reference, current, schema=schema)
    return _from_profiles.compare_profiles(ref, cur, policy, progress)
