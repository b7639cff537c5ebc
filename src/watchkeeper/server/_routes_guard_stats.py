"""``GET /v1/guard/stats`` (scope ``read``): the LLM guard's flag rate and each
detector's hit rate, per closed window and in total, for a model that ``POST /v1/guard``
logs to (:mod:`._routes_guard`).

It reads what closed windows stored: each detector's hit rate is the ``true_share`` of
``guard_<detector>_hit`` (hits among the requests the detector read), the flag rate that
of ``guard_flagged``; larger is worse. Totals over the range weight each window by the
requests the feature had there (``row_count`` x (1 - ``missing_share``)), so they are
the hand counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from watchkeeper.llm.monitoring._guard_names import FLAGGED, detector_of, hit_feature
from watchkeeper.server._auth import ReadKey
from watchkeeper.server._common import ERROR_RESPONSES, StrictJSONRoute, answer, call, service_of
from watchkeeper.server._protocol import ServiceAPI
from watchkeeper.server._routes_guard import declared_features
from watchkeeper.server._schemas import NAME_PATTERN, Timestamp
from watchkeeper.service._types import MetricPoint

__all__ = ["guard_stats", "router"]


router = APIRouter(route_class=StrictJSONRoute, tags=["guard"], responses=ERROR_RESPONSES)


class GuardRatePointOut(BaseModel):
    version: str
    window_start: str
    window_end: str
    value: float
    requests: int


class GuardRateOut(BaseModel):
    feature: str
    requests: int
    hits: int
    rate: float | None
    series: list[GuardRatePointOut]


class GuardDetectorOut(GuardRateOut):
    name: str


class GuardStatsOut(BaseModel):
    model: str
    version: str | None
    start: str | None
    end: str | None
    windows: int
    requests: int
    flagged: GuardRateOut
    detectors: list[GuardDetectorOut]


def _window(point: MetricPoint) -> tuple[str, datetime]:
    return point.version, point.window_start


def _rate(
    feature: str,
    points: Sequence[MetricPoint],
    requests: Mapping[Any, float],
    missing: Mapping[Any, float],
) -> dict[str, Any]:
    series = []
    total = hits = 0
    for point in points:
        key = _window(point)
        # Requests the feature had a value for; the rate is of those (nulls are not misses).
        n = round(requests.get(key, 0.0) * (1.0 - missing.get((*key, feature), 0.0)))
        total += n
        hits += round(point.value * n)
        series.append(
            {
                "version": point.version,
                "window_start": point.window_start.isoformat(),
                "window_end": point.window_end.isoformat(),
                "value": point.value,
                "requests": n,
            }
        )
    return {
        "feature": feature,
        "requests": total,
        "hits": hits,
        "rate": hits / total if total else None,
        "series": series,
    }


def guard_stats(
    true_share: Sequence[MetricPoint],
    row_count: Sequence[MetricPoint],
    missing_share: Sequence[MetricPoint] = (),
    *,
    detectors: Sequence[str] = (),
) -> dict[str, Any]:
    """Flag and detector hit rates, per window and in total, from stored metric points.

    ``detectors`` adds detectors that have no points yet (a declared schema's); the
    others are read from the ``guard_<detector>_hit`` features of ``true_share``.

    >>> from datetime import UTC, datetime, timedelta
    >>> t = datetime(2024, 1, 1, tzinfo=UTC)
    >>> def p(metric, value, hour, feature=None):
    ...     start = t + timedelta(hours=hour)
    ...     return MetricPoint("chat", "v1", metric, value, start, start + timedelta(hours=1),
    ...                        feature=feature)
    >>> stats = guard_stats([p("true_share", 0.5, 0, "guard_pii_hit"),
    ...                      p("true_share", 0.25, 1, "guard_pii_hit")],
    ...                     [p("row_count", 4.0, 0), p("row_count", 8.0, 1)])
    >>> pii = stats["detectors"][0]
    >>> pii["name"], pii["requests"], pii["hits"], round(pii["rate"], 4)
    ('pii', 12, 4, 0.3333)
    >>> stats["requests"], stats["windows"], stats["flagged"]["rate"]
    (12, 2, None)
    """
    requests = {_window(p): p.value for p in row_count if p.segment is None}
    missing = {(*_window(p), p.feature): p.value for p in missing_share if p.segment is None}
    by_feature: dict[str, list[MetricPoint]] = {}
    for point in true_share:
        if point.segment is None and point.feature is not None:
            by_feature.setdefault(point.feature, []).append(point)
    names = set(detectors)
    names.update(d for f in by_feature if (d := detector_of(f, kind="hit")) is not None)
    return {
        "windows": len(requests),
        "requests": round(sum(requests.values())),
        "flagged": _rate(FLAGGED, by_feature.get(FLAGGED, []), requests, missing),
        "detectors": [
            {"name": name}
            | _rate(hit_feature(name), by_feature.get(hit_feature(name), []), requests, missing)
            for name in sorted(names)
        ],
    }


def _declared_detectors(schema: Mapping[str, Any]) -> list[str]:
    declared = declared_features(schema) or set()
    return [d for name in declared if (d := detector_of(name, kind="hit")) is not None]


def _stats(
    service: ServiceAPI,
    model: str,
    version: str | None,
    start: datetime | None,
    end: datetime | None,
) -> dict[str, Any]:
    info = service.get_model(model)

    def read(metric: str) -> list[MetricPoint]:
        return service.metric_series(model, metric, version=version, start=start, end=end)

    stats = guard_stats(
        read("true_share"),
        read("row_count"),
        read("missing_share"),
        detectors=_declared_detectors(info.schema),
    )
    return {
        "model": model,
        "version": version,
        "start": None if start is None else start.isoformat(),
        "end": None if end is None else end.isoformat(),
        **stats,
    }


# One Query object per parameter (FastAPI drops a parameter whose default is shared).
_START = Query(default=None, description="ISO-8601 with a time zone; windows from here on")
_END = Query(default=None, description="ISO-8601 with a time zone; windows up to here")


@router.get(
    "/v1/guard/stats",
    response_model=GuardStatsOut,
    summary="The guard's flag rate and each detector's hit rate, per closed window and in total",
)
async def guard_stats_endpoint(
    request: Request,
    principal: ReadKey,
    model: str = Query(pattern=NAME_PATTERN, max_length=128, description="the guarded model"),
    version: str | None = Query(default=None, pattern=NAME_PATTERN, max_length=128),
    start: Timestamp | None = _START,
    end: Timestamp | None = _END,
) -> Response:
    """Rates are shares of the requests each detector read (larger is worse)."""
    payload = await call(_stats, service_of(request), model, version, start, end)
    return answer(payload)
