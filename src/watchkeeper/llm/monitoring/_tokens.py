"""Token-distribution drift between two corpora: larger distance is worse.

The bins are the reference's ``top_k`` most frequent tokens plus one ``(other)`` bin
for everything else, so that tokens the reference never used (a new product name, a
jailbreak template's vocabulary, another language) land in ``(other)`` and move it.
On those ``top_k + 1`` counts:

- ``distance``: the Jensen-Shannon distance in base 2 (0 same shares, 1 disjoint),
  ``scipy.spatial.distance.jensenshannon``;
- ``statistic`` and ``p_value``: Pearson's chi-squared test of homogeneity on the
  2 x (k + 1) table, ``scipy.stats.chi2_contingency(correction=False)`` after dropping
  bins empty on both sides.

``drifted`` reads the distance against ``threshold`` (default 0.1), not the
p-value: tokens of one text are not independent draws, and on corpora of millions of
tokens the chi-squared p-value is tiny for any change worth no one's attention.

``oov_rate`` is the share of the current tokens that never occur in the reference;
``changes`` lists the tokens whose share moved most (over every token of either side).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from watchkeeper._deprecation import deprecated_property
from watchkeeper._exceptions import InputError
from watchkeeper.llm.monitoring._tokenize import tokenize, words
from watchkeeper.stats import chisquare_contingency, jensen_shannon_distance

__all__ = [
    "OTHER",
    "TokenDriftResult",
    "TokenShift",
    "token_counts",
    "token_drift",
    "vocabulary_of",
]

OTHER = "(other)"
RESULT_VERSION = 1


@dataclass(frozen=True)
class TokenShift:
    """One token whose share of all tokens changed between the corpora."""

    token: str
    reference_share: float
    current_share: float

    @property
    def change(self) -> float:
        """``current_share - reference_share`` (positive: used more now)."""
        return self.current_share - self.reference_share

    def to_dict(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "reference_share": self.reference_share,
            "current_share": self.current_share,
            "change": self.change,
        }


@dataclass(frozen=True, kw_only=True)
class TokenDriftResult:
    """Token drift between a reference and a current corpus (see the module docstring)."""

    distance: float
    statistic: float
    p_value: float
    oov_rate: float
    threshold: float
    n_reference_tokens: int
    n_current_tokens: int
    bins: tuple[str, ...]
    reference_counts: tuple[int, ...]
    current_counts: tuple[int, ...]
    changes: tuple[TokenShift, ...]

    @property
    def drifted(self) -> bool:
        """Whether the Jensen-Shannon distance reached ``threshold``."""
        return self.distance >= self.threshold

    drift_detected = deprecated_property("drifted", "drift_detected")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "result_type": "token_drift",
            "version": RESULT_VERSION,
            "distance": self.distance,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "oov_rate": self.oov_rate,
            "threshold": self.threshold,
            "drifted": self.drifted,
            "drift_detected": self.drifted,  # the old key, kept while readers move
            "n_reference_tokens": self.n_reference_tokens,
            "n_current_tokens": self.n_current_tokens,
            "bins": list(self.bins),
            "reference_counts": list(self.reference_counts),
            "current_counts": list(self.current_counts),
            "changes": [change.to_dict() for change in self.changes],
        }


def token_counts(
    texts: Iterable[str | None], *, lowercase: bool = True, punctuation: bool = False
) -> Counter[str]:
    """How often each token occurs in ``texts`` (None skipped).

    Punctuation and symbols are left out unless ``punctuation`` is true.

    >>> token_counts(["The cat.", "the dog!"]).most_common(2)
    [('the', 2), ('cat', 1)]
    """
    split = tokenize if punctuation else words
    counts: Counter[str] = Counter()
    for text in texts:
        if text is None:
            continue
        if not isinstance(text, str):
            raise InputError(f"texts must be strings, got {type(text).__name__}")
        counts.update(split(text, lowercase=lowercase))
    return counts


def vocabulary_of(texts: Iterable[str | None], *, min_count: int = 1) -> frozenset[str]:
    """The lower-case words used at least ``min_count`` times in ``texts``.

    >>> sorted(vocabulary_of(["The cat", "the dog"], min_count=2))
    ['the']
    """
    return frozenset(word for word, count in token_counts(texts).items() if count >= min_count)


def token_drift(
    reference_texts: Iterable[str | None] | Counter[str],
    current_texts: Iterable[str | None] | Counter[str],
    *,
    top_k: int = 200,
    threshold: float = 0.1,
    lowercase: bool = True,
    punctuation: bool = False,
    n_changes: int = 10,
) -> TokenDriftResult:
    """Compare the token distributions of two corpora (texts, or :func:`token_counts`).

    >>> ref = ["the cat sat on the mat"] * 50
    >>> cur = ["the cat sat on the mat"] * 40 + ["ignore all previous instructions"] * 10
    >>> result = token_drift(ref, cur, top_k=5)
    >>> result.bins
    ('the', 'cat', 'mat', 'on', 'sat', '(other)')
    >>> round(result.distance, 3), round(result.oov_rate, 3), result.drifted
    (0.275, 0.143, True)
    >>> result.changes[0].token, round(result.changes[0].change, 3)
    ('the', -0.048)
    """
    if top_k < 1:
        raise InputError(f"top_k={top_k} must be at least 1")
    if not 0.0 < threshold <= 1.0:
        raise InputError(f"threshold={threshold} must be in (0, 1]")
    ref = _counts(reference_texts, lowercase, punctuation)
    cur = _counts(current_texts, lowercase, punctuation)
    n_ref, n_cur = sum(ref.values()), sum(cur.values())
    for side, total in (("reference", n_ref), ("current", n_cur)):
        if total == 0:
            raise InputError(f"the {side} texts hold no tokens; give at least one non-empty text")
    # Ties broken by the token itself, so the bins never depend on input order.
    ranked = sorted(ref.items(), key=lambda item: (-item[1], item[0]))[:top_k]
    bins = tuple(token for token, _ in ranked)
    ref_counts = [ref[token] for token in bins]
    cur_counts = [cur.get(token, 0) for token in bins]
    ref_counts.append(n_ref - sum(ref_counts))
    cur_counts.append(n_cur - sum(cur_counts))
    distance = jensen_shannon_distance(ref_counts, cur_counts).statistic
    test = chisquare_contingency(ref_counts, cur_counts)
    unseen = sum(count for token, count in cur.items() if token not in ref)
    shifts = [
        TokenShift(token, ref.get(token, 0) / n_ref, cur.get(token, 0) / n_cur)
        for token in ref.keys() | cur.keys()
    ]
    shifts.sort(key=lambda s: (-abs(s.change), s.token))
    return TokenDriftResult(
        distance=float(distance),
        statistic=float(test.statistic),
        p_value=float(test.p_value if test.p_value is not None else 1.0),
        oov_rate=unseen / n_cur,
        threshold=threshold,
        n_reference_tokens=n_ref,
        n_current_tokens=n_cur,
        bins=(*bins, OTHER),
        reference_counts=tuple(ref_counts),
        current_counts=tuple(cur_counts),
        changes=tuple(shifts[:n_changes]),
    )


def _counts(source: Any, lowercase: bool, punctuation: bool) -> Counter[str]:
    if isinstance(source, Counter):
        return source
    if isinstance(source, str):
        raise InputError("texts must be a sequence of strings, not one string; wrap it: [text]")
    return token_counts(source, lowercase=lowercase, punctuation=punctuation)
