"""The vectorised descriptors against a plain reference: one regex pass per count, per text.

The reference is the definition written out directly (what ``describe_texts`` did before
it counted with a table of character codes and sliced the words out of the text), so a
difference here is a behaviour change, not a refactor.
"""

from __future__ import annotations

import random
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.llm.guard import Policy
from watchkeeper.llm.guard._results import GuardResult
from watchkeeper.llm.monitoring import SCRIPTS, describe_texts, guard_features
from watchkeeper.llm.monitoring import _char_counts as char_counts
from watchkeeper.llm.monitoring import _scripts as scripts
from watchkeeper.llm.monitoring import _tokenize as tokenize_module

NAMES = (*SCRIPTS, "other")
_CJK = re.compile(f"([{tokenize_module.CJK_CHARS}])")


def reference(text: str, vocab: frozenset[str] | None = None) -> dict[str, Any]:
    """One text's descriptors, each by its definition."""
    counts = [len(pattern.findall(text)) for pattern in scripts._SCRIPT_PATTERNS.values()]
    counts.append(len(scripts._OTHER_LETTERS.findall(text)))
    spaced = _CJK.sub(r" \1 ", text.lower())
    found = tokenize_module._WORDS.findall(spaced)
    others = len(tokenize_module._OTHER.findall(spaced))
    letters = sum(counts)
    script = NAMES[counts.index(max(counts))] if letters > 0 else "none"
    if script == "cjk":
        language = "ja" if scripts._KANA.search(text) else "zh"
    elif script in scripts._LANGUAGE_OF_SCRIPT:
        language = scripts._LANGUAGE_OF_SCRIPT[script]
    elif script in scripts._VOTING:
        candidates = scripts._VOTING[script]
        head = found[:400]
        hits = [sum(w in scripts._FUNCTION_WORDS[c] for w in head) for c in candidates]
        best = max(hits)
        language = "und" if best < 2 or hits.count(best) > 1 else candidates[hits.index(best)]
    else:
        language = "und"
    non_ascii = len(re.findall("[^\x00-\x7f]", text))
    row: dict[str, Any] = {
        "n_chars": float(len(text)),
        "n_words": float(len(found)),
        "n_tokens": float(others + sum((len(w.encode()) + 3) // 4 for w in found)),
        "non_ascii_share": non_ascii / len(text) if text else 0.0,
        **{
            f"share_{name}": count / letters if letters else 0.0
            for name, count in zip(NAMES, counts, strict=True)
        },
        "script": script,
        "language": language,
    }
    if vocab is not None:
        row["oov_rate"] = 1.0 - sum(w in vocab for w in found) / len(found) if found else None
    return row


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same type (floats bit for bit)."""
    if isinstance(a, float) and isinstance(b, float):
        return type(a) is type(b) and a.hex() == b.hex()
    return type(a) is type(b) and bool(a == b)


_INTERESTING = list(
    "aZz09_ é ÉÀß ﬁ İ Ⱥ \u212a Σσς Привет мир عربي فارسی שלום नमस्ते สวัสดี 안녕 日本語 のカナ ｶﾀ ＡＢ"
    "・ー゛\u3099 \u0301\u0483 ,.!?'\"(){}\t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u3000\x00"
    "😀👍🏽\u200d 𠀀𪜀 𝐀𝕏 ١٢ \U0010fffd"
)
_WORDS = ["the", "and", "der", "und", "le", "et", "и", "не", "і", "في", "در", "cat", "日", "Das"]
texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(_INTERESTING), max_size=80),
    st.lists(st.sampled_from(_WORDS), min_size=380, max_size=430).map(" ".join),
    st.lists(st.sampled_from([*_WORDS, "日本", ",", "x日"]), max_size=500).map("".join),
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(st.none(), texts), max_size=6))
def test_describe_texts_equals_the_reference(batch: list[str | None]) -> None:
    vocab = frozenset({"the", "cat", "日", "и", "é"})
    for vocabulary in (None, vocab):
        rows = describe_texts(batch, vocabulary=vocabulary).to_pylist()
        for row, text in zip(rows, batch, strict=True):
            if text is None:
                assert all(value is None for value in row.values())
                continue
            expected = reference(text, vocabulary)
            assert list(row) == list(expected)
            for name, value in expected.items():
                assert same(row[name], value), (name, row[name], value, text)


@settings(max_examples=200, deadline=None, database=None)
@given(texts, st.one_of(st.none(), texts))
def test_guard_features_equal_the_table(prompt: str, response: str | None) -> None:
    chat = [{"role": "user", "content": prompt}]
    if response is not None:
        chat.append({"role": "assistant", "content": response})
    features = guard_features(chat, GuardResult(False, (), ()), Policy.default())
    table = describe_texts([prompt, response])
    for row, side in enumerate(("prompt", "response")):
        for name in ("n_chars", "n_words", "n_tokens", "non_ascii_share", "script", "language"):
            assert same(features[f"{side}_{name}"], table.column(name)[row].as_py())


@settings(max_examples=200, deadline=None, database=None)
@given(st.one_of(st.text(), st.text(alphabet=st.sampled_from(_INTERESTING))))
def test_spacing_equals_the_template_substitution(text: str) -> None:
    assert tokenize_module._spaced(text, False) == _CJK.sub(r" \1 ", text)


def test_batches_cut_into_chunks_describe_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    batch: list[str | None] = [
        None if rng.random() < 0.1 else "".join(rng.choices(_INTERESTING, k=rng.randint(0, 40)))
        for _ in range(200)
    ]
    whole = describe_texts(batch)
    monkeypatch.setattr(char_counts, "_CHUNK_CHARS", 25)
    assert describe_texts(batch).equals(whole)


def _by_pattern(pattern: re.Pattern[str], chars: str) -> list[bool]:
    return [pattern.fullmatch(char) is not None for char in chars]


def test_character_codes_follow_the_patterns() -> None:
    rng = random.Random(3)
    cps = np.array(
        [*range(0x10000), *rng.sample(range(0x10000, 0x110000), 20_000)], dtype=np.uint32
    )
    codes = char_counts._char_codes(cps)
    chars = cps.tobytes().decode("utf-32-le", "surrogatepass")
    script = np.full(len(cps), char_counts._NOT_A_LETTER)
    for index, pattern in enumerate(char_counts._CLASS_PATTERNS):
        hit = np.array(_by_pattern(pattern, chars))
        assert not (hit & (script != char_counts._NOT_A_LETTER)).any()  # disjoint scripts
        script[hit] = index
    assert ((codes >> 4) == script).all()
    sizes = np.array([len(char.encode("utf-8", "surrogatepass")) for char in chars])
    assert (((codes >> 2) & 3) == sizes - 1).all()
    word = np.array(_by_pattern(tokenize_module._WORD, chars))
    other = np.array(_by_pattern(tokenize_module._OTHER, chars))
    cjk = np.array(_by_pattern(tokenize_module._HAS_CJK, chars))
    token = np.where(word, np.where(cjk, 2, 1), np.where(other, 3, 0))
    assert ((codes & 3) == token).all()


def test_a_lone_surrogate_is_refused_as_describe_texts_refuses_it() -> None:
    with pytest.raises(UnicodeEncodeError):
        describe_texts(["a\ud800"])
    chat = [{"role": "user", "content": "a\ud800"}]
    with pytest.raises(UnicodeEncodeError):
        guard_features(chat, GuardResult(False, (), ()), Policy.default())


@pytest.mark.parametrize("filler", ["cat日 ", "İcat日, ", "Cat-日"])
@pytest.mark.parametrize(
    ("tail", "language"), [("the the der der der", "en"), ("the der der der", "und")]
)
def test_the_vote_reads_exactly_the_first_400_words(filler: str, tail: str, language: str) -> None:
    text = filler * 199 + tail  # 398 words, then the tail's
    for batch in ([text], ["x", text, None, "日本"]):
        table = describe_texts(batch)
        row = batch.index(text)
        assert table.column("language")[row].as_py() == language == reference(text)["language"]
