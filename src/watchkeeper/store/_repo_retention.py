"""Retention: what is older than a model's retention periods removed, in one transaction.

Four periods, each optional; this module applies three of them, each measured from the
end of the window the data belongs to (absent: kept forever):

- ``labels``: the labels of records (the rows stay, unlabelled);
- ``profiles``: closed windows' stored profiles (``wk_window_profiles``);
- ``metrics``: closed windows themselves and their metric points.

The fourth, ``records`` (raw rows and feature batches), is applied by compaction
(:mod:`watchkeeper.service._compaction`), which keeps what the window still needs.
The periods a model's ``watchkeeper.yaml`` declares are stored with the model
(:func:`store_periods`, ``wk_models.retention``) so that the background loop applies them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, select, update

from watchkeeper.store._tables import (
    metric_points,
    models,
    records,
    window_profiles,
    windows,
)
from watchkeeper.store._types import to_micros

__all__ = ["PERIODS", "apply_retention", "store_periods", "stored_periods"]

PERIODS = ("records", "labels", "profiles", "metrics")


def apply_retention(
    engine: Engine,
    model_id: int,
    model_name: str,
    periods: Mapping[str, timedelta],
    now: datetime,
    window: timedelta,
) -> dict[str, int]:
    """Delete what ``periods`` no longer keep; how many rows of each kind went
    (``records`` is compaction's: refused here)."""
    unknown = sorted(set(periods) - set(PERIODS[1:]))
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


def store_periods(engine: Engine, model_id: int, periods: Mapping[str, timedelta]) -> None:
    """Keep ``periods`` with the model (none: the server's defaults)."""
    seconds = {kind: period.total_seconds() for kind, period in sorted(periods.items())}
    with engine.begin() as connection:
        connection.execute(
            update(models).where(models.c.id == model_id).values(retention=seconds or None)
        )


def stored_periods(engine: Engine, model_id: int) -> dict[str, timedelta]:
    """The periods kept with the model by :func:`store_periods` (empty when none).

    >>> from datetime import UTC
    >>> from watchkeeper.store import Store
    >>> store = Store("sqlite://")
    >>> model = store.insert_model("m", "regression", {}, datetime(2024, 1, 1, tzinfo=UTC))
    >>> store_periods(store.engine, model.id, {"labels": timedelta(days=30)})
    >>> stored_periods(store.engine, model.id)
    {'labels': datetime.timedelta(days=30)}
    """
    with engine.connect() as connection:
        found = connection.execute(
            select(models.c.retention).where(models.c.id == model_id)
        ).scalar_one_or_none()
    return {kind: timedelta(seconds=float(s)) for kind, s in sorted((found or {}).items())}
