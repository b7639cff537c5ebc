"""Seeded drift workload: a reference and a current table with known shifted columns.

Each side has N rows and 25 columns: 20 float columns ``num_00`` .. ``num_19`` and 5 string
columns ``cat_0`` .. ``cat_4`` with 10, 20, 30, 40 and 50 categories. The per-column
distributions (family, location, scale, category shares) come from ``seed`` alone, so they
are the same on both sides; the two sides are then drawn with different seeds
(``[seed, 0]`` for the reference, ``[seed, 1]`` for the current side). Unshifted columns are
therefore two independent samples of one distribution: any alarm on them is a false alarm.

The numeric base distributions vary on purpose (normal, lognormal, gamma, uniform, Student t
with 5 degrees of freedom, exponential, beta, bimodal normal mixture), with scales from
0.01 to 1000 so that a method that is not scale-free shows it.

Seven columns are shifted in the current side, each by a real but modest amount ("sd" is
the reference distribution's standard deviation):

=========  ================  ============================================================
column     base              shift in the current side
=========  ================  ============================================================
num_02     gamma(k=3)        mean shift of +0.2 sd
num_05     Student t(5)      scale x1.25 around the centre
num_09     normal            10% of rows replaced by a tail bump N(mean + 2.5 sd, 0.5 sd)
num_13     normal            skew change: standardised skew-normal (alpha=4) with the same
                             mean and sd (sample skewness 0 -> ~0.78)
num_17     lognormal         mean shift of +0.15 sd
cat_1      20 categories     a category with a 5% share doubles to 10% (others shrink
                             proportionally)
cat_3      40 categories     a new category ``cat_3_new`` appears at 5% (others shrink)
=========  ================  ============================================================

The 18 others (15 numeric, 3 categorical) are not shifted.

Files go to ``bench/data/N/``: ``reference.parquet``, ``current.parquet`` (plain ``string``
columns, not dictionary-typed, so that every reader sees ordinary strings), optional
``reference.csv`` and ``current.csv``, and ``ground_truth.json`` listing the shifted and
unshifted columns and what was done to each. A second call with the same N, seed and
generator version reuses the files.

Run ``python bench/workload.py 100000 [--csv]`` to generate one size by hand.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240601
N_NUMERIC = 20
CATEGORY_COUNTS = (10, 20, 30, 40, 50)
DATA_DIR = Path(__file__).resolve().parent / "data"

Sampler = Callable[[np.random.Generator, int], np.ndarray]


@dataclass(frozen=True)
class NumericSpec:
    name: str
    family: str
    mean: float
    sd: float
    draw: Sampler  # reference distribution
    shift: str | None = None  # human description, None when unshifted
    draw_current: Sampler | None = None  # replaces draw on the current side when shifted


@dataclass(frozen=True)
class CategoricalSpec:
    name: str
    categories: tuple[str, ...]
    shares: np.ndarray
    shift: str | None = None
    categories_current: tuple[str, ...] | None = None
    shares_current: np.ndarray | None = None


# Skew-normal with shape alpha, standardised to mean 0 and sd 1. With alpha = 4 its
# skewness is ~0.78 while the reference normal's is 0: a change in shape only.
_SKEW_ALPHA = 4.0
_SKEW_DELTA = _SKEW_ALPHA / math.sqrt(1.0 + _SKEW_ALPHA**2)
_SKEW_MEAN = _SKEW_DELTA * math.sqrt(2.0 / math.pi)
_SKEW_SD = math.sqrt(1.0 - _SKEW_MEAN**2)


def _standard_skew_normal(rng: np.random.Generator, n: int) -> np.ndarray:
    u0 = rng.standard_normal(n)
    u1 = rng.standard_normal(n)
    z = _SKEW_DELTA * np.abs(u0) + math.sqrt(1.0 - _SKEW_DELTA**2) * u1
    return np.asarray((z - _SKEW_MEAN) / _SKEW_SD)


def _base_numeric(index: int, params: np.random.Generator) -> NumericSpec:
    """The reference distribution of numeric column `index`; parameters come from `params`."""
    name = f"num_{index:02d}"
    scale = float(10.0 ** params.uniform(-2, 3))
    loc = float(params.normal(0, 5) * scale)
    family = (
        "normal",
        "lognormal",
        "gamma",
        "uniform",
        "student_t",
        "exponential",
        "beta",
        "bimodal",
    )[index % 8]
    # The shifted columns need particular families (see the module docstring).
    family = {2: "gamma", 5: "student_t", 9: "normal", 13: "normal", 17: "lognormal"}.get(
        index, family
    )
    if family == "normal":
        return NumericSpec(name, family, loc, scale, lambda r, n: r.normal(loc, scale, n))
    if family == "lognormal":
        sigma = 0.5
        mean = scale * math.exp(sigma**2 / 2)
        sd = scale * math.sqrt((math.exp(sigma**2) - 1) * math.exp(sigma**2))
        return NumericSpec(name, family, mean, sd, lambda r, n: scale * r.lognormal(0.0, sigma, n))
    if family == "gamma":
        k = 3.0
        return NumericSpec(
            name,
            family,
            loc + k * scale,
            math.sqrt(k) * scale,
            lambda r, n: loc + r.gamma(k, scale, n),
        )
    if family == "uniform":
        return NumericSpec(
            name,
            family,
            loc + scale / 2,
            scale / math.sqrt(12),
            lambda r, n: r.uniform(loc, loc + scale, n),
        )
    if family == "student_t":
        df = 5.0
        return NumericSpec(
            name,
            family,
            loc,
            scale * math.sqrt(df / (df - 2)),
            lambda r, n: loc + scale * r.standard_t(df, n),
        )
    if family == "exponential":
        return NumericSpec(name, family, scale, scale, lambda r, n: r.exponential(scale, n))
    if family == "beta":
        a, b = 2.0, 5.0
        mean = a / (a + b)
        sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        return NumericSpec(
            name,
            family,
            loc + scale * mean,
            scale * sd,
            lambda r, n: loc + scale * r.beta(a, b, n),
        )

    # bimodal: an even mixture of N(loc - scale, scale/2) and N(loc + scale, scale/2)
    def bimodal(r: np.random.Generator, n: int) -> np.ndarray:
        signs = np.where(r.random(n) < 0.5, -1.0, 1.0)
        return np.asarray(loc + signs * scale + r.normal(0, scale / 2, n))

    return NumericSpec(name, family, loc, scale * math.sqrt(1.25), bimodal)


def _shifted(spec: NumericSpec) -> NumericSpec:
    """Attach the current-side shift of the five shifted numeric columns."""
    base, mean, sd = spec.draw, spec.mean, spec.sd
    index = int(spec.name[-2:])
    if index == 2:
        return _with_shift(spec, "mean +0.2 sd", lambda r, n: base(r, n) + 0.2 * sd)
    if index == 5:
        return _with_shift(spec, "scale x1.25", lambda r, n: mean + 1.25 * (base(r, n) - mean))
    if index == 9:

        def tail(r: np.random.Generator, n: int) -> np.ndarray:
            values = base(r, n)
            moved = r.random(n) < 0.10
            values[moved] = r.normal(mean + 2.5 * sd, 0.5 * sd, int(moved.sum()))
            return values

        return _with_shift(spec, "10% mixture moved to N(mean+2.5sd, 0.5sd)", tail)
    if index == 13:
        return _with_shift(
            spec,
            f"skew change: skew-normal(alpha={_SKEW_ALPHA:g}), same mean and sd",
            lambda r, n: mean + sd * _standard_skew_normal(r, n),
        )
    if index == 17:
        return _with_shift(spec, "mean +0.15 sd", lambda r, n: base(r, n) + 0.15 * sd)
    return spec


def _with_shift(spec: NumericSpec, shift: str, draw_current: Sampler) -> NumericSpec:
    return NumericSpec(spec.name, spec.family, spec.mean, spec.sd, spec.draw, shift, draw_current)


def _categorical(index: int, k: int, params: np.random.Generator) -> CategoricalSpec:
    name = f"cat_{index}"
    categories = tuple(f"{name}_v{j:02d}" for j in range(k))
    # Zipf-like shares with a seeded permutation: a few common values, a long tail.
    raw = 1.0 / np.arange(1, k + 1) ** 0.9
    shares = params.permutation(raw / raw.sum())
    if index == 1:
        # Pin one category at exactly 5% so that "doubles to 10%" means what it says.
        target = int(np.argmin(np.abs(shares - 0.05)))
        shares = shares * (0.95 / (shares.sum() - shares[target]))
        shares[target] = 0.05
        current = shares * (0.90 / (1.0 - shares[target]))
        current[target] = 0.10
        return CategoricalSpec(
            name,
            categories,
            shares,
            f"share of '{categories[target]}' 5% -> 10%",
            categories,
            current,
        )
    if index == 3:
        new = f"{name}_new"
        current = np.append(shares * 0.95, 0.05)
        return CategoricalSpec(
            name,
            categories,
            shares,
            f"new category '{new}' at 5%",
            (*categories, new),
            current,
        )
    return CategoricalSpec(name, categories, shares)


def build_specs(seed: int = DEFAULT_SEED) -> tuple[list[NumericSpec], list[CategoricalSpec]]:
    params = np.random.default_rng(seed)
    numeric = [_shifted(_base_numeric(i, params)) for i in range(N_NUMERIC)]
    categorical = [_categorical(i, k, params) for i, k in enumerate(CATEGORY_COUNTS)]
    return numeric, categorical


def _draw_categories(
    rng: np.random.Generator, n: int, categories: tuple[str, ...], shares: np.ndarray
) -> pa.Array:
    codes = rng.choice(len(categories), size=n, p=shares / shares.sum()).astype(np.int32)
    dictionary = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(categories))
    return dictionary.cast(pa.string())


def generate_table(n: int, side: str, seed: int = DEFAULT_SEED) -> pa.Table:
    """One side ("reference" or "current") of the workload, as an Arrow table."""
    if side not in ("reference", "current"):
        raise ValueError(f"side must be 'reference' or 'current', not {side!r}")
    numeric, categorical = build_specs(seed)
    current = side == "current"
    columns: dict[str, pa.Array] = {}
    for position, spec in enumerate(numeric):
        # One generator per column keeps a column's values independent of the others'.
        rng = np.random.default_rng([seed, int(current), position])
        draw = spec.draw_current if current and spec.draw_current is not None else spec.draw
        columns[spec.name] = pa.array(np.asarray(draw(rng, n), dtype=np.float64))
    for position, cspec in enumerate(categorical):
        rng = np.random.default_rng([seed, int(current), 100 + position])
        if current and cspec.shares_current is not None:
            assert cspec.categories_current is not None
            columns[cspec.name] = _draw_categories(
                rng, n, cspec.categories_current, cspec.shares_current
            )
        else:
            columns[cspec.name] = _draw_categories(rng, n, cspec.categories, cspec.shares)
    return pa.table(columns)


def ground_truth(n: int, seed: int = DEFAULT_SEED) -> dict[str, object]:
    numeric, categorical = build_specs(seed)
    columns: dict[str, dict[str, object]] = {}
    for spec in numeric:
        columns[spec.name] = {
            "kind": "numeric",
            "distribution": spec.family,
            "reference_mean": round(spec.mean, 6),
            "reference_sd": round(spec.sd, 6),
            "shift": spec.shift,
        }
    for cspec in categorical:
        columns[cspec.name] = {
            "kind": "categorical",
            "categories": len(cspec.categories),
            "shift": cspec.shift,
        }
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "rows_per_side": n,
        "shifted": [name for name, info in columns.items() if info["shift"]],
        "unshifted": [name for name, info in columns.items() if not info["shift"]],
        "columns": columns,
    }


def workload_dir(n: int) -> Path:
    return DATA_DIR / str(n)


def ensure_workload(n: int, *, seed: int = DEFAULT_SEED, csv: bool = False) -> Path:
    """Generate bench/data/N/ unless it already holds this N, seed and generator version."""
    folder = workload_dir(n)
    truth_path = folder / "ground_truth.json"
    names = ["reference.parquet", "current.parquet"]
    if csv:
        names += ["reference.csv", "current.csv"]
    try:
        recorded = json.loads(truth_path.read_text())
        fresh = (
            recorded.get("generator_version") == GENERATOR_VERSION
            and recorded.get("seed") == seed
            and recorded.get("rows_per_side") == n
            and all((folder / name).exists() for name in names)
        )
    except (OSError, ValueError):
        fresh = False
    if fresh:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    truth_path.unlink(missing_ok=True)  # written last: its presence means "complete"
    for side in ("reference", "current"):
        table = generate_table(n, side, seed)
        pq.write_table(table, folder / f"{side}.parquet")
        if csv:
            pacsv.write_csv(table, folder / f"{side}.csv")
        del table
    truth_path.write_text(json.dumps(ground_truth(n, seed), indent=2) + "\n")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="+", help="rows per side, e.g. 100000")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--csv", action="store_true", help="also write CSV files")
    args = parser.parse_args(argv)
    for n in args.rows:
        print(ensure_workload(n, seed=args.seed, csv=args.csv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
