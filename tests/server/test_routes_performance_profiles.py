"""POST /v1/models/{m}/performance-profiles and GET .../performance-edges over HTTP, with
the client module that builds the posts (issue 16), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from tests.server.conftest import make_client

from watchkeeper import WatchkeeperError
from watchkeeper.client._performance_post import (
    fetch_performance_edges,
    performance_post,
    scores_post,
    send_performance_post,
)
from watchkeeper.performance import probability_edges
from watchkeeper.service import MonitoringService

WINDOW = "2024-05-01T12:00:00Z"
START = datetime(2024, 5, 1, 12, tzinfo=UTC)


def _keys(service: MonitoringService) -> tuple[str, str]:
    return (service.create_api_key(["admin"], name="admin")[1],
            service.create_api_key(["ingest"], name="spark")[1])  # fmt: skip


def _register(client: TestClient, classes: list[int] | None) -> None:
    schema = {"features": {"age": "numeric"}, **({"classes": classes} if classes else {})}
    created = client.post("/v1/models", json={"name": "churn", "task": "binary_classification",
                                              "schema": schema})  # fmt: skip
    assert created.status_code == 201, created.text
    reference = [{"age": 20.0 + i} for i in range(50)]
    body = {"version": "v1", "reference": reference, "activate": True}
    version = client.post("/v1/models/churn/versions", json=body)
    assert version.status_code == 201, version.text


def test_half_posted_as_a_profile_half_as_labelled_records_equals_sklearn(
    service: MonitoringService,
) -> None:
    admin, ingest = _keys(service)
    rng = np.random.default_rng(11)
    n = 2000
    y = rng.integers(0, 2, n)
    p = np.round(np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1), 6)
    pred = (p > 0.5).astype(int)
    half = n // 2
    with make_client(service, admin) as client:
        _register(client, classes=[0, 1])
        records = [{"id": f"r{i}", "timestamp": WINDOW, "features": {"age": 30.0},
                    "prediction": int(pred[i]), "score": float(p[i])}
                   for i in range(half)]  # fmt: skip
        batch = {"version": "v1", "records": records}
        sent = client.post("/v1/models/churn/predictions", json=batch)
        assert sent.status_code == 200, sent.text
        labels = [{"id": f"r{i}", "label": int(y[i])} for i in range(half)]
        assert client.post("/v1/models/churn/labels", json={"labels": labels}).status_code == 200
    with make_client(service, ingest) as spark:
        edges = fetch_performance_edges(spark, "churn", "v1")
        assert edges["kind"] == "classification" and edges["classes"] == ["0", "1"]
        assert edges["edges"] == probability_edges().tolist()
        assert edges["window_seconds"] == 3600
        post = performance_post("churn", "v1", START, y[half:], pred[half:], p[half:],
                                classes=[0, 1], idempotency_key="join-1")  # fmt: skip
        answer = send_performance_post(spark, post)
        assert answer == {"accepted": n - half, "duplicate": False,
                          "window_start": "2024-05-01T12:00:00+00:00", "segment": None}  # fmt: skip
        assert send_performance_post(spark, post)["duplicate"] is True
    with make_client(service, admin) as client:
        closed = client.post("/v1/models/churn/windows/close", json={"now": "2024-05-02T00:00:00Z"})
        assert closed.status_code == 200, closed.text
        window = closed.json()["windows"][0]
    metrics = window["metrics"]
    assert window["n_labels"] == n
    assert metrics["accuracy"] == accuracy_score(y, pred)
    assert metrics["precision"] == precision_score(y, pred)
    assert metrics["recall"] == recall_score(y, pred)
    assert metrics["f1"] == f1_score(y, pred)
    bound = metrics["bounded"]["roc_auc"]
    assert bound["lower"] <= roc_auc_score(y, p) <= bound["upper"]
    assert bound["lower"] <= metrics["roc_auc"] <= bound["upper"] and bound["width"] < 0.01


def test_refusals_name_the_problem(service: MonitoringService) -> None:
    admin, ingest = _keys(service)
    read = service.create_api_key(["read"], name="reader")[1]
    with make_client(service, admin) as client:
        _register(client, classes=None)
    params = {"version": "v1", "window_start": WINDOW}
    path = "/v1/models/churn/performance-profiles"
    post = performance_post("churn", "v1", START, [0, 1], [0, 1], [0.1, 0.9], classes=[0, 1])
    with make_client(service, read) as client:
        assert client.get("/v1/models/churn/versions/v1/performance-edges").status_code == 200
        assert client.post(post.path, content=post.body, headers=post.headers).status_code == 403
    with make_client(service, ingest) as client:
        edges = fetch_performance_edges(client, "churn", "v1")
        assert edges["classes"] is None  # undeclared: the profile's own, the same per window
        wrong = client.post(path, params=params, content=b"<xml/>",
                            headers={"Content-Type": "text/xml"})  # fmt: skip
        assert wrong.status_code == 415
        broken = client.post(path, params=params, content=b"{not json",
                             headers={"Content-Type": "application/json"})  # fmt: skip
        assert broken.status_code == 400
        other = performance_post("churn", "v1", START, [0, 1], [0, 1], [0.1, 0.9],
                                 classes=[0, 1], edges=[0.0, 0.5, 1.0])  # fmt: skip
        refused = client.post(other.path, content=other.body, headers=other.headers)
        assert refused.status_code == 422 and "performance-edges" in refused.text
        with pytest.raises(WatchkeeperError, match="regression"):
            send_performance_post(client, performance_post("churn", "v1", START, [1.0], [2.0]))
        huge = client.post(path, params=params, content=b" " * (4 * 1024 * 1024 + 1),
                           headers={"Content-Type": "application/json"})  # fmt: skip
        assert huge.status_code == 413
        assert send_performance_post(client, post)["accepted"] == 2
        # Undeclared classes: a window's profiles must all have the same.
        odd = performance_post("churn", "v1", START, ["no", "yes"], ["no", "yes"],
                               [0.1, 0.9], classes=["no", "yes"])  # fmt: skip
        with pytest.raises(WatchkeeperError, match="declare the model's classes"):
            send_performance_post(client, odd)


def test_score_sketches_over_http_feed_the_score_statistics(service: MonitoringService) -> None:
    admin, ingest = _keys(service)
    scores = np.random.default_rng(5).beta(2, 3, 1500)
    with make_client(service, admin) as client:
        _register(client, classes=[0, 1])
        records = [{"id": f"r{i}", "timestamp": WINDOW, "features": {"age": 30.0},
                    "prediction": 1, "score": float(scores[i])} for i in range(500)]  # fmt: skip
        batch = {"version": "v1", "records": records}
        sent = client.post("/v1/models/churn/predictions", json=batch)
        assert sent.status_code == 200, sent.text
    with make_client(service, ingest) as sdk:
        edges = fetch_performance_edges(sdk, "churn", "v1")
        assert edges["score_edges"] == probability_edges().tolist()
        post = scores_post("churn", "v1", START, scores[500:], idempotency_key="flush-1")
        assert send_performance_post(sdk, post)["accepted"] == 1000
        assert send_performance_post(sdk, post)["duplicate"] is True
    with make_client(service, admin) as client:
        now = {"now": "2024-05-02T00:00:00Z"}
        metrics = client.post("/v1/models/churn/windows/close", json=now).json()["windows"][0][
            "metrics"
        ]
    assert metrics["score_mean"] == pytest.approx(scores.mean(), rel=1e-12)
    assert metrics["score_max"] == scores.max()
    bound = metrics["bounded"]["score_p50"]
    assert bound["lower"] <= np.median(scores) <= bound["upper"]
