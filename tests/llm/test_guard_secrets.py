"""Secrets scanner: vendor key formats, PEM blocks, JWTs, entropy."""

from __future__ import annotations

import base64
import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import entropy

from watchkeeper.llm.guard._secrets import _TOKEN, _token_matches, scan_secrets, shannon_entropy


def kinds(text: str) -> list[str]:
    return [f.kind for f in scan_secrets(text, {}).findings]


def jwt() -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': '42'})}.c2lnbmF0dXJlc2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "aws_access_key_id"),  # AWS documentation's example id
        (
            'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
            "aws_secret_access_key",
        ),
        ("AIza" + "SyD4x9Qm2Lp7Rt5Vw8Yz1Bc3De6Fg0Hj2Kk", "gcp_api_key"),
        ("AccountKey=" + "a" * 40 + "B1" * 23 + "==", "azure_storage_key"),
        ("ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5", "github_token"),
        ("github_pat_" + "A1b2" * 20 + "xy", "github_token"),
        ("glpat-" + "xY7_zW3-kL9mN2pQ5rS8", "gitlab_token"),
        ("xoxb-2417493827-2417493827123-AbCdEfGhIjKlMnOpQrStUvWx", "slack_token"),
        ("sk_live_" + "51HqT8kLmNoPqRsTuVwXyZaBc", "stripe_key"),
        ("sk-ant-api03-" + "Ab9_" * 24, "anthropic_api_key"),
        ("sk-proj-" + "Xy7aB9cD2eF4gH6iJ8kL0mN1oP3qR5sT", "openai_api_key"),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----",
            "private_key",
        ),
        ("Bearer " + jwt(), "jwt"),
        ("token Zq8Kp2Xr7Vm4Tn9Wb3Yc6Hd1Jf5Lg0Qs here", "high_entropy_token"),
    ],
)
def test_secret_formats(text: str, kind: str) -> None:
    assert kinds(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "commit 3f786850e387550fdab836ed7e6dc881de23001b",  # hex digest, not a secret
        "run 123e4567-e89b-12d3-a456-426614174000",
        "scikit-learn is sklearn; sk-learn is a typo",
        "aGVsbG8gd29ybGQsIHRoaXMgaXMgcGxhaW4gdGV4dA==",  # base64 of readable text
        "internationalization_configuration_manager",
    ],
)
def test_near_misses_are_not_secrets(text: str) -> None:
    assert kinds(text) == []


def test_entropy_matches_scipy() -> None:
    token = "Zq8Kp2Xr7Vm4Tn9Wb3Yc6Hd1Jf5Lg0QsZZ"
    counts = list(Counter(token).values())
    assert shannon_entropy(token) == pytest.approx(entropy(counts, base=2))


def test_span_of_aws_secret_is_the_key_only() -> None:
    text = 'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'
    (finding,) = scan_secrets(text, {}).findings
    assert text[finding.start : finding.end] == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


_WORDS = st.lists(
    st.tuples(
        st.text(alphabet="aB3+/=_-xZ9é.", max_size=45),
        st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2003"]),
    ),
    max_size=8,
).map(lambda parts: "".join(word + space for word, space in parts))


@given(_WORDS)
def test_token_search_by_words_finds_what_a_whole_text_scan_finds(text: str) -> None:
    # The scanner reads only whitespace-separated words of 20 characters or more; the
    # token pattern over the whole text is the reference.
    whole = [m.span() for m in _TOKEN.finditer(text)]
    assert [m.span() for m in _token_matches(text)] == whole


def test_shortest_token_and_a_key_apart_from_its_name_are_found() -> None:
    # Triggers are looked for in the words a credential can be in (15 characters or
    # more); these sit at that edge: a 15-character Slack token, an AWS secret key
    # whose name is several words away.
    assert kinds("the bot token xoxb-1234567890 leaked") == ["slack_token"]
    assert kinds("AWS secret key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") == [
        "aws_secret_access_key"
    ]
    assert "aws_secret_access_key" not in kinds("AWS secret key: wJalrXUtnFEMI/K7MDENG")
