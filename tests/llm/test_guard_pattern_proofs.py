"""The proofs over syntax trees that the guard's searches rest on, checked with ``re`` itself.

:mod:`watchkeeper.llm.guard._pattern_proofs` proves from a pattern's syntax tree that
every match holds one of some strings (:func:`holds_one_of`), from the strings an
element can match (:func:`element_spellings`) and the ways through it
(:func:`element_ways`). A false proof would let a search skip a match, so these tests
hold each piece to what ``re`` matches, on every short string over a small alphabet,
and check that the proof refuses claims that have a counter-example. The proofs of the
shipped patterns are checked where they are used (``test_guard_speed_triggers.py``,
``test_guard_speed_leet.py``, ``test_guard_speed_structure.py``).
"""

from __future__ import annotations

import itertools
import re
import re._compiler as _compiler  # type: ignore[import-not-found]
import re._parser as _parser  # type: ignore[import-not-found]

import pytest

from watchkeeper.llm.guard._pattern_proofs import (
    element_spellings,
    element_ways,
    holds_one_of,
    match_starts,
)


def _strings(letters: str, longest: int) -> list[str]:
    return [
        "".join(chars)
        for chars in itertools.chain.from_iterable(
            itertools.product(letters, repeat=n) for n in range(longest + 1)
        )
    ]


def test_the_proof_refuses_false_claims() -> None:
    def proved(pattern: str, needles: tuple[str, ...], flags: int = 0) -> bool:
        return holds_one_of(_parser.parse(pattern, flags), needles)

    # Each of these has a match without the strings: the proof must not accept it.
    assert not proved(r"\bignore\b|\bforget\b", ("ignore",))
    assert not proved(r"new (?:rules|instructions)", ("rules",))
    assert not proved(r"a[\w ]{0,9}b", ("ab",))
    assert not proved(r"(?:x)?yz", ("xyz",))
    assert not proved(r"q{0,2}r", ("qr",))
    assert not proved(r"ignore", ("ignore",), re.IGNORECASE)
    assert not proved(r"(?i:ignore)", ("ignore",))
    # And it proves true ones through branches, optional parts and boundaries.
    assert proved(r"\b(?:un ?)?(?:filtered|censored) ai\b", ("filtered", "censored"))
    assert proved(r"(?:a|b)[^\n]{0,9}?(?:send|sent)", ("sen",))
    assert proved(r"\*{2,3} ?new\b", ("*new", "* new"))


@pytest.mark.parametrize(
    "source",
    [r"(?:ab|c)+", r"(ab)", r"(?:a|bc|)", r"(?:ab){2,3}", r"(?:a|bc)+?", r"(?:ab|c)++", r"(?m:^a)"],
)
def test_every_match_of_an_element_begins_with_a_match_of_one_of_its_ways(source: str) -> None:
    # Both proofs over syntax trees (a match holds a needle, a match starts with one)
    # rest on this: checked with ``re`` itself on every string of up to 6 letters.
    ((op, av),) = _parser.parse(source)
    found = element_ways(op, av)
    assert found is not None
    ways = [_compiler.compile(way) for way in found]
    matched = 0
    for text in _strings("abc", 6):
        if re.fullmatch(source, text):
            matched += 1
            assert any(
                way.fullmatch(text, 0, end) for way in ways for end in range(len(text) + 1)
            ), (source, text)
    assert matched >= 1


def test_the_ways_are_refused_where_they_do_not_begin_every_match() -> None:
    def ways(source: str, refused: int = re.IGNORECASE) -> object:
        ((op, av),) = _parser.parse(source)
        return element_ways(op, av, refused)

    assert ways(r"(?:ab)*") is None  # a repeat that may not run at all
    assert ways(r"(?:ab){0,2}") is None
    assert ways(r"(?i:ab)") is None  # the body would match upper case too
    assert ways(r"(?m:^a)") is not None
    assert ways(r"(?m:^a)", re.IGNORECASE | re.MULTILINE) is None
    assert ways(r"[ab]") is None  # not a group, an alternation or a repeat
    assert ways(r"a") is None


@pytest.mark.parametrize(
    "source", [r"a", r"[ab]", r"(?:ab|c)", r"(?:ab)?", r"(?:a|bc){1,2}", r"(?:a ?)?", r"(ab|)"]
)
def test_the_spellings_of_an_element_are_the_strings_it_matches(source: str) -> None:
    ((op, av),) = _parser.parse(source)
    spellings = element_spellings(op, av)
    assert spellings is not None
    assert spellings == {text for text in _strings("abc ", 4) if re.fullmatch(source, text)}


@pytest.mark.parametrize("source", [r"\w", r"a{0,4}", r"(?i:a)", r"[^a]", r"."])
def test_the_spellings_are_not_given_where_they_are_many_or_unknown(source: str) -> None:
    ((op, av),) = _parser.parse(source)
    assert element_spellings(op, av) is None


@pytest.mark.parametrize(
    ("source", "needles"),
    [
        (r"\b(?:a ?)?bc\b", ("bc",)),
        (r"(?:ab|cb)c?", ("b",)),
        (r"a(?:b|c){1,3}", ("ab", "ac")),
        (r"(?:ab)?c", ("c",)),
        (r"^(?=a)ab|cab", ("ab",)),
    ],
)
def test_a_proved_claim_holds_on_every_short_match(source: str, needles: tuple[str, ...]) -> None:
    assert holds_one_of(_parser.parse(source), needles)
    matches = [match.group() for text in _strings("abc ", 5) for match in re.finditer(source, text)]
    assert matches  # not a check of nothing
    assert all(any(needle in match for needle in needles) for match in matches)


def test_the_starts_are_refused_where_they_are_not_known() -> None:
    assert match_starts(r"\b(?:ab|cd)e") == ("abe", "cde")
    assert match_starts(r"a?b") == ("b", "ab")
    assert match_starts(r"x*y|z") is None
    assert match_starts(r"(?i)abc") is None  # upper case would match too
    assert match_starts(r"[a-z]bc") is None
    assert match_starts(r"(?:ab)+c|d") == ("d", "ab")  # the repeat ends the start
    assert match_starts(r"abcdefghij") == ("abcdef",)  # a start's start
    # ``^`` matches at 0 only, where a match is always tried; with MULTILINE, after "\n" too.
    assert match_starts(r"(?:^|\n)\s*ab|cd") == ("\n", "cd")
    assert match_starts(r"(?m)(?:^|\n)ab") is None
    assert match_starts(r"(?:(?m:^)|\n)ab") == ("ab", "\nab")  # skips the (?m:^)
    assert match_starts(r"(?:|x)ab") == ("ab", "xab")
