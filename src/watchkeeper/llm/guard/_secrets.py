"""Credentials in text: provider key formats, private key blocks, JWTs, random tokens.

Each provider pattern follows the format its vendor documents (prefix, alphabet,
length). A token that matches no known format but is long and random (high Shannon
entropy per character) is reported as ``high_entropy_token`` with a lower score.
Higher scores are worse.
"""

from __future__ import annotations

# ruff: noqa: E501  (vendor key formats read best as one unbroken regex per line)
import base64
import binascii
import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from watchkeeper.llm.guard._normalise import decoded_payloads
from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome, drop_overlaps

__all__ = ["SECRET_KINDS", "scan_secrets", "shannon_entropy"]

# (kind, literal triggers, pattern): the regex runs only when a trigger is in the
# text, because a pattern that opens with a look-behind cannot use the regex
# engine's literal-prefix scan and costs tens of microseconds per kilobyte.
_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("aws_access_key_id", ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"), re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Z0-9])")),
    ("aws_secret_access_key", ("aws", "AWS", "Aws"), re.compile(
        r"(?i:aws)[\w .-]{0,20}?(?i:secret|private)[\w .-]{0,20}?['\"]?\s{0,3}[:=]\s{0,3}['\"]?"
        r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])")),
    ("gcp_api_key", ("AIza",), re.compile(r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])")),
    ("azure_storage_key", ("AccountKey=",), re.compile(r"AccountKey=[A-Za-z0-9+/]{86}==")),
    ("azure_client_secret", ("Q~",), re.compile(r"(?<![\w~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])")),
    ("github_token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])")),
    ("gitlab_token", ("glpat-",), re.compile(r"(?<![\w-])glpat-[A-Za-z0-9_-]{20}(?![\w-])")),
    ("slack_token", ("xox",), re.compile(r"(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,72}(?![\w-])")),
    ("slack_webhook", ("hooks.slack.com",), re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}")),
    ("stripe_key", ("sk_live_", "sk_test_", "rk_live_", "rk_test_"), re.compile(r"(?<![\w-])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,99}(?![\w-])")),
    ("anthropic_api_key", ("sk-ant-",), re.compile(r"(?<![\w-])sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,120}(?![\w-])")),
    ("openai_api_key", ("sk-",), re.compile(r"(?<![\w-])sk-(?:proj-|svcacct-|admin-)?(?!ant-)[A-Za-z0-9_-]{20,200}(?![\w-])")),
    ("jwt", ("eyJ",), re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{5,2000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{0,2000}(?![\w-])")),
)  # fmt: skip
_PEM_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_PEM_MAX_BODY = 20_000
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{20,256}={0,2}(?![A-Za-z0-9+/=_-])")

_SCORES = {"high_entropy_token": (0.6, 0.5), "jwt": (0.9, 0.9)}
SECRET_KINDS = (*(name for name, _, _ in _PATTERNS), "private_key", "high_entropy_token")


def shannon_entropy(token: str) -> float:
    """Shannon entropy of ``token`` in bits per character.

    >>> shannon_entropy("aaaa"), shannon_entropy("abcd")
    (0.0, 2.0)
    """
    if not token:
        return 0.0
    counts = Counter(token)
    length = len(token)
    return -sum(n / length * math.log2(n / length) for n in counts.values()) + 0.0


def _jwt_header_ok(token: str) -> bool:
    header = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        parsed = json.loads(decoded)
    except (binascii.Error, ValueError):
        return False
    return isinstance(parsed, dict) and "alg" in parsed


def _random_enough(token: str, min_entropy: float) -> bool:
    classes = sum(
        (
            any(map(str.islower, token)),
            any(map(str.isupper, token)),
            any(map(str.isdigit, token)),
        )
    )
    if classes < 3:
        # Lower-case hex digests (git SHAs, checksums) and words are not credentials.
        return False
    if shannon_entropy(token) < min_entropy:
        return False
    # Base64 that decodes to readable text is an encoded message, not a key.
    return not decoded_payloads(token, limit=1)


# Every pattern but the AWS secret key's matches no whitespace and is at least this
# long (a Slack token), so its trigger is in a whitespace-separated word this long; the
# AWS secret key's 40 characters are such a word too.
_MIN_WORD = 15
_AWS_SECRET_WORD = 40


def _long_words(text: str) -> list[str]:
    """The whitespace-separated words of ``text`` that a credential could be in."""
    return [word for word in text.split() if len(word) >= _MIN_WORD]


def _token_matches(text: str, words: list[str] | None = None) -> Iterator[re.Match[str]]:
    """``_TOKEN.finditer(text)``, reading only the whitespace-separated words of 20
    characters or more (``words``: :func:`_long_words` of ``text``, when at hand): a
    token never spans whitespace, splitting is C-speed, and the pattern's look-behind
    makes the engine try every position it is given."""
    at = 0
    # Only long words are located: a shorter word cannot hold one, so the first
    # occurrence after the previous long word is this one.
    for word in _long_words(text) if words is None else words:
        if len(word) < 20:
            continue
        start = text.find(word, at)
        at = start + len(word)
        yield from _TOKEN.finditer(text, start, at)


def scan_secrets(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Find credentials in ``text``; ``options['min_entropy']`` (default 4.0 bits).

    >>> out = scan_secrets("key=AKIAIOSFODNN7EXAMPLE", {})
    >>> [(f.kind, f.score) for f in out.findings]
    [('aws_access_key_id', 1.0)]
    """
    min_entropy = float(options.get("min_entropy", 4.0))
    findings: list[ScanFinding] = []
    words = _long_words(text)
    # Short substring searches over a long text cost microseconds each; the long words
    # joined are usually a small part of it.
    haystack = " ".join(words)
    for kind, triggers, pattern in _PATTERNS:
        where = haystack
        if kind == "aws_secret_access_key":
            if all(len(word) < _AWS_SECRET_WORD for word in words):
                continue
            where = text  # its name and its key may be separate words
        if not any(trigger in where for trigger in triggers):
            continue
        for match in pattern.finditer(text):
            start, end = match.span(1) if pattern.groups else match.span()
            if kind == "jwt" and not _jwt_header_ok(match.group()):
                continue
            score, confidence = _SCORES.get(kind, (1.0, 0.95))
            findings.append(ScanFinding(start, end, kind, score, confidence))
    for match in _PEM_BEGIN.finditer(text) if "PRIVATE KEY" in text else ():
        tail = _PEM_END.search(text, match.end(), match.end() + _PEM_MAX_BODY)
        end = tail.end() if tail else min(len(text), match.end() + 64)
        findings.append(ScanFinding(match.start(), end, "private_key", 1.0, 0.99))
    for match in _token_matches(text, words):
        if any(f.start <= match.start() < f.end for f in findings):
            continue
        if _random_enough(match.group(), min_entropy):
            score, confidence = _SCORES["high_entropy_token"]
            findings.append(
                ScanFinding(match.start(), match.end(), "high_entropy_token", score, confidence)
            )
    return ScanOutcome.from_findings(drop_overlaps(findings))
