"""The province pack as a 16:9 PowerPoint file: a title slide, then the heat map, tasks,
feedback and 5G, one slide each.

The slides say what the PDF says: both lay out ``reports.pack_content`` (the same figures,
texts and rows); this module only decides sizes and places. Lists are native PowerPoint tables
(a secretary can still edit a cell before the meeting); the charts are ``reports.charts``' PNGs.

Every run is Arial: Office on Windows renders every Vietnamese diacritic in it, so no font file
is embedded and nothing depends on the machine that built the file. Sizes are for a projector
at the back of a meeting room: titles 28 pt, body text 16 pt, tables 14 pt or more. Lists show
at most five rows (the meeting agenda's number of items per subject), fewer when the slide has
no room for them, with "và N mục khác" beside them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.slide import Slide
from pptx.table import _Cell
from pptx.text.text import TextFrame
from pptx.util import Inches, Length, Pt
from sqlalchemy import Engine

from geo.palette import BAND_STYLES
from metrics.site_pipeline import TARGET_DAY
from reports.arial import fit_lines, text_width, wrap
from reports.charts import coverage_chart_png
from reports.pack_content import (
    FILTER_KEYS,
    PAGES,
    VIETNAM,
    BandRow,
    Card,
    PackData,
    PackFilters,
    Section,
    Table,
    UnitList,
    data_as_of_text,
    feedback_section,
    filter_line,
    filter_parts,
    heat_map,
    infra_section,
    map_section,
    more_text,
    no_feedback_text,
    pack_data,
    page_title,
    tasks_section,
)
from reports.pdf import INK, MUTED, NAVY, PALE, RULE, clean, hex_rgb
from reports.text import Words

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
FONT = "Arial"
TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT, VALUE_PT = 28.0, 18.0, 16.0, 14.0, 24.0
ROWS = 5  # at most, per list: the meeting agenda's number of items per subject
TITLE_ONLY = 5  # the default template's "Title Only" layout: a real title placeholder per slide
LANGUAGES = {"vi": MSO_LANGUAGE_ID.VIETNAMESE, "en": MSO_LANGUAGE_ID.ENGLISH_UK}

# The slide in inches: PowerPoint's own widescreen size.
SLIDE_W, SLIDE_H = 13.333, 7.5
LEFT = 0.5
WIDTH = SLIDE_W - 2 * LEFT
BODY = 2.15  # where a subject slide's body starts, under the title bar and the filters
FOOT = 7.0  # the footer's top; the body ends a little above it
BOTTOM = FOOT - 0.07

# Heights of one line of text with the margins below, in inches (1.2 × the size in points).
ROW_H = 0.3  # a table row at 14 pt
MORE_H = 0.3  # the "và N mục khác" line under a list
CELL_MARGIN = 0.08
# python-pptx cannot measure text: widths come from Arial's metrics (reports.arial), with a
# little room kept for the text frame's margins and for renderers that round differently.
SAFETY = 0.95

Box = tuple[float, float, float, float]  # left, top, width, height
RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
ALIGN = {"L": PP_ALIGN.LEFT, "C": PP_ALIGN.CENTER, "R": PP_ALIGN.RIGHT}


def pack_pptx_file_name(period: date) -> str:
    return f"bao-cao-toan-tinh-{period:%Y-%m}.pptx"


def province_pack_pptx(
    engine: Engine,
    filters: PackFilters | None = None,
    lang: str = "vi",
    *,
    geojson: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> bytes:
    """The pack for ``filters`` in ``lang``, as ``reports.pack.province_pack_pdf`` prints it.
    ``geojson``: the boundaries the app draws; without it the heat map is the tile map."""
    filters = filters or PackFilters()
    words = Words(lang)
    data = pack_data(engine, filters, words, geojson)
    return render_pack_pptx(data, filters, words, now or datetime.now(VIETNAM))


def render_pack_pptx(data: PackData, filters: PackFilters, words: Words, now: datetime) -> bytes:
    deck = Deck(words)
    _title_slide(deck, data, filters)
    for page in PAGES:
        slide = deck.slide()
        _slide_top(deck, slide, page, data, filters)
        DRAW[page](deck, slide, data)
    org = words.t("report.org_short")
    deck.footers(words.t("report.pptx.footer", org=org, when=words.when(now)))
    deck.properties(words.t("report.pptx.title", period=words.month(data.period)), now)
    return deck.save()


# --- text, shapes and tables in the deck's one font ----------------------------------------------


@dataclass(frozen=True)
class Look:
    """How a run of text looks: size in points, weight, slant, colour."""

    size: float = BODY_PT
    bold: bool = False
    italic: bool = False
    colour: RGB = INK

    @property
    def line_h(self) -> float:
        return self.size * 1.2 / 72


TABLE_LOOK = Look(TABLE_PT)


def lines_needed(text: str, width: float, look: Look) -> int:
    """How many lines ``text`` takes in ``width`` inches, wrapped at its spaces."""
    return len(wrap(clean(text), width * SAFETY, look.size, look.bold))


def fit(text: str, width: float, look: Look, lines: int = 1) -> str:
    """``text`` cut with "…" so that it takes at most ``lines`` lines of ``width`` inches."""
    return fit_lines(clean(text), width * SAFETY, look.size, look.bold, lines)


def _inches(box: Box) -> tuple[Length, Length, Length, Length]:
    left, top, width, height = box
    return Inches(left), Inches(top), Inches(width), Inches(height)


class Deck:
    """The presentation being built; every run gets the deck's font and the reader's language
    (so that Office checks the spelling in Vietnamese, not in English)."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.language = LANGUAGES.get(words.lang, MSO_LANGUAGE_ID.VIETNAMESE)
        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_W)
        self.prs.slide_height = Inches(SLIDE_H)

    def slide(self) -> Slide:
        return self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY])

    def write(
        self,
        frame: TextFrame,
        texts: Sequence[str],
        look: Look,
        align: PP_ALIGN = PP_ALIGN.LEFT,
    ) -> None:
        """``texts`` as paragraphs of ``frame``, each one run in ``look``."""
        frame.clear()  # leaves one empty paragraph: the first text goes into it
        for index, text in enumerate(texts):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = align
            paragraph.font.name = FONT  # what a text typed in later gets too
            paragraph.font.size = Pt(look.size)
            if not text:
                continue
            run = paragraph.add_run()
            run.text = clean(text)
            font = run.font
            font.name = FONT
            font.size = Pt(look.size)
            font.bold = look.bold
            font.italic = look.italic
            font.color.rgb = RGBColor(*look.colour)
            font.language_id = self.language

    def text(
        self,
        slide: Slide,
        box: Box,
        texts: str | Sequence[str],
        look: Look,
        *,
        align: PP_ALIGN = PP_ALIGN.LEFT,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    ) -> None:
        frame = slide.shapes.add_textbox(*_inches(box)).text_frame
        _frame_layout(frame, anchor)
        self.write(frame, [texts] if isinstance(texts, str) else texts, look, align)

    def title(self, slide: Slide, box: Box, text: str, look: Look) -> None:
        """The slide's title in its title placeholder (PowerPoint's outline, the slide sorter
        and screen readers find it there), moved and styled like the PDF's title bar."""
        shape = slide.shapes.title
        assert shape is not None  # the Title Only layout has one
        shape.left, shape.top, shape.width, shape.height = _inches(box)
        _frame_layout(shape.text_frame, MSO_ANCHOR.MIDDLE)
        self.write(shape.text_frame, [text], look)

    def cell(
        self,
        cell: _Cell,
        text: str,
        look: Look,
        fill: RGB,
        align: str,
        anchor: MSO_ANCHOR,
        margin: float = CELL_MARGIN,
    ) -> None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor(*fill)
        cell.margin_left = cell.margin_right = Inches(margin)
        cell.margin_top = cell.margin_bottom = Inches(0.03)
        cell.vertical_anchor = anchor
        cell.text_frame.word_wrap = True
        self.write(cell.text_frame, [text], look, ALIGN[align])

    def table(
        self,
        slide: Slide,
        at: tuple[float, float],
        headers: Sequence[str] | None,
        aligns: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        header_lines: int = 2,
        look: Look = TABLE_LOOK,
    ) -> float:
        """A native table at ``at`` (left, top): a navy header row (None: none) and rows banded
        white and pale, every cell cut to fit, so the table keeps the height it is given;
        returns its bottom."""
        header_look = Look(look.size, bold=True, colour=WHITE)
        lines: list[tuple[Sequence[str], Look, RGB, float, int]] = []
        if headers is not None:
            height = header_lines * header_look.line_h + 0.06
            lines.append((headers, header_look, NAVY, height, header_lines))
        row_h = max(ROW_H, look.line_h + 0.06)
        lines += [(cells, look, PALE if i % 2 else WHITE, row_h, 1) for i, cells in enumerate(rows)]
        total = sum(height for _cells, _look, _fill, height, _lines in lines)
        left, top = at
        frame = slide.shapes.add_table(
            len(lines), len(widths), *_inches((left, top, sum(widths), total))
        )
        table = frame.table
        table.first_row = headers is not None
        table.horz_banding = False
        for index, width in enumerate(widths):
            table.columns[index].width = Inches(width)
        for row_index, (cells, cell_look, fill, height, max_lines) in enumerate(lines):
            table.rows[row_index].height = Inches(height)
            for column, text in enumerate(cells):
                room = widths[column] - 2 * CELL_MARGIN
                shown = fit(text, room, cell_look, max_lines)
                anchor = MSO_ANCHOR.MIDDLE
                self.cell(
                    table.cell(row_index, column), shown, cell_look, fill, aligns[column], anchor
                )
        return top + total

    def footers(self, left: str) -> None:
        """Every slide's footer: who made the file and when, and "Trang 2/5"."""
        total = len(self.prs.slides)
        look = Look(TABLE_PT, colour=MUTED)
        for number, slide in enumerate(self.prs.slides, start=1):
            line = slide.shapes.add_connector(
                MSO_CONNECTOR.STRAIGHT,
                Inches(LEFT),
                Inches(FOOT - 0.04),
                Inches(LEFT + WIDTH),
                Inches(FOOT - 0.04),
            )
            line.line.color.rgb = RGBColor(*RULE)
            line.line.width = Pt(0.75)
            self.text(slide, (LEFT, FOOT, WIDTH * 0.8, 0.4), fit(left, WIDTH * 0.8, look), look)
            page = self.words.t("report.page", page=number, total=total)
            box = (LEFT + WIDTH * 0.8, FOOT, WIDTH * 0.2, 0.4)
            self.text(slide, box, page, look, align=PP_ALIGN.RIGHT)

    def properties(self, title: str, now: datetime) -> None:
        props = self.prs.core_properties
        props.title = clean(title)
        props.author = clean(self.words.t("report.org_short"))
        props.last_modified_by = "daklak-dx-dashboard"
        props.language = "vi-VN" if self.words.lang == "vi" else "en-GB"
        props.revision = 1
        # The file's times are UTC without a zone, as Office writes them.
        moment = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
        props.created = moment
        props.modified = moment

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def _frame_layout(frame: TextFrame, anchor: MSO_ANCHOR) -> None:
    # No autofit: PowerPoint would shrink text below what a projector needs; texts that could
    # overflow are cut to fit instead.
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    frame.margin_top = frame.margin_bottom = Inches(0.02)


def _rect(
    slide: Slide, box: Box, fill: RGB, line: RGB | None = None, *, behind: bool = False
) -> None:
    """A filled rectangle; ``behind``: under every shape already there (a title bar must not
    hide the title placeholder, which the slide has from its layout)."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *_inches(box))
    if behind:
        tree = slide.shapes._spTree  # python-pptx has no z-order API; 0 and 1 are the group's own
        tree.remove(shape._element)
        tree.insert(2, shape._element)
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor(*fill)
    if line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = RGBColor(*line)
    shape.shadow.inherit = False  # the template's shapes cast a shadow


def _picture(slide: Slide, png: bytes, box: Box) -> None:
    slide.shapes.add_picture(io.BytesIO(png), *_inches(box))


def _heading(
    deck: Deck, slide: Slide, box: Box, text: str, lines: int = 1, aside: str = ""
) -> None:
    """A navy section heading; ``aside`` (the instant the figures stand for) at its right."""
    left, top, width, height = box
    look = Look(HEADING_PT, bold=True, colour=NAVY)
    if aside:
        muted = Look(colour=MUTED)
        room = min(text_width(aside, BODY_PT) / SAFETY + 0.15, width / 2)
        side = (left + width - room, top, room, height)
        deck.text(
            slide,
            side,
            fit(aside, room, muted),
            muted,
            align=PP_ALIGN.RIGHT,
            anchor=MSO_ANCHOR.BOTTOM,
        )
        width -= room
    shown = fit(text, width, look, lines)
    deck.text(slide, (left, top, width, height), shown, look, anchor=MSO_ANCHOR.BOTTOM)


def _more(deck: Deck, slide: Slide, at: tuple[float, float], width: float, hidden: int) -> None:
    """ "và N mục khác" under a list that was cut."""
    if hidden:
        look = Look(TABLE_PT, italic=True, colour=MUTED)
        deck.text(slide, (*at, width, MORE_H), more_text(hidden, deck.words), look)


# --- the title slide -----------------------------------------------------------------------------


def _title_slide(deck: Deck, data: PackData, filters: PackFilters) -> None:
    words = deck.words
    slide = deck.slide()
    _rect(slide, (0, 0, SLIDE_W, 2.2), NAVY, behind=True)
    org = Look(20, bold=True, colour=WHITE)
    deck.text(slide, (LEFT, 0.4, WIDTH, 1.4), words.t("report.org"), org, anchor=MSO_ANCHOR.MIDDLE)
    title = Look(36, bold=True, colour=NAVY)
    text = words.t("report.pptx.title", period=words.month(data.period))
    deck.title(slide, (LEFT, 2.45, WIDTH, 1.45), text, title)
    deck.text(slide, (LEFT, 4.0, WIDTH, 0.5), data_as_of_text(data, words), Look(22, bold=True))
    heading = Look(HEADING_PT, bold=True, colour=MUTED)
    deck.text(slide, (LEFT, 4.65, WIDTH, 0.4), words.t("report.pptx.filters_heading"), heading)
    # The whole pack's filters, each with its value ("tất cả" when none is chosen); each
    # subject slide then says which of them it applies.
    parts = filter_parts(frozenset(FILTER_KEYS), data, filters, words)
    body = Look(HEADING_PT)
    deck.text(slide, (LEFT, 5.05, WIDTH, 1.85), [fit(p, WIDTH, body) for p in parts], body)


# --- every subject slide's top: title, data-as-of, filters ---------------------------------------

TITLE_W = 9.2


def _slide_top(deck: Deck, slide: Slide, page: str, data: PackData, filters: PackFilters) -> None:
    words = deck.words
    _rect(slide, (0, 0, SLIDE_W, 1.2), NAVY, behind=True)
    # Titles and the filter line are never cut: they wrap (two lines fit), so that no filter
    # can disappear from the slide.
    title = Look(TITLE_PT, bold=True, colour=WHITE)
    deck.title(slide, (LEFT, 0.1, TITLE_W, 1.0), page_title(page, data, words), title)
    as_of = Look(BODY_PT, bold=True, colour=WHITE)
    box = (LEFT + TITLE_W + 0.1, 0.1, WIDTH - TITLE_W - 0.1, 1.0)
    text = data_as_of_text(data, words)
    deck.text(slide, box, text, as_of, align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE)
    # The strip grows to three lines when every filter is chosen (the longest line there is).
    line, look = filter_line(page, data, filters, words), Look(BODY_PT)
    lines = min(lines_needed(line, WIDTH - 0.2, look), 3)
    height = max(lines * look.line_h + 0.06, 0.72)  # three lines end above the body
    _rect(slide, (LEFT, 1.28, WIDTH, height), PALE)
    box = (LEFT + 0.1, 1.28, WIDTH - 0.2, height)
    deck.text(slide, box, line, look, anchor=MSO_ANCHOR.MIDDLE)


# --- the cards: a subject's headline figures -----------------------------------------------------

CARD_MARGIN = 0.05  # narrow cards: every hundredth of an inch is a letter of a label
LABEL, VALUE, NOTE = Look(TABLE_PT, colour=MUTED), Look(VALUE_PT, bold=True), Look(TABLE_PT)
SMALL_VALUE = Look(HEADING_PT, bold=True)


def _cards(deck: Deck, slide: Slide, cards: Sequence[Card], top: float) -> float:
    """The headline figures as one native table of label, value and note rows (the note row
    only when a card has a note); returns its bottom."""
    width = WIDTH / len(cards)
    room = width - 2 * CARD_MARGIN
    rows: list[tuple[Look, int]] = [
        (LABEL, min(max(lines_needed(c.label, room, LABEL) for c in cards), 3)),
        (VALUE, 1),
    ]
    if any(card.note for card in cards):
        rows.append((NOTE, min(max(lines_needed(c.note, room, NOTE) for c in cards), 2)))
    heights = [lines * look.line_h + 0.07 for look, lines in rows]
    frame = slide.shapes.add_table(
        len(rows), len(cards), *_inches((LEFT, top, WIDTH, sum(heights)))
    )
    table = frame.table
    table.first_row = False
    table.horz_banding = False
    for index in range(len(cards)):
        table.columns[index].width = Inches(width)
    for row_index, ((look, lines), height) in enumerate(zip(rows, heights, strict=True)):
        table.rows[row_index].height = Inches(height)
        for column, card in enumerate(cards):
            text = (card.label, card.value, card.note)[row_index]
            shown_look = look
            if look is VALUE and text_width(text, VALUE.size, bold=True) > room * SAFETY:
                shown_look = SMALL_VALUE  # "1.138/1.448" is shown whole, a little smaller
            anchor = MSO_ANCHOR.BOTTOM if row_index == 0 else MSO_ANCHOR.TOP
            cell = table.cell(row_index, column)
            deck.cell(
                cell, fit(text, room, shown_look, lines), shown_look, PALE, "L", anchor, CARD_MARGIN
            )
    return top + sum(heights)


def _room_for(top: float, header_lines: int, bottom: float = BOTTOM) -> int:
    """How many 14 pt rows fit under a header of ``header_lines`` lines from ``top`` (and a
    "và N mục khác" line), at most :data:`ROWS`, at least one."""
    header = header_lines * Look(TABLE_PT, bold=True).line_h + 0.06
    return max(min(int((bottom - MORE_H - top - header) / ROW_H), ROWS), 1)


def _cut(table: Table, rows: int) -> Table:
    return replace(table, rows=table.rows[:rows])


# --- slide 2: the heat map -----------------------------------------------------------------------

MAP_BOX: Box = (LEFT, BODY, 5.9, 3.95)
SIDE = LEFT + 6.2  # the right column: band counts and the two short lists
SIDE_W = WIDTH - 6.2
SWATCH = 0.34
LIST_W = (SIDE_W - 0.15) / 2


def _map_slide(deck: Deck, slide: Slide, data: PackData) -> None:
    words = deck.words
    left, top, width, height = MAP_BOX
    png = heat_map(data.card, words.lang, data.shapes, data.peer_group, (width, height))
    _picture(slide, png, MAP_BOX)
    section = map_section(data, words, ROWS)
    caption = Look(TABLE_PT, colour=MUTED)
    box = (left, top + height + 0.02, width, BOTTOM - top - height)
    deck.text(slide, box, fit(section.source, width, caption, 3), caption)
    _heading(deck, slide, (SIDE, BODY, SIDE_W, 0.4), section.heading)
    _band_table(deck, slide, section.bands, BODY + 0.45)
    median = BODY + 0.5 + 0.34 * len(section.bands)
    deck.text(slide, (SIDE, median, SIDE_W, 0.36), fit(section.median, SIDE_W, Look()), Look())
    for index, units in enumerate((section.red, section.dropped)):
        _unit_list(deck, slide, units, SIDE + index * (LIST_W + 0.15), median + 0.45)


def _band_table(deck: Deck, slide: Slide, bands: Sequence[BandRow], top: float) -> None:
    """Each band's count and share, its row led by a swatch of its colour (the symbol is in
    the label too, for colour-blind readers and washed-out projectors)."""
    look = Look(BODY_PT)
    rows = [(row.label, row.count, row.share) for row in bands]
    widths = (SIDE_W - SWATCH - 2.5, 1.2, 1.3)
    deck.table(slide, (SIDE + SWATCH, top), None, "LRR", rows, widths, look=look)
    row_h = max(ROW_H, look.line_h + 0.06)
    for index, row in enumerate(bands):
        style = BAND_STYLES[row.band]
        box = (SIDE + 0.04, top + index * row_h + (row_h - 0.24) / 2, 0.24, 0.24)
        _rect(slide, box, hex_rgb(style.fill), hex_rgb(style.line))


def _unit_list(deck: Deck, slide: Slide, units: UnitList, left: float, top: float) -> None:
    look = Look(BODY_PT, bold=True, colour=NAVY)
    title = fit(units.title, LIST_W, look, 2)
    deck.text(slide, (left, top, LIST_W, 0.58), title, look, anchor=MSO_ANCHOR.BOTTOM)
    if not units.rows:
        deck.text(slide, (left, top + 0.62, LIST_W, 0.35), deck.words.t("report.pack.none"), LABEL)
        return
    bottom = deck.table(slide, (left, top + 0.62), None, "LR", units.rows, (LIST_W - 0.8, 0.8))
    _more(deck, slide, (left, bottom + 0.02), LIST_W, units.hidden)


# --- slides 3 and 4: tasks, feedback -------------------------------------------------------------

TASK_WIDTHS = (1.1, 2.85, 2.2, 1.25, 2.3, 1.3, 1.333)  # inches: the slide's 12.333 in all
FEEDBACK_WIDTHS = (2.4, *([(WIDTH - 2.4) / 6] * 6))  # six figures of equal width


def _tasks_slide(deck: Deck, slide: Slide, data: PackData) -> None:
    _section(deck, slide, tasks_section(data, deck.words, ROWS), TASK_WIDTHS)


def _feedback_slide(deck: Deck, slide: Slide, data: PackData) -> None:
    section = feedback_section(data, deck.words, ROWS)
    if section is None:
        deck.text(slide, (LEFT, BODY, WIDTH, 0.8), no_feedback_text(data, deck.words), Look())
        return
    _section(deck, slide, section, FEEDBACK_WIDTHS)


def _section(deck: Deck, slide: Slide, section: Section, widths: Sequence[float]) -> None:
    """The cards, the ageing line, the heading and the list: the PDF's page. The instant
    the figures stand for sits at the heading's right, where it costs no line of the list."""
    y = _cards(deck, slide, section.cards, BODY)
    deck.text(slide, (LEFT, y + 0.05, WIDTH, 0.35), fit(section.ageing, WIDTH, Look()), Look())
    box = (LEFT, y + 0.42, WIDTH, 0.38)
    _heading(deck, slide, box, section.heading, aside=section.lead)
    _list(deck, slide, (LEFT, y + 0.84), WIDTH, section, widths)


def _list(
    deck: Deck,
    slide: Slide,
    at: tuple[float, float],
    width: float,
    section: Section,
    widths: Sequence[float],
    header_lines: int = 2,
) -> None:
    """The section's table with as many rows as fit, and "và N mục khác" under it."""
    table = section.table
    if table is None:
        deck.text(slide, (*at, width, 0.4), section.empty, Look())
        return
    table = _cut(table, _room_for(at[1], header_lines))
    headers = [text for text, _align in table.headers]
    aligns = [align for _text, align in table.headers]
    bottom = deck.table(slide, at, headers, aligns, table.rows, widths, header_lines=header_lines)
    _more(deck, slide, (at[0], bottom + 0.02), width, table.hidden)


# --- slide 5: infrastructure ---------------------------------------------------------------------

CHART_W = 6.0
MISS = LEFT + CHART_W + 0.25
MISS_W = WIDTH - CHART_W - 0.25
WILL_MISS_WIDTHS = (MISS_W - 3.7, 1.4, 1.3, 1.0)


def _infra_slide(deck: Deck, slide: Slide, data: PackData) -> None:
    words = deck.words
    section = infra_section(data, words, ROWS)
    deck.text(slide, (LEFT, BODY, WIDTH, 0.35), section.lead, Look(colour=MUTED))
    y = _cards(deck, slide, section.cards, BODY + 0.4) + 0.08
    coverage = words.t("report.pack.coverage_title")
    _heading(deck, slide, (LEFT, y, CHART_W, 0.65), coverage, lines=2)
    chart = (LEFT, y + 0.7, CHART_W, BOTTOM - y - 0.7)
    png = coverage_chart_png(
        data.infra.coverage, words.lang, target_day=TARGET_DAY, size_in=(chart[2], chart[3])
    )
    _picture(slide, png, chart)
    _heading(deck, slide, (MISS, y, MISS_W, 0.65), section.heading, lines=2)
    # One-word column headers here: one header line leaves room for a row more.
    _list(deck, slide, (MISS, y + 0.7), MISS_W, section, WILL_MISS_WIDTHS, header_lines=1)


DRAW: dict[str, Callable[[Deck, Slide, PackData], None]] = {
    "map": _map_slide,
    "tasks": _tasks_slide,
    "feedback": _feedback_slide,
    "infrastructure": _infra_slide,
}
