"""Small seeded tables shared by the tests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def make_frame(rng: np.random.Generator, n: int, *, shift: float = 0.0) -> pa.Table:
    """Three numeric and two categorical features; ``shift`` moves 'a' and the 'c' mix."""
    shares = [0.5, 0.3, 0.2] if shift == 0 else [0.3, 0.3, 0.4]
    return pa.table(
        {
            "a": rng.normal(shift, 1.0, n),
            "b": rng.exponential(2.0, n),
            "i": rng.integers(0, 100, n),
            "c": rng.choice(["x", "y", "z"], n, p=shares),
            "d": rng.choice(["p", "q"], n),
        }
    )
