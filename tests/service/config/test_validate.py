"""Validation of watchkeeper.yaml: every error kind, each at its line."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper._exceptions import ConfigError, InputError
from watchkeeper.service._types import Condition, Severity
from watchkeeper.service.config import (
    InvalidConfigError,
    load_config,
    parse_config,
    parse_duration_text,
)

EXAMPLE = Path(__file__).parents[3] / "examples" / "watchkeeper.yaml"

BASE = """\
models:
  - name: churn
    task: binary_classification
    schema:
      columns: {age: numeric, plan: categorical}
      target: churned
channels:
  - name: hook
    type: webhook
    settings: {url: "http://127.0.0.1:9/x", secret_env: HOOK_SECRET}
monitors:
"""


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidConfigError) as caught:
        parse_config(textwrap.dedent(text))
    return [(p.line, p.message) for p in caught.value.problems]


def monitor_problems(monitor: str) -> list[tuple[int | None, str]]:
    """Problems of BASE plus one monitor (its first line is line 12)."""
    return problems(BASE + textwrap.indent(textwrap.dedent(monitor), "  "))


def only(found: list[tuple[int | None, str]]) -> tuple[int | None, str]:
    assert len(found) == 1, found
    return found[0]


def test_the_example_file_validates() -> None:
    config = load_config(EXAMPLE)
    assert config.summary() == "2 models, 6 monitors, 4 channels, 1 schedules"
    auc = next(m for m in config.monitors if m.name == "auc-drop")
    assert auc.condition == Condition("relative_to_baseline", threshold=0.05, direction="down")
    assert auc.severity is Severity.CRITICAL and auc.cooldown == timedelta(days=1)
    assert config.model("churn").schema["features"]["has_partner"] == "boolean"
    assert config.model("churn").window == timedelta(hours=1)
    assert config.schedule("churn-nightly").every == timedelta(days=1)
    assert config.server.graphite == "graphite.example.com:2003"


def test_a_valid_monitor_builds_its_spec() -> None:
    config = parse_config(
        BASE
        + "  - {name: d, model: churn, metric: drift_score, columns: [age],"
        + " condition: {above: 0.2}, cooldown: 30m, channels: [hook]}\n"
    )
    (monitor,) = config.monitors
    assert monitor.columns == ("age",) and monitor.cooldown == timedelta(minutes=30)
    assert monitor.channels == ("hook",) and monitor.min_samples == 100


def test_unknown_top_level_key_suggests_the_right_one() -> None:
    assert only(problems("modles: []\n")) == (
        1,
        "top level: unknown key 'modles'; did you mean 'models'? "
        "(allowed: version, models, monitors, channels, schedules, server)",
    )


def test_unknown_key_in_a_monitor() -> None:
    line, message = only(
        monitor_problems("""\
        - name: d
          model: churn
          metric: share_drifted
          treshold: 3
          condition: {above: 0.5}
        """)
    )
    assert line == 15
    assert "unknown key 'treshold'" in message and "did you mean 'threshold'" not in message


def test_unknown_metric_suggests_the_closest() -> None:
    assert only(
        monitor_problems("- {name: d, model: churn, metric: drfit_score, condition: {above: 1}}\n")
    ) == (12, "monitor 'd': unknown metric 'drfit_score'; did you mean 'drift_score'?")


def test_performance_metrics_from_the_registry_are_known_and_checked_against_the_task() -> None:
    parse_config(BASE + "  - {name: a, model: churn, metric: roc_auc, condition: {below: 0.7}}\n")
    line, message = only(
        monitor_problems("- {name: r, model: churn, metric: rmse, condition: {above: 1}}\n")
    )
    assert line == 12 and "does not apply to task 'binary_classification'" in message


def test_unknown_model_column_and_channel_each_at_their_line() -> None:
    found = monitor_problems("""\
    - name: d
      model: churn
      metric: drift_score
      columns: [age, agee]
      condition: {above: 0.2}
      channels: [hook, pager]
    - name: e
      model: chrun
      metric: row_count
      condition: {below: 10}
    """)
    assert found == [
        (15, "monitor 'd': model 'churn' has no feature 'agee'; did you mean 'age'?"),
        (17, "monitor 'd': unknown channel 'pager'; declare it under 'channels'"),
        (19, "monitor 'e': unknown model 'chrun'; declare it under 'models'; did you mean "
             "'churn'?"),
    ]  # fmt: skip


def test_wrong_types() -> None:
    found = monitor_problems("""\
    - name: d
      model: churn
      metric: row_count
      condition: {below: lots}
      min_samples: 2.5
      severity: [high]
    """)
    assert [line for line, _ in found] == [15, 16, 17]
    assert "'below' must be a number, not str 'lots'" in found[0][1]
    assert "'min_samples' must be a whole number" in found[1][1]
    assert "'severity' must be text, not a list" in found[2][1]


def test_a_section_that_is_not_a_list() -> None:
    assert only(problems("monitors: {name: d}\n")) == (
        1,
        "'monitors' must be a list, not a mapping",
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{abov: 1}", "unknown condition 'abov'; did you mean 'above'?"),
        ("{above: 1, below: 0}", "a condition has exactly one of"),
        ("{outside: [3, 1]}", "'outside' has low 3 above high 1; swap them"),
        ("{outside: 3}", "'outside' takes [low, high]"),
        ("{sigma_band: 0}", "sigma_band needs k > 0"),
        ("{relative_to_baseline: -0.1}", "relative_to_baseline is a fraction > 0"),
        ("{sigma_band: 3, direction: sideways}", "direction 'sideways' is not"),
        ("{above: 1, direction: up}", "'direction' applies only to"),
        ("high", "'condition' must be a mapping"),
    ],
)
def test_invalid_conditions(condition: str, expected: str) -> None:
    found = monitor_problems(
        f"- name: d\n  model: churn\n  metric: row_count\n  condition: {condition}\n"
    )
    assert found and all(line == 15 for line, _ in found)
    assert any(expected in message for _, message in found), found


def test_conditions_parse_into_the_shared_type() -> None:
    text = BASE + "".join(
        f"  - {{name: m{i}, model: churn, metric: row_count, condition: {c}}}\n"
        for i, c in enumerate(
            [
                "{outside: {low: 1}}",
                "{outside: [0, 2.5]}",
                "{sigma_band: 2, direction: up}",
                "{relative_to_baseline: 0.1}",
            ]
        )
    )
    assert [m.condition for m in parse_config(text).monitors] == [
        Condition("outside", low=1.0),
        Condition("outside", low=0.0, high=2.5),
        Condition("sigma_band", k=2.0, direction="up"),
        Condition("relative_to_baseline", threshold=0.1),
    ]


def test_every_error_is_reported_not_only_the_first() -> None:
    found = problems("""\
    models:
      - name: churn
        task: binary_clasification
        window: soon
    monitors:
      - {name: d, model: churn, metric: nope, condition: {above: 1}}
      - {name: d, model: churn, metric: row_count, condition: {above: 1}}
    """)
    assert [line for line, _ in found] == [3, 4, 6, 7]
    assert "did you mean 'binary_classification'" in found[0][1]
    assert "duration 'soon' is not understood" in found[1][1]
    assert "unknown metric 'nope'" in found[2][1]
    assert found[3][1] == "monitor 'd' is declared twice (first at line 6); rename one"


def test_duplicate_yaml_keys_are_an_error() -> None:
    assert only(problems("models: []\nmodels: []\n")) == (
        2,
        "key 'models' is repeated (first at line 1); keep one",
    )


def test_yaml_syntax_error_has_its_line() -> None:
    line, message = only(problems("models:\n  - name: [unclosed\n    task: x\nmonitors: []\n"))
    assert line is not None and line >= 2 and message.startswith("invalid YAML")


def test_schema_errors() -> None:
    found = problems("""\
    models:
      - name: m
        task: regression
        schema:
          columns:
            area: numerc
            rooms: {kind: numeric, rol: feature}
          targett: price
    """)
    assert found == [
        (6, "model 'm': column 'area': unknown kind 'numerc'; did you mean 'numeric'? (use one "
            "of boolean, categorical, datetime, embedding, numeric, text)"),
        (7, "model 'm': column 'rooms': unknown key 'rol'; did you mean 'role'?"),
        (8, "model 'm' schema: unknown key 'targett'; did you mean 'target'? (allowed: columns, "
            "target, prediction, scores, id, timestamp, segments, ignore, classes, subject, "
            "sensitive)"),
    ]  # fmt: skip


@pytest.mark.parametrize("key", ["secret", "password", "routing_key", "token", "api_key"])
def test_literal_secrets_are_rejected(key: str) -> None:
    found = problems(f"""\
    channels:
      - name: c
        type: webhook
        settings:
          url: http://example.com
          {key}: hunter2
    """)
    line, message = only(found)
    assert line == 6
    assert f"'{key}' holds a literal secret" in message and f"'{key}_env: VARIABLE'" in message
    assert "hunter2" not in message


def test_secret_env_must_name_a_variable_not_hold_the_value() -> None:
    line, message = only(
        problems("""\
    channels:
      - name: pd
        type: pagerduty
        settings:
          routing_key_env: "R0uting-key/with+symbols"
    """)
    )
    assert line == 5 and "must name an environment variable" in message


def test_channel_settings_by_type() -> None:
    found = problems("""\
    channels:
      - name: mail
        type: email
        settings: {host: smtp.example.com, to: [a@example.com], prot: 25}
      - name: s
        type: slak
      - name: w
        type: webhook
        settings: {url: "http://a", url_env: HOOK_URL}
    """)
    assert [line for line, _ in found] == [4, 4, 6, 9]
    assert "unknown setting 'prot' for type email; did you mean 'port'?" in found[0][1]
    assert "setting 'from' is required for type email" in found[1][1]
    assert "unknown type 'slak'; did you mean 'slack'?" in found[2][1]
    assert "give exactly one of 'url' or 'url_env'" in found[3][1]


def test_schedule_errors() -> None:
    found = problems("""\
    models:
      - {name: m, task: regression}
    monitors:
      - {name: big, model: m, metric: mae, condition: {above: 3}}
    schedules:
      - name: nightly
        model: m
        current: "data/*.parquet"
        every: -1h
        monitors: [bigg]
    """)
    assert [line for line, _ in found] == [6, 9, 10]
    assert "no 'reference' here nor on model 'm'" in found[0][1]
    assert "duration '-1h' is not understood" in found[1][1]
    assert "has no monitor 'bigg'; did you mean 'big'?" in found[2][1]


def test_server_section() -> None:
    config = parse_config("server: {window: 15m, graphite: 'carbon:2003'}\n")
    assert config.server.window == timedelta(minutes=15)
    line, message = only(problems("server: {graphite: carbon}\n"))
    assert line == 1 and "must be host:port" in message


def test_messages_are_path_and_line_prefixed(tmp_path: Path) -> None:
    path = tmp_path / "watchkeeper.yaml"
    path.write_text("monitors:\n  - {name: d}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = str(caught.value).splitlines()
    assert lines and all(line.startswith(f"{path}:2: monitor 'd': ") for line in lines)
    assert caught.value.line == 2


def test_missing_file() -> None:
    with pytest.raises(InvalidConfigError, match="file does not exist"):
        load_config("/nonexistent/watchkeeper.yaml")


def test_an_empty_file_is_an_empty_configuration() -> None:
    assert parse_config("").summary() == "0 models, 0 monitors, 0 channels, 0 schedules"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h", 3600), ("30m", 1800), ("1d", 86400), ("45s", 45), ("2w", 1_209_600),
     ("1.5h", 5400), (90, 90), ("0", 0)],
)  # fmt: skip
def test_durations(text: str | int, seconds: int) -> None:
    assert parse_duration_text(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["1 hour", "h", "-5m", "1y", "", True, float("nan"), -1])
def test_invalid_durations(text: object) -> None:
    with pytest.raises(InputError):
        parse_duration_text(text)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["s", "m", "h", "d", "w"]))
def test_duration_is_the_number_times_the_unit(amount: int, unit: str) -> None:
    factor = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    assert parse_duration_text(f"{amount}{unit}").total_seconds() == amount * factor


def test_the_old_name_of_the_drift_share_still_works_with_a_warning() -> None:
    text = (
        BASE
        + "  - {name: share, model: churn, metric: drift_share, condition: {above: 0.3}}\n"
        + "  - {name: other, model: churn, metric: share_drifted, condition: {above: 0.3}}\n"
    )
    with pytest.warns(FutureWarning, match=r"watchkeeper.yaml:12: metric 'drift_share' is dep"):
        config = parse_config(text)
    assert [m.metric for m in config.monitors] == ["share_drifted", "share_drifted"]


def test_baseline_keys_take_the_current_names() -> None:
    text = BASE.replace(
        "      target: churned\n",
        "      target: churned\n    versions:\n"
        "      - {name: v1, baseline: {drift_share: 0.1, drift_share_std: 0.02}}\n",
    )
    with pytest.warns(FutureWarning, match="'drift_share' is deprecated"):
        config = parse_config(text)
    assert dict(config.model("churn").versions[0].baseline) == {
        "share_drifted": 0.1,
        "share_drifted_std": 0.02,
    }


def test_monitors_and_suites_share_one_condition_language() -> None:
    text = BASE + "".join(
        f"  - {{name: m{i}, model: churn, metric: row_count, condition: {c}}}\n"
        for i, c in enumerate(
            ["{at_least: 5}", "{at_most: 2}", "{less: 5}", "{greater: 2}", "{between: [1, 3]}"]
        )
    )
    assert [m.condition for m in parse_config(text).monitors] == [
        Condition("at_least", threshold=5.0),
        Condition("at_most", threshold=2.0),
        Condition("at_least", threshold=5.0),  # a suite's "less: 5" fails at 5 and above
        Condition("at_most", threshold=2.0),
        Condition("outside", low=1.0, high=3.0),
    ]
