"""A/B comparison of two versions of a model over their closed windows (scope ``read``).

``GET /v1/models/{model}/ab?a=v1&b=v2&metric=accuracy`` answers the difference
``b - a`` with its confidence interval, p-value and verdict, and, for rates whose
windows keep counts (``accuracy``, ``error_rate``), the always-valid sequential test.
See docs/ab-testing.md.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from watchkeeper.server._auth import ReadKey
from watchkeeper.server._common import (
    ERROR_RESPONSES,
    ModelName,
    StrictJSONRoute,
    answer,
    call,
    service_of,
)
from watchkeeper.server._schemas import NAME_PATTERN, Timestamp

__all__ = ["ABComparisonOut", "router"]

router = APIRouter(route_class=StrictJSONRoute, tags=["windows"], responses=ERROR_RESPONSES)


class ABTestOut(BaseModel):
    metric: str
    method: str
    estimate_a: float | None
    estimate_b: float | None
    difference: float | None
    relative_difference: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    p_value: float | None
    statistic: float | None
    n_a: int
    n_b: int
    paired: bool
    higher_is_better: bool | None
    significant: bool
    winner: str | None
    note: str


class SequentialOut(BaseModel):
    method: str
    n_a: int
    n_b: int
    difference: float | None
    p_value: float | None
    ci_low: float | None
    ci_high: float | None
    alpha: float
    tau: float | None
    looks: int
    likelihood_ratio: float | None
    rejected: bool


class ABComparisonOut(BaseModel):
    """``watchkeeper.abtest.VersionComparison.to_dict()``."""

    model: str
    version_a: str
    version_b: str
    metric: str
    n_windows_a: int
    n_windows_b: int
    test: ABTestOut
    sequential: SequentialOut | None


# One Query object per parameter: FastAPI drops a parameter whose FieldInfo is shared.
_START = Query(default=None, description="first window start, ISO-8601 with a time zone")
_END = Query(default=None, description="last window end, ISO-8601 with a time zone")


@router.get(
    "/v1/models/{model}/ab",
    response_model=ABComparisonOut,
    summary="Compare version b with version a on one metric (difference b - a)",
)
async def compare(
    request: Request,
    principal: ReadKey,
    model: str = ModelName,
    a: str = Query(pattern=NAME_PATTERN, max_length=128, description="version A (the champion)"),
    b: str = Query(pattern=NAME_PATTERN, max_length=128, description="version B (the challenger)"),
    metric: str = Query(pattern=r"^[A-Za-z0-9_.:-]{1,128}$", description="a window metric"),
    feature: str | None = Query(default=None, min_length=1, max_length=256),
    start: Timestamp | None = _START,
    end: Timestamp | None = _END,
    confidence: float = Query(default=0.95, gt=0.0, lt=1.0),
    tau: float | None = Query(default=None, gt=0.0, description="mSPRT mixture sd"),
) -> Response:
    from watchkeeper.abtest import compare_versions

    result = await call(
        compare_versions,
        service_of(request),
        model,
        a,
        b,
        metric,
        start=start,
        end=end,
        feature=feature,
        confidence=confidence,
        tau=tau,
    )
    return answer(result.to_dict())
