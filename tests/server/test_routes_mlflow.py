"""PUT/GET /v1/models/{m}/versions/{v}/mlflow over HTTP (issue 18), against a real MLflow
tracking and registry store (a SQLite file, tests/_mlflow_registry.py) and the real
service on SQLite and PostgreSQL. What MLflow says is read back with ``MlflowClient``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests._backends import BACKENDS, database_url
from tests._mlflow_registry import Registry

from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

SCHEMA = {"features": {"age": "numeric"}}


@pytest.fixture(scope="module")
def mlflow_registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    pytest.importorskip("mlflow")
    return Registry(tmp_path_factory.mktemp("mlflow"))


@pytest.fixture(params=BACKENDS)
def service(
    request: pytest.FixtureRequest, tmp_path: Path, mlflow_registry: Registry
) -> Iterator[MonitoringService]:
    with database_url(request.param, tmp_path) as url:
        settings = Settings(database_url=url, mlflow_tracking_uri=mlflow_registry.uri)
        real = MonitoringService(Store(url), settings)
        real.create_model("churn", "regression", SCHEMA)
        yield real
        real.store.close()


def _client(service: MonitoringService, scope: str = "admin") -> TestClient:
    key = service.create_api_key([scope], name=f"{scope}-key")[1]
    app = create_app(service, Settings(tick_seconds=0))
    return TestClient(app, headers={"Authorization": f"Bearer {key}"})


def _mlflow(registry: Registry, uri: str, version: str) -> dict[str, Any]:
    found = registry.client.get_model_version("churn", version)
    return {
        "uri": uri,
        "name": "churn",
        "version": version,
        "run_id": found.run_id,
        "source": found.source,
        "model_id": getattr(found, "model_id", None) or None,
    }


def test_an_admin_registers_a_version_from_a_model_uri(
    service: MonitoringService, mlflow_registry: Registry
) -> None:
    with _client(service) as client:
        answer = client.put(
            "/v1/models/churn/versions/wk-1/mlflow",
            json={"uri": "models:/churn@champion", "activate": True},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["version"], body["active"]) == ("wk-1", True)
        expected = _mlflow(mlflow_registry, "models:/churn@champion", "1")
        assert body["mlflow"] == expected
        assert body["mlflow"]["run_id"] == mlflow_registry.runs[0]
        # again, by number: the same MLflow version, nothing changes
        again = client.put("/v1/models/churn/versions/wk-1/mlflow", json={"uri": "models:/churn/1"})
        assert again.status_code == 200 and again.json()["mlflow"] == expected
        # another MLflow version for the same watchkeeper version: 409
        other = client.put("/v1/models/churn/versions/wk-1/mlflow", json={"uri": "models:/churn/2"})
        assert other.status_code == 409 and "create a new version" in other.json()["detail"]

        client.post("/v1/models/churn/versions", json={"version": "plain"})
        listed = {
            v["version"]: v["mlflow"]
            for v in client.get("/v1/models/churn/versions").json()["versions"]
        }
        assert listed == {"wk-1": expected, "plain": None}
        assert client.get("/v1/models/churn/versions/wk-1/mlflow").json() == expected
        missing = client.get("/v1/models/churn/versions/plain/mlflow")
        assert missing.status_code == 404 and "not registered from MLflow" in missing.text
    [entry] = service.list_audit(action="version.mlflow")
    assert entry.actor_name == "admin-key" and entry.after["version"] == "1"


def test_what_mlflow_does_not_know_is_a_404_and_a_bad_uri_a_422(
    service: MonitoringService,
) -> None:
    with _client(service) as client:
        unknown = client.put("/v1/models/churn/versions/x/mlflow", json={"uri": "models:/churn/9"})
        assert unknown.status_code == 404 and "MLflow cannot resolve" in unknown.text
        bad = client.put("/v1/models/churn/versions/x/mlflow", json={"uri": "s3://b/model"})
        assert bad.status_code == 422 and "is not an MLflow model URI" in bad.text
        no_model = client.put("/v1/models/nope/versions/x/mlflow", json={"uri": "models:/churn/1"})
        assert no_model.status_code == 404
    assert service.list_versions("churn") == []


def test_a_caller_cannot_choose_the_tracking_server(
    service: MonitoringService, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "attacker.db"
    with _client(service) as client:
        answer = client.put(
            "/v1/models/churn/versions/x/mlflow",
            json={"uri": "models:/churn/1", "tracking_uri": f"sqlite:///{elsewhere}"},
        )
    assert answer.status_code == 422 and "tracking_uri" in answer.text
    assert not elsewhere.exists()  # never opened
    assert service.list_versions("churn") == []


def test_without_a_configured_tracking_uri_the_route_refuses(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    service = MonitoringService(Store(url), Settings.from_env({"WATCHKEEPER_DATABASE_URL": url}))
    service.create_model("churn", "regression", SCHEMA)
    with _client(service) as client:
        answer = client.put("/v1/models/churn/versions/x/mlflow", json={"uri": "models:/churn/1"})
    assert answer.status_code == 409 and "MLFLOW_TRACKING_URI" in answer.json()["detail"]
    service.store.close()
    configured = Settings.from_env({"MLFLOW_TRACKING_URI": "http://mlflow.internal:5000"})
    assert configured.mlflow_tracking_uri == "http://mlflow.internal:5000"
    assert "mlflow.internal" not in repr(configured)


def test_registering_needs_admin_and_showing_needs_read(service: MonitoringService) -> None:
    with _client(service, "read") as client:
        refused = client.put("/v1/models/churn/versions/x/mlflow", json={"uri": "models:/churn/1"})
        assert refused.status_code == 403
        assert client.get("/v1/models/churn/versions").status_code == 200
    with _client(service, "ingest") as client:
        assert client.get("/v1/models/churn/versions/x/mlflow").status_code == 403
