"""How a template becomes a prompt: slots filled from seeded choices, the casing
and punctuation people type, and the longer requests that mix several pieces."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from guard_negatives.chat import OPENERS, SLOTS, TASKS

MIN_WORDS, MAX_WORDS = 5, 120


def _fill(template: str, rng: random.Random, extra: dict[str, list[str]] | None = None) -> str:
    table = {**SLOTS, **(extra or {})}
    chosen: dict[str, str] = {}  # a slot named twice in one template gets one value

    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        values = table.get(name) or table.get(name.lower())
        if values is None:
            return match.group(0)
        value = chosen.setdefault(name.lower(), rng.choice(values))
        return value[:1].upper() + value[1:] if name[:1].isupper() else value

    return re.sub(r"\{(\w+)\}", pick, template)


def _style(text: str, rng: random.Random, english: bool = True) -> str:
    """Vary casing, punctuation and openers the way people type."""
    roll = rng.random()
    if roll < 0.12:
        text = text.lower()
    elif roll < 0.18:
        return text.rstrip(".!?")
    if not english:
        return text
    if rng.random() < 0.15:
        opener = rng.choice(["Hi! ", "Quick question: ", "hey - ", "Ok so ", "Hello, ", "Hmm. "])
        text = opener + (text[:1].lower() + text[1:] if text[:1].isupper() else text)
    if rng.random() < 0.12:
        text += rng.choice([" Thanks!", " thx", " Cheers.", " Thank you :)", " ty", " 🙏"])
    return text


def _generate(
    templates: list[str],
    count: int,
    rng: random.Random,
    extra: Callable[[random.Random], dict[str, list[str]]] | dict[str, list[str]] | None = None,
    english: bool = True,
) -> list[tuple[str, str]]:
    """``count`` distinct (styled text, plain text) pairs from ``templates``."""
    texts: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _ in range(count * 40):
        if len(texts) >= count:
            break
        slots = extra(rng) if callable(extra) else extra
        plain = _fill(_fill(rng.choice(templates), rng, slots), rng, slots)
        plain = plain.replace("{{", "{").replace("}}", "}")
        text = _style(plain, rng, english)
        key = re.sub(r"\W+", " ", text.lower()).strip()
        if key not in seen and MIN_WORDS <= _words(text) <= MAX_WORDS:
            seen.add(key)
            texts.append((text, plain))
    return texts


def _words(text: str) -> int:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    return len(text.split()) + cjk // 2


def _mixed(rng: random.Random, pieces: list[str], count: int) -> list[str]:
    texts: list[str] = []
    seen: set[str] = set()
    for _ in range(count * 40):
        if len(texts) >= count:
            break
        parts = [rng.choice(OPENERS)] if rng.random() < 0.8 else []
        chosen = rng.sample(pieces, rng.choice([1, 1, 2, 3]))
        parts += [p if p[-1:] in ".!?" else p + "." for p in chosen]
        parts += [_fill(t, rng) for t in rng.sample(TASKS, rng.choice([1, 2, 3]))]
        if rng.random() < 0.4:
            rng.shuffle(parts[1:])
        if rng.random() < 0.3:
            parts.append(rng.choice(["Thanks a lot!", "No rush.", "Appreciate it.", "Cheers"]))
        text = " ".join(parts)
        if text not in seen and MIN_WORDS <= _words(text) <= MAX_WORDS:
            seen.add(text)
            texts.append(text)
    return texts
