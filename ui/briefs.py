"""Download buttons for the printable exports: a unit's PDF brief, the province pack (PDF and
PowerPoint), PNG charts.

The files are built by ``reports`` (no Streamlit there) only when a button is pressed
(``st.download_button`` with a callable, in the download's own thread, without a rerun), and
kept by ``st.cache_data`` under small keys: the database URL, the data version and the stored
scores' identity (``ui.loaders.store_state``: a data load or a recomputed score makes a new
entry), the boundaries' digest for the maps, the unit, the month and the language. A cached
file keeps the generation time printed in its footer for at most ``EXPORT_TTL_S``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from datetime import date

import streamlit as st

from data.db import get_engine
from metrics import PEER_GROUPS
from reports.brief import PDF_MIME, brief_file_name, unit_brief_pdf, unit_pillar_chart_png
from reports.pack import (
    PNG_MIME,
    PackFilters,
    coverage_file_name,
    heat_map_file_name,
    pack_file_name,
    province_coverage_png,
    province_heat_map_png,
    province_pack_pdf,
)
from reports.pack_pptx import PPTX_MIME, pack_pptx_file_name, province_pack_pptx
from ui.export import Words
from ui.loaders import (
    NO_SCORES,
    load_boundaries,
    load_feedback_options,
    load_infra_options,
    load_periods,
    load_task_options,
    load_units,
    store_state,
)
from ui.selection import SELECTED_UNIT_KEY, selected_period
from ui.tasks import department_labels
from ui.text import current_language, month, t

EXPORT_TTL_S = 600
# A brief is ≈ 80 kB: 64 of them (a meeting's worth of units in two languages) are ≈ 5 MB.
BRIEF_ENTRIES = 64
PACK_ENTRIES = 8
StoreKey = tuple[str, int, tuple[str, int, str]]


def _store_key() -> StoreKey:
    """(database URL, data version, stored scores' identity): what every export reads."""
    version, state = store_state()
    return str(get_engine().url), version, NO_SCORES if state is None else state.identity


def _boundary_version() -> str | None:
    return load_boundaries().version


def _geojson(version: str | None) -> dict | None:
    """The boundaries the heat map draws, if they are still those of ``version``."""
    state = load_boundaries()
    return state.geojson if version is not None and state.version == version else None


@st.cache_data(ttl=EXPORT_TTL_S, max_entries=BRIEF_ENTRIES, show_spinner=False)
def _brief(store: StoreKey, code: str, period: date, lang: str) -> bytes:
    del store  # cache key only
    return unit_brief_pdf(get_engine(), code, period, lang)


@st.cache_data(ttl=EXPORT_TTL_S, max_entries=BRIEF_ENTRIES, show_spinner=False)
def _pillar_png(store: StoreKey, code: str, period: date, lang: str) -> bytes:
    del store
    return unit_pillar_chart_png(get_engine(), code, period, lang)


@st.cache_data(ttl=EXPORT_TTL_S, max_entries=PACK_ENTRIES, show_spinner=False)
def _pack(
    store: StoreKey, boundaries: str | None, filters: tuple[str | None, ...], lang: str
) -> bytes:
    del store
    return province_pack_pdf(
        get_engine(), _pack_filters(filters), lang, geojson=_geojson(boundaries)
    )


def _pack_filters(filters: tuple[str | None, ...]) -> PackFilters:
    """The filters back from their cache key (:func:`_filters_key`)."""
    period, *rest = filters
    return PackFilters(date.fromisoformat(period) if period else None, *rest)


@st.cache_data(ttl=EXPORT_TTL_S, max_entries=PACK_ENTRIES, show_spinner=False)
def _pack_pptx(
    store: StoreKey, boundaries: str | None, filters: tuple[str | None, ...], lang: str
) -> bytes:
    """The same pack as slides, under the same keys as :func:`_pack`."""
    del store
    return province_pack_pptx(
        get_engine(), _pack_filters(filters), lang, geojson=_geojson(boundaries)
    )


@st.cache_data(ttl=EXPORT_TTL_S, max_entries=PACK_ENTRIES, show_spinner=False)
def _heat_map_png(
    store: StoreKey, boundaries: str | None, period: date, peer_group: str | None, lang: str
) -> bytes:
    del store
    return province_heat_map_png(
        get_engine(), period, lang, geojson=_geojson(boundaries), peer_group=peer_group
    )


@st.cache_data(ttl=EXPORT_TTL_S, max_entries=PACK_ENTRIES, show_spinner=False)
def _coverage_png(
    store: StoreKey, period: date, peer_group: str | None, operator: str | None, lang: str
) -> bytes:
    del store
    return province_coverage_png(
        get_engine(), period, lang, peer_group=peer_group, operator=operator
    )


ICONS = {PDF_MIME: ":material/picture_as_pdf:", PPTX_MIME: ":material/slideshow:"}


def _button(
    label_key: str, build: Callable[[], bytes], file_name: str, mime: str, key: str
) -> None:
    st.download_button(
        t(label_key),
        data=build,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        icon=ICONS.get(mime, ":material/image:"),
    )


def brief_button(code: str, period: date, *, key: str = "brief_pdf") -> None:
    """ "Tải bản tin PDF": the one-page brief of ``code`` for ``period``, in the reader's
    language (the dossier's header and the exports tab)."""
    store, lang = _store_key(), current_language()
    _button(
        "report.ui.brief_button",
        lambda: _brief(store, code, period, lang),
        brief_file_name(code, period),
        PDF_MIME,
        key,
    )


def _filters_key(filters: PackFilters) -> tuple[str | None, ...]:
    period, *rest = astuple(filters)
    return (None if period is None else period.isoformat(), *rest)


def show_exports(period: date | None = None, filters: PackFilters | None = None) -> None:
    """The exports tab: a chosen unit's brief and pillar chart, the province pack with the
    filters printed on each page, and the heat map and 5G charts as PNG. ``period``: the
    month (the sidebar's when None); ``filters``: the pack's other filters (none by default)."""
    periods = load_periods()
    period = period or selected_period(periods)  # type: ignore[assignment]
    if period is None:
        st.info(t("home.no_scores"))
        return
    chosen = PackFilters(period, *astuple(filters or PackFilters())[1:])
    store, lang, boundaries = _store_key(), current_language(), _boundary_version()
    st.caption(t("report.ui.exports_caption", period=month(period)))

    st.subheader(t("report.ui.brief_title"))
    units = load_units()
    names = dict(zip(units["code"].astype(str), units["full_name"].astype(str), strict=True))
    codes = list(names)
    current = st.session_state.get(SELECTED_UNIT_KEY)
    code = st.selectbox(
        t("report.ui.unit"),
        codes,
        index=codes.index(current) if current in codes else 0,
        format_func=lambda c: f"{names[c]} ({c})",
        key="exports_unit",
    )
    left, right = st.columns(2)
    with left:
        brief_button(code, period, key="exports_brief_pdf")
    with right:
        _button(
            "report.ui.pillars_png",
            lambda: _pillar_png(store, code, period, lang),
            f"bieu-do-tru-cot-{code}-{period:%Y-%m}.png",
            PNG_MIME,
            "exports_pillars_png",
        )

    st.subheader(t("report.ui.pack_title"))
    st.caption(t("report.ui.pack_caption"))
    filters_key = _filters_key(chosen)
    left, right = st.columns(2)
    with left:
        _button(
            "report.ui.pack_button",
            lambda: _pack(store, boundaries, filters_key, lang),
            pack_file_name(period),
            PDF_MIME,
            "exports_pack_pdf",
        )
    with right:  # the same pack, to project: same filters, same cache keys
        _button(
            "report.pptx.ui_button",
            lambda: _pack_pptx(store, boundaries, filters_key, lang),
            pack_pptx_file_name(period),
            PPTX_MIME,
            "exports_pack_pptx",
        )

    st.subheader(t("report.ui.charts_title"))
    left, right = st.columns(2)
    with left:
        _button(
            "report.ui.heat_map_png",
            lambda: _heat_map_png(store, boundaries, period, chosen.peer_group, lang),
            heat_map_file_name(period),
            PNG_MIME,
            "exports_heat_map_png",
        )
    with right:
        _button(
            "report.ui.coverage_png",
            lambda: _coverage_png(store, period, chosen.peer_group, chosen.operator, lang),
            coverage_file_name(period),
            PNG_MIME,
            "exports_coverage_png",
        )


ALL = "all"  # the "no filter" choice of the pack's filter row


def pack_filter_picker() -> PackFilters:
    """The filters printed on the province pack (and applied where a page uses them): peer
    group, lead department, feedback category group, operator; "all" by default."""
    words = Words(current_language())
    task_options, infra_options = load_task_options(), load_infra_options()
    feedback_groups = list(load_feedback_options().groups)
    columns = st.columns(4)
    choices: dict[str, tuple[list[str], dict[str, str]]] = {
        "peer_group": (list(PEER_GROUPS), {g: t(f"peer_group.{g}") for g in PEER_GROUPS}),
        "department": (
            list(task_options.departments["code"].astype(str)),
            department_labels(task_options, words),
        ),
        "category_group": (feedback_groups, {g: g for g in feedback_groups}),
        "operator": (list(infra_options.operators), {o: o for o in infra_options.operators}),
    }
    picked: dict[str, str | None] = {}
    for column, (name, (options, labels)) in zip(columns, choices.items(), strict=True):
        value = column.selectbox(
            t(f"report.ui.filter.{name}"),
            [ALL, *options],
            format_func=lambda v, labels=labels: (
                t("report.ui.filter.all") if v == ALL else labels[v]
            ),
            key=f"pack_filter_{name}",
        )
        picked[name] = None if value == ALL else value
    return PackFilters(None, **picked)
