"""The registry of two-sample tests and distances, by name, with their metadata.

Every method compares a *reference* sample with a *current* one and returns a
:class:`TestResult`. Its metadata says how to read the result:

- ``output="p_value"``: a hypothesis test; a *smaller* p-value is worse, and the column
  drifts when ``p_value < threshold``;
- ``output="distance"``: a distance or divergence; a *larger* statistic is worse, and the
  column drifts when ``statistic >= threshold``.

A method takes one of two input forms:

- ``input="samples"``: two 1-D float arrays of finite values (the raw columns);
- ``input="counts"``: two aligned 1-D count arrays (same length, same category or bin
  order). Count methods are exact on profiles, because bins come from the reference.

Any plain callable can be registered with :func:`register_method`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError, UnknownMethodError

__all__ = [
    "ColumnKindName",
    "InputForm",
    "Method",
    "MethodFunc",
    "Output",
    "TestResult",
    "available_methods",
    "get_method",
    "register",
    "register_method",
]

ColumnKindName = Literal["numeric", "categorical"]
InputForm = Literal["samples", "counts"]
Output = Literal["p_value", "distance"]

FloatArray = npt.NDArray[np.float64]
F = TypeVar("F", bound=Callable[..., "TestResult"])


@dataclass(frozen=True, slots=True)
class TestResult:
    """What a two-sample method returns: its statistic and, for tests, a p-value.

    >>> TestResult(statistic=0.25, p_value=0.01)
    TestResult(statistic=0.25, p_value=0.01)
    """

    __test__ = False  # not a pytest test class, despite the name

    statistic: float
    p_value: float | None = None


class MethodFunc(Protocol):
    """The call signature every registered method implements."""

    def __call__(self, reference: Any, current: Any, /) -> TestResult: ...


@dataclass(frozen=True)
class Method:
    """A registered test or distance and the metadata that says how to read it."""

    name: str
    func: MethodFunc
    kinds: frozenset[ColumnKindName]
    input: InputForm
    output: Output
    default_threshold: float
    description: str
    aliases: tuple[str, ...] = field(default=())

    @property
    def higher_is_worse(self) -> bool:
        """True for distances (a larger value is worse), False for p-values."""
        return self.output == "distance"

    @property
    def exact_on_profile(self) -> bool:
        """Count methods are exact on profiles; sample methods need raw values."""
        return self.input == "counts"

    def is_drift(self, result: TestResult, threshold: float | None = None) -> bool:
        """Whether ``result`` crosses ``threshold`` (the default threshold when None).

        >>> method = get_method("ks")
        >>> method.is_drift(TestResult(0.3, 0.001))
        True
        >>> method.is_drift(TestResult(0.3, 0.2))
        False
        """
        limit = self.default_threshold if threshold is None else threshold
        if self.output == "p_value":
            return result.p_value is not None and result.p_value < limit
        return result.statistic >= limit

    def __call__(self, reference: Any, current: Any) -> TestResult:
        return self.func(reference, current)

    def to_dict(self) -> dict[str, Any]:
        """The metadata as JSON-ready data (the CLI and docs read this)."""
        return {
            "name": self.name,
            "kinds": sorted(self.kinds),
            "input": self.input,
            "output": self.output,
            "higher_is_worse": self.higher_is_worse,
            "default_threshold": self.default_threshold,
            "description": self.description,
            "aliases": list(self.aliases),
        }


_METHODS: dict[str, Method] = {}
_ALIASES: dict[str, str] = {}


def register_method(
    name: str,
    func: Callable[[Any, Any], TestResult],
    *,
    kinds: Iterable[ColumnKindName],
    input: InputForm,
    output: Output,
    default_threshold: float,
    description: str = "",
    aliases: Iterable[str] = (),
    replace: bool = False,
) -> Method:
    """Register ``func`` as a drift method called ``name`` and return its :class:`Method`.

    A plain callable becomes a custom test:

    >>> def mean_gap(reference, current):
    ...     return TestResult(abs(float(current.mean() - reference.mean())))
    >>> method = register_method(
    ...     "mean_gap", mean_gap, kinds=["numeric"], input="samples",
    ...     output="distance", default_threshold=0.5, replace=True)
    >>> method(np.array([0.0, 1.0]), np.array([2.0, 3.0])).statistic
    2.0
    """
    kind_set = frozenset(kinds)
    if not kind_set or not kind_set <= {"numeric", "categorical"}:
        raise InputError(
            f"method {name!r} declares kinds {sorted(kind_set)}; use 'numeric' and/or 'categorical'"
        )
    if input not in ("samples", "counts"):
        raise InputError(f"method {name!r} has input {input!r}; use 'samples' or 'counts'")
    if output not in ("p_value", "distance"):
        raise InputError(f"method {name!r} has output {output!r}; use 'p_value' or 'distance'")
    if input == "samples" and "categorical" in kind_set:
        raise InputError(
            f"method {name!r} takes samples, which only numeric columns have; "
            "categorical methods take aligned counts (input='counts')"
        )
    alias_list = tuple(aliases)
    taken = [n for n in (name, *alias_list) if n in _METHODS or n in _ALIASES]
    owners = {_ALIASES.get(n, n) for n in taken}
    if taken and not (replace and owners <= {name}):
        raise InputError(
            f"the name(s) {taken} are registered already (by {sorted(owners)}); "
            "choose another name, or pass replace=True to replace a method of the same name"
        )
    if name in _METHODS:
        # Replacing a method drops its old aliases with it.
        for alias in _METHODS[name].aliases:
            _ALIASES.pop(alias, None)
    method = Method(
        name=name,
        func=func,
        kinds=kind_set,
        input=input,
        output=output,
        default_threshold=float(default_threshold),
        description=description or (func.__doc__ or "").strip().split("\n")[0],
        aliases=alias_list,
    )
    _METHODS[name] = method
    for alias in method.aliases:
        _ALIASES[alias] = name
    return method


def register(
    name: str,
    *,
    kinds: Iterable[ColumnKindName],
    input: InputForm,
    output: Output,
    default_threshold: float,
    description: str = "",
    aliases: Iterable[str] = (),
) -> Callable[[F], F]:
    """Decorator form of :func:`register_method`; returns the function unchanged."""

    def decorate(func: F) -> F:
        register_method(
            name,
            func,
            kinds=kinds,
            input=input,
            output=output,
            default_threshold=default_threshold,
            description=description,
            aliases=aliases,
        )
        return func

    return decorate


def get_method(name: str) -> Method:
    """The method registered as ``name`` (or one of its aliases).

    >>> get_method("ks").output
    'p_value'
    >>> get_method("no_such_test")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.UnknownMethodError: unknown drift method 'no_such_test'; ...
    """
    key = _ALIASES.get(name, name)
    try:
        return _METHODS[key]
    except KeyError:
        known = ", ".join(sorted(_METHODS))
        raise UnknownMethodError(f"unknown drift method {name!r}; choose one of: {known}") from None


def available_methods(kind: ColumnKindName | None = None) -> list[Method]:
    """Every registered method, or those that apply to columns of ``kind``, by name.

    >>> [m.name for m in available_methods("categorical")][:2]
    ['chisquare', 'chisquare_gof']
    """
    return sorted(
        (m for m in _METHODS.values() if kind is None or kind in m.kinds),
        key=lambda m: m.name,
    )
