"""``watchkeeper estimate REFERENCE ANALYSIS``: label-free performance (CBPE, or DLE)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from watchkeeper._exceptions import InputError
from watchkeeper.cli._performance import name_files, read_input, score_spec
from watchkeeper.performance import CBPE, DLE, SizeChunker
from watchkeeper.performance._results import PerformanceResult

EXIT_OK, EXIT_ALERT = 0, 1


def chunk_rows(result: PerformanceResult) -> list[dict[str, object]]:
    """The per-chunk JSON rows of the analysis chunks, one metric (all rows segment)."""
    rows = []
    for metric in result.metrics:
        if metric.segment is not None:
            continue
        for c in metric.analysis:
            d = c.to_dict()
            rows.append(
                {
                    "metric": metric.metric,
                    "index": c.index,
                    "start": c.start,
                    "end": c.end,
                    "estimated": d["value"],
                    "sampling_error": d["sampling_error"],
                    "lower_threshold": d["lower_threshold"],
                    "upper_threshold": d["upper_threshold"],
                    "alert": c.alert,
                    "realized": d["realized"] if c.n_labelled else None,
                }
            )
    return rows


def run(args: argparse.Namespace) -> int:
    reference = read_input(args.reference)
    analysis = read_input(args.analysis)
    if args.target is None:
        raise InputError("--target names the target column of REFERENCE; it is required to fit")
    chunker = SizeChunker(args.chunk_size)
    try:
        if args.score:
            estimator: CBPE | DLE = CBPE(
                y_pred=args.prediction, y_score=score_spec(args.score), y_true=args.target,
                metrics=args.metric, chunker=chunker,
            )  # fmt: skip
        elif args.feature:
            estimator = DLE(
                features=args.feature, y_pred=args.prediction, y_true=args.target,
                metrics=args.metric, chunker=chunker,
            )  # fmt: skip
        else:
            raise InputError("give --score for CBPE (classification) or --feature for DLE")
        result = estimator.fit(reference).estimate(analysis)
    except InputError as error:
        message = name_files(str(error), reference=args.reference, analysis=args.analysis)
        raise InputError(message) from None
    rows = chunk_rows(result)
    payload = {"method": result.method, "problem": result.problem, "notes": list(result.notes),
               "chunks": rows, "result": result.to_dict()}  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(payload, indent=2), encoding="utf-8")
    for row in rows:
        flag = "ALERT" if row["alert"] else ""
        print(f"{row['metric']} chunk {row['index']} [{row['start']}:{row['end']}] "
              f"{row['estimated']} ± {row['sampling_error']} {flag}", file=sys.stdout)  # fmt: skip
    return EXIT_ALERT if args.fail_on_alert and result.has_alerts else EXIT_OK


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``estimate``."""
    parser = subparsers.add_parser(
        "estimate", help="estimate performance without labels (CBPE, or DLE with --feature)"
    )
    parser.add_argument("reference", help="labelled reference data file")
    parser.add_argument("analysis", help="analysis data file (targets optional)")
    parser.add_argument("--prediction", required=True, help="predicted label or value column")
    parser.add_argument(
        "--score", action="append", help="score column; repeat per class, or CLASS=COL"
    )
    parser.add_argument("--feature", action="append", help="DLE feature column (repeatable)")
    parser.add_argument("--target", help="target column (required in REFERENCE)")
    parser.add_argument("--chunk-size", type=int, required=True, help="rows per chunk")
    parser.add_argument("--metric", action="append", required=True, help="metric name")
    parser.add_argument("--json", help="write the result as JSON here")
    parser.add_argument("--fail-on-alert", action="store_true", help="exit 1 on any alert")
    parser.set_defaults(func=run)
