"""The background thread: retries, a server that is down or hangs, 401, 413, drops, host metrics."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from tests.client.conftest import KEY, Recorder, accept_all

from watchkeeper.client import Client

HOURLY = {"host_metrics_interval": 3600.0}  # posted at close only
FAST: dict[str, Any] = {
    "model": "churn",
    "version": "v1",
    "flush_interval": 0.05,
    "retry_backoff": 0.01,
    "retry_backoff_max": 0.05,
    "host_metrics_interval": None,
}


def test_a_500_is_retried_and_the_same_ids_are_resent(server: Recorder) -> None:
    def fail_first(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        if path.endswith("/predictions") and seen == 0:
            return 500, {"detail": "database is restarting"}, {}
        return accept_all(path, body, seen)

    server.behaviour = fail_first
    with Client(server.url, KEY, **FAST) as client:
        ids = [client.log_prediction({"x": i}) for i in range(5)]
        assert client.flush(10)
        stats = client.stats
    first, second = server.to("/predictions")
    assert [r["id"] for r in first.body["records"]] == ids
    assert first.body == second.body
    assert (stats.retried, stats.sent, stats.failed) == (1, 5, 0)


def test_429_waits_for_retry_after_then_succeeds(server: Recorder) -> None:
    def busy_once(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        if seen == 0:
            return 429, {"detail": "slow down"}, {"Retry-After": "0"}
        return accept_all(path, body, seen)

    server.behaviour = busy_once
    with Client(server.url, **FAST) as client:
        client.log_prediction({"x": 1})
        assert client.flush(10)
        assert (client.stats.retried, client.stats.sent) == (1, 1)


def test_retries_stop_after_max_retries_and_count_failed(server: Recorder) -> None:
    server.behaviour = lambda path, body, seen: (503, {"detail": "down"}, {})
    with Client(server.url, **{**FAST, "max_retries": 3}) as client:
        for i in range(4):
            client.log_prediction({"x": i})
        assert client.flush(10)
        stats = client.stats
    assert len(server.to("/predictions")) == 4  # one attempt and three retries
    assert (stats.retried, stats.failed, stats.sent) == (3, 4, 0)


def test_401_is_not_retried_counted_failed_and_logged_once_without_the_key(
    server: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included
    server.behaviour = lambda path, body, seen: (401, {"detail": "invalid API key"}, {})
    with Client(server.url, KEY, **FAST) as client:
        for round_ in range(3):
            for i in range(5):
                client.log_prediction({"x": i, "round": round_})
            assert client.flush(10)
        stats = client.stats
    assert len(server.to("/predictions")) == 3  # one request per flush, none retried
    assert (stats.failed, stats.retried, stats.sent) == (15, 0, 0)
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name == "watchkeeper.client"
    ]
    assert len(warnings) == 1
    assert "401" in warnings[0] and "invalid API key" in warnings[0]
    assert KEY not in caplog.text


def test_the_key_never_reaches_the_logs_whatever_happens(
    server: Recorder, down_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    def echo_key(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        # A careless server that echoes the credential back must not make us log it.
        statuses = [500, 403, 200, 422]
        status = statuses[seen % len(statuses)]
        if status == 200:
            return accept_all(path, body, seen)
        return status, {"detail": f"bad key {KEY}"}, {}

    server.behaviour = echo_key
    for url in (server.url, down_url):
        with Client(url, KEY, **{**FAST, "max_retries": 1, "host_metrics_interval": 0.01}) as c:
            for i in range(20):
                c.log_prediction({"x": i})
                c.flush(2)
            c.log_label("a", 1)
    assert caplog.records, "the scenario should have logged something"
    assert KEY not in caplog.text


def test_a_server_that_is_down_costs_drops_not_crashes(down_url: str) -> None:
    client = Client(
        down_url, **{**FAST, "max_queue": 50, "batch_size": 10, "max_retries": 1_000_000}
    )
    for i in range(500):
        client.log_prediction({"x": i})
    stats = client.stats
    assert stats.queued <= 50
    # What is not queued is dropped, except one batch the thread may hold for its retries.
    assert 500 - 50 - 10 <= stats.dropped <= 500 - stats.queued
    # With a million retries allowed, only close()'s deadline can end the thread: close
    # returns False (its join is bounded by the timeout), the thread then ends on its own
    # and what it held is dropped, not failed (failed would mean the retries ran out).
    assert client.close(timeout=0.5) is False
    client._worker.thread.join(60)  # a liveness guard (~100x the deadline), not a bound
    assert not client._worker.thread.is_alive()
    final = client.stats
    assert (final.dropped, final.failed, final.sent) == (500, 0, 0)


def test_close_cuts_a_long_backoff_short_and_sends(server: Recorder) -> None:
    def fail_first(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        return (503, {}, {}) if seen == 0 else accept_all(path, body, seen)

    server.behaviour = fail_first
    client = Client(server.url, **{**FAST, "retry_backoff": 600.0, "retry_backoff_max": 600.0})
    client.log_prediction({"x": 1})
    deadline = time.monotonic() + 10
    while client.stats.retried == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert client.close(timeout=10)  # the ten-minute backoff is cut short; the retry succeeds
    assert (client.stats.sent, client.stats.dropped) == (1, 0)


def test_close_returns_in_time_when_the_server_hangs(server: Recorder) -> None:
    entered, release, answered = threading.Event(), threading.Event(), threading.Event()

    def hang(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        entered.set()
        release.wait(60)
        answered.set()
        return accept_all(path, body, seen)

    server.behaviour = hang
    client = Client(server.url, **{**FAST, "timeout": 20.0})
    client.log_prediction({"x": 1})
    assert entered.wait(60)  # the thread is inside its request
    closed = client.close(timeout=0.5)
    # An ordering check, not a stopwatch: close() came back while the server still held
    # the request (it is released only now), so it did not wait out the request's 20 s.
    request_still_hanging = not answered.is_set()
    release.set()
    assert closed is False
    assert request_still_hanging


def test_a_full_queue_drops_the_oldest_and_reports_drops_in_host_metrics(
    server: Recorder,
) -> None:
    # A batch size larger than the queue and a long interval: nothing leaves until close.
    client = Client(
        server.url,
        **{**FAST, "max_queue": 10, "batch_size": 1000, "flush_interval": 60.0, **HOURLY},
    )
    ids = [client.log_prediction({"i": i}) for i in range(25)]
    assert client.stats.dropped == 15
    assert client.stats.queued == 10
    assert client.close(10)
    assert [r["id"] for r in server.records()] == ids[15:]  # the newest ten
    [host] = server.to("/host-metrics")
    assert host.path == "/v1/models/churn/host-metrics"
    assert host.body["version"] == "v1"
    [point] = host.body["points"]
    assert point["dropped"] == 15
    assert point["memory_bytes"] > 0
    assert point["cpu_percent"] >= 0


def test_drops_stay_counted_until_a_host_metrics_post_succeeds(server: Recorder) -> None:
    def host_down_once(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        if path.endswith("/host-metrics") and seen == 0:
            return 503, {"detail": "busy"}, {}
        return accept_all(path, body, seen)

    server.behaviour = host_down_once
    client = Client(
        server.url,
        **{**FAST, "max_queue": 2, "batch_size": 1000, "host_metrics_interval": 0.05},
    )
    for i in range(5):
        client.log_prediction({"i": i})
    deadline = time.monotonic() + 10
    while len(server.to("/host-metrics")) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    client.close(5)
    reported = [post.body["points"][0]["dropped"] for post in server.to("/host-metrics")]
    assert reported[0] == 3  # refused with a 503
    assert reported[1] == 3  # so reported again
    assert sum(reported[1:]) == 3  # and only once after it was taken


def test_413_splits_the_batch(server: Recorder) -> None:
    def small_bodies(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        if path.endswith("/predictions") and len(body["records"]) > 2:
            return 413, {"detail": "body too large"}, {}
        return accept_all(path, body, seen)

    server.behaviour = small_bodies
    with Client(server.url, **{**FAST, "batch_size": 8}) as client:
        for i in range(8):
            client.log_prediction({"i": i})
        assert client.flush(10)
        stats = client.stats
    accepted = [p.body["records"] for p in server.to("/predictions") if len(p.body["records"]) <= 2]
    assert sorted(r["features"]["i"] for chunk in accepted for r in chunk) == list(range(8))
    assert (stats.sent, stats.failed) == (8, 0)


def test_records_rejected_one_by_one_are_counted_and_logged_once(
    server: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    def reject_second(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        records = body["records"]
        rejected = [
            {"index": 1, "id": records[1]["id"], "field": "features.age", "message": "is a text"}
        ]
        return 200, {"accepted": len(records) - 1, "duplicates": 0, "rejected": rejected}, {}

    caplog.set_level(logging.WARNING, logger="watchkeeper.client")
    server.behaviour = reject_second
    with Client(server.url, **FAST) as client:
        for _ in range(2):
            client.log_prediction({"age": 1})
            client.log_prediction({"age": "old"})
            assert client.flush(10)
        stats = client.stats
    assert (stats.sent, stats.rejected) == (2, 2)
    assert len(caplog.messages) == 1
    assert "features.age" in caplog.messages[0]


def test_a_batch_refused_as_a_whole_counts_as_rejected(server: Recorder) -> None:
    def refuse(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
        records = body["records"]
        rejected = [
            {"index": i, "id": r["id"], "field": "version", "message": "unknown"}
            for i, r in enumerate(records)
        ]
        return 422, {"detail": "no record stored", "rejected": rejected}, {}

    server.behaviour = refuse
    with Client(server.url, **FAST) as client:
        client.log_prediction({"x": 1})
        client.log_prediction({"x": 2})
        assert client.flush(10)
        assert (client.stats.rejected, client.stats.retried, client.stats.failed) == (2, 0, 0)


def test_flush_under_steady_load_returns(server: Recorder) -> None:
    stop = threading.Event()
    with Client(server.url, **{**FAST, "batch_size": 50}) as client:

        def keep_logging() -> None:
            while not stop.is_set():
                client.log_prediction({"x": 1})
                time.sleep(0.0005)

        logger_thread = threading.Thread(target=keep_logging)
        logger_thread.start()
        try:
            assert client.flush(20)
        finally:
            stop.set()
            logger_thread.join()


def test_an_unexpected_error_costs_the_batch_not_the_thread(
    server: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from watchkeeper.client import _posting

    calls = {"n": 0}
    real = _posting.encode_arrow

    def broken_once(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("a bug")
        return real(*args)

    monkeypatch.setattr(_posting, "encode_arrow", broken_once)
    with Client(server.url, **FAST) as client:
        client.log_prediction({"x": 1})
        assert client.flush(10)
        client.log_prediction({"x": 2})
        assert client.flush(10)
        stats = client.stats
    assert (stats.failed, stats.sent) == (1, 1)
    assert [r["features"] for r in server.records()] == [{"x": 2}]


def test_batches_are_posted_in_order_each_record_once(server: Recorder) -> None:
    with Client(server.url, **{**FAST, "batch_size": 10, "flush_interval": 60}) as client:
        ids = [client.log_prediction({"i": i}, i % 2) for i in range(95)]
        assert client.flush(10)
        stats = client.stats
    posts = [[r["id"] for r in post.body["records"]] for post in server.to("/predictions")]
    assert [record_id for post in posts for record_id in post] == ids
    assert max(len(post) for post in posts) <= 10
    assert (stats.sent, stats.failed, stats.dropped) == (95, 0, 0)
