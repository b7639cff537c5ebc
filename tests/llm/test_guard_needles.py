"""The needle index answers what a ``str.find`` loop answers.

:class:`Occurrences` finds a needle of three or more characters through a sorted index
of the text's three-character keys and checks a longer one at each place; the
structural pass reads its answers instead of a ``find`` loop a needle. The test asks
for every occurrence, ascending and overlapping, as the loop gives them, for the
structural pass's own needles and random ones, on texts of ASCII, Latin-1, other BMP
and astral characters, with crowded and overlapping needles.
"""

from __future__ import annotations

import random

import pytest

from watchkeeper.llm.guard import _structure
from watchkeeper.llm.guard._needles import Needles, Occurrences


def _find_all(text: str, needle: str) -> list[int]:
    found = []
    at = text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


_ALPHABETS = (
    "ab ",  # crowded: every needle overlaps itself
    "you are ignore\n<[:'\"",
    "aäöüéß ",
    "aя中ж😀 ",  # BMP and astral: a key's three code points must stay apart
)
STRUCTURE_NEEDLES = sorted(_structure.NEEDLES.slot)


def _random_text(rng: random.Random, alphabet: str, size: int) -> str:
    pieces: list[str] = []
    while sum(len(piece) for piece in pieces) < size:
        if rng.random() < 0.3:
            pieces.append(rng.choice(STRUCTURE_NEEDLES))
        else:
            pieces.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
    return "".join(pieces)[:size]


@pytest.mark.parametrize("seed", range(6))
def test_the_index_finds_what_a_find_loop_finds(seed: int) -> None:
    rng = random.Random(seed)
    asked = 0
    for alphabet in _ALPHABETS:
        for size in (0, 1, 2, 3, 5, 40, 1500):
            text = _random_text(rng, alphabet, size)
            cut = [
                text[at : at + rng.randint(1, 8)] for at in rng.sample(range(size), min(size, 20))
            ]
            invented = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))]
            known = Needles(STRUCTURE_NEEDLES + cut)
            for index in (Occurrences(text, known), Occurrences(text)):
                for needle in STRUCTURE_NEEDLES + cut + invented:
                    expected = _find_all(text, needle)
                    assert index.positions(needle) == expected, (needle, text[:60])
                    assert index.holds(needle) is (needle in text), (needle, text[:60])
                    asked += bool(expected)
    assert asked > 200  # the needles were found, not only missed


@pytest.mark.parametrize("seed", range(4))
def test_lacks_all_only_when_no_needle_is_there(seed: int) -> None:
    rng = random.Random(seed)
    said = 0
    for alphabet in _ALPHABETS:
        for size in (0, 2, 3, 40, 1500):
            text = _random_text(rng, alphabet, size)
            long_ones = [needle for needle in STRUCTURE_NEEDLES if len(needle) >= 3]
            known = Needles(long_ones)
            for _ in range(40):
                group = frozenset(rng.sample(long_ones, rng.randint(1, 6)))
                lacks = Occurrences(text, known).lacks_all(group)
                assert not (lacks and any(needle in text for needle in group)), group
                said += lacks
            # An index built for other needles does not answer for these.
            other = Occurrences(text, Needles(["you"]))
            assert not other.lacks_all(frozenset(["not known here"]))
    assert said > 50  # it did answer


def test_a_key_tells_code_points_apart() -> None:
    # 21 bits a code point: a key's characters cannot bleed into each other.
    text = "\U0010ffff\x00\x01" + "\x00\U0010ffff\x01"
    known = Needles(["\U0010ffff\x00\x01", "\x00\U0010ffff\x01", "\U0010ffff\x01\x00"])
    index = Occurrences(text, known)
    assert index.positions("\U0010ffff\x00\x01") == [0]
    assert index.positions("\x00\U0010ffff\x01") == [3]
    assert index.positions("\U0010ffff\x01\x00") == []
