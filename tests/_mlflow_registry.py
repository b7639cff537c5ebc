"""A real MLflow tracking and model registry store in a folder (a SQLite file and an
artifact folder, as in tests/checks/test_mlflow.py), read with ``MlflowClient``."""

from __future__ import annotations

from pathlib import Path


class Registry:
    """A real MLflow store with model ``churn``: versions 1 and 2 from two runs, alias
    ``champion`` on version 1, and a third run no model version was made from."""

    def __init__(self, folder: Path) -> None:
        from mlflow.tracking import MlflowClient

        self.uri = f"sqlite:///{folder / 'mlflow.db'}"
        self.client = MlflowClient(tracking_uri=self.uri)
        experiment = self.client.create_experiment(
            "watchkeeper-registry", artifact_location=(folder / "artifacts").as_uri()
        )
        self.runs = []
        for _ in range(3):
            run = self.client.create_run(experiment)
            self.client.set_terminated(run.info.run_id)
            self.runs.append(run.info.run_id)
        self.client.create_registered_model("churn")
        for run_id in self.runs[:2]:
            self.client.create_model_version("churn", f"runs:/{run_id}/model", run_id=run_id)
        self.client.set_registered_model_alias("churn", "champion", "1")
