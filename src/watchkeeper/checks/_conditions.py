"""Conditions a metric's value must meet, registered by name.

A condition is a pure predicate of the measured value, the argument written in the
suite file and (for relative conditions) the reference's value of the same metric.
It holds or it does not; which way is bad is the suite author's choice, written as
the condition (``less: 0.3`` on a drift share says larger is worse).

Numbers compare as floats; ``equal`` and ``not_equal`` allow a relative tolerance of
1e-9 so that a value read back from JSON still equals itself. Category sets are
compared as sets of text: a YAML ``true`` becomes ``"true"`` and ``1`` becomes ``"1"``,
the way the data's categories are written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from watchkeeper._exceptions import UnknownMethodError

__all__ = [
    "CONDITIONS",
    "Condition",
    "ValueType",
    "as_category",
    "available_conditions",
    "get_condition",
    "register_condition",
]

ValueType = Literal["number", "bool", "set"]
_RELATIVE_TOLERANCE = 1e-9


def as_category(value: Any) -> str:
    """A category as text, the way both the data and the suite file spell it.

    >>> as_category(True), as_category(1), as_category("a")
    ('true', '1', 'a')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError(f"{what} must be a number, not {value!r}")
    return float(value)


@dataclass(frozen=True)
class Condition:
    """One registered condition.

    ``accepts`` lists the value types it can test; ``needs_reference`` says it compares
    with the reference's value. ``parse`` turns the argument written in a suite file
    into its normal form (raising ``ValueError`` with the fix), ``holds`` tests a value,
    and ``explain`` writes the argument for people (``< 0.3``).

    >>> less = get_condition("less")
    >>> less.holds(0.2, less.parse(0.3), None), less.explain(0.3)
    (True, '< 0.3')
    """

    name: str
    description: str
    argument: str
    accepts: frozenset[str]
    parse: Callable[[Any], Any] = field(repr=False)
    holds: Callable[[Any, Any, Any], bool] = field(repr=False)
    explain: Callable[[Any], str] = field(repr=False)
    needs_reference: bool = False


_REGISTRY: dict[str, Condition] = {}
CONDITIONS: Mapping[str, Condition] = MappingProxyType(_REGISTRY)


def register_condition(condition: Condition) -> Condition:
    """Add ``condition`` to the registry under its name (replacing one of that name)."""
    _REGISTRY[condition.name] = condition
    return condition


def get_condition(name: str) -> Condition:
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


def available_conditions() -> list[Condition]:
    """Every registered condition, in registration order.

    >>> [c.name for c in available_conditions()][:3]
    ['greater', 'less', 'between']
    """
    return list(_REGISTRY.values())


def _format(value: float) -> str:
    return f"{value:g}"


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_RELATIVE_TOLERANCE, abs_tol=0.0)


def _parse_between(argument: Any) -> tuple[float, float]:
    if not isinstance(argument, list | tuple) or len(argument) != 2:
        raise ValueError(f"between takes [low, high], not {argument!r}")
    low, high = _number(argument[0], "low"), _number(argument[1], "high")
    if low > high:
        raise ValueError(f"between takes [low, high] with low <= high, not {argument!r}")
    return low, high


def _parse_scalar(argument: Any) -> Any:
    if isinstance(argument, bool | str):
        return argument
    if isinstance(argument, list | tuple | set | frozenset):
        return frozenset(as_category(item) for item in argument)
    return _number(argument, "the value")


def _same(value: Any, argument: Any) -> bool:
    if isinstance(argument, frozenset) or isinstance(value, frozenset):
        return bool(value == argument)
    if isinstance(argument, bool) or isinstance(value, bool):
        return value is argument
    if isinstance(argument, str) or isinstance(value, str):
        return as_category(value) == as_category(argument)
    return _close(float(value), float(argument))


def _parse_set(argument: Any) -> frozenset[str]:
    items: Iterable[Any]
    if isinstance(argument, list | tuple | set | frozenset):
        items = argument
    elif isinstance(argument, str | int | float | bool):
        items = [argument]
    else:
        raise ValueError(f"is_in takes a list of categories, not {argument!r}")
    return frozenset(as_category(item) for item in items)


def _is_in(value: Any, allowed: frozenset[str], _reference: Any) -> bool:
    if isinstance(value, frozenset):
        return value <= allowed
    return as_category(value) in allowed


def _explain_set(allowed: frozenset[str]) -> str:
    shown = sorted(allowed)
    listed = ", ".join(shown[:10]) + (", ..." if len(shown) > 10 else "")
    return f"in {{{listed}}}"


def _parse_tolerance(argument: Any) -> float:
    tolerance = _number(argument, "the tolerance")
    if tolerance < 0:
        raise ValueError(f"the tolerance is a fraction >= 0 (0.05 for 5%), not {argument!r}")
    return tolerance


def _relative(value: Any, tolerance: float, reference: Any) -> bool:
    # A reference of zero has no scale: only zero itself is within any share of it.
    # The slack keeps the edge a person computes by hand (0.76 is within 5% of 0.80)
    # inside, which binary floating point would otherwise put a hair outside.
    v, r = float(value), float(reference)
    return abs(v - r) - tolerance * abs(r) <= _RELATIVE_TOLERANCE * max(abs(v), abs(r))


_NUMBER = frozenset({"number"})
_ANY = frozenset({"number", "bool", "set"})

register_condition(
    Condition(
        "greater", "the value is strictly greater than the argument", "a number", _NUMBER,
        parse=lambda a: _number(a, "greater's argument"),
        holds=lambda v, a, r: float(v) > a,
        explain=lambda a: f"> {_format(a)}",
    )
)  # fmt: skip
register_condition(
    Condition(
        "less", "the value is strictly less than the argument", "a number", _NUMBER,
        parse=lambda a: _number(a, "less's argument"),
        holds=lambda v, a, r: float(v) < a,
        explain=lambda a: f"< {_format(a)}",
    )
)  # fmt: skip
register_condition(
    Condition(
        "between", "the value lies in [low, high], both ends included", "[low, high]", _NUMBER,
        parse=_parse_between,
        holds=lambda v, a, r: a[0] <= float(v) <= a[1],
        explain=lambda a: f"between {_format(a[0])} and {_format(a[1])}",
    )
)  # fmt: skip
register_condition(
    Condition(
        "equal", "the value equals the argument (numbers within a relative 1e-9)",
        "a number, true/false or a list of categories", _ANY,
        parse=_parse_scalar,
        holds=lambda v, a, r: _same(v, a),
        explain=lambda a: f"= {_explain_value(a)}",
    )
)  # fmt: skip
register_condition(
    Condition(
        "not_equal", "the value differs from the argument",
        "a number, true/false or a list of categories", _ANY,
        parse=_parse_scalar,
        holds=lambda v, a, r: not _same(v, a),
        explain=lambda a: f"!= {_explain_value(a)}",
    )
)  # fmt: skip
register_condition(
    Condition(
        "relative_to_reference",
        "the value is within a share of the reference's value: |value - ref| <= x * |ref|",
        "a fraction (0.1 for 10%)", _NUMBER,
        parse=_parse_tolerance,
        holds=_relative,
        explain=lambda a: f"within {a * 100:g}% of the reference",
        needs_reference=True,
    )
)  # fmt: skip
register_condition(
    Condition(
        "is_in", "the value (or every category of a set) is one of the listed categories",
        "a list of categories", frozenset({"number", "bool", "set"}),
        parse=_parse_set,
        holds=_is_in,
        explain=_explain_set,
    )
)  # fmt: skip


def _explain_value(argument: Any) -> str:
    if isinstance(argument, frozenset):
        return "{" + ", ".join(sorted(argument)) + "}"
    if isinstance(argument, bool):
        return as_category(argument)
    if isinstance(argument, float):
        return _format(argument)
    return str(argument)
