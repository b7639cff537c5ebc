"""POST /v1/models/{m}/profiles and GET .../reference-profile over HTTP (issue 16)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa
from tests.server.conftest import make_client

from watchkeeper._operations import HEADER, Operations
from watchkeeper.profile import Profile, ProfileBuilder
from watchkeeper.service import MonitoringService

MEDIA = "application/vnd.watchkeeper.profile"
WINDOW = "2024-05-01T12:00:00Z"


def _model(service: MonitoringService) -> Profile:
    rng = np.random.default_rng(0)
    service.create_model("m", "regression", {"features": {"age": "numeric"}})
    service.create_version("m", "v1", reference=pa.table({"age": rng.normal(40, 9, 1000)}))
    reference = service.reference_profile("m", "v1")
    assert reference is not None
    return reference


def _profile(reference: Profile, values: list[float]) -> bytes:
    builder = ProfileBuilder(reference.schema, bins_from=reference)
    builder.update(pa.table({"age": values}))
    return builder.build().to_bytes()


def test_a_posted_profile_counts_in_its_windows(memory: MonitoringService) -> None:
    reference = _model(memory)
    ingest = memory.create_api_key(["ingest"], name="sdk")[1]
    ops = Operations()
    for latency in (5.0, 7.0, 9.0):
        ops.add(latency, error=latency > 8)
    with make_client(memory, ingest) as client:
        got = client.get("/v1/models/m/versions/v1/reference-profile")
        assert got.status_code == 200
        assert got.headers["content-type"] == MEDIA
        assert got.headers["watchkeeper-window-seconds"] == "3600"
        assert Profile.from_bytes(got.content).bins == reference.bins
        body = _profile(reference, [30.0, 40.0, 50.0])
        headers = {"Content-Type": MEDIA, HEADER: ops.to_json(), "Idempotency-Key": "k1"}
        params = {"version": "v1", "window_start": WINDOW, "segment": "region=eu"}
        answer = client.post("/v1/models/m/profiles", params=params, content=body, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "accepted": 3,
            "duplicate": False,
            "window_start": "2024-05-01T12:00:00+00:00",
            "segment": "region=eu",
        }
        again = client.post("/v1/models/m/profiles", params=params, content=body, headers=headers)
        assert again.json()["duplicate"] is True
    start = memory.list_windows("m")[0].start
    closed = {w.segment: w for w in memory.close_windows("m", now=start + timedelta(hours=2))}
    assert closed[None].n_records == closed["region=eu"].n_records == 3
    assert closed[None].metrics["error_rate"] == 1 / 3
    assert closed[None].metrics["latency_p50_ms"] == ops.percentile(50)


def test_refusals_name_the_problem(memory: MonitoringService) -> None:
    reference = _model(memory)
    read = memory.create_api_key(["read"], name="reader")[1]
    ingest = memory.create_api_key(["ingest"], name="sdk")[1]
    body = _profile(reference, [30.0])
    params = {"version": "v1", "window_start": WINDOW}
    with make_client(memory, read) as client:
        assert client.get("/v1/models/m/versions/v1/reference-profile").status_code == 200
        denied = client.post(
            "/v1/models/m/profiles", params=params, content=body, headers={"Content-Type": MEDIA}
        )
        assert denied.status_code == 403
    with make_client(memory, ingest) as client:
        wrong_type = client.post(
            "/v1/models/m/profiles",
            params=params,
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert wrong_type.status_code == 415
        naive = client.post(
            "/v1/models/m/profiles",
            content=body,
            headers={"Content-Type": MEDIA},
            params={"version": "v1", "window_start": "2024-05-01T12:00:00"},
        )
        assert naive.status_code == 422 and "time zone" in naive.text
        own_bins = ProfileBuilder()
        own_bins.update(pa.table({"age": [1.0, 2.0]}))
        bins = client.post(
            "/v1/models/m/profiles",
            params=params,
            content=own_bins.build().to_bytes(),
            headers={"Content-Type": MEDIA},
        )
        assert bins.status_code == 422 and "reference-profile" in bins.text
        bad_ops = client.post(
            "/v1/models/m/profiles",
            params=params,
            content=body,
            headers={"Content-Type": MEDIA, HEADER: '{"n_records": -1}'},
        )
        assert bad_ops.status_code == 422 and HEADER in bad_ops.text
        garbage = client.post(
            "/v1/models/m/profiles",
            params=params,
            content=b"WKP-not",
            headers={"Content-Type": MEDIA},
        )
        assert garbage.status_code == 422
    memory.create_version("m", "bare")
    with make_client(memory, ingest) as client:
        missing = client.get("/v1/models/m/versions/bare/reference-profile")
        assert missing.status_code == 404 and "has no reference" in missing.text
