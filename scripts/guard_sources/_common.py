"""What every corpus reader shares: the row type, where the corpus is unpacked, the
seed and the helpers that fill templates."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

import train_prompt_classifier as base

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "bench" / ".venvs" / "guard-corpus"
SEED = 20260101
MAX_CHARS = 3000


@dataclass(frozen=True)
class Row:
    """One labelled text: ``label`` 1 is an attack, ``family`` names its kind."""

    text: str
    label: int
    source: str
    family: str


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


# Sources added for issue 17 each get their own random generator, so adding or
# dropping one leaves the others' rows alone.
def _rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")
