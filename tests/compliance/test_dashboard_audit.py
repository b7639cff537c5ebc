"""The dashboard's audit page: an admin session sees who did what and the chain's state;
acknowledging from the dashboard is audited with the session's key; a read-only
session is refused the trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from watchkeeper.compliance._audit import Actor
from watchkeeper.server import create_app
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _sign_in(client: TestClient, key: str) -> None:
    token = CSRF.search(client.get("/ui/login").text)
    assert token is not None
    answer = client.post(
        "/ui/login", data={"csrf": token.group(1), "key": key, "next": "/ui/"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text


def _firing_alert(service: MonitoringService) -> str:
    import pyarrow as pa

    from watchkeeper.service import Condition, MonitorSpec

    start = datetime(2024, 5, 1, 12, tzinfo=UTC)
    service.create_version("<churn>", "v1", activate=True)
    service.put_monitor(MonitorSpec("busy", "<churn>", "row_count",
                                    Condition("above", threshold=0.0), min_samples=1))  # fmt: skip
    service.ingest_predictions("<churn>", "v1", pa.table({
        "id": ["a", "b"], "timestamp": pa.array([start] * 2, pa.timestamp("us", tz="UTC")),
        "feature.x": [1.0, 2.0], "prediction": [1.0, 2.0],
    }))  # fmt: skip
    service.close_windows("<churn>", now=start + timedelta(days=1))
    return next(a.key for a in service.list_alerts(state="firing") if a.segment is None)


def test_the_audit_page(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    settings = Settings(database_url=url, tick_seconds=0)
    service = MonitoringService(Store(url), settings)
    admin_info, admin = service.create_api_key(["admin"], name="ana")
    _, reader = service.create_api_key(["read"], name="viewer")
    service.create_model("<churn>", "regression", {"x": "numeric"},
                         actor=Actor(admin_info.id, "ana"))  # fmt: skip
    app = create_app(service, settings)
    with TestClient(app, base_url="http://localhost") as client:
        _sign_in(client, admin)
        page = client.get("/ui/audit")
        assert page.status_code == 200
        assert "chain intact" in page.text
        assert "model.create" in page.text and "key.create" in page.text
        assert "&lt;churn&gt;" in page.text and "<churn>" not in page.text
        assert 'href="/ui/audit"' in page.text  # in the navigation
        filtered = client.get("/ui/audit", params={"action": "model.create"}).text
        assert "model.create" in filtered and "key.create" not in filtered
        # Acknowledging from the dashboard is the session key's act.
        key = _firing_alert(service)
        csrf = CSRF.search(client.get("/ui/alerts").text)
        assert csrf is not None
        done = client.post(f"/ui/alerts/{key}/ack", data={"csrf": csrf.group(1)},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303, done.text
        (entry,) = service.list_audit(action="alert.acknowledge")
        assert (entry.actor_id, entry.actor_name) == (admin_info.id, "ana")
    with TestClient(app, base_url="http://localhost") as client:
        _sign_in(client, reader)
        refused = client.get("/ui/audit")
        assert "needs an admin key" in refused.text and "model.create" not in refused.text
    service.store.close()
