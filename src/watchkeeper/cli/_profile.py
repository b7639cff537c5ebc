"""``watchkeeper profile DATA... -o ref.wkp`` and ``watchkeeper merge A.wkp B.wkp -o AB.wkp``.

``profile`` streams files (parquet row groups, CSV blocks, globs) into a profile; with
``--reference`` it counts on that profile's bins (current data), without it it reads
the data twice and fixes its own bins (a reference). ``merge`` adds profiles of parts
into the profile of the whole.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from watchkeeper._progress import Progress
from watchkeeper.cli._main import EXIT_OK
from watchkeeper.profile import DEFAULT_BATCH_SIZE, Profile, merge_all, profile_source
from watchkeeper.schema import load_schema_file

__all__ = ["add_parser"]


def _progress_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--progress", dest="progress", action="store_true", default=None)
    group.add_argument("--no-progress", dest="progress", action="store_false")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    profile = subparsers.add_parser(
        "profile",
        help="profile data files into a mergeable .wkp profile",
        description="Profile DATA (parquet, CSV or JSONL files or quoted globs) in batches.",
    )
    profile.add_argument("data", nargs="+", help="files or quoted globs, read in order")
    profile.add_argument("-o", "--output", required=True, metavar="OUT.wkp", help="profile file")
    profile.add_argument("--schema", metavar="FILE", help="YAML file declaring column kinds/roles")
    profile.add_argument(
        "--reference",
        metavar="REF.wkp",
        help="count on this reference profile's bins (for current data; one pass)",
    )
    profile.add_argument(
        "--segment",
        action="append",
        default=[],
        metavar="COL",
        help="also profile each value of COL apart (repeat for combinations)",
    )
    profile.add_argument("--json", metavar="OUT", help="also write the profile as JSON")
    profile.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"rows per batch (default {DEFAULT_BATCH_SIZE:,})",
    )
    _progress_flags(profile)
    profile.set_defaults(func=run_profile)

    merge = subparsers.add_parser(
        "merge",
        help="merge .wkp profiles of parts into the profile of the whole",
        description="Merge profiles (made with the same schema and reference bins).",
    )
    merge.add_argument("profiles", nargs="+", metavar="PROFILE.wkp", help="profiles to merge")
    merge.add_argument("-o", "--output", required=True, metavar="OUT.wkp", help="merged profile")
    merge.add_argument("--json", metavar="OUT", help="also write the merged profile as JSON")
    merge.add_argument("--quiet", action="store_true", help="print nothing but errors")
    merge.set_defaults(func=run_merge)


def _write(profile: Profile, args: argparse.Namespace) -> None:
    path = profile.save(args.output)
    if args.json:
        Path(args.json).write_text(profile.to_json(), encoding="utf-8")
    if not args.quiet:
        size = path.stat().st_size
        print(
            f"{profile.n_rows:,} rows, {len(profile.columns)} columns profiled: "
            f"{path} ({size:,} bytes)"
        )
        if args.json:
            print(f"JSON: {args.json}")


def run_profile(args: argparse.Namespace) -> int:
    schema = load_schema_file(args.schema) if args.schema else None
    reference = Profile.load(args.reference) if args.reference else None
    show = sys.stderr.isatty() if args.progress is None else args.progress
    profile = profile_source(
        list(args.data),
        schema=schema,
        bins_from=reference,
        segments=tuple(args.segment),
        batch_size=args.batch_size,
        progress=Progress(enabled=show and not args.quiet),
    )
    _write(profile, args)
    return EXIT_OK


def run_merge(args: argparse.Namespace) -> int:
    _write(merge_all(Profile.load(path) for path in args.profiles), args)
    return EXIT_OK
