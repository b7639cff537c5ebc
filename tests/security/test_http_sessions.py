"""Dashboard sessions end with their key, and their cookie is Secure behind TLS (issue 13)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store


def _sign_in(client: TestClient, key: str) -> int:
    form = client.get("/ui/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    answer = client.post(
        "/ui/login", data={"csrf": csrf.group(1), "key": key}, follow_redirects=False
    )
    return answer.status_code


def test_revoking_a_key_ends_its_dashboard_sessions() -> None:
    service = MonitoringService(Store("sqlite://"), Settings())
    info, key = service.create_api_key(["admin"], name="ana")
    _, other = service.create_api_key(["read"], name="bo")
    app = create_app(service, Settings(tick_seconds=0))
    with (
        TestClient(app, follow_redirects=False) as ana,
        TestClient(app, follow_redirects=False) as bo,
    ):
        assert _sign_in(ana, key) == 303 and _sign_in(bo, other) == 303
        assert ana.get("/ui/alerts").status_code == 200
        service.revoke_api_key(info.id)
        gone = ana.get("/ui/alerts")
        assert gone.status_code == 303 and gone.headers["location"].startswith("/ui/login")
        assert bo.get("/ui/alerts").status_code == 200  # another key's session lives on


def test_the_session_cookie_is_secure_when_the_public_url_is_https() -> None:
    service = MonitoringService(Store("sqlite://"), Settings())
    _, key = service.create_api_key(["read"], name="ana")
    for public_url, secure in (("https://wk.example.com", True), (None, False)):
        app = create_app(service, Settings(tick_seconds=0, public_url=public_url))
        # Plain http between the TLS proxy and the server, as behind a load balancer.
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
            form = client.get("/ui/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf is not None
            login = form.headers["set-cookie"]
            assert ("secure" in login.lower().split("; ")) is secure
            # The browser (on https) sends the sign-in cookie back, Secure or not.
            client.cookies.clear()
            nonce = login.split(";", 1)[0]
            answer = client.post(
                "/ui/login", data={"csrf": csrf.group(1), "key": key}, headers={"Cookie": nonce}
            )
        assert answer.status_code == 303, answer.text
        [cookie] = [c for c in answer.headers.get_list("set-cookie") if c.startswith("wk_session=")]
        assert ("secure" in cookie.lower().split("; ")) is secure
