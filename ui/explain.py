"""The dossier's "why": what pulls the score down, strengths, and the way to the next band."""

from __future__ import annotations

import streamlit as st

from metrics import UnitExplanation
from metrics.bands import Band
from metrics.catalog import Catalog
from metrics.explain import CLEARANCE
from ui.dossier import format_value
from ui.text import current_language, num, t


def _label(catalog: Catalog, key: str) -> str:
    return catalog.indicator(key).label.in_language(current_language())


def explanation_blocks(explanation: UnitExplanation, catalog: Catalog) -> None:
    drags_col, strengths_col, next_col = st.columns(3)
    with drags_col.container(border=True):
        st.markdown(f"**{t('explain.drags')}**")
        for drag in explanation.drags:
            st.markdown(
                t(
                    "explain.drag_line",
                    indicator=_label(catalog, drag.key),
                    points=num(drag.points, 2),
                    max=num(drag.max_points, 2),
                    lost=num(drag.composite_points_lost, 2),
                )
            )
    with strengths_col.container(border=True):
        st.markdown(f"**{t('explain.strengths')}**")
        for strength in explanation.strengths:
            st.markdown(
                t(
                    "explain.strength_line",
                    indicator=_label(catalog, strength.key),
                    points=num(strength.points, 2),
                    max=num(strength.max_points, 2),
                )
            )
    with next_col.container(border=True):
        _next_band(explanation, catalog)


def _next_band(explanation: UnitExplanation, catalog: Catalog) -> None:
    plan = explanation.next_band
    st.markdown(f"**{t('explain.next_band')}**")
    if plan.band == Band.GREEN:
        st.markdown(t("explain.already_green"))
    elif plan.band == Band.GREY:
        st.markdown(t("explain.grey", needed=num(plan.reports_needed)))
        for key in plan.to_report:
            st.markdown(f"- {_label(catalog, key)}")
        if plan.stale:
            st.markdown(t("explain.stale"))
    else:
        _plan_lines(explanation, catalog)


def _plan_lines(explanation: UnitExplanation, catalog: Catalog) -> None:
    plan = explanation.next_band
    band = t(f"band.{plan.target_band}")
    st.markdown(t("explain.to_band", band=band))
    for step in plan.improvements:
        unit = catalog.indicator(step.key).unit
        line = t(
            "explain.improvement_line",
            indicator=_label(catalog, step.key),
            value=format_value(step.value, unit),
            needed=format_value(step.needed_value, unit),
            gain=num(step.composite_gain, 2),
        )
        st.markdown(line if step.controllable else f"{line} {t('explain.others_tag')}")
    if plan.needs_others:
        others = ", ".join(_label(catalog, key) for key in plan.needs_others)
        st.warning(t("explain.needs_others", indicators=others))
    if not plan.reached:
        st.warning(t("explain.unreachable", band=band))
    st.caption(
        t(
            "explain.after",
            composite=num(plan.composite_after, 2),
            band=t(f"band.{plan.band_after}"),
        )
        + " "
        + t("explain.as_displayed", margin=num(CLEARANCE, 2))
    )
