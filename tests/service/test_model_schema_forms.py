"""Creating a model that exists with the same schema, written in another documented
form, answers the model; a different schema is a conflict.

``watchkeeper apply`` stores a model's schema with the ``columns`` it was declared
with beside ``features``; ``POST /v1/models`` takes ``{"features": ...}`` or the short
``{name: kind}`` form (docs/server.md). The same schema in those forms was a 409
"exists with another schema".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from watchkeeper.service import Conflict, MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service.config import parse_config
from watchkeeper.store import Store

APPLIED = """\
models:
  - name: churn
    task: binary_classification
    schema:
      columns:
        age: numeric
        plan: categorical
        email: {kind: categorical, pii: hash}
"""


@pytest.fixture
def service() -> MonitoringService:
    service = MonitoringService(Store("sqlite://"), Settings(pii_key=b"0123456789abcdef0123"))
    service.apply_config(parse_config(APPLIED))
    return service


@pytest.mark.parametrize(
    "schema",
    [
        {"age": "numeric", "plan": "categorical", "email": {"kind": "categorical", "pii": "hash"}},
        {
            "features": {
                "age": "numeric",
                "plan": {"kind": "categorical"},
                "email": {"kind": "categorical", "pii": "hash"},
            }
        },
    ],
)
def test_the_same_schema_in_another_form_is_the_same_model(
    service: MonitoringService, schema: dict[str, Any]
) -> None:
    assert service.create_model("churn", "binary_classification", schema).name == "churn"


@pytest.mark.parametrize(
    "schema",
    [
        {"age": "numeric", "plan": "categorical", "email": "categorical"},  # no pii
        {"age": "numeric", "plan": "categorical"},  # a feature fewer
        {"age": "categorical", "plan": "categorical", "email": "categorical"},
    ],
)
def test_another_schema_is_a_conflict(service: MonitoringService, schema: dict[str, Any]) -> None:
    with pytest.raises(Conflict, match="exists with another schema"):
        service.create_model("churn", "binary_classification", schema)


def test_pii_declared_in_the_short_form_is_applied(tmp_path: Path) -> None:
    # The short form's pii was accepted and then not applied: the value stored in clear.
    path = tmp_path / "watchkeeper.db"
    url = f"sqlite:///{path}"
    settings = Settings(database_url=url, pii_key=b"0123456789abcdef0123")
    service = MonitoringService(Store(url), settings)
    service.create_model(
        "short", "binary_classification", {"email": {"kind": "categorical", "pii": "hash"}}
    )
    service.create_version("short", "v1", activate=True)
    when = pa.array([datetime(2024, 5, 1, 12, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))
    batch = pa.table(
        {"id": ["r1"], "timestamp": when, "feature.email": ["jane@example.org"], "prediction": [1]}
    )
    assert service.ingest_predictions("short", "v1", batch).accepted == 1
    stored = b"".join(part.read_bytes() for part in tmp_path.glob("watchkeeper.db*"))
    assert b"jane@example.org" not in stored
