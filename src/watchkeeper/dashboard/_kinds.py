"""The model page's section on the service's monitor kinds (score statistics, concept
drift, bias, feature attributions, multivariate drift): one chart per kind the newest
window has, so a model without a sensitive column shows no empty fairness chart.
Estimated performance is drawn in the performance section, beside the realized.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from watchkeeper.dashboard._html import chart

__all__ = ["KIND_CHARTS", "kinds_section"]

# (title, metrics, per-feature, description); which way is worse is the catalogue's.
KIND_CHARTS: tuple[tuple[str, str, bool, str], ...] = (
    ("Score statistics", "score_mean,score_p25,score_p50,score_p75", False,
     "per window; a move in either direction can be news"),
    ("Score drift", "score_drift,score_drift_statistic", False,
     "1 when the streaming detector on the scores fired (no labels needed)"),
    ("Concept drift", "concept_drift,concept_drift_statistic", False,
     "1 when the streaming detector on the label-joined errors fired"),
    ("Demographic parity difference", "demographic_parity_difference", True,
     "per sensitive column; larger is worse"),
    ("Disparate impact", "disparate_impact", True, "per sensitive column; 1 is fair"),
    ("Attribution ranking (NDCG)", "attribution_ndcg", False,
     "against the reference's ranking; below 0.90 is drift"),
    ("Attribution share per feature", "attribution_share", True, "share of mean |attribution|"),
    ("Multivariate drift (domain classifier AUC)",
     "multivariate_drift_auc,multivariate_drift_threshold", False, "larger is worse"),
)  # fmt: skip


def kinds_section(
    series_url: Callable[..., str], name: str, newest: Mapping[str, Any], common: Mapping[str, Any]
) -> str:
    """The section's HTML ('' when the newest window has none of the kinds' metrics).

    >>> kinds_section(lambda m, metric, **p: metric, "m", {"row_count": 3.0}, {})
    ''
    """
    charts = [
        chart(title, series_url(name, metrics, **({"top": 12} if per_feature else {}), **common),
              description=description)
        for title, metrics, per_feature, description in KIND_CHARTS
        if metrics.split(",")[0] in newest
    ]  # fmt: skip
    if not charts:
        return ""
    return "<h2>Monitor kinds</h2><div class='wk-grid'>" + "".join(charts) + "</div>"
