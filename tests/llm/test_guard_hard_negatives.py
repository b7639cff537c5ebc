"""The generated hard negatives the prompt classifier trains on (scripts/guard_hard_negatives.py).

They must not leak the texts the guard is measured on: no 30-character run shared with
``data/llm_eval/guard_eval.jsonl`` or with the known false alarms kept as unseen tests
(the German mail footer of test_guard_multilingual_patterns). The check here reads the
evaluation file itself and cuts its own runs; it does not reuse the script's check.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
EVAL = ROOT / "data" / "llm_eval" / "guard_eval.jsonl"
# Known false alarms whose scores are tests: the docs' English footer, its German twin.
UNSEEN = (
    "System message: do not reply to this e-mail.",
    "Systemmeldung: Antworten Sie nicht auf diese E-Mail.",
)


@pytest.fixture(scope="module")
def negatives() -> Iterator[ModuleType]:
    pytest.importorskip("yaml")
    before = list(sys.path)
    sys.path.insert(0, str(SCRIPTS))
    try:
        import guard_hard_negatives  # type: ignore[import-not-found]

        yield guard_hard_negatives
    finally:
        sys.path[:] = before


def _runs(text: str, size: int = 30) -> set[str]:
    low = text.lower()
    return {low[i : i + size] for i in range(len(low) - size + 1)}


def test_no_row_shares_30_characters_with_the_eval_set_or_the_unseen_alarms(
    negatives: ModuleType,
) -> None:
    texts = [json.loads(line)["text"] for line in EVAL.read_text("utf-8").splitlines() if line]
    assert len(texts) == 190
    guarded = set().union(*(_runs(t) for t in [*texts, *UNSEEN]))
    rows = negatives.hard_negative_rows()
    shared = [r.text for r in rows if _runs(r.text) & guarded]
    assert shared == []
    assert not {r.text.lower() for r in rows} & {t.lower() for t in [*texts, *UNSEEN]}


def test_rows_are_reproducible_benign_and_unique(negatives: ModuleType) -> None:
    rows = negatives.hard_negative_rows()
    assert rows == negatives.hard_negative_rows()
    assert {(r.label, r.source) for r in rows} == {(0, "hard_negatives")}
    assert len({r.text for r in rows}) == len(rows) >= 1000
    assert negatives.hard_negative_rows(seed=1) != rows


def test_the_pasted_families_hold_no_rsa_key_block_and_no_german(
    negatives: ModuleType,
) -> None:
    # guard_eval's PEM row (leak-15) is an RSA private key, and the German footer is an
    # unseen test: neither kind is written into the notices or the pasted material.
    rows = negatives.hard_negative_rows()
    notices = [r.text for r in rows if r.family == "hard_negative_notice"]
    material = [r.text for r in rows if r.family == "hard_negative_material"]
    assert len(notices) == 90 and len(material) == 100
    assert not [t for t in material if "RSA PRIVATE KEY" in t]
    assert sum("PRIVATE KEY-----" in t for t in material) >= 10
    german = ("nicht", "bitte", "Sie ", "Antwort", "Nachricht", "Systemmeldung")
    assert not [t for t in notices + material if any(word in t for word in german)]


def test_the_later_families_leave_the_first_thousand_rows_unchanged(
    negatives: ModuleType,
) -> None:
    # Each late family has its own seeded generator, so adding one changes no earlier row:
    # the LOSO figures of earlier rounds stay comparable.
    import hashlib

    rows = negatives.hard_negative_rows()
    late = {"hard_negative_role", "hard_negative_formal"}
    early = [r for r in rows if r.family not in late]
    joined = "\n\x00".join(f"{r.text}\t{r.label}\t{r.source}\t{r.family}" for r in early)
    assert len(early) == 1000
    assert hashlib.sha256(joined.encode()).hexdigest().startswith("d518be01")
    assert sum(r.family == "hard_negative_role" for r in rows) == negatives.ROLE_COUNT
    assert sum(r.family == "hard_negative_formal" for r in rows) == negatives.FORMAL_COUNT


def test_role_prompts_and_formal_retractions_ask_for_nothing_an_attack_asks_for(
    negatives: ModuleType,
) -> None:
    # They teach the classifier that a role prompt or a polite "ignore my last message"
    # is benign; a row that also asked for no rules, another AI or the system prompt
    # would teach it that attacks are benign.
    import re

    attack = re.compile(
        r"no (?:rules|restrictions|limits|filters)|without (?:rules|restrictions|limits)"
        r"|jailbreak|\bDAN\b|developer mode|(?:reveal|print|show|repeat)\W+(?:\w+\W+){0,3}"
        r"system prompt|ohne (?:Regeln|Einschränkungen)|sans (?:règles|restrictions)"
        r"|sin (?:reglas|restricciones)|Anweisungen|instructions?|istruzioni|instruções"
        r"|instrucciones",
        re.I,
    )
    rows = negatives.hard_negative_rows()
    late = [r.text for r in rows if r.family in ("hard_negative_role", "hard_negative_formal")]
    assert len(late) == negatives.ROLE_COUNT + negatives.FORMAL_COUNT
    assert [t for t in late if attack.search(t)] == []
