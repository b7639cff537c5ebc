"""Compliance: the audit trail, privacy at ingestion, and model cards (docs/compliance.md).

One package for what an auditor asks about rather than one per mechanism: the audit
trail lives in the store (:mod:`watchkeeper.store._repo_audit`, an aggregate like the
others) and is read and exported here; privacy declarations (``pii: mask|hash|drop``,
``subject:``) are pure functions over Arrow columns, which the service applies at
ingestion; a model card is read from the store.

>>> from watchkeeper.compliance import Actor, AuditRepository, record
>>> from watchkeeper.store import Store
>>> trail = AuditRepository(Store("sqlite://").engine)
>>> record(trail, Actor("key_1", "alice"), "version.promote", "version:churn/v2").seq
1
>>> trail.verify_audit().ok
True
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from watchkeeper.compliance._audit import (
        Actor,
        AuditEntry,
        AuditRepository,
        ChainCheck,
        read_jsonl,
        record,
        verify_chain,
        write_jsonl,
    )
    from watchkeeper.compliance._card import ModelCard, build_card
    from watchkeeper.compliance._card_render import render_card_html, render_card_markdown

# The audit trail and the cards read the store (the server extra: SQLAlchemy); they are
# imported when first used, so that the privacy functions need only pyarrow.
_LAZY = {
    **dict.fromkeys(
        ("Actor", "AuditEntry", "AuditRepository", "ChainCheck", "read_jsonl", "record",
         "verify_chain", "write_jsonl"),
        "_audit",
    ),
    "ModelCard": "_card",
    "build_card": "_card",
    "render_card_html": "_card_render",
    "render_card_markdown": "_card_render",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"watchkeeper.compliance.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'watchkeeper.compliance' has no attribute {name!r}")


__all__ = [
    "PII_KEY_ENV",
    "Actor",
    "AuditEntry",
    "AuditRepository",
    "ChainCheck",
    "ModelCard",
    "PiiAction",
    "PrivacyPlan",
    "apply_privacy",
    "build_card",
    "hash_column",
    "hash_value",
    "mask_column",
    "mask_text",
    "pii_key_from_env",
    "read_jsonl",
    "record",
    "render_card_html",
    "render_card_markdown",
    "verify_chain",
    "write_jsonl",
]
