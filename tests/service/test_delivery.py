from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.service._delivery import MAX_ATTEMPTS, backoff, event_from_dict
from watchkeeper.service._types import AlertEvent, AlertState, Condition, Severity


def test_backoff_doubles_up_to_an_hour() -> None:
    delays = [backoff(n).total_seconds() for n in range(1, MAX_ATTEMPTS + 1)]
    assert delays[:5] == [30, 60, 120, 240, 480]
    assert max(delays) == 3600 and delays == sorted(delays)


def test_events_survive_the_outbox() -> None:
    t = datetime(2024, 1, 1, tzinfo=UTC)
    event = AlertEvent(
        "k",
        "mon",
        "m",
        "v1",
        "drift_score",
        AlertState.RESOLVED,
        Severity.CRITICAL,
        0.1,
        Condition("above", threshold=0.2),
        t,
        t + timedelta(hours=1),
        t,
        "age",
        "region=eu",
        t + timedelta(hours=1),
        "back",
        "http://x/v1/alerts/k",
    )
    assert event_from_dict(event.to_dict()) == event
