"""Spark: profile a DataFrame's partitions in parallel and merge them on the driver.

``profile(df)`` equals the single-process profile of the same rows, byte for byte (see
docs/profiles.md, "Spark"). ``monitor(df, url=..., model=..., version=...,
time_column=...)`` posts per-window, per-segment profiles to a watchkeeper server, and
``stream_sink(...)`` does it for each micro-batch of a stream (``foreachBatch``);
``performance_profiles(predictions, labels, ...)`` joins predictions with late labels and
returns mergeable performance profiles per window and segment, ``PerformanceSink`` does
it for each micro-batch of a stream of labels, and ``monitor_performance`` /
``performance_stream_sink`` post them to the server; see docs/spark.md. Needs
``pip install 'watchkeeper[spark]'``.

Importing this package sets ``PYSPARK_PYTHON`` to this interpreter when it is unset, so
a SparkSession created afterwards starts workers that can import watchkeeper.
"""

from watchkeeper.integrations.spark._monitor import MonitorResult, monitor, stream_sink
from watchkeeper.integrations.spark._performance import PerformanceProfile, performance_profiles
from watchkeeper.integrations.spark._performance_post import (
    PerformanceResult,
    monitor_performance,
    performance_stream_sink,
)
from watchkeeper.integrations.spark._performance_stream import PerformanceSink
from watchkeeper.integrations.spark._profile import DEFAULT_SAMPLE_ROWS, profile, use_driver_python

use_driver_python()

__all__ = [
    "DEFAULT_SAMPLE_ROWS",
    "MonitorResult",
    "PerformanceProfile",
    "PerformanceResult",
    "PerformanceSink",
    "monitor",
    "monitor_performance",
    "performance_profiles",
    "performance_stream_sink",
    "profile",
    "stream_sink",
    "use_driver_python",
]
