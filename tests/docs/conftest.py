"""Fixtures of the docs tests: the real service with the pages' model ``churn``
version ``v3``, served on a uvicorn thread; and the shared Spark session."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest
from tests._serving import serving
from tests.integrations.conftest import spark  # noqa: F401 (the shared local[2] session)

from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

REFERENCE = [{"age": 20.0 + i % 50, "plan": ["gold", "silver", "basic"][i % 3]} for i in range(300)]


@pytest.fixture
def served() -> Iterator[tuple[MonitoringService, str, str]]:
    """The real service with ``churn`` v3, served; yields it, its URL and an ingest key."""
    service = MonitoringService(Store("sqlite://"), Settings(database_url="sqlite://"))
    service.create_model(
        "churn", "binary_classification", {"age": "numeric", "plan": "categorical"}
    )
    service.create_version("churn", "v3", reference=pa.Table.from_pylist(REFERENCE), activate=True)
    key = service.create_api_key(["ingest"], name="sdk")[1]
    with serving(service, Settings(database_url="sqlite://")) as url:
        yield service, url, key
    service.store.close()
