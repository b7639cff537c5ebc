"""Properties every registered scanner must have (a test_common for scanners)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.llm.guard import available_scanners
from watchkeeper.llm.guard._registry import get_scanner

OPTIONS = {
    "canary": {"tokens": ["wkc0123456789abcdef"]},
    "links": {"allowed_domains": ["example.com"]},
    "banned_substrings": {"substrings": ["forbidden"]},
    "banned_topics": {"topics": {"t": ["alpha", "beta"]}},
    "banned_regex": {"patterns": [r"\d{3}"]},
}


def test_registry_metadata() -> None:
    names = [s.name for s in available_scanners()]
    assert len(names) == len(set(names))
    for spec in available_scanners():
        assert spec.applies_to <= {"input", "output"} and spec.applies_to
        assert 0 < spec.default_threshold <= 1
        assert spec.description
        assert get_scanner(spec.name) is spec


def test_empty_text_scores_zero_everywhere() -> None:
    for spec in available_scanners():
        outcome = spec.func("", OPTIONS.get(spec.name, {}))
        assert outcome.findings == (), spec.name
        assert outcome.score < 0.5, spec.name


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_scores_in_range_and_spans_inside_the_text(text: str) -> None:
    for spec in available_scanners():
        outcome = spec.func(text, OPTIONS.get(spec.name, {}))
        assert 0.0 <= outcome.score <= 1.0, spec.name
        assert 0.0 <= outcome.confidence <= 1.0, spec.name
        for finding in outcome.findings:
            assert 0 <= finding.start <= finding.end <= len(text), (spec.name, finding)
