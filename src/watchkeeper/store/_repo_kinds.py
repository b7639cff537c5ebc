"""Monitor kinds' state per version, and metric points written between window closes.

``wk_kind_state`` keeps, per model version and kind (:mod:`watchkeeper.service.kinds`),
the bytes the kind fitted on the reference or carries between label batches. The
concept-drift kind writes its points as labels arrive, before the window closes:
:meth:`KindStateRepository.put_points` replaces those points only, where closing a
window replaces every point of the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Integer, LargeBinary, String, Table, delete, select

from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._tables import metadata, metric_points
from watchkeeper.store._types import UTCDateTime

__all__ = ["KindStateRepository", "kind_state"]

kind_state = Table(
    "wk_kind_state",
    metadata,
    Column("version_id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(60), primary_key=True),
    Column("state", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

_NAMES = ("model", "version", "metric", "feature", "segment", "window_start", "window_end", "value")
PointRow = tuple[str, str, str, str, str, datetime, datetime, float]


class KindStateRepository(RepositoryBase):
    def kind_states(self, version_id: int) -> dict[str, bytes]:
        """Every kind's stored state of the version, by kind name."""
        query = select(kind_state.c.kind, kind_state.c.state).where(
            kind_state.c.version_id == version_id
        )
        with self.engine.connect() as connection:
            return {row.kind: bytes(row.state) for row in connection.execute(query)}

    def put_kind_state(self, version_id: int, kind: str, state: bytes, at: datetime) -> None:
        """Store (or replace) one kind's state of the version."""
        self._upsert(
            kind_state, ("version_id", "kind"),
            version_id=version_id, kind=kind, state=state, updated_at=at,
        )  # fmt: skip

    def put_points(self, points: Sequence[PointRow]) -> None:
        """Store points, replacing the same series' point of the same window only."""
        if not points:
            return
        with self.engine.begin() as connection:
            for p in points:
                connection.execute(
                    delete(metric_points).where(
                        metric_points.c.model == p[0],
                        metric_points.c.version == p[1],
                        metric_points.c.metric == p[2],
                        metric_points.c.feature == p[3],
                        metric_points.c.segment == p[4],
                        metric_points.c.window_start == p[5],
                    )
                )
            connection.execute(
                metric_points.insert(), [dict(zip(_NAMES, p, strict=True)) for p in points]
            )
