"""Content moderation: the shipped classifiers, the profanity lexicon and the policy knobs."""

from __future__ import annotations

import time

import numpy as np
import pytest

from watchkeeper._exceptions import ConfigError
from watchkeeper.llm.guard import Guard, Policy
from watchkeeper.llm.guard._moderation import (
    CATEGORIES,
    N_FEATURES,
    _score,
    category_probabilities,
    load_moderation,
    scan_moderated_content,
)

ON = Policy().with_scanner("moderated_content", enabled=True)


def test_shipped_model_has_one_row_per_classifier_category() -> None:
    model = load_moderation()
    assert model.categories == ("hate", "sexual", "violence", "self_harm")
    assert model.coef.shape == (4, N_FEATURES)
    assert set(model.threshold) == set(CATEGORIES)
    assert all(0 < t < 1 for t in model.threshold.values())
    assert "fuck" in model.profanity and "hello" not in model.profanity


def test_probabilities_are_the_logistic_of_the_linear_score() -> None:
    # Recompute one category by hand from the shipped weights: sigmoid(b + w . x).
    from watchkeeper.llm.guard._moderation import moderation_features

    model = load_moderation()
    text = "They deserve to be beaten until they stop breathing."
    indices, values = moderation_features(text)
    by_hand = [
        1.0 / (1.0 + np.exp(-(model.intercept[c] + float(model.coef[c, indices] @ values))))
        for c in range(4)
    ]
    probabilities = category_probabilities(text)
    assert [probabilities[c][0] for c in model.categories] == pytest.approx(by_hand, rel=1e-6)


@pytest.mark.parametrize(
    ("probability", "threshold", "score"),
    [(0.0, 0.6, 0.0), (0.3, 0.6, 0.25), (0.6, 0.6, 0.5), (0.8, 0.6, 0.75), (1.0, 0.6, 1.0)],
)
def test_a_category_reaches_the_scanner_threshold_exactly_at_its_own(
    probability: float, threshold: float, score: float
) -> None:
    # Piecewise linear: 0.5 * p / t below t, 0.5 + 0.5 * (p - t) / (1 - t) above.
    assert _score(probability, threshold) == pytest.approx(score)


def test_profanity_counts_whole_words_and_thresholds_are_per_category() -> None:
    one, three = "well fuck that", "fuck this, fuck that, fuck it all"
    assert scan_moderated_content("well fuckthat", {"categories": ["profanity"]}).score == 0.0
    # One word: probability 1 - 0.5 = 0.5, at the default 0.5 threshold: flagged.
    assert Guard(ON).scan_prompt(one).detected == ("moderated_content",)
    strict = ON.with_scanner("moderated_content", thresholds={"profanity": 0.8})
    assert Guard(strict).scan_prompt(one).flagged is False
    # Three words: 1 - 0.5**3 = 0.875 >= 0.8.
    result = Guard(strict).scan_prompt(three)
    assert result.flagged is True
    span = next(s for s in result.payload if s.kind == "profanity")
    assert (span.start, span.end) == (0, len(three) - len(" it all"))


def test_categories_option_restricts_what_is_checked() -> None:
    only_hate = ON.with_scanner("moderated_content", categories=["hate"])
    assert Guard(only_hate).scan_prompt("well fuck that").flagged is False


def test_benign_text_is_not_flagged_and_scanner_is_off_by_default() -> None:
    for text in (
        "Could you summarise the attached quarterly report in three paragraphs?",
        "What is the boiling point of water at sea level?",
        "Please write a birthday poem for my grandmother, she loves gardening.",
    ):
        assert Guard(ON).scan_prompt(text).flagged is False
    assert "moderated_content" not in Guard().scan_prompt("well fuck that").detected


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"thresholds": {"gore": 0.5}}, "unknown category 'gore'"),
        ({"thresholds": {"hate": 1.5}}, "must be a number in"),
        ({"thresholds": ["hate"]}, "must map categories"),
        ({"categories": ["hate", "spam"]}, "categories \\['spam'\\] unknown"),
        ({"categories": "hate"}, "list of strings"),
    ],
)
def test_policy_rejects_bad_moderation_settings(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Policy.from_dict({"scanners": {"moderated_content": settings}})


def test_long_texts_are_scored_in_bounded_windows() -> None:
    sentence = "The committee reviewed the budget and agreed to meet again next week. "

    def cpu(n: int) -> float:
        text = sentence * n
        start = time.process_time()
        for _ in range(3):
            category_probabilities(text)
        return time.process_time() - start

    cpu(20)
    small, large = cpu(100), cpu(400)
    assert large < 10 * max(small, 1e-3)  # linear grows 4x; no wall-clock bound
