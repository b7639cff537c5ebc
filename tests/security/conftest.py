"""Run a decoder on a hostile body in a child process, so that a crash fails one test
(with the signal in its message) instead of killing pytest, and so that the child's
peak memory measures what decoding cost."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_CHILD = """
import json, resource, sys
from watchkeeper.io import _bounded

body = open(sys.argv[1], "rb").read()
reader = getattr(_bounded, sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = {}
try:
    table = reader(body)
    out["rows"] = table.num_rows
except _bounded.DecodeLimitError as error:
    out.update(error="DecodeLimitError", limit=error.limit, status=error.status_code)
except _bounded.MalformedBodyError as error:
    out.update(error="MalformedBodyError", limit=error.limit, status=error.status_code)
out["message"] = out.get("message", "")
out["growth_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps(out))
"""


@pytest.fixture
def decode_in_child(tmp_path: Path) -> Callable[[bytes, str], dict[str, Any]]:
    def run(body: bytes, reader: str) -> dict[str, Any]:
        path = tmp_path / "body.bin"
        path.write_bytes(body)
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), reader],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, (
            f"the decoder died (exit {done.returncode}; -11 is a segfault): {done.stderr[-2000:]}"
        )
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    return run
