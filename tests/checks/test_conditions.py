"""Conditions: hand-worked cases, argument errors, and the properties tying them together."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import UnknownMethodError
from watchkeeper.checks import CONDITIONS, available_conditions, get_condition

SETTINGS = settings(max_examples=200, deadline=None, database=None)
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


def holds(name: str, value: object, argument: object, reference: object = None) -> bool:
    condition = get_condition(name)
    return condition.holds(value, condition.parse(argument), reference)


def test_registry_has_the_documented_conditions_each_described() -> None:
    expectations = {
        "greater",
        "less",
        "between",
        "equal",
        "not_equal",
        "relative_to_reference",
        "is_in",
    }
    failures = {"above", "below", "at_least", "at_most", "outside", "is", "is_not", "not_in"}
    assert set(CONDITIONS) == expectations | failures | {"relative_to_baseline"}
    for condition in available_conditions():
        assert condition.description and condition.argument
        assert condition.accepts <= {"number", "bool", "set"}
    assert [c.name for c in available_conditions() if c.needs_reference] == [
        "relative_to_reference",
        "relative_to_baseline",
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("greater", "at_most"),
        ("less", "at_least"),
        ("between", "outside"),
        ("equal", "is_not"),
        ("not_equal", "is"),
        ("is_in", "not_in"),
        ("relative_to_reference", "relative_to_baseline"),
    ],
)
@pytest.mark.parametrize(
    ("value", "argument", "reference"),
    [
        (0.3, 0.3, 0.3),
        (0.29, 0.3, 0.3),
        (0.31, 0.3, 0.3),
        (0.5, [0.3, 0.5], 0.5),
        (0.51, [0.3, 0.5], 0.5),
        (0.76, 0.05, 0.8),
        (0.759, 0.05, 0.8),
        (frozenset({"a"}), ["a", "b"], None),
        (frozenset({"a", "c"}), ["a", "b"], None),
        (True, False, None),
        (False, False, None),
    ],
)
def test_an_old_spelling_holds_exactly_where_its_failure_condition_does_not(
    old: str, new: str, value: object, argument: object, reference: object
) -> None:
    """The suites' first spellings say when things are fine, the language when they
    fail: each old spelling is the negation of one new condition, value for value."""
    condition = get_condition(old)
    try:
        parsed = condition.parse(argument)
    except ValueError:
        return  # an argument of another shape: nothing to compare
    failing = get_condition(new)
    assert condition.explain(parsed) == failing.explain(failing.parse(argument))
    try:
        expected = condition.holds(value, parsed, reference)
    except (TypeError, ValueError):
        return
    assert failing.holds(value, failing.parse(argument), reference) is expected


@pytest.mark.parametrize(
    ("name", "value", "argument", "expected"),
    [
        ("greater", 0.5, 0.3, True),
        ("greater", 0.3, 0.3, False),  # strict
        ("less", 0.29, 0.3, True),
        ("less", 0.3, 0.3, False),  # strict
        ("between", 0.0, [0, 1], True),  # both ends included
        ("between", 1.0, [0, 1], True),
        ("between", 1.0000001, [0, 1], False),
        ("equal", 0.1 + 0.2, 0.3, True),  # 0.30000000000000004 within 1e-9 relative
        ("equal", 0.3001, 0.3, False),
        ("equal", False, False, True),
        ("equal", True, False, False),
        ("not_equal", True, False, True),
        ("equal", frozenset({"a", "b"}), ["b", "a"], True),
        ("is_in", frozenset({"a"}), ["a", "b"], True),
        ("is_in", frozenset({"a", "c"}), ["a", "b"], False),
        ("is_in", frozenset({"true", "false"}), [True, False], True),  # YAML booleans
        ("is_in", frozenset({"0", "1"}), [0, 1], True),  # YAML integers
        ("is_in", 2.0, [1, 2], False),  # "2.0" is not "2": categories are text
    ],
)
def test_hand_worked_cases(name: str, value: object, argument: object, expected: bool) -> None:
    assert holds(name, value, argument) is expected


def test_relative_to_reference_hand_worked() -> None:
    # |0.76 - 0.80| = 0.04 <= 0.05 * 0.80 = 0.04: holds at the edge; 0.759 does not.
    assert holds("relative_to_reference", 0.76, 0.05, 0.80)
    assert not holds("relative_to_reference", 0.759, 0.05, 0.80)
    assert holds("relative_to_reference", 0.84, 0.05, 0.80)
    # a zero reference has no scale: only zero is within any share of it
    assert holds("relative_to_reference", 0.0, 0.5, 0.0)
    assert not holds("relative_to_reference", 1e-9, 0.5, 0.0)


@pytest.mark.parametrize(
    ("name", "argument", "fragment"),
    [
        ("greater", "high", "must be a number"),
        ("greater", True, "must be a number"),
        ("less", float("nan"), "must be a number"),
        ("between", [1], "[low, high]"),
        ("between", [2, 1], "low <= high"),
        ("relative_to_reference", -0.1, ">= 0"),
        ("is_in", {"a": 1}, "list of categories"),
    ],
)
def test_bad_arguments_say_what_is_expected(name: str, argument: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        get_condition(name).parse(argument)


def test_unknown_condition_lists_the_known_ones() -> None:
    with pytest.raises(UnknownMethodError, match="choose one of: above, at_least"):
        get_condition("greater_than")


def test_explanations_read_as_people_write_them() -> None:
    def explain(name: str, argument: object) -> str:
        condition = get_condition(name)
        return condition.explain(condition.parse(argument))

    assert explain("between", [0, 1]) == "between 0 and 1"
    assert explain("relative_to_reference", 0.05) == "within 5% of the reference"
    assert explain("is_in", ["b", "a"]) == "in {a, b}"
    assert explain("equal", False) == "= false"


@SETTINGS
@given(finite, finite, finite)
def test_between_is_not_below_and_not_above(value: float, a: float, b: float) -> None:
    low, high = min(a, b), max(a, b)
    inside = holds("between", value, [low, high])
    assert inside == (not holds("less", value, low) and not holds("greater", value, high))


@SETTINGS
@given(finite, finite)
def test_not_equal_is_the_negation_of_equal(value: float, argument: float) -> None:
    assert holds("not_equal", value, argument) != holds("equal", value, argument)


@SETTINGS
@given(finite, st.floats(min_value=0, max_value=10))
def test_the_reference_is_within_any_tolerance_of_itself(reference: float, tol: float) -> None:
    assert holds("relative_to_reference", reference, tol, reference)


@SETTINGS
@given(finite, finite, st.floats(min_value=0, max_value=10))
def test_relative_matches_the_written_out_inequality(
    value: float, reference: float, tol: float
) -> None:
    gap = abs(value - reference) - tol * abs(reference)
    # within floating-point noise of the edge, the condition leans to holding (tested above)
    assume(abs(gap) > 1e-6 * max(1.0, abs(value), abs(reference)))
    expected = gap <= 0
    assert holds("relative_to_reference", value, tol, reference) == expected


@SETTINGS
@given(
    st.frozensets(st.sampled_from("abcdef")),
    st.frozensets(st.sampled_from("abcdef")),
)
def test_is_in_on_sets_is_subset(value: frozenset[str], allowed: frozenset[str]) -> None:
    assert holds("is_in", value, sorted(allowed)) == (value <= allowed)


def test_greater_and_less_are_strict_mirror_images() -> None:
    for value, argument in [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0), (-math.inf, 0.0)]:
        assert holds("greater", value, argument) == holds("less", argument, value)
