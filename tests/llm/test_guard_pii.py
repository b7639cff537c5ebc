"""PII scanner: checksums against published examples and hand computations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.llm.guard._pii import _EMAIL, iban_is_valid, luhn_is_valid, scan_pii, ssn_is_valid

# Test card numbers published by the card networks for integration testing.
PUBLISHED_CARDS = ["4111111111111111", "5500000000000004", "378282246310005", "6011111111111117"]
# IBAN examples printed in the ISO 13616 registry / national bank documentation.
PUBLISHED_IBANS = [
    "GB82 WEST 1234 5698 7654 32",
    "DE89 3704 0044 0532 0130 00",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91 ABNA 0417 1643 00",
    "CH93 0076 2011 6238 5295 7",
]


def kinds(text: str) -> list[str]:
    return [f.kind for f in scan_pii(text, {}).findings]


@pytest.mark.parametrize("number", PUBLISHED_CARDS)
def test_published_test_cards_pass_luhn(number: str) -> None:
    assert luhn_is_valid(number)
    assert kinds(f"card {number} ok") == ["credit_card"]


def test_luhn_by_hand() -> None:
    # 79927398713 (the textbook example): doubling every second digit from the right
    # gives 7,18->9,9,4,7,6,9,16->7,7,2,3 ... sum 70, divisible by 10.
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=18), st.integers(0, 17), st.integers(1, 9)
)
def test_luhn_catches_every_single_digit_error(digits: str, position: int, delta: int) -> None:
    position %= len(digits)
    changed = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert not (luhn_is_valid(digits) and luhn_is_valid(changed))


@pytest.mark.parametrize("iban", PUBLISHED_IBANS)
def test_published_ibans_pass_mod_97(iban: str) -> None:
    assert iban_is_valid(iban)
    assert kinds(f"pay to {iban} today") == ["iban"]


def test_iban_mod_97_by_hand() -> None:
    # GB82WEST12345698765432 -> WEST12345698765432GB82 -> letters as numbers
    # (W=32 E=14 S=28 T=29 G=16 B=11): 3214282912345698765432161182 mod 97 == 1.
    assert int("3214282912345698765432161182") % 97 == 1
    assert not iban_is_valid("GB83 WEST 1234 5698 7654 32")
    assert not iban_is_valid("GB82 WEST 1234 5698 7654 3")  # wrong length for GB


def test_ssn_rules_of_the_social_security_administration() -> None:
    assert ssn_is_valid("536", "22", "1234")
    never_issued = [
        ("000", "12", "3456"),
        ("666", "12", "3456"),
        ("912", "12", "3456"),
        ("123", "00", "4567"),
        ("123", "45", "0000"),
        ("078", "05", "1120"),  # the Woolworth wallet card number, voided by the SSA
    ]
    for area, group, serial in never_issued:
        assert not ssn_is_valid(area, group, serial)
    assert kinds("SSN 536-22-1234") == ["us_ssn"]
    assert kinds("SSN 666-22-1234") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.doe+news@mail.example.co.uk now", ["email"]),
        ("call +1 415 555 0132 or (212) 555-0187", ["phone_number", "phone_number"]),
        ("from 203.0.113.45 (RFC 5737 documentation range)", ["ip_address"]),
        ("host 2001:db8:85a3::8a2e:370:7334 down", ["ip_address"]),
        ("loopback 127.0.0.1 and ::1 identify nobody", []),
        ("version 1.2.3.4 released", []),
        ("not an address: 999.1.1.1", []),
        ("meeting at 12:30:45 on 2024-01-15", []),
        ("order 4111 1111 1111 1112 (fails Luhn)", []),
    ],
)
def test_pii_kinds(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


def test_spans_point_at_the_value() -> None:
    text = "mail bob@example.org please"
    (finding,) = scan_pii(text, {}).findings
    assert text[finding.start : finding.end] == "bob@example.org"


def test_kinds_option_restricts() -> None:
    assert [
        f.kind for f in scan_pii("bob@example.org 203.0.113.9", {"kinds": ["ip_address"]}).findings
    ] == ["ip_address"]


@given(st.text(alphabet="ab.-_%+@ x1Z9:é", max_size=160))
def test_email_windows_find_what_a_whole_text_scan_finds(text: str) -> None:
    # The scanner reads only the neighbourhood of each "@"; the plain pattern over the
    # whole text is the reference.
    whole = [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found = [(f.start, f.end) for f in scan_pii(text, {"kinds": ["email"]}).findings]
    assert found == whole


def test_email_after_a_failed_candidate_and_many_at_signs() -> None:
    assert kinds("a@b.c.d@example.com") == ["email"]
    assert kinds("@" * 5000 + " ann@example.org") == ["email"]


def test_text_with_one_digit_still_finds_addresses() -> None:
    assert kinds("write to ann@example.org, or fe80::abcd on the lan, room 5") == [
        "email",
        "ip_address",
    ]
