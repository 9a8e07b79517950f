"""The demo's unrouted cases: a handful, deterministic, and truly unroutable.

Generated at scale 1 up to Monday 16 March 2026 (250 days from the launch on 10 July 2025):
about (0.0775 + 0.0465) × 250 ≈ 31 cases expected, GPS fixes outside the province and hotline
calls naming no unit of the 102.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data.bootstrap import sync_reference_data
from data.demo import unrouted
from data.demo.world import World, load_world
from data.migrate import upgrade_to_head
from data.registry import load_units
from geo.routing import load_routing_boundaries, route_points
from tests.conftest import sqlite_engine
from tests.geo.conftest import DETAILED

END = date(2026, 3, 16)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = sqlite_engine(Path(tmp_path_factory.mktemp("unrouted")) / "demo.sqlite3")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    yield engine
    engine.dispose()


def world(engine: Engine, seed: int = 20250701, scale: float = 1.0) -> World:
    with engine.connect() as conn:
        return load_world(conn, seed=seed, scale=scale, end_date=END)


def rows(world: World) -> dict[str, list]:
    generated = list(unrouted.generate(world, batch_id=1))
    assert len(generated) == 1
    return generated[0].columns


def test_a_handful_of_cases_of_both_kinds(engine: Engine) -> None:
    columns = rows(world(engine))
    n = len(columns["case_code"])
    assert 15 <= n <= 50  # 31 expected; a Poisson count stays well within this
    reasons = set(columns["reason"])
    assert reasons == {"outside_province", "unknown_unit"}
    assert len(set(columns["case_code"])) == n
    assert all(re.fullmatch(r"PAKN-20(25|26)-U\d{5}", code) for code in columns["case_code"])
    received = columns["received_at"]
    assert received == sorted(received)  # numbered in order of receipt
    assert datetime(2025, 7, 10) <= received[0] and received[-1] < datetime(2026, 3, 16)


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(engine: Engine) -> None:
    assert rows(world(engine)) == rows(world(engine))
    assert rows(world(engine)) != rows(world(engine, seed=7))


@pytest.mark.skipif(not DETAILED.exists(), reason="needs ../shared/geo")
def test_outside_fixes_route_nowhere_and_stated_codes_are_no_unit(engine: Engine) -> None:
    columns = rows(world(engine))
    outside = [i for i, r in enumerate(columns["reason"]) if r == "outside_province"]
    boundaries = load_routing_boundaries(DETAILED)
    routed = route_points(
        [columns["lat"][i] for i in outside], [columns["lon"][i] for i in outside], boundaries
    )
    assert routed.tolist() == [None] * len(outside)
    for place in unrouted.OUTSIDE_PLACES:  # every place, not only those drawn
        lat, lon = place
        corners = [
            (lat + a * unrouted.JITTER_DEG, lon + b * unrouted.JITTER_DEG)
            for a in (-1, 1)
            for b in (-1, 1)
        ]
        assert (
            route_points([c[0] for c in corners], [c[1] for c in corners], boundaries).tolist()
            == [None] * 4
        )
    codes = {u.code for u in load_units()}
    stated = [
        s
        for s, r in zip(columns["stated_unit"], columns["reason"], strict=True)
        if r == "unknown_unit"
    ]
    assert stated and not set(stated) & codes
    assert all(
        columns["lat"][i] is None and columns["channel"][i] == "hotline"
        for i, r in enumerate(columns["reason"])
        if r == "unknown_unit"
    )
