"""How units are scored: the catalog, weights, thresholds and rules, what they rest on, what
changed in them, and how stable ranks are."""

from __future__ import annotations

import streamlit as st

from common.spreadsheet import neutralise_formulas
from metrics import default_catalog
from metrics.rule_changes import RuleChangesError, default_rule_changes
from ui.catalog_text import (
    catalog_table,
    documents_table,
    pillar_table,
    provenance_table,
    rule_change_table,
    shifts_table,
    stability_table,
)
from ui.components import page_header
from ui.loaders import load_stability, load_units
from ui.text import current_language, day, month, num, pct, t

catalog = default_catalog()
page_header("page.methodology", "methodology.caption")
st.caption(t("methodology.version", version=catalog.version))

st.subheader(t("methodology.how"))
st.markdown(
    t(
        "methodology.rules",
        total=num(catalog.total_points),
        green=num(catalog.bands.green_at_least),
        yellow=num(catalog.bands.yellow_at_least),
        coverage=pct(catalog.bands.min_coverage * 100, 0),
        days=num(catalog.bands.max_days_since_update),
    )
)

try:
    changes = default_rule_changes()
except RuleChangesError as exc:  # the rest of the page does not depend on this record
    st.warning(
        t("methodology.rule_changes_error", source=exc.source, problems="; ".join(exc.problems))
    )
else:
    st.subheader(t("methodology.rule_changes", date=day(changes.changed_on)))
    language = current_language()
    st.markdown("\n".join(f"- {change.in_language(language)}" for change in changes.changes))
    st.caption(
        t(
            "methodology.rule_changes_counts",
            period=month(changes.period),
            dataset=changes.dataset.in_language(language),
        )
    )
    st.table(neutralise_formulas(rule_change_table(changes)), hide_index=True, width="content")

st.subheader(t("methodology.pillars"))
st.table(neutralise_formulas(pillar_table(catalog)), hide_index=True)
st.caption(t("methodology.weights_note"))

st.subheader(t("methodology.catalog"))
pillar_keys = [p.key for p in catalog.pillars]
labels = {p.key: p.label.in_language(current_language()) for p in catalog.pillars}
chosen = st.selectbox(
    t("methodology.filter_pillar"),
    [None, *pillar_keys],
    format_func={None: t("methodology.all_pillars"), **labels}.__getitem__,
    key="methodology_pillar",
)
st.dataframe(neutralise_formulas(catalog_table(catalog, chosen)), hide_index=True, width="stretch")
st.caption(t("methodology.sources_note"))

st.subheader(t("methodology.provenance"))
# A static table: citations wrap within the page's width instead of scrolling sideways.
st.table(neutralise_formulas(provenance_table(catalog, chosen)), hide_index=True)
st.caption(t("methodology.provenance_note"))

st.subheader(t("methodology.documents"))
st.table(neutralise_formulas(documents_table(catalog)), hide_index=True)
st.caption(t("methodology.documents_note"))

st.subheader(t("methodology.stability"))
result = load_stability()
if result is None:
    st.info(t("methodology.no_scores"))
else:
    summary = result.summary
    st.caption(
        t(
            "methodology.stability_intro",
            period=month(result.period),
            scenarios=num(len(result.scenarios)),
        )
    )
    cols = st.columns(3)
    cols[0].metric(t("methodology.median_range"), num(summary.median_rank_range))
    cols[1].metric(t("methodology.max_range"), num(summary.max_rank_range))
    cols[2].metric(t("methodology.band_stable"), pct(summary.share_band_stable * 100, 0))
    if result.shifts:
        st.caption(t("methodology.shifts_intro"))
        st.table(neutralise_formulas(shifts_table(result.shifts)), hide_index=True)
    st.caption(t("methodology.least_stable"))
    st.dataframe(
        neutralise_formulas(stability_table(result, load_units())), hide_index=True, width="stretch"
    )

st.subheader(t("methodology.peer_groups"))
st.markdown(t("methodology.peer_group_rule"))
st.subheader(t("methodology.sources"))
st.markdown(t("methodology.sources_text"))
