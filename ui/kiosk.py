"""Big-screen (kiosk) mode: the four subjects in turn on the meeting-room screen.

Reached by a link (``/presentation?mode=kiosk&pages=home,tasks&every=30``): no sidebar or
chrome, a dark theme, type sized for reading at 5 m on 1920×1080, a clock and a "data as of"
stamp. Rotation and data refresh are Streamlit fragments with ``run_every``: only the slide is
redrawn, never the page, so nothing reloads and the header's clock keeps its place.

The slides are drawn as our own HTML (cards and lists) so that their size and colours do not
depend on the app's light theme; every value that reaches that HTML goes through
:func:`html_text`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from common.workcalendar import VIETNAM_TZ
from geo.palette import BAND_STYLES
from geo.tilemap import BIG_SCREEN_LOOK, SHORT_SCREEN_LOOK, tile_figure
from metrics.api import default_period
from metrics.bands import DISPLAY_ORDER
from metrics.feedback_board import FeedbackFilters
from metrics.infra_board import InfraFilters
from metrics.task_board import TaskBucket, TaskFilters, overdue_by_task
from ui.heatmap import tile_cells
from ui.loaders import (
    load_dataset_status,
    load_feedback_board,
    load_feedback_options,
    load_home_view,
    load_infra_board,
    load_infra_options,
    load_periods,
    load_task_board,
    load_task_options,
    load_tile_layout,
)
from ui.text import current_language, day, month, num, pct, t

MODE_PARAM = "mode"  # ?mode=kiosk turns the presentation page into the big screen
KIOSK_MODE = "kiosk"
PAGES_PARAM = "pages"
EVERY_PARAM = "every"

SLIDES = ("home", "tasks", "feedback", "infrastructure")  # the pages' own URL names
ALIASES = {"heatmap": "home", "map": "home", "infra": "infrastructure"}
DEFAULT_EVERY_S = 30
MIN_EVERY_S = 5  # below this a slide is gone before the room has read it
MAX_EVERY_S = 3600
CLOCK_EVERY_S = 10  # the clock shows minutes: a 10 s refresh is never a minute late
STEP_KEY = "_kiosk_step"
LIST_ROWS = 6  # rows in a slide's list: more is not readable from the back of the room
MAP_HEIGHT_PX = 860  # the tile map on 1920×1080: 11 rows of ≈ 78 px squares
SHORT_MAP_HEIGHT_PX = 600  # on a 1366×768 projector

PROVINCE_TIME = VIETNAM_TZ  # the clock shows the province's time, whatever the server's


@dataclass(frozen=True)
class KioskPlan:
    """What the link asked for, made safe: the slides in order, the seconds per slide, and the
    notes (i18n key, values) that say what was wrong with the link and what is shown instead."""

    slides: tuple[str, ...]
    every_s: int
    notes: tuple[tuple[str, dict[str, str]], ...] = ()


def kiosk_requested(params: Mapping[str, str]) -> bool:
    return params.get(MODE_PARAM) == KIOSK_MODE


def kiosk_plan(pages: str | None, every: str | None) -> KioskPlan:
    """The rotation a kiosk link asks for; an unknown page or a nonsense interval falls back to
    the defaults, with a note for each."""
    notes: list[tuple[str, dict[str, str]]] = []
    slides: list[str] = []
    for raw in (pages or "").split(","):
        name = raw.strip().lower()
        if not name:
            continue
        name = ALIASES.get(name, name)
        if name not in SLIDES:
            notes.append(("kiosk.unknown_page", {"value": raw.strip()[:40]}))
        elif name not in slides:
            slides.append(name)
    if not slides:
        if pages:
            notes.append(("kiosk.no_known_page", {}))
        slides = list(SLIDES)
    every_s = DEFAULT_EVERY_S
    if every is not None and every.strip():
        seconds = _whole_seconds(every)
        if seconds is None or not MIN_EVERY_S <= seconds <= MAX_EVERY_S:
            notes.append(
                (
                    "kiosk.bad_interval",
                    {
                        "value": every.strip()[:40],
                        "low": str(MIN_EVERY_S),
                        "high": str(MAX_EVERY_S),
                        "default": str(DEFAULT_EVERY_S),
                    },
                )
            )
        else:
            every_s = seconds
    return KioskPlan(tuple(slides), every_s, tuple(notes))


def _whole_seconds(text: str) -> int | None:
    """ "30" or "30s" → 30; anything else (letters, fractions, signs) → None."""
    value = text.strip().lower().removesuffix("s")
    return int(value) if value.isdigit() and len(value) <= 6 else None


def kiosk_link(slides: tuple[str, ...] = SLIDES, every_s: int = DEFAULT_EVERY_S) -> str:
    """The relative link that opens the big screen (shown on the presentation page)."""
    lang = current_language()
    return (
        f"presentation?{MODE_PARAM}={KIOSK_MODE}&{PAGES_PARAM}={','.join(slides)}"
        f"&{EVERY_PARAM}={every_s}&lang={lang.upper()}"
    )


def html_text(value: object) -> str:
    """Any value placed in the slides' HTML: shown as text, never read as markup."""
    return html.escape(str(value), quote=True)


def now_in_province() -> datetime:
    return datetime.now(PROVINCE_TIME)


# --- the page --------------------------------------------------------------------------------


def show_kiosk(params: Mapping[str, str]) -> None:
    plan = kiosk_plan(params.get(PAGES_PARAM), params.get(EVERY_PARAM))
    st.html(f"<style>{KIOSK_CSS}</style>")
    st.fragment(_clock, run_every=CLOCK_EVERY_S)()
    for key, values in plan.notes:
        st.html(f'<div class="kiosk-note" role="status">{html_text(t(key, **values))}</div>')
    st.fragment(_slide, run_every=plan.every_s)(plan)


def _clock() -> None:
    """The clock and the date, pinned to the top right corner; redrawn every few seconds."""
    now = now_in_province()
    st.html(
        f'<div class="kiosk-clock" data-testid="kiosk-clock">{now:%H:%M}'
        f'<span class="kiosk-date">{html_text(_weekday(now))} {html_text(day(now.date()))}'
        "</span></div>"
    )


def _weekday(moment: datetime) -> str:
    return t(f"kiosk.weekday.{moment.isoweekday()}")


def _slide(plan: KioskPlan) -> None:
    """The next slide in the rotation, with fresh figures (the loaders re-read changed data)."""
    step = int(st.session_state.get(STEP_KEY, -1)) + 1
    st.session_state[STEP_KEY] = step
    name = plan.slides[step % len(plan.slides)]
    following = plan.slides[(step + 1) % len(plan.slides)]
    refreshed = now_in_province()
    as_of = SLIDE_BUILDERS[name]()
    dots = "".join(
        f'<span class="kiosk-dot{" on" if s == name else ""}"></span>' for s in plan.slides
    )
    stamp = t("kiosk.as_of", day=day(as_of)) if as_of else t("kiosk.no_data")
    next_text = t("kiosk.next", page=t(f"kiosk.slide.{following}"), seconds=num(plan.every_s))
    st.html(
        f'<div class="kiosk-footer" data-kiosk-slide="{html_text(name)}"'
        f' data-kiosk-run="{step}">'
        f"<span>{html_text(stamp)} · "
        f"{html_text(t('kiosk.refreshed', time=f'{refreshed:%H:%M:%S}'))}</span>"
        f'<span class="kiosk-dots">{dots}</span>'
        f"<span>{html_text(next_text)}</span></div>"
    )


def _slide_title(name: str, detail: str = "") -> None:
    """The slide's name, large, and under it who is reporting, on which month and data."""
    period = default_period(load_periods())
    parts = [t("kiosk.title")]
    if period:
        parts.append(t("kiosk.period", period=month(period)))
    if detail:
        parts.append(detail)
    demo = (
        f' <span class="kiosk-demo">{html_text(t("kiosk.demo"))}</span>'
        if load_dataset_status().has_demo_data
        else ""
    )
    st.html(
        f'<div class="kiosk-top"><h1 class="kiosk-slide-title">'
        f"{html_text(t(f'kiosk.slide.{name}'))}</h1>"
        f'<div class="kiosk-sub">{html_text(" · ".join(parts))}{demo}</div></div>'
    )


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    tone: str = ""  # "", "good", "warn", "bad": the card's accent
    note: str = ""


def cards_html(cards: list[Card], compact: bool = False) -> str:
    return (
        f'<div class="kiosk-cards{" compact" if compact else ""}">'
        + "".join(
            f'<div class="kiosk-card {html_text(c.tone)}">'
            f'<div class="kiosk-card-label">{html_text(c.label)}</div>'
            f'<div class="kiosk-card-value">{html_text(c.value)}</div>'
            + (f'<div class="kiosk-card-note">{html_text(c.note)}</div>' if c.note else "")
            + "</div>"
            for c in cards
        )
        + "</div>"
    )


def list_html(title: str, rows: list[tuple[str, str]], empty: str) -> str:
    """A ranked list: (text, figure) rows, at most :data:`LIST_ROWS`."""
    items = "".join(
        f'<li><span class="kiosk-li-text">{html_text(text)}</span>'
        f'<span class="kiosk-li-figure">{html_text(figure)}</span></li>'
        for text, figure in rows[:LIST_ROWS]
    )
    body = f"<ol>{items}</ol>" if rows else f'<p class="kiosk-empty">{html_text(empty)}</p>'
    return f'<section class="kiosk-list"><h2>{html_text(title)}</h2>{body}</section>'


@dataclass(frozen=True)
class Line:
    column: str
    label: str
    colour: str
    dash: str | None = None


TREND_HEIGHT_PX = 250


def trend_figure(frame: pd.DataFrame, x: str, lines: list[Line]) -> go.Figure:
    """A month-by-month line chart in the big screen's colours, axis text large enough for the
    room (the app's light chart theme is not used: ``theme=None`` where it is drawn)."""
    figure = go.Figure()
    for line in lines:
        figure.add_trace(
            go.Scatter(
                x=frame[x],
                y=frame[line.column],
                name=line.label,
                mode="lines+markers",
                line={"color": line.colour, "width": 4, "dash": line.dash},
                marker={"size": 8},
            )
        )
    axis = {"gridcolor": "#30363d", "tickfont": {"size": 18, "color": "#c9d1d9"}}
    figure.update_layout(
        height=TREND_HEIGHT_PX,
        margin={"l": 70, "r": 20, "t": 10, "b": 40},
        paper_bgcolor="#0d1117",
        plot_bgcolor="#0d1117",
        font={"size": 18, "color": "#f0f3f6"},
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "font": {"size": 18}},
        xaxis={**axis, "tickformat": "%m/%Y"},
        yaxis={**axis, "ticksuffix": "%", "rangemode": "tozero"},
        separators=",." if current_language() == "vi" else ".,",
    )
    return figure


def _show_trend(figure: go.Figure, key: str) -> None:
    st.plotly_chart(
        figure, key=key, theme=None, config={"displayModeBar": False, "staticPlot": True}
    )


# --- the four slides: each draws itself and returns the day its figures stand for ------------


def _home_slide() -> date | None:
    period = default_period(load_periods())
    if period is None:
        _slide_title("home")
        st.html(f'<p class="kiosk-empty">{html_text(t("home.no_scores"))}</p>')
        return None
    home = load_home_view(period, None, None, with_map=False)
    summary = home.summary
    _slide_title("home")
    left, right = st.columns([2.1, 1], gap="large")
    with left:
        cells = tile_cells(home.view, load_tile_layout())
        # CSS shows one of the two (a figure's height is fixed in pixels); both are static.
        for key, height, look in (
            ("kiosk_tiles", MAP_HEIGHT_PX, BIG_SCREEN_LOOK),
            ("kiosk_tiles_short", SHORT_MAP_HEIGHT_PX, SHORT_SCREEN_LOOK),
        ):
            st.plotly_chart(
                tile_figure(cells, height=height, look=look),
                key=key,
                theme=None,  # the figure's own dark colours, not the app's light theme
                config={"displayModeBar": False, "staticPlot": True},
            )
    tones = {"green": "good", "yellow": "warn", "red": "bad", "grey": "grey"}
    cards = [Card(t("home.kpi.average"), num(summary.average, 1))] + [
        Card(
            f"{BAND_STYLES[band].symbol} {t(f'band.{band}')}",
            num(summary.bands[band]),
            tones.get(str(band), ""),
        )
        for band in DISPLAY_ORDER
    ]
    bottom = home.lists["bottom"].rows
    with right:
        st.html(cards_html(cards, compact=True))
        st.html(
            list_html(
                t("kiosk.lowest"),
                [(str(r["full_name"]), num(r["score"], 1)) for _, r in bottom.iterrows()],
                t("kiosk.none"),
            )
        )
    return _end_of_month_or_today(period)


def _end_of_month_or_today(period: date) -> date:
    following = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return min(following - timedelta(days=1), load_dataset_end() or date.max)


def load_dataset_end() -> date | None:
    end = load_dataset_status().demo_parameters.get("end_date")
    return date.fromisoformat(end) if end else None


def _tasks_slide() -> date | None:
    options = load_task_options()
    board = load_task_board(TaskFilters(as_of=options.last_day))
    _slide_title("tasks", t("kiosk.judged_on", day=day(options.last_day)))
    b = board.buckets
    cards = [
        Card(t("kiosk.tasks.done_on_time"), num(b[TaskBucket.DONE_ON_TIME]), "good"),
        Card(t("kiosk.tasks.in_progress"), num(b[TaskBucket.IN_PROGRESS])),
        Card(t("kiosk.tasks.overdue"), num(b[TaskBucket.OVERDUE]), "bad"),
        Card(t("kiosk.tasks.not_started"), num(b[TaskBucket.NOT_STARTED]), "warn"),
        Card(t("kiosk.tasks.escalated"), num(len(board.escalations)), "bad"),
    ]
    st.html(cards_html(cards))
    left, right = st.columns(2, gap="large")
    with left:
        st.html(
            list_html(
                t("kiosk.tasks.longest_overdue"),
                longest_overdue_tasks(board.register, current_language()),
                t("kiosk.none"),
            )
        )
    with right:
        units = board.by_unit.sort_values(["overdue", "unit_name"], ascending=[False, True])
        units = units[units["overdue"] > 0]
        st.html(
            list_html(
                t("kiosk.tasks.units_most_overdue"),
                [
                    (str(r["unit_name"]), num(r["overdue"]))
                    for _, r in units.head(LIST_ROWS).iterrows()
                ],
                t("kiosk.none"),
            )
        )
    if not board.trend.empty:
        line = Line("overdue_share", t("kiosk.tasks.trend"), "#f85149")
        _show_trend(trend_figure(board.trend, "month", [line]), "kiosk_task_trend")
    return options.last_day


def longest_overdue_tasks(register: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """The overdue tasks, longest overdue first, one line per task with how many assignees are
    late on it ("48 nơi · title", "144 ngày")."""
    title = "title_vi" if lang == "vi" else "title_en"
    return [
        (
            t("kiosk.tasks.task_line", title=row[title], n=num(row["assignees"])),
            t("kiosk.days", days=num(row["days_overdue"])),
        )
        for _, row in overdue_by_task(register).head(LIST_ROWS).iterrows()
    ]


def _feedback_slide() -> date | None:
    options = load_feedback_options()
    _slide_title("feedback")
    if options.as_of is None:
        st.html(f'<p class="kiosk-empty">{html_text(t("kiosk.no_data"))}</p>')
        return None
    board = load_feedback_board(FeedbackFilters())
    h = board.headline
    cards = [
        Card(t("kiosk.feedback.open"), num(h.open)),
        Card(t("kiosk.feedback.overdue"), num(h.open_overdue), "bad", pct(h.overdue_share)),
        Card(t("kiosk.feedback.on_time"), pct(h.on_time_share), "good"),
        Card(t("kiosk.feedback.satisfied"), pct(h.satisfaction_share), "good"),
    ]
    st.html(cards_html(cards))
    units = board.by_unit[board.by_unit["open_overdue"] > 0]
    units = units.sort_values(["open_overdue", "unit_name"], ascending=[False, True])
    left, right = st.columns(2, gap="large")
    rows = [(str(r["unit_name"]), num(r["open_overdue"])) for _, r in units.iterrows()]
    with left:
        st.html(
            list_html(t("kiosk.feedback.units_most_overdue"), rows[:LIST_ROWS], t("kiosk.none"))
        )
    with right:
        st.html(
            list_html(
                t("kiosk.feedback.more_overdue"),
                rows[LIST_ROWS : 2 * LIST_ROWS],
                t("kiosk.none"),
            )
        )
    if not board.trend.empty:
        lines = [
            Line("on_time_pct", t("kiosk.feedback.on_time"), "#3fb950"),
            Line("satisfaction_pct", t("kiosk.feedback.satisfied"), "#58a6ff"),
            Line("overdue_pct", t("kiosk.feedback.overdue_share"), "#f85149"),
        ]
        _show_trend(trend_figure(board.trend, "period", lines), "kiosk_feedback_trend")
    as_of = board.data_as_of or board.as_of
    return as_of.date() if isinstance(as_of, datetime) else as_of


def _infrastructure_slide() -> date | None:
    options = load_infra_options()
    board = load_infra_board(InfraFilters(as_of=options.last_day))
    h = board.headline
    _slide_title("infrastructure", t("kiosk.judged_on", day=day(options.last_day)))
    gap_tone = "bad" if (h.gap_pts or 0) < 0 else "good"
    cards = [
        Card(
            t("kiosk.infra.centres"),
            f"{num(h.centres_covered)}/{num(h.units)}",
            "good",
            pct(h.covered_pct),
        ),
        Card(t("kiosk.infra.glide"), pct(h.glide_pct), gap_tone, _points(h.gap_pts)),
        Card(t("kiosk.infra.will_miss"), num(h.will_miss), "bad"),
        Card(t("kiosk.infra.population"), pct(h.population_5g_pct)),
    ]
    st.html(cards_html(cards))
    will_miss = board.will_miss
    rows = [
        (str(r["unit_name"]), t("kiosk.days", days=num(r["days_stuck"])))
        for _, r in will_miss.iterrows()
    ]
    left, right = st.columns(2, gap="large")
    with left:
        st.html(list_html(t("kiosk.infra.will_miss_list"), rows[:LIST_ROWS], t("kiosk.none")))
    with right:
        st.html(
            list_html(
                t("kiosk.infra.will_miss_more"), rows[LIST_ROWS : 2 * LIST_ROWS], t("kiosk.none")
            )
        )
    if not board.coverage.empty:
        lines = [
            Line("covered_pct", t("kiosk.infra.centres"), "#3fb950"),
            Line("glide_pct", t("kiosk.infra.glide_line"), "#d29922", "dash"),
        ]
        _show_trend(trend_figure(board.coverage, "month", lines), "kiosk_infra_trend")
    return options.last_day


def _points(gap: float | None) -> str:
    if gap is None:
        return ""
    return t("kiosk.infra.gap", gap=("+" if gap > 0 else "") + num(gap, 1))


SLIDE_BUILDERS: dict[str, Callable[[], date | None]] = {
    "home": _home_slide,
    "tasks": _tasks_slide,
    "feedback": _feedback_slide,
    "infrastructure": _infrastructure_slide,
}

# Sizes in vw/vh so the same slide fills a 1920×1080 screen and a laptop projector alike; at
# 1920 px 1vw is 19.2 px: card figures ≈ 77 px, list text ≈ 31 px, labels ≈ 27 px.
KIOSK_CSS = (Path(__file__).with_name("kiosk.css")).read_text(encoding="utf-8")
