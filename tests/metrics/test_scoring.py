"""Scoring rules, with every expected value worked out by hand from the small catalog."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from metrics.catalog import Catalog
from metrics.scoring import indicator_points, score_period
from tests.metrics.conftest import JUNE, measures

FULL_REPORT = [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 2), ("plan", 1)]


def rows(unit: str, values: list[tuple[str, float]]) -> list[tuple[str, str, float]]:
    return [(unit, key, value) for key, value in values]


def test_ratio_rule_is_value_over_target_times_max_capped(small_catalog: Catalog) -> None:
    online = small_catalog.indicator("online")
    assert indicator_points(online, 60, JUNE) == pytest.approx(2.25)  # 60/80 × 3
    assert indicator_points(online, 100, JUNE) == pytest.approx(3.0)  # capped at the target
    assert indicator_points(online, 0, JUNE) == 0.0


def test_reversed_ratio_runs_from_worst_to_target(small_catalog: Catalog) -> None:
    backlog = small_catalog.indicator("backlog")
    assert indicator_points(backlog, 2, JUNE) == pytest.approx(1.2)  # 2 × (5 − 2)/(5 − 0)
    assert indicator_points(backlog, 0, JUNE) == pytest.approx(2.0)
    assert indicator_points(backlog, 7, JUNE) == 0.0  # worse than "worst": no negative points


def test_reversed_step_rule(small_catalog: Catalog) -> None:
    incidents = small_catalog.indicator("incidents")
    assert indicator_points(incidents, 0, JUNE) == 1.0
    assert indicator_points(incidents, 1, JUNE) == 0.5
    assert indicator_points(incidents, 3, JUNE) == 0.0


def test_step_rule_on_year_to_date_pace(small_catalog: Catalog) -> None:
    meetings = small_catalog.indicator("meetings")
    # June is month 6: 2 meetings so far → 2 × 12/6 = 4 a year → the top step, 2 points.
    assert indicator_points(meetings, 2, JUNE) == 2.0
    # 1 meeting by June → pace 2 a year → the second step, 1 point.
    assert indicator_points(meetings, 1, JUNE) == 1.0
    # 1 meeting by December → pace 1 → below every step.
    assert indicator_points(meetings, 1, date(2026, 12, 1)) == 0.0


def test_flag_and_tracked_only(small_catalog: Catalog) -> None:
    assert indicator_points(small_catalog.indicator("plan"), 1, JUNE) == 2.0
    assert indicator_points(small_catalog.indicator("plan"), 0, JUNE) == 0.0
    assert indicator_points(small_catalog.indicator("wifi"), 50, JUNE) == 0.0


def test_composite_pillars_and_band(small_catalog: Catalog) -> None:
    # online 60 → 2.25, incidents 1 → 0.5, backlog 2 → 1.2: gov 3.95 of 6 = 65.83 %
    # meetings 2 (June) → 2, plan 1 → 2: society 4 of 4 = 100 %
    # composite = (65.83 × 6 + 100 × 4) / 10 = 79.5 → green (no pillar below 50 %)
    data = measures(
        rows("A", [("online", 60), ("incidents", 1), ("backlog", 2), ("meetings", 2), ("plan", 1)])
    )
    scores = score_period(data, small_catalog, ["A"], JUNE)
    unit = scores.units.set_index("unit_code").loc["A"]
    assert unit["composite"] == pytest.approx(79.5)
    assert unit["composite_01"] == pytest.approx(0.795)
    assert unit["band"] == "green"
    pillars = scores.pillars.set_index("pillar")
    assert pillars.loc["gov", "score_pct"] == pytest.approx(3.95 / 6 * 100)
    assert pillars.loc["gov", "band"] == "yellow"
    assert pillars.loc["society", "band"] == "green"


def test_no_green_while_a_pillar_is_red(small_catalog: Catalog) -> None:
    # gov: online 80 → 3, incidents 0 → 1, backlog 0 → 2: 6 of 6 = 100 %
    # society: meetings 1 in June → pace 2 → 1 point, plan 0 → 0: 1 of 4 = 25 % → red
    # composite = (100 × 6 + 25 × 4)/10 = 70 → green by the number, yellow by the rule
    data = measures(
        rows("A", [("online", 80), ("incidents", 0), ("backlog", 0), ("meetings", 1), ("plan", 0)])
    )
    unit = score_period(data, small_catalog, ["A"], JUNE).units.iloc[0]
    assert unit["composite"] == pytest.approx(70.0)
    assert unit["band"] == "yellow"


def test_red_unit(small_catalog: Catalog) -> None:
    # online 20 → 0.75, incidents 5 → 0, backlog 5 → 0: gov 0.75/6 = 12.5 %
    # meetings 1 → 1, plan 1 → 2: society 3/4 = 75 %; composite = (12.5×6 + 75×4)/10 = 37.5
    data = measures(
        rows("A", [("online", 20), ("incidents", 5), ("backlog", 5), ("meetings", 1), ("plan", 1)])
    )
    unit = score_period(data, small_catalog, ["A"], JUNE).units.iloc[0]
    assert unit["composite"] == pytest.approx(37.5)
    assert unit["band"] == "red"


def test_low_coverage_is_grey_not_imputed(small_catalog: Catalog) -> None:
    # 3 of the 5 scored indicators reported: coverage 0.6 < 0.75 → grey, however good they are.
    data = measures(rows("A", [("online", 80), ("incidents", 0), ("plan", 1)]))
    unit = score_period(data, small_catalog, ["A"], JUNE).units.iloc[0]
    assert unit["coverage"] == pytest.approx(0.6)
    assert unit["reported"] == 3 and unit["expected"] == 5
    assert unit["band"] == "grey"
    # The missing backlog earns 0 of its 2 points, never the pillar's average: online 80 → 3,
    # incidents 0 → 1, backlog missing → 0: gov 4 of 6 = 66.67 %, not 4 of 4 = 100 %.
    gov = score_period(data, small_catalog, ["A"], JUNE).pillars.set_index("pillar").loc["gov"]
    assert gov["score_pct"] == pytest.approx(400 / 6)
    assert gov["available"] == 6.0


def test_a_unit_with_no_data_at_all_is_grey(small_catalog: Catalog) -> None:
    data = measures(rows("A", FULL_REPORT))
    units = score_period(data, small_catalog, ["A", "B"], JUNE).units.set_index("unit_code")
    assert units.loc["B", "band"] == "grey"
    assert units.loc["B", "coverage"] == 0.0


def test_stale_data_is_grey(small_catalog: Catalog) -> None:
    # Everything reported, but the newest report is from 10 February: more than 62 days before
    # the end of June (1 July is 141 days later) → grey.
    data = measures(rows("A", FULL_REPORT)).assign(reported_at=datetime(2026, 2, 10))
    unit = score_period(data, small_catalog, ["A"], JUNE).units.iloc[0]
    assert unit["band"] == "grey"


def test_values_older_than_their_frequency_allows_do_not_count(small_catalog: Catalog) -> None:
    # Monthly values may be one month old (max age 2 months): April's online value does not
    # count for June, so only 4 of 5 are reported (coverage 0.8) and online earns nothing.
    april = measures(rows("A", [("online", 80)]), period=date(2026, 4, 1))
    june = measures(rows("A", [("incidents", 0), ("backlog", 0), ("meetings", 2), ("plan", 1)]))
    scores = score_period(pd.concat([april, june]), small_catalog, ["A"], JUNE)
    unit = scores.units.iloc[0]
    assert unit["reported"] == 4
    online = scores.indicators.set_index("indicator_key").loc["online"]
    assert not online["reported"]


def test_year_to_date_value_is_paced_by_its_own_month(small_catalog: Catalog) -> None:
    # December 2025's count (1 meeting in the whole year) still counts in January 2026 (monthly
    # values may be a month old), but as a full year's count: pace 1 × 12/12 = 1 → no step.
    # Paced as a January count (1 × 12/1 = 12) it would wrongly earn the top step.
    december = measures(rows("A", [("meetings", 1)]), period=date(2025, 12, 1))
    scores = score_period(december, small_catalog, ["A"], date(2026, 1, 1))
    meetings = scores.indicators.set_index("indicator_key").loc["meetings"]
    assert meetings["reported"]
    assert meetings["points"] == 0.0


def test_an_exact_threshold_is_not_lost_to_float_noise(small_catalog: Catalog) -> None:
    # online 56 → 56/80 × 3 = 2.1; incidents 1 → 0.5; backlog 1.5 → 2 × 3.5/5 = 1.4:
    # gov 4.0 of 6; meetings 1 (June, pace 2) → 1; plan 0 → 0: society 1 of 4.
    # composite = (66.67 × 6 + 25 × 4)/10 = 50.0 exactly; in floats 49.99999999999999.
    # With green/yellow at 70/50 this is yellow, not red.
    data = measures(
        rows(
            "A", [("online", 56), ("incidents", 1), ("backlog", 1.5), ("meetings", 1), ("plan", 0)]
        )
    )
    unit = score_period(data, small_catalog, ["A"], JUNE).units.iloc[0]
    assert unit["composite"] == pytest.approx(50.0)
    assert unit["band"] == "yellow"


def test_a_carried_forward_stock_scores_and_a_carried_forward_count_does_not(
    small_catalog: Catalog,
) -> None:
    # May: plan 1 (a stock, carry_forward, quarterly: valid 3 months) and incidents 0 (a count of
    # the month, not carried). June reports online 80, backlog 0, meetings 2 only.
    # June: plan from May counts → 2 points; incidents from May is missing → 4 of 5 reported.
    may = measures(rows("A", [("plan", 1), ("incidents", 0)]), period=date(2026, 5, 1))
    june = measures(rows("A", [("online", 80), ("backlog", 0), ("meetings", 2)]))
    scores = score_period(pd.concat([may, june]), small_catalog, ["A"], JUNE)
    by_key = scores.indicators.set_index("indicator_key")
    assert by_key.loc["plan", "reported"] and by_key.loc["plan", "points"] == 2.0
    assert by_key.loc["plan", "value_period"] == date(2026, 5, 1)
    assert not by_key.loc["incidents", "reported"]
    assert scores.units.iloc[0]["reported"] == 4


@pytest.mark.parametrize(
    ("reported", "band"), [(date(2026, 4, 29), "grey"), (date(2026, 4, 30), "green")]
)
def test_freshness_is_the_units_own_last_report(
    small_catalog: Catalog, reported: date, band: str
) -> None:
    # End of June is 1 July 00:00. Own values (meetings, plan: self-reported) reported on
    # 29 April are 63 days old → grey; on 30 April, 62 days → not grey. The automatic values
    # are stamped 1 July and must not make the unit look fresh.
    # Scores (full report): gov 6 of 6, society 4 of 4 → 100, green.
    data = measures(rows("A", FULL_REPORT))
    own = data["indicator_key"].isin(["meetings", "plan"])
    data.loc[own, "reported_at"] = datetime.combine(reported, datetime.min.time())
    data.loc[~own, "reported_at"] = datetime(2026, 7, 1)
    unit = score_period(data, small_catalog, ["A"], JUNE).units.iloc[0]
    assert unit["days_since_update"] == (date(2026, 7, 1) - reported).days
    assert unit["band"] == band


def test_automatic_values_give_no_last_update(small_catalog: Catalog) -> None:
    # Only online, incidents and backlog (automatic, stamped 5 July): the unit itself reported
    # nothing, so it has no last update (the old rule took 5 July).
    data = measures(rows("A", [("online", 80), ("incidents", 0), ("backlog", 0)]))
    unit = score_period(data, small_catalog, ["A"], JUNE).units.iloc[0]
    assert pd.isna(unit["last_update"]) and pd.isna(unit["days_since_update"])
    assert unit["band"] == "grey"
