"""Metadata recorded on a model version, one JSON document per version and key.

``wk_version_metadata`` keeps what other systems say about a version, under a key per
system: ``"mlflow"`` holds the MLflow model URI the version was registered from and
the MLflow model version it resolved to (:mod:`watchkeeper.service._mlflow`). A key is
replaced as a whole; a version's other keys are left alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Integer, String, Table, select

from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._tables import metadata, versions
from watchkeeper.store._types import JSONText, UTCDateTime

__all__ = ["VersionMetadataRepository", "version_metadata"]

version_metadata = Table(
    "wk_version_metadata",
    metadata,
    Column("version_id", Integer, primary_key=True, autoincrement=False),
    Column("key", String(60), primary_key=True),
    Column("value", JSONText, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


class VersionMetadataRepository(RepositoryBase):
    def version_metadata(self, version_id: int) -> dict[str, Any]:
        """Every key recorded on the version, with its document."""
        query = select(version_metadata.c.key, version_metadata.c.value).where(
            version_metadata.c.version_id == version_id
        )
        with self.engine.connect() as connection:
            return {row.key: row.value for row in connection.execute(query)}

    def model_version_metadata(self, model_id: int, key: str) -> dict[str, Any]:
        """The document under ``key`` of each version of the model that has one, by name."""
        query = (
            select(versions.c.name, version_metadata.c.value)
            .join_from(version_metadata, versions, version_metadata.c.version_id == versions.c.id)
            .where(versions.c.model_id == model_id, version_metadata.c.key == key)
        )
        with self.engine.connect() as connection:
            return {row.name: row.value for row in connection.execute(query)}

    def put_version_metadata(self, version_id: int, key: str, value: Any, at: datetime) -> None:
        """Record (or replace) the document under ``key`` on the version."""
        self._upsert(
            version_metadata, ("version_id", "key"),
            version_id=version_id, key=key, value=value, updated_at=at,
        )  # fmt: skip
