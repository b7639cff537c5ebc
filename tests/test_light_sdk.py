"""The SDK is light: importing it (and making a client) loads no scipy, pandas or sklearn.

The import time itself is measured in bench/ and reported, never asserted here.
"""

from __future__ import annotations

import subprocess
import sys

_HEAVY = ("scipy", "pandas", "sklearn", "pyarrow", "polars", "fastapi", "sqlalchemy")


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )


def test_import_client_loads_no_heavy_package() -> None:
    done = _run(
        "import sys\n"
        "import watchkeeper.client\n"
        f"print(sorted(m for m in {_HEAVY!r} if m in sys.modules))\n"
    )
    assert done.stdout.strip() == "[]"
    # -X importtime lists every module imported: none of the heavy ones, nor their parts.
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "watchkeeper.client" in imported
    assert not {name for name in imported if name.split(".")[0] in _HEAVY}


def test_a_client_is_made_and_closed_without_heavy_packages() -> None:
    done = _run(
        "import sys\n"
        "from watchkeeper.client import Client\n"
        "client = Client('http://127.0.0.1:9', model='m', host_metrics_interval=None)\n"
        "client.close()\n"
        f"print(sorted(m for m in {_HEAVY!r} if m in sys.modules))\n"
    )
    assert done.stdout.strip() == "[]"
