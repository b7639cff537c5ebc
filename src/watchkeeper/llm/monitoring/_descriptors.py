"""Text descriptors: one row of numbers and categories per text, for the drift machinery.

:func:`describe_texts` turns a batch of prompts or responses into an Arrow table whose
columns are ordinary numeric, categorical and boolean features, so that profiles,
``watchkeeper.report``, the service's windows, monitors, alerts and ``/metrics`` work on
them unchanged. No descriptor is good or bad in itself: a *change* in its distribution
between the reference and the current texts is what a monitor watches (a jump in
``n_tokens``, a new ``script``, a rising ``oov_rate`` or ``guard_prompt_attack_hit``).

Columns (see :data:`DESCRIPTORS`; lengths are float64 so that schema inference reads
them as numeric even when a batch happens to hold two distinct values):

- ``n_chars``, ``n_words``, ``n_tokens``: length in code points, in words (runs of
  letters and digits, one per CJK character) and in estimated BPE tokens
  (:func:`~watchkeeper.llm.monitoring.approx_token_count`);
- ``non_ascii_share``: share of code points above U+007F;
- ``share_<script>``: share of the letters written in each script of :data:`SCRIPTS`
  (``other`` for the rest), by Unicode script property; all 0 for a text without letters;
- ``script``: the script with the largest share (``none`` without letters);
- ``language``: a guess, by script where the script decides (``zh``, ``ja``, ``ko``,
  ``el``, ``he``, ``th``, ``hi``) and by counting common function words for Latin,
  Cyrillic and Arabic script (``en``, ``de``, ``fr``, ``es``, ``it``, ``pt``, ``nl``,
  ``ru``, ``uk``, ``ar``, ``fa``); ``und`` (undetermined) otherwise;
- ``oov_rate`` (only with ``vocabulary``): share of the text's words, lower-cased, not in
  the vocabulary (null for a text without words);
- with ``guard``: ``guard_flagged`` and, per enabled detector that reads the role,
  ``guard_<detector>_score`` (0 to 1) and ``guard_<detector>_hit``.

Every count is of characters by class (the script patterns below and the tokenizer's),
read from a table of one code per code point that the patterns themselves fill, a
page of 64 code points when one of them is first seen; a batch is counted a chunk of
texts at a time in a few array passes, and only the words the language vote or the
vocabulary reads are cut out of a text. A 4,000-character prompt takes about 0.25 ms.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.llm.monitoring._guard_names import (
    FLAGGED,
    detector_of,
    hit_feature,
    score_feature,
)
from watchkeeper.llm.monitoring._tokenize import (
    CJK_CHARS,
    CJK_WORD,
    OTHER,
    WORD,
    char_matches,
    code_points,
    token_classes,
)

if TYPE_CHECKING:
    from watchkeeper.llm.guard import Guard

__all__ = ["DESCRIPTORS", "LANGUAGES", "SCRIPTS", "describe_texts", "guard_columns"]

#: Scripts with a share column, and the code-point ranges (letters and marks) of each.
SCRIPTS: Mapping[str, str] = MappingProxyType(
    {
        "latin": (
            "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
            "\u2c60-\u2c7f\ua720-\ua7ff\uff21-\uff3a\uff41-\uff5a"
        ),
        "cyrillic": "\u0400-\u0482\u048a-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
        "greek": "\u0370-\u0373\u0376-\u037d\u0386\u0388-\u03ff\u1f00-\u1fff",
        "arabic": (
            "\u0620-\u065f\u066e-\u06d3\u06d5-\u06ef\u06fa-\u06ff\u0750-\u077f"
            "\u08a0-\u08ff\ufb50-\ufdfb\ufe70-\ufefc"
        ),
        "hebrew": "\u0591-\u05c7\u05d0-\u05f2\ufb1d-\ufb4f",
        "devanagari": "\u0900-\u0963\u0971-\u097f\ua8e0-\ua8ff",
        "cjk": CJK_CHARS,
        "hangul": "\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3",
        "thai": "\u0e01-\u0e3a\u0e40-\u0e4e",
    }
)
# Arrow's RE2 kernels would count these vectorised, but compiling \p{L} costs about
# 3 ms per call, more than the guard's whole scan of a prompt; these patterns are
# asked once per code point instead (_char_codes) and define the counts.
_SCRIPT_PATTERNS = {name: re.compile(f"[{ranges}]") for name, ranges in SCRIPTS.items()}
# Letters outside every listed script: word characters that are not digits or '_'.
_OTHER_LETTERS = re.compile("[^\\W\\d_" + "".join(SCRIPTS.values()) + "]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")

#: Descriptor columns without a vocabulary or a guard, and their column kinds.
DESCRIPTORS: Mapping[str, str] = MappingProxyType(
    {
        "n_chars": "numeric",
        "n_words": "numeric",
        "n_tokens": "numeric",
        "non_ascii_share": "numeric",
        **{f"share_{name}": "numeric" for name in (*SCRIPTS, "other")},
        "script": "categorical",
        "language": "categorical",
    }
)

# A few of the most frequent function words per language, chosen to be rare in the
# others of the same script; a text needs two hits, and more than any other language.
_FUNCTION_WORD_TEXT = MappingProxyType(
    {
        "en": "the and is are of to in that it you this was for with not",
        "de": "der die das und ist nicht ich sie mit ein eine zu auf den",
        "fr": "le la les et est une des du que pas je vous dans pour",
        "es": "el los las y es una que del por para con no se está",
        "it": "il gli e è che di non un una per con sono della questo",
        "pt": "o os as e é um uma que não do da em para com você",
        "nl": "de het een en is van niet ik je dat op zijn met voor",
        "ru": "и в не на что я с он это как по но из его",
        "uk": "і в не на що я з це як та але від його ти",
        "ar": "في من على أن إلى هذا عن ما هو التي كان لا",
        "fa": "در از به این که را با است می برای های آن",
    }
)
_FUNCTION_WORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {code: frozenset(text.split()) for code, text in _FUNCTION_WORD_TEXT.items()}
)
_LANGUAGE_OF_SCRIPT = {
    "greek": "el",
    "hebrew": "he",
    "hangul": "ko",
    "thai": "th",
    "devanagari": "hi",
}
_VOTING = {
    "latin": ("en", "de", "fr", "es", "it", "pt", "nl"),
    "cyrillic": ("ru", "uk"),
    "arabic": ("ar", "fa"),
}
_VOTING_WORDS = 400
_VOTERS = {
    script: frozenset().union(*(_FUNCTION_WORDS[code] for code in codes))
    for script, codes in _VOTING.items()
}
_VOTER_LISTS = {code: tuple(sorted(words)) for code, words in _FUNCTION_WORDS.items()}
# A longer word is no function word: the vote need not cut it out of the text.
_LONGEST_VOTER = max(len(word) for words in _VOTERS.values() for word in words)
#: Every value the ``language`` column takes.
LANGUAGES = (*_FUNCTION_WORDS, "el", "he", "ko", "th", "hi", "zh", "ja", "und")


def _language(script: str, words: Sequence[str], has_kana: bool) -> str:
    if script == "cjk":
        return "ja" if has_kana else "zh"
    if script in _LANGUAGE_OF_SCRIPT:
        return _LANGUAGE_OF_SCRIPT[script]
    candidates = _VOTING.get(script)
    if not candidates:
        return "und"
    # The first words are evidence enough; a long text need not be read to the end.
    # Only the function words of the candidates are counted (a pass in C), then each
    # candidate's hits are the counts of its words among them.
    head = words[:_VOTING_WORDS]
    seen = Counter(filter(_VOTERS[script].__contains__, head))
    hits = [sum(map(seen.get, _VOTER_LISTS[code], repeat(0))) for code in candidates]
    best = max(hits)
    if best < 2 or hits.count(best) > 1:
        return "und"
    return candidates[hits.index(best)]


def _as_strings(texts: Any) -> pa.Array:
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if isinstance(texts, pa.Array):
        array = texts
    else:
        if isinstance(texts, str | bytes):
            raise InputError("texts must be a sequence of strings, not one string; wrap it: [text]")
        try:
            array = pa.array(list(texts), pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            raise InputError(
                "texts must be strings (or None for a missing text); convert other values first"
            ) from None
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        if pa.types.is_null(array.type):
            return array.cast(pa.large_string())
        raise InputError(f"texts have Arrow type {array.type}; give strings")
    return array


def _share(part: np.ndarray[Any, Any], whole: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    out = np.zeros_like(part)
    np.divide(part, whole, out=out, where=whole > 0)
    return out


def _column(values: np.ndarray[Any, Any], valid: np.ndarray[Any, Any]) -> pa.Array:
    return pa.array(values, pa.float64(), mask=~valid)


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


def _strings(texts: Sequence[Any]) -> list[str | None]:
    """Texts as str or None, converted (or refused) as :func:`describe_texts` would."""
    if all(text is None or type(text) is str for text in texts):
        return list(texts)
    return _as_strings(texts).to_pylist()  # type: ignore[no-any-return]


def describe_values(texts: Sequence[Any]) -> list[dict[str, Any]]:
    """A few texts' ``n_chars``, ``n_words``, ``n_tokens``, ``non_ascii_share``, ``script``
    and ``language`` as Python values, one dict a text (all None for a missing text).

    The values :func:`describe_texts` would put in those columns, without building a
    table: what one logged request (``guard_features``) needs.

    >>> describe_values(["Hello, world!", None])[0]["n_tokens"]
    6.0
    """
    strings = _strings(texts)
    try:
        described = _describe(strings, None)
    except UnicodeEncodeError:  # a lone surrogate: refused as describe_texts refuses it
        _as_strings(strings)
        raise
    out = []
    for row in range(len(strings)):
        if not described.valid[row]:
            out.append(dict.fromkeys(_VALUE_NAMES))
            continue
        n_chars = float(described.n_chars[row])
        non_ascii = float(described.non_ascii[row])
        out.append(
            {
                "n_chars": n_chars,
                "n_words": float(described.n_words[row]),
                "n_tokens": float(described.n_tokens[row]),
                "non_ascii_share": non_ascii / n_chars if n_chars > 0 else 0.0,
                "script": described.scripts[row],
                "language": described.languages[row],
            }
        )
    return out


_VALUE_NAMES = ("n_chars", "n_words", "n_tokens", "non_ascii_share", "script", "language")


def describe_texts(
    texts: Iterable[str | None] | pa.Array | pa.ChunkedArray,
    *,
    vocabulary: Collection[str] | None = None,
    guard: Guard | None = None,
    role: str = "user",
) -> pa.Table:
    """One row of descriptors per text (see the module docstring for the columns).

    A missing text (None) gives a row of nulls. ``vocabulary`` (lower-case words, e.g.
    the reference's, from :func:`~watchkeeper.llm.monitoring.vocabulary_of`) adds
    ``oov_rate``; ``guard`` adds its verdicts, scanning each text as a message of
    ``role`` (``user`` for prompts, ``assistant`` for responses), about 1 ms a text.

    >>> table = describe_texts(["Hello, world!", "Привет, как дела?", None])
    >>> table.column("n_words").to_pylist(), table.column("n_tokens").to_pylist()
    ([2.0, 3.0, None], [6.0, 9.0, None])
    >>> table.column("script").to_pylist(), table.column("language").to_pylist()
    (['latin', 'cyrillic', None], ['und', 'und', None])
    >>> describe_texts(["the cat is on the mat"], vocabulary={"the", "cat"}).column(
    ...     "oov_rate").to_pylist()
    [0.5]
    """
    array = _as_strings(texts)
    strings: list[str | None] = array.to_pylist()
    vocab = None if vocabulary is None else frozenset(vocabulary)
    described = _describe(strings, vocab)
    valid = described.valid
    letters_total = described.counts.sum(axis=0)
    shares = {name: _share(described.counts[row], letters_total) for row, name in enumerate(_NAMES)}
    columns: dict[str, pa.Array] = {
        "n_chars": _column(described.n_chars, valid),
        "n_words": _column(described.n_words, valid),
        "n_tokens": _column(described.n_tokens, valid),
        "non_ascii_share": _column(_share(described.non_ascii, described.n_chars), valid),
        **{f"share_{name}": _column(values, valid) for name, values in shares.items()},
        "script": pa.array(described.scripts, pa.string()),
        "language": pa.array(described.languages, pa.string()),
    }
    if vocab is not None:
        columns["oov_rate"] = _column(described.oov, described.oov_valid & valid)
    if guard is not None:
        columns.update(_guard_columns(guard, strings, role))
    return pa.table(columns)


def guard_columns(guard: Guard, role: str = "user") -> dict[str, str]:
    """The guard columns :func:`describe_texts` adds for ``guard`` and ``role``, with kinds.

    >>> from watchkeeper.llm.guard import Guard
    >>> sorted(guard_columns(Guard()))[:3]
    ['guard_flagged', 'guard_hidden_text_hit', 'guard_hidden_text_score']
    """
    from watchkeeper.llm.guard import ROLES, get_scanner

    direction = ROLES.get(role)
    if role not in ROLES:
        raise InputError(f"role {role!r} is unknown; use one of {sorted(ROLES)}")
    out = {FLAGGED: "boolean"}
    for name, settings in guard.policy.scanners.items():
        if settings.enabled and direction in get_scanner(name).applies_to:
            out[score_feature(name)] = "numeric"
            out[hit_feature(name)] = "boolean"
    return out


def _guard_columns(guard: Guard, texts: list[str | None], role: str) -> dict[str, pa.Array]:
    names = guard_columns(guard, role)
    values: dict[str, list[Any]] = {name: [] for name in names}
    for text in texts:
        if text is None:
            for column in values.values():
                column.append(None)
            continue
        result = guard.scan(text, role=role)
        seen = {verdict.detector_type: verdict for verdict in result.breakdown}
        values[FLAGGED].append(result.flagged)
        for name in names:
            detector = detector_of(name)
            if detector is None:
                continue
            verdict = seen.get(detector)
            if name == score_feature(detector):
                values[name].append(None if verdict is None else float(verdict.score))
            else:
                values[name].append(None if verdict is None else bool(verdict.detected))
    return {
        name: pa.array(column, pa.bool_() if kind == "boolean" else pa.float64())
        for (name, kind), column in zip(names.items(), values.values(), strict=True)
    }
