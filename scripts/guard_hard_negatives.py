"""Generated benign prompts that use prompt-attack vocabulary innocently (issue 17).

The prompt-attack classifier raised false alarms on everyday prompts such as "ignore my
previous question", "pretend you are a tour guide" or "developer mode on my phone".
``hard_negative_rows`` builds ~1,000 such prompts (label 0) from hand-written template
pieces with a fixed-seed ``random.Random``, so that training sees the everyday contexts of
the attack words.  Every piece is benign: the user corrects their own earlier message,
asks for a harmless persona or game, asks about device settings, discusses security as a
topic, or asks to decode a harmless string encoded here with the standard library.

The family ``hard_negative_quoted`` quotes attack phrases inside security-training and
unit-test requests; it is kept apart so that a trainer can leave it out.

Two families came later, each from its own seeded generator after the others (so the
first 810 rows did not change): ``hard_negative_notice``, automated e-mail notices and
footers ("System message: your ticket has been closed", in English and a few in French,
Spanish, Italian, Portuguese, none in German), and ``hard_negative_material``,
configuration files, .env dumps, keys and certificates pasted for help, with made-up
secrets (the secrets detector flags those; a prompt attack they are not). ``UNSEEN``
lists the known false alarms they must not copy, so that their scores stay a test.

Two more came after them, the same way: ``hard_negative_role``, 300 system prompts of
ordinary assistants ("Act as a data analyst...", rules lists, XML sections, agent front
matter; ``guard_negatives/roles.py``), and ``hard_negative_formal``, 60 retractions of an
earlier message in the formal register of German, French, Spanish, Italian and
Portuguese ("Bitte ignorieren Sie meine letzte Nachricht, ..."). The first 1,000 rows
are byte for byte those of before (sha256 of their text, label, source and family:
``d518be01...``, ``tests/llm/test_guard_hard_negatives.py``).

The templates and their generators live in ``guard_negatives/`` (``chat``, ``technical``,
``multilingual``, ``pasted``, ``roles``, ``_text``) and are re-exported here.

    python scripts/guard_hard_negatives.py   # counts, overlap check, current detector
"""

from __future__ import annotations

import collections
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from guard_corpus import Row
from guard_negatives._text import (
    MAX_WORDS,
    MIN_WORDS,
    _generate,
    _mixed,
    _words,
)
from guard_negatives.chat import (
    IGNORE,
    MODE,
    MODE_SLOTS,
    OPENERS,
    OVERRIDE,
    OVERRIDE_SLOTS,
    PERSONA,
    PERSONAS,
    SECRET,
    SECRET_SLOTS,
    SLOTS,
    TASKS,
    _persona_slots,
)
from guard_negatives.multilingual import (
    FORMAL,
    FORMAL_SLOTS,
    MULTI,
    MULTI_SLOTS,
)
from guard_negatives.pasted import (
    MATERIAL,
    MATERIAL_ASKS,
    NOTICE,
    NOTICE_SLOTS,
    PEM_PREFIX,
    _notice_slots,
    material_rows,
)
from guard_negatives.roles import ROLE_RULES, ROLES, role_rows
from guard_negatives.technical import (
    BOTS,
    CODE,
    CODE_SLOTS,
    ENCODING,
    PLAINS,
    QUOTED,
    QUOTED_SLOTS,
    TOPIC,
    TOPIC_SLOTS,
    _encodings,
    _topic_slots,
)

SOURCE = "hard_negatives"
SEED = 20260101
ROLE_COUNT = 300
FORMAL_COUNT = 60

__all__ = [
    "BOTS",
    "CODE",
    "CODE_SLOTS",
    "ENCODING",
    "FORMAL",
    "FORMAL_COUNT",
    "FORMAL_SLOTS",
    "GROUPS",
    "IGNORE",
    "LATE_GROUPS",
    "MATERIAL",
    "MATERIAL_ASKS",
    "MAX_WORDS",
    "MIN_WORDS",
    "MODE",
    "MODE_SLOTS",
    "MULTI",
    "MULTI_SLOTS",
    "NOTICE",
    "NOTICE_SLOTS",
    "OPENERS",
    "OVERRIDE",
    "OVERRIDE_SLOTS",
    "PEM_PREFIX",
    "PERSONA",
    "PERSONAS",
    "PLAINS",
    "QUOTED",
    "QUOTED_SLOTS",
    "ROLES",
    "ROLE_COUNT",
    "ROLE_RULES",
    "SECRET",
    "SECRET_SLOTS",
    "SEED",
    "SLOTS",
    "SOURCE",
    "TASKS",
    "TOPIC",
    "TOPIC_SLOTS",
    "UNSEEN",
    "hard_negative_rows",
    "main",
    "material_rows",
    "role_rows",
]

# Known false alarms that must stay out of training so that their scores stay a test:
# the docs' mail footer and its German twin (tests/llm/test_guard_multilingual_patterns).
UNSEEN = [
    "System message: do not reply to this e-mail.",
    "Systemmeldung: Antworten Sie nicht auf diese E-Mail.",
]


# Families added after the first 810 rows, each from its own seeded generator so that
# the earlier rows stay byte for byte the same.
LATE_GROUPS = ("notice", "material", "role", "formal")


GROUPS: list[tuple[str, list[str], int, object]] = [
    ("ignore", IGNORE, 100, None),
    ("persona", PERSONA, 90, _persona_slots),
    ("mode", MODE, 80, MODE_SLOTS),
    ("topic", TOPIC, 70, _topic_slots),
    ("code", CODE, 60, CODE_SLOTS),
    ("quoted", QUOTED, 40, {**QUOTED_SLOTS, "q": CODE_SLOTS["q"]}),
    ("encoding", ENCODING, 70, _encodings),
    ("override", OVERRIDE, 70, OVERRIDE_SLOTS),
    ("secret", SECRET, 70, SECRET_SLOTS),
    ("multilingual", MULTI, 80, MULTI_SLOTS),
]


def hard_negative_rows(seed: int = SEED) -> list[Row]:
    """About 1,000 benign prompts with attack words used innocently, label 0."""
    rng = random.Random(seed)
    rows: list[Row] = []
    pieces: list[str] = []
    for group, templates, count, extra in GROUPS:
        english = group != "multilingual"
        texts = _generate(templates, count, rng, extra, english)  # type: ignore[arg-type]
        rows += [Row(t, 0, SOURCE, f"hard_negative_{group}") for t, _ in texts]
        if group not in ("code", "quoted", "multilingual", "encoding"):
            pieces += [plain for _, plain in texts]
    rows += [Row(t, 0, SOURCE, "hard_negative_mixed") for t in _mixed(rng, pieces, 80)]
    notice_rng, material_rng, role_rng, formal_rng = (
        random.Random(f"{seed}:{group}") for group in LATE_GROUPS
    )
    notices = _generate(NOTICE, 90, notice_rng, _notice_slots, english=False)
    rows += [Row(t, 0, SOURCE, "hard_negative_notice") for t, _ in notices]
    rows += [Row(t, 0, SOURCE, "hard_negative_material") for t in material_rows(material_rng, 100)]
    rows += [Row(t, 0, SOURCE, "hard_negative_role") for t in role_rows(role_rng, ROLE_COUNT)]
    formal = _generate(FORMAL, FORMAL_COUNT, formal_rng, FORMAL_SLOTS, english=False)
    rows += [Row(t, 0, SOURCE, "hard_negative_formal") for t, _ in formal]
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row.text not in seen:
            seen.add(row.text)
            unique.append(row)
    return unique


def _shingles(text: str, size: int = 30) -> set[str]:
    low = text.lower()
    return {low[i : i + size] for i in range(max(1, len(low) - size + 1))}


def main() -> None:
    import guard_corpus

    from watchkeeper.llm.guard._prompt_attack import attack_score_parts

    rows = hard_negative_rows()
    root = Path(__file__).resolve().parents[1]
    lines = (root / "data" / "llm_eval" / "guard_eval.jsonl").read_text(encoding="utf-8")
    reference = [json.loads(line)["text"] for line in lines.splitlines() if line.strip()]
    reference += [r.text for r in guard_corpus.everyday_rows()]
    reference += UNSEEN
    exact = {t.lower() for t in reference}
    grams: set[str] = set()
    for text in reference:
        if len(text) >= 30:
            grams |= _shingles(text)
    overlaps = [
        r.text
        for r in rows
        if r.text.lower() in exact or (len(r.text) >= 30 and _shingles(r.text) & grams)
    ]
    counts = collections.Counter(r.family for r in rows)
    flagged: collections.Counter[str] = collections.Counter()
    by_patterns: collections.Counter[str] = collections.Counter()
    by_classifier: collections.Counter[str] = collections.Counter()
    for row in rows:
        combined, patterns, probability = attack_score_parts(row.text)
        flagged[row.family] += combined >= 0.5
        by_patterns[row.family] += patterns >= 0.5
        by_classifier[row.family] += probability >= 0.5
    print("flagged: combined score >= 0.5 by the current detector; of them, pattern score")
    print("and classifier probability >= 0.5 (training can only move the classifier)")
    print(f"{'family':28} {'rows':>5} {'flagged':>8} {'pattern':>8} {'classif':>8}")
    for family in [*sorted(counts), None]:
        values = [c[family] if family else sum(c.values()) for c in (counts, flagged)]
        values += [c[family] if family else sum(c.values()) for c in (by_patterns, by_classifier)]
        print(f"{family or 'total':28} {values[0]:5} {values[1]:8} {values[2]:8} {values[3]:8}")
    words = [_words(r.text) for r in rows]
    print(f"words per row: min {min(words)}, max {max(words)}")
    print(f"overlap with guard_eval.jsonl, everyday_rows, UNSEEN (30+ chars): {len(overlaps)}")
    for text in overlaps:
        print("  OVERLAP:", text[:100])


if __name__ == "__main__":
    main()
