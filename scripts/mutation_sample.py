"""A quick, seeded mutation check of the core modules a change touched: `make mutation-sample`.

The changed modules are those that differ from the merge-base of HEAD and ``--base``
(default ``main``), committed or not, and match ``[tool.mutmut] only_mutate`` in
pyproject.toml. From their mutants a seeded sample (``--mutants``, default 30) is run
with mutmut, and the command fails when the share killed is below ``--threshold``
(default 0.85, issue 20's target); the survivors are printed with their change. No
changed core module: nothing to do, success.

    python scripts/mutation_sample.py                      # against main's merge-base
    python scripts/mutation_sample.py --modules drift/_policy.py --mutants 40

Each module is tested by its own area's tests (tests/drift for drift/_column.py), in a
scratch copy under build/mutation/sample; the full run is scripts/mutation.py.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutation import (  # a script beside this one, not a package
    EQUIVALENT,
    PACKAGE,
    ROOT,
    core_patterns,
    describe,
    generate,
    is_core,
    module_results,
    prepare,
    run_mutants,
    scores,
    table,
)


def _git(*args: str) -> list[str]:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line]


def changed_core_modules(base: str) -> list[str]:
    """Core modules (package-relative) changed since the merge-base of HEAD and ``base``."""
    merge_base = _git("merge-base", "HEAD", base)[0]
    paths = set(_git("diff", "--name-only", merge_base, "--", PACKAGE))
    paths |= set(_git("ls-files", "--others", "--exclude-standard", "--", PACKAGE))
    patterns = core_patterns()
    return sorted(
        p.removeprefix(PACKAGE) for p in paths if is_core(p, patterns) and (ROOT / p).exists()
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="compare with its merge-base")
    parser.add_argument("--modules", nargs="*", help="package-relative; instead of git")
    parser.add_argument("--mutants", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--threshold", type=float, default=0.85)
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--nice", type=int, default=10, help="niceness (0: none)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "mutation" / "sample")
    args = parser.parse_args(argv)
    modules = args.modules if args.modules else changed_core_modules(args.base)
    if not modules:
        print(f"mutation sample: no core module changed since {args.base}'s merge-base")
        return 0
    began = time.monotonic()
    # Each module's own area of tests (tests/drift for drift/...): quick to map and run.
    areas = sorted({f"tests/{Path(m).parent.as_posix()}" for m in modules})
    prepare(args.workdir, modules, test_dirs=[a for a in areas if (ROOT / a).is_dir()])
    generate(args.workdir, niceness=args.nice)
    pool = sorted(
        name
        for codes in module_results(args.workdir).values()
        for name in codes
        if name not in EQUIVALENT
    )
    chosen = sorted(random.Random(args.seed).sample(pool, min(args.mutants, len(pool))))
    run_mutants(args.workdir, chosen, niceness=args.nice, children=args.max_children)
    rows = scores(args.workdir, set(chosen))
    killed = sum(r.killed for r in rows)
    judged = killed + sum(len(r.survived) for r in rows)
    score = killed / judged if judged else 1.0
    seconds = time.monotonic() - began
    print(f"mutation sample: {len(chosen)} of {len(pool)} mutants of {', '.join(modules)}")
    print(f"seed {args.seed}, {seconds:.0f} s")
    print(table(rows))
    for r in rows:
        for name in r.survived:
            print(f"survived: {name}: {describe(args.workdir, name)}")
    verdict = "ok" if score >= args.threshold else "FAILED"
    print(f"mutation sample: {score:.0%} killed, threshold {args.threshold:.0%}: {verdict}")
    return 0 if score >= args.threshold else 1


if __name__ == "__main__":
    raise SystemExit(main())
