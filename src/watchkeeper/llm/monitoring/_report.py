"""A drift report for two corpora of prompts or responses.

:func:`llm_report` describes both corpora (:func:`describe_texts`), compares the
descriptor tables with :func:`watchkeeper.report` (so each descriptor gets the test the
drift policy picks for its kind, and the HTML and terminal renderers work unchanged),
and adds the token drift of the two corpora and, when embeddings are given, their
embedding drift. Larger drift statistics are worse, as everywhere.

The out-of-vocabulary rate is reported at corpus level (``tokens.oov_rate``: the share
of current tokens the reference never used) rather than per text against the
reference's own vocabulary, where every reference text would score 0 by construction
and the comparison would flag any current corpus. Give ``vocabulary`` (a vocabulary
that is neither side, such as the training corpus's) for a per-text ``oov_rate``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from watchkeeper._deprecation import deprecated_property
from watchkeeper.llm.monitoring._descriptors import describe_texts
from watchkeeper.llm.monitoring._embeddings import EmbeddingDriftResult, embedding_drift
from watchkeeper.llm.monitoring._tokens import TokenDriftResult, token_drift

if TYPE_CHECKING:
    from watchkeeper.drift import DriftPolicy
    from watchkeeper.llm.guard import Guard
    from watchkeeper.report import Report

__all__ = ["LLMReport", "llm_report"]

RESULT_VERSION = 1


@dataclass(frozen=True)
class LLMReport:
    """The descriptor report, the token drift and (optionally) the embedding drift."""

    report: Report
    tokens: TokenDriftResult
    embeddings: EmbeddingDriftResult | None = None

    @property
    def drifted(self) -> bool:
        """Whether any descriptor, the tokens or the embeddings drifted."""
        embedded = self.embeddings is not None and self.embeddings.drifted
        return bool(self.report.drift.drifted_columns) or self.tokens.drifted or embedded

    drift_detected = deprecated_property("drifted", "drift_detected")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON: the report's own document plus the two results."""
        return {
            "result_type": "llm_report",
            "version": RESULT_VERSION,
            "drifted": self.drifted,
            "drift_detected": self.drifted,  # the old key, kept while readers move
            "report": self.report.to_dict(),
            "tokens": self.tokens.to_dict(),
            "embeddings": None if self.embeddings is None else self.embeddings.to_dict(),
        }


def llm_report(
    reference_texts: Sequence[str | None],
    current_texts: Sequence[str | None],
    *,
    vocabulary: Collection[str] | None = None,
    guard: Guard | None = None,
    role: str = "user",
    top_k: int = 200,
    reference_embeddings: Any = None,
    current_embeddings: Any = None,
    embedding_method: str = "mmd",
    policy: DriftPolicy | None = None,
) -> LLMReport:
    """Compare two corpora of texts: descriptors, tokens and (optionally) embeddings.

    >>> ref = ["What is the capital of France?", "How do I bake bread?"] * 100
    >>> cur = ["Wie spät ist es in Berlin, bitte?", "Was kostet das Ticket?"] * 100
    >>> result = llm_report(ref, cur)
    >>> result.drifted, "language" in result.report.drift.drifted_columns
    (True, True)
    >>> round(result.tokens.oov_rate, 2)
    1.0
    """
    from watchkeeper.report import report

    reference = describe_texts(reference_texts, vocabulary=vocabulary, guard=guard, role=role)
    current = describe_texts(current_texts, vocabulary=vocabulary, guard=guard, role=role)
    descriptors = report(reference, current, policy=policy, names=("reference", "current"))
    tokens = token_drift(reference_texts, current_texts, top_k=top_k)
    embeddings = None
    if reference_embeddings is not None or current_embeddings is not None:
        embeddings = embedding_drift(
            reference_embeddings, current_embeddings, method=embedding_method
        )
    return LLMReport(descriptors, tokens, embeddings)
