"""Streaming drift detectors: watchkeeper against River (latest) on the same streams.

    python bench/bench_streaming.py [--quick] [--no-peer]

Writes seeded synthetic streams (real-valued and binary error streams; abrupt, gradual
and no drift; four change points each) to bench/data/*.npy, runs every watchkeeper
detector over them in this process and River's counterpart (default parameters on
both sides) over the same arrays in a subprocess run with bench/.venvs/river (built
with venv + pip on first use). Detection indices from both sides are scored by the
same code, watchkeeper's harness: detections, mean detection delay, false alarms per
10,000 values and missed changes. Time per update is the best of several passes of the
same loop (``update(x)`` then read ``drift_detected``, plain Python numbers) over a
long stream without drift, in microseconds of CPU time, with rounds alternating
between River and watchkeeper.

KSWIN runs on fewer streams (River's calls scipy at every update, about 200 us), and
River's KSWIN gets ``seed=0`` like ours (its default is unseeded) so that both draw
the same samples. CUSUM and the EWMA chart have no River counterpart.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
PEER_VENV = "river"

# watchkeeper name -> (River class path, River keyword arguments)
RIVER = {
    "adwin": ("drift.ADWIN", {}),
    "page_hinkley": ("drift.PageHinkley", {}),
    "kswin": ("drift.KSWIN", {"seed": 0}),
    "ddm": ("drift.binary.DDM", {}),
    "eddm": ("drift.binary.EDDM", {}),
    "hddm_a": ("drift.binary.HDDMA", {}),
    "hddm_w": ("drift.binary.HDDMW", {}),
}
SCENARIOS = ("abrupt", "gradual", "none")
SLOW = {"kswin"}


def run_loop(detector: Any, values: list[Any]) -> tuple[list[int], float]:
    """The measured loop, identical on both sides: update, then read the flag.

    Timed in CPU seconds of this process: on a shared machine wall time mostly
    measures the neighbours.
    """
    hits = []
    start = time.process_time()
    for i, x in enumerate(values):
        detector.update(x)
        if detector.drift_detected:
            hits.append(i)
    return hits, time.process_time() - start


def run_all(make: Any, names: list[str], plan: dict[str, Any], task: str) -> dict[str, Any]:
    """For each name: detections on every stream ("detect") or one timed pass ("time")."""
    out: dict[str, Any] = {}
    for name in names:
        kind = plan["kinds"][name]
        if task == "detect":
            rows = np.load(DATA / f"streaming_{kind}.npy")
            used = plan["slow_rows"] if name in SLOW else list(range(len(rows)))
            detections = [run_loop(make(name), rows[i].tolist())[0] for i in used]
            out[name] = {"rows": used, "detections": detections}
        else:
            values = np.load(DATA / f"streaming_{kind}_timing.npy")
            values = values[: plan["slow_timing_n"] if name in SLOW else None].tolist()
            out[name] = run_loop(make(name), values)[1] / len(values) * 1e6
    return out


def river_side(task: str, plan_path: str, out_path: str) -> None:
    """Runs under River's interpreter: River's detectors over the saved streams."""
    import river
    from river import drift  # noqa: F401  - resolved by name below

    plan = json.loads(Path(plan_path).read_text())

    def make(name: str) -> Any:
        path, kwargs = RIVER[name]
        obj: Any = river
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj(**kwargs)

    result = run_all(make, list(RIVER), plan, task)
    Path(out_path).write_text(json.dumps({"version": river.__version__, "results": result}))


def write_streams(quick: bool) -> dict[str, Any]:
    """Save the scenario and timing streams; return the plan both sides follow."""
    from watchkeeper.streaming import DETECTORS, binary_stream, real_stream

    # Quick sizes: 10,000-value streams, 30,000 timed values and 3 rounds took 76 s under
    # load 5-7 (River's interpreter starts once per round).
    n = 5_000 if quick else 20_000
    seeds = range(2 if quick else 6)
    points = [n // 5 * k for k in range(1, 5)]
    width = n // 40
    streams: dict[str, list[Any]] = {"real": [], "binary": []}
    for drift in SCENARIOS:
        for seed in seeds:
            cps = None if drift == "none" else points
            streams["real"].append(
                real_stream(n=n, drift=drift, change_points=cps, width=width, seed=seed)
            )
            streams["binary"].append(
                binary_stream(n=n, drift=drift, change_points=cps, width=width, seed=seed)
            )
    DATA.mkdir(exist_ok=True)
    timing_n = 10_000 if quick else 100_000
    for kind, made in streams.items():
        np.save(DATA / f"streaming_{kind}.npy", np.stack([s.values for s in made]))
    np.save(
        DATA / "streaming_real_timing.npy", real_stream(n=timing_n, drift="none", seed=99).values
    )
    np.save(
        DATA / "streaming_binary_timing.npy",
        binary_stream(n=timing_n, drift="none", seed=99).values,
    )
    order = {
        kind: [(s.drift, s.seed, s.change_points) for s in made] for kind, made in streams.items()
    }
    return {
        "n": n,
        "kinds": {name: info.input_kind for name, info in DETECTORS.items()},
        "order": order,
        # Slow detectors see one stream per scenario (the first seed of each).
        "slow_rows": [i for i, (_, seed, _) in enumerate(order["real"]) if seed == 0],
        "timing_n": timing_n,
        "slow_timing_n": 1_000 if quick else 5_000,
        "repeats": 2 if quick else 5,
    }


def score(plan: dict[str, Any], name: str, run: dict[str, Any]) -> dict[str, Any]:
    """Harness summary per drift scenario of one side's detections."""
    from watchkeeper.streaming import score_detections, summarize

    order = plan["order"][plan["kinds"][name]]
    per: dict[str, list[Any]] = {s: [] for s in SCENARIOS}
    for row, hits in zip(run["rows"], run["detections"], strict=True):
        drift, _, cps = order[row]
        per[drift].append(score_detections(hits, cps, plan["n"]))
    return {drift: summarize(scores).to_dict() for drift, scores in per.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer and shorter streams")
    parser.add_argument("--no-peer", action="store_true", help="skip River")
    parser.add_argument(
        "--river-side", nargs=3, metavar=("TASK", "PLAN", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.river_side:
        river_side(*args.river_side)
        return

    sys.path.insert(0, str(ROOT))
    import _harness as h

    from watchkeeper.streaming import DETECTORS, make_detector

    plan = write_streams(args.quick)
    plan_path = DATA / "streaming_plan.json"
    plan_path.write_text(json.dumps(plan))

    peer: dict[str, Any] = {}
    peer_times: dict[str, float] = {}
    river_version = None
    python = None
    if not args.no_peer:
        try:
            python = h.ensure_venv(PEER_VENV, ["river", "numpy"])
        except RuntimeError as err:
            print(f"River unavailable: {err}", file=sys.stderr)

    def river(task: str) -> dict[str, Any] | None:
        if python is None:
            return None
        out_path = DATA / "streaming_river.json"
        cmd = [str(python), __file__, "--river-side", task, str(plan_path), str(out_path)]
        if subprocess.run(cmd, check=False).returncode != 0:
            return None
        loaded: dict[str, Any] = json.loads(out_path.read_text())
        return loaded

    make = make_detector
    print("detections: River, then watchkeeper", file=sys.stderr, flush=True)
    loaded = river("detect")
    if loaded:
        peer, river_version = loaded["results"], loaded["version"]
    ours = run_all(make, list(DETECTORS), plan, "detect")
    # Timing rounds alternate between the two sides, so that both meet the same
    # neighbours on a shared machine; each side keeps its best round.
    our_times: dict[str, float] = {}
    for round_ in range(plan["repeats"]):
        print(f"timing round {round_ + 1}/{plan['repeats']}", file=sys.stderr, flush=True)
        loaded = river("time")
        for name, us in (loaded["results"] if loaded else {}).items():
            peer_times[name] = min(us, peer_times.get(name, us))
        for name, us in run_all(make, list(DETECTORS), plan, "time").items():
            our_times[name] = min(us, our_times.get(name, us))

    rows = []
    payload: dict[str, Any] = {"plan": {k: v for k, v in plan.items() if k != "order"}}
    for name in DETECTORS:
        ours_score = score(plan, name, ours[name])
        peer_score = score(plan, name, peer[name]) if name in peer else None
        same = None
        if name in peer:
            pairs = zip(ours[name]["detections"], peer[name]["detections"], strict=False)
            same = sum(a == b for a, b in pairs) / len(peer[name]["detections"])
        payload[name] = {
            "watchkeeper": {**ours_score, "us_per_update": our_times[name]},
            "river": None
            if peer_score is None
            else {**peer_score, "us_per_update": peer_times.get(name)},
            "identical_detections": same,
        }
        for drift in SCENARIOS:
            ws = ours_score[drift]
            rs = peer_score[drift] if peer_score else None

            def cell(s: dict[str, Any] | None, key: str, digits: int = 1) -> str:
                if s is None or s[key] is None:
                    return "-"
                return f"{s[key]:.{digits}f}" if isinstance(s[key], float) else str(s[key])

            rows.append(
                [
                    name,
                    drift,
                    f"{cell(ws, 'detections')}/{cell(rs, 'detections')}",
                    f"{cell(ws, 'mean_delay')}/{cell(rs, 'mean_delay')}",
                    f"{cell(ws, 'false_alarms_per_10k', 2)}/{cell(rs, 'false_alarms_per_10k', 2)}",
                    f"{cell(ws, 'missed_changes')}/{cell(rs, 'missed_changes')}",
                    f"{ws['changes']}",
                ]
            )
    h.print_table(
        f"detection, watchkeeper/River {river_version or '-'} (streams of {plan['n']:,} values, "
        "4 changes each when drifting)",
        ["detector", "drift", "detections", "mean delay", "false alarms/10k", "missed", "changes"],
        rows,
    )
    timing_rows = []
    for name in DETECTORS:
        w = our_times[name]
        r = peer_times.get(name)
        same = payload[name]["identical_detections"]
        timing_rows.append(
            [
                name,
                f"{w:.2f}",
                "-" if r is None else f"{r:.2f}",
                h.fmt_ratio(h.ratio(w, r)),
                "-" if same is None else f"{same:.0%}",
            ]
        )
    h.print_table(
        f"CPU time per update (us, best of {plan['repeats']} alternating rounds over a stream "
        f"of {plan['timing_n']:,} values without drift; KSWIN {plan['slow_timing_n']:,})",
        ["detector", "watchkeeper", "River", "ratio", "identical detections"],
        timing_rows,
    )
    payload["river_version"] = river_version
    payload["machine"] = h.machine_info()
    print(f"\nresults: {h.save_results('streaming', payload, quick=args.quick)}")


if __name__ == "__main__":
    main()
