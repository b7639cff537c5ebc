"""Banned substrings, banned topics (keyword lists) and user regular expressions.

These scanners do nothing until a policy gives them their lists. Matching runs on the
normalised text (see :mod:`._normalise`), so look-alike letters and zero-width
characters do not hide a banned word. A match scores 1; a topic scores the share of
its ``min_hits`` keywords found, capped at 1. Higher is worse.

User regular expressions are the caller's responsibility: Python's ``re`` backtracks,
so :func:`compile_user_pattern` refuses the classic catastrophic shapes (a quantified
group that itself ends in a quantifier, such as ``(a+)+``) and the guard caps the
text they see at ``REGEX_MAX_CHARS``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from watchkeeper._exceptions import ConfigError
from watchkeeper.llm.guard._normalise import normalise
from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome

__all__ = [
    "REGEX_MAX_CHARS",
    "compile_user_pattern",
    "scan_banned_regex",
    "scan_banned_substrings",
    "scan_banned_topics",
]

REGEX_MAX_CHARS = 100_000
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.){0,200}[+*}]\)(?:[+*]|\{\d{0,6},)")


@lru_cache(maxsize=256)
def compile_user_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a user pattern, refusing nested quantifiers that can backtrack forever.

    >>> compile_user_pattern(r"order #\\d{6}").pattern
    'order #\\\\d{6}'
    >>> compile_user_pattern(r"(a+)+$")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.ConfigError: banned_regex pattern '(a+)+$' nests quantifiers ...
    """
    if _NESTED_QUANTIFIER.search(pattern):
        raise ConfigError(
            f"banned_regex pattern {pattern!r} nests quantifiers and can backtrack "
            "catastrophically; bound the inner repetition (e.g. a{1,20}) or drop the outer one"
        )
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ConfigError(f"banned_regex pattern {pattern!r} does not compile: {error}") from error


@lru_cache(maxsize=1024)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(keyword.lower())}\b")


def scan_banned_substrings(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Find ``options['substrings']`` in ``text``, ignoring case and disguises.

    >>> out = scan_banned_substrings("Project ΖEUS launch", {"substrings": ["project zeus"]})
    >>> [(f.start, f.end) for f in out.findings]
    [(0, 12)]
    """
    substrings = [s.lower() for s in options.get("substrings", ()) if s]
    if not substrings:
        return ScanOutcome.from_findings(())
    folded = normalise(text)
    findings = []
    for needle in substrings:
        at = folded.text.find(needle)
        while at >= 0:
            start, end = folded.span(at, at + len(needle))
            findings.append(ScanFinding(start, end, "banned_substring", 1.0, 1.0))
            at = folded.text.find(needle, at + len(needle))
    return ScanOutcome.from_findings(tuple(findings))


def scan_banned_topics(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Score each topic in ``options['topics']`` (name to keywords) by keywords present.

    A topic needs ``options['min_hits']`` distinct keywords (default 2) to score 1.

    >>> topics = {"weapons": ["rifle", "ammunition", "silencer"]}
    >>> scan_banned_topics("buy a rifle and ammunition", {"topics": topics}).score
    1.0
    """
    topics: Mapping[str, Any] = options.get("topics", {})
    if not topics:
        return ScanOutcome.from_findings(())
    min_hits = max(1, int(options.get("min_hits", 2)))
    folded = normalise(text)
    findings = []
    for topic, keywords in topics.items():
        hits = []
        for keyword in keywords:
            match = _keyword_pattern(keyword).search(folded.text)
            if match:
                hits.append(folded.span(*match.span()))
        if hits:
            score = min(1.0, len(hits) / min_hits)
            for start, end in hits:
                findings.append(ScanFinding(start, end, f"topic:{topic}", score, 0.7))
    return ScanOutcome.from_findings(tuple(findings))


def scan_banned_regex(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Find matches of ``options['patterns']`` in the first ``REGEX_MAX_CHARS`` of ``text``.

    >>> scan_banned_regex("ticket JIRA-1234", {"patterns": [r"JIRA-\\d{1,6}"]}).findings[0].end
    16
    """
    patterns = options.get("patterns", ())
    findings = []
    head = text[:REGEX_MAX_CHARS]
    for pattern in patterns:
        for match in compile_user_pattern(pattern).finditer(head):
            if match.end() > match.start():
                findings.append(ScanFinding(match.start(), match.end(), "banned_regex", 1.0, 1.0))
    return ScanOutcome.from_findings(tuple(findings))
