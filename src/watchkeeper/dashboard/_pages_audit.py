"""The audit page: who changed what, newest first, and whether the hash chain holds.

Like ``GET /v1/audit``, it needs an admin session: the trail names every key and
every change, which a read-only key does not get to see.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from watchkeeper.dashboard._html import PREFIX, badge, e, fmt_time, page, table, url
from watchkeeper.dashboard._session import Session
from watchkeeper.service._protocol import ServiceAPI

__all__ = ["AUDIT_PER_PAGE", "audit_page"]

AUDIT_PER_PAGE = 200
_CHANGE_CHARS = 300


def _change(before: Any, after: Any) -> str:
    """A short ``before → after`` of an entry (the full documents are in the API)."""
    parts = []
    if before is not None:
        parts.append(json.dumps(before, sort_keys=True, default=str))
    if after is not None:
        parts.append(json.dumps(after, sort_keys=True, default=str))
    text = " → ".join(parts)
    return text if len(text) <= _CHANGE_CHARS else text[: _CHANGE_CHARS - 1] + "…"


def audit_page(service: ServiceAPI, session: Session, params: Mapping[str, str]) -> str:
    """The newest entries of the audit trail, filtered by model, action or actor."""
    if not session.allows("admin"):
        body = "<p>the audit trail needs an admin key; this session is read-only</p>"
        return page("Audit trail", body, session=session, active="audit")
    model = (params.get("model") or "").strip() or None
    action = (params.get("action") or "").strip() or None
    actor = (params.get("actor") or "").strip() or None
    before = params.get("before", "")
    before_seq = int(before) if before.isdigit() and int(before) > 0 else None
    entries = service.list_audit(
        model=model, action=action, actor=actor, before_seq=before_seq, limit=AUDIT_PER_PAGE
    )
    check = service.verify_audit()
    if check.ok:
        status = badge("chain intact", "ok") + (
            f' <span class="wk-muted">{check.checked} entries; head '
            f"<code>{e(check.head_hash[:16])}</code></span>"
        )
    else:
        status = badge("chain broken", "critical") + (
            f" at entry {check.broken_seq}: {e(check.reason)}"
        )
    rows = [
        [
            e(entry.seq),
            e(fmt_time(entry.at)),
            e(entry.actor_name)
            + (
                f' <span class="wk-muted wk-small">{e(entry.actor_id)}</span>'
                if entry.actor_id != entry.actor_name
                else ""
            ),
            e(entry.action),
            (
                f'<a href="{e(url(PREFIX + "/models", entry.model))}">{e(entry.target)}</a>'
                if entry.model and entry.target.startswith(("model:", "version:"))
                else e(entry.target)
            ),
            f'<span class="wk-small">{e(_change(entry.before, entry.after))}</span>',
        ]
        for entry in entries
    ]
    filters = (
        f'<form class="wk-filters" method="get" action="{PREFIX}/audit">'
        + "".join(
            f'<label>{label} <input name="{name}" value="{e(value or "")}" size="18"></label> '
            for name, label, value in (
                ("model", "Model", model),
                ("action", "Action", action),
                ("actor", "Key", actor),
            )
        )
        + '<button class="wk-button" type="submit">Filter</button></form>'
    )
    grid = table(
        [
            ("#", "wk-num"),
            ("Time", ""),
            ("Actor", ""),
            ("Action", ""),
            ("Target", "wk-name"),
            ("Change", "wk-opt"),
        ],
        rows,
        caption=f"the newest {len(rows)} entries",
        empty="no audited action yet",
    )
    older = ""
    if len(entries) == AUDIT_PER_PAGE:
        link = url(f"{PREFIX}/audit", model=model, action=action, actor=actor,
                   before=entries[-1].seq)  # fmt: skip
        older = f'<p><a href="{e(link)}">older entries</a></p>'
    return page(
        "Audit trail",
        f"<p>{status}</p>" + filters + grid + older,
        session=session,
        active="audit",
    )
