"""A small rollout written into the database: six units of the registry, seven sites.

=====  =====  ===========  ==========  ============================================================
unit   code   peer group   population  sites (operator, technology, serves the centre?)
=====  =====  ===========  ==========  ============================================================
A      22015  phuong          126 118  1 Viettel 5G centre: planned 01/07/2025, on air 19/09/2025
                                       2 VNPT 4G: planned 01/07/2025, on air 18/11/2025
B      22045  phuong           44 406  3 VNPT 5G centre: on air 19/06/2025 (before the baseline),
                                         sent back to built 15/02/2026 (mast down, with a note)
C      22057  xa_lowland       27 609  4 Viettel 5G centre: agreed 21/08/2025, blocked 01/10/2025
D      22081  xa_highland      26 907  5 MobiFone 5G centre: agreed 10/01/2026, permitted 25/03/2026
                                       6 Viettel 5G: on air 30/11/2025, back to integrated
                                         10/01/2026, on air again 20/01/2026; covers 30 000
                                         people (more than live there)
E      22096  xa_highland       9 007  none
F      22090  xa_highland      15 933  7 MobiFone 5G centre: planned 05/01/2026, blocked 01/02/2026
=====  =====  ===========  ==========  ============================================================

The days in each stage (site: planned, site agreed, permitted, power ready, built, integrated):

* site 1 (from 01/07/2025): 10, 20, 10, 20, 10, 10 → on air 19/09/2025;
* site 2 (from 01/07/2025): 20, 30, 20, 30, 20, 20 → on air 18/11/2025;
* site 3 (from 01/03/2025): 30, 30, 10, 20, 10, 10 → on air 19/06/2025;
* site 4 (from 01/08/2025): 20, then blocked 01/10/2025 (agreed → blocked is no duration);
* site 5 (from 01/12/2025): 40, 74 (10/01 → 25/03/2026), permitted since 25/03/2026;
* site 6 (from 01/09/2025): 10, 20, 20, 20, 10, 10 → on air 30/11/2025; the regression's
  integrated stay 10/01 → 20/01/2026 is 10 more days of integrated;
* site 7: planned 05/01/2026, blocked 01/02/2026 (no duration).

Populations covered: site 1 63 059 (half of A), site 2 20 000 (4G: never counts), site 3
44 406, site 6 30 000. Fibre: A 33 000 households — 02/2026 passed 30 000, connected 25 000;
03/2026 31 000 / 26 400; 04/2026 32 000 / 27 000 — B 11 000 — 01/2026 8 800 / 5 500; the others
none. One imported site is unchecked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Connection, insert

from data.models import InfraFibreMonth, InfraSite, InfraSiteStatusChange, InfraSiteUnchecked

A, B, C, D, E, F = "22015", "22045", "22057", "22081", "22096", "22090"
SIX = (A, B, C, D, E, F)
AS_OF = date(2026, 3, 31)
MAST_DOWN = "Cột anten đổ sau mưa bão, phải dựng lại trạm"
LINK_LOST = "Mất kết nối truyền dẫn, phải tích hợp lại"
NO_POWER = "Chưa có lưới điện tại vị trí trạm"
OBJECTION = "Người dân không đồng thuận vị trí đặt trạm"

FORWARD = ("planned", "site_agreed", "permitted", "power_ready", "built", "integrated", "on_air")


def _walk(start: date, *days: int) -> list[tuple[date, str, str | None]]:
    """planned on ``start``, then each next stage after the given days."""
    steps: list[tuple[date, str, str | None]] = [(start, "planned", None)]
    day = start
    for stage, spent in zip(FORWARD[1:], days, strict=False):
        day += timedelta(days=spent)
        steps.append((day, stage, None))
    return steps


HISTORY: dict[int, list[tuple[date, str, str | None]]] = {
    1: _walk(date(2025, 7, 1), 10, 20, 10, 20, 10, 10),
    2: _walk(date(2025, 7, 1), 20, 30, 20, 30, 20, 20),
    3: [
        *_walk(date(2025, 3, 1), 30, 30, 10, 20, 10, 10),
        (date(2026, 2, 15), "built", MAST_DOWN),
    ],
    4: [
        *_walk(date(2025, 8, 1), 20),
        (date(2025, 10, 1), "blocked", NO_POWER),
    ],
    5: _walk(date(2025, 12, 1), 40, 74),
    6: [
        *_walk(date(2025, 9, 1), 10, 20, 20, 20, 10, 10),
        (date(2026, 1, 10), "integrated", LINK_LOST),
        (date(2026, 1, 20), "on_air", None),
    ],
    7: [(date(2026, 1, 5), "planned", None), (date(2026, 2, 1), "blocked", OBJECTION)],
}

# site: (unit, operator, technology, serves the centre, people covered)
SITES: dict[int, tuple[str, str, str, bool, int]] = {
    1: (A, "Viettel", "5G", True, 63059),
    2: (A, "VNPT", "4G", False, 20000),
    3: (B, "VNPT", "5G", True, 44406),
    4: (C, "Viettel", "5G", True, 5000),
    5: (D, "MobiFone", "5G", True, 8000),
    6: (D, "Viettel", "5G", False, 30000),
    7: (F, "MobiFone", "5G", True, 6000),
}

# (unit, month, households, passed, connected)
FIBRE = (
    (A, date(2026, 2, 1), 33000, 30000, 25000),
    (A, date(2026, 3, 1), 33000, 31000, 26400),
    (A, date(2026, 4, 1), 33000, 32000, 27000),
    (B, date(2026, 1, 1), 11000, 8800, 5500),
)


def insert_infra_rows(conn: Connection) -> None:
    sites = []
    for number, (unit, operator, technology, centre, people) in SITES.items():
        steps = HISTORY[number]
        sites.append(
            {
                "id": number,
                "site_code": f"{operator[:3].upper()}-{unit}-{technology}-{number:03d}",
                "unit_code": unit,
                "operator": operator,
                "technology": technology,
                "serves_centre": centre,
                "lat": 12.7 + number / 100,
                "lon": 108.0 + number / 100,
                "status": steps[-1][1],
                "blocked_reason": steps[-1][2] if steps[-1][1] == "blocked" else None,
                "planned_at": steps[0][0],
                "on_air_at": None,
                "population_covered": people,
            }
        )
    conn.execute(insert(InfraSite), sites)
    changes = [
        {"site_id": number, "changed_at": day, "to_status": stage, "note": note}
        for number, steps in HISTORY.items()
        for day, stage, note in steps
    ]
    conn.execute(
        insert(InfraSiteStatusChange),
        [{"id": i, **change} for i, change in enumerate(changes, start=1)],
    )
    conn.execute(
        insert(InfraFibreMonth),
        [
            {
                "unit_code": unit,
                "month": month,
                "households": households,
                "households_passed": passed,
                "households_connected": connected,
            }
            for unit, month, households, passed, connected in FIBRE
        ],
    )
    conn.execute(
        insert(InfraSiteUnchecked),
        [
            {
                "site_code": "VTL-GL-5G-017",
                "reason": "outside_province",
                "stated_unit": A,
                "located_unit": None,
                "operator": "Viettel",
                "technology": "5G",
                "serves_centre": False,
                "lat": 13.98,
                "lon": 108.0,
                "status": "site_agreed",
                "history_json": "[]",
                "received_at": datetime(2026, 3, 20, 9, 0),
            }
        ],
    )
