"""The Grafana rows of the service's monitor kinds (:mod:`watchkeeper.service.kinds`):
estimated performance with its band, score statistics, concept drift, bias and
feature attribution drift, multivariate drift. Which way is worse is the catalogue's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from watchkeeper._catalogue import prometheus_series, service_metrics

__all__ = ["kind_panels"]

Panel = Callable[..., dict[str, Any]]


def _alternation(prefix: str) -> str:
    names = (m.name for m in service_metrics() if m.name.startswith(prefix))
    return "|".join(sorted(names))


def kind_panels(panel: Panel, row: Callable[[str], dict[str, Any]], sel: str, seg: str) -> list[
    dict[str, Any]
]:  # fmt: skip
    """The panels, built with the dashboard's own ``panel`` and ``row`` helpers."""
    s = prometheus_series
    feature = f'{sel}, feature=~"$feature", {seg}'
    whole = f'{sel}, segment=""'
    scores = [(f"{s(n)}{{{sel}, {seg}}}", f"{n[6:]} {{{{model}}}} {{{{feature}}}}")
              for n in ("score_mean", "score_std", "score_min", "score_max", "score_p25",
                        "score_p50", "score_p75")]  # fmt: skip
    return [
        row("Estimated performance, scores and concept drift"),
        panel(
            "Estimated performance (CBPE / DLE) with its band",
            [
                (
                    f'{{__name__=~"watchkeeper_({_alternation("estimated_")})", {sel}, {seg}}}',
                    "{{__name__}} {{model}} {{version}}",
                )
            ],
            description="without labels; scores: smaller is worse, errors: larger is worse",
        ),
        panel("Score statistics", scores, description="per window (and class)"),
        panel(
            "Score drift (1 = the detector on the score stream fired)",
            [
                (f"{s('score_drift')}{{{whole}}}", "{{model}} {{version}}"),
                (f"{s('score_drift_statistic')}{{{whole}}}", "mean score {{model}}"),
            ],
            kind="state-timeline",
        ),
        panel(
            "Concept drift (1 = the streaming detector fired)",
            [
                (f"{s('concept_drift')}{{{whole}}}", "{{model}} {{version}}"),
                (f"{s('concept_drift_statistic')}{{{whole}}}", "statistic {{model}} {{version}}"),
            ],
            kind="state-timeline",
        ),
        panel(
            "Multivariate drift (domain classifier AUC)",
            [
                (f"{s('multivariate_drift_auc')}{{{whole}}}", "{{model}} {{version}}"),
                (f"{s('multivariate_drift_threshold')}{{{whole}}}", "threshold {{model}}"),
            ],
            description="0.5: indistinguishable from the reference; larger is worse",
        ),
        row("Bias and feature attribution"),
        panel(
            "Fairness per sensitive column",
            [
                (f"{s('demographic_parity_difference')}{{{feature}}}", "DPD {{feature}}"),
                (f"{s('equalized_odds_difference')}{{{feature}}}", "EOD {{feature}}"),
                (f"{s('disparate_impact')}{{{feature}}}", "DI {{feature}}"),
            ],
            description="differences: larger is worse; disparate impact: 1 is fair",
        ),
        panel(
            "Clarify post-training metrics",
            [
                (
                    f'{{__name__=~"watchkeeper_({_alternation("clarify_")})", {feature}}}',
                    "{{__name__}} {{feature}}",
                )
            ],
            description="0 is fair; the sign says which facet is favoured",
        ),
        panel(
            "Bias drift against the reference",
            [
                (f"{s('bias_drift_detected')}{{{feature}}}", "drifted {{feature}}"),
                (f"{s('bias_drift_p_value')}{{{feature}}}", "p-value {{feature}}"),
            ],
        ),
        panel(
            "Feature attribution drift (NDCG) and shares",
            [
                (f"{s('attribution_ndcg')}{{{sel}, {seg}}}", "NDCG {{model}} {{version}}"),
                (f"{s('attribution_share')}{{{feature}}}", "share {{feature}}"),
            ],
            thresholds=[0.9],
            description="NDCG below 0.90 (SageMaker's default) is attribution drift",
        ),
    ]
