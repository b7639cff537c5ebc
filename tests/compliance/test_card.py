"""Model cards: numbers as the store and scikit-learn say, every value escaped, nothing
loaded by the page, and the demo's model documented through the command line."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from watchkeeper.cli import main
from watchkeeper.compliance._audit import Actor, AuditRepository, record
from watchkeeper.compliance._card import build_card
from watchkeeper.compliance._card_render import CSP, render_card_html, render_card_markdown
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service.config import parse_config
from watchkeeper.store import Store

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SCHEMA = {
    "features": {"age": "numeric", "plan": "categorical"},
    "columns": {
        "target": {"role": "target"},
        "prediction": {"role": "prediction"},
        "score": {"role": "score"},
    },
    "sensitive": ["gender"],
}


def _reference(n: int = 2000) -> pa.Table:
    rng = np.random.default_rng(7)
    gender = rng.choice(["f", "m"], n)
    target = rng.integers(0, 2, n)
    score = np.clip(0.3 * target + rng.uniform(0, 0.7, n) + 0.1 * (gender == "m"), 0, 1)
    return pa.table(
        {
            "age": rng.normal(40, 10, n),
            "plan": rng.choice(["basic", "pro", "team"], n, p=[0.6, 0.3, 0.1]),
            "gender": gender,
            "target": target,
            "prediction": (score >= 0.5).astype(np.int64),
            "score": score,
        }
    )


@pytest.fixture
def served(tmp_path: Path) -> tuple[Store, MonitoringService, pa.Table]:
    store = Store(f"sqlite:///{tmp_path / 'wk.db'}")
    service = MonitoringService(store, Settings(tick_seconds=0))
    reference = _reference()
    service.create_model("churn", "binary_classification", SCHEMA, window=timedelta(hours=1))
    service.create_version("churn", "v1", reference=reference, baseline={"accuracy": 0.8},
                           activate=True)  # fmt: skip
    rng = np.random.default_rng(1)
    n = 300
    service.ingest_predictions(
        "churn",
        "v1",
        pa.table(
            {
                "id": [f"r{i}" for i in range(n)],
                "timestamp": pa.array(
                    [T0 + timedelta(seconds=30 * i) for i in range(n)], pa.timestamp("us", "UTC")
                ),
                "feature.age": rng.normal(45, 10, n),
                "feature.plan": rng.choice(["basic", "pro"], n),
                "prediction": pa.array(rng.integers(0, 2, n).astype(str)),
            }
        ),
    )
    service.close_windows("churn", now=T0 + timedelta(hours=5))
    return store, service, reference


def test_the_cards_numbers_are_the_stores_and_sklearns(served) -> None:  # type: ignore[no-untyped-def]
    store, _, reference = served
    config = parse_config(
        "models:\n  - name: churn\n    task: binary_classification\n"
        "    owner: risk-team\n    intended_use: retention offers only\n"
    )
    card = build_card(store, "churn", config=config)
    assert (card.owner, card.intended_use, card.version) == (
        "risk-team",
        "retention offers only",
        "v1",
    )
    y, p = reference["target"].to_numpy(), reference["prediction"].to_numpy()
    s = reference["score"].to_numpy()
    assert card.reference_performance == pytest.approx(
        {
            "accuracy": accuracy_score(y, p),
            "precision": precision_score(y, p),
            "recall": recall_score(y, p),
            "f1": f1_score(y, p),
            "roc_auc": roc_auc_score(y, s),
        }
    )
    assert card.baseline == {"accuracy": 0.8}
    assert card.reference is not None and card.reference["rows"] == 2000
    age = next(c for c in card.reference["columns"] if c["column"] == "age")
    assert age["mean"] == pytest.approx(np.mean(reference["age"].to_numpy()))
    assert age["std"] == pytest.approx(np.std(reference["age"].to_numpy(), ddof=1))
    plan = next(c for c in card.reference["columns"] if c["column"] == "plan")
    values, counts = np.unique(reference["plan"].to_numpy(zero_copy_only=False), return_counts=True)
    assert plan["top"][0] == [values[np.argmax(counts)], int(counts.max())]
    # Fairness on the reference: selection rate per group, by hand.
    (fair,) = card.fairness
    gender = reference["gender"].to_numpy(zero_copy_only=False)
    rates = {g: float(p[gender == g].mean()) for g in ("f", "m")}
    assert {g: v["selection_rate"] for g, v in fair["groups"].items()} == pytest.approx(rates)
    tpr = {g: float(p[(gender == g) & (y == 1)].mean()) for g in ("f", "m")}
    assert {g: v["true_positive_rate"] for g, v in fair["groups"].items()} == pytest.approx(tpr)
    assert fair["demographic_parity_difference"] == pytest.approx(abs(rates["m"] - rates["f"]))
    # Windows as the store has them.
    windows = [w for w in store.list_windows(store.get_model("churn").id) if w.segment == ""]
    closed = [w for w in windows if w.status == "closed"]
    assert card.windows["closed"] == len(closed) == 3
    assert card.windows["records"] == sum(w.n_records for w in closed) == 300
    assert [v["name"] for v in card.versions] == ["v1"]


def test_history_comes_from_the_audit_trail(served) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = served
    repo = AuditRepository(store.engine)
    record(repo, Actor("key_1", "alice"), "version.promote", "version:churn/v1", model="churn")
    record(repo, Actor("key_2", "bob"), "model.create", "model:other", model="other")
    card = build_card(store, "churn")
    # The fixture's service calls name no actor: they are the service's own.
    assert [(h["action"], h["actor"]) for h in card.history] == [
        ("model.create", "system"),
        ("version.create", "system"),
        ("version.promote", "alice (key_1)"),
    ]


def test_every_value_is_escaped_and_the_page_loads_nothing(served) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = served
    hostile = '<script>alert("x")</script> | `rm` <img src=x onerror=alert(1)>'
    config = parse_config(
        "models:\n  - name: churn\n    task: binary_classification\n"
        f"    intended_use: '{hostile}'\n"
    )
    record(AuditRepository(store.engine), Actor("key_9", hostile), "model.update",
           "model:churn", model="churn")  # fmt: skip
    card = build_card(store, "churn", config=config)
    page = render_card_html(card)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    # The CSP forbids every load; the one inline style is allowed by its hash.
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None and csp.group(1).startswith("default-src 'none'")
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CSP
    assert not re.search(r"<[^>]*\s(src|href|on\w+)=", page)  # no tag loads or runs anything
    markdown = render_card_markdown(card)
    assert "<script>" not in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| Intended use"))
    assert row.count(" | ") == 1  # the value's pipes are escaped, the table keeps 2 cells


def test_unknown_model_and_version_say_what_exists(served) -> None:  # type: ignore[no-untyped-def]
    from watchkeeper._exceptions import InputError

    store, _, _ = served
    with pytest.raises(InputError, match="models: churn"):
        build_card(store, "nope")
    with pytest.raises(InputError, match="versions: v1"):
        build_card(store, "churn", "v9")


def test_a_card_for_the_demos_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from watchkeeper.demo import main as demo

    out = tmp_path / "demo"
    assert demo(["--output", str(out), "--days", "1", "--per-hour", "20", "--no-serve"]) == 0
    capsys.readouterr()
    url = f"sqlite:///{out / 'watchkeeper.db'}"
    argv = ["card", "loans", "--database-url", url, "--config", str(out / "watchkeeper.yaml")]
    html_path, md_path, json_path = tmp_path / "c.html", tmp_path / "c.md", tmp_path / "c.json"
    code = main([*argv, "--html", str(html_path), "--markdown", str(md_path),
                 "--json", str(json_path)])  # fmt: skip
    assert code == 0
    card = json.loads(json_path.read_text())
    store = Store(url)
    model = store.get_model("loans")
    windows = [w for w in store.list_windows(model.id) if w.segment == "" and w.status == "closed"]
    assert card["windows"]["closed"] == len(windows) > 0
    assert card["windows"]["records"] == sum(w.n_records for w in windows)
    assert len(card["alerts"]) == len(store.list_alerts(model="loans"))
    assert {m["name"] for m in card["monitors"]} == {
        s["name"] for s in store.list_monitor_specs("loans")
    }
    accuracy = store.metric_series("loans", "accuracy", version="v1")
    monitor = next(m for m in card["monitors"] if m["metric"] == "accuracy")
    assert monitor["points"] == len(accuracy)
    assert monitor["latest"]["(model)"] == accuracy[-1][7]
    import pyarrow.parquet as pq

    reference = pq.read_table(out / "reference.parquet")
    assert card["reference"]["rows"] == reference.num_rows
    labelled = reference.filter(reference["target"].is_valid())
    assert card["reference_performance"]["accuracy"] == pytest.approx(
        accuracy_score(labelled["target"].to_numpy(), labelled["prediction"].to_numpy())
    )
    store.close()
    page = html_path.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Model card: loans v1" in page
    assert md_path.read_text().startswith("# Model card: loans v1")
