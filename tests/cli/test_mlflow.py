"""``watchkeeper mlflow register|show`` on a SQLite store file and a real MLflow registry."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests._mlflow_registry import Registry

from watchkeeper.cli import main
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store


def test_register_records_the_mlflow_version_and_show_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("mlflow")
    registry = Registry(tmp_path / "mlflow")
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url))
    service.create_model("churn", "regression", {"features": {"age": "numeric"}})
    reference = tmp_path / "reference.parquet"
    pq.write_table(pa.table({"age": [31.0, 42.0, 53.0]}), reference)
    argv = ["mlflow", "register", "churn", "v7", "models:/churn@champion", "--activate",
            "--reference", str(reference), "--tracking-uri", registry.uri,
            "--database-url", url, "--json", "-"]  # fmt: skip
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["version"], out["active"], out["has_reference"]) == ("v7", True, True)
    assert out["mlflow"]["version"] == "1"
    assert out["mlflow"]["run_id"] == registry.runs[0]
    [entry] = service.list_audit(action="version.mlflow")
    assert entry.actor_id == "cli"
    assert main(["mlflow", "show", "churn", "v7", "--database-url", url]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("churn/v7: {") and '"uri": "models:/churn@champion"' in shown
    # MLflow knows no version 9: exit 2 with the reason, and no version is created.
    argv = ["mlflow", "register", "churn", "v8", "models:/churn/9",
            "--tracking-uri", registry.uri, "--database-url", url]  # fmt: skip
    assert main(argv) == 2
    assert "MLflow cannot resolve 'models:/churn/9'" in capsys.readouterr().err
    assert [v.version for v in service.list_versions("churn")] == ["v7"]
    service.store.close()
