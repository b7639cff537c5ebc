"""What the live demo adds to the loan traffic so that every monitor kind has
something to see (issue 15):

- a sensitive column, ``age_band``, and a scoring bug that lowers the scores of
  applicants aged 60 and over as the traffic drifts (bias drift);
- per-record feature attributions (the logit's linear terms against the reference
  means, which are exact SHAP values for this model), whose ranking moves when
  income drifts (feature attribution drift);
- a concept shift on the last day: the approval rule tightens while the inputs stay
  as they were, so only the label-joined errors show it (real-time concept drift);
- a day whose labels never arrive, with a campaign's marginal applicants (estimated
  performance carries the day, and alerts).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["BANDS", "with_attributions", "with_scenario"]

BANDS = ("18-39", "40-59", "60+")
# The reference's means (make_traffic without drift): the attributions' baseline.
_INCOME_MEAN = float(np.exp(10.8 + 0.4**2 / 2))
_DEBT_MEAN = 2.0 / 7.0


def _age_band(age: pa.ChunkedArray) -> pa.Array:
    years = np.asarray(age.to_numpy(zero_copy_only=False), dtype=np.float64)
    return pa.array(np.where(years < 40, BANDS[0], np.where(years < 60, BANDS[1], BANDS[2])))


def with_attributions(table: pa.Table) -> pa.Table:
    """The table with ``age_band`` and ``attribution.income``/``attribution.debt_ratio``.

    >>> from watchkeeper.demo._batch import make_traffic
    >>> t = with_attributions(make_traffic(5, drifted=False, seed=1))
    >>> [n for n in t.column_names if n.startswith(("age_band", "attribution."))]
    ['age_band', 'attribution.income', 'attribution.debt_ratio']
    """
    income = np.asarray(table.column("income").to_numpy(zero_copy_only=False), dtype=np.float64)
    debt = pc.fill_null(table.column("debt_ratio"), np.nan).to_numpy(zero_copy_only=False)
    debt_attribution = -3.5 * (np.asarray(debt, dtype=np.float64) - _DEBT_MEAN)
    return (
        table.append_column("age_band", _age_band(table.column("age")))
        .append_column("attribution.income", pa.array((income - _INCOME_MEAN) / 40_000))
        .append_column(
            "attribution.debt_ratio",
            pa.array(debt_attribution, mask=np.isnan(debt_attribution)),
        )
    )


def with_scenario(
    table: pa.Table, *, level: float, concept_shift: bool, marginal: bool, seed: int
) -> pa.Table:
    """Traffic as the live demo sends it: attributions, the scoring bug for 60+ at
    ``level``, labels drawn from a tightened rule when ``concept_shift``, and, when
    ``marginal``, a campaign's applicants close to the decision boundary (scores near
    0.5, still calibrated: a drop in accuracy that only the estimate can show while
    their labels are missing)."""
    table = with_attributions(table)
    score = np.asarray(table.column("score").to_numpy(zero_copy_only=False), dtype=np.float64)
    older = np.asarray(table.column("age_band").to_numpy(zero_copy_only=False)) == BANDS[2]
    score = np.where(older, score * (1.0 - 0.45 * level), score)
    rng = np.random.default_rng(seed)
    if marginal:
        score = 0.5 + (score - 0.5) * 0.3
    columns = {name: table.column(name) for name in table.column_names}
    columns["score"] = pa.array(score)
    columns["prediction"] = pa.array((score >= 0.5).astype(np.int64))
    if concept_shift:
        # The approval rule tightens: the same inputs, fewer approvals.
        truth = np.clip(score - 0.45, 0.0, 1.0)
        columns["target"] = pa.array((rng.random(len(score)) < truth).astype(np.int64))
    elif marginal:
        columns["target"] = pa.array((rng.random(len(score)) < score).astype(np.int64))
    return pa.table(columns)
