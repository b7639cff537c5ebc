"""The classifier's structural pass finds what the plain pass finds.

On long lower-case texts, a structural pattern whose every match holds one of its
needles (proved from its syntax tree) and whose matches are bounded is searched only
around the needles' occurrences, or tried only at the strings every match starts with
(``_structure_search.find_spans``); the starts of words and sentence ends of a non-ASCII
text come from a code-point table instead of a match object each (``_wide_run_starts``).
The classifier reads the spans (each window counts those inside it) and these starts,
so the test asks for the same spans and starts as the plain ``finditer`` of every
pattern, bit for bit, on corpus-like texts, on texts crowded with needles (below and
above the cap on occurrences), on random ones and on long ones, and for the same
structural features of every classifier window.
"""

from __future__ import annotations

import json
import random
import re
import re._parser as _parser  # type: ignore[import-not-found]
from pathlib import Path

import numpy as np
import pytest

from watchkeeper.llm.guard import _structure, _structure_search
from watchkeeper.llm.guard._needles import Occurrences
from watchkeeper.llm.guard._normalise import normalise
from watchkeeper.llm.guard._pattern_proofs import match_starts
from watchkeeper.llm.guard._structure import (
    StructureMatches,
    structure_features,
    structure_matches,
)

DATA = Path(__file__).resolve().parent / "data" / "guard_attack_equivalence.json"
NAMES = [name for name, _ in _structure._COMPILED_LOWER]
NEEDLES = sorted(
    {
        needle
        for plan in _structure._PLANS.values()
        if plan is not None
        for group in plan[2]
        for needle in group
    }
    | {needle for starts in _structure._STARTS.values() for needle in starts}
)
WORDS = [
    "you", "are", "now", "no", "longer", "an", "ai", "from", "on", "ignore", "all",
    "previous", "instructions", "system", "mode", "rules", "stay", "in", "character",
    "pretend", "to", "be", "as", "model", "note", "for", "the", "assistant", "test",
    "error", "filters", "disabled", "everything", "above", "is", "void", "instead,", "do",
    "reveal", "prompt", "i", "am", "your", "developer", "password", "\n", ".", ",", ":",
    "ı", "ſ", "é", "忽略", "之前", "забудь", "все", "_", "x1", "٣", "²",
]  # fmt: skip


def _rows() -> list[str]:
    return [str(row["text"]) for row in json.loads(DATA.read_text(encoding="utf-8"))["prompts"]]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    rows = _rows()
    vocabulary = WORDS + NEEDLES
    out = []
    for index in range(count):
        kind = index % 4
        if kind == 0:  # corpus-like
            text = ""
            while len(text) < 9000:
                text += "\n" + rng.choice(rows)
        elif kind == 1:  # random words and needles
            text = rng.choice((" ", " ", "")).join(
                rng.choice(vocabulary) for _ in range(rng.randint(300, 2500))
            )
        elif kind == 2:  # one needle repeated, near and past the cap on occurrences
            needle = rng.choice(NEEDLES)
            filler = rng.choice(rows)
            repeats = rng.choice((1, 20, 47, 48, 49, 200))
            parts = [filler] * 3 + [needle + " " + rng.choice(WORDS)] * repeats
            rng.shuffle(parts)
            text = " ".join(parts)
        else:  # corpus rows with needles planted
            text = " ".join(
                rng.choice(rows) if rng.random() < 0.3 else rng.choice(vocabulary)
                for _ in range(rng.randint(100, 900))
            )
        text = text[: rng.choice((1023, 1024, 1500, 4000, 8000, 20000))]
        out.append(normalise(text).text if index % 8 else text)
    return out


def _plain_matches(text: str) -> StructureMatches:
    """``structure_matches`` with every pattern searched over the whole text."""
    lowered = text.lower()
    folded = _structure._lower_text(text, lowered)
    scan = folded if folded is not None else text
    compiled = _structure._COMPILED_LOWER if folded is not None else _structure._COMPILED
    spans = tuple(
        np.array([m.span() for m in pattern.finditer(scan)], dtype=np.int64).reshape(-1, 2)
        for _, pattern in compiled
    )
    second_person, imperative = _structure._lower_or_not(folded is not None)
    return StructureMatches(
        spans,
        np.array([m.start() for m in _structure._WORDS.finditer(text)], dtype=np.int64),
        np.array([m.start() for m in second_person.finditer(scan)], dtype=np.int64),
        np.array([max(0, m.start() - 1) for m in imperative.finditer("\n" + scan)], dtype=np.int64),
        np.array([m.start() for m in _structure._SENTENCE_END.finditer(text)], dtype=np.int64),
    )


def _plain_features(text: str) -> tuple[list[int], list[float]]:
    """``structure_features`` as it was before the windows: each pattern's plain
    ``finditer`` counted up to the cap."""
    top, scale, cap = _structure.N_BUCKETS - 1, _structure.STRUCTURE_SCALE, 3
    lowered = text.lower()
    folded = _structure._lower_text(text, lowered)
    scan = folded if folded is not None else text
    compiled = _structure._COMPILED_LOWER if folded is not None else _structure._COMPILED
    found: dict[int, float] = {}
    for k, (_, pattern) in enumerate(compiled):
        count = min(cap, sum(1 for _ in pattern.finditer(scan)))
        if count:
            found[top - k] = scale * count / cap
    second_person, imperative = _structure._lower_or_not(folded is not None)
    words = len(_structure._WORDS.findall(text))
    if words >= 8:
        share = len(second_person.findall(scan)) / words
        if share > 0:
            found[top - len(compiled)] = scale * min(1.0, share * 10.0)
    commands = len(imperative.findall("\n" + scan))
    if commands:
        sentences = max(1, len(_structure._SENTENCE_END.findall(text.rstrip(" .!?\n"))) + 1)
        found[top - 1 - len(compiled)] = scale * min(1.0, commands / sentences)
    ordered = sorted(found)
    return ordered, [found[index] for index in ordered]


@pytest.mark.parametrize("seed", range(4))
def test_the_structural_matches_are_the_plain_ones(seed: int) -> None:
    windowed = started = 0
    for text in _texts(seed, 48):
        fast, plain = structure_matches(text), _plain_matches(text)
        assert len(fast.spans) == len(plain.spans)
        for k, (ours, theirs) in enumerate(zip(fast.spans, plain.spans, strict=True)):
            # A pattern whose needles are absent may be given no spans: it has none.
            assert ours.tolist() == theirs.tolist(), (NAMES[k], text[:80])
        for name in ("words", "second", "commands", "ends"):
            assert getattr(fast, name).tolist() == getattr(plain, name).tolist(), name
        for start in range(0, max(1, len(text) - 750), 750):
            ours_w = fast.window(start, start + 1500)
            theirs_w = plain.window(start, start + 1500)
            assert ours_w[0].tolist() == theirs_w[0].tolist()
            assert ours_w[1].tolist() == theirs_w[1].tolist()
        if text == text.lower() and len(text) >= _structure_search.WINDOWED_FROM:
            for plan in _structure._PLANS.values():
                if plan is not None and _structure_search._windows(
                    Occurrences(text), plan.groups, plan.reach, plan.beyond
                ):
                    windowed += 1
            for name, pattern in _structure._COMPILED_LOWER:
                if name in _structure._STARTS:
                    started += bool(
                        _structure_search.start_spans(pattern, text, _structure._STARTS[name])
                    )
    # The fast paths ran and found matches (the comparison is not vacuous).
    assert windowed > 100
    assert started > 100


@pytest.mark.parametrize("seed", range(2))
def test_the_features_of_a_window_are_the_plain_ones(seed: int) -> None:
    for text in _texts(100 + seed, 40):
        window = text[:1500]
        indices, values = structure_features(window)
        plain_indices, plain_values = _plain_features(window)
        assert indices.tolist() == plain_indices
        assert values.tolist() == plain_values


def test_every_match_of_a_planned_pattern_holds_a_needle_and_fits_its_reach() -> None:
    planned = [name for name in NAMES if _structure._PLANS[name] is not None]
    assert len(planned) >= 15
    checked = 0
    for text in _texts(7, 40):
        scan = text.lower()
        for name, pattern in _structure._COMPILED_LOWER:
            plan = _structure._PLANS[name]
            if plan is None:
                continue
            reach, _, groups = plan
            for match in pattern.finditer(scan):
                assert match.end() - match.start() <= reach
                for group in groups:
                    assert any(needle in match.group() for needle in group), (name, match)
                checked += 1
    assert checked > 200


def test_every_match_of_a_started_pattern_starts_with_a_needle_or_at_0() -> None:
    assert len(_structure._STARTS) >= 15
    checked = 0
    for text in _texts(8, 40):
        scan = text.lower()
        for name, pattern in _structure._COMPILED_LOWER:
            needles = _structure._STARTS.get(name)
            if needles is None:
                continue
            for match in pattern.finditer(scan):
                assert match.start() == 0 or match.group().startswith(needles), (name, match)
                checked += 1
    assert checked > 200


def test_second_person_words_start_with_you() -> None:
    assert match_starts(_structure._SECOND_PERSON_LOWER.pattern) == ("you",)
    assert _structure._PLANS.get("second_person") is None
    assert _parser.parse(_structure._SECOND_PERSON_LOWER.pattern).getwidth()[1] == 8


def test_the_plans_refuse_what_they_cannot_bound() -> None:
    parse = _parser.parse
    assert _structure_search._beyond(parse(r"\bab\b")) == 1
    assert _structure_search._beyond(parse(r"ab(?=cde)")) == 3
    assert _structure_search._beyond(parse(r"ab(?!x+)")) is None
    assert _structure_search._beyond(parse(r"(?<=xyz)ab")) == 1  # a look-behind reads before
    assert _structure_search._beyond(parse(r"(a)\1")) is None  # an element it does not know
    # The unbounded and unproved patterns keep the plain search.
    assert _structure._PLANS["two_voices"] is None  # `\s*`
    assert _structure._PLANS["indirect"] is None


def test_word_and_sentence_starts_of_any_text_are_the_regex_ones() -> None:
    rng = random.Random(3)
    alphabet = "ab_ 1.!?\n\t'-éßı中文。١٢²\u2155\u0301\u200b\U0001f600\ud800"
    texts = ["", "a", "é", ".", "\ud800", "中文。字.", "x_y\u00b2 z"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300))) for _ in range(300)]
    for text in texts:
        words, ends = _structure._wide_run_starts(text)
        assert words.tolist() == [m.start() for m in re.finditer(r"\w+", text)], text
        assert ends.tolist() == [m.start() for m in re.finditer(r"[.!?\n]+", text)], text


def test_the_word_table_is_what_re_calls_a_word_character() -> None:
    # Every code point of the Basic Multilingual Plane, lone surrogates included.
    table = _structure._bmp_words()
    word = re.compile(r"\w")
    differ = [c for c in range(0x10000) if bool(word.fullmatch(chr(c))) != bool(table[c])]
    assert differ == []


def _one_window(matches: StructureMatches, start: int, end: int) -> tuple[list[int], list[float]]:
    """A window's features counted on their own, each as a plain count."""
    found: dict[int, float] = {}
    top = _structure.N_BUCKETS - 1
    scale, cap = _structure.STRUCTURE_SCALE, 3
    for k, spans in enumerate(matches.spans):
        inside = sum(1 for low, high in spans.tolist() if low >= start and high <= end)
        if inside:
            found[top - k] = scale * min(inside, cap) / float(cap)
    words = sum(1 for at in matches.words.tolist() if start <= at < end)
    second = sum(1 for at in matches.second.tolist() if start <= at < end)
    if words >= 8 and second:
        found[top - len(matches.spans)] = scale * min(1.0, second / words * 10.0)
    commands = sum(1 for at in matches.commands.tolist() if start <= at < end)
    if commands:
        sentences = 1 + sum(1 for at in matches.ends.tolist() if start <= at < end - 1)
        found[top - 1 - len(matches.spans)] = scale * min(1.0, commands / sentences)
    ordered = sorted(found)
    return ordered, [found[index] for index in ordered]


@pytest.mark.parametrize("seed", range(3))
def test_the_windows_counted_at_once_are_each_window_counted_alone(seed: int) -> None:
    rng = random.Random(seed)
    compared = 0
    for text in _texts(200 + seed, 24):
        matches = structure_matches(text)
        bounds = [(start, start + 1500) for start in range(0, max(1, len(text) - 750), 750)]
        bounds += [(a, a + rng.randint(0, 3000)) for a in rng.sample(range(len(text) + 1), 5)]
        for (start, end), (indices, values) in zip(bounds, matches.windows(bounds), strict=True):
            expected = _one_window(matches, start, end)
            assert (indices.tolist(), values.tolist()) == expected, (start, end)
            compared += len(expected[0])
    assert compared > 500  # features were found, not only empty windows compared
