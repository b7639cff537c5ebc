"""Grounding (``unsupported_claims``): claims in a response that its context does not support.

A retrieval-augmented answer should only state what the retrieved context says. This
scanner reads the response, extracts the checkable claims, and reports every one the
context does not contain, with its span:

- ``url``: a URL absent from the context (scheme, ``www.`` and a trailing slash ignored);
- ``quote``: a quotation of three words or more that is not in the context (case,
  spacing and punctuation ignored);
- ``date``: a date (``2024-03-12``, ``12 March 2024``, ``March 12, 2024``, ``March 2024``)
  whose day, month and year are not those of a date in the context, whatever its format;
- ``number``: a number (``1,250``, ``3.5``, ``12%``, ``2.4 million``) whose value is
  not a value written in the context (digits, or number words up to twenty);
- ``name``: two or more capitalised words in a row (``Marie Curie``, ``Acme Corp``)
  that are not in the context as a phrase, nor each as a word.

Claims inside a URL, date or quote are judged as part of it; list markers (``1.`` at
the start of a line) are not claims. Unsupported URLs, quotes, dates and numbers score
0.9, names 0.7 (the capitalisation rule is the weaker signal); the scanner's score is
the highest, higher is worse. Without context there is nothing to check against: the
score is 0 with confidence 0.

The context is the request's ``system``, ``developer``, ``user`` and ``tool`` messages,
plus the ``context`` option (a list of documents).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome

__all__ = ["Claim", "extract_claims", "scan_unsupported_claims", "unsupported_claims"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_DATE = re.compile(
    rf"(?i)\b(?:(?P<y1>\d{{4}})-(?P<m1>\d{{1,2}})-(?P<d1>\d{{1,2}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m2>{_MONTH}),? (?P<y2>\d{{4}})"
    rf"|(?P<m3>{_MONTH}) (?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y3>\d{{4}})"
    rf"|(?P<m4>{_MONTH}),? (?P<y4>\d{{4}}))\b"
)
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`\])}]{1,2048}")
_QUOTE = re.compile(r"\"([^\"\n]{5,600})\"|“([^”\n]{5,600})”")
_NUMBER = re.compile(
    r"(?<![\w.])(?P<value>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"(?:\s?(?P<scale>%|percent|thousand|million|billion|trillion|k\b|m\b|bn\b))?",
    re.I,
)
_LIST_MARKER = re.compile(r"(?m)^\s*\d{1,3}[.)]\s")
_NAME = re.compile(
    r"\b[A-Z][\w'’-]*[a-z][\w'’-]*(?:\s+(?:(?:of|de|van|von|der|la|le|du|da|the|and|&)\s+)?"
    r"[A-Z][\w'’-]*(?:[a-z][\w'’-]*|\.))+"
)
_LEADING = frozenset(
    {
        "the", "a", "an", "in", "on", "at", "by", "for", "from", "to", "of", "and", "but",
        "or", "as", "if", "when", "while", "after", "before", "since", "during", "this",
        "that", "these", "those", "it", "its", "our", "their", "his", "her", "my", "your",
        "we", "they", "he", "she", "i", "you", "according", "yes", "no", "however", "also",
        "then", "there", "here",
    }
)  # fmt: skip
_SCALES = {
    "%": 1.0,
    "percent": 1.0,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}
_WORD_NUMBERS = {
    word: float(value)
    for value, word in enumerate(
        (
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen", "twenty",
        )
    )
}  # fmt: skip
_CONNECTORS = frozenset(["of", "de", "van", "von", "der", "la", "le", "du", "da", "the", "and"])
_WORDS = re.compile(r"[\w'’-]+")
_SCORES = {"url": 0.9, "quote": 0.9, "date": 0.9, "number": 0.9, "name": 0.7}
MAX_CONTEXT_CHARS = 1_000_000


@dataclass(frozen=True)
class Claim:
    """One checkable claim in a response: its kind, span, text and normalised key."""

    kind: str
    start: int
    end: int
    text: str
    key: tuple[Any, ...]


def _date_key(match: re.Match[str]) -> tuple[int, int, int | None]:
    groups = match.groupdict()
    for n in "1234":
        if groups.get(f"y{n}"):
            month = groups[f"m{n}"]
            month_number = int(month) if n == "1" else _MONTHS.get(month.lower().rstrip("."), 0)
            day = groups.get(f"d{n}")
            return int(groups[f"y{n}"]), month_number, int(day) if day else None
    return 0, 0, None


def _raw_number(match: re.Match[str]) -> float:
    return float(match.group("value").replace(",", ""))


def _number_key(match: re.Match[str]) -> float:
    scale = (match.group("scale") or "").lower()
    return round(_raw_number(match) * _SCALES.get(scale, 1.0), 6)


def _flat(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower().replace("’", "'")))


def _url_key(url: str) -> str:
    url = url.rstrip(".,;:!?").lower()
    url = re.sub(r"^https?://", "", url)
    return url.removeprefix("www.").rstrip("/")


class _Taken:
    """Characters already inside a claim: an overlap test costs the span's length."""

    def __init__(self, size: int) -> None:
        self._covered = bytearray(size)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self._covered[start:end])

    def add(self, start: int, end: int) -> None:
        self._covered[start:end] = b"\x01" * (end - start)


def extract_claims(text: str) -> list[Claim]:
    """The URLs, quotes, dates, numbers and names of ``text``, in text order.

    >>> claims = extract_claims('On 3 May 2021 Ada Lovelace said "hello there all".')
    >>> [(c.kind, c.text) for c in claims]
    [('date', '3 May 2021'), ('name', 'Ada Lovelace'), ('quote', '"hello there all"')]
    """
    claims: list[Claim] = []
    taken = _Taken(len(text))
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        claims.append(Claim("url", match.start(), match.start() + len(url), url, (_url_key(url),)))
        taken.add(match.start(), match.start() + len(url))
    for match in _QUOTE.finditer(text):
        inner = match.group(1) or match.group(2) or ""
        if len(inner.split()) >= 3 and not taken.overlaps(match.start(), match.end()):
            claims.append(
                Claim("quote", match.start(), match.end(), match.group(), (_flat(inner),))
            )
            taken.add(*match.span())
    for match in _DATE.finditer(text):
        if not taken.overlaps(match.start(), match.end()):
            claims.append(
                Claim("date", match.start(), match.end(), match.group(), _date_key(match))
            )
            taken.add(*match.span())
    listed = {m.end() - len(m.group().lstrip()) for m in _LIST_MARKER.finditer(text)}
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if start in listed or taken.overlaps(start, end):
            continue
        claims.append(Claim("number", start, end, match.group(), (_number_key(match),)))
        taken.add(start, end)
    for match in _NAME.finditer(text):
        words = match.group().split()
        skip = 0
        while skip < len(words) and words[skip].lower() in _LEADING:
            skip += 1
        words = words[skip:]
        if len(words) < 2:
            continue
        start = match.start() + match.group().index(words[0])
        if taken.overlaps(start, match.end()):
            continue
        name = text[start : match.end()]
        claims.append(Claim("name", start, match.end(), name, (_flat(name),)))
    return sorted(claims, key=lambda c: c.start)


@dataclass(frozen=True)
class _Context:
    flat: str
    words: frozenset[str]
    urls: frozenset[str]
    numbers: frozenset[float]
    dates: frozenset[tuple[int, int, int | None]]


def _context(documents: Iterable[str]) -> _Context:
    text = "\n".join(documents)[:MAX_CONTEXT_CHARS]
    flat = _flat(text)
    matches = list(_NUMBER.finditer(text))
    # "2.4 million" supports both 2,400,000 and 2.4: either may be how the claim reads.
    numbers = {_number_key(m) for m in matches} | {_raw_number(m) for m in matches}
    words = frozenset(flat.split())
    numbers |= {value for word, value in _WORD_NUMBERS.items() if word in words}
    full = [_date_key(m) for m in _DATE.finditer(text)]
    numbers |= {float(year) for year, _, _ in full}
    # A partial date ("March 2021") is supported by any day of that month.
    dates = frozenset(full) | {(year, month, None) for year, month, _ in full}
    urls: set[str] = set()
    for match in _URL.finditer(text):
        key = _url_key(match.group())
        # A URL is supported by itself or by a longer URL of the context below it.
        parts = key.split("/")
        urls.update("/".join(parts[:n]) for n in range(1, len(parts) + 1))
    return _Context(
        f" {flat} ",
        words,
        frozenset(urls),
        frozenset(numbers),
        dates,
    )


def _supported(claim: Claim, context: _Context) -> bool:
    if claim.kind == "url":
        return claim.key[0] in context.urls
    if claim.kind == "quote":
        return f" {claim.key[0]} " in context.flat
    if claim.kind == "date":
        return claim.key in context.dates
    if claim.kind == "number":
        return float(claim.key[0]) in context.numbers
    phrase = str(claim.key[0])
    words = [word for word in phrase.split() if word not in _CONNECTORS]
    return f" {phrase} " in context.flat or all(word in context.words for word in words)


def unsupported_claims(response: str, context: Iterable[str]) -> list[Claim]:
    """The claims of ``response`` that ``context`` does not support.

    >>> ctx = ["The Eiffel Tower, opened on 31 March 1889, is 330 metres tall."]
    >>> [c.text for c in unsupported_claims("It opened in March 1889 and is 300 metres tall.", ctx)]
    ['300']
    """
    found = _context(context)
    return [claim for claim in extract_claims(response) if not _supported(claim, found)]


def scan_unsupported_claims(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Flag the claims of a response that ``options['context']`` does not support.

    >>> out = scan_unsupported_claims("See https://evil.example/x", {"context": ["no links"]})
    >>> [(f.kind, f.score) for f in out.findings]
    [('url', 0.9)]
    >>> scan_unsupported_claims("It is 42.", {}).confidence
    0.0
    """
    documents = options.get("context") or ()
    if isinstance(documents, str):
        documents = (documents,)
    documents = [d for d in documents if isinstance(d, str) and d.strip()]
    if not documents:
        return ScanOutcome(0.0, 0.0, ())
    claims = unsupported_claims(text, documents)
    findings = tuple(
        ScanFinding(c.start, c.end, c.kind, _SCORES[c.kind], 0.8 if c.kind == "name" else 0.9)
        for c in claims
    )
    return ScanOutcome.from_findings(findings)


def _register() -> None:
    from watchkeeper.llm.guard._registry import ScannerSpec, register_scanner

    register_scanner(
        ScannerSpec(
            "unsupported_claims",
            scan_unsupported_claims,
            frozenset({"output"}),
            0.5,
            False,
            False,
            ("context",),
            "numbers, dates, names, quotes and URLs in a response that its context lacks",
        )
    )


_register()
