"""Precision and recall of the grounding check on ``data/llm_eval/grounding_eval.jsonl``.

A predicted unsupported claim matches a labelled one when their texts overlap in the
response; claim precision is matched predictions over predictions, claim recall
matched labels over labels. Response level: a response is flagged when it has any
unsupported claim. Per part (``template``, ``hand``) and per claim kind.

    python scripts/make_grounding_eval.py && python bench/bench_guard_grounding.py
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

from watchkeeper.llm.guard._grounding import unsupported_claims

DATA = Path(__file__).resolve().parents[1] / "data" / "llm_eval" / "grounding_eval.jsonl"


def main() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses = []
    for row in rows:
        response = row["response"]
        gold = []
        for kind, text in row["unsupported"]:
            start = response.index(text)
            gold.append((kind, start, start + len(text)))
        predicted = unsupported_claims(response, row["context"])
        for part in (row["part"], "all"):
            c = counts[part]
            c["rows"] += 1
            c["flag_gold"] += bool(gold)
            c["flag_pred"] += bool(predicted)
            c["flag_both"] += bool(gold) and bool(predicted)
            c["pred"] += len(predicted)
            c["gold"] += len(gold)
            c["pred_ok"] += sum(
                any(p.start < e and p.end > s for _, s, e in gold) for p in predicted
            )
            c["gold_ok"] += sum(
                any(p.start < e and p.end > s for p in predicted) for _, s, e in gold
            )
        for kind, s, e in gold:
            counts[f"kind:{kind}"]["gold"] += 1
            counts[f"kind:{kind}"]["gold_ok"] += any(p.start < e and p.end > s for p in predicted)
        for p in predicted:
            counts[f"kind:{p.kind}"]["pred"] += 1
            counts[f"kind:{p.kind}"]["pred_ok"] += any(
                p.start < e and p.end > s for _, s, e in gold
            )
            if not any(p.start < e and p.end > s for _, s, e in gold):
                misses.append(f"false alarm {p.kind} {p.text!r} in {response[:70]!r}")
        for kind, s, e in gold:
            if not any(p.start < e and p.end > s for p in predicted):
                misses.append(f"missed {kind} {response[s:e]!r}")

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    print("| part | rows | claim precision | claim recall | response precision | response recall |")
    print("| --- | --- | --- | --- | --- | --- |")
    for part in ("template", "hand", "blind", "all"):
        c = counts[part]
        print(
            f"| {part} | {c['rows']} | {ratio(c['pred_ok'], c['pred'])} | "
            f"{ratio(c['gold_ok'], c['gold'])} | {ratio(c['flag_both'], c['flag_pred'])} | "
            f"{ratio(c['flag_both'], c['flag_gold'])} |"
        )
    print("\n| kind | precision | recall |\n| --- | --- | --- |")
    for key in sorted(k for k in counts if k.startswith("kind:")):
        c = counts[key]
        print(
            f"| {key[5:]} | {ratio(c['pred_ok'], c['pred'])} | {ratio(c['gold_ok'], c['gold'])} |"
        )
    print()
    for line in misses:
        print(line)


if __name__ == "__main__":
    main()
