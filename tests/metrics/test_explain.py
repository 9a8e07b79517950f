"""Explanations of a unit's score, every expected value worked out by hand from the small catalog.

Small catalog (10 points): gov (weight 6) = online (ratio, target 80, 3 pts), incidents (step,
lower: 0 → 1, 1 → 0.5), backlog (ratio, lower, target 0, worst 5, 2 pts); society (weight 4) =
meetings (step on the year-to-date pace: ≥ 4 → 2, ≥ 2 → 1), plan (flag, 2 pts). Bands: green
≥ 70, yellow ≥ 50, grey below 75 % coverage.

With every indicator reported, A_p = w_p and W = 10, so one indicator point is worth
100 · w_p / (w_p · 10) = 10 composite points in either pillar.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest
import yaml

from metrics.catalog import Catalog, parse_catalog
from metrics.explain import (
    Drag,
    drags,
    points_to_next_band,
    strengths,
    value_for_points,
)
from metrics.scoring import PeriodScores, indicator_points, score_period
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

# backlog not reported (coverage 4/5 = 0.8 ≥ 0.75, so not grey):
#   gov:     online 40 → 1.5 of 3, incidents 1 → 0.5 of 1: 2 of A = 4 available → 50 %
#   society: meetings 1 by June (pace 2) → 1 of 2, plan 0 → 0 of 2: 1 of 4 → 25 %
#   composite = (50 × 6 + 25 × 4) / 10 = 40 (red)
# Composite factor f_p = 100 · w_p / (A_p · W): gov 100·6/(4·10) = 15, society 100·4/(4·10) = 10.
RENORMALISED = [("online", 40), ("incidents", 1), ("meetings", 1), ("plan", 0)]


def test_drags_weigh_lost_points_by_the_renormalised_pillar(small_catalog: Catalog) -> None:
    scores = score(small_catalog, {"A": RENORMALISED})
    assert scores.units.iloc[0]["composite"] == pytest.approx(40)
    found = drags(scores, small_catalog, "A")
    # online loses 1.5 × 15 = 22.5 and comes first although plan loses more raw points
    # (2 × 10 = 20); then meetings 1 × 10 = 10, incidents 0.5 × 15 = 7.5.
    assert [d.key for d in found] == ["online", "plan", "meetings", "incidents"]
    assert [d.composite_points_lost for d in found] == pytest.approx([22.5, 20, 10, 7.5])
    assert found[0] == Drag("online", "gov", 40.0, 1.5, 3.0, pytest.approx(22.5))
    # Everything the unit lost adds up to 100 − composite.
    assert sum(d.composite_points_lost for d in found) == pytest.approx(100 - 40)
    assert [d.key for d in drags(scores, small_catalog, "A", n=2)] == ["online", "plan"]


def test_drags_leave_out_full_points_and_missing_values(small_catalog: Catalog) -> None:
    # All reported: 1 point = 10 composite points. online 60 → 2.25 (loses 0.75 → 7.5),
    # incidents 1 → 0.5 (loses 5), backlog 2 → 1.2 (loses 0.8 → 8), meetings and plan full.
    values = [("online", 60), ("incidents", 1), ("backlog", 2), ("meetings", 2), ("plan", 1)]
    found = drags(score(small_catalog, {"A": values}), small_catalog, "A")
    assert [d.key for d in found] == ["backlog", "online", "incidents"]
    assert [d.composite_points_lost for d in found] == pytest.approx([8, 7.5, 5])


def test_strengths_break_ties_by_max_points(small_catalog: Catalog) -> None:
    # online 1.5/3, meetings 1/2, incidents 0.5/1 all earn half their points: the bigger
    # indicator first. plan earns nothing and is never a strength.
    found = strengths(score(small_catalog, {"A": RENORMALISED}), small_catalog, "A")
    assert [s.key for s in found] == ["online", "meetings", "incidents"]
    assert [s.share for s in found] == pytest.approx([0.5, 0.5, 0.5])
    # What they bring to the composite: 1.5 × 15, 1 × 10, 0.5 × 15.
    assert [s.composite_points for s in found] == pytest.approx([22.5, 10, 7.5])


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
    # change that gives it is backlog (a ratio, exactly +0.1; incidents +0.5, meetings +1 and
    # plan +2 would overshoot): 0.5 points → backlog 5 − 5 · 0.5/2 = 3.75 → composite 50.
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
    assert (backlog.value, backlog.needed_value) == (4, pytest.approx(3.75))
    assert backlog.direction == "lower"  # at most 3.75 per 10,000 people
    assert (backlog.points, backlog.points_after) == (pytest.approx(0.4), pytest.approx(0.5))
    assert backlog.composite_gain == pytest.approx(1.0)
    assert result.composite_after == pytest.approx(50)
    assert result.band_after == "yellow"
    assert result.composite_gain == pytest.approx(23.5)
    changes = {i.key: i.needed_value for i in result.improvements}
    assert rescored_band(small_catalog, values, changes) == (pytest.approx(50), "yellow")


def test_yellow_unit_to_green(small_catalog: Catalog) -> None:
    # online 40 → 1.5, incidents 0 → 1, backlog 2 → 1.2, meetings 1 → 1, plan 1 → 2: 6.7 points
    # → 67, yellow (gov 3.7/6 = 61.7 %, society 3/4 = 75 %: no red pillar). Green needs 70:
    # 0.3 points. online and backlog (ratios) can give exactly 0.3 (+3 composite each); online
    # has more points to gain (1.5 vs 0.8) and is taken: 1.8 points → 80 × 1.8/3 = 48 %.
    values = [("online", 40), ("incidents", 0), ("backlog", 2), ("meetings", 1), ("plan", 1)]
    result = points_to_next_band(score(small_catalog, {"A": values}), small_catalog, "A", JUNE)
    assert (result.band, result.target_band) == ("yellow", "green")
    assert len(result.improvements) == 1
    online = result.improvements[0]
    assert (online.key, online.value, online.needed_value) == ("online", 40, pytest.approx(48))
    assert online.points_gained == pytest.approx(0.3)
    assert online.composite_gain == pytest.approx(3)
    assert (result.composite_after, result.band_after) == (pytest.approx(70), "green")
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


def test_partial_ratio_lands_on_the_threshold_despite_float_rounding(
    small_catalog: Catalog,
) -> None:
    # The renormalised unit (composite 40, red) needs 10 composite points. online (ratio,
    # factor 15) can give exactly 10/15 = 0.667 points and meetings exactly 1 point (+10):
    # equal gains, online has more headroom (1.5 vs 1) → online 80 × (1.5 + 0.667)/3 = 57.78 %.
    # Stopping exactly there would give 49.99999999999999 in floats (red): plans aim 10⁻⁹
    # above a threshold, and the re-score confirms yellow.
    result = points_to_next_band(
        score(small_catalog, {"A": RENORMALISED}), small_catalog, "A", JUNE
    )
    online = result.improvements[0]
    assert (online.key, online.needed_value) == ("online", pytest.approx(80 * 6.5 / 9))
    assert result.composite_after >= 50
    assert result.band_after == "yellow"
    assert result.to_report == ("backlog",)  # missing, listed but never counted as a gain


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
