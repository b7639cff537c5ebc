"""Windows fed by profiles: a posted ``.wkp`` merged into its window at close.

A sender that profiles its own traffic (the SDK's profile mode, a Spark job) posts one
profile per window, version and segment, counted on the version's reference bins, with
the window's operational aggregates (:class:`~watchkeeper._operations.Operations`).
The part is stored (:mod:`watchkeeper.store._repo_parts`) and its rows counted in the
window, so a window may be fed by records, profiles or both. When the window closes,
:func:`window_parts` gives the merge of its parts: the feature profile is merged with
the one built from the window's records (drift and quality), and
:meth:`WindowParts.operational` recounts ``row_count``, ``label_coverage``,
``throughput_rps``, ``error_rate`` and the latency percentiles over both. Counts are
exact; a latency percentile read from the histogram is within 1% (the bin width).
Parts of one window and segment are compacted into one at close, so the store holds a
bounded number of parts per window whatever the traffic.

Labels travel in performance profiles, a part kind of their own
(:mod:`watchkeeper.service._performance_parts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from watchkeeper._exceptions import InputError, ProfileFormatError
from watchkeeper._operations import Operations
from watchkeeper.profile import NumericProfile, Profile
from watchkeeper.service._ingest import feature_kinds
from watchkeeper.service._profiles import load_reference_profile
from watchkeeper.service._registry import Registry
from watchkeeper.service._windows import Value, WindowData
from watchkeeper.store import from_micros, to_micros
from watchkeeper.store._repo_parts import (
    PartRow,
    add_part,
    count_parts,
    parts_of_window,
    replace_parts,
)
from watchkeeper.store._rows import ModelRow, WindowRow

__all__ = [
    "COMPACT_AT",
    "ProfileIngestResult",
    "WindowParts",
    "ingest_profile",
    "normalize_segment",
    "operations_dict",
    "window_parts",
    "window_start_us",
]

# Parts of one window and segment merged into one when this many have come.
COMPACT_AT = 16
_OPERATIONAL = frozenset(
    {"row_count", "label_coverage", "throughput_rps", "error_rate"}
    | {f"latency_p{q}_ms" for q in (50, 95, 99)}
)


@dataclass(frozen=True, kw_only=True)
class ProfileIngestResult:
    """What a profile post did: the rows it counted (0 for a repeated ``part_key``)."""

    accepted: int
    duplicate: bool
    window_start: datetime
    segment: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "window_start": self.window_start.isoformat(),
            "segment": self.segment,
        }


def normalize_segment(text: str | None) -> str:
    """A segment as records are filed under: ``key=value`` pairs sorted by key, joined
    by commas.

    >>> normalize_segment("region=eu,plan=pro"), normalize_segment(None)
    ('plan=pro,region=eu', '')
    """
    if not text:
        return ""
    pairs = []
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f"segment {text!r} is not key=value[,key=value]; send e.g. segment=region=eu"
            )
        pairs.append((key.strip(), value))
    return ",".join(f"{key}={value}" for key, value in sorted(pairs))


def _checked(profile: Profile, reference: Profile, where: str) -> None:
    """The posted profile must merge with the window's: the reference's kinds and bins."""
    kinds = {spec.name: spec.kind.value for spec in reference.schema}
    for name, column in profile.columns.items():
        expected = kinds.get(name)
        if expected is None:
            raise InputError(
                f"{where}: column {name!r} is not a feature of the version's reference "
                f"(features: {', '.join(sorted(kinds))}); profile only those"
            )
        if column.kind != expected:
            raise InputError(
                f"{where}: column {name!r} is profiled as {column.kind}, the reference as "
                f"{expected}; profile it as {expected}"
            )
        if isinstance(column, NumericProfile) and column.bins != reference.bins.get(name):
            raise InputError(
                f"{where}: column {name!r} was counted on other bins than the reference's; "
                "build the profile with bins_from= the reference profile "
                "(GET /v1/models/{model}/versions/{version}/reference-profile)"
            )


def window_start_us(registry: Registry, row: ModelRow, window_start: datetime) -> int:
    """``window_start`` in microseconds; an :class:`InputError` naming the start to send
    when it is not the start of one of the model's windows."""
    window_us = registry.window_us(row)
    start_us = to_micros(window_start)
    if start_us % window_us:
        aligned = from_micros(start_us - start_us % window_us)
        raise InputError(
            f"window_start {window_start.isoformat()} is not the start of a window of model "
            f"{row.name!r} ({window_us // 1_000_000} s); send {aligned.isoformat()}"
        )
    return start_us


def ingest_profile(
    registry: Registry,
    model: str,
    version: str,
    window_start: datetime,
    body: bytes,
    *,
    segment: str | None = None,
    operations: Operations | None = None,
    part_key: str | None = None,
) -> ProfileIngestResult:
    """Store a posted window profile; returns after it is durable."""
    row = registry.model(model)
    target = registry.version(row, version)
    window_us = registry.window_us(row)
    start_us = window_start_us(registry, row, window_start)
    where = f"the profile of window {window_start.isoformat()}"
    try:
        profile = Profile.from_bytes(body, source=where)
    except ProfileFormatError as error:
        raise InputError(f"{error}; send a .wkp written by watchkeeper") from None
    reference = load_reference_profile(registry.store, target.id, feature_kinds(row.schema))
    if reference is None:
        raise InputError(
            f"version {version!r} of model {model!r} has no reference, so a profile has no "
            "bins to be counted on; add a reference, or send records"
        )
    _checked(profile, reference, where)
    ops = operations if operations is not None else Operations(n_records=profile.n_rows)
    if ops.n_records != profile.n_rows:
        raise InputError(
            f"the operations count {ops.n_records} records, the profile {profile.n_rows}; "
            "send the aggregates of the same records"
        )
    key = normalize_segment(segment)
    stored = add_part(
        registry.store,
        model_id=row.id,
        version_id=target.id,
        segment=key,
        window_start=start_us,
        window_us=window_us,
        part_key=part_key,
        n_records=profile.n_rows,
        operations=operations_dict(ops),
        profile=body,
        now=registry.clock(),
    )
    if stored and (count_parts(registry.store, row.id, target.id, start_us, key) >= COMPACT_AT):
        # An open window's parts are merged as they come, COMPACT_AT at a time, so the
        # store holds a bounded number per window whatever the senders' flush rate.
        parts = parts_of_window(registry.store, row.id, target.id, start_us, key)
        group = [p for p in parts if p.segment == key and p.profile is not None]
        _compacted(registry, row.id, target.id, group)
    return ProfileIngestResult(
        accepted=profile.n_rows if stored else 0,
        duplicate=not stored,
        window_start=from_micros(start_us),
        segment=key or None,
    )


def operations_dict(ops: Operations) -> dict[str, Any]:
    """A part's stored ``operations`` (its record count is a column of its own)."""
    return {
        "n_errors": ops.n_errors,
        "latency_ms": {str(k): v for k, v in sorted(ops.latency.items())},
    }


def _ops_of(part: PartRow) -> Operations:
    latency = {int(k): int(v) for k, v in part.operations.get("latency_ms", {}).items()}
    return Operations(part.n_records, int(part.operations.get("n_errors", 0)), latency)


@dataclass(frozen=True)
class WindowParts:
    """The merge of a window's parts: the feature profile (None when only compacted
    aggregates are kept) and the operational aggregates."""

    profile: Profile | None
    operations: Operations
    # A compacted window's realized performance, kept when its labels are gone.
    carried: tuple[tuple[str, float], ...] = ()

    @property
    def n_records(self) -> int:
        return self.operations.n_records

    @property
    def n_profiled(self) -> int:
        """Rows in the parts' profile: the window counts them, its records do not hold
        them (a compacted window's aggregates are in its stored profile already)."""
        return 0 if self.profile is None else self.profile.n_rows

    def merged(self, profile: Profile | None) -> Profile | None:
        """The window's profile from its records merged with the parts' profile."""
        if self.profile is None:
            return profile
        return self.profile if profile is None else profile.merge(self.profile)

    def operational(
        self, values: Sequence[Value], data: WindowData, window_seconds: float
    ) -> list[Value]:
        """``values`` with the operational figures recounted over records and parts."""
        ops = Operations()
        for latency, error in zip(data.latency_ms, data.errors, strict=True):
            ops.add(latency, error=error)
        ops = ops.merge(self.operations)
        n = ops.n_records
        n_labels = sum(label is not None for label in data.labels)
        out = [v for v in values if v[0] not in _OPERATIONAL]
        out += [
            ("row_count", None, float(n)),
            ("label_coverage", None, n_labels / n if n else 0.0),
            ("throughput_rps", None, n / window_seconds if window_seconds > 0 else 0.0),
        ]
        if n:
            out.append(("error_rate", None, ops.n_errors / n))
        if ops.n_latency:
            out += [(f"latency_p{q}_ms", None, ops.percentile(q)) for q in (50, 95, 99)]
        fresh = {name for name, _, _ in out}
        out += [(name, None, value) for name, value in self.carried if name not in fresh]
        return out


def _compacted(
    registry: Registry, model_id: int, version_id: int, group: Sequence[PartRow]
) -> tuple[Profile, Operations]:
    """The merge of one window and segment's profile parts, stored in their place."""
    source = "a posted window profile"
    merged = Profile.from_bytes(group[0].profile or b"", source=source)
    ops = _ops_of(group[0])
    for part in group[1:]:
        merged = merged.merge(Profile.from_bytes(part.profile or b"", source=source))
        ops = ops.merge(_ops_of(part))
    if len(group) > 1:
        first = group[0]
        replace_parts(
            registry.store, [p.id for p in group], model_id=model_id, version_id=version_id,
            segment=first.segment, window_start=first.window_start, n_records=ops.n_records,
            operations=operations_dict(ops), profile=merged.to_bytes(), now=registry.clock(),
        )  # fmt: skip
    return merged, ops


def window_parts(registry: Registry, window: WindowRow) -> WindowParts | None:
    """The merged parts of a window (None without any), compacting each segment's parts
    into one stored part as it goes."""
    store = registry.store
    start_us = to_micros(window.start)
    parts = parts_of_window(store, window.model_id, window.version_id, start_us, window.segment)
    if not parts:
        return None
    groups: dict[tuple[str, bool], list[PartRow]] = defaultdict(list)
    for part in parts:
        groups[(part.segment, part.profile is not None)].append(part)
    profiles: list[Profile] = []
    ops = Operations()
    for (_, has_profile), group in groups.items():
        if not has_profile:
            for part in group:
                ops = ops.merge(_ops_of(part))
            continue
        merged, group_ops = _compacted(registry, window.model_id, window.version_id, group)
        ops = ops.merge(group_ops)
        profiles.append(merged)
    profile = None
    for each in profiles:
        profile = each if profile is None else profile.merge(each)
    carried: tuple[tuple[str, float], ...] = ()
    if any(not has_profile for _, has_profile in groups):
        from watchkeeper.performance import METRICS

        carried = tuple(
            (name, float(value))
            for name, value in sorted(window.metrics.items())
            if name in METRICS and isinstance(value, int | float)
        )
    return WindowParts(profile, ops, carried)
