"""The alert state machine's documented rules at their boundaries (service/alerts/_state.py).

``n_samples == min_samples`` is enough; ``resolve_after`` clear evaluations resolve, one
fewer does not; the cooldown ends exactly at ``last resolved notification + cooldown``;
a silence ends exactly at ``silenced_until``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.service import AlertState, Condition, MonitorSpec
from watchkeeper.service.alerts import AlertRecord, Evaluation, silence, transition

T0 = datetime(2024, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
MONITOR = MonitorSpec(
    "age-drift", "churn", "drift_score", Condition("above", threshold=0.2), min_samples=100
)


def ev(breached: bool, hour: int, n_samples: int = 100) -> Evaluation:
    start = T0 + hour * HOUR
    value = 0.3 if breached else 0.1
    return Evaluation(
        MONITOR, "churn", "v1", "age", None, breached, value, start, start + HOUR, n_samples
    )


def at(hour: int) -> datetime:
    return T0 + (hour + 1) * HOUR


def test_rule_min_samples_at_equality_is_enough_to_fire() -> None:
    fired = transition(None, ev(True, 0, n_samples=100), at(0))
    assert fired.record is not None and fired.record.state is AlertState.FIRING
    assert [e.state for e in fired.events] == [AlertState.FIRING]


def test_rule_one_sample_fewer_than_min_samples_neither_fires_nor_resolves() -> None:
    assert transition(None, ev(True, 0, n_samples=99), at(0)) == transition(
        None, ev(False, 0), at(0)
    )
    firing = transition(None, ev(True, 0), at(0)).record
    assert firing is not None
    kept = transition(firing, ev(False, 1, n_samples=99), at(1))
    assert kept.record == firing
    assert kept.events == ()
    resolved = transition(firing, ev(False, 1, n_samples=100), at(1))
    assert resolved.record is not None and resolved.record.state is AlertState.RESOLVED


def test_rule_a_breach_while_firing_counts_and_notifies_nobody() -> None:
    first = transition(None, ev(True, 0), at(0)).record
    again = transition(first, ev(True, 1), at(1))
    assert again.events == ()
    assert again.record is not None
    assert (again.record.consecutive_breaches, again.record.consecutive_clears) == (2, 0)
    assert again.record.value == 0.3


def test_rule_resolve_after_counts_consecutive_clears_and_a_breach_restarts_it() -> None:
    record = transition(None, ev(True, 0), at(0)).record
    record = transition(record, ev(False, 1), at(1), resolve_after=2).record
    assert record is not None and record.state is AlertState.FIRING
    assert record.consecutive_clears == 1
    record = transition(record, ev(True, 2), at(2), resolve_after=2).record
    assert record is not None and record.consecutive_clears == 0
    record = transition(record, ev(False, 3), at(3), resolve_after=2).record
    assert record is not None and record.state is AlertState.FIRING
    done = transition(record, ev(False, 4), at(4), resolve_after=2)
    assert done.record is not None and done.record.state is AlertState.RESOLVED
    assert done.record.resolved_at == at(4)
    assert [e.state for e in done.events] == [AlertState.RESOLVED]


def test_rule_a_refiring_within_the_cooldown_is_held_back_and_sent_when_it_ends() -> None:
    """Cooldown 1 h from the resolved notification: held at +59 min, sent at +60 min."""
    fired = transition(None, ev(True, 0), at(0)).record
    resolved = transition(fired, ev(False, 1), at(1)).record
    assert resolved is not None and resolved.last_notified_at == at(1)
    held = transition(resolved, ev(True, 2), at(1) + timedelta(minutes=59))
    assert held.record is not None and held.record.state is AlertState.FIRING
    assert held.events == ()
    sent = transition(held.record, ev(True, 3), at(1) + HOUR)
    assert [e.state for e in sent.events] == [AlertState.FIRING]


def test_rule_a_new_firing_of_a_resolved_key_starts_a_fresh_run() -> None:
    fired = transition(None, ev(True, 0), at(0)).record
    resolved = transition(fired, ev(False, 1), at(1)).record
    again = transition(resolved, ev(True, 5), at(5)).record
    assert again is not None
    assert (again.state, again.fired_at, again.resolved_at) == (AlertState.FIRING, at(5), None)
    assert (again.consecutive_breaches, again.consecutive_clears) == (1, 0)


def test_rule_silence_holds_everything_until_it_ends_then_sends_what_is_still_true() -> None:
    fired = transition(None, ev(True, 0), at(0)).record
    assert fired is not None
    quiet = silence(fired, until=at(3))
    resolved = transition(quiet, ev(False, 1), at(1))
    assert resolved.events == ()
    assert resolved.record is not None and resolved.record.state is AlertState.RESOLVED
    still = transition(resolved.record, ev(False, 2), at(3) - timedelta(seconds=1))
    assert still.events == ()
    after = transition(still.record, ev(False, 3), at(3))
    assert [e.state for e in after.events] == [AlertState.RESOLVED]


def test_rule_a_clear_evaluation_of_a_key_that_never_fired_stores_nothing() -> None:
    nothing = transition(None, ev(False, 0), at(0))
    assert (nothing.record, nothing.events) == (None, ())


def test_rule_record_value_is_the_last_evaluation_with_enough_samples() -> None:
    record: AlertRecord | None = transition(None, ev(True, 0), at(0)).record
    record = transition(record, ev(False, 1, n_samples=10), at(1)).record
    assert record is not None and record.value == 0.3


def test_rule_a_stored_record_has_every_documented_field() -> None:
    record = transition(None, ev(True, 0), at(0)).record
    assert record is not None
    assert record.to_dict() == {
        "key": record.key,
        "state": "firing",
        "fired_at": at(0).isoformat(),
        "resolved_at": None,
        "last_notified_at": at(0).isoformat(),
        "acknowledged_by": None,
        "silenced_until": None,
        "consecutive_breaches": 1,
        "consecutive_clears": 0,
        "value": 0.3,
        "notified_state": "firing",
    }


def test_rule_events_carry_the_evaluations_segment_and_feature() -> None:
    start = T0
    evaluation = Evaluation(
        MONITOR, "churn", "v1", "age", "country=FR", True, 0.3, start, start + HOUR, 100
    )
    (event,) = transition(None, evaluation, at(0)).events
    assert (event.feature, event.segment) == ("age", "country=FR")
    assert event.message == (
        "monitor 'age-drift': drift_score of 'age' on churn v1 [country=FR] is 0.3, above 0.2"
    )


def test_rule_a_relative_condition_is_told_in_words() -> None:
    for direction, way in (("up", "above"), ("down", "below"), ("both", "away from")):
        monitor = MonitorSpec(
            "m",
            "churn",
            "accuracy",
            Condition("relative_to_baseline", threshold=0.2, direction=direction),  # type: ignore[arg-type]
        )
        evaluation = Evaluation(monitor, "churn", "v1", None, None, True, 0.5, T0, T0 + HOUR, 100)
        (event,) = transition(None, evaluation, at(0)).events
        assert event.message == (
            f"monitor 'm': accuracy on churn v1 is 0.5, more than 20% {way} the baseline"
        )
