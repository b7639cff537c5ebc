"""Between the stored alert rows and the alert state machine (:mod:`.alerts`).

The state machine is pure: it takes the previous :class:`~.alerts.AlertRecord` and
one evaluation and says what to store and what to send. This module converts the
store's rows to records and back, keeping the descriptive columns (monitor, metric,
value, window, message) that the API lists, and answers the alert operations of the
facade: listing, acknowledging and silencing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from watchkeeper._exceptions import InputError
from watchkeeper.service._errors import NotFound
from watchkeeper.service._evaluate import Evaluation
from watchkeeper.service._results import AlertInfo
from watchkeeper.service._types import AlertEvent, AlertState
from watchkeeper.service.alerts import AlertRecord, acknowledge, silence, transition
from watchkeeper.service.alerts import Evaluation as MachineEvaluation
from watchkeeper.store import Store
from watchkeeper.store._rows import AlertRow

__all__ = [
    "acknowledge_alert",
    "alert_info",
    "apply_evaluation",
    "list_alerts",
    "silence_alert",
    "to_record",
    "with_record",
]


def to_record(row: AlertRow) -> AlertRecord:
    """The state machine's view of a stored alert."""
    return AlertRecord(
        key=row.key,
        state=AlertState(row.state),
        fired_at=row.fired_at,
        resolved_at=row.resolved_at,
        last_notified_at=row.last_notified_at,
        acknowledged_by=row.acknowledged_by,
        silenced_until=row.silenced_until,
        consecutive_breaches=row.consecutive_breaches,
        consecutive_clears=row.consecutive_clears,
        value=row.value,
        notified_state=None if row.notified_state is None else AlertState(row.notified_state),
    )


def with_record(row: AlertRow, record: AlertRecord) -> AlertRow:
    """``row`` with the state machine's fields taken from ``record``."""
    return replace(
        row,
        state=record.state.value,
        fired_at=record.fired_at,
        resolved_at=record.resolved_at,
        last_notified_at=record.last_notified_at,
        acknowledged_by=record.acknowledged_by,
        silenced_until=record.silenced_until,
        consecutive_breaches=record.consecutive_breaches,
        consecutive_clears=record.consecutive_clears,
        notified_state=None if record.notified_state is None else record.notified_state.value,
    )


def apply_evaluation(
    previous: AlertRow | None,
    evaluation: Evaluation,
    *,
    n_samples: int,
    now: datetime,
    url: str | None,
) -> tuple[AlertRow | None, tuple[AlertEvent, ...]]:
    """The alert row after ``evaluation`` (None: nothing to store) and the events to send."""
    point, monitor = evaluation.point, evaluation.monitor
    if previous is not None and point.window_end < previous.window_end:
        return None, ()  # an older window (recomputed) never overrides a newer verdict
    step = transition(
        None if previous is None else to_record(previous),
        MachineEvaluation(
            monitor=monitor,
            model=point.model,
            version=point.version,
            feature=point.feature,
            segment=point.segment,
            breached=evaluation.breached,
            value=point.value,
            window_start=point.window_start,
            window_end=point.window_end,
            n_samples=n_samples,
        ),
        now,
        url=None,
    )
    if step.record is None:
        return None, ()
    link = None if url is None else f"{url.rstrip('/')}/v1/alerts/{step.record.key}"
    base = previous or AlertRow(
        key=step.record.key,
        monitor=monitor.name,
        model=point.model,
        version=point.version,
        metric=point.metric,
        feature=point.feature,
        segment=point.segment,
        state=step.record.state.value,
        severity=monitor.severity.value,
        value=point.value,
        condition=monitor.condition.to_dict(),
        window_start=point.window_start,
        window_end=point.window_end,
        fired_at=step.record.fired_at,
        resolved_at=None,
        last_notified_at=None,
        acknowledged_by=None,
        silenced_until=None,
        message=evaluation.message,
    )
    row = replace(
        base,
        severity=monitor.severity.value,
        value=point.value,
        condition=monitor.condition.to_dict(),
        window_start=point.window_start,
        window_end=point.window_end,
        message=evaluation.message,
    )
    events = tuple(replace(event, url=link) for event in step.events)
    return with_record(row, step.record), events


def alert_info(row: AlertRow) -> AlertInfo:
    """A stored alert as the API lists it."""
    return AlertInfo(
        key=row.key,
        monitor=row.monitor,
        model=row.model,
        version=row.version,
        metric=row.metric,
        feature=row.feature,
        segment=row.segment,
        state=row.state,
        severity=row.severity,
        value=row.value,
        fired_at=row.fired_at,
        resolved_at=row.resolved_at,
        acknowledged_by=row.acknowledged_by,
        silenced_until=row.silenced_until,
        message=row.message,
    )


def list_alerts(store: Store, *, model: str | None, state: str | None) -> list[AlertInfo]:
    """Alerts, optionally of one model and in one state (``firing`` or ``resolved``)."""
    if state is not None and state not in ("firing", "resolved"):
        raise InputError(f"alert state {state!r} is not known; use firing or resolved")
    return [alert_info(r) for r in store.list_alerts(model=model, state=state)]


def _alert(store: Store, key: str) -> AlertRow:
    row = store.get_alert(key)
    if row is None:
        raise NotFound(f"alert {key!r} does not exist; list alerts with GET /v1/alerts")
    return row


def acknowledge_alert(store: Store, key: str, *, by: str) -> AlertInfo:
    """Mark a firing alert as acknowledged: no more held-back firing notifications."""
    row = _alert(store, key)
    record = acknowledge(to_record(row), by=by)
    updated = store.update_alert(key, acknowledged_by=record.acknowledged_by)
    return alert_info(updated or with_record(row, record))


def silence_alert(store: Store, key: str, *, until: datetime, by: str) -> AlertInfo:
    """Send nothing about this alert until ``until`` (aware, UTC); the state is still tracked."""
    if not by:
        raise InputError("silence 'by' is empty; give the name of who silences the alert")
    row = _alert(store, key)
    record = silence(to_record(row), until=until)
    updated = store.update_alert(key, silenced_until=record.silenced_until)
    return alert_info(updated or with_record(row, record))
