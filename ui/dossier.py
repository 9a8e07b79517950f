"""Tables and charts of the unit dossier, in the reader's language."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from common.spreadsheet import neutralise_formulas
from data.db import get_engine
from geo.palette import BAND_STYLES
from metrics.api import unit_revisions
from metrics.bands import Band
from metrics.catalog import Catalog
from metrics.explain import DISPLAY_DECIMALS, display_decimals
from ui.export import Words
from ui.feedback import (
    FEEDBACK_PAGE,
    case_list_table,
    instant_text,
    measure_cards,
    show_measure_cards,
    show_state_cards,
    state_cards,
)
from ui.heatmap import signed
from ui.infrastructure import (
    INFRASTRUCTURE_PAGE,
    block_cards,
    forecast_text,
    regression_table,
    show_headline_cards,
)
from ui.loaders import (
    load_feedback_options,
    load_infra_options,
    load_task_options,
    load_unit_feedback_block,
    load_unit_infra_block,
    load_unit_task_block,
    load_units,
    page_loader,
)
from ui.tasks import (
    LATEST,
    TASKS_PAGE,
    as_of_for_period,
    bucket_cards,
    escalation_table,
    overdue_table,
    show_bucket_cards,
    show_table,
)
from ui.text import current_language, day, month, num, t

# One precision table for the dossier and the plans that are checked at it (metrics.explain).
UNIT_DECIMALS = DISPLAY_DECIMALS


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "flag":
        return t("common.yes") if value >= 1 else t("common.no")
    text = num(value, display_decimals(unit))
    return f"{text}%" if unit == "percent" else text


def unit_facts(code: str, unit: pd.Series) -> str:
    """The unit's registry facts on one line (as metrics, a long peer-group name was cut)."""
    facts = (
        (t("dossier.code"), code),
        (t("dossier.peer_group"), t(f"peer_group.{unit['peer_group']}")),
        (t("home.population"), num(unit["population"])),
        (t("dossier.area"), t("unit.km2", value=num(unit["area_km2_official"], 2))),
    )
    return " &nbsp;·&nbsp; ".join(f"{label}: **{value}**" for label, value in facts)


def pillar_column_widths() -> dict[str, Any]:
    """The pillar table shares its row with the trend chart: at 1366 px its last column was cut.
    Widths in pixels that add up to what the row gives it there (≈ 500 px), the longest pillar
    name ("Thể chế số, chỉ đạo điều hành") included."""
    widths = {
        "catalog.col.pillar": 190,
        "dossier.col.score": 66,
        "dossier.col.band": 58,
        "dossier.col.points": 108,
        "dossier.col.weight": 72,
    }
    return {t(key): st.column_config.Column(width=px) for key, px in widths.items()}


def pillar_table(pillars: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    lang = current_language()
    order = [p.key for p in catalog.pillars]
    frame = pillars.set_index("pillar").reindex(order)
    return pd.DataFrame(
        {
            t("catalog.col.pillar"): [catalog.pillar(k).label.in_language(lang) for k in order],
            t("dossier.col.score"): [num(v, 1) for v in frame["score_pct"]],
            t("dossier.col.band"): [t(f"band.{b}") for b in frame["band"].fillna(Band.GREY)],
            t("dossier.col.points"): [
                f"{num(e, 2)} / {num(a, 2)}"
                for e, a in zip(frame["earned"], frame["available"], strict=True)
            ],
            t("dossier.col.weight"): [num(catalog.pillar(k).weight) for k in order],
        }
    )


def indicator_table(indicators: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Indicator → raw value → points → source type and evidence, in catalog order."""
    lang = current_language()
    by_key = indicators.set_index("indicator_key")
    rows = []
    for indicator in catalog.indicators:
        row = by_key.loc[indicator.key] if indicator.key in by_key.index else None
        reported = row is not None and bool(row["reported"])
        applicable = row is None or bool(row["applicable"])
        no_evidence = row is not None and bool(row.get("missing_evidence", False))
        rows.append(
            {
                t("catalog.col.indicator"): indicator.label.in_language(lang),
                t("catalog.col.pillar"): catalog.pillar(indicator.pillar).label.in_language(lang),
                t("dossier.col.value"): format_value(row["value"], indicator.unit)
                if reported
                else (
                    t("dossier.missing_evidence", value=format_value(row["value"], indicator.unit))
                    if no_evidence
                    else (
                        t("dossier.not_applicable") if not applicable else t("dossier.not_reported")
                    )
                ),
                t("dossier.col.target"): format_value(indicator.target, indicator.unit),
                t("dossier.col.points"): (
                    f"{num(row['points'], 2)} / {num(indicator.max_points, 2)}"
                    if reported and indicator.scored
                    else ("–" if indicator.scored else t("rule.tracked"))
                ),
                t("dossier.col.period"): month(row["value_period"]) if reported else "–",
                t("catalog.col.source_type"): t(f"source_type.{row['source_type']}")
                if reported and isinstance(row["source_type"], str)
                else "–",
                t("catalog.col.evidence"): (
                    row["evidence_ref"]
                    if reported and isinstance(row["evidence_ref"], str)
                    else indicator.evidence.in_language(lang)
                ),
                t("dossier.col.reported_at"): day(row["reported_at"])
                if reported and not pd.isna(row["reported_at"])
                else "–",
            }
        )
    return pd.DataFrame(rows)


def trend_chart(history: pd.DataFrame, green: float, yellow: float) -> alt.LayerChart:
    """The composite month by month, each point in its band's colour, thresholds dashed.

    Vega-Lite, not Plotly: Streamlit's Plotly bundle is 4.7 MB, and loading it was the largest
    part of the dossier's page-ready time (≈ 0.5 s of browser CPU); Vega's is about 0.8 MB.
    Figures are formatted here, so tooltips follow the reader's language.
    """
    data = pd.DataFrame(
        {
            "month": [month(p) for p in history["period"]],
            "score": history["composite"],
            "band_key": history["band"],
            "band": history["band"].map(lambda b: t(f"band.{b}")),
            "score_text": history["composite"].map(lambda v: num(v, 1)),
        }
    )
    x = alt.X("month:N", sort=list(data["month"]), title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("dossier.col.score"))
    colours = alt.Scale(
        domain=list(BAND_STYLES), range=[style.fill for style in BAND_STYLES.values()]
    )
    line = alt.Chart(data).mark_line(color="#0b5394").encode(x=x, y=y)
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=130, stroke="#333", strokeWidth=1, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color("band_key:N", scale=colours, legend=None),
            tooltip=[
                alt.Tooltip("month:N", title=t("dossier.col.period")),
                alt.Tooltip("score_text:N", title=t("dossier.col.score")),
                alt.Tooltip("band:N", title=t("dossier.col.band")),
            ],
        )
    )
    thresholds = pd.DataFrame(
        {
            "level": [green, yellow],
            "colour": [BAND_STYLES[Band.GREEN].line, BAND_STYLES[Band.YELLOW].line],
            "label": [t("band.green"), t("band.yellow")],
        }
    )
    rules = (
        alt.Chart(thresholds)
        .mark_rule(strokeDash=[6, 4])
        .encode(y="level:Q", color=alt.Color("colour:N", scale=None))
    )
    labels = (
        alt.Chart(thresholds)
        .mark_text(align="right", dy=-7, fontSize=11)
        .encode(
            y="level:Q",
            x=alt.value("width"),
            text="label:N",
            color=alt.Color("colour:N", scale=None),
        )
    )
    return alt.layer(line, points, rules, labels).properties(height=320)


def peer_table(comparison: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    lang = current_language()
    names = {p.key: p.label.in_language(lang) for p in catalog.pillars}
    names["composite"] = t("dossier.composite")
    return pd.DataFrame(
        {
            t("dossier.col.measure"): comparison["key"].map(names),
            t("dossier.col.unit"): comparison["unit"].map(lambda v: num(v, 1)),
            t("dossier.col.peer_median"): comparison["peer_median"].map(lambda v: num(v, 1)),
            t("dossier.col.province_median"): comparison["province_median"].map(
                lambda v: num(v, 1)
            ),
            t("dossier.col.gap"): (comparison["unit"] - comparison["peer_median"]).map(signed),
        }
    )


# --- the trail of corrected values -------------------------------------------------------------

REVISION_MAX_DECIMALS = 6  # enough for any figure a unit reports; float noise stays hidden


def exact_value(value: float | None, unit: str) -> str:
    """A corrected value with every decimal it has (at least the dossier's own): rounded to the
    dossier's precision, 63,15 → 63,16 would read "63,2 → 63,2"."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or unit == "flag":
        return format_value(value, unit)
    written = f"{value:.{REVISION_MAX_DECIMALS}f}".rstrip("0")
    decimals = max(len(written.split(".")[1]), display_decimals(unit))
    text = num(value, decimals)
    return f"{text}%" if unit == "percent" else text


def _moment(value: Any) -> str:
    """dd/mm/yyyy HH:MM, as the province's documents date a correction."""
    return "–" if pd.isna(value) else f"{day(value)} {value:%H:%M}"


def _text_or_dash(value: Any) -> str:
    return value if isinstance(value, str) and value else "–"


def _evidence_change(old: Any, new: Any) -> str:
    if old == new or (pd.isna(old) and pd.isna(new)):
        return _text_or_dash(new)
    return t("dossier.revisions.change", old=_text_or_dash(old), new=_text_or_dash(new))


def revision_table(revisions: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Each correction of the month: indicator (its name), old → new value and evidence, when,
    by whom, why, and the import batch."""
    lang = current_language()
    by_key = {i.key: i for i in catalog.indicators}
    rows = []
    for revision in revisions.itertuples(index=False):
        indicator = by_key.get(revision.indicator_key)
        unit = indicator.unit if indicator else "count"
        rows.append(
            {
                t("catalog.col.indicator"): (
                    indicator.label.in_language(lang) if indicator else revision.indicator_key
                ),
                t("dossier.revisions.col.change"): t(
                    "dossier.revisions.change",
                    old=exact_value(revision.old_value, unit),
                    new=exact_value(revision.new_value, unit),
                ),
                t("dossier.revisions.col.evidence"): _evidence_change(
                    revision.old_evidence_ref, revision.new_evidence_ref
                ),
                t("dossier.revisions.col.when"): _moment(revision.revised_at),
                t("dossier.revisions.col.by"): revision.revised_by,
                t("dossier.revisions.col.reason"): _text_or_dash(revision.reason),
                t("dossier.revisions.col.batch"): str(int(revision.batch_id)),
            }
        )
    return pd.DataFrame(rows)


@page_loader
def load_unit_revisions(code: str, period: date) -> pd.DataFrame:
    """Not cached: one indexed query of a few rows, and a correction shows at once."""
    return unit_revisions(get_engine(), code, period)


# --- the unit's tasks (the tasks page's board, one unit) --------------------------------------


def task_block(code: str, unit_name: str, period: date) -> None:
    """The unit's task buckets, its overdue tasks and its escalations at the end of ``period``
    (or at the newest day with data while the month runs), from the same board as the tasks
    page, and a link to that page filtered on the unit."""
    words = Words(current_language())
    as_of, as_of_value = as_of_for_period(period, load_task_options())
    block = load_unit_task_block(code, as_of)
    st.subheader(t("tasks.block.title", date=day(as_of)))
    show_bucket_cards(bucket_cards(block.buckets, words))
    left, right = st.columns(2)
    for side, rows, title, none, table in (
        (left, block.overdue, "tasks.block.overdue", "tasks.block.overdue_none", overdue_table),
        (
            right,
            block.escalations,
            "tasks.block.escalations",
            "tasks.block.escalations_none",
            lambda frame, w: escalation_table(frame, as_of, w),
        ),
    ):
        with side:
            st.markdown(f"**{t(title, n=num(len(rows)))}**")
            if rows.empty:
                st.caption(t(none))
            else:
                shown = table(rows, words)
                st.dataframe(
                    neutralise_formulas(shown.frame),
                    hide_index=True,
                    width="stretch",
                    column_config=shown.column_config(),
                )
    link = {"unit": code} if as_of_value == LATEST else {"unit": code, "as_of": as_of_value}
    st.page_link(
        TASKS_PAGE,
        label=t("tasks.block.link", unit=unit_name),
        icon=":material/task_alt:",
        query_params=link,
    )


# --- the unit's feedback (the feedback page's counts, one unit) --------------------------------


def feedback_block(code: str, unit_name: str, period: date) -> None:
    """The unit's feedback at the end of ``period`` (or now, while the month runs) from the same
    stored counts as the feedback page, its oldest open overdue cases now, and a link to that
    page filtered on the unit."""
    words = Words(current_language())
    options = load_feedback_options()
    st.subheader(t("feedback.block.heading"))
    if options.as_of is None or period < options.periods[0]:
        st.caption(t("feedback.block.no_data", period=month(period)))
        return
    chosen = period if period in options.periods[:-1] else None  # None: the newest, now
    block = load_unit_feedback_block(code, chosen)
    st.caption(t("feedback.block.as_of", instant=instant_text(block.as_of, block.is_latest, words)))
    show_state_cards(state_cards(block.headline, words))
    show_measure_cards(measure_cards(block.headline, words))
    count, now = num(len(block.overdue)), words.when(block.data_as_of)
    st.markdown(f"**{t('feedback.block.overdue', n=count, when=now)}**")
    if block.overdue.empty:
        st.caption(t("feedback.block.overdue_none"))
    else:
        units = load_units()
        names = dict(zip(units["code"].astype(str), units["full_name"].astype(str), strict=True))
        shown = case_list_table(block.overdue, names, block.data_as_of or block.as_of, words)
        st.dataframe(
            neutralise_formulas(shown.frame),
            hide_index=True,
            width="stretch",
            column_config=shown.column_config(),
        )
    link = {"unit": code} if chosen is None else {"unit": code, "month": f"{chosen:%m/%Y}"}
    st.page_link(
        FEEDBACK_PAGE,
        label=t("feedback.block.link", unit=unit_name),
        icon=":material/forum:",
        query_params=link,
    )


# --- the unit's 5G and fibre (the infrastructure page's computation, one unit) ------------------


def infrastructure_block(code: str, unit_name: str, period: date) -> None:
    """The unit's centre (5G on air, the forecast range, or why there is none), its sites by
    stage, population and fibre coverage at the end of ``period`` (or at the newest day with
    data while the month runs), from the same rollout computation as the infrastructure page
    and the score's infrastructure indicators, and a link to that page filtered on the unit."""
    words = Words(current_language())
    as_of, as_of_value = as_of_for_period(period, load_infra_options())
    block = load_unit_infra_block(code, as_of)
    st.subheader(t("infrastructure.block.title", date=day(as_of)))
    st.markdown(f"**{forecast_text(block.forecast, words)}**")
    show_headline_cards(block_cards(block, words))
    if not block.regressions.empty:
        st.markdown(f"**{t('infrastructure.block.regressions', n=num(len(block.regressions)))}**")
        show_table(regression_table(block.regressions, words))
    link = {"unit": code} if as_of_value == LATEST else {"unit": code, "as_of": as_of_value}
    st.page_link(
        INFRASTRUCTURE_PAGE,
        label=t("infrastructure.block.link", unit=unit_name),
        icon=":material/cell_tower:",
        query_params=link,
    )
