"""The deployment files: everything docker-compose.yml mounts exists, the compose file
validates against the Compose specification, the generated Prometheus rules and Grafana
dashboard are what the CLI generates today, and the image runs as a non-root user.

Docker itself is not run here (no daemon in the test environment); where it is present,
``docker compose config`` is the further check docs/deployment.md gives.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
COMMAND = str(Path(sys.executable).with_name("watchkeeper"))


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")))


def _binds(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host path, container path) of each bind mount (named volumes left out)."""
    binds = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/")):
            binds.append((source, target))
    return binds


def test_every_mounted_file_exists() -> None:
    compose = _compose()
    mounted = [b for service in compose["services"].values() for b in _binds(service)]
    assert len(mounted) >= 6
    for source, _ in mounted:
        assert (ROOT / source).exists(), f"docker-compose.yml mounts {source}, which is missing"
    named = {v.split(":")[0] for s in compose["services"].values() for v in s.get("volumes", [])}
    declared = set(compose.get("volumes", {}))
    assert {n for n in named if not n.startswith((".", "/"))} <= declared
    build = compose["services"]["watchkeeper"]["build"]
    assert (ROOT / build / "Dockerfile").is_file()
    for service in compose["services"].values():
        for needed in service.get("depends_on", []):
            assert needed in compose["services"]


def test_compose_file_validates_against_the_compose_spec() -> None:
    pytest.importorskip("check_jsonschema")
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("check-jsonschema")),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _container_files(service: dict[str, Any]) -> dict[str, Path]:
    """Every file a service sees through its bind mounts, by its path in the container."""
    files: dict[str, Path] = {}
    for source, target in _binds(service):
        host = ROOT / source
        if host.is_dir():
            for path in host.rglob("*"):
                if path.is_file():
                    files[f"{target}/{path.relative_to(host).as_posix()}"] = path
        else:
            files[target] = host
    return files


def test_prometheus_loads_the_generated_rules_and_scrapes_the_server() -> None:
    compose = _compose()
    prometheus = compose["services"]["prometheus"]
    files = _container_files(prometheus)
    config_path = next(
        arg.split("=", 1)[1] for arg in prometheus["command"] if arg.startswith("--config.file=")
    )
    config = yaml.safe_load(files[config_path].read_text(encoding="utf-8"))
    rules = [p for p in files for pattern in config["rule_files"] if fnmatch.fnmatch(p, pattern)]
    assert [files[p].name for p in rules] == ["rules.yml"]
    groups = yaml.safe_load(files[rules[0]].read_text(encoding="utf-8"))["groups"]
    assert groups and all(rule["alert"] for g in groups for rule in g["rules"])
    target = config["scrape_configs"][0]["static_configs"][0]["targets"][0]
    host, port = target.split(":")
    assert host in compose["services"]
    assert f"{port}:{port}" in compose["services"][host]["ports"]
    environment = compose["services"][host]["environment"]
    assert environment["WATCHKEEPER_METRICS_PUBLIC"] == "1"  # scraped without a key


def test_grafana_is_provisioned_with_the_dashboard_and_the_data_source() -> None:
    compose = _compose()
    grafana = compose["services"]["grafana"]
    files = _container_files(grafana)
    providers = files["/etc/grafana/provisioning/dashboards/watchkeeper.yml"]
    folder = yaml.safe_load(providers.read_text(encoding="utf-8"))["providers"][0]["options"]
    assert f"{folder['path']}/watchkeeper.json" in files
    sources = files["/etc/grafana/provisioning/datasources/prometheus.yml"]
    source = yaml.safe_load(sources.read_text(encoding="utf-8"))["datasources"][0]
    assert source["type"] == "prometheus"
    assert source["url"].split("//")[1].split(":")[0] in compose["services"]


@pytest.mark.parametrize(
    ("arguments", "committed"),
    [
        (
            ["prometheus", "rules", "--config", "examples/watchkeeper.yaml"],
            "deploy/prometheus/rules.yml",
        ),
        (["grafana", "dashboard"], "deploy/grafana/dashboards/watchkeeper.json"),
    ],
)
def test_generated_files_are_current(arguments: list[str], committed: str) -> None:
    done = subprocess.run(
        [COMMAND, *arguments], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout == (ROOT / committed).read_text(encoding="utf-8"), (
        f"{committed} is stale; regenerate it: watchkeeper {' '.join(arguments)} -o {committed}"
    )


def test_the_mounted_config_is_valid() -> None:
    done = subprocess.run(
        [COMMAND, "validate", "examples/watchkeeper.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_is_slim_and_runs_as_a_non_root_user() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    stages = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert stages and all(image.endswith("-slim") for image in stages)
    final = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")) :]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any("HEALTHCHECK" in line for line in final)
