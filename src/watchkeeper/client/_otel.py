"""Export a :class:`~watchkeeper.client.Client`'s own operational metrics over OTLP.

:func:`export_client_metrics` registers, on an OpenTelemetry meter provider (one built
from the standard ``OTEL_*`` variables unless one is passed in, see
:mod:`watchkeeper._otel`):

- ``watchkeeper.client.records.sent`` / ``.rejected`` / ``.failed`` / ``.dropped``:
  cumulative counts of records (observable counters read from :attr:`Client.stats`);
- ``watchkeeper.client.requests.retried``: cumulative count of retried requests;
- ``watchkeeper.client.records.queued``: records waiting now (an up-down counter);
- ``watchkeeper.client.batch.duration`` (seconds): a histogram of each POST the
  background thread makes (a batch of records, a profile, host metrics), with
  ``url.path`` and ``http.response.status_code``.

Counts carry ``watchkeeper.model`` and ``watchkeeper.version`` when the client has
defaults. Nothing is added to the caller's hot path: counts are read when the reader
collects, durations are measured on the background thread by httpx event hooks.
Importing this module imports no opentelemetry; calling the function does
(``pip install 'watchkeeper[otel]'``). A forked child's client starts a new
connection without the hooks: call the function again in the child.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from watchkeeper._exceptions import MissingDependency
from watchkeeper._otel import meter_provider_from_env
from watchkeeper._version import __version__

if TYPE_CHECKING:
    import httpx
    from opentelemetry.metrics import CallbackOptions, MeterProvider, Observation

    from watchkeeper.client._client import Client

__all__ = ["ClientMetrics", "export_client_metrics"]

_STARTED = "watchkeeper.started"
_COUNTS = (
    ("records.sent", "sent", "Records the server stored (or had already stored)."),
    ("records.rejected", "rejected", "Records the server refused one by one."),
    ("records.failed", "failed", "Records given up after an answer that is not retried."),
    ("records.dropped", "dropped", "Records evicted from a full queue or left at close."),
    ("requests.retried", "retried", "Requests sent again after a retryable failure."),
)


class ClientMetrics:
    """What :func:`export_client_metrics` set up; ``force_flush()`` exports now."""

    def __init__(self, meter_provider: MeterProvider, *, owned: bool) -> None:
        self.meter_provider = meter_provider
        self._owned = owned

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        """Collect and export now (when the provider is the SDK's); True on success."""
        flush = getattr(self.meter_provider, "force_flush", None)
        return bool(flush(timeout_millis)) if flush is not None else True

    def shutdown(self) -> None:
        """Export a last time and stop the provider, if this module built it."""
        if self._owned:
            self.meter_provider.shutdown()  # type: ignore[attr-defined]  # the SDK's provider


def export_client_metrics(
    client: Client, *, meter_provider: MeterProvider | None = None
) -> ClientMetrics:
    """Export ``client``'s counts and request durations through ``meter_provider``.

    Without a provider one is built from the ``OTEL_*`` variables (exporting every
    ``OTEL_METRIC_EXPORT_INTERVAL`` milliseconds to ``OTEL_EXPORTER_OTLP_ENDPOINT``),
    whatever they say: calling this function is the opt-in.

    >>> import httpx
    >>> from opentelemetry.sdk.metrics import MeterProvider
    >>> from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    >>> from watchkeeper.client import Client
    >>> def server(request):
    ...     return httpx.Response(200, json={"accepted": 2, "duplicates": 0, "rejected": []})
    >>> client = Client("http://wk.test", model="churn", version="v1",
    ...                 host_metrics_interval=None, transport=httpx.MockTransport(server))
    >>> reader = InMemoryMetricReader()
    >>> metrics = export_client_metrics(client, meter_provider=MeterProvider([reader]))
    >>> ids = [client.log_prediction({"age": age}, prediction=1) for age in (31, 42)]
    >>> client.close()
    True
    >>> [(m.name, m.data.data_points[0].value)
    ...  for r in reader.get_metrics_data().resource_metrics for s in r.scope_metrics
    ...  for m in s.metrics if m.name.endswith(("sent", "dropped"))]
    [('watchkeeper.client.records.sent', 2), ('watchkeeper.client.records.dropped', 0)]
    """
    try:
        from opentelemetry.metrics import Observation
    except ImportError:
        raise MissingDependency("opentelemetry-sdk", "otel") from None
    owned = meter_provider is None
    if meter_provider is None:
        meter_provider = meter_provider_from_env("watchkeeper-client")
    meter = meter_provider.get_meter("watchkeeper.client", __version__)
    labels: dict[str, str] = {}
    if client.model is not None:
        labels["watchkeeper.model"] = client.model
    if client.version is not None:
        labels["watchkeeper.version"] = client.version

    def reader(field: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
        def observe(_options: CallbackOptions) -> Iterable[Observation]:
            return [Observation(getattr(client.stats, field), labels)]

        return observe

    for name, field, description in _COUNTS:
        unit = "{request}" if name.startswith("requests") else "{record}"
        meter.create_observable_counter(
            f"watchkeeper.client.{name}", [reader(field)], unit=unit, description=description
        )
    meter.create_observable_up_down_counter(
        "watchkeeper.client.records.queued",
        [reader("queued")],
        unit="{record}",
        description="Records waiting to be sent.",
    )
    duration = meter.create_histogram(
        "watchkeeper.client.batch.duration",
        unit="s",
        description="Time of each POST the background thread makes, answer included.",
    )

    def on_request(request: httpx.Request) -> None:
        request.extensions[_STARTED] = time.perf_counter()

    def on_response(response: httpx.Response) -> None:
        started = response.request.extensions.get(_STARTED)
        if started is None:
            return
        attributes: dict[str, Any] = {
            "url.path": response.request.url.path,
            "http.response.status_code": response.status_code,
        }
        duration.record(time.perf_counter() - started, {**labels, **attributes})

    http = client._worker._http
    http.event_hooks["request"].append(on_request)
    http.event_hooks["response"].append(on_response)
    return ClientMetrics(meter_provider, owned=owned)
