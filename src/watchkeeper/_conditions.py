"""The condition language: when a metric's value fails, for CI suites and monitors alike.

A condition says when things are wrong ("fails when"), whichever way the metric is
worse: ``above: 0.2`` on a drift share, ``below: 0.8`` on an accuracy. The same
names serve a check in a suite (where the reference data's value is the baseline)
and a monitor in ``watchkeeper.yaml`` (where the version's baseline, or the
series' history, is):

========================  =====================  =======================================
name                      argument               fails when
========================  =====================  =======================================
``above``                 a number t             value > t
``below``                 a number t             value < t
``at_least``              a number t             value >= t
``at_most``               a number t             value <= t
``outside``               [low, high]            value < low or value > high
``is``                    a value                value equals it
``is_not``                a value                value differs from it
``not_in``                a list of categories   a value (or category) is not listed
``relative_to_baseline``  a fraction f           |value - baseline| > f x |baseline|
``sigma_band``            k                      value outside baseline mean +/- k sd
========================  =====================  =======================================

``relative_to_baseline`` and ``sigma_band`` take ``direction`` (``up``, ``down`` or
``both``) for the side that fails. Suites written before this language say when
things are fine; those spellings stay accepted and mean exactly what they meant
(:data:`EXPECTATIONS`): ``less: t`` is ``at_least: t``, ``greater: t`` is
``at_most: t``, ``between`` is ``outside``, ``equal`` is ``is_not``, ``not_equal``
is ``is``, ``is_in`` is ``not_in`` and ``relative_to_reference`` is
``relative_to_baseline``.

Numbers compare as floats (``is``/``is_not`` within a relative 1e-9, so a value read
back from JSON still equals itself). Categories compare as text: a YAML ``true``
becomes ``"true"`` and ``1`` becomes ``"1"``, the way the data's categories are written.

>>> rule = parse_condition("above", 0.2)
>>> rule.fails(0.31), rule.expectation()
(True, '<= 0.2')
>>> parse_condition("less", 0.3) == parse_condition("at_least", 0.3)
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from watchkeeper._exceptions import UnknownMethodError
from watchkeeper._numbers import format_number

__all__ = [
    "BASELINE_KINDS",
    "EXPECTATIONS",
    "KINDS",
    "Direction",
    "Kind",
    "Rule",
    "ValueType",
    "as_category",
    "parse_condition",
    "spelling_of",
]

Kind = Literal[
    "above", "below", "at_least", "at_most", "outside", "is", "is_not", "not_in",
    "relative_to_baseline", "sigma_band",
]  # fmt: skip
Direction = Literal["up", "down", "both"]
ValueType = Literal["number", "bool", "set"]

_NUMBER = frozenset({"number"})
_ANY = frozenset({"number", "bool", "set"})
_RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class _KindInfo:
    argument: str
    fails_when: str
    accepts: frozenset[str]
    needs_baseline: bool = False


KINDS: Mapping[str, _KindInfo] = MappingProxyType(
    {
        "above": _KindInfo("a number t", "value > t", _NUMBER),
        "below": _KindInfo("a number t", "value < t", _NUMBER),
        "at_least": _KindInfo("a number t", "value >= t", _NUMBER),
        "at_most": _KindInfo("a number t", "value <= t", _NUMBER),
        "outside": _KindInfo("[low, high]", "value < low or value > high", _NUMBER),
        "is": _KindInfo("a number, true/false or a list of categories", "value = it", _ANY),
        "is_not": _KindInfo("a number, true/false or a list of categories", "value != it", _ANY),
        "not_in": _KindInfo("a list of categories", "a value is not listed", _ANY),
        "relative_to_baseline": _KindInfo(
            "a fraction (0.1 for 10%)", "|value - baseline| > f x |baseline|", _NUMBER, True
        ),
        "sigma_band": _KindInfo("k (3)", "value outside baseline +/- k sd", _NUMBER, True),
    }
)
BASELINE_KINDS = frozenset(k for k, info in KINDS.items() if info.needs_baseline)

# The suites' older spellings, which said when things are fine: spelling -> kind.
EXPECTATIONS: Mapping[str, Kind] = MappingProxyType(
    {
        "greater": "at_most",
        "less": "at_least",
        "between": "outside",
        "equal": "is_not",
        "not_equal": "is",
        "is_in": "not_in",
        "relative_to_reference": "relative_to_baseline",
    }
)


def as_category(value: Any) -> str:
    """A category as text, the way both the data and the YAML file spell it.

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


def _bounds(argument: Any, name: str) -> tuple[float, float]:
    if isinstance(argument, Mapping) and argument and set(argument) <= {"low", "high"}:
        low = argument.get("low")
        high = argument.get("high")
        return (
            -math.inf if low is None else _number(low, "low"),
            math.inf if high is None else _number(high, "high"),
        )
    if not isinstance(argument, list | tuple) or len(argument) != 2:
        raise ValueError(f"{name} takes [low, high], not {argument!r}")
    low, high = _number(argument[0], "low"), _number(argument[1], "high")
    if low > high:
        raise ValueError(f"{name} takes [low, high] with low <= high, not {argument!r}")
    return low, high


def _scalar(argument: Any) -> Any:
    if isinstance(argument, bool | str):
        return argument
    if isinstance(argument, list | tuple | set | frozenset):
        return frozenset(as_category(item) for item in argument)
    return _number(argument, "the value")


def _categories(argument: Any, name: str) -> frozenset[str]:
    items: Iterable[Any]
    if isinstance(argument, list | tuple | set | frozenset):
        items = argument
    elif isinstance(argument, str | int | float | bool):
        items = [argument]
    else:
        raise ValueError(f"{name} takes a list of categories, not {argument!r}")
    return frozenset(as_category(item) for item in items)


def _same(value: Any, argument: Any) -> bool:
    if isinstance(argument, frozenset) or isinstance(value, frozenset):
        return bool(value == argument)
    if isinstance(argument, bool) or isinstance(value, bool):
        return value is argument
    if isinstance(argument, str) or isinstance(value, str):
        return as_category(value) == as_category(argument)
    return math.isclose(float(value), float(argument), rel_tol=_RELATIVE_TOLERANCE, abs_tol=0.0)


def _show(argument: Any) -> str:
    if isinstance(argument, frozenset):
        shown = sorted(argument)
        return "{" + ", ".join(shown[:10]) + (", ..." if len(shown) > 10 else "") + "}"
    if isinstance(argument, bool):
        return as_category(argument)
    if isinstance(argument, float):
        return format_number(argument, digits=6)
    return str(argument)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A parsed condition: its kind, its argument in normal form and its direction.

    ``argument`` is a float, ``(low, high)``, a value, a frozenset of categories, the
    fraction of ``relative_to_baseline`` or the ``k`` of ``sigma_band``.

    >>> Rule(kind="outside", argument=(0.0, 1.0)).fails(1.5)
    True
    """

    kind: Kind
    argument: Any
    direction: Direction = "both"

    @property
    def needs_baseline(self) -> bool:
        return self.kind in BASELINE_KINDS

    def fails(
        self, value: Any, *, baseline: float | None = None, spread: float | None = None
    ) -> bool:
        """Whether ``value`` fails; a baseline condition needs ``baseline`` (and
        ``sigma_band`` its ``spread``) and raises ``ValueError`` without them.

        >>> Rule(kind="relative_to_baseline", argument=0.05).fails(0.76, baseline=0.8)
        False
        >>> Rule(kind="sigma_band", argument=3.0, direction="up").fails(9.0, baseline=10.0,
        ...                                                           spread=0.1)
        False
        """
        a, kind = self.argument, self.kind
        if kind == "above":
            return bool(float(value) > a)
        if kind == "below":
            return bool(float(value) < a)
        if kind == "at_least":
            return bool(float(value) >= a)
        if kind == "at_most":
            return bool(float(value) <= a)
        if kind == "outside":
            return bool(float(value) < a[0] or float(value) > a[1])
        if kind == "is":
            return _same(value, a)
        if kind == "is_not":
            return not _same(value, a)
        if kind == "not_in":
            if isinstance(value, frozenset):
                return not value <= a
            return as_category(value) not in a
        if baseline is None:
            raise ValueError(f"{kind} needs a baseline")
        v, b, t = float(value), float(baseline), float(a)
        if kind == "relative_to_baseline":
            # The slack keeps the edge a person computes by hand (0.76 is within 5% of
            # 0.80) inside, which binary floating point would otherwise put a hair out.
            slack = _RELATIVE_TOLERANCE * max(abs(v), abs(b))
            change = v - b
            if self.direction == "up":
                return change - t * abs(b) > slack
            if self.direction == "down":
                return -change - t * abs(b) > slack
            return abs(change) - t * abs(b) > slack
        if spread is None:
            raise ValueError("sigma_band needs the baseline's spread")
        low, high = b - t * spread, b + t * spread
        if self.direction == "up":
            return v > high
        if self.direction == "down":
            return v < low
        return v < low or v > high

    def expectation(self) -> str:
        """What a passing value looks like, for people: ``<= 0.2``, ``in {a, b}``.

        >>> parse_condition("between", [0, 1]).expectation()
        'between 0 and 1'
        """
        a, kind = self.argument, self.kind
        simple = {"above": "<=", "below": ">=", "at_least": "<", "at_most": ">"}
        if kind in simple:
            return f"{simple[kind]} {format_number(a, digits=6)}"
        if kind == "outside":
            return f"between {format_number(a[0], digits=6)} and {format_number(a[1], digits=6)}"
        if kind == "is":
            return f"!= {_show(a)}"
        if kind == "is_not":
            return f"= {_show(a)}"
        if kind == "not_in":
            return f"in {_show(a)}"
        if kind == "relative_to_baseline":
            side = {"up": "no more than ", "down": "no less than ", "both": "within "}
            return f"{side[self.direction]}{a * 100:g}% of the reference"
        return f"within {format_number(a, digits=6)} standard deviations of the baseline"


def spelling_of(name: str) -> Kind:
    """The kind a condition's name spells (a kind, or an older suite spelling).

    >>> spelling_of("is_in"), spelling_of("above")
    ('not_in', 'above')
    """
    if name in KINDS:
        return name  # type: ignore[return-value]
    if name in EXPECTATIONS:
        return EXPECTATIONS[name]
    known = ", ".join([*KINDS, *EXPECTATIONS])
    raise UnknownMethodError(f"unknown condition {name!r}; choose one of: {known}")


def parse_condition(name: str, argument: Any, *, direction: str = "both") -> Rule:
    """The rule that condition ``name`` with ``argument`` (as written in YAML) spells.

    Raises ``ValueError`` naming the fix when the argument does not fit, and
    :class:`~watchkeeper.UnknownMethodError` for an unknown name.

    >>> parse_condition("is_in", ["a", True]).argument == frozenset({"a", "true"})
    True
    >>> parse_condition("outside", {"low": 1}).argument
    (1.0, inf)
    """
    kind = spelling_of(name)
    if direction not in ("up", "down", "both"):
        raise ValueError(f"direction {direction!r} is not 'up', 'down' or 'both'")
    if direction != "both" and kind not in BASELINE_KINDS:
        raise ValueError("'direction' applies only to relative_to_baseline and sigma_band")
    parsed: Any
    if kind in ("above", "below", "at_least", "at_most"):
        parsed = _number(argument, f"{name}'s argument")
    elif kind == "outside":
        parsed = _bounds(argument, name)
    elif kind in ("is", "is_not"):
        parsed = _scalar(argument)
    elif kind == "not_in":
        parsed = _categories(argument, name)
    elif kind == "relative_to_baseline":
        parsed = _number(argument, "the tolerance")
        if parsed < 0:
            raise ValueError(f"the tolerance is a fraction >= 0 (0.05 for 5%), not {argument!r}")
    else:
        parsed = _number(argument, "k")
        if parsed <= 0:
            raise ValueError(f"sigma_band needs k > 0, e.g. 3, not {argument!r}")
    return Rule(kind=kind, argument=parsed, direction=direction)  # type: ignore[arg-type]
