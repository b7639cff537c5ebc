"""Drift report benchmark: watchkeeper's CLI against plain scipy and Evidently, same files.

For each size N (rows per side; 100k and 1M, or 10k and 100k with ``--quick``) it
generates the seeded workload once (bench/workload.py, cached in bench/data/N/), then
runs, each as its own process, one after the other:

- ``read``: read both parquet files into Arrow and hold them (bench/peers/read_arrow.py),
  the memory floor;
- ``watchkeeper``: ``watchkeeper report REF CUR --json OUT --html OUT`` from watchkeeper's
  venv (reported as "not available" until the ``report`` sub-command exists);
- ``scipy``: KS + chi-squared + PSI by hand (bench/peers/scipy_drift.py), the speed floor;
- ``evidently``: Evidently's DataDriftPreset in bench/.venvs/evidently, built on first use.

Wall time and peak RSS are measured from outside each process (bench/_harness.py says
how). Detection quality is scored against the workload's ground truth: shifted columns
caught (of 7) and false alarms on the unshifted ones (of 18).

Prints one table per N and the ratios the issue sets targets for (watchkeeper within 1.5x
of scipy's wall time, at least 10x faster than Evidently, peak RSS within 1.5x of reading
both files), and saves everything to bench/results/drift-TIMESTAMP.json (and
drift-latest.json). Exits non-zero when a tool that is installed fails to run.

    python bench/bench_drift.py [--quick] [--sizes 100000,1000000] [--tools scipy,evidently]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _harness as h
import workload

PEERS = h.BENCH_DIR / "peers"
EVIDENTLY_VENV = "evidently"
# Evidently 0.7 imports a pandas helper that pandas 3 removed; its wheel does not pin it.
EVIDENTLY_REQUIREMENTS = ("evidently", "pandas<3", "pyarrow")
TOOLS = ("read", "watchkeeper", "scipy", "evidently")
TIMEOUT_SECONDS = 1800.0

# Targets from the issue ("Performance to reach").
TARGET_VS_SCIPY = 1.5
TARGET_EVIDENTLY_OVER_WK = 10.0
TARGET_RSS_VS_READ = 1.5


@dataclass(frozen=True)
class Run:
    tool: str
    status: str  # "ok", "failed", "not available"
    measurement: h.Measurement | None = None
    drifted: tuple[str, ...] | None = None
    note: str = ""


def watchkeeper_executable() -> Path | None:
    for candidate in (
        Path(sys.executable).with_name("watchkeeper"),
        h.REPO_DIR / ".venv" / "bin" / "watchkeeper",
    ):
        if candidate.exists():
            return candidate
    found = shutil.which("watchkeeper")
    return Path(found) if found else None


def watchkeeper_available() -> tuple[Path | None, str]:
    exe = watchkeeper_executable()
    if exe is None:
        return None, "no watchkeeper executable in the venv"
    probe = subprocess.run(
        [str(exe), "report", "--help"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return None, "`watchkeeper report` does not exist yet"
    return exe, ""


def _flagged_watchkeeper(out_json: Path) -> tuple[str, ...]:
    report = json.loads(out_json.read_text())
    return tuple(str(c["column"]) for c in report["drift"]["columns"] if c.get("drifted"))


def _flagged_peer(out_json: Path) -> tuple[str, ...]:
    return tuple(str(c) for c in json.loads(out_json.read_text())["drifted"])


def _run(
    tool: str,
    cmd: list[str],
    parse: Callable[[], tuple[str, ...]] | None,
) -> Run:
    print(f"  {tool:<12} running ...", end="", flush=True)
    m = h.measure(cmd, timeout=TIMEOUT_SECONDS)
    if not m.ok:
        print(f" FAILED (exit {m.returncode})", flush=True)
        print("    " + m.tail().replace("\n", "\n    "), flush=True)
        return Run(tool, "failed", m, note=f"exit {m.returncode}: {m.tail(3)}")
    drifted: tuple[str, ...] | None = None
    note = ""
    if parse is not None:
        try:
            drifted = parse()
        except (OSError, ValueError, KeyError, TypeError) as error:
            note = f"could not read its verdicts: {error!r}"
    print(f" {m.wall_seconds:.2f} s, {h.fmt_mib(m.peak_rss_bytes)} MiB", flush=True)
    return Run(tool, "ok", m, drifted, note)


def bench_size(n: int, tools: tuple[str, ...]) -> dict[str, Any]:
    print(f"\n=== N = {n:,} rows per side x 25 columns ===", flush=True)
    folder = workload.ensure_workload(n)
    truth = json.loads((folder / "ground_truth.json").read_text())
    ref, cur = folder / "reference.parquet", folder / "current.parquet"
    out = h.RESULTS_DIR / "drift" / str(n)
    runs: dict[str, Run] = {}

    if "read" in tools:
        runs["read"] = _run(
            "read", [sys.executable, str(PEERS / "read_arrow.py"), str(ref), str(cur)], None
        )

    if "watchkeeper" in tools:
        exe, why = watchkeeper_available()
        if exe is None:
            print(f"  {'watchkeeper':<12} not available ({why})", flush=True)
            runs["watchkeeper"] = Run("watchkeeper", "not available", note=why)
        else:
            wk_json, wk_html = (
                out / "watchkeeper" / "report.json",
                out / "watchkeeper" / "report.html",
            )
            wk_json.parent.mkdir(parents=True, exist_ok=True)
            wk_json.unlink(missing_ok=True)
            cmd = [
                str(exe),
                "report",
                str(ref),
                str(cur),
                "--json",
                str(wk_json),
                "--html",
                str(wk_html),
            ]
            runs["watchkeeper"] = _run("watchkeeper", cmd, lambda: _flagged_watchkeeper(wk_json))

    if "scipy" in tools:
        sp_json = out / "scipy" / "drift.json"
        sp_json.unlink(missing_ok=True)
        cmd = [
            sys.executable,
            str(PEERS / "scipy_drift.py"),
            str(ref),
            str(cur),
            "--json",
            str(sp_json),
        ]
        runs["scipy"] = _run("scipy", cmd, lambda: _flagged_peer(sp_json))

    if "evidently" in tools:
        try:
            python = h.ensure_venv(EVIDENTLY_VENV, EVIDENTLY_REQUIREMENTS)
        except RuntimeError as error:
            print(f"  {'evidently':<12} not available (venv build failed)\n{error}", flush=True)
            runs["evidently"] = Run("evidently", "not available", note=str(error))
        else:
            ev = out / "evidently"
            ev_summary = ev / "summary.json"
            ev_summary.unlink(missing_ok=True)
            cmd = [
                str(python), str(PEERS / "evidently_drift.py"), str(ref), str(cur),
                "--html", str(ev / "report.html"), "--json", str(ev / "snapshot.json"),
                "--summary", str(ev_summary),
            ]  # fmt: skip
            runs["evidently"] = _run("evidently", cmd, lambda: _flagged_peer(ev_summary))

    return summarise(n, truth, runs)


def _wall(runs: dict[str, Run], tool: str) -> float | None:
    run = runs.get(tool)
    return run.measurement.wall_seconds if run and run.status == "ok" and run.measurement else None


def _rss(runs: dict[str, Run], tool: str) -> int | None:
    run = runs.get(tool)
    return (
        run.measurement.peak_rss_bytes if run and run.status == "ok" and run.measurement else None
    )


def summarise(n: int, truth: dict[str, Any], runs: dict[str, Run]) -> dict[str, Any]:
    shifted, unshifted = set(truth["shifted"]), set(truth["unshifted"])
    scipy_wall, read_rss = _wall(runs, "scipy"), _rss(runs, "read")
    rows: list[list[object]] = []
    tools_json: dict[str, Any] = {}
    for tool, run in runs.items():
        entry: dict[str, Any] = {"status": run.status, "note": run.note}
        wall, rss = _wall(runs, tool), _rss(runs, tool)
        caught = alarms = "-"
        if run.drifted is not None:
            flagged = set(run.drifted)
            entry["flagged"] = sorted(flagged)
            entry["missed"] = sorted(shifted - flagged)
            entry["false_alarms"] = sorted(unshifted & flagged)
            entry["caught"] = len(shifted & flagged)
            caught = f"{entry['caught']}/{len(shifted)}"
            alarms = f"{len(entry['false_alarms'])}/{len(unshifted)}"
        if run.measurement is not None:
            entry["measurement"] = run.measurement.to_json()
        tools_json[tool] = entry
        if run.status != "ok":
            rows.append([tool, "-", "-", "-", "-", "-", "-", "-", f"{run.status}: {run.note}"])
            continue
        misses = ", ".join(entry.get("missed", []))
        extra = ", ".join(entry.get("false_alarms", []))
        detail = "; ".join(
            part
            for part in (f"missed {misses}" if misses else "", f"false {extra}" if extra else "")
            if part
        )
        rows.append(
            [
                tool,
                h.fmt_seconds(wall),
                h.fmt_mib(rss),
                h.fmt_ratio(h.ratio(wall, scipy_wall)),
                h.fmt_ratio(h.ratio(rss, _rss(runs, "scipy"))),
                h.fmt_ratio(h.ratio(rss, read_rss)),
                caught,
                alarms,
                detail,
            ]
        )
    h.print_table(
        f"N = {n:,}: wall time, peak RSS, detection "
        f"({len(shifted)} shifted, {len(unshifted)} unshifted columns)",
        [
            "tool",
            "wall s",
            "RSS MiB",
            "time/scipy",
            "RSS/scipy",
            "RSS/read",
            "caught",
            "false alarms",
            "detail",
        ],
        rows,
    )
    wk_wall, wk_rss, ev_wall = (
        _wall(runs, "watchkeeper"),
        _rss(runs, "watchkeeper"),
        _wall(runs, "evidently"),
    )
    ratios = {
        "watchkeeper_over_scipy_wall": h.ratio(wk_wall, scipy_wall),
        "evidently_over_watchkeeper_wall": h.ratio(ev_wall, wk_wall),
        "evidently_over_scipy_wall": h.ratio(ev_wall, scipy_wall),
        "watchkeeper_over_read_rss": h.ratio(wk_rss, read_rss),
        "watchkeeper_over_scipy_rss": h.ratio(wk_rss, _rss(runs, "scipy")),
        "evidently_over_watchkeeper_rss": h.ratio(_rss(runs, "evidently"), wk_rss),
    }
    checks = [
        (
            "watchkeeper / scipy wall",
            ratios["watchkeeper_over_scipy_wall"],
            f"<= {TARGET_VS_SCIPY}x",
        ),
        (
            "evidently / watchkeeper wall",
            ratios["evidently_over_watchkeeper_wall"],
            f">= {TARGET_EVIDENTLY_OVER_WK}x",
        ),
        (
            "watchkeeper RSS / read RSS",
            ratios["watchkeeper_over_read_rss"],
            f"<= {TARGET_RSS_VS_READ}x",
        ),
        ("evidently / scipy wall", ratios["evidently_over_scipy_wall"], ""),
        ("evidently / watchkeeper RSS", ratios["evidently_over_watchkeeper_rss"], ""),
    ]
    print()
    for label, value, target in checks:
        verdict = ""
        if value is not None and target:
            limit = float(target.split()[1].rstrip("x"))
            met = value <= limit if target.startswith("<=") else value >= limit
            verdict = "  (target " + target + (": met)" if met else ": NOT met)")
        print(f"  {label:<30} {h.fmt_ratio(value):>8}{verdict}")
    return {
        "rows_per_side": n,
        "workload": {k: truth[k] for k in ("seed", "generator_version", "shifted", "unshifted")},
        "tools": tools_json,
        "ratios": ratios,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="N = 10k and 100k instead of 100k and 1M"
    )
    parser.add_argument("--sizes", help="comma-separated rows per side, overrides the defaults")
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}"
    )
    args = parser.parse_args(argv)
    if args.sizes:
        sizes = [int(float(s)) for s in args.sizes.split(",")]
    else:
        sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    tools = tuple(t.strip() for t in args.tools.split(",") if t.strip())
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        parser.error(f"unknown tools {unknown}; choose from {', '.join(TOOLS)}")

    machine = h.machine_info()
    print(f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB")
    results = [bench_size(n, tools) for n in sizes]
    payload = {
        "benchmark": "drift",
        "machine": machine,
        "versions": {
            "evidently": h.installed_version(EVIDENTLY_VENV, "evidently"),
            "scipy": _version("scipy"),
            "pyarrow": _version("pyarrow"),
            "watchkeeper": _version("watchkeeper"),
        },
        "sizes": results,
    }
    path = h.save_results("drift", payload)
    print(f"\nresults saved to {path.relative_to(h.REPO_DIR)}")
    failed = [
        f"{r['rows_per_side']}:{tool}"
        for r in results
        for tool, entry in r["tools"].items()
        if entry["status"] == "failed"
    ]
    if failed:
        print(f"failed runs: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
