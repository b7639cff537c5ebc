"""Alerts and the notification outbox.

An alert's change of state and the notifications it causes are written in one
transaction, so a notification is never lost between the two; delivery then takes
rows from the outbox and marks them sent, or schedules the next attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, select, update

from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._rows import AlertRow, OutboxRow
from watchkeeper.store._tables import alerts, outbox

__all__ = ["AlertRepository"]

_ALERT_FIELDS = (
    "key",
    "monitor",
    "model",
    "version",
    "metric",
    "feature",
    "segment",
    "state",
    "severity",
    "value",
    "condition",
    "window_start",
    "window_end",
    "fired_at",
    "resolved_at",
    "last_notified_at",
    "acknowledged_by",
    "silenced_until",
    "message",
    "notified_state",
    "consecutive_breaches",
    "consecutive_clears",
)


def _alert_row(row: RowMapping) -> AlertRow:
    values = {name: row[name] for name in _ALERT_FIELDS}
    values["condition"] = dict(values["condition"] or {})
    values["value"] = float(values["value"])
    return AlertRow(**values)


def _outbox_row(row: RowMapping) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        channel=row["channel"],
        event=dict(row["event"]),
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
    )


class AlertRepository(RepositoryBase):
    def get_alert(self, key: str) -> AlertRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(alerts).where(alerts.c.key == key)).mappings().first()
        return None if row is None else _alert_row(row)

    def alerts_for(self, keys: Sequence[str]) -> dict[str, AlertRow]:
        found: dict[str, AlertRow] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(keys), 500):
                query = select(alerts).where(alerts.c.key.in_(keys[start : start + 500]))
                for row in connection.execute(query).mappings():
                    found[row["key"]] = _alert_row(row)
        return found

    def list_alerts(self, *, model: str | None = None, state: str | None = None) -> list[AlertRow]:
        query = select(alerts)
        if model is not None:
            query = query.where(alerts.c.model == model)
        if state is not None:
            query = query.where(alerts.c.state == state)
        query = query.order_by(alerts.c.fired_at.desc(), alerts.c.key)
        with self.engine.connect() as connection:
            return [_alert_row(row) for row in connection.execute(query).mappings()]

    def save_alerts(
        self,
        changed: Sequence[AlertRow],
        notifications: Sequence[tuple[str, Mapping[str, Any]]],
        at: datetime,
    ) -> None:
        """Upsert alert rows and queue ``(channel, event)`` notifications, atomically."""
        if not changed and not notifications:
            return
        with self.engine.begin() as connection:
            for alert in changed:
                values = {name: getattr(alert, name) for name in _ALERT_FIELDS}
                statement = self._insert(alerts).values(**values)
                statement = statement.on_conflict_do_update(
                    index_elements=["key"],
                    set_={name: values[name] for name in _ALERT_FIELDS if name != "key"},
                )
                connection.execute(statement)
            if notifications:
                connection.execute(
                    outbox.insert(),
                    [
                        {
                            "channel": channel,
                            "event": dict(event),
                            "status": "pending",
                            "attempts": 0,
                            "next_attempt_at": at,
                            "created_at": at,
                        }
                        for channel, event in notifications
                    ],
                )

    def update_alert(self, key: str, **values: Any) -> AlertRow | None:
        with self.engine.begin() as connection:
            result = connection.execute(update(alerts).where(alerts.c.key == key).values(**values))
            if not result.rowcount:
                return None
        return self.get_alert(key)

    # outbox

    def due_notifications(self, now: datetime, limit: int = 100) -> list[OutboxRow]:
        query = (
            select(outbox)
            .where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_outbox_row(row) for row in connection.execute(query).mappings()]

    def list_outbox(self, status: str | None = None) -> list[OutboxRow]:
        query = select(outbox).order_by(outbox.c.id)
        if status is not None:
            query = query.where(outbox.c.status == status)
        with self.engine.connect() as connection:
            return [_outbox_row(row) for row in connection.execute(query).mappings()]

    def mark_sent(self, outbox_id: int, at: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(outbox)
                .where(outbox.c.id == outbox_id)
                .values(status="sent", sent_at=at, attempts=outbox.c.attempts + 1, last_error=None)
            )

    def mark_failed(
        self, outbox_id: int, *, error: str, next_attempt_at: datetime, give_up: bool
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(outbox)
                .where(outbox.c.id == outbox_id)
                .values(
                    status="failed" if give_up else "pending",
                    attempts=outbox.c.attempts + 1,
                    last_error=error[:2000],
                    next_attempt_at=next_attempt_at,
                )
            )
