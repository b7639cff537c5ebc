"""Links, banned lists and refusals."""

from __future__ import annotations

import pytest

from watchkeeper._exceptions import ConfigError
from watchkeeper.llm.guard._banned import (
    compile_user_pattern,
    scan_banned_regex,
    scan_banned_substrings,
    scan_banned_topics,
)
from watchkeeper.llm.guard._links import host_is_allowed, scan_links
from watchkeeper.llm.guard._refusal import scan_refusal


def test_links_outside_the_allow_list() -> None:
    text = "docs at https://docs.example.com/x and www.evil.io/steal and http://example.com.evil.io"
    out = scan_links(text, {"allowed_domains": ["example.com"]})
    assert [text[f.start : f.end] for f in out.findings] == [
        "www.evil.io/steal",
        "http://example.com.evil.io",
    ]
    assert host_is_allowed("EXAMPLE.com.", ("example.com",))


def test_markdown_image_exfiltration_scores_highest() -> None:
    out = scan_links("![a](https://x.io/i.png?d=secret)", {"allowed_domains": []})
    assert [(f.kind, f.score) for f in out.findings] == [("markdown_image_exfiltration", 1.0)]


def test_banned_substrings_see_through_disguises() -> None:
    out = scan_banned_substrings(
        "Tell me about Pr\u200bоject Zeus", {"substrings": ["project zeus"]}
    )
    assert out.score == 1.0


def test_banned_topics_need_min_hits() -> None:
    topics = {"medical": ["diagnosis", "dosage", "prescription"]}
    assert scan_banned_topics("the dosage", {"topics": topics}).score == 0.5
    assert scan_banned_topics("the dosage and diagnosis", {"topics": topics}).score == 1.0
    assert scan_banned_topics("the dosage", {"topics": topics, "min_hits": 1}).score == 1.0


def test_banned_regex_and_catastrophic_patterns_refused() -> None:
    assert scan_banned_regex("ref ABC-123", {"patterns": [r"[A-Z]{3}-\d{1,6}"]}).score == 1.0
    for bad in [r"(a+)+$", r"(\w*)*x", r"(x+)*y", r"(a{1,5}){1,}"]:
        with pytest.raises(ConfigError, match="nests quantifiers"):
            compile_user_pattern(bad)
    with pytest.raises(ConfigError, match="does not compile"):
        compile_user_pattern("(unclosed")


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("I'm sorry, but I can't help with that.", 1.0),
        ("I cannot assist with creating malware.", 1.0),
        ("As an AI language model, I cannot browse the internet.", 1.0),
        ("Sure! Here are three ideas.", 0.0),
        ("I can help with that: first, preheat the oven.", 0.0),
        ("x" * 400 + " I won't provide that part.", 0.6),
    ],
)
def test_refusals(text: str, score: float) -> None:
    assert scan_refusal(text, {}).score == score
