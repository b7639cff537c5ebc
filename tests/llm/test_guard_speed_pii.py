"""The fast paths of the pii, secrets and hidden_text scanners against the plain ones.

The plain implementations are kept here as the reference: every pattern run over the
whole text with ``finditer``, then the scanner's own filters. The scanners run a
pattern only over the runs of its alphabet that hold a gate hit (pii), find hidden
characters in one pass (hidden_text), and test character classes with C-level ``map``
(secrets); the findings, scores and spans must be the same on every text.
"""

from __future__ import annotations

import ipaddress
import random
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.llm.guard import _hidden_text, _pii, _secrets
from watchkeeper.llm.guard._normalise import decoded_payloads
from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome, drop_overlaps

# Every code point, lone surrogates included: Python strings may hold them.
ALL_CHARACTERS = "".join(map(chr, range(0x110000)))


# The plain pii scanner: the module's patterns and checks (they are the specification),
# each pattern over the whole text.
def _reference_phones(text: str) -> list[ScanFinding]:
    return [
        ScanFinding(m.start(), m.end(), "phone_number", 0.8, 0.7)
        for m in _pii._PHONE.finditer(text)
        if 9 <= sum(char.isdigit() for char in m.group()) <= 15
    ]


def _reference_cards(text: str) -> list[ScanFinding]:
    found = []
    for m in _pii._CARD.finditer(text):
        digits = m.group().replace(" ", "").replace("-", "")
        if (
            13 <= len(digits) <= 19
            and _pii._CARD_PREFIX.match(digits)
            and _pii.luhn_is_valid(digits)
        ):
            found.append(ScanFinding(m.start(), m.end(), "credit_card", 1.0, 0.99))
    return found


def _reference_ips(text: str) -> list[ScanFinding]:
    found = []
    for m in _pii._IPV4.finditer(text):
        before = text[max(0, m.start() - 9) : m.start()].lower()
        if "version" in before or before.endswith("v"):
            continue
        try:
            address = ipaddress.IPv4Address(m.group())
        except ValueError:
            continue
        if not (address.is_loopback or address.is_unspecified):
            found.append(ScanFinding(m.start(), m.end(), "ip_address", 0.7, 0.8))
    for m in _pii._IPV6.finditer(text):
        candidate = m.group()
        if candidate.count(":") < 2 or not any(ch.isalnum() for ch in candidate):
            continue
        try:
            address6 = ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        if not (address6.is_loopback or address6.is_unspecified):
            found.append(ScanFinding(m.start(), m.end(), "ip_address", 0.7, 0.8))
    return found


_REFERENCE_KINDS: dict[str, Callable[[str], list[ScanFinding]]] = {
    "email": lambda text: [
        ScanFinding(m.start(), m.end(), "email", 0.95, 0.95) for m in _pii._EMAIL.finditer(text)
    ],
    "phone_number": _reference_phones,
    "credit_card": _reference_cards,
    "iban": lambda text: [
        ScanFinding(m.start(), m.end(), "iban", 1.0, 0.99)
        for m in _pii._IBAN.finditer(text)
        if _pii.iban_is_valid(m.group())
    ],
    "us_ssn": lambda text: [
        ScanFinding(m.start(), m.end(), "us_ssn", 0.9, 0.85)
        for m in _pii._SSN.finditer(text)
        if _pii.ssn_is_valid(m.group(1), m.group(3), m.group(4))
    ],
    "ip_address": _reference_ips,
}


def reference_scan_pii(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    findings: list[ScanFinding] = []
    for kind in options.get("kinds") or _pii.PII_KINDS:
        findings.extend(_REFERENCE_KINDS[kind](text))
    return ScanOutcome.from_findings(drop_overlaps(findings))


def reference_scan_hidden_text(text: str) -> ScanOutcome:
    """The scanner as it was: one ``finditer`` a kind over the whole text."""
    findings: list[ScanFinding] = []
    for m in _hidden_text._TAGS.finditer(text):
        findings.append(ScanFinding(m.start(), m.end(), "unicode_tags", 1.0, 0.99))
    for m in _hidden_text._BIDI.finditer(text):
        findings.append(ScanFinding(m.start(), m.end(), "bidi_control", 0.9, 0.9))
    for m in _hidden_text._ZERO_WIDTH.finditer(text):
        start, end = m.span()
        if start == 0 and m.group() == "\ufeff":
            continue
        if not _hidden_text._legit_joiner(text, start, end):
            findings.append(ScanFinding(start, end, "zero_width", 0.8, 0.9))
    return ScanOutcome.from_findings(tuple(sorted(findings, key=lambda f: f.start)))


def _iban(country: str, body: str) -> str:
    """A valid IBAN for ``body``: check digits computed by ISO 13616's mod-97 rule."""
    number = int("".join(str(int(char, 36)) for char in body + country + "00"))
    return f"{country}{98 - number % 97:02d}{body}"


def _luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if _pii.luhn_is_valid(prefix + d))


PII_PIECES = [
    "jane.doe@example.org", "a@b.co", "x_y+z@mail-host.example.com", "@@", "me@", "@host.io",
    "https://user:s3cret@db.example.com:5432/x", "ftp://anon:anon@10.1.2.3/",
    "+44 20 7946 0958", "+1-202-555-0143", "+33 (0)1 23 45 67 89", "+49 (30) 1234-5678",
    "(555) 123-4567", "(555)123-4567", "555.123.4567", "555-123-4567", "+1 5", "+12",
    "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111112",
    "5500000000000004", "378282246310005", "6011111111111117", "1234567890123",
    _luhn_complete("453957876362148"), "4539 5787 6362 1486 ", "12345678901234567890123",
    "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00",
    "GB83 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606",
    _iban("NL", "ABNA0417164300"), "XX12 ABCD", "AB12",
    "536-22-1234", "536 22 1234", "666-22-1234", "078-05-1120", "536-22 1234", "123-45-6789",
    "192.168.1.20", "10.0.0.256", "127.0.0.1", "0.0.0.0", "1.2.3.4.5", "version 1.2.3.4",
    "v8.8.8.8", "8.8.8.8.", "v 1.2.3.4",
    "fe80::1ff:fe23:4567:890a", "::1", "::", "2001:db8::8a2e:370:7334", "a::b", ":::",
    "dead:beef::",
    "\u0661\u0662\u0663-\u0664\u0665\u0666-\u0667\u0668\u0669\u0660",  # Arabic-Indic digits
    "\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
    "\u0966\u0967\u0968.\u0969\u096a.\u096b.\u096c",  # Devanagari digits
    "+\u0664\u0664 20 7946 0958", "GB82 WEST \u0661234 5698 7654 32", "\U0001d7ce\U0001d7cf",
    "2024", "1999-2024", "3.14159", "12:30", "v2.0.1", "ISO 27001", "COVID-19", "A1B2",
]  # fmt: skip
FILLER = [
    " ", "  ", "\n", "\t", ".", "-", "(", ")", "+", ":", ",", "?", "/", "=", "_", "x", "A", "Z",
    "call", "CARD", "version", "IBAN", "é", "ß", "\u00a0", "\u2003", "\u3000", "中文", "日本語",
    "\U0001f600", "\U0001f469\u200d\U0001f4bb", "\u200b", "\u200d", "\ufeff", "\u202e",
    "\U000e0041\U000e0042", "e\u0301", "\u0300", "\ud800", "Ω", "\x1c", "0", "9", "00",
]  # fmt: skip
_PIECE = st.one_of(
    st.sampled_from(PII_PIECES),
    st.sampled_from(FILLER),
    st.text(alphabet="0123456789 .-+()", max_size=20),
    st.text(max_size=6),
)


def _seeded_texts(seed: int, count: int, pieces: list[str]) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(
            rng.choice(pieces if rng.random() < 0.5 else FILLER) for _ in range(rng.randint(0, 40))
        )
        for _ in range(count)
    ]


@given(st.lists(_PIECE, max_size=30).map("".join))
@settings(max_examples=400)
def test_pii_scan_equals_the_plain_scan_on_random_texts(text: str) -> None:
    assert _pii.scan_pii(text, {}) == reference_scan_pii(text, {})


def test_pii_scan_equals_the_plain_scan_on_seeded_texts() -> None:
    for text in _seeded_texts(17, 3000, PII_PIECES):
        assert _pii.scan_pii(text, {}) == reference_scan_pii(text, {}), repr(text)


@given(st.lists(_PIECE, max_size=20).map("".join), st.sets(st.sampled_from(_pii.PII_KINDS)))
def test_pii_scan_of_some_kinds_equals_the_plain_scan(text: str, kinds: set[str]) -> None:
    options = {"kinds": sorted(kinds)}
    assert _pii.scan_pii(text, options) == reference_scan_pii(text, options)


def test_pii_scan_of_long_crowded_runs_equals_the_plain_scan() -> None:
    # Runs far longer than a match: digits, separators and capitals without a break,
    # where one run holds many gate hits and many matches.
    rng = random.Random(5)
    for _ in range(200):
        text = "".join(
            rng.choice("0123456789 -.()+:ABCDEFGHXYZabcdef") for _ in range(rng.randint(0, 400))
        )
        assert _pii.scan_pii(text, {}) == reference_scan_pii(text, {}), repr(text)


_Gated = tuple[re.Pattern[str], tuple[re.Pattern[bytes], ...], bytes]
_GATED: dict[str, list[_Gated]] = {
    "phone_number": [(_pii._PHONE, _pii._PHONE_GATES, _pii._PHONE_ALPHABET)],
    "credit_card": [(_pii._CARD, _pii._CARD_GATES, _pii._CARD_ALPHABET)],
    "iban": [(_pii._IBAN, _pii._IBAN_GATES, _pii._IBAN_ALPHABET)],
    "us_ssn": [(_pii._SSN, _pii._SSN_GATES, _pii._SSN_ALPHABET)],
    "ip_address": [
        (_pii._IPV4, _pii._IPV4_GATES, _pii._IPV4_ALPHABET),
        (_pii._IPV6, _pii._IPV6_GATES, _pii._IPV6_ALPHABET),
    ],
}


class _CountingGate:
    """A gate that counts the bytes its searches read (from where one starts to its hit)."""

    def __init__(self, gate: re.Pattern[bytes]) -> None:
        self.gate = gate
        self.read = 0

    def search(self, view: bytes, pos: int = 0) -> re.Match[bytes] | None:
        hit = self.gate.search(view, pos)
        self.read += (hit.start() if hit else len(view)) - pos
        return hit


def test_each_gate_reads_the_text_once_when_the_hits_of_two_gates_interleave() -> None:
    # Thousands of runs hit the first phone gate, the second hits only at the end: a
    # search that asked every gate again after each run would read the text per run.
    text = "+1 x " * 5000 + "555.123.4567"
    gates = [_CountingGate(gate) for gate in _pii._PHONE_GATES]
    views = _pii._Views(text)
    found = list(views.matches(_pii._PHONE, cast(Any, tuple(gates)), _pii._PHONE_ALPHABET))
    assert [m.span() for m in found] == [m.span() for m in _pii._PHONE.finditer(text)]
    assert all(gate.read <= len(text) for gate in gates)


def test_every_match_is_in_its_alphabet_and_holds_a_gate_hit() -> None:
    # The two facts the run search rests on, checked on every match of every pattern
    # in the seeded texts: a match consumes only its alphabet's characters (so it lies
    # in one run), and a gate hits inside it (so that run is searched). And every gate
    # hit lies in the alphabet (so the run it names holds it, and the search moves on).
    texts = _seeded_texts(23, 1500, PII_PIECES)
    matches = 0
    for text in texts:
        views = _pii._Views(text)
        for entries in _GATED.values():
            for pattern, gates, alphabet in entries:
                classes = views.chars.translate(alphabet)
                for m in pattern.finditer(text):
                    matches += 1
                    assert set(classes[m.start() : m.end()]) == {ord("a")}, (text, m)
                    inside = views.gates[m.start() : m.end()]
                    assert any(gate.search(inside) for gate in gates), (text, m)
                for gate in gates:
                    for hit in gate.finditer(views.gates):
                        assert set(classes[hit.start() : hit.end()]) == {ord("a")}
    assert matches > 3000


def test_the_views_hold_one_byte_a_character_for_every_code_point() -> None:
    views = _pii._Views(ALL_CHARACTERS)
    chars = views.chars
    assert len(chars) == len(ALL_CHARACTERS) == len(views.gates)
    decimal = re.compile(r"\d")
    for char, byte in zip(ALL_CHARACTERS, chars, strict=True):
        if decimal.match(char):
            assert chr(byte) in "0123456789"
        elif char.isascii():
            assert byte == ord(char)
        else:
            assert byte == ord("?")


def test_non_ascii_characters_of_every_code_point() -> None:
    expected = "".join(char for char in ALL_CHARACTERS if not char.isascii())
    assert _hidden_text.non_ascii_characters(ALL_CHARACTERS) == expected
    assert _hidden_text.non_ascii_characters("plain ASCII") == ""


def test_a_run_reaching_the_end_of_the_text() -> None:
    for text in [
        "call 555-123-4567",
        "4111 1111 1111 1111",
        "GB82 WEST 1234 5698 7654 32",
        "8.8.8.8",
    ]:
        assert _pii.scan_pii(text, {}) == reference_scan_pii(text, {})
        assert _pii.scan_pii(text, {}).findings


HIDDEN_PIECES = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\u2064", "\ufeff", "\u180e", "\u202a", "\u202e",
    "\u2066", "\u2069", "\U000e0001", "\U000e0041", "\U000e007f", "\U0001f469", "\U0001f4bb",
    "a", "b", " ", "é", "中", "\u0915", "\u094d", "\u0937", "\u0627", "\u200b" * 1001,
    "\u202e" * 1003, "\u200c\u200d", "\u200d\u202e", "\U000e0041\u200b\u202a",
]  # fmt: skip


@given(
    st.lists(st.one_of(st.sampled_from(HIDDEN_PIECES), st.text(max_size=4)), max_size=25).map(
        "".join
    )
)
@settings(max_examples=400)
def test_hidden_text_scan_equals_the_plain_scan(text: str) -> None:
    assert _hidden_text.scan_hidden_text(text, {}) == reference_scan_hidden_text(text)


def test_hidden_text_scan_equals_the_plain_scan_at_the_start_and_on_seeded_texts() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        text = "".join(rng.choice(HIDDEN_PIECES + FILLER) for _ in range(rng.randint(0, 30)))
        for variant in (text, "\ufeff" + text, "\u200d" + text):
            assert _hidden_text.scan_hidden_text(variant, {}) == reference_scan_hidden_text(variant)


def test_the_hidden_class_is_the_union_of_the_kinds() -> None:
    # The one pass finds each run by its first character: every hidden character is
    # of exactly one kind.
    kinds = [set(p.findall(ALL_CHARACTERS)) for p, *_ in _hidden_text._KINDS]
    each = [{char for run in found for char in run} for found in kinds]
    assert set(_hidden_text._ANY_HIDDEN.findall(ALL_CHARACTERS)) == each[0] | each[1] | each[2]
    assert sum(map(len, each)) == len(each[0] | each[1] | each[2])


def _reference_random_enough(token: str, min_entropy: float) -> bool:
    classes = sum(
        (
            any(c.islower() for c in token),
            any(c.isupper() for c in token),
            any(c.isdigit() for c in token),
        )
    )
    if classes < 3:
        return False
    if _secrets.shannon_entropy(token) < min_entropy:
        return False
    return not decoded_payloads(token, limit=1)


@given(st.one_of(st.text(), st.text(alphabet="aZ9+/_-=é\u0661Ⅻ", min_size=20)))
def test_random_enough_equals_the_plain_test(token: str) -> None:
    assert _secrets._random_enough(token, 4.0) == _reference_random_enough(token, 4.0)
