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
from typing import Any

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

# What _fold removes: zero-width characters, bidi controls and the tag characters
# that smuggle text no one sees.
_INVISIBLE_CHARS = ZERO_WIDTH | BIDI_CONTROLS | frozenset(map(chr, range(0xE0000, 0xE0080)))

# The flags of every code point (a byte each: 1.1 MB of zeros, untouched pages cost no
# memory): what normalise needs to know of the characters of a text, read for all of
# them with one array lookup. _SEEN marks a code point already folded by _learn: its
# fold is in _FOLDED and its _SPECIAL_FLAG (it does not fold to its lower()) and
# _ODD_FLAG (its fold is not one character) are set; the other flags are known here.
_SEEN, _INVISIBLE_FLAG, _CONFUSABLE_FLAG, _SIGMA_FLAG, _SPECIAL_FLAG, _ODD_FLAG = (
    1, 2, 4, 8, 16, 32
)  # fmt: skip
_FLAGS = np.zeros(0x110000, dtype=np.uint8)
_FLAGS[:128] = _SEEN
_FLAGS[[ord(char) for char in _INVISIBLE_CHARS]] |= _INVISIBLE_FLAG
_FLAGS[list(_CONFUSABLES)] |= _CONFUSABLE_FLAG
_FLAGS[ord("\u03a3")] |= _SIGMA_FLAG

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "+": "t"})  # fmt: skip
LEET_CHARS = "".join(chr(code) for code in _LEET)  # the characters undo_leetspeak changes
_LEET_PAIRS = tuple((chr(code), letter) for code, letter in _LEET.items())
# A leetspeak character inside a word: between two letters ("1gn0r3"), opening a word of
# three more letters ("1gnore"), or ending one after three letters ("ignor3"; not "!",
# which ends sentences). Digits and symbols beside letters in ordinary text ("3rd", "mp3",
# "4k", "hello!") do not make a leetspeak variant: 41 of 60 corpus prompts of 4,000
# characters had one for such reasons, 25 now; no evaluation row changes score. Each
# branch starts with a character class, which the regex engine skips to quickly.
_HAS_LEET = re.compile(
    r"[013457@$!|+](?:(?<=[a-z].)(?=[a-z])|(?<![a-z0-9].)(?=[a-z]{3}))"
    r"|[013457@$|+](?<=[a-z]{3}.)(?![a-z0-9])"
)

# Bounded quantifiers only: an unbounded run followed by a failing suffix is where
# catastrophic backtracking starts.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,8192}={0,2}")
_HEX_RUN = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{16,8192}(?![0-9A-Fa-f])")
_HEX_SPACED = re.compile(r"(?:\\x|0x)?[0-9A-Fa-f]{2}(?:[ ,:]?(?:\\x|0x)?[0-9A-Fa-f]{2}){7,4096}")
_WORD = re.compile(r"[a-z]{2,}")
_HEX_SPACED_GATE = re.compile(
    r"[0-9A-Fa-f]{2}[ ,:](?:\\x|0x)?[0-9A-Fa-f]{2}[ ,:](?:\\x|0x)?[0-9A-Fa-f]{2}[ ,:]"
)
# decoded_payloads reads the text as one byte a character (latin-1, with "?" for the
# other characters: what it looks for is ASCII), mapped to classes by bytes.translate,
# where bytes.find and a regex that opens with a literal skip ahead in C: a regex that
# opens with a character class is tried at almost every position of a text.
_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-"
_RUN_CLASSES = bytes(b"a"[0] if byte in _BASE64_ALPHABET else b"."[0] for byte in range(256))
# Sixteen base64 characters in a row: every match of _BASE64_RUN and of _HEX_RUN (hex
# digits are base64 characters) holds them, so a token without them decodes to nothing.
_RUN_SEED = b"a" * 16
_SPACE = re.compile(r"\s")  # where a token ends
_SPACED_CLASSES = bytes(
    b"h"[0] if byte in b"0123456789ABCDEFabcdef"
    else b"s"[0] if byte in b" ,:"
    else byte if byte in b"\\x"
    else b"."[0]
    for byte in range(256)
)  # fmt: skip
# _HEX_SPACED_GATE read on those classes: it finds a few more places ("0x" reads as
# "hx"), each then checked by the gate itself.
_HEX_SPACED_SEED = re.compile(rb"hhs(?:\\x|hx)?hhs(?:\\x|hx)?hhs")
# A run of six single characters each followed by a space, the first after a space or
# at the start (its other characters follow the space of the one before).
_SPACED_RUN = re.compile(r"(?:(?<!\S)\S ){6}")
# What a run holds from its second character on: searched first, since it starts with
# a literal, which the regex engine skips to quickly, where the run's look-behind is
# tried at every position; a run is then tried where it would start.
_SPACED_GATE = re.compile(r" \S \S \S \S \S ")
# A space between two non-spaces, and two spaces or more: both written to start with
# the space (the regex engine skips to a literal first character; a look-behind or a
# repeat first is tried at every position).
_SPACED_LETTER = re.compile(r" (?<=\S )(?=\S)")
_GAP = re.compile(r"  +")


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
    # What the text holds is read from the flags of its code points, a few array
    # passes: a set of the characters costs a Python object a character.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = _FLAGS.take(codes)
    if not np.bitwise_and.reduce(flags) & _SEEN:  # a code point met for the first time
        for code in set(codes[(flags & _SEEN) == 0].tolist()):
            _learn(code)
        flags = _FLAGS.take(codes)
    present = int(np.bitwise_or.reduce(flags))
    if present & _SIGMA_FLAG and not present & _INVISIBLE_FLAG:
        # A text without invisible characters that is NFKC once its look-alikes are
        # mapped is lower-cased as a whole, and lower() reads context: a capital sigma
        # that ends a word becomes ς (alone, σ). Without a capital sigma that is the
        # per-character fold below (every character of an NFKC text is NFKC alone),
        # which spares the NFKC check: is_normalized normalises the whole text when it
        # holds combining marks.
        folded = text
        for code in _holding(codes, flags, _CONFUSABLE_FLAG, present):
            folded = folded.replace(chr(code), _CONFUSABLES[code])
        if unicodedata.is_normalized("NFKC", folded):
            lowered = folded.lower()
            if len(lowered) == len(text):
                return NormalisedText(text, lowered, None)
    folded_text = _folded(text, codes, flags, present)
    if not present & _ODD_FLAG:
        return NormalisedText(text, folded_text, None)
    # The folded length of every character, then index i repeated that many times:
    # a few array passes instead of a Python step per character.
    lengths = np.ones(len(text), dtype=np.int64)
    for code in _holding(codes, flags, _ODD_FLAG, present):
        lengths[codes == code] = len(_FOLDED[code])
    offsets = np.repeat(np.arange(len(text)), lengths).tolist()
    return NormalisedText(text, folded_text, tuple(offsets))


def _holding(
    codes: np.ndarray[Any, np.dtype[np.uint32]],
    flags: np.ndarray[Any, np.dtype[np.uint8]],
    flag: int,
    present: int,
) -> set[int]:
    """The distinct code points of ``codes`` whose flags hold ``flag`` (``present``: all flags)."""
    if not present & flag:
        return set()
    return set(codes[(flags & flag) != 0].tolist())


def _folded(
    text: str,
    codes: np.ndarray[Any, np.dtype[np.uint32]],
    flags: np.ndarray[Any, np.dtype[np.uint8]],
    present: int,
) -> str:
    """``text.translate(_FOLDED)`` (every character's :func:`_fold`), mostly in C.

    Most characters fold to their ``lower()``: the others (look-alikes, NFKC changes,
    invisible characters) are replaced first and the whole text is lower-cased once,
    which is what a dict lookup per character gives, unless a capital sigma is there
    (``lower()`` reads it in context) or a replacement could be changed again.
    """
    special = _holding(codes, flags, _SPECIAL_FLAG, present)
    replaced = "".join(_FOLDED[code] for code in special)
    if (
        present & _SIGMA_FLAG
        or replaced.lower() != replaced
        or not {ord(char) for char in replaced}.isdisjoint(special)
    ):
        return text.translate(_FOLDED)
    for code in special:
        text = text.replace(chr(code), _FOLDED[code])
    return text.lower()


def _fold(char: str) -> str:
    if char in ZERO_WIDTH or char in BIDI_CONTROLS or 0xE0000 <= ord(char) <= 0xE007F:
        return ""
    folded = char.translate(_CONFUSABLES)
    if not folded.isascii():
        folded = unicodedata.normalize("NFKC", folded).translate(_CONFUSABLES)
    return folded.lower()


def _learn(code: int) -> None:
    """Fold a code point met for the first time and flag what its fold does.

    The flags are written last, in one store, so that a thread that reads ``_SEEN``
    finds the fold in the cache (two threads learning one character store the same).
    """
    char = chr(code)
    folded = _fold(char)
    _FOLDED[code] = folded
    learned = _SEEN
    if folded != char.lower():
        learned |= _SPECIAL_FLAG
    if len(folded) != 1:
        learned |= _ODD_FLAG
    _FLAGS[code] = int(_FLAGS[code]) | learned


# Code point -> folded text, filled on first sight (bounded by the code points seen);
# ASCII from the start, for the str.translate fallback of _folded.
_FOLDED: dict[int, str] = {code: chr(code).lower() for code in range(128)}


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
    # A run starts one character before a place of the gate.
    place = _SPACED_GATE.search(text)
    while place is not None:
        if place.start() and _SPACED_RUN.match(text, place.start() - 1) is not None:
            return _GAP.sub(" ", _SPACED_LETTER.sub("", text))
        place = _SPACED_GATE.search(text, place.start() + 1)
    return None


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
    # Encoded runs are in long tokens (runs of non-space characters, \s being
    # str.isspace): only those holding 16 base64 characters in a row can decode. They
    # are found by a byte search; the token is read from there to its end, since
    # nothing before in it can match (that would hold a run of 16 found first, and the
    # hex run's look-behind sees a character that is no base64 one either way).
    raw = text.encode("latin-1", "replace")
    runs = raw.translate(_RUN_CLASSES)
    at = runs.find(_RUN_SEED)
    while at != -1:
        space = _SPACE.search(text, at)
        end = len(text) if space is None else space.start()
        found.extend(_decode_token(text[at:end], at))
        if len(found) >= limit:
            return tuple(found[:limit])
        at = runs.find(_RUN_SEED, end)
    if _holds_spaced_hex(text, raw):
        for match in _HEX_SPACED.finditer(text):
            digits = re.sub(r"\\x|0x|[ ,:]", "", match.group())
            if len(digits) % 2 or match.group().isalnum():
                continue
            decoded = _looks_like_text(binascii.unhexlify(digits))
            if decoded is not None:
                found.append(DecodedPayload("hex", match.start(), match.end(), decoded))
    return tuple(found[:limit])


def _holds_spaced_hex(text: str, raw: bytes) -> bool:
    """Whether ``_HEX_SPACED_GATE`` matches somewhere in ``text`` (``raw``: its latin-1)."""
    classes = raw.translate(_SPACED_CLASSES)
    place = _HEX_SPACED_SEED.search(classes)
    while place is not None:
        if _HEX_SPACED_GATE.match(text, place.start()) is not None:
            return True
        place = _HEX_SPACED_SEED.search(classes, place.start() + 1)
    return False


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
