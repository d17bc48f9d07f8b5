"""The shared vocabulary: one definition each, and the modules that use it agree."""

from __future__ import annotations

from stakegraph.analytics import evaluate, risk
from stakegraph.analytics.signals import DETECTORS
from stakegraph.analytics.signals.detect import BEYOND_DETECTORS
from stakegraph.generate import beyond, plan
from stakegraph.vocabulary import (
    BEYOND_SIGNAL_KINDS,
    EXECUTIVE_LEVELS,
    LEVEL_RANK,
    LEVELS,
    PLAY_FOR_SIGNAL,
    PLAYS,
    SENIOR_STAKEHOLDER_LEVELS,
    SIGNAL_KINDS,
    STAKEHOLDER_DEPARTURE,
)


def test_levels_rank_junior_to_senior_and_the_two_senior_groups_differ() -> None:
    assert [LEVEL_RANK[level] for level in LEVELS] == [0, 1, 2, 3, 4]
    assert EXECUTIVE_LEVELS == ("vp", "c_level")
    assert SENIOR_STAKEHOLDER_LEVELS == ("director", "vp", "c_level")
    for group in (EXECUTIVE_LEVELS, SENIOR_STAKEHOLDER_LEVELS):
        assert list(group) == sorted(group, key=LEVEL_RANK.__getitem__)


def test_every_signal_kind_has_a_detector_a_risk_feature_and_an_evaluation_row() -> None:
    assert tuple(DETECTORS) + tuple(BEYOND_DETECTORS) == SIGNAL_KINDS
    assert tuple(BEYOND_DETECTORS) == BEYOND_SIGNAL_KINDS
    assert evaluate.EVENT_KINDS == SIGNAL_KINDS
    # Stakeholder departures are not planted by the generator (see docs/metrics.md); the
    # beyond-conversation kinds are planted by generate.beyond.
    assert set(plan.EVENT_KINDS) == set(SIGNAL_KINDS) - {STAKEHOLDER_DEPARTURE} - set(
        BEYOND_SIGNAL_KINDS
    )
    assert set(beyond.PLANT_KINDS) == set(BEYOND_SIGNAL_KINDS)
    assert [f for f in risk.FEATURES if f.startswith("signal_")] == [
        f"signal_{kind}" for kind in SIGNAL_KINDS
    ]


def test_every_signal_kind_prescribes_one_of_the_plays() -> None:
    assert set(PLAY_FOR_SIGNAL) == set(SIGNAL_KINDS)
    assert set(PLAY_FOR_SIGNAL.values()) <= set(PLAYS)
