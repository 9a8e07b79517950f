"""Monthly snapshots: ranks and changes by hand, and the stored scorecard on both databases."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from common.periods import FIRST_PERIOD
from data.db import exclusive_write, score_lock
from data.demo import generate_into
from data.queries import (
    SNAPSHOT_INDICATOR_COLUMNS,
    SNAPSHOT_PILLAR_COLUMNS,
    SNAPSHOT_UNIT_COLUMNS,
    SnapshotState,
    snapshot_state,
    write_snapshots,
)
from metrics import available_periods, default_catalog, refresh_snapshots, scorecard
from metrics.catalog import CATALOG_FILE, parse_catalog
from metrics.snapshots import add_ranks, scores_current, stored_history_complete
from tests.reference import registry_count

PEERS = pd.Series({"A": "phuong", "B": "xa_highland", "C": "xa_highland", "D": "xa_highland"})


def frame(rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_code", "composite", "band"])


def test_level_and_delta_ranks() -> None:
    # Composites this month: A 80, B 70, C 70, D 60 (D is grey: not ranked).
    # Level: A 1, B and C share 2.
    # Last month: A 85, B 60, C 69 → changes A −5, B +10, C +1 → delta ranks B 1, C 2, A 3.
    current = frame(
        [("A", 80, "green"), ("B", 70, "yellow"), ("C", 70, "yellow"), ("D", 60, "grey")]
    )
    previous = frame([("A", 85, "green"), ("B", 60, "red"), ("C", 69, "yellow"), ("D", 50, "red")])
    ranked = add_ranks(current, previous, PEERS).set_index("unit_code")
    assert ranked["rank_level"].to_dict() == pytest.approx(
        {"A": 1, "B": 2, "C": 2, "D": float("nan")}, nan_ok=True
    )
    assert ranked.loc["B", "delta"] == pytest.approx(10)
    assert ranked.loc["A", "delta"] == pytest.approx(-5)
    assert ranked[["rank_delta"]].loc[["B", "C", "A"]]["rank_delta"].tolist() == [1, 2, 3]
    assert pd.isna(ranked.loc["D", "delta"])


def test_peer_ranks_within_each_group_with_ties_and_grey_units() -> None:
    # Three groups, several units each; ties share the smallest rank, the next rank skips.
    #   phuong:      P1 90, P2 75, P3 75, P4 95 grey   → P1 1, P2 2, P3 2, P4 –
    #   xa_highland: H1 60, H2 80, H3 60, H4 55, H5 99 grey → H2 1, H1 2, H3 2, H4 4, H5 –
    #   xa_lowland:  L1 50 alone                        → L1 1
    # Across the province (grey left out): 90 P1, 80 H2, 75 P2 P3, 60 H1 H3, 55 H4, 50 L1
    #   → P1 1, H2 2, P2 3, P3 3, H1 5, H3 5, H4 7, L1 8. The grey units' high composites
    #   (95, 99) would push every rank down by two if they were ranked.
    peers = pd.Series(
        {"P1": "phuong", "P2": "phuong", "P3": "phuong", "P4": "phuong"}
        | {f"H{n}": "xa_highland" for n in range(1, 6)}
        | {"L1": "xa_lowland"}
    )
    current = frame(
        [
            ("P1", 90, "green"),
            ("P2", 75, "yellow"),
            ("P3", 75, "yellow"),
            ("P4", 95, "grey"),
            ("H1", 60, "red"),
            ("H2", 80, "green"),
            ("H3", 60, "red"),
            ("H4", 55, "red"),
            ("H5", 99, "grey"),
            ("L1", 50, "red"),
        ]
    )
    ranked = add_ranks(current, None, peers).set_index("unit_code")
    nan = float("nan")
    assert ranked["rank_peer"].to_dict() == pytest.approx(
        {"P1": 1, "P2": 2, "P3": 2, "P4": nan}
        | {"H1": 2, "H2": 1, "H3": 2, "H4": 4, "H5": nan}
        | {"L1": 1},
        nan_ok=True,
    )
    assert ranked["rank_level"].to_dict() == pytest.approx(
        {"P1": 1, "P2": 3, "P3": 3, "P4": nan}
        | {"H1": 5, "H2": 2, "H3": 5, "H4": 7, "H5": nan}
        | {"L1": 8},
        nan_ok=True,
    )


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
    assert len(card) == registry_count() and card["unit_code"].is_unique
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
    # The stored ranks agree with counting by hand: 1 + the coloured units (in the province, in
    # the peer group) with a strictly higher composite.
    assert len(rated) > 1 and rated["peer_group"].nunique() > 1  # something to rank
    for row in rated.itertuples():
        higher = rated["composite"] > row.composite
        assert row.rank_level == 1 + higher.sum(), row.unit_code
        peers_higher = higher & (rated["peer_group"] == row.peer_group)
        assert row.rank_peer == 1 + peers_higher.sum(), row.unit_code


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


def test_a_first_start_stores_the_newest_two_months_first_then_all(demo_engine: Engine) -> None:
    # End date 16 March 2026: July 2025 to February 2026 are scored (8 months). With nothing
    # stored, January and February 2026 (the home page's month and the one before it) are
    # written first, with their changes on the month before them, then all 8 months.
    seen: list[tuple[str, int, int]] = []
    partial: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))
        if stage == "history" and not partial:
            partial["state"] = snapshot_state(demo_engine)
            partial["card"] = scorecard(demo_engine)

    result = refresh_snapshots(demo_engine, progress=progress)
    assert result.rebuilt and not result.busy
    first = partial["state"]
    assert isinstance(first, SnapshotState)
    assert (first.first_period, first.last_period, first.months) == (
        date(2026, 1, 1),
        date(2026, 2, 1),
        2,
    )
    assert not stored_history_complete(first)
    final = snapshot_state(demo_engine)
    assert final is not None and stored_history_complete(final)
    assert (final.first_period, final.last_period, final.months) == (
        date(2025, 7, 1),
        date(2026, 2, 1),
        8,
    )
    assert final.identity != first.identity  # a new set of scores: caches keyed on it move on
    # What the first page showed is what the complete history holds for that month.
    columns = ["unit_code", "composite", "band", "rank_level", "delta"]
    pd.testing.assert_frame_equal(partial["card"][columns], scorecard(demo_engine)[columns])
    # Stages in order, each counting up to its total; the history counts the 8 months.
    stages = [stage for stage, _done, _total in seen]
    assert stages.index("history") > max(i for i, s in enumerate(stages) if s == "scores")
    assert ("history", 8, 8) in seen
    assert seen[-1] == ("history", 8, 8)


def test_later_refreshes_swap_the_whole_history_at_once(demo_engine: Engine) -> None:
    refresh_snapshots(demo_engine)
    months: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        state = snapshot_state(demo_engine)
        assert state is not None
        months.append(state.months)

    refresh_snapshots(demo_engine, force=True, progress=progress)
    assert set(months) == {8}  # readers never saw a partial history


def test_a_refresh_while_another_process_computes_changes_nothing(demo_engine: Engine) -> None:
    with score_lock(demo_engine) as held:
        assert held
        result = refresh_snapshots(demo_engine)
        assert result.busy and not result.rebuilt
        assert snapshot_state(demo_engine) is None
    assert refresh_snapshots(demo_engine).rebuilt  # free again


def test_a_failed_write_leaves_the_previous_scores(demo_engine: Engine) -> None:
    refresh_snapshots(demo_engine)
    before = snapshot_state(demo_engine)
    card = scorecard(demo_engine)
    units = pd.DataFrame([{"period": date(2026, 2, 1), "unit_code": "00000"}])  # no such unit
    with pytest.raises(SQLAlchemyError):
        write_snapshots(
            demo_engine,
            units.reindex(columns=SNAPSHOT_UNIT_COLUMNS),
            pd.DataFrame(columns=SNAPSHOT_PILLAR_COLUMNS),
            pd.DataFrame(columns=SNAPSHOT_INDICATOR_COLUMNS),
            catalog_version="x",
            data_version=999,
            computed_at=datetime(2026, 3, 1),
        )
    assert snapshot_state(demo_engine) == before
    pd.testing.assert_frame_equal(scorecard(demo_engine), card)


def test_scores_are_current_only_for_this_data_and_catalog_and_a_whole_history() -> None:
    catalog = default_catalog()
    whole = SnapshotState(
        catalog.version,
        5,
        date(2025, 7, 1),
        date(2025, 9, 1),
        3,
        datetime.now(),
        catalog.content_hash,
    )
    assert scores_current(whole, 5, catalog)
    assert not scores_current(whole, 6, catalog)  # new data loaded since
    assert not scores_current(None, 5, catalog)
    older_catalog = replace(whole, catalog_version="0.0-old", catalog_hash="0" * 64)
    assert not scores_current(older_catalog, 5, catalog)
    newest_only = replace(whole, first_period=date(2025, 8, 1), months=2)
    assert not scores_current(newest_only, 5, catalog)
    before_hashes = replace(whole, catalog_hash="")  # stored before hashes were recorded
    assert not scores_current(before_hashes, 5, catalog)


def test_an_edit_without_a_new_version_string_makes_stored_scores_stale() -> None:
    catalog = default_catalog()
    stored = SnapshotState(
        catalog.version, 5, FIRST_PERIOD, date(2025, 9, 1), 3, datetime.now(), catalog.content_hash
    )
    raw = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    assert scores_current(stored, 5, parse_catalog(copy.deepcopy(raw)))  # same content: current
    # One weight moved between two awareness indicators, version string untouched.
    edited = copy.deepcopy(raw)
    edited["indicators"][0]["max_points"] += 0.5
    edited["indicators"][1]["max_points"] -= 0.5
    reweighted = parse_catalog(edited)
    assert reweighted.version == catalog.version
    assert not scores_current(stored, 5, reweighted)
    # A threshold edited, version string untouched.
    threshold = copy.deepcopy(raw)
    threshold["bands"]["green_at_least"] = 81
    assert not scores_current(stored, 5, parse_catalog(threshold))
    assert not scores_current(stored, 5, catalog.with_weights({"awareness": 9}))


def test_refresh_recomputes_after_an_edit_with_the_same_version(demo_engine: Engine) -> None:
    refresh_snapshots(demo_engine)
    assert snapshot_state(demo_engine).catalog_hash == default_catalog().content_hash
    raw = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    raw["bands"]["yellow_at_least"] = 64
    edited = parse_catalog(raw)
    assert refresh_snapshots(demo_engine, edited).rebuilt
    assert snapshot_state(demo_engine).catalog_hash == edited.content_hash
    assert not refresh_snapshots(demo_engine, edited).rebuilt
    assert refresh_snapshots(demo_engine).rebuilt  # back to the catalog in force
