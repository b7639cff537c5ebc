"""``make demo``: watchkeeper end to end on the embedded store.

1. The batch report: a loan model's reference and drifted traffic compared, written as
   JSON and self-contained HTML.
2. The live service: the server on SQLite with monitors as code, a simulated model whose
   traffic drifts and degrades over simulated days, labels arriving late, windows
   closed, alerts delivered to a local webhook receiver; then the server keeps running
   so you can look at it (Ctrl-C stops it).
"""

from watchkeeper.demo._batch import make_traffic, run_batch
from watchkeeper.demo._main import main

__all__ = ["main", "make_traffic", "run_batch"]
