"""The service boundary of issue 13 over HTTP, on the app from create_app() and the real
service: keys before bodies, rate limits, dev mode, report uploads and pages, the log."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.security._live import LiveServer, start_server
from tests.security.test_report_xss import MARKER, SCRIPT, hostile_report

from watchkeeper._exceptions import ConfigError
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store


@pytest.fixture
def service() -> Iterator[MonitoringService]:
    real = MonitoringService(Store("sqlite://"), Settings())
    real.create_model("churn", "binary_classification", {"x": "numeric"})
    real.create_version("churn", "v1", activate=True)
    yield real
    real.store.close()


def _client(service: MonitoringService, **settings: object) -> TestClient:
    app = create_app(service, Settings(tick_seconds=0, **settings))  # type: ignore[arg-type]
    return TestClient(app, base_url="http://localhost", raise_server_exceptions=False)


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# --- the key before the body ----------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("gate"))
    yield server
    server.stop()


def test_an_unknown_key_is_refused_before_the_body_is_sent(live: LiveServer) -> None:
    # Headers announcing 12 MB, then nothing: the 401 must come back without the server
    # waiting for (or reading) a byte of the body.
    host, port = live.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(
            b"POST /v1/models/churn/predictions HTTP/1.1\r\nHost: localhost\r\n"
            b"Authorization: Bearer wk_not_a_key\r\nContent-Type: application/json\r\n"
            b"Content-Length: 12000000\r\n\r\n"
        )
        chunks = []
        while chunk := sock.recv(65536):  # the server closes the connection after the 401
            chunks.append(chunk)
        answer = b"".join(chunks).decode("latin-1")
    assert answer.startswith("HTTP/1.1 401"), answer
    assert "not recognised" in answer
    assert live.alive()


def test_four_unauthenticated_12_mb_bodies_are_refused_and_health_answers(
    live: LiveServer,
) -> None:
    import httpx

    body = b"[" * 12_000_000
    for _ in range(4):
        try:
            answer = httpx.post(
                f"{live.base}/v1/models/churn/predictions", content=body, timeout=60,
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            assert answer.status_code == 401
        except httpx.TransportError:
            pass  # the server may close the connection while the body is still being sent
    assert live.alive()


def test_gated_requests_still_get_their_scope_checked(service: MonitoringService) -> None:
    read = service.create_api_key(["read"], name="reader")[1]
    with _client(service) as client:
        answer = client.post(
            "/v1/models/churn/predictions", json={"version": "v1", "records": []},
            headers=_bearer(read),
        )  # fmt: skip
        assert answer.status_code == 403
        assert "needs 'ingest'" in answer.json()["detail"]
        assert client.get("/v1/models", headers=_bearer(read)).status_code == 200
        assert client.get("/v1/models").status_code == 401


# --- the rate limit -------------------------------------------------------------------


def test_ingest_and_guard_are_rate_limited_per_key(service: MonitoringService) -> None:
    first = service.create_api_key(["ingest"], name="first")[1]
    second = service.create_api_key(["ingest"], name="second")[1]
    # 0.01 a second: no token comes back within the test, so the count is exact.
    with _client(service, rate_limit_per_second=0.01, rate_limit_burst=3) as client:
        batch = {"version": "v1", "records": [{"id": "a", "timestamp": "2024-05-01T12:00:00Z",
                                              "features": {"x": 1.0}}]}  # fmt: skip
        codes = [
            client.post("/v1/models/churn/predictions", json=batch, headers=_bearer(first))
            for _ in range(4)
        ]
        assert [c.status_code for c in codes] == [200, 200, 200, 429]
        assert int(codes[-1].headers["retry-after"]) >= 1
        assert "WATCHKEEPER_RATE_LIMIT_PER_SECOND" in codes[-1].json()["detail"]
        guard = client.post("/v1/guard", json={"text": "hi"}, headers=_bearer(first))
        assert guard.status_code == 429
        # Another key has its own bucket; reads take no token.
        other = client.post("/v1/models/churn/predictions", json=batch, headers=_bearer(second))
        assert other.status_code == 200
        reader = service.create_api_key(["read"], name="r")[1]
        assert all(
            client.get("/v1/models", headers=_bearer(reader)).status_code == 200 for _ in range(5)
        )


# --- dev mode -------------------------------------------------------------------------


@pytest.mark.parametrize("settings", [{"dev": True}, {"auth_enabled": False}])
def test_create_app_refuses_keys_off_on_a_reachable_address(
    service: MonitoringService, settings: dict[str, bool]
) -> None:
    with pytest.raises(ConfigError, match="other machines reach"):
        create_app(service, Settings(host="0.0.0.0", **settings))  # type: ignore[arg-type]
    create_app(service, Settings(host="::1", **settings))  # type: ignore[arg-type]


def test_dev_mode_answers_only_loopback_host_names(service: MonitoringService) -> None:
    app = create_app(service, Settings(dev=True, tick_seconds=0))
    for host in ("localhost", "127.0.0.1:8000", "[::1]:8000"):
        with TestClient(app, base_url=f"http://{host}") as client:
            assert client.get("/v1/models").status_code == 200
    # DNS rebinding: attacker.example resolves to 127.0.0.1, the Host says so.
    with TestClient(app, base_url="http://attacker.example") as client:
        assert client.get("/v1/models").status_code == 400
        assert client.post("/v1/models/churn/windows/close", json={}).status_code == 400


@pytest.mark.parametrize(
    "media", ["", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"]
)
def test_dev_mode_refuses_what_a_cross_site_form_can_post(
    service: MonitoringService, media: str
) -> None:
    with _client(service, dev=True) as client:
        headers = {"Content-Type": media} if media else {}
        answer = client.post("/v1/models/churn/windows/close", content=b"{}", headers=headers)
        assert answer.status_code == 415, answer.text
        assert "application/json" in answer.json()["detail"]
        assert client.post("/v1/models/churn/windows/close", json={}).status_code == 200


# --- reports --------------------------------------------------------------------------


def test_an_ingest_key_cannot_upload_a_report(service: MonitoringService) -> None:
    ingest = service.create_api_key(["ingest"], name="pipeline")[1]
    reports = service.create_api_key(["reports"], name="ci")[1]
    report = {
        "schema_version": "1.1",
        "created_at": "2024-01-01T00:00:00+00:00",
        "reference": {"name": "ref", "n_rows": 3, "n_columns": 1},
        "current": {"name": "cur", "n_rows": 3, "n_columns": 1},
        "drift": {"share_drifted": 0.0, "dataset_drift": False, "columns": []},
        "quality": {"findings": []},
    }
    with _client(service) as client:
        refused = client.post("/v1/reports", json=report, headers=_bearer(ingest))
        assert refused.status_code == 403
        assert client.post("/v1/reports", json=report, headers=_bearer(reports)).status_code == 201


def test_a_report_with_a_script_for_a_count_is_a_422(service: MonitoringService) -> None:
    admin = service.create_api_key(["admin"], name="admin")[1]
    with _client(service) as client:
        answer = client.post("/v1/reports", json=hostile_report(), headers=_bearer(admin))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "reference.n_rows"
    assert "reference.n_rows must be a count" in answer.json()["detail"]
    assert service.list_reports(limit=10, offset=0) == []


def test_a_stored_hostile_report_is_served_sandboxed_and_inert(
    service: MonitoringService,
) -> None:
    # A report stored before uploads were checked (or written to the store directly).
    info = service.upload_report(hostile_report(), name=SCRIPT, model=None, by="old")
    admin = service.create_api_key(["admin"], name="admin")[1]
    with _client(service) as client:
        form = client.get("/ui/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        signed_in = client.post(
            "/ui/login", data={"csrf": csrf.group(1), "key": admin}, follow_redirects=False
        )
        assert signed_in.status_code in (302, 303), signed_in.text
        page = client.get(f"/ui/reports/{info.id}/html")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-scripts;")
    assert "allow-same-origin" not in policy
    assert MARKER not in page.text and "<img" not in page.text


# --- the access log -------------------------------------------------------------------


def test_a_newline_in_the_path_cannot_forge_a_log_line(
    service: MonitoringService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="watchkeeper.server.access")
    forged = '127.0.0.1:1 "POST /v1/models/churn/versions/v9/promote" 200 1.0ms'
    with _client(service) as client:
        client.get("/v1/models/x%0A" + forged.replace(" ", "%20").replace('"', "%22"))
    lines = [r.getMessage() for r in caplog.records if r.name == "watchkeeper.server.access"]
    assert len(lines) == 1
    assert "\n" not in lines[0] and "\\n" + forged in lines[0]


def test_dev_mode_is_not_rate_limited(service: MonitoringService) -> None:
    # One local user on loopback: benchmarks and the demo run at full speed.
    with _client(service, dev=True, rate_limit_per_second=0.01, rate_limit_burst=1) as client:
        batch = {"version": "v1", "records": []}
        codes = {
            client.post("/v1/models/churn/predictions", json=batch).status_code for _ in range(5)
        }
    assert 429 not in codes
