"""Policies from dicts and YAML, validated once with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper._exceptions import ConfigError
from watchkeeper.llm.guard import Policy, available_scanners


def test_defaults_follow_the_registry() -> None:
    policy = Policy.default()
    for spec in available_scanners():
        settings = policy.scanners[spec.name]
        assert settings.enabled is spec.enabled_by_default
        assert settings.threshold == spec.default_threshold


def test_yaml_file_and_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "guard.yaml"
    path.write_text(
        "max_chars: 5000\n"
        "scanners:\n"
        "  prompt_attack: {threshold: 0.8}\n"
        "  links: {enabled: true, allowed_domains: [example.com]}\n"
        "  banned_topics: {enabled: true, topics: {weapons: [rifle, ammo]}, min_hits: 1}\n"
        "  refusal: true\n"
    )
    policy = Policy.from_yaml(path)
    assert policy.max_chars == 5000
    assert policy.scanners["prompt_attack"].threshold == 0.8
    assert policy.scanners["links"].options["allowed_domains"] == ["example.com"]
    assert policy.scanners["refusal"].enabled is True
    assert Policy.from_dict(policy.to_dict()) == policy


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scanners": {"toxicity": {}}}, "no guard scanner 'toxicity'"),
        ({"scanners": {"pii": {"threshold": 1.5}}}, "threshold must be a number in \\[0, 1\\]"),
        ({"scanners": {"pii": {"enabled": "yes"}}}, "enabled must be true or false"),
        ({"scanners": {"pii": {"colour": "red"}}}, "has no setting \\['colour'\\]"),
        ({"scanners": {"pii": {"kinds": ["passport"]}}}, "pii kinds \\['passport'\\] unknown"),
        ({"scanners": {"links": {"allowed_domains": "example.com"}}}, "must be a list of strings"),
        ({"scanners": {"banned_regex": {"patterns": ["(a+)+"]}}}, "nests quantifiers"),
        ({"scanners": {"banned_topics": {"topics": ["x"]}}}, "topics must map names"),
        ({"scanners": []}, "'scanners' must map"),
        ({"max_chars": 0}, "max_chars must be a positive integer"),
        ({"rules": {}}, "unknown guard policy keys \\['rules'\\]"),
    ],
)
def test_invalid_policies(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Policy.from_dict(data)


def test_invalid_yaml_text() -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        Policy.from_yaml("scanners: [unclosed\n  - x")
