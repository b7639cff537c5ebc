"""The two sides of a comparison, as profiles: what every core verb
(:func:`~watchkeeper.drift.detect_drift`, :func:`~watchkeeper.drift.compare_profiles`,
:func:`~watchkeeper.quality.assess_quality`, :func:`~watchkeeper.report`) does when
either side is a profile (a :class:`~watchkeeper.profile.Profile` or a ``.wkp`` path).

A raw side (frame, table, file, glob) is profiled in batches on the other side's bins,
so binned statistics stay exact. The reference profile fixes each column's kind; the
caller's schema may change roles, and a different kind is an error naming the column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from watchkeeper._exceptions import ColumnError
from watchkeeper._progress import Progress
from watchkeeper.profile import DEFAULT_BATCH_SIZE, Profile, profile_source
from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema, parse_overrides

__all__ = ["is_profile_source", "profile_pair"]

SchemaLike = Schema | Mapping[str, Any] | None


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


def _resolve_schema(profiled: Schema, schema: SchemaLike) -> Schema:
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


def profile_pair(
    reference: Any,
    current: Any,
    *,
    schema: SchemaLike = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> tuple[Profile, Profile, Schema]:
    """Both sides as profiles on the same bins, and the schema to read them by (the
    reference profile's, with ``schema``'s roles).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref, cur, schema = profile_pair({"x": rng.normal(size=500)}, {"x": rng.normal(size=300)})
    >>> ref.n_rows, cur.n_rows, schema.names, cur["x"].bins == ref["x"].bins
    (500, 300, ['x'], True)
    """
    bar = progress or Progress(enabled=False)
    ref, cur = _loaded(reference), _loaded(current)
    if ref is None and cur is not None and cur.bins:
        ref = profile_source(
            reference, bins_from=cur, schema=schema or cur.schema, batch_size=batch_size,
            progress=bar,
        )  # fmt: skip
    elif ref is None:
        ref = profile_source(reference, schema=schema, batch_size=batch_size, progress=bar)
    if cur is None:
        cur = profile_source(current, bins_from=ref, batch_size=batch_size, progress=bar)
    resolved = _resolve_schema(ref.schema, schema)
    return replace(ref, schema=resolved), cur, resolved
