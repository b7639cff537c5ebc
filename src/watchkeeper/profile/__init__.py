"""Mergeable, serialisable profiles of datasets: drift and quality on data of any size.

Profile the pieces (files, batches, partitions), merge them, compare profiles. Counts,
histograms on reference-fixed bins and category counts are exact, so binned drift
statistics on profiles equal the raw-data result on the same deterministic edges, on
every path. Nothing is random: the same data gives byte-identical profiles. See
docs/profiles.md.
"""

from watchkeeper.profile._builder import (
    DEFAULT_BATCH_SIZE,
    ProfileBuilder,
    profile_source,
)
from watchkeeper.profile._categorical import DEFAULT_CATEGORY_CAP, CategoricalProfile
from watchkeeper.profile._format import FORMAT_VERSION, MIGRATIONS
from watchkeeper.profile._merge import merge_all, merge_profiles
from watchkeeper.profile._moments import Moments
from watchkeeper.profile._numeric import EXACT_VALUES, FINE_BINS, NumericBins, NumericProfile
from watchkeeper.profile._profile import ColumnProfile, Profile
from watchkeeper.profile._text import OtherProfile, TextProfile

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_CATEGORY_CAP",
    "EXACT_VALUES",
    "FINE_BINS",
    "FORMAT_VERSION",
    "MIGRATIONS",
    "CategoricalProfile",
    "ColumnProfile",
    "Moments",
    "NumericBins",
    "NumericProfile",
    "OtherProfile",
    "Profile",
    "ProfileBuilder",
    "TextProfile",
    "merge_all",
    "merge_profiles",
    "profile_source",
]
