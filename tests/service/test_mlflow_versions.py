"""Versions registered from MLflow model URIs, against a real MLflow tracking and model
registry store (a local SQLite file, as in tests/checks/test_mlflow.py) and the real
service on each backend. What MLflow says is read back with ``MlflowClient``."""

from __future__ import annotations

from typing import Any

import pytest
from tests._mlflow_registry import Registry

from watchkeeper._exceptions import InputError
from watchkeeper.service._errors import Conflict, NotFound
from watchkeeper.service._mlflow import mlflow_of, register_mlflow_version, resolve_model_uri
from watchkeeper.service._service import MonitoringService

SCHEMA = {"features": {"age": "numeric"}}


@pytest.fixture(scope="module")
def mlflow_registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    pytest.importorskip("mlflow")
    return Registry(tmp_path_factory.mktemp("mlflow"))


def _recorded(registry: Registry, version: str, run: int, uri: str) -> dict[str, Any]:
    found = registry.client.get_model_version("churn", version)
    assert found.run_id == registry.runs[run]
    return {
        "uri": uri,
        "name": "churn",
        "version": version,
        "run_id": registry.runs[run],
        "source": found.source,
        "model_id": getattr(found, "model_id", None) or None,
    }


@pytest.mark.parametrize(
    ("uri", "mlflow_version", "run"),
    [
        ("models:/churn/1", "1", 0),
        ("models:/churn@champion", "1", 0),
        ("models:/churn/latest", "2", 1),
    ],
)
def test_a_version_records_the_mlflow_version_its_uri_names(
    service: MonitoringService, mlflow_registry: Registry, uri: str, mlflow_version: str, run: int
) -> None:
    service.create_model("churn", "regression", SCHEMA)
    info = register_mlflow_version(
        service, "churn", "wk-1", uri, tracking_uri=mlflow_registry.uri, activate=True
    )
    assert (info.version, info.active) == ("wk-1", True)
    assert mlflow_of(service, "churn", "wk-1") == _recorded(
        mlflow_registry, mlflow_version, run, uri
    )
    [entry] = service.list_audit(action="version.mlflow")
    assert entry.target == "version:churn/wk-1"
    assert entry.after["version"] == mlflow_version


def test_a_run_uri_records_the_version_made_from_that_run(
    service: MonitoringService, mlflow_registry: Registry
) -> None:
    service.create_model("churn", "regression", SCHEMA)
    uri = f"runs:/{mlflow_registry.runs[1]}/model"
    register_mlflow_version(service, "churn", "wk-2", uri, tracking_uri=mlflow_registry.uri)
    assert mlflow_of(service, "churn", "wk-2") == _recorded(mlflow_registry, "2", 1, uri)
    # A run no model version was made from: the run is recorded, no MLflow version.
    lone = f"runs:/{mlflow_registry.runs[2]}/model"
    register_mlflow_version(service, "churn", "wk-3", lone, tracking_uri=mlflow_registry.uri)
    assert mlflow_of(service, "churn", "wk-3") == {
        "uri": lone, "name": None, "version": None, "run_id": mlflow_registry.runs[2],
        "source": "model", "model_id": None,
    }  # fmt: skip


def test_registering_again_is_idempotent_and_another_mlflow_version_conflicts(
    service: MonitoringService, mlflow_registry: Registry
) -> None:
    service.create_model("churn", "regression", SCHEMA)
    uri = mlflow_registry.uri
    register_mlflow_version(service, "churn", "wk-1", "models:/churn/1", tracking_uri=uri)
    # The alias names the same MLflow version: nothing changes, nothing more is audited.
    register_mlflow_version(service, "churn", "wk-1", "models:/churn@champion", tracking_uri=uri)
    assert len(service.list_audit(action="version.mlflow")) == 1
    with pytest.raises(Conflict, match=r"is MLflow model 'churn' version '1'.*models:/churn/2"):
        register_mlflow_version(service, "churn", "wk-1", "models:/churn/2", tracking_uri=uri)
    assert mlflow_of(service, "churn", "wk-1")["version"] == "1"  # type: ignore[index]
    # Versions made without MLflow have nothing recorded.
    service.create_version("churn", "plain")
    assert mlflow_of(service, "churn", "plain") is None


def test_what_mlflow_does_not_know_creates_nothing(
    service: MonitoringService, mlflow_registry: Registry
) -> None:
    service.create_model("churn", "regression", SCHEMA)
    uri = mlflow_registry.uri
    for missing in ("models:/churn/9", "models:/nope/1", "models:/churn@nobody"):
        with pytest.raises(NotFound, match="MLflow cannot resolve"):
            register_mlflow_version(service, "churn", "wk-x", missing, tracking_uri=uri)
    with pytest.raises(InputError, match="is not an MLflow model URI"):
        resolve_model_uri("s3://bucket/model", tracking_uri=uri)
    with pytest.raises(InputError, match="'tomorrow' is not a version"):
        resolve_model_uri("models:/churn/tomorrow", tracking_uri=uri)
    assert service.list_versions("churn") == []
