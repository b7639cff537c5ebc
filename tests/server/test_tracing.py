"""Request tracing over OTLP/HTTP, received and decoded by an in-test OTLP receiver."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status
from tests._otlp import attributes, otlp_receiver

from watchkeeper._exceptions import InputError
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

SCHEMA = {"features": {"age": "numeric"}}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


def _app(settings: Settings) -> TestClient:
    service = MonitoringService(Store("sqlite://"), settings)
    return TestClient(create_app(service, settings), base_url="http://localhost")


def test_tracing_is_off_without_otel_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    with _app(Settings(dev=True)) as http:
        assert http.app.state.tracer_provider is None  # type: ignore[attr-defined]
        names = [m.cls.__name__ for m in http.app.user_middleware]  # type: ignore[attr-defined]
        assert "TracingMiddleware" not in names
        assert http.get("/healthz").status_code == 200


def test_each_request_is_a_server_span_with_route_method_status_and_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
        monkeypatch.setenv("OTEL_SERVICE_NAME", "wk-under-test")
        with _app(Settings(dev=True)) as http:
            created = http.post("/v1/models", json={"name": "churn", "task": "regression",
                                                    "schema": SCHEMA})  # fmt: skip
            assert created.status_code in (200, 201), created.text
            parent = f"00-{TRACE_ID}-{PARENT_ID}-01"
            assert http.get("/v1/models/churn", headers={"traceparent": parent}).is_success
            assert http.get("/v1/models/nope").status_code == 404
            provider = http.app.state.tracer_provider  # type: ignore[attr-defined]
            assert provider.force_flush()
        spans = receiver.spans()
        assert receiver.content_types == {"application/x-protobuf"}
        resources = [r.resource for request in receiver.traces for r in request.resource_spans]
        assert attributes(resources[0])["service.name"] == "wk-under-test"

    [post] = [span for span in spans if span.name == "POST /v1/models"]
    assert post.kind == Span.SPAN_KIND_SERVER
    assert attributes(post) == {
        "http.request.method": "POST",
        "url.path": "/v1/models",
        "http.route": "/v1/models",
        "http.response.status_code": created.status_code,
    }
    [get_churn, get_nope] = sorted(
        (span for span in spans if span.name == "GET /v1/models/{model}"),
        key=lambda s: s.start_time_unix_nano,
    )
    assert attributes(get_churn) == {
        "http.request.method": "GET",
        "url.path": "/v1/models/churn",
        "http.route": "/v1/models/{model}",
        "http.response.status_code": 200,
        "watchkeeper.model": "churn",
    }
    # The caller's traceparent makes the request's span its child.
    assert get_churn.trace_id.hex() == TRACE_ID
    assert get_churn.parent_span_id.hex() == PARENT_ID
    assert attributes(get_nope)["http.response.status_code"] == 404
    assert attributes(get_nope)["watchkeeper.model"] == "nope"
    assert get_nope.status.code == Status.STATUS_CODE_UNSET  # a 4xx is the caller's error


def test_a_request_the_key_gate_refuses_is_traced_too(monkeypatch: pytest.MonkeyPatch) -> None:
    with otlp_receiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{receiver.url}/v1/traces")
        with _app(Settings()) as http:
            assert http.get("/v1/models/churn").status_code == 401
            assert http.app.state.tracer_provider.force_flush()  # type: ignore[attr-defined]
    # Refused before routing: no route, so the span is named by the method alone.
    [span] = receiver.spans()
    assert span.name == "GET"
    assert attributes(span) == {
        "http.request.method": "GET",
        "url.path": "/v1/models/churn",
        "http.response.status_code": 401,
    }


def test_an_otlp_protocol_other_than_http_protobuf_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    with pytest.raises(InputError, match="OTLP protocol 'grpc' is not supported"):
        _app(Settings(dev=True))
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")  # the SDK's own switch turns it all off
    assert _app(Settings(dev=True)).app.state.tracer_provider is None  # type: ignore[attr-defined]
