"""The stored feedback counts, computed from every case with the one case-state computation.

INTERFACE: :func:`refresh_feedback_stats(engine, *, force=False)` → bool (whether it computed);
:func:`feedback_stats_current(engine)` → bool; :func:`compute_feedback_stats(cases, history,
periods, as_of)` → :class:`ChunkCounts` (stats, weekly, open_cases frames; pure, one chunk;
the refresh sums the chunks and gathers their open cases).

A period's *state* columns are the cases' states at min(the period's month end, as_of); its
*flow* columns count the month's events. ``as_of`` is the data's as-of instant (the newest
change in the data), so the month holding it shows the backlog as known now.

What each column counts (per unit × category group × category):

* ``open_within`` / ``open_overdue`` / ``paused``: cases in that state at the period's instant
  (``metrics.feedback_cases.case_states_at``); ``age_*``: those open cases (all three states)
  by whole days since receipt;
* ``received``: cases received in the month; ``accepted_late``: cases accepted in the month
  after their acceptance deadline;
* ``resolved``: changes into ``resolved`` in the month (a case reopened and resolved again
  counts twice), ``resolved_on_time`` of them by the deadline in force for that round;
  ``resolved_with_evidence`` / ``rated`` / ``satisfied``: only the case's last resolution (the
  answer the evidence and the rating belong to), with a response evidence reference / with a
  rating / rated :data:`metrics.feedback.SATISFIED_FROM_STARS` stars or more;
* ``reopened`` / ``rejected`` / ``duplicate``: changes into that status in the month;
* weekly (ISO weeks, Monday first): ``opened`` = cases received in the week, ``closed`` =
  changes into resolved, rejected or duplicate in the week;
* open cases: every case in one of the three open states at ``as_of``, with that state (the
  page's lists and map narrow by it; ``data.feedback_records``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import version as package_version
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from common.periods import month_index, month_range, month_start, period_end
from common.workcalendar import CALENDAR_FILE, WorkCalendar
from data.feedback_stats import (
    COUNT_COLUMNS,
    KEY_COLUMNS,
    OPEN_CASE_COLUMNS,
    STATE_COLUMNS,
    WEEK_COUNT_COLUMNS,
    WEEK_KEY_COLUMNS,
    DataChangedWhileReading,
    StatsState,
    case_id_span,
    first_received,
    newest_instant,
    read_case_chunk,
    stats_state,
    write_feedback_stats,
)
from data.queries import data_version
from metrics.feedback import SATISFIED_FROM_STARS
from metrics.feedback_cases import (
    AGE_BUCKETS,
    OPEN_STATES,
    STATES,
    CaseState,
    DeadlineTable,
    age_bucket_codes,
    case_deadlines,
    case_states_at,
    default_deadline_table,
    resolution_events,
)

CHUNK_CASES = 25_000  # cases read and computed at once: memory stays bounded at any scale
_FOLD_PARTS = 8  # chunk results kept before they are summed into one
_READ_ATTEMPTS = 3
# Bumped when what a column counts changes, so stored counts computed by older code are redone.
COUNTING_VERSION = "2"  # 2: the open cases at as_of are stored with the counts
GROUP_COLUMNS = ("unit_code", "category_group", "category")
CLOSING_STATUSES = ("resolved", "rejected", "duplicate")
EVENT_STATUSES = ("reopened", "rejected", "duplicate")  # counted as changes into them
_AS_OF_STEP = timedelta(seconds=1)


@dataclass(frozen=True)
class RefreshReport:
    """What the last refresh did (benchmarks print it)."""

    cases: int
    chunks: int
    seconds: float
    read_seconds: float
    compute_seconds: float
    write_seconds: float


last_refresh: RefreshReport | None = None


# --- one chunk of cases ----------------------------------------------------------------------


def period_instants(periods: list[date], as_of: datetime) -> list[datetime]:
    """The instant each period's states stand for: its month end, or ``as_of`` if earlier."""
    return [min(period_end(p), as_of) for p in periods]


def _positions(moments: pd.Series | np.ndarray, periods: list[date]) -> np.ndarray:
    """The index in ``periods`` of each moment's month; -1 for NaT or a month not listed."""
    stamps = pd.DatetimeIndex(pd.to_datetime(np.asarray(moments)))
    months = np.asarray(stamps.year * 12 + stamps.month - 1, dtype=float)
    if not periods:
        return np.full(len(months), -1, dtype=np.int64)
    wanted = [month_index(p) for p in periods]
    first = min(wanted)
    lookup = np.full(max(wanted) - first + 1, -1, dtype=np.int64)
    lookup[np.asarray(wanted) - first] = np.arange(len(wanted))
    offset = months - first
    inside = ~np.isnan(offset) & (offset >= 0) & (offset < len(lookup))
    out = np.full(len(months), -1, dtype=np.int64)
    out[inside] = lookup[offset[inside].astype(np.int64)]
    return out


def _week_starts(moments: pd.Series | np.ndarray) -> np.ndarray:
    """The Monday (datetime64[D]) of each moment's ISO week; NaT stays NaT."""
    days = np.asarray(moments).astype("datetime64[D]")
    # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays.
    offset = (days.astype("int64") + 3) % 7
    return np.where(np.isnat(days), days, days - offset.astype("timedelta64[D]"))


class _Counter:
    """Counts per (group, slot) for named columns, added with ``np.bincount``."""

    def __init__(self, groups: int, slots: int, columns: tuple[str, ...]) -> None:
        self.groups, self.slots, self.columns = groups, slots, columns
        self.counts = np.zeros((len(columns), groups * slots), dtype=np.int64)

    def add(self, column: str, group: np.ndarray, slot: np.ndarray) -> None:
        keep = (slot >= 0) & (group >= 0)
        flat = group[keep].astype(np.int64) * self.slots + slot[keep]
        self.counts[self.columns.index(column)] += np.bincount(flat, minlength=self.counts.shape[1])

    def frame(self, keys: pd.DataFrame, slot_values: list, slot_name: str) -> pd.DataFrame:
        """Rows (slot, group keys, counts) where any count is not zero."""
        cells = np.flatnonzero(self.counts.any(axis=0))
        group, slot = np.divmod(cells, self.slots)
        out = keys.iloc[group].reset_index(drop=True)
        out.insert(0, slot_name, np.asarray(slot_values, dtype=object)[slot])
        for number, name in enumerate(self.columns):
            out[name] = self.counts[number, cells]
        return out


def _grouping(cases: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each case's group number, and the (unit, group, category) of each number."""
    frame = cases[list(GROUP_COLUMNS)].astype(str)
    # Numbered in order of first appearance, the order drop_duplicates keeps.
    codes = frame.groupby(list(GROUP_COLUMNS), sort=False).ngroup().to_numpy(dtype=np.int64)
    return codes, frame.drop_duplicates(ignore_index=True)


def _case_rows(cases: pd.DataFrame, case_ids: pd.Series | np.ndarray) -> np.ndarray:
    """The row in ``cases`` of each case id (-1: not in this chunk)."""
    return pd.Index(cases["id"]).get_indexer(np.asarray(case_ids))


class ChunkCounts(NamedTuple):
    stats: pd.DataFrame  # period, unit_code, category_group, category, every count column
    weekly: pd.DataFrame  # week_start, the same keys, opened, closed
    open_cases: pd.DataFrame  # data.feedback_stats.OPEN_CASE_COLUMNS


def compute_feedback_stats(
    cases: pd.DataFrame,
    history: pd.DataFrame,
    periods: list[date],
    as_of: datetime,
    *,
    table: DeadlineTable | None = None,
    calendar: WorkCalendar | None = None,
) -> ChunkCounts:
    """The counts of one chunk of cases (only rows with a count) and its cases open at
    ``as_of``. ``cases`` / ``history`` as ``data.feedback_stats.read_case_chunk`` gives them
    (the history of exactly these cases)."""
    group, keys = _grouping(cases)
    instants = period_instants(periods, as_of)
    states = case_states_at(cases, history, instants, table=table, calendar=calendar)
    ages = age_bucket_codes(cases["received_at"].to_numpy(), instants)
    month = _Counter(len(keys), len(periods), COUNT_COLUMNS)
    _count_states(month, group, states, ages)
    _count_flows(month, group, cases, history, periods, as_of, table, calendar)
    stats = month.frame(keys, list(periods), "period")
    if instants and instants[-1] == as_of:
        now = states[:, -1]  # the newest period's instant is as_of: its states are known
    else:
        now = case_states_at(cases, history, [as_of], table=table, calendar=calendar)[:, 0]
    return ChunkCounts(stats, _weekly(cases, history, group, keys), open_cases_of(cases, now))


def open_cases_of(cases: pd.DataFrame, states: np.ndarray) -> pd.DataFrame:
    """The cases whose state code (one per case, as ``case_states_at`` gives) is open, with the
    state's name: :data:`data.feedback_stats.OPEN_CASE_COLUMNS`."""
    open_codes = [STATES.index(s) for s in OPEN_STATES]
    keep = np.isin(states, open_codes)
    chosen = cases.loc[keep]
    names = np.array([state.value for state in STATES], dtype=object)
    frame = pd.DataFrame(
        {
            "case_id": chosen["id"].to_numpy(dtype=np.int64),
            "state": names[states[keep].astype(np.int64)],
            "unit_code": chosen["unit_code"].astype(str).to_numpy(),
            "category_group": chosen["category_group"].astype(str).to_numpy(),
            "category": chosen["category"].astype(str).to_numpy(),
            "received_at": chosen["received_at"].to_numpy(),
            "lat": _column_or_nan(chosen, "lat"),
            "lon": _column_or_nan(chosen, "lon"),
        }
    )
    return frame[list(OPEN_CASE_COLUMNS)]


def _column_or_nan(cases: pd.DataFrame, name: str) -> np.ndarray:
    """Coordinates are optional in the pure computation's input (the rules never read them)."""
    if name in cases:
        return cases[name].to_numpy(dtype=np.float64)
    return np.full(len(cases), np.nan)


def _count_states(month: _Counter, group: np.ndarray, states: np.ndarray, ages: np.ndarray) -> None:
    slots = np.broadcast_to(np.arange(states.shape[1]), states.shape)
    groups = np.broadcast_to(group[:, None], states.shape)
    for name in STATE_COLUMNS:
        hit = states == STATES.index(CaseState(name))
        month.add(name, groups[hit], slots[hit])
    open_now = np.isin(states, [STATES.index(s) for s in OPEN_STATES])
    for number, (name, _, _) in enumerate(AGE_BUCKETS):
        hit = open_now & (ages == number)
        month.add(name, groups[hit], slots[hit])


def _count_flows(
    month: _Counter,
    group: np.ndarray,
    cases: pd.DataFrame,
    history: pd.DataFrame,
    periods: list[date],
    as_of: datetime,
    table: DeadlineTable | None,
    calendar: WorkCalendar | None,
) -> None:
    month.add("received", group, _positions(cases["received_at"], periods))
    deadlines = case_deadlines(cases, history, as_of=as_of, table=table, calendar=calendar)
    accept_due = deadlines["accept_due_at"].reindex(cases["id"]).to_numpy(dtype="datetime64[s]")
    accepted = cases["accepted_at"].to_numpy(dtype="datetime64[s]")
    late = ~np.isnat(accepted) & ~np.isnat(accept_due) & (accepted > accept_due)
    month.add("accepted_late", group[late], _positions(accepted[late], periods))

    events = resolution_events(cases, history, table=table, calendar=calendar)
    rows = _case_rows(cases, events["case_id"])
    where = _positions(events["resolved_at"], periods)
    event_group = np.where(rows >= 0, group[np.maximum(rows, 0)], -1)
    last = events["last"].to_numpy(dtype=bool)
    evidence = cases["has_evidence"].to_numpy(dtype=bool)[np.maximum(rows, 0)]
    rating = cases["satisfaction"].to_numpy(dtype=float)[np.maximum(rows, 0)]
    chosen = {
        "resolved": np.ones(len(events), bool),
        "resolved_on_time": events["on_time"].to_numpy(dtype=bool),
        "resolved_with_evidence": last & evidence,
        "rated": last & ~np.isnan(rating),
        "satisfied": last & (rating >= SATISFIED_FROM_STARS),
    }
    for name, hit in chosen.items():
        month.add(name, event_group[hit], where[hit])

    history_rows = _case_rows(cases, history["case_id"])
    history_group = np.where(history_rows >= 0, group[np.maximum(history_rows, 0)], -1)
    status = history["to_status"].to_numpy(dtype=object)
    for name in EVENT_STATUSES:
        hit = status == name
        month.add(
            name, history_group[hit], _positions(history["changed_at"].to_numpy()[hit], periods)
        )


def _weekly(
    cases: pd.DataFrame, history: pd.DataFrame, group: np.ndarray, keys: pd.DataFrame
) -> pd.DataFrame:
    opened_week = _week_starts(cases["received_at"].to_numpy())
    closing = np.isin(history["to_status"].to_numpy(dtype=object), CLOSING_STATUSES)
    closed_rows = _case_rows(cases, history["case_id"].to_numpy()[closing])
    closed_week = _week_starts(history["changed_at"].to_numpy()[closing])
    closed_group = np.where(closed_rows >= 0, group[np.maximum(closed_rows, 0)], -1)
    weeks = np.unique(np.concatenate([opened_week, closed_week]))
    weeks = weeks[~np.isnat(weeks)]
    counter = _Counter(len(keys), len(weeks), WEEK_COUNT_COLUMNS)

    def slot(values: np.ndarray) -> np.ndarray:
        found = np.searchsorted(weeks, values)
        return np.where(np.isnat(values), -1, found).astype(np.int64)

    counter.add("opened", group, slot(opened_week))
    counter.add("closed", closed_group, slot(closed_week))
    starts = [pd.Timestamp(w).date() for w in weeks]
    return counter.frame(keys, starts, "week_start")


# --- every case, a chunk at a time -----------------------------------------------------------


def rules_hash(table: DeadlineTable | None = None) -> str:
    """What the stored counts depend on besides the data: the deadline table's content, the
    working calendar's file, the ``holidays`` package (national holidays) and this module's
    counting version. Any change makes the stored counts stale."""
    table = table or default_deadline_table()
    calendar_file = hashlib.sha256(CALENDAR_FILE.read_bytes()).hexdigest()
    parts = (table.content_hash, calendar_file, package_version("holidays"), COUNTING_VERSION)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def data_as_of(newest: datetime) -> datetime:
    """The instant the stored counts stand for: one second after the newest recorded instant,
    so that a state "from the changes strictly before it" includes the newest change too."""
    return newest + _AS_OF_STEP


def stats_periods_for(first_received: datetime, as_of: datetime) -> list[date]:
    """Every month from the first case's to the one holding ``as_of``."""
    return month_range(month_start(first_received), month_start(as_of))


def _summed(
    parts: list[pd.DataFrame], keys: tuple[str, ...], columns: tuple[str, ...]
) -> pd.DataFrame:
    frames = [p for p in parts if not p.empty]
    if not frames:
        return pd.DataFrame(columns=[*keys, *columns])
    total = pd.concat(frames, ignore_index=True).groupby(list(keys), sort=True, as_index=False)
    return total[list(columns)].sum().astype(dict.fromkeys(columns, "int64"))


def _chunks(
    engine: Engine, span: tuple[int, int]
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame, float]]:
    """(cases, history, seconds waited for them) of each chunk of ids. The next chunk is read
    in a second thread while the caller computes this one: the database and the driver work
    (much of it outside the GIL) overlap the arithmetic (measured at ×10 on SQLite: see the
    README's Performance section)."""
    starts = range(span[0], span[1] + 1, CHUNK_CASES)

    def read(first: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        return read_case_chunk(engine, first, first + CHUNK_CASES - 1)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedback-read") as pool:
        pending: Future[tuple[pd.DataFrame, pd.DataFrame]] | None = pool.submit(read, starts[0])
        for number in range(len(starts)):
            assert pending is not None
            tick = time.perf_counter()
            cases, history = pending.result()
            waited = time.perf_counter() - tick
            following = number + 1
            pending = pool.submit(read, starts[following]) if following < len(starts) else None
            yield cases, history, waited


def _no_open_cases() -> pd.DataFrame:
    return pd.DataFrame(columns=list(OPEN_CASE_COLUMNS))


def _compute_all_once(
    engine: Engine, table: DeadlineTable | None
) -> tuple[ChunkCounts, datetime | None]:
    global last_refresh
    started = time.perf_counter()
    span = case_id_span(engine)
    newest = newest_instant(engine)
    first_case = first_received(engine)
    if span is None or newest is None or first_case is None:
        empty = ChunkCounts(
            _summed([], KEY_COLUMNS, COUNT_COLUMNS),
            _summed([], WEEK_KEY_COLUMNS, WEEK_COUNT_COLUMNS),
            _no_open_cases(),
        )
        return empty, None
    as_of = data_as_of(newest)
    periods = stats_periods_for(first_case, as_of)
    stats_parts: list[pd.DataFrame] = []
    weekly_parts: list[pd.DataFrame] = []
    open_parts: list[pd.DataFrame] = []  # one row per open case: concatenated, not summed
    read_s = compute_s = 0.0
    cases_seen = chunks = 0
    for cases, history, waited in _chunks(engine, span):
        read_s += waited
        if cases.empty:
            continue
        tick = time.perf_counter()
        stats, weekly, open_cases = compute_feedback_stats(
            cases, history, periods, as_of, table=table
        )
        stats_parts.append(stats)
        weekly_parts.append(weekly)
        open_parts.append(open_cases)
        if len(stats_parts) >= _FOLD_PARTS:  # keep the running sums small at any scale
            stats_parts = [_summed(stats_parts, KEY_COLUMNS, COUNT_COLUMNS)]
            weekly_parts = [_summed(weekly_parts, WEEK_KEY_COLUMNS, WEEK_COUNT_COLUMNS)]
        compute_s += time.perf_counter() - tick
        cases_seen += len(cases)
        chunks += 1
    stats = _summed(stats_parts, KEY_COLUMNS, COUNT_COLUMNS)
    weekly = _summed(weekly_parts, WEEK_KEY_COLUMNS, WEEK_COUNT_COLUMNS)
    kept = [part for part in open_parts if not part.empty]
    open_cases = pd.concat(kept, ignore_index=True) if kept else _no_open_cases()
    last_refresh = RefreshReport(
        cases_seen, chunks, time.perf_counter() - started, read_s, compute_s, 0.0
    )
    return ChunkCounts(stats, weekly, open_cases), as_of


def compute_all_feedback_stats(
    engine: Engine, *, table: DeadlineTable | None = None
) -> tuple[ChunkCounts, datetime | None]:
    """Every case's counts, summed over chunks of :data:`CHUNK_CASES` ids, and every open case:
    (counts, as_of); as_of is None when there is no case. Reads the cases, writes nothing. A
    data load committed in the middle of the reads starts the count again (a few times at
    most)."""
    for _ in range(_READ_ATTEMPTS - 1):
        try:
            return _compute_all_once(engine, table)
        except DataChangedWhileReading:
            continue
    return _compute_all_once(engine, table)


def feedback_stats_current(engine: Engine) -> bool:
    """Whether the stored counts come from this data version and these rules."""
    state = stats_state(engine)
    return (
        state is not None
        and state.data_version == data_version(engine)
        and state.rules_hash == rules_hash()
    )


def refresh_feedback_stats(engine: Engine, *, force: bool = False) -> bool:
    """Recompute and store every count when the data or the rules changed since last time (or
    ``force``); True when it computed. One transaction replaces every stored row."""
    global last_refresh
    if not force and feedback_stats_current(engine):
        return False
    started = time.perf_counter()
    version = data_version(engine)
    table = default_deadline_table()
    counts, as_of = compute_all_feedback_stats(engine, table=table)
    computed = last_refresh
    tick = time.perf_counter()
    now = datetime.now()
    state = StatsState(version, rules_hash(table), as_of or now, now)
    write_feedback_stats(engine, counts.stats, counts.weekly, state, counts.open_cases)
    write_s = time.perf_counter() - tick
    if computed is not None and as_of is not None:
        last_refresh = RefreshReport(
            computed.cases,
            computed.chunks,
            time.perf_counter() - started,
            computed.read_seconds,
            computed.compute_seconds,
            write_s,
        )
    return True
