"""Versions from MLflow model URIs (scope ``admin`` to register, ``read`` to show).

``PUT /v1/models/{model}/versions/{version}/mlflow`` with ``{"uri": "models:/churn/3"}``
(optionally ``activate`` and ``baseline``) creates the version (or finds it) and records
which MLflow model version the URI names: ``models:/NAME/VERSION``, ``models:/NAME/latest``,
``models:/NAME@ALIAS``, ``models:/NAME/STAGE`` or ``runs:/RUN_ID/PATH``
(:mod:`watchkeeper.service._mlflow`). Repeating it for the same MLflow version is
harmless; the same watchkeeper version for another MLflow version is a 409. A version's
reference data is sent as usual (``POST /v1/models/{model}/versions``), before or after.

The URI is resolved only against the server's own tracking server, ``MLFLOW_TRACKING_URI``
in its environment (``Settings.mlflow_tracking_uri``): the body cannot name another
(an unknown field such as ``tracking_uri`` is a 422), so a caller cannot make the server
connect to an address of its choosing. Without one configured the answer is a 409.

``GET .../versions/{version}/mlflow`` returns what was recorded (404 when nothing);
``GET /v1/models/{model}/versions`` shows it too, as each version's ``mlflow``.

==========================================  ==============================================
request                                     answer
==========================================  ==============================================
a URI that is not an MLflow model URI       422 naming the forms understood
a URI MLflow does not know                  404 with MLflow's message
unknown model                               404
a body with ``tracking_uri`` (or any        422
other unknown field)
no ``MLFLOW_TRACKING_URI`` on the server    409
the version recorded as another MLflow      409
version
==========================================  ==============================================
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from watchkeeper.server._auth import AdminKey, ReadKey
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    ModelName,
    StrictJSONRoute,
    VersionPath,
    answer,
    call,
    service_of,
)
from watchkeeper.server._routes_audit import actor_of
from watchkeeper.server._schemas import MlflowOut, MlflowVersionIn, VersionOut
from watchkeeper.service._errors import NotFound

__all__ = ["router"]

router = APIRouter(route_class=StrictJSONRoute, tags=["models"], responses=ERROR_RESPONSES)
_KEY = "mlflow"


@router.put(
    "/v1/models/{model}/versions/{version}/mlflow",
    response_model=VersionOut,
    summary="Create (or find) a version from an MLflow model URI and record its MLflow version",
)
async def register_from_mlflow(
    request: Request,
    principal: AdminKey,
    body: MlflowVersionIn,
    model: str = ModelName,
    version: str = VersionPath,
) -> Response:
    """Resolved against the server's ``MLFLOW_TRACKING_URI`` only; idempotent per MLflow version."""
    service = service_of(request)
    info = await call(
        service.register_mlflow_version,
        model,
        version,
        body.uri,
        baseline=body.baseline,
        activate=body.activate,
        actor=actor_of(principal),
    )
    recorded = await call(service.version_metadata, model, _KEY)
    return answer({**info.to_dict(), "mlflow": recorded.get(version)})


@router.get(
    "/v1/models/{model}/versions/{version}/mlflow",
    response_model=MlflowOut,
    summary="The MLflow model a version was registered from",
)
async def show_mlflow(
    request: Request,
    principal: ReadKey,
    model: str = ModelName,
    version: str = VersionPath,
) -> Response:
    service = service_of(request)
    known = {v.version for v in await call(service.list_versions, model)}
    if version not in known:
        raise NotFound(f"model {model!r} has no version {version!r}")
    recorded = (await call(service.version_metadata, model, _KEY)).get(version)
    if recorded is None:
        raise NotFound(
            f"version {version!r} of model {model!r} was not registered from MLflow; "
            "PUT its MLflow model URI to .../mlflow"
        )
    return answer(recorded)
