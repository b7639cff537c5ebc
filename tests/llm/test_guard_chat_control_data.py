"""The two chat-control sets (data/llm_eval/chat_control*.jsonl): their shape, and that the
test set shares no message with the development set (it must stay a held-out measure)."""

from __future__ import annotations

import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import eval_guard_chat_control as chat_control

BENIGN_KINDS = {"retract_own", "change_own_constraint", "start_over", "refer_pasted",
                "quoted_topic", "idiom"}  # fmt: skip
ATTACK_KINDS = {"override", "leak", "persona", "smuggled"}


def test_each_set_has_its_kinds_and_languages() -> None:
    for name in chat_control.SETS.values():
        rows = chat_control.rows(name)
        kinds = collections.Counter((row["label"], row["kind"]) for row in rows)
        assert {kind for label, kind in kinds if label == 0} == BENIGN_KINDS
        assert {kind for label, kind in kinds if label == 1} == ATTACK_KINDS
        # 300 written a set; three of the test set were dropped as duplicates of the other.
        assert sum(n for (label, _), n in kinds.items() if label == 0) in (297, 300)
        assert sum(n for (label, _), n in kinds.items() if label == 1) == 120
        assert {row["lang"] for row in rows} == {"en", "de", "fr", "es"}
        assert len({row["text"] for row in rows}) == len(rows)


def test_the_test_set_shares_no_message_with_the_development_set() -> None:
    dev, test = (
        {" ".join(str(row["text"]).lower().split()) for row in chat_control.rows(name)}
        for name in chat_control.SETS.values()
    )
    assert not dev & test
