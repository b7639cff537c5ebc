"""The one YAML reader for every file a person writes: plain data that remembers lines.

``watchkeeper.yaml``, CI suites and schema files are all read here. ``yaml.safe_load``
forgets where each value came from; a person fixing a 300-line file needs
``watchkeeper.yaml:42: ...``. So the document is composed into YAML
nodes (which carry their marks) and built here into :class:`YamlMap` and
:class:`YamlList`, ordinary ``dict`` and ``list`` objects that also know the line of
every key and item. Scalars are built by PyYAML's safe constructor, so ``yes``,
``1e3`` and ``~`` mean what YAML 1.1 says they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["Problem", "YamlList", "YamlMap", "compose_document", "plain", "read_document"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, at one line (1-based; None when not known).

    >>> str(Problem("watchkeeper.yaml", 3, "unknown key 'modles'"))
    "watchkeeper.yaml:3: unknown key 'modles'"
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class YamlMap(dict[str, Any]):
    """A YAML mapping that knows its own line and the line of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list[Any]):
    """A YAML sequence that knows its own line and the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            out = YamlList(_line(node))
            for item in node.value:
                out.append(self.build(item))
                out.item_lines.append(_line(item))
            return out
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self.problems.append(Problem(self.path, _line(node), f"invalid value: {error}"))
            return None

    def _mapping(self, node: yaml.MappingNode) -> YamlMap:
        out = YamlMap(_line(node))
        for key_node, value_node in node.value:
            line = _line(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(
                        self.path,
                        line,
                        "YAML merge keys ('<<') are not supported; write the keys out",
                    )
                )
                continue
            key = self.build(key_node)
            if not isinstance(key, str | int | float | bool) or key is None:
                self.problems.append(
                    Problem(self.path, line, f"key {key!r} is not text; write a plain name")
                )
                continue
            text = str(key)
            if text in out:
                # safe_load keeps the last silently; a duplicated monitor is a bug to show.
                self.problems.append(
                    Problem(
                        self.path,
                        line,
                        f"key {text!r} is repeated (first at line {out.key_lines[text]}); keep one",
                    )
                )
                continue
            out[text] = self.build(value_node)
            out.key_lines[text] = line
        return out


def compose_document(text: str, path: str = "watchkeeper.yaml") -> tuple[Any, list[Problem]]:
    """The document in ``text`` as line-aware data, and the problems met reading it.

    A YAML syntax error gives ``(None, [problem at its line])``.

    >>> data, problems = compose_document("models:\\n  - name: churn\\n    task: regression\\n")
    >>> data["models"][0]["task"], data["models"][0].line_of("task"), problems
    ('regression', 3, [])
    >>> _, problems = compose_document("a: 1\\na: 2\\n")
    >>> print(problems[0])
    watchkeeper.yaml:2: key 'a' is repeated (first at line 1); keep one
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else int(mark.line) + 1
        what = error.problem or "invalid YAML"
        return None, [Problem(path, line, f"invalid YAML: {what}; fix the syntax")]
    except yaml.YAMLError as error:
        return None, [Problem(path, None, f"invalid YAML: {error}")]
    if node is None:
        return None, []
    builder = _Builder(path)
    return builder.build(node), builder.problems


def plain(value: Any) -> Any:
    """``value`` with every :class:`YamlMap` and :class:`YamlList` made a plain dict/list.

    >>> data, _ = compose_document("a: [1, {b: 2}]\\n")
    >>> type(plain(data)), type(plain(data)["a"][1])
    (<class 'dict'>, <class 'dict'>)
    """
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def read_document(text: str, path: str) -> Any:
    """The document in ``text``, or :class:`~watchkeeper.ConfigError` at the first problem.

    For files read in one go (suites, schemas), where the first problem stops reading.

    >>> from watchkeeper._exceptions import ConfigError
    >>> try:
    ...     read_document("a: 1\\na: 2\\n", "suite.yaml")
    ... except ConfigError as error:
    ...     print(error)
    suite.yaml:2: key 'a' is repeated (first at line 1); keep one
    """
    from watchkeeper._exceptions import ConfigError

    data, problems = compose_document(text, path)
    if problems:
        first = min(problems, key=lambda p: (p.line is None, p.line or 0))
        raise ConfigError(first.message, path=path, line=first.line)
    return data
