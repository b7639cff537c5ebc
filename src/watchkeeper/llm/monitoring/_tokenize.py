"""An offline tokenizer: words and punctuation by regular expression, and a subword estimate.

Nothing is downloaded: ``tiktoken`` and Hugging Face tokenizers fetch their vocabularies
at run time, which a monitoring library that must work air-gapped cannot do. The
tokens here are what a person would call words and punctuation marks:

- a run of word characters (letters, digits, ``_`` and combining marks, so that Hindi
  or Thai words stay whole) is one token;
- every Han, Hiragana or Katakana character is one token (Chinese and Japanese do not
  separate words with spaces, and one character is close to one BPE token);
- every other character that is not white space (punctuation, symbols, emoji) is one
  token; ``don't`` is ``don``, ``'``, ``t``.

:func:`approx_token_count` estimates what a byte-level BPE tokenizer (GPT-style) would
count: every token above costs ``ceil(UTF-8 bytes / 4)``, at least 1. English averages
about four characters per BPE token, and BPE vocabularies hold fewer merges for
non-Latin scripts, which the byte count reflects (a Cyrillic letter is two bytes, a
Devanagari letter three). It is an estimate for watching lengths drift, not a bill.

Every pattern is a single character class or a ``+`` over one class, so matching is
linear in the text's length (no backtracking).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

__all__ = ["CJK_CHARS", "approx_token_count", "count_tokens", "is_word", "tokenize", "words"]

#: Han (with extensions and compatibility ideographs), Hiragana, Katakana (also half-width).
CJK_CHARS = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
# Combining marks that Python's \w does not match (str.isalnum is false for them), so
# that a word with diacritics or an Indic/Thai word is not cut at every vowel sign.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0eff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
    "\ufe20-\ufe2f"
)
_CJK = re.compile(f"([{CJK_CHARS}])")
_HAS_CJK = re.compile(f"[{CJK_CHARS}]")
_TOKEN = re.compile(f"[\\w{_MARKS}]+|[^\\w\\s{_MARKS}]")
_WORD = re.compile(f"[\\w{_MARKS}]")
_WORDS = re.compile(f"[\\w{_MARKS}]+")
_OTHER = re.compile(f"[^\\w\\s{_MARKS}]")


def tokenize(text: str, *, lowercase: bool = False) -> list[str]:
    """The words and punctuation marks of ``text``, in order.

    >>> tokenize("Don't panic: 42 towels!")
    ['Don', "'", 't', 'panic', ':', '42', 'towels', '!']
    >>> tokenize("Привет, мир 你好")
    ['Привет', ',', 'мир', '你', '好']
    >>> tokenize("ÉTÉ chaud", lowercase=True)
    ['été', 'chaud']
    """
    return _TOKEN.findall(_spaced(text, lowercase))


def _spaced(text: str, lowercase: bool) -> str:
    # One token per CJK character: spaces around each make the word pattern cut there.
    # Splitting on the (captured) character and joining with one space puts one space
    # on each side of every CJK character, the same text as sub(" \\1 ") without a
    # template expanded in Python per match.
    if lowercase:
        text = text.lower()
    if _HAS_CJK.search(text):
        text = " ".join(_CJK.split(text))
    return text


# Token classes of a character (:func:`token_classes`): white space; a word character
# (a run of them is one word); a CJK word character (a word on its own); anything else
# (a token on its own: punctuation, symbols, a CJK character that is not a word one).
SPACE, WORD, CJK_WORD, OTHER = 0, 1, 2, 3


def code_points(text: str, errors: str = "strict") -> npt.NDArray[np.uint32]:
    """The code points of ``text`` as an array (lone surrogates with ``"surrogatepass"``)."""
    return np.frombuffer(text.encode("utf-32-le", errors), "<u4")


def char_matches(pattern: re.Pattern[str], chars: str) -> npt.NDArray[np.bool_]:
    """Which characters of ``chars`` a pattern of one character class matches, each alone.

    >>> char_matches(_WORD, "a b!").tolist()
    [True, False, True, False]
    """
    # Every match becomes NUL (one character for one), so the matched positions are
    # the NULs of the result; NUL itself is asked directly.
    hit: npt.NDArray[np.bool_] = code_points(pattern.sub("\x00", chars), "surrogatepass") == 0
    if "\x00" in chars:
        hit[code_points(chars, "surrogatepass") == 0] = pattern.match("\x00") is not None
    return hit


def token_classes(chars: str) -> npt.NDArray[np.uint8]:
    """The token class of each character of ``chars``, by the tokenizer's own patterns.

    A text's words are its maximal runs of ``WORD`` characters and its ``CJK_WORD``
    characters; its other tokens are its ``OTHER`` characters (what :func:`tokenize`
    finds after spacing out CJK characters, which stand alone whatever their class).

    >>> token_classes("a, 日").tolist() == [WORD, OTHER, SPACE, CJK_WORD]
    True
    """
    word = char_matches(_WORD, chars)
    cjk = char_matches(_HAS_CJK, chars)
    other = char_matches(_OTHER, chars)
    out = np.full(len(word), SPACE, np.uint8)
    out[word] = WORD
    out[word & cjk] = CJK_WORD
    out[other] = OTHER
    return out


def words(text: str, *, lowercase: bool = False) -> list[str]:
    """The word tokens of ``text`` (its tokens without punctuation and symbols).

    >>> words("Don't panic: 42 towels!")
    ['Don', 't', 'panic', '42', 'towels']
    """
    return _WORDS.findall(_spaced(text, lowercase))


def count_tokens(text: str, *, lowercase: bool = False) -> tuple[list[str], int]:
    """The words of ``text`` and its :func:`approx_token_count`, in one pass each.

    Faster than tokenising first: punctuation and symbols (one code point, at most 4
    bytes) always cost exactly 1, so only the words need their bytes counted.

    >>> count_tokens("internationalization is hard!")
    (['internationalization', 'is', 'hard'], 8)
    """
    spaced = _spaced(text, lowercase)
    found = _WORDS.findall(spaced)
    others = len(_OTHER.findall(spaced))
    if not found:
        return found, others
    sizes = np.fromiter(map(len, map(str.encode, found)), dtype=np.int64, count=len(found))
    return found, others + int(((sizes + 3) // 4).sum())


def is_word(token: str) -> bool:
    """Whether a token of :func:`tokenize` is a word (not punctuation or a symbol).

    >>> is_word("towels"), is_word("42"), is_word("!"), is_word("你")
    (True, True, False, True)
    """
    return _WORD.match(token) is not None


def approx_token_count(tokens: Iterable[str]) -> int:
    """Estimated byte-level BPE tokens: each token costs ``ceil(UTF-8 bytes / 4)``.

    >>> approx_token_count(tokenize("internationalization is hard!"))
    8
    >>> approx_token_count(["мир"])  # 6 bytes
    2
    """
    return sum((len(token.encode("utf-8")) + 3) // 4 for token in tokens)
