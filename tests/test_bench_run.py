"""``bench/run.py --quick`` (docs/benchmarks.md: "smaller sizes, a few minutes") passes
``--quick`` only to the scripts that have a quick mode and names the others as skipped,
instead of failing on an argument their parser does not know. Every script in bench/ has
one now, so a quick run skips none; a new script without one fails here, not in the run."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

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


def _declares_quick(script: Path) -> bool:
    """Whether the script's parser has ``add_argument("--quick", ...)``: read from its syntax
    tree, so a ``"--quick"`` in a docstring or a comment does not count."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_argument"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "--quick"
        for node in ast.walk(tree)
    )


def test_every_bench_script_has_a_quick_mode_so_a_quick_run_skips_none() -> None:
    runner = _runner()
    scripts = runner.discover(None)
    assert len(scripts) >= 20  # discovery found the folder
    without = [s.name for s in scripts if not runner.has_quick_mode(s)]
    assert without == [], f"give these a --quick mode (docs/benchmarks.md): {without}"
    # A script with a parser must declare the flag itself, not pass the rule on a stray
    # "--quick" in its text (the scripts that parse nothing ignore the flag and run as always).
    parsing = [s for s in scripts if "parse_args(" in s.read_text(encoding="utf-8")]
    undeclared = [s.name for s in parsing if not _declares_quick(s)]
    assert undeclared == [], f"their parser does not take --quick: {undeclared}"


def test_a_quick_run_passes_quick_and_prints_the_peer_figure() -> None:
    """One real quick run, of the cheapest script (a few seconds): the builder against
    its base revision and numpy in the same run."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "builder"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "bench_builder.py --quick" in done.stdout
    assert "3 rounds" in done.stdout
    assert "now / peer speed" in done.stdout
    assert "all 1 passed" in done.stdout
    assert "skipped" not in done.stdout
