"""The names of the guard's logged features, written and parsed here only.

``guard_flagged`` says whether the guard flagged the text; every detector ``<d>`` has
``guard_<d>_hit`` (boolean) and ``guard_<d>_score`` (0 to 1, higher is worse).
"""

from __future__ import annotations

__all__ = ["FLAGGED", "detector_of", "hit_feature", "score_feature"]

FLAGGED = "guard_flagged"
_PREFIX = "guard_"
_SUFFIXES = ("_hit", "_score")


def hit_feature(detector: str) -> str:
    """>>> hit_feature("pii")
    'guard_pii_hit'
    """
    return f"{_PREFIX}{detector}_hit"


def score_feature(detector: str) -> str:
    """>>> score_feature("pii")
    'guard_pii_score'
    """
    return f"{_PREFIX}{detector}_score"


def detector_of(feature: str, *, kind: str | None = None) -> str | None:
    """The detector a ``guard_<d>_hit`` or ``guard_<d>_score`` feature belongs to, else
    None; ``kind`` ("hit" or "score") accepts only that one.

    >>> detector_of("guard_prompt_attack_hit"), detector_of("guard_pii_score", kind="hit")
    ('prompt_attack', None)
    >>> detector_of("guard_flagged"), detector_of("guard__hit"), detector_of("age")
    (None, None, None)
    """
    if not feature.startswith(_PREFIX):
        return None
    for suffix in _SUFFIXES:
        if feature.endswith(suffix) and kind in (None, suffix[1:]):
            detector = feature[len(_PREFIX) : -len(suffix)]
            return detector or None
    return None
