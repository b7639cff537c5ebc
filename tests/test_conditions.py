"""The condition language (watchkeeper._conditions): hand-worked failures, and the
suites and the monitors deciding alike on the same value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper._conditions import EXPECTATIONS, KINDS, Rule, parse_condition
from watchkeeper.checks import get_condition
from watchkeeper.service._evaluate import check_condition
from watchkeeper.service._types import Condition


@pytest.mark.parametrize(
    ("name", "argument", "value", "fails"),
    [
        ("above", 0.2, 0.2, False),  # strict
        ("above", 0.2, 0.2000001, True),
        ("below", 0.8, 0.8, False),
        ("below", 0.8, 0.7999, True),
        ("at_least", 0.3, 0.3, True),  # inclusive
        ("at_least", 0.3, 0.2999, False),
        ("at_most", 0.3, 0.3, True),
        ("outside", [0, 1], 1.0, False),  # both ends inside
        ("outside", [0, 1], -0.001, True),
        ("is", True, True, True),
        ("is_not", 0.3, 0.1 + 0.2, False),  # within 1e-9 relative
        ("not_in", ["a", "b"], frozenset({"a", "c"}), True),
        ("not_in", [0, 1], "1", False),  # YAML integers are categories as text
    ],
)
def test_hand_worked_failures(name: str, argument: object, value: object, fails: bool) -> None:
    assert parse_condition(name, argument).fails(value) is fails


def test_baseline_conditions_hand_worked() -> None:
    # |0.76 - 0.80| = 0.04 = 0.05 x 0.80: at the edge, not a failure; 0.759 is one
    rule = parse_condition("relative_to_baseline", 0.05)
    assert not rule.fails(0.76, baseline=0.8) and rule.fails(0.759, baseline=0.8)
    down = parse_condition("relative_to_baseline", 0.05, direction="down")
    assert not down.fails(0.9, baseline=0.8) and down.fails(0.7, baseline=0.8)
    # 10 +/- 3 x 1 = [7, 13]
    band = parse_condition("sigma_band", 3)
    assert band.fails(13.5, baseline=10, spread=1) and not band.fails(12.9, baseline=10, spread=1)
    with pytest.raises(ValueError, match="needs a baseline"):
        rule.fails(0.7)


def test_every_old_spelling_names_a_kind() -> None:
    assert set(EXPECTATIONS.values()) <= set(KINDS)
    assert not set(EXPECTATIONS) & set(KINDS)


@pytest.mark.parametrize("name", ["above", "below", "at_least", "at_most", "less", "greater"])
@settings(max_examples=100, deadline=None, database=None)
@given(value=st.floats(-10, 10), threshold=st.floats(-10, 10))
def test_a_suite_check_fails_where_a_monitor_breaches(
    name: str, value: float, threshold: float
) -> None:
    """The same condition, read by a suite and by a monitor, decides alike."""
    suite = get_condition(name)
    holds = suite.holds(value, suite.parse(threshold), None)
    monitor = Condition.from_rule(parse_condition(name, threshold))
    verdict = check_condition(monitor, value)
    assert verdict is not None and verdict[0] is (not holds)


def test_rule_and_monitor_condition_round_trip() -> None:
    for rule in (
        Rule(kind="outside", argument=(0.0, 2.5)),
        Rule(kind="sigma_band", argument=2.0, direction="up"),
        Rule(kind="relative_to_baseline", argument=0.1, direction="down"),
        Rule(kind="at_most", argument=3.0),
    ):
        assert Condition.from_rule(rule).rule() == rule
    with pytest.raises(ValueError, match="numeric"):
        Condition.from_rule(parse_condition("is_in", ["a"]))
