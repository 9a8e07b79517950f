"""Edges of the band rules, worked out by hand on the small catalog (one 10-point scale).

composite = (gov share × 6 + society share × 4) / 10; with society at 3 of 4 points (75 %) and
gov earning E of 6 points, composite = 10·E + 30.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from metrics.catalog import Catalog, parse_catalog
from metrics.scoring import score_period
from tests.metrics.conftest import FIXTURES, JUNE, measures


@pytest.fixture
def provincial_bands() -> Catalog:
    """The small catalog with the province's thresholds: green 80, yellow 65."""
    data = yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))
    data["bands"].update(green_at_least=80, yellow_at_least=65)
    return parse_catalog(data, "provincial bands")


def unit(catalog: Catalog, values: list[tuple[str, float]]) -> pd.Series:
    data = measures([("A", key, value) for key, value in values])
    return score_period(data, catalog, ["A"], JUNE).units.iloc[0]


def test_composite_exactly_80_is_green(provincial_bands: Catalog) -> None:
    # gov: online 80 → 3, incidents 0 → 1, backlog 2.5 → 2 × 2.5/5 = 1: E = 5 (83.3 %, green)
    # society: meetings 1 by June (pace 2) → 1, plan 1 → 2: 75 % (yellow, not red)
    # composite = 10 × 5 + 30 = 80 → green.
    scored = unit(
        provincial_bands,
        [("online", 80), ("incidents", 0), ("backlog", 2.5), ("meetings", 1), ("plan", 1)],
    )
    assert scored["composite"] == pytest.approx(80.0)
    assert scored["band"] == "green"


def test_composite_exactly_65_is_yellow(provincial_bands: Catalog) -> None:
    # gov: online 80 → 3, incidents 1 → 0.5, backlog 5 → 0: E = 3.5 (58.3 %, red)
    # society 75 %; composite = 10 × 3.5 + 30 = 65 → yellow (a red pillar only bars green).
    scored = unit(
        provincial_bands,
        [("online", 80), ("incidents", 1), ("backlog", 5), ("meetings", 1), ("plan", 1)],
    )
    assert scored["composite"] == pytest.approx(65.0)
    assert scored["band"] == "yellow"


def test_just_below_65_is_red(provincial_bands: Catalog) -> None:
    # As above with online 79 → 79/80 × 3 = 2.9625: E = 3.4625, composite 64.625 → red.
    scored = unit(
        provincial_bands,
        [("online", 79), ("incidents", 1), ("backlog", 5), ("meetings", 1), ("plan", 1)],
    )
    assert scored["composite"] == pytest.approx(64.625)
    assert scored["band"] == "red"


def test_coverage_at_the_floor_a_pillar_at_its_threshold_and_a_not_applicable_indicator(
    small_catalog: Catalog,
) -> None:
    # backlog does not apply this month: 4 indicators expected; online, incidents, meetings
    # reported, plan missing → coverage 3/4 = 0.75, exactly the floor → not grey.
    # gov: online 80 → 3, incidents 0 → 1 of 4 available (backlog's 2 not counted) = 100 %.
    # society: meetings 2 (pace 4) → 2, plan missing → 0 of 2: 2 of 4 = 50 %, exactly the yellow
    # threshold → a yellow pillar, not red. composite (100 × 6 + 50 × 4)/10 = 80 ≥ 70 → green.
    data = measures([("A", "online", 80), ("A", "incidents", 0), ("A", "meetings", 2)])
    data = pd.concat(
        [
            data.assign(applicable=True),
            measures([("A", "backlog", float("nan"))]).assign(applicable=False),
        ],
        ignore_index=True,
    )
    scores = score_period(data, small_catalog, ["A"], JUNE)
    scored = scores.units.iloc[0]
    assert (scored["reported"], scored["expected"]) == (3, 4)
    assert scored["coverage"] == pytest.approx(0.75)
    pillars = scores.pillars.set_index("pillar")
    assert pillars.loc["gov", "available"] == 4.0
    assert pillars.loc["society", "score_pct"] == pytest.approx(50.0)
    assert pillars.loc["society", "band"] == "yellow"
    assert scored["composite"] == pytest.approx(80.0)
    assert scored["band"] == "green"
    # One more missing value (incidents) drops coverage to 2/4 = 0.5 < 0.75 → grey.
    fewer = score_period(data[data["indicator_key"] != "incidents"], small_catalog, ["A"], JUNE)
    assert fewer.units.iloc[0]["band"] == "grey"
