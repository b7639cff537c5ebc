"""The reader of a ``watchkeeper.yaml``'s parts: every problem collected, with its line.

:class:`_Checker` walks the line-aware data of :func:`~watchkeeper._yaml.compose_document`
and records a :class:`~watchkeeper._yaml.Problem` for each thing wrong (with a
did-you-mean where a name is close to a known one) instead of stopping at the first.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterator, Mapping
from datetime import timedelta
from typing import Any

from watchkeeper._exceptions import ConfigError, InputError
from watchkeeper._yaml import Problem, YamlList, YamlMap
from watchkeeper.service.config._registry import known_metrics

__all__ = ["InvalidConfigError", "parse_duration_text"]

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class InvalidConfigError(ConfigError):
    """A configuration file with one or more problems; ``problems`` lists them all.

    ``str()`` is one ``path:line: message`` per line; ``line`` is the first one's.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
        if self.problems:
            self.path = self.problems[0].path
            self.line = self.problems[0].line


def parse_duration_text(value: Any) -> timedelta:
    """A duration from ``"30s"``, ``"15m"``, ``"1h"``, ``"1d"``, ``"2w"`` or seconds.

    Zero is allowed (a cooldown of ``0`` means none); negative values are not.

    >>> parse_duration_text("1h"), parse_duration_text("30m").total_seconds()
    (datetime.timedelta(seconds=3600), 1800.0)
    >>> parse_duration_text("1d").days
    1
    """
    if isinstance(value, bool):
        raise InputError(f"duration {value!r} is not a duration; write e.g. '30m', '1h', '1d'")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise InputError(f"duration {value!r} must be a finite, non-negative number")
        return timedelta(seconds=float(value))
    match = _DURATION.match(str(value).lower()) if isinstance(value, str) else None
    if match is None:
        raise InputError(
            f"duration {value!r} is not understood; write a number with a unit s, m, h, d "
            "or w, e.g. '30m', '1h', '1d'"
        )
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _type_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"{type(value).__name__} {value!r}"


class _Checker:
    """Collects problems while reading the document section by section."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.metrics = known_metrics()

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    # generic readers ---------------------------------------------------------------

    def keys(self, node: YamlMap, allowed: tuple[str, ...], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(
                    node.line_of(key),
                    f"{what}: unknown key {key!r}{_suggest(key, allowed)} "
                    f"(allowed: {', '.join(allowed)})",
                )

    def named(
        self, root: YamlMap, section: str, noun: str, allowed: tuple[str, ...]
    ) -> Iterator[tuple[YamlMap, str | None, str]]:
        """Each entry of the list ``section`` with its ``name`` and its label for messages.

        The keys are checked against ``allowed``; once all are read, names given twice.
        """
        items = self.items(root, section)
        names = []
        for item, _ in items:
            name = self.text(item, "name", noun, required=True)
            names.append(name)
            what = f"{noun} {name!r}" if name else noun
            self.keys(item, allowed, what)
            yield item, name, what
        self.unique(items, names, noun)

    def declared(
        self, node: YamlMap, key: str, noun: str, name: str, names: Collection[str], what: str
    ) -> bool:
        """Whether ``name`` (of ``node[key]``) is among ``names``; if not, a problem says
        to declare it under the plural of ``noun``."""
        if name in names:
            return True
        self.problem(
            node.line_of(key),
            f"{what}: unknown {noun} {name!r}; declare it under '{noun}s'{_suggest(name, names)}",
        )
        return False

    def mapping(self, value: Any, line: int, what: str) -> YamlMap | None:
        if isinstance(value, YamlMap):
            return value
        self.problem(line, f"{what} must be a mapping of keys to values, not {_type_name(value)}")
        return None

    def items(self, node: YamlMap, key: str) -> list[tuple[YamlMap, int]]:
        """The mappings of the list under ``key`` with their lines."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, YamlList):
            self.problem(node.line_of(key), f"{key!r} must be a list, not {_type_name(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            checked = self.mapping(item, value.line_of(index), f"item {index + 1} of {key!r}")
            if checked is not None:
                out.append((checked, value.line_of(index)))
        return out

    def text(self, node: YamlMap, key: str, what: str, *, required: bool = False) -> str | None:
        if key not in node or node[key] is None:
            if required:
                self.problem(node.line, f"{what}: {key!r} is required")
            return None
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(
                node.line_of(key), f"{what}: {key!r} must be text, not {_type_name(value)}"
            )
            return None
        return str(value)

    def number(self, node: YamlMap, key: str, what: str) -> float | None:
        value = node.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.problem(
                node.line_of(key), f"{what}: {key!r} must be a number, not {_type_name(value)}"
            )
            return None
        return float(value)

    def names(self, node: YamlMap, key: str, what: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                node.line_of(key),
                f"{what}: {key!r} must be a list of names, not {_type_name(value)}",
            )
            return ()
        return tuple(value)

    def duration(self, node: YamlMap, key: str, what: str, *, positive: bool) -> timedelta | None:
        if node.get(key) is None:
            return None
        try:
            value = parse_duration_text(node[key])
        except InputError as error:
            self.problem(node.line_of(key), f"{what}: {key!r}: {error}")
            return None
        if positive and value <= timedelta(0):
            self.problem(node.line_of(key), f"{what}: {key!r} must be longer than zero, e.g. '1h'")
            return None
        return value

    def unique(self, nodes: list[tuple[YamlMap, int]], names: list[str | None], what: str) -> None:
        seen: dict[str, int] = {}
        for (node, _), name in zip(nodes, names, strict=True):
            if name is None:
                continue
            if name in seen:
                self.problem(
                    node.line_of("name"),
                    f"{what} {name!r} is declared twice (first at line {seen[name]}); rename one",
                )
            else:
                seen[name] = node.line_of("name")
