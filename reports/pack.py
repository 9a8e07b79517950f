"""The province pack: A4 landscape, one page each for the heat map, tasks, feedback and 5G.

What each page says comes from ``reports.pack_content`` (the figures of the functions the
dashboard's pages call, with the pack's filters, formatted in the reader's language): this
module only lays it out on paper, as ``reports.pack_pptx`` lays it out on slides. Each page
prints the filters and the data-as-of day at its top: a page torn out of the pack still says
what it shows. Lists are cut to a fixed number of rows ("và N mục khác") so that every page fits.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from geo.palette import BAND_STYLES
from metrics import scorecard
from metrics.api import resolve_period
from metrics.infra_board import InfraFilters, infra_board, infra_filter_options
from metrics.site_pipeline import TARGET_DAY
from reports.charts import coverage_chart_png
from reports.facts import judged_day
from reports.pack_content import (
    APPLIES,
    FILTER_KEYS,
    PAGES,
    VIETNAM,
    Card,
    PackData,
    PackFilters,
    Section,
    Table,
    UnitList,
    data_as_of_text,
    feedback_section,
    filter_line,
    heat_map,
    infra_section,
    map_section,
    more_text,
    no_feedback_text,
    pack_data,
    page_title,
    shapes_from_geojson,
    tasks_section,
)
from reports.pdf import INK, MUTED, NAVY, PALE, RULE, Document, PageText, hex_rgb
from reports.text import Words

# Re-exported: the pack's filters and data were defined here before the PowerPoint pack.
__all__ = [
    "APPLIES",
    "FILTER_KEYS",
    "PAGES",
    "PackData",
    "PackFilters",
    "filter_line",
    "pack_data",
    "pack_file_name",
    "province_coverage_png",
    "province_heat_map_png",
    "province_pack_pdf",
    "render_pack",
]

LEFT = 12.0
WIDTH = 273.0  # A4 landscape (297 mm) less the margins
TOP = 32.0  # where a page's body starts, under its title bar and filter line
ROWS = 14  # rows of a page's list; the rest is "và N mục khác"
UNIT_LIST_ROWS = 6


def pack_file_name(period: date) -> str:
    return f"bao-cao-toan-tinh-{period:%Y-%m}.pdf"


def province_pack_pdf(
    engine: Engine,
    filters: PackFilters | None = None,
    lang: str = "vi",
    *,
    geojson: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> bytes:
    """The pack for ``filters`` in ``lang``. ``geojson``: the boundaries the app draws (the
    FeatureCollection of ``geo.boundaries.BoundaryState``); without it the heat map is the tile
    map, as on the dashboard."""
    filters = filters or PackFilters()
    words = Words(lang)
    data = pack_data(engine, filters, words, geojson)
    return render_pack(data, filters, words, now or datetime.now(VIETNAM))


def render_pack(data: PackData, filters: PackFilters, words: Words, now: datetime) -> bytes:
    pdf = Document(
        "landscape",
        PageText(
            words.t("report.footer", org=words.t("report.org_short"), when=words.when(now)),
            words.t("report.page"),
        ),
        words.t("report.pack.pdf_title", period=words.month(data.period)),
        words.lang,
    )
    pdf.set_margins(LEFT, 10, LEFT)
    pages: dict[str, Callable[[Document, PackData, Words], None]] = {
        "map": _map_page,
        "tasks": _tasks_page,
        "feedback": _feedback_page,
        "infrastructure": _infra_page,
    }
    for page, draw in pages.items():
        pdf.add_page()
        _page_top(pdf, page, data, filters, words)
        draw(pdf, data, words)
    return bytes(pdf.output())


# --- every page's top: title, filters, data-as-of ------------------------------------------------


def _page_top(pdf: Document, page: str, data: PackData, filters: PackFilters, words: Words) -> None:
    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, pdf.w, 19, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(LEFT, 3.5)
    pdf.line_of_text(words.t("report.org"), WIDTH * 0.7, size=7, style="B")
    pdf.set_xy(LEFT, 8.5)
    pdf.line_of_text(page_title(page, data, words), WIDTH * 0.7, size=13, style="B", height=7)
    pdf.set_xy(LEFT + WIDTH * 0.7, 9)
    pdf.font(9.5, "B")
    as_of = data_as_of_text(data, words)
    pdf.cell(WIDTH * 0.3, 6, pdf.fit(as_of, WIDTH * 0.3), align="R")
    pdf.set_text_color(*INK)
    pdf.set_fill_color(*PALE)
    pdf.rect(LEFT, 21.5, WIDTH, 7, style="F")
    pdf.set_xy(LEFT + 2, 22.5)
    pdf.line_of_text(filter_line(page, data, filters, words), WIDTH - 4, size=8, height=5)


# --- small shared pieces -------------------------------------------------------------------------


def _cards(pdf: Document, cards: Sequence[Card], y: float) -> float:
    """A row of headline cards (label, value, note); returns the y below them."""
    gap = 3.0
    w = (WIDTH - gap * (len(cards) - 1)) / len(cards)
    for index, card in enumerate(cards):
        x = LEFT + index * (w + gap)
        pdf.set_fill_color(*PALE)
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.rect(x, y, w, CARD_H, style="DF")
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x + 2.5, y + 1.8)
        pdf.paragraph(card.label, w - 5, size=7.2, max_lines=2, height=3.3)  # long bucket names
        pdf.set_text_color(*INK)
        pdf.set_xy(x + 2.5, y + 9)
        pdf.line_of_text(card.value, w - 5, size=14, style="B", height=7.5)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x + 2.5, y + 16.5)
        pdf.line_of_text(card.note, w - 5, size=6.8)
        pdf.set_text_color(*INK)
    return y + CARD_H


CARD_H = 22.0


def _table(
    pdf: Document, x: float, y: float, widths: Sequence[float], table: Table, words: Words
) -> None:
    """The header and rows of ``table`` (``widths`` in mm); "và N mục khác" when it has more."""
    pdf.set_xy(x, y)
    pdf.set_fill_color(*PALE)
    pdf.set_draw_color(*RULE)
    pdf.font(7.5, "B")
    pdf.set_text_color(*MUTED)
    for (header, align), width in zip(table.headers, widths, strict=True):
        pdf.cell(width, 5.5, pdf.fit(header, width - 1), border="B", align=align, fill=True)
    pdf.set_text_color(*INK)
    pdf.font(8)
    for row_index, cells in enumerate(table.rows):
        pdf.set_xy(x, y + 5.5 + row_index * 5.2)
        for (_header, align), width, text in zip(table.headers, widths, cells, strict=True):
            pdf.cell(width, 5.2, pdf.fit(text, width - 1.5), border="B", align=align)
    if table.hidden:
        pdf.set_xy(x, y + 5.5 + len(table.rows) * 5.2 + 0.5)
        pdf.set_text_color(*MUTED)
        pdf.line_of_text(more_text(table.hidden, words), 80, 7.5, "I")
        pdf.set_text_color(*INK)


def _none_line(pdf: Document, x: float, y: float, text: str, width: float) -> None:
    pdf.set_xy(x, y)
    pdf.line_of_text(text, width, size=8.5)


def _section_top(pdf: Document, section: Section) -> None:
    """The instant, the cards, the ageing line and the list's heading of a subject page."""
    pdf.set_xy(LEFT, TOP)
    pdf.line_of_text(section.lead, WIDTH, 8)
    y = _cards(pdf, section.cards, TOP + 6)
    pdf.set_xy(LEFT, y + 2)
    pdf.line_of_text(section.ageing, WIDTH, size=8.5)
    pdf.set_xy(LEFT, pdf.get_y() + 2)
    pdf.heading(section.heading)


def _section_list(pdf: Document, section: Section, widths: Sequence[float], words: Words) -> None:
    if section.table is None:
        _none_line(pdf, LEFT, pdf.get_y(), section.empty, WIDTH)
        return
    _table(pdf, LEFT, pdf.get_y(), widths, section.table, words)


# --- page 1: the heat map ------------------------------------------------------------------------

MAP_W, MAP_H = 165.0, 160.0


def _map_page(pdf: Document, data: PackData, words: Words) -> None:
    size = (MAP_W / 25.4, MAP_H / 25.4)
    png = heat_map(data.card, words.lang, data.shapes, data.peer_group, size)
    pdf.image(io.BytesIO(png), x=LEFT, y=TOP, w=MAP_W, h=MAP_H)
    section = map_section(data, words, UNIT_LIST_ROWS)
    pdf.set_xy(LEFT, TOP + MAP_H)
    pdf.set_text_color(*MUTED)
    pdf.line_of_text(section.source, MAP_W, size=7)
    pdf.set_text_color(*INK)
    x, width = LEFT + 172, WIDTH - 172
    pdf.set_xy(x, TOP)
    pdf.heading(section.heading, width)
    for row in section.bands:
        style = BAND_STYLES[row.band]
        y = pdf.get_y()
        pdf.set_fill_color(*hex_rgb(style.fill))
        pdf.set_draw_color(*hex_rgb(style.line))
        pdf.rect(x, y + 0.8, 5, 5, style="DF")
        pdf.set_xy(x + 7, y)
        pdf.font(9)
        pdf.cell(width - 38, 6.5, pdf.fit(row.label, width - 38))
        pdf.font(9, "B")
        pdf.cell(14, 6.5, row.count, align="R")
        pdf.font(8)
        pdf.set_text_color(*MUTED)
        pdf.cell(17, 6.5, row.share, align="R")
        pdf.set_text_color(*INK)
        pdf.set_xy(x, y + 7)
    pdf.set_xy(x, pdf.get_y() + 1)
    pdf.line_of_text(section.median, width, size=8.5)
    _unit_list(pdf, x, width, section.red, words)
    _unit_list(pdf, x, width, section.dropped, words)


def _unit_list(pdf: Document, x: float, width: float, units: UnitList, words: Words) -> None:
    pdf.set_xy(x, pdf.get_y() + 3)
    pdf.heading(units.title, width)
    if not units.rows:
        pdf.set_x(x)
        pdf.line_of_text(words.t("report.pack.none"), width, size=8)
    for name, value in units.rows:
        pdf.set_x(x)
        pdf.font(8.5)
        pdf.cell(width - 20, 5, pdf.fit(name, width - 21))
        pdf.font(8.5, "B")
        pdf.cell(20, 5, value, align="R", new_x="LEFT", new_y="NEXT")
        pdf.set_x(x)
    if units.hidden:
        pdf.set_x(x)
        pdf.set_text_color(*MUTED)
        pdf.line_of_text(more_text(units.hidden, words), width, 7.5, "I")
        pdf.set_text_color(*INK)


# --- pages 2 and 3: tasks, feedback --------------------------------------------------------------

TASK_WIDTHS = (18.0, 95.0, 42.0, 30.0, 40.0, 22.0, 26.0)  # mm, 273 in all
FEEDBACK_WIDTHS = (57.0, 28.0, 26.0, 40.0, 40.0, 38.0, 44.0)


def _tasks_page(pdf: Document, data: PackData, words: Words) -> None:
    section = tasks_section(data, words, ROWS)
    _section_top(pdf, section)
    _section_list(pdf, section, TASK_WIDTHS, words)


def _feedback_page(pdf: Document, data: PackData, words: Words) -> None:
    section = feedback_section(data, words, ROWS)
    if section is None:
        _none_line(pdf, LEFT, TOP, no_feedback_text(data, words), WIDTH)
        return
    _section_top(pdf, section)
    _section_list(pdf, section, FEEDBACK_WIDTHS, words)


# --- page 4: infrastructure ----------------------------------------------------------------------

CHART_W = 150.0
WILL_MISS_W = WIDTH - CHART_W - 8


def _infra_page(pdf: Document, data: PackData, words: Words) -> None:
    section = infra_section(data, words, ROWS)
    pdf.set_xy(LEFT, TOP)
    pdf.line_of_text(section.lead, WIDTH, 8)
    y = _cards(pdf, section.cards, TOP + 6)
    pdf.set_xy(LEFT, y + 4)
    pdf.heading(words.t("report.pack.coverage_title"), CHART_W)
    png = coverage_chart_png(
        data.infra.coverage,
        words.lang,
        target_day=TARGET_DAY,
        size_in=(CHART_W / 25.4, 95 / 25.4),
    )
    pdf.image(io.BytesIO(png), x=LEFT, y=pdf.get_y(), w=CHART_W, h=95)
    x = LEFT + CHART_W + 8
    pdf.set_xy(x, y + 4)
    pdf.heading(section.heading, WILL_MISS_W)
    if section.table is None:
        _none_line(pdf, x, pdf.get_y(), section.empty, WILL_MISS_W)
        return
    widths = (WILL_MISS_W - 60, 30.0, 18.0, 12.0)
    _table(pdf, x, pdf.get_y(), widths, section.table, words)


# --- the pack's charts alone, as PNG -------------------------------------------------------------

PNG_MIME = "image/png"


def heat_map_file_name(period: date) -> str:
    return f"ban-do-nhiet-{period:%Y-%m}.png"


def coverage_file_name(period: date) -> str:
    return f"bieu-do-5g-{period:%Y-%m}.png"


def province_heat_map_png(
    engine: Engine,
    period: date | None = None,
    lang: str = "vi",
    *,
    geojson: Mapping[str, Any] | None = None,
    peer_group: str | None = None,
) -> bytes:
    """The pack's heat map alone: boundaries when given, else the tile map."""
    card = scorecard(engine, resolve_period(engine, period))
    return heat_map(card, Words(lang).lang, shapes_from_geojson(geojson), peer_group)


def province_coverage_png(
    engine: Engine,
    period: date | None = None,
    lang: str = "vi",
    *,
    peer_group: str | None = None,
    operator: str | None = None,
) -> bytes:
    """5G at the centres against the glide path, month by month up to ``period``'s end."""
    day = judged_day(resolve_period(engine, period), infra_filter_options(engine).last_day)
    board = infra_board(engine, InfraFilters(as_of=day, operator=operator, peer_group=peer_group))
    return coverage_chart_png(board.coverage, Words(lang).lang, target_day=TARGET_DAY)
