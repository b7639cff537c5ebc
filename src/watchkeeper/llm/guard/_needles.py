"""Every occurrence of many short strings in one text, from one sorted index.

The pattern pass and the structural pass ask where each of about a thousand needles
(their patterns' triggers and starts) occurs in one text; a ``str.find`` loop a needle
reads the text hundreds of times. Here the text's three-character keys (one a position,
each character's code in 21 bits, so two keys are equal only when their characters are)
are sorted once, and the keys of the needles known in advance (a :class:`Needles`) are
looked up in it at once. A needle of three or more characters can occur only where its
first three do, and a longer one is checked at each of those places; shorter needles are
found with ``str.find``. The positions are those of the ``find`` loop: every occurrence,
overlapping ones too, ascending (``tests/llm/test_guard_needles.py`` checks it against
the loop).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

__all__ = ["Needles", "Occurrences"]

_KEY_CHARS = 3
_BITS = 21  # every code point fits (the largest is 0x10FFFF)


def _key(needle: str) -> int:
    return (ord(needle[0]) << (2 * _BITS)) | (ord(needle[1]) << _BITS) | ord(needle[2])


class Needles:
    """The needles an index is asked about, their keys computed once."""

    names: tuple[str, ...]  # the needles of three or more characters, in ``keys``'s order
    slot: dict[str, int]  # a needle's row in ``keys``
    keys: npt.NDArray[np.uint64]

    def __init__(self, needles: Iterable[str], *parts: Needles) -> None:
        """``needles`` and every needle of the sets ``parts``."""
        every = {*needles, *(needle for part in parts for needle in part.slot)}
        self.names = tuple(sorted(needle for needle in every if len(needle) >= _KEY_CHARS))
        self.slot = {needle: k for k, needle in enumerate(self.names)}
        self.keys = np.array([_key(needle) for needle in self.names], dtype=np.uint64)


class Occurrences:
    """Where needles occur in ``text``. Without ``needles`` every question is a
    ``str.find`` loop (a short text, or a few questions); with them, an index is built
    on the first question of three or more characters and answers the rest. Each
    answer is kept: several patterns ask for the same needle (the lists given back are
    shared, not to be changed).

    >>> known = Needles(["you", "aaa", "shorter"])
    >>> Occurrences("you know you do", known).positions("you")
    [0, 9]
    >>> Occurrences("aaaa", known).positions("aa"), Occurrences("aaaa", known).positions("aaa")
    ([0, 1, 2], [0, 1])
    >>> Occurrences("aaaa").positions("aaa")
    [0, 1]
    >>> Occurrences("short", Needles(["shorter"])).positions("shorter")
    []
    """

    def __init__(self, text: str, needles: Needles | None = None) -> None:
        self.text = text
        self._needles = needles
        self._index: tuple[npt.NDArray[np.intp], npt.NDArray[np.uint64]] | None = None
        self._hits: dict[str, tuple[int, int]] = {}  # known needles whose key occurs
        self._found: dict[str, list[int]] = {}

    def _built(self) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.uint64]]:
        if self._index is None:
            raw = self.text.encode("utf-32-le", "surrogatepass")
            codes = np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)
            if codes.size < _KEY_CHARS:
                keys = np.empty(0, dtype=np.uint64)
            else:
                bits = np.uint64(_BITS)
                keys = (codes[:-2] << (bits + bits)) | (codes[1:-1] << bits) | codes[2:]
            # Not a stable sort (twice as fast): the places of one key are sorted when read.
            order = np.argsort(keys)
            ordered = keys[order]
            if self._needles is not None:
                low = np.searchsorted(ordered, self._needles.keys, side="left")
                high = np.searchsorted(ordered, self._needles.keys, side="right")
                hit = np.flatnonzero(high > low)
                names = self._needles.names
                self._hits = {
                    names[k]: (lo, hi)
                    for k, lo, hi in zip(
                        hit.tolist(), low[hit].tolist(), high[hit].tolist(), strict=True
                    )
                }
            self._index = (order, ordered)
        return self._index

    def starts(self, needles: tuple[str, ...], limit: int) -> list[int] | None:
        """0 and every place where one of ``needles`` occurs, ascending and once each:
        where a pattern whose every match starts with one of them (or at 0) can match;
        None when that is more than ``limit`` places (before duplicates are dropped).

        >>> Occurrences("you and you").starts(("you", "and"), 8)
        [0, 4, 8]
        >>> Occurrences("you and you").starts(("you", "and"), 2) is None
        True
        """
        places = [0]
        for needle in needles:
            places.extend(self.positions(needle))
            if len(places) > limit:
                return None
        return sorted(set(places))

    def lacks_all(self, needles: frozenset[str]) -> bool:
        """Whether no needle of ``needles`` (each known to the index: see
        :class:`Needles`) can occur: the first three characters of none of them do.

        >>> known = Needles(["you", "not here"])
        >>> Occurrences("you know", known).lacks_all(frozenset(["not here"]))
        True
        """
        if self._needles is None or not self._needles.slot.keys() >= needles:
            return False  # an index of other needles cannot say
        self._built()
        return self._hits.keys().isdisjoint(needles)

    def _known_absent(self, needle: str) -> bool:
        """Whether ``needle`` is a known needle whose first three characters are nowhere
        in the text (the index built)."""
        return (
            needle not in self._hits
            and self._needles is not None
            and (needle in self._needles.slot)
        )

    def holds(self, needle: str) -> bool:
        """Whether ``needle`` is in the text (``needle in text``)."""
        if len(needle) < _KEY_CHARS or self._needles is None:
            return needle in self.text
        self._built()
        return not self._known_absent(needle) and bool(self.positions(needle))

    def positions(self, needle: str) -> list[int]:
        """Every start of ``needle`` in the text, ascending (overlapping ones too)."""
        found = self._found.get(needle)
        if found is None:
            found = self._found[needle] = self._look(needle)
        return found

    def _look(self, needle: str) -> list[int]:
        text = self.text
        if len(needle) < _KEY_CHARS or self._needles is None:
            found = []
            at = text.find(needle)
            while at >= 0:
                found.append(at)
                at = text.find(needle, at + 1)
            return found
        order, ordered = self._built()
        if self._known_absent(needle):
            return []
        span = self._hits.get(needle)
        if span is None:
            key = np.uint64(_key(needle))
            span = (
                int(np.searchsorted(ordered, key, side="left")),
                int(np.searchsorted(ordered, key, side="right")),
            )
        places: list[int] = sorted(order[span[0] : span[1]].tolist())
        if len(needle) == _KEY_CHARS:
            return places
        return [at for at in places if text.startswith(needle, at)]
