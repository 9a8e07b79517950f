"""What the province pack says, whatever it is printed on: the PDF (``reports.pack``) and the
PowerPoint file (``reports.pack_pptx``) both lay out what this module returns.

Each subject's figures come from the function its dashboard page calls (``metrics.scorecard``,
``metrics.task_board.task_board``, ``metrics.feedback_board.feedback_board``,
``metrics.infra_board.infra_board``) with the pack's filters, read once by :func:`pack_data`;
the texts, cards and table rows below are formatted from them in the reader's language. Only
the layout (sizes, widths, how many rows fit) belongs to a renderer, so the PDF and the slides
cannot disagree on a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine

from common.periods import month_end
from common.workcalendar import VIETNAM_TZ
from data.registry import load_units as load_registry_units
from geo.palette import BAND_STYLES
from geo.tiles import tile_layout
from metrics import band_counts, scorecard
from metrics.api import UnknownPeriod, resolve_period
from metrics.bands import DISPLAY_ORDER, Band
from metrics.feedback_board import FeedbackBoard, FeedbackFilters, feedback_board
from metrics.feedback_board import feedback_filter_options as _feedback_options
from metrics.infra_board import InfraBoard, InfraFilters, infra_board, infra_filter_options
from metrics.task_board import TaskBoard, TaskBucket, TaskFilters, task_board, task_filter_options
from reports.charts import heat_map_png
from reports.facts import feedback_period, judged_day
from reports.text import Words, missing

PAGES = ("map", "tasks", "feedback", "infrastructure")
VIETNAM = VIETNAM_TZ  # the pack's "made at" time


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
        shapes=shapes_from_geojson(geojson),
        peer_group=filters.peer_group,
    )


def shapes_from_geojson(geojson: Mapping[str, Any] | None) -> gpd.GeoDataFrame | None:
    if not geojson or not geojson.get("features"):
        return None
    frame = gpd.GeoDataFrame.from_features(list(geojson["features"]), crs="EPSG:4326")
    frame["code"] = frame["code"].astype(str)
    return frame


# --- every page's top: title, filters, data-as-of ------------------------------------------------


def page_title(page: str, data: PackData, words: Words) -> str:
    return words.t(f"report.pack.title.{page}", period=words.month(data.period))


def data_as_of_text(data: PackData, words: Words) -> str:
    return words.t("report.data_as_of", date=words.day(data.data_as_of))


def filter_parts(
    applies: frozenset[str], data: PackData, filters: PackFilters, words: Words
) -> list[str]:
    """ "Kỳ: tháng 10/2026", "Nhóm đơn vị: tất cả", …: the month always, each filter in
    ``applies`` (chosen or "all"), and a chosen filter outside it, marked as not used."""
    parts = [f"{words.t('report.filter.period')}: {words.month(data.period)}"]
    for key in FILTER_KEYS:
        value = getattr(filters, key)
        label = words.t(f"report.filter.{key}")
        if key in applies:
            shown = (
                words.t("report.filter.all") if value is None else _value(key, value, data, words)
            )
            parts.append(f"{label}: {shown}")
        elif value is not None:
            shown = _value(key, value, data, words)
            parts.append(f"{label}: {shown} {words.t('report.filter.not_here')}")
    return parts


def filter_line(page: str, data: PackData, filters: PackFilters, words: Words) -> str:
    """ "Bộ lọc: Kỳ: tháng 10/2026 · Nhóm đơn vị: tất cả · …" for ``page``."""
    parts = filter_parts(APPLIES[page], data, filters, words)
    return words.t("report.filters", filters=" · ".join(parts))


def _value(key: str, value: str, data: PackData, words: Words) -> str:
    if key == "peer_group":
        return words.t(f"peer_group.{value}")
    if key == "department":
        return data.departments.get(value, value)
    return value


# --- the pieces a page is made of ----------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """A headline figure: its label, value and a note under it ("" for none)."""

    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A list's header (text, alignment "L"/"C"/"R") and its first rows; ``total`` counts all
    of them, so ``hidden`` is what "và N mục khác" says. Widths are the renderer's."""

    headers: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, ...], ...]
    total: int

    @property
    def hidden(self) -> int:
        return max(self.total - len(self.rows), 0)


def more_text(hidden: int, words: Words) -> str:
    """ "và 12 mục khác" ("" when nothing is hidden)."""
    return words.t("report.more", n=words.num(hidden)) if hidden > 0 else ""


@dataclass(frozen=True)
class UnitList:
    """A short list of units with one figure each, under "title (n)"."""

    title: str
    rows: tuple[tuple[str, str], ...]
    total: int

    @property
    def hidden(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass(frozen=True)
class Section:
    """A subject page's body: the instant it stands for, its cards, an ageing line ("" for
    none), the list's heading and the list (None: ``empty`` says there is nothing to list)."""

    lead: str
    cards: tuple[Card, ...]
    ageing: str
    heading: str
    table: Table | None
    empty: str


def unit_names(data: PackData) -> dict[str, str]:
    card = data.card
    return dict(zip(card["unit_code"].astype(str), card["full_name"].astype(str), strict=True))


# --- the heat map --------------------------------------------------------------------------------


def heat_map(
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


@dataclass(frozen=True)
class BandRow:
    band: str
    label: str  # "✓ Xanh": symbol and name
    count: str
    share: str


@dataclass(frozen=True)
class MapSection:
    source: str  # the map's caption: boundaries or tile map
    heading: str  # "Số đơn vị theo mức (14 đơn vị)"
    bands: tuple[BandRow, ...]
    median: str
    red: UnitList
    dropped: UnitList


def map_section(data: PackData, words: Words, list_rows: int) -> MapSection:
    """The heat map page's figures for the chosen peer group (all units without one)."""
    group = data.peer_group
    scope = data.card if group is None else data.card[data.card["peer_group"] == group]
    counts = band_counts(scope)
    bands = tuple(
        BandRow(
            band=str(band),
            label=f"{BAND_STYLES[band].symbol} {words.t(f'band.{band}')}",
            count=words.num(counts[band]),
            share=words.pct(100 * counts[band] / len(scope) if len(scope) else None, 0),
        )
        for band in DISPLAY_ORDER
    )
    coloured = scope[scope["band"] != Band.GREY]["composite"]
    median = words.num(coloured.median() if len(coloured) else None, 1)
    source = "report.pack.map_boundaries" if data.shapes is not None else "report.pack.map_tiles"
    red = scope[scope["band"] == Band.RED].sort_values("composite", kind="stable")
    fell = scope[scope["delta"] < 0].sort_values("delta", kind="stable")
    return MapSection(
        source=words.t(source),
        heading=words.t("report.pack.band_counts", n=words.num(len(scope))),
        bands=bands,
        median=words.t("report.pack.median", value=median),
        red=_unit_list(
            words.t("report.pack.red_units"),
            [(str(r.full_name), words.num(r.composite, 1)) for r in red.itertuples()],
            list_rows,
            words,
        ),
        dropped=_unit_list(
            words.t("report.pack.dropped"),
            [(str(r.full_name), words.signed(r.delta)) for r in fell.itertuples()],
            list_rows,
            words,
        ),
    )


def _unit_list(title: str, rows: list[tuple[str, str]], limit: int, words: Words) -> UnitList:
    return UnitList(f"{title} ({words.num(len(rows))})", tuple(rows[:limit]), len(rows))


# --- tasks ---------------------------------------------------------------------------------------

BUCKETS = (
    TaskBucket.DONE_ON_TIME,
    TaskBucket.DONE_LATE,
    TaskBucket.IN_PROGRESS,
    TaskBucket.OVERDUE,
    TaskBucket.NOT_STARTED,
)


def tasks_section(data: PackData, words: Words, rows: int) -> Section:
    """Task buckets, the overdue share, escalations, ageing and the longest overdue tasks."""
    board = data.tasks
    register = board.register
    due = int(register["due"].sum()) if not register.empty else 0
    overdue_n = board.buckets.get(TaskBucket.OVERDUE, 0)
    cards = [
        Card(words.t(f"tasks.bucket.{b}"), words.num(board.buckets.get(b, 0))) for b in BUCKETS
    ]
    cards.append(
        Card(
            words.t("report.pack.overdue_share"),
            words.pct(100 * overdue_n / due if due else None),
            words.t("report.pack.of_due", n=words.num(due)),
        )
    )
    cards.append(Card(words.t("report.brief.escalated"), words.num(len(board.escalations))))
    ageing = " · ".join(
        f"{words.t(f'tasks.ageing.{row.bucket}')}: {words.num(row.count)}"
        for row in board.ageing.itertuples(index=False)
    )
    overdue = register[register["status"] == TaskBucket.OVERDUE.value].sort_values(
        "days_overdue", ascending=False, kind="stable"
    )
    table = None
    if not overdue.empty:
        headers = (
            (words.t("report.col.code"), "L"),
            (words.t("report.col.task"), "L"),
            (words.t("report.col.unit"), "L"),
            (words.t("report.col.lead"), "L"),
            (words.t("report.col.responsible"), "L"),
            (words.t("report.col.deadline"), "C"),
            (words.t("report.col.days_overdue"), "R"),
        )
        shown = tuple(_task_row(row, words) for row in overdue.head(rows).itertuples(index=False))
        table = Table(headers, shown, len(overdue))
    return Section(
        lead=words.t("report.pack.judged_at", date=words.day(data.tasks_day)),
        cards=tuple(cards),
        ageing=f"{words.t('tasks.ageing_title')}: {ageing}",
        heading=words.t("report.pack.longest_overdue"),
        table=table,
        empty=words.t("tasks.block.overdue_none"),
    )


def _task_row(row: Any, words: Words) -> tuple[str, ...]:
    unit = row.unit_name if not missing(row.unit_name) else words.t("report.pack.department_own")
    return (
        str(row.task_code),
        str(getattr(row, f"title_{words.lang}", None) or row.title_vi),
        str(unit),
        str(getattr(row, f"lead_short_{words.lang}", None) or row.lead_short_vi),
        "" if missing(row.responsible_name) else str(row.responsible_name),
        words.day(row.deadline),
        words.t("report.days", n=words.num(row.days_overdue)),
    )


# --- feedback ------------------------------------------------------------------------------------


def no_feedback_text(data: PackData, words: Words) -> str:
    return words.t("feedback.block.no_data", period=words.month(data.period))


def feedback_section(data: PackData, words: Words, rows: int) -> Section | None:
    """Open and overdue cases, the month's shares, ageing and the units with most overdue;
    None when no feedback is counted for the month (:func:`no_feedback_text` says so)."""
    board = data.feedback
    if board is None:
        return None
    head = board.headline
    cards = (
        Card(words.t("report.kpi.open"), words.num(head.open)),
        Card(words.t("report.kpi.open_overdue"), words.num(head.open_overdue)),
        Card(words.t("report.kpi.overdue_share"), words.pct(head.overdue_share)),
        Card(words.t("report.kpi.received"), words.num(head.received)),
        Card(words.t("report.kpi.on_time"), words.pct(head.on_time_share)),
        Card(words.t("report.kpi.satisfied"), words.pct(head.satisfaction_share)),
        Card(words.t("report.kpi.no_evidence"), words.pct(head.without_evidence_share)),
    )
    ageing = " · ".join(
        f"{words.t(f'feedback.age.{row.bucket}')}: {words.num(row.cases)}"
        for row in board.ageing.itertuples(index=False)
    )
    units = board.by_unit[board.by_unit["open_overdue"] > 0].sort_values(
        ["open_overdue", "open"], ascending=False, kind="stable"
    )
    table = None
    if not units.empty:
        names = unit_names(data)
        headers = (
            (words.t("report.col.unit"), "L"),
            (words.t("report.kpi.open_overdue"), "R"),
            (words.t("report.kpi.open"), "R"),
            (words.t("report.kpi.received"), "R"),
            (words.t("report.kpi.on_time"), "R"),
            (words.t("report.kpi.satisfied"), "R"),
            (words.t("report.kpi.no_evidence"), "R"),
        )
        shown = tuple(
            (
                names.get(str(r.unit_code), str(r.unit_name)),
                words.num(r.open_overdue),
                words.num(r.open),
                words.num(r.received),
                words.pct(r.on_time_pct),
                words.pct(r.satisfaction_pct),
                words.pct(r.without_evidence_pct),
            )
            for r in units.head(rows).itertuples(index=False)
        )
        table = Table(headers, shown, len(units))
    return Section(
        lead=words.t("report.brief.at", instant=_instant(board, words)),
        cards=cards,
        ageing=f"{words.t('feedback.ageing_title')}: {ageing}",
        heading=words.t("report.pack.most_overdue"),
        table=table,
        empty=words.t("report.pack.no_overdue_units"),
    )


def _instant(board: FeedbackBoard, words: Words) -> str:
    if board.is_latest:
        return words.t("feedback.instant.latest", when=words.when(board.as_of))
    last_day = (board.as_of - timedelta(microseconds=1)).date()
    return words.t("feedback.instant.month_end", month=words.month(last_day))


# --- infrastructure ------------------------------------------------------------------------------


def infra_section(data: PackData, words: Words, rows: int) -> Section:
    """5G at the centres, the glide path and its gap, sites, population, fibre, and the units
    that will miss 2030 at the current pace (the coverage chart is the renderer's)."""
    head = data.infra.headline
    cards = (
        Card(
            words.t("report.kpi.centres_5g"),
            f"{words.num(head.centres_covered)}/{words.num(head.units)}",
            words.pct(head.covered_pct),
        ),
        Card(
            words.t("report.kpi.glide"), words.pct(head.glide_pct), words.t("report.kpi.glide_note")
        ),
        Card(words.t("report.kpi.gap"), words.signed(head.gap_pts), words.t("report.kpi.gap_note")),
        Card(
            words.t("report.kpi.sites"),
            f"{words.num(head.on_air)}/{words.num(head.sites)}",
            words.t("infrastructure.block.blocked", n=words.num(head.blocked)),
        ),
        Card(words.t("report.kpi.population_5g"), words.pct(head.population_5g_pct)),
        Card(words.t("report.kpi.fibre"), words.pct(head.fibre_connected_pct)),
        Card(words.t("report.kpi.will_miss"), words.num(head.will_miss)),
    )
    frame = data.infra.will_miss
    table = None
    if not frame.empty:
        names = unit_names(data)
        headers = (
            (words.t("report.col.unit"), "L"),
            (words.t("report.col.stage"), "L"),
            (words.t("report.col.since"), "C"),
            (words.t("report.col.days_stuck"), "R"),
        )
        shown = tuple(
            (
                names.get(str(r.unit_code), str(r.unit_name)),
                words.t(f"infrastructure.stage.{r.stage}") if not missing(r.stage) else "–",
                words.day(r.since),
                words.num(r.days_stuck) if not missing(r.days_stuck) else "–",
            )
            for r in frame.head(rows).itertuples(index=False)
        )
        table = Table(headers, shown, len(frame))
    return Section(
        lead=words.t("report.pack.judged_at", date=words.day(data.infra_day)),
        cards=cards,
        ageing="",
        heading=words.t("report.pack.will_miss", n=words.num(len(frame))),
        table=table,
        empty=words.t("report.pack.none"),
    )
