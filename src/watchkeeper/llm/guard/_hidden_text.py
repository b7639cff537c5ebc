"""Characters a reader cannot see: zero-width, Unicode tag characters, bidi controls.

Tag characters (U+E0000 to U+E007F) can spell a whole instruction that a model reads
and a person does not ("ASCII smuggling"), so they score 1. Bidirectional overrides
reorder what a reader sees (the "Trojan Source" trick) and score 0.9. Zero-width
characters score 0.8, except the joiners that legitimately glue emoji sequences and
non-Latin scripts together, which are ignored. Higher is worse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome

__all__ = ["non_ascii_characters", "reveal_tag_text", "scan_hidden_text"]

_TAGS = re.compile("[\U000e0000-\U000e007f]{1,100000}")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]{1,1000}")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff\u180e]{1,1000}")
_JOINERS = frozenset("\u200c\u200d")
_KINDS = (
    (_TAGS, "unicode_tags", 1.0, 0.99),
    (_BIDI, "bidi_control", 0.9, 0.9),
    (_ZERO_WIDTH, "zero_width", 0.8, 0.9),
)
_ASCII = bytes(range(128))
_ANY_HIDDEN = re.compile(
    "[\u200b-\u200d\u2060-\u2064\ufeff\u180e\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)


def non_ascii_characters(text: str) -> str:
    """The characters of ``text`` that are not ASCII, in order.

    UTF-8 keeps every byte of such a character above 127, so deleting the bytes below
    128 leaves them, at C speed. A text rarely holds many, so a regex that looks for
    one character of a class among them is cheaper than the same regex over the text.

    >>> non_ascii_characters("naïve café 👩\\u200d💻")
    'ïé👩\\u200d💻'
    """
    return (
        text.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII)
        .decode("utf-8", "surrogatepass")
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


def _hidden_runs(text: str) -> Iterator[tuple[re.Match[str], str, float, float]]:
    """The matches of ``_TAGS``, ``_BIDI`` and ``_ZERO_WIDTH`` in ``text``, in text order,
    with their kind, score and confidence, in one pass over ``text`` instead of three:
    the kinds' characters are disjoint, so the run that starts at the next hidden
    character (``_ANY_HIDDEN``, their union) is the next match of that character's kind."""
    at = 0
    while (hidden := _ANY_HIDDEN.search(text, at)) is not None:
        for pattern, kind, score, confidence in _KINDS:
            run = pattern.match(text, hidden.start())
            if run:
                yield run, kind, score, confidence
                at = run.end()
                break


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
    if text.isascii() or _ANY_HIDDEN.search(non_ascii_characters(text)) is None:
        return ScanOutcome.from_findings(())
    findings: list[ScanFinding] = []
    for run, kind, score, confidence in _hidden_runs(text):
        start, end = run.span()
        if kind == "zero_width":
            if start == 0 and run.group() == "\ufeff":
                continue  # a byte-order mark at the start is an encoding artefact
            if _legit_joiner(text, start, end):
                continue
        findings.append(ScanFinding(start, end, kind, score, confidence))
    return ScanOutcome.from_findings(tuple(findings))
