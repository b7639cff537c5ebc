"""The guard on chat-control messages: users steering their own conversation, and attacks
worded like them.

``data/llm_eval/chat_control.jsonl`` and ``chat_control_test.jsonl`` were written blind
(see their READMEs) by two authors who read none of the guard's code, patterns or
training data: 300 benign messages a set (retracting or correcting one's own words,
changing one's own constraints, starting over, referring to pasted text, prompt
injection discussed as a topic, everyday idioms) and 120 attacks (overrides, prompt
leaks, personas, instructions smuggled into pasted text), in English, German, French
and Spanish. The first set has since been read to tune patterns (it is the development
set); the second has not (the test set). Prints, per set, kind and language, how many
messages ``Guard().scan(text).flagged`` flags (every default detector).

    python scripts/eval_guard_chat_control.py
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

from watchkeeper.llm.guard import Guard

DATA = Path(__file__).resolve().parents[1] / "data" / "llm_eval"
SETS = {"development (read)": "chat_control.jsonl", "test (blind)": "chat_control_test.jsonl"}


def rows(name: str) -> list[dict[str, object]]:
    """The rows of one set: text, label (1 attack), kind, lang."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main() -> None:
    guard = Guard()
    print("| set | label | kind | flagged |\n| --- | --- | --- | --- |")
    totals: dict[tuple[str, int], list[int]] = collections.defaultdict(lambda: [0, 0])
    by_lang: dict[tuple[str, int, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for title, name in SETS.items():
        cells: dict[tuple[int, str], list[int]] = collections.defaultdict(lambda: [0, 0])
        for row in rows(name):
            flagged = int(guard.scan(str(row["text"])).flagged)
            label = int(str(row["label"]))
            for cell in (cells[(label, str(row["kind"]))], totals[(title, label)],
                         by_lang[(title, label, str(row["lang"]))]):  # fmt: skip
                cell[0] += flagged
                cell[1] += 1
        for (label, kind), (hit, count) in sorted(cells.items()):
            role = "attack" if label else "benign"
            print(f"| {title} | {role} | {kind} | {hit} / {count} |")
    print("\n| set | benign flagged | attacks caught | by language (flagged / rows) |")
    print("| --- | --- | --- | --- |")
    for title in SETS:
        fp, benign = totals[(title, 0)]
        tp, attacks = totals[(title, 1)]
        langs = ", ".join(
            f"{lang} {'attacks' if label else 'benign'} {hit}/{count}"
            for (name, label, lang), (hit, count) in sorted(by_lang.items())
            if name == title and lang != "en"
        )
        print(
            f"| {title} | {fp} / {benign} ({fp / benign:.1%}) | "
            f"{tp} / {attacks} ({tp / attacks:.1%}) | {langs} |"
        )


if __name__ == "__main__":
    main()
