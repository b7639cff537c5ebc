"""Window profiles: built from a window's stored batches, kept, and merged with late ones.

When a window closes its feature blobs (one per ingested batch) are streamed, one blob
at a time, through :class:`~watchkeeper.profile.ProfileBuilder` on the reference
profile's bins, for all traffic and for each segment. The profile is stored with the
id of the newest blob it holds; records that arrive after the close are profiled alone
(the blobs after that id) and merged into the stored profile, which is what mergeable
profiles are for. Memory holds one blob plus at most :data:`CHUNK_ROWS` rows waiting to
be profiled per window, never the whole window.

A stored profile that holds fewer rows than the window counts (a batch committed out of
id order on PostgreSQL, whose sequences are not commit-ordered) or was counted on other
bins (the version's reference was replaced) is rebuilt from every blob instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper.profile import NumericProfile, Profile, ProfileBuilder
from watchkeeper.service._ingest import ipc_to_table
from watchkeeper.service._windows import not_a_feature, reference_profile, window_schema
from watchkeeper.store._rows import WindowRow

if TYPE_CHECKING:
    from watchkeeper.store import Store

__all__ = [
    "CHUNK_ROWS",
    "WindowProfiles",
    "load_reference_profile",
    "profile_windows",
    "read_window_profile",
]

# Rows gathered before one builder update: small batches cost a KLL update per column
# each, so they are profiled together, up to this many rows (not the whole window).
CHUNK_ROWS = 16_384
_NO_BLOB = 0  # blob ids start at 1


def load_reference_profile(
    store: Store, version_id: int, kinds: Mapping[str, str]
) -> Profile | None:
    """The version's reference profile; built and stored once if only the reference
    data is stored (a version created before profiles were kept)."""
    data = store.reference_profile_bytes(version_id)
    if data is not None:
        return Profile.from_bytes(data, source=f"reference profile of version {version_id}")
    blob = store.reference_bytes(version_id)
    table = None if blob is None else ipc_to_table([blob])
    if table is None:
        return None
    profile = reference_profile(table, kinds)
    store.set_reference_profile(version_id, profile.to_bytes())
    return profile


def read_window_profile(
    store: Store, model_id: int, version_id: int, start: datetime, segment: str | None
) -> Profile | None:
    """The stored profile of one window (None while it is open or when it had no rows)."""
    data = store.window_profile_bytes(model_id, version_id, segment or "", start)
    if data is None:
        return None
    return Profile.from_bytes(data, source=f"profile of window {start.isoformat()}")


@dataclass
class WindowProfiles:
    """What streaming one window's blobs gave: each window row's profile (None without
    rows), whether it changed, the newest blob id it holds, and the ``id`` and
    ``segment`` of every record of the window (for performance and operations)."""

    profiles: dict[int, Profile | None]
    changed: set[int]
    through: dict[int, int]
    keys: pa.Table


def _same_bins(profile: Profile, reference: Profile | None) -> bool:
    bins = {} if reference is None else reference.bins
    for name, column in profile.columns.items():
        if isinstance(column, NumericProfile) and column.bins != bins.get(name):
            return False
    return True


class _Target:
    """One window row being profiled from the blobs after ``after``."""

    def __init__(
        self,
        window: WindowRow,
        after: int,
        base: Profile | None,
        reference: Profile | None,
        kinds: Mapping[str, str],
        chunk_rows: int,
    ) -> None:
        self.window = window
        self.after = after
        self.base = base
        self.reference = reference
        self.kinds = kinds
        self.chunk_rows = chunk_rows
        self.builder: ProfileBuilder | None = None
        self.pending: list[pa.Table] = []
        self.pending_rows = 0

    def add(self, blob_id: int, table: pa.Table) -> None:
        if blob_id <= self.after:
            return
        if self.window.segment:
            table = table.filter(pc.equal(table.column("segment"), self.window.segment))
        if table.num_rows == 0:
            return
        self.pending.append(table)
        self.pending_rows += table.num_rows
        if self.pending_rows >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        chunk = pa.concat_tables(self.pending, promote_options="permissive")
        self.pending, self.pending_rows = [], 0
        if self.builder is None:
            schema = window_schema(
                chunk, kinds=self.kinds, reference=self.reference, stored=self.base
            )
            self.builder = ProfileBuilder(schema, bins_from=self.reference)
        drop = [name for name in chunk.column_names if not_a_feature(name)]
        self.builder.update(chunk.drop_columns(drop))

    def result(self) -> tuple[Profile | None, bool]:
        self.flush()
        if self.builder is None:
            return self.base, False
        added = self.builder.build()
        return (added if self.base is None else self.base.merge(added)), True


def _copy(column: pa.ChunkedArray) -> pa.Array:
    """The column in buffers of its own: an IPC read is a view of the whole blob, which
    would keep every blob of the window alive for the sake of its ids."""
    return pa.concat_arrays([*column.chunks, pa.array([], column.type)])


def _stream(
    store: Store,
    blob_ids: Sequence[int],
    targets: Sequence[_Target],
    keys: list[pa.Table] | None,
    keep: Callable[[str], bool] | None = None,
) -> None:
    for blob_id, data in store.iter_blobs(blob_ids):
        table = ipc_to_table([data])
        if table is None:
            continue
        if keys is not None:
            extra = [n for n in table.column_names if keep is not None and keep(n)]
            names = dict.fromkeys(["id", "segment", *extra])
            keys.append(pa.table({name: _copy(table.column(name)) for name in names}))
        for target in targets:
            target.add(blob_id, table)


def profile_windows(
    store: Store,
    model_id: int,
    version_id: int,
    window_start: int,
    windows: Sequence[WindowRow],
    *,
    reference: Profile | None,
    kinds: Mapping[str, str],
    chunk_rows: int | None = None,
    outside: Mapping[int, int] | None = None,
    keep: Callable[[str], bool] | None = None,
) -> WindowProfiles:
    """The profiles of ``windows`` (rows of one version and start, any segments).

    A window with a stored profile gets only the blobs after the stored one merged in;
    the others are profiled from every blob. Every blob is read once for the record
    ids, and profiled only where it is new to a window; ``chunk_rows`` (default
    :data:`CHUNK_ROWS`) bounds the rows gathered before a builder update. ``outside``
    counts, per window id, rows the window holds that are in no blob (posted profiles).
    ``keep`` names the columns kept beside the ids in ``keys`` (the monitor kinds').
    """
    rows = CHUNK_ROWS if chunk_rows is None else chunk_rows
    stored = store.window_profiles([w.id for w in windows])
    blob_ids = store.window_blob_ids(model_id, version_id, window_start)

    def target(window: WindowRow, fresh: bool) -> _Target:
        kept = None if fresh else stored.get(window.id)
        base = None
        if kept is not None:
            base = Profile.from_bytes(kept[0], source=f"profile of window {window.start}")
            if not _same_bins(base, reference):
                base = None
        after = kept[1] if kept is not None and base is not None else _NO_BLOB
        return _Target(window, after, base, reference, kinds, rows)

    targets = [target(w, fresh=False) for w in windows]
    keys: list[pa.Table] = []
    _stream(store, blob_ids, targets, keys, keep)
    results = {t.window.id: t.result() for t in targets}

    def short(t: _Target) -> bool:
        profile = results[t.window.id][0]
        counted = t.window.n_records - (outside or {}).get(t.window.id, 0)
        return profile is not None and profile.n_rows < counted

    # Rows the window counts but the merged profile lacks: rebuild it from every blob.
    redo = [target(t.window, fresh=True) for t in targets if t.base is not None and short(t)]
    if redo:
        _stream(store, blob_ids, redo, None)
        results.update({t.window.id: t.result() for t in redo})
    newest = max(blob_ids, default=_NO_BLOB)
    empty = pa.table({"id": pa.array([], pa.string()), "segment": pa.array([], pa.string())})
    return WindowProfiles(
        profiles={wid: profile for wid, (profile, _) in results.items()},
        changed={wid for wid, (_, changed) in results.items() if changed},
        through={w.id: newest for w in windows},
        keys=pa.concat_tables(keys, promote_options="permissive") if keys else empty,
    )
