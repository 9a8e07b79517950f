"""Heat-map views over a scorecard, checked on a four-unit card worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.api import rank_denominators
from metrics.views import bottom_units, kpis, map_view, most_improved, peer_comparison, top_units


def card(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[
            "unit_code",
            "peer_group",
            "composite",
            "band",
            "delta",
            "pillar.gov",
            "pillar_band.gov",
        ],
    )
    return frame.assign(
        name=frame["unit_code"],
        full_name="Xã " + frame["unit_code"],
        reported=5,
        expected=5,
        coverage=1.0,
        rank_delta=frame["delta"].rank(ascending=False, method="min"),
        rank_level=frame["composite"]
        .where(frame["band"] != "grey")
        .rank(ascending=False, method="min"),
        rank_peer=1.0,
    )


NOW = card(
    [
        ("A", "phuong", 90.0, "green", 2.0, 95.0, "green"),
        ("B", "xa_highland", 70.0, "yellow", 6.0, 40.0, "red"),
        ("C", "xa_highland", 60.0, "red", -1.0, 70.0, "yellow"),
        ("D", "xa_highland", 85.0, "grey", None, 90.0, "green"),
    ]
)
BEFORE = card(
    [
        ("A", "phuong", 88.0, "green", None, 95.0, "green"),
        ("B", "xa_highland", 64.0, "red", None, 40.0, "red"),
        ("C", "xa_highland", 61.0, "red", None, 70.0, "yellow"),
        ("D", "xa_highland", 50.0, "red", None, 90.0, "green"),
    ]
)


def test_kpis_average_coloured_units_only() -> None:
    # Now: (90 + 70 + 60)/3 = 73.33 (D is grey). Before: (88 + 64 + 61 + 50)/4 = 65.75.
    summary = kpis(map_view(NOW), map_view(BEFORE))
    assert summary.average == pytest.approx(73.3333, abs=1e-3)
    assert summary.average_change == pytest.approx(73.3333 - 65.75, abs=1e-3)
    assert summary.bands == {"green": 1, "yellow": 1, "red": 1, "grey": 1}
    # Before: green 1, yellow 0, red 3, grey 0.
    assert summary.band_changes == {"green": 0, "yellow": 1, "red": -2, "grey": 1}


def test_map_by_pillar_keeps_grey_units_grey() -> None:
    view = map_view(NOW, pillar="gov").set_index("unit_code")
    assert view.loc["B", "band"] == "red" and view.loc["B", "score"] == 40.0
    assert view.loc["D", "band"] == "grey"  # not enough data overall: no pillar colour either


def test_peer_group_filter_fades_others_and_ranks_within_group() -> None:
    view = map_view(NOW, peer_group="xa_highland").set_index("unit_code")
    assert not view.loc["A", "in_view"] and view.loc["B", "in_view"]


def test_top_bottom_and_most_improved() -> None:
    view = map_view(NOW)
    assert list(top_units(view, 2)["unit_code"]) == ["A", "B"]  # D is grey: left out
    assert list(bottom_units(view, 2)["unit_code"]) == ["C", "B"]
    assert list(most_improved(view, 3)["unit_code"]) == ["B", "A", "C"]  # +6, +2, −1


def test_peer_comparison_uses_medians_of_coloured_units() -> None:
    # B's peers (xa_highland, not grey): B 70 and C 60 → median 65; province: 90, 70, 60 → 70.
    frame = peer_comparison(NOW, "B", ["gov"]).set_index("key")
    assert frame.loc["composite", "peer_median"] == pytest.approx(65)
    assert frame.loc["composite", "province_median"] == pytest.approx(70)
    assert frame.loc["gov", "unit"] == 40.0


def test_kpis_follow_the_pillar_filter() -> None:
    # Pillar "gov": A 95 green, B 40 red, C 70 yellow, D grey overall (stays grey).
    # Average of the coloured units' pillar scores: (95 + 40 + 70)/3 = 68.33; before the same.
    summary = kpis(map_view(NOW, pillar="gov"), map_view(BEFORE, pillar="gov"))
    assert summary.bands == {"green": 1, "yellow": 1, "red": 1, "grey": 1}
    assert summary.average == pytest.approx(205 / 3)
    # Before: D was red overall, so its pillar band (green) counts: green 2, yellow 1, red 1.
    assert summary.band_changes == {"green": -1, "yellow": 0, "red": 0, "grey": 1}
    overall = kpis(map_view(NOW), None)
    assert overall.bands["red"] == 1 and overall.average == pytest.approx(220 / 3)


def test_kpis_follow_the_peer_group_filter() -> None:
    # xa_highland: B yellow 70, C red 60, D grey → 3 units, 2 rated, average 65.
    summary = kpis(map_view(NOW, peer_group="xa_highland"), None)
    assert summary.units_in_view == 3 and summary.units_rated == 2
    assert summary.bands == {"green": 0, "yellow": 1, "red": 1, "grey": 1}
    assert summary.average == pytest.approx(65.0)
    assert summary.band_changes == {}  # no previous month given


def test_ranks_carry_their_denominator() -> None:
    # Overall: A 90, B 70, C 60 ranked (D grey) → 1/3, 2/3, 3/3.
    view = map_view(NOW).set_index("unit_code")
    assert view["rank"].dropna().to_dict() == {"A": 1, "B": 2, "C": 3}
    assert pd.isna(view.loc["D", "rank"]) and set(view["rank_of"]) == {3}
    # Within xa_highland: B 70 → 1/2, C 60 → 2/2; A is outside the group and not ranked.
    group = map_view(NOW, peer_group="xa_highland").set_index("unit_code")
    assert group.loc["B", "rank"] == 1 and group.loc["C", "rank"] == 2
    assert pd.isna(group.loc["A", "rank"]) and set(group["rank_of"]) == {2}
    # By pillar "gov": A 95, C 70, B 40 → B is third of three.
    pillar = map_view(NOW, pillar="gov").set_index("unit_code")
    assert pillar.loc["B", "rank"] == 3 and pillar.loc["C", "rank"] == 2


def test_rank_denominators_count_ranked_units_per_group() -> None:
    # Ranked: A (phuong), B and C (xa_highland); D is grey and unranked.
    frame = rank_denominators(NOW).set_index("unit_code")
    assert set(frame["rank_level_of"]) == {3}
    assert frame["rank_peer_of"].to_dict() == {"A": 1, "B": 2, "C": 2, "D": 2}


def test_pages_open_on_the_newest_month_whose_reports_are_in() -> None:
    from datetime import date

    from metrics.api import REPORTING_WINDOW_DAYS, default_period

    periods = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert REPORTING_WINDOW_DAYS == 10
    # November ends on 30/11; its window closes after 10/12. On 02/12 and on 10/12 October is
    # the newest closed month; on 11/12 November is.
    assert default_period(periods, date(2026, 12, 2)) == date(2026, 10, 1)
    assert default_period(periods, date(2026, 12, 10)) == date(2026, 10, 1)
    assert default_period(periods, date(2026, 12, 11)) == date(2026, 11, 1)
    # Nothing closed yet (a first month): the newest is shown.
    assert default_period(periods[:1], date(2026, 10, 3)) == date(2026, 9, 1)
    assert default_period([], date(2026, 10, 3)) is None
