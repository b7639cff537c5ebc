"""A/B tests between model versions: champion and challenger, or shadow traffic.

Every difference is ``B - A``. Whether a positive difference is good is the metric's
``higher_is_better`` (``accuracy``, ``roc_auc``, ``conversion_rate``: higher is better;
``error_rate``, ``mae``, ``mse``, ``latency_ms``: lower is better); ``winner`` says it
in words. Fixed-horizon tests (:func:`compare_arms` and the tests it dispatches to)
are for one look at the end; :class:`MixtureSPRT` stays valid however often one
looks. :func:`compare_versions` reads a served model's closed windows from the
monitoring service. See ``docs/ab-testing.md``.
"""

from watchkeeper.abtest._from_service import WindowSource, compare_versions
from watchkeeper.abtest._metrics import (
    AB_METRICS,
    ABMetric,
    Arm,
    available_ab_metrics,
    compare_arms,
    get_ab_metric,
)
from watchkeeper.abtest._power import sample_size_means, sample_size_proportions
from watchkeeper.abtest._results import (
    ABTestResult,
    SampleSizeResult,
    SequentialResult,
    VersionComparison,
)
from watchkeeper.abtest._sequential import MixtureSPRT, sequential_test
from watchkeeper.abtest._tests import (
    bootstrap_auc_test,
    paired_proportion_test,
    paired_ttest,
    two_proportion_ztest,
    welch_ttest,
    welch_ttest_from_stats,
)

__all__ = [
    "AB_METRICS",
    "ABMetric",
    "ABTestResult",
    "Arm",
    "MixtureSPRT",
    "SampleSizeResult",
    "SequentialResult",
    "VersionComparison",
    "WindowSource",
    "available_ab_metrics",
    "bootstrap_auc_test",
    "compare_arms",
    "compare_versions",
    "get_ab_metric",
    "paired_proportion_test",
    "paired_ttest",
    "sample_size_means",
    "sample_size_proportions",
    "sequential_test",
    "two_proportion_ztest",
    "welch_ttest",
    "welch_ttest_from_stats",
]
