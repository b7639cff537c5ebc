"""The import graph runs one way: no module cycle, no package cycle, and the declared
layer arrows hold (the design's package table: arrows point one way).

The graph is read statically from the source with :mod:`ast`, so it sees every module,
imported or not. Two kinds of import are not edges for the cycle checks:

- imports under ``if TYPE_CHECKING:`` (they never run);
- imports inside a function (they run late, after both modules are loaded) -- for the
  *module* cycle check only. The package cycle check and the layer arrows count them,
  because a late import is still a dependency of the package. Cycles that close only
  through a late import are listed in ``LATE_CYCLES`` with their reason.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "watchkeeper"

# Module cycles still allowed, each with its reason. Empty: keep it that way.
ALLOWED_MODULE_CYCLES: dict[frozenset[str], str] = {}

# Package cycles still allowed, each with its reason. Empty: keep it that way.
ALLOWED_PACKAGE_CYCLES: dict[frozenset[str], str] = {}

# Cycles that close only through a function-local import: not module cycles by the rule
# above, but each is declared here with its reason, so that a new one is a decision.
LATE_CYCLES: dict[frozenset[str], str] = {
    frozenset(
        {
            "watchkeeper.profile._builder",
            "watchkeeper.profile._format",
            "watchkeeper.profile._merge",
            "watchkeeper.profile._profile",
        }
    ): "Profile.merge/to_bytes/from_bytes/load/to_dict delegate to the modules that "
    "build profiles (_merge, _format); the methods are the public API",
    frozenset({"watchkeeper.profile._numeric", "watchkeeper.profile._rebin"}): (
        "NumericProfile.merge re-bins through _rebin, which builds NumericProfiles; "
        "together they would pass 500 lines"
    ),
}

_CORE = {"stats", "schema", "io", "profile", "drift", "quality", "performance"}
_OUTER = {"service", "server", "dashboard", "cli", "demo", "client", "store"}

# package -> packages it must never import (any import that runs, late ones included).
FORBIDDEN: dict[str, set[str]] = {
    **{core: _OUTER | {"report", "checks"} for core in _CORE},
    "stats": _OUTER | {"report", "checks", "profile", "drift", "quality", "performance", "io"},
    "quality": _OUTER | {"report", "checks", "drift"},
    "schema": _OUTER | {"report", "checks", "io", "stats", "profile"},
    "report": _OUTER | {"checks"},
    "store": {"service", "server", "dashboard", "cli", "demo"},
    "service": {"server", "dashboard", "cli", "demo", "client"},
    "dashboard": {"server", "cli", "demo"},
    "client": {"service", "server", "dashboard", "cli", "store", "demo"},
    "streaming": _OUTER | {"report", "checks"},
}


@dataclass(frozen=True, kw_only=True)
class Edge:
    source: str
    target: str
    late: bool  # inside a function


def _modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / ROOT).rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
    return name == "TYPE_CHECKING"


def _imports(body: Iterable[ast.stmt], late: bool) -> Iterator[tuple[ast.stmt, bool]]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, late
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _imports(node.body, late)
            yield from _imports(node.orelse, late)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _imports(node.body, True)
        elif isinstance(node, ast.ClassDef | ast.With | ast.For | ast.While):
            yield from _imports(node.body, late)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _imports(block, late)


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in modules else None


def _edges(modules: Mapping[str, Path]) -> list[Edge]:
    edges = []
    for module, path in modules.items():
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, late in _imports(tree.body, False):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                assert isinstance(node, ast.ImportFrom)
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    stem = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    stem = node.module or ""
                # `from pkg import sub` imports the sub-module; `from mod import name` the module.
                names = [f"{stem}.{alias.name}" for alias in node.names]
            for name in names:
                target = _resolve(name, modules)
                if target is not None and target != module:
                    edges.append(Edge(source=module, target=target, late=late))
    return edges


def _cycles(graph: Mapping[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _package(module: str) -> str | None:
    """The first-level package (or top-level private module); None for the facade."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return _edges(_modules())


def test_the_graph_is_read() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    known = _edges(_modules())
    pairs = {(e.source, e.target) for e in known}
    assert ("watchkeeper.report._report", "watchkeeper.quality") in pairs
    assert ("watchkeeper.quality", "watchkeeper.quality._from_profiles") in pairs


def test_no_module_cycle(edges: list[Edge]) -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if not edge.late:
            graph[edge.source].add(edge.target)
    cycles = [c for c in _cycles(graph) if c not in ALLOWED_MODULE_CYCLES]
    assert not cycles, "module import cycles:\n" + "\n".join(
        " <-> ".join(sorted(c)) for c in cycles
    )
    stale = set(ALLOWED_MODULE_CYCLES) - set(_cycles(graph))
    assert not stale, f"allowed cycles that no longer exist, remove them: {stale}"


def test_every_late_import_cycle_is_declared(edges: list[Edge]) -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        graph[edge.source].add(edge.target)
    found = set(_cycles(graph))
    undeclared = [c for c in found if c not in LATE_CYCLES]
    assert not undeclared, "cycles through function-local imports, not declared:\n" + "\n".join(
        " <-> ".join(sorted(c)) for c in undeclared
    )
    stale = set(LATE_CYCLES) - found
    assert not stale, f"declared late cycles that no longer exist, remove them: {stale}"


def test_no_package_cycle(edges: list[Edge]) -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        source, target = _package(edge.source), _package(edge.target)
        if source and target and source != target:
            graph[source].add(target)
    cycles = [c for c in _cycles(graph) if c not in ALLOWED_PACKAGE_CYCLES]
    assert not cycles, "package import cycles (late imports included):\n" + "\n".join(
        " <-> ".join(sorted(c)) for c in cycles
    )


def test_layer_arrows_run_one_way(edges: list[Edge]) -> None:
    wrong = sorted(
        f"{edge.source} imports {edge.target}"
        for edge in edges
        if (source := _package(edge.source)) in FORBIDDEN
        and _package(edge.target) in FORBIDDEN[source]
    )
    assert not wrong, "imports against the layer arrows:\n" + "\n".join(wrong)
