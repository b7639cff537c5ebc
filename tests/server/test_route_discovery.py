"""The server's routers are found by discovery, not listed: a route module added to
``watchkeeper/server`` is served without an edit anywhere else, and no merge can drop
one from a list (the lesson of the seven commands lost from the CLI)."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi.testclient import TestClient

import watchkeeper.server
from watchkeeper.server import api_routers, create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store


def _route_modules() -> list[str]:
    names = [info.name for info in pkgutil.iter_modules(watchkeeper.server.__path__)]
    return sorted(n for n in names if n.startswith("_routes_") or n == "_metrics")


def _templates(router: object) -> set[tuple[str, str]]:
    return {
        (route.path, method)
        for route in router.routes  # type: ignore[attr-defined]
        for method in (getattr(route, "methods", None) or {"*"})
    }


def test_every_route_module_is_served_once() -> None:
    routers = api_routers()
    modules = [importlib.import_module(f"watchkeeper.server.{n}") for n in _route_modules()]
    assert len(modules) >= 11
    assert sorted(map(id, routers)) == sorted(id(m.router) for m in modules)
    settings = Settings(dev=True)
    app = create_app(MonitoringService(Store("sqlite://"), settings), settings)
    documented = app.openapi()["paths"]
    for module in modules:
        for path, method in _templates(module.router):
            if path != "/healthz":  # kept out of the schema on purpose
                assert method.lower() in documented[path], (module.__name__, path, method)
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/healthz").status_code == 200


def test_no_two_route_modules_can_answer_the_same_request() -> None:
    # Then the order of discovery decides nothing but speed (the guard goes first).
    def clash(a: str, b: str) -> bool:
        left, right = a.strip("/").split("/"), b.strip("/").split("/")
        return len(left) == len(right) and all(
            x == y or x.startswith("{") or y.startswith("{")
            for x, y in zip(left, right, strict=True)
        )

    owned = [
        (i, path, method) for i, r in enumerate(api_routers()) for path, method in _templates(r)
    ]
    clashes = [(p, q) for i, p, m in owned for j, q, n in owned if i < j and m == n and clash(p, q)]
    assert clashes == []


def test_the_guard_is_matched_first() -> None:
    from watchkeeper.server import _routes_guard

    assert api_routers()[0] is _routes_guard.router
