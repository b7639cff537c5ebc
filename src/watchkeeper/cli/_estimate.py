"""``watchkeeper estimate REFERENCE ANALYSIS``: label-free performance (CBPE, or DLE).

Prints, per metric, its direction and thresholds, then each analysis chunk's estimate
(4 significant digits) with its sampling error, the realized value where ANALYSIS has
labels, and the side of any alert.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from watchkeeper.cli._common import (
    STDOUT,
    Subparsers,
    add_json_argument,
    add_quiet_argument,
    write_json,
)
from watchkeeper.cli._performance import (
    add_chunk_size_argument,
    chunk_lines,
    name_files,
    read_input,
    score_spec,
)

if TYPE_CHECKING:
    from watchkeeper.performance import PerformanceResult

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
    from watchkeeper._exceptions import InputError
    from watchkeeper.performance import CBPE, DLE, SizeChunker

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
    if args.json:
        payload = {
            "method": result.method,
            "problem": result.problem,
            "notes": list(result.notes),
            "thresholds_reliable": result.thresholds_reliable,
            "chunks": chunk_rows(result),
            "result": result.to_dict(),
        }
        write_json(args.json, payload)
    if not args.quiet and args.json != STDOUT:
        print("\n".join(chunk_lines(result)), file=sys.stdout)
    return EXIT_ALERT if args.fail_on_alert and result.has_alerts else EXIT_OK


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``estimate``."""
    parser = subparsers.add_parser(
        "estimate", help="estimate performance without labels (CBPE, or DLE with --feature)"
    )
    parser.add_argument("reference", help="labelled reference data file")
    parser.add_argument("analysis", help="analysis data file (targets optional)")
    parser.add_argument(
        "--prediction", required=True, metavar="COL", help="predicted label or value column"
    )
    parser.add_argument(
        "--score",
        action="append",
        metavar="COL",
        help="score column; repeat per class, or CLASS=COL",
    )
    parser.add_argument(
        "--feature", action="append", metavar="COL", help="DLE feature column (repeatable)"
    )
    parser.add_argument("--target", metavar="COL", help="target column (required in REFERENCE)")
    add_chunk_size_argument(parser, required=True)
    parser.add_argument(
        "--metric", action="append", required=True, metavar="NAME", help="metric (repeatable)"
    )
    add_json_argument(parser, "the chunks and the result")
    parser.add_argument("--fail-on-alert", action="store_true", help="exit 1 on any alert")
    add_quiet_argument(parser)
    parser.set_defaults(func=run)
