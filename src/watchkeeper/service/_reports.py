"""Batch reports uploaded to the service (``POST /v1/reports``) and shown on the dashboard.

A report is the JSON form of :func:`watchkeeper.report` (docs/report-schema.md). It is
validated lightly at the boundary (an object with ``schema_version`` and ``drift``),
summarised for listing, and stored whole. :class:`ReportBook` works on any store
with an ``engine``; :class:`~watchkeeper.service.MonitoringService` answers its
report methods with one.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.service._errors import NotFound

__all__ = ["ReportBook", "ReportInfo", "summarize_report"]

_MAX_NAME = 200


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReportInfo:
    """A stored report's facts (the body is read separately).

    >>> from datetime import UTC, datetime
    >>> info = ReportInfo("rep_1", "nightly", None, datetime(2024, 1, 1, tzinfo=UTC), "ci")
    >>> info.to_dict()["created_at"]
    '2024-01-01T00:00:00+00:00'
    """

    id: str
    name: str
    model: str | None
    created_at: datetime
    uploaded_by: str
    summary: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "model": self.model,
            "created_at": self.created_at.isoformat(),
            "uploaded_by": self.uploaded_by,
            "summary": dict(self.summary),
        }


def summarize_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a report's JSON form and keep what a list shows.

    >>> summarize_report({"schema_version": "1.0", "created_at": "2024-01-01T00:00:00Z",
    ...                   "drift": {"share_drifted": 0.25, "dataset_drift": False,
    ...                             "columns": [{"column": "a"}, {"column": "b"}]}})
    {'schema_version': '1.0', 'report_created_at': '2024-01-01T00:00:00Z', 'n_columns': 2, \
'share_drifted': 0.25, 'dataset_drift': False}
    """
    if not isinstance(report, Mapping):
        raise InputError(
            "a report is a JSON object; send the output of 'watchkeeper report --json'"
        )
    version = report.get("schema_version")
    drift = report.get("drift")
    if not isinstance(version, str) or not isinstance(drift, Mapping):
        raise InputError(
            "the report has no 'schema_version' or no 'drift' object; send the JSON form of "
            "watchkeeper.report(...).to_dict() or 'watchkeeper report --json'"
        )
    columns = drift.get("columns")
    share = drift.get("share_drifted")
    return {
        "schema_version": version,
        "report_created_at": report.get("created_at"),
        "n_columns": len(columns) if isinstance(columns, list) else None,
        "share_drifted": share if isinstance(share, int | float) else None,
        "dataset_drift": drift.get("dataset_drift"),
    }


class ReportBook:
    """Upload, list and read reports in a store.

    >>> from watchkeeper.store import Store
    >>> book = ReportBook(Store("sqlite://"), clock=lambda: datetime(2024, 1, 1, tzinfo=UTC))
    >>> info = book.upload_report({"schema_version": "1.0", "drift": {}}, name="nightly", by="ci")
    >>> [r.name for r in book.list_reports()], book.get_report(info.id)[1]["drift"]
    (['nightly'], {})
    """

    def __init__(self, store: Any, clock: Callable[[], datetime] = _utc_now) -> None:
        from watchkeeper.store._repo_reports import ReportRepository

        self.repository = ReportRepository(store.engine)
        self.clock = clock

    def upload_report(
        self, report: Mapping[str, Any], *, name: str = "", model: str | None = None, by: str
    ) -> ReportInfo:
        return upload_report(self.repository, self.clock, report, name=name, model=model, by=by)

    def list_reports(self, *, limit: int = 50, offset: int = 0) -> list[ReportInfo]:
        return [_info(r) for r in self.repository.list_reports(limit=limit, offset=offset)]

    def count_reports(self) -> int:
        return self.repository.count_reports()

    def get_report(self, report_id: str) -> tuple[ReportInfo, dict[str, Any]]:
        found = self.repository.get_report(report_id)
        if found is None:
            raise NotFound(
                f"report {report_id!r} does not exist; list reports with GET /v1/reports"
            )
        row, body = found
        return _info(row), json.loads(body)


def _info(row: Any) -> ReportInfo:
    return ReportInfo(row.id, row.name, row.model, row.created_at, row.uploaded_by, row.summary)


def upload_report(
    repository: Any,
    clock: Callable[[], datetime],
    report: Mapping[str, Any],
    *,
    name: str,
    model: str | None,
    by: str,
) -> ReportInfo:
    summary = summarize_report(report)
    name = name.strip() or f"report {clock().strftime('%Y-%m-%d %H:%M')}"
    if len(name) > _MAX_NAME:
        raise InputError(f"report name is {len(name)} characters; give at most {_MAX_NAME}")
    if model is not None and (not model or len(model) > _MAX_NAME):
        raise InputError(f"report model {model!r} must be 1 to {_MAX_NAME} characters")
    try:
        body = json.dumps(report, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise InputError("the report holds NaN or infinity; send null instead") from None
    report_id = "rep_" + secrets.token_hex(8)
    at = clock()
    repository.insert_report(report_id, name, model, at, by, summary, body)
    return ReportInfo(report_id, name, model, at, by, summary)
