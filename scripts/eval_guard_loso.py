"""Leave-one-source-out evaluation of the prompt-attack detector.

For each source in ``guard_corpus.training_rows()`` that has attacks, the classifier is
trained on every other source and the whole detector (patterns + that classifier,
combined as the guard combines them) scores the held-out source. Then a model trained
on all sources scores the everyday benign prompts that nothing is tuned on.

    python scripts/guard_corpus.py --setup          # once
    nice -n 10 python scripts/eval_guard_loso.py    # prints the tables of docs/llm-guard.md

The classifier's out-of-fold logits do not depend on the patterns, and computing them
(a model a source) is most of the run. ``--save-logits FILE`` keeps them, with a key of
what they depend on (the corpus, the generated hard negatives, the fitting code, the
classifier's and its features' modules; not the shipped weights, which each fold
refits); ``--logits FILE`` reuses them and computes only the pattern scores anew, so a
change of patterns alone is evaluated in a few minutes. A key that no longer matches is
refused.

The operating point is the lowest threshold (never below the guard's 0.5) at which
the out-of-fold false-alarm rates of the benign sources average at most ``TARGET_FPR``.
"""

from __future__ import annotations

import argparse
import collections
import functools
import hashlib
import inspect
import os
import sys
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import guard_corpus
from guard_corpus import ATTACK_WORDS, Row

import watchkeeper.llm.guard as guard_package
from watchkeeper.llm.guard._classifier import N_BUCKETS, ClassifierWeights, features
from watchkeeper.llm.guard._normalise import normalise
from watchkeeper.llm.guard._prompt_attack import attack_score_parts

TARGET_FPR = 0.02
MIN_BENIGN = 20
C = float(os.environ.get("GUARD_C", "2.0"))


def matrix(rows: list[Row]) -> sparse.csr_matrix:
    """Hashed features of each row, as the shipped classifier computes them."""
    indptr, cols, vals = [0], [], []
    for row in rows:
        indices, values = features(normalise(row.text).text)
        cols.append(indices)
        vals.append(values)
        indptr.append(indptr[-1] + indices.size)
    return sparse.csr_matrix(
        (np.concatenate(vals), np.concatenate(cols), np.asarray(indptr)),
        shape=(len(rows), N_BUCKETS),
    )


def sample_weights(rows: list[Row]) -> np.ndarray:
    """Each (source, label) cell weighs the same in total, and the two labels weigh the
    same overall: no large source or class drowns the others (12,000 chat lines count
    as much as 35 injected coding issues)."""
    sizes = collections.Counter((r.source, r.label) for r in rows)
    raw = np.array([1.0 / sizes[(r.source, r.label)] for r in rows])
    labels = np.array([r.label for r in rows])
    for label in (0, 1):
        mask = labels == label
        raw[mask] *= 0.5 * len(rows) / raw[mask].sum()
    return raw


@functools.lru_cache(maxsize=1)
def always_rows() -> tuple[list[Row], sparse.csr_matrix]:
    """Rows every model trains on and no fold holds out: the generated everyday prompts
    that use attack words innocently (``guard_hard_negatives.py``). They are written
    for training, so they are not a source to generalise to and are never scored here."""
    import guard_hard_negatives

    extra = guard_hard_negatives.hard_negative_rows()
    return extra, matrix(extra)


def fit(x: sparse.csr_matrix, rows: list[Row]) -> ClassifierWeights:
    """A logistic regression on the rows and ``always_rows()``, as the weights the
    guard loads."""
    from sklearn.linear_model import LogisticRegression

    extra, x_extra = always_rows()
    x = sparse.vstack([x, x_extra]).tocsr()
    rows = [*rows, *extra]
    y = np.array([r.label for r in rows])
    model = LogisticRegression(C=C, max_iter=5000, solver="liblinear", random_state=0)
    model.fit(x, y, sample_weight=sample_weights(rows))
    return ClassifierWeights(model.coef_[0].astype(np.float32), float(model.intercept_[0]))


def scores(rows: list[Row], weights: ClassifierWeights | None) -> np.ndarray:
    """Combined detector score (patterns and classifier) of each row."""
    return np.array([attack_score_parts(r.text, weights)[0] for r in rows])


def parts(rows: list[Row], weights: ClassifierWeights | None) -> tuple[np.ndarray, np.ndarray]:
    """Pattern score and classifier logit (worst window or decoded payload) of each row."""
    found = np.array([attack_score_parts(r.text, weights)[1:] for r in rows]).reshape(-1, 2)
    probability = np.clip(found[:, 1], 1e-12, 1 - 1e-12)
    return found[:, 0], np.log(probability / (1 - probability))


def combined(pattern: np.ndarray, logit: np.ndarray, shift: float = 0.0) -> np.ndarray:
    """The guard's combination (``_prompt_attack._combine``) with the intercept moved."""
    probability = 1.0 / (1.0 + np.exp(-(logit + shift)))
    both = np.minimum(pattern, probability) >= 0.3
    return np.where(both, 1 - (1 - pattern) * (1 - probability), np.maximum(pattern, probability))


def loso_parts(rows: list[Row], x: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Pattern score and out-of-fold logit of each row (model trained without its source)."""
    pattern, logit = np.zeros(len(rows)), np.zeros(len(rows))
    for source in sorted({r.source for r in rows}):
        test = np.array([r.source == source for r in rows])
        weights = fit(x[~test], [r for r, t in zip(rows, test, strict=True) if not t])
        held_rows = [r for r, t in zip(rows, test, strict=True) if t]
        pattern[test], logit[test] = parts(held_rows, weights)
        print(f"held out {source}", file=sys.stderr)
    return pattern, logit


# What an out-of-fold logit depends on besides the rows: the modules that normalise a
# text, decode its payloads, find its structural features and score its windows.
_LOGIT_MODULES = (
    "_classifier", "_structure", "_structure_patterns", "_indirect",
    "_structure_search", "_needles", "_normalise", "_pattern_proofs", "_prompt_attack",
    "_hidden_text",
)  # fmt: skip


def logit_key(rows: list[Row]) -> str:
    """A digest of everything the out-of-fold logits of ``rows`` depend on: the rows and
    the hard negatives every model trains on, the fitting code, ``C``, and the source of
    the classifier's modules (a change there, even one that keeps every feature, makes
    saved logits stale: they are then computed again)."""
    import guard_hard_negatives

    digest = hashlib.sha256(repr(C).encode())
    for function in (matrix, sample_weights, always_rows, fit, parts, loso_parts):
        digest.update(inspect.getsource(function).encode())
    folder = Path(guard_package.__file__).parent
    for name in _LOGIT_MODULES:
        digest.update((folder / f"{name}.py").read_bytes())
    for row in (*rows, *guard_hard_negatives.hard_negative_rows()):
        digest.update(f"{row.source}\0{row.label}\0{row.text}\0".encode())
    return digest.hexdigest()


def benign_groups(rows: list[Row]) -> list[np.ndarray]:
    """One mask per benign source with at least ``MIN_BENIGN`` rows, and one for the
    smaller benign sources pooled (a source of one row would otherwise move the mean
    by its whole false-alarm rate)."""
    sizes = collections.Counter(r.source for r in rows if r.label == 0)
    large = sorted(s for s, n in sizes.items() if n >= MIN_BENIGN)
    groups = [np.array([r.source == s and r.label == 0 for r in rows]) for s in large]
    small = np.array([r.label == 0 and r.source not in large for r in rows])
    if small.any():
        groups.append(small)
    return groups


def shift_for(
    rows: list[Row], pattern: np.ndarray, logit: np.ndarray, target: float = TARGET_FPR
) -> float:
    """The largest intercept shift at which, at the guard's threshold 0.5, the benign
    sources' out-of-fold false-alarm rates average at most ``target`` (each source
    counts once, whatever its size; sources under ``MIN_BENIGN`` rows count as one)."""
    groups = benign_groups(rows)
    for shift in np.round(np.arange(3.0, -12.0, -0.05), 2):
        flagged = combined(pattern, logit, float(shift)) >= 0.5
        if np.mean([flagged[g].mean() for g in groups]) <= target:
            return float(shift)
    return -12.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="weights (.npz) to score as 'before'")
    parser.add_argument(
        "--weights-out",
        type=Path,
        help="also write the model fitted on every source (as train_prompt_classifier.py does)",
    )
    parser.add_argument(
        "--save-logits", type=Path, metavar="FILE", help="keep the out-of-fold logits (.npz)"
    )
    parser.add_argument(
        "--logits",
        type=Path,
        metavar="FILE",
        help="reuse the out-of-fold logits of --save-logits; only the patterns are scored anew",
    )
    args = parser.parse_args()
    rows = guard_corpus.training_rows()
    key = logit_key(rows) if args.logits or args.save_logits else ""
    if args.logits is not None:
        saved = np.load(args.logits)
        if str(saved["key"]) != key:
            parser.error(
                f"{args.logits}: its logits were computed from another corpus, classifier or "
                "fitting code; run without --logits to compute them again"
            )
    x = matrix(rows)
    sources = sorted({r.source for r in rows})
    attack_sources = sorted({r.source for r in rows if r.label == 1})
    if args.logits is not None:
        logits = saved["logit"]
        pattern_only = parts(rows, None)[0]
    else:
        pattern_only, logits = loso_parts(rows, x)
    if args.save_logits is not None:
        np.savez(args.save_logits, logit=logits, key=np.array(key))
    labels = np.array([r.label for r in rows])
    benign = labels == 0
    # One operating point for all folds, from the out-of-fold benign scores: an
    # intercept shift, so that the guard's threshold stays 0.5.
    shift = shift_for(rows, pattern_only, logits)
    unshifted = combined(pattern_only, logits)
    held_scores = combined(pattern_only, logits, shift)
    threshold = 0.5
    if args.baseline is not None:
        archive = np.load(args.baseline)
        old = ClassifierWeights(
            archive["coef"].astype(np.float32), float(archive["intercept"]), structural=False
        )
        before = np.array([attack_score_parts(r.text, old)[0] for r in rows])
        print("| source (baseline weights) | attacks | recall @0.5 | benign | FPR @0.5 |")
        print("| --- | --- | --- | --- | --- |")
        for source in sources:
            mask = np.array([r.source == source for r in rows])
            att, ben = mask & ~benign, mask & benign
            rec = f"{(before[att] >= 0.5).mean():.3f}" if att.any() else ""
            fpr = f"{(before[ben] >= 0.5).mean():.2%}" if ben.any() else ""
            print(f"| {source} | {att.sum()} | {rec} | {ben.sum()} | {fpr} |")
        print()
    print(
        f"operating point: intercept shift {shift:+.2f} "
        f"(mean out-of-fold benign FPR per source <= {TARGET_FPR:.0%})\n"
    )
    print(
        "| held-out source | attacks | recall, no shift | recall @op | patterns alone"
        " | benign | FPR, no shift | FPR @op |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    recalls = []
    for source in sources:
        mask = np.array([r.source == source for r in rows])
        att, ben = mask & ~benign, mask & benign
        cells = [source, str(att.sum())]
        if att.any():
            recall_op = float((held_scores[att] >= threshold).mean())
            recalls.append(recall_op) if source in attack_sources else None
            cells += [
                f"{(unshifted[att] >= 0.5).mean():.3f}",
                f"{recall_op:.3f}",
                f"{(pattern_only[att] >= 0.5).mean():.3f}",
            ]
        else:
            cells += ["", "", ""]
        cells.append(str(ben.sum()))
        if ben.any():
            cells += [
                f"{(unshifted[ben] >= 0.5).mean():.3%}",
                f"{(held_scores[ben] >= threshold).mean():.3%}",
            ]
        else:
            cells += ["", ""]
        print("| " + " | ".join(cells) + " |")
    print(
        f"\nmean held-out recall over attack sources at the operating point: "
        f"{np.mean(recalls):.3f}; lowest {min(recalls):.3f}"
    )
    print(
        "out-of-fold benign FPR at the operating point: "
        f"{(held_scores[benign] >= threshold).mean():.3%}\n"
    )
    print("| family | attacks | held-out recall @op |\n| --- | --- | --- |")
    families = collections.defaultdict(list)
    for row, score in zip(rows, held_scores, strict=True):
        if row.label == 1:
            families[row.family].append(score >= threshold)
    for family, hits in sorted(families.items()):
        print(f"| {family} | {len(hits)} | {np.mean(hits):.3f} |")
    print("\n| benign source / kind | rows | held-out FPR @op |\n| --- | --- | --- |")
    kinds = collections.defaultdict(list)
    for row, score in zip(rows, held_scores, strict=True):
        if row.label == 0:
            kinds[f"{row.source} / {row.family}"].append(score >= threshold)
    for kind, hits in sorted(kinds.items()):
        print(f"| {kind} | {len(hits)} | {np.mean(hits):.2%} |")
    everyday = guard_corpus.everyday_rows()
    fitted = fit(x, rows)
    final = ClassifierWeights(fitted.coef, fitted.intercept + shift)
    if args.weights_out is not None:
        from train_prompt_classifier import write_weights

        write_weights(args.weights_out, fitted, shift, len(rows))
    every = scores(everyday, final)
    worded = np.array([bool(ATTACK_WORDS.search(r.text)) for r in everyday])
    print(
        "\n| everyday benign source | rows | FPR @0.9 | FPR @op"
        " | with attack words | their FPR @op |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    names = np.array([r.source for r in everyday])
    for name in [*sorted(set(names)), "all"]:
        mask = names == name if name != "all" else np.ones(len(everyday), dtype=bool)
        w = mask & worded
        print(
            f"| {name} | {mask.sum()} | {(every[mask] >= 0.9).mean():.2%} | "
            f"{(every[mask] >= threshold).mean():.2%} | {w.sum()} | "
            f"{(every[w] >= threshold).mean():.2%} |"
        )
    for row, score in sorted(zip(everyday, every, strict=True), key=lambda p: -p[1])[:8]:
        print(f"  {score:.2f} {row.source}: {row.text[:110]!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
