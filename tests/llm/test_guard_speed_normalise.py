"""The fast text transforms of the guard equal the plain ones they replace.

rot13 through a UTF-8 byte table (the codec looks up every character in a dict),
leetspeak undone by ``str.replace`` and its gate written to start with a character
class, the spacing gate, and the look-alike fold by ``str.replace``: each is compared
with the plain form (Python's rot13 codec, ``str.translate``, the original regular
expressions) on random texts over an alphabet that holds what each one reads (ASCII
letters and digits, leetspeak symbols, spaces, look-alike Cyrillic and Greek letters,
accents, CJK, zero-width characters, full-width letters and a lone surrogate).
"""

from __future__ import annotations

import codecs
import random
import re
import unicodedata

import pytest

from watchkeeper.llm.guard._normalise import (
    _CONFUSABLES,
    _FOLDED,
    _INVISIBLE,
    _LEET,
    _fold,
    normalise,
    rot13,
    undo_leetspeak,
    undo_spacing,
)

ALPHABET = [
    *"abcxyzABCXYZ mnoMNO 0134579 @$!|+ .,:\n\t",
    *"аеорсАВЕ αβεο Ιgn éüßÆ 你好把 \u200b\u00ad",
    *"ＩＧＮ …ﬁ ı ſ",
    "\ud800",
    "\U0001d400",
    "  ",
]
PLAIN_HAS_LEET = re.compile(r"[a-z][013457@$!|+]|[013457@$!|+][a-z]")
PLAIN_SPACED_RUN = re.compile(r"(?:(?<!\S)\S ){6}")
PLAIN_GAP = re.compile(r" {2,}")
PLAIN_SPACED_LETTER = re.compile(r"(?<=\S) (?=\S)")


def _texts(seed: int, count: int = 3000) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        weights = [rng.random() for _ in ALPHABET]
        out.append("".join(rng.choices(ALPHABET, weights, k=rng.randint(0, 80))))
    # letter-by-letter spacing, in runs of 4 to 8
    for _ in range(300):
        word = "".join(rng.choice("abcdefg1!") for _ in range(rng.randint(4, 8)))
        out.append(rng.choice(("", "x ", "é\n")) + " ".join(word) + rng.choice(("", " ", "  y")))
    return out


def _plain_normalise(text: str) -> str:
    """The fold as written before the str.replace fast path (text only)."""
    if text.isascii():
        return text.lower()
    if _INVISIBLE.search(text) is None:
        folded = text.translate(_CONFUSABLES)
        if unicodedata.is_normalized("NFKC", folded):
            lowered = folded.lower()
            if len(lowered) == len(text):
                return lowered
    return "".join(_fold(char) for char in text)


@pytest.mark.parametrize("seed", range(3))
def test_rot13_is_the_codec(seed: int) -> None:
    for text in _texts(seed):
        assert rot13(text) == codecs.encode(text, "rot13")


@pytest.mark.parametrize("seed", range(3))
def test_leetspeak_is_the_translation(seed: int) -> None:
    for text in _texts(seed):
        text = text.lower()
        plain = None if PLAIN_HAS_LEET.search(text) is None else text.translate(_LEET)
        assert undo_leetspeak(text) == plain


@pytest.mark.parametrize("seed", range(3))
def test_spacing_is_the_plain_expression(seed: int) -> None:
    for text in _texts(seed):
        plain = None
        if PLAIN_SPACED_RUN.search(text) is not None:
            plain = PLAIN_GAP.sub(" ", PLAIN_SPACED_LETTER.sub("", text))
        assert undo_spacing(text) == plain, repr(text)


@pytest.mark.parametrize("seed", range(3))
def test_the_fold_is_the_plain_fold(seed: int) -> None:
    for text in _texts(seed):
        assert normalise(text).text == _plain_normalise(text), repr(text)
        for char in set(text):  # the cache holds what _fold gives
            assert _FOLDED.get(ord(char), _fold(char)) == _fold(char)
