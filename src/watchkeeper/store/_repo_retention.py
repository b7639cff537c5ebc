"""Retention: what is older than a model's retention periods removed, in one transaction.

Four periods, each optional (absent: kept forever), each measured from the end of the
window the data belongs to:

- ``records``: raw rows (``wk_records``) and their features (``wk_window_data``) of
  *closed* windows (an open window's rows are still needed to close it). The windows'
  profiles and metrics stay, so the dashboard's history is unchanged;
- ``labels``: the labels of records (the rows stay, unlabelled);
- ``profiles``: closed windows' stored profiles (``wk_window_profiles``);
- ``metrics``: closed windows themselves and their metric points.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, select, update

from watchkeeper.store._tables import (
    metric_points,
    records,
    window_data,
    window_profiles,
    windows,
)
from watchkeeper.store._types import to_micros

__all__ = ["PERIODS", "apply_retention"]

PERIODS = ("records", "labels", "profiles", "metrics")


def apply_retention(
    engine: Engine,
    model_id: int,
    model_name: str,
    periods: Mapping[str, timedelta],
    now: datetime,
    window: timedelta,
) -> dict[str, int]:
    """Delete what ``periods`` no longer keep; how many rows of each kind went."""
    unknown = sorted(set(periods) - set(PERIODS))
    if unknown:
        raise ValueError(f"unknown retention periods {unknown}; use {', '.join(PERIODS)}")
    removed = dict.fromkeys(PERIODS, 0)
    with engine.begin() as connection:
        closed_starts = {
            (int(v), to_micros(s))
            for v, s in connection.execute(
                select(windows.c.version_id, windows.c.start).where(
                    windows.c.model_id == model_id,
                    windows.c.segment == "",
                    windows.c.status == "closed",
                )
            )
        }

        def old_closed(period: timedelta) -> list[tuple[int, int]]:
            # A window ends `window` after its start; keep it while its end is recent.
            cutoff = to_micros(now - period - window)
            return sorted((v, s) for v, s in closed_starts if s < cutoff)

        if "records" in periods:
            for version_id, start in old_closed(periods["records"]):
                where = (
                    records.c.model_id == model_id,
                    records.c.version_id == version_id,
                    records.c.window_start == start,
                )
                removed["records"] += connection.execute(delete(records).where(*where)).rowcount
                connection.execute(
                    delete(window_data).where(
                        window_data.c.model_id == model_id,
                        window_data.c.version_id == version_id,
                        window_data.c.window_start == start,
                    )
                )
        if "labels" in periods:
            for version_id, start in old_closed(periods["labels"]):
                removed["labels"] += connection.execute(
                    update(records)
                    .where(
                        records.c.model_id == model_id,
                        records.c.version_id == version_id,
                        records.c.window_start == start,
                        records.c.label.is_not(None),
                    )
                    .values(label=None, labeled_at=None)
                ).rowcount
        for kind in ("profiles", "metrics"):
            if kind not in periods:
                continue
            cutoff = now - periods[kind]
            old = select(windows.c.id).where(
                windows.c.model_id == model_id,
                windows.c.status == "closed",
                windows.c.end < cutoff,
            )
            ids = [int(i) for (i,) in connection.execute(old)]
            if not ids:
                continue
            gone = connection.execute(
                delete(window_profiles).where(window_profiles.c.window_id.in_(ids))
            ).rowcount
            if kind == "profiles":
                removed["profiles"] += gone
                continue
            removed["metrics"] += connection.execute(
                delete(metric_points).where(
                    and_(metric_points.c.model == model_name, metric_points.c.window_end < cutoff)
                )
            ).rowcount
            connection.execute(delete(windows).where(windows.c.id.in_(ids)))
    return removed
