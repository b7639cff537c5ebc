"""``watchkeeper profile DATA... -o ref.wkp`` and ``watchkeeper merge A.wkp B.wkp -o AB.wkp``.

``profile`` streams files (parquet row groups, CSV blocks, globs) into a profile; with
``--reference`` it counts on that profile's bins (current data), without it it reads
the data twice and fixes its own bins (a reference). ``merge`` adds profiles of parts
into the profile of the whole.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from watchkeeper.cli._common import (
    EXIT_OK,
    STDOUT,
    Subparsers,
    add_json_argument,
    add_quiet_argument,
    write_output,
)

if TYPE_CHECKING:
    from watchkeeper.profile import Profile

# The profile package's DEFAULT_BATCH_SIZE, repeated so that --help needs no numpy;
# tests/cli/test_conventions.py checks that the two agree.
DEFAULT_BATCH_SIZE = 65_536

__all__ = ["add_parser"]


def _progress_flags(parser: argparse.ArgumentParser) -> None:
    add_quiet_argument(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    group.add_argument("--no-progress", dest="progress", action="store_false", help="no bar")


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Register ``profile`` and ``merge``."""
    profile = subparsers.add_parser(
        "profile",
        help="profile data files into a mergeable .wkp profile",
        description="Profile DATA (parquet, CSV or JSONL files or quoted globs) in batches.",
    )
    profile.add_argument(
        "data", nargs="+", metavar="DATA", help="files or quoted globs, read in order"
    )
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
    add_json_argument(profile, "the profile too")
    profile.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        metavar="ROWS",
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
    add_json_argument(merge, "the merged profile too")
    add_quiet_argument(merge)
    merge.set_defaults(func=run_merge)


def _write(profile: Profile, args: argparse.Namespace) -> None:
    path = profile.save(args.output)
    if args.json:
        write_output(args.json, profile.to_json())
    if not args.quiet and args.json != STDOUT:
        size = path.stat().st_size
        print(
            f"{profile.n_rows:,} rows, {len(profile.columns)} columns profiled: "
            f"{path} ({size:,} bytes)"
        )
        if args.json:
            print(f"JSON: {args.json}")


def run_profile(args: argparse.Namespace) -> int:
    """Profile the files in batches and save the profile."""
    from watchkeeper._progress import Progress
    from watchkeeper.profile import Profile, profile_source
    from watchkeeper.schema import load_schema_file

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
    """Merge the profiles of parts into the profile of the whole."""
    from watchkeeper.profile import Profile, merge_all

    _write(merge_all(Profile.load(path) for path in args.profiles), args)
    return EXIT_OK
