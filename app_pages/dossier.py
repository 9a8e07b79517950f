"""Unit dossier: one commune or ward — score → pillar → indicator → raw value → evidence."""

from __future__ import annotations

import streamlit as st

from common.spreadsheet import neutralise_formulas
from metrics import default_catalog
from metrics.bands import Band
from metrics.views import OPERATIONAL_SUMMARY, peer_comparison
from ui.briefs import brief_button
from ui.charts import show_chart
from ui.components import literal, page_header
from ui.dossier import (
    feedback_block,
    format_value,
    indicator_table,
    infrastructure_block,
    load_unit_revisions,
    peer_table,
    pillar_column_widths,
    pillar_table,
    revision_table,
    task_block,
    trend_chart,
    unit_facts,
)
from ui.explain import explanation_blocks
from ui.export import indicator_download
from ui.heatmap import metric_delta
from ui.loaders import (
    load_explanation,
    load_periods,
    load_published_beside,
    load_published_indicators,
    load_scorecard,
    load_unit_score,
    load_units,
)
from ui.publication import composite_note
from ui.selection import URL_PARAM, selected_period, sync_selected_unit
from ui.text import current_language, day, month, num, rank_text, t
from ui.unit_search import unit_picker

page_header("dossier.title", "dossier.caption")

units = load_units().set_index("code")
unknown = sync_selected_unit(set(units.index))
if unknown:
    st.warning(t("dossier.unknown_unit", code=literal(unknown)), icon=":material/help:")

code = unit_picker(units.reset_index())
if code:
    st.query_params[URL_PARAM] = code
elif URL_PARAM in st.query_params:
    del st.query_params[URL_PARAM]

if code is None:
    st.info(t("dossier.pick_hint"), icon=":material/touch_app:")
    st.stop()

unit = units.loc[code]
st.header(unit["full_name"])
st.markdown(unit_facts(code, unit))
with st.expander(t("dossier.formed_from")):
    st.write(unit["formed_from"])

period = selected_period(load_periods())
if period is None:
    st.info(t("home.no_scores"))
    st.stop()
catalog = default_catalog()
score = load_unit_score(code, period)
summary = score.summary
band = summary["band"]
st.subheader(t("dossier.score_in", period=month(period)))
brief_button(code, period)  # the one-page PDF of what follows (reports.brief)
cols = st.columns(5)
cols[0].metric(
    t("dossier.composite"),
    num(summary["composite"], 1),
    metric_delta(summary["delta"]),
    border=True,
)
cols[0].caption(composite_note(load_published_beside(period), code))
cols[1].metric(t("dossier.dti_value"), num(summary["composite_01"], 3), border=True)
cols[2].metric(t("dossier.band"), t(f"band.{band}"), border=True)
ranked = band != Band.GREY
cols[3].metric(
    t("dossier.rank"),
    rank_text(summary["rank_level"], summary["rank_level_of"]) if ranked else "–",
    t("dossier.rank_in_group", rank=rank_text(summary["rank_peer"], summary["rank_peer_of"]))
    if ranked
    else None,
    delta_color="off",
    delta_arrow="off",
    border=True,
)
cols[4].metric(
    t("dossier.coverage"),
    t("dossier.coverage_value", n=num(summary["reported"]), total=num(summary["expected"])),
    t("dossier.last_update", date=day(summary["last_update"])),
    delta_color="off",
    delta_arrow="off",
    border=True,
)

left, right = st.columns([1.3, 1])  # the pillar table needs ≈ 500 px at 1366
with left:
    st.markdown(f"**{t('dossier.pillars')}**")
    st.dataframe(
        neutralise_formulas(pillar_table(score.pillars, catalog)),
        hide_index=True,
        width="stretch",
        column_config=pillar_column_widths(),
    )
with right:
    st.markdown(f"**{t('dossier.trend')}**")
    show_chart(
        trend_chart(score.history, catalog.bands.green_at_least, catalog.bands.yellow_at_least),
        key="trend",
    )

explanation_blocks(load_explanation(code, period), catalog)

group_label = t(f"peer_group.{unit['peer_group']}")
st.markdown(f"**{t('dossier.peers', group=group_label)}**")
comparison = peer_comparison(load_scorecard(period), code, [p.key for p in catalog.pillars])
st.dataframe(neutralise_formulas(peer_table(comparison, catalog)), hide_index=True, width="stretch")

st.markdown(f"**{t('dossier.indicators')}**")
st.dataframe(
    neutralise_formulas(indicator_table(score.indicators, catalog)),
    hide_index=True,
    width="stretch",
)
beside = load_published_beside(period)
indicator_download(
    score.indicators,
    catalog,
    unit_name=str(unit["full_name"]),
    code=code,
    period=period,
    beside=beside,
    published=False,
)
frozen = load_published_indicators(code, period) if beside is not None else None
if beside is not None and frozen is not None:
    with st.expander(t("published.indicators_title", date=day(frozen.published_at))):
        st.caption(t("published.indicators_note", version=beside.catalog_version))
        st.dataframe(
            neutralise_formulas(indicator_table(frozen.indicators, frozen.catalog)),
            hide_index=True,
            width="stretch",
        )
        indicator_download(
            frozen.indicators,
            frozen.catalog,
            unit_name=str(unit["full_name"]),
            code=code,
            period=period,
            beside=beside,
            published=True,
        )

with st.expander(t("dossier.revisions.title")):
    revisions = load_unit_revisions(code, period)
    if revisions.empty:
        st.caption(t("dossier.revisions.none", period=month(period)))
    else:
        st.caption(t("dossier.revisions.caption"))
        st.dataframe(
            neutralise_formulas(revision_table(revisions, catalog)),
            hide_index=True,
            width="stretch",
        )

values = score.indicators.set_index("indicator_key")
blocks = st.columns(3)
for col, (subject, keys) in zip(blocks, OPERATIONAL_SUMMARY.items(), strict=True):
    with col.container(border=True):
        st.markdown(f"**{t(f'page.{subject}')}**")
        for key in keys:
            indicator = catalog.indicator(key)
            shown = (
                format_value(values.at[key, "value"], indicator.unit)
                if key in values.index and values.at[key, "reported"]
                else t("dossier.no_data_yet")
            )
            st.markdown(f"{indicator.label.in_language(current_language())}: **{shown}**")

task_block(code, str(unit["full_name"]), period)
feedback_block(code, str(unit["full_name"]), period)
infrastructure_block(code, str(unit["full_name"]), period)
