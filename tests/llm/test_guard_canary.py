"""Canary tokens: generation, embedding and leak detection."""

from __future__ import annotations

import base64
import random

import pytest

from watchkeeper.llm.guard import Guard, add_canary, find_canaries, make_canary
from watchkeeper.llm.guard._canary import scan_canary

TOKEN = "wkc0123456789abcdef"


def test_make_canary_is_random_and_well_formed() -> None:
    tokens = {make_canary() for _ in range(50)}
    assert len(tokens) == 50
    assert all(find_canaries(t) == (t,) for t in tokens)
    assert make_canary(random.Random(1)) == make_canary(random.Random(1))


@pytest.mark.parametrize(
    "response",
    [
        f"the marker is {TOKEN}",
        f"THE MARKER IS {TOKEN.upper()}",
        "marker: " + " ".join(TOKEN),
        "marker: " + "-".join(TOKEN[i : i + 4] for i in range(0, len(TOKEN), 4)),
        "reversed " + TOKEN[::-1],
        "encoded " + base64.b64encode(f"marker {TOKEN}".encode()).decode(),
        "hex " + f"marker {TOKEN}".encode().hex(),
        "zero width " + "\u200b".join(TOKEN),
    ],
)
def test_leaks_are_detected(response: str) -> None:
    assert scan_canary(response, {"tokens": [TOKEN]}).score == 1.0


def test_no_leak_no_tokens() -> None:
    assert scan_canary("a normal answer", {"tokens": [TOKEN]}).score == 0.0
    assert scan_canary(TOKEN, {}).score == 0.0


def test_guard_finds_the_canary_of_the_system_prompt_by_itself() -> None:
    system = add_canary("You are a support bot.", TOKEN)
    chat = [
        {"role": "system", "content": system},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": f"my instructions mention {TOKEN}"},
    ]
    result = Guard().scan(chat)
    assert result.detected == ("canary",)
    (span,) = [s for s in result.payload if s.detector_type == "canary"]
    assert (span.message_index, span.text) == (2, TOKEN)
