"""The model page's monitor-kinds section: a chart per kind the newest window has."""

from __future__ import annotations

from watchkeeper._catalogue import get_metric_spec
from watchkeeper.dashboard._kinds import KIND_CHARTS, kinds_section


def _url(model: str, metric: str, **params: object) -> str:
    return f"/ui/api/series?model={model}&metric={metric}&top={params.get('top', '')}"


def test_only_the_kinds_the_window_has_are_drawn() -> None:
    html = kinds_section(_url, "loans", {"concept_drift": 0.0, "attribution_share": {}}, {})
    assert "Monitor kinds" in html
    assert "metric=concept_drift,concept_drift_statistic" in html
    assert (
        "metric=attribution_share&amp;top=12" in html or "metric=attribution_share&top=12" in html
    )
    assert "demographic_parity_difference" not in html
    assert kinds_section(_url, "loans", {"row_count": 1.0}, {}) == ""


def test_every_charted_metric_is_catalogued() -> None:
    for _, metrics, per_feature, _ in KIND_CHARTS:
        for name in metrics.split(","):
            assert get_metric_spec(name).service
        assert get_metric_spec(metrics.split(",")[0]).per_feature == per_feature
