"""Mutation testing of the core packages with mutmut: `make mutation`.

mutmut (configured under ``[tool.mutmut]`` in pyproject.toml) changes one thing at a
time in the code (a comparison flipped, ``and`` for ``or``, a constant changed, a
statement dropped) and runs the tests that reach it; a mutant that no test notices
*survived*. The score of a module is killed / (killed + survived), with the mutants
judged equivalent (listed in ``EQUIVALENT`` with a reason) left out.

This script runs mutmut in a scratch copy of the working tree (``build/mutation/``) so
that the checkout never holds a ``mutants/`` folder, then writes the per-module table
and the survivors to docs/testing.md between the ``mutation:`` markers.

    python scripts/mutation.py                      # every core module (slow: hours)
    python scripts/mutation.py --issue-modules      # the nine modules of issue 20
    python scripts/mutation.py --sample 25 --seed 1 # a seeded sample per module

scripts/mutation_sample.py reuses these helpers for the quick check of changed modules.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "testing.md"
COPIED = ("src", "tests", "docs", "data", "examples", "README.md", "pyproject.toml")
PACKAGE = "src/watchkeeper/"

# The nine modules of issue 20's table, measured by hand before this tool existed.
ISSUE_MODULES = (
    "stats/_corrections.py",
    "stats/_distances.py",
    "performance/_classification.py",
    "service/alerts/_state.py",
    "drift/_column.py",
    "quality/_value_checks.py",
    "drift/_policy.py",
    "drift/_dataset.py",
    "profile/_merge.py",
)

# Mutants that cannot change behaviour, with the reason; left out of every score.
# Names are mutmut's and hold while the function's source is unchanged.
EQUIVALENT: dict[str, str] = {
    "watchkeeper.performance._classification.x_binary_roc_auc__mutmut_20": (
        'float("NAN") is the same NaN as float("nan")'
    ),
    "watchkeeper.performance._classification.x__one_vs_rest__mutmut_49": (
        "the metric name only reaches a warning for a one-class indicator, and with two "
        "or more classes present every present class's indicator has both"
    ),
    "watchkeeper.stats._corrections.x_adjust_p_values__mutmut_12": (
        "for the documented input (floats or None) numpy infers float64 anyway"
    ),
    "watchkeeper.stats._distances.x__cdf_gaps__mutmut_10": (
        'numpy reads the sort kind case-insensitively: "STABLE" is "stable"'
    ),
    "watchkeeper.drift._column.x__categorical_summary__mutmut_25": (
        "zip(strict=None) is zip(strict=False), and categories and counts always have one length"
    ),
    "watchkeeper.stats._corrections.x__holm__mutmut_4": (
        "a non-stable sort only reorders tied p-values, and ties get one adjusted value "
        "(the running maximum)"
    ),
}

DETECTED = {"killed", "timeout", "suspicious", "segfault"}
UNDETECTED = {"survived", "no tests"}
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}
STATUS |= {34: "skipped", 35: "suspicious", 36: "timeout", 37: "type check"}
STATUS |= {-24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"}
STATUS |= {-11: "segfault", -9: "segfault"}


def core_patterns(root: Path = ROOT) -> list[str]:
    """The ``only_mutate`` globs of pyproject.toml: the core packages."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = config["tool"]["mutmut"]["only_mutate"]
    return patterns


def is_core(path: str, patterns: Sequence[str]) -> bool:
    """Whether ``path`` (relative to the root) is a core module mutmut mutates."""
    skip = ("*/__init__.py", "*/_cli*.py")
    return (
        path.endswith(".py")
        and any(fnmatch.fnmatch(path, p) for p in patterns)
        and not any(fnmatch.fnmatch(path, p) for p in skip)
    )


def prepare(
    workdir: Path,
    modules: Sequence[str] | None,
    drop: Sequence[str] = (),
    test_dirs: Sequence[str] | None = None,
) -> None:
    """A fresh copy of the tree in ``workdir``, mutating ``modules`` (package-relative)
    or, when None, every core module; test files matching a ``drop`` glob are left out
    (to measure a score without them); ``test_dirs`` replaces the configured tests."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, workdir / name)
    for pattern in drop:
        for path in workdir.glob(pattern):
            path.unlink()
    pyproject = workdir / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if modules is not None:
        listed = ", ".join(f'"{PACKAGE}{m}"' for m in modules)
        text = re.sub(r"only_mutate = \[.*?\]", f"only_mutate = [{listed}]", text, flags=re.S)
    if test_dirs is not None:
        listed = ", ".join(f'"{d}"' for d in test_dirs)
        text = re.sub(
            r"pytest_add_cli_args_test_selection = \[.*?\]",
            f"pytest_add_cli_args_test_selection = [{listed}]",
            text,
            flags=re.S,
        )
    text = text.replace("[tool.mutmut]\n", "[tool.mutmut]\nuse_git_change_detection = false\n")
    pyproject.write_text(text, encoding="utf-8")


def mutmut(workdir: Path, args: Sequence[str], *, niceness: int) -> int:
    """Run ``mutmut ARGS`` in ``workdir``; its spinner output goes to a log file."""
    command = [sys.executable, "-m", "mutmut", *args]
    if niceness:
        command = ["nice", "-n", str(niceness), *command]
    with (workdir / "mutmut.log").open("a", encoding="utf-8") as log:
        return subprocess.run(command, cwd=workdir, stdout=log, stderr=log, check=False).returncode


def generate(workdir: Path, *, niceness: int) -> None:
    """Create the mutants and the test-to-function map without running any mutant."""
    mutmut(workdir, ["run", "__no_mutant_has_this_name__"], niceness=niceness)
    if not (workdir / "mutants" / "mutmut-stats.json").exists():
        raise SystemExit(f"mutmut did not collect its stats; see {workdir / 'mutmut.log'}")


def module_results(workdir: Path) -> dict[str, dict[str, int | None]]:
    """Each mutated module (package-relative) with its mutants' exit codes."""
    out: dict[str, dict[str, int | None]] = {}
    base = workdir / "mutants" / PACKAGE
    for meta in sorted(base.rglob("*.py.meta")):
        module = meta.relative_to(base).as_posix().removesuffix(".meta")
        out[module] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return out


def status(code: int | None) -> str:
    return "not checked" if code is None else STATUS.get(code, "suspicious")


def sample(names: Iterable[str], n: int | None, rng: random.Random) -> list[str]:
    """``n`` of ``names`` drawn by ``rng`` (all of them when ``n`` is None)."""
    ordered = sorted(names)
    return ordered if n is None or n >= len(ordered) else sorted(rng.sample(ordered, n))


@dataclass(frozen=True)
class Score:
    module: str
    mutants: int
    killed: int
    survived: tuple[str, ...]
    equivalent: tuple[str, ...]

    @property
    def score(self) -> float:
        judged = self.killed + len(self.survived)
        return self.killed / judged if judged else 1.0


def scores(workdir: Path, chosen: set[str] | None) -> list[Score]:
    """Per-module scores over the ``chosen`` mutants (all checked ones when None)."""
    out = []
    for module, codes in module_results(workdir).items():
        picked = {k: v for k, v in codes.items() if chosen is None or k in chosen}
        states = {k: status(v) for k, v in picked.items() if v is not None}
        equivalent = tuple(sorted(k for k in states if k in EQUIVALENT))
        killed = sum(s in DETECTED for k, s in states.items() if k not in EQUIVALENT)
        survived = tuple(
            sorted(k for k, s in states.items() if s in UNDETECTED and k not in EQUIVALENT)
        )
        if states:
            out.append(Score(module, len(states), killed, survived, equivalent))
    return out


def run_mutants(workdir: Path, names: Sequence[str], *, niceness: int, children: int) -> None:
    """Run the named mutants (in batches, to keep the command line short)."""
    for start in range(0, len(names), 200):
        batch = list(names[start : start + 200])
        mutmut(workdir, ["run", "--max-children", str(children), *batch], niceness=niceness)


def describe(workdir: Path, name: str) -> str:
    """The mutant's change in one line: the removed and the added source line."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    minus = [s[1:].strip() for s in shown if s.startswith("-") and not s.startswith("---")]
    plus = [s[1:].strip() for s in shown if s.startswith("+") and not s.startswith("+++")]
    return f"`{' '.join(minus)[:90]}` -> `{' '.join(plus)[:90]}`"


def table(rows: Sequence[Score]) -> str:
    lines = [
        "| module | mutants | killed | survived | equivalent | score |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.module} | {r.mutants} | {r.killed} | {len(r.survived)} | "
            f"{len(r.equivalent)} | {r.score:.0%} |"
        )
    killed = sum(r.killed for r in rows)
    judged = killed + sum(len(r.survived) for r in rows)
    total = f"{killed / judged:.0%}" if judged else "-"
    lines.append(
        f"| **all** | {sum(r.mutants for r in rows)} | {killed} | {judged - killed} | "
        f"{sum(len(r.equivalent) for r in rows)} | {total} |"
    )
    return "\n".join(lines)


def replace_section(text: str, name: str, body: str) -> str:
    """Replace what lies between ``<!-- mutation:NAME -->`` and ``<!-- /mutation:NAME -->``."""
    start, end = f"<!-- mutation:{name} -->", f"<!-- /mutation:{name} -->"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        return text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_docs(workdir: Path, rows: Sequence[Score], header: str) -> None:
    survivors = [name for r in rows for name in r.survived]
    listed = [f"- `{name}`: {describe(workdir, name)}" for name in survivors] or ["- none"]
    equivalent = [f"- `{n}`: {EQUIVALENT[n]}" for r in rows for n in r.equivalent] or ["- none"]
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Testing\n"
    text = replace_section(text, "table", f"{header}\n\n{table(rows)}")
    text = replace_section(text, "survivors", "\n".join(listed))
    text = replace_section(text, "equivalent", "\n".join(equivalent))
    DOCS.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", nargs="*", help="package-relative, e.g. drift/_policy.py")
    parser.add_argument("--issue-modules", action="store_true", help="the nine of issue 20")
    parser.add_argument("--sample", type=int, help="mutants per module (default: all)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--nice", type=int, default=15, help="niceness (0: none)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "mutation" / "full")
    parser.add_argument("--drop-tests", nargs="*", default=[], help="test globs to leave out")
    parser.add_argument("--no-docs", action="store_true", help="print, do not write docs")
    args = parser.parse_args(argv)
    modules = list(ISSUE_MODULES) if args.issue_modules else args.modules
    began = time.monotonic()
    prepare(args.workdir, modules, args.drop_tests)
    generate(args.workdir, niceness=args.nice)
    rng = random.Random(args.seed)
    chosen = [
        name
        for codes in module_results(args.workdir).values()
        for name in sample(codes, args.sample, rng)
    ]
    run_mutants(args.workdir, chosen, niceness=args.nice, children=args.max_children)
    rows = scores(args.workdir, set(chosen))
    minutes = (time.monotonic() - began) / 60
    what = "all mutants" if args.sample is None else f"{args.sample} per module, seed {args.seed}"
    header = f"mutmut, {what}; {len(chosen)} mutants in {minutes:.0f} min."
    print(header)
    print(table(rows))
    if not args.no_docs:
        write_docs(args.workdir, rows, header)
        print(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
