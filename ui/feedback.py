"""Tables, cards and charts of the feedback page, its case view and the dossier's feedback block.

Built like the tasks page's (``ui.tasks``): every builder takes :class:`ui.export.Words` (one
language), because the same typed frame is shown on the page and written to .xlsx/.csv in the
download's own thread, which has no session. A state is always a symbol *and* words, never
colour alone. Citizens' text (descriptions, names, addresses, categories, answers) only ever
reaches the page inside a table cell or ``st.text``: never Markdown, never HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from common.spreadsheet import neutralise_formulas
from common.workcalendar import default_calendar
from geo.case_map import case_layer
from geo.maps import base_map
from metrics.feedback import WINDOW_MONTHS
from metrics.feedback_board import (
    FeedbackFilterOptions,
    FeedbackFilters,
    FeedbackHeadline,
    open_state_counts,
)
from metrics.feedback_case import CaseDetail, DeadlineClock
from metrics.feedback_cases import AGE_BUCKETS, OPEN_STATES, CaseState
from ui.export import (
    NumberFormat,
    Words,
    chosen_filter_pairs,
)
from ui.loaders import load_boundaries, map_geometry_url, map_tile_url
from ui.tasks import TaskTable, show_bucket_cards, task_export
from ui.tasks import table_download as task_table_download

ALL = "all"  # the "no filter" choice of every filter
LATEST = "latest"  # the month choice "now: the data's as-of"
FEEDBACK_PAGE = "app_pages/feedback.py"  # where the dossier's feedback block links to
CASE_PARAM = "case"
CASE_CODE_LIMIT = 40  # longer than any case code (30): not looked up

SHARE = NumberFormat(1, suffix="%")
COUNT = NumberFormat(0)
RATE = NumberFormat(1)
COORDINATE = NumberFormat(5)


@dataclass(frozen=True)
class StateStyle:
    """A Streamlit colour name (Markdown ``:blue[…]``), the same colour for charts, a symbol."""

    colour: str
    hex: str
    symbol: str


# Vietnam's usual reporting colours: blue open within the deadline, red overdue, grey paused,
# green resolved on time, orange resolved late (the tasks page's five, in the same hues).
STATE_STYLES: dict[CaseState, StateStyle] = {
    CaseState.OPEN_WITHIN: StateStyle("blue", "#1f6fb5", "►"),
    CaseState.OPEN_OVERDUE: StateStyle("red", "#d9453b", "✕"),
    CaseState.PAUSED: StateStyle("gray", "#8a9099", "‖"),
    CaseState.RESOLVED_ON_TIME: StateStyle("green", "#2e9d5b", "✓"),
    CaseState.RESOLVED_LATE: StateStyle("orange", "#e67e22", "◷"),
    CaseState.REJECTED: StateStyle("gray", "#5f6670", "⊘"),
    CaseState.DUPLICATE: StateStyle("violet", "#7d5ba6", "≡"),
}
CARD_STATES: tuple[CaseState, ...] = (
    CaseState.OPEN_WITHIN,
    CaseState.OPEN_OVERDUE,
    CaseState.PAUSED,
    CaseState.RESOLVED_ON_TIME,
    CaseState.RESOLVED_LATE,
)
OPENED_HEX = "#1f6fb5"  # the weekly chart: cases opened (blue) against cases closed (green)
CLOSED_HEX = "#2e9d5b"
ON_TIME_HEX = STATE_STYLES[
    CaseState.RESOLVED_ON_TIME
].hex  # the trend's on-time line and its points


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _whole(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _share(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _instant(value: Any) -> datetime | None:
    if _missing(value):
        return None
    return pd.Timestamp(value).to_pydatetime()


def share_text(value: float | None, words: Words) -> str:
    return "–" if _missing(value) else f"{words.num(value, 1)}%"


def state_text(state: str, words: Words) -> str:
    """ "✕ Đang xử lý – quá hạn": the symbol and the words of a case state."""
    member = CaseState(state)
    return f"{STATE_STYLES[member].symbol} {words.t(f'feedback.state.{member}')}"


def state_labels(words: Words, states: Sequence[CaseState] = OPEN_STATES) -> dict[str, str]:
    return {str(s): state_text(s, words) for s in states}


def _label(words: Words, prefix: str, value: Any) -> str:
    """A stored code (status, severity, channel) in words; an unknown code as written."""
    key = f"{prefix}.{value}"
    try:
        return words.t(key)
    except KeyError:
        return _text(value)


def status_text(status: Any, words: Words) -> str:
    return _label(words, "feedback.status", status)


def severity_text(severity: Any, words: Words) -> str:
    return _label(words, "feedback.severity", severity)


def channel_text(channel: Any, words: Words) -> str:
    return _label(words, "feedback.channel", channel)


# --- the headline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StateCard:
    """One headline card (the shape ``ui.tasks.show_bucket_cards`` draws)."""

    state: CaseState
    label: str
    markdown: str
    count: str
    share: str


def state_cards(headline: FeedbackHeadline, words: Words) -> list[StateCard]:
    """Open within, overdue, paused (shares of the open cases at the instant), then resolved on
    time and late (shares of the window's resolutions)."""
    counts = open_state_counts(headline)
    cards = []
    for state in CARD_STATES:
        count = int(counts[state])
        is_open = state in OPEN_STATES
        whole = headline.open if is_open else headline.resolved
        share = share_text(100 * count / whole if whole else None, words)
        cards.append(
            StateCard(
                state=state,
                label=state_text(state, words),
                markdown=f":{STATE_STYLES[state].colour}[{state_text(state, words)}]",
                count=words.num(count),
                share=words.t(
                    "feedback.share_of_open" if is_open else "feedback.share_of_resolved_short",
                    share=share,
                ),
            )
        )
    return cards


def show_state_cards(cards: Sequence[StateCard]) -> None:
    show_bucket_cards(cards)  # type: ignore[arg-type]  # the same four fields


@dataclass(frozen=True)
class MeasureCard:
    label: str
    value: str
    help: str


def measure_cards(headline: FeedbackHeadline, words: Words) -> list[MeasureCard]:
    """The shares leaders watch, each with what it counts in its help text."""
    h = words.t
    months = WINDOW_MONTHS
    return [
        MeasureCard(
            h("feedback.measure.overdue"),
            share_text(headline.overdue_share, words),
            h("feedback.measure.overdue_help", n=words.num(headline.open)),
        ),
        MeasureCard(
            h("feedback.measure.on_time"),
            share_text(headline.on_time_share, words),
            h("feedback.measure.on_time_help", n=words.num(headline.resolved), months=months),
        ),
        MeasureCard(
            h("feedback.measure.satisfaction"),
            share_text(headline.satisfaction_share, words),
            h("feedback.measure.satisfaction_help", n=words.num(headline.rated), months=months),
        ),
        MeasureCard(
            h("feedback.measure.reopen"),
            "–" if headline.reopen_rate is None else words.num(headline.reopen_rate, 1),
            h("feedback.measure.reopen_help", n=words.num(headline.reopened), months=months),
        ),
        MeasureCard(
            h("feedback.measure.no_evidence"),
            share_text(headline.without_evidence_share, words),
            h("feedback.measure.no_evidence_help", months=months),
        ),
        MeasureCard(
            h("feedback.measure.received"),
            words.num(headline.received),
            h("feedback.measure.received_help"),
        ),
    ]


MEASURES_PER_ROW = 3  # six in one row cut "100,0%" to "100,…" at 1366 px


def show_measure_cards(cards: Sequence[MeasureCard]) -> None:
    """The shares, three to a row, each with what it counts in its help text."""
    for start in range(0, len(cards), MEASURES_PER_ROW):
        row = cards[start : start + MEASURES_PER_ROW]
        for column, card in zip(st.columns(MEASURES_PER_ROW), row, strict=False):
            column.metric(card.label, card.value, help=card.help, border=True)


# --- the tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackTable(TaskTable):
    """A headed, typed table (see ``ui.tasks.TaskTable``); ``times`` are shown with the hour."""

    times: tuple[str, ...] = ()
    whole: tuple[str, ...] = ()  # rates shown rounded to a whole number (exports keep 1 decimal)

    def column_config(self) -> dict[str, Any]:
        """As ``TaskTable``'s, plus times with the hour and ``whole`` rates without decimals:
        the table cannot take vi-VN's decimal comma, and "3.9" would read as 3,900 there."""
        config = super().column_config()
        for heading in self.times:
            config[heading] = st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")
        for heading in self.whole:
            config[heading] = st.column_config.NumberColumn(format="%.0f")
        return config


def _measure_columns(frame: pd.DataFrame, words: Words) -> dict[str, list[Any]]:
    """The backlog tables' shared measures, in the same order everywhere."""
    h = words.t
    months = WINDOW_MONTHS
    return {
        h("feedback.col.open"): [_whole(v) for v in frame["open"]],
        h("feedback.col.overdue"): [_whole(v) for v in frame["open_overdue"]],
        h("feedback.col.paused"): [_whole(v) for v in frame["paused"]],
        h("feedback.col.overdue_pct"): [_share(v) for v in frame["overdue_pct"]],
        h("feedback.col.received"): [_whole(v) for v in frame["received"]],
        h("feedback.col.resolved", months=months): [_whole(v) for v in frame["resolved"]],
        h("feedback.col.on_time_pct"): [_share(v) for v in frame["on_time_pct"]],
        h("feedback.col.satisfaction_pct"): [_share(v) for v in frame["satisfaction_pct"]],
        h("feedback.col.no_evidence_pct"): [_share(v) for v in frame["without_evidence_pct"]],
        h("feedback.col.reopen_rate"): [_share(v) for v in frame["reopen_rate"]],
    }


def _measure_table(
    identity: dict[str, list[Any]], frame: pd.DataFrame, words: Words
) -> FeedbackTable:
    h = words.t
    counts = ("open", "overdue", "paused", "received")
    shares = ("overdue_pct", "on_time_pct", "satisfaction_pct", "no_evidence_pct")
    formats = {h(f"feedback.col.{c}"): COUNT for c in counts}
    formats[h("feedback.col.resolved", months=WINDOW_MONTHS)] = COUNT
    formats.update({h(f"feedback.col.{c}"): SHARE for c in shares})
    formats[h("feedback.col.reopen_rate")] = RATE
    return FeedbackTable(
        pd.DataFrame({**identity, **_measure_columns(frame, words)}),
        formats=formats,
        shares=tuple(h(f"feedback.col.{c}") for c in shares),
        whole=(h("feedback.col.reopen_rate"),),
    )


def unit_backlog_table(by_unit: pd.DataFrame, words: Words) -> FeedbackTable:
    """The backlog by unit, most overdue first (the board's order)."""
    h = words.t
    identity = {
        h("feedback.col.unit_code"): by_unit["unit_code"].astype(str).tolist(),
        h("feedback.col.unit"): by_unit["unit_name"].astype(str).tolist(),
    }
    return _measure_table(identity, by_unit, words)


def category_table(by_category: pd.DataFrame, words: Words) -> FeedbackTable:
    """The backlog by category (one of the two groups of rows: problems or questions)."""
    h = words.t
    identity = {
        h("feedback.col.group"): by_category["category_group"].astype(str).tolist(),
        h("feedback.col.category"): by_category["category"].astype(str).tolist(),
    }
    return _measure_table(identity, by_category, words)


def split_questions(by_category: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(problem reports, questions asking for guidance): shown apart."""
    questions = by_category["is_question"].astype(bool)
    return (
        by_category[~questions].reset_index(drop=True),
        by_category[questions].reset_index(drop=True),
    )


def ageing_table(ageing: pd.DataFrame, words: Words) -> FeedbackTable:
    """The open cases by days since receipt, in the buckets' order (zeros too), each with its
    share of the open cases drawn as a bar: the page shows this table, not a chart (the
    browser draws a table at a fraction of a chart's cost)."""
    by_bucket = dict(zip(ageing["bucket"], ageing["cases"], strict=True))
    counts = [int(by_bucket.get(key, 0)) for key, _, _ in AGE_BUCKETS]
    total = sum(counts)
    h = words.t
    frame = pd.DataFrame(
        {
            h("feedback.col.age"): [h(f"feedback.age.{key}") for key, _, _ in AGE_BUCKETS],
            h("feedback.col.open"): counts,
            h("feedback.col.age_share"): [100 * n / total if total else None for n in counts],
        }
    )
    return FeedbackTable(
        frame,
        formats={h("feedback.col.open"): COUNT, h("feedback.col.age_share"): SHARE},
        shares=(h("feedback.col.age_share"),),
    )


def weekly_table(weekly: pd.DataFrame, words: Words) -> FeedbackTable:
    h = words.t
    frame = pd.DataFrame(
        {
            h("feedback.col.week"): [pd.Timestamp(w).date() for w in weekly["week_start"]],
            h("feedback.col.opened"): [int(v) for v in weekly["opened"]],
            h("feedback.col.closed"): [int(v) for v in weekly["closed"]],
        }
    )
    return FeedbackTable(
        frame,
        formats={h("feedback.col.opened"): COUNT, h("feedback.col.closed"): COUNT},
        dates=(h("feedback.col.week"),),
    )


def trend_table(trend: pd.DataFrame, words: Words) -> FeedbackTable:
    h = words.t
    months = WINDOW_MONTHS
    frame = pd.DataFrame(
        {
            h("feedback.col.month"): [words.month(pd.Timestamp(p)) for p in trend["period"]],
            h("feedback.col.open"): [int(v) for v in trend["open"]],
            h("feedback.col.overdue"): [int(v) for v in trend["open_overdue"]],
            h("feedback.col.overdue_pct"): [_share(v) for v in trend["overdue_pct"]],
            h("feedback.col.received"): [int(v) for v in trend["received"]],
            h("feedback.col.resolved", months=months): [int(v) for v in trend["resolved"]],
            h("feedback.col.on_time_pct"): [_share(v) for v in trend["on_time_pct"]],
            h("feedback.col.satisfaction_pct"): [_share(v) for v in trend["satisfaction_pct"]],
        }
    )
    formats = {h(f"feedback.col.{c}"): COUNT for c in ("open", "overdue", "received")}
    formats[h("feedback.col.resolved", months=months)] = COUNT
    formats.update(
        {h(f"feedback.col.{c}"): SHARE for c in ("overdue_pct", "on_time_pct", "satisfaction_pct")}
    )
    return FeedbackTable(frame, formats=formats)


def _days_between(start: Any, end: datetime) -> int | None:
    moment = _instant(start)
    return None if moment is None else max((end - moment).days, 0)


def case_list_table(
    cases: pd.DataFrame, units: Mapping[str, str], as_of: datetime, words: Words
) -> FeedbackTable:
    """A short list of open cases (the oldest, the least recently updated, a unit's overdue):
    the code, where, what, how urgent, its status and its deadline state, and its days open and
    since the last change at ``as_of``."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("feedback.col.case_code"): cases["case_code"].astype(str).tolist(),
            h("feedback.col.unit"): [units.get(str(c), str(c)) for c in cases["unit_code"]],
            # Within the deadline, overdue or paused: the state the counts above count it in;
            # early in the row, where a 1366-pixel screen still shows it.
            h("feedback.col.deadline_state"): [state_text(v, words) for v in cases["state"]],
            h("feedback.col.group"): [_text(v) for v in cases["category_group"]],
            h("feedback.col.category"): [_text(v) for v in cases["category"]],
            h("feedback.col.severity"): [severity_text(v, words) for v in cases["severity"]],
            h("feedback.col.status"): [status_text(v, words) for v in cases["status"]],
            h("feedback.col.received_at"): pd.to_datetime(cases["received_at"]).tolist(),
            h("feedback.col.due_at"): pd.to_datetime(cases["due_at"]).tolist(),
            h("feedback.col.days_open"): [_days_between(v, as_of) for v in cases["received_at"]],
            h("feedback.col.last_change"): pd.to_datetime(cases["last_changed_at"]).tolist(),
            h("feedback.col.days_quiet"): [
                _days_between(v, as_of) for v in cases["last_changed_at"]
            ],
        }
    )
    return FeedbackTable(
        frame,
        formats={h("feedback.col.days_open"): COUNT, h("feedback.col.days_quiet"): COUNT},
        times=(
            h("feedback.col.received_at"),
            h("feedback.col.due_at"),
            h("feedback.col.last_change"),
        ),
    )


def route_reason_text(reason: Any, words: Words) -> str:
    return _label(words, "feedback.route_reason", reason)


def unrouted_table(unrouted: pd.DataFrame, words: Words) -> FeedbackTable:
    """Cases no unit could be given, with why, where they point and what they say."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("feedback.col.case_code"): unrouted["case_code"].astype(str).tolist(),
            h("feedback.col.reason"): [route_reason_text(v, words) for v in unrouted["reason"]],
            h("feedback.col.stated_unit"): [_text(v) for v in unrouted["stated_unit"]],
            h("feedback.col.lat"): [_share(v) for v in unrouted["lat"]],
            h("feedback.col.lon"): [_share(v) for v in unrouted["lon"]],
            h("feedback.col.received_at"): pd.to_datetime(unrouted["received_at"]).tolist(),
            h("feedback.col.channel"): [channel_text(v, words) for v in unrouted["channel"]],
            h("feedback.col.group"): [_text(v) for v in unrouted["category_group"]],
            h("feedback.col.category"): [_text(v) for v in unrouted["category"]],
            h("feedback.col.severity"): [severity_text(v, words) for v in unrouted["severity"]],
            h("feedback.col.description"): [_text(v) for v in unrouted["description"]],
        }
    )
    return FeedbackTable(
        frame,
        formats={h("feedback.col.lat"): COORDINATE, h("feedback.col.lon"): COORDINATE},
        times=(h("feedback.col.received_at"),),
    )


# --- the case view ------------------------------------------------------------------------------


def _day_time(value: Any, words: Words) -> str:
    moment = _instant(value)
    return "–" if moment is None else words.when(moment)


def case_facts(
    case: Mapping[str, Any], units: Mapping[str, str], words: Words
) -> list[tuple[str, str]]:
    """(label, value) pairs of one case; the reporter's fields as they arrive (masked). The
    deadline in force is the clock's (:func:`clock_facts`)."""
    h = words.t
    unit = _text(case.get("unit_code"))
    rating = _whole(case.get("satisfaction"))
    return [
        (h("feedback.col.case_code"), _text(case.get("case_code"))),
        (h("feedback.col.status"), status_text(case.get("status"), words)),
        (h("feedback.col.status_reason"), _text(case.get("status_reason")) or "–"),
        (h("feedback.col.unit"), units.get(unit, unit) or "–"),
        (h("feedback.col.channel"), channel_text(case.get("channel"), words)),
        (h("feedback.col.group"), _text(case.get("category_group"))),
        (h("feedback.col.category"), _text(case.get("category"))),
        (h("feedback.col.severity"), severity_text(case.get("severity"), words)),
        (h("feedback.col.received_at"), _day_time(case.get("received_at"), words)),
        (h("feedback.col.accepted_at"), _day_time(case.get("accepted_at"), words)),
        (h("feedback.col.resolved_at"), _day_time(case.get("resolved_at"), words)),
        (h("feedback.col.duplicate_of"), _text(case.get("duplicate_of_code")) or "–"),
        (h("feedback.col.reopen_count"), words.num(_whole(case.get("reopen_count")) or 0)),
        (h("feedback.col.rating"), "–" if rating is None else h("feedback.stars", n=rating)),
        (h("feedback.col.reporter_name"), _text(case.get("reporter_name_masked")) or "–"),
        (h("feedback.col.reporter_phone"), _text(case.get("reporter_phone_masked")) or "–"),
        (h("feedback.col.reporter_address"), _text(case.get("reporter_address_masked")) or "–"),
    ]


def facts_table(facts: Sequence[tuple[str, str]], words: Words) -> FeedbackTable:
    """Facts as a two-column table (a table shows outside text as text)."""
    return FeedbackTable(
        pd.DataFrame(
            {
                words.t("feedback.col.fact"): [label for label, _ in facts],
                words.t("feedback.col.value"): [value for _, value in facts],
            }
        )
    )


def history_table(history: pd.DataFrame, words: Words) -> FeedbackTable:
    """The case's status changes, oldest first."""
    h = words.t
    frame = pd.DataFrame(
        {
            h("feedback.col.changed_at"): pd.to_datetime(history["changed_at"]).tolist(),
            h("feedback.col.from_status"): [
                "" if _missing(v) else status_text(v, words) for v in history["from_status"]
            ],
            h("feedback.col.to_status"): [status_text(v, words) for v in history["to_status"]],
            h("feedback.col.note"): [_text(v) for v in history["note"]],
        }
    )
    return FeedbackTable(frame, times=(h("feedback.col.changed_at"),))


def working_time_text(seconds: float, words: Words) -> str:
    """Working seconds as "2 ngày 3,5 giờ làm việc" (a working day is the calendar's day)."""
    per_day = default_calendar().seconds_per_day
    whole = abs(float(seconds))
    days = int(whole // per_day)
    hours = (whole - days * per_day) / 3600
    if days:
        return words.t("feedback.clock.days_hours", days=words.num(days), hours=words.num(hours, 1))
    return words.t("feedback.clock.hours", hours=words.num(hours, 1))


@dataclass(frozen=True)
class ClockText:
    colour: str  # a Streamlit Markdown colour
    text: str  # our own words and figures only: no citizen's text


def clock_text(clock: DeadlineClock, words: Words) -> ClockText:
    """The deadline clock: time left in green, overdue in red, paused shown as paused, a closed
    case its outcome."""
    state = CaseState(clock.state)
    h = words.t
    label = state_text(state, words)
    remaining = clock.remaining_seconds
    if state is CaseState.OPEN_WITHIN and remaining is not None:
        body = h("feedback.clock.left", time=working_time_text(remaining, words))
        return ClockText("green", f"{label} · {body}")
    if state is CaseState.OPEN_OVERDUE and remaining is not None:
        body = h("feedback.clock.over", time=working_time_text(remaining, words))
        return ClockText("red", f"{label} · {body}")
    if state is CaseState.PAUSED:
        since = h("feedback.clock.paused_since", when=_day_time(clock.paused_since, words))
        if remaining is not None:
            key = "feedback.clock.paused_left" if remaining >= 0 else "feedback.clock.paused_over"
            since += " · " + h(key, time=working_time_text(remaining, words))
        return ClockText("gray", f"{label} · {since}")
    return ClockText(STATE_STYLES[state].colour, label)


def clock_facts(clock: DeadlineClock, words: Words) -> list[tuple[str, str]]:
    h = words.t
    return [
        (h("feedback.col.accept_due_at"), _day_time(clock.accept_due_at, words)),
        (h("feedback.col.due_at"), _day_time(clock.due_at, words)),
        (h("feedback.col.clock_as_of"), _day_time(clock.as_of, words)),
    ]


# --- charts (Vega-Lite through Altair: no Plotly bundle, no outside request) ---------------------


def weekly_data(weekly: pd.DataFrame, words: Words) -> pd.DataFrame:
    """Long rows: one per week and series (opened, closed), with a tooltip in the language."""
    opened, closed = words.t("feedback.col.opened"), words.t("feedback.col.closed")
    rows = []
    for week, o, c in zip(weekly["week_start"], weekly["opened"], weekly["closed"], strict=True):
        day = pd.Timestamp(week).date()
        label = f"{day:%d/%m}"
        for series, value in ((opened, int(o)), (closed, int(c))):
            rows.append(
                {
                    "week": label,
                    "series": series,
                    "cases": value,
                    "tooltip": words.t(
                        "feedback.weekly_hover",
                        week=words.day(day),
                        series=series,
                        n=words.num(value),
                    ),
                }
            )
    return pd.DataFrame(rows, columns=["week", "series", "cases", "tooltip"])


def weekly_figure(weekly: pd.DataFrame, words: Words) -> alt.Chart:
    """Cases opened against cases closed per week: two lines, a legend in words."""
    data = weekly_data(weekly, words)
    opened, closed = words.t("feedback.col.opened"), words.t("feedback.col.closed")
    weeks = list(dict.fromkeys(data["week"]))
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "week:N",
                sort=weeks,
                title=words.t("feedback.col.week"),
                axis=alt.Axis(labelAngle=-45),
            ),
            y=alt.Y("cases:Q", title=None, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=[opened, closed], range=[OPENED_HEX, CLOSED_HEX]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=[opened, closed], range=[[1, 0], [5, 3]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("tooltip:N", title=words.t("feedback.col.week"))],
        )
        .properties(height=240)
    )


def trend_data(trend: pd.DataFrame, words: Words) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": [f"{pd.Timestamp(p):%m/%Y}" for p in trend["period"]],
            "overdue": [int(v) for v in trend["open_overdue"]],
            "on_time": [_share(v) for v in trend["on_time_pct"]],
            "tooltip": [
                words.t(
                    "feedback.trend_hover",
                    month=words.month(pd.Timestamp(p)),
                    overdue=words.num(int(o)),
                    on_time=share_text(_share(s), words),
                )
                for p, o, s in zip(
                    trend["period"], trend["open_overdue"], trend["on_time_pct"], strict=True
                )
            ],
        }
    )


def trend_figure(trend: pd.DataFrame, words: Words) -> alt.LayerChart:
    """Month by month: the open overdue cases at the month's instant (red bars, left axis) and
    the on-time share of the window's resolutions (green line, right axis)."""
    data = trend_data(trend, words)
    x = alt.X("month:N", sort=list(data["month"]), title=None, axis=alt.Axis(labelAngle=-45))
    tooltip = [alt.Tooltip("tooltip:N", title=words.t("feedback.col.month"))]
    bars = (
        alt.Chart(data)
        .mark_bar(color=STATE_STYLES[CaseState.OPEN_OVERDUE].hex, opacity=0.8)
        .encode(
            x=x,
            y=alt.Y("overdue:Q", title=words.t("feedback.col.overdue"), scale=alt.Scale(zero=True)),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(color=ON_TIME_HEX, strokeWidth=2, point=alt.OverlayMarkDef(color=ON_TIME_HEX))
        .encode(
            x=x,
            y=alt.Y(
                "on_time:Q",
                title=words.t("feedback.col.on_time_pct"),
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelExpr="datum.value + '%'"),
            ),
            tooltip=tooltip,
        )
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=260)


# --- filters --------------------------------------------------------------------------------------


def month_choices(options: FeedbackFilterOptions) -> dict[str, date | None]:
    """URL value → period: "latest" (now: the data's as-of) first, then every earlier month,
    newest first, written "10/2026"."""
    choices: dict[str, date | None] = {LATEST: None}
    for period in reversed(options.periods[:-1]):
        choices[f"{period:%m/%Y}"] = period
    return choices


def month_labels(
    choices: Mapping[str, date | None], as_of: datetime | None, words: Words
) -> dict[str, str]:
    return {
        value: words.t("feedback.month.now", when=words.day(as_of))
        if period is None
        else words.t("feedback.month.end", month=words.month(period))
        for value, period in choices.items()
    }


def category_choices(options: FeedbackFilterOptions, group: str | None) -> list[str]:
    """The categories of ``group``, or every category when no group is chosen."""
    if group is not None:
        return list(options.groups.get(group, []))
    return sorted({c for categories in options.groups.values() for c in categories})


def instant_text(as_of: datetime, is_latest: bool, words: Words) -> str:
    """ "đến 14:05 22/11/2026" for now, "cuối tháng 10/2026" for a past month."""
    if is_latest:
        return words.t("feedback.instant.latest", when=words.when(as_of))
    last_day = (as_of - timedelta(microseconds=1)).date()
    return words.t("feedback.instant.month_end", month=words.month(last_day))


def filter_lines(
    filters: FeedbackFilters,
    *,
    as_of: datetime,
    is_latest: bool,
    units: Mapping[str, str],
    words: Words,
) -> list[tuple[str, str]]:
    """The active filters as (name, value) pairs for an export's title block: the instant
    always, the others when chosen."""
    h = words.t
    pairs = [(h("feedback.filter.month"), instant_text(as_of, is_latest, words))]
    chosen: tuple[tuple[str, object, Mapping[str, str]], ...] = (
        ("feedback.filter.unit", filters.unit_code, units),
        ("feedback.filter.group", filters.category_group, {}),
        ("feedback.filter.category", filters.category, {}),
        ("feedback.filter.state", filters.state, state_labels(words)),
    )
    return pairs + chosen_filter_pairs(chosen, words)


# --- downloads ------------------------------------------------------------------------------------


# The tasks page's files and buttons: one export format for every operational page.
feedback_export = task_export


def table_download(
    table: TaskTable,
    *,
    name: str,
    stem: str,
    key: str,
    filters: Sequence[tuple[str, str]],
    as_of: datetime,
    data_as_of: datetime | None,
    words: Words,
) -> None:
    """The Excel and CSV buttons of one feedback table (``ui.tasks.table_download``)."""
    task_table_download(
        table,
        name=name,
        stem=stem,
        key=key,
        filters=filters,
        as_of=as_of,
        data_as_of=data_as_of,
        words=words,
        page="feedback",
    )


# --- the page's pieces that are not tables alone ----------------------------------------------


def case_code_input(label: str) -> str:
    """The case picker: a code typed in, or put there by a click on a list's row; mirrored in
    ``?case=…`` so a link opens the case."""
    key = f"filter_{CASE_PARAM}"
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(CASE_PARAM, "")
    code = str(st.text_input(label, key=key, placeholder=label)).strip()
    if code:
        st.query_params[CASE_PARAM] = code
    elif CASE_PARAM in st.query_params:
        del st.query_params[CASE_PARAM]
    return code


def show_case(
    detail: CaseDetail,
    units: Mapping[str, str],
    words: Words,
    filters: Sequence[tuple[str, str]],
) -> None:
    """One case: the deadline clock, its facts (the reporter masked, as it arrives), what the
    citizen wrote, the answer and its evidence, and the timeline of its statuses. Every text
    of the case is a table cell or ``st.text``: shown as written, never run."""
    h = words.t
    case = detail.case
    code = _text(case.get("case_code"))
    with st.container(border=True):
        st.markdown(f"#### {h('feedback.view_heading')}")
        st.text(code)
        clock = clock_text(detail.clock, words)
        st.markdown(f":{clock.colour}[**{clock.text}**]")
        left, right = st.columns([1, 1.2])
        with left:
            facts = facts_table(
                [*case_facts(case, units, words), *clock_facts(detail.clock, words)], words
            )
            st.dataframe(neutralise_formulas(facts.frame), hide_index=True, width="stretch")
        with right:
            for title, value, empty in (
                ("feedback.view_description", case.get("description"), "feedback.view_empty"),
                ("feedback.view_response", case.get("response_text"), "feedback.view_no_response"),
                (
                    "feedback.view_evidence",
                    case.get("response_evidence_ref"),
                    "feedback.view_no_evidence",
                ),
            ):
                st.markdown(f"**{h(title)}**")
                st.text(_text(value) or h(empty))
        st.markdown(f"**{h('feedback.view_timeline')}**")
        history = history_table(detail.history, words)
        st.dataframe(
            neutralise_formulas(history.frame),
            hide_index=True,
            width="stretch",
            column_config=history.column_config(),
        )
        as_of = detail.clock.as_of
        table_download(
            history,
            name=h("feedback.view_timeline_name", code=code),
            stem="dien-bien-phan-anh",
            key="case_history",
            filters=filters,
            as_of=as_of,
            data_as_of=as_of,
            words=words,
        )


def show_case_map(points: pd.DataFrame, words: Words) -> None:
    """The map of open cases: the database's grid cells over the units' outlines on the heat
    map's base map (offline; geometry fetched from ./static like the heat map's). Display only:
    the map returns nothing, so a pan or zoom does not rerun the page. Without boundaries it
    says in words what the map would draw."""
    boundaries = load_boundaries()
    geometry_url = map_geometry_url(boundaries.geojson) if boundaries.geojson else None
    cases = int(points["cases"].sum()) if len(points) else 0
    overdue = int(points["overdue"].sum()) if len(points) else 0
    summary = words.t(
        "feedback.map_summary",
        cells=words.num(len(points)),
        cases=words.num(cases),
        overdue=words.num(overdue),
    )
    if boundaries.geojson is None or geometry_url is None:
        st.caption(summary)
        st.caption(words.t("feedback.map_no_boundaries"))
        return

    def describe(count: int, late: int) -> str:
        return words.t("feedback.map_hover", n=words.num(count), overdue=words.num(late))

    layer = case_layer(
        points,
        boundaries.geojson,
        geometry_url=geometry_url,
        describe=describe,
        unit_label=words.t("feedback.col.unit"),
        failure_text=words.t("home.map_geometry_error"),
    )
    st_folium(
        base_map(boundaries.geojson, tile_url=map_tile_url()),
        feature_group_to_add=layer,  # a filter change swaps the layer inside the live frame
        render=False,
        key="case_map",
        height=520,
        use_container_width=True,
        returned_objects=[],
    )
    st.caption(summary + " " + words.t("feedback.map_legend"))
