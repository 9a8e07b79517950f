"""Monthly snapshots: ranks and changes by hand, and the stored scorecard on both databases."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.db import exclusive_write
from data.demo import generate_into
from metrics import available_periods, default_catalog, refresh_snapshots, scorecard
from metrics.snapshots import add_ranks

PEERS = pd.Series({"A": "phuong", "B": "xa_highland", "C": "xa_highland", "D": "xa_highland"})


def frame(rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_code", "composite", "band"])


def test_level_peer_and_delta_ranks() -> None:
    # Composites this month: A 80, B 70, C 70, D 60 (D is grey: not ranked).
    # Level: A 1, B and C share 2. Peer group xa_highland: B and C share 1.
    # Last month: A 85, B 60, C 69 → changes A −5, B +10, C +1 → delta ranks B 1, C 2, A 3.
    current = frame(
        [("A", 80, "green"), ("B", 70, "yellow"), ("C", 70, "yellow"), ("D", 60, "grey")]
    )
    previous = frame([("A", 85, "green"), ("B", 60, "red"), ("C", 69, "yellow"), ("D", 50, "red")])
    ranked = add_ranks(current, previous, PEERS).set_index("unit_code")
    assert ranked["rank_level"].to_dict() == pytest.approx(
        {"A": 1, "B": 2, "C": 2, "D": float("nan")}, nan_ok=True
    )
    assert ranked.loc["A", "rank_peer"] == 1  # alone among the wards
    assert ranked.loc["B", "rank_peer"] == 1 and ranked.loc["C", "rank_peer"] == 1
    assert ranked.loc["B", "delta"] == pytest.approx(10)
    assert ranked.loc["A", "delta"] == pytest.approx(-5)
    assert ranked[["rank_delta"]].loc[["B", "C", "A"]]["rank_delta"].tolist() == [1, 2, 3]
    assert pd.isna(ranked.loc["D", "delta"])


def test_no_change_against_a_grey_month() -> None:
    # B was grey last month: its change is not computed (its old composite is not comparable).
    current = frame([("A", 80, "green"), ("B", 70, "yellow")])
    previous = frame([("A", 75, "green"), ("B", 40, "grey")])
    ranked = add_ranks(current, previous, PEERS).set_index("unit_code")
    assert ranked.loc["A", "delta"] == pytest.approx(5)
    assert pd.isna(ranked.loc["B", "delta"])
    assert ranked.loc["A", "rank_delta"] == 1


@pytest.fixture
def demo_engine(migrated_engine: Engine) -> Engine:
    with exclusive_write(migrated_engine) as conn:
        generate_into(conn, seed=7, scale=0.02, end_date=date(2026, 3, 16))
    return migrated_engine


def test_scorecard_for_all_102_units_from_the_demo_database(demo_engine: Engine) -> None:
    result = refresh_snapshots(demo_engine)
    assert result.rebuilt
    # July 2025 to February 2026 (the last month that ended before 16 March): 8 months.
    periods = available_periods(demo_engine)
    assert periods[0] == date(2025, 7, 1) and periods[-1] == date(2026, 2, 1)
    assert len(periods) == result.periods == 8
    card = scorecard(demo_engine)
    assert len(card) == 102 and card["unit_code"].is_unique
    assert set(card["band"]) <= {"green", "yellow", "red", "grey"}
    assert (card["catalog_version"] == default_catalog().version).all()
    assert card["composite"].between(0, 100).all()
    rated = card[card["band"] != "grey"]
    assert (
        rated["rank_level"].min() == 1
        and card.loc[card["band"] == "grey", "rank_level"].isna().all()
    )
    for pillar in default_catalog().pillars:
        assert f"pillar.{pillar.key}" in card


def test_snapshots_are_rebuilt_only_when_something_changed(demo_engine: Engine) -> None:
    refresh_snapshots(demo_engine)
    first = scorecard(demo_engine)
    assert not refresh_snapshots(demo_engine).rebuilt
    again = refresh_snapshots(demo_engine, force=True)
    assert again.rebuilt
    # Reproducible: the same data and catalog give the same scores.
    pd.testing.assert_frame_equal(
        first.drop(columns=["computed_at"]), scorecard(demo_engine).drop(columns=["computed_at"])
    )
