"""Exposition of the service's metrics: Prometheus text format, Graphite push, and the
Grafana dashboard and Prometheus rules over the same series.

:func:`render_prometheus` renders metric points and alert states for ``/metrics``
with bounded label cardinality; :class:`GraphitePusher` sends the same series to a
carbon server over its plaintext protocol; :func:`grafana_dashboard` and
:func:`prometheus_rules` read them. Every series name comes from the metric catalogue
(:mod:`watchkeeper._catalogue`), so the four cannot disagree.
"""

from watchkeeper.service.exposition._grafana import grafana_dashboard
from watchkeeper.service.exposition._graphite import GraphitePusher, PushResult, graphite_path
from watchkeeper.service.exposition._prometheus import (
    CONTENT_TYPE,
    MAX_FEATURES,
    MAX_SEGMENTS,
    OTHER,
    metric_name,
    render_prometheus,
)
from watchkeeper.service.exposition._rules import (
    RuleSet,
    prometheus_rules,
    render_rules_yaml,
    rules_from_config,
)

__all__ = [
    "CONTENT_TYPE",
    "MAX_FEATURES",
    "MAX_SEGMENTS",
    "OTHER",
    "GraphitePusher",
    "PushResult",
    "RuleSet",
    "grafana_dashboard",
    "graphite_path",
    "metric_name",
    "prometheus_rules",
    "render_prometheus",
    "render_rules_yaml",
    "rules_from_config",
]
