"""The audit trail: append-only entries, each carrying the SHA-256 of the previous one.

An entry's hash is ``sha256`` of the canonical JSON (sorted keys, no spaces, UTF-8,
no NaN) of its fields, the previous entry's hash included; the first entry's
previous hash is 64 zeros. Changing, removing or reordering an entry therefore breaks
the link after it, and :meth:`AuditRepository.verify_audit` names the first broken
link. (Removing the newest entries leaves a valid shorter chain: compare the head's
hash with one kept elsewhere, ``watchkeeper audit verify --head HASH``.)

Concurrent appends are serialised by a lock, not by retrying: on PostgreSQL a
transaction-scoped advisory lock (``pg_advisory_xact_lock``) is taken before the
chain's head is read; on SQLite the transaction's first statement is a write, which
takes the database's single writer lock before the head is read. ``seq`` is the
primary key, so were the lock ever bypassed, a second writer of the same position
would fail rather than fork the chain. Within one process a thread lock keeps the
pool from queuing on the database.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, false, func, select, text

from watchkeeper._exceptions import InputError
from watchkeeper.store._tables import audit

__all__ = [
    "GENESIS_HASH",
    "SYSTEM",
    "AuditEntry",
    "AuditRepository",
    "ChainCheck",
    "canonical_json",
    "entry_hash",
    "verify_chain",
]

GENESIS_HASH = "0" * 64
SYSTEM = "system"
"""The actor of what the service does by itself (scheduled closes, retention runs)."""

# Any 64-bit number: names this lock among the database's advisory locks.
_ADVISORY_LOCK = 0x77_6B_61_75_64_69_74  # "wkaudit"
_PAGE = 1000
_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _timestamp(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON; give text, numbers, lists or maps")


def canonical_json(value: Any) -> str:
    """The one JSON spelling of ``value``: sorted keys, no spaces, no NaN.

    >>> canonical_json({"b": [1, 2.5], "a": "é"})
    '{"a":"é","b":[1,2.5]}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
        default=_plain,
    )  # fmt: skip


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        raise InputError(f"audit time {value.isoformat()} has no time zone; give a UTC time")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """One action: when, who, what, on which target, and the state before and after.

    ``actor_id`` is the API key's id (``key_...``) or ``"system"``.
    """

    seq: int
    at: datetime
    actor_id: str
    actor_name: str
    action: str
    model: str | None
    target: str
    before: Any
    after: Any
    prev_hash: str
    hash: str

    def hashed_fields(self) -> dict[str, Any]:
        """What the hash covers: every field but the hash itself."""
        return {
            "seq": self.seq,
            "at": _timestamp(self.at),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "model": self.model,
            "target": self.target,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (one line of ``watchkeeper audit export --jsonl``)."""
        return {**self.hashed_fields(), "hash": self.hash}


def entry_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's hashed fields.

    >>> entry_hash({"seq": 1, "prev_hash": GENESIS_HASH})[:16]
    'c8a95bcfa326d90b'
    """
    return hashlib.sha256(canonical_json(dict(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class ChainCheck:
    """What :func:`verify_chain` found: ``ok``, or the first broken entry and why."""

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "broken_seq": self.broken_seq,
            "reason": self.reason,
        }


def verify_chain(entries: Iterator[AuditEntry] | list[AuditEntry]) -> ChainCheck:
    """Check that ``entries`` (in order) are numbered 1, 2, ... and each links to the last.

    >>> verify_chain([]).ok
    True
    """
    previous, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in entries:
        reason = None
        if entry.seq != expected_seq:
            reason = f"entry {expected_seq} is missing (the next is {entry.seq})"
        elif entry.prev_hash != previous:
            reason = f"entry {entry.seq} does not link to entry {entry.seq - 1}'s hash"
        elif entry_hash(entry.hashed_fields()) != entry.hash:
            reason = f"entry {entry.seq}'s content does not match its hash"
        if reason is not None:
            return ChainCheck(
                ok=False,
                checked=checked,
                head_seq=expected_seq - 1,
                head_hash=previous,
                broken_seq=min(entry.seq, expected_seq),
                reason=reason,
            )
        previous, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return ChainCheck(ok=True, checked=checked, head_seq=expected_seq - 1, head_hash=previous)


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        seq=int(row["seq"]),
        at=row["at"],
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        action=row["action"],
        model=row["model"],
        target=row["target"],
        before=row["before"],
        after=row["after"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def _jsonable(value: Any, what: str) -> Any:
    """``value`` as it will read back from the store (so the hash covers what is kept)."""
    try:
        return None if value is None else json.loads(canonical_json(value))
    except (TypeError, ValueError) as error:
        raise InputError(f"audit {what} is not JSON ({error})") from None


def _thread_lock(engine: Engine) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(id(engine), threading.Lock())


def _check_text(value: str, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise InputError(f"audit {what} {value!r} must be 1 to {limit} characters")
    return value


class AuditRepository:
    """The audit trail in the store's database (standalone on an engine, like reports).

    >>> from watchkeeper.store import Store
    >>> repo = AuditRepository(Store("sqlite://").engine)
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> first = repo.append_audit(at=t, actor_id="system", actor_name="system",
    ...                           action="model.create", model="churn", target="model:churn",
    ...                           after={"task": "regression"})
    >>> first.seq, first.prev_hash == GENESIS_HASH
    (1, True)
    >>> repo.verify_audit().ok
    True
    """

    engine: Engine

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _lock_chain(self, connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        else:
            # A write that changes nothing still takes SQLite's writer lock, so the head
            # read next is the newest and stays so until this transaction commits.
            nothing = select(audit).where(false())
            connection.execute(audit.insert().from_select(list(audit.c), nothing))

    def append_audit(
        self,
        *,
        at: datetime,
        actor_id: str,
        actor_name: str,
        action: str,
        target: str,
        model: str | None = None,
        before: Any = None,
        after: Any = None,
        connection: Connection | None = None,
    ) -> AuditEntry:
        """Append one entry at the end of the chain and return it (with its hash).

        With ``connection``, the entry joins that transaction (committed with the
        action it records); otherwise it is committed on its own.
        """
        _timestamp(at)
        fields = {
            "at": at.astimezone(UTC),
            "actor_id": _check_text(actor_id, "actor id", 200),
            "actor_name": (actor_name or actor_id)[:200],
            "action": _check_text(action, "action", 100),
            "model": model,
            "target": _check_text(target, "target", 500),
            "before": _jsonable(before, "before"),
            "after": _jsonable(after, "after"),
        }
        with _thread_lock(self.engine):
            if connection is not None:
                return self._append(connection, fields)
            with self.engine.begin() as own:
                return self._append(own, fields)

    def _append(self, connection: Connection, fields: dict[str, Any]) -> AuditEntry:
        self._lock_chain(connection)
        head = connection.execute(
            select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (1, GENESIS_HASH) if head is None else (int(head[0]) + 1, str(head[1]))
        entry = AuditEntry(seq=seq, prev_hash=prev_hash, hash="", **fields)
        entry = replace(entry, hash=entry_hash(entry.hashed_fields()))
        connection.execute(audit.insert().values(**asdict(entry)))
        return entry

    def list_audit(
        self,
        *,
        model: str | None = None,
        action: str | None = None,
        actor: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after_seq: int = 0,
        before_seq: int | None = None,
        limit: int = 100,
        newest_first: bool = False,
    ) -> list[AuditEntry]:
        """Entries matching every filter given, in chain order (or newest first).

        ``action`` ending in ``.`` or ``*`` matches a prefix (``version.`` is every
        version action); ``actor`` matches the key id or the name; ``target`` a prefix;
        ``after_seq`` and ``before_seq`` page through the chain (exclusive bounds).
        """
        query = select(audit)
        if model is not None:
            query = query.where(audit.c.model == model)
        if action is not None:
            prefix = action.rstrip("*")
            if action.endswith(("*", ".")):
                query = query.where(func.substr(audit.c.action, 1, len(prefix)) == prefix)
            else:
                query = query.where(audit.c.action == action)
        if actor is not None:
            query = query.where((audit.c.actor_id == actor) | (audit.c.actor_name == actor))
        if target is not None:
            query = query.where(func.substr(audit.c.target, 1, len(target)) == target)
        if since is not None:
            query = query.where(audit.c.at >= since)
        if until is not None:
            query = query.where(audit.c.at < until)
        if after_seq:
            query = query.where(audit.c.seq > after_seq)
        if before_seq is not None:
            query = query.where(audit.c.seq < before_seq)
        order = audit.c.seq.desc() if newest_first else audit.c.seq
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(order).limit(limit)).mappings()
            return [_entry(row) for row in rows]

    def iter_audit(self) -> Iterator[AuditEntry]:
        """Every entry in chain order, read a page at a time."""
        last = 0
        while True:
            query = select(audit).where(audit.c.seq > last).order_by(audit.c.seq).limit(_PAGE)
            with self.engine.connect() as connection:
                page = [_entry(row) for row in connection.execute(query).mappings()]
            yield from page
            if len(page) < _PAGE:
                return
            last = page[-1].seq

    def count_audit(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(audit)).scalar_one())

    def verify_audit(self) -> ChainCheck:
        """Walk the whole chain; the first broken link, if any."""
        return verify_chain(self.iter_audit())
