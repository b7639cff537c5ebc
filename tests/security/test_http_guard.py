"""The guard's answer is bounded over HTTP (issue 13): one finding per zero-width
character used to make a 55 MB answer."""

from __future__ import annotations

from fastapi.testclient import TestClient

from watchkeeper.server import create_app
from watchkeeper.server._guard_caps import MAX_SPANS
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store


def test_a_zero_width_flood_gets_a_capped_flagged_answer() -> None:
    service = MonitoringService(Store("sqlite://"), Settings())
    key = service.create_api_key(["ingest"], name="app")[1]
    app = create_app(service, Settings(tick_seconds=0))
    n = 20_000
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        answer = client.post("/v1/guard", json={"text": "a\u200b" * n})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["flagged"] is True
    assert body["truncated"] is True
    assert body["span_counts"]["hidden_text"] == n
    hidden = [s for s in body["payload"] if s["detector_type"] == "hidden_text"]
    assert len(hidden) == MAX_SPANS
    # 20,000 spans were about 2.4 MB of JSON; the answer is now a few KiB.
    assert len(answer.content) < 64 * 1024


def test_a_small_answer_is_whole() -> None:
    service = MonitoringService(Store("sqlite://"), Settings())
    key = service.create_api_key(["ingest"], name="app")[1]
    app = create_app(service, Settings(tick_seconds=0))
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        body = client.post("/v1/guard", json={"text": "mail me at a@b.com"}).json()
    assert body["truncated"] is False
    assert [s["text"] for s in body["payload"]] == ["a@b.com"]
    assert body["span_counts"] == {"pii": 1}
