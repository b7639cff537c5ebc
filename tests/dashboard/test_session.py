"""Sessions in the store (issue 13): token hashed, expiry, sign-out, revocation, CSRF,
sign-in tokens, and sessions shared by app instances and kept across restarts, on
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests._backends import database_url_fixture

from watchkeeper.dashboard import SessionStore
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store
from watchkeeper.store._repo_sessions import dashboard_sessions

T = datetime(2024, 1, 1, tzinfo=UTC)
database_url = database_url_fixture()


def _service(url: str = "sqlite://", clock: Any = None) -> MonitoringService:
    if clock is None:
        return MonitoringService(Store(url), Settings())
    return MonitoringService(Store(url), Settings(), clock)


def _rows(service: MonitoringService) -> list[dict[str, Any]]:
    with service.store.engine.connect() as connection:
        return [dict(r) for r in connection.execute(select(dashboard_sessions)).mappings()]


def test_the_store_keeps_the_tokens_hash_never_the_token_or_the_key() -> None:
    service = _service()
    key, plaintext = service.create_api_key(["admin"], name="ana")
    session, cookie = SessionStore().create(service, key.id)
    [row] = _rows(service)
    stored = " ".join(str(value) for value in row.values())
    assert cookie not in stored and plaintext not in stored
    # sha256 of the token, written out: the cookie is the token itself.
    import hashlib

    assert row["token_hash"] == hashlib.sha256(cookie.encode()).hexdigest() == session.id
    assert row["key_id"] == key.id and row["csrf"] == session.csrf
    assert row["expires_at"] - row["created_at"] == timedelta(hours=8)
    # and the cookie holds nothing of the key or the session's CSRF token
    assert key.id not in cookie and "ana" not in cookie and session.csrf not in cookie


def test_sessions_expire_with_the_service_clock_and_are_purged() -> None:
    now = [T]
    service = _service(clock=lambda: now[0])
    key, _ = service.create_api_key(["read"], name="ana")
    sessions = SessionStore(lifetime=timedelta(hours=1))
    session, cookie = sessions.create(service, key.id)
    now[0] = T + timedelta(minutes=59)
    assert sessions.get(service, cookie) == session
    now[0] = T + timedelta(hours=1)
    assert sessions.get(service, cookie) is None
    assert service.store.count_sessions() == 1  # expired, not yet purged
    sessions.create(service, key.id)  # opening a session purges the expired ones
    assert service.store.count_sessions() == 1
    assert service.store.purge_sessions(T + timedelta(hours=3)) == 1
    assert service.store.count_sessions() == 0


def test_sign_out_and_revocation_delete_the_rows() -> None:
    service = _service()
    key, _ = service.create_api_key(["read"], name="ana")
    other, _ = service.create_api_key(["read"], name="bo")
    sessions = SessionStore()
    _, first = sessions.create(service, key.id)
    _, second = sessions.create(service, key.id)
    _, third = sessions.create(service, other.id)
    sessions.delete(service, first)
    assert sessions.get(service, first) is None and service.store.count_sessions() == 2
    service.revoke_api_key(key.id)
    assert sessions.get(service, second) is None
    assert [row["key_id"] for row in _rows(service)] == [other.id]
    assert sessions.get(service, third) is not None


def test_a_revoked_key_opens_no_session() -> None:
    from watchkeeper.service._errors import NotFound

    service = _service()
    key, _ = service.create_api_key(["read"], name="ana")
    service.revoke_api_key(key.id)
    with pytest.raises(NotFound, match=key.id):
        SessionStore().create(service, key.id)
    assert service.store.count_sessions() == 0


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.characters(codec="ascii"))
def test_any_changed_character_invalidates_the_cookie(position: int, replacement: str) -> None:
    service = _service()
    key, _ = service.create_api_key(["read"], name="ana")
    sessions = SessionStore()
    _, cookie = sessions.create(service, key.id)
    index = position % len(cookie)
    changed = cookie[:index] + replacement + cookie[index + 1 :]
    if changed != cookie:
        assert sessions.get(service, changed) is None
    assert sessions.get(service, cookie) is not None


@given(token=st.text(max_size=60))
def test_only_the_session_token_passes_csrf(token: str) -> None:
    service = _service()
    key, _ = service.create_api_key(["read"], name="ana")
    session, _ = SessionStore().create(service, key.id)
    assert SessionStore().check_csrf(session, token) == (token == session.csrf)


@given(token=st.text(max_size=40))
def test_the_sign_in_form_must_repeat_its_nonce(token: str) -> None:
    nonce = SessionStore().login_nonce()
    assert SessionStore().check_login(nonce, token) == (token == nonce)
    assert not SessionStore().check_login(None, nonce)


# over HTTP: several app instances (workers) on one store, and restarts

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _app(url: str) -> tuple[Any, MonitoringService]:
    service = _service(url)
    return create_app(service, Settings(tick_seconds=0)), service


@pytest.fixture
def two_apps(database_url: str) -> Iterator[tuple[Any, Any, MonitoringService]]:
    first, service_a = _app(database_url)
    second, service_b = _app(database_url)
    yield first, second, service_a
    service_a.store.close()
    service_b.store.close()


def _form(client: TestClient) -> str:
    found = CSRF.search(client.get("/ui/login").text)
    assert found is not None
    return found.group(1)


def test_a_session_opened_by_one_app_is_accepted_by_another(
    two_apps: tuple[Any, Any, MonitoringService],
) -> None:
    first, second, service = two_apps
    _, key = service.create_api_key(["admin"], name="ana")
    with (
        TestClient(first, follow_redirects=False) as a,
        TestClient(second, follow_redirects=False) as b,
    ):
        # The sign-in form from one worker, posted to the other.
        token = _form(a)
        b.cookies.set("wk_login", a.cookies["wk_login"], path="/ui")
        signed_in = b.post("/ui/login", data={"csrf": token, "key": key})
        assert signed_in.status_code == 303, signed_in.text
        cookie = b.cookies["wk_session"]
        a.cookies.set("wk_session", cookie, path="/ui")
        page = a.get("/ui/alerts")
        assert page.status_code == 200 and "ana" in page.text
        # The CSRF token the other worker drew in its form is accepted here.
        csrf = CSRF.search(b.get("/ui/alerts").text)
        assert csrf is not None
        assert a.post("/ui/logout", data={"csrf": csrf.group(1)}).status_code == 303
        assert b.get("/ui/alerts").status_code == 303  # signed out everywhere


def test_revoking_a_key_on_one_app_ends_its_sessions_on_another(
    two_apps: tuple[Any, Any, MonitoringService],
) -> None:
    _, second, service = two_apps
    info, key = service.create_api_key(["read"], name="ana")
    with TestClient(second, follow_redirects=False) as b:
        assert b.post("/ui/login", data={"csrf": _form(b), "key": key}).status_code == 303
        assert b.get("/ui/").status_code == 200
        service.revoke_api_key(info.id)  # through the first app's service
        gone = b.get("/ui/")
        assert gone.status_code == 303 and gone.headers["location"].startswith("/ui/login")


def test_a_restart_keeps_the_session(database_url: str) -> None:
    app, service = _app(database_url)
    _, key = service.create_api_key(["read"], name="ana")
    with TestClient(app, follow_redirects=False) as client:
        assert client.post("/ui/login", data={"csrf": _form(client), "key": key}).status_code == 303
        cookie = client.cookies["wk_session"]
    service.store.close()

    restarted, again = _app(database_url)  # a new process: new app, new engine, same store
    try:
        with TestClient(restarted, follow_redirects=False) as client:
            client.cookies.set("wk_session", cookie, path="/ui")
            assert client.get("/ui/").status_code == 200
            client.cookies.set("wk_session", cookie[:-2] + "xx", path="/ui")
            assert client.get("/ui/").status_code == 303
    finally:
        again.store.close()
