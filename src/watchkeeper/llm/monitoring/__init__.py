"""LLM monitoring: text descriptors, token drift and embedding drift for prompts and responses.

Descriptors turn texts into ordinary numeric and categorical columns, so that drift,
profiles, reports and the service's windows and monitors work on them unchanged.
Everything runs offline (the tokenizer is a regular expression, not a downloaded
vocabulary). For every drift statistic here a larger value is worse.

>>> from watchkeeper.llm.monitoring import describe_texts, token_drift
>>> describe_texts(["Hello there!"]).column("n_words").to_pylist()
[2.0]
>>> round(token_drift(["a b c"] * 10, ["a b d"] * 10).distance, 3)
0.577
"""

from watchkeeper.llm.monitoring._descriptors import (
    DESCRIPTORS,
    LANGUAGES,
    SCRIPTS,
    describe_texts,
    guard_columns,
)
from watchkeeper.llm.monitoring._embeddings import (
    EMBEDDING_METHODS,
    EmbeddingDriftResult,
    EmbeddingMethod,
    as_embedding_matrix,
    embedding_drift,
)
from watchkeeper.llm.monitoring._guard_features import (
    GUARD_DESCRIPTORS,
    GUARD_FEATURES,
    guard_feature_schema,
    guard_features,
    guard_reference,
    guard_schema,
    prompt_and_response,
)
from watchkeeper.llm.monitoring._report import LLMReport, llm_report
from watchkeeper.llm.monitoring._tokenize import (
    approx_token_count,
    count_tokens,
    is_word,
    tokenize,
    words,
)
from watchkeeper.llm.monitoring._tokens import (
    OTHER,
    TokenDriftResult,
    TokenShift,
    token_counts,
    token_drift,
    vocabulary_of,
)

__all__ = [
    "DESCRIPTORS",
    "EMBEDDING_METHODS",
    "GUARD_DESCRIPTORS",
    "GUARD_FEATURES",
    "LANGUAGES",
    "OTHER",
    "SCRIPTS",
    "EmbeddingDriftResult",
    "EmbeddingMethod",
    "LLMReport",
    "TokenDriftResult",
    "TokenShift",
    "approx_token_count",
    "as_embedding_matrix",
    "count_tokens",
    "describe_texts",
    "embedding_drift",
    "guard_columns",
    "guard_feature_schema",
    "guard_features",
    "guard_reference",
    "guard_schema",
    "is_word",
    "llm_report",
    "prompt_and_response",
    "token_counts",
    "token_drift",
    "tokenize",
    "vocabulary_of",
    "words",
]
