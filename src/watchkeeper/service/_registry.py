"""Models and versions: creation, promotion, rollback, and the cached lookups every
ingestion batch needs (they change rarely, so they are kept until a write forgets them).

The other parts of the service (:mod:`._ingestion`, :mod:`._closing`) reach the store's
model and version rows through a :class:`Registry`; the facade
(:class:`~watchkeeper.service.MonitoringService`) exposes its public methods.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError, ProfileFormatError
from watchkeeper._vocabulary import TASKS
from watchkeeper.profile import Profile
from watchkeeper.service._errors import Conflict, NotFound
from watchkeeper.service._ingest import feature_kinds, table_to_ipc
from watchkeeper.service._results import ModelInfo, VersionInfo
from watchkeeper.service._settings import Settings
from watchkeeper.service._windows import reference_profile as reference_profile_of
from watchkeeper.service.kinds._run import fit_version
from watchkeeper.store import Store
from watchkeeper.store._rows import ModelRow, VersionRow

__all__ = ["TASKS", "Registry", "aware", "utc_now"]


def utc_now() -> datetime:
    """The current time in UTC (the service's default clock)."""
    return datetime.now(UTC)


def aware(value: datetime, name: str) -> datetime:
    """``value`` in UTC; an :class:`InputError` naming ``name`` when it has no time zone.

    >>> aware(datetime(2024, 1, 1, tzinfo=UTC), "now").isoformat()
    '2024-01-01T00:00:00+00:00'
    """
    if value.tzinfo is None:
        raise InputError(f"{name} {value.isoformat()} has no time zone; give a UTC time")
    return value.astimezone(UTC)


def _model_info(row: ModelRow) -> ModelInfo:
    return ModelInfo(row.name, row.task, row.schema, row.active_version, row.created_at)


def _version_info(model: str, row: VersionRow) -> VersionInfo:
    return VersionInfo(model, row.name, row.active, row.created_at, row.has_reference, row.baseline)


def _checked_name(kind: str, name: str) -> None:
    if not name or len(name) > 200 or "/" in name:
        raise InputError(f"{kind} name {name!r} must be 1 to 200 characters without '/'")


def _checked_baseline(baseline: Mapping[str, float] | None) -> dict[str, float]:
    clean: dict[str, float] = {}
    for key, value in (baseline or {}).items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InputError(f"baseline {key!r} is {value!r}; a baseline value is a number")
        if not math.isfinite(value):
            raise InputError(f"baseline {key!r} is {value}; give a finite number")
        clean[str(key)] = float(value)
    return clean


def _checked_reference_profile(data: Profile | bytes, kinds: Mapping[str, str]) -> bytes:
    """A reference profile sent instead of data: readable, with bins, covering the schema."""
    try:
        profile = (
            data
            if isinstance(data, Profile)
            else Profile.from_bytes(bytes(data), source="the reference profile")
        )
    except ProfileFormatError as error:
        raise InputError(f"{error}; send a .wkp file written by 'watchkeeper profile'") from None
    numeric = [name for name, kind in kinds.items() if kind == "numeric"]
    if numeric and not profile.bins:
        raise InputError(
            "the reference profile has no reference bins; make it from the reference data "
            "with 'watchkeeper profile DATA -o ref.wkp' (without --reference)"
        )
    missing = sorted(name for name in kinds if name not in profile.columns)
    if missing:
        raise InputError(
            f"the reference profile has no column for features {missing}; profile data "
            "that has every feature of the model's schema"
        )
    return profile.to_bytes()


def _canonical(schema: Mapping[str, Any] | None) -> str:
    """A schema in one form, to tell whether two are the same: the short form
    (``{name: kind}``), ``{"features": ...}`` and the ``columns`` that
    ``watchkeeper apply`` keeps beside them all become one entry a feature,
    ``{"kind": ..., "pii": ...}``.

    >>> applied = {"features": {"age": "numeric"}, "columns": {"age": {"kind": "numeric"}}}
    >>> _canonical(applied) == _canonical({"age": "numeric"})
    True
    >>> _canonical({"email": {"kind": "text", "pii": "hash"}}) == _canonical({"email": "text"})
    False
    """
    rest = dict(schema or {})
    columns = rest.pop("columns", None)
    features = rest.pop("features", None)
    if features is None and columns is None:
        features = {
            name: entry
            for name, entry in rest.items()
            if isinstance(entry, str) or (isinstance(entry, Mapping) and "kind" in entry)
        }
        for name in features:
            del rest[name]
    entries: dict[str, dict[str, Any]] = {}
    for part in (features, columns):
        if isinstance(part, Mapping):
            for name, entry in part.items():
                more = {"kind": entry} if isinstance(entry, str) else dict(entry)
                entries.setdefault(str(name), {}).update(more)
    return json.dumps({**rest, "features": entries}, sort_keys=True)


class Registry:
    """Models and versions in ``store``, with cached lookups.

    >>> registry = Registry(Store("sqlite://"), Settings())
    >>> registry.create_model("churn", "regression", {"features": {"x": "numeric"}}).task
    'regression'
    >>> registry.create_version("churn", "v1", activate=True).active
    True
    """

    def __init__(
        self, store: Store, settings: Settings, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self._models: dict[str, ModelRow] = {}
        self._versions: dict[tuple[int, str], VersionRow] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop the cached rows (after any write to models or versions)."""
        with self._lock:
            self._models.clear()
            self._versions.clear()

    def model(self, name: str, *, fresh: bool = False) -> ModelRow:
        """The stored model row (cached); :class:`NotFound` when unknown.

        ``fresh`` reads it from the store (and caches what it read): another process
        (``watchkeeper apply``, another worker) may have changed it since, and the paths
        that store data must see its declarations as they are now (a column declared
        ``pii: hash`` is hashed from the next batch on, whoever declared it). One
        indexed read a batch.
        """
        row = None if fresh else self._models.get(name)
        if row is None:
            row = self.store.get_model(name)
            if row is None:
                raise NotFound(f"model {name!r} does not exist; create it with POST /v1/models")
            with self._lock:
                self._models[name] = row
        return row

    def version(self, model: ModelRow, name: str) -> VersionRow:
        """The stored version row (cached); :class:`NotFound` when unknown."""
        row = self._versions.get((model.id, name))
        if row is None:
            row = self.store.get_version(model.id, name)
            if row is None:
                raise NotFound(
                    f"version {name!r} of model {model.name!r} does not exist; create it with "
                    f"POST /v1/models/{model.name}/versions"
                )
            with self._lock:
                self._versions[(model.id, name)] = row
        return row

    def window_us(self, model: ModelRow) -> int:
        """The model's window length in microseconds (the settings' default without one)."""
        seconds = model.window_seconds or self.settings.window.total_seconds()
        return int(seconds * 1_000_000)

    def create_model(
        self,
        name: str,
        task: str,
        schema: Mapping[str, Any] | None = None,
        *,
        window: timedelta | None = None,
    ) -> ModelInfo:
        _checked_name("model", name)
        if task not in TASKS:
            raise InputError(f"task {task!r} is not known; use one of {', '.join(TASKS)}")
        given = dict(schema or {})
        feature_kinds(given)  # validates
        try:
            json.dumps(given, allow_nan=False)
        except (TypeError, ValueError):
            raise InputError("schema must be JSON (text, numbers, lists, mappings)") from None
        seconds = None if window is None else int(window.total_seconds())
        created = self.store.insert_model(name, task, given, self.clock(), seconds)
        if created is not None:
            self.forget()
            return _model_info(created)
        existing = self.model(name)
        if existing.task != task:
            raise Conflict(
                f"model {name!r} exists with task {existing.task!r}, not {task!r}; "
                "choose another name"
            )
        if schema is not None and _canonical(existing.schema) != _canonical(given):
            raise Conflict(
                f"model {name!r} exists with another schema; change it with "
                "'watchkeeper apply' or choose another name"
            )
        return _model_info(existing)

    def list_models(self) -> list[ModelInfo]:
        return [_model_info(row) for row in self.store.list_models()]

    def get_model(self, name: str) -> ModelInfo:
        row = self.store.get_model(name)
        if row is None:
            raise NotFound(f"model {name!r} does not exist; create it with POST /v1/models")
        return _model_info(row)

    def create_version(
        self,
        model: str,
        version: str,
        *,
        reference: pa.Table | None = None,
        baseline: Mapping[str, float] | None = None,
        activate: bool = False,
        reference_profile: Profile | bytes | None = None,
    ) -> VersionInfo:
        row = self.model(model)
        _checked_name("version", version)
        clean = _checked_baseline(baseline)
        blob = profile = None
        if reference is not None and reference_profile is not None:
            raise InputError("send the reference data or a reference profile, not both")
        if reference is not None:
            if reference.num_rows == 0:
                raise InputError("the reference has no rows; send the data the model was built on")
            profile = reference_profile_of(reference, feature_kinds(row.schema)).to_bytes()
            blob = table_to_ipc(reference)
        elif reference_profile is not None:
            profile = _checked_reference_profile(reference_profile, feature_kinds(row.schema))
        created = self.store.insert_version(
            row.id, version, reference=blob, baseline=clean, created_at=self.clock(),
            reference_profile=profile,
        )  # fmt: skip
        if created is not None and reference is not None:
            # Estimators, reference counters and rankings of the monitor kinds.
            fit_version(self.store, created.id, row.task, row.schema, reference, self.clock())
        if created is None:
            existing = self.version(row, version)
            if (
                (blob is not None and self.store.reference_bytes(existing.id) != blob)
                or (
                    blob is None
                    and profile is not None
                    and self.store.reference_profile_bytes(existing.id) != profile
                )
                or (baseline is not None and existing.baseline != clean)
            ):
                raise Conflict(
                    f"version {version!r} of model {model!r} exists with another reference or "
                    "baseline; create a new version"
                )
            created = existing
        if activate:
            return self.promote(model, version)
        self.forget()
        return _version_info(model, created)

    def list_versions(self, model: str) -> list[VersionInfo]:
        row = self.model(model)
        return [_version_info(model, v) for v in self.store.list_versions(row.id)]

    def metadata(self, model: str, version: str) -> dict[str, Any]:
        """What other systems recorded on the version, by key (``"mlflow"``, ...)."""
        return self.store.version_metadata(self.version(self.model(model), version).id)

    def set_metadata(self, model: str, version: str, key: str, value: Any) -> None:
        """Record ``value`` (JSON) under ``key`` on the version; other keys stay."""
        row = self.version(self.model(model), version)
        self.store.put_version_metadata(row.id, key, value, self.clock())

    def promote(self, model: str, version: str) -> VersionInfo:
        row = self.model(model)
        target = self.version(row, version)
        self.store.activate(row.id, target.id, self.clock())
        self.forget()
        return _version_info(model, self.version(self.model(model), version))

    def rollback(self, model: str) -> VersionInfo:
        row = self.model(model)
        version_id = self.store.roll_back(row.id)
        if version_id is None:
            raise Conflict(f"model {model!r} has no earlier active version to roll back to")
        self.forget()
        names = self.store.version_names(row.id)
        return _version_info(model, self.version(self.model(model), names[version_id]))
