"""Erasing records: by id, or every record of one person by the model's subject column.

The store removes the records and rewrites the window blobs without them
(:mod:`watchkeeper.store._repo_erasure`); then the affected closed windows are
recomputed from what remains, and the erasure is audited (how many records, which
windows; never the subject's value, which is itself personal data: a hashed subject
is recorded by its hash).

A window held partly as aggregates (raw records compacted after the retention period,
or profiles posted by a sender) cannot be fully recomputed: when the erasure touched
one, or could not find every record (by subject, or ids not stored, which may be in
such a window), those windows are marked ``approximate`` and the result says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.schema._model import PiiAction
from watchkeeper.service._privacy import plan_of
from watchkeeper.service._registry import Registry
from watchkeeper.store._repo_erasure import erase_records, flag_approximate
from watchkeeper.store._types import from_micros

__all__ = ["ErasureResult", "erase"]

MAX_IDS = 10_000
# A close "as of" 1970 finds no open window due: only the windows flagged for
# recomputation (the erased ones) are recomputed.
_ONLY_FLAGGED = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ErasureResult:
    """How many records were erased, which windows were recomputed, and which ones the
    erasure could not reach (``approximate``: held partly as aggregates) with a note."""

    model: str
    records: int
    windows: tuple[dict[str, Any], ...]
    recomputed: int
    approximate: tuple[dict[str, Any], ...] = ()
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "records": self.records,
            "windows": list(self.windows),
            "recomputed": self.recomputed,
            "approximate": list(self.approximate),
            "note": self.note,
        }


def erase(
    registry: Registry,
    model: str,
    *,
    ids: Sequence[str],
    subject: str | None,
    pii_key: bytes | None,
    recompute: Any,
) -> tuple[ErasureResult, dict[str, Any]]:
    """Erase and recompute (``recompute(row, now)`` closes the flagged windows); the
    result and what the audit entry keeps of the request."""
    row = registry.model(model, fresh=True)  # the subject column as declared now
    ids = [str(i) for i in ids if str(i)]
    if len(ids) > MAX_IDS:
        raise InputError(f"{len(ids)} ids in one erasure; send at most {MAX_IDS} per request")
    if not ids and subject is None:
        raise InputError("say what to erase: ids=ID,ID... or subject=VALUE")
    plan = plan_of(row.schema)
    stored_subject = None
    request: dict[str, Any] = {"ids": len(ids)}
    if subject is not None:
        if plan.subject is None:
            raise InputError(
                f"model {model!r} declares no subject column; declare one in its schema "
                "(subject: customer_id) to erase by subject, or erase by ids"
            )
        stored_subject = plan.subject_value(subject, pii_key)
        request["subject_column"] = plan.subject
        if plan.actions.get(plan.subject) is PiiAction.HASH:
            request["subject_hash"] = stored_subject
    erased = erase_records(
        registry.store.engine,
        row.id,
        ids=ids,
        subject_column=plan.subject if subject is not None else None,
        subject_value=stored_subject,
    )
    names = registry.store.version_names(row.id)
    windows = tuple(
        {"version": names.get(v, str(v)), "segment": s or None, "start": from_micros(t).isoformat()}
        for v, s, t in erased.windows
    )
    unreached = subject is not None or len(erased.record_ids) < len(set(ids))
    flagged = flag_approximate(registry.store.engine, row.id, erased.windows, unreached=unreached)
    recomputed = recompute(row, _ONLY_FLAGGED) if erased.windows else []
    approximate = tuple(
        {"version": names.get(v, str(v)), "start": from_micros(t).isoformat()} for v, t in flagged
    )
    note = None
    if approximate:
        note = (
            f"{len(approximate)} window(s) hold part of their data as aggregates only (raw "
            "records compacted after the retention period, or posted profiles): what the "
            "erasure could not reach may still be counted there; marked approximate"
        )
    result = ErasureResult(
        model, len(erased.record_ids), windows, len(recomputed), approximate, note
    )
    request.update(records=result.records, windows=len(windows), approximate=len(approximate))
    return result, request
