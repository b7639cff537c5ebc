"""Bias series of windows fed by group counters (issue 16): half the rows posted as
counters and half as labelled records give exactly the series of all rows as records;
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from tests.service.kinds._loans import SCHEMA, T0, labels, loans, records, reference_table

from watchkeeper import InputError
from watchkeeper.fairness import count_groups
from watchkeeper.service._service import MonitoringService

SERIES = ("demographic_parity_difference", "equalized_odds_difference", "disparate_impact",
          "clarify_dppl", "bias_drift_detected")  # fmt: skip


def _setup(service: MonitoringService, name: str) -> None:
    service.create_model(name, "binary_classification", SCHEMA)
    reference = reference_table(loans(np.random.default_rng(0), 3000))
    service.create_version(name, "v1", reference=reference, activate=True)


def _post(service: MonitoringService, model: str, rows: dict[str, np.ndarray], **kw: Any) -> Any:
    counters = count_groups(rows["y"], rows["pred"], sensitive_features={"gender": rows["gender"]})
    body = {"kind": "bias", "version": 1, "columns": {"gender": counters.to_dict()}}
    return service.ingest_bias_profile(model, "v1", T0, body, **kw)


def test_counters_and_records_give_the_series_of_all_rows(service: MonitoringService) -> None:
    for name in ("all", "half"):
        _setup(service, name)
    rows = loans(np.random.default_rng(1), 2000, unfair=0.8)
    first = {k: v[:800] for k, v in rows.items()}
    rest = {k: v[800:] for k, v in rows.items()}
    service.ingest_predictions("all", "v1", records(rows, 0))
    service.ingest_labels("all", labels(rows, 0))
    service.ingest_predictions("half", "v1", records(first, 0))
    service.ingest_labels("half", labels(first, 0))
    answer = _post(service, "half", rest, part_key="k1")
    assert answer.accepted == 1200
    assert _post(service, "half", rest, part_key="k1").duplicate
    later = T0 + timedelta(days=1)
    whole = {w.segment: w for w in service.close_windows("all", now=later)}[None]
    mine = {w.segment: w for w in service.close_windows("half", now=later)}[None]
    assert mine.n_records == 800  # counters count no rows
    for metric in SERIES:
        assert mine.metrics[metric]["gender"] == whole.metrics[metric]["gender"], metric
    assert whole.metrics["demographic_parity_difference"]["gender"] > 0.1  # unfair traffic


def test_counters_that_do_not_fit_are_refused(service: MonitoringService) -> None:
    _setup(service, "m")
    rows = loans(np.random.default_rng(2), 50)
    wrong = count_groups(rows["y"], rows["pred"], sensitive_features={"income": rows["gender"]})
    with pytest.raises(InputError, match="not a sensitive column"):
        service.ingest_bias_profile(
            "m", "v1", T0,
            {"kind": "bias", "version": 1, "columns": {"income": wrong.to_dict()}},
        )  # fmt: skip
    other = count_groups(rows["y"], rows["pred"], sensitive_features={"gender": rows["gender"]},
                         positive_label=0)  # fmt: skip
    with pytest.raises(InputError, match="positive_label=1"):
        service.ingest_bias_profile(
            "m", "v1", T0,
            {"kind": "bias", "version": 1, "columns": {"gender": other.to_dict()}},
        )  # fmt: skip
