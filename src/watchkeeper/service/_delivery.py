"""Delivery of the notification outbox, with retries and exponential backoff.

Alert changes queue their notifications in the store's outbox in the same
transaction as the change. :func:`deliver_pending` sends what is due through the
channel's notifier; a failure stays in the outbox with its error and is tried again
after ``30 s x 2^attempts`` (at most an hour), and after :data:`MAX_ATTEMPTS` (or at
once when the notifier says retrying cannot help, e.g. a missing secret) it is kept as
``failed``, with its error, for a person to see. Nothing is ever dropped silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from watchkeeper.service._leader import exclusive
from watchkeeper.service._types import (
    AlertEvent,
    AlertState,
    ChannelSpec,
    Condition,
    Severity,
)
from watchkeeper.store import Store

__all__ = [
    "MAX_ATTEMPTS",
    "DeliveryFailed",
    "DeliveryReport",
    "Sender",
    "backoff",
    "default_sender",
    "deliver_pending",
    "event_from_dict",
]

MAX_ATTEMPTS = 10
_FIRST_DELAY = timedelta(seconds=30)
_LONGEST_DELAY = timedelta(hours=1)

# Sends one event to one channel; raises on failure.
Sender = Callable[[ChannelSpec, AlertEvent], None]


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failures.

    >>> [backoff(n).total_seconds() for n in (1, 2, 3, 10)]
    [30.0, 60.0, 120.0, 3600.0]
    """
    delay: timedelta = _FIRST_DELAY * (2 ** max(0, min(attempts - 1, 20)))
    return min(delay, _LONGEST_DELAY)


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def event_from_dict(data: Mapping[str, Any]) -> AlertEvent:
    """The :class:`AlertEvent` of its ``to_dict()`` form (as the outbox keeps it)."""
    condition = dict(data["condition"])
    fired_at = _time(data["fired_at"])
    window_start = _time(data["window_start"])
    window_end = _time(data["window_end"])
    if fired_at is None or window_start is None or window_end is None:
        raise ValueError(f"outbox event {data.get('key')!r} lacks its times")
    return AlertEvent(
        key=data["key"],
        monitor=data["monitor"],
        model=data["model"],
        version=data["version"],
        metric=data["metric"],
        state=AlertState(data["state"]),
        severity=Severity(data["severity"]),
        value=float(data["value"]),
        condition=Condition(**condition),
        window_start=window_start,
        window_end=window_end,
        fired_at=fired_at,
        feature=data.get("feature"),
        segment=data.get("segment"),
        resolved_at=_time(data.get("resolved_at")),
        message=data.get("message", ""),
        url=data.get("url"),
    )


class DeliveryFailed(Exception):  # noqa: N818 (it is an outcome, not a bug)
    """A notifier could not deliver; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


def default_sender(channel: ChannelSpec, event: AlertEvent) -> None:
    """Send through the notifier registered for ``channel.type`` (secrets from os.environ)."""
    from watchkeeper.service.notifiers import send

    result = send(channel, event, environ=os.environ)
    if not result.ok:
        raise DeliveryFailed(result.error or "delivery failed", retryable=result.retryable)


def deliver_pending(
    store: Store,
    now: datetime,
    *,
    sender: Sender | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Send every notification that is due at ``now``; record each outcome.

    One process at a time (a PostgreSQL advisory lock when several share the store), so
    that no notification is sent twice."""
    send = sender or default_sender
    channels = {
        name: ChannelSpec(name, type_, settings)  # type: ignore[arg-type]  # type_ is checked on apply
        for name, type_, settings in store.list_channels()
    }
    with exclusive(store, "delivery"):
        return _deliver(store, now, send, channels, limit)


def _deliver(
    store: Store,
    now: datetime,
    send: Sender,
    channels: dict[str, ChannelSpec],
    limit: int,
) -> DeliveryReport:
    sent = retrying = failed = 0
    for item in store.due_notifications(now, limit):
        channel = channels.get(item.channel)
        try:
            if channel is None:
                raise LookupError(
                    f"channel {item.channel!r} is not configured; add it to watchkeeper.yaml"
                )
            send(channel, event_from_dict(item.event))
        except Exception as error:
            attempts = item.attempts + 1
            # A refusal that cannot change (a missing secret, a 400) is not retried.
            permanent = isinstance(error, DeliveryFailed) and not error.retryable
            give_up = permanent or attempts >= MAX_ATTEMPTS
            # The error text of a notifier may quote a URL but never a secret: notifiers
            # read secrets from the environment and do not echo them.
            store.mark_failed(
                item.id,
                error=f"{type(error).__name__}: {error}",
                next_attempt_at=now + backoff(attempts),
                give_up=give_up,
            )
            if give_up:
                failed += 1
            else:
                retrying += 1
            continue
        store.mark_sent(item.id, now)
        sent += 1
    return DeliveryReport(sent, retrying, failed)
