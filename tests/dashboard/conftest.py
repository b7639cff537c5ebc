"""Fixtures: a seeded service (built once per session), the app with the dashboard, and
signed-in clients for an admin key and a read-only key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.dashboard._seed import seeded_service

from watchkeeper.dashboard import dashboard_router
from watchkeeper.server import create_app
from watchkeeper.service import Settings

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_app(service: Any, **settings: Any) -> FastAPI:
    """create_app with the dashboard (included here until create_app includes it)."""
    app = create_app(service, Settings(**{"tick_seconds": 0, **settings}))
    if not any(getattr(route, "path", "") == "/ui/login" for route in app.routes):
        app.include_router(dashboard_router())
    return app


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    built = seeded_service(tmp_path_factory.mktemp("dashboard"))
    yield built
    built.store.close()


@pytest.fixture(scope="session")
def keys(service: Any) -> dict[str, str]:
    return {
        scope: service.create_api_key([scope], name=f"{scope}-user")[1]
        for scope in ("admin", "read", "ingest", "reports")
    }


def sign_in(client: TestClient, key: str, next_url: str = "/ui/") -> Any:
    form = client.get("/ui/login")
    token = CSRF.search(form.text)
    assert token is not None
    return client.post(
        "/ui/login",
        data={"csrf": token.group(1), "key": key, "next": next_url},
        follow_redirects=False,
    )


@pytest.fixture
def app(service: Any) -> FastAPI:
    return make_app(service)


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(app) as client:
        assert sign_in(client, keys["admin"]).status_code == 303
        yield client


@pytest.fixture
def reader(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(app) as client:
        assert sign_in(client, keys["read"]).status_code == 303
        yield client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)
