"""The facade's model and version methods (:class:`ModelMethods`).

:class:`~watchkeeper.service.MonitoringService` inherits them; the work is done by
:mod:`._registry` (models, versions, activation history) and :mod:`._privacy` (the
schema's ``pii`` declarations applied to reference data), and every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.profile import Profile
from watchkeeper.service import _privacy
from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._registry import Registry
from watchkeeper.service._results import ModelInfo, VersionInfo
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

__all__ = ["ModelMethods"]


class ModelMethods:
    """Models and versions, over the facade's ``_registry`` and ``_audit``."""

    store: Store
    settings: Settings
    _registry: Registry
    _audit: Auditor

    # models and versions

    def create_model(
        self,
        name: str,
        task: str,
        schema: Mapping[str, Any] | None = None,
        *,
        window: timedelta | None = None,
        actor: Actor | None = None,
    ) -> ModelInfo:
        """Register a model; idempotent when it exists with the same task and schema."""
        existed = self.store.get_model(name) is not None
        _privacy.check_declarations(schema, self.settings.pii_key)
        info = self._registry.create_model(name, task, schema, window=window)
        if not existed:
            seconds = None if window is None else window.total_seconds()
            after = {"task": task, "schema": info.schema, "window_seconds": seconds}
            self._audit.record(actor, "model.create", f"model:{name}", model=name, after=after)
        return info

    def list_models(self) -> list[ModelInfo]:
        return self._registry.list_models()

    def get_model(self, name: str) -> ModelInfo:
        return self._registry.get_model(name)

    def create_version(
        self,
        model: str,
        version: str,
        *,
        reference: pa.Table | None = None,
        baseline: Mapping[str, float] | None = None,
        activate: bool = False,
        reference_profile: Profile | bytes | None = None,
        actor: Actor | None = None,
    ) -> VersionInfo:
        """Register a version with its reference data (or a reference profile, for data
        too large to send) and baseline metrics; idempotent given the same reference."""
        known = {v.version for v in self._registry.list_versions(model)}
        plan = _privacy.plan_of(self._registry.model(model, fresh=True).schema)
        if reference_profile is not None and not plan.empty:
            raise InputError(
                f"model {model!r} declares pii columns and a profile keeps category values; "
                "send the reference data, which the service masks, hashes or drops first"
            )
        reference = _privacy.protect_reference(reference, plan, self.settings.pii_key)
        info = self._registry.create_version(
            model, version, reference=reference, baseline=baseline, activate=activate,
            reference_profile=reference_profile)  # fmt: skip
        if version not in known:
            source = "data" if reference is not None else "profile" if reference_profile else None
            after = {"baseline": info.baseline, "active": info.active, "reference": source}
            self._audit.record(
                actor, "version.create", f"version:{model}/{version}", model=model, after=after
            )
        return info

    def list_versions(self, model: str) -> list[VersionInfo]:
        return self._registry.list_versions(model)

    def _active(self, model: str) -> str | None:
        row = self.store.get_model(model)
        return None if row is None else row.active_version

    def promote(self, model: str, version: str, *, actor: Actor | None = None) -> VersionInfo:
        """Make ``version`` the active version of ``model``."""
        before = self._active(model)
        info = self._registry.promote(model, version)
        if before != version:
            change = {"before": {"active": before}, "after": {"active": version}}
            self._audit.record(
                actor, "version.promote", f"version:{model}/{version}", model=model, **change
            )
        return info

    def rollback(self, model: str, *, actor: Actor | None = None) -> VersionInfo:
        """Make the previously active version active again."""
        before = self._active(model)
        info = self._registry.rollback(model)
        change = {"before": {"active": before}, "after": {"active": info.version}}
        target = f"version:{model}/{info.version}"
        self._audit.record(actor, "version.rollback", target, model=model, **change)
        return info
