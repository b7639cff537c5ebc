"""The watchkeeper SDK: log predictions, labels and host metrics to a watchkeeper server.

>>> from watchkeeper.client import Client, monitor
>>> Client.__name__, monitor.__name__
('Client', 'monitor')

The caller's thread only queues; a background thread batches, posts, retries with
backoff and counts what it has to drop (see ``docs/sdk.md``);
:func:`export_client_metrics` sends those counts and the batch durations over OTLP
(``watchkeeper[otel]``). Needs ``httpx`` (``pip install 'watchkeeper[client]'``).
"""

from watchkeeper.client._client import Client
from watchkeeper.client._decorator import MonitoredFunction, monitor
from watchkeeper.client._host import HostSample, HostSampler, resident_memory_bytes
from watchkeeper.client._otel import ClientMetrics, export_client_metrics
from watchkeeper.client._worker import ClientStats

__all__ = [
    "Client",
    "ClientMetrics",
    "ClientStats",
    "HostSample",
    "HostSampler",
    "MonitoredFunction",
    "export_client_metrics",
    "monitor",
    "resident_memory_bytes",
]
