"""The command lines of docs/dashboard.md run as written.

In a folder with the default store (``./watchkeeper.db``): the ``keys create`` line
through bash with the installed ``watchkeeper``, then ``watchkeeper serve`` (on a free
port rather than 8000; the page's URLs are pointed at it), and ``/ui/`` answers. The
report upload runs ``watchkeeper report`` and the page's ``curl`` with ``KEY`` a key of
scope ``reports`` (the page says an ingest or read key may not upload), and the report
is then listed. The Grafana and Prometheus lines run on a copy of
``examples/watchkeeper.yaml``; ``promtool`` only where it is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tests.docs._pages import block, blocks, commands, serving, watchkeeper

PAGE = "dashboard.md"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _shell(**extra: str) -> dict[str, str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, **extra}


def _bash(line: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["bash", "-c", line], cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, (line, done.stderr)
    return done


def test_every_bash_block_is_run_here() -> None:
    assert len(blocks(PAGE, "bash")) == 3


def test_keys_serve_and_a_report_upload(tmp_path: Path) -> None:
    env = _shell()
    env.pop("WATCHKEEPER_DATABASE_URL", None)  # the default store, ./watchkeeper.db
    keys, serve = commands(block(PAGE, "bash", "--scope read --name ana"))
    ana = _bash(keys.text, tmp_path, env).stdout.strip()
    assert ana.startswith("wk_")
    assert serve.argv == ["watchkeeper", "serve"]
    rng = np.random.default_rng(8)
    for name, shift in (("ref", 0.0), ("cur", 0.5)):
        table = pa.table(
            {"age": rng.normal(40 + 10 * shift, 10, 500), "plan": rng.choice(["a", "b"], 500)}
        )
        pq.write_table(table, tmp_path / f"{name}.parquet")
    made = watchkeeper(
        "keys", "create", "--scope", "reports", "--name", "nightly-job", cwd=tmp_path, env=env
    )
    key = made.stdout.strip()
    with serving(cwd=tmp_path, env=env) as url:
        ui = httpx.get(f"{url}/ui/", follow_redirects=True)
        assert ui.status_code == 200 and "text/html" in ui.headers["content-type"]
        upload = block(PAGE, "bash", "/v1/reports?name=nightly").replace(
            "http://127.0.0.1:8000", url
        )
        for command in commands(upload):
            _bash(command.text, tmp_path, {**env, "KEY": key})
        listed = httpx.get(f"{url}/v1/reports", headers={"Authorization": f"Bearer {ana}"})
    assert listed.status_code == 200, listed.text
    assert [r["name"] for r in listed.json()["reports"]] == ["nightly"]


def test_grafana_and_prometheus_artifacts(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "watchkeeper.yaml", tmp_path / "watchkeeper.yaml")
    env = _shell()
    for command in commands(block(PAGE, "bash", "watchkeeper grafana dashboard")):
        if command.argv[0] == "promtool" and shutil.which("promtool") is None:
            continue
        _bash(command.text, tmp_path, env)
    dashboard = json.loads((tmp_path / "watchkeeper-churn.json").read_text(encoding="utf-8"))
    assert dashboard["panels"]
    assert "\ngroups:\n" in (tmp_path / "watchkeeper-rules.yml").read_text(encoding="utf-8")
