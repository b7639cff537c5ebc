"""Characters a reader cannot see: zero-width, Unicode tag characters, bidi controls.

Tag characters (U+E0000 to U+E007F) can spell a whole instruction that a model reads
and a person does not ("ASCII smuggling"), so they score 1. Bidirectional overrides
reorder what a reader sees (the "Trojan Source" trick) and score 0.9. Zero-width
characters score 0.8, except the joiners that legitimately glue emoji sequences and
non-Latin scripts together, which are ignored. Higher is worse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome

__all__ = ["reveal_tag_text", "scan_hidden_text"]

_TAGS = re.compile("[\U000e0000-\U000e007f]{1,100000}")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]{1,1000}")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff\u180e]{1,1000}")
_JOINERS = frozenset("\u200c\u200d")
_ANY_HIDDEN = re.compile(
    "[\u200b-\u200d\u2060-\u2064\ufeff\u180e\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)


def reveal_tag_text(text: str) -> str:
    """The ASCII text spelled by Unicode tag characters in ``text``.

    >>> reveal_tag_text("hi" + "".join(chr(0xE0000 + ord(c)) for c in "run rm"))
    'run rm'
    """
    return "".join(
        chr(ord(ch) - 0xE0000)
        for run in _TAGS.findall(text)
        for ch in run
        if 0xE0020 <= ord(ch) <= 0xE007E
    )


def _legit_joiner(text: str, start: int, end: int) -> bool:
    # ZWJ inside emoji sequences and ZWNJ/ZWJ in Indic or Arabic words are ordinary
    # text: both neighbours are non-ASCII.
    if any(ch not in _JOINERS for ch in text[start:end]):
        return False
    before = text[start - 1] if start > 0 else "a"
    after = text[end] if end < len(text) else "a"
    return not before.isascii() and not after.isascii()


def scan_hidden_text(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Find invisible or reordering characters in ``text``.

    >>> out = scan_hidden_text("pay\\u200bpal", {})
    >>> [(f.kind, f.start, f.end) for f in out.findings]
    [('zero_width', 3, 4)]
    >>> scan_hidden_text("family 👨\\u200d👩", {}).score
    0.0
    """
    if text.isascii() or _ANY_HIDDEN.search(text) is None:
        return ScanOutcome.from_findings(())
    findings: list[ScanFinding] = []
    for match in _TAGS.finditer(text):
        findings.append(ScanFinding(match.start(), match.end(), "unicode_tags", 1.0, 0.99))
    for match in _BIDI.finditer(text):
        findings.append(ScanFinding(match.start(), match.end(), "bidi_control", 0.9, 0.9))
    for match in _ZERO_WIDTH.finditer(text):
        start, end = match.span()
        if start == 0 and match.group() == "\ufeff":
            continue  # a byte-order mark at the start is an encoding artefact
        if not _legit_joiner(text, start, end):
            findings.append(ScanFinding(start, end, "zero_width", 0.8, 0.9))
    return ScanOutcome.from_findings(tuple(sorted(findings, key=lambda f: f.start)))
