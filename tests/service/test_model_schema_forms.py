"""Creating a model that exists with the same schema, written in another documented
form, answers the model; a different schema is a conflict.

``watchkeeper apply`` stores a model's schema with the ``columns`` it was declared
with beside ``features``; ``POST /v1/models`` takes ``{"features": ...}`` or the short
``{name: kind}`` form (docs/server.md). The same schema in those forms was a 409
"exists with another schema".
"""

from __future__ import annotations

from typing import Any

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
