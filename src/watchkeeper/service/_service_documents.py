"""The facade's methods for documents attached from outside (:class:`DocumentMethods`):
uploaded batch reports (:mod:`._reports`) and versions registered from MLflow model URIs
(:mod:`._mlflow`), resolved only against the settings' tracking URI.

:class:`~watchkeeper.service.MonitoringService` inherits them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._errors import Conflict
from watchkeeper.service._registry import Registry
from watchkeeper.service._reports import ReportBook, ReportInfo
from watchkeeper.service._results import VersionInfo
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

if TYPE_CHECKING:
    from watchkeeper.service._service import MonitoringService

__all__ = ["DocumentMethods"]


class DocumentMethods:
    """Batch reports and MLflow versions, over the facade's store, settings and books."""

    store: Store
    settings: Settings
    _registry: Registry
    _reports: ReportBook
    _audit: Auditor

    # batch reports

    def upload_report(
        self,
        report: Mapping[str, Any],
        *,
        name: str = "",
        model: str | None = None,
        by: str,
        actor: Actor | None = None,
    ) -> ReportInfo:
        """Store a batch report's JSON form; returns its id and summary."""
        info = self._reports.upload_report(report, name=name, model=model, by=by)
        after = {"name": info.name, "by": by}
        who = actor or Actor(by, by)
        self._audit.record(who, "report.upload", f"report:{info.id}", model=model, after=after)
        return info

    def list_reports(self, *, limit: int = 50, offset: int = 0) -> list[ReportInfo]:
        """Stored reports, newest first."""
        return self._reports.list_reports(limit=limit, offset=offset)

    def count_reports(self) -> int:
        return self._reports.count_reports()

    def get_report(self, report_id: str) -> tuple[ReportInfo, dict[str, Any]]:
        """A report's facts and its JSON form; :class:`NotFound` when unknown."""
        return self._reports.get_report(report_id)

    def register_mlflow_version(
        self,
        model: str,
        version: str,
        uri: str,
        *,
        baseline: Mapping[str, float] | None = None,
        activate: bool = False,
        actor: Actor | None = None,
    ) -> VersionInfo:
        """A version from an MLflow model URI, resolved against ``settings.mlflow_tracking_uri``
        only (:mod:`._mlflow`); :class:`Conflict` when the settings name none."""
        from watchkeeper.service._mlflow import register_mlflow_version

        tracking = self.settings.mlflow_tracking_uri
        if not tracking:
            raise Conflict(
                "this server has no MLflow tracking URI; start it with MLFLOW_TRACKING_URI set "
                "to the tracking server that holds the model registry"
            )
        return register_mlflow_version(
            cast("MonitoringService", self),
            model,
            version,
            uri,
            baseline=baseline,
            activate=activate,
            tracking_uri=tracking,
            actor=actor,
        )

    def version_metadata(self, model: str, key: str) -> dict[str, Any]:
        """What another system recorded under ``key`` (``"mlflow"``), by version name."""
        return self.store.model_version_metadata(self._registry.model(model).id, key)
