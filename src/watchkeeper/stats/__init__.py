"""Statistical kernels: two-sample tests, distances and multiple-testing corrections.

Pure numpy/scipy; nothing here knows about files, frames or reports. Every test and
distance is registered by name (:func:`get_method`, :func:`available_methods`) with
metadata saying which column kinds it applies to, whether it returns a p-value (smaller
is worse) or a distance (larger is worse), and its default threshold.
"""

from watchkeeper.stats._binning import bin_counts, quantile_edges
from watchkeeper.stats._categorical import (
    chisquare_contingency,
    chisquare_goodness_of_fit,
    fisher_exact_test,
    g_test,
    two_proportion_z_test,
)
from watchkeeper.stats._corrections import CORRECTION_METHODS, adjust_p_values
from watchkeeper.stats._distances import (
    SHARE_FLOOR,
    energy_distance,
    floored_shares,
    hellinger_distance,
    jensen_shannon_distance,
    kl_divergence,
    l_infinity_distance,
    normed_wasserstein_distance,
    population_stability_index,
    total_variation_distance,
    wasserstein_distance,
)
from watchkeeper.stats._numeric_tests import (
    anderson_ksamp,
    cramer_von_mises_2samp,
    epps_singleton_2samp,
    ks_2samp,
    mann_whitney_u,
    welch_t_test,
)
from watchkeeper.stats._registry import (
    Method,
    TestResult,
    available_methods,
    get_method,
    register,
    register_method,
)

__all__ = [
    "CORRECTION_METHODS",
    "SHARE_FLOOR",
    "Method",
    "TestResult",
    "adjust_p_values",
    "anderson_ksamp",
    "available_methods",
    "bin_counts",
    "chisquare_contingency",
    "chisquare_goodness_of_fit",
    "cramer_von_mises_2samp",
    "energy_distance",
    "epps_singleton_2samp",
    "fisher_exact_test",
    "floored_shares",
    "g_test",
    "get_method",
    "hellinger_distance",
    "jensen_shannon_distance",
    "kl_divergence",
    "ks_2samp",
    "l_infinity_distance",
    "mann_whitney_u",
    "normed_wasserstein_distance",
    "population_stability_index",
    "quantile_edges",
    "register",
    "register_method",
    "total_variation_distance",
    "two_proportion_z_test",
    "wasserstein_distance",
    "welch_t_test",
]
