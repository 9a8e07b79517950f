"""Explanations of a unit's score, every expected value worked out by hand from the small catalog.

Small catalog (10 points): gov (weight 6) = online (ratio, target 80, 3 pts), incidents (step,
lower: 0 → 1, 1 → 0.5), backlog (ratio, lower, target 0, worst 5, 2 pts); society (weight 4) =
meetings (step on the year-to-date pace: ≥ 4 → 2, ≥ 2 → 1), plan (flag, 2 pts). Bands: green
≥ 70, yellow ≥ 50, grey below 75 % coverage.

With every indicator reported, A_p = w_p and W = 10, so one indicator point is worth
100 · w_p / (w_p · 10) = 10 composite points in either pillar.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
import yaml

from data.bootstrap import sync_reference_data
from data.db import exclusive_write
from data.demo import generate_into
from data.migrate import upgrade_to_head
from i18n.formats import format_number
from metrics.catalog import Catalog, Indicator, default_catalog, parse_catalog
from metrics.explain import (
    Drag,
    NextBand,
    display_decimals,
    displayed_target,
    drags,
    is_lever,
    points_to_next_band,
    strengths,
    value_for_points,
)
from metrics.scoring import PeriodScores, indicator_points, score_period
from metrics.snapshots import all_measures
from tests.conftest import sqlite_engine
from tests.metrics.conftest import FIXTURES, JUNE, measures

Values = list[tuple[str, float]]


def score(catalog: Catalog, units: dict[str, Values], period: date = JUNE) -> PeriodScores:
    rows = [(unit, key, value) for unit, values in units.items() for key, value in values]
    return score_period(measures(rows, period), catalog, list(units), period)


# --- value_for_points: the rules inverted -------------------------------------------------


def test_value_for_points_ratio(small_catalog: Catalog) -> None:
    online = small_catalog.indicator("online")
    assert value_for_points(online, 2.25, JUNE) == pytest.approx(60)  # 80 × 2.25 / 3
    assert value_for_points(online, 3, JUNE) == pytest.approx(80)  # full points: the target
    assert value_for_points(online, 1, JUNE) == pytest.approx(80 / 3)
    assert indicator_points(online, value_for_points(online, 1, JUNE), JUNE) == pytest.approx(1)


def test_value_for_points_reversed_ratio(small_catalog: Catalog) -> None:
    backlog = small_catalog.indicator("backlog")
    # value = worst − (worst − target) · points / max = 5 − 5 · points / 2
    assert value_for_points(backlog, 1.2, JUNE) == pytest.approx(2)
    assert value_for_points(backlog, 0.5, JUNE) == pytest.approx(3.75)
    assert value_for_points(backlog, 2, JUNE) == pytest.approx(0)


def test_value_for_points_reversed_step(small_catalog: Catalog) -> None:
    incidents = small_catalog.indicator("incidents")
    assert value_for_points(incidents, 1, JUNE) == 0  # at most 0 incidents for the top step
    assert value_for_points(incidents, 0.5, JUNE) == 1
    # Steps are discrete: 0.3 points are only to be had with the 0.5 step (≤ 1 incident).
    assert value_for_points(incidents, 0.3, JUNE) == 1


def test_value_for_points_year_to_date_step(small_catalog: Catalog) -> None:
    meetings = small_catalog.indicator("meetings")
    # Scored on the pace value × 12 / month; steps at pace 4 (2 pts) and 2 (1 pt).
    assert value_for_points(meetings, 2, JUNE) == pytest.approx(2)  # 4 × 6/12
    assert value_for_points(meetings, 1, JUNE) == pytest.approx(1)  # 2 × 6/12
    assert value_for_points(meetings, 2, date(2026, 3, 1)) == pytest.approx(1)  # 4 × 3/12
    assert value_for_points(meetings, 2, date(2026, 12, 1)) == pytest.approx(4)  # 4 × 12/12
    assert value_for_points(meetings, 1, date(2026, 9, 1)) == pytest.approx(1.5)  # 2 × 9/12
    assert indicator_points(meetings, 1.5, date(2026, 9, 1)) == 1


def test_value_for_points_flag(small_catalog: Catalog) -> None:
    plan = small_catalog.indicator("plan")
    assert value_for_points(plan, 2, JUNE) == 1
    assert value_for_points(plan, 0.5, JUNE) == 1  # a flag is all or nothing


def test_value_for_points_refuses_what_the_rule_cannot_give(small_catalog: Catalog) -> None:
    with pytest.raises(ValueError):
        value_for_points(small_catalog.indicator("online"), 3.5, JUNE)  # above max points
    with pytest.raises(ValueError):
        value_for_points(small_catalog.indicator("online"), 0, JUNE)
    with pytest.raises(ValueError):
        value_for_points(small_catalog.indicator("wifi"), 1, JUNE)  # tracked only


# --- drags and strengths ------------------------------------------------------------------

# backlog not reported (coverage 4/5 = 0.8 ≥ 0.75, so not grey); a missing value earns 0 of its
# points, which stay available:
#   gov:     online 40 → 1.5 of 3, incidents 1 → 0.5 of 1, backlog missing → 0 of 2: 2 of 6 → 33.3 %
#   society: meetings 1 by June (pace 2) → 1 of 2, plan 0 → 0 of 2: 1 of 4 → 25 %
#   composite = (33.33 × 6 + 25 × 4) / 10 = 30 (red)
# Composite factor f_p = 100 · w_p / (A_p · W): 100 · 6/(6 · 10) = 100 · 4/(4 · 10) = 10.
WITHHELD = [("online", 40), ("incidents", 1), ("meetings", 1), ("plan", 0)]


def test_drags_count_a_missing_value_as_all_its_points_lost(small_catalog: Catalog) -> None:
    scores = score(small_catalog, {"A": WITHHELD})
    assert scores.units.iloc[0]["composite"] == pytest.approx(30)
    found = drags(scores, small_catalog, "A")
    # backlog (missing) and plan lose 2 × 10 = 20 each (catalog order: backlog first), then
    # online 1.5 × 10 = 15, meetings 1 × 10 = 10, incidents 0.5 × 10 = 5.
    assert [d.key for d in found] == ["backlog", "plan", "online", "meetings", "incidents"]
    assert [d.composite_points_lost for d in found] == pytest.approx([20, 20, 15, 10, 5])
    assert found[2] == Drag("online", "gov", 40.0, 1.5, 3.0, pytest.approx(15))
    assert (found[0].points, found[0].max_points) == (0, 2)
    # Everything the unit lost adds up to 100 − composite.
    assert sum(d.composite_points_lost for d in found) == pytest.approx(100 - 30)
    assert [d.key for d in drags(scores, small_catalog, "A", n=2)] == ["backlog", "plan"]


def test_drags_leave_out_full_points_and_missing_values(small_catalog: Catalog) -> None:
    # All reported: 1 point = 10 composite points. online 60 → 2.25 (loses 0.75 → 7.5),
    # incidents 1 → 0.5 (loses 5), backlog 2 → 1.2 (loses 0.8 → 8), meetings and plan full.
    values = [("online", 60), ("incidents", 1), ("backlog", 2), ("meetings", 2), ("plan", 1)]
    found = drags(score(small_catalog, {"A": values}), small_catalog, "A")
    assert [d.key for d in found] == ["backlog", "online", "incidents"]
    assert [d.composite_points_lost for d in found] == pytest.approx([8, 7.5, 5])


def test_strengths_break_ties_by_max_points(small_catalog: Catalog) -> None:
    # online 1.5/3, meetings 1/2, incidents 0.5/1 all earn half their points: the bigger
    # indicator first. plan earns nothing and is never a strength, nor is missing backlog.
    found = strengths(score(small_catalog, {"A": WITHHELD}), small_catalog, "A")
    assert [s.key for s in found] == ["online", "meetings", "incidents"]
    assert [s.share for s in found] == pytest.approx([0.5, 0.5, 0.5])
    # What they bring to the composite: 1.5 × 10, 1 × 10, 0.5 × 10.
    assert [s.composite_points for s in found] == pytest.approx([15, 10, 5])


def test_strengths_full_points_first(small_catalog: Catalog) -> None:
    # meetings 2/2 and plan 2/2 (same max: catalog order), then online 2.25/3 = 0.75,
    # backlog 1.2/2 = 0.6, incidents 0.5/1 = 0.5.
    values = [("online", 60), ("incidents", 1), ("backlog", 2), ("meetings", 2), ("plan", 1)]
    found = strengths(score(small_catalog, {"A": values}), small_catalog, "A", n=4)
    assert [s.key for s in found] == ["meetings", "plan", "online", "backlog"]
    assert [s.share for s in found] == pytest.approx([1, 1, 0.75, 0.6])


# --- points to the next band --------------------------------------------------------------


def rescored_band(catalog: Catalog, values: Values, changes: dict[str, float]) -> tuple[float, str]:
    """The composite and band of a unit scored again with the proposed values (a caller's check)."""
    changed = [(key, changes.get(key, value)) for key, value in values]
    unit = score(catalog, {"A": changed}).units.iloc[0]
    return unit["composite"], unit["band"]


def test_red_unit_to_yellow(small_catalog: Catalog) -> None:
    # online 20 → 0.75, incidents 1 → 0.5, backlog 4 → 0.4, meetings 1 → 1, plan 0 → 0:
    # 2.65 points → composite 26.5, red. Yellow needs 50: 23.5 composite = 2.35 points.
    # No single change gains 2.35 points (online at most 2.25), so the biggest lever goes first
    # in full: online to 80 (+2.25 points, +22.5) → 49. Then 0.1 point is missing: the smallest
    # change that gives it is backlog (a ratio, exactly as far as needed; incidents +0.5,
    # meetings +1 and plan +2 would overshoot). With the 0.05 clearance: composite 50.05 needs
    # 0.105 points more → 0.505 points → backlog 5 − 5 · 0.505/2 = 3.7375, shown with 2 decimals
    # and rounded down (at most): 3.73 → 2 · (5 − 3.73)/5 = 0.508 points → composite 50.08.
    values = [("online", 20), ("incidents", 1), ("backlog", 4), ("meetings", 1), ("plan", 0)]
    result = points_to_next_band(score(small_catalog, {"A": values}), small_catalog, "A", JUNE)
    assert (result.band, result.target_band) == ("red", "yellow")
    assert result.composite == pytest.approx(26.5)
    assert [i.key for i in result.improvements] == ["online", "backlog"]
    online, backlog = result.improvements
    assert (online.value, online.needed_value) == (20, pytest.approx(80))
    assert (online.points_gained, online.composite_gain) == (
        pytest.approx(2.25),
        pytest.approx(22.5),
    )
    assert (backlog.value, backlog.needed_value) == (4, pytest.approx(3.73))
    assert backlog.direction == "lower"  # at most 3.73 per 10,000 people
    assert (backlog.points, backlog.points_after) == (pytest.approx(0.4), pytest.approx(0.508))
    assert backlog.composite_gain == pytest.approx(1.08)
    assert result.composite_after == pytest.approx(50.08)
    assert result.band_after == "yellow"
    assert result.composite_gain == pytest.approx(23.58)
    changes = {i.key: i.needed_value for i in result.improvements}
    assert rescored_band(small_catalog, values, changes) == (pytest.approx(50.08), "yellow")


def test_yellow_unit_to_green(small_catalog: Catalog) -> None:
    # online 40 → 1.5, incidents 0 → 1, backlog 2 → 1.2, meetings 1 → 1, plan 1 → 2: 6.7 points
    # → 67, yellow (gov 3.7/6 = 61.7 %, society 3/4 = 75 %: no red pillar). Green needs 70:
    # 0.3 points, 0.305 with the 0.05 clearance. online and backlog (ratios) can give exactly
    # that; online has more points to gain (1.5 vs 0.8) and is taken: 1.805 points →
    # 80 × 1.805/3 = 48.13 %, shown rounded up to 48.2 % → 3 × 48.2/80 = 1.8075 points (+0.3075)
    # → composite 70.075.
    values = [("online", 40), ("incidents", 0), ("backlog", 2), ("meetings", 1), ("plan", 1)]
    result = points_to_next_band(score(small_catalog, {"A": values}), small_catalog, "A", JUNE)
    assert (result.band, result.target_band) == ("yellow", "green")
    assert len(result.improvements) == 1
    online = result.improvements[0]
    assert (online.key, online.value, online.needed_value) == ("online", 40, pytest.approx(48.2))
    assert online.points_gained == pytest.approx(0.3075)
    assert online.composite_gain == pytest.approx(3.075)
    assert (result.composite_after, result.band_after) == (pytest.approx(70.075), "green")
    assert rescored_band(small_catalog, values, {"online": online.needed_value})[1] == "green"


def test_yellow_unit_blocked_by_a_red_pillar(small_catalog: Catalog) -> None:
    # online 40 → 1.5, incidents 0 → 1, backlog 0 → 2, meetings 1 → 1, plan 0 → 0: 5.5 → 55,
    # yellow; society 1/4 = 25 % is red. Raising online to 80 (+15) would make the composite 70
    # but society would stay red: still yellow (non-compensatory). One change must both lift
    # society to 2 of 4 points (+1) and the composite by 15 (+1.5 points): only plan (+2) can;
    # meetings can gain 1 point at most. plan → 1: composite 75, society 75 % → green.
    values = [("online", 40), ("incidents", 0), ("backlog", 0), ("meetings", 1), ("plan", 0)]
    result = points_to_next_band(score(small_catalog, {"A": values}), small_catalog, "A", JUNE)
    assert result.band == "yellow"
    assert [(i.key, i.value, i.needed_value) for i in result.improvements] == [("plan", 0, 1)]
    assert result.improvements[0].composite_gain == pytest.approx(20)
    assert (result.composite_after, result.band_after) == (pytest.approx(75), "green")
    assert rescored_band(small_catalog, values, {"online": 80}) == (pytest.approx(70), "yellow")


def test_yellow_unit_with_a_green_composite_needs_only_its_red_pillar(
    small_catalog: Catalog,
) -> None:
    # gov full (6 points), society: meetings 1 → 1, plan 0: 25 %, red. Composite 70 is green by
    # the number, yellow by the rule. Society needs 1 more point: meetings to the top step
    # (+1, pace 4 a year = 4 × 6/12 = 2 meetings by June) beats plan (+2, overshoot).
    values = [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 1), ("plan", 0)]
    result = points_to_next_band(score(small_catalog, {"A": values}), small_catalog, "A", JUNE)
    assert result.composite == pytest.approx(70)
    assert result.band == "yellow"
    meetings = result.improvements[0]
    assert len(result.improvements) == 1
    assert (meetings.key, meetings.value, meetings.needed_value) == (
        "meetings",
        1,
        pytest.approx(2),
    )
    assert (meetings.points_gained, meetings.composite_gain) == (1, pytest.approx(10))
    assert (result.composite_after, result.band_after) == (pytest.approx(80), "green")


@pytest.fixture
def wide_society_catalog() -> Catalog:
    """The small catalog with a third society indicator, so a red pillar needs two changes:
    apps (ratio, target 50, 2 pts); society weight 6, total 12."""
    data = yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))
    data["total_points"] = 12
    data["pillars"][1]["weight"] = 6
    apps = dict(data["indicators"][0], key="apps", pillar="society", target=50, max_points=2)
    data["indicators"].append(apps)
    return parse_catalog(data, "wide society")


def test_red_pillar_needing_two_changes(wide_society_catalog: Catalog) -> None:
    # gov full: 100 %; society meetings 0, plan 0, apps 0: 0 %, red. Composite
    # (100 × 6 + 0 × 6)/12 = 50, yellow. Society factor 100 · 6/(6 · 12) = 8.33 per point.
    # Green needs society ≥ 3 of 6 points (50 %) and the composite ≥ 70, i.e. society ≥ 2.4
    # points: 3 points bind. No one change gives 3 (each at most 2), so first the society
    # indicator with the most to gain in full: meetings, plan, apps all 2 — catalog order picks
    # meetings (2 meetings by June, +2 points, +16.67) → society 33 %, composite 66.67.
    # Then 1 point: apps (ratio) exactly +1 → 50 × 1/2 = 25 % (+8.33); plan would give +2.
    # Result: society 3/6 = 50 %, composite 50 + 3 × 8.33 = 75, green.
    values = [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 0), ("plan", 0)]
    values.append(("apps", 0))
    scores = score(wide_society_catalog, {"A": values})
    result = points_to_next_band(scores, wide_society_catalog, "A", JUNE)
    assert (result.band, result.composite) == ("yellow", pytest.approx(50))
    assert [(i.key, i.needed_value) for i in result.improvements] == [
        ("meetings", pytest.approx(2)),
        ("apps", pytest.approx(25)),
    ]
    assert [i.composite_gain for i in result.improvements] == pytest.approx([50 / 3, 25 / 3])
    assert (result.composite_after, result.band_after) == (pytest.approx(75), "green")


def test_grey_unit_lists_what_to_report(small_catalog: Catalog) -> None:
    # 3 of 5 scored indicators reported: coverage 0.6 < 0.75. backlog and meetings are missing;
    # 4 of 5 (0.8) would do, so one more report is needed. Values are not the problem.
    values = [("online", 80), ("incidents", 0), ("plan", 1)]
    result = points_to_next_band(score(small_catalog, {"A": values}), small_catalog, "A", JUNE)
    assert result.band == "grey"
    assert result.target_band is None
    assert result.improvements == ()
    assert result.to_report == ("backlog", "meetings")
    assert result.reports_needed == 1
    assert not result.stale
    assert result.band_after == "grey"


def test_stale_grey_unit(small_catalog: Catalog) -> None:
    # Everything reported on 10 February: 141 days before 1 July > 62 → grey, nothing missing.
    values = [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 2), ("plan", 1)]
    data = measures([("A", k, v) for k, v in values]).assign(reported_at=datetime(2026, 2, 10))
    scores = score_period(data, small_catalog, ["A"], JUNE)
    result = points_to_next_band(scores, small_catalog, "A", JUNE)
    assert (result.band, result.stale, result.to_report, result.reports_needed) == (
        "grey",
        True,
        (),
        0,
    )


def test_green_unit_has_nothing_to_do(small_catalog: Catalog) -> None:
    # online 60 → 2.25, incidents 1 → 0.5, backlog 2 → 1.2, meetings 2 → 2, plan 1 → 2: 79.5.
    values = [("online", 60), ("incidents", 1), ("backlog", 2), ("meetings", 2), ("plan", 1)]
    result = points_to_next_band(score(small_catalog, {"A": values}), small_catalog, "A", JUNE)
    assert (result.band, result.target_band, result.improvements) == ("green", None, ())
    assert (result.composite_after, result.band_after) == (pytest.approx(79.5), "green")


def test_reporting_a_missing_value_is_an_improvement(small_catalog: Catalog) -> None:
    # The withheld unit (30, red) needs 50.05: 20.05 composite = 2.005 points; incidents is an
    # operator's in the fixture. No single change gives 2.005 (backlog and plan 2 at most). The
    # largest gains tie (backlog reported at 0 → +2, plan +2): catalog order takes backlog →
    # 50.0. Then 0.005 points: online (ratio) exactly → 1.505 points → 80 × 1.505/3 = 40.13 %,
    # shown rounded up: 40.2 % → 3 × 40.2/80 = 1.5075 points → composite 50.075, yellow.
    result = points_to_next_band(score(small_catalog, {"A": WITHHELD}), small_catalog, "A", JUNE)
    assert [(i.key, i.needed_value) for i in result.improvements] == [
        ("backlog", 0),
        ("online", pytest.approx(40.2)),
    ]
    backlog = result.improvements[0]
    assert math.isnan(backlog.value) and backlog.points_gained == 2
    assert (result.composite_after, result.band_after) == (pytest.approx(50.075), "yellow")
    assert result.to_report == ("backlog",)
    # Scored again from measures with backlog reported and online as shown: the same result.
    changes = {i.key: i.needed_value for i in result.improvements}
    values = [*WITHHELD, ("backlog", changes["backlog"])]
    assert rescored_band(small_catalog, values, changes) == (pytest.approx(50.075), "yellow")


def test_every_plan_reaches_the_next_band_when_rescored(small_catalog: Catalog) -> None:
    # A grid of 288 units, among them units on a threshold by hand but a hair below it in
    # floats: online 56 → 2.1, incidents 1 → 0.5, backlog 1.5 → 1.4, meetings 1 → 1, plan 0
    # is 5 points = 50 by hand, 49.99999999999999 (red) as scored. Whatever the unit, the plan
    # must be non-empty for a red or yellow unit and its values must reach the next band when
    # the unit is scored again from measures.
    grid = itertools.product([0, 20, 56, 80], [0, 1, 5], [0, 1.5, 4, 5], [0, 1, 2], [0, 1])
    keys = ["online", "incidents", "backlog", "meetings", "plan"]
    units = {f"U{n}": list(zip(keys, values, strict=True)) for n, values in enumerate(grid)}
    scores = score(small_catalog, units)
    plans = {u: points_to_next_band(scores, small_catalog, u, JUNE) for u in units}
    to_move = {u: p for u, p in plans.items() if p.target_band is not None}
    assert {p.band for p in to_move.values()} == {"red", "yellow"}
    changed = {
        u: [(k, {i.key: i.needed_value for i in p.improvements}.get(k, v)) for k, v in units[u]]
        for u, p in to_move.items()
    }
    rescored = score(small_catalog, changed).units.set_index("unit_code")
    for unit, plan in to_move.items():
        assert plan.improvements, unit
        assert plan.band_after == plan.target_band or plan.band_after == "green", unit
        assert rescored.loc[unit, "band"] == plan.band_after, unit
        assert rescored.loc[unit, "composite"] == pytest.approx(plan.composite_after), unit
        assert plan.composite + plan.composite_gain == pytest.approx(plan.composite_after), unit


# --- plans as displayed -------------------------------------------------------------------


def test_displayed_targets_round_in_the_direction_that_helps(small_catalog: Catalog) -> None:
    online = small_catalog.indicator("online")  # percent, higher: at least, 1 decimal
    backlog = small_catalog.indicator("backlog")  # per_10k, lower: at most, 2 decimals
    meetings = small_catalog.indicator("meetings")  # count, higher: whole meetings
    incidents = small_catalog.indicator("incidents")  # count, lower
    assert displayed_target(online, 93.04) == pytest.approx(93.1)  # not 93.0: that falls short
    assert displayed_target(online, 80.0) == 80.0  # already shown as it is
    assert displayed_target(online, 79.99999999999) == 80.0  # float noise is no shortfall
    assert displayed_target(backlog, 3.7375) == pytest.approx(3.73)  # not 3.74: too many
    assert displayed_target(meetings, 4 * 10 / 12) == 4  # 3.33 meetings by October → 4
    assert displayed_target(incidents, 0.6) == 0
    assert display_decimals("percent") == 1 and display_decimals("per_10k") == 2
    assert display_decimals("count") == 0 and display_decimals("flag") == 0


def test_incident_counts_in_the_month_are_no_lever(small_catalog: Catalog) -> None:
    incidents = small_catalog.indicator("incidents")
    # The same indicator as a count of events in the month: "have fewer incidents" is no action.
    assert not is_lever(dataclasses.replace(incidents, unit="count_per_month"))
    assert is_lever(incidents)  # unit count: a stock of open cases the unit can close
    assert is_lever(small_catalog.indicator("backlog"))  # a stock the unit can clear
    assert not is_lever(small_catalog.indicator("wifi"))  # tracked only


def test_a_month_count_of_incidents_is_never_advised(small_catalog: Catalog) -> None:
    # online 80 → 3, incidents 5 → 0, backlog 5 → 0, meetings 0 → 0, plan 1 → 2: 5 points → 50,
    # yellow (gov 3/6 = 50 %, society 2/4 = 50 %: no red pillar). Green with the clearance needs
    # 70.05, i.e. 2.005 points: no single change gives it (backlog and meetings at most 2 each).
    # The largest gains tie (backlog +2, meetings +2): catalog order takes backlog → 0 (70.0).
    # Then 0.005 points: incidents to 1 (+0.5, step) is the smallest change while it is a lever
    # (a stock of open cases, unit count) → 75; as a count of events *in the month* it is no
    # lever, and meetings to 1 by June (pace 2 a year, +1 point) is taken instead → 80.
    values = [("online", 80), ("incidents", 5), ("backlog", 5), ("meetings", 0), ("plan", 1)]
    catalog = _controllable(small_catalog, incidents=True)  # the fixture says an operator's
    result = points_to_next_band(score(catalog, {"A": values}), catalog, "A", JUNE)
    assert [(i.key, i.needed_value) for i in result.improvements] == [
        ("backlog", 0),
        ("incidents", 1),
    ]
    assert (result.composite_after, result.band_after) == (pytest.approx(75), "green")
    catalog = _with_indicators(
        small_catalog, incidents={"unit": "count_per_month", "controllable": True}
    )
    result = points_to_next_band(score(catalog, {"A": values}), catalog, "A", JUNE)
    assert [(i.key, i.needed_value) for i in result.improvements] == [
        ("backlog", 0),
        ("meetings", 1),
    ]
    assert (result.composite_after, result.band_after) == (pytest.approx(80), "green")


def _with_indicators(catalog: Catalog, **changes: dict[str, Any]) -> Catalog:
    """``catalog`` with some indicators' fields replaced (its content hash recomputed)."""
    indicators = tuple(dataclasses.replace(i, **changes.get(i.key, {})) for i in catalog.indicators)
    return dataclasses.replace(catalog, indicators=indicators, content_hash="")


def _controllable(catalog: Catalog, **flags: bool) -> Catalog:
    return _with_indicators(catalog, **{k: {"controllable": v} for k, v in flags.items()})


def test_the_units_own_levers_come_first(small_catalog: Catalog) -> None:
    # The yellow → green unit above (67, needs 70.05): online alone would do it, but online is
    # an operator's. backlog (ratio, the unit's own, +3.05 composite = 0.305 points) can too:
    # 1.505 points → 5 − 5 · 1.505/2 = 1.2375, shown rounded down: 1.23 → 2 · 3.77/5 = 1.508
    # points (+0.308 → +3.08) → composite 70.08, green; nothing needs others.
    catalog = _controllable(small_catalog, online=False)
    values = [("online", 40), ("incidents", 0), ("backlog", 2), ("meetings", 1), ("plan", 1)]
    result = points_to_next_band(score(catalog, {"A": values}), catalog, "A", JUNE)
    assert [(i.key, i.needed_value) for i in result.improvements] == [
        ("backlog", pytest.approx(1.23))
    ]
    assert result.composite_after == pytest.approx(70.08)
    assert (result.band_after, result.reached, result.needs_others) == ("green", True, ())


def test_others_action_only_when_own_levers_cannot_reach(small_catalog: Catalog) -> None:
    # The red unit above (26.5, needs 50.05 = 2.355 points): without online, the unit's own
    # levers (incidents is an operator's in the fixture) give at most backlog +1.6, meetings +1,
    # plan +2 = 4.6 points, enough:
    # the largest first, plan (+2, flag) → 46.5; then 0.355 points: backlog (ratio) exactly →
    # 0.755 points → 5 − 5 · 0.755/2 = 3.1125 → 3.11 → 0.756 points → composite 50.06.
    catalog = _controllable(small_catalog, online=False)
    values = [("online", 20), ("incidents", 1), ("backlog", 4), ("meetings", 1), ("plan", 0)]
    result = points_to_next_band(score(catalog, {"A": values}), catalog, "A", JUNE)
    assert [(i.key, i.needed_value) for i in result.improvements] == [
        ("plan", 1),
        ("backlog", pytest.approx(3.11)),
    ]
    assert result.composite_after == pytest.approx(50.06)
    assert result.needs_others == ()
    # online, plan and meetings an operator's too: the unit's own lever (backlog +1.6) gives
    # 42.5 at most, short of 50.05. Then every lever: no single change
    # gives 2.355 points; the largest, online (+2.25 → 49), then 0.105 points: backlog 3.73 (as
    # in the red → yellow case) → 50.08; online is named as the part that needs others.
    catalog = _controllable(small_catalog, online=False, plan=False, meetings=False)
    result = points_to_next_band(score(catalog, {"A": values}), catalog, "A", JUNE)
    assert [(i.key, i.needed_value) for i in result.improvements] == [
        ("online", pytest.approx(80)),
        ("backlog", pytest.approx(3.73)),
    ]
    assert result.needs_others == ("online",)
    assert [i.controllable for i in result.improvements] == [False, True]
    assert result.composite_after == pytest.approx(50.08)
    assert (result.band_after, result.reached) == ("yellow", True)


# --- every plan of the demo data, followed as displayed -------------------------------------

DEMO_END = date(2026, 11, 16)  # the newest scored month is October 2026
DEMO_PERIODS = (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1))


@pytest.fixture(scope="module")
def demo_measures(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The raw measures of a small demo database (SQLite, scale 0.02, as the app tests use)."""
    engine = sqlite_engine(tmp_path_factory.mktemp("explain") / "demo.sqlite3")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    with exclusive_write(engine) as conn:
        generate_into(conn, seed=7, scale=0.02, end_date=DEMO_END)
    try:
        return all_measures(engine)
    finally:
        engine.dispose()


def _as_displayed(value: float, unit: str) -> float:
    """The dossier's text for a target (Vietnamese: 93,1 · 1.234 · Có), read back as a number."""
    if unit == "flag":
        return 1.0 if value >= 1 else 0.0  # shown "Có" / "Không"
    text = format_number(value, "vi", display_decimals(unit))
    return float(text.replace(".", "").replace(",", "."))


def _follow(measures: pd.DataFrame, scores: PeriodScores, plans: list[NextBand], period: date):
    """``measures`` with every plan's displayed targets reported for ``period`` by its unit: the
    row the score used (same source, evidence, report date) again, with the displayed value."""
    used = scores.indicators.set_index(["unit_code", "indicator_key"])
    catalog = default_catalog()
    changed = measures
    for plan in plans:
        for step in plan.improvements:
            source = used.loc[(plan.unit_code, step.key)]
            same = (changed["unit_code"] == plan.unit_code) & (changed["indicator_key"] == step.key)
            indicator = catalog.indicator(step.key)
            value = _as_displayed(step.needed_value, indicator.unit)
            if source["reported"]:  # the same report again, with the displayed value
                row = changed[same & (changed["period"] == source["value_period"])].tail(1)
                assert len(row) == 1, (plan.unit_code, step.key)
                row = row.assign(period=period, value=value)
            else:  # a missing value reported as planned, with its evidence, on time
                row = pd.DataFrame([_new_report(plan.unit_code, indicator, period, value)])
            changed = pd.concat([changed[~(same & (changed["period"] == period))], row])
    return changed.reset_index(drop=True)


def _new_report(unit_code: str, indicator: Indicator, period: date, value: float) -> dict[str, Any]:
    return {
        "unit_code": unit_code,
        "indicator_key": indicator.key,
        "period": period,
        "value": value,
        "source_type": indicator.source_type.value,
        "reported_at": datetime(period.year + period.month // 12, period.month % 12 + 1, 5),
        "evidence_ref": "plan-evidence",
        "applicable": True,
    }


@pytest.mark.parametrize("period", DEMO_PERIODS, ids=lambda p: p.isoformat()[:7])
def test_every_demo_plan_reaches_its_band_as_displayed(
    demo_measures: pd.DataFrame, period: date
) -> None:
    # For every red and yellow unit: take the plan, write its targets as the dossier shows them
    # (rounded, in Vietnamese, parsed back), report them for the month and score the whole
    # period again with the scoring function in force. Each unit must reach its next band with
    # the composite 0.05 above the threshold (green 80, yellow 65 in the catalog).
    catalog = default_catalog()
    codes = sorted(demo_measures["unit_code"].unique())
    scores = score_period(demo_measures, catalog, codes, period)
    plans = [
        points_to_next_band(scores, catalog, code, period)
        for code in scores.units.loc[scores.units["band"].isin(["red", "yellow"]), "unit_code"]
    ]
    assert len(plans) >= 5  # something to check
    reachable = [p for p in plans if p.reached]
    assert reachable and all(p.improvements for p in plans)
    rescored = score_period(
        _follow(demo_measures, scores, reachable, period), catalog, codes, period
    )
    after = rescored.units.set_index("unit_code")
    thresholds = {"green": catalog.bands.green_at_least, "yellow": catalog.bands.yellow_at_least}
    order = ["red", "yellow", "green"]
    for plan in reachable:
        assert plan.target_band is not None
        band = after.loc[plan.unit_code, "band"]
        assert band in order and order.index(band) >= order.index(plan.target_band), plan
        assert after.loc[plan.unit_code, "composite"] >= thresholds[plan.target_band] + 0.05
        assert after.loc[plan.unit_code, "composite"] == pytest.approx(plan.composite_after)
    # A plan that is out of reach says so only when every lever at full points is not enough.
    for plan in plans:
        if not plan.reached:
            assert plan.band_after != plan.target_band, plan
