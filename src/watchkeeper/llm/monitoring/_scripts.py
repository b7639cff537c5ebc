"""Scripts and languages: the script each letter is written in, and a guess at a text's language.

:data:`SCRIPTS` holds the code-point ranges of each script that has a ``share_<script>``
column; the patterns built from them (and :data:`_OTHER_LETTERS` for the letters of no
listed script) define those counts, through the table of codes that ``_char_counts``
fills from them. :func:`_language` guesses the ``language`` column from a text's main
script, and for Latin, Cyrillic and Arabic script from its first words' function words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import repeat
from types import MappingProxyType

from watchkeeper.llm.monitoring._tokenize import CJK_CHARS

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
# asked once per code point instead (_char_counts._char_codes) and define the counts.
_SCRIPT_PATTERNS = {name: re.compile(f"[{ranges}]") for name, ranges in SCRIPTS.items()}
# Letters outside every listed script: word characters that are not digits or '_'.
_OTHER_LETTERS = re.compile("[^\\W\\d_" + "".join(SCRIPTS.values()) + "]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")

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
