"""The SDK's own metrics over OTLP/HTTP, received and decoded by an in-test receiver.

Expected values are counted by hand from what the loopback server answers: three
predictions refused once with a 503 and then stored (3 sent, 1 retry), two labels
answered 404 (not retried: 2 failed), one prediction logged after close (1 dropped).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests._otlp import attributes, otlp_receiver
from tests.client.conftest import KEY, Recorder, accept_all

from watchkeeper.client import Client, export_client_metrics

FAST: dict[str, Any] = {
    "model": "churn",
    "version": "v1",
    "flush_interval": 0.05,
    "retry_backoff": 0.01,
    "host_metrics_interval": None,
    "wire": "json",
}
PREDICTIONS = "/v1/models/churn/predictions"
LABELS = "/v1/models/churn/labels"


def _busy_once_then_no_labels(path: str, body: Any, seen: int) -> tuple[int, Any, dict[str, str]]:
    if path.endswith("/predictions") and seen == 0:
        return 503, {"detail": "busy"}, {}
    if path.endswith("/labels"):
        return 404, {"detail": "model 'churn' does not exist"}, {}
    return accept_all(path, body, seen)


def test_counts_and_batch_durations_arrive_over_otlp(
    server: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.behaviour = _busy_once_then_no_labels
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "3600000")  # only the final export
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        client = Client(server.url, KEY, **FAST)
        exported = export_client_metrics(client)
        ids = [client.log_prediction({"age": age}, prediction=1) for age in (31, 42, 53)]
        assert client.flush(10)
        for record_id in ids[:2]:
            client.log_label(record_id, 1)
        assert client.close(10)
        client.log_prediction({"age": 64}, prediction=0)  # after close: dropped
        exported.shutdown()  # the last collection and export
    assert receiver.content_types == {"application/x-protobuf"}
    [request] = receiver.metrics
    resource = attributes(request.resource_metrics[0].resource)
    assert resource["service.name"] == "watchkeeper-client"
    points = receiver.metric_points()
    pair = {"watchkeeper.model": "churn", "watchkeeper.version": "v1"}
    histogram = points.pop("watchkeeper.client.batch.duration")
    counts = {
        name.removeprefix("watchkeeper.client."): [(p.as_int, attributes(p)) for p in found]
        for name, found in points.items()
    }
    assert counts == {
        "records.sent": [(3, pair)],
        "records.rejected": [(0, pair)],
        "records.failed": [(2, pair)],
        "records.dropped": [(1, pair)],
        "records.queued": [(0, pair)],
        "requests.retried": [(1, pair)],
    }
    durations = {
        (attributes(p)["url.path"], attributes(p)["http.response.status_code"]): p
        for p in histogram
    }
    assert {key: p.count for key, p in durations.items()} == {
        (PREDICTIONS, 503): 1,
        (PREDICTIONS, 200): 1,
        (LABELS, 404): 1,
    }
    assert all(p.sum > 0 for p in durations.values())
    assert attributes(durations[(LABELS, 404)])["watchkeeper.model"] == "churn"
