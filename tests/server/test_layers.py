"""The layers run one way: server -> dashboard -> service, and the service's protocol is whole."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from fastapi.testclient import TestClient

import watchkeeper.dashboard
import watchkeeper.server
from watchkeeper.dashboard import dashboard_router
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService, ServiceAPI, Settings
from watchkeeper.store import Store


def _sources(package: object) -> list[Path]:
    return sorted(Path(str(package.__file__)).parent.glob("*.py"))  # type: ignore[attr-defined]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_dashboard_imports_nothing_from_the_server() -> None:
    offenders = {
        path.name: sorted(m for m in _imports(path) if m.startswith("watchkeeper.server"))
        for path in _sources(watchkeeper.dashboard)
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_dashboard_has_no_v1_routes_and_the_server_has_them_all() -> None:
    ui = [route.path for route in dashboard_router().routes]  # type: ignore[attr-defined]
    assert ui and not [path for path in ui if path.startswith("/v1")]
    settings = Settings(dev=True)
    app = create_app(MonitoringService(Store("sqlite://"), settings), settings)
    documented = set(app.openapi()["paths"])
    assert {"/v1/reports", "/v1/reports/{report_id}", "/metrics"} <= documented
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/ui/login").status_code == 200  # the UI is mounted


def test_the_facade_has_every_method_of_the_protocol_with_its_signature() -> None:
    wanted = {
        name: inspect.signature(member)
        for name, member in vars(ServiceAPI).items()
        if callable(member) and not name.startswith("_")
    }
    assert len(wanted) >= 30
    for name, signature in wanted.items():
        assert str(inspect.signature(getattr(MonitoringService, name))) == str(signature), name


def test_no_caller_probes_the_service() -> None:
    probes = []
    for package in (watchkeeper.server, watchkeeper.dashboard):
        for path in _sources(package):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("hasattr", "getattr")
                    and node.args
                    and isinstance(node.args[0], ast.Name)
                    and node.args[0].id == "service"
                ):
                    probes.append(f"{path.name}:{node.lineno}")
    assert probes == []
