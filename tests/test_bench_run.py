"""``bench/run.py --quick`` (docs/benchmarks.md: "smaller sizes, a few minutes") passes
``--quick`` only to the scripts that have a quick mode and names the others as skipped,
instead of failing on an argument their parser does not know."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_quick_mode_is_a_parser_that_takes_quick(tmp_path: Path) -> None:
    runner = _runner()
    with_quick = tmp_path / "bench_a.py"
    with_quick.write_text('parser.add_argument("--quick", action="store_true")\n')
    without = tmp_path / "bench_b.py"
    without.write_text('parser.add_argument("--repeats", type=int)\nparser.parse_args()\n')
    no_parser = tmp_path / "bench_c.py"
    no_parser.write_text("print('no arguments read')\n")
    assert runner.has_quick_mode(with_quick)
    assert not runner.has_quick_mode(without)
    assert runner.has_quick_mode(no_parser)  # it ignores the flag


def test_a_quick_run_skips_a_script_without_a_quick_mode_and_succeeds() -> None:
    runner = _runner()
    scripts = [s for s in runner.discover(None) if not runner.has_quick_mode(s)]
    if not scripts:
        pytest.skip("every bench script has a quick mode")
    name = scripts[0].stem
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", name],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"{name}.py" in done.stdout
    assert "skipped: no --quick mode" in done.stdout
    assert "none run, 1 skipped" in done.stdout
