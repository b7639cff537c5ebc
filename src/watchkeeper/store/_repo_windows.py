"""Windows and the metric time series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, delete, func, or_, select, update

from watchkeeper._catalogue import spellings
from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._repo_profiles import put_window_profile
from watchkeeper.store._rows import WindowRow
from watchkeeper.store._tables import metric_points, versions, windows
from watchkeeper.store._types import from_micros

__all__ = ["PointRow", "WindowRepository"]

# (model, version, metric, feature or "", segment or "", window_start, window_end, value)
PointRow = tuple[str, str, str, str, str, datetime, datetime, float]


def _point(row: Any) -> PointRow:
    return (row[0], row[1], row[2], row[3], row[4], row[5], row[6], float(row[7]))


def _window_row(row: RowMapping) -> WindowRow:
    return WindowRow(
        id=row["id"],
        model_id=row["model_id"],
        version_id=row["version_id"],
        version=row["version"],
        segment=row["segment"],
        start=row["start"],
        end=row["end"],
        status=row["status"],
        n_records=row["n_records"],
        n_labels=row["n_labels"],
        needs_recompute=bool(row["needs_recompute"]),
        metrics=dict(row["metrics"] or {}),
        approximate=bool(row["approximate"]),
    )


def _window_query() -> Any:
    return select(windows, versions.c.name.label("version")).join(
        versions, versions.c.id == windows.c.version_id
    )


class WindowRepository(RepositoryBase):
    def list_windows(
        self, model_id: int, *, version_id: int | None = None, limit: int = 500
    ) -> list[WindowRow]:
        query = _window_query().where(windows.c.model_id == model_id)
        if version_id is not None:
            query = query.where(windows.c.version_id == version_id)
        query = query.order_by(windows.c.start.desc(), windows.c.segment, windows.c.id).limit(limit)
        with self.engine.connect() as connection:
            return [_window_row(row) for row in connection.execute(query).mappings()]

    def window_segments(self, model_id: int, version_id: int, start_us: int) -> set[str]:
        """The segment values that already have a window at ``start_us`` (microseconds)."""
        query = select(windows.c.segment).where(
            windows.c.model_id == model_id,
            windows.c.version_id == version_id,
            windows.c.start == from_micros(start_us),
            windows.c.segment != "",
        )
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())

    def due_windows(self, model_id: int, now: datetime) -> list[WindowRow]:
        """Open windows whose end has passed, and closed ones flagged for recomputation."""
        query = (
            _window_query()
            .where(
                windows.c.model_id == model_id,
                or_(
                    and_(windows.c.status == "open", windows.c.end <= now),
                    and_(windows.c.status == "closed", windows.c.needs_recompute.is_(True)),
                ),
            )
            .order_by(windows.c.start, windows.c.version_id, windows.c.segment)
        )
        with self.engine.connect() as connection:
            return [_window_row(row) for row in connection.execute(query).mappings()]

    def _replace_points(self, connection: Connection, points: Sequence[PointRow]) -> None:
        if not points:
            return
        seen = {(p[0], p[1], p[4], p[5]) for p in points}
        for model, version, segment, start in seen:
            connection.execute(
                delete(metric_points).where(
                    metric_points.c.model == model,
                    metric_points.c.version == version,
                    metric_points.c.segment == segment,
                    metric_points.c.window_start == start,
                )
            )
        names = (
            "model",
            "version",
            "metric",
            "feature",
            "segment",
            "window_start",
            "window_end",
            "value",
        )
        connection.execute(
            metric_points.insert(), [dict(zip(names, p, strict=True)) for p in points]
        )

    def close_window(
        self,
        window_id: int,
        *,
        closed_at: datetime,
        summary: Mapping[str, Any],
        points: Sequence[PointRow],
        labels_seen: int,
        records_seen: int | None = None,
        profile: tuple[bytes, int] | None = None,
    ) -> None:
        """Store a window's metric points (replacing any earlier ones), its profile
        (``(bytes, newest blob id)``, replacing any earlier one) and close it.

        The recomputation flag is cleared only if no label and no record arrived
        meanwhile, which ``labels_seen`` and ``records_seen`` (the counts the results
        were computed from) tell.
        """
        stale = windows.c.n_labels != labels_seen
        if records_seen is not None:
            stale = or_(stale, windows.c.n_records != records_seen)
        with self.engine.begin() as connection:
            self._replace_points(connection, points)
            if profile is not None:
                put_window_profile(connection, window_id, profile[0], profile[1])
            connection.execute(
                update(windows)
                .where(windows.c.id == window_id)
                .values(
                    status="closed",
                    closed_at=closed_at,
                    metrics=dict(summary),
                    needs_recompute=stale,
                )
            )

    def metric_series(
        self,
        model: str,
        metric: str,
        *,
        version: str | None = None,
        feature: str | None = None,
        segment: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = None,
        descending: bool = False,
    ) -> list[PointRow]:
        """Points of one metric, ordered by window (oldest first unless ``descending``).

        ``feature`` and ``segment`` of None select every feature / only the
        whole-traffic series respectively, so a per-feature metric can be read at once.
        """
        query = select(
            metric_points.c.model,
            metric_points.c.version,
            metric_points.c.metric,
            metric_points.c.feature,
            metric_points.c.segment,
            metric_points.c.window_start,
            metric_points.c.window_end,
            metric_points.c.value,
        ).where(
            metric_points.c.model == model,
            # a renamed metric's history is one series (watchkeeper._catalogue.ALIASES)
            metric_points.c.metric.in_(spellings(metric)),
            metric_points.c.segment == (segment or ""),
        )
        if version is not None:
            query = query.where(metric_points.c.version == version)
        if feature is not None:
            query = query.where(metric_points.c.feature == feature)
        if start is not None:
            query = query.where(metric_points.c.window_start >= start)
        if end is not None:
            query = query.where(metric_points.c.window_end <= end)
        order = metric_points.c.window_start.desc() if descending else metric_points.c.window_start
        query = query.order_by(order, metric_points.c.version, metric_points.c.feature)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [_point(row) for row in connection.execute(query)]

    def latest_points(self) -> list[PointRow]:
        """The newest point of every series (model, version, metric, feature, segment)."""
        series = (
            metric_points.c.model,
            metric_points.c.version,
            metric_points.c.metric,
            metric_points.c.feature,
            metric_points.c.segment,
        )
        newest = (
            select(*series, func.max(metric_points.c.window_start).label("newest"))
            .group_by(*series)
            .subquery()
        )
        query = (
            select(*series, metric_points.c.window_start, metric_points.c.window_end)
            .add_columns(metric_points.c.value)
            .join(
                newest,
                and_(
                    *(column == newest.c[column.name] for column in series),
                    metric_points.c.window_start == newest.c.newest,
                ),
            )
            .order_by(*series)
        )
        with self.engine.connect() as connection:
            return [_point(row) for row in connection.execute(query)]
