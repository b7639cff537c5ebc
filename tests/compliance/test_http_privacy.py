"""Privacy at ingestion through HTTP: a ``pii: hash`` value is never stored in clear (the
SQLite file's bytes; every row of every table on PostgreSQL), masked text keeps no
personal data, a dropped feature leaves nothing; declarations that cannot be kept are
refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, Table, inspect, select

from watchkeeper._exceptions import InputError
from watchkeeper.compliance import hash_value
from watchkeeper.profile import ProfileBuilder
from watchkeeper.server import create_app
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

KEY = b"a 32-byte server secret for PII."
T = datetime(2024, 5, 1, 12, tzinfo=UTC)
SCHEMA = {
    "features": {
        "email": {"kind": "categorical", "pii": "hash"},
        "notes": {"kind": "text", "pii": "mask"},
        "name": {"kind": "categorical", "pii": "drop"},
        "age": "numeric",
    },
    "subject": "email",
}
SECRETS = ("jane.doe@example.org", "john.roe@example.org", "Jane Doe", "+44 20 7946 0958")


def _record(i: int) -> dict[str, Any]:
    who = ("jane.doe", "Jane Doe") if i % 2 else ("john.roe", "John Roe")
    return {
        "id": f"r{i}",
        "timestamp": (T + timedelta(minutes=i)).isoformat(),
        "features": {
            "email": f"{who[0]}@example.org",
            "notes": f"call me on +44 20 7946 0958 or write to {who[0]}@example.org",
            "name": who[1],
            "age": 30.0 + i,
        },
        "prediction": i % 2,
    }


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[MonitoringService, TestClient]]:
    settings = Settings(database_url=database_url, tick_seconds=0, pii_key=KEY)
    service = MonitoringService(Store(database_url), settings)
    _, admin = service.create_api_key(["admin"], name="admin")
    app = create_app(service, settings)
    headers = {"Authorization": f"Bearer {admin}"}
    with TestClient(app, base_url="http://localhost", headers=headers) as client:
        yield service, client
    service.store.close()


def _stored_text(store: Store) -> str:
    """Every value of every watchkeeper table, as text (blobs decoded as Latin-1)."""
    parts = []
    with store.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            if not table.startswith("wk_"):
                continue
            reflected = Table(table, MetaData(), autoload_with=connection)
            for row in connection.execute(select(reflected)):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("latin-1"))
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def test_pii_is_never_stored_in_clear(served, database_url: str) -> None:  # type: ignore[no-untyped-def]
    service, client = served
    model = {"name": "m", "task": "binary_classification", "schema": SCHEMA}
    assert client.post("/v1/models", json=model).status_code == 201
    reference = [_record(i)["features"] for i in range(40)]
    answer = client.post(
        "/v1/models/m/versions", json={"version": "v1", "reference": reference, "activate": True}
    )
    assert answer.status_code == 201, answer.text
    batch = {"version": "v1", "records": [_record(i) for i in range(20)]}
    answer = client.post("/v1/models/m/predictions", json=batch)
    assert answer.status_code == 200 and answer.json()["accepted"] == 20, answer.text
    now = {"now": (T + timedelta(days=1)).isoformat()}
    closed = client.post("/v1/models/m/windows/close", json=now)
    assert closed.status_code == 200, closed.text
    service.store.close()  # everything flushed: the file is what a thief would copy
    store = Store(database_url)
    text = _stored_text(store)
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} is stored in clear"
    # The hash is there (so joins and erasure by subject work), and the mask's placeholders.
    assert hash_value("jane.doe@example.org", KEY) in text
    assert "[REDACTED_PHONE_NUMBER]" in text and "[REDACTED_EMAIL]" in text
    if database_url.startswith("sqlite"):
        folder = Path(database_url.removeprefix("sqlite:///")).parent
        raw = b"".join(p.read_bytes() for p in folder.glob("watchkeeper.db*"))
        for secret in SECRETS:
            assert secret.encode() not in raw, f"{secret!r} is in the SQLite file's bytes"
        assert hash_value("jane.doe@example.org", KEY).encode() in raw
    store.close()


@pytest.mark.parametrize(
    ("schema", "settings", "message"),
    [
        (SCHEMA, {}, "WATCHKEEPER_PII_KEY"),
        ({"features": {"age": {"kind": "numeric", "pii": "mask"}}}, {"pii_key": KEY},
         "applies to text features"),
        ({"features": {"age": {"kind": "numeric", "pii": "hash"}}}, {"pii_key": KEY},
         "declare pii: drop"),
        ({"features": {"e": {"kind": "text", "pii": "drop"}}, "subject": "e"}, {"pii_key": KEY},
         "subject column 'e' is declared pii: drop"),
        ({"features": {"age": "numeric"}, "subject": "customer"}, {},
         "subject column 'customer' is not a feature"),
    ],
)  # fmt: skip
def test_declarations_that_cannot_be_kept_are_refused(
    tmp_path: Path, schema: dict[str, Any], settings: dict[str, Any], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url, **settings))
    _, admin = service.create_api_key(["admin"], name="admin")
    app = create_app(service, Settings(database_url=url, **settings))
    with TestClient(app, base_url="http://localhost",
                    headers={"Authorization": f"Bearer {admin}"}) as client:  # fmt: skip
        model = {"name": "m", "task": "regression", "schema": schema}
        answer = client.post("/v1/models", json=model)
    assert answer.status_code == 422
    assert message in answer.json()["detail"]
    assert service.list_models() == []


def test_the_key_is_read_from_the_environment_and_never_shown() -> None:
    settings = Settings.from_env({"WATCHKEEPER_PII_KEY": KEY.decode()})
    assert settings.pii_key == KEY
    assert KEY.decode() not in repr(settings)


def test_a_model_with_pii_takes_no_posted_profile(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url, pii_key=KEY))
    schema = {"features": {"email": {"kind": "categorical", "pii": "hash"}, "age": "numeric"}}
    service.create_model("m", "regression", schema)
    reference = [{"email": f"u{i}@example.org", "age": float(i)} for i in range(50)]
    service.create_version("m", "v1", reference=pa.Table.from_pylist(reference), activate=True)
    profile = service.reference_profile("m", "v1")
    assert profile is not None
    body = ProfileBuilder(profile.schema, bins_from=profile).build().to_bytes()
    with pytest.raises(InputError, match="declares pii columns"):
        service.ingest_profile("m", "v1", T, body)
    service.store.close()
