"""The guard's answer, bounded: at most :data:`MAX_SPANS` spans per detector, each span's
text cut to :data:`MAX_SPAN_CHARS`, and a ``truncated`` flag with the full counts.

A hostile prompt of half a million zero-width spaces is one hidden-text finding per
character: 55 MB of JSON for an answer whose verdict fits in a line. The scanners (the
guard library's) report every span; the HTTP layer sends enough to act on and says how
many there were (``span_counts``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["MAX_SPANS", "MAX_SPAN_CHARS", "cap_answer"]

MAX_SPANS = 100
MAX_SPAN_CHARS = 200


def cap_answer(
    answer: dict[str, Any], *, max_spans: int = MAX_SPANS, max_chars: int = MAX_SPAN_CHARS
) -> dict[str, Any]:
    """``answer`` (``GuardResult.to_dict()``) with its spans capped per detector.

    >>> spans = [{"detector_type": "hidden_text", "text": "x" * 5}] * 3
    >>> out = cap_answer({"flagged": True, "payload": spans}, max_spans=2, max_chars=3)
    >>> out["truncated"], out["span_counts"], [s["text"] for s in out["payload"]]
    (True, {'hidden_text': 3}, ['xxx…', 'xxx…'])
    """
    spans = answer.get("payload") or []
    counts = Counter(str(span.get("detector_type")) for span in spans)
    kept: list[dict[str, Any]] = []
    taken: Counter[str] = Counter()
    cut = False
    for span in spans:
        detector = str(span.get("detector_type"))
        if taken[detector] >= max_spans:
            cut = True
            continue
        taken[detector] += 1
        text = span.get("text")
        if isinstance(text, str) and len(text) > max_chars:
            span = {**span, "text": text[:max_chars] + "…"}
            cut = True
        kept.append(span)
    return {**answer, "payload": kept, "truncated": cut, "span_counts": dict(counts)}
