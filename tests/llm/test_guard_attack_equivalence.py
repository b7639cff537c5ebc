"""The prompt-attack detector's outputs, pinned: speed work must not change a single score.

``data/guard_attack_equivalence.json`` holds ~200 prompts (corpus rows of every source
of ``scripts/guard_corpus.py``, benign and attacks, non-Latin scripts, and each
obfuscation the detector undoes: leetspeak, rot13, base64, hex, spacing, look-alike
letters, invisible characters) with the outputs that revision ``base_revision``
gave them: score, confidence, every finding (span, kind, score, confidence) and
``attack_score_parts``. Long prompts (4,000 and 8,000 characters, and one longer than
the head plus tail the detector reads) are built here from the short ones; their
outputs are stored too. Floats are compared exactly: a faster detector must give
bit-identical results, and a deliberate change of scores rewrites the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.llm.guard._prompt_attack import (
    ATTACK_HEAD_CHARS,
    ATTACK_TAIL_CHARS,
    attack_score_parts,
    scan_prompt_attack,
)

DATA = Path(__file__).resolve().parent / "data" / "guard_attack_equivalence.json"


def long_prompts(texts: list[str]) -> list[str]:
    """Prompts of 4,000, 8,000 and head+tail+5,000 characters, joined from ``texts`` in order."""
    joined = "\n".join(text for text in texts if text)
    out = []
    for length in (4000, 8000):
        for start in range(0, 6 * 1500, 1500):
            out.append((joined[start:] + "\n" + joined)[:length])
    huge = ATTACK_HEAD_CHARS + ATTACK_TAIL_CHARS + 5000
    out.append((joined * (huge // max(1, len(joined)) + 1))[:huge])
    return out


def _outcome(text: str) -> dict[str, Any]:
    result = scan_prompt_attack(text, {})
    return {
        "score": result.score,
        "confidence": result.confidence,
        "findings": [[f.start, f.end, f.kind, f.score, f.confidence] for f in result.findings],
        "parts": list(attack_score_parts(text)),
    }


def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def test_the_pinned_prompts_cover_attacks_and_benign_text() -> None:
    prompts = _data()["prompts"]
    flagged = sum(p["score"] >= 0.5 for p in prompts)
    assert len(prompts) >= 150
    assert 40 <= flagged <= len(prompts) - 40
    kinds = {f[2] for p in prompts for f in p["findings"]}
    assert {"instruction_override", "obfuscated_leetspeak", "obfuscated_rot13"} <= kinds
    assert any(not p["text"].isascii() for p in prompts)


@pytest.mark.parametrize("index", range(len(_data()["prompts"])))
def test_each_pinned_prompt_scores_exactly_as_recorded(index: int) -> None:
    expected = _data()["prompts"][index]
    got = _outcome(expected["text"])
    assert got == {key: expected[key] for key in got}


def test_long_prompts_score_exactly_as_recorded() -> None:
    data = _data()
    texts = long_prompts([p["text"] for p in data["prompts"]])
    assert len(texts) == len(data["long"])
    assert max(len(text) for text in texts) > ATTACK_HEAD_CHARS + ATTACK_TAIL_CHARS
    for text, expected in zip(texts, data["long"], strict=True):
        assert _outcome(text) == expected
