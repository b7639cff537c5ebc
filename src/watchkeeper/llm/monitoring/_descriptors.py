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

Each text costs a few passes of precompiled regular expressions (single character
classes, linear time); a 1,000-character text takes a few tens of microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.llm.monitoring._guard_names import (
    FLAGGED,
    detector_of,
    hit_feature,
    score_feature,
)
from watchkeeper.llm.monitoring._tokenize import CJK_CHARS, count_tokens

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
# 3 ms per call, more than the guard's whole scan of a prompt; Python's re with
# explicit ranges, counted with subn (no list of matches), costs microseconds.
_SCRIPT_PATTERNS = {name: re.compile(f"[{ranges}]") for name, ranges in SCRIPTS.items()}
# Letters outside every listed script: word characters that are not digits or '_'.
_OTHER_LETTERS = re.compile("[^\\W\\d_" + "".join(SCRIPTS.values()) + "]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
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
    head = words[:_VOTING_WORDS]
    hits = [sum(map(_FUNCTION_WORDS[code].__contains__, head)) for code in candidates]
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
    n = len(array)
    names = [*SCRIPTS, "other"]
    n_chars = np.zeros(n)
    non_ascii = np.zeros(n)
    counts = np.zeros((len(names), n))
    n_words = np.zeros(n)
    n_tokens = np.zeros(n)
    oov = np.zeros(n)
    valid = np.zeros(n, dtype=bool)
    oov_valid = np.zeros(n, dtype=bool)
    scripts: list[str | None] = [None] * n
    languages: list[str | None] = [None] * n
    vocab = None if vocabulary is None else frozenset(vocabulary)
    for i, text in enumerate(array.to_pylist()):
        if text is None:
            continue
        valid[i] = True
        n_chars[i] = len(text)
        if not text.isascii():
            non_ascii[i] = _NON_ASCII.subn("", text)[1]
            for row, pattern in enumerate(_SCRIPT_PATTERNS.values()):
                counts[row, i] = pattern.subn("", text)[1]
        else:
            counts[0, i] = _SCRIPT_PATTERNS["latin"].subn("", text)[1]
        counts[-1, i] = _OTHER_LETTERS.subn("", text)[1]
        found, n_tokens[i] = count_tokens(text, lowercase=True)
        n_words[i] = len(found)
        letters = counts[:, i].sum()
        script = names[int(np.argmax(counts[:, i]))] if letters > 0 else "none"
        scripts[i] = script
        kana = script == "cjk" and _KANA.search(text) is not None
        languages[i] = _language(script, found, kana)
        if vocab is not None and found:
            oov[i] = 1.0 - sum(map(vocab.__contains__, found)) / len(found)
            oov_valid[i] = True
    letters_total = counts.sum(axis=0)
    shares = {name: _share(counts[row], letters_total) for row, name in enumerate(names)}

    columns: dict[str, pa.Array] = {
        "n_chars": _column(n_chars, valid),
        "n_words": _column(n_words, valid),
        "n_tokens": _column(n_tokens, valid),
        "non_ascii_share": _column(_share(non_ascii, n_chars), valid),
        **{f"share_{name}": _column(values, valid) for name, values in shares.items()},
        "script": pa.array(scripts, pa.string()),
        "language": pa.array(languages, pa.string()),
    }
    if vocab is not None:
        columns["oov_rate"] = _column(oov, oov_valid & valid)
    if guard is not None:
        columns.update(_guard_columns(guard, array.to_pylist(), role))
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
