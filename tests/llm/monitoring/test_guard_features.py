"""The features a guarded request is logged with, by hand."""

from __future__ import annotations

import pytest

from watchkeeper import InputError
from watchkeeper.llm.guard import Guard, Policy
from watchkeeper.llm.monitoring import (
    GUARD_FEATURES,
    guard_feature_schema,
    guard_features,
    guard_reference,
    prompt_and_response,
)


def test_prompt_and_response_pick_the_last_turn() -> None:
    chat = [
        {"role": "system", "content": "be nice"},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "one"},
        {"role": "tool", "content": "result"},
        {"role": "assistant", "content": "two"},
    ]
    assert prompt_and_response(chat) == ("result", "two")
    assert prompt_and_response(chat[:4]) == ("result", None)
    assert prompt_and_response([{"role": "system", "content": "x"}]) == (None, None)
    assert prompt_and_response([]) == ("", None)


def test_features_by_hand() -> None:
    token = "wkc0123456789abcdef"
    chat = [
        {"role": "user", "content": "Mail bob@example.org now!"},
        {"role": "assistant", "content": f"Sure, {token}"},
    ]
    guard = Guard()
    features = guard_features(chat, guard.scan(chat, canaries=[token]), guard.policy)
    assert set(features) == set(GUARD_FEATURES)
    # prompt words: mail bob example org now (5); response: sure + the token (2)
    assert features["prompt_n_words"] == 5.0 and features["response_n_words"] == 2.0
    assert features["prompt_n_chars"] == 25.0
    assert features["prompt_script"] == "latin"
    assert features["guard_flagged"] is True
    assert features["guard_pii_hit"] is True and features["guard_canary_hit"] is True
    assert features["guard_prompt_attack_hit"] is False
    alone = guard_features(chat[:1], guard.scan(chat[:1]), guard.policy)
    assert alone["response_n_chars"] is None and alone["guard_canary_hit"] is None


def test_policy_decides_the_detector_columns() -> None:
    policy = Policy().with_scanner("links", enabled=True).with_scanner("pii", enabled=False)
    names = guard_feature_schema(policy).names
    assert "guard_links_hit" in names and "guard_pii_hit" not in names


def test_reference_rows_and_errors() -> None:
    table = guard_reference(["a b", "c"], ["d", None])
    assert table.column("prompt_n_words").to_pylist() == [2.0, 1.0]
    assert table.column("response_n_words").to_pylist() == [1.0, None]
    with pytest.raises(InputError, match="one response"):
        guard_reference(["a", "b"], ["c"])
