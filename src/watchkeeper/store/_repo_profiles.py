"""Profiles: the reference profile of each version and the profile of each closed window.

A window's features arrive as Arrow IPC blobs (``wk_window_data``, one per batch and
window). Closing the window streams those blobs, one at a time, into a profile kept in
``wk_window_profiles`` with the id of the newest blob it holds, so that records arriving
after the close are profiled alone (the blobs after that id) and merged in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, select, update

from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._tables import versions, window_data, window_profiles, windows

__all__ = ["ProfileRepository", "put_window_profile"]

_IN_CHUNK = 500


class ProfileRepository(RepositoryBase):
    # reference profiles

    def reference_profile_bytes(self, version_id: int) -> bytes | None:
        query = select(versions.c.reference_profile).where(versions.c.id == version_id)
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar_one_or_none()
        return None if value is None else bytes(value)

    def set_reference_profile(self, version_id: int, profile: bytes | None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(versions)
                .where(versions.c.id == version_id)
                .values(reference_profile=profile)
            )

    # the blobs of a window, streamed

    def window_blob_ids(self, model_id: int, version_id: int, window_start: int) -> list[int]:
        """The ids of a window's feature blobs, oldest first (read them with :meth:`blob`)."""
        query = (
            select(window_data.c.id)
            .where(
                window_data.c.model_id == model_id,
                window_data.c.version_id == version_id,
                window_data.c.window_start == window_start,
            )
            .order_by(window_data.c.id)
        )
        with self.engine.connect() as connection:
            return [int(i) for i in connection.execute(query).scalars()]

    def iter_blobs(self, ids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """``(id, bytes)`` of each blob of ``ids``, in that order, one query per blob.

        One at a time so that memory holds one batch's blob, whatever the window's size.
        """
        query = select(window_data.c.data).where(window_data.c.id == bindparam("blob_id"))
        with self.engine.connect() as connection:
            for blob_id in ids:
                data = connection.execute(query, {"blob_id": blob_id}).scalar_one()
                yield blob_id, bytes(data)

    # window profiles

    def window_profiles(self, window_ids: Sequence[int]) -> dict[int, tuple[bytes, int]]:
        """The stored ``(profile bytes, newest blob id)`` of each window of ``window_ids``."""
        found: dict[int, tuple[bytes, int]] = {}
        ids = list(dict.fromkeys(window_ids))
        with self.engine.connect() as connection:
            for start in range(0, len(ids), _IN_CHUNK):
                query = select(
                    window_profiles.c.window_id,
                    window_profiles.c.profile,
                    window_profiles.c.through_id,
                ).where(window_profiles.c.window_id.in_(ids[start : start + _IN_CHUNK]))
                for row in connection.execute(query):
                    found[int(row[0])] = (bytes(row[1]), int(row[2]))
        return found

    def window_profile_bytes(
        self, model_id: int, version_id: int, segment: str, start: datetime
    ) -> bytes | None:
        """The stored profile of one window (``segment`` "" for all traffic)."""
        query = (
            select(window_profiles.c.profile)
            .join(windows, windows.c.id == window_profiles.c.window_id)
            .where(
                windows.c.model_id == model_id,
                windows.c.version_id == version_id,
                windows.c.segment == segment,
                windows.c.start == start,
            )
        )
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar_one_or_none()
        return None if value is None else bytes(value)


def put_window_profile(
    connection: Connection, window_id: int, profile: bytes, through_id: int
) -> None:
    """Store (or replace) a window's profile inside the caller's transaction."""
    connection.execute(delete(window_profiles).where(window_profiles.c.window_id == window_id))
    connection.execute(
        window_profiles.insert().values(window_id=window_id, profile=profile, through_id=through_id)
    )
