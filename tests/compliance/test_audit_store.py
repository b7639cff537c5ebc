"""The audit trail as a store aggregate, on SQLite and PostgreSQL: the hash chain, the
append-only trigger, tampering found by ``verify``, and concurrent appends."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from watchkeeper.store import Store
from watchkeeper.store._repo_audit import GENESIS_HASH, AuditRepository

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def _append(repo: AuditRepository, n: int, *, model: str = "churn") -> None:
    for i in range(n):
        repo.append_audit(
            at=T0 + timedelta(minutes=i),
            actor_id="key_abc",
            actor_name="alice",
            action="version.create" if i % 2 == 0 else "monitor.update",
            model=model,
            target=f"version:{model}/v{i}",
            before=None if i == 0 else {"n": i - 1},
            after={"n": i, "score": 0.5, "note": "é"},
        )


def _tamper(store: Store, statement: str) -> None:
    """Run ``statement`` with the append-only trigger out of the way, as an intruder would."""
    with store.engine.begin() as connection:
        if store.dialect == "postgresql":
            connection.execute(text("ALTER TABLE wk_audit DISABLE TRIGGER wk_audit_append_only"))
            connection.execute(text(statement))
            connection.execute(text("ALTER TABLE wk_audit ENABLE TRIGGER wk_audit_append_only"))
        else:
            connection.execute(text("DROP TRIGGER wk_audit_no_update"))
            connection.execute(text("DROP TRIGGER wk_audit_no_delete"))
            connection.execute(text(statement))


def test_the_first_hash_is_sha256_of_the_canonical_json_written_out(store: Store) -> None:
    repo = AuditRepository(store.engine)
    entry = repo.append_audit(
        at=T0,
        actor_id="system",
        actor_name="system",
        action="retention.run",
        target="model:churn",
        model="churn",
        after={"rows": 3, "b": [1, 2.5]},
    )
    written_out = (
        '{"action":"retention.run","actor_id":"system","actor_name":"system",'
        '"after":{"b":[1,2.5],"rows":3},"at":"2024-01-01T12:00:00.000000Z","before":null,'
        f'"model":"churn","prev_hash":"{GENESIS_HASH}","seq":1,"target":"model:churn"}}'
    )
    assert entry.hash == hashlib.sha256(written_out.encode()).hexdigest()
    second = repo.append_audit(
        at=T0, actor_id="system", actor_name="system", action="retention.run", target="m"
    )
    assert (second.seq, second.prev_hash) == (2, entry.hash)
    # Read back from the database, the entries hash to what was written.
    assert [e.hash for e in repo.list_audit()] == [entry.hash, second.hash]


def test_verify_passes_an_intact_chain_and_reports_its_head(store: Store) -> None:
    repo = AuditRepository(store.engine)
    _append(repo, 5)
    check = repo.verify_audit()
    assert check.ok and check.checked == 5 and check.head_seq == 5
    assert check.head_hash == repo.list_audit(newest_first=True, limit=1)[0].hash


def test_the_table_refuses_update_and_delete(store: Store) -> None:
    repo = AuditRepository(store.engine)
    _append(repo, 2)
    for statement in ("UPDATE wk_audit SET actor_name = 'mallory'", "DELETE FROM wk_audit"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    assert repo.count_audit() == 2


@pytest.mark.parametrize(
    ("statement", "broken", "reason"),
    [
        ("UPDATE wk_audit SET actor_name = 'mallory' WHERE seq = 3", 3, "content"),
        ("UPDATE wk_audit SET after = '[9]' WHERE seq = 2", 2, "content"),
        ("DELETE FROM wk_audit WHERE seq = 3", 3, "missing"),
        # Rewriting an entry with a fresh, self-consistent hash breaks the next link.
        (
            "UPDATE wk_audit SET hash = '" + "f" * 64 + "' WHERE seq = 2",
            2,
            "content",
        ),
    ],
)
def test_verify_finds_the_first_tampered_entry(
    store: Store, statement: str, broken: int, reason: str
) -> None:
    repo = AuditRepository(store.engine)
    _append(repo, 5)
    _tamper(store, statement)
    check = repo.verify_audit()
    assert not check.ok
    assert check.broken_seq == broken
    assert reason in (check.reason or "")
    assert check.checked == broken - 1


def test_a_recomputed_hash_still_breaks_the_next_link(store: Store) -> None:
    from watchkeeper.store._repo_audit import entry_hash

    repo = AuditRepository(store.engine)
    _append(repo, 4)
    second = repo.list_audit()[1]
    forged = {**second.hashed_fields(), "actor_name": "mallory"}
    _tamper(
        store,
        f"UPDATE wk_audit SET actor_name = 'mallory', hash = '{entry_hash(forged)}' WHERE seq = 2",
    )
    check = repo.verify_audit()
    assert (check.ok, check.broken_seq) == (False, 3)
    assert "does not link" in (check.reason or "")


def test_filters(store: Store) -> None:
    repo = AuditRepository(store.engine)
    _append(repo, 4, model="churn")
    _append(repo, 2, model="fraud")
    assert len(repo.list_audit(model="fraud")) == 2
    assert [e.seq for e in repo.list_audit(action="version.create")] == [1, 3, 5]
    assert len(repo.list_audit(action="version.")) == 3
    assert len(repo.list_audit(action="monitor*")) == 3
    assert len(repo.list_audit(actor="alice")) == 6
    assert len(repo.list_audit(actor="key_abc", model="churn")) == 4
    assert [e.seq for e in repo.list_audit(target="version:fraud/")] == [5, 6]
    assert [e.seq for e in repo.list_audit(since=T0 + timedelta(minutes=3))] == [4]
    assert [e.seq for e in repo.list_audit(until=T0 + timedelta(minutes=1))] == [1, 5]
    assert [e.seq for e in repo.list_audit(newest_first=True, limit=2)] == [6, 5]
    assert [e.seq for e in repo.list_audit(after_seq=4)] == [5, 6]
    # Paging backwards from the newest: each page ends where the next begins.
    first = repo.list_audit(newest_first=True, limit=4)
    rest = repo.list_audit(newest_first=True, limit=4, before_seq=first[-1].seq)
    assert [e.seq for e in first + rest] == [6, 5, 4, 3, 2, 1]


def test_concurrent_appends_from_separate_connections_keep_one_chain(database_url: str) -> None:
    # Each thread has its own engine (so no shared thread lock): only the database's
    # lock keeps the chain linear.
    stores = [Store(database_url) for _ in range(4)]
    errors: list[BaseException] = []

    def work(store: Store, who: int) -> None:
        repo = AuditRepository(store.engine)
        try:
            for i in range(15):
                repo.append_audit(
                    at=T0, actor_id=f"key_{who}", actor_name=str(who), action="x", target=str(i)
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(s, i)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        repo = AuditRepository(stores[0].engine)
        check = repo.verify_audit()
        assert check.ok and check.checked == 60
        assert sorted(e.actor_id for e in repo.list_audit(limit=100)).count("key_2") == 15
    finally:
        for store in stores:
            store.close()


def test_an_entry_joins_the_callers_transaction(store: Store) -> None:
    repo = AuditRepository(store.engine)

    def failing_action() -> None:
        with store.engine.begin() as connection:
            repo.append_audit(
                at=T0, actor_id="system", actor_name="", action="a", target="t",
                connection=connection,
            )  # fmt: skip
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    assert repo.count_audit() == 0


def test_naive_times_and_non_json_documents_are_refused(store: Store) -> None:
    from watchkeeper._exceptions import InputError

    repo = AuditRepository(store.engine)
    with pytest.raises(InputError, match="time zone"):
        repo.append_audit(at=datetime(2024, 1, 1), actor_id="s", actor_name="s", action="a",
                          target="t")  # fmt: skip
    with pytest.raises(InputError, match="not JSON"):
        repo.append_audit(at=T0, actor_id="s", actor_name="s", action="a", target="t",
                          after={"x": float("nan")})  # fmt: skip
