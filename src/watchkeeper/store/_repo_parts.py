"""Profile parts: window profiles posted by senders, and compacted windows' aggregates.

A part is one posted profile of one window (version, window start, segment) with its
operational aggregates (:mod:`watchkeeper._operations`). Storing it counts its rows in
the window and in the whole-traffic window, as records do, in the same transaction; a
part is stored once per sender's ``part_key``, so a retried post changes nothing.
:func:`replace_parts` swaps parts for their merge (compaction), also in one transaction.

The functions take the :class:`~watchkeeper.store.Store` rather than being mixed into
it: the parts are an aggregate of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from watchkeeper.store._tables import profile_parts

if TYPE_CHECKING:
    from watchkeeper.store._store import Store

__all__ = ["PartRow", "add_part", "parts_of_window", "replace_parts"]


@dataclass(frozen=True, kw_only=True)
class PartRow:
    """One stored part (``profile`` None for a compacted window's aggregates)."""

    id: int
    segment: str
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
) -> bool:
    """Store a part and count its rows in its windows; False when ``part_key`` was
    stored before (nothing changes)."""
    values = {
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
        .on_conflict_do_nothing(index_elements=["model_id", "part_key"])
        .returning(profile_parts.c.id)
    )
    with store.engine.begin() as connection:
        if connection.execute(statement).scalar() is None:
            return False
        counts = {(version_id, "", window_start): n_records}
        if segment:
            counts[(version_id, segment, window_start)] = n_records
        if n_records:
            store._bump_windows(connection, model_id, counts, window_us, "n_records")
    return True


def parts_of_window(
    store: Store, model_id: int, version_id: int, window_start: int, segment: str
) -> list[PartRow]:
    """The parts of one window; the whole-traffic window (``segment`` "") has every
    segment's parts, as it has every segment's records."""
    query = select(
        profile_parts.c.id,
        profile_parts.c.segment,
        profile_parts.c.n_records,
        profile_parts.c.operations,
        profile_parts.c.profile,
    ).where(
        profile_parts.c.model_id == model_id,
        profile_parts.c.version_id == version_id,
        profile_parts.c.window_start == window_start,
    )
    if segment:
        query = query.where(profile_parts.c.segment == segment)
    with store.engine.connect() as connection:
        return [
            PartRow(
                id=row.id,
                segment=row.segment,
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
) -> None:
    """Replace the parts ``old_ids`` (of one window and segment) by their merge, which
    counts no rows anew: the windows counted them when they came."""
    if not old_ids:
        return
    with store.engine.begin() as connection:
        connection.execute(delete(profile_parts).where(profile_parts.c.id.in_(list(old_ids))))
        connection.execute(
            profile_parts.insert().values(
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
