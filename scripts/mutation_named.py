"""The survivors named in issue 20, applied by hand, each against the rules test that pins it.

mutmut 3 does not mutate decorated functions (the quality checks registered with
``@register_check``) nor class-level defaults (``DriftPolicy.numeric_min_effect``), and
its names change with the code; this list keeps the bugs the issue named, written as
(module, original text, mutated text, test file). Each is applied to a scratch copy
under build/mutation/named and must make its test file fail.

    python scripts/mutation_named.py        # exit 1 when a named mutant survives
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKDIR = ROOT / "build" / "mutation" / "named"

NAMED: list[tuple[str, str, str, str]] = [
    (
        "drift/_policy.py",
        "numeric_min_effect: float = 0.1",
        "numeric_min_effect: float = 0.2",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_policy.py",
        "categorical_min_effect: float = 0.05",
        "categorical_min_effect: float = 0.1",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_policy.py",
        'return self.numeric_min_effect if kind == "numeric" else self.categorical_min_effect',
        'return self.categorical_min_effect if kind == "numeric" else self.numeric_min_effect',
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_policy.py",
        "if rule.min_effect is not None:",
        "if rule.min_effect:",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_column.py",
        'if method.output == "p_value" and effect is not None:',
        "if effect is not None:",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_column.py",
        "drifted = drifted and effect.value >= effect.min_effect",
        "drifted = drifted and effect.value > effect.min_effect",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_dataset.py",
        "share >= policy.drift_share",
        "share > policy.drift_share",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_dataset.py",
        "usable = [c for c in features if c.statistic is not None]",
        "usable = list(features)",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_dataset.py",
        'if c.output == "p_value" and c.p_value is not None:',
        'if c.output == "p_value":',
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_dataset.py",
        "drifted = drifted and item.effect_size.value >= item.effect_size.min_effect",
        "drifted = drifted or item.effect_size.value >= item.effect_size.min_effect",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "drift/_dataset.py",
        "drifted = p_adj < item.threshold",
        "drifted = item.p_value < item.threshold",
        "tests/drift/test_rules_policy.py",
    ),
    (
        "profile/_merge.py",
        "segments[key] = merge_profiles(segments[key], part) if key in segments else part",
        "segments[key] = part",
        "tests/profile/test_rules_merge.py",
    ),
    (
        "profile/_merge.py",
        "null_column(left, b.n_rows)",
        "null_column(left, a.n_rows)",
        "tests/profile/test_rules_merge.py",
    ),
    (
        "profile/_merge.py",
        "null_column(right, a.n_rows)",
        "null_column(right, b.n_rows)",
        "tests/profile/test_rules_merge.py",
    ),
    (
        "profile/_merge.py",
        "if a.segment_columns != b.segment_columns:",
        "if False:",
        "tests/profile/test_rules_merge.py",
    ),
    (
        "quality/_value_checks.py",
        "if rise < config.outlier_rise_warning or facts.p_value >= config.significance:",
        "if rise < config.outlier_rise_warning and facts.p_value >= config.significance:",
        "tests/quality/test_rules_value_checks.py",
    ),
    (
        "quality/_value_checks.py",
        "side.n_distinct == 1 and side.n_present >= 2",
        "side.n_distinct == 1 and side.n_present >= 1",
        "tests/quality/test_rules_value_checks.py",
    ),
    (
        "quality/_value_checks.py",
        "if ratio is None or ratio <= config.out_of_range_warning:",
        "if ratio is None or ratio < config.out_of_range_warning:",
        "tests/quality/test_rules_value_checks.py",
    ),
    (
        "quality/_value_checks.py",
        "critical = ratio >= config.type_mismatch_critical",
        "critical = ratio > config.type_mismatch_critical",
        "tests/quality/test_rules_value_checks.py",
    ),
    (
        "quality/_value_checks.py",
        "warn = ratio >= config.unseen_share_warning",
        "warn = ratio > config.unseen_share_warning",
        "tests/quality/test_rules_value_checks.py",
    ),
    (
        "service/alerts/_state.py",
        "if evaluation.n_samples >= evaluation.monitor.min_samples:",
        "if evaluation.n_samples > evaluation.monitor.min_samples:",
        "tests/service/alerts/test_rules_state.py",
    ),
    (
        "service/alerts/_state.py",
        "and now < record.last_notified_at + evaluation.monitor.cooldown",
        "and now <= record.last_notified_at + evaluation.monitor.cooldown",
        "tests/service/alerts/test_rules_state.py",
    ),
    (
        "performance/_classification.py",
        "if present.sum() < 2:",
        "if present.sum() <= 2:",
        "tests/performance/test_rules_classification.py",
    ),
    (
        "performance/_classification.py",
        "for k in np.flatnonzero(present)]",
        "for k in range(n_classes)]",
        "tests/performance/test_rules_classification.py",
    ),
]


def run(module: str, old: str, new: str, test: str) -> bool:
    """Whether ``test`` fails with ``old`` replaced by ``new`` in ``module``."""
    if WORKDIR.exists():
        shutil.rmtree(WORKDIR)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis")
    for name in ("src", "tests"):
        shutil.copytree(ROOT / name, WORKDIR / name, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", WORKDIR / "pyproject.toml")
    path = WORKDIR / "src" / "watchkeeper" / module
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{module}: {old!r} is no longer in the code; update NAMED")
    path.write_text(text.replace(old, new), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(WORKDIR / "src")}
    command = [sys.executable, "-m", "pytest", test, "-q", "-x", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=WORKDIR, env=env, capture_output=True, check=False)
    return done.returncode != 0


def main() -> int:
    survivors = 0
    for module, old, new, test in NAMED:
        killed = run(module, old, new, test)
        survivors += not killed
        print(f"{'killed  ' if killed else 'SURVIVED'} {module}: {new.strip()[:70]}")
    print(f"{len(NAMED) - survivors} of {len(NAMED)} named mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
