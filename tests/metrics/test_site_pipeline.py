"""The 5G rollout's rules on a small fixture, every expected value worked out by hand.

Units: A already covered; B with no site; C whose only centre site is blocked; D with a centre
site half-way (permitted); E whose centre site went on air and was then sent back to planned (a
regression, with its reason); F with a 4G site only (it never covers a centre, but its history
counts towards the stage durations).

Stage durations observed by 01/03/2026 (days in a stage, when the site moved on to a later one):
- planned: site 1 10, site 2 20, site 4 15 → [10, 15, 20]: quartiles 12.5 / 15 / 17.5
- site agreed: 20, 30, 30 → 25 / 30 / 30
- permitted: 10, 20 → 12.5 / 15 / 17.5 (site 4 is still in it)
- power ready: 20, 30 → 22.5 / 25 / 27.5
- built: 10, 20 and site 5's 10 → [10, 10, 20]: 10 / 10 / 15
- integrated: 10, 20, 10 → 10 / 10 / 15
Site 3's planned → blocked and site 5's on air → planned are not durations.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.site_pipeline import (
    BASELINE_DAY,
    TARGET_DAY,
    NoForecast,
    centres_covered,
    forecasts,
    glide_share,
    on_air_spells,
    population_covered,
    regressions,
    stage_durations,
    stages_on,
)

JUDGED = date(2026, 3, 1)
REASON = "Di dời trạm để giải phóng mặt bằng"
BLOCK_REASON = "Chưa thỏa thuận được mặt bằng"

SITES = pd.DataFrame(
    {
        "site_id": [1, 2, 3, 4, 5],
        "unit_code": ["A", "F", "C", "D", "E"],
        "technology": ["5G", "4G", "5G", "5G", "5G"],
        "serves_centre": [True, False, True, True, True],
    }
)


def _changes(site: int, *steps: tuple[str, str] | tuple[str, str, str]) -> list[dict]:
    return [
        {
            "site_id": site,
            "changed_at": date.fromisoformat(step[0]),
            "to_status": step[1],
            "note": step[2] if len(step) == 3 else None,
        }
        for step in steps
    ]


HISTORY = pd.DataFrame(
    _changes(
        1,
        ("2025-07-01", "planned"),
        ("2025-07-11", "site_agreed"),
        ("2025-07-31", "permitted"),
        ("2025-08-10", "power_ready"),
        ("2025-08-30", "built"),
        ("2025-09-09", "integrated"),
        ("2025-09-19", "on_air"),
    )
    + _changes(
        2,
        ("2025-07-01", "planned"),
        ("2025-07-21", "site_agreed"),
        ("2025-08-20", "permitted"),
        ("2025-09-09", "power_ready"),
        ("2025-10-09", "built"),
        ("2025-10-29", "integrated"),
        ("2025-11-18", "on_air"),
    )
    + _changes(3, ("2025-08-01", "planned"), ("2025-09-01", "blocked", BLOCK_REASON))
    + _changes(
        4, ("2026-01-01", "planned"), ("2026-01-16", "site_agreed"), ("2026-02-15", "permitted")
    )
    + _changes(
        5,
        ("2025-10-01", "built"),
        ("2025-10-11", "integrated"),
        ("2025-10-21", "on_air"),
        ("2026-03-01", "planned", REASON),
    )
)


def test_a_sites_stage_is_its_last_change_by_the_day() -> None:
    stages = stages_on(HISTORY, date(2025, 9, 1)).set_index("site_id")
    assert stages.loc[1, "stage"] == "built"  # built on 30/08, integrated only on 09/09
    assert stages.loc[3, "stage"] == "blocked" and stages.loc[3, "note"] == BLOCK_REASON
    assert stages.loc[3, "since"] == date(2025, 9, 1)  # a change counts from its own day
    assert 4 not in stages.index and 5 not in stages.index  # not in the pipeline yet


def test_the_later_record_of_one_day_wins() -> None:
    same_day = pd.DataFrame(_changes(9, ("2026-01-05", "built"), ("2026-01-05", "integrated")))
    assert stages_on(same_day, date(2026, 1, 5))["stage"].tolist() == ["integrated"]


def test_centres_with_5g_need_a_5g_centre_site_on_air() -> None:
    # 25/10/2025: sites 1 (A) and 5 (E) on air; site 2 is on air only from 18/11 and is 4G.
    assert centres_covered(SITES, stages_on(HISTORY, date(2025, 10, 25))) == {"A", "E"}
    # 01/03/2026: site 5 was sent back to planned that day.
    assert centres_covered(SITES, stages_on(HISTORY, JUDGED)) == {"A"}


def test_on_air_spells_end_with_a_regression_and_restart_when_back() -> None:
    back = pd.DataFrame(
        _changes(
            5,
            ("2025-10-21", "on_air"),
            ("2026-03-01", "planned", REASON),
            ("2026-04-10", "on_air"),
        )
        + _changes(9, ("2026-01-05", "on_air"), ("2026-01-05", "integrated"))
    )
    spells = on_air_spells(pd.concat([HISTORY[HISTORY["site_id"] != 5], back]))
    rows = [
        (s, a, None if pd.isna(b) else b) for s, a, b in spells.itertuples(index=False, name=None)
    ]
    # Site 1 on air since 19/09/2025, site 2 since 18/11/2025; site 5 on air 21/10/2025 until
    # the regression of 01/03/2026, then again from 10/04/2026. Site 9 went on air and off the
    # same day: the later record wins, so it was never on air at the end of any day.
    assert sorted(rows) == [
        (1, date(2025, 9, 19), None),
        (2, date(2025, 11, 18), None),
        (5, date(2025, 10, 21), date(2026, 3, 1)),
        (5, date(2026, 4, 10), None),
    ]


def test_population_covered_sums_the_5g_sites_on_air() -> None:
    sites = SITES.assign(population_covered=[900, 5_000, 700, 800, 600])
    # 25/10/2025: sites 1 (A, 900) and 5 (E, 600) on air; site 2 is 4G and not yet on air.
    assert population_covered(sites, stages_on(HISTORY, date(2025, 10, 25))).to_dict() == {
        "A": 900,
        "E": 600,
    }
    # 01/03/2026: E's site is back to planned; site 2 is on air but 4G.
    assert population_covered(sites, stages_on(HISTORY, JUDGED)).to_dict() == {"A": 900}


def test_a_move_back_along_the_pipeline_is_a_regression_with_its_reason() -> None:
    found = regressions(HISTORY)
    assert found.to_dict("records") == [
        {
            "site_id": 5,
            "changed_at": date(2026, 3, 1),
            "from_stage": "on_air",
            "to_stage": "planned",
            "note": REASON,
        }
    ]


def test_the_glide_path_is_a_straight_line_to_100_at_the_target() -> None:
    assert glide_share(BASELINE_DAY, 20.0) == 20.0
    assert glide_share(TARGET_DAY, 20.0) == 100.0
    assert glide_share(date(2025, 1, 1), 20.0) == 20.0  # flat before the baseline
    assert glide_share(date(2031, 6, 1), 20.0) == 100.0  # and after the target
    # 01/07/2026 is 365 days into the 2,009 from 01/07/2025 to 31/12/2030.
    assert glide_share(date(2026, 7, 1), 20.0) == pytest.approx(20 + 80 * 365 / 2009)


def test_stage_durations_are_observed_when_a_site_moves_on() -> None:
    durations = stage_durations(HISTORY, JUDGED)
    expected = {
        "planned": (3, 12.5, 15, 17.5),
        "site_agreed": (3, 25, 30, 30),
        "permitted": (2, 12.5, 15, 17.5),
        "power_ready": (2, 22.5, 25, 27.5),
        "built": (3, 10, 10, 15),
        "integrated": (3, 10, 10, 15),
    }
    got = {s: (d.observed, d.low, d.median, d.high) for s, d in durations.items()}
    assert got == expected


def _by_unit() -> dict:
    return {f.unit_code: f for f in forecasts("ABCDE", SITES, HISTORY, JUDGED)}


def test_a_covered_unit_needs_no_forecast() -> None:
    a = _by_unit()["A"]
    assert a.covered and not a.will_miss and a.middle is None


def test_a_unit_with_no_site_will_miss() -> None:
    b = _by_unit()["B"]
    assert not b.covered and b.why_none is NoForecast.NO_SITE and b.will_miss


def test_a_unit_whose_site_is_blocked_is_stuck_since_the_block() -> None:
    c = _by_unit()["C"]
    assert c.why_none is NoForecast.ALL_BLOCKED and c.will_miss
    assert (c.site_id, c.stage, c.since) == (3, "blocked", date(2025, 9, 1))


def test_a_site_half_way_gets_the_rest_of_its_stage_and_the_stages_ahead() -> None:
    d = _by_unit()["D"]
    # Permitted since 15/02, 14 days spent by 01/03. Days left:
    # low    max(12.5 − 14, 0) + 22.5 + 10 + 10 = 42.5 → 43 → 13/04/2026
    # middle max(15 − 14, 0)   + 25   + 10 + 10 = 46        → 16/04/2026
    # high   max(17.5 − 14, 0) + 27.5 + 15 + 15 = 61        → 01/05/2026
    assert (d.low, d.middle, d.high) == (date(2026, 4, 13), date(2026, 4, 16), date(2026, 5, 1))
    assert (d.site_id, d.stage, d.since) == (4, "permitted", date(2026, 2, 15))
    assert not d.will_miss


def test_a_regressed_site_starts_over_from_where_it_was_sent_back() -> None:
    e = _by_unit()["E"]
    # Planned since 01/03, nothing spent: every stage ahead in full.
    # low    12.5 + 25 + 12.5 + 22.5 + 10 + 10 = 92.5 → 93 → 02/06/2026
    # middle 15   + 30 + 15   + 25   + 10 + 10 = 105       → 14/06/2026
    # high   17.5 + 30 + 17.5 + 27.5 + 15 + 15 = 122.5 → 123 → 02/07/2026
    assert not e.covered
    assert (e.low, e.middle, e.high) == (date(2026, 6, 2), date(2026, 6, 14), date(2026, 7, 2))


def test_a_forecast_after_the_target_day_will_miss() -> None:
    # D judged in 2030 with the same durations: 46 days from 20/12/2030 is in 2031.
    late = pd.concat(
        [HISTORY[HISTORY["site_id"] != 4], pd.DataFrame(_changes(4, ("2030-12-20", "permitted")))]
    )
    d = {f.unit_code: f for f in forecasts(["D"], SITES, late, date(2030, 12, 20))}["D"]
    # 0 days spent: middle 15 + 25 + 10 + 10 = 60 → 18/02/2031.
    assert d.middle == date(2031, 2, 18) and d.will_miss


def test_no_forecast_without_an_observed_duration_ahead() -> None:
    lone = pd.DataFrame(_changes(4, ("2026-01-01", "planned")))
    d = forecasts(["D"], SITES, lone, JUDGED)[0]
    assert d.why_none is NoForecast.NO_OBSERVATIONS and d.will_miss
    assert (d.stage, d.since) == ("planned", date(2026, 1, 1))
