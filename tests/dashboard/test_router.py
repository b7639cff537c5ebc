"""The dashboard over HTTP: sign-in, cookies, CSRF, read-only refusals, escaping, pages,
chart data and the report store's API."""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from tests.dashboard._seed import HOSTILE_FEATURE, HOSTILE_MODEL, MODEL
from tests.dashboard.conftest import csrf_of, make_app, sign_in

PAGES = [
    "/ui/",
    f"/ui/models/{MODEL}",
    f"/ui/models/{MODEL}/feature?name=age",
    f"/ui/models/{MODEL}/versions",
    "/ui/alerts",
    "/ui/alerts?state=all",
    "/ui/reports",
    "/ui/guard",
]


def _firing(service: Any, model: str = MODEL) -> Any:
    return next(
        a
        for a in service.list_alerts(model=model, state="firing")
        if not a.acknowledged_by and a.segment == "region=eu"
    )


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_a_session(anonymous: TestClient, path: str) -> None:
    answer = anonymous.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/ui/login?next={quote(path, safe='')}"


def test_chart_data_needs_a_session(anonymous: TestClient) -> None:
    assert anonymous.get(f"/ui/api/series?model={MODEL}&metric=drift_score").status_code == 401
    assert anonymous.get(f"/ui/api/sparklines?model={MODEL}").status_code == 401


def test_sign_in_sets_an_httponly_strict_cookie_without_the_key(
    anonymous: TestClient, keys: dict[str, str]
) -> None:
    answer = sign_in(anonymous, keys["read"], "/ui/alerts")
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/alerts"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("wk_session="))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/ui"} <= attributes
    assert "secure" not in attributes  # plain http here; see the https test
    assert keys["read"] not in cookie
    assert anonymous.get("/ui/alerts").status_code == 200


def test_cookie_is_secure_over_https(app: Any, keys: dict[str, str]) -> None:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        answer = sign_in(client, keys["admin"])
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "wk_session=" in c)
        assert "secure" in {p.strip().lower() for p in cookie.split(";")}


def test_wrong_key_forged_form_and_ingest_only_key_are_refused(
    anonymous: TestClient, keys: dict[str, str]
) -> None:
    assert sign_in(anonymous, "wk_not-a-key").status_code == 401
    assert sign_in(anonymous, keys["ingest"]).status_code == 403
    anonymous.get("/ui/login")
    forged = anonymous.post("/ui/login", data={"csrf": "forged", "key": keys["admin"]})
    assert forged.status_code == 403
    assert "wk_session" not in anonymous.cookies


def test_a_tampered_cookie_is_not_a_session(anonymous: TestClient, keys: dict[str, str]) -> None:
    sign_in(anonymous, keys["admin"])
    value = anonymous.cookies["wk_session"]
    anonymous.cookies.clear()
    anonymous.cookies.set("wk_session", value[::-1], path="/ui")
    assert anonymous.get("/ui/").status_code == 303


def test_next_never_leaves_the_dashboard(anonymous: TestClient, keys: dict[str, str]) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/ui/\\evil", "/v1/models"):
        anonymous.cookies.clear()
        assert sign_in(anonymous, keys["read"], target).headers["location"] == "/ui/"


def test_sign_out_forgets_the_session(app: Any, keys: dict[str, str]) -> None:
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, keys["read"])
        stolen = client.cookies["wk_session"]
        token = csrf_of(client.get("/ui/").text)
        assert client.post("/ui/logout", data={"csrf": token}).status_code == 303
        client.cookies.set("wk_session", stolen, path="/ui")
        assert client.get("/ui/").status_code == 303


def test_forms_without_the_csrf_token_are_refused(admin: TestClient, service: Any) -> None:
    alert = _firing(service)
    for data in ({}, {"csrf": "forged"}):
        answer = admin.post(f"/ui/alerts/{alert.key}/ack", data=data)
        assert answer.status_code == 403
        assert "CSRF" in answer.text
    assert service.store.get_alert(alert.key).acknowledged_by is None
    assert admin.post("/ui/logout", data={}).status_code == 403


def test_read_only_users_see_no_actions_and_are_refused(reader: TestClient, service: Any) -> None:
    page = reader.get("/ui/alerts")
    assert page.status_code == 200
    assert 'data-action="ack"' not in page.text and 'data-action="silence"' not in page.text
    assert "read-only" in page.text
    token = csrf_of(page.text)  # the sign-out form's token: a valid token for this session
    alert = _firing(service)
    assert reader.post(f"/ui/alerts/{alert.key}/ack", data={"csrf": token}).status_code == 403
    silenced = reader.post(f"/ui/alerts/{alert.key}/silence", data={"csrf": token, "for": "1h"})
    assert silenced.status_code == 403
    stored = service.store.get_alert(alert.key)
    assert stored.acknowledged_by is None and stored.silenced_until is None


def test_admin_acknowledges_and_silences(admin: TestClient, service: Any) -> None:
    page = admin.get("/ui/alerts")
    assert 'data-action="ack"' in page.text
    token = csrf_of(page.text)
    alert = _firing(service)
    answer = admin.post(
        f"/ui/alerts/{alert.key}/ack",
        data={"csrf": token, "next": "/ui/alerts?state=firing"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/ui/alerts?state=firing&done=ack"
    assert service.store.get_alert(alert.key).acknowledged_by == "admin-user"
    admin.post(f"/ui/alerts/{alert.key}/silence", data={"csrf": token, "for": "24h"})
    stored = service.store.get_alert(alert.key)
    assert stored.silenced_until is not None
    assert admin.post("/ui/alerts/nope/ack", data={"csrf": token}).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders(admin: TestClient, path: str) -> None:
    answer = admin.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert 'href="#main"' in answer.text  # the skip link


def test_hostile_names_are_escaped_everywhere(admin: TestClient, service: Any) -> None:
    model = quote(HOSTILE_MODEL, safe="")
    feature = quote(HOSTILE_FEATURE, safe="")
    paths = [
        "/ui/",
        "/ui/alerts?state=all",
        f"/ui/models/{model}",
        f"/ui/models/{model}/feature?name={feature}",
        f"/ui/models/{model}/versions",
        f"/ui/alerts?model={model}",
    ]
    for path in paths:
        html = admin.get(path).text
        for hostile in (HOSTILE_MODEL, HOSTILE_FEATURE):
            assert hostile not in html, path
        assert "<img" not in html, path
    assert escape(HOSTILE_MODEL) in admin.get("/ui/").text
    assert escape(HOSTILE_FEATURE) in admin.get(f"/ui/models/{model}").text


def test_unknown_model_is_a_404_page(admin: TestClient) -> None:
    answer = admin.get("/ui/models/nope")
    assert answer.status_code == 404 and "does not exist" in answer.text


def test_chart_series_for_drift_thresholds_and_ab(admin: TestClient) -> None:
    drift = admin.get(f"/ui/api/series?model={MODEL}&metric=drift_score&range=all").json()
    assert {s["name"] for s in drift["series"]} == {"age", "plan", HOSTILE_FEATURE}
    assert all(len(s["points"]) == 6 for s in drift["series"])
    assert [t["value"] for t in drift["thresholds"]] == [0.5]
    ab = admin.get(
        f"/ui/api/series?model={MODEL}&metric=share_drifted&versions=v1,v2&range=all"
    ).json()
    assert [s["name"] for s in ab["series"]] == ["v1", "v2"]
    top = admin.get(f"/ui/api/series?model={MODEL}&metric=drift_score&top=1").json()
    assert len(top["series"]) == 1 and top["omitted"] == 2
    ops = admin.get(f"/ui/api/series?model={MODEL}&metric=cpu_percent").json()
    assert len(ops["series"][0]["points"]) == 6


def test_sparklines_batch_every_model(admin: TestClient) -> None:
    data = admin.get("/ui/api/sparklines", params={"model": [MODEL, HOSTILE_MODEL]}).json()
    assert set(data["models"]) == {MODEL, HOSTILE_MODEL}
    assert len(data["models"][MODEL]["share_drifted"]) == 6
    assert len(data["models"][HOSTILE_MODEL]["accuracy"]) == 2


def test_guard_page_shows_the_empty_state(admin: TestClient) -> None:
    assert "no LLM guard traffic yet" in admin.get("/ui/guard").text


def test_static_assets(anonymous: TestClient) -> None:
    css = anonymous.get("/ui/static/dashboard.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert (
        anonymous.get("/ui/static/charts.js").headers["content-type"].startswith("text/javascript")
    )
    assert anonymous.get("/ui/static/report.css").status_code == 200
    assert anonymous.get("/ui/static/..%2Fsecret").status_code == 404


REPORT = {
    "schema_version": "1.0",
    "created_at": "2024-01-01T00:00:00+00:00",
    "reference": {"name": "ref", "n_rows": 10, "n_columns": 1},
    "current": {"name": "cur", "n_rows": 10, "n_columns": 1},
    "drift": {"share_drifted": 0.0, "dataset_drift": False, "columns": []},
    "quality": {"findings": []},
}


def test_report_store_api_and_pages(service: Any, keys: dict[str, str], admin: TestClient) -> None:
    app = make_app(service)
    with TestClient(app) as api:
        # A report is a page people open: uploading one needs the reports scope (or admin).
        bearer = {"Authorization": f"Bearer {keys['reports']}"}
        created = api.post("/v1/reports?name=<nightly>&model=churn", json=REPORT, headers=bearer)
        assert created.status_code == 201, created.text
        report_id = created.json()["id"]
        read = {"Authorization": f"Bearer {keys['read']}"}
        assert api.post("/v1/reports", json=REPORT, headers=read).status_code == 403
        ingest = {"Authorization": f"Bearer {keys['ingest']}"}
        assert api.post("/v1/reports", json=REPORT, headers=ingest).status_code == 403
        assert api.post("/v1/reports", json={"x": 1}, headers=bearer).status_code == 422
        assert api.post("/v1/reports", content=b"{", headers=bearer).status_code == 400
        listed = api.get("/v1/reports", headers=read).json()["reports"]
        assert report_id in [r["id"] for r in listed]
        one = api.get(f"/v1/reports/{report_id}", headers=read).json()
        assert one["report"]["drift"] == REPORT["drift"]
        assert api.get("/v1/reports/rep_missing", headers=read).status_code == 404
    listing = admin.get("/ui/reports").text
    assert "&lt;nightly&gt;" in listing and "<nightly>" not in listing
    page = admin.get(f"/ui/reports/{report_id}")
    assert page.status_code == 200 and 'sandbox="allow-scripts"' in page.text
    rendered = admin.get(f"/ui/reports/{report_id}/html")
    assert (
        rendered.status_code == 200
        and "frame-ancestors 'self'" in (rendered.headers["content-security-policy"])
    )
    assert "wk-report" in rendered.text
    assert json.loads(json.dumps(one))["name"] == "<nightly>"


def test_guard_page_lists_models_the_guard_logs_to(tmp_path: Any) -> None:
    from datetime import UTC, datetime, timedelta

    import pyarrow as pa

    from watchkeeper.service import MonitoringService, Settings
    from watchkeeper.store import Store

    url = f"sqlite:///{tmp_path / 'guard.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url))
    features = {
        "guard_flagged": "boolean",
        "guard_pii_hit": "boolean",
        "guard_pii_score": "numeric",
    }
    service.create_model("chat", "llm", {"features": features})
    service.create_version("chat", "v1", activate=True)
    _, key = service.create_api_key(["read"])
    with TestClient(make_app(service)) as client:
        sign_in(client, key)
        assert "no LLM guard traffic yet" in client.get("/ui/guard").text
        t = datetime(2024, 1, 1, tzinfo=UTC)
        service.ingest_predictions(
            "chat",
            "v1",
            pa.table(
                {
                    "id": ["a", "b"],
                    "timestamp": pa.array([t, t], pa.timestamp("us", "UTC")),
                    "prediction": [1, 0],
                    "feature.guard_flagged": [True, False],
                    "feature.guard_pii_hit": [True, False],
                    "feature.guard_pii_score": [0.9, 0.1],
                }
            ),
        )
        service.close_windows("chat", now=t + timedelta(hours=1))
        page = client.get("/ui/guard").text
        assert "no LLM guard traffic yet" not in page
        assert "/ui/models/chat/feature?name=guard_pii_score" in page
    service.store.close()


def test_feature_page_draws_reference_and_window_distributions(
    admin: TestClient, service: Any
) -> None:
    page = admin.get(f"/ui/models/{MODEL}/feature?name=age").text
    assert "Reference and current distributions" in page
    assert 'class="wk-dist"' in page
    assert page.count("<rect ") >= 4
    windows = [w for w in service.list_windows(MODEL) if w.status == "closed" and not w.segment]
    older = windows[-1].start.isoformat()
    chosen = admin.get(f"/ui/models/{MODEL}/feature", params={"name": "age", "window": older})
    assert f'value="{older}" selected' in chosen.text


def test_guard_page_draws_the_hit_rates_of_a_guard_model(tmp_path: Any) -> None:
    from datetime import UTC, datetime, timedelta

    import pyarrow as pa

    from watchkeeper.service import MonitoringService, Settings
    from watchkeeper.store import Store

    url = f"sqlite:///{tmp_path / 'guard.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url))
    features = {
        "guard_flagged": "boolean",
        "guard_pii_hit": "boolean",
        "guard_pii_score": "numeric",
        "guard_canary_hit": "boolean",
    }
    service.create_model("chat", "llm", {"features": features})
    service.create_version("chat", "v1", activate=True)
    _, key = service.create_api_key(["read"])
    t = datetime(2024, 1, 1, tzinfo=UTC)
    # By hand: 4 requests, 1 flagged (1/4); pii hit in 1 of 4; canary read in 2, hit in 1.
    service.ingest_predictions(
        "chat",
        "v1",
        pa.table(
            {
                "id": ["a", "b", "c", "d"],
                "timestamp": pa.array([t] * 4, pa.timestamp("us", "UTC")),
                "prediction": [1, 0, 0, 0],
                "feature.guard_flagged": [True, False, False, False],
                "feature.guard_pii_hit": [True, False, False, False],
                "feature.guard_pii_score": [0.9, 0.1, 0.2, 0.0],
                "feature.guard_canary_hit": pa.array([None, None, True, False], pa.bool_()),
            }
        ),
    )
    service.close_windows("chat", now=t + timedelta(hours=1))
    with TestClient(make_app(service)) as client:
        sign_in(client, key)
        page = client.get("/ui/guard").text
        assert "no LLM guard traffic yet" not in page
        assert "Flag rate" in page and "Detector hit rates" in page
        flag_src = escape("/ui/api/series?model=chat&metric=true_share&feature=guard_flagged")
        assert f'data-src="{flag_src}"' in page
        assert escape("/ui/api/series?model=chat&metric=true_share&top=12") in page
        # The latest window's table: rate, then the requests the detector read.
        assert "<td>0.25</td><td>4</td>" in page.replace(' class="wk-num"', "")
        assert "<td>0.5</td><td>2</td>" in page.replace(' class="wk-num"', "")
        flag = client.get(
            "/ui/api/series?model=chat&metric=true_share&feature=guard_flagged"
        ).json()
        assert [s["name"] for s in flag["series"]] == ["guard_flagged"]
        assert [p[1] for p in flag["series"][0]["points"]] == [0.25]
        hits = client.get("/ui/api/series?model=chat&metric=true_share&top=12").json()
        assert {s["name"]: s["points"][-1][1] for s in hits["series"]} == {
            "guard_flagged": 0.25,
            "guard_pii_hit": 0.25,
            "guard_canary_hit": 0.5,
        }
    service.store.close()
