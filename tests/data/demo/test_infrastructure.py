"""The demo's rollout extras: regressions with their reasons, fibre counts that agree with the
score's fibre indicator, and the sites an import would set aside for checking.

Generated at scale 1 up to 1 December 2026 (the default demo's end), subject by subject, without
a database write: each subject reads only the world.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from common.site_stages import ON_AIR, PIPELINE
from data.bootstrap import sync_reference_data
from data.demo import fibre, indicators, infrastructure
from data.demo.world import World, load_world
from data.migrate import upgrade_to_head
from data.registry import load_units
from geo.routing import load_routing_boundaries, route_points
from metrics.site_pipeline import regressions, stages_on
from tests.conftest import sqlite_engine
from tests.geo.conftest import DETAILED

END = date(2026, 12, 1)
LAST_DAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    engine: Engine = sqlite_engine(Path(tmp_path_factory.mktemp("infra")) / "demo.sqlite3")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    with engine.connect() as conn:
        yield load_world(conn, seed=20250701, scale=1.0, end_date=END)
    engine.dispose()


def tables(rows: Iterator) -> dict[str, pd.DataFrame]:
    return {r.table.name: pd.DataFrame(r.columns) for r in rows}


@pytest.fixture(scope="module")
def sites(world: World) -> dict[str, pd.DataFrame]:
    return tables(infrastructure.generate(world, batch_id=1))


def test_a_few_sites_fall_back_each_with_its_reason(sites: dict[str, pd.DataFrame]) -> None:
    history = sites["infra_site_status_history"]
    fallen = regressions(history)
    # REGRESSIONS_AT_SCALE_1 = 9 are drawn; none may lack the reason the import would demand.
    assert 6 <= len(fallen) <= 12
    assert fallen["note"].notna().all() and (fallen["note"].str.len() > 10).all()
    # A regression's from_status in the stored history is the stage it fell from.
    backwards = history.merge(fallen, on=["site_id", "changed_at"])
    assert (backwards["from_status"] == backwards["from_stage"]).all()


def test_a_centre_that_had_5g_has_lost_it_at_the_snapshot(
    sites: dict[str, pd.DataFrame],
) -> None:
    history, table = sites["infra_site_status_history"], sites["infra_sites"]
    fallen = regressions(history)
    now = stages_on(history, LAST_DAY).set_index("site_id")["stage"]
    centre = set(table.loc[table["serves_centre"], "id"])
    down = [
        s
        for s in fallen.loc[fallen["from_stage"] == ON_AIR, "site_id"]
        if s in centre and now[s] != ON_AIR
    ]
    assert down
    # The stored row tells the same: not on air, so no on-air day.
    row = table.set_index("id").loc[down[0]]
    assert row["status"] in PIPELINE[:-1] and row["on_air_at"] is None


def test_nothing_is_dated_after_the_snapshot(sites: dict[str, pd.DataFrame]) -> None:
    assert sites["infra_site_status_history"]["changed_at"].max() <= LAST_DAY


@pytest.fixture(scope="module")
def fibre_rows(world: World) -> pd.DataFrame:
    return tables(fibre.generate(world, batch_id=1))["infra_fibre_monthly"]


def test_fibre_has_every_unit_and_every_ended_month(fibre_rows: pd.DataFrame, world: World) -> None:
    # July 2025 … October 2026: November ends on 1 December, the snapshot's own instant.
    assert len(fibre_rows) == len(world.units) * 16
    months = sorted(set(pd.to_datetime(fibre_rows["month"]).dt.date))
    assert months[0] == date(2025, 7, 1) and months[-1] == date(2026, 10, 1)


def test_fibre_counts_agree_with_the_score_s_indicator(
    fibre_rows: pd.DataFrame, world: World
) -> None:
    values = tables(indicators.generate(world, batch_id=1))["indicator_values"]
    pct = values[values["indicator_key"] == "fibre_household_pct"]
    joined = fibre_rows.assign(period=pd.to_datetime(fibre_rows["month"])).merge(
        pct.assign(period=pd.to_datetime(pct["period"])), on=["unit_code", "period"]
    )
    assert len(joined) == len(fibre_rows)
    # households = round(population / 3.8); connected = round(households × value / 100).
    population = dict(zip(world.units.code, world.units.population, strict=True))
    expected_households = np.round(joined["unit_code"].map(population) / 3.8)
    assert (joined["households"] == expected_households).all()
    expected = np.round(joined["households"] * joined["value"] / 100)
    assert (joined["households_connected"] == expected).all()


def test_passed_households_lead_the_connected_and_never_fall(fibre_rows: pd.DataFrame) -> None:
    assert (fibre_rows["households_connected"] <= fibre_rows["households_passed"]).all()
    assert (fibre_rows["households_passed"] <= fibre_rows["households"]).all()
    ordered = fibre_rows.sort_values(["unit_code", "month"])
    assert (ordered.groupby("unit_code")["households_passed"].diff().dropna() >= 0).all()
    assert (fibre_rows["households_passed"] > fibre_rows["households_connected"]).mean() > 0.9


def test_the_sites_set_aside_are_truly_unplaceable(world: World) -> None:
    rows = tables(infrastructure.unchecked(world, batch_id=1))["infra_sites_unchecked"]
    assert sorted(rows["reason"]) == ["outside_province", "unit_mismatch", "unknown_unit"]
    located = route_points(
        rows["lat"].tolist(), rows["lon"].tolist(), load_routing_boundaries(DETAILED)
    ).tolist()
    pairs = zip(located, rows.to_dict("records"), strict=True)
    by_reason = dict(zip(rows["reason"], pairs, strict=True))
    codes = {u.code for u in load_units()}
    routed, outside = by_reason["outside_province"]
    assert routed is None and pd.isna(outside["located_unit"])
    routed, unknown = by_reason["unknown_unit"]
    assert unknown["stated_unit"] not in codes and routed == unknown["located_unit"] == "24505"
    routed, mismatch = by_reason["unit_mismatch"]
    assert mismatch["stated_unit"] in codes and routed == mismatch["located_unit"]
    assert mismatch["stated_unit"] != routed
