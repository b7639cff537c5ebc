"""Refusals in model responses: "I'm sorry, but I can't help with that".

An output scanner for monitoring: a rising refusal rate means users ask for what the
model will not do, or a prompt change made the model over-cautious. The score is 1
when a refusal phrase opens the response (first 300 characters), 0.6 when one appears
later. Higher means more clearly a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome

__all__ = ["scan_refusal"]

_APOSTROPHE = "['’]"
_REFUSAL = re.compile(
    rf"(?i)\b(?:i{_APOSTROPHE}?m (?:very |really )?sorry,? (?:but )?i (?:can(?:not|{_APOSTROPHE}t)|won{_APOSTROPHE}t|am unable)"  # noqa: E501
    rf"|i (?:can(?:not|{_APOSTROPHE}t)|won{_APOSTROPHE}t|will not|am (?:not able|unable)|must decline) "  # noqa: E501
    r"(?:help|assist|provide|comply|do that|fulfil|fulfill|create|write|generate|share|support|engage|answer|give)"  # noqa: E501
    r"|as an ai(?: language model)?,? i (?:can|don|do not|am not|cannot)"
    rf"|i{_APOSTROPHE}m not able to (?:help|assist|provide|comply)"
    r"|(?:this|that|your) request (?:violates|goes against|is against)"
    r"|i apologi[sz]e,? but)"
)
_OPENING = 300


def scan_refusal(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Find refusal phrases in a response.

    >>> scan_refusal("I'm sorry, but I can't help with that request.", {}).score
    1.0
    >>> scan_refusal("Sure! Here is the recipe.", {}).score
    0.0
    """
    findings = []
    for match in _REFUSAL.finditer(text):
        score = 1.0 if match.start() < _OPENING else 0.6
        findings.append(ScanFinding(match.start(), match.end(), "refusal", score, 0.8))
    return ScanOutcome.from_findings(tuple(findings))
