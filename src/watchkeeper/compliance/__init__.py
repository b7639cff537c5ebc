"""Compliance: the audit trail, privacy at ingestion, and model cards (docs/compliance.md).

One package for what an auditor asks about rather than one per mechanism: the audit
trail lives in the store (:mod:`watchkeeper.store._repo_audit`, an aggregate like the
others) and is read here; privacy declarations (``pii: mask|hash|drop``, ``subject:``)
are pure functions over Arrow columns; a model card is read from the store.
"""

from watchkeeper.compliance._privacy import (
    PII_KEY_ENV,
    PrivacyPlan,
    apply_privacy,
    hash_column,
    hash_value,
    mask_column,
    mask_text,
    pii_key_from_env,
)
from watchkeeper.schema._model import PiiAction

__all__ = [
    "PII_KEY_ENV",
    "PiiAction",
    "PrivacyPlan",
    "apply_privacy",
    "hash_column",
    "hash_value",
    "mask_column",
    "mask_text",
    "pii_key_from_env",
]
