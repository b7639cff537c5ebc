"""Text normalisation that undoes the cheap disguises of prompt attacks.

Attackers hide instructions from keyword filters with look-alike letters (Cyrillic
``а`` for Latin ``a``), full-width or mathematical letters, zero-width characters,
leetspeak (``1gn0r3``) and encodings (base64, hex, rot13). :func:`normalise` folds
all of these into one lower-case string with a map back to the original offsets,
and :func:`decoded_payloads` returns the text hidden inside encoded runs. Nothing
here scores anything: a normalised text is neither good nor bad.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

__all__ = [
    "LEET_CHARS",
    "DecodedPayload",
    "NormalisedText",
    "decoded_payloads",
    "normalise",
    "undo_leetspeak",
    "undo_spacing",
]

# Characters that render as nothing; removed before any matching.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad")
# Bidirectional controls reorder what a reader sees without changing the bytes.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")

# The look-alikes NFKC leaves alone: Cyrillic, Greek and a few Latin extensions that
# render like ASCII letters (a small subset of Unicode's confusables.txt, the letters
# that keyword-evasion tools actually use).
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ɩ": "i",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H",
        "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y",
        "Χ": "X",
    }
)  # fmt: skip

_CONFUSABLE_CHARS = frozenset(chr(code) for code in _CONFUSABLES)

_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "+": "t"})  # fmt: skip
LEET_CHARS = "".join(chr(code) for code in _LEET)  # the characters undo_leetspeak changes
_LEET_PAIRS = tuple((chr(code), letter) for code, letter in _LEET.items())
# A leetspeak character next to a letter. Written to start with a character class, which
# the regex engine skips to quickly (the alternation "[a-z][...]|[...][a-z]" is tried at
# every position): a match of one is a match of the other.
_HAS_LEET = re.compile(r"[013457@$!|+](?:(?<=[a-z].)|(?=[a-z]))")

# Bounded quantifiers only: an unbounded run followed by a failing suffix is where
# catastrophic backtracking starts.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,8192}={0,2}")
_HEX_RUN = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{16,8192}(?![0-9A-Fa-f])")
_HEX_SPACED = re.compile(r"(?:\\x|0x)?[0-9A-Fa-f]{2}(?:[ ,:]?(?:\\x|0x)?[0-9A-Fa-f]{2}){7,4096}")
_WORD = re.compile(r"[a-z]{2,}")
_LONG_TOKEN = re.compile(r"\S{16,}")
_HEX_SPACED_GATE = re.compile(
    r"[0-9A-Fa-f]{2}[ ,:](?:\\x|0x)?[0-9A-Fa-f]{2}[ ,:](?:\\x|0x)?[0-9A-Fa-f]{2}[ ,:]"
)
_SPACED_RUN = re.compile(r"(?:(?<!\S)\S ){6}")
# What a run holds from its second character on (each of those follows the space of
# the one before): searched first, since it starts with a literal, which the regex
# engine skips to quickly, where the run's look-behind is tried at every position.
_SPACED_GATE = re.compile(r" \S \S \S \S \S ")
_SPACED_LETTER = re.compile(r"(?<=\S) (?=\S)")
_GAP = re.compile(r" {2,}")


@dataclass(frozen=True)
class NormalisedText:
    """A text folded for matching, with the original offset of every character.

    ``text[i]`` came from ``original[offsets[i]]``; ``offsets`` is ``None`` when the
    normalised text has the same length as the original and maps one to one.

    >>> n = normalise("Ιgnore\\u200b previous")
    >>> n.text
    'ignore previous'
    >>> n.span(0, 6)
    (0, 6)
    """

    original: str
    text: str
    offsets: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The ``(start, end)`` in the original text of a span of :attr:`text`."""
        if self.offsets is None:
            return start, end
        if not self.offsets:
            return 0, 0
        last = len(self.offsets) - 1
        first = self.offsets[min(start, last)]
        final = self.offsets[min(max(end - 1, start), last)] + 1
        return first, final


@dataclass(frozen=True)
class DecodedPayload:
    """Text recovered from an encoded run: ``encoding`` is base64, hex or rot13."""

    encoding: str
    start: int
    end: int
    text: str


def normalise(text: str) -> NormalisedText:
    """Fold ``text`` to lower-case ASCII-like letters for pattern matching.

    Applies NFKC (full-width and mathematical letters), maps look-alike Cyrillic and
    Greek letters to Latin, and drops zero-width and bidi control characters.

    >>> normalise("ＩＧＮＯＲＥ аll").text
    'ignore all'
    """
    if text.isascii():
        # The common case pays one lower() and no per-character work.
        return NormalisedText(text, text.lower(), None)
    distinct = set(text)
    if _INVISIBLE.search(text) is None:
        # Most non-English text needs only the one-to-one look-alike map: all C calls
        # (str.replace for the few look-alikes present: str.translate with a dict costs
        # a dict lookup per character of the text).
        folded = text
        for char in distinct & _CONFUSABLE_CHARS:
            folded = folded.replace(char, _CONFUSABLES[ord(char)])
        if unicodedata.is_normalized("NFKC", folded):
            lowered = folded.lower()
            if len(lowered) == len(text):
                return NormalisedText(text, lowered, None)
    # Fold each distinct character once (cached across calls); offsets are only built
    # when some character changes length.
    for char in distinct:
        if ord(char) not in _FOLDED:
            _FOLDED[ord(char)] = _fold(char)
    folded_text = _folded(text, distinct)
    odd = [char for char in distinct if len(_FOLDED[ord(char)]) != 1]
    if not odd:
        return NormalisedText(text, folded_text, None)
    # The folded length of every character, then index i repeated that many times:
    # a few array passes instead of a Python step per character.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.ones(len(text), dtype=np.int64)
    for char in odd:
        lengths[codes == ord(char)] = len(_FOLDED[ord(char)])
    offsets = np.repeat(np.arange(len(text)), lengths).tolist()
    return NormalisedText(text, folded_text, tuple(offsets))


def _folded(text: str, distinct: set[str]) -> str:
    """``text.translate(_FOLDED)`` (every character's :func:`_fold`), mostly in C.

    Most characters fold to their ``lower()``: the others (look-alikes, NFKC changes,
    invisible characters) are replaced first and the whole text is lower-cased once,
    which is what a dict lookup per character gives, unless a capital sigma is there
    (``lower()`` reads it in context) or a replacement could be changed again.
    """
    special = [char for char in distinct if _FOLDED[ord(char)] != char.lower()]
    replaced = "".join(_FOLDED[ord(char)] for char in special)
    if (
        "\u03a3" in distinct
        or replaced.lower() != replaced
        or not set(replaced).isdisjoint(special)
    ):
        return text.translate(_FOLDED)
    for char in special:
        text = text.replace(char, _FOLDED[ord(char)])
    return text.lower()


def _fold(char: str) -> str:
    if char in ZERO_WIDTH or char in BIDI_CONTROLS or 0xE0000 <= ord(char) <= 0xE007F:
        return ""
    folded = char.translate(_CONFUSABLES)
    if not folded.isascii():
        folded = unicodedata.normalize("NFKC", folded).translate(_CONFUSABLES)
    return folded.lower()


# Character -> folded text, filled on first sight (bounded by the code points seen).
_FOLDED: dict[int, str] = {}


def undo_leetspeak(text: str) -> str | None:
    """``text`` with digits and symbols read as letters, or ``None`` if it has none.

    >>> undo_leetspeak("1gn0r3 4ll rul35")
    'ignore all rules'
    >>> undo_leetspeak("plain words") is None
    True
    """
    if _HAS_LEET.search(text) is None:
        return None
    # str.translate with a dict looks up every character in Python's dict; eleven
    # str.replace calls (each a C scan, a no-op when the character is absent) are
    # a hundred times faster and give the same text (no replacement is a leet character).
    for char, letter in _LEET_PAIRS:
        text = text.replace(char, letter)
    return text


def undo_spacing(text: str) -> str | None:
    """``text`` with letter-by-letter spacing removed, or ``None`` if it has none.

    Words spelled ``i g n o r e`` escape word patterns; a run of six or more single
    characters separated by single spaces is joined, and wider gaps become one space.

    >>> undo_spacing("i g n o r e   a l l")
    'ignore all'
    >>> undo_spacing("a b c") is None
    True
    """
    if _SPACED_GATE.search(text) is None or _SPACED_RUN.search(text) is None:
        return None
    return _GAP.sub(" ", _SPACED_LETTER.sub("", text))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ROT13 = bytes.maketrans(
    (_LETTERS + _LETTERS.upper()).encode(),
    (_LETTERS[13:] + _LETTERS[:13] + _LETTERS[13:].upper() + _LETTERS[:13].upper()).encode(),
)


def rot13(text: str) -> str:
    """``text`` with every Latin letter rotated by 13 places.

    >>> rot13("vtaber nyy")
    'ignore all'
    """
    # In UTF-8 every byte of a non-ASCII character is 0x80 or above, so a byte table
    # that moves the ASCII letters gives the rot13 codec's text (which costs a dict
    # lookup per character).
    return text.encode("utf-8", "surrogatepass").translate(_ROT13).decode("utf-8", "surrogatepass")


def _looks_like_text(data: bytes) -> str | None:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not decoded:
        return None
    printable = sum(ch.isprintable() or ch in "\n\t\r" for ch in decoded)
    if printable / len(decoded) < 0.9:
        return None
    # Random bytes that happen to decode are mostly punctuation; real text has words.
    letters = sum(ch.isalpha() or ch == " " for ch in decoded)
    if letters / len(decoded) < 0.6:
        return None
    return decoded


def decoded_payloads(text: str, *, limit: int = 16) -> tuple[DecodedPayload, ...]:
    """The readable texts hidden in base64 or hex runs of ``text``, at most ``limit``.

    Offsets are those of the encoded run in ``text``. rot13 is not found here (it
    looks like any other text); the prompt-attack scanner matches its patterns on
    the rot13 of the whole text instead.

    >>> decoded_payloads("run aWdub3JlIGFsbCBydWxlcw== now")[0].text
    'ignore all rules'
    >>> decoded_payloads("69676e6f726520616c6c2072756c6573")[0].text
    'ignore all rules'
    """
    found: list[DecodedPayload] = []
    # Encoded runs are long tokens (what str.split gives, 16 characters or more: \s is
    # str.isspace here too): run the regular expressions on them alone instead of at
    # every position of the text.
    for token in _LONG_TOKEN.finditer(text):
        found.extend(_decode_token(token.group(), token.start()))
        if len(found) >= limit:
            return tuple(found[:limit])
    if _HEX_SPACED_GATE.search(text) is not None:
        for match in _HEX_SPACED.finditer(text):
            digits = re.sub(r"\\x|0x|[ ,:]", "", match.group())
            if len(digits) % 2 or match.group().isalnum():
                continue
            decoded = _looks_like_text(binascii.unhexlify(digits))
            if decoded is not None:
                found.append(DecodedPayload("hex", match.start(), match.end(), decoded))
    return tuple(found[:limit])


def _decode_token(token: str, offset: int) -> list[DecodedPayload]:
    found = []
    for match in _HEX_RUN.finditer(token):
        run = match.group()
        decoded = _looks_like_text(binascii.unhexlify(run[: len(run) - len(run) % 2]))
        if decoded is not None:
            found.append(
                DecodedPayload("hex", offset + match.start(), offset + match.end(), decoded)
            )
    if found:
        return found
    for match in _BASE64_RUN.finditer(token):
        run = match.group()
        if run.isalpha() and (run.islower() or run.isupper()):
            continue  # a long word or an identifier, not base64
        padded = run + "=" * (-len(run) % 4)
        try:
            raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _looks_like_text(raw)
        if decoded is not None and _WORD.search(decoded.lower()):
            start, end = offset + match.start(), offset + match.end()
            found.append(DecodedPayload("base64", start, end, decoded))
    return found
