"""Window parts held as JSON (performance profiles, score sketches, group counters): one
way to store, compact and merge them, whatever they hold.

A :class:`Codec` says how a kind's value is written (``to_json``, ``from_json``), added
(``merge``: associative and commutative) and how many rows it counts. :func:`store_part`
stores a posted value (idempotent by the sender's key) and, once a window and segment
holds :data:`~watchkeeper.service._profile_ingest.COMPACT_AT` parts of the kind, swaps
them for their merge; :func:`window_merge` gives the merge of a window's parts at close
(the all-traffic window has every segment's), compacting each segment's as it goes.
Stored as zlib-compressed JSON in ``wk_profile_parts.profile``.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from watchkeeper.service._profile_ingest import (
    COMPACT_AT,
    ProfileIngestResult,
    normalize_segment,
    window_start_us,
)
from watchkeeper.service._registry import Registry
from watchkeeper.store import from_micros, to_micros
from watchkeeper.store._repo_parts import (
    PartRow,
    add_part,
    count_parts,
    parts_of_window,
    replace_parts,
)
from watchkeeper.store._rows import ModelRow, WindowRow

__all__ = ["Codec", "Target", "first_part", "ingest_part", "keyed_codec", "window_merge"]

T = TypeVar("T")
M = TypeVar("M", bound="_Mergeable")


class _Mergeable(Protocol):
    def merge(self: M, other: M) -> M: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one kind of part is written, read, added and counted."""

    kind: str
    to_json: Callable[[T], Any]
    from_json: Callable[[Any], T]
    merge: Callable[[T, T], T]
    rows: Callable[[T], int]

    def encode(self, value: T) -> bytes:
        return zlib.compress(json.dumps(self.to_json(value), separators=(",", ":")).encode(), 6)

    def decode(self, part: PartRow) -> T:
        return self.from_json(json.loads(zlib.decompress(part.profile or b"")))

    def merged(self, values: Sequence[T]) -> T:
        out = values[0]
        for value in values[1:]:
            out = self.merge(out, value)
        return out


def _compacted(
    registry: Registry, codec: Codec[T], model_id: int, version_id: int, group: Sequence[PartRow]
) -> T:
    """The merge of one window and segment's parts, stored in their place."""
    merged = codec.merged([codec.decode(part) for part in group])
    if len(group) > 1:
        first = group[0]
        replace_parts(
            registry.store, [p.id for p in group], model_id=model_id, version_id=version_id,
            segment=first.segment, window_start=first.window_start,
            n_records=codec.rows(merged), operations={}, profile=codec.encode(merged),
            now=registry.clock(), kind=codec.kind,
        )  # fmt: skip
    return merged


@dataclass(frozen=True)
class Target:
    """Where a posted part goes, for its reader's checks and messages."""

    model: ModelRow
    version_id: int
    window_start: int
    where: str


def ingest_part(
    registry: Registry,
    codec: Codec[T],
    read: Callable[[Any, Target], T],
    model: str,
    version: str,
    window_start: datetime,
    data: Any,
    *,
    segment: str | None,
    part_key: str | None,
) -> ProfileIngestResult:
    """Check a posted part with ``read`` and store it (once per ``part_key``),
    compacting the window and segment's parts once they are :data:`COMPACT_AT`;
    returns after it is durable."""
    row = registry.model(model)
    version_id = registry.version(row, version).id
    start = window_start_us(registry, row, window_start)
    where = f"the {codec.kind} part of window {window_start.isoformat()}"
    value = read(data, Target(row, version_id, start, where))
    key = normalize_segment(segment)
    store = registry.store
    stored = add_part(
        store, model_id=row.id, version_id=version_id, segment=key, window_start=start,
        window_us=registry.window_us(row), part_key=part_key, n_records=codec.rows(value),
        operations={}, profile=codec.encode(value), now=registry.clock(), kind=codec.kind,
    )  # fmt: skip
    if stored and count_parts(store, row.id, version_id, start, key, codec.kind) >= COMPACT_AT:
        parts = parts_of_window(store, row.id, version_id, start, key, codec.kind)
        _compacted(registry, codec, row.id, version_id, [p for p in parts if p.segment == key])
    return ProfileIngestResult(
        accepted=codec.rows(value) if stored else 0, duplicate=not stored,
        window_start=from_micros(start), segment=key or None,
    )  # fmt: skip


def window_merge(registry: Registry, codec: Codec[T], window: WindowRow) -> T | None:
    """The merge of a window's parts of the codec's kind (None without any)."""
    parts = parts_of_window(
        registry.store, window.model_id, window.version_id, to_micros(window.start),
        window.segment, codec.kind,
    )  # fmt: skip
    if not parts:
        return None
    groups: dict[str, list[PartRow]] = defaultdict(list)
    for part in parts:
        groups[part.segment].append(part)
    return codec.merged([
        _compacted(registry, codec, window.model_id, window.version_id, group)
        for _, group in sorted(groups.items())
    ])  # fmt: skip


def first_part(
    registry: Registry, codec: Codec[T], model_id: int, version_id: int, window_start: int
) -> T | None:
    """One stored part of a window's kind (any segment), as a sample of what it holds."""
    parts = parts_of_window(registry.store, model_id, version_id, window_start, "", codec.kind)
    return codec.decode(parts[0]) if parts else None


def keyed_codec(
    kind: str, read: Callable[[Any], M], rows: Callable[[M], int]
) -> Codec[dict[str, M]]:
    """The codec of a mapping of names to mergeable values (score sketches per series,
    group counters per column): merged name by name; rows are the largest count."""

    def merge(one: dict[str, M], other: dict[str, M]) -> dict[str, M]:
        out = dict(one)
        for name, value in other.items():
            out[name] = out[name].merge(value) if name in out else value
        return out

    return Codec(
        kind,
        lambda values: {name: value.to_dict() for name, value in values.items()},
        lambda data: {name: read(value) for name, value in data.items()},
        merge,
        lambda values: max((rows(v) for v in values.values()), default=0),
    )
