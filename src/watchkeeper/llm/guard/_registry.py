"""The scanners, registered by name with the metadata the policy, CLI and docs read.

``applies_to`` says whether a scanner reads prompts (``input``: user and tool
messages), responses (``output``: assistant messages) or both. ``masks`` marks the
scanners whose spans sanitise mode replaces. Every score is in [0, 1] and higher is
worse; a scanner detects when its score reaches its threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from watchkeeper._deprecation import deprecated_alias
from watchkeeper._exceptions import UnknownMethodError
from watchkeeper.llm.guard._banned import (
    scan_banned_regex,
    scan_banned_substrings,
    scan_banned_topics,
)
from watchkeeper.llm.guard._canary import scan_canary
from watchkeeper.llm.guard._hidden_text import scan_hidden_text
from watchkeeper.llm.guard._links import scan_links
from watchkeeper.llm.guard._pii import scan_pii
from watchkeeper.llm.guard._prompt_attack import scan_prompt_attack
from watchkeeper.llm.guard._refusal import scan_refusal
from watchkeeper.llm.guard._results import ScanOutcome
from watchkeeper.llm.guard._secrets import scan_secrets

__all__ = [
    "ScannerFunc",
    "ScannerSpec",
    "available_scanners",
    "get_scanner",
    "list_scanners",
    "register_scanner",
]

ScannerFunc = Callable[[str, Mapping[str, Any]], ScanOutcome]
INPUT = frozenset({"input"})
OUTPUT = frozenset({"output"})
BOTH = frozenset({"input", "output"})


@dataclass(frozen=True)
class ScannerSpec:
    """A registered scanner and its defaults."""

    name: str
    func: ScannerFunc
    applies_to: frozenset[str]
    default_threshold: float
    enabled_by_default: bool
    masks: bool
    options: tuple[str, ...]
    description: str


_REGISTRY: dict[str, ScannerSpec] = {}


def register_scanner(spec: ScannerSpec) -> ScannerSpec:
    """Add ``spec`` to the registry (replacing a scanner of the same name)."""
    _REGISTRY[spec.name] = spec
    return spec


def get_scanner(name: str) -> ScannerSpec:
    """The scanner registered as ``name``.

    >>> get_scanner("pii").applies_to == frozenset({"input", "output"})
    True
    >>> get_scanner("toxicity")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.UnknownMethodError: no guard scanner 'toxicity'; known: ...
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownMethodError(f"no guard scanner {name!r}; known: {known}") from None


def available_scanners() -> tuple[ScannerSpec, ...]:
    """Every registered scanner, in registration order.

    >>> [s.name for s in available_scanners() if s.enabled_by_default]
    ['prompt_attack', 'pii', 'secrets', 'hidden_text', 'canary']
    """
    return tuple(_REGISTRY.values())


list_scanners = deprecated_alias(available_scanners, "list_scanners")


for _spec in (
    ScannerSpec("prompt_attack", scan_prompt_attack, INPUT, 0.5, True, False, (),
                "prompt injection and jailbreak: normalisation, patterns, classifier"),
    ScannerSpec("pii", scan_pii, BOTH, 0.5, True, True, ("kinds",),
                "e-mail, phone, payment card (Luhn), IBAN (mod-97), US SSN, IP address"),
    ScannerSpec("secrets", scan_secrets, BOTH, 0.5, True, True, ("min_entropy",),
                "cloud and AI provider keys, tokens, private keys, JWTs, random tokens"),
    ScannerSpec("hidden_text", scan_hidden_text, BOTH, 0.5, True, False, (),
                "zero-width characters, Unicode tag characters, bidi controls"),
    ScannerSpec("canary", scan_canary, OUTPUT, 0.5, True, False, ("tokens",),
                "a canary token from the system prompt appearing in a response"),
    ScannerSpec("links", scan_links, BOTH, 0.5, False, False, ("allowed_domains",),
                "URLs outside an allow-list, markdown-image exfiltration"),
    ScannerSpec("banned_substrings", scan_banned_substrings, BOTH, 0.5, False, False,
                ("substrings",), "substrings that must not appear"),
    ScannerSpec("banned_topics", scan_banned_topics, BOTH, 0.5, False, False,
                ("topics", "min_hits"), "topics given as keyword lists"),
    ScannerSpec("banned_regex", scan_banned_regex, BOTH, 0.5, False, False, ("patterns",),
                "user regular expressions"),
    ScannerSpec("refusal", scan_refusal, OUTPUT, 0.5, False, False, (),
                "the model refused (for monitoring refusal rates)"),
):  # fmt: skip
    register_scanner(_spec)
