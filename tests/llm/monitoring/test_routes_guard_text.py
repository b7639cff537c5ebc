"""What POST /v1/guard stores when it logs to a model (issue 19): descriptors and detector
results by default, raw prompt and response text only when the policy's ``log_text``
asks; read back from the store's feature batches on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests._backends import database_url_fixture

from watchkeeper._exceptions import ConfigError
from watchkeeper.llm.guard import Policy
from watchkeeper.llm.monitoring import GUARD_FEATURES, guard_reference, guard_schema
from watchkeeper.server import create_app
from watchkeeper.server._routes_guard import set_guard_policies
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store
from watchkeeper.store._tables import metadata, window_data

PROMPT = "My card is 4111 1111 1111 1111, call me on zebra-quokka-17"
RESPONSE = "Noted, zebra-quokka-17: I will not repeat the number"
CHAT = [{"role": "user", "content": PROMPT}, {"role": "assistant", "content": RESPONSE}]
database_url = database_url_fixture()


@pytest.fixture
def service(database_url: str) -> Iterator[MonitoringService]:
    real = MonitoringService(Store(database_url), Settings(database_url=database_url))
    yield real
    real.store.close()


@pytest.fixture
def client(service: MonitoringService) -> Iterator[TestClient]:
    key = service.create_api_key(["ingest"], name="app")[1]
    app = create_app(service, Settings(tick_seconds=0))
    set_guard_policies(
        app,
        {
            "keep": Policy.from_dict({"log_text": True}),
            "ask": Policy.from_dict({"log_text": "on_request"}),
        },
    )
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as test_client:
        yield test_client


def _model(service: MonitoringService, schema: dict[str, Any] | None = None) -> None:
    service.create_model("chat", "llm", schema)
    reference = guard_reference(["What is 2 + 2?", "Name a prime"] * 10, ["4", "7"] * 10)
    service.create_version("chat", "v1", reference=reference, activate=True)


def _batches(service: MonitoringService) -> pa.Table:
    """Every feature batch the store holds, decoded from its Arrow IPC blobs."""
    with service.store.engine.connect() as connection:
        blobs = connection.execute(select(window_data.c.data)).scalars().all()
    tables = [pa.ipc.open_stream(pa.py_buffer(bytes(blob))).read_all() for blob in blobs]
    return pa.concat_tables(tables, promote_options="permissive")


def _anywhere(service: MonitoringService, needle: str) -> list[str]:
    """The tables whose rows hold ``needle`` anywhere (text or bytes)."""
    found = []
    with service.store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                for value in row:
                    raw = value if isinstance(value, bytes) else str(value).encode()
                    if needle.encode() in raw:
                        found.append(table.name)
    return found


def _log(client: TestClient, **extra: Any) -> dict[str, Any]:
    answer = client.post("/v1/guard", json={"messages": CHAT, "model": "chat", **extra})
    assert answer.status_code == 200, answer.text
    logged: dict[str, Any] = answer.json()["logged"]
    assert logged["accepted"] is True
    return logged


def test_by_default_no_raw_text_is_stored(service: MonitoringService, client: TestClient) -> None:
    _model(service)
    logged = _log(client)
    assert logged["text"] is False
    batch = _batches(service)
    assert batch.num_rows == 1
    features = set(batch.column_names) - {"id", "window_start", "segment"}
    assert features == set(guard_schema()["features"]) == set(GUARD_FEATURES)
    assert batch.column("prompt_n_chars").to_pylist() == [float(len(PROMPT))]
    assert batch.column("guard_pii_hit").to_pylist() == [True]
    assert _anywhere(service, "zebra-quokka") == []
    assert _anywhere(service, "4111 1111") == []


def test_a_policy_with_log_text_stores_the_prompt_and_the_response(
    service: MonitoringService, client: TestClient
) -> None:
    _model(service)
    assert _log(client, policy="keep")["text"] is True
    batch = _batches(service)
    assert batch.column("prompt_text").to_pylist() == [PROMPT]
    assert batch.column("response_text").to_pylist() == [RESPONSE]
    assert _anywhere(service, "zebra-quokka") == ["wk_window_data"]


def test_on_request_stores_text_only_for_the_requests_that_ask(
    service: MonitoringService, client: TestClient
) -> None:
    _model(service)
    assert _log(client, policy="ask", id="quiet")["text"] is False
    assert _log(client, policy="ask", id="loud", log_text=True)["text"] is True
    batch = _batches(service).sort_by("id")
    assert batch.column("id").to_pylist() == ["loud", "quiet"]
    assert batch.column("prompt_text").to_pylist() == [PROMPT, None]


def test_the_flag_under_a_policy_without_log_text_is_refused(
    service: MonitoringService, client: TestClient
) -> None:
    _model(service)
    answer = client.post("/v1/guard", json={"messages": CHAT, "model": "chat", "log_text": True})
    assert answer.status_code == 422
    assert "log_text" in answer.text and "on_request" in answer.text
    assert _anywhere(service, "zebra-quokka") == []


def test_a_declared_schema_receives_text_only_when_it_declares_it(
    service: MonitoringService, client: TestClient
) -> None:
    schema = guard_schema()
    _model(service, schema)
    assert _log(client, policy="keep", id="a")["text"] is False  # not declared: not sent
    assert _anywhere(service, "zebra-quokka") == []

    service.create_model(
        "chat2", "llm", {"features": {**schema["features"], "prompt_text": "text"}}
    )
    reference = guard_reference(["What is 2 + 2?"] * 10, ["4"] * 10)
    service.create_version("chat2", "v1", reference=reference, activate=True)
    answer = client.post(
        "/v1/guard", json={"messages": CHAT, "model": "chat2", "policy": "keep", "id": "b"}
    )
    assert answer.json()["logged"]["text"] is True
    batch = _batches(service).sort_by("id")
    assert batch.column("id").to_pylist() == ["a", "b"]
    assert batch.column("prompt_text").to_pylist() == [None, PROMPT]
    assert "response_text" not in batch.column_names


def test_the_policy_reads_log_text_and_writes_it_back() -> None:
    for value, kept in ((True, "always"), (False, "never"), ("on_request", "on_request")):
        policy = Policy.from_dict({"log_text": value})
        assert policy.log_text == kept
        assert Policy.from_dict(policy.to_dict()) == policy
    assert Policy().log_text == "never"
    with pytest.raises(ConfigError, match="log_text is 'yes'"):
        Policy.from_dict({"log_text": "yes"})


def test_declared_text_with_pii_mask_is_stored_masked(
    service: MonitoringService, client: TestClient
) -> None:
    features = {**guard_schema()["features"], "prompt_text": {"kind": "text", "pii": "mask"}}
    service.create_model("masked", "llm", {"features": features})
    reference = guard_reference(["What is 2 + 2?"] * 10, ["4"] * 10)
    service.create_version("masked", "v1", reference=reference, activate=True)
    answer = client.post("/v1/guard", json={"messages": CHAT, "model": "masked", "policy": "keep"})
    assert answer.json()["logged"]["text"] is True
    [stored] = _batches(service).column("prompt_text").to_pylist()
    assert "zebra-quokka-17" in stored and "4111" not in stored
    assert _anywhere(service, "4111 1111") == []
