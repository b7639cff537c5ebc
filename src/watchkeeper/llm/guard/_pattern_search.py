"""Finding the scored patterns in a text without changing what is found.

A pattern runs only when its triggers (and ``also`` strings) are in the text; on long
texts (where one index of the text, :mod:`._needles`, says where they are) a pattern
whose every match holds a trigger (proved from its syntax tree by
:func:`._pattern_proofs.holds_one_of`) is searched only around its triggers
(:func:`search`); the leetspeak pass reuses what the pass over the folded text learnt
and reads only around the characters it changed (:func:`leet_families`); the rot13 pass
rules out triggers by their character pairs (:func:`absent_after_rot13`). Each has a
property test against the plain search (``tests/llm/test_guard_speed_*``).
"""

from __future__ import annotations

import re
import re._parser as _parser  # type: ignore[import-not-found]
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from watchkeeper.llm.guard._attack_patterns import ATTACK_PATTERNS, AttackPattern
from watchkeeper.llm.guard._needles import Needles, Occurrences
from watchkeeper.llm.guard._normalise import LEET_CHARS, rot13
from watchkeeper.llm.guard._pattern_proofs import holds_one_of, match_starts

__all__ = [
    "NEEDLES",
    "REACH",
    "WINDOWED_FROM",
    "absent",
    "absent_after_rot13",
    "holds_trigger",
    "leet_families",
    "match_patterns",
    "pair_table",
    "search",
    "triggered",
]


def match_patterns(
    text: str,
    patterns: tuple[AttackPattern, ...] = ATTACK_PATTERNS,
    floor: Mapping[str, float] | None = None,
    misses: set[int] | None = None,
    present: dict[str, bool] | None = None,
    occurrences: Occurrences | None = None,
) -> dict[str, tuple[float, int, int]]:
    """Each family's strongest matching pattern: its weight and the span of its match.

    With ``floor``, a pattern no heavier than its family's floor is not run, and a
    family found only by such patterns is left out: the families found above their
    floor keep the weight they have without one (a family's weight is the largest of
    its matching patterns), which is all the variant passes need. ``misses`` collects
    the ``id`` of each pattern searched in vain; ``present`` receives the answer of
    every trigger tested (see :func:`triggered`). ``occurrences``, an index of ``text``
    (:class:`._needles.Occurrences`), answers where the triggers are instead of a
    ``str.find`` each.
    """
    found: dict[str, tuple[float, int, int]] = {}
    if present is None:
        present = {}
    for item in patterns:
        family, weight = item.family, item.weight
        if family in found and found[family][0] >= weight:
            continue
        if floor is not None and weight <= floor.get(family, 0.0):
            continue
        if not triggered(item, text, present, occurrences):
            continue
        match = search(item, text, present, occurrences)
        if match is not None:
            found[family] = (weight, match.start(), match.end())
        elif misses is not None:
            misses.add(id(item))
    return found


# Texts shorter than this are searched whole: finding the needles and searching the
# windows around them would cost more. The same threshold serves the structural
# patterns (:mod:`._structure_search`) and the pair tables (:mod:`._prompt_attack`).
WINDOWED_FROM = 1024
_MAX_WINDOWS = 48


def search(
    item: AttackPattern,
    text: str,
    present: Mapping[str, bool] | None = None,
    occurrences: Occurrences | None = None,
) -> re.Match[str] | None:
    """``item.pattern.search(text)``, reading only around the triggers where it can.

    When every match holds one of the triggers (:func:`holds_trigger`) and spans at
    most ``reach`` characters, a match holding the trigger at ``i`` (length ``k``) lies
    in ``[i + k - reach, i + reach]`` and looks at most one character further: only
    those windows can hold one. They are searched in order, each cut at its end (a cut
    can make a match appear, for a look-ahead that now sees the end of the text, but
    cannot hide one); at the first that finds something, the text is searched from
    that window's start, which returns the leftmost match, since no match starts
    before it. Triggers found too often make the windows cover the text: then the
    pattern is tried where its matches can start (:func:`_search_at_starts`), and when
    those are many too, the whole text is searched. A pattern without windows (not every
    match holds a trigger, or its matches are unbounded) is tried at its starts first.
    """
    if len(text) < WINDOWED_FROM:
        return item.pattern.search(text)
    where = occurrences if occurrences is not None else Occurrences(text)
    reach = REACH.get(id(item))  # None too for a pattern not in ATTACK_PATTERNS
    if reach is None or not holds_trigger(item):
        found = _search_at_starts(item, text, where)
        return item.pattern.search(text) if found is False else found
    windows: list[tuple[int, int]] = []
    for trigger in item.triggers:
        if present is not None and present.get(trigger) is False:
            continue  # known to be absent (``present`` as in triggered)
        size = len(trigger)
        places = where.positions(trigger)
        if len(windows) + len(places) > _MAX_WINDOWS:  # counted before they are built
            found = _search_at_starts(item, text, where)
            return item.pattern.search(text) if found is False else found
        windows.extend((max(0, at + size - reach), at + reach + 1) for at in places)
    windows.sort()
    low, high = windows[0] if windows else (0, 0)
    for start, end in windows[1:]:
        if start > high:
            if item.pattern.search(text, low, high) is not None:
                return item.pattern.search(text, low)
            low = start
        high = max(high, end)
    if windows and item.pattern.search(text, low, high) is not None:
        return item.pattern.search(text, low)
    return None


_MAX_STARTS = 64


def _search_at_starts(
    item: AttackPattern, text: str, occurrences: Occurrences
) -> re.Match[str] | Literal[False] | None:
    """``item.pattern.search(text)`` tried only where a match can start, or False when
    that is in more than ``_MAX_STARTS`` places (or the starts are not known).

    Every match starts at 0 or with one of the pattern's starts (proved,
    :func:`._pattern_proofs.match_starts`); ``search`` returns the match that ``match``
    finds at the first position where there is one, so trying those places in order
    returns the same match.
    """
    starts = _STARTS.get(id(item))
    places = None if starts is None else occurrences.starts(starts, _MAX_STARTS)
    if places is None:
        return False
    for at in places:
        if (match := item.pattern.match(text, at)) is not None:
            return match
    return None


def triggered(
    item: AttackPattern,
    text: str,
    present: dict[str, bool],
    occurrences: Occurrences | None = None,
) -> bool:
    """Whether one of ``item``'s triggers is in ``text``; ``present`` remembers each
    trigger's answer (several patterns share triggers: each is tested once a text)."""
    if not _any_in(item.triggers, text, present, occurrences):
        return False
    return not item.also or _any_in(item.also, text, present, occurrences)


def _any_in(
    needles: tuple[str, ...],
    text: str,
    present: dict[str, bool],
    occurrences: Occurrences | None,
) -> bool:
    # Looked up by identity: hashing a tuple of fifty strings on every call costs more.
    indexed = _INDEXED.get(id(needles))
    if occurrences is not None and indexed is not None and occurrences.lacks_all(indexed):
        # None of them starts anywhere in the text: one set operation, not a question
        # a needle (most patterns' triggers are absent from most texts).
        present.update(dict.fromkeys(needles, False))
        return False
    for needle in needles:
        seen = present.get(needle)
        if seen is None:
            held = occurrences.holds(needle) if occurrences is not None else needle in text
            seen = present[needle] = held
        if seen:
            return True
    return False


def _reach(tree: Any) -> int | None:
    """The longest match of a parsed pattern, or ``None`` when unbounded."""
    width = tree.getwidth()[1]
    return None if width >= _parser.MAXREPEAT else int(width)


# The patterns look at most one character beyond their match (\b, ^): see leet_families.
_TREES = {
    id(item): _parser.parse(item.pattern.pattern, item.pattern.flags) for item in ATTACK_PATTERNS
}
REACH = {id(item): _reach(tree) for item in ATTACK_PATTERNS for tree in [_TREES[id(item)]]}
_LONGEST_TRIGGER = max(
    len(needle) for item in ATTACK_PATTERNS for needle in item.triggers + item.also
)


class _LeetTriggers:
    """Which triggers the leetspeak text holds, from what the folded text held.

    ``leet`` differs from ``folded`` only at ``changed`` (each a leetspeak character
    of ``folded``, a letter of ``leet``). A trigger without leetspeak characters that
    ``folded`` holds, ``leet`` holds at the same place; one that ``folded`` lacks can
    be in ``leet`` only across a changed character, so it is looked for in the
    windows around them alone. The other triggers are looked for in ``leet``.
    """

    def __init__(
        self, leet: str, changed: npt.NDArray[np.intp], folded_present: Mapping[str, bool]
    ) -> None:
        self.leet = leet
        self.changed = changed
        self.folded_present = folded_present
        self.present: dict[str, bool] = {}
        self._windows: str | None = None
        # Several patterns share a trigger: each is looked for once (a str.find loop).
        self._occurrences = Occurrences(leet)

    def positions(self, needle: str) -> npt.NDArray[np.intp]:
        """Every start of ``needle`` in ``leet``, ascending (overlapping ones too)."""
        return np.array(self._occurrences.positions(needle), dtype=np.intp)

    def windows(self) -> str:
        """The text of ``leet`` within a trigger's length of a changed character."""
        if self._windows is None:
            lows, highs = _merged(
                self.changed, _LONGEST_TRIGGER - 1, _LONGEST_TRIGGER, len(self.leet)
            )
            # NUL is in no trigger: no trigger is found across two windows.
            self._windows = "\0".join(
                self.leet[low:high] for low, high in zip(lows.tolist(), highs.tolist(), strict=True)
            )
        return self._windows

    def triggered(self, item: AttackPattern) -> bool:
        """``triggered(item, leet, ...)``, without reading all of ``leet`` where it can."""
        if not self._any_in(item.triggers):
            return False
        return not item.also or self._any_in(item.also)

    def _any_in(self, needles: tuple[str, ...]) -> bool:
        for needle in needles:
            seen = self.present.get(needle)
            if seen is None:
                before = self.folded_present.get(needle)
                if before is None or not _LEET_FREE[needle]:
                    seen = needle in self.leet
                elif before:
                    seen = True
                else:
                    seen = needle in self.windows()
                self.present[needle] = seen
            if seen:
                return True
        return False


_LEET_FREE = {
    needle: not any(char in LEET_CHARS for char in needle)
    for item in ATTACK_PATTERNS
    for needle in item.triggers + item.also
}


def _changed(folded: str, leet: str) -> npt.NDArray[np.intp]:
    """The indices where ``leet`` differs from ``folded`` (same length)."""
    if folded.isascii():
        before = np.frombuffer(folded.encode("ascii"), dtype=np.uint8)
        after = np.frombuffer(leet.encode("ascii"), dtype=np.uint8)
    else:
        before = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
        after = np.frombuffer(leet.encode("utf-32-le"), dtype=np.uint32)
    return np.flatnonzero(before != after)


def leet_families(
    folded: str,
    leet: str,
    floor: Mapping[str, float],
    misses: set[int],
    present: Mapping[str, bool] | None = None,
) -> dict[str, float]:
    """The families of ``match_patterns(leet, floor=floor)``, with their weights.

    ``floor`` holds at least the families that the pass over ``folded`` found, and
    ``misses`` and ``present`` come from that pass (``match_patterns(folded,
    misses=..., present=...)``). ``leet`` differs from ``folded`` only where ``folded``
    holds a leetspeak character, so a pattern that the pass did not find can match
    ``leet`` only where its match, or the character on either side of it, was changed:
    the same characters would have matched in ``folded`` (or, for a pattern whose
    triggers or ``also`` strings ``folded`` lacks, they would be there). Such a pattern
    is searched only around the occurrences of its triggers that have a changed
    character within its reach, when every match holds a trigger
    (:func:`holds_trigger`); otherwise, if it was searched in vain over ``folded``,
    around every changed character (:func:`_near`). A match in a window is settled by
    a search of the whole text, so the answer is the one a search of the whole text
    gives. The triggers that the pass answered for are not looked for again
    (:class:`_LeetTriggers`).
    """
    changed = _changed(folded, leet)
    triggers = _LeetTriggers(leet, changed, present if present is not None else {})
    found: dict[str, float] = {}
    for item in ATTACK_PATTERNS:
        family, weight = item.family, item.weight
        if weight <= max(found.get(family, 0.0), floor.get(family, 0.0)):
            continue
        if not triggers.triggered(item):
            continue
        reach = REACH[id(item)]
        if reach is not None and changed.size > 0 and holds_trigger(item):
            if not _near_trigger(item, leet, changed, reach, triggers):
                continue
        elif (
            reach is not None
            and changed.size > 0
            and id(item) in misses
            and not _near(item.pattern, leet, changed, reach + 1)
        ):
            continue
        if item.pattern.search(leet) is not None:
            found[family] = weight
    return found


def _near_trigger(
    item: AttackPattern,
    leet: str,
    changed: npt.NDArray[np.intp],
    reach: int,
    triggers: _LeetTriggers,
) -> bool:
    """Whether ``item`` may match around an occurrence of one of its triggers in
    ``leet`` that has a changed character within its reach.

    Every match of ``item`` holds one of its triggers (:func:`holds_trigger`) and
    spans at most ``reach`` characters; a match that ``folded`` lacks reads a changed
    character (in it or next to it). A match holding the trigger at ``i`` (length
    ``k``) lies in ``[i + k - reach, i + reach]``, so a changed character must lie in
    ``[i + k - reach - 1, i + reach]``: the windows of such occurrences (ending one
    character after the match can, for a look-ahead) are merged and each merged window
    is searched once. A search cut at a window's end, or across two windows that
    overlap, can match where the whole text does not, which the caller's search of the
    whole text settles; it cannot miss a match inside a window. When the windows cover
    the text, the caller's search reads it once and this reads nothing.
    """
    length = len(leet)
    lows, highs = [], []
    for trigger in item.triggers:
        if triggers.present.get(trigger) is False:
            continue  # known to be absent from ``leet``
        places = triggers.positions(trigger)
        if places.size == 0:
            continue
        size = len(trigger)
        # The first changed character at or after each window's left edge, if any,
        # must also lie at or before the occurrence's reach.
        first = np.searchsorted(changed, places + (size - reach - 1))
        inside = first < changed.size
        inside[inside] = changed[first[inside]] <= places[inside] + reach
        near = places[inside]
        if near.size:
            lows.append(np.maximum(near + (size - reach), 0))
            highs.append(np.minimum(near + (reach + 1), length))
    if not lows:
        return False
    low_edges, high_edges = _merged_windows(np.concatenate(lows), np.concatenate(highs))
    if int((high_edges - low_edges).sum()) >= length:
        return True
    return any(
        item.pattern.search(leet, low, high) is not None
        for low, high in zip(low_edges.tolist(), high_edges.tolist(), strict=True)
    )


def _merged_windows(
    starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The windows ``[starts[i], ends[i])`` merged where they overlap or touch."""
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], np.maximum.accumulate(ends[order])
    gaps = np.flatnonzero(starts[1:] > ends[:-1])
    lows = np.concatenate((starts[:1], starts[gaps + 1]))
    highs = np.concatenate((ends[gaps], ends[-1:]))
    return lows, highs


def _merged(
    points: npt.NDArray[np.intp], before: int, after: int, length: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The windows ``[point - before, point + after)`` (clipped to the text), merged."""
    return _merged_windows(np.maximum(points - before, 0), np.minimum(points + after, length))


def _near(pattern: re.Pattern[str], text: str, changed: npt.NDArray[np.intp], margin: int) -> bool:
    """Whether ``pattern`` matches within ``margin`` characters of a changed one."""
    lows, highs = _merged(changed, margin, margin + 1, len(text))
    if int((highs - lows).sum()) >= len(text):
        return True
    return any(
        pattern.search(text, low, high) is not None
        for low, high in zip(lows.tolist(), highs.tolist(), strict=True)
    )


def holds_trigger(item: AttackPattern) -> bool:
    """Whether every match of ``item`` holds one of its triggers (proved at import, in
    about 12 ms for all the patterns; False for a pattern not in ATTACK_PATTERNS)."""
    return _TRIGGER_PROOFS.get(id(item), False)


# The strings every match of a pattern starts with (unless at 0), where proved: the
# patterns compiled without IGNORECASE or MULTILINE (all of them: they read folded text).
_STARTS = {
    id(item): starts
    for item in ATTACK_PATTERNS
    if not item.pattern.flags & (re.IGNORECASE | re.MULTILINE)
    and (starts := match_starts(item.pattern.pattern)) is not None
}

# Every string the pass looks for in a long text, to look up in one index of it.
NEEDLES = Needles(
    [needle for item in ATTACK_PATTERNS for needle in item.triggers + item.also]
    + [start for starts in _STARTS.values() for start in starts]
)

# The trigger and ``also`` sets that the index knows whole (every needle three or more
# characters long), as sets, for Occurrences.lacks_all; keyed by the identity of the
# patterns' own tuples, which live as long as the module (another tuple is not found).
_INDEXED = {
    id(needles): frozenset(needles)
    for item in ATTACK_PATTERNS
    for needles in (item.triggers, item.also)
    if needles and all(needle in NEEDLES.slot for needle in needles)
}

_TRIGGER_PROOFS = {
    id(item): holds_one_of(_TREES[id(item)], item.triggers) for item in ATTACK_PATTERNS
}


# A string is in a text only if each pair of its adjacent characters is, and in
# rot13(text) only if each pair of its rot13 is in ``text``. The pairs of a text mark
# slots of a 65,536-bit table (a pair's slot is ``(131 * first + second) mod 2**16``,
# one to one on ASCII pairs); a trigger or ``also`` string one of whose pairs has an
# empty slot is not there. Slots shared by other pairs only make the test rule out less.
_PAIRED = sorted(
    {needle for item in ATTACK_PATTERNS for needle in item.triggers + item.also if len(needle) > 1}
)
_PAIR_SLOTS = 1 << 16


def _pair_slots(text: str) -> npt.NDArray[np.uint32]:
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # Code points are below 2**21: 131 times one does not overflow 32 bits.
    slots: npt.NDArray[np.uint32] = (codes[:-1] * np.uint32(131) + codes[1:]) & np.uint32(0xFFFF)
    return slots


_NEEDLE_SLOTS = np.concatenate([_pair_slots(needle) for needle in _PAIRED])
_NEEDLE_SLOTS_ROT13 = np.concatenate([_pair_slots(rot13(needle)) for needle in _PAIRED])
_PAIR_STARTS = np.cumsum([0] + [len(needle) - 1 for needle in _PAIRED[:-1]])


def pair_table(text: str) -> npt.NDArray[np.bool_]:
    """The slots of the character pairs of ``text``."""
    seen = np.zeros(_PAIR_SLOTS, dtype=bool)
    seen[_pair_slots(text)] = True
    return seen


def absent(seen: npt.NDArray[np.bool_], rotated: bool = False) -> dict[str, bool]:
    """``{needle: False}`` for the triggers and ``also`` strings that the text whose
    pairs are ``seen`` (or, ``rotated``, its rot13) cannot hold."""
    slots = _NEEDLE_SLOTS_ROT13 if rotated else _NEEDLE_SLOTS
    held = np.logical_and.reduceat(seen[slots], _PAIR_STARTS)
    return {needle: False for needle, ok in zip(_PAIRED, held.tolist(), strict=True) if not ok}


def absent_after_rot13(text: str) -> dict[str, bool]:
    """``{needle: False}`` for the triggers and ``also`` strings ``rot13(text)`` lacks."""
    return absent(pair_table(text), rotated=True)
