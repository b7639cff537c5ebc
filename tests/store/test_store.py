"""The store on SQLite and PostgreSQL: migrations, idempotent ingestion, labels, history."""

from __future__ import annotations

import importlib
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from watchkeeper.store import Store, current_revision, from_micros, head_revision, to_micros
from watchkeeper.store._rows import AlertRow
from watchkeeper.store._tables import metadata

# The reports table (migration 0002) is declared beside its repository; importing it
# puts it in the metadata compared below.
importlib.import_module("watchkeeper.store._repo_reports")

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HOUR_US = 3_600_000_000


def _rows(ids, start=0, segment=""):
    return [
        (rid, start + i, start - start % HOUR_US, segment, "1", 0.5, None, 3.0, False)
        for i, rid in enumerate(ids)
    ]


def _model(store: Store):
    model = store.insert_model("m", "binary_classification", {}, T0)
    assert model is not None
    version = store.insert_version(model.id, "v1", reference=None, baseline={}, created_at=T0)
    assert version is not None
    return model, version


def _blob(ids: set[str]):
    return [(0, len(ids), b"features")]


def test_migrations_reach_head_and_match_the_tables(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()
    assert head_revision() is not None
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    # Only Alembic's own bookkeeping table is outside the application's metadata.
    assert [d[0] for d in differences] == ["remove_table"]
    assert differences[0][1].name == "wk_alembic_version"


def test_opening_twice_migrates_once(database_url: str) -> None:
    first = Store(database_url)
    first.insert_model("kept", "regression", {}, T0)
    second = Store(database_url)
    assert second.get_model("kept") is not None
    first.close()
    second.close()


def test_sqlite_is_durable_on_commit(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        # 2 is FULL: the WAL is synced at every commit.
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2
    store.close()


def test_models_are_unique_by_name(store: Store) -> None:
    assert store.insert_model("m", "regression", {"features": {"x": "numeric"}}, T0) is not None
    assert store.insert_model("m", "llm", {}, T0) is None
    assert store.get_model("m").task == "regression"
    assert [m.name for m in store.list_models()] == ["m"]


def test_a_replayed_batch_stores_nothing_twice(store: Store) -> None:
    model, version = _model(store)
    first = store.ingest_batch(model.id, version.id, _rows(["a", "b", "c"]), _blob, HOUR_US)
    assert first == {"a", "b", "c"}
    again = store.ingest_batch(model.id, version.id, _rows(["a", "b", "c"]), _blob, HOUR_US)
    assert again == set()
    overlap = store.ingest_batch(model.id, version.id, _rows(["c", "d", "a", "e"]), _blob, HOUR_US)
    assert overlap == {"d", "e"}
    (window,) = store.list_windows(model.id)
    assert window.n_records == 5
    assert window.start == T0.replace(year=1970)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM wk_records")).scalar() == 5
        # One feature blob per batch that stored something.
        assert connection.execute(text("SELECT count(*) FROM wk_window_data")).scalar() == 2


def test_concurrent_overlapping_batches_store_each_id_once(store: Store) -> None:
    model, version = _model(store)
    returned: list[set[str]] = []
    lock = threading.Lock()

    def ingest(offset: int) -> None:
        ids = [f"r{i}" for i in range(offset, offset + 300)]
        got = store.ingest_batch(model.id, version.id, _rows(ids), _blob, HOUR_US)
        with lock:
            returned.append(got)

    threads = [threading.Thread(target=ingest, args=(k * 100,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = Counter(rid for got in returned for rid in got)
    # ids 0..799 exist; every one is reported new by exactly one batch.
    assert set(claimed) == {f"r{i}" for i in range(800)}
    assert set(claimed.values()) == {1}
    (window,) = store.list_windows(model.id)
    assert window.n_records == 800


def test_segments_get_their_own_windows(store: Store) -> None:
    model, version = _model(store)
    store.ingest_batch(model.id, version.id, _rows(["a", "b"], segment="region=eu"), _blob, HOUR_US)
    store.ingest_batch(model.id, version.id, _rows(["c"], segment="region=us"), _blob, HOUR_US)
    counts = {w.segment: w.n_records for w in store.list_windows(model.id)}
    assert counts == {"": 3, "region=eu": 2, "region=us": 1}


def test_labels_count_once_and_flag_closed_windows(store: Store) -> None:
    model, version = _model(store)
    store.ingest_batch(model.id, version.id, _rows(["a", "b"]), _blob, HOUR_US)
    targets = store.label_targets(model.id, ["a", "zz"])
    assert list(targets) == ["a"] and targets["a"].label is None
    (window,) = store.list_windows(model.id)
    store.close_window(window.id, closed_at=T0, summary={}, points=[], labels_seen=0)
    store.apply_labels(model.id, [("a", "1")], {(version.id, "", 0): 1}, (), T0, HOUR_US)
    (window,) = store.list_windows(model.id)
    assert (window.status, window.n_labels, window.needs_recompute) == ("closed", 1, True)
    assert [w.id for w in store.due_windows(model.id, T0)] == [window.id]
    assert store.records_by_id(model.id, ["b", "a", "zz"])["label"] == [None, "1"]


def test_open_windows_are_due_after_their_end(store: Store) -> None:
    model, version = _model(store)
    store.ingest_batch(model.id, version.id, _rows(["a"]), _blob, HOUR_US)
    assert store.due_windows(model.id, from_micros(HOUR_US - 1)) == []
    assert len(store.due_windows(model.id, from_micros(HOUR_US))) == 1


def test_rollback_walks_back_the_activation_history(store: Store) -> None:
    model, v1 = _model(store)
    v2 = store.insert_version(model.id, "v2", reference=b"x", baseline={"f1": 0.8}, created_at=T0)
    assert v2 is not None and v2.has_reference and v2.baseline == {"f1": 0.8}
    assert store.roll_back(model.id) is None
    store.activate(model.id, v1.id, T0)
    store.activate(model.id, v2.id, T0)
    assert store.get_model("m").active_version == "v2"
    assert store.roll_back(model.id) == v1.id
    assert store.get_model("m").active_version == "v1"
    assert [v.active for v in store.list_versions(model.id)] == [True, False]
    assert store.roll_back(model.id) is None


def test_metric_points_are_replaced_on_recompute(store: Store) -> None:
    model, version = _model(store)
    store.ingest_batch(model.id, version.id, _rows(["a"]), _blob, HOUR_US)
    (window,) = store.list_windows(model.id)
    end = T0 + timedelta(hours=1)
    point = ("m", "v1", "accuracy", "", "", T0, end, 0.5)
    store.close_window(window.id, closed_at=T0, summary={}, points=[point], labels_seen=0)
    store.close_window(
        window.id, closed_at=T0, summary={}, points=[(*point[:7], 0.75)], labels_seen=0
    )
    series = store.metric_series("m", "accuracy")
    assert [p[7] for p in series] == [0.75]
    later = ("m", "v1", "accuracy", "", "", end, end + timedelta(hours=1), 0.25)
    store.close_window(window.id, closed_at=T0, summary={}, points=[later], labels_seen=0)
    assert [p[7] for p in store.latest_points()] == [0.25]


def _alert(**changes) -> AlertRow:
    values = {
        "key": "k1",
        "monitor": "mon",
        "model": "m",
        "version": "v1",
        "metric": "drift_score",
        "feature": "age",
        "segment": None,
        "state": "firing",
        "severity": "warning",
        "value": 0.4,
        "condition": {"kind": "above", "threshold": 0.2},
        "window_start": T0,
        "window_end": T0 + timedelta(hours=1),
        "fired_at": T0,
        "resolved_at": None,
        "last_notified_at": None,
        "acknowledged_by": None,
        "silenced_until": None,
        "message": "m",
    }
    values.update(changes)
    return AlertRow(**values)


def test_alert_changes_and_their_notifications_are_written_together(store: Store) -> None:
    store.save_alerts([_alert()], [("hook", {"key": "k1"}), ("mail", {"key": "k1"})], T0)
    assert store.get_alert("k1") == _alert()
    store.save_alerts([_alert(state="resolved", resolved_at=T0)], [], T0)
    assert [a.state for a in store.list_alerts(model="m")] == ["resolved"]
    due = store.due_notifications(T0)
    assert [(d.channel, d.attempts) for d in due] == [("hook", 0), ("mail", 0)]
    store.mark_sent(due[0].id, T0)
    store.mark_failed(
        due[1].id, error="refused", next_attempt_at=T0 + timedelta(minutes=1), give_up=False
    )
    assert store.due_notifications(T0) == []
    (retry,) = store.due_notifications(T0 + timedelta(minutes=1))
    assert (retry.channel, retry.attempts, retry.last_error) == ("mail", 1, "refused")
    assert [o.status for o in store.list_outbox()] == ["sent", "pending"]


def test_api_keys_are_kept_hashed_and_revocable(store: Store) -> None:
    store.insert_api_key("key_1", "ci", "ab" * 32, ["ingest"], T0)
    found = store.api_key_by_hash("ab" * 32)
    assert found is not None and found.scopes == ("ingest",)
    assert store.revoke_api_key("key_1", T0)
    assert not store.revoke_api_key("key_1", T0)
    assert store.list_api_keys() == []
    assert store.api_key_by_hash("ab" * 32).revoked


def test_event_times_round_trip_through_microseconds() -> None:
    moment = datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    assert from_micros(to_micros(moment)) == moment
    assert to_micros(moment) == 1714566615123456  # date -d 2024-05-01T12:30:15Z +%s, x 1e6


def test_only_supported_backends_are_accepted() -> None:
    from watchkeeper._exceptions import InputError

    with pytest.raises(InputError, match="not supported"):
        Store("mysql://localhost/db")
