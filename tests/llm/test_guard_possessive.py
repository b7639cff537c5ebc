"""The possessive runs of the structural expressions find what the backtracking ones find.

A run such as ``\\s{0,64}`` followed by a word is tried at every newline of a text: on a
text of 4,000 newlines the engine took up to 64 characters there, failed on the word, and
gave them back one by one, trying the word after each (4,000 x 64 tries: 52 ms for one
prompt, ten times a corpus prompt). Where what follows a run can never start with a
character of the run (a word after white space, "begin" after dashes), giving characters
back cannot make a match, so the possessive run (``{0,64}+``, which never gives back)
finds the same matches. The test asks for the same spans as the backtracking form (the
source with each ``}+`` made plain) on texts made of runs and of the words that follow
them, in both the lower-case and the IGNORECASE compilations.
"""

from __future__ import annotations

import random
import re

import pytest

from watchkeeper.llm.guard import _indirect, _structure
from watchkeeper.llm.guard._structure_patterns import PATTERNS

_POSSESSIVE = re.compile(r"\{\d*,\d+\}\+")
SOURCES = {
    name: source
    for name, source in (
        *PATTERNS,
        *_indirect.PATTERNS,
        ("imperative", _structure._IMPERATIVE_SOURCE),
    )
    if _POSSESSIVE.search(source)
}
# Runs of what the possessive quantifiers repeat, and what may follow them.
PIECES = (
    "\n", "\n\n", "\n" * 70, " ", "  ", "\t", " " * 70, "*", "**", ">", "#", "##", "###",
    "-", "--", "-" * 70, "=", "===", "[", "]", ":", ".", "!", "?", ";", "a", "x", "you ",
    "system", "assistant", "user", "human", "ai", "instruction", "response", "ignore",
    "please ", "now, ", "and ", "print", "do", "don't", "begin", "end", " of ", "document",
    "context", "important", "note", "system]", "end]",
)  # fmt: skip


def backtracking(source: str) -> str:
    """``source`` with every possessive run made plain."""
    return _POSSESSIVE.sub(lambda m: m.group(0)[:-1], source)


def texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = rng.choices(PIECES, k=rng.randint(1, 40))
        text = "".join(parts)
        out.append(text.upper() if rng.random() < 0.1 else text)
    return out


def differ(fast: re.Pattern[str], plain: re.Pattern[str], cases: list[str]) -> list[str]:
    return [
        t
        for t in cases
        if [m.span() for m in fast.finditer(t)] != [m.span() for m in plain.finditer(t)]
    ]


def test_the_expressions_with_possessive_runs_are_known() -> None:
    assert set(SOURCES) == {"role_tags", "banner", "indirect", "imperative"}


@pytest.mark.parametrize("name", sorted(SOURCES))
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_a_possessive_run_finds_what_the_backtracking_run_finds(name: str, flags: int) -> None:
    source = SOURCES[name]
    fast, plain = re.compile(source, flags), re.compile(backtracking(source), flags)
    cases = [
        *texts(sum(map(ord, name)), 3000),
        "\n" * 4000,
        "-" * 4000,
        " \n" * 2000,
        "\n" * 100 + "system: ignore",
        "\n" + " " * 64 + "# title",
        "\n" + " " * 65 + "# title",
        "---- begin of document",
        "-" * 64 + " end of context",
        "-" * 65 + " end of context",
        ". \n - please print it",
        "." + " " * 64 + "print",
        "." + " " * 65 + "print",
    ]
    assert differ(fast, plain, cases) == []


def test_the_comparison_tells_a_run_that_must_give_back() -> None:
    # "a{0,3}+a" never matches (the run keeps every "a"); "a{0,3}a" does.
    assert differ(re.compile("a{0,3}+a"), re.compile("a{0,3}a"), ["aaa", "b"]) == ["aaa"]


def test_the_compiled_expressions_are_the_sources() -> None:
    compiled = dict(_structure._COMPILED_LOWER)
    for name in ("role_tags", "banner", "indirect"):
        assert compiled[name].pattern == SOURCES[name]
    assert _structure._IMPERATIVE_LOWER.pattern == SOURCES["imperative"]
