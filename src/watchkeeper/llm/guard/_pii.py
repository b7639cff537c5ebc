"""Personal data in text: e-mail, phone numbers, payment cards, IBANs, US SSNs, IPs.

A finding's score is higher when the match is more certainly personal data: a
payment card that passes Luhn and an IBAN that passes mod-97 score near 1, a phone
number (a pattern with no checksum) lower. Higher is worse.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from typing import Any

from watchkeeper.llm.guard._hidden_text import non_ascii_characters
from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome, drop_overlaps

__all__ = ["PII_KINDS", "iban_is_valid", "luhn_is_valid", "scan_pii", "ssn_is_valid"]

# Every quantifier is bounded, so a long run of look-alike characters costs
# O(n * bound), never O(n^2) or worse.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,5}"
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}"
    r"|\d{3}[.-]\d{3}[.-]\d{4})(?![\w])"
)
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"
)
_SSN = re.compile(r"(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])")
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)")
# Every kind but the e-mail runs its pattern only over the maximal runs of the
# characters the pattern can consume (its alphabet) that hold a hit of a gate: a
# pattern every match contains. A match never crosses a character outside the
# alphabet, so the matches in one run are those of the whole text, and the pattern
# reads the same characters: its look-behinds see the text before the run, its
# look-aheads (one character, or ``\.\d`` where "." is in the alphabet) the
# character that ends the run. The gates search the text's gate view (see
# :class:`_Views`), where a gate is a literal-led bytes pattern the regex engine scans
# for at memchr speed, instead of a character class it tests at every position.
_PHONE_GATES = (re.compile(rb"\+0"), re.compile(rb"000[.-]000"))  # "(" is "+" in the view
_CARD_GATES = (re.compile(rb"0(?:[ -]?0){12}"),)
_IBAN_GATES = (re.compile(rb"AA00"),)
_SSN_GATES = (re.compile(rb"000[- ]00[- ]0000"),)
_IPV4_GATES = (re.compile(rb"0\.0{1,3}\.0"),)
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
# An address with two colons has "::" or ":h:" (h up to four hex digits) between them.
# (Every capital reads "A" in the gate view, so this gate also hits ":GZ:": a gate may
# hit where no match is, it must not miss one.)
_IPV6_GATES = (re.compile(rb":[0-9A-Fa-f]{0,4}:"),)
# The domain after an "@": the e-mail pattern runs only from 64 characters before each
# "@" to the end of the run of domain characters after it, not over the whole text.
_DOMAIN_RUN = re.compile(r"[A-Za-z0-9.-]*")

# Published IBAN lengths (ISO 13616 registry) for the countries that use it.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

# Card brands by issuer prefix (ISO/IEC 7812 ranges as published by the networks).
_CARD_PREFIX = re.compile(r"4|5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6011|65|64[4-9]|35|3(?:0[0-5]|[68])|62")  # fmt: skip  # noqa: E501
# SSNs the Social Security Administration says were never issued to a person.
_SSN_NEVER_ISSUED = frozenset({"078051120", "219099999", "123456789"})


def luhn_is_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (ISO/IEC 7812-1).

    >>> luhn_is_valid("4539578763621486"), luhn_is_valid("4539578763621487")
    (True, False)
    """
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_is_valid(iban: str) -> bool:
    """Whether ``iban`` (spaces allowed) has its country's length and passes mod-97.

    >>> iban_is_valid("GB82 WEST 1234 5698 7654 32"), iban_is_valid("GB82 WEST 1234 5698 7654 33")
    (True, False)
    """
    compact = iban.replace(" ", "").upper()
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def ssn_is_valid(area: str, group: str, serial: str) -> bool:
    """Whether an SSN could have been issued: area not 000, 666 or 9xx; no zero parts.

    >>> ssn_is_valid("536", "22", "1234"), ssn_is_valid("666", "22", "1234")
    (True, False)
    """
    if area in {"000", "666"} or area.startswith("9") or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _SSN_NEVER_ISSUED


def _alphabet(chars: str) -> bytes:
    """A ``bytes.translate`` table: ``a`` for the characters a pattern can consume, ``x`` else."""
    return bytes(ord("a") if chr(byte) in chars else ord("x") for byte in range(256))


_DIGITS = "0123456789"
_PHONE_ALPHABET = _alphabet(_DIGITS + " .-+()")
_CARD_ALPHABET = _alphabet(_DIGITS + " -")
_IBAN_ALPHABET = _alphabet(_DIGITS + " ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SSN_ALPHABET = _alphabet(_DIGITS + " -")
_IPV4_ALPHABET = _alphabet(_DIGITS + ".")
_IPV6_ALPHABET = _alphabet(_DIGITS + ":ABCDEFabcdef")
_GATE_VIEW = bytes.maketrans(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ(", b"0" * 10 + b"A" * 26 + b"+")
_DECIMAL = re.compile(r"\d")


class _Views:
    """A text and two views of it, one byte a character, that C-speed searches read.

    ``chars``: an ASCII character as itself, a decimal digit (``\\d``) as an ASCII digit,
    any other character as "?"; every pattern consumes only ASCII characters and
    ``\\d``, so a character outside a pattern's alphabet is outside it in this view too.
    ``gates``: ``chars`` with every digit "0", every capital "A" and "(" as "+".
    """

    def __init__(self, text: str) -> None:
        self.text = text
        if not text.isascii() and _DECIMAL.search(non_ascii_characters(text)):
            text = _DECIMAL.sub("0", text)
        self.chars = text.encode("ascii", "replace")  # one "?" for each other character
        self.gates = self.chars.translate(_GATE_VIEW)

    def matches(
        self, pattern: re.Pattern[str], gates: tuple[re.Pattern[bytes], ...], alphabet: bytes
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, run only over the maximal runs of ``alphabet``'s
        characters that hold a hit of one of ``gates`` (why this finds the same matches:
        the comment above ``_PHONE_GATES``)."""
        hits = [gate.search(self.gates) for gate in gates]
        classes = self.chars.translate(alphabet) if any(hits) else b""
        while starts := [hit.start() for hit in hits if hit]:
            first = min(starts)
            start = classes.rfind(b"x", 0, first) + 1
            end = classes.find(b"x", first)
            if end < 0:
                end = len(classes)
            # endpos one past the run: the look-ahead reads the character that ends it.
            yield from pattern.finditer(self.text, start, end + 1)
            # A gate searches on only once the run has passed its hit, so each gate
            # reads the text once, however the hits of several gates interleave.
            hits = [
                gate.search(self.gates, end) if hit and hit.start() < end else hit
                for gate, hit in zip(gates, hits, strict=True)
            ]


def _around_at(text: str, at: int) -> int:
    run = _DOMAIN_RUN.match(text, at + 1)
    return min(len(text), (run.end() if run else at + 1) + 1)  # +1: the look-ahead's character


def _emails(views: _Views) -> list[ScanFinding]:
    text = views.text
    found: list[ScanFinding] = []
    at = text.find("@")
    while at >= 0:
        # Windows that touch merge, so each character is read by one window at most.
        start, end = max(0, at - 64), _around_at(text, at)
        at = text.find("@", at + 1)
        while at >= 0 and at - 64 <= end:
            end = max(end, _around_at(text, at))
            at = text.find("@", at + 1)
        for match in _EMAIL.finditer(text, start, end):
            found.append(ScanFinding(match.start(), match.end(), "email", 0.95, 0.95))
    return found


def _phones(views: _Views) -> list[ScanFinding]:
    found = []
    for match in views.matches(_PHONE, _PHONE_GATES, _PHONE_ALPHABET):
        digits = sum(char.isdigit() for char in match.group())
        if 9 <= digits <= 15:
            found.append(ScanFinding(match.start(), match.end(), "phone_number", 0.8, 0.7))
    return found


def _cards(views: _Views) -> list[ScanFinding]:
    found = []
    for match in views.matches(_CARD, _CARD_GATES, _CARD_ALPHABET):
        digits = match.group().replace(" ", "").replace("-", "")
        if 13 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn_is_valid(digits):
            found.append(ScanFinding(match.start(), match.end(), "credit_card", 1.0, 0.99))
    return found


def _ibans(views: _Views) -> list[ScanFinding]:
    return [
        ScanFinding(m.start(), m.end(), "iban", 1.0, 0.99)
        for m in views.matches(_IBAN, _IBAN_GATES, _IBAN_ALPHABET)
        if iban_is_valid(m.group())
    ]


def _ssns(views: _Views) -> list[ScanFinding]:
    return [
        ScanFinding(m.start(), m.end(), "us_ssn", 0.9, 0.85)
        for m in views.matches(_SSN, _SSN_GATES, _SSN_ALPHABET)
        if ssn_is_valid(m.group(1), m.group(3), m.group(4))
    ]


def _ips(views: _Views) -> list[ScanFinding]:
    text = views.text
    found = []
    for match in views.matches(_IPV4, _IPV4_GATES, _IPV4_ALPHABET):
        before = text[max(0, match.start() - 9) : match.start()].lower()
        if "version" in before or before.endswith("v"):
            continue  # "version 1.2.3.4" is a release, not an address
        try:
            address = ipaddress.IPv4Address(match.group())
        except ValueError:
            continue
        # Loopback and unspecified addresses identify nobody.
        if not (address.is_loopback or address.is_unspecified):
            found.append(ScanFinding(match.start(), match.end(), "ip_address", 0.7, 0.8))
    for match in views.matches(_IPV6, _IPV6_GATES, _IPV6_ALPHABET):
        candidate = match.group()
        if candidate.count(":") < 2 or not any(ch.isalnum() for ch in candidate):
            continue
        try:
            address6 = ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        if not (address6.is_loopback or address6.is_unspecified):
            found.append(ScanFinding(match.start(), match.end(), "ip_address", 0.7, 0.8))
    return found


_KINDS = {
    "email": _emails,
    "phone_number": _phones,
    "credit_card": _cards,
    "iban": _ibans,
    "us_ssn": _ssns,
    "ip_address": _ips,
}
# The kinds that can match with fewer than two digits ("ann@example.org", "fe80::abcd").
_FEW_DIGITS = frozenset({"email", "ip_address"})


def scan_pii(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Find personal data in ``text``; ``options['kinds']`` restricts the kinds.

    >>> out = scan_pii("mail jane.doe@example.org or call +44 20 7946 0958", {})
    >>> [f.kind for f in out.findings], out.score
    (['email', 'phone_number'], 0.95)
    """
    views = _Views(text)
    kinds = options.get("kinds") or tuple(_KINDS)
    if views.gates.count(b"0") < 2:
        # Every kind but e-mail and IPv6 ("::1") needs two digits; on a short text,
        # counting them costs less than asking each kind's gates.
        kinds = [kind for kind in kinds if kind in _FEW_DIGITS]
    findings: list[ScanFinding] = []
    for kind in kinds:
        findings.extend(_KINDS[kind](views))
    return ScanOutcome.from_findings(drop_overlaps(findings))


PII_KINDS = tuple(_KINDS)
