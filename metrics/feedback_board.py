"""The feedback board: the backlog, its deadlines and the quality of answers at one instant.

Reads the stored counts (``data.feedback_stats``, written by ``metrics.feedback_stats`` from the
one case-state computation, ``metrics.feedback_cases``) and, for the short lists and the map,
the open cases (``data.feedback_records``); never every case. The page, the dossier's feedback
block and the score's feedback indicators read the same counts.

INTERFACE (agreed between the metrics work and the page work; keep the names):

* :func:`feedback_filter_options(engine)` → :class:`FeedbackFilterOptions`;
* :func:`feedback_board(engine, filters)` → :class:`FeedbackBoard`;
* :func:`unit_feedback_block(engine, unit_code, period)` → :class:`UnitFeedbackBlock`.

The rules of the figures (each a sentence a Committee member can check):

* the *state* figures (open within the deadline, open overdue, paused, the ageing buckets) are
  the cases as they stood at the period's instant: the month's end, or the data's as-of instant
  for the newest month; "open" is the three open states together, paused included;
* *received* counts the cases received during the period's month;
* the *shares* count the resolutions of the :data:`~metrics.feedback.WINDOW_MONTHS` months
  ending with the period — the window the score's feedback indicators use: on time of the
  resolutions; satisfied (4–5 stars) of the rated ones; without photo or document evidence of
  the resolutions (100 − the score's evidence share: a resolution later reopened has no evidence
  of its own on record); reopenings per 100 resolutions;
* the case lists and the map are of the cases open *now* (at the data's as-of instant): for a
  past period they are left empty with a note rather than shown as if they were then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from common.periods import add_months, month_range, period_end
from data.feedback_records import LIST_COLUMNS, RecordFilters, open_case_list, open_case_points
from data.feedback_stats import (
    StatsFilters,
    read_stats,
    read_weekly,
    stats_periods,
    stats_state,
)
from data.feedback_unrouted import read_unrouted, unrouted_count
from data.queries import read_units
from metrics.feedback import WINDOW_MONTHS
from metrics.feedback_cases import (
    AGE_BUCKETS,
    OPEN_STATES,
    CaseState,
)

# The province's classification keeps questions asking for guidance in one group of their own,
# apart from problem reports (DOMAIN.md §3; the demo's feedback_texts.yaml names the same group).
QUESTION_GROUP = "Hỏi đáp, hướng dẫn"
LIST_LENGTH = 10  # the oldest open cases, the neglect list, a unit's overdue cases
WEEKS = 26  # opened against closed: half a year of weeks up to the period
UNROUTED_LIMIT = 200  # rows of the unrouted list shown (the total is given beside it)
MAP_CELL_DEGREES = 0.01  # ≈ 1.1 km: the map's points are the open cases gathered on this grid

NOTE_PAST_LISTS = "feedback.note.past_lists"  # lists and map are of now, not of the period

# The counts a table of measures needs: the state at the period, its month's receipts, and the
# window's resolutions.
STATE_SUMS = ("open_within", "open_overdue", "paused")
WINDOW_SUMS = ("resolved", "resolved_on_time", "resolved_with_evidence", "rated", "satisfied")
MEASURE_COLUMNS = (
    "open",
    "open_within",
    "open_overdue",
    "paused",
    "overdue_pct",
    "received",
    "resolved",
    "resolved_on_time",
    "on_time_pct",
    "satisfaction_pct",
    "without_evidence_pct",
    "reopen_rate",
)


class NoFeedbackStats(LookupError):
    """No stored feedback counts yet (no case, or the counts are being computed)."""


@dataclass(frozen=True)
class FeedbackFilters:
    period: date | None = None  # a month (first day); None: the newest (the data's as-of)
    unit_code: str | None = None
    category_group: str | None = None
    category: str | None = None
    state: CaseState | None = None  # narrows the case lists and the map to one open state


@dataclass(frozen=True)
class FeedbackFilterOptions:
    periods: list[date]  # oldest first; the last one holds the data's as-of
    groups: dict[str, list[str]]  # category group → its categories (questions group last)
    question_group: str  # "Hỏi đáp, hướng dẫn": questions, kept apart from problem reports
    as_of: datetime | None  # the data's as-of instant (None: no feedback data)


@dataclass(frozen=True)
class FeedbackHeadline:
    open: int
    open_within: int
    open_overdue: int
    paused: int
    overdue_share: float | None  # of the open cases (paused included), %
    received: int  # in the period's month
    resolved: int  # resolutions in the share window
    on_time_share: float | None  # of those resolutions, %
    satisfaction_share: float | None  # of the rated ones, % rated 4–5 stars
    reopen_rate: float | None  # reopenings per 100 resolutions in the window
    without_evidence_share: float | None  # of the resolutions, % with no photo or document
    resolved_on_time: int = 0  # of ``resolved``: the state cards' "resolved on time / late"
    rated: int = 0
    reopened: int = 0

    @property
    def resolved_late(self) -> int:
        return self.resolved - self.resolved_on_time


@dataclass
class FeedbackBoard:
    as_of: datetime  # the instant the states stand for: the month's end, or the data's as-of
    period: date
    is_latest: bool  # the newest period: case lists and the map are of the open cases now
    headline: FeedbackHeadline
    by_unit: pd.DataFrame  # unit_code, unit_name, open, open_overdue, paused, received, resolved,
    # on_time_pct, satisfaction_pct, without_evidence_pct, reopen_rate (+ open_within,
    # overdue_pct, resolved_on_time): every unit (or the chosen one), most overdue first
    by_category: pd.DataFrame  # category_group, category, is_question, the same counts
    ageing: pd.DataFrame  # bucket (AGE_BUCKETS key), cases
    weekly: pd.DataFrame  # week_start, opened, closed (the 26 weeks up to the period)
    trend: pd.DataFrame  # period, open_overdue, on_time_pct, satisfaction_pct (every month)
    # (+ open, overdue_pct, received, resolved)
    oldest_open: pd.DataFrame  # the 10 oldest open cases (see data.feedback_records)
    neglected: pd.DataFrame  # the 10 open cases least recently updated
    map_points: pd.DataFrame  # lat, lon, cases, overdue: open cases clustered in the database
    unrouted: pd.DataFrame  # cases no unit could be given (data.feedback_unrouted)
    notes: list[str] = field(default_factory=list)  # i18n keys of notes to show
    data_as_of: datetime | None = None  # the data's as-of instant (the lists' "now")
    window: tuple[date, date] | None = None  # the share window's first and last period
    unrouted_total: int = 0  # every unrouted case (the list shows up to UNROUTED_LIMIT)


@dataclass
class UnitFeedbackBlock:
    unit_code: str
    as_of: datetime
    headline: FeedbackHeadline
    overdue: pd.DataFrame  # the unit's oldest open overdue cases (up to 10)
    period: date | None = None  # the period the headline stands for
    is_latest: bool = True
    data_as_of: datetime | None = None  # the overdue list is of the cases open at this instant


# --- the filter choices ----------------------------------------------------------------------


def feedback_filter_options(engine: Engine) -> FeedbackFilterOptions:
    """The periods stored, the category tree (problem groups alphabetically, the questions
    group last) and the data's as-of instant."""
    state = stats_state(engine)
    periods = [_as_date(p) for p in stats_periods(engine)]
    categories = read_stats(engine, StatsFilters(), ("category_group", "category"))
    return FeedbackFilterOptions(
        periods=periods,
        groups=category_tree(categories),
        question_group=QUESTION_GROUP,
        as_of=None if state is None or not periods else state.as_of,
    )


def category_tree(categories: pd.DataFrame) -> dict[str, list[str]]:
    """group → its categories, both sorted, the questions group last."""
    tree: dict[str, list[str]] = {}
    if categories.empty:
        return tree
    pairs = zip(
        categories["category_group"].astype(str), categories["category"].astype(str), strict=True
    )
    for group, category in sorted(
        pairs,
        key=lambda pair: (pair[0] == QUESTION_GROUP, pair[0], pair[1]),
    ):
        tree.setdefault(group, [])
        if category not in tree[group]:
            tree[group].append(category)
    return tree


# --- the board ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moment:
    period: date
    as_of: datetime  # the instant the period's states stand for
    data_as_of: datetime
    is_latest: bool
    periods: tuple[date, ...]  # every stored period up to ``period``

    @property
    def window(self) -> tuple[date, date]:
        return add_months(self.period, 1 - WINDOW_MONTHS), self.period


def _moment(engine: Engine, period: date | None) -> _Moment:
    """The period judged and its instant. ``period`` None, or later than the newest stored one,
    is the newest; one before the first stored is an error (nothing was counted then)."""
    state = stats_state(engine)
    periods = [_as_date(p) for p in stats_periods(engine)]
    if state is None or not periods:
        raise NoFeedbackStats("no feedback counts are stored")
    chosen = periods[-1] if period is None or period > periods[-1] else _as_date(period)
    if chosen not in periods:
        raise ValueError(f"no feedback counts are stored for {chosen:%m/%Y}")
    latest = chosen == periods[-1]
    return _Moment(
        period=chosen,
        as_of=state.as_of if latest else min(period_end(chosen), state.as_of),
        data_as_of=state.as_of,
        is_latest=latest,
        periods=tuple(p for p in periods if p <= chosen),
    )


def _stats_filters(filters: FeedbackFilters, periods: tuple[date, date] | None) -> StatsFilters:
    return StatsFilters(
        periods=periods,
        unit_code=filters.unit_code,
        category_group=filters.category_group,
        category=filters.category,
    )


def feedback_board(engine: Engine, filters: FeedbackFilters) -> FeedbackBoard:
    """The board for ``filters``: four reads of the stored counts (by month, by unit, by
    category, by week), and — for the newest period — the two short lists and the map's
    points of the open cases, plus the unrouted cases (always: they belong to no unit)."""
    moment = _moment(engine, filters.period)
    window = moment.window
    monthly = read_stats(
        engine, _stats_filters(filters, (moment.periods[0], moment.period)), ["period"]
    )
    by_unit = read_stats(engine, _stats_filters(filters, window), ["period", "unit_code"])
    by_category = read_stats(
        engine, _stats_filters(filters, window), ["period", "category_group", "category"]
    )
    weekly = read_weekly(engine, _stats_filters(filters, None), since=first_week(moment.as_of))
    oldest, neglected, points, notes = _open_now(engine, filters, moment)
    return FeedbackBoard(
        as_of=moment.as_of,
        period=moment.period,
        is_latest=moment.is_latest,
        headline=headline_of(monthly, moment.period),
        by_unit=unit_measures(by_unit, moment.period, read_units(engine), filters.unit_code),
        by_category=category_measures(by_category, moment.period),
        ageing=ageing_of(monthly, moment.period),
        weekly=weekly_series(weekly, moment.as_of),
        trend=monthly_trend(monthly, moment.periods),
        oldest_open=oldest,
        neglected=neglected,
        map_points=points,
        unrouted=read_unrouted(engine, UNROUTED_LIMIT),
        notes=notes,
        data_as_of=moment.data_as_of,
        window=window,
        unrouted_total=unrouted_count(engine),
    )


def unit_feedback_block(engine: Engine, unit_code: str, period: date | None) -> UnitFeedbackBlock:
    """The dossier's block: ``unit_code``'s headline at ``period`` (the newest when None or not
    yet counted) from the same counts as the page, and its oldest open overdue cases *now*."""
    moment = _moment(engine, period)
    monthly = read_stats(
        engine, StatsFilters(periods=moment.window, unit_code=unit_code), ["period"]
    )
    overdue = open_case_list(
        engine,
        RecordFilters(unit_code=unit_code, state=CaseState.OPEN_OVERDUE.value),
        "received",
        LIST_LENGTH,
    )
    return UnitFeedbackBlock(
        unit_code=unit_code,
        as_of=moment.as_of,
        headline=headline_of(monthly, moment.period),
        overdue=overdue,
        period=moment.period,
        is_latest=moment.is_latest,
        data_as_of=moment.data_as_of,
    )


def _open_now(
    engine: Engine, filters: FeedbackFilters, moment: _Moment
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """The oldest and the least recently updated open cases and the map's points, at the
    data's as-of, narrowed to ``filters.state`` by the stored state of each open case (the one
    computation's); nothing (and a note) for a past period."""
    if not moment.is_latest:
        return _no_cases(), _no_cases(), _no_points(), [NOTE_PAST_LISTS]
    if filters.state is not None and filters.state not in OPEN_STATES:
        return _no_cases(), _no_cases(), _no_points(), []  # no open case is in a closed state
    records = RecordFilters(
        unit_code=filters.unit_code,
        category_group=filters.category_group,
        category=filters.category,
        state=None if filters.state is None else filters.state.value,
    )
    return (
        open_case_list(engine, records, "received", LIST_LENGTH),
        open_case_list(engine, records, "updated", LIST_LENGTH),
        open_case_points(engine, records, MAP_CELL_DEGREES),
        [],
    )


def _no_cases() -> pd.DataFrame:
    return pd.DataFrame(columns=list(LIST_COLUMNS))


def _no_points() -> pd.DataFrame:
    return pd.DataFrame(columns=["lat", "lon", "cases", "overdue"])


# --- measures from the stored counts (pure) -----------------------------------------------------


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(str(value)).date()


def _periods_of(frame: pd.DataFrame) -> np.ndarray:
    """The rows' periods as ``datetime64[D]`` (the stored counts give ``date`` objects)."""
    return pd.to_datetime(frame["period"]).to_numpy().astype("datetime64[D]")


def _in_periods(frame: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    if frame.empty:
        return frame
    periods = _periods_of(frame)
    return frame[(periods >= np.datetime64(first)) & (periods <= np.datetime64(last))]


def _total(frame: pd.DataFrame, column: str) -> int:
    # An empty read may come without columns; a non-empty one must have the stored column.
    return int(frame[column].to_numpy().sum()) if len(frame) else 0


def share_pct(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole``; None when there is nothing to share."""
    return 100 * part / whole if whole else None


def headline_of(rows: pd.DataFrame, period: date) -> FeedbackHeadline:
    """The headline of ``period`` from rows of (period, counts): the states and receipts of the
    period's rows, the resolutions of the share window's (other periods are left out)."""
    at_period = _in_periods(rows, period, period)
    window = _in_periods(rows, add_months(period, 1 - WINDOW_MONTHS), period)
    states = {c: _total(at_period, c) for c in STATE_SUMS}
    sums = {c: _total(window, c) for c in (*WINDOW_SUMS, "reopened")}
    opened = sum(states.values())
    resolved = sums["resolved"]
    return FeedbackHeadline(
        open=opened,
        open_within=states["open_within"],
        open_overdue=states["open_overdue"],
        paused=states["paused"],
        overdue_share=share_pct(states["open_overdue"], opened),
        received=_total(at_period, "received"),
        resolved=resolved,
        on_time_share=share_pct(sums["resolved_on_time"], resolved),
        satisfaction_share=share_pct(sums["satisfied"], sums["rated"]),
        reopen_rate=share_pct(sums["reopened"], resolved),
        without_evidence_share=share_pct(resolved - sums["resolved_with_evidence"], resolved),
        resolved_on_time=sums["resolved_on_time"],
        rated=sums["rated"],
        reopened=sums["reopened"],
    )


AT_PERIOD_SUMS = (*STATE_SUMS, "received")  # counted at the period only
FLOW_SUMS = (*WINDOW_SUMS, "reopened")  # counted over the share window
COUNTED = (*AT_PERIOD_SUMS, *FLOW_SUMS, "open")  # whole numbers
SHARES = ("overdue_pct", "on_time_pct", "satisfaction_pct", "without_evidence_pct", "reopen_rate")


def measures(rows: pd.DataFrame, period: date, keys: Sequence[str]) -> pd.DataFrame:
    """Per ``keys``: the states and receipts of ``period`` and the share window's resolutions
    and shares, from rows of (period, *keys, counts). One group-by over the window, the
    period-only counts zeroed on the window's earlier rows."""
    window = _in_periods(rows, add_months(period, 1 - WINDOW_MONTHS), period)
    if window.empty:
        return pd.DataFrame(columns=[*keys, *COUNTED, *SHARES])
    at_period = _periods_of(window) == np.datetime64(period)
    columns: dict[str, Any] = {key: window[key].to_numpy() for key in keys}
    for name in AT_PERIOD_SUMS:
        columns[name] = np.where(at_period, window[name].to_numpy(dtype=np.int64), 0)
    for name in FLOW_SUMS:
        columns[name] = window[name].to_numpy(dtype=np.int64)
    sums = pd.DataFrame(columns).groupby(list(keys), sort=True).sum().reset_index()
    return with_shares(sums)


def with_shares(sums: pd.DataFrame) -> pd.DataFrame:
    """``sums`` with the open total and the five shares (%, NaN where nothing to share)."""
    get = {c: sums[c].to_numpy(dtype=np.int64) for c in (*AT_PERIOD_SUMS, *FLOW_SUMS)}
    opened = get["open_within"] + get["open_overdue"] + get["paused"]
    resolved = get["resolved"]
    return sums.assign(
        open=opened,
        overdue_pct=_pct(get["open_overdue"], opened),
        on_time_pct=_pct(get["resolved_on_time"], resolved),
        satisfaction_pct=_pct(get["satisfied"], get["rated"]),
        without_evidence_pct=_pct(resolved - get["resolved_with_evidence"], resolved),
        reopen_rate=_pct(get["reopened"], resolved),
    )


def _pct(part: Any, whole: Any) -> np.ndarray:
    """Element-wise share in %, NaN where ``whole`` is 0."""
    part = np.asarray(part, dtype=float)
    whole = np.asarray(whole, dtype=float)
    return np.where(whole > 0, 100 * part / np.where(whole > 0, whole, 1), np.nan)


def unit_measures(
    rows: pd.DataFrame, period: date, units: pd.DataFrame, unit_code: str | None
) -> pd.DataFrame:
    """Every unit (or the chosen one), zeros for a unit with no case: a unit without backlog is
    worth seeing too. Most overdue first, then the largest backlog, then by code."""
    frame = measures(rows, period, ["unit_code"])
    names = pd.DataFrame(
        {
            "unit_code": units["code"].astype(str).to_numpy(),
            "unit_name": units["full_name"].astype(str).to_numpy(),
        }
    )
    if unit_code is not None:
        names = names[names["unit_code"] == unit_code]
    found = frame.set_index(frame["unit_code"].astype(str)).drop(columns="unit_code")
    found = found.reindex(names["unit_code"].to_numpy())
    counts = {c: found[c].fillna(0).to_numpy(dtype=np.int64) for c in COUNTED}
    merged = pd.DataFrame(
        {
            "unit_code": names["unit_code"].to_numpy(),
            "unit_name": names["unit_name"].to_numpy(),
            **counts,
            **{c: found[c].to_numpy(dtype=float) for c in SHARES},
        }
    )
    order = np.lexsort(
        (
            merged["unit_code"].to_numpy(),
            -merged["open"].to_numpy(),
            -merged["open_overdue"].to_numpy(),
        )
    )
    return merged.iloc[order].reset_index(drop=True)


def category_measures(rows: pd.DataFrame, period: date) -> pd.DataFrame:
    """Per category, problem reports first and the questions group after them; within each,
    the largest backlog first."""
    frame = measures(rows, period, ["category_group", "category"])
    frame.insert(2, "is_question", frame["category_group"].to_numpy() == QUESTION_GROUP)
    frame = frame.sort_values(
        ["is_question", "open", "category_group", "category"],
        ascending=[True, False, True, True],
        kind="stable",
    )
    return frame.reset_index(drop=True)


def ageing_of(rows: pd.DataFrame, period: date) -> pd.DataFrame:
    """The open cases at the period's instant by days since receipt, every bucket in order."""
    at_period = _in_periods(rows, period, period)
    keys = [key for key, _, _ in AGE_BUCKETS]
    return pd.DataFrame({"bucket": keys, "cases": [_total(at_period, k) for k in keys]})


def monthly_trend(monthly: pd.DataFrame, periods: Sequence[date]) -> pd.DataFrame:
    """Every month up to the period: the open and overdue cases at its instant, the overdue
    share, its receipts, and the window's resolutions, on-time and satisfaction shares (the
    headline's window, so the last row is the headline's)."""
    months = month_range(periods[0], periods[-1]) if periods else []
    columns = [*STATE_SUMS, "received", "resolved", "resolved_on_time", "rated", "satisfied"]
    sums = np.zeros((len(months), len(columns)), dtype=np.int64)
    if len(monthly) and months:
        position = {np.datetime64(m, "D"): i for i, m in enumerate(months)}
        rows = np.array([position.get(p, -1) for p in _periods_of(monthly)], dtype=np.int64)
        kept = rows >= 0
        np.add.at(sums, rows[kept], monthly[columns].to_numpy(dtype=np.int64)[kept])
    got = dict(zip(columns, sums.T, strict=True))
    # Sums over the window ending with each month: differences of the running totals.
    running = np.vstack([np.zeros((1, 4), dtype=np.int64), np.cumsum(sums[:, -4:], axis=0)])
    ends = np.arange(1, len(months) + 1)
    rolled = running[ends] - running[np.maximum(ends - WINDOW_MONTHS, 0)]
    resolved, on_time, rated, satisfied = rolled.T
    opened = got["open_within"] + got["open_overdue"] + got["paused"]
    return pd.DataFrame(
        {
            "period": months,
            "open": opened,
            "open_overdue": got["open_overdue"],
            "received": got["received"],
            "resolved": resolved,
            "overdue_pct": _pct(got["open_overdue"], opened),
            "on_time_pct": _pct(on_time, resolved),
            "satisfaction_pct": _pct(satisfied, rated),
        }
    )


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def _last_day(instant: datetime) -> date:
    """The day an instant closes: a month end E (00:00 on the 1st) closes the month's last day."""
    return (instant - timedelta(microseconds=1)).date()


def first_week(as_of: datetime) -> date:
    return week_start(_last_day(as_of)) - timedelta(weeks=WEEKS - 1)


def weekly_series(weekly: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """The :data:`WEEKS` weeks up to the one holding ``as_of``, every week (zeros too). A week
    that runs past a month end counts its whole week."""
    last = week_start(_last_day(as_of))
    weeks = [last - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    if weekly.empty:
        return pd.DataFrame({"week_start": weeks, "opened": 0, "closed": 0})
    frame = weekly.assign(week_start=weekly["week_start"].map(_as_date))
    sums = frame.groupby("week_start")[["opened", "closed"]].sum()
    sums = sums.reindex(weeks, fill_value=0).astype("int64")
    return pd.DataFrame(
        {
            "week_start": weeks,
            "opened": sums["opened"].to_numpy(),
            "closed": sums["closed"].to_numpy(),
        }
    )


def open_state_counts(headline: FeedbackHeadline) -> Mapping[CaseState, int]:
    """The state cards' counts: the open states at the instant, the window's resolutions."""
    counts = {
        CaseState.OPEN_WITHIN: headline.open_within,
        CaseState.OPEN_OVERDUE: headline.open_overdue,
        CaseState.PAUSED: headline.paused,
        CaseState.RESOLVED_ON_TIME: headline.resolved_on_time,
        CaseState.RESOLVED_LATE: headline.resolved_late,
    }
    return counts
