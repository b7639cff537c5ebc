"""watchkeeper.yaml declares privacy (pii, subject), sensitive columns and the card's
owner and intended use; the service's schema carries them to ingestion."""

from __future__ import annotations

import textwrap

import pytest

from watchkeeper.compliance import PiiAction, PrivacyPlan
from watchkeeper.service.config import parse_config
from watchkeeper.service.config._validate import InvalidConfigError

CONFIG = """\
models:
  - name: churn
    task: binary_classification
    owner: risk-team@example.org
    intended_use: Rank customers for retention offers; not for credit decisions.
    schema:
      columns:
        email: {kind: text, pii: hash}
        notes: {kind: text, pii: mask}
        name: {kind: categorical, pii: drop}
        age: numeric
        gender: categorical
      subject: email
      sensitive: [gender]
      target: churned
"""


def test_privacy_and_card_fields_are_read() -> None:
    model = parse_config(CONFIG).model("churn")
    assert model.owner == "risk-team@example.org"
    assert model.intended_use.startswith("Rank customers")
    plan = PrivacyPlan.from_service_schema(model.schema)
    assert plan.actions == {
        "email": PiiAction.HASH,
        "notes": PiiAction.MASK,
        "name": PiiAction.DROP,
    }
    assert plan.subject == "email"
    assert model.schema["sensitive"] == ["gender"]
    assert model.schema["features"]["email"] == "text"


def test_an_unknown_pii_action_is_reported_with_its_line() -> None:
    text = CONFIG.replace("pii: mask", "pii: blur")
    with pytest.raises(InvalidConfigError) as error:
        parse_config(textwrap.dedent(text))
    assert "watchkeeper.yaml:9" in str(error.value)
    assert "unknown pii 'blur'" in str(error.value)
