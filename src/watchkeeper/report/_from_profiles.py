"""The report when either side is a profile (a :class:`~watchkeeper.profile.Profile` or
a ``.wkp`` file), or when both sides are streamed because they do not fit in memory.

Drift comes from :func:`~watchkeeper.drift.compare_profiles`, data quality from
:func:`~watchkeeper.quality.assess_profiles`; this module only assembles the report.
Raw data on one side is profiled here, in batches, with the other side's bins.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from watchkeeper._progress import Progress
from watchkeeper._sides import is_profile_source, profile_pair
from watchkeeper.drift import DriftPolicy
from watchkeeper.drift._from_profiles import compare_profiles
from watchkeeper.profile import DEFAULT_BATCH_SIZE
from watchkeeper.quality import QualityConfig, assess_profiles
from watchkeeper.report._report import DatasetInfo, Report, _source_name
from watchkeeper.schema import Schema

__all__ = ["is_profile_source", "report_from_profiles"]


def report_from_profiles(
    reference: Any,
    current: Any,
    *,
    schema: Schema | Mapping[str, Any] | None = None,
    policy: DriftPolicy | None = None,
    quality: QualityConfig | None = None,
    progress: bool | Progress = False,
    names: tuple[str | None, str | None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Report:
    """The report of ``current`` against ``reference`` where either side is a profile
    (or both are raw sources to stream: files, globs, frames).

    >>> import numpy as np
    >>> from watchkeeper.profile import profile_source
    >>> rng = np.random.default_rng(7)
    >>> plans = ["a", "b", "c"]
    >>> ref = profile_source({"age": rng.normal(40, 10, 5000), "plan": rng.choice(plans, 5000)})
    >>> cur = {"age": rng.normal(46, 10, 5000), "plan": rng.choice(plans + ["d"], 5000)}
    >>> result = report_from_profiles(ref, cur)
    >>> result.drift.drifted_columns, result.drift["age"].comparison
    (['age', 'plan'], 'exact')
    >>> [f.check for f in result.quality.findings if f.column == "plan"]
    ['unseen_categories']
    """
    bar = progress if isinstance(progress, Progress) else Progress(enabled=bool(progress))
    ref, cur, resolved = profile_pair(
        reference, current, schema=schema, batch_size=batch_size, progress=bar
    )
    bar.start("comparing columns", sum(1 for s in resolved if s.compared))
    drift = compare_profiles(ref, cur, policy, bar.step)
    quality_result = assess_profiles(ref, cur, schema=resolved, config=quality)
    bar.finish()
    ref_name, cur_name = names or (_source_name(reference), _source_name(current))
    return Report(
        reference=DatasetInfo(ref_name, ref.n_rows, ref.n_columns),
        current=DatasetInfo(cur_name, cur.n_rows, cur.n_columns),
        schema=resolved,
        drift=drift,
        quality=quality_result,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
