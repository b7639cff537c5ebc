"""The MonitoringService facade end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import accuracy_score
from sqlalchemy import text
from tests.service.conftest import NOW, Outbox

from watchkeeper._exceptions import InputError
from watchkeeper.service._errors import Conflict, NotFound
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service._types import ChannelSpec, Condition, MonitorSpec, Severity
from watchkeeper.store import Store

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SCHEMA = {"features": {"age": "numeric", "plan": "categorical"}}


def _batch(rng, hour: int, n: int, *, shift: float = 0.0, prefix: str = "") -> pa.Table:
    stamps = [T0 + timedelta(hours=hour, seconds=int(s)) for s in rng.integers(0, 3600, n)]
    return pa.table(
        {
            "id": [f"{prefix}h{hour}-{i}" for i in range(n)],
            "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
            "feature.age": rng.normal(40 + shift, 10, n),
            "feature.plan": rng.choice(["a", "b"], n),
            "prediction": rng.integers(0, 2, n),
            "score": rng.random(n),
            "latency_ms": rng.gamma(2.0, 5.0, n),
            "segment.region": rng.choice(["eu", "us"], n),
        }
    )


@pytest.fixture
def churn(service: MonitoringService, rng) -> MonitoringService:
    reference = pa.table({"age": rng.normal(40, 10, 1000), "plan": rng.choice(["a", "b"], 1000)})
    service.create_model("churn", "binary_classification", SCHEMA)
    service.create_version(
        "churn", "v1", reference=reference, baseline={"accuracy": 0.9}, activate=True
    )
    return service


def test_models_are_idempotent_and_conflicts_are_refused(service: MonitoringService) -> None:
    first = service.create_model("churn", "binary_classification", SCHEMA)
    assert service.create_model("churn", "binary_classification", SCHEMA) == first
    with pytest.raises(Conflict, match="task 'binary_classification'"):
        service.create_model("churn", "regression")
    with pytest.raises(InputError, match="use one of"):
        service.create_model("other", "ranking")
    with pytest.raises(NotFound, match="POST /v1/models"):
        service.get_model("nope")
    assert [m.name for m in service.list_models()] == ["churn"]


def test_versions_promote_and_roll_back(service: MonitoringService) -> None:
    service.create_model("m", "regression")
    service.create_version("m", "v1", activate=True)
    v2 = service.create_version("m", "v2", baseline={"rmse": 1.5})
    assert not v2.active and v2.baseline == {"rmse": 1.5}
    assert service.promote("m", "v2").active
    assert service.get_model("m").active_version == "v2"
    assert service.rollback("m").version == "v1"
    assert [(v.version, v.active) for v in service.list_versions("m")] == [
        ("v1", True),
        ("v2", False),
    ]
    with pytest.raises(Conflict, match="no earlier active version"):
        service.rollback("m")
    with pytest.raises(Conflict, match="another reference or baseline"):
        service.create_version("m", "v2", baseline={"rmse": 2.0})
    with pytest.raises(NotFound, match="version 'v9'"):
        service.promote("m", "v9")


def test_ingestion_is_idempotent_and_durable(churn: MonitoringService, rng, database_url) -> None:
    batch = _batch(rng, 0, 200)
    assert churn.ingest_predictions("churn", "v1", batch).accepted == 200
    replay = churn.ingest_predictions("churn", "v1", batch)
    assert (replay.accepted, replay.duplicates) == (0, 200)
    # Another connection sees the records at once: the batch was committed on return.
    other = Store(database_url)
    with other.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM wk_records")).scalar() == 200
    other.close()
    with pytest.raises(NotFound):
        churn.ingest_predictions("churn", "v7", batch)


def test_bad_records_are_rejected_and_the_rest_accepted(churn: MonitoringService) -> None:
    stamps = pa.array([T0] * 3, pa.timestamp("us", tz="UTC"))
    table = pa.table(
        {
            "id": ["a", "b", "c"],
            "timestamp": stamps,
            "feature.age": [1.0, float("inf"), 2.0],
            "feature.height": [None, None, 180.0],
        }
    )
    result = churn.ingest_predictions("churn", "v1", table)
    assert result.accepted == 1
    assert [(e.id, e.field) for e in result.rejected] == [
        ("b", "feature.age"),
        ("c", "feature.height"),
    ]


def test_labels_list_unknown_ids_and_count_repeats(churn: MonitoringService, rng) -> None:
    churn.ingest_predictions("churn", "v1", _batch(rng, 0, 10))
    labels = [(f"h0-{i}", 1) for i in range(10)] + [(f"ghost-{i}", 0) for i in range(150)]
    result = churn.ingest_labels("churn", labels)
    assert (result.accepted, result.n_unknown, len(result.unknown_ids)) == (10, 150, 100)
    assert result.unknown_ids[0] == "ghost-0"
    again = churn.ingest_labels("churn", [("h0-0", 1), ("h0-1", 0)])
    assert (again.accepted, again.duplicates) == (1, 1)  # h0-1 corrected to 0
    with pytest.raises(InputError, match="finite"):
        churn.ingest_labels("churn", [("h0-0", float("nan"))])


def test_closing_computes_metrics_and_late_labels_recompute(churn: MonitoringService, rng) -> None:
    batch = _batch(rng, 0, 300)
    churn.ingest_predictions("churn", "v1", batch)
    truth = rng.integers(0, 2, 300)
    ids = batch.column("id").to_pylist()
    churn.ingest_labels("churn", [(ids[i], int(truth[i])) for i in range(100)])
    assert churn.close_windows("churn", now=T0 + timedelta(minutes=59)) == []
    closed = churn.close_windows("churn", now=T0 + timedelta(hours=1))
    overall = next(w for w in closed if w.segment is None)
    assert {w.segment for w in closed} == {None, "region=eu", "region=us"}
    predictions = batch.column("prediction").to_numpy()
    assert overall.metrics["accuracy"] == pytest.approx(
        accuracy_score(truth[:100], predictions[:100])
    )
    assert overall.metrics["row_count"] == 300
    assert overall.metrics["label_coverage"] == pytest.approx(100 / 300)
    assert set(overall.metrics["drift_score"]) == {"age", "plan"}
    # The rest of the labels arrive late: the window is recomputed on the next close.
    churn.ingest_labels("churn", [(ids[i], int(truth[i])) for i in range(100, 300)])
    recomputed = churn.close_windows("churn", now=T0 + timedelta(hours=1))
    overall = next(w for w in recomputed if w.segment is None)
    assert overall.n_labels == 300
    assert overall.metrics["accuracy"] == pytest.approx(accuracy_score(truth, predictions))
    series = churn.metric_series("churn", "accuracy")
    assert [p.value for p in series] == [pytest.approx(accuracy_score(truth, predictions))]
    assert churn.close_windows("churn", now=T0 + timedelta(hours=1)) == []
    windows = churn.list_windows("churn")
    assert {w.status for w in windows} == {"closed"} and len(windows) == 3
    latest = {(p.metric, p.feature, p.segment) for p in churn.latest_metrics()}
    assert ("drift_score", "age", None) in latest and ("row_count", None, "region=eu") in latest


def _monitor(**changes) -> MonitorSpec:
    base = MonitorSpec(
        "age-drift",
        "churn",
        "drift_detected",
        Condition("above", threshold=0.5),
        severity=Severity.CRITICAL,
        columns=("age",),
        min_samples=50,
        channels=("hook",),
    )
    return MonitorSpec(**{**base.__dict__, **changes})


def test_drift_fires_notifies_and_resolves(churn: MonitoringService, outbox: Outbox, rng) -> None:
    churn.apply_config(
        SimpleNamespace(
            models=[],
            monitors=[_monitor()],
            channels=[ChannelSpec("hook", "webhook", {"url": "http://127.0.0.1:9/hook"})],
        )
    )
    churn.ingest_predictions("churn", "v1", _batch(rng, 0, 400, shift=15.0))
    churn.close_windows("churn", now=T0 + timedelta(hours=1))
    firing = churn.list_alerts(model="churn", state="firing")
    assert {(a.feature, a.segment) for a in firing} == {
        ("age", None),
        ("age", "region=eu"),
        ("age", "region=us"),
    }
    assert {(name, e.state.value) for name, e in outbox.sent} == {("hook", "firing")}
    assert len(outbox.sent) == 3
    # The next hour is back to normal: the alerts resolve and say so.
    churn.ingest_predictions("churn", "v1", _batch(rng, 1, 400))
    churn.close_windows("churn", now=T0 + timedelta(hours=2))
    assert churn.list_alerts(state="firing") == []
    assert [e.state.value for _, e in outbox.sent].count("resolved") == 3


def test_failed_deliveries_stay_queued_and_retry(
    churn: MonitoringService, outbox: Outbox, rng
) -> None:
    churn.store.put_channel("hook", "webhook", {}, NOW)
    churn.put_monitor(_monitor())
    outbox.fail = True
    churn.ingest_predictions("churn", "v1", _batch(rng, 0, 400, shift=15.0))
    churn.close_windows("churn", now=T0 + timedelta(hours=1))
    pending = churn.store.list_outbox("pending")
    assert len(pending) == 3 and {p.attempts for p in pending} == {1}
    assert all("receiver down" in (p.last_error or "") for p in pending)
    assert churn.deliver_notifications().sent == 0  # not due before the backoff
    outbox.fail = False
    report = churn.deliver_notifications(now=NOW + timedelta(seconds=30))
    assert (report.sent, report.retrying) == (3, 0)
    assert len(outbox.sent) == 3


def test_acknowledge_and_silence(churn: MonitoringService, rng) -> None:
    churn.put_monitor(_monitor(channels=()))
    churn.ingest_predictions("churn", "v1", _batch(rng, 0, 400, shift=15.0))
    churn.close_windows("churn", now=T0 + timedelta(hours=1))
    key = next(a.key for a in churn.list_alerts() if a.segment is None)
    assert churn.acknowledge_alert(key, by="ana").acknowledged_by == "ana"
    until = NOW + timedelta(hours=4)
    assert churn.silence_alert(key, until=until, by="ana").silenced_until == until
    with pytest.raises(NotFound):
        churn.acknowledge_alert("missing", by="ana")
    with pytest.raises(InputError, match="time zone"):
        churn.silence_alert(key, until=datetime(2024, 1, 1), by="ana")


def test_host_metrics_become_window_metrics(churn: MonitoringService, rng) -> None:
    churn.ingest_predictions("churn", "v1", _batch(rng, 0, 20))
    stored = churn.ingest_host_metrics(
        "churn",
        "v1",
        [
            {"timestamp": "2024-01-01T00:10:00Z", "cpu_percent": 20.0, "memory_bytes": 1e6},
            {
                "timestamp": "2024-01-01T00:20:00+00:00",
                "cpu_percent": 40.0,
                "memory_bytes": 3e6,
                "dropped": 5,
            },
        ],
    )
    assert stored == 2
    overall = next(
        w for w in churn.close_windows("churn", now=T0 + timedelta(hours=1)) if w.segment is None
    )
    assert overall.metrics["cpu_percent"] == 30.0
    assert overall.metrics["memory_bytes"] == 3e6
    assert overall.metrics["sdk_dropped"] == 5.0
    with pytest.raises(InputError, match="cpu_percent"):
        churn.ingest_host_metrics(
            "churn", "v1", [{"timestamp": "2024-01-01T00:00:00Z", "cpu_percent": float("nan")}]
        )


def test_api_keys_are_verified_by_hash_only(service: MonitoringService, database_url) -> None:
    info, plaintext = service.create_api_key(["ingest", "read"], name="ci")
    assert service.verify_api_key(plaintext) == info
    assert service.verify_api_key(plaintext[:-1] + "x") is None
    assert service.verify_api_key("") is None
    with service.store.engine.connect() as connection:
        stored = connection.execute(text("SELECT key_hash FROM wk_api_keys")).scalar_one()
    assert plaintext not in stored and len(stored) == 64
    service.revoke_api_key(info.id)
    assert service.verify_api_key(plaintext) is None
    with pytest.raises(InputError, match="scope 'write'"):
        service.create_api_key(["write"])


def test_apply_config_creates_models_versions_and_monitors(
    service: MonitoringService, tmp_path
) -> None:
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"age": np.arange(100.0)}), tmp_path / "ref.parquet")
    config = SimpleNamespace(
        path=str(tmp_path / "watchkeeper.yaml"),
        models=[
            SimpleNamespace(
                name="m",
                task="regression",
                schema={"features": {"age": "numeric"}},
                window="15m",
                versions=[
                    SimpleNamespace(
                        name="v1", reference="ref.parquet", baseline={"rmse": 2.0}, active=True
                    )
                ],
            )
        ],
        monitors=[MonitorSpec("rmse-up", "m", "rmse", Condition("above", threshold=3.0))],
        channels=[ChannelSpec("mail", "email", {"to": "ops@example.com"})],
    )
    result = service.apply_config(config)
    assert result.to_dict() == {
        "models": ["m"],
        "versions": ["m/v1"],
        "monitors": ["rmse-up"],
        "channels": ["mail"],
    }
    assert service.apply_config(config) == result  # a second apply changes nothing
    (version,) = service.list_versions("m")
    assert version.active and version.has_reference and version.baseline == {"rmse": 2.0}
    assert [m.name for m in service.list_monitors("m")] == ["rmse-up"]
    assert service.store.get_model("m").window_seconds == 900


def test_health(service: MonitoringService) -> None:
    health = service.health()
    assert health["status"] == "ok" and health["database"] == "ok"


def test_the_example_configuration_applies(service: MonitoringService, tmp_path, rng) -> None:
    import shutil

    import pyarrow.parquet as pq

    from watchkeeper.service.config import load_config

    example = Path(__file__).parents[2] / "examples" / "watchkeeper.yaml"
    shutil.copy(example, tmp_path / "watchkeeper.yaml")
    (tmp_path / "data").mkdir()
    n = 300
    reference = pa.table(
        {
            "age": rng.normal(40, 10, n),
            "tenure_months": rng.integers(0, 72, n).astype(float),
            "plan": rng.choice(["basic", "pro"], n),
            "monthly_charges": rng.normal(50, 5, n),
            "has_partner": rng.random(n) < 0.5,
        }
    )
    pq.write_table(reference, tmp_path / "data" / "churn-reference.parquet")
    config = load_config(tmp_path / "watchkeeper.yaml")
    result = service.apply_config(config)
    assert result.models == ("churn", "house-prices")
    assert result.versions == ("churn/v1",)
    assert set(result.monitors) == {m.name for m in config.monitors}
    assert service.get_model("churn").active_version == "v1"
    (version,) = service.list_versions("churn")
    assert version.has_reference and version.baseline["latency_p95_ms_std"] == 5.0
    assert service.store.get_model("house-prices").window_seconds == 86400


def test_alerts_reach_a_real_webhook(database_url: str, rng) -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    store = Store(database_url)
    try:
        service = MonitoringService(
            store, Settings(public_url="http://wk.local"), clock=lambda: NOW
        )
        reference = pa.table(
            {"age": rng.normal(40, 10, 1000), "plan": rng.choice(["a", "b"], 1000)}
        )
        service.create_model("churn", "binary_classification", SCHEMA)
        service.create_version("churn", "v1", reference=reference, activate=True)
        url = f"http://127.0.0.1:{server.server_port}/hook"
        service.apply_config(
            SimpleNamespace(
                models=[],
                monitors=[_monitor()],
                channels=[ChannelSpec("hook", "webhook", {"url": url})],
            )
        )
        service.ingest_predictions(
            "churn", "v1", _batch(rng, 0, 400, shift=15.0).drop_columns(["segment.region"])
        )
        service.close_windows("churn", now=T0 + timedelta(hours=1))
    finally:
        server.shutdown()
        store.close()
    assert [(e["state"], e["feature"], e["severity"]) for e in received] == [
        ("firing", "age", "critical")
    ]
    assert received[0]["url"].startswith("http://wk.local/v1/alerts/")


def test_a_permanent_refusal_is_not_retried(service: MonitoringService, rng) -> None:
    service.sender = None  # the real notifiers: PagerDuty without its routing key
    service.create_model("churn", "binary_classification", SCHEMA)
    service.create_version("churn", "v1", reference=pa.table({"age": rng.normal(40, 10, 500)}))
    service.store.put_channel("pd", "pagerduty", {"routing_key_env": "WK_TEST_UNSET_KEY"}, NOW)
    service.put_monitor(_monitor(channels=("pd",)))
    service.ingest_predictions(
        "churn", "v1", _batch(rng, 0, 300, shift=15.0).drop_columns(["segment.region"])
    )
    service.close_windows("churn", now=T0 + timedelta(hours=1))
    (item,) = service.store.list_outbox()
    assert item.status == "failed" and item.attempts == 1
    assert "WK_TEST_UNSET_KEY" in (item.last_error or "")
