"""OpenTelemetry set-up shared by the server's tracing and the SDK's metrics.

Off by default. A signal (``traces`` or ``metrics``) is on when the standard variables
ask for it: ``OTEL_EXPORTER_OTLP_ENDPOINT`` or the signal's own
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`` is set,
or ``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER`` is ``otlp``; and
``OTEL_SDK_DISABLED=true`` or an exporter of ``none`` turns it off. Export is OTLP over
HTTP with protobuf bodies (``opentelemetry-exporter-otlp-proto-http``), which reads the
other standard variables itself (headers, timeout, compression, certificates);
``OTEL_SERVICE_NAME`` and ``OTEL_RESOURCE_ATTRIBUTES`` name the resource.

The environment is read when a function is called, never at import; opentelemetry is
imported inside the functions (``pip install 'watchkeeper[otel]'``).

>>> signal_enabled("traces", {})
False
>>> signal_enabled("traces", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
True
>>> signal_enabled("metrics", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
...                            "OTEL_SDK_DISABLED": "true"})
False
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from watchkeeper._exceptions import InputError, MissingDependency

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

__all__ = [
    "meter_provider_from_env",
    "resource_from_env",
    "signal_enabled",
    "tracer_provider_from_env",
]

_SIGNALS = ("traces", "metrics")


def _checked_signal(signal: str) -> str:
    if signal not in _SIGNALS:
        raise InputError(f"signal {signal!r} is not known; use 'traces' or 'metrics'")
    return signal.upper()


def signal_enabled(signal: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the standard ``OTEL_*`` variables turn OTLP export of ``signal`` on."""
    upper = _checked_signal(signal)
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get(f"OTEL_{upper}_EXPORTER", "").strip().lower()
    if exporter == "none":
        return False
    if exporter and exporter != "otlp":
        raise InputError(
            f"OTEL_{upper}_EXPORTER={exporter!r} is not supported; watchkeeper exports "
            "with 'otlp' (over HTTP) or 'none'"
        )
    endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get(
        f"OTEL_EXPORTER_OTLP_{upper}_ENDPOINT"
    )
    return exporter == "otlp" or bool(endpoint)


def _checked_protocol(signal: str) -> None:
    upper = _checked_signal(signal)
    protocol = os.environ.get(f"OTEL_EXPORTER_OTLP_{upper}_PROTOCOL") or os.environ.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
    )
    if protocol.strip() != "http/protobuf":
        raise InputError(
            f"OTLP protocol {protocol!r} is not supported; set OTEL_EXPORTER_OTLP_PROTOCOL="
            "http/protobuf (a collector's port 4318)"
        )


def resource_from_env(default_service_name: str) -> Resource:
    """The SDK's resource from the environment, named ``default_service_name`` unless
    ``OTEL_SERVICE_NAME`` or ``OTEL_RESOURCE_ATTRIBUTES`` names the service."""
    try:
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    except ImportError:
        raise MissingDependency("opentelemetry-sdk", "otel") from None
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: default_service_name}))
    return resource


def tracer_provider_from_env(default_service_name: str) -> TracerProvider:
    """A tracer provider exporting spans in batches over OTLP/HTTP, as the environment says."""
    _checked_protocol("traces")
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise MissingDependency("opentelemetry-exporter-otlp-proto-http", "otel") from None
    provider = TracerProvider(resource=resource_from_env(default_service_name))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def meter_provider_from_env(default_service_name: str) -> MeterProvider:
    """A meter provider exporting every ``OTEL_METRIC_EXPORT_INTERVAL`` over OTLP/HTTP."""
    _checked_protocol("metrics")
    try:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    except ImportError:
        raise MissingDependency("opentelemetry-exporter-otlp-proto-http", "otel") from None
    reader = PeriodicExportingMetricReader(OTLPMetricExporter())
    return MeterProvider(metric_readers=[reader], resource=resource_from_env(default_service_name))
