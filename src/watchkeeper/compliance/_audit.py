"""The audit trail as its users see it: who did it (:class:`Actor`), recording an action,
and the JSON-lines export, which can be verified without the database.

The entries, their hash chain and the concurrency rules live with the other store
aggregates (:mod:`watchkeeper.store._repo_audit`); this module adds nothing to what is
hashed, so an export verified here and the store verified in place agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from watchkeeper._exceptions import InputError
from watchkeeper.store._repo_audit import (
    SYSTEM,
    AuditEntry,
    AuditRepository,
    ChainCheck,
    verify_chain,
)

__all__ = [
    "Actor",
    "AuditEntry",
    "AuditRepository",
    "ChainCheck",
    "open_existing_store",
    "read_jsonl",
    "record",
    "verify_chain",
    "write_jsonl",
]


@dataclass(frozen=True)
class Actor:
    """Who did something: an API key (its id and name) or the service itself.

    >>> Actor.system()
    Actor(id='system', name='system')
    >>> Actor("key_1f2e", "ci-pipeline").label
    'ci-pipeline (key_1f2e)'
    """

    id: str
    name: str = ""

    @classmethod
    def system(cls) -> Actor:
        return cls(SYSTEM, SYSTEM)

    @classmethod
    def command_line(cls) -> Actor:
        """Whoever runs a ``watchkeeper`` command on the store directly (no API key):
        id ``cli``, named after the operating-system user."""
        import getpass

        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a bare container)
            user = "unknown"
        return cls("cli", f"cli:{user}")

    @property
    def label(self) -> str:
        if self.id == SYSTEM or not self.name or self.name == self.id:
            return self.id
        return f"{self.name} ({self.id})"


def record(
    repository: AuditRepository,
    actor: Actor,
    action: str,
    target: str,
    *,
    model: str | None = None,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one action to the trail (now, unless ``at`` is given).

    >>> from watchkeeper.store import Store
    >>> repo = AuditRepository(Store("sqlite://").engine)
    >>> record(repo, Actor("key_1", "alice"), "key.revoke", "key:key_2").actor_name
    'alice'
    """
    return repository.append_audit(
        at=at or datetime.now(UTC),
        actor_id=actor.id,
        actor_name=actor.name or actor.id,
        action=action,
        target=target,
        model=model,
        before=before,
        after=after,
    )


# The keys of one exported line (AuditEntry.to_dict): the hashed fields and the hash.
_EXPORTED = frozenset(field.name for field in fields(AuditEntry))


def write_jsonl(entries: Iterable[AuditEntry], stream: IO[str]) -> int:
    """One JSON object per line per entry, hash included; the count written."""
    count = 0
    for entry in entries:
        stream.write(json.dumps(entry.to_dict(), sort_keys=True, ensure_ascii=False) + "\n")
        count += 1
    return count


def _entry(data: Any, where: str) -> AuditEntry:
    extra = sorted(set(data) - _EXPORTED) if isinstance(data, dict) else []
    if extra:
        # The hash covers the known fields only: a field added to a line would pass the
        # chain and be read as part of the record.
        raise InputError(
            f"{where} has fields an audit entry does not have ({', '.join(extra)}); "
            "the file is not as 'watchkeeper audit export --jsonl' wrote it"
        )
    try:
        at = datetime.strptime(data["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return AuditEntry(
            seq=int(data["seq"]),
            at=at,
            actor_id=str(data["actor_id"]),
            actor_name=str(data["actor_name"]),
            action=str(data["action"]),
            model=data["model"],
            target=str(data["target"]),
            before=data["before"],
            after=data["after"],
            prev_hash=str(data["prev_hash"]),
            hash=str(data["hash"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(
            f"{where} is not an audit entry ({type(error).__name__}: {error}); "
            "give a file written by 'watchkeeper audit export --jsonl'"
        ) from None


def read_jsonl(path: str | Path) -> Iterator[AuditEntry]:
    """The entries of an export, in file order (``verify_chain`` checks that order)."""
    with Path(path).open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{where} is not JSON ({error.msg})") from None
            yield _entry(data, where)


def open_existing_store(url: str) -> Any:
    """The store at ``url``, refusing a SQLite file that does not exist (reading an
    audit trail must not create an empty database and call it verified)."""
    from sqlalchemy.engine import make_url

    from watchkeeper.store import Store

    try:
        parsed = make_url(url)
    except Exception:  # the store's own check words the error
        return Store(url)
    database = parsed.database
    is_file = parsed.get_backend_name() == "sqlite" and database not in (None, "", ":memory:")
    if is_file and not Path(str(database)).expanduser().exists():
        raise InputError(
            f"there is no database at {database!r}; give the service's "
            "--database-url (or set WATCHKEEPER_DATABASE_URL)"
        )
    return Store(url)
