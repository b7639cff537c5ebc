"""The CI templates in docs/ci/ validate against their services' published schemas,
offline (check-jsonschema vendors them); a broken copy of each is refused, so the
validation is not vacuous. (tests/acceptance/test_docs_ci.py runs their commands.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = {
    "github-actions.yml": "vendor.github-workflows",
    "gitlab-ci.yml": "vendor.gitlab-ci",
    "circleci-config.yml": "vendor.circle-ci",
    "bitbucket-pipelines.yml": "vendor.bitbucket-pipelines",
}
# One change per template that its schema must refuse.
BREAK = {
    "github-actions.yml": lambda doc: doc["jobs"]["watchkeeper"].pop("runs-on"),
    "gitlab-ci.yml": lambda doc: doc["watchkeeper-checks"].update(when="sometimes"),
    "circleci-config.yml": lambda doc: doc["jobs"]["watchkeeper-checks"].update(steps="all"),
    "bitbucket-pipelines.yml": lambda doc: doc["pipelines"].update(branches=["main"]),
}

pytest.importorskip("check_jsonschema")


def _validate(path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    command = str(Path(sys.executable).with_name("check-jsonschema"))
    return subprocess.run(
        [command, "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_template_has_a_schema() -> None:
    assert {p.name for p in (ROOT / "docs" / "ci").glob("*.yml")} == set(SCHEMAS)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_template_validates(name: str, tmp_path: Path) -> None:
    path = ROOT / "docs" / "ci" / name
    done = _validate(path, SCHEMAS[name])
    assert done.returncode == 0, done.stdout + done.stderr
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in document:  # YAML 1.1 reads GitHub's `on:` key as the boolean true
        document["on"] = document.pop(True)
    copy = tmp_path / name
    copy.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert _validate(copy, SCHEMAS[name]).returncode == 0  # the round trip keeps it valid
    BREAK[name](document)
    copy.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert _validate(copy, SCHEMAS[name]).returncode == 1
