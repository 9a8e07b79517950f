"""The province pack: A4 landscape, one page each for the heat map, tasks, feedback and 5G.

Each page's figures come from the function its dashboard page calls (``metrics.scorecard``,
``metrics.task_board.task_board``, ``metrics.feedback_board.feedback_board``,
``metrics.infra_board.infra_board``) with the pack's filters, and each page prints those filters
and the data-as-of day at its top: a page torn out of the pack still says what it shows.
Lists are cut to a fixed number of rows ("và N mục khác") so that every page fits.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine

from common.periods import month_end
from data.registry import load_units as load_registry_units
from geo.palette import BAND_STYLES
from geo.tiles import tile_layout
from metrics import band_counts, scorecard
from metrics.api import UnknownPeriod, resolve_period
from metrics.bands import DISPLAY_ORDER, Band
from metrics.feedback_board import FeedbackBoard, FeedbackFilters, feedback_board
from metrics.feedback_board import feedback_filter_options as _feedback_options
from metrics.infra_board import InfraBoard, InfraFilters, infra_board, infra_filter_options
from metrics.site_pipeline import TARGET_DAY
from metrics.task_board import TaskBoard, TaskBucket, TaskFilters, task_board, task_filter_options
from reports.charts import coverage_chart_png, heat_map_png
from reports.facts import feedback_period, judged_day
from reports.pdf import INK, MUTED, NAVY, PALE, RULE, Document, PageText, hex_rgb
from reports.text import Words, missing

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
LEFT = 12.0
WIDTH = 273.0  # A4 landscape (297 mm) less the margins
TOP = 32.0  # where a page's body starts, under its title bar and filter line
ROWS = 14  # rows of a page's list; the rest is "và N mục khác"
PAGES = ("map", "tasks", "feedback", "infrastructure")


@dataclass(frozen=True)
class PackFilters:
    """The viewer's filters. ``period``: the month (first day; None: the newest scored);
    ``peer_group`` narrows the heat map's counts and the infrastructure page; ``department``
    (a lead department's code) the tasks page; ``category_group`` the feedback page;
    ``operator`` the infrastructure page."""

    period: date | None = None
    peer_group: str | None = None
    department: str | None = None
    category_group: str | None = None
    operator: str | None = None


# Which pack filter each page applies (the others are printed as "not used on this page").
APPLIES: dict[str, frozenset[str]] = {
    "map": frozenset({"peer_group"}),
    "tasks": frozenset({"department"}),
    "feedback": frozenset({"category_group"}),
    "infrastructure": frozenset({"peer_group", "operator"}),
}
FILTER_KEYS = ("peer_group", "department", "category_group", "operator")


@dataclass(frozen=True)
class PackData:
    """The four boards, read once for the whole pack."""

    period: date
    card: pd.DataFrame
    previous: pd.DataFrame | None
    tasks_day: date
    tasks: TaskBoard
    feedback: FeedbackBoard | None  # None: no feedback counted for the month
    infra_day: date
    infra: InfraBoard
    departments: Mapping[str, str]  # code → short name in the reader's language
    shapes: gpd.GeoDataFrame | None  # None: the tile map
    peer_group: str | None

    @property
    def data_as_of(self) -> date:
        return min(month_end(self.period), max(self.tasks_day, self.infra_day))


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


def pack_data(
    engine: Engine,
    filters: PackFilters,
    words: Words,
    geojson: Mapping[str, Any] | None = None,
) -> PackData:
    period = resolve_period(engine, filters.period)
    card = scorecard(engine, period)
    previous_month = (period.replace(day=1) - timedelta(days=1)).replace(day=1)
    try:
        previous: pd.DataFrame | None = scorecard(engine, previous_month)
    except UnknownPeriod:  # the first scored month has none before it
        previous = None
    options = task_filter_options(engine)
    tasks_day = judged_day(period, options.last_day)
    infra_day = judged_day(period, infra_filter_options(engine).last_day)
    counted, chosen = feedback_period(period, _feedback_options(engine))
    feedback = None
    if counted:
        feedback = feedback_board(
            engine, FeedbackFilters(period=chosen, category_group=filters.category_group)
        )
    departments = options.departments
    short = f"short_{words.lang}" if f"short_{words.lang}" in departments else "short_vi"
    return PackData(
        period=period,
        card=card,
        previous=previous,
        tasks_day=tasks_day,
        tasks=task_board(engine, TaskFilters(as_of=tasks_day, department=filters.department)),
        feedback=feedback,
        infra_day=infra_day,
        infra=infra_board(
            engine,
            InfraFilters(as_of=infra_day, operator=filters.operator, peer_group=filters.peer_group),
        ),
        departments=dict(
            zip(departments["code"].astype(str), departments[short].astype(str), strict=True)
        ),
        shapes=_shapes(geojson),
        peer_group=filters.peer_group,
    )


def _shapes(geojson: Mapping[str, Any] | None) -> gpd.GeoDataFrame | None:
    if not geojson or not geojson.get("features"):
        return None
    frame = gpd.GeoDataFrame.from_features(list(geojson["features"]), crs="EPSG:4326")
    frame["code"] = frame["code"].astype(str)
    return frame


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


def filter_line(page: str, data: PackData, filters: PackFilters, words: Words) -> str:
    """ "Bộ lọc: Kỳ: tháng 10/2026 · Nhóm đơn vị: tất cả · …": the month always, each filter
    the page applies (chosen or "all"), and a chosen filter it does not apply, marked so."""
    parts = [f"{words.t('report.filter.period')}: {words.month(data.period)}"]
    for key in FILTER_KEYS:
        value = getattr(filters, key)
        label = words.t(f"report.filter.{key}")
        if key in APPLIES[page]:
            shown = (
                words.t("report.filter.all")
                if value is None
                else _filter_value(key, value, data, words)
            )
            parts.append(f"{label}: {shown}")
        elif value is not None:
            shown = _filter_value(key, value, data, words)
            parts.append(f"{label}: {shown} {words.t('report.filter.not_here')}")
    return words.t("report.filters", filters=" · ".join(parts))


def _filter_value(key: str, value: str, data: PackData, words: Words) -> str:
    if key == "peer_group":
        return words.t(f"peer_group.{value}")
    if key == "department":
        return data.departments.get(value, value)
    return value


def _page_top(pdf: Document, page: str, data: PackData, filters: PackFilters, words: Words) -> None:
    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, pdf.w, 19, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(LEFT, 3.5)
    pdf.line_of_text(words.t("report.org"), WIDTH * 0.7, size=7, style="B")
    pdf.set_xy(LEFT, 8.5)
    title = words.t(f"report.pack.title.{page}", period=words.month(data.period))
    pdf.line_of_text(title, WIDTH * 0.7, size=13, style="B", height=7)
    pdf.set_xy(LEFT + WIDTH * 0.7, 9)
    pdf.font(9.5, "B")
    as_of = words.t("report.data_as_of", date=words.day(data.data_as_of))
    pdf.cell(WIDTH * 0.3, 6, pdf.fit(as_of, WIDTH * 0.3), align="R")
    pdf.set_text_color(*INK)
    pdf.set_fill_color(*PALE)
    pdf.rect(LEFT, 21.5, WIDTH, 7, style="F")
    pdf.set_xy(LEFT + 2, 22.5)
    pdf.line_of_text(filter_line(page, data, filters, words), WIDTH - 4, size=8, height=5)


# --- small shared pieces -------------------------------------------------------------------------


def _cards(pdf: Document, cards: Sequence[tuple[str, str, str]], y: float) -> float:
    """A row of headline cards (label, value, note); returns the y below them."""
    gap = 3.0
    w = (WIDTH - gap * (len(cards) - 1)) / len(cards)
    for index, (label, value, note) in enumerate(cards):
        x = LEFT + index * (w + gap)
        pdf.set_fill_color(*PALE)
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.rect(x, y, w, CARD_H, style="DF")
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x + 2.5, y + 1.8)
        pdf.paragraph(label, w - 5, size=7.2, max_lines=2, height=3.3)  # long bucket names
        pdf.set_text_color(*INK)
        pdf.set_xy(x + 2.5, y + 9)
        pdf.line_of_text(value, w - 5, size=14, style="B", height=7.5)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x + 2.5, y + 16.5)
        pdf.line_of_text(note, w - 5, size=6.8)
        pdf.set_text_color(*INK)
    return y + CARD_H


CARD_H = 22.0
Column = tuple[str, float, str]  # header text, width mm, alignment


def _table(
    pdf: Document,
    x: float,
    y: float,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    total: int,
    words: Words,
) -> None:
    """A header and up to :data:`ROWS` rows; "và N mục khác" when ``total`` has more."""
    pdf.set_xy(x, y)
    pdf.set_fill_color(*PALE)
    pdf.set_draw_color(*RULE)
    pdf.font(7.5, "B")
    pdf.set_text_color(*MUTED)
    for header, width, align in columns:
        pdf.cell(width, 5.5, pdf.fit(header, width - 1), border="B", align=align, fill=True)
    pdf.set_text_color(*INK)
    pdf.font(8)
    for row_index, cells in enumerate(rows[:ROWS]):
        pdf.set_xy(x, y + 5.5 + row_index * 5.2)
        for (_header, width, align), text in zip(columns, cells, strict=True):
            pdf.cell(width, 5.2, pdf.fit(text, width - 1.5), border="B", align=align)
    hidden = total - min(len(rows), ROWS)
    if hidden > 0:
        pdf.set_xy(x, y + 5.5 + min(len(rows), ROWS) * 5.2 + 0.5)
        pdf.set_text_color(*MUTED)
        pdf.line_of_text(words.t("report.more", n=words.num(hidden)), 80, 7.5, "I")
        pdf.set_text_color(*INK)


def _none_line(pdf: Document, x: float, y: float, text: str, width: float) -> None:
    pdf.set_xy(x, y)
    pdf.line_of_text(text, width, size=8.5)


def _names(data: PackData) -> dict[str, str]:
    card = data.card
    return dict(zip(card["unit_code"].astype(str), card["full_name"].astype(str), strict=True))


# --- page 1: the heat map ------------------------------------------------------------------------


def _heat_map(
    card: pd.DataFrame,
    lang: str,
    shapes: gpd.GeoDataFrame | None,
    peer_group: str | None,
    size_in: tuple[float, float] = (7.2, 6.2),
) -> bytes:
    """The units in their bands' colours (units outside ``peer_group`` pale): on their
    boundaries when given, else on the tile map, as the dashboard's home page does."""
    codes = card["unit_code"].astype(str)
    faded = frozenset(codes[card["peer_group"] != peer_group]) if peer_group else frozenset()
    return heat_map_png(
        dict(zip(codes, card["band"].astype(str), strict=True)),
        lang,
        shapes=shapes,
        cells=None if shapes is not None else tile_layout(load_registry_units()),
        names=dict(zip(codes, card["name"].astype(str), strict=True)),
        faded=faded,
        size_in=size_in,
    )


MAP_W, MAP_H = 165.0, 160.0


def _map_page(pdf: Document, data: PackData, words: Words) -> None:
    size = (MAP_W / 25.4, MAP_H / 25.4)
    png = _heat_map(data.card, words.lang, data.shapes, data.peer_group, size)
    pdf.image(io.BytesIO(png), x=LEFT, y=TOP, w=MAP_W, h=MAP_H)
    pdf.set_xy(LEFT, TOP + MAP_H)
    pdf.set_text_color(*MUTED)
    source = "report.pack.map_boundaries" if data.shapes is not None else "report.pack.map_tiles"
    pdf.line_of_text(words.t(source), MAP_W, size=7)
    pdf.set_text_color(*INK)
    _band_summary(pdf, data, words, data.peer_group)


def _band_summary(pdf: Document, data: PackData, words: Words, group: str | None) -> None:
    x, width = LEFT + 172, WIDTH - 172
    scope = data.card if group is None else data.card[data.card["peer_group"] == group]
    counts = band_counts(scope)
    pdf.set_xy(x, TOP)
    pdf.heading(words.t("report.pack.band_counts", n=words.num(len(scope))), width)
    for band in DISPLAY_ORDER:
        style = BAND_STYLES[band]
        y = pdf.get_y()
        pdf.set_fill_color(*hex_rgb(style.fill))
        pdf.set_draw_color(*hex_rgb(style.line))
        pdf.rect(x, y + 0.8, 5, 5, style="DF")
        pdf.set_xy(x + 7, y)
        share = words.pct(100 * counts[band] / len(scope) if len(scope) else None, 0)
        label = f"{style.symbol} {words.t(f'band.{band}')}"
        pdf.font(9)
        pdf.cell(width - 38, 6.5, pdf.fit(label, width - 38))
        pdf.font(9, "B")
        pdf.cell(14, 6.5, words.num(counts[band]), align="R")
        pdf.font(8)
        pdf.set_text_color(*MUTED)
        pdf.cell(17, 6.5, share, align="R")
        pdf.set_text_color(*INK)
        pdf.set_xy(x, y + 7)
    coloured = scope[scope["band"] != Band.GREY]["composite"]
    median = words.num(coloured.median() if len(coloured) else None, 1)
    pdf.set_xy(x, pdf.get_y() + 1)
    pdf.line_of_text(words.t("report.pack.median", value=median), width, size=8.5)
    _unit_list(pdf, x, width, words.t("report.pack.red_units"), _red_rows(scope, words), words)
    _unit_list(pdf, x, width, words.t("report.pack.dropped"), _dropped_rows(scope, words), words)


def _red_rows(scope: pd.DataFrame, words: Words) -> list[tuple[str, str]]:
    red = scope[scope["band"] == Band.RED].sort_values("composite", kind="stable")
    return [(str(r.full_name), words.num(r.composite, 1)) for r in red.itertuples()]


def _dropped_rows(scope: pd.DataFrame, words: Words) -> list[tuple[str, str]]:
    fell = scope[scope["delta"] < 0].sort_values("delta", kind="stable")
    return [(str(r.full_name), words.signed(r.delta)) for r in fell.itertuples()]


UNIT_LIST_ROWS = 6


def _unit_list(
    pdf: Document, x: float, width: float, title: str, rows: list[tuple[str, str]], words: Words
) -> None:
    pdf.set_xy(x, pdf.get_y() + 3)
    pdf.heading(f"{title} ({words.num(len(rows))})", width)
    if not rows:
        pdf.set_x(x)
        pdf.line_of_text(words.t("report.pack.none"), width, size=8)
    for name, value in rows[:UNIT_LIST_ROWS]:
        pdf.set_x(x)
        pdf.font(8.5)
        pdf.cell(width - 20, 5, pdf.fit(name, width - 21))
        pdf.font(8.5, "B")
        pdf.cell(20, 5, value, align="R", new_x="LEFT", new_y="NEXT")
        pdf.set_x(x)
    if len(rows) > UNIT_LIST_ROWS:
        pdf.set_x(x)
        pdf.set_text_color(*MUTED)
        hidden = words.num(len(rows) - UNIT_LIST_ROWS)
        pdf.line_of_text(words.t("report.more", n=hidden), width, 7.5, "I")
        pdf.set_text_color(*INK)


# --- page 2: tasks -------------------------------------------------------------------------------

BUCKETS = (
    TaskBucket.DONE_ON_TIME,
    TaskBucket.DONE_LATE,
    TaskBucket.IN_PROGRESS,
    TaskBucket.OVERDUE,
    TaskBucket.NOT_STARTED,
)


def _tasks_page(pdf: Document, data: PackData, words: Words) -> None:
    board = data.tasks
    register = board.register
    due = int(register["due"].sum()) if not register.empty else 0
    overdue_n = board.buckets.get(TaskBucket.OVERDUE, 0)
    cards = [
        (words.t(f"tasks.bucket.{b}"), words.num(board.buckets.get(b, 0)), "") for b in BUCKETS
    ]
    cards.append(
        (
            words.t("report.pack.overdue_share"),
            words.pct(100 * overdue_n / due if due else None),
            words.t("report.pack.of_due", n=words.num(due)),
        )
    )
    cards.append((words.t("report.brief.escalated"), words.num(len(board.escalations)), ""))
    pdf.set_xy(LEFT, TOP)
    pdf.line_of_text(words.t("report.pack.judged_at", date=words.day(data.tasks_day)), WIDTH, 8)
    y = _cards(pdf, cards, TOP + 6)
    ageing = " · ".join(
        f"{words.t(f'tasks.ageing.{row.bucket}')}: {words.num(row.count)}"
        for row in board.ageing.itertuples(index=False)
    )
    pdf.set_xy(LEFT, y + 2)
    pdf.line_of_text(f"{words.t('tasks.ageing_title')}: {ageing}", WIDTH, size=8.5)
    pdf.set_xy(LEFT, pdf.get_y() + 2)
    pdf.heading(words.t("report.pack.longest_overdue"))
    overdue = register[register["status"] == TaskBucket.OVERDUE.value].sort_values(
        "days_overdue", ascending=False, kind="stable"
    )
    if overdue.empty:
        _none_line(pdf, LEFT, pdf.get_y(), words.t("tasks.block.overdue_none"), WIDTH)
        return
    columns: list[Column] = [
        (words.t("report.col.code"), 18, "L"),
        (words.t("report.col.task"), 95, "L"),
        (words.t("report.col.unit"), 42, "L"),
        (words.t("report.col.lead"), 30, "L"),
        (words.t("report.col.responsible"), 40, "L"),
        (words.t("report.col.deadline"), 22, "C"),
        (words.t("report.col.days_overdue"), 26, "R"),
    ]
    rows = [_task_row(row, words) for row in overdue.head(ROWS).itertuples(index=False)]
    _table(pdf, LEFT, pdf.get_y(), columns, rows, len(overdue), words)


def _task_row(row: Any, words: Words) -> list[str]:
    unit = row.unit_name if not missing(row.unit_name) else words.t("report.pack.department_own")
    return [
        str(row.task_code),
        str(getattr(row, f"title_{words.lang}", None) or row.title_vi),
        str(unit),
        str(getattr(row, f"lead_short_{words.lang}", None) or row.lead_short_vi),
        "" if missing(row.responsible_name) else str(row.responsible_name),
        words.day(row.deadline),
        words.t("report.days", n=words.num(row.days_overdue)),
    ]


# --- page 3: feedback ----------------------------------------------------------------------------


def _feedback_page(pdf: Document, data: PackData, words: Words) -> None:
    board = data.feedback
    if board is None:
        _none_line(
            pdf,
            LEFT,
            TOP,
            words.t("feedback.block.no_data", period=words.month(data.period)),
            WIDTH,
        )
        return
    head = board.headline
    pdf.set_xy(LEFT, TOP)
    pdf.line_of_text(words.t("report.brief.at", instant=_instant(board, words)), WIDTH, 8)
    cards = [
        (words.t("report.kpi.open"), words.num(head.open), ""),
        (words.t("report.kpi.open_overdue"), words.num(head.open_overdue), ""),
        (words.t("report.kpi.overdue_share"), words.pct(head.overdue_share), ""),
        (words.t("report.kpi.received"), words.num(head.received), ""),
        (words.t("report.kpi.on_time"), words.pct(head.on_time_share), ""),
        (words.t("report.kpi.satisfied"), words.pct(head.satisfaction_share), ""),
        (words.t("report.kpi.no_evidence"), words.pct(head.without_evidence_share), ""),
    ]
    y = _cards(pdf, cards, TOP + 6)
    ageing = " · ".join(
        f"{words.t(f'feedback.age.{row.bucket}')}: {words.num(row.cases)}"
        for row in board.ageing.itertuples(index=False)
    )
    pdf.set_xy(LEFT, y + 2)
    pdf.line_of_text(f"{words.t('feedback.ageing_title')}: {ageing}", WIDTH, size=8.5)
    pdf.set_xy(LEFT, pdf.get_y() + 2)
    pdf.heading(words.t("report.pack.most_overdue"))
    units = board.by_unit[board.by_unit["open_overdue"] > 0].sort_values(
        ["open_overdue", "open"], ascending=False, kind="stable"
    )
    if units.empty:
        _none_line(pdf, LEFT, pdf.get_y(), words.t("report.pack.no_overdue_units"), WIDTH)
        return
    names = _names(data)
    columns: list[Column] = [
        (words.t("report.col.unit"), 57, "L"),
        (words.t("report.kpi.open_overdue"), 28, "R"),
        (words.t("report.kpi.open"), 26, "R"),
        (words.t("report.kpi.received"), 40, "R"),
        (words.t("report.kpi.on_time"), 40, "R"),
        (words.t("report.kpi.satisfied"), 38, "R"),
        (words.t("report.kpi.no_evidence"), 44, "R"),
    ]
    rows = [
        [
            names.get(str(r.unit_code), str(r.unit_name)),
            words.num(r.open_overdue),
            words.num(r.open),
            words.num(r.received),
            words.pct(r.on_time_pct),
            words.pct(r.satisfaction_pct),
            words.pct(r.without_evidence_pct),
        ]
        for r in units.head(ROWS).itertuples(index=False)
    ]
    _table(pdf, LEFT, pdf.get_y(), columns, rows, len(units), words)


def _instant(board: FeedbackBoard, words: Words) -> str:
    if board.is_latest:
        return words.t("feedback.instant.latest", when=words.when(board.as_of))
    last_day = (board.as_of - timedelta(microseconds=1)).date()
    return words.t("feedback.instant.month_end", month=words.month(last_day))


# --- page 4: infrastructure ----------------------------------------------------------------------


def _infra_page(pdf: Document, data: PackData, words: Words) -> None:
    board = data.infra
    head = board.headline
    pdf.set_xy(LEFT, TOP)
    pdf.line_of_text(words.t("report.pack.judged_at", date=words.day(data.infra_day)), WIDTH, 8)
    cards = [
        (
            words.t("report.kpi.centres_5g"),
            f"{words.num(head.centres_covered)}/{words.num(head.units)}",
            words.pct(head.covered_pct),
        ),
        (words.t("report.kpi.glide"), words.pct(head.glide_pct), words.t("report.kpi.glide_note")),
        (words.t("report.kpi.gap"), words.signed(head.gap_pts), words.t("report.kpi.gap_note")),
        (
            words.t("report.kpi.sites"),
            f"{words.num(head.on_air)}/{words.num(head.sites)}",
            words.t("infrastructure.block.blocked", n=words.num(head.blocked)),
        ),
        (words.t("report.kpi.population_5g"), words.pct(head.population_5g_pct), ""),
        (words.t("report.kpi.fibre"), words.pct(head.fibre_connected_pct), ""),
        (words.t("report.kpi.will_miss"), words.num(head.will_miss), ""),
    ]
    y = _cards(pdf, cards, TOP + 6)
    chart_w = 150.0
    pdf.set_xy(LEFT, y + 4)
    pdf.heading(words.t("report.pack.coverage_title"), chart_w)
    png = coverage_chart_png(
        board.coverage, words.lang, target_day=TARGET_DAY, size_in=(chart_w / 25.4, 95 / 25.4)
    )
    pdf.image(io.BytesIO(png), x=LEFT, y=pdf.get_y(), w=chart_w, h=95)
    _will_miss(pdf, data, words, LEFT + chart_w + 8, y + 4, WIDTH - chart_w - 8)


def _will_miss(
    pdf: Document, data: PackData, words: Words, x: float, y: float, width: float
) -> None:
    frame = data.infra.will_miss
    pdf.set_xy(x, y)
    pdf.heading(words.t("report.pack.will_miss", n=words.num(len(frame))), width)
    if frame.empty:
        _none_line(pdf, x, pdf.get_y(), words.t("report.pack.none"), width)
        return
    names = _names(data)
    columns: list[Column] = [
        (words.t("report.col.unit"), width - 60, "L"),
        (words.t("report.col.stage"), 30, "L"),
        (words.t("report.col.since"), 18, "C"),
        (words.t("report.col.days_stuck"), 12, "R"),
    ]
    rows = [
        [
            names.get(str(r.unit_code), str(r.unit_name)),
            words.t(f"infrastructure.stage.{r.stage}") if not missing(r.stage) else "–",
            words.day(r.since),
            words.num(r.days_stuck) if not missing(r.days_stuck) else "–",
        ]
        for r in frame.head(ROWS).itertuples(index=False)
    ]
    _table(pdf, x, pdf.get_y(), columns, rows, len(frame), words)


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
    return _heat_map(card, Words(lang).lang, _shapes(geojson), peer_group)


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
