"""What every match of a regular expression holds or starts with, proved from its syntax tree.

A search may skip the text where a pattern cannot match. When every string a pattern
can match is proved to hold one of some needles (its triggers, its ``also`` strings),
a text that lacks them all holds no match, and a match holding the needle at ``i``
lies within the pattern's longest match of ``i``: the needles can be looked for first
(``str.find``, far cheaper than the expression) and the expression run only when one is
there, and only in the windows around their occurrences, and the search still finds
what a search of the whole text finds. :mod:`._pattern_search` (the ``also`` gates of
the scored attack patterns, their windows on long texts, the leetspeak pass) and
:mod:`._structure_search` (the structural patterns' windows and starts) rest on these
proofs.

The proofs read the tree of Python's own parser (``re._parser``), so they speak of the
expression ``re`` runs. Along each sequence :func:`holds_one_of` follows the runs of
characters the expression can spell in only a few ways (:func:`element_spellings`:
literals, small alternations, optional parts, short repeats); a run all of whose
spellings hold a needle, or an element every way through which does
(:func:`element_ways`), proves the sequence. Assertions (:data:`ZERO_WIDTH`) consume
nothing and are passed over; case-insensitive parts are refused. A proof can fail to
prove a true claim (the caller then searches the whole text); it cannot prove a false
one. Each is checked against ``re`` itself (``tests/llm/test_guard_pattern_proofs.py``).

:func:`match_starts` proves the strings every match starts with (unless it starts at
0): a search need only try the expression where one of them occurs, in order, and at 0.
"""

from __future__ import annotations

import re
import re._parser as _parser  # type: ignore[import-not-found]
from typing import Any

__all__ = [
    "ZERO_WIDTH",
    "element_spellings",
    "element_ways",
    "holds_one_of",
    "match_starts",
]

# More spellings than this and a run is not followed further (a proof may then fail,
# never succeed falsely); it bounds the work of a proof at import.
_SPELLINGS_LIMIT = 256
# The elements that consume nothing (``^``, ``\b``, look-arounds): passed over, they
# only widen the strings a sequence is taken to match, which keeps a proof sound.
ZERO_WIDTH = (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT)


def holds_one_of(tree: Any, needles: tuple[str, ...]) -> bool:
    """Whether every match of the parsed pattern ``tree`` holds one of ``needles``.

    >>> holds_one_of(_parser.parse(r"\\b(?:un ?)?filtered ai"), ("filtered",))
    True
    >>> holds_one_of(_parser.parse(r"ignore|forget"), ("ignore",))
    False
    """
    if tree.state.flags & re.IGNORECASE:
        return False
    return _proved(tree.data, needles)


def _spellings(items: Any) -> set[str] | None:
    """Every string the sequence ``items`` can match, if they are few (else None)."""
    out = {""}
    for op, av in items:
        if op in ZERO_WIDTH:
            continue  # consumes nothing: a superset of the strings is still sound
        one = element_spellings(op, av)
        if one is None or len(out) * len(one) > _SPELLINGS_LIMIT:
            return None
        out = {left + right for left in out for right in one}
    return out


def element_spellings(op: Any, av: Any) -> set[str] | None:
    """Every string the element ``(op, av)`` of a parsed pattern can match, if they are
    few (None when they are many, or not known: a class like ``\\w``, a repeat that may
    run more than 3 times, a case-insensitive group).

    >>> sorted(element_spellings(*_parser.parse(r"(?:un ?)?")[0]))
    ['', 'un', 'un ']
    >>> element_spellings(*_parser.parse(r"\\w")[0]) is None
    True
    """
    if op is _parser.LITERAL:
        return {chr(av)}
    if op is _parser.IN:
        if all(kind is _parser.LITERAL for kind, _ in av):
            return {chr(code) for _, code in av}
        return None
    if op is _parser.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _spellings(av[3])
    if op is _parser.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            one = _spellings(branch)
            if one is None:
                return None
            out |= one
        return out if len(out) <= _SPELLINGS_LIMIT else None
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT):
        low, high, item = av
        one = _spellings(item) if high <= 3 else None
        if one is None:
            return None
        out = set()
        for count in range(low, high + 1):
            words = {""}
            for _ in range(count):
                words = {left + right for left in words for right in one}
            out |= words
        return out if len(out) <= _SPELLINGS_LIMIT else None
    return None


def _proved(items: Any, needles: tuple[str, ...]) -> bool:
    run = {""}
    for op, av in items:
        if op in ZERO_WIDTH:
            continue
        one = element_spellings(op, av)
        if one is not None and len(run) * len(one) <= _SPELLINGS_LIMIT:
            run = {left + right for left in run for right in one}
            continue
        if _holds(run, needles) or _element_proved(op, av, needles):
            return True
        run = {""}
    return _holds(run, needles)


def _holds(spellings: set[str], needles: tuple[str, ...]) -> bool:
    return all(any(needle in word for needle in needles) for word in spellings)


def _element_proved(op: Any, av: Any, needles: tuple[str, ...]) -> bool:
    ways = element_ways(op, av)
    return ways is not None and all(_proved(way, needles) for way in ways)


def element_ways(op: Any, av: Any, refused: int = re.IGNORECASE) -> list[Any] | None:
    """Sequences one of which every match of the element begins with a match of: a
    group's body, an alternation's branches, the body of a repeat that runs at least
    once (None for other elements, and for a group that sets one of the ``refused``
    flags). What each of them is proved to hold, or to start with, a match of the
    element holds or starts with too.

    >>> len(element_ways(*_parser.parse(r"(?:ab|c)+")[0]))
    1
    >>> element_ways(*_parser.parse(r"(?:ab)?")[0]) is None
    True
    """
    if op is _parser.SUBPATTERN:
        return None if av[1] & refused else [av[3]]
    if op is _parser.BRANCH:
        return list(av[1])
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        return [av[2]] if av[0] >= 1 else None
    return None


# Where every match starts: the strings one of which it opens with.
_PREFIX_LIMIT = 128
# ``^`` and ``\\A`` (without MULTILINE): the start of the text only.
_BEGINNINGS = (_parser.AT_BEGINNING, _parser.AT_BEGINNING_STRING)
_PREFIX_CHARS = 6  # longer starts are cut (a start's start is a start): fewer needles


def _prefixes(items: Any) -> set[str] | None:
    """Strings one of which every match of the sequence ``items`` starts with, unless
    it starts at 0 (None when that is not known, or one of them would be empty)."""
    run = {""}
    for op, av in items:
        if op is _parser.AT and av in _BEGINNINGS and run == {""}:
            return set()  # this way matches only at 0, where a match is always tried
        if op in ZERO_WIDTH:
            continue  # consumes nothing
        one = element_spellings(op, av)
        if one is not None and "" in one and op in (_parser.BRANCH, _parser.SUBPATTERN):
            # A way through it may consume nothing, as by ``^``: its ways' own starts
            # (a ``^`` way adds none) say more.
            starts = _element_prefixes(op, av)
            if starts is not None and "" not in starts:
                one = None
        if one is None or len(run) * len(one) > _PREFIX_LIMIT:
            one = _element_prefixes(op, av)
            if one is not None and len(run) * len(one) <= _PREFIX_LIMIT:
                run = {(left + right)[:_PREFIX_CHARS] for left in run for right in one}
            break  # what follows a known start is not known
        run = {(left + right)[:_PREFIX_CHARS] for left in run for right in one}
        if run and min(map(len, run)) >= _PREFIX_CHARS:
            break
    return None if "" in run else run


def _element_prefixes(op: Any, av: Any) -> set[str] | None:
    # MULTILINE too: a ``^`` inside would match after every newline, not at 0 only.
    ways = element_ways(op, av, refused=re.IGNORECASE | re.MULTILINE)
    if ways is None:
        return None
    out: set[str] = set()
    for way in ways:
        one = _prefixes(way)
        if one is None:
            return None
        out |= one
    return out if len(out) <= _PREFIX_LIMIT else None


def match_starts(source: str) -> tuple[str, ...] | None:
    """Needles every match of the pattern ``source`` starts with, unless it starts at 0;
    shortest first and none the start of another (so each position holds at most one);
    None when not known. A search need only try the pattern at 0 and where they occur.

    >>> match_starts(r"\\b(?:ab|cd)e"), match_starts(r"x*y|z")
    (('abe', 'cde'), None)
    """
    tree = _parser.parse(source)
    if tree.state.flags & (re.IGNORECASE | re.MULTILINE):
        return None  # (MULTILINE: ``^`` would match after every newline)
    found = _prefixes(tree.data)
    if not found:
        return None
    needles: list[str] = []
    for needle in sorted(found, key=lambda needle: (len(needle), needle)):
        if not any(needle.startswith(shorter) for shorter in needles):
            needles.append(needle)
    return tuple(needles)
