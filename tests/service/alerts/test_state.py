"""The alert state machine: worked examples written out by hand, then properties over
random sequences of evaluations, acknowledgements and silences."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import InputError
from watchkeeper.service import AlertEvent, AlertState, Condition, MonitorSpec, Severity, alert_key
from watchkeeper.service.alerts import (
    AlertRecord,
    Evaluation,
    acknowledge,
    silence,
    transition,
)

T0 = datetime(2024, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def monitor(
    *, cooldown: timedelta = HOUR, min_samples: int = 100, condition: Condition | None = None
) -> MonitorSpec:
    return MonitorSpec(
        "age-drift",
        "churn",
        "drift_score",
        condition or Condition("above", threshold=0.2),
        severity=Severity.CRITICAL,
        min_samples=min_samples,
        cooldown=cooldown,
    )


def ev(
    m: MonitorSpec, breached: bool, at: datetime, *, value: float | None = None, n: int = 500
) -> Evaluation:
    v = value if value is not None else (0.5 if breached else 0.1)
    return Evaluation(m, "churn", "v1", "age", None, breached, v, at - HOUR, at, n)


def states(events: tuple[AlertEvent, ...]) -> list[str]:
    return [e.state.value for e in events]


# --- worked examples -------------------------------------------------------------------


def test_first_breach_fires_and_notifies_once() -> None:
    m = monitor()
    out = transition(None, ev(m, True, T0), T0)
    assert out.record is not None
    assert out.record.key == alert_key("age-drift", "churn", "v1", "age", None)
    assert out.record.state is AlertState.FIRING
    assert out.record.fired_at == T0
    assert states(out.events) == ["firing"]
    event = out.events[0]
    assert (event.severity, event.value, event.fired_at) == (Severity.CRITICAL, 0.5, T0)
    assert (event.window_start, event.window_end) == (T0 - HOUR, T0)
    # Breaches while firing are de-duplicated.
    again = transition(out.record, ev(m, True, T0 + HOUR), T0 + HOUR)
    assert again.events == ()
    assert again.record is not None
    assert again.record.consecutive_breaches == 2
    assert again.record.fired_at == T0


def test_clear_without_alert_stores_nothing() -> None:
    assert transition(None, ev(monitor(), False, T0), T0).record is None


def test_resolve_notifies_and_carries_both_times() -> None:
    m = monitor()
    fired = transition(None, ev(m, True, T0), T0).record
    out = transition(fired, ev(m, False, T0 + HOUR, value=0.05), T0 + HOUR)
    assert states(out.events) == ["resolved"]
    assert out.events[0].fired_at == T0
    assert out.events[0].resolved_at == T0 + HOUR
    assert out.events[0].value == 0.05


def test_too_few_samples_neither_fire_nor_resolve() -> None:
    m = monitor(min_samples=100)
    assert transition(None, ev(m, True, T0, n=99), T0).record is None
    fired = transition(None, ev(m, True, T0, n=100), T0).record
    out = transition(fired, ev(m, False, T0 + HOUR, n=3), T0 + HOUR)
    assert out.record == fired
    assert out.events == ()


def test_hysteresis_resolves_after_n_clears_in_a_row() -> None:
    m = monitor()
    rec = transition(None, ev(m, True, T0), T0, resolve_after=3).record
    sequence = [False, False, True, False, False, False]
    sent = []
    for i, breached in enumerate(sequence, start=1):
        out = transition(rec, ev(m, breached, T0 + i * HOUR), T0 + i * HOUR, resolve_after=3)
        rec = out.record
        sent.append(states(out.events))
    # the breach at step 3 restarts the count: resolved at the third clear after it
    assert sent == [[], [], [], [], [], ["resolved"]]


def test_cooldown_holds_the_firing_notification_back_then_sends_it() -> None:
    m = monitor(cooldown=timedelta(hours=3))
    rec = transition(None, ev(m, True, T0), T0).record
    rec = transition(rec, ev(m, False, T0 + HOUR), T0 + HOUR).record  # resolved, notified
    out = transition(rec, ev(m, True, T0 + 2 * HOUR), T0 + 2 * HOUR)
    assert out.events == ()
    assert out.record is not None
    assert out.record.state is AlertState.FIRING  # tracked while held back
    assert out.record.fired_at == T0 + 2 * HOUR
    # cooldown ends at T0 + 1h + 3h = T0 + 4h; not yet at 3h
    out = transition(out.record, ev(m, True, T0 + 3 * HOUR), T0 + 3 * HOUR)
    assert out.events == ()
    out = transition(out.record, ev(m, True, T0 + 4 * HOUR), T0 + 4 * HOUR)
    assert states(out.events) == ["firing"]
    assert out.events[0].fired_at == T0 + 2 * HOUR


def test_flapping_within_cooldown_sends_nothing() -> None:
    m = monitor(cooldown=timedelta(hours=10))
    rec = transition(None, ev(m, True, T0), T0).record
    rec = transition(rec, ev(m, False, T0 + HOUR), T0 + HOUR).record
    for i in range(2, 8):
        out = transition(rec, ev(m, i % 2 == 0, T0 + i * HOUR), T0 + i * HOUR)
        assert out.events == ()
        rec = out.record


def test_acknowledged_alert_sends_no_held_firing_but_still_resolves() -> None:
    m = monitor(cooldown=timedelta(hours=5))
    rec = transition(None, ev(m, True, T0), T0).record
    rec = transition(rec, ev(m, False, T0 + HOUR), T0 + HOUR).record
    rec = transition(rec, ev(m, True, T0 + 2 * HOUR), T0 + 2 * HOUR).record  # held back
    assert rec is not None
    rec = acknowledge(rec, by="ana")
    out = transition(rec, ev(m, True, T0 + 9 * HOUR), T0 + 9 * HOUR)  # past cooldown
    assert out.events == ()
    # The receivers never heard it fire again, so no resolve either; the ack is cleared.
    out = transition(out.record, ev(m, False, T0 + 10 * HOUR), T0 + 10 * HOUR)
    assert out.events == ()
    assert out.record is not None
    assert out.record.acknowledged_by is None


def test_acknowledged_alert_that_was_announced_resolves_aloud() -> None:
    m = monitor()
    rec = transition(None, ev(m, True, T0), T0).record
    assert rec is not None
    rec = acknowledge(rec, by="ana")
    assert transition(rec, ev(m, True, T0 + HOUR), T0 + HOUR).events == ()
    out = transition(rec, ev(m, False, T0 + 2 * HOUR), T0 + 2 * HOUR)
    assert states(out.events) == ["resolved"]
    assert out.record is not None
    assert out.record.acknowledged_by is None


def test_silence_holds_everything_and_releases_what_is_still_true() -> None:
    m = monitor()
    rec = transition(None, ev(m, True, T0), T0).record
    assert rec is not None
    rec = silence(rec, until=T0 + 5 * HOUR)
    out = transition(rec, ev(m, False, T0 + HOUR), T0 + HOUR)
    assert out.events == ()
    assert out.record is not None
    assert out.record.state is AlertState.RESOLVED  # tracked
    # Still resolved when the silence ends: the held resolve goes out, even on a thin window.
    out = transition(out.record, ev(m, False, T0 + 5 * HOUR, n=1), T0 + 5 * HOUR)
    assert states(out.events) == ["resolved"]


def test_silence_then_fire_and_clear_inside_it_sends_nothing_after() -> None:
    m = monitor()
    rec = transition(None, ev(m, True, T0), T0).record
    rec = transition(rec, ev(m, False, T0 + HOUR), T0 + HOUR).record
    assert rec is not None
    rec = silence(rec, until=T0 + 10 * HOUR)
    rec = transition(rec, ev(m, True, T0 + 3 * HOUR), T0 + 3 * HOUR).record
    rec = transition(rec, ev(m, False, T0 + 4 * HOUR), T0 + 4 * HOUR).record
    assert transition(rec, ev(m, False, T0 + 11 * HOUR), T0 + 11 * HOUR).events == ()


def test_messages_name_the_metric_feature_value_and_rule() -> None:
    cases = [
        (Condition("above", threshold=0.2), "above 0.2"),
        (Condition("below", threshold=0.8), "below 0.8"),
        (Condition("outside", low=1.0, high=5.0), "outside [1, 5]"),
        (
            Condition("relative_to_baseline", threshold=0.1, direction="down"),
            "more than 10% below the baseline",
        ),
        (Condition("sigma_band", k=3.0), "outside the baseline's 3-sigma band"),
    ]
    for condition, rule in cases:
        m = monitor(condition=condition)
        seg = Evaluation(m, "churn", "v1", None, "region=eu", True, 0.123456, T0, T0, 500)
        out = transition(None, seg, T0)
        assert out.events[0].message == (
            f"monitor 'age-drift': drift_score on churn v1 [region=eu] is 0.1235, {rule}"
        )
        back = transition(out.record, replace(seg, breached=False, value=0.02), T0 + HOUR)
        assert back.events[0].message == (
            f"monitor 'age-drift': drift_score on churn v1 [region=eu] is back to 0.02, "
            f"no longer {rule}"
        )


def test_url_is_copied_into_events() -> None:
    out = transition(None, ev(monitor(), True, T0), T0, url="https://wk.example/alerts/k")
    assert out.events[0].url == "https://wk.example/alerts/k"


def test_bad_arguments_are_input_errors() -> None:
    m = monitor()
    with pytest.raises(InputError, match="resolve_after"):
        transition(None, ev(m, True, T0), T0, resolve_after=0)
    other = AlertRecord("someotherkey0000", AlertState.FIRING, T0)
    with pytest.raises(InputError, match="key"):
        transition(other, ev(m, True, T0), T0)
    resolved = AlertRecord("k", AlertState.RESOLVED, T0, resolved_at=T0)
    with pytest.raises(InputError, match="only a firing alert"):
        acknowledge(resolved, by="ana")
    with pytest.raises(InputError, match="who acknowledges"):
        acknowledge(replace(resolved, state=AlertState.FIRING), by="")
    with pytest.raises(InputError, match="time zone"):
        silence(resolved, until=datetime(2024, 1, 1))


def test_record_to_dict_is_json_ready() -> None:
    rec = AlertRecord("k", AlertState.FIRING, T0, value=math.nan, silenced_until=T0 + HOUR)
    d = rec.to_dict()
    assert d["value"] is None
    assert d["silenced_until"] == "2024-03-01T01:00:00+00:00"
    assert d["state"] == "firing"


# --- properties over random sequences --------------------------------------------------


@dataclass(frozen=True)
class Eval:
    breached: bool
    enough: bool
    minutes: int


@dataclass(frozen=True)
class Ack:
    minutes: int


@dataclass(frozen=True)
class Silence:
    minutes: int
    length: int


_evals = st.builds(Eval, st.booleans(), st.integers(0, 3).map(bool), st.integers(1, 180))
# Evaluations three times as often as acknowledgements or silences, thin windows one in four.
_steps = st.one_of(
    _evals,
    _evals,
    _evals,
    st.builds(Ack, st.integers(0, 60)),
    st.builds(Silence, st.integers(0, 60), st.integers(0, 600)),
)

_FLAP = [Eval(True, True, 10), Eval(False, True, 10), Eval(True, True, 10)]


@settings(max_examples=300, deadline=None, database=None)
@given(
    steps=st.lists(_steps, max_size=60),
    cooldown_minutes=st.integers(0, 300),
    resolve_after=st.integers(1, 3),
)
@example(steps=_FLAP, cooldown_minutes=100, resolve_after=1)
@example(steps=[*_FLAP, Ack(0), Eval(True, True, 200)], cooldown_minutes=100, resolve_after=1)
@example(
    steps=[*_FLAP, Silence(0, 300), Eval(True, True, 200)], cooldown_minutes=0, resolve_after=1
)
def test_properties_over_random_sequences(
    steps: list[Eval | Ack | Silence], cooldown_minutes: int, resolve_after: int
) -> None:
    cooldown = timedelta(minutes=cooldown_minutes)
    m = monitor(cooldown=cooldown, min_samples=100)
    now = T0
    record: AlertRecord | None = None
    sent: list[tuple[datetime, AlertState]] = []
    silenced_until: datetime | None = None
    acked = False
    # Reference model of the state, written apart from the code under test.
    seen_breach = False
    clears_since_breach = 0

    for step in steps:
        now += timedelta(minutes=step.minutes)
        if isinstance(step, Ack):
            if record is not None and record.state is AlertState.FIRING:
                record = acknowledge(record, by="on-call")
                acked = True
            continue
        if isinstance(step, Silence):
            if record is not None:
                silenced_until = now + timedelta(minutes=step.length)
                record = silence(record, until=silenced_until)
            continue

        before = record
        out = transition(
            record,
            ev(m, step.breached, now, n=500 if step.enough else 99),
            now,
            resolve_after=resolve_after,
        )
        record = out.record
        for event in out.events:
            assert record is not None
            assert event.key == record.key
            sent.append((now, event.state))

        if step.enough:
            if step.breached:
                seen_breach, clears_since_breach = True, 0
            else:
                clears_since_breach += 1
        else:
            # Too few samples: nothing but the notification bookkeeping may change.
            if before is None:
                assert record is None
            else:
                assert record is not None
                assert (
                    replace(
                        record,
                        notified_state=before.notified_state,
                        last_notified_at=before.last_notified_at,
                    )
                    == before
                )

        # The state is what the reference model says.
        if not seen_breach:
            assert record is None
            continue
        assert record is not None
        expected = AlertState.FIRING if clears_since_breach < resolve_after else AlertState.RESOLVED
        assert record.state is expected
        if record.state is AlertState.RESOLVED:
            acked = False
            assert record.acknowledged_by is None

        silenced = silenced_until is not None and now < silenced_until
        # Silenced periods send nothing.
        if silenced:
            assert out.events == ()
        # An acknowledged alert is never announced as firing (again) before it resolves.
        if acked:
            assert AlertState.FIRING not in [e.state for e in out.events]
        # Liveness: what the receivers believe catches up whenever nothing holds it back.
        if not silenced:
            if record.state is AlertState.RESOLVED:
                assert record.notified_state is not AlertState.FIRING
            elif not acked:
                cooling = (
                    record.notified_state is AlertState.RESOLVED
                    and record.last_notified_at is not None
                    and now < record.last_notified_at + cooldown
                )
                if not cooling:
                    assert record.notified_state is AlertState.FIRING

    # Notifications alternate firing, resolved, firing... starting with firing:
    # never two firing notifications for one key without a resolve between them.
    expected_states = [AlertState.FIRING, AlertState.RESOLVED] * len(sent)
    assert [s for _, s in sent] == expected_states[: len(sent)]
    # A firing notification never comes within the cooldown of the resolve before it.
    for (t_resolved, s1), (t_fired, s2) in pairwise(sent):
        if s1 is AlertState.RESOLVED:
            assert s2 is AlertState.FIRING
            assert t_fired >= t_resolved + cooldown
