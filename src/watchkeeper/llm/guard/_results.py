"""Typed results of the guard: spans, one verdict per detector, and the whole answer.

A ``score`` is in [0, 1] and higher is worse (more evidence of an attack or a leak);
``confidence`` in [0, 1] says how much that score can be trusted: checksum-validated
findings are near 1, pattern-only findings lower, the classifier's is its distance
from a coin toss. ``flagged`` is true when any enabled detector reached its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "RESULT_VERSION",
    "DetectorVerdict",
    "GuardResult",
    "ScanFinding",
    "ScanOutcome",
    "Span",
    "drop_overlaps",
]

RESULT_VERSION = 1


@dataclass(frozen=True)
class ScanFinding:
    """One piece of evidence inside one text, as a scanner reports it.

    ``start`` and ``end`` are code-point offsets into the scanned text; ``kind`` names
    what was found (``email``, ``aws_access_key_id``, ``instruction_override``...).
    """

    start: int
    end: int
    kind: str
    score: float
    confidence: float = 1.0


def drop_overlaps(findings: list[ScanFinding]) -> tuple[ScanFinding, ...]:
    """Keep the strongest, then longest, of overlapping findings, in text order.

    A card number also looks like a phone number and a GitHub token like a random
    token: the most specific claim (the higher score) wins.

    >>> kept = drop_overlaps([ScanFinding(0, 9, "phone", 0.8), ScanFinding(0, 16, "card", 1.0)])
    >>> [f.kind for f in kept]
    ['card']
    """
    ordered = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    kept: list[ScanFinding] = []
    for finding in ordered:
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return tuple(sorted(kept, key=lambda f: f.start))


@dataclass(frozen=True)
class ScanOutcome:
    """What one scanner says about one text: its findings, score and confidence.

    >>> ScanOutcome.from_findings(()).score
    0.0
    """

    score: float
    confidence: float
    findings: tuple[ScanFinding, ...] = ()

    @classmethod
    def from_findings(cls, findings: tuple[ScanFinding, ...]) -> ScanOutcome:
        """The strongest finding decides the score; no finding scores 0 with confidence 1."""
        if not findings:
            return cls(0.0, 1.0, ())
        strongest = max(findings, key=lambda item: (item.score, item.confidence))
        return cls(strongest.score, strongest.confidence, findings)


@dataclass(frozen=True)
class Span:
    """A stretch of a message that a detector objects to, for callers to mask.

    >>> Span(0, 5, "a@b.c", "pii", "email", 0).to_dict()["detector_type"]
    'pii'
    """

    start: int
    end: int
    text: str
    detector_type: str
    kind: str
    message_index: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "detector_type": self.detector_type,
            "kind": self.kind,
            "message_index": self.message_index,
        }


@dataclass(frozen=True)
class DetectorVerdict:
    """One line of the breakdown: what one detector decided over the whole request."""

    detector_type: str
    detected: bool
    score: float
    confidence: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, numbers rounded to four decimals."""
        return {
            "detector_type": self.detector_type,
            "detected": self.detected,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class GuardResult:
    """The guard's answer for one request.

    ``sanitized`` holds each message's content with PII and secrets masked when the
    scan was asked to sanitise, else ``None``.

    >>> GuardResult(False, (), ()).to_dict()
    {'version': 1, 'flagged': False, 'breakdown': [], 'payload': []}
    """

    flagged: bool
    breakdown: tuple[DetectorVerdict, ...]
    payload: tuple[Span, ...]
    sanitized: tuple[str, ...] | None = field(default=None)

    @property
    def detected(self) -> tuple[str, ...]:
        """Names of the detectors that fired, in breakdown order."""
        return tuple(item.detector_type for item in self.breakdown if item.detected)

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON form (``sanitized`` only when present)."""
        out: dict[str, Any] = {
            "version": RESULT_VERSION,
            "flagged": self.flagged,
            "breakdown": [item.to_dict() for item in self.breakdown],
            "payload": [span.to_dict() for span in self.payload],
        }
        if self.sanitized is not None:
            out["sanitized"] = list(self.sanitized)
        return out
