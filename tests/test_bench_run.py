"""``bench/run.py --quick`` (docs/benchmarks.md: "smaller sizes: about 10 minutes") passes
``--quick`` only to the scripts that have a quick mode and names the others as skipped,
instead of failing on an argument their parser does not know. Every script in bench/ has
one now, so a quick run skips none; a new script without one fails here, not in the run.
A quick run's results go to files named ``*-quick-*`` that say ``"quick": true``, so a
smoke run never replaces the figures of a full run in ``PREFIX-latest.json``."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _runner() -> ModuleType:
    return _load("bench_run", ROOT / "bench" / "run.py")


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


def test_a_quick_run_does_not_replace_the_full_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = _load("bench_harness", ROOT / "bench" / "_harness.py")
    # bench/results/ holds the real figures; this test writes to a folder of its own.
    monkeypatch.setattr(harness, "RESULTS_DIR", tmp_path)
    full = harness.save_results("drift", {"rows": 1_000_000})
    quick = harness.save_results("drift", {"rows": 10_000}, quick=True)
    assert full.name.startswith("drift-2") and quick.name.startswith("drift-quick-2")
    latest = json.loads((tmp_path / "drift-latest.json").read_text())
    assert latest == {"rows": 1_000_000}
    quick_latest = json.loads((tmp_path / "drift-quick-latest.json").read_text())
    assert quick_latest == {"quick": True, "rows": 10_000}
    assert json.loads(quick.read_text()) == quick_latest


def test_every_script_that_saves_results_says_whether_the_run_was_quick() -> None:
    """Each ``save_results(...)`` call passes ``quick=``; a script that writes into
    bench/results/ by itself names its quick files apart."""
    for script in _runner().discover(None):
        source = script.read_text(encoding="utf-8")
        calls = [
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "save_results"
        ]
        for call in calls:
            assert any(k.arg == "quick" for k in call.keywords), f"{script.name}: save_results"
        if "RESULTS_DIR" in source and not calls:
            assert "-quick" in source, f"{script.name} writes results without a quick name"
