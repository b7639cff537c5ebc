"""Package metadata fit for an index page: URLs, classifiers, absolute README links,
and no extra that repeats a core dependency or another extra."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOME = "https://github.com/watchkeeper/watchkeeper"


def _project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return dict(tomllib.load(handle)["project"])


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_urls_and_classifiers() -> None:
    project = _project()
    urls = project["urls"]
    assert isinstance(urls, dict)
    assert urls["Homepage"] == HOME and urls["Source"] == HOME
    assert urls["Issues"].startswith(HOME)
    classifiers = project["classifiers"]
    assert isinstance(classifiers, list)
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers


def test_no_duplicate_extras() -> None:
    project = _project()
    core = {_name(r) for r in project["dependencies"]}  # type: ignore[attr-defined]
    extras: dict[str, list[str]] = project["optional-dependencies"]  # type: ignore[assignment]
    for extra, requirements in extras.items():
        names = [_name(r) for r in requirements]
        assert len(names) == len(set(names)), extra
        assert not core & set(names), f"extra {extra!r} repeats a core dependency"
        if extra != "dev":
            assert names, f"extra {extra!r} is empty"
    # dev pulls the user-facing extras in by name instead of repeating their packages.
    dev = extras["dev"]
    referenced = re.search(r"watchkeeper\[([^\]]+)\]", " ".join(dev))
    assert referenced
    included = {_name(r) for e in referenced.group(1).split(",") for r in extras[e]}
    assert not included & {_name(r) for r in dev if not r.startswith("watchkeeper[")}


def test_readme_links_are_absolute() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    relative = [link for link in links if not link.startswith(("https://", "http://", "#"))]
    assert relative == [], "a package index shows README.md without the repository"
