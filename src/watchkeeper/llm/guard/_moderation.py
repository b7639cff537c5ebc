"""Content moderation (``moderated_content``): hate, sexual, violence, self-harm, profanity.

Four categories are linear classifiers over the prompt classifier's hashed character
and word n-grams (folded into ``N_FEATURES`` buckets), fitted by
``scripts/train_moderation.py`` on model responses that people scored for harm (PyRIT's
scorer evaluation sets, shipped in its wheel) and shipped as ``moderation.npz``; each
has its own threshold, chosen so that benign training text rarely reaches it.
Profanity has no labelled corpus in any registry package we found, so it is a
lexicon (``inspect_evals``' b3 list, words common in benign text removed), matched on
whole words: one word scores 0.5, each further word halves the distance to 1.

Category probabilities are in [0, 1], higher is worse. The scanner's score maps each
category's probability so that its threshold lands on 0.5 (the scanner's default
threshold): the score reaches 0.5 exactly when some category reaches its own
threshold. Policies set ``thresholds`` (per category, probability units) and
``categories`` (which to check). Long texts are scored in side-by-side 1,500-character windows;
the worst window counts and is the finding's span. Nothing is downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper.llm.guard._classifier import featurise
from watchkeeper.llm.guard._normalise import normalise
from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome

__all__ = [
    "CATEGORIES",
    "MODEL_FILE",
    "N_FEATURES",
    "ModerationModel",
    "category_probabilities",
    "load_moderation",
    "moderation_features",
    "profanity_words",
    "scan_moderated_content",
]

CATEGORIES = ("hate", "sexual", "violence", "self_harm", "profanity")
MODEL_FILE = "moderation.npz"
N_FEATURES = 1 << 16
WINDOW_CHARS = 1500
MAX_CHARS = 32_768
_WORD = re.compile(r"[a-z0-9@$!*_'-]{3,40}")


def moderation_features(text: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """Bucket indices and unit-length weights of ``text`` (normalised here).

    >>> idx, val = moderation_features("Have a nice day")
    >>> int(idx.max()) < N_FEATURES, round(float((val**2).sum()), 6)
    (True, 1.0)
    """
    indices, values = featurise(normalise(text).text)
    # 2**16 divides 2**18, so the folded hash is still uniform; collisions add up.
    return indices & (N_FEATURES - 1), values


def profanity_words(text: str, lexicon: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of the whole words of ``text`` that are in ``lexicon`` (lower case).

    >>> profanity_words("well, damn it", frozenset({"damn"}))
    [(6, 10)]
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # a case fold that changes length would shift the spans
    return [m.span() for m in _WORD.finditer(lowered) if m.group().strip("'-") in lexicon]


@dataclass(frozen=True)
class ModerationModel:
    """The fitted categories: weights ``(n_categories, N_FEATURES)``, intercepts,
    default thresholds, and the profanity lexicon."""

    categories: tuple[str, ...]
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float64]
    threshold: Mapping[str, float]
    profanity: frozenset[str]

    def probabilities(self, text: str) -> npt.NDArray[np.float64]:
        """Each classifier category's probability for one window of text."""
        indices, values = moderation_features(text)
        if indices.size == 0:
            return np.zeros(len(self.categories))
        logits = self.intercept + self.coef[:, indices].astype(np.float64) @ values
        probabilities: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
        return probabilities


@lru_cache(maxsize=1)
def load_moderation() -> ModerationModel:
    """The shipped model, read once per process.

    >>> load_moderation().categories
    ('hate', 'sexual', 'violence', 'self_harm')
    """
    with resources.files(__package__).joinpath(MODEL_FILE).open("rb") as handle:
        archive = np.load(handle)
        categories = tuple(str(c) for c in archive["categories"])
        threshold = {c: float(t) for c, t in zip(categories, archive["threshold"], strict=True)}
        threshold["profanity"] = 0.5
        return ModerationModel(
            categories,
            archive["coef"].astype(np.float32),
            archive["intercept"].astype(np.float64),
            threshold,
            frozenset(str(w) for w in archive["profanity"]),
        )


def _windows(text: str) -> list[tuple[int, int]]:
    head = min(len(text), MAX_CHARS)
    if head <= WINDOW_CHARS:
        return [(0, head)]
    # Side by side, not overlapping: harmful content is rarely cut in two at a window's
    # edge, and every character is read once (the cost stays linear at half the price).
    starts = range(0, head, WINDOW_CHARS)
    windows = [(s, min(s + WINDOW_CHARS, head)) for s in starts]
    if len(windows) > 1 and windows[-1][1] - windows[-1][0] < WINDOW_CHARS // 2:
        windows[-2:] = [(windows[-2][0], head)]  # no short tail window scored alone
    return windows


def category_probabilities(text: str) -> dict[str, tuple[float, int, int]]:
    """Per category: the worst window's probability and that window's span.

    >>> probs = category_probabilities("Thanks, the meeting moved to Tuesday at ten.")
    >>> max(p for p, _, _ in probs.values()) < 0.5
    True
    """
    model = load_moderation()
    best = dict.fromkeys(CATEGORIES, (0.0, 0, 0))
    if not text.strip():
        return best
    for start, end in _windows(text):
        for category, p in zip(model.categories, model.probabilities(text[start:end]), strict=True):
            if p > best[category][0]:
                best[category] = (float(p), start, end)
    spans = profanity_words(text[:MAX_CHARS], model.profanity)
    if spans:
        best["profanity"] = (1.0 - 0.5 ** len(spans), spans[0][0], spans[-1][1])
    return best


def _score(probability: float, threshold: float) -> float:
    # Piecewise linear: 0 -> 0, threshold -> 0.5, 1 -> 1.
    if probability < threshold:
        return 0.5 * probability / threshold if threshold > 0 else 0.5
    return 0.5 + 0.5 * (probability - threshold) / (1.0 - threshold) if threshold < 1 else 1.0


def scan_moderated_content(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Score ``text`` for hate, sexual content, violence, self-harm and profanity.

    Each category reported as a finding has ``kind`` = the category; its score is
    the category's probability mapped so that the category's threshold is 0.5.

    >>> scan_moderated_content("Here is a recipe for banana bread.", {}).score < 0.5
    True
    """
    model = load_moderation()
    wanted = options.get("categories") or CATEGORIES
    thresholds = {**model.threshold, **dict(options.get("thresholds") or {})}
    probabilities = category_probabilities(text)
    findings = []
    top = 0.0
    for category in wanted:
        p, start, end = probabilities[category]
        score = _score(p, float(thresholds[category]))
        top = max(top, score)
        if p > 0 and end > start:
            confidence = 0.7 if category == "profanity" else abs(2.0 * p - 1.0)
            findings.append(ScanFinding(start, end, category, score, confidence))
    if not findings:
        return ScanOutcome(top, 1.0 - top, ())
    strongest = max(findings, key=lambda f: f.score)
    return ScanOutcome(strongest.score, strongest.confidence, tuple(findings))


def _register() -> None:
    from watchkeeper.llm.guard._registry import ScannerSpec, register_scanner

    register_scanner(
        ScannerSpec(
            "moderated_content",
            scan_moderated_content,
            frozenset({"input", "output"}),
            0.5,
            False,
            False,
            ("categories", "thresholds"),
            "hate, sexual, violence, self-harm (classifiers) and profanity (lexicon)",
        )
    )


_register()
