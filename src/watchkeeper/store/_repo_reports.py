"""Batch reports uploaded for the dashboard: one row per report, its JSON as text.

The report's JSON (docs/report-schema.md) is kept whole, so that the dashboard renders
it with the same HTML renderer as ``watchkeeper report --html``; a small summary
(drift share, column counts) is kept beside it so that listing reports reads no body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Engine, Index, RowMapping, String, Table, Text, func, select

from watchkeeper.store._tables import metadata
from watchkeeper.store._types import JSONText, UTCDateTime

__all__ = ["ReportRepository", "ReportRow", "reports"]

reports = Table(
    "wk_reports",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("model", String(200), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("uploaded_by", String(200), nullable=False),
    Column("summary", JSONText, nullable=False),
    Column("body", Text, nullable=False),
    Index(None, "created_at"),
)


@dataclass(frozen=True)
class ReportRow:
    id: str
    name: str
    model: str | None
    created_at: datetime
    uploaded_by: str
    summary: Mapping[str, Any]


def _row(row: RowMapping) -> ReportRow:
    return ReportRow(
        id=row["id"],
        name=row["name"],
        model=row["model"],
        created_at=row["created_at"],
        uploaded_by=row["uploaded_by"],
        summary=dict(row["summary"] or {}),
    )


_LISTED = (
    reports.c.id,
    reports.c.name,
    reports.c.model,
    reports.c.created_at,
    reports.c.uploaded_by,
    reports.c.summary,
)


class ReportRepository:
    """Reports in the store's database (a mixin for :class:`~watchkeeper.store.Store`,
    or standalone on an engine).

    >>> from watchkeeper.store import Store
    >>> from datetime import UTC, datetime
    >>> repo = ReportRepository(Store("sqlite://").engine)
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> repo.insert_report("rep_1", "nightly", None, t, "ci", {"n": 1}, "{}")
    >>> [r.name for r in repo.list_reports()], repo.count_reports()
    (['nightly'], 1)
    """

    engine: Engine

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def insert_report(
        self,
        report_id: str,
        name: str,
        model: str | None,
        created_at: datetime,
        uploaded_by: str,
        summary: Mapping[str, Any],
        body: str,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                reports.insert().values(
                    id=report_id,
                    name=name,
                    model=model,
                    created_at=created_at,
                    uploaded_by=uploaded_by,
                    summary=dict(summary),
                    body=body,
                )
            )

    def list_reports(self, *, limit: int = 50, offset: int = 0) -> list[ReportRow]:
        """Newest first, without their bodies."""
        query = (
            select(*_LISTED)
            .order_by(reports.c.created_at.desc(), reports.c.id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as connection:
            return [_row(row) for row in connection.execute(query).mappings()]

    def count_reports(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(reports)).scalar_one())

    def get_report(self, report_id: str) -> tuple[ReportRow, str] | None:
        """The report's row and its JSON text, or None."""
        query = select(*_LISTED, reports.c.body).where(reports.c.id == report_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else (_row(row), str(row["body"]))
