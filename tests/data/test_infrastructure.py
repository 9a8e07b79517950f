"""The site queries on SQLite and PostgreSQL: the sites and their dated stage changes come back
as the rollout rules read them, and the rules give the hand-worked forecast on them.

Unit A (22015) has a 5G site serving its centre: planned 01/03/2026, site agreed 11/03 (10 days
planned), permitted 31/03 (20 days agreed), blocked 10/04 and back to permitted 20/04 with the
reason noted. Unit B (22045) has a 4G site, on air.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from data.infrastructure import (
    fibre_by_unit,
    pipeline_history,
    pipeline_sites,
    unchecked_site_count,
    unchecked_sites,
)
from data.models import InfraFibreMonth, InfraSite, InfraSiteStatusChange, InfraSiteUnchecked
from metrics.site_pipeline import NoForecast, forecasts, stages_on

A, B = "22015", "22045"


def site(number: int, unit: str, technology: str, centre: bool) -> dict[str, object]:
    return {
        "id": number,
        "site_code": f"S-{number}",
        "unit_code": unit,
        "operator": "VNPT",
        "technology": technology,
        "serves_centre": centre,
        "lat": 12.7,
        "lon": 108.0,
        "status": "permitted",
        "planned_at": date(2026, 3, 1),
        "population_covered": 1200,
    }


def change(number: int, site_id: int, day: date, to: str, note: str | None = None) -> dict:
    return {"id": number, "site_id": site_id, "changed_at": day, "to_status": to, "note": note}


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        conn.execute(insert(InfraSite), [site(1, A, "5G", True), site(2, B, "4G", False)])
        conn.execute(
            insert(InfraSiteStatusChange),
            [
                change(1, 1, date(2026, 3, 1), "planned"),
                change(2, 1, date(2026, 3, 11), "site_agreed"),
                change(3, 1, date(2026, 3, 31), "permitted"),
                change(4, 1, date(2026, 4, 10), "blocked", "Chưa có điện"),
                change(5, 1, date(2026, 4, 20), "permitted", "Đã kéo điện"),
                change(6, 2, date(2026, 3, 1), "on_air"),
            ],
        )
    return migrated_engine


def test_the_sites_come_back_typed_and_in_order(engine: Engine) -> None:
    sites = pipeline_sites(engine)
    assert sites["site_id"].tolist() == [1, 2]
    assert sites["unit_code"].tolist() == [A, B]
    assert sites["serves_centre"].tolist() == [True, False]


def test_the_history_comes_back_as_plain_days(engine: Engine) -> None:
    history = pipeline_history(engine)
    assert history["changed_at"].tolist()[:2] == [date(2026, 3, 1), date(2026, 3, 11)]
    stages = stages_on(history, date(2026, 4, 15)).set_index("site_id")
    assert stages.loc[1, "stage"] == "blocked" and stages.loc[1, "note"] == "Chưa có điện"


def test_the_rules_forecast_from_what_the_database_holds(engine: Engine) -> None:
    sites, history = pipeline_sites(engine), pipeline_history(engine)
    a, b = forecasts([A, B], sites, history, date(2026, 4, 25))
    # A: permitted again since 20/04, but no site was ever seen to leave "permitted" (the block
    # ended that stay, and it has not ended since): no honest date.
    assert a.why_none is NoForecast.NO_OBSERVATIONS and (a.stage, a.since) == (
        "permitted",
        date(2026, 4, 20),
    )
    # B's only site is 4G: it never covers a centre.
    assert not b.covered and b.why_none is NoForecast.NO_SITE


def test_fibre_comes_back_by_unit_then_month_as_plain_days(migrated_engine: Engine) -> None:
    rows = [
        (B, date(2026, 9, 1), 400, 300, 250),
        (A, date(2026, 10, 1), 1000, 820, 610),
        (A, date(2026, 9, 1), 1000, 800, 600),
    ]
    with migrated_engine.begin() as conn:
        conn.execute(
            insert(InfraFibreMonth),
            [
                {
                    "unit_code": u,
                    "month": m,
                    "households": h,
                    "households_passed": p,
                    "households_connected": c,
                }
                for u, m, h, p, c in rows
            ],
        )
    fibre = fibre_by_unit(migrated_engine)
    assert list(fibre.itertuples(index=False, name=None)) == sorted(rows)


def test_connected_beyond_passed_is_refused_by_the_database(migrated_engine: Engine) -> None:
    with pytest.raises(IntegrityError), migrated_engine.begin() as conn:
        conn.execute(
            insert(InfraFibreMonth).values(
                unit_code=A,
                month=date(2026, 9, 1),
                households=1000,
                households_passed=500,
                households_connected=501,
            )
        )


def test_the_sites_to_check_come_back_newest_first_and_counted(migrated_engine: Engine) -> None:
    def unchecked(code: str, reason: str, received: datetime) -> dict[str, object]:
        return {
            "site_code": code,
            "reason": reason,
            "stated_unit": "24517",
            "located_unit": None,
            "operator": "VNPT",
            "technology": "5G",
            "serves_centre": False,
            "lat": None,
            "lon": None,
            "status": "planned",
            "history_json": "[]",
            "received_at": received,
        }

    assert unchecked_site_count(migrated_engine) == 0
    with migrated_engine.begin() as conn:
        conn.execute(
            insert(InfraSiteUnchecked),
            [
                unchecked("X-1", "no_location", datetime(2026, 11, 2, 9, 0)),
                unchecked("X-2", "unknown_unit", datetime(2026, 11, 20, 14, 30)),
            ],
        )
    listed = unchecked_sites(migrated_engine)
    assert listed["site_code"].tolist() == ["X-2", "X-1"]
    assert listed["serves_centre"].tolist() == [False, False]
    assert listed["lat"].isna().all()
    assert unchecked_site_count(migrated_engine) == 2
