"""Erasure after compaction, through HTTP on SQLite and PostgreSQL: a window whose raw
records were compacted cannot be recomputed without the erased records, so it is marked
approximate (in GET .../windows) and the erasure's answer says so; a window still
holding its raw records is recomputed and stays exact."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from watchkeeper.server import create_app
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

KEY = b"a 32-byte server secret for PII."
T = datetime(2024, 5, 1, 12, tzinfo=UTC)
LATER = T + timedelta(days=3)
JANE = "jane.doe@example.org"
SCHEMA = {
    "features": {"email": {"kind": "categorical", "pii": "hash"}, "age": "numeric"},
    "subject": "email",
}


def _batch(prefix: str, at: datetime, n: int) -> pa.Table:
    return pa.table(
        {
            "id": [f"{prefix}{i}" for i in range(n)],
            "timestamp": pa.array([at + timedelta(minutes=i) for i in range(n)],
                                  pa.timestamp("us", "UTC")),
            "feature.email": [JANE if i % 3 == 0 else f"u{i}@example.org" for i in range(n)],
            "feature.age": [float(20 + i) for i in range(n)],
            "prediction": [i % 2 for i in range(n)],
        }
    )  # fmt: skip


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[MonitoringService, TestClient]]:
    clock = {"now": T + timedelta(days=1)}
    settings = Settings(
        database_url=database_url, tick_seconds=0, pii_key=KEY, raw_retention=timedelta(days=2)
    )
    service = MonitoringService(Store(database_url), settings, clock=lambda: clock["now"])
    _, admin = service.create_api_key(["admin"], name="dpo")
    service.create_model("m", "binary_classification", SCHEMA)
    rng = np.random.default_rng(0)
    reference = pa.table({"email": [f"u{i}@example.org" for i in range(50)],
                          "age": rng.normal(40, 10, 50)})  # fmt: skip
    service.create_version("m", "v1", reference=reference, activate=True)
    service.ingest_predictions("m", "v1", _batch("old", T, 12))
    service.close_windows("m")  # the 12:00 window closes a day after T
    clock["now"] = LATER + timedelta(days=1)
    service.ingest_predictions("m", "v1", _batch("new", LATER, 12))
    # Closes the later window and compacts the first (closed 3 days ago, past 2 days).
    service.close_windows("m")
    app = create_app(service, settings)
    headers = {"Authorization": f"Bearer {admin}"}
    with TestClient(app, base_url="http://localhost", headers=headers) as client:
        yield service, client
    service.store.close()


def _whole(client: TestClient) -> dict[str, dict[str, Any]]:
    windows = client.get("/v1/models/m/windows").json()["windows"]
    return {w["start"]: w for w in windows if not w["segment"]}


def test_an_erasure_that_cannot_reach_compacted_records_marks_the_window(
    served: tuple[MonitoringService, TestClient],
) -> None:
    service, client = served
    model = service.store.get_model("m")
    assert model is not None
    assert service.store.records_by_id(model.id, ["old0"])["record_id"] == []  # compacted
    before = _whole(client)
    old, new = T.isoformat(), LATER.isoformat()
    assert not before[old]["approximate"] and not before[new]["approximate"]

    answer = client.delete("/v1/models/m/records", params={"subject": JANE})
    assert answer.status_code == 200, answer.text
    erased = answer.json()
    # Jane's 4 records of the later window are gone and it is recomputed exactly; those
    # of the compacted window are beyond reach: it is marked, and the answer says so.
    assert erased["records"] == 4 and erased["recomputed"] >= 1
    assert [w["start"] for w in erased["approximate"]] == [old]
    assert "approximate" in erased["note"]
    after = _whole(client)
    assert after[old]["approximate"] and not after[new]["approximate"]
    assert after[new]["n_records"] == 8 and after[old]["n_records"] == 12
    (entry,) = service.list_audit(action="records.erase")
    assert entry.after["approximate"] == 1


def test_an_erasure_of_stored_ids_only_keeps_windows_exact(
    served: tuple[MonitoringService, TestClient],
) -> None:
    _, client = served
    erased = client.delete("/v1/models/m/records", params={"ids": "new1,new2"}).json()
    assert erased["records"] == 2 and erased["approximate"] == [] and erased["note"] is None
    assert not any(w["approximate"] for w in _whole(client).values())
    # An id that is not stored may have been compacted: the compacted window is marked.
    erased = client.delete("/v1/models/m/records", params={"ids": "old3"}).json()
    assert erased["records"] == 0 and [w["start"] for w in erased["approximate"]] == [T.isoformat()]


def test_the_dashboard_says_how_many_windows_are_approximate(
    served: tuple[MonitoringService, TestClient],
) -> None:
    service, client = served
    _, reader = service.create_api_key(["read"], name="viewer")
    browser = TestClient(client.app, base_url="http://localhost")
    token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/ui/login").text)
    assert token is not None
    signed = browser.post("/ui/login", data={"csrf": token.group(1), "key": reader,
                                             "next": "/ui/"}, follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303
    before = browser.get("/ui/models/m")
    assert before.status_code == 200 and "newest window" in before.text
    assert "approximate window" not in before.text
    client.delete("/v1/models/m/records", params={"subject": JANE})
    assert "1 approximate window<" in browser.get("/ui/models/m").text
