"""Searching each structural pattern only where it can match, finding what ``finditer`` finds.

On a long lower-case text :mod:`._structure` reads the spans of each pattern (its form
without IGNORECASE) from :func:`find_spans` instead of ``pattern.finditer``. Two plans are
proved from a pattern's syntax tree once, at import:

- its starts (:func:`plan_starts`): strings one of which every match starts with,
  unless it starts at 0. ``finditer`` yields the leftmost match from 0, then from the
  end of each match; no match starts anywhere but at 0 or at a start's occurrence, so
  trying the pattern only there, in order, yields the same matches (:func:`start_spans`).
- its windows (:func:`plan_windows`): when every match holds one of some needles (its
  triggers, its ``also`` strings; :func:`._pattern_proofs.holds_one_of`), spans at most
  ``reach`` characters and reads at most ``beyond`` past its end, only the windows
  around the needles' occurrences can hold a match (:func:`find_spans`).

The needles' occurrences come from one index of the text that every pattern shares
(:class:`._needles.Occurrences`), not from a ``str.find`` loop a needle. A plan that
cannot be proved leaves the plain search, and so do needles that occur so often that
trying them would cost more than reading the text. Each plan has a property
test against the plain ``finditer`` (``tests/llm/test_guard_speed_structure.py``).
"""

from __future__ import annotations

import re
import re._parser as _parser  # type: ignore[import-not-found]
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from watchkeeper.llm.guard._needles import Occurrences
from watchkeeper.llm.guard._pattern_proofs import (
    holds_one_of,
    match_starts,
)
from watchkeeper.llm.guard._pattern_search import WINDOWED_FROM

__all__ = [
    "WINDOWED_FROM",
    "WindowPlan",
    "find_spans",
    "plan_starts",
    "plan_windows",
    "start_spans",
]

_MAX_OCCURRENCES = 48
_MAX_STARTS = 64
# A pattern is tried at its starts when they are few (each is a needle to look up, as
# the windows' needles are), else searched in windows if it can be.
_MANY_STARTS = 12
_MANY_STARTS_UNPLANNED = 26  # the plain search of an unbounded pattern costs more


class WindowPlan(NamedTuple):
    """How a pattern is searched only around its needles."""

    reach: int  # its longest match
    beyond: int  # how far past a match's end it reads
    groups: tuple[tuple[str, ...], ...]  # every match holds one needle of each group


def plan_windows(
    patterns: Iterable[tuple[str, str]],
    triggers: Mapping[str, tuple[str, ...]],
    also: Mapping[str, tuple[str, ...]],
) -> dict[str, WindowPlan | None]:
    """Each pattern's :class:`WindowPlan` (its needles: its triggers, its ``also``
    strings), or None where one is not proved."""
    return {name: _plan(source, (triggers[name], also.get(name))) for name, source in patterns}


def plan_starts(
    patterns: Iterable[tuple[str, str]], windows: Mapping[str, WindowPlan | None]
) -> dict[str, tuple[str, ...]]:
    """The starts of the patterns that are tried at their starts (their
    :func:`._pattern_proofs.match_starts`, when they are few)."""
    return {
        name: starts
        for name, source in patterns
        if (starts := match_starts(source)) is not None
        and (
            len(starts) <= _MANY_STARTS
            or (windows[name] is None and len(starts) <= _MANY_STARTS_UNPLANNED)
        )
    }


def _beyond(tree: Any) -> int | None:
    """How far past its match's end a parsed pattern may read: 1 for ``\\b`` or ``$``,
    a look-ahead's width; None when a look-ahead is unbounded or an element unknown."""
    farthest = 1
    stack = [tree.data if hasattr(tree, "data") else tree]
    while stack:
        for op, av in stack.pop():
            if op in (_parser.ASSERT, _parser.ASSERT_NOT):
                if av[0] == 1:  # a look-ahead (-1: a look-behind, which reads before)
                    width = av[1].getwidth()[1]
                    if width >= _parser.MAXREPEAT:
                        return None
                    farthest = max(farthest, int(width))
                stack.append(av[1].data)
            elif op is _parser.SUBPATTERN:
                stack.append(av[3].data if hasattr(av[3], "data") else av[3])
            elif op is _parser.BRANCH:
                stack.extend(branch.data if hasattr(branch, "data") else branch for branch in av[1])
            elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
                stack.append(av[2].data if hasattr(av[2], "data") else av[2])
            elif op is _parser.ATOMIC_GROUP:
                stack.append(av.data if hasattr(av, "data") else av)
            elif op not in (
                _parser.LITERAL,
                _parser.NOT_LITERAL,
                _parser.IN,
                _parser.ANY,
                _parser.AT,
            ):
                return None
    return farthest


def _plan(source: str, groups: tuple[tuple[str, ...] | None, ...]) -> WindowPlan | None:
    """How the pattern may be searched only around its needles on lower-case text: the
    ``groups`` of needles every match is proved to hold one of; None when none is, or
    its longest match or how far past it it reads is not known."""
    tree = _parser.parse(source)
    width = tree.getwidth()[1]
    beyond = _beyond(tree)
    if width >= _parser.MAXREPEAT or beyond is None:
        return None
    needles = tuple(group for group in groups if group is not None and holds_one_of(tree, group))
    return WindowPlan(int(width), beyond, needles) if needles else None


def _windows(
    occurrences: Occurrences, groups: tuple[tuple[str, ...], ...], reach: int, beyond: int
) -> list[tuple[int, int]] | None:
    """The windows around the needles of the first group found at most
    ``_MAX_OCCURRENCES`` times (None when every group is found more often)."""
    for group in groups:
        windows: list[tuple[int, int]] = []
        for needle in group:
            size = len(needle)
            places = occurrences.positions(needle)
            if len(windows) + len(places) > _MAX_OCCURRENCES:  # counted before they are built
                break
            windows.extend((max(0, at + size - reach), at + reach + beyond) for at in places)
        else:
            return windows
    return None


def start_spans(
    pattern: re.Pattern[str],
    scan: str,
    needles: tuple[str, ...],
    limit: int = _MAX_STARTS,
    occurrences: Occurrences | None = None,
) -> list[tuple[int, int]] | None:
    """The spans of ``pattern.finditer(scan)`` when every match starts with one of
    ``needles``: the pattern is tried at their occurrences only (None when they occur
    more than ``limit`` times); and at 0, where a pattern may match by ``^``.
    ``finditer`` yields the leftmost match from 0, then from the end of each match, and
    a match can start only where a needle does. ``occurrences`` is an index of
    ``scan`` to find the needles in (one is made when not given)."""
    where = occurrences if occurrences is not None else Occurrences(scan)
    places = where.starts(needles, limit)
    if places is None:
        return None
    spans: list[tuple[int, int]] = []
    done = 0
    for at in places:
        if at >= done and (match := pattern.match(scan, at)) is not None:
            spans.append(match.span())
            done = match.end()
    return spans


def find_spans(
    pattern: re.Pattern[str],
    scan: str,
    lower: bool,
    windows: WindowPlan | None,
    starts: tuple[str, ...] | None,
    occurrences: Occurrences | None = None,
) -> Iterator[tuple[int, int]]:
    """The spans of ``pattern.finditer(scan)``, reading only around the needles where
    it can (``lower``: ``pattern`` is the form without IGNORECASE, ``scan`` lower
    case; ``windows`` and ``starts``: the pattern's plans, None where there is none).

    ``finditer`` yields the leftmost match from 0, then from the end of each match (no
    pattern matches the empty string: each holds a needle). When every match holds a
    needle (proved) and spans at most ``reach`` characters, a match holding the needle
    at ``i`` (length ``k``) starts in ``[i + k - reach, i]`` and reads nothing at or past
    ``i + reach + beyond``: only those windows (merged where they overlap) can hold a
    match. Each is searched from the last match's end, cut at its own end (a cut can
    make a match appear, for an assertion that now sees the end of the text, but cannot
    hide one); at a hit, the text is searched uncut from there, which returns the
    leftmost match, since no match starts in between. Needles found too often make the
    windows cover the text: then the whole text is searched. ``occurrences`` is an
    index of ``scan`` that several patterns share (one is made when not given).
    """
    if not lower or len(scan) < WINDOWED_FROM:
        yield from (match.span() for match in pattern.finditer(scan))
        return
    where = occurrences if occurrences is not None else Occurrences(scan)
    found = None if starts is None else start_spans(pattern, scan, starts, occurrences=where)
    if found is not None:
        yield from found
        return
    if windows is None:
        yield from (match.span() for match in pattern.finditer(scan))
        return
    reach, beyond, groups = windows
    around = _windows(where, groups, reach, beyond)
    if around is None:
        yield from (match.span() for match in pattern.finditer(scan))
        return
    around.sort()
    merged: list[tuple[int, int]] = []
    for low, high in around:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    done = 0  # no match starts before it (the end of the last match)
    for low, high in merged:
        start = max(low, done)
        while start < high and pattern.search(scan, start, high) is not None:
            match = pattern.search(scan, start)
            if match is None:
                return
            yield match.span()
            done = start = match.end()
