"""Exposition of the service's metrics: Prometheus text format and Graphite push.

:func:`render_prometheus` renders metric points and alert states for ``/metrics``
with bounded label cardinality; :class:`GraphitePusher` sends the same series to a
carbon server over its plaintext protocol.
"""

from watchkeeper.service.exposition._graphite import GraphitePusher, PushResult, graphite_path
from watchkeeper.service.exposition._prometheus import (
    CONTENT_TYPE,
    MAX_FEATURES,
    MAX_SEGMENTS,
    OTHER,
    metric_name,
    render_prometheus,
)

__all__ = [
    "CONTENT_TYPE",
    "MAX_FEATURES",
    "MAX_SEGMENTS",
    "OTHER",
    "GraphitePusher",
    "PushResult",
    "graphite_path",
    "metric_name",
    "render_prometheus",
]
