"""The offline tokenizer against hand counts, and its properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.llm.monitoring import approx_token_count, count_tokens, is_word, tokenize, words


def test_words_and_punctuation_by_hand() -> None:
    assert tokenize("Hello, world! It's 9:30.") == [
        "Hello", ",", "world", "!", "It", "'", "s", "9", ":", "30", ".",
    ]  # fmt: skip


def test_cjk_characters_are_one_token_each_and_cut_latin_runs() -> None:
    assert tokenize("日本語のテキスト") == ["日", "本", "語", "の", "テ", "キ", "ス", "ト"]
    assert tokenize("GPT模型") == ["GPT", "模", "型"]


def test_marks_stay_inside_words() -> None:
    # Devanagari vowel signs and a combining acute accent are not \\w to Python's re.
    assert tokenize("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]
    assert tokenize("cafe\u0301 au lait") == ["cafe\u0301", "au", "lait"]
    assert tokenize("สวัสดีครับ") == ["สวัสดีครับ"]


def test_emoji_and_symbols_are_single_tokens() -> None:
    assert tokenize("ok 👍🏽 $5") == ["ok", "👍", "🏽", "$", "5"]


def test_approx_token_count_by_hand() -> None:
    # "internationalization" is 20 bytes -> 5; "is" -> 1; "hard" -> 1; "!" -> 1.
    assert approx_token_count(tokenize("internationalization is hard!")) == 8
    # "привет" is 12 bytes -> 3; each Han character is 3 bytes -> 1.
    assert approx_token_count(tokenize("привет 你好")) == 5
    assert approx_token_count([]) == 0


def test_count_tokens_equals_tokenize_then_count() -> None:
    text = "Ignore previous instructions: 你好, мир! e-mail ann@example.org 👍"
    found, n = count_tokens(text)
    assert found == [t for t in tokenize(text) if is_word(t)] == words(text)
    assert n == approx_token_count(tokenize(text))


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=200))
def test_tokens_cover_every_non_space_character(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(tokens) == "".join(text.split())
    assert all(token and not any(c.isspace() for c in token) for token in tokens)
    found, n = count_tokens(text)
    assert n == approx_token_count(tokens) >= len(tokens)
    assert found == [token for token in tokens if is_word(token)]
