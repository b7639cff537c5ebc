"""Shared fixtures: seeded generators and small tables written to disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261126)


@pytest.fixture
def write_parquet(tmp_path: Path):  # type: ignore[no-untyped-def]
    def write(table: pa.Table, name: str) -> Path:
        path = tmp_path / name
        pq.write_table(table, path)
        return path

    return write
