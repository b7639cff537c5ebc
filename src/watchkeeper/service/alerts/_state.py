"""The alert state machine: one alert per key, firing or resolved, and when to tell whom.

Pure logic. :func:`transition` takes the alert's previous :class:`AlertRecord` (or
``None``), one :class:`Evaluation` of its monitor and the time, and returns the next
record and the notifications to send; nothing here reads a clock, a store or the
network. The bad direction is a breach: ``Evaluation.breached`` is true when the
monitor's condition holds.

The rules, each one a property tested over random sequences:

- **De-duplication.** One record per key (monitor, model, version, feature, segment).
  A breach while firing updates the record and notifies nobody.
- **What the receivers were told.** ``AlertRecord.notified_state`` is the last state
  sent. A firing notification goes out only when the receivers do not believe the
  alert fires, a resolved one only after a firing one: they alternate by construction.
- **Minimum samples.** An evaluation with ``n_samples < monitor.min_samples`` neither
  fires nor resolves; the record is left as it was.
- **Hysteresis.** A firing alert resolves after ``resolve_after`` consecutive clear
  evaluations (default 1); one breach in between starts the count again.
- **Cooldown.** A breach after a resolution fires at once (the state is tracked and
  shown), but its firing notification is held back until ``monitor.cooldown`` has
  passed since the last resolved notification for the key; it goes out at the first
  evaluation after that if the alert still fires. A flapping metric so sends at most
  one firing/resolved pair per cooldown and a lasting breach is never swallowed.
- **Acknowledgement.** An acknowledged firing alert sends no firing notification that
  was still held back (by cooldown or silence). Its resolved notification still goes
  out, because the receivers were told it fired. Resolving clears the acknowledgement.
- **Silence.** Until ``silenced_until`` nothing is sent, but the state is still tracked;
  what the silence held back (firing or resolved) goes out at the first evaluation
  after it ends, if it is still true then.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper._numbers import format_number
from watchkeeper.service._types import (
    AlertEvent,
    AlertState,
    Condition,
    MonitorSpec,
    alert_key,
)

__all__ = ["AlertRecord", "Evaluation", "Transition", "acknowledge", "silence", "transition"]


@dataclass(frozen=True)
class AlertRecord:
    """The stored state of one alert.

    ``consecutive_breaches`` and ``consecutive_clears`` count the current run of
    breached or clear evaluations (with enough samples); ``value`` is the last such
    evaluation's value. ``notified_state`` is what the channels were last told
    (``None``: nothing yet) and ``last_notified_at`` when.

    >>> from datetime import UTC, datetime
    >>> r = AlertRecord("73dd1cfa71e7edc4", AlertState.FIRING, datetime(2024, 1, 1, tzinfo=UTC))
    >>> r.to_dict()["state"], r.to_dict()["notified_state"]
    ('firing', None)
    """

    key: str
    state: AlertState
    fired_at: datetime
    resolved_at: datetime | None = None
    last_notified_at: datetime | None = None
    acknowledged_by: str | None = None
    silenced_until: datetime | None = None
    consecutive_breaches: int = 0
    consecutive_clears: int = 0
    value: float = math.nan
    notified_state: AlertState | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "state": self.state.value,
            "fired_at": self.fired_at.isoformat(),
            "resolved_at": _iso(self.resolved_at),
            "last_notified_at": _iso(self.last_notified_at),
            "acknowledged_by": self.acknowledged_by,
            "silenced_until": _iso(self.silenced_until),
            "consecutive_breaches": self.consecutive_breaches,
            "consecutive_clears": self.consecutive_clears,
            "value": self.value if math.isfinite(self.value) else None,
            "notified_state": None if self.notified_state is None else self.notified_state.value,
        }


@dataclass(frozen=True)
class Evaluation:
    """One evaluation of a monitor on one closed window of one model version.

    >>> from datetime import UTC, datetime
    >>> from watchkeeper.service import Condition, MonitorSpec
    >>> m = MonitorSpec("drift", "churn", "drift_score", Condition("above", threshold=0.2))
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> Evaluation(m, "churn", "v1", "age", None, True, 0.31, t, t, 500).key
    '73dd1cfa71e7edc4'
    """

    monitor: MonitorSpec
    model: str
    version: str
    feature: str | None
    segment: str | None
    breached: bool
    value: float
    window_start: datetime
    window_end: datetime
    n_samples: int

    @property
    def key(self) -> str:
        """The alert's de-duplication key (:func:`watchkeeper.service.alert_key`)."""
        return alert_key(self.monitor.name, self.model, self.version, self.feature, self.segment)


@dataclass(frozen=True)
class Transition:
    """The outcome of one evaluation: the record to store and the events to send.

    ``record`` is ``None`` only for a key that has never fired and still does not.
    """

    record: AlertRecord | None
    events: tuple[AlertEvent, ...]


def transition(
    previous: AlertRecord | None,
    evaluation: Evaluation,
    now: datetime,
    *,
    resolve_after: int = 1,
    url: str | None = None,
) -> Transition:
    """The alert's next record and the notifications that ``evaluation`` causes at ``now``.

    ``url`` (a link to the alert in the service) is copied into the events.

    >>> from datetime import UTC, datetime, timedelta
    >>> from watchkeeper.service import Condition, MonitorSpec
    >>> m = MonitorSpec("drift", "churn", "drift_score", Condition("above", threshold=0.2))
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> def ev(breached, value, hour):
    ...     start = t + timedelta(hours=hour)
    ...     return Evaluation(m, "churn", "v1", "age", None, breached, value,
    ...                       start, start + timedelta(hours=1), 500)
    >>> first = transition(None, ev(True, 0.31, 0), t + timedelta(hours=1))
    >>> [e.state.value for e in first.events], first.events[0].message
    (['firing'], "monitor 'drift': drift_score of 'age' on churn v1 is 0.31, above 0.2")
    >>> again = transition(first.record, ev(True, 0.35, 1), t + timedelta(hours=2))
    >>> again.events, again.record.consecutive_breaches
    ((), 2)
    >>> clear = transition(again.record, ev(False, 0.05, 2), t + timedelta(hours=3))
    >>> [e.state.value for e in clear.events], clear.record.state.value
    (['resolved'], 'resolved')
    """
    if resolve_after < 1:
        raise InputError(f"resolve_after is {resolve_after}; give a whole number of at least 1")
    key = evaluation.key
    if previous is not None and previous.key != key:
        raise InputError(
            f"the alert record has key {previous.key!r} but the evaluation's key is {key!r}; "
            "pass the record stored under the evaluation's key"
        )
    record = previous
    if evaluation.n_samples >= evaluation.monitor.min_samples:
        record = _observe(previous, evaluation, now, resolve_after)
    if record is None:
        return Transition(None, ())
    return _notify(record, evaluation, now, url)


def acknowledge(record: AlertRecord, *, by: str) -> AlertRecord:
    """The record acknowledged by ``by``; only a firing alert can be acknowledged.

    >>> from datetime import UTC, datetime
    >>> r = AlertRecord("k", AlertState.FIRING, datetime(2024, 1, 1, tzinfo=UTC))
    >>> acknowledge(r, by="ana").acknowledged_by
    'ana'
    """
    if record.state is not AlertState.FIRING:
        raise InputError(
            f"alert {record.key!r} is {record.state.value}; only a firing alert can be "
            "acknowledged (a resolved one needs nothing)"
        )
    if not by:
        raise InputError("acknowledged 'by' is empty; give the name of who acknowledges")
    return replace(record, acknowledged_by=by)


def silence(record: AlertRecord, *, until: datetime) -> AlertRecord:
    """The record silenced until ``until`` (timezone-aware); a past time ends a silence.

    >>> from datetime import UTC, datetime
    >>> r = AlertRecord("k", AlertState.FIRING, datetime(2024, 1, 1, tzinfo=UTC))
    >>> silence(r, until=datetime(2024, 1, 2, tzinfo=UTC)).silenced_until.day
    2
    """
    if until.tzinfo is None:
        raise InputError(f"silence 'until' {until.isoformat()} has no time zone; give a UTC time")
    return replace(record, silenced_until=until)


def _observe(
    previous: AlertRecord | None, evaluation: Evaluation, now: datetime, resolve_after: int
) -> AlertRecord | None:
    value = float(evaluation.value)
    if previous is None:
        if not evaluation.breached:
            return None
        return AlertRecord(
            evaluation.key, AlertState.FIRING, now, consecutive_breaches=1, value=value
        )
    if evaluation.breached:
        if previous.state is AlertState.FIRING:
            return replace(
                previous,
                consecutive_breaches=previous.consecutive_breaches + 1,
                consecutive_clears=0,
                value=value,
            )
        # A new firing of a resolved key; the silence, if any, is the key's, so it stays.
        return replace(
            previous,
            state=AlertState.FIRING,
            fired_at=now,
            resolved_at=None,
            acknowledged_by=None,
            consecutive_breaches=1,
            consecutive_clears=0,
            value=value,
        )
    clears = previous.consecutive_clears + 1
    if previous.state is AlertState.FIRING and clears >= resolve_after:
        return replace(
            previous,
            state=AlertState.RESOLVED,
            resolved_at=now,
            acknowledged_by=None,
            consecutive_breaches=0,
            consecutive_clears=clears,
            value=value,
        )
    return replace(previous, consecutive_breaches=0, consecutive_clears=clears, value=value)


def _notify(
    record: AlertRecord, evaluation: Evaluation, now: datetime, url: str | None
) -> Transition:
    if record.silenced_until is not None and now < record.silenced_until:
        return Transition(record, ())
    if record.state is AlertState.FIRING and record.notified_state is not AlertState.FIRING:
        if record.acknowledged_by is not None or _cooling_down(record, evaluation, now):
            return Transition(record, ())
    elif not (record.state is AlertState.RESOLVED and record.notified_state is AlertState.FIRING):
        return Transition(record, ())
    sent = replace(record, notified_state=record.state, last_notified_at=now)
    return Transition(sent, (_event(sent, evaluation, url),))


def _cooling_down(record: AlertRecord, evaluation: Evaluation, now: datetime) -> bool:
    return (
        record.notified_state is AlertState.RESOLVED
        and record.last_notified_at is not None
        and now < record.last_notified_at + evaluation.monitor.cooldown
    )


def _event(record: AlertRecord, evaluation: Evaluation, url: str | None) -> AlertEvent:
    monitor = evaluation.monitor
    return AlertEvent(
        key=record.key,
        monitor=monitor.name,
        model=evaluation.model,
        version=evaluation.version,
        metric=monitor.metric,
        state=record.state,
        severity=monitor.severity,
        value=record.value,
        condition=monitor.condition,
        window_start=evaluation.window_start,
        window_end=evaluation.window_end,
        fired_at=record.fired_at,
        feature=evaluation.feature,
        segment=evaluation.segment,
        resolved_at=record.resolved_at,
        message=_message(record, evaluation),
        url=url,
    )


def _num(value: float | None) -> str:
    return "?" if value is None else format_number(value)


def _relative(c: Condition) -> str:
    way = {"up": "above", "down": "below", "both": "away from"}[c.direction]
    share = "?" if c.threshold is None else f"{c.threshold:.0%}"
    return f"more than {share} {way} the baseline"


# Registered by condition kind so that a new kind in _types fails here loudly, not silently.
_CONDITION_TEXT: Mapping[str, Callable[[Condition], str]] = MappingProxyType(
    {
        "above": lambda c: f"above {_num(c.threshold)}",
        "below": lambda c: f"below {_num(c.threshold)}",
        "outside": lambda c: f"outside [{_num(c.low)}, {_num(c.high)}]",
        "relative_to_baseline": _relative,
        "sigma_band": lambda c: f"outside the baseline's {_num(c.k)}-sigma band",
    }
)


def _message(record: AlertRecord, evaluation: Evaluation) -> str:
    monitor = evaluation.monitor
    what = (
        monitor.metric
        if evaluation.feature is None
        else f"{monitor.metric} of {evaluation.feature!r}"
    )
    where = f"{evaluation.model} {evaluation.version}"
    if evaluation.segment is not None:
        where += f" [{evaluation.segment}]"
    rule = _CONDITION_TEXT[monitor.condition.kind](monitor.condition)
    if record.state is AlertState.FIRING:
        return f"monitor {monitor.name!r}: {what} on {where} is {_num(record.value)}, {rule}"
    return (
        f"monitor {monitor.name!r}: {what} on {where} is back to {_num(record.value)}, "
        f"no longer {rule}"
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
