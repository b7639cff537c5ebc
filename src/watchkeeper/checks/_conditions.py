"""The conditions a suite's check may use, registered by name.

The language is :mod:`watchkeeper._conditions`, which monitors in ``watchkeeper.yaml``
share: each condition says when the check *fails* (``above: 0.3`` on a drift share),
whichever way the metric is worse. The older spellings, which say when things are
fine (``less: 0.3``), stay accepted and mean what they meant; a check's title shows the
expectation either way (``< 0.3``, ``<= 0.3``).

Numbers compare as floats; ``equal``/``is_not`` allow a relative tolerance of 1e-9 so
that a value read back from JSON still equals itself. Category sets are compared as
sets of text: a YAML ``true`` becomes ``"true"`` and ``1`` becomes ``"1"``, the way the
data's categories are written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from watchkeeper._conditions import (
    EXPECTATIONS,
    KINDS,
    Rule,
    ValueType,
    as_category,
    parse_condition,
    spelling_of,
)
from watchkeeper._exceptions import UnknownMethodError

__all__ = [
    "CONDITIONS",
    "ConditionInfo",
    "ValueType",
    "as_category",
    "available_conditions",
    "get_condition",
    "register_condition",
]


@dataclass(frozen=True, kw_only=True)
class ConditionInfo:
    """One registered condition.

    ``accepts`` lists the value types it can test; ``needs_reference`` says it compares
    with the reference's value. ``parse`` turns the argument written in a suite file
    into its normal form (raising ``ValueError`` with the fix), ``holds`` tests a value,
    and ``explain`` writes what a passing value looks like (``< 0.3``).

    >>> less = get_condition("less")
    >>> less.holds(0.2, less.parse(0.3), None), less.explain(0.3)
    (True, '< 0.3')
    >>> above = get_condition("above")
    >>> above.holds(0.2, above.parse(0.3), None), above.explain(0.3)
    (True, '<= 0.3')
    """

    name: str
    description: str
    argument: str
    accepts: frozenset[str]
    parse: Callable[[Any], Any] = field(repr=False)
    holds: Callable[[Any, Any, Any], bool] = field(repr=False)
    explain: Callable[[Any], str] = field(repr=False)
    needs_reference: bool = False


_REGISTRY: dict[str, ConditionInfo] = {}
CONDITIONS: Mapping[str, ConditionInfo] = MappingProxyType(_REGISTRY)


def register_condition(condition: ConditionInfo) -> ConditionInfo:
    """Add ``condition`` to the registry under its name (replacing one of that name)."""
    _REGISTRY[condition.name] = condition
    return condition


def get_condition(name: str) -> ConditionInfo:
    """The registered condition called ``name``.

    >>> get_condition("between").argument
    '[low, high]'
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownMethodError(
            f"unknown condition {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}"
        ) from None


def available_conditions() -> list[ConditionInfo]:
    """Every registered condition: the older spellings first, then the language's.

    >>> [c.name for c in available_conditions()][:3]
    ['greater', 'less', 'between']
    """
    return list(_REGISTRY.values())


_DESCRIPTIONS = {
    "greater": "the value is strictly greater than the argument",
    "less": "the value is strictly less than the argument",
    "between": "the value lies in [low, high], both ends included",
    "equal": "the value equals the argument (numbers within a relative 1e-9)",
    "not_equal": "the value differs from the argument",
    "relative_to_reference": (
        "the value is within a share of the reference's value: |value - ref| <= x * |ref|"
    ),
    "is_in": "the value (or every category of a set) is one of the listed categories",
}


def _from_language(name: str) -> ConditionInfo:
    kind = spelling_of(name)
    info = KINDS[kind]
    description = _DESCRIPTIONS.get(name, f"fails when {info.fails_when}")

    def rule(argument: Any) -> Rule:
        return Rule(kind=kind, argument=argument)

    return ConditionInfo(
        name=name,
        description=description,
        argument="[low, high]" if kind == "outside" else info.argument,
        accepts=info.accepts,
        parse=lambda argument: parse_condition(name, argument).argument,
        holds=lambda value, argument, reference: (
            not rule(argument).fails(value, baseline=reference)
        ),
        explain=lambda argument: rule(argument).expectation(),
        needs_reference=info.needs_baseline,
    )


# The suites' first spellings (they say when things are fine), in their documented
# order, then the shared language's (they say when things fail). sigma_band needs a
# spread, which one reference value does not have: monitors only.
for _name in (*EXPECTATIONS, *(k for k in KINDS if k != "sigma_band")):
    register_condition(_from_language(_name))
