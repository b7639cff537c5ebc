"""Fixtures of the acceptance suite: the product installed once per session from the
built wheel, and a working folder per test holding the shipped example data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.acceptance._product import ROOT, Installed, build_and_install


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    return build_and_install(tmp_path_factory.mktemp("installed"))


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A user's folder: a copy of ``examples/`` (so relative paths read as documented)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("*.py"))
    return tmp_path
