"""Models, versions and their activation history; monitors, channels and API keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, func, or_, select, update

from watchkeeper.store._base import RepositoryBase
from watchkeeper.store._rows import ApiKeyRow, ModelRow, VersionRow
from watchkeeper.store._tables import (
    api_keys,
    channels,
    models,
    monitors,
    version_activations,
    versions,
)

__all__ = ["ModelRepository"]


def _model_row(row: RowMapping, active: str | None) -> ModelRow:
    return ModelRow(
        id=row["id"],
        name=row["name"],
        task=row["task"],
        schema=dict(row["schema"] or {}),
        window_seconds=row["window_seconds"],
        active_version_id=row["active_version_id"],
        active_version=active,
        created_at=row["created_at"],
    )


def _version_row(row: RowMapping) -> VersionRow:
    return VersionRow(
        id=row["id"],
        model_id=row["model_id"],
        name=row["name"],
        baseline={str(k): float(v) for k, v in (row["baseline"] or {}).items()},
        active=bool(row["active"]),
        created_at=row["created_at"],
        has_reference=bool(row["has_reference"]),
    )


_VERSION_COLUMNS = (
    versions.c.id,
    versions.c.model_id,
    versions.c.name,
    versions.c.baseline,
    versions.c.active,
    versions.c.created_at,
    or_(versions.c.reference.is_not(None), versions.c.reference_profile.is_not(None)).label(
        "has_reference"
    ),
)


# Built once: an alias makes a proxy of each of the table's columns, and building the
# query for every call cost ~0.5 ms, more than running it (``POST /v1/guard`` with a
# model reads the model on every request).
_ACTIVE = versions.alias("active")
_ALL_MODELS = (
    select(models, _ACTIVE.c.name.label("active_name"))
    .outerjoin(_ACTIVE, _ACTIVE.c.id == models.c.active_version_id)
    .order_by(models.c.name)
)
_ONE_MODEL = _ALL_MODELS.where(models.c.name == bindparam("name"))


class ModelRepository(RepositoryBase):
    # models

    def _models(self, connection: Connection, name: str | None) -> list[ModelRow]:
        if name is None:
            result = connection.execute(_ALL_MODELS)
        else:
            result = connection.execute(_ONE_MODEL, {"name": name})
        return [_model_row(row, row["active_name"]) for row in result.mappings().all()]

    def get_model(self, name: str) -> ModelRow | None:
        with self.engine.connect() as connection:
            found = self._models(connection, name)
        return found[0] if found else None

    def list_models(self) -> list[ModelRow]:
        with self.engine.connect() as connection:
            return self._models(connection, None)

    def insert_model(
        self,
        name: str,
        task: str,
        schema: Mapping[str, Any],
        created_at: datetime,
        window_seconds: int | None = None,
    ) -> ModelRow | None:
        """Create a model; None when one of that name already exists (nothing is changed)."""
        statement = (
            self._insert(models)
            .values(
                name=name,
                task=task,
                schema=dict(schema),
                window_seconds=window_seconds,
                created_at=created_at,
            )
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(models.c.id)
        )
        with self.engine.begin() as connection:
            # rowcount is unreliable with RETURNING on PostgreSQL; a returned row is not.
            if connection.execute(statement).first() is None:
                return None
            return self._models(connection, name)[0]

    def update_model(
        self,
        name: str,
        *,
        schema: Mapping[str, Any] | None = None,
        window_seconds: int | None = None,
    ) -> None:
        values: dict[str, Any] = {}
        if schema is not None:
            values["schema"] = dict(schema)
        if window_seconds is not None:
            values["window_seconds"] = window_seconds
        if values:
            with self.engine.begin() as connection:
                connection.execute(update(models).where(models.c.name == name).values(**values))

    # versions

    def get_version(self, model_id: int, name: str) -> VersionRow | None:
        query = select(*_VERSION_COLUMNS).where(
            versions.c.model_id == model_id, versions.c.name == name
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _version_row(row)

    def list_versions(self, model_id: int) -> list[VersionRow]:
        query = (
            select(*_VERSION_COLUMNS)
            .where(versions.c.model_id == model_id)
            .order_by(versions.c.created_at, versions.c.id)
        )
        with self.engine.connect() as connection:
            return [_version_row(row) for row in connection.execute(query).mappings()]

    def version_names(self, model_id: int) -> dict[int, str]:
        query = select(versions.c.id, versions.c.name).where(versions.c.model_id == model_id)
        with self.engine.connect() as connection:
            return {row.id: row.name for row in connection.execute(query)}

    def insert_version(
        self,
        model_id: int,
        name: str,
        *,
        reference: bytes | None,
        baseline: Mapping[str, float],
        created_at: datetime,
        reference_profile: bytes | None = None,
    ) -> VersionRow | None:
        """Create a version; None when it already exists (nothing is changed)."""
        statement = (
            self._insert(versions)
            .values(
                model_id=model_id,
                name=name,
                reference=reference,
                reference_profile=reference_profile,
                baseline=dict(baseline),
                active=False,
                created_at=created_at,
            )
            .on_conflict_do_nothing(index_elements=["model_id", "name"])
            .returning(versions.c.id)
        )
        with self.engine.begin() as connection:
            if connection.execute(statement).first() is None:
                return None
        return self.get_version(model_id, name)

    def update_version(
        self,
        version_id: int,
        *,
        reference: bytes | None = None,
        baseline: Mapping[str, float] | None = None,
    ) -> None:
        values: dict[str, Any] = {}
        if reference is not None:
            values["reference"] = reference
            # The profile of the old reference no longer applies; the next close builds one.
            values["reference_profile"] = None
        if baseline is not None:
            values["baseline"] = dict(baseline)
        if values:
            with self.engine.begin() as connection:
                connection.execute(
                    update(versions).where(versions.c.id == version_id).values(**values)
                )

    def reference_bytes(self, version_id: int) -> bytes | None:
        query = select(versions.c.reference).where(versions.c.id == version_id)
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar_one_or_none()
        return None if value is None else bytes(value)

    def _set_active(self, connection: Connection, model_id: int, version_id: int) -> None:
        connection.execute(
            update(versions)
            .where(versions.c.model_id == model_id)
            .values(active=versions.c.id == version_id)
        )
        connection.execute(
            update(models).where(models.c.id == model_id).values(active_version_id=version_id)
        )

    def activate(self, model_id: int, version_id: int, at: datetime) -> None:
        """Make a version the active one and remember it for :meth:`roll_back`."""
        with self.engine.begin() as connection:
            current = connection.execute(
                select(models.c.active_version_id).where(models.c.id == model_id)
            ).scalar_one()
            if current == version_id:
                return
            self._set_active(connection, model_id, version_id)
            connection.execute(
                version_activations.insert().values(
                    model_id=model_id, version_id=version_id, activated_at=at, rolled_back=False
                )
            )

    def roll_back(self, model_id: int) -> int | None:
        """Undo the latest activation; the id of the version active again, or None."""
        with self.engine.begin() as connection:
            history = connection.execute(
                select(version_activations.c.id, version_activations.c.version_id)
                .where(
                    version_activations.c.model_id == model_id,
                    version_activations.c.rolled_back.is_(False),
                )
                .order_by(version_activations.c.id.desc())
                .limit(2)
            ).all()
            if len(history) < 2:
                return None
            latest, previous = history
            connection.execute(
                update(version_activations)
                .where(version_activations.c.id == latest.id)
                .values(rolled_back=True)
            )
            self._set_active(connection, model_id, previous.version_id)
            return int(previous.version_id)

    # monitors and channels (specs as JSON documents)

    def put_monitor(self, name: str, model: str, spec: Mapping[str, Any], at: datetime) -> None:
        self._upsert(monitors, ("name",), name=name, model=model, spec=dict(spec), updated_at=at)

    def list_monitor_specs(self, model: str | None = None) -> list[dict[str, Any]]:
        query = select(monitors.c.spec).order_by(monitors.c.name)
        if model is not None:
            query = query.where(monitors.c.model == model)
        with self.engine.connect() as connection:
            return [dict(spec) for spec in connection.execute(query).scalars()]

    def put_channel(self, name: str, type_: str, settings: Mapping[str, Any], at: datetime) -> None:
        self._upsert(
            channels, ("name",), name=name, type=type_, settings=dict(settings), updated_at=at
        )

    def list_channels(self) -> list[tuple[str, str, dict[str, Any]]]:
        query = select(channels.c.name, channels.c.type, channels.c.settings).order_by(
            channels.c.name
        )
        with self.engine.connect() as connection:
            return [(r.name, r.type, dict(r.settings)) for r in connection.execute(query)]

    # API keys (only the SHA-256 of a key is stored)

    def insert_api_key(
        self, key_id: str, name: str, key_hash: str, scopes: Sequence[str], at: datetime
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                api_keys.insert().values(
                    id=key_id,
                    name=name,
                    key_hash=key_hash,
                    scopes=list(scopes),
                    created_at=at,
                    revoked=False,
                )
            )

    def _key_rows(self, *conditions: Any) -> list[ApiKeyRow]:
        query = select(api_keys).where(*conditions).order_by(api_keys.c.created_at)
        with self.engine.connect() as connection:
            return [
                ApiKeyRow(
                    id=r["id"],
                    name=r["name"],
                    key_hash=r["key_hash"],
                    scopes=tuple(r["scopes"]),
                    created_at=r["created_at"],
                    revoked=bool(r["revoked"]),
                )
                for r in connection.execute(query).mappings()
            ]

    def api_key_by_hash(self, key_hash: str) -> ApiKeyRow | None:
        found = self._key_rows(api_keys.c.key_hash == key_hash)
        return found[0] if found else None

    def list_api_keys(self, *, include_revoked: bool = False) -> list[ApiKeyRow]:
        if include_revoked:
            return self._key_rows()
        return self._key_rows(api_keys.c.revoked.is_(False))

    def revoke_api_key(self, key_id: str, at: datetime) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked.is_(False))
                .values(revoked=True, revoked_at=at)
            )
        return bool(result.rowcount)

    def count_api_keys(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(api_keys).where(api_keys.c.revoked.is_(False))
                ).scalar_one()
            )
