"""Register a model version from an MLflow model URI, and record which MLflow version it is.

:func:`register_mlflow_version` resolves the URI with ``MlflowClient`` first (nothing is
created when MLflow does not know it), creates the watchkeeper version (audited like any
other) and records the resolution on it under the key ``"mlflow"`` (audited as
``version.mlflow``)
(:meth:`~watchkeeper.service._registry.Registry.metadata`)::

    {"uri": "models:/churn/3", "name": "churn", "version": "3", "run_id": "...",
     "source": "...", "model_id": "..."}

URIs understood: ``models:/NAME/VERSION``, ``models:/NAME/latest``, ``models:/NAME@ALIAS``,
``models:/NAME/STAGE`` (MLflow's deprecated stages) and ``runs:/RUN_ID/PATH`` (the name
and version then come from the registered version made from that run, when there is
exactly one). The tracking and registry servers are MLflow's own settings
(``MLFLOW_TRACKING_URI``, or ``tracking_uri=``); the URI of the tracking server is not
stored, since it may carry credentials. Needs ``pip install 'watchkeeper[mlflow]'``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from watchkeeper._exceptions import InputError, MissingDependency
from watchkeeper.service._errors import Conflict, NotFound
from watchkeeper.service._results import VersionInfo

if TYPE_CHECKING:
    from watchkeeper.compliance._audit import Actor
    from watchkeeper.service._service import MonitoringService

__all__ = [
    "MLFLOW_KEY",
    "MlflowModel",
    "mlflow_of",
    "parse_model_uri",
    "register_mlflow_version",
    "resolve_model_uri",
]

MLFLOW_KEY = "mlflow"
_STAGES = ("none", "staging", "production", "archived")
_FORMS = "models:/NAME/VERSION, models:/NAME/latest, models:/NAME@ALIAS or runs:/RUN_ID/PATH"


@dataclass(frozen=True, kw_only=True)
class MlflowModel:
    """What an MLflow model URI resolved to (``name``/``version`` None for an unregistered run)."""

    uri: str
    name: str | None
    version: str | None
    run_id: str | None
    source: str | None
    model_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_model_uri(uri: str) -> tuple[str, str, str]:
    """Split an MLflow model URI into (scheme, first part, rest).

    >>> parse_model_uri("models:/churn/3")
    ('models', 'churn', '3')
    >>> parse_model_uri("models:/churn@champion")
    ('models', 'churn', '@champion')
    >>> parse_model_uri("runs:/0a1b2c/model")
    ('runs', '0a1b2c', 'model')
    """
    scheme, sep, path = uri.partition(":/")
    parts = path.strip("/").split("/", 1) if sep else []
    if scheme == "models" and parts and "@" in parts[0] and len(parts) == 1:
        name, alias = parts[0].split("@", 1)
        if name and alias:
            return scheme, name, "@" + alias
    if scheme in ("models", "runs") and len(parts) == 2 and all(parts):
        return scheme, parts[0], parts[1]
    raise InputError(f"{uri!r} is not an MLflow model URI; use {_FORMS}")


def _client(tracking_uri: str | None) -> Any:
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise MissingDependency("mlflow-skinny", "mlflow") from None
    return MlflowClient(tracking_uri=tracking_uri)


def _of_version(uri: str, found: Any) -> MlflowModel:
    return MlflowModel(
        uri=uri,
        name=found.name,
        version=str(found.version),
        run_id=found.run_id or None,
        source=found.source or None,
        model_id=getattr(found, "model_id", None) or None,
    )


def _resolve(client: Any, uri: str) -> MlflowModel:
    scheme, first, rest = parse_model_uri(uri)
    if scheme == "runs":
        run = client.get_run(first)  # raises when there is no such run
        made = client.search_model_versions(f"run_id = '{run.info.run_id}'")
        if len(made) == 1:
            return _of_version(uri, made[0])
        return MlflowModel(uri=uri, name=None, version=None, run_id=run.info.run_id, source=rest)
    if rest.startswith("@"):
        return _of_version(uri, client.get_model_version_by_alias(first, rest[1:]))
    if rest.isdigit():
        return _of_version(uri, client.get_model_version(first, rest))
    if rest.lower() == "latest":
        versions = client.search_model_versions(f"name = '{first}'")
        if not versions:
            raise NotFound(f"MLflow model {first!r} has no versions; register one first")
        return _of_version(uri, max(versions, key=lambda v: int(v.version)))
    if rest.lower() in _STAGES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # stages are deprecated in MLflow, still served
            versions = client.get_latest_versions(first, stages=[rest])
        if not versions:
            raise NotFound(f"MLflow model {first!r} has no version in stage {rest!r}")
        return _of_version(uri, versions[0])
    raise InputError(f"{uri!r}: {rest!r} is not a version, 'latest' or a stage; use {_FORMS}")


def resolve_model_uri(
    uri: str, *, tracking_uri: str | None = None, client: Any = None
) -> MlflowModel:
    """Ask MLflow what ``uri`` names; :class:`NotFound` when it knows no such model."""
    if not isinstance(uri, str):
        raise InputError(f"uri={uri!r} is not an MLflow model URI; use {_FORMS}")
    mlflow_client = _client(tracking_uri) if client is None else client
    from mlflow.exceptions import MlflowException

    try:
        return _resolve(mlflow_client, uri)
    except MlflowException as error:
        raise NotFound(f"MLflow cannot resolve {uri!r}: {error.message}") from None


def mlflow_of(service: MonitoringService, model: str, version: str) -> dict[str, Any] | None:
    """The MLflow model recorded on a watchkeeper version, or None."""
    found = service._registry.metadata(model, version).get(MLFLOW_KEY)
    return dict(found) if isinstance(found, Mapping) else None


def register_mlflow_version(
    service: MonitoringService,
    model: str,
    version: str,
    uri: str,
    *,
    reference: pa.Table | None = None,
    baseline: Mapping[str, float] | None = None,
    activate: bool = False,
    tracking_uri: str | None = None,
    actor: Actor | None = None,
) -> VersionInfo:
    """Create (or find) ``version`` of ``model`` and record the MLflow model ``uri`` names.

    Idempotent for the same MLflow model version (the URI first recorded is kept, even
    when an alias names it the second time); a version already recorded as another
    MLflow model version is a :class:`Conflict` (register a new watchkeeper version).
    """
    resolved = resolve_model_uri(uri, tracking_uri=tracking_uri)
    known = {v.version for v in service.list_versions(model)}
    before = mlflow_of(service, model, version) if version in known else None
    if before is not None:
        same = ("name", "version", "run_id")
        if any(before.get(k) != getattr(resolved, k) for k in same):
            raise Conflict(
                f"version {version!r} of model {model!r} is MLflow model "
                f"{before.get('name')!r} version {before.get('version')!r} (run "
                f"{before.get('run_id')!r}), not what {uri!r} names; create a new version"
            )
    info = service.create_version(
        model, version, reference=reference, baseline=baseline, activate=activate, actor=actor
    )
    if before is None:  # recorded once: the same MLflow version named again changes nothing
        after = resolved.to_dict()
        service._registry.set_metadata(model, version, MLFLOW_KEY, after)
        target = f"version:{model}/{version}"
        service._audit.record(
            actor, "version.mlflow", target, model=model, before=before, after=after
        )
    return info
