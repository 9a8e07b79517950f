"""Rank stability under alternative pillar weights, every rank and band worked out by hand.

Small catalog: gov weight 6, society weight 4; bands green ≥ 70, yellow ≥ 50. Four fully
reported units, described by their pillar shares (gov %, society %):

* A (100, 50):  online 80, incidents 0, backlog 0 | meetings 2 (2 pts), plan 0
* B (60, 100):  online 80, incidents 5, backlog 3.5 (3 + 0 + 0.6 = 3.6 of 6) | meetings 2, plan 1
* C (100, 25):  online 80, incidents 0, backlog 0 | meetings 1 (1 pt), plan 0 — society red
* F (50, 50):   online 80, incidents 5, backlog 5 (3 of 6) | meetings 0, plan 1 (2 of 4)

plus E, grey (2 of 5 reported), which is never ranked.

Composite = (gov × w_gov + society × w_soc) / (w_gov + w_soc):

| scenario (w_gov, w_soc)  | A      | B      | C      | F  | ranks A B C F |
|--------------------------|--------|--------|--------|----|---------------|
| baseline (6, 4)          | 80     | 76     | 70     | 50 | 1 2 3 4       |
| equal (5, 5)             | 75     | 80     | 62.5   | 50 | 2 1 3 4       |
| gov-20 (4.8, 4)          | 77.27  | 78.18  | 65.91  | 50 | 2 1 3 4       |
| gov+20 (7.2, 4)          | 82.14  | 74.29  | 73.21  | 50 | 1 2 3 4       |
| society-20 (6, 3.2)      | 82.61  | 73.91  | 73.91  | 50 | 1 2 2 4       |
| society+20 (6, 4.8)      | 77.78  | 77.78  | 66.67  | 50 | 1 1 3 4       |
| without:gov (0, 4)       | 50     | 100    | 25     | 50 | 2 1 4 2       |
| without:society (6, 0)   | 100    | 60     | 100    | 50 | 1 3 1 4       |

(ties share the smallest rank). Bands: A green except without:gov (50 → yellow); B green
except without:society (60 → yellow); C yellow throughout (green numbers are held back by its
red society pillar, which still counts when left out of the composite) except without:gov
(25 → red); F 50 everywhere → yellow, never changes (in floats gov-20 gives
49.99999999999999, which the rounding to 9 decimals keeps yellow).
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from metrics.catalog import Catalog, default_catalog, parse_catalog
from metrics.scoring import PeriodScores, composite_from_pillars, score_period
from metrics.stability import (
    DTI_922,
    alternative_weightings,
    compared_weightings,
    rank_stability,
    scenario_ranks,
    scenario_shifts,
    stability_summary,
)
from tests.metrics.conftest import FIXTURES, JUNE, measures
from tests.metrics.provenance import with_provenance

UNITS = {
    "A": [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 2), ("plan", 0)],
    "B": [("online", 80), ("incidents", 5), ("backlog", 3.5), ("meetings", 2), ("plan", 1)],
    "C": [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 1), ("plan", 0)],
    "E": [("online", 80), ("plan", 1)],
    "F": [("online", 80), ("incidents", 5), ("backlog", 5), ("meetings", 0), ("plan", 1)],
}

EXPECTED_RANKS = {  # scenario: ranks of A, B, C, F
    "baseline": (1, 2, 3, 4),
    "equal": (2, 1, 3, 4),
    "gov-20": (2, 1, 3, 4),
    "gov+20": (1, 2, 3, 4),
    "society-20": (1, 2, 2, 4),
    "society+20": (1, 1, 3, 4),
    "without:gov": (2, 1, 4, 2),
    "without:society": (1, 3, 1, 4),
}


@pytest.fixture
def scores(small_catalog: Catalog) -> PeriodScores:
    rows = [(unit, key, value) for unit, values in UNITS.items() for key, value in values]
    return score_period(measures(rows), small_catalog, list(UNITS), JUNE)


def test_alternative_weightings(small_catalog: Catalog) -> None:
    scenarios = {s.key: s for s in alternative_weightings(small_catalog)}
    assert list(scenarios) == [
        "equal",
        "gov-20",
        "gov+20",
        "society-20",
        "society+20",
        "without:gov",
        "without:society",
    ]
    assert scenarios["equal"].weights == {"gov": 5, "society": 5}
    assert scenarios["gov+20"].weights == {"gov": 7.2, "society": 4}
    assert scenarios["society-20"].weights == {"gov": 6, "society": 3.2}
    assert scenarios["without:society"].weights == {"gov": 6, "society": 0}
    assert scenarios["gov+20"].label.en == "Digital government: weight +20%"
    assert scenarios["without:gov"].label.vi == "Không tính trụ cột Chính quyền số"


def test_baseline_as_scored(scores: PeriodScores) -> None:
    units = scores.units.set_index("unit_code")
    assert units["composite"].loc[["A", "B", "C", "F"]].tolist() == pytest.approx([80, 76, 70, 50])
    assert units["band"].to_dict() == {
        "A": "green",
        "B": "green",
        "C": "yellow",
        "E": "grey",
        "F": "yellow",
    }


def test_every_scenario_rank_by_hand(scores: PeriodScores, small_catalog: Catalog) -> None:
    long = scenario_ranks(scores, small_catalog)
    assert "E" not in set(long["unit_code"])  # grey: not ranked
    ranks = long.pivot(index="scenario", columns="unit_code", values="rank")
    for scenario, expected in EXPECTED_RANKS.items():
        assert tuple(ranks.loc[scenario, ["A", "B", "C", "F"]]) == expected, scenario
    composite = long.pivot(index="scenario", columns="unit_code", values="composite")
    assert composite.loc["equal", "B"] == pytest.approx(80)  # (60 × 5 + 100 × 5)/10
    assert composite.loc["gov+20", "A"] == pytest.approx(920 / 11.2)  # (100·7.2 + 50·4)/11.2
    assert composite.loc["society-20", "C"] == pytest.approx(680 / 9.2)  # (100·6 + 25·3.2)/9.2
    assert (composite["F"] == 50).all()  # rounded to 9 decimals: exactly 50 everywhere


def test_scenario_bands_keep_the_non_compensatory_rule(
    scores: PeriodScores, small_catalog: Catalog
) -> None:
    bands = scenario_ranks(scores, small_catalog).pivot(
        index="scenario", columns="unit_code", values="band"
    )
    # C: society-20 gives 73.91 and without:society 100, but society (25 %) is red: yellow.
    assert bands.loc["society-20", "C"] == "yellow"
    assert bands.loc["without:society", "C"] == "yellow"
    assert bands.loc["without:gov", "C"] == "red"  # 25
    assert bands.loc["without:gov", "A"] == "yellow"  # 50
    assert bands.loc["without:society", "B"] == "yellow"  # 60
    assert (bands["F"] == "yellow").all()


def test_rank_stability(scores: PeriodScores, small_catalog: Catalog) -> None:
    # From the table: A ranks 1–2, B 1–3, C 1–4, F 2–4; each of A, B, C changes band in
    # exactly one scenario, F never.
    expected = pd.DataFrame(
        {
            "unit_code": ["A", "B", "C", "F"],
            "baseline_rank": [1, 2, 3, 4],
            "best_rank": [1, 1, 1, 2],
            "worst_rank": [2, 3, 4, 4],
            "rank_range": [1, 2, 3, 2],
            "band": ["green", "green", "yellow", "yellow"],
            "band_changes": [True, True, True, False],
            "scenarios_with_band_change": [1, 1, 1, 0],
        }
    )
    pd.testing.assert_frame_equal(
        rank_stability(scores, small_catalog), expected, check_dtype=False
    )


def test_stability_summary(scores: PeriodScores, small_catalog: Catalog) -> None:
    # rank ranges 1, 2, 3, 2 → median 2, max 3; F alone keeps its band: 1 of 4.
    summary = stability_summary(rank_stability(scores, small_catalog))
    assert summary.units == 4
    assert summary.median_rank_range == 2
    assert summary.max_rank_range == 3
    assert summary.share_band_stable == pytest.approx(0.25)


def test_no_ranked_units(small_catalog: Catalog) -> None:
    scores = score_period(measures([("A", "online", 80)]), small_catalog, ["A"], JUNE)
    stability = rank_stability(scores, small_catalog)
    assert stability.empty
    assert stability_summary(stability).units == 0


# --- the provincial DTI's weights beside the province's --------------------------------------
#
# The small catalog with DTI weights gov 9, society 1 (they add up to its 10 points). Same four
# units; composite = (gov × 9 + society × 1) / 10:
#   A (100, 50): 950/10 = 95 → green          (baseline 80, rank 1 → 1)
#   B (60, 100): 640/10 = 64 → yellow (< 70)  (baseline 76 green, rank 2 → 3)
#   C (100, 25): 925/10 = 92.5 → yellow: its society pillar (25 %) is red (baseline 70, 3 → 2)
#   F (50, 50):  50 → yellow                  (baseline 50, rank 4 → 4)
# Shift against the baseline: 1 unit changes band (B); rank changes 0, 1, 1, 0 → median 0.5,
# largest 1. Equal weights (table above): ranks 2 1 3 4, no band change; changes 1, 1, 0, 0.


@pytest.fixture
def dti_catalog() -> Catalog:
    data = yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))
    return parse_catalog(with_provenance(data, {"gov": 9, "society": 1}), "small with DTI")


@pytest.fixture
def dti_scores(dti_catalog: Catalog) -> PeriodScores:
    rows = [(unit, key, value) for unit, values in UNITS.items() for key, value in values]
    return score_period(measures(rows), dti_catalog, list(UNITS), JUNE)


def test_the_dti_weighting_follows_equal_weights(dti_catalog: Catalog) -> None:
    scenarios = alternative_weightings(dti_catalog)
    assert [s.key for s in scenarios[:3]] == ["equal", "dti_922", "gov-20"]
    assert scenarios[1].weights == {"gov": 9, "society": 1}
    assert scenarios[1].label.vi == "Trọng số DTI cấp tỉnh (QĐ 922)"
    assert [s.key for s in compared_weightings(scenarios)] == ["equal", "dti_922"]


def test_dti_composites_ranks_and_bands_by_hand(
    dti_scores: PeriodScores, dti_catalog: Catalog
) -> None:
    long = scenario_ranks(dti_scores, dti_catalog)
    dti = long[long["scenario"] == DTI_922].set_index("unit_code")
    assert dti.loc[["A", "B", "C", "F"], "composite"].tolist() == pytest.approx([95, 64, 92.5, 50])
    assert dti.loc[["A", "B", "C", "F"], "rank"].tolist() == [1, 3, 2, 4]
    assert dti.loc[["A", "B", "C", "F"], "band"].tolist() == ["green", "yellow", "yellow", "yellow"]


def test_shifts_against_the_province_weights(
    dti_scores: PeriodScores, dti_catalog: Catalog
) -> None:
    scenarios = compared_weightings(alternative_weightings(dti_catalog))
    equal, dti = scenario_shifts(dti_scores, dti_catalog, scenarios)
    assert (dti.key, dti.units, dti.band_changes) == ("dti_922", 4, 1)
    assert (dti.median_rank_change, dti.max_rank_change) == (0.5, 1)
    assert (equal.key, equal.band_changes) == ("equal", 0)
    assert (equal.median_rank_change, equal.max_rank_change) == (0.5, 1)


def test_shifts_with_no_ranked_unit(dti_catalog: Catalog) -> None:
    # A reports 1 of 5 scored indicators (coverage 20 % < 75 %): grey, so nobody is ranked.
    scores = score_period(measures([("A", "online", 80)]), dti_catalog, ["A"], JUNE)
    scenarios = compared_weightings(alternative_weightings(dti_catalog))
    shifts = scenario_shifts(scores, dti_catalog, scenarios)
    assert [s.key for s in shifts] == ["equal", "dti_922"]
    for shift in shifts:
        assert (shift.units, shift.band_changes, shift.max_rank_change) == (0, 0, 0)


def test_the_shipped_dti_scenario_on_a_hand_made_unit() -> None:
    # Pillar shares (%): awareness 100, institutions 50, infrastructure 0, human resources 100,
    # cyber-security 100, government 50, economy 100, society 0.
    # DTI weights 10/10/10/10/10/20/15/15:
    #   (10·100 + 10·50 + 10·0 + 10·100 + 10·100 + 20·50 + 15·100 + 15·0) / 100 = 6000/100 = 60
    # The province's 8/10/16/10/8/24/12/12:
    #   (8·100 + 10·50 + 16·0 + 10·100 + 8·100 + 24·50 + 12·100 + 12·0) / 100 = 5500/100 = 55
    shares = {
        "awareness": 100,
        "institutions": 50,
        "digital_infrastructure": 0,
        "digital_human_resources": 100,
        "cybersecurity": 100,
        "digital_government": 50,
        "digital_economy": 100,
        "digital_society": 0,
    }
    pillars = pd.DataFrame(
        {"unit_code": "X", "pillar": list(shares), "score_pct": list(shares.values())}
    )
    catalog = default_catalog()
    dti = next(s for s in alternative_weightings(catalog) if s.key == DTI_922)
    assert composite_from_pillars(pillars, dti.weights)["X"] == pytest.approx(60)
    province = {p.key: p.weight for p in catalog.pillars}
    assert composite_from_pillars(pillars, province)["X"] == pytest.approx(55)
