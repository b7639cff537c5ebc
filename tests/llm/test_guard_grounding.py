"""The grounding scanner: claims of a response that its context does not support."""

from __future__ import annotations

import time

import pytest

from watchkeeper._exceptions import ConfigError
from watchkeeper.llm.guard import Guard, Policy
from watchkeeper.llm.guard._grounding import extract_claims, unsupported_claims

CONTEXT = [
    "Northwind Energy announced on 2021-03-04 that it will open three new sites in "
    "Cape Town, an investment of $2,400,000. Chief executive Amara Okafor said "
    '"safety comes before every deadline". 40% of the jobs go to local residents. '
    "Details: https://www.northwind.example/news/2021"
]


def kinds_and_texts(response: str) -> list[tuple[str, str]]:
    return [(c.kind, c.text) for c in unsupported_claims(response, CONTEXT)]


def test_restated_facts_in_other_formats_are_supported() -> None:
    # 4 March 2021 == 2021-03-04; 2.4 million == 2,400,000; three == 3; 40 percent == 40%;
    # the URL without scheme, www. or with a trailing slash is the same URL.
    response = (
        "On 4 March 2021 Northwind Energy said it would open 3 sites in Cape Town, "
        'investing $2.4 million. Amara Okafor said "Safety comes before every deadline." '
        "About 40 percent of jobs go to locals (northwind.example/news/2021/ is not a URL "
        "claim without a scheme; https://northwind.example/news/2021/ is)."
    )
    assert kinds_and_texts(response) == []


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("It opened on 5 March 2021.", [("date", "5 March 2021")]),
        ("It invests $2.5 million.", [("number", "2.5 million")]),
        ("Half, 50%, of the jobs go to locals.", [("number", "50%")]),
        ("Jonas Berg said so.", [("name", "Jonas Berg")]),
        ('She said "speed comes before every deadline".',
         [("quote", '"speed comes before every deadline"')]),
        ("See https://www.northwind.example/press/2021.",
         [("url", "https://www.northwind.example/press/2021")]),
    ],
)  # fmt: skip
def test_each_kind_of_unsupported_claim_is_flagged(
    response: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds_and_texts(response) == expected


def test_spans_index_the_response() -> None:
    response = "Revenue: $9 million, per Jonas Berg."
    for claim in unsupported_claims(response, CONTEXT):
        assert response[claim.start : claim.end] == claim.text


def test_list_markers_sentence_starts_and_partial_dates_are_not_claims() -> None:
    claims = extract_claims("1. The Board met.\n2. In March 2021 it voted.")
    # "1." and "2." are list markers; "The Board" drops its leading "The" and is one
    # word; "March 2021" is a partial date.
    assert [(c.kind, c.text) for c in claims] == [("date", "March 2021")]
    assert unsupported_claims("In March 2021 it voted.", CONTEXT) == []


def test_claims_inside_a_quote_or_url_are_judged_with_it() -> None:
    claims = extract_claims('He wrote "we hired 12 people in Cape Town" at https://a.example/7')
    assert [c.kind for c in claims] == ["quote", "url"]


def test_without_context_nothing_is_judged() -> None:
    guard = Guard(Policy().with_scanner("unsupported_claims", enabled=True))
    result = guard.scan_response("It costs $45.")
    verdict = next(v for v in result.breakdown if v.detector_type == "unsupported_claims")
    assert (verdict.detected, verdict.score, verdict.confidence) == (False, 0.0, 0.0)


def test_the_guard_reads_context_from_system_and_tool_messages() -> None:
    guard = Guard(Policy().with_scanner("unsupported_claims", enabled=True))
    chat = [
        {"role": "system", "content": "Answer from the documents."},
        {"role": "tool", "content": "The ticket costs $40 and the museum opens at 9."},
        {"role": "user", "content": "How much is a ticket?"},
        {"role": "assistant", "content": "A ticket costs $45; the museum opens at 9."},
    ]
    result = guard.scan(chat)
    assert result.detected == ("unsupported_claims",)
    assert [(s.text, s.kind, s.message_index) for s in result.payload] == [("45", "number", 3)]
    chat[3]["content"] = "A ticket costs $40; the museum opens at 9."
    assert guard.scan(chat).flagged is False


def test_off_by_default_and_context_option_is_validated() -> None:
    assert "unsupported_claims" not in Guard().scan_response("It costs $45.").detected
    with pytest.raises(ConfigError, match="list of strings"):
        Policy().with_scanner("unsupported_claims", context="one document")
    policy = Policy().with_scanner("unsupported_claims", enabled=True, context=["It is $40."])
    assert Guard(policy).scan_response("It is $45.").detected == ("unsupported_claims",)


def test_work_grows_linearly_with_response_and_context() -> None:
    sentence = "On 4 March 2021 Jonas Berg paid $2.5 million for 12 sites: https://a.example/x. "

    def cpu(n: int) -> float:
        response, context = sentence * n, [sentence.replace("2.5", "2.4") * n]
        start = time.process_time()
        for _ in range(3):
            unsupported_claims(response, context)
        return time.process_time() - start

    cpu(20)
    # The least of three runs each: a collection or a preempted core on a loaded CI
    # machine once made one run of the larger size look 10x slower.
    small, large = min(cpu(100) for _ in range(3)), min(cpu(400) for _ in range(3))
    # Linear work grows 4x; a quadratic step would grow 16x. Generous bound, no wall clock.
    assert large < 10 * max(small, 1e-3)
