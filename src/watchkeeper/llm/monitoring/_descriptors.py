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

Every count is of characters by class, read from a table of codes that the script
patterns (``_scripts``) and the tokenizer's fill, a chunk of texts at a time
(``_char_counts``): a 4,000-character prompt takes about 0.25 ms.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.llm.monitoring._char_counts import _NAMES, _describe
from watchkeeper.llm.monitoring._guard_names import (
    FLAGGED,
    detector_of,
    hit_feature,
    score_feature,
)
from watchkeeper.llm.monitoring._scripts import LANGUAGES, SCRIPTS

if TYPE_CHECKING:
    from watchkeeper.llm.guard import Guard

__all__ = ["DESCRIPTORS", "LANGUAGES", "SCRIPTS", "describe_texts", "guard_columns"]

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
