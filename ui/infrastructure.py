"""Tables, cards, the chart and the site map of the infrastructure page and the dossier's
infrastructure block, in the reader's language. Every figure comes from the one rollout
computation (``metrics.infra_board`` over ``metrics.site_pipeline``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from common.site_stages import BLOCKED, SITE_STATES
from geo.maps import base_map
from geo.site_map import STAGE_COLOURS, site_layer
from metrics.infra_board import InfraFilters, InfraHeadline, UnitInfraBlock
from metrics.site_pipeline import TARGET_DAY, UnitForecast
from ui.export import NumberFormat, Words, chosen_filter_pairs
from ui.loaders import load_boundaries, map_geometry_url, map_tile_url
from ui.tasks import COUNT, SHARE, TaskTable

INFRASTRUCTURE_PAGE = "app_pages/infrastructure.py"  # where the dossier's block links to
DAYS = NumberFormat(0)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _day(value: Any) -> date | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else None


def _whole(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _share(value: Any) -> float | None:
    return None if _missing(value) else round(float(value), 1)


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def stage_text(stage: Any, words: Words) -> str:
    """A stage in words ("Đang phát sóng"); empty for none."""
    return "" if _missing(stage) else words.t(f"infrastructure.stage.{stage}")


def yes_no(value: Any, words: Words) -> str:
    return words.t("common.yes") if bool(value) else words.t("common.no")


def share_text(value: float | None, words: Words) -> str:
    return "–" if _missing(value) else f"{words.num(value, 1)}%"


def points_text(value: float | None, words: Words) -> str:
    """A gap in percentage points with its sign: "+3,2" or "−4,0"."""
    if _missing(value):
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{words.num(abs(float(value)), 1)}"


def why_none_text(why: Any, words: Words) -> str:
    return "" if _missing(why) else words.t(f"infrastructure.why_none.{why}")


# --- the headline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InfraCard:
    label: str
    value: str
    help: str
    delta: str | None = None


def headline_cards(headline: InfraHeadline, words: Words) -> list[InfraCard]:
    """What a Committee member asks first: how many centres have 5G against the glide path,
    how many will miss 2030, and the pipeline, population and fibre behind it."""
    h = words.t
    return [
        InfraCard(
            h("infrastructure.card.centres"),
            h(
                "infrastructure.card.centres_value",
                covered=words.num(headline.centres_covered),
                units=words.num(headline.units),
            ),
            h("infrastructure.card.centres_help"),
            share_text(headline.covered_pct, words),
        ),
        InfraCard(
            h("infrastructure.card.glide"),
            share_text(headline.glide_pct, words),
            h(
                "infrastructure.card.glide_help",
                baseline=share_text(headline.baseline_pct, words),
                target=words.day(TARGET_DAY),
            ),
            h("infrastructure.card.gap", gap=points_text(headline.gap_pts, words)),
        ),
        InfraCard(
            h("infrastructure.card.will_miss"),
            words.num(headline.will_miss),
            h("infrastructure.card.will_miss_help"),
        ),
        InfraCard(
            h("infrastructure.card.sites"),
            h(
                "infrastructure.card.sites_value",
                on_air=words.num(headline.on_air),
                sites=words.num(headline.sites),
            ),
            h("infrastructure.card.sites_help"),
            h(
                "infrastructure.card.blocked",
                blocked=words.num(headline.blocked),
                regressed=words.num(headline.regressed_now),
            ),
        ),
        InfraCard(
            h("infrastructure.card.population"),
            share_text(headline.population_5g_pct, words),
            h("infrastructure.card.population_help"),
        ),
        InfraCard(
            h("infrastructure.card.fibre"),
            share_text(headline.fibre_connected_pct, words),
            h("infrastructure.card.fibre_help"),
            h(
                "infrastructure.card.fibre_passed",
                share=share_text(headline.fibre_passed_pct, words),
            ),
        ),
    ]


CARDS_PER_ROW = 3  # six in one row cut "77 / 102" at 1366 px


def show_headline_cards(cards: Sequence[InfraCard]) -> None:
    for start in range(0, len(cards), CARDS_PER_ROW):
        row = cards[start : start + CARDS_PER_ROW]
        for column, card in zip(st.columns(CARDS_PER_ROW), row, strict=False):
            column.metric(
                card.label,
                card.value,
                card.delta,
                help=card.help,
                border=True,
                delta_color="off",
                delta_arrow="off",
            )


# --- the tables: typed frames, headed in one language ------------------------------------------


def coverage_table(coverage: pd.DataFrame, words: Words) -> TaskTable:
    """Month by month: centres with 5G, their share, and the glide path's share that month."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.month"): [words.month(m) for m in coverage["month"]],
            h("infrastructure.col.covered"): [_whole(v) for v in coverage["covered"]],
            h("infrastructure.col.units"): [_whole(v) for v in coverage["units"]],
            h("infrastructure.col.covered_pct"): [_share(v) for v in coverage["covered_pct"]],
            h("infrastructure.col.glide_pct"): [_share(v) for v in coverage["glide_pct"]],
            h("infrastructure.col.gap"): [_share(v) for v in coverage["gap_pts"]],
        }
    )
    return TaskTable(
        frame,
        formats={
            h("infrastructure.col.covered"): COUNT,
            h("infrastructure.col.units"): COUNT,
            h("infrastructure.col.covered_pct"): SHARE,
            h("infrastructure.col.glide_pct"): SHARE,
            h("infrastructure.col.gap"): NumberFormat(1),
        },
        shares=(h("infrastructure.col.covered_pct"), h("infrastructure.col.glide_pct")),
    )


def coverage_figure(coverage: pd.DataFrame, glide: pd.DataFrame, words: Words) -> alt.LayerChart:
    """The covered share month by month against the straight glide path to 100 % in 2030."""
    h = words.t
    covered = pd.DataFrame(
        {
            "day": pd.to_datetime(coverage["month"]),
            "share": coverage["covered_pct"].astype(float),
            "series": h("infrastructure.chart.covered"),
        }
    )
    path = pd.DataFrame(
        {
            "day": pd.to_datetime(glide["day"]),
            "share": glide["glide_pct"].astype(float),
            "series": h("infrastructure.chart.glide"),
        }
    )
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(
            domain=[h("infrastructure.chart.covered"), h("infrastructure.chart.glide")],
            range=["#2e9d5b", "#6e737a"],
        ),
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X("day:T", title=None, axis=alt.Axis(format="%m/%Y"))
    y = alt.Y("share:Q", title=h("infrastructure.chart.share"), scale=alt.Scale(domain=[0, 100]))
    line = (
        alt.Chart(covered)
        .mark_line(point=True)
        .encode(x=x, y=y, color=colour, tooltip=[alt.Tooltip("share:Q", format=",.1f")])
    )
    dashed = alt.Chart(path).mark_line(strokeDash=[6, 4]).encode(x=x, y=y, color=colour)
    return alt.layer(dashed, line).properties(height=260)


def unit_table(units: pd.DataFrame, words: Words) -> TaskTable:
    """Every unit: its centre's 5G, the forecast range, the stage it waits in, population and
    fibre coverage. A row opens the unit's dossier."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.unit"): units["unit_name"].astype(str).tolist(),
            h("infrastructure.col.centre"): [
                centre_text(bool(c), bool(m), words)
                for c, m in zip(units["centre_covered"], units["will_miss"], strict=True)
            ],
            h("infrastructure.col.forecast"): [_day(v) for v in units["forecast_middle"]],
            h("infrastructure.col.forecast_range"): [
                forecast_range_text(_day(lo), _day(hi), words)
                for lo, hi in zip(units["forecast_low"], units["forecast_high"], strict=True)
            ],
            h("infrastructure.col.stage"): [stage_text(s, words) for s in units["stage"]],
            h("infrastructure.col.since"): [_day(v) for v in units["since"]],
            h("infrastructure.col.why_none"): [why_none_text(w, words) for w in units["why_none"]],
            h("infrastructure.col.sites_on_air"): [_whole(v) for v in units["sites_on_air"]],
            h("infrastructure.col.sites"): [_whole(v) for v in units["sites"]],
            h("infrastructure.col.population_5g"): [_share(v) for v in units["population_5g_pct"]],
            h("infrastructure.col.fibre_connected"): [
                _share(v) for v in units["fibre_connected_pct"]
            ],
            h("infrastructure.col.fibre_passed"): [_share(v) for v in units["fibre_passed_pct"]],
            h("infrastructure.col.households"): [_whole(v) for v in units["households"]],
        }
    )
    shares = ("population_5g", "fibre_connected", "fibre_passed")
    counts = ("sites_on_air", "sites", "households")
    return TaskTable(
        frame,
        formats={
            **{h(f"infrastructure.col.{c}"): SHARE for c in shares},
            **{h(f"infrastructure.col.{c}"): COUNT for c in counts},
        },
        dates=(h("infrastructure.col.forecast"), h("infrastructure.col.since")),
        shares=tuple(h(f"infrastructure.col.{c}") for c in shares),
    )


def centre_text(covered: bool, will_miss: bool, words: Words) -> str:
    if covered:
        return words.t("infrastructure.centre.covered")
    return words.t(
        "infrastructure.centre.will_miss" if will_miss else "infrastructure.centre.waiting"
    )


def location_text(lat: Any, lon: Any, words: Words) -> str:
    """ "12,6099; 108,8410" — empty when the file gave no location."""
    if _missing(lat) or _missing(lon):
        return ""
    return f"{words.num(float(lat), 4)}; {words.num(float(lon), 4)}"


def forecast_range_text(low: date | None, high: date | None, words: Words) -> str:
    if low is None or high is None:
        return ""
    return words.t("infrastructure.range", low=words.day(low), high=words.day(high))


def will_miss_table(will_miss: pd.DataFrame, words: Words) -> TaskTable:
    """The units that will miss 2030 unless something changes: where they are stuck, since
    when, and why there is no date (or the date after the target)."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.unit"): will_miss["unit_name"].astype(str).tolist(),
            h("infrastructure.col.stage"): [stage_text(s, words) for s in will_miss["stage"]],
            h("infrastructure.col.since"): [_day(v) for v in will_miss["since"]],
            h("infrastructure.col.days_stuck"): [_whole(v) for v in will_miss["days_stuck"]],
            h("infrastructure.col.why"): [
                why_none_text(w, words)
                if not _missing(w)
                else h("infrastructure.why_none.after_target", date=words.day(_day(m)))
                for w, m in zip(will_miss["why_none"], will_miss["forecast_middle"], strict=True)
            ],
        }
    )
    return TaskTable(
        frame,
        formats={h("infrastructure.col.days_stuck"): DAYS},
        dates=(h("infrastructure.col.since"),),
    )


def funnel_table(funnel: pd.DataFrame, words: Words) -> TaskTable:
    """Sites by the stage they are in now, and how many have reached each stage or beyond."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.stage"): [stage_text(s, words) for s in funnel["stage"]],
            h("infrastructure.col.in_stage"): [_whole(v) for v in funnel["sites"]],
            h("infrastructure.col.reached"): pd.array(
                [
                    None if s == BLOCKED else _whole(r)
                    for s, r in zip(funnel["stage"], funnel["reached"], strict=True)
                ],
                dtype="Int64",
            ),
            h("infrastructure.col.reached_pct"): [_share(v) for v in funnel["reached_pct"]],
        }
    )
    return TaskTable(
        frame,
        formats={
            h("infrastructure.col.in_stage"): COUNT,
            h("infrastructure.col.reached"): COUNT,
            h("infrastructure.col.reached_pct"): SHARE,
        },
        shares=(h("infrastructure.col.reached_pct"),),
    )


def operator_table(by_operator: pd.DataFrame, words: Words) -> TaskTable:
    """Operators (rows) × stages (columns): how many sites each has in each stage."""
    h = words.t
    stages = [s for s in SITE_STATES]
    pivot = (
        by_operator.pivot_table(
            index="operator", columns="stage", values="sites", aggfunc="sum", fill_value=0
        ).reindex(columns=stages, fill_value=0)
        if len(by_operator)
        else pd.DataFrame(columns=stages)
    )
    frame = pd.DataFrame({h("infrastructure.col.operator"): pivot.index.astype(str).tolist()})
    for stage in stages:
        frame[stage_text(stage, words)] = [int(v) for v in pivot[stage]]
    frame[h("infrastructure.col.total")] = [int(v) for v in pivot.sum(axis=1)]
    counts = [stage_text(s, words) for s in stages] + [h("infrastructure.col.total")]
    return TaskTable(frame, formats=dict.fromkeys(counts, COUNT))


def durations_table(durations: pd.DataFrame, words: Words) -> TaskTable:
    """Days a stage takes, as observed: median and the middle half of the sites."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.stage"): [stage_text(s, words) for s in durations["stage"]],
            h("infrastructure.col.observed"): [_whole(v) for v in durations["observed"]],
            h("infrastructure.col.median_days"): [_share(v) for v in durations["median"]],
            h("infrastructure.col.low_days"): [_share(v) for v in durations["low"]],
            h("infrastructure.col.high_days"): [_share(v) for v in durations["high"]],
        }
    )
    days = ("median_days", "low_days", "high_days")
    return TaskTable(
        frame,
        formats={
            h("infrastructure.col.observed"): COUNT,
            **{h(f"infrastructure.col.{c}"): NumberFormat(1) for c in days},
        },
    )


def blocked_table(blocked: pd.DataFrame, words: Words) -> TaskTable:
    """The sites blocked now, longest first, each with its reason."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.site"): blocked["site_code"].astype(str).tolist(),
            h("infrastructure.col.unit"): blocked["unit_name"].astype(str).tolist(),
            h("infrastructure.col.operator"): blocked["operator"].astype(str).tolist(),
            h("infrastructure.col.technology"): blocked["technology"].astype(str).tolist(),
            h("infrastructure.col.serves_centre"): [
                yes_no(v, words) for v in blocked["serves_centre"]
            ],
            h("infrastructure.col.blocked_since"): [_day(v) for v in blocked["since"]],
            h("infrastructure.col.days"): [_whole(v) for v in blocked["days"]],
            h("infrastructure.col.reason"): [_text(v) for v in blocked["reason"]],
        }
    )
    return TaskTable(
        frame,
        formats={h("infrastructure.col.days"): DAYS},
        dates=(h("infrastructure.col.blocked_since"),),
    )


def regression_table(regressions: pd.DataFrame, words: Words) -> TaskTable:
    """Every move back along the pipeline with its reason, and whether the site is still back."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.site"): regressions["site_code"].astype(str).tolist(),
            h("infrastructure.col.unit"): regressions["unit_name"].astype(str).tolist(),
            h("infrastructure.col.operator"): regressions["operator"].astype(str).tolist(),
            h("infrastructure.col.changed_at"): [_day(v) for v in regressions["changed_at"]],
            h("infrastructure.col.from_stage"): [
                stage_text(s, words) for s in regressions["from_stage"]
            ],
            h("infrastructure.col.to_stage"): [
                stage_text(s, words) for s in regressions["to_stage"]
            ],
            h("infrastructure.col.reason"): [_text(v) for v in regressions["note"]],
            h("infrastructure.col.regressed_now"): [
                yes_no(v, words) for v in regressions["regressed_now"]
            ],
        }
    )
    return TaskTable(frame, dates=(h("infrastructure.col.changed_at"),))


def unchecked_table(unchecked: pd.DataFrame, words: Words) -> TaskTable:
    """Imported sites no unit could be given: why, what the file said and where the point is."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.site"): unchecked["site_code"].astype(str).tolist(),
            h("infrastructure.col.check_reason"): [
                h(f"infrastructure.unchecked_reason.{r}") for r in unchecked["reason"]
            ],
            h("infrastructure.col.stated_unit"): [_text(v) for v in unchecked["stated_unit"]],
            h("infrastructure.col.located_unit"): [_text(v) for v in unchecked["located_unit"]],
            h("infrastructure.col.operator"): unchecked["operator"].astype(str).tolist(),
            h("infrastructure.col.technology"): unchecked["technology"].astype(str).tolist(),
            h("infrastructure.col.location"): [
                location_text(lat, lon, words)
                for lat, lon in zip(unchecked["lat"], unchecked["lon"], strict=True)
            ],
            h("infrastructure.col.stage"): [stage_text(s, words) for s in unchecked["status"]],
            h("infrastructure.col.received_at"): [_day(v) for v in unchecked["received_at"]],
        }
    )
    return TaskTable(frame, dates=(h("infrastructure.col.received_at"),))


def site_table(sites: pd.DataFrame, words: Words) -> TaskTable:
    """The sites under the filters: code, unit, operator, stage and since when."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("infrastructure.col.site"): sites["site_code"].astype(str).tolist(),
            h("infrastructure.col.unit"): sites["unit_name"].astype(str).tolist(),
            h("infrastructure.col.operator"): sites["operator"].astype(str).tolist(),
            h("infrastructure.col.technology"): sites["technology"].astype(str).tolist(),
            h("infrastructure.col.serves_centre"): [
                yes_no(v, words) for v in sites["serves_centre"]
            ],
            h("infrastructure.col.stage"): [stage_text(s, words) for s in sites["stage"]],
            h("infrastructure.col.since"): [_day(v) for v in sites["since"]],
            h("infrastructure.col.note"): [_text(v) for v in sites["note"]],
        }
    )
    return TaskTable(frame, dates=(h("infrastructure.col.since"),))


# --- filters and exports ------------------------------------------------------------------------


def stage_labels(words: Words) -> dict[str, str]:
    return {stage: stage_text(stage, words) for stage in SITE_STATES}


def filter_lines(
    filters: InfraFilters,
    *,
    units: Mapping[str, str],
    peer_groups: Mapping[str, str],
    words: Words,
) -> list[tuple[str, str]]:
    """The active filters as (name, value) pairs for an export's title block: the day judged
    always, the others when chosen."""
    h = words.t
    judged = h("tasks.end_of_day", date=words.day(filters.as_of))
    pairs = [(h("infrastructure.filter.as_of"), judged)]
    unit = filters.unit_codes[0] if filters.unit_codes else None
    chosen: tuple[tuple[str, object, Mapping[str, str]], ...] = (
        ("infrastructure.filter.operator", filters.operator, {}),
        ("infrastructure.filter.technology", filters.technology, {}),
        ("infrastructure.filter.peer_group", filters.peer_group, peer_groups),
        ("infrastructure.filter.unit", unit, units),
        ("infrastructure.filter.stage", filters.stage, stage_labels(words)),
    )
    return pairs + chosen_filter_pairs(chosen, words)


# --- the site map -------------------------------------------------------------------------------


def site_tooltip(row: pd.Series, words: Words) -> str:
    """One site in a line: code, operator and technology, stage and since when."""
    return words.t(
        "infrastructure.map_hover",
        site=_text(row["site_code"]),
        unit=_text(row["unit_name"]),
        operator=_text(row["operator"]),
        technology=_text(row["technology"]),
        stage=stage_text(row["stage"], words),
        since=words.day(_day(row["since"])),
    )


def stage_legend(words: Words) -> str:
    """The stage colours in words, as Markdown with coloured squares."""
    items = [
        f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{fill};'
        f'border:1px solid {line};vertical-align:middle"></span> {stage_text(stage, words)}'
        for stage, (fill, line) in STAGE_COLOURS.items()
    ]
    return " &nbsp; ".join(items)


def show_site_map(sites: pd.DataFrame, words: Words) -> None:
    """The sites by stage over the units' outlines on the heat map's base map (offline: the
    geometry comes from ./static like the heat map's). Display only: a pan or zoom does not
    rerun the page. Without boundaries it says so in words."""
    boundaries = load_boundaries()
    geometry_url = map_geometry_url(boundaries.geojson) if boundaries.geojson else None
    located = int(sites[["lat", "lon"]].notna().all(axis=1).sum()) if len(sites) else 0
    summary = words.t("infrastructure.map_summary", n=words.num(located))
    if boundaries.geojson is None or geometry_url is None:
        st.caption(summary)
        st.caption(words.t("infrastructure.map_no_boundaries"))
        return
    layer = site_layer(
        sites,
        boundaries.geojson,
        geometry_url=geometry_url,
        describe=lambda row: site_tooltip(row, words),
        unit_label=words.t("infrastructure.col.unit"),
        failure_text=words.t("home.map_geometry_error"),
    )
    st_folium(
        base_map(boundaries.geojson, tile_url=map_tile_url()),
        feature_group_to_add=layer,
        render=False,
        key="site_map",
        height=520,
        use_container_width=True,
        returned_objects=[],
    )
    st.markdown(stage_legend(words), unsafe_allow_html=True)
    st.caption(summary + " " + words.t("infrastructure.map_legend"))


# --- the dossier's block ------------------------------------------------------------------------


def forecast_text(forecast: UnitForecast, words: Words) -> str:
    """The unit's centre in one sentence: has 5G, the forecast range, or why there is none."""
    h = words.t
    if forecast.covered:
        return h("infrastructure.block.covered")
    if forecast.middle is not None:
        late = forecast.will_miss
        key = "infrastructure.block.forecast_late" if late else "infrastructure.block.forecast"
        return h(
            key,
            middle=words.day(forecast.middle),
            low=words.day(forecast.low),
            high=words.day(forecast.high),
            stage=stage_text(forecast.stage, words),
            since=words.day(forecast.since),
        )
    if forecast.stage == BLOCKED and forecast.since is not None:
        return h(
            "infrastructure.block.no_forecast_blocked",
            why=why_none_text(forecast.why_none, words),
            since=words.day(forecast.since),
        )
    return h(
        "infrastructure.block.no_forecast",
        why=why_none_text(forecast.why_none, words),
        stage=stage_text(forecast.stage, words) or "–",
        since=words.day(forecast.since) if forecast.since else "–",
    )


def block_cards(block: UnitInfraBlock, words: Words) -> list[InfraCard]:
    h = words.t
    counts = block.stage_counts
    return [
        InfraCard(
            h("infrastructure.block.sites_on_air"),
            h(
                "infrastructure.card.sites_value",
                on_air=words.num(int(counts.get("on_air", 0))),
                sites=words.num(int(sum(counts.values()))),
            ),
            h("infrastructure.card.sites_help"),
            h("infrastructure.block.blocked", n=words.num(int(counts.get(BLOCKED, 0)))),
        ),
        InfraCard(
            h("infrastructure.card.population"),
            share_text(block.population_5g_pct, words),
            h("infrastructure.card.population_help"),
        ),
        InfraCard(
            h("infrastructure.card.fibre"),
            share_text(block.fibre_connected_pct, words),
            h("infrastructure.card.fibre_help"),
            h("infrastructure.card.fibre_passed", share=share_text(block.fibre_passed_pct, words)),
        ),
    ]
