"""Erasure: one person's records removed from the store, in one transaction.

A record lives in three places: its row in ``wk_records`` (outputs, label), its features
in a window blob (``wk_window_data``, Arrow IPC), and, once its window is closed, in the
window's profile and metrics. Erasing rewrites each blob without the erased rows (or
deletes it when nothing is left), deletes the records' rows, takes them out of the
windows' counts, drops the windows' stored profiles and flags the windows for
recomputation, which the next close does from what remains.

Records are found by id, or by the value of the model's subject column in the blobs
(which means reading every blob of the model: erasure is rare, and a subject has no
index, so that ingestion pays nothing for it).

What an erasure cannot reach: a window whose data is partly held as aggregates only
(``wk_profile_parts``: raw records compacted after their retention period, or profiles
posted by a sender). Its profile and counts may still hold erased records, or, when an
erased late record forced its stored profile out, rest on part of its rows:
:func:`flag_approximate` marks such windows ``approximate``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, Select, delete, select, update

from watchkeeper.store._repo_records import _IN_CHUNK, WindowKey, _chunks, stored_records
from watchkeeper.store._tables import profile_parts, records, window_data, window_profiles, windows
from watchkeeper.store._types import from_micros

__all__ = ["ErasedRecords", "erase_records", "flag_approximate"]


@dataclass(frozen=True)
class ErasedRecords:
    """What an erasure removed: record ids, blobs rewritten or deleted, windows flagged."""

    record_ids: tuple[str, ...]
    blobs_rewritten: int
    blobs_deleted: int
    windows: tuple[WindowKey, ...]


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _blob_query(model_id: int, starts: set[tuple[int, int]] | None) -> Select[Any]:
    query = select(
        window_data.c.id, window_data.c.version_id, window_data.c.window_start, window_data.c.data
    ).where(window_data.c.model_id == model_id)
    if starts is not None:
        versions = {v for v, _ in starts}
        points = {s for _, s in starts}
        query = query.where(
            window_data.c.version_id.in_(sorted(versions)),
            window_data.c.window_start.in_(sorted(points)),
        )
    return query.order_by(window_data.c.id)


def _matches(table: pa.Table, ids: set[str], column: str | None, value: str | None) -> pa.Array:
    hit = pc.is_in(table.column("id"), value_set=pa.array(sorted(ids), pa.string()))
    if column is not None and value is not None and column in table.column_names:
        values = table.column(column)
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = pc.cast(values, pa.string())
        hit = pc.or_(hit, pc.fill_null(pc.equal(values, value), False))
    return pc.fill_null(hit, False)


def _rewrite_blobs(
    connection: Connection,
    model_id: int,
    ids: set[str],
    column: str | None,
    value: str | None,
    starts: set[tuple[int, int]] | None,
) -> tuple[set[str], int, int]:
    found: set[str] = set()
    rewritten = deleted = 0
    for blob_id, _version, _start, data in connection.execute(_blob_query(model_id, starts)):
        table = pa.ipc.open_stream(pa.py_buffer(bytes(data))).read_all()
        hit = _matches(table, ids, column, value)
        if not pc.any(hit).as_py():
            continue
        found.update(table.filter(hit).column("id").to_pylist())
        kept = table.filter(pc.invert(hit))
        if kept.num_rows == 0:
            connection.execute(delete(window_data).where(window_data.c.id == blob_id))
            deleted += 1
        else:
            connection.execute(
                update(window_data)
                .where(window_data.c.id == blob_id)
                .values(data=_ipc(kept), n_rows=kept.num_rows)
            )
            rewritten += 1
    return found, rewritten, deleted


def erase_records(
    engine: Engine,
    model_id: int,
    *,
    ids: Sequence[str] = (),
    subject_column: str | None = None,
    subject_value: str | None = None,
) -> ErasedRecords:
    """Remove the model's records with these ``ids`` or whose ``subject_column`` (a
    feature) equals ``subject_value`` (as stored: hashed if the column is hashed)."""
    wanted = {str(i) for i in ids}
    with engine.begin() as connection:
        starts: set[tuple[int, int]] | None = None
        if subject_value is None:
            # By id only: read just the blobs of the windows those records are in.
            starts = set()
            for chunk in _chunks(sorted(wanted), _IN_CHUNK):
                query = select(records.c.version_id, records.c.window_start).where(
                    records.c.model_id == model_id, records.c.record_id.in_(chunk)
                )
                starts.update((int(v), int(s)) for v, s in connection.execute(query))
        found, rewritten, deleted = _rewrite_blobs(
            connection, model_id, wanted, subject_column, subject_value, starts
        )
        erased = sorted(wanted | found)
        counts: Counter[WindowKey] = Counter()
        labelled: Counter[WindowKey] = Counter()
        removed: list[str] = []
        for chunk in _chunks(erased, _IN_CHUNK):
            for row in connection.execute(stored_records(model_id, chunk)).all():
                removed.append(str(row.record_id))
                keys = [(int(row.version_id), "", int(row.window_start))]
                if row.segment:
                    keys.append((int(row.version_id), str(row.segment), int(row.window_start)))
                for key in keys:
                    counts[key] += 1
                    labelled[key] += row.label is not None
            connection.execute(
                delete(records).where(
                    records.c.model_id == model_id, records.c.record_id.in_(chunk)
                )
            )
        for (version_id, segment, start), n in sorted(counts.items()):
            where = (
                windows.c.model_id == model_id,
                windows.c.version_id == version_id,
                windows.c.segment == segment,
                windows.c.start == from_micros(start),
            )
            window_ids = [w for (w,) in connection.execute(select(windows.c.id).where(*where))]
            connection.execute(
                delete(window_profiles).where(window_profiles.c.window_id.in_(window_ids))
            )
            connection.execute(
                update(windows)
                .where(*where)
                .values(
                    n_records=windows.c.n_records - n,
                    n_labels=windows.c.n_labels - labelled[(version_id, segment, start)],
                    needs_recompute=windows.c.status == "closed",
                )
            )
    return ErasedRecords(
        record_ids=tuple(sorted(removed)),
        blobs_rewritten=rewritten,
        blobs_deleted=deleted,
        windows=tuple(sorted(counts)),
    )


def flag_approximate(
    engine: Engine, model_id: int, touched: Sequence[WindowKey], *, unreached: bool
) -> list[tuple[int, int]]:
    """Mark ``approximate`` the model's windows held partly as aggregates that the
    erasure touched (``touched``) or, when some records were not found (``unreached``:
    by subject, or ids not stored), all of them; (version id, start) of those marked."""
    with engine.begin() as connection:
        held = {
            (int(v), int(s))
            for v, s in connection.execute(
                select(profile_parts.c.version_id, profile_parts.c.window_start)
                .where(profile_parts.c.model_id == model_id)
                .distinct()
            )
        }
        wanted = held if unreached else held & {(v, s) for v, _, s in touched}
        for version_id, start in sorted(wanted):
            connection.execute(
                update(windows)
                .where(
                    windows.c.model_id == model_id,
                    windows.c.version_id == version_id,
                    windows.c.start == from_micros(start),
                )
                .values(approximate=True)
            )
    return sorted(wanted)
