"""Profile parts: window profiles posted by senders, and compacted windows' aggregates.

A part is one posted profile of one window (version, window start, segment) of one
``kind``: ``features`` (a ``.wkp`` with its operational aggregates,
:mod:`watchkeeper._operations`, or a compacted window's aggregates) or ``performance``
(a labelled performance profile as JSON). Storing it counts its rows in the window and
in the whole-traffic window, as records (``n_records``) or labels (``n_labels``) are
(``scores`` and ``bias`` parts, score sketches and group counters of traffic profiled
apart, count none), in the same transaction; a part is stored once per sender's
``part_key`` and kind, so a retried post changes nothing.
:func:`replace_parts` swaps parts for their merge (compaction), also in one transaction.

The functions take the :class:`~watchkeeper.store.Store` rather than being mixed into
it: the parts are an aggregate of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, select, update

from watchkeeper.store._tables import (
    part_keys,
    profile_parts,
    records,
    window_data,
    window_profiles,
    windows,
)
from watchkeeper.store._types import from_micros, to_micros

if TYPE_CHECKING:
    from watchkeeper.store._store import Store

__all__ = [
    "BIAS",
    "FEATURES",
    "PERFORMANCE",
    "SCORES",
    "PartRow",
    "add_part",
    "compact_window",
    "compactable_windows",
    "count_parts",
    "labelled_outputs",
    "parts_of_window",
    "raw_aggregates",
    "replace_parts",
]


FEATURES = "features"
PERFORMANCE = "performance"
SCORES = "scores"
BIAS = "bias"
# The window count a part's rows add to (scores and bias parts count none: their
# traffic's feature profile does; they still reopen a closed window).
_COUNTED = {FEATURES: "n_records", PERFORMANCE: "n_labels"}


@dataclass(frozen=True, kw_only=True)
class PartRow:
    """One stored part (``profile`` None for a compacted window's aggregates)."""

    id: int
    segment: str
    window_start: int
    n_records: int
    operations: dict[str, Any]
    profile: bytes | None


def add_part(
    store: Store,
    *,
    model_id: int,
    version_id: int,
    segment: str,
    window_start: int,
    window_us: int,
    part_key: str | None,
    n_records: int,
    operations: dict[str, Any],
    profile: bytes | None,
    now: datetime,
    kind: str = FEATURES,
) -> bool:
    """Store a part and count its rows in its windows (a performance part's as labels);
    False when ``part_key`` was stored before for this kind (nothing changes)."""
    values = {
        "kind": kind,
        "model_id": model_id,
        "version_id": version_id,
        "segment": segment,
        "window_start": window_start,
        "part_key": part_key,
        "n_records": n_records,
        "operations": operations,
        "profile": profile,
        "created_at": now,
    }
    statement = (
        store._insert(profile_parts)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["model_id", "kind", "part_key"])
        .returning(profile_parts.c.id)
    )
    with store.engine.begin() as connection:
        if part_key is not None:
            # The key outlives its part: compaction merges parts into one without a key.
            claim = (
                store._insert(part_keys)
                .values(model_id=model_id, kind=kind, part_key=part_key, created_at=now)
                .on_conflict_do_nothing(index_elements=["model_id", "kind", "part_key"])
                .returning(part_keys.c.model_id)
            )
            if connection.execute(claim).scalar() is None:
                return False
        if connection.execute(statement).scalar() is None:
            return False
        counted = n_records if kind in _COUNTED else 0
        counts = {(version_id, "", window_start): counted}
        if segment:
            counts[(version_id, segment, window_start)] = counted
        if counted or kind not in _COUNTED:
            column = _COUNTED.get(kind, "n_records")
            store._bump_windows(connection, model_id, counts, window_us, column)
    return True


def parts_of_window(
    store: Store,
    model_id: int,
    version_id: int,
    window_start: int,
    segment: str,
    kind: str = FEATURES,
) -> list[PartRow]:
    """The parts of one kind of one window; the whole-traffic window (``segment`` "")
    has every segment's parts, as it has every segment's records."""
    query = select(
        profile_parts.c.id,
        profile_parts.c.segment,
        profile_parts.c.window_start,
        profile_parts.c.n_records,
        profile_parts.c.operations,
        profile_parts.c.profile,
    ).where(
        profile_parts.c.model_id == model_id,
        profile_parts.c.version_id == version_id,
        profile_parts.c.window_start == window_start,
        profile_parts.c.kind == kind,
    )
    if segment:
        query = query.where(profile_parts.c.segment == segment)
    with store.engine.connect() as connection:
        return [
            PartRow(
                id=row.id,
                segment=row.segment,
                window_start=int(row.window_start),
                n_records=row.n_records,
                operations=dict(row.operations or {}),
                profile=None if row.profile is None else bytes(row.profile),
            )
            for row in connection.execute(query.order_by(profile_parts.c.id))
        ]


def replace_parts(
    store: Store,
    old_ids: Sequence[int],
    *,
    model_id: int,
    version_id: int,
    segment: str,
    window_start: int,
    n_records: int,
    operations: dict[str, Any],
    profile: bytes | None,
    now: datetime,
    kind: str = FEATURES,
) -> bool:
    """Replace the parts ``old_ids`` (of one window and segment) by their merge, which
    counts no rows anew: the windows counted them when they came.

    False (and nothing changed) when another process replaced some of them first: the
    delete must remove every one, or the transaction is rolled back.
    """
    if not old_ids:
        return False
    try:
        with store.engine.begin() as connection:
            gone = connection.execute(
                delete(profile_parts).where(profile_parts.c.id.in_(list(old_ids)))
            ).rowcount
            if gone != len(set(old_ids)):
                raise _Raced
            connection.execute(
                profile_parts.insert().values(
                    kind=kind,
                    model_id=model_id,
                    version_id=version_id,
                    segment=segment,
                    window_start=window_start,
                    part_key=None,
                    n_records=n_records,
                    operations=operations,
                    profile=profile,
                    created_at=now,
                )
            )
    except _Raced:
        return False
    return True


class _Raced(Exception):  # noqa: N818 (control flow: rolls the transaction back)
    """Another process compacted the same parts first."""


def count_parts(
    store: Store,
    model_id: int,
    version_id: int,
    window_start: int,
    segment: str,
    kind: str = FEATURES,
) -> int:
    """How many profiles of one kind one window and segment (exactly) holds."""
    query = select(func.count()).where(
        profile_parts.c.kind == kind,
        profile_parts.c.model_id == model_id,
        profile_parts.c.version_id == version_id,
        profile_parts.c.window_start == window_start,
        profile_parts.c.segment == segment,
        profile_parts.c.profile.is_not(None),
    )
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


# --- compaction: a closed window's raw records become aggregates ----------------------


def compactable_windows(
    store: Store, model_id: int, closed_before: datetime
) -> list[tuple[int, int]]:
    """(version id, window start) of the windows that still hold raw feature batches, all
    of whose window rows (every segment) closed before ``closed_before`` and need no
    recomputation, and whose stored profiles hold every batch (through the newest)."""
    newest = (
        select(
            window_data.c.version_id,
            window_data.c.window_start,
            func.max(window_data.c.id).label("newest"),
        )
        .where(window_data.c.model_id == model_id)
        .group_by(window_data.c.version_id, window_data.c.window_start)
    )
    found: list[tuple[int, int]] = []
    with store.engine.connect() as connection:
        batches = {(int(v), int(s)): int(n) for v, s, n in connection.execute(newest)}
        if not batches:
            return []
        query = (
            select(
                windows.c.version_id,
                windows.c.start,
                windows.c.status,
                windows.c.needs_recompute,
                windows.c.closed_at,
                window_profiles.c.through_id,
            )
            .select_from(windows)
            .outerjoin(window_profiles, window_profiles.c.window_id == windows.c.id)
            .where(windows.c.model_id == model_id)
        )
        ready: dict[tuple[int, int], bool] = {}
        for row in connection.execute(query):
            key = (int(row.version_id), to_micros(row.start))
            if key not in batches:
                continue
            ok = (
                row.status == "closed"
                and not row.needs_recompute
                and row.closed_at is not None
                and row.closed_at < closed_before
                # a segment without rows has no profile; the all-traffic one must have
                and (row.through_id is None or row.through_id >= batches[key])
            )
            ready[key] = ready.get(key, True) and ok
        found = sorted(key for key, ok in ready.items() if ok)
    return found


def raw_aggregates(
    store: Store, model_id: int, version_id: int, window_start: int
) -> dict[str, tuple[int, int, list[float]]]:
    """Per segment: (records, errors, latencies) of a window's stored records."""
    query = select(records.c.segment, records.c.error, records.c.latency_ms).where(
        records.c.model_id == model_id,
        records.c.version_id == version_id,
        records.c.window_start == window_start,
    )
    out: dict[str, tuple[int, int, list[float]]] = {}
    with store.engine.connect() as connection:
        for segment, error, latency in connection.execute(query):
            n, errors, latencies = out.get(segment, (0, 0, []))
            if latency is not None:
                latencies.append(float(latency))
            out[segment] = (n + 1, errors + bool(error), latencies)
    return out


def labelled_outputs(
    store: Store, model_id: int, version_id: int, window_start: int
) -> dict[str, list[Any]]:
    """The outputs of a window's labelled records, as ``records_by_id`` gives them
    (``record_id``, ``prediction``, ``score``, ``scores``, ``latency_ms``, ``error``,
    ``label``), with their ``segment``."""
    names = ("record_id", "prediction", "score", "scores", "latency_ms", "error", "label")
    query = select(*(records.c[name] for name in names), records.c.segment).where(
        records.c.model_id == model_id,
        records.c.version_id == version_id,
        records.c.window_start == window_start,
        records.c.label.is_not(None),
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query.order_by(records.c.id)).all()
    return {name: [row[k] for row in rows] for k, name in enumerate((*names, "segment"))}


def compact_window(
    store: Store,
    *,
    model_id: int,
    version_id: int,
    window_start: int,
    aggregates: dict[str, tuple[int, dict[str, Any]]],
    now: datetime,
    performance: Mapping[str, tuple[int, bytes]] | None = None,
) -> int:
    """In one transaction: the aggregates stored as parts without a profile (the window
    counted these rows already), the labelled records' ``performance`` profiles (per
    segment: labelled rows, stored profile) as performance parts (counted already as
    labels), the window's records and feature batches deleted, and its stored profiles
    marked as holding no batch. Returns the records deleted."""
    where = and_(
        records.c.model_id == model_id,
        records.c.version_id == version_id,
        records.c.window_start == window_start,
    )
    with store.engine.begin() as connection:
        for segment, (n_records, operations) in sorted(aggregates.items()):
            connection.execute(
                profile_parts.insert().values(
                    model_id=model_id,
                    version_id=version_id,
                    segment=segment,
                    window_start=window_start,
                    part_key=None,
                    n_records=n_records,
                    operations=operations,
                    profile=None,
                    created_at=now,
                )
            )
        for segment, (n_labels, profile) in sorted((performance or {}).items()):
            connection.execute(
                profile_parts.insert().values(
                    kind=PERFORMANCE, model_id=model_id, version_id=version_id,
                    segment=segment, window_start=window_start, part_key=None,
                    n_records=n_labels, operations={}, profile=profile, created_at=now,
                )
            )  # fmt: skip
        deleted = int(connection.execute(delete(records).where(where)).rowcount)
        connection.execute(
            delete(window_data).where(
                window_data.c.model_id == model_id,
                window_data.c.version_id == version_id,
                window_data.c.window_start == window_start,
            )
        )
        # No batch is left: any later one is new to the stored profiles (SQLite may give
        # it the id of a deleted one).
        ids = select(windows.c.id).where(
            windows.c.model_id == model_id,
            windows.c.version_id == version_id,
            windows.c.start == from_micros(window_start),
        )
        connection.execute(
            update(window_profiles).where(window_profiles.c.window_id.in_(ids)).values(through_id=0)
        )
    return deleted
