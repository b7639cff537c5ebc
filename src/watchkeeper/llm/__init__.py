"""LLM monitoring: the guard (prompt attacks, PII, secrets, hidden text, canary leaks).

>>> from watchkeeper.llm import Guard
>>> Guard().scan("hello").flagged
False
"""

from watchkeeper.llm.guard import (
    DetectorVerdict,
    Guard,
    GuardResult,
    Policy,
    ScannerSettings,
    Span,
    add_canary,
    available_scanners,
    list_scanners,
    make_canary,
    sanitize,
    scan,
)

__all__ = [
    "DetectorVerdict",
    "Guard",
    "GuardResult",
    "Policy",
    "ScannerSettings",
    "Span",
    "add_canary",
    "available_scanners",
    "list_scanners",
    "make_canary",
    "sanitize",
    "scan",
]
