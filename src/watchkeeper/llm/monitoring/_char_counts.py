"""The descriptors' counting: a table of one byte per code point, and numpy over chunks of texts.

:func:`_describe` gives a batch of texts' lengths, letters per script, main script,
language and out-of-vocabulary share. Every count is of characters by class, read from a
table of one byte per code point (script class, UTF-8 size, token class) that the very
regular expressions defining the columns fill, a page of 64 code points when one of them
is first seen, so that the counts are the patterns' by construction. Texts are counted a
chunk at a time, one array of code points for many texts, so that a batch of short texts
costs a few array passes rather than a few per text; only the words the language vote or
the vocabulary reads are cut out of a text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from watchkeeper.llm.monitoring._scripts import (
    _KANA,
    _LONGEST_VOTER,
    _OTHER_LETTERS,
    _SCRIPT_PATTERNS,
    _VOTING,
    _VOTING_WORDS,
    SCRIPTS,
    _language,
)
from watchkeeper.llm.monitoring._tokenize import (
    CJK_WORD,
    OTHER,
    WORD,
    char_matches,
    code_points,
    token_classes,
)

# Every code point has a one-byte code: its script class (the index of its pattern in
# _SCRIPT_PATTERNS, then _OTHER_LETTERS, else _NOT_A_LETTER) in the high four bits, its
# UTF-8 size less one in the next two, its token class (_tokenize.token_classes) in the
# low two. The codes come from the very patterns the definitions use, asked once per
# character, a page of 64 code points at a time when one of the page is first seen
# (the whole range would cost about 0.3 s; a page, tens of microseconds). Threads may
# fill a page twice, with the same codes.
_CLASS_PATTERNS = (*_SCRIPT_PATTERNS.values(), _OTHER_LETTERS)
_NOT_A_LETTER = len(_CLASS_PATTERNS)
_N_KEYS = (_NOT_A_LETTER + 1) * 4  # codes >> 2: script class and UTF-8 size
_UNKNOWN = 255
_PAGE_BITS = 6
_codes: npt.NDArray[np.uint8] | None = None


def _page_codes(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    chars = cps.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    script = np.full(len(cps), _NOT_A_LETTER, np.uint8)
    for index, pattern in enumerate(_CLASS_PATTERNS):
        hit = char_matches(pattern, chars)
        if (script[hit] != _NOT_A_LETTER).any():  # the scripts' ranges are disjoint
            raise AssertionError(f"a character is in two script classes (pattern {index})")
        script[hit] = index
    size = (cps >= 0x80).astype(np.uint8) + (cps >= 0x800) + (cps >= 0x10000)
    codes = (script << 4) | (size << 2) | token_classes(chars)
    return codes.astype(np.uint8, copy=False)


def _char_codes(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    global _codes
    table = _codes
    if table is None:
        table = _codes = np.full(0x110000, _UNKNOWN, np.uint8)
    codes = table.take(cps)
    unknown = codes == _UNKNOWN
    if unknown.any():
        pages = np.unique(cps[unknown] >> _PAGE_BITS)
        spread = (pages[:, None] << _PAGE_BITS) | np.arange(1 << _PAGE_BITS)
        page_cps = spread.ravel().astype(np.uint32)
        table[page_cps] = _page_codes(page_cps)
        codes = table.take(cps)
    return codes


@dataclass
class _Described:
    """The descriptors of a batch before they become columns (rows of None are invalid)."""

    valid: npt.NDArray[np.bool_]
    n_chars: npt.NDArray[np.float64]
    n_words: npt.NDArray[np.float64]
    n_tokens: npt.NDArray[np.float64]
    non_ascii: npt.NDArray[np.float64]
    counts: npt.NDArray[np.float64]  # letters per script (and "other"), one column a text
    scripts: list[str | None]
    languages: list[str | None]
    oov: npt.NDArray[np.float64]
    oov_valid: npt.NDArray[np.bool_]


# Texts are described a chunk at a time, one array of code points for all the texts of
# a chunk, so that a batch of short texts costs a few array passes, not a few per text.
_CHUNK_CHARS = 1 << 18
_NAMES = (*SCRIPTS, "other")


def _chunks(texts: Sequence[str | None]) -> Iterator[list[int]]:
    chunk: list[int] = []
    size = 0
    for index, text in enumerate(texts):
        if text is None:
            continue
        if chunk and size + len(text) > _CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
        chunk.append(index)
        size += len(text)
    if chunk:
        yield chunk


def _text_ids(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    return np.repeat(np.arange(len(lengths)), lengths)


def _per_text(
    keys: npt.NDArray[Any], ids: npt.NDArray[np.intp] | None, m: int, n_keys: int
) -> npt.NDArray[np.intp]:
    """Occurrences of each key (below ``n_keys``) in each text: an (m, n_keys) array."""
    if ids is not None:
        keys = ids * n_keys + keys
    return np.bincount(keys, minlength=m * n_keys).reshape(m, n_keys)


def _describe(texts: Sequence[str | None], vocab: frozenset[str] | None) -> _Described:
    n = len(texts)
    out = _Described(
        valid=np.array([text is not None for text in texts], dtype=bool),
        n_chars=np.zeros(n),
        n_words=np.zeros(n),
        n_tokens=np.zeros(n),
        non_ascii=np.zeros(n),
        counts=np.zeros((len(_NAMES), n)),
        scripts=[None] * n,
        languages=[None] * n,
        oov=np.zeros(n),
        oov_valid=np.zeros(n, dtype=bool),
    )
    for chunk in _chunks(texts):
        _describe_chunk(out, chunk, cast(list[str], [texts[i] for i in chunk]), vocab)
    return out


def _describe_chunk(
    out: _Described, rows: list[int], texts: list[str], vocab: frozenset[str] | None
) -> None:
    m = len(texts)
    index = np.array(rows)
    lengths = np.fromiter(map(len, texts), np.int64, m)
    joined = "".join(texts)
    codes = _char_codes(code_points(joined))
    ids = None if m == 1 else _text_ids(lengths)
    # Script classes and UTF-8 sizes of the text as written.
    table = _per_text(codes >> 2, ids, m, _N_KEYS).reshape(m, _NOT_A_LETTER + 1, 4)
    letters = table.sum(axis=2)[:, : len(_NAMES)]
    out.n_chars[index] = lengths
    out.non_ascii[index] = lengths - table[:, :, 0].sum(axis=1)
    out.counts[:, index] = letters.T
    # Tokens of the lower-cased text (lower-casing may change a length or a class).
    lowered: list[str] | None = None
    if not joined.isascii():
        lowered = [text.lower() for text in texts]
        lengths = np.fromiter(map(len, lowered), np.int64, m)
        codes = _char_codes(code_points("".join(lowered)))
        ids = None if m == 1 else _text_ids(lengths)
    token = codes & 3
    classes = _per_text(token, ids, m, 4)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    nonempty = lengths > 0
    word = token == WORD
    first = word.copy()  # first character of a run of word characters
    first[1:] &= ~word[:-1]
    last = word.copy()  # last character of one
    last[:-1] &= ~word[1:]
    if m > 1:  # runs end with their text
        first[starts[nonempty]] = word[starts[nonempty]]
        last[ends[nonempty] - 1] = word[ends[nonempty] - 1]
    run_starts = np.flatnonzero(first)
    run_ends = np.flatnonzero(last) + 1
    # A run's UTF-8 size: its length plus the extra bytes of its characters (none in
    # ASCII).
    run_bytes = run_ends - run_starts
    if lowered is not None:
        extra = np.zeros(len(codes) + 1, np.int64)
        np.cumsum((codes >> 2) & 3, dtype=np.int64, out=extra[1:])
        run_bytes += extra[run_ends] - extra[run_starts]
    run_tokens = (run_bytes + 3) // 4
    if ids is None:
        runs = np.array([len(run_starts)])
        run_token_sum = np.array([run_tokens.sum()])
    else:
        run_ids = ids[run_starts]
        runs = np.bincount(run_ids, minlength=m)
        run_token_sum = np.bincount(run_ids, weights=run_tokens, minlength=m)
    n_words = runs + classes[:, CJK_WORD]
    out.n_words[index] = n_words
    out.n_tokens[index] = classes[:, OTHER] + run_token_sum + classes[:, CJK_WORD]
    n_letters = letters.sum(axis=1).tolist()
    best = letters.argmax(axis=1).tolist()
    scripts = [_NAMES[b] if n > 0 else "none" for b, n in zip(best, n_letters, strict=True)]
    # The words, where the vote or the vocabulary reads them, are sliced out of the
    # lower-cased text at the runs found above (a CJK word character is a run of one).
    # The vote reads the first words only, and of them only those short enough to be
    # function words.
    reads = [vocab is not None or script in _VOTING for script in scripts]
    if any(reads):
        word_starts, word_ends = run_starts, run_ends
        if classes[:, CJK_WORD].any():
            cjk = token == CJK_WORD
            word_starts = np.flatnonzero(first | cjk)
            word_ends = np.flatnonzero(last | cjk) + 1
        word_ids = None if ids is None else ids[word_starts]
        if word_ids is not None:
            offsets = starts[word_ids]
            word_starts = word_starts - offsets
            word_ends = word_ends - offsets
        per_text = n_words
        if vocab is None:
            rank = np.arange(len(word_starts))
            if word_ids is not None:
                rank -= (np.cumsum(n_words) - n_words)[word_ids]
            keep = (rank < _VOTING_WORDS) & (word_ends - word_starts <= _LONGEST_VOTER)
            word_starts, word_ends = word_starts[keep], word_ends[keep]
            if word_ids is None:
                per_text = np.array([len(word_starts)])
            else:
                per_text = np.bincount(word_ids[keep], minlength=m)
        begin = (np.cumsum(per_text) - per_text).tolist()
        stop = np.cumsum(per_text).tolist()
        from_list, to_list = word_starts.tolist(), word_ends.tolist()
    for j, row in enumerate(rows):
        text = texts[j]
        script = scripts[j]
        out.scripts[row] = script
        kana = script == "cjk" and _KANA.search(text) is not None
        if not reads[j]:
            out.languages[row] = _language(script, (), kana)
            continue
        low = text.lower() if lowered is None else lowered[j]
        spans = zip(from_list[begin[j] : stop[j]], to_list[begin[j] : stop[j]], strict=True)
        found = [low[start:end] for start, end in spans]
        out.languages[row] = _language(script, found, kana)
        if vocab is not None and found:
            out.oov[row] = 1.0 - sum(map(vocab.__contains__, found)) / len(found)
            out.oov_valid[row] = True
