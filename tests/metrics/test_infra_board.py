"""The infrastructure board on the small rollout of ``tests.metrics.infra_rows`` (SQLite and
PostgreSQL), judged at the end of 31/03/2026 over its six units unless a test says otherwise.
Every figure is worked out by hand from the table in that module's docstring.

Stage durations observed by 31/03/2026 (every site, every technology):

* planned: 10, 20, 30, 20, 40, 10 → [10, 10, 20, 20, 30, 40]: quartiles 12.5 / 20 / 27.5;
* site agreed: 20, 30, 30, 74, 20 → [20, 20, 30, 30, 74]: 20 / 30 / 30;
* permitted: 10, 20, 10, 20 (site 5 is still in it) → 10 / 15 / 20;
* power ready: 20, 30, 20, 20 → [20, 20, 20, 30]: 20 / 20 / 22.5;
* built: 10, 20, 10, 10 (site 3's stay since its regression has not ended) → 10 / 10 / 12.5;
* integrated: 10, 20, 10, 10 and site 6's 10 after its regression → [10, 10, 10, 10, 20]:
  10 / 10 / 10.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.infrastructure import pipeline_history, pipeline_sites
from metrics.infra_board import (
    InfraBoard,
    InfraFilters,
    _centres_covered_on,
    infra_board,
    infra_filter_options,
    unit_infra_block,
)
from metrics.site_pipeline import NoForecast, centres_covered, stages_on
from tests.metrics.infra_rows import (
    AS_OF,
    LINK_LOST,
    MAST_DOWN,
    NO_POWER,
    OBJECTION,
    SIX,
    A,
    B,
    C,
    D,
    E,
    F,
    insert_infra_rows,
)

# Days from 01/07/2025 to 31/12/2030: 5 years with 29/02/2028 (1 826) + 01/07 → 31/12 (183).
SPAN = 2009
DAYS_TO_AS_OF = 273  # 01/07/2025 → 31/03/2026: 31+31+30+31+30+31+31+28+30
POPULATION = 126118 + 44406 + 27609 + 26907 + 9007 + 15933  # = 249 980


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        insert_infra_rows(conn)
    return migrated_engine


def board(engine: Engine, as_of: date = AS_OF, **chosen: Any) -> InfraBoard:
    """The board of the six units (unless ``unit_codes`` says otherwise) at ``as_of``."""
    chosen.setdefault("unit_codes", SIX)
    return infra_board(engine, InfraFilters(as_of=as_of, **chosen))


def by_unit(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(row["unit_code"]): row for _, row in frame.iterrows()}


# --- the headline ------------------------------------------------------------------------------


def test_the_headline_counts_centres_sites_and_the_glide_path(engine: Engine) -> None:
    head = board(engine).headline
    # Only A's centre has 5G now: B's went back to built on 15/02/2026.
    assert (head.units, head.centres_covered) == (6, 1)
    assert head.covered_pct == pytest.approx(100 / 6)
    # On 01/07/2025 only B's centre site was on air (since 19/06/2025): 1 of 6.
    assert head.baseline_pct == pytest.approx(100 / 6)
    glide = 100 / 6 + (100 - 100 / 6) * DAYS_TO_AS_OF / SPAN  # = 27.9907…
    assert head.glide_pct == pytest.approx(glide)
    assert head.glide_pct == pytest.approx(27.99071, abs=1e-5)
    assert head.gap_pts == pytest.approx(100 / 6 - glide)
    # Sites 1–7 exist; on air 1, 2 and 6; blocked 4 and 7; site 3 has not regained on air.
    assert (head.sites, head.on_air, head.blocked, head.regressed_now) == (7, 3, 2, 1)
    assert head.will_miss == 3  # C and F all blocked, E without a site
    assert head.unchecked == 1


def test_population_coverage_caps_each_unit_at_its_population(engine: Engine) -> None:
    head = board(engine).headline
    # A: site 1's 63 059; D: site 6's 30 000 capped at its 26 907 people; site 2 is 4G and
    # site 3 is off air. (63 059 + 26 907) / 249 980.
    assert POPULATION == 249980
    assert head.population_5g_pct == pytest.approx(100 * 89966 / 249980)
    units = by_unit(board(engine).units)
    assert units[A]["population_5g_pct"] == pytest.approx(50.0)
    assert units[D]["population_5g_pct"] == pytest.approx(100.0)
    assert units[B]["population_5g_pct"] == 0.0


def test_fibre_takes_each_units_latest_month_ended(engine: Engine) -> None:
    head = board(engine).headline
    # A's March row (it ends on 31/03; April's is later), B's January row: 31 000 + 8 800 passed and
    # 26 400 + 5 500 connected of 33 000 + 11 000 households.
    assert head.fibre_passed_pct == pytest.approx(100 * 39800 / 44000)
    assert head.fibre_connected_pct == pytest.approx(72.5)
    units = by_unit(board(engine).units)
    assert units[A]["households_connected"] == 26400
    assert units[A]["fibre_connected_pct"] == pytest.approx(80.0)
    assert units[B]["fibre_passed_pct"] == pytest.approx(80.0)
    # No fibre month: no figure, not zero.
    assert pd.isna(units[C]["households"]) and pd.isna(units[C]["fibre_connected_pct"])
    # A month's row gives its end: on 30/03/2026 A's February row is still the latest.
    for day in (date(2026, 2, 28), date(2026, 3, 30)):
        earlier = by_unit(board(engine, day).units)
        assert earlier[A]["fibre_connected_pct"] == pytest.approx(100 * 25000 / 33000), day
    # On 31/01/2026 only B has a month (January); A none yet.
    january = board(engine, date(2026, 1, 31)).headline
    assert january.fibre_connected_pct == pytest.approx(50.0)


def test_a_unit_without_fibre_has_none_in_its_block(engine: Engine) -> None:
    block = unit_infra_block(engine, D, AS_OF)
    assert block.fibre_connected_pct is None and block.fibre_passed_pct is None


# --- coverage month by month -------------------------------------------------------------------


def test_coverage_month_by_month_from_july_2025(engine: Engine) -> None:
    coverage = board(engine).coverage
    assert coverage["month"].tolist()[0] == date(2025, 7, 1)
    assert coverage["month"].tolist()[-1] == date(2026, 3, 1)
    # B from before the baseline; A from 19/09/2025; B no more from 15/02/2026.
    assert coverage["covered"].tolist() == [1, 1, 2, 2, 2, 2, 2, 1, 1]
    assert set(coverage["units"]) == {6}
    september = coverage.iloc[2]
    assert september["day"] == date(2025, 9, 30)
    assert september["covered_pct"] == pytest.approx(200 / 6)
    # 01/07 → 30/09/2025: 91 days along the line.
    assert september["glide_pct"] == pytest.approx(100 / 6 + (100 - 100 / 6) * 91 / SPAN)
    # The gap: 33.333 − (16.667 + 83.333 × 91 / 2009 = 20.441) = +12.892 points.
    assert september["gap_pts"] == pytest.approx(200 / 6 - (100 / 6 + (100 - 100 / 6) * 91 / SPAN))
    assert september["gap_pts"] == pytest.approx(12.892, abs=1e-3)
    assert coverage["glide_pct"].iloc[-1] == pytest.approx(board(engine).headline.glide_pct)


def test_the_current_month_is_judged_at_as_of(engine: Engine) -> None:
    coverage = board(engine, date(2026, 2, 10)).coverage
    # On 10/02/2026 B's centre site is still on air.
    assert coverage["day"].iloc[-1] == date(2026, 2, 10)
    assert coverage["covered"].iloc[-1] == 2


def test_a_centre_site_leaving_on_air_uncovers_it_that_day(engine: Engine) -> None:
    # B's centre site went back to built on 15/02/2026: covered on the 14th, not on the 15th.
    for day, covered in ((date(2026, 2, 14), 2), (date(2026, 2, 15), 1)):
        shown = board(engine, day)
        assert shown.coverage["covered"].iloc[-1] == covered, day
        assert shown.headline.centres_covered == covered, day
    # A's went on air on 19/09/2025: covered from that day.
    assert board(engine, date(2025, 9, 18)).coverage["covered"].iloc[-1] == 1
    assert board(engine, date(2025, 9, 19)).coverage["covered"].iloc[-1] == 2


def test_coverage_agrees_with_the_rules_day_by_day(engine: Engine) -> None:
    """The month series is the rules' centres_covered on stages_on, every judged day."""
    sites, history = pipeline_sites(engine), pipeline_history(engine)
    coverage = board(engine).coverage
    for day, covered in zip(coverage["day"], coverage["covered"], strict=True):
        by_rules = centres_covered(sites, stages_on(history, day)) & set(SIX)
        assert covered == len(by_rules), day


def test_the_coverage_count_follows_stages_on_with_same_day_changes() -> None:
    """Two changes on one day: the later record wins, so an on-air stay overtaken the same
    day covers no day at all; the frame's rows need not be in day order."""
    sites = pd.DataFrame(
        {
            "site_id": [1, 2, 3],
            "unit_code": ["X", "Y", "Y"],
            "technology": ["5G", "5G", "5G"],
            "serves_centre": [True, True, True],
        }
    )
    rows = [
        (1, date(2026, 1, 3), "on_air"),
        (1, date(2026, 1, 1), "integrated"),
        (1, date(2026, 1, 3), "built"),  # the same day, recorded later: not on air on 3/1
        (1, date(2026, 1, 6), "on_air"),
        (2, date(2026, 1, 2), "on_air"),
        (2, date(2026, 1, 4), "blocked"),
        (3, date(2026, 1, 4), "on_air"),  # Y stays covered through site 3
        (3, date(2026, 1, 5), "planned"),
    ]
    history = pd.DataFrame(rows, columns=["site_id", "changed_at", "to_status"]).assign(note=None)
    days = [date(2026, 1, d) for d in range(1, 8)]
    expected = [len(centres_covered(sites, stages_on(history, day))) for day in days]
    assert expected == [0, 1, 1, 1, 0, 1, 1]
    assert _centres_covered_on(days, sites, history) == expected


def test_the_glide_runs_from_the_baseline_to_100_in_2030(engine: Engine) -> None:
    glide = board(engine).glide_to_target
    assert glide["day"].tolist() == [date(2025, 7, 1), date(2030, 12, 31)]
    assert glide["glide_pct"].tolist() == pytest.approx([100 / 6, 100.0])


def test_the_peer_group_filter_narrows_units_and_their_baseline(engine: Engine) -> None:
    head = board(engine, unit_codes=(), peer_group="phuong").headline
    # The registry's wards; of A and B, only A has its centre now, only B had it on 01/07.
    wards = board(engine, unit_codes=(), peer_group="phuong").units
    assert set(wards["peer_group"]) == {"phuong"} and {A, B} <= set(wards["unit_code"])
    mine = board(engine, peer_group="phuong").headline  # with SIX: A and B only
    assert (mine.units, mine.centres_covered, mine.baseline_pct) == (2, 1, 50.0)
    assert mine.glide_pct == pytest.approx(50 + 50 * DAYS_TO_AS_OF / SPAN)  # 56.79…
    assert head.centres_covered == 1 and head.units == len(wards)


# --- the funnel and the durations --------------------------------------------------------------


def test_the_funnel_counts_stages_now_and_sites_that_reached_them(engine: Engine) -> None:
    funnel = board(engine).funnel
    assert funnel["stage"].tolist() == [
        "planned",
        "site_agreed",
        "permitted",
        "power_ready",
        "built",
        "integrated",
        "on_air",
        "blocked",
    ]
    # Now: 5 permitted; 3 built; 1, 2, 6 on air; 4 and 7 blocked.
    assert funnel["sites"].tolist() == [0, 0, 1, 0, 1, 0, 3, 2]
    assert funnel["reached"].tolist() == [5, 5, 5, 4, 4, 3, 3, 2]
    # Of the 7 sites: 5/7 = 71.43 % reached planned … 3/7 = 42.86 % on air; none for blocked.
    assert funnel["reached_pct"].tolist()[:7] == pytest.approx(
        [500 / 7, 500 / 7, 500 / 7, 400 / 7, 400 / 7, 300 / 7, 300 / 7]
    )
    assert math.isnan(funnel["reached_pct"].iloc[7])


def test_the_funnel_by_operator(engine: Engine) -> None:
    table = board(engine).by_operator
    counts = {(o, s): n for o, s, n in table[["operator", "stage", "sites"]].itertuples(False)}
    assert len(table) == 3 * 8
    assert counts[("Viettel", "on_air")] == 2  # sites 1 and 6
    assert counts[("Viettel", "blocked")] == 1  # site 4
    assert counts[("MobiFone", "permitted")] == 1 and counts[("MobiFone", "blocked")] == 1
    assert counts[("VNPT", "built")] == 1 and counts[("VNPT", "on_air")] == 1
    assert sum(counts.values()) == 7


def test_stage_durations(engine: Engine) -> None:
    durations = board(engine).durations.set_index("stage")
    assert list(durations.index) == [
        "planned",
        "site_agreed",
        "permitted",
        "power_ready",
        "built",
        "integrated",
    ]
    assert durations["observed"].tolist() == [6, 5, 4, 4, 4, 5]
    assert durations["median"].tolist() == [20, 30, 15, 20, 10, 10]
    assert durations["low"].tolist() == [12.5, 20, 10, 20, 10, 10]
    assert durations["high"].tolist() == [27.5, 30, 20, 22.5, 12.5, 10]


def test_the_technology_filter_narrows_the_funnel_and_durations_not_coverage(
    engine: Engine,
) -> None:
    five_g = board(engine, technology="5G")
    # Without site 2 (4G): permitted stays 10, 10, 20 → median 10; planned 10, 10, 20, 30, 40.
    durations = five_g.durations.set_index("stage")
    assert durations.loc["permitted", "median"] == 10
    assert durations.loc["planned", "observed"] == 5
    assert five_g.funnel["sites"].tolist() == [0, 0, 1, 0, 1, 0, 2, 2]
    four_g = board(engine, technology="4G")
    assert four_g.funnel["sites"].tolist() == [0, 0, 0, 0, 0, 0, 1, 0]
    assert four_g.headline.sites == 1
    # Coverage is about 5G whatever the filter: A's centre, the same forecasts.
    assert four_g.headline.centres_covered == 1 and four_g.headline.will_miss == 3
    assert four_g.forecasts[D].middle == date(2026, 5, 19)
    assert by_unit(four_g.units)[A]["sites"] == 1  # the 4G site only


# --- forecasts and the will-miss list ----------------------------------------------------------


def test_the_forecasts(engine: Engine) -> None:
    units = by_unit(board(engine).units)
    # D: site 5 six days into permitted (since 25/03). Middle: (15 − 6) + 20 + 10 + 10 = 49
    # days; low: (10 − 6) + 20 + 10 + 10 = 44; high: (20 − 6) + 22.5 + 12.5 + 10 = 59.
    d = units[D]
    assert (d["forecast_low"], d["forecast_middle"], d["forecast_high"]) == (
        date(2026, 5, 14),
        date(2026, 5, 19),
        date(2026, 5, 29),
    )
    assert (d["stage"], d["since"], d["why_none"], d["will_miss"]) == (
        "permitted",
        date(2026, 3, 25),
        None,
        False,
    )
    # B: built for 44 days (more than any built stay): only integrated's 10 days are left.
    assert units[B]["forecast_middle"] == date(2026, 4, 10)
    assert not units[B]["centre_covered"] and not units[B]["will_miss"]
    assert units[A]["centre_covered"] and units[A]["forecast_middle"] is None
    assert units[E]["why_none"] == NoForecast.NO_SITE.value
    assert units[C]["why_none"] == NoForecast.ALL_BLOCKED.value


def test_the_will_miss_list_puts_the_longest_stuck_first(engine: Engine) -> None:
    missing = board(engine).will_miss
    assert missing["unit_code"].tolist() == [C, F, E]
    # C blocked since 01/10/2025: 181 days; F since 01/02/2026: 58; E has no site at all.
    assert missing["days_stuck"].tolist()[:2] == [181, 58]
    assert pd.isna(missing["days_stuck"].iloc[2])
    assert missing["stage"].tolist()[:2] == ["blocked", "blocked"]
    assert missing["why_none"].tolist() == ["all_blocked", "all_blocked", "no_site"]


def test_every_unit_without_a_filter(engine: Engine) -> None:
    head = infra_board(engine, InfraFilters(as_of=AS_OF)).headline
    # The registry's 102 units: A covered, B and D have a date, the 99 others will miss.
    assert (head.units, head.centres_covered, head.will_miss) == (102, 1, 99)
    assert head.baseline_pct == pytest.approx(100 / 102)


# --- the operator filter -----------------------------------------------------------------------


def test_the_operator_filter_decides_which_sites_count(engine: Engine) -> None:
    viettel = board(engine, operator="Viettel")
    head = viettel.headline
    # Viettel's sites 1, 4 and 6: A covered; B, D and F have no Viettel centre site.
    assert (head.sites, head.on_air, head.blocked, head.centres_covered) == (3, 2, 1, 1)
    assert head.baseline_pct == 0.0  # B's centre site on 01/07/2025 is VNPT's
    assert head.will_miss == 5
    assert by_unit(viettel.units)[B]["why_none"] == NoForecast.NO_SITE.value
    assert head.population_5g_pct == pytest.approx(100 * 89966 / 249980)  # sites 1 and 6


def test_with_an_operator_the_forecast_uses_that_operators_durations(engine: Engine) -> None:
    vnpt = board(engine, operator="VNPT")
    # VNPT's sites 2 and 3: integrated 20 and 10 days → quartiles 12.5 / 15 / 17.5; B's site 3,
    # 44 days into built, has only integrated ahead.
    b = vnpt.forecasts[B]
    assert (b.low, b.middle, b.high) == (date(2026, 4, 13), date(2026, 4, 15), date(2026, 4, 18))
    assert vnpt.headline.sites == 2


# --- the lists ---------------------------------------------------------------------------------


def test_the_blocked_sites_longest_first(engine: Engine) -> None:
    shown = board(engine)
    blocked = shown.slowest_blocked
    assert blocked["unit_code"].tolist() == [C, F]
    assert blocked["days"].tolist() == [181, 58]
    assert blocked["reason"].tolist() == [NO_POWER, OBJECTION]
    assert blocked["since"].tolist() == [date(2025, 10, 1), date(2026, 2, 1)]
    assert shown.blocked_total == 2


def test_the_regressions_and_whether_they_still_hold(engine: Engine) -> None:
    found = board(engine).regressions
    # Newest first: site 3 on air → built (not on air since); site 6 on air → integrated,
    # on air again on 20/01/2026.
    assert found["site_id"].tolist() == [3, 6]
    assert found["changed_at"].tolist() == [date(2026, 2, 15), date(2026, 1, 10)]
    assert found["from_stage"].tolist() == ["on_air", "on_air"]
    assert found["to_stage"].tolist() == ["built", "integrated"]
    assert found["note"].tolist() == [MAST_DOWN, LINK_LOST]
    assert found["regressed_now"].tolist() == [True, False]
    assert found["unit_code"].tolist() == [B, D]
    # On 15/01/2026 site 6 had not been back on air yet, and site 3 had not fallen.
    earlier = board(engine, date(2026, 1, 15))
    assert earlier.regressions["site_id"].tolist() == [6]
    assert earlier.regressions["regressed_now"].tolist() == [True]
    assert earlier.headline.regressed_now == 1


def test_the_stage_filter_narrows_the_site_list_only(engine: Engine) -> None:
    shown = board(engine, stage="blocked")
    assert shown.sites["site_id"].tolist() == [4, 7]
    assert shown.sites["note"].tolist() == [NO_POWER, OBJECTION]
    assert shown.headline.sites == 7 and shown.funnel["sites"].sum() == 7
    assert shown.blocked_total == 2


def test_the_site_list_for_the_map(engine: Engine) -> None:
    sites = board(engine).sites
    assert sites["site_id"].tolist() == [1, 2, 3, 4, 5, 6, 7]  # by unit, then site code
    assert set(sites.columns) >= {"lat", "lon", "stage", "since", "note", "unit_name"}
    row = sites.set_index("site_id").loc[5]
    assert (row["stage"], row["since"], row["note"]) == ("permitted", date(2026, 3, 25), None)


def test_a_site_not_yet_planned_is_not_counted(engine: Engine) -> None:
    early = board(engine, date(2025, 8, 15))
    # Sites 1–4 exist (site 5 from 01/12/2025, 6 from 01/09/2025, 7 from 2026).
    assert early.headline.sites == 4
    assert sorted(early.sites["site_id"]) == [1, 2, 3, 4]
    assert early.headline.centres_covered == 1  # B


def test_the_unchecked_sites_are_listed(engine: Engine) -> None:
    unchecked = board(engine).unchecked
    assert unchecked["site_code"].tolist() == ["VTL-GL-5G-017"]


# --- the unit's block and the filter options ---------------------------------------------------


def test_a_units_block_is_its_row_of_the_board(engine: Engine) -> None:
    block = unit_infra_block(engine, D, AS_OF)
    assert not block.centre_covered
    assert block.forecast.middle == date(2026, 5, 19)  # province durations, as on the page
    assert block.sites["site_id"].tolist() == [5, 6]
    assert block.stage_counts == {
        "planned": 0,
        "site_agreed": 0,
        "permitted": 1,
        "power_ready": 0,
        "built": 0,
        "integrated": 0,
        "on_air": 1,
        "blocked": 0,
    }
    assert block.population_5g_pct == pytest.approx(100.0)
    assert block.regressions["site_id"].tolist() == [6]
    a = unit_infra_block(engine, A, AS_OF)
    assert a.centre_covered and a.forecast.covered
    assert a.fibre_connected_pct == pytest.approx(80.0)


def test_an_unknown_unit_has_no_block(engine: Engine) -> None:
    with pytest.raises(KeyError):
        unit_infra_block(engine, "99999", AS_OF)


def test_the_filter_options(engine: Engine) -> None:
    options = infra_filter_options(engine)
    assert options.operators == ["MobiFone", "VNPT", "Viettel"]
    assert options.technologies == ["4G", "5G"]
    assert options.peer_groups == ["phuong", "xa_lowland", "xa_highland"]
    assert options.first_day == date(2025, 3, 1)  # site 3 planned
    assert options.last_day == date(2026, 3, 25)  # site 5 permitted


# --- an empty store ----------------------------------------------------------------------------


def test_a_store_without_sites_gives_an_empty_board(migrated_engine: Engine) -> None:
    shown = infra_board(migrated_engine, InfraFilters(as_of=AS_OF))
    head = shown.headline
    assert not shown.has_sites
    assert (head.sites, head.on_air, head.blocked, head.regressed_now) == (0, 0, 0, 0)
    assert (head.centres_covered, head.covered_pct, head.baseline_pct) == (0, 0.0, 0.0)
    assert head.population_5g_pct == 0.0
    assert head.fibre_connected_pct is None and head.unchecked == 0
    for frame in (shown.sites, shown.regressions, shown.slowest_blocked, shown.unchecked):
        assert frame.empty
    assert shown.by_operator.empty
    assert shown.funnel["sites"].sum() == 0 and shown.durations["observed"].sum() == 0
    assert shown.coverage["covered"].tolist() == [0] * 9
    # The rule still holds (no site, no date), and the board says there is no data.
    assert head.will_miss == head.units == 102
    options = infra_filter_options(migrated_engine)
    assert options.operators == [] and options.technologies == []
    assert options.last_day >= options.first_day


def test_a_store_without_units_gives_an_empty_board(empty_engine: Engine) -> None:
    from data.migrate import upgrade_to_head

    upgrade_to_head(empty_engine)
    shown = infra_board(empty_engine, InfraFilters(as_of=AS_OF))
    head = shown.headline
    assert (head.units, head.covered_pct, head.glide_pct, head.gap_pts) == (0, None, None, None)
    assert head.population_5g_pct is None and head.will_miss == 0
    assert shown.units.empty and shown.will_miss.empty and shown.glide_to_target.empty
    assert shown.forecasts == {}
    assert infra_filter_options(empty_engine).peer_groups == []
