"""The one computation of a feedback case's deadlines and of its state at a date.

Pure (no database): the page (through ``metrics.feedback_stats`` and the case view), the unit
dossier's feedback block and the score's feedback indicators all come from these functions,
so they cannot disagree. Times are naive local time (Asia/Ho_Chi_Minh), as stored.

INTERFACE (agreed between the rules, the stored counts and the page; keep the names):

* :class:`CaseState` and :data:`STATES` (the order of the integer codes); :data:`NOT_YET` (-1)
  for an instant before the case was received;
* :class:`DeadlineTable`, :func:`load_deadline_table`, :func:`default_deadline_table` — the
  declared table ``metrics/feedback_deadlines.yaml`` (acceptance and answer times by severity,
  overridden by category);
* :func:`case_deadlines(cases, history, as_of=…)` → one row per case: its deadline clock at
  ``as_of``;
* :func:`case_states_at(cases, history, instants)` → int8 matrix cases × instants;
* :func:`resolution_events(cases, history)` → one row per change into ``resolved``;
* :func:`age_bucket_codes(received_at, instants)` and :data:`AGE_BUCKETS`.

Inputs are pandas frames:

* ``cases``: ``id``, ``received_at``, ``accepted_at`` (NaT: not accepted), ``severity``,
  ``category`` — one row per case, any order;
* ``history``: ``case_id``, ``changed_at``, ``to_status``, ``note`` — every status change of
  those cases (``feedback_status_history``), any order; changes at the same instant keep their
  given order. The note of a change into ``on_hold`` is its reason.

The rules (each one a sentence a Committee member can check):

* the state at an instant t comes from the changes dated strictly before t (a month end E is
  00:00 on the 1st of the next month, so a change at 23:59 on the last day counts in that month);
* a case not yet accepted is open against its **acceptance deadline** (received + the declared
  working hours, 8 by default); once accepted, against its **answer deadline**: the declared
  working time from acceptance by severity (and category, where declared);
* the answer clock **pauses** while the case is ``on_hold`` waiting on the citizen (a hold
  whose reason is one of the table's ``pause_reasons``; other holds — waiting on another agency,
  on the weather — do not stop the clock): a pause that began before the deadline moves it later
  by the pause's working time; one that began after the deadline had passed moves nothing;
  while paused the case is :attr:`CaseState.PAUSED`;
* a **reopened** case is open again from its reopening, with a new answer deadline counted from
  the reopening (the same declared time); its earlier resolution stays resolved in the past;
* resolved on time means resolved at or before the deadline in force for that round;
* ``rejected`` / ``duplicate`` are final states unless the history later moves the case on.

How the rules read the records (decisions a reader can check in the tests):

* the acceptance is the record's ``accepted_at``; a record without one counts as accepted at its
  first change into a status only an accepted case has (accepted, assigned, in progress, on
  hold, resolved);
* a change out of a closed status (resolved, rejected, duplicate) into an open one is a
  reopening, whatever its name: a new answer round starts at it;
* a pause runs from the change into ``on_hold`` to the case's next change; it belongs to the
  round it began in. A pause that began after the deadline had passed does not stop the clock,
  so the case stays :attr:`CaseState.OPEN_OVERDUE` (putting a late case on hold hides nothing);
* instants are compared to the second (the store keeps whole seconds).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from common.workcalendar import VIETNAM_TZ, WorkCalendar, WorkingClock, default_calendar

DEADLINES_FILE = Path(__file__).resolve().parent / "feedback_deadlines.yaml"
SEVERITIES: tuple[str, ...] = ("urgent", "normal", "complex")


class CaseState(StrEnum):
    """A case's state at an instant, in display order."""

    OPEN_WITHIN = "open_within"  # đang xử lý – trong hạn
    OPEN_OVERDUE = "open_overdue"  # đang xử lý – quá hạn
    PAUSED = "paused"  # tạm dừng (chờ người dân bổ sung)
    RESOLVED_ON_TIME = "resolved_on_time"  # đã giải quyết đúng hạn
    RESOLVED_LATE = "resolved_late"  # đã giải quyết trễ hạn
    REJECTED = "rejected"  # từ chối tiếp nhận
    DUPLICATE = "duplicate"  # trùng phản ánh khác


STATES: tuple[CaseState, ...] = tuple(CaseState)  # code i ↔ STATES[i]
NOT_YET = -1  # the instant is before the case was received
OPEN_STATES = (CaseState.OPEN_WITHIN, CaseState.OPEN_OVERDUE, CaseState.PAUSED)

# Open cases by whole days since receipt at the instant: (label key, first day, last day).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("age_0_7", 0, 7),
    ("age_8_30", 8, 30),
    ("age_31_90", 31, 90),
    ("age_over_90", 91, None),
)

_CODE = {state: np.int8(i) for i, state in enumerate(STATES)}
_OPEN = np.int8(-2)  # a row that leaves the case open: within or overdue depends on the instant


@dataclass(frozen=True)
class AnswerTime:
    """Working time allowed: whole working days, or working hours (a day = the calendar's
    working hours in a day)."""

    days: int = 0
    hours: float = 0.0

    def seconds(self, calendar: WorkCalendar) -> int:
        return round(self.days * calendar.seconds_per_day + self.hours * 3600)


@dataclass(frozen=True)
class DeadlineTable:
    """The declared deadlines: acceptance, answer by severity, answer by (category, severity)."""

    accept: AnswerTime
    by_severity: dict[str, AnswerTime]
    by_category: dict[tuple[str, str], AnswerTime] = field(default_factory=dict)
    pause_reasons: tuple[str, ...] = ()  # on_hold notes that mean "waiting on the citizen"
    source: str = ""  # the file it was read from, for messages
    content_hash: str = ""  # sha256 of the file's text: stored counts follow it
    # (category group, severity) → time, for every category of the group; a category's own
    # entry in ``by_category`` wins over its group's.
    by_group: dict[tuple[str, str], AnswerTime] = field(default_factory=dict)

    def answer_time(self, severity: str, category: str, group: str | None = None) -> AnswerTime:
        """The time allowed for an answer: the category's entry, else its group's, else the
        severity's."""
        if severity not in self.by_severity:
            known = ", ".join(self.by_severity)
            raise ValueError(f"unknown severity {severity!r} (the table knows {known})")
        chosen = self.by_category.get((category, severity))
        if chosen is None and group is not None:
            chosen = self.by_group.get((group, severity))
        return chosen or self.by_severity[severity]


# --- The declared table ---------------------------------------------------------------------

_TIME_KEYS = ("days", "hours")


def _time_entry(entry: object, key: str, extra: tuple[str, ...], problems: list[str]) -> AnswerTime:
    """One declared time (``days`` or ``hours``, and a ``basis``); problems are collected."""
    if not isinstance(entry, dict):
        problems.append(f"{key}: expected days: or hours: and basis:, got {entry!r}")
        return AnswerTime()
    unknown = set(entry) - {*_TIME_KEYS, "basis", *extra}
    if unknown:
        problems.append(f"{key}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    basis = entry.get("basis")
    if not isinstance(basis, str) or not basis.strip():
        problems.append(f"{key}: needs a basis: (why this time)")
    given = [k for k in _TIME_KEYS if k in entry]
    if len(given) != 1:
        problems.append(f"{key}: give exactly one of days: or hours:")
        return AnswerTime()
    value = entry[given[0]]
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{key}.{given[0]}: expected a number, got {value!r}")
        return AnswerTime()
    if value <= 0:
        problems.append(f"{key}.{given[0]}: must be more than 0, got {value!r}")
        return AnswerTime()
    if given[0] == "days":
        if value != int(value):
            problems.append(f"{key}.days: whole working days only, got {value!r}")
            return AnswerTime()
        return AnswerTime(days=int(value))
    return AnswerTime(hours=float(value))


def _severity_times(raw: object, problems: list[str]) -> dict[str, AnswerTime]:
    if not isinstance(raw, dict):
        problems.append("answer: expected one entry per severity (urgent, normal, complex)")
        return {}
    times = {}
    for severity, entry in raw.items():
        if severity not in SEVERITIES:
            problems.append(
                f"answer.{severity}: unknown severity (expected {', '.join(SEVERITIES)})"
            )
            continue
        times[severity] = _time_entry(entry, f"answer.{severity}", (), problems)
    for severity in SEVERITIES:
        if severity not in raw:
            problems.append(f"answer.{severity}: missing")
    return times


def _overrides(
    raw: object, problems: list[str]
) -> tuple[dict[tuple[str, str], AnswerTime], dict[tuple[str, str], AnswerTime]]:
    by_category: dict[tuple[str, str], AnswerTime] = {}
    by_group: dict[tuple[str, str], AnswerTime] = {}
    if raw is None:
        return by_category, by_group
    if not isinstance(raw, list):
        problems.append("overrides: expected a list of entries")
        return by_category, by_group
    for i, entry in enumerate(raw):
        key = f"overrides[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{key}: expected category: or group:, severity:, days: or hours:")
            continue
        named = [k for k in ("category", "group") if k in entry]
        name = entry.get(named[0]) if len(named) == 1 else None
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{key}: name exactly one category: or group:")
            continue
        key = f"overrides[{i}] ({name})"
        severity = entry.get("severity")
        if severity not in SEVERITIES:
            problems.append(
                f"{key}.severity: unknown severity {severity!r} (expected {', '.join(SEVERITIES)})"
            )
            continue
        time_ = _time_entry(entry, key, ("category", "group", "severity"), problems)
        target = by_category if named[0] == "category" else by_group
        if (name, severity) in target:
            problems.append(f"{key}: {named[0]} {name!r} is declared twice for {severity}")
        target[(name, severity)] = time_
    return by_category, by_group


def _pause_reasons(raw: object, problems: list[str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append("pause_reasons: expected a list of {reason: …, basis: …} entries")
        return ()
    reasons: list[str] = []
    for i, entry in enumerate(raw):
        reason = entry.get("reason") if isinstance(entry, dict) else None
        basis = entry.get("basis") if isinstance(entry, dict) else None
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"pause_reasons[{i}]: needs a reason: (the on-hold note)")
            continue
        if not isinstance(basis, str) or not basis.strip():
            problems.append(f"pause_reasons[{i}] ({reason}): needs a basis:")
        if reason in reasons:
            problems.append(f"pause_reasons[{i}] ({reason}): listed twice")
        reasons.append(reason)
    return tuple(reasons)


def load_deadline_table(path: Path = DEADLINES_FILE) -> DeadlineTable:
    """Read and check the declared table; a bad entry raises ``ValueError`` naming the file and
    the key (every problem of the file at once)."""
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected accept:, answer:, overrides:, pause_reasons:")
    problems: list[str] = []
    unknown = set(raw) - {"accept", "answer", "overrides", "pause_reasons"}
    if unknown:
        problems.append(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    if "accept" not in raw:
        problems.append("accept: missing")
    accept = _time_entry(raw.get("accept"), "accept", (), problems) if "accept" in raw else None
    by_severity = _severity_times(raw.get("answer"), problems)
    by_category, by_group = _overrides(raw.get("overrides"), problems)
    reasons = _pause_reasons(raw.get("pause_reasons"), problems)
    if problems or accept is None:
        raise ValueError("\n".join(f"{path}: {problem}" for problem in problems))
    return DeadlineTable(
        accept=accept,
        by_severity=by_severity,
        by_category=by_category,
        pause_reasons=reasons,
        source=str(path),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        by_group=by_group,
    )


@lru_cache(maxsize=1)
def default_deadline_table() -> DeadlineTable:
    """The table in force: ``metrics/feedback_deadlines.yaml``."""
    return load_deadline_table()


# --- Inputs -----------------------------------------------------------------------------------

# The statuses of feedback_status_history.to_status, and what they mean for the clock.
_STATUS = {
    name: np.int8(i)
    for i, name in enumerate(
        (
            "received",
            "accepted",
            "assigned",
            "in_progress",
            "on_hold",
            "resolved",
            "rejected",
            "duplicate",
            "reopened",
        )
    )
}
_CARRY = np.int8(-1)  # a row that changes no status (a round starting without a change)
_CLOSED = np.array([_STATUS[s] for s in ("resolved", "rejected", "duplicate")])
# A status only an accepted case can reach: the acceptance of a record without accepted_at.
_HANDLING = np.array(
    [_STATUS[s] for s in ("accepted", "assigned", "in_progress", "on_hold", "resolved")]
)


def _local_seconds(values: object) -> np.ndarray:
    """Naive local instants to the second (datetime64[s], NaT kept); aware ones converted."""
    stamps = pd.Series(pd.to_datetime(pd.Series(values).to_numpy()))
    if stamps.empty:
        return np.array([], dtype="datetime64[s]")
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert(VIETNAM_TZ).dt.tz_localize(None)
    return stamps.to_numpy(dtype="datetime64[s]")


def _status_codes(statuses: pd.Series) -> np.ndarray:
    # Factorised first: a handful of distinct statuses among hundreds of thousands of rows.
    codes, names = pd.factorize(statuses)
    unknown = sorted({str(name) for name in names if name not in _STATUS})
    if unknown or (codes < 0).any():
        raise ValueError(f"unknown feedback status(es) in the history: {', '.join(unknown)}")
    return np.array([_STATUS[name] for name in names], dtype=np.int8)[codes]


def _answer_seconds(
    cases: pd.DataFrame, table: DeadlineTable, calendar: WorkCalendar
) -> np.ndarray:
    """Working seconds allowed for each case's answer, looked up once per distinct topic."""
    if table.by_group and "category_group" not in cases.columns:
        raise ValueError(
            f"{table.source or 'the deadline table'} declares deadlines by category group: "
            "the cases need a category_group column"
        )
    columns = ["severity", "category"] + (["category_group"] if table.by_group else [])
    # (codes, distinct values as a plain list: indexing a pandas Index one value at a time is slow)
    factorised: list[tuple[np.ndarray, list[object]]] = []
    for column in columns:
        codes, distinct = pd.factorize(cases[column])
        factorised.append((codes, list(distinct)))
    # One integer per distinct (severity, category, group), then one lookup per distinct one.
    combined = np.zeros(len(cases), dtype=np.int64)
    for column, (codes, values) in zip(columns, factorised, strict=True):
        if (codes < 0).any():
            raise ValueError(f"a feedback case has no {column}")
        combined = combined * len(values) + codes
    topics, inverse = np.unique(combined, return_inverse=True)
    allowed = []
    for topic in topics.tolist():
        parts = []
        for _codes, values in reversed(factorised):
            topic, code = divmod(topic, len(values))
            parts.append(str(values[code]))
        severity, category, *group = reversed(parts)
        allowed.append(table.answer_time(severity, category, *group).seconds(calendar))
    return np.array(allowed, dtype=np.int64)[inverse.reshape(-1)]


@lru_cache(maxsize=8)
def _clock(calendar: WorkCalendar, first_year: int, last_year: int) -> WorkingClock:
    # Whole years, so that one clock serves every call on data of the same span.
    return calendar.clock(date(first_year, 1, 1), date(last_year, 12, 31))


def _clock_for(
    calendar: WorkCalendar, times: Sequence[np.ndarray], longest_seconds: int
) -> WorkingClock:
    """A clock covering every instant given and every deadline that can follow them."""
    known = [t[~np.isnat(t)] for t in times]
    known = [t for t in known if t.size]
    if not known:
        return _clock(calendar, 2000, 2000)
    first = min(t.min() for t in known).astype("datetime64[D]").astype(date)
    last = max(t.max() for t in known).astype("datetime64[D]").astype(date)
    # A deadline lies at most the longest allowed time past the newest instant (pauses only use
    # up working time between known instants); 2 calendar days per working day, plus Tết.
    days = -(-longest_seconds // calendar.seconds_per_day)
    return _clock(calendar, first.year, (last + timedelta(days=2 * days + 30)).year)


# --- Every case's rounds, pauses and deadlines ------------------------------------------------


@dataclass(frozen=True)
class _Changes:
    """Every case's changes in time order (rows), with what each leaves in force.

    Beside the history's rows there is one made-up row per case at its receipt (the acceptance
    round starts) and one at its acceptance (the answer round starts): a record's
    ``accepted_at`` counts even where the history has no change at that instant.
    """

    case: np.ndarray  # position of the case in ``cases``
    at: np.ndarray  # datetime64[s]
    key: np.ndarray  # int64, increasing: case × span + seconds since origin
    origin: np.datetime64
    span: int
    history: np.ndarray  # bool: a row of the history (not made up)
    status: np.ndarray  # int8 status after the row
    fixed: np.ndarray  # int8 state code the row leaves (closed, paused), or _OPEN
    due_w: np.ndarray  # int64 working seconds of the deadline in force after the row
    due_at: np.ndarray  # datetime64[s], the same deadline as an instant
    answer: np.ndarray  # bool: the row's round is an answer round (the case was accepted)
    round_start: np.ndarray  # datetime64[s] when the row's round began
    pause_w: np.ndarray  # int64 working seconds at the start of a pause row (-1: not one)
    accept_due_at: np.ndarray  # per case: the acceptance round's deadline (its final value)
    accepted_at: np.ndarray  # per case: the acceptance instant used (NaT: never accepted)
    received: np.ndarray  # per case, datetime64[s]
    clock: WorkingClock

    def last_rows(self, instant: np.datetime64) -> np.ndarray:
        """Per case, the index of its last row strictly before ``instant`` (-1: none)."""
        n = len(self.received)
        offset = int(np.clip((instant - self.origin).astype(np.int64), 0, self.span - 1))
        query = np.arange(n, dtype=np.int64) * self.span + offset
        row = np.searchsorted(self.key, query, side="left") - 1
        ok = row >= 0
        ok[ok] = self.case[row[ok]] == np.flatnonzero(ok)
        return np.where(ok, row, -1)


def _row_order(case: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The order of the rows — by case, then time; at one instant in the order given (the
    made-up rows come first in it) — the sorted key, and the span of the key."""
    origin = at.min()
    seconds = (at - origin).astype(np.int64)
    span = int(seconds.max()) + 2
    key = case.astype(np.int64) * span + seconds
    order = np.argsort(key, kind="stable")
    return order, key[order], span


def _ffill(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Each row's value, or the last present value before it (the first row must be present)."""
    source = np.where(present, np.arange(len(values)), 0)
    return values[np.maximum.accumulate(source)]


def _prepare(
    cases: pd.DataFrame,
    history: pd.DataFrame,
    instants: Sequence[np.datetime64],
    table: DeadlineTable | None,
    calendar: WorkCalendar | None,
) -> _Changes:
    table = table or default_deadline_table()
    calendar = calendar or default_calendar()
    n = len(cases)
    ids = cases["id"].to_numpy()
    received = _local_seconds(cases["received_at"])
    if np.isnat(received).any():
        raise ValueError("every feedback case needs received_at")
    accepted = _local_seconds(cases["accepted_at"])
    answer_s = _answer_seconds(cases, table, calendar)
    accept_s = table.accept.seconds(calendar)

    if "note" not in history.columns:
        raise ValueError("the history needs its note column: an on-hold note is its reason")
    h_case = pd.Index(ids).get_indexer(history["case_id"])
    if (h_case < 0).any():
        raise ValueError("the history names cases that are not among the cases given")
    h_at = _local_seconds(history["changed_at"])
    if np.isnat(h_at).any():
        raise ValueError("every status change needs changed_at")
    h_status = _status_codes(history["to_status"])
    h_citizen = (h_status == _STATUS["on_hold"]) & history["note"].isin(
        table.pause_reasons
    ).to_numpy(dtype=bool)

    # Acceptance: the record's accepted_at, else the first change only an accepted case makes.
    never = np.iinfo(np.int64).max
    first_handling = np.full(n, never, dtype=np.int64)
    handling = np.isin(h_status, _HANDLING)
    np.minimum.at(first_handling, h_case[handling], h_at[handling].astype(np.int64))
    fallback = np.where(
        first_handling == never, np.datetime64("NaT", "s"), first_handling.astype("datetime64[s]")
    )
    acceptance = np.where(np.isnat(accepted), fallback, accepted)
    has_acceptance = ~np.isnat(acceptance)
    acceptance[has_acceptance] = np.maximum(acceptance[has_acceptance], received[has_acceptance])

    longest = max([accept_s, int(answer_s.max()) if n else 0])
    clock = _clock_for(calendar, [received, h_at, np.asarray(instants, "datetime64[s]")], longest)

    # All rows: receipt (made up), acceptance (made up), then the history.
    accepted_pos = np.flatnonzero(has_acceptance)
    case = np.concatenate([np.arange(n), accepted_pos, h_case])
    at = np.concatenate([received, acceptance[accepted_pos], h_at])
    n_made = n + len(accepted_pos)
    made_up = np.arange(len(case)) < n_made
    status = np.concatenate([np.full(n_made, _CARRY, dtype=np.int8), h_status])
    citizen = np.concatenate([np.zeros(n_made, dtype=bool), h_citizen])
    starts_answer = np.concatenate(
        [
            np.zeros(n, dtype=bool),
            np.ones(len(accepted_pos), dtype=bool),
            np.zeros(len(h_case), bool),
        ]
    )
    origin = at.min()
    order, key, span = _row_order(case, at)
    case, at, made_up = case[order], at[order], made_up[order]
    status, citizen, starts_answer = status[order], citizen[order], starts_answer[order]
    first_of_case = np.r_[True, case[1:] != case[:-1]] if len(case) else np.zeros(0, bool)
    status[first_of_case & (status == _CARRY)] = _STATUS["received"]
    status = _ffill(status, status != _CARRY)
    previous = np.r_[_CARRY, status[:-1]] if len(status) else status
    previous[first_of_case] = _CARRY
    # A change out of a closed status (resolved, rejected, duplicate) back to an open one is a
    # reopening: a new answer round starts there.
    reopening = ~made_up & np.isin(previous, _CLOSED) & ~np.isin(status, _CLOSED)
    answer_start = starts_answer | reopening
    start = first_of_case | answer_start
    round_of = np.cumsum(start) - 1
    round_row = np.flatnonzero(start)
    round_answer = answer_start[round_row]
    allowed = np.where(round_answer, answer_s[case[round_row]], accept_s)
    base_w = clock.seconds_at(at[round_row]) + allowed

    moved_at_row = _pauses(case, at, made_up, citizen, round_of, base_w, clock)
    pause_w = moved_at_row[1]
    moved = np.cumsum(moved_at_row[0])
    before_round = (moved - moved_at_row[0])[round_row]
    due_w = base_w[round_of] + moved - before_round[round_of]
    due_at = clock.moment_at(due_w)

    # What each row leaves: closed and paused rows decide the state alone.
    changed_at = _ffill(at, ~made_up | first_of_case)  # when the status in force was set
    fixed = np.full(len(case), _OPEN, dtype=np.int8)
    resolved = status == _STATUS["resolved"]
    fixed[resolved] = np.where(
        changed_at[resolved] <= due_at[resolved],
        _CODE[CaseState.RESOLVED_ON_TIME],
        _CODE[CaseState.RESOLVED_LATE],
    )
    fixed[status == _STATUS["rejected"]] = _CODE[CaseState.REJECTED]
    fixed[status == _STATUS["duplicate"]] = _CODE[CaseState.DUPLICATE]
    fixed[pause_w >= 0] = _CODE[CaseState.PAUSED]

    # The acceptance round is each case's first: its deadline as its last row left it.
    round_last = np.r_[round_row[1:] - 1, len(case) - 1]
    first_round = round_of[first_of_case]
    return _Changes(
        case=case,
        at=at,
        key=key,
        origin=origin,
        span=span,
        history=~made_up,
        status=status,
        fixed=fixed,
        due_w=due_w,
        due_at=due_at,
        answer=round_answer[round_of],
        round_start=at[round_row][round_of],
        pause_w=pause_w,
        accept_due_at=due_at[round_last[first_round]],
        accepted_at=acceptance,
        received=received,
        clock=clock,
    )


def _pauses(
    case: np.ndarray,
    at: np.ndarray,
    made_up: np.ndarray,
    citizen: np.ndarray,
    round_of: np.ndarray,
    base_w: np.ndarray,
    clock: WorkingClock,
) -> tuple[np.ndarray, np.ndarray]:
    """(working seconds each row adds to its round's deadline, working seconds at the start of
    each pause that stops the clock or -1).

    A pause runs from a citizen-wait hold to the case's next change. It stops the clock when it
    began at or before the deadline then in force — moved by the round's earlier pauses, hence
    the loop over the pauses' rank within their round (rarely more than one or two).
    """
    added = np.zeros(len(case), dtype=np.int64)
    pause_w = np.full(len(case), -1, dtype=np.int64)
    rows = np.flatnonzero(citizen)
    if not len(rows):
        return added, pause_w
    changes = np.flatnonzero(~made_up)
    following = np.r_[changes[1:], -1]
    end = following[np.searchsorted(changes, rows)]
    # A pause ends at the case's next change, if that change is still in the same round.
    ends = end >= 0
    ends[ends] = (case[end[ends]] == case[rows[ends]]) & (
        round_of[end[ends]] == round_of[rows[ends]]
    )
    end = np.where(ends, end, -1)
    rounds = round_of[rows]
    new_round = np.r_[True, rounds[1:] != rounds[:-1]]
    rank = np.arange(len(rows)) - np.maximum.accumulate(
        np.where(new_round, np.arange(len(rows)), 0)
    )
    start_w = clock.seconds_at(at[rows])
    end_w = np.where(ends, clock.seconds_at(at[np.where(ends, end, rows)]), start_w)
    moved = np.zeros(len(base_w), dtype=np.int64)
    stops = np.zeros(len(rows), dtype=bool)
    for k in range(int(rank.max()) + 1):
        this = rank == k
        r = rounds[this]
        due_then = clock.moment_at(base_w[r] + moved[r])
        stops[this] = at[rows[this]] <= due_then
        # One pause of each round per rank: plain indexing adds each once.
        moved[r] += np.where(stops[this], end_w[this] - start_w[this], 0)
    counted = stops & ends
    np.add.at(added, end[counted], (end_w - start_w)[counted])
    pause_w[rows[stops]] = start_w[stops]
    return added, pause_w


# --- The public computations ------------------------------------------------------------------


def _instants(instants: Sequence[datetime] | Sequence[np.datetime64]) -> list[np.datetime64]:
    moments = _local_seconds(list(instants))
    if np.isnat(moments).any():
        raise ValueError("an instant is missing (NaT)")
    return list(moments)


def _states(changes: _Changes, instant: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """(state code of every case at ``instant``, its last row before it or -1)."""
    row = changes.last_rows(instant)
    found = row >= 0
    code = np.full(len(row), NOT_YET, dtype=np.int8)
    r = row[found]
    overdue = changes.due_at[r] < instant
    code[found] = np.where(
        changes.fixed[r] != _OPEN,
        changes.fixed[r],
        np.where(overdue, _CODE[CaseState.OPEN_OVERDUE], _CODE[CaseState.OPEN_WITHIN]),
    )
    code[changes.received >= instant] = NOT_YET
    return code, np.where(code == NOT_YET, -1, row)


def case_states_at(
    cases: pd.DataFrame,
    history: pd.DataFrame,
    instants: Sequence[datetime],
    *,
    table: DeadlineTable | None = None,
    calendar: WorkCalendar | None = None,
) -> np.ndarray:
    """The state code (index into :data:`STATES`, or :data:`NOT_YET`) of each case (rows, in
    the order of ``cases``) at each instant (columns), from the changes strictly before it."""
    moments = _instants(instants)
    out = np.full((len(cases), len(moments)), NOT_YET, dtype=np.int8)
    if not len(cases) or not moments:
        return out
    changes = _prepare(cases, history, moments, table, calendar)
    for j, moment in enumerate(moments):
        out[:, j] = _states(changes, moment)[0]
    return out


def case_deadlines(
    cases: pd.DataFrame,
    history: pd.DataFrame,
    *,
    as_of: datetime,
    table: DeadlineTable | None = None,
    calendar: WorkCalendar | None = None,
) -> pd.DataFrame:
    """Each case's deadline clock at ``as_of``, indexed by case id.

    Columns: ``state`` (a :class:`CaseState` value, or None before receipt), ``accept_due_at``,
    ``round_started_at`` (acceptance, or the last reopening), ``due_at`` (the answer deadline in
    force at ``as_of``: the current round's, moved by the pauses that ended before ``as_of``;
    NaT while not accepted), ``paused_since`` (NaT unless on hold at ``as_of``),
    ``remaining_seconds`` (working seconds left at ``as_of``, negative when overdue; frozen while
    paused; NaN once closed). Also ``accepted_at``: the acceptance the clock counts from (the
    record's, else its first handling change; NaT: not accepted by ``as_of``).

    Remaining time is working time: on a Saturday after a deadline of Friday 17:00 it is 0 while
    the state is already overdue.
    """
    columns = [
        "state",
        "accept_due_at",
        "accepted_at",
        "round_started_at",
        "due_at",
        "paused_since",
        "remaining_seconds",
    ]
    if not len(cases):
        return pd.DataFrame(columns=columns, index=pd.Index(cases["id"], name="id"))
    moment = _instants([as_of])[0]
    changes = _prepare(cases, history, [moment], table, calendar)
    code, row = _states(changes, moment)
    n = len(code)
    nat = np.datetime64("NaT", "s")
    known = row >= 0
    r = row[known]
    answering = np.zeros(n, dtype=bool)
    answering[known] = changes.answer[r]
    due_at = np.full(n, nat)
    due_at[answering] = changes.due_at[row[answering]]
    started = np.full(n, nat)
    started[answering] = changes.round_start[row[answering]]
    paused = code == _CODE[CaseState.PAUSED]
    paused_since = np.full(n, nat)
    paused_since[paused] = changes.at[row[paused]]
    is_open = np.isin(code, [_CODE[s] for s in OPEN_STATES])
    remaining = np.full(n, np.nan)
    now_w = changes.clock.seconds_at(np.array([moment]))[0]
    clock_w = np.where(paused, changes.pause_w[np.maximum(row, 0)], now_w)
    remaining[is_open] = (changes.due_w[row[is_open]] - clock_w[is_open]).astype(float)
    accepted_at = np.where(changes.accepted_at < moment, changes.accepted_at, nat)
    state = np.array([None] + [s.value for s in STATES], dtype=object)[code.astype(np.int64) + 1]
    index = pd.Index(cases["id"].to_numpy(), name="id")
    return pd.DataFrame(
        {
            "state": pd.Series(state, index=index, dtype=object),  # None, not NaN, before receipt
            "accept_due_at": changes.accept_due_at,
            "accepted_at": accepted_at,
            "round_started_at": started,
            "due_at": due_at,
            "paused_since": paused_since,
            "remaining_seconds": remaining,
        },
        index=index,
    )


def resolution_events(
    cases: pd.DataFrame,
    history: pd.DataFrame,
    *,
    table: DeadlineTable | None = None,
    calendar: WorkCalendar | None = None,
) -> pd.DataFrame:
    """One row per change into ``resolved``: ``case_id``, ``resolved_at``, ``due_at`` (the
    deadline in force for that round), ``on_time`` (bool), ``last`` (True for the case's last
    resolution when the case is still resolved after it — evidence and rating belong to it).
    In the order of ``cases``, then of time."""
    empty = pd.DataFrame(
        {
            "case_id": pd.Series(dtype=cases["id"].dtype if "id" in cases else "int64"),
            "resolved_at": pd.Series(dtype="datetime64[s]"),
            "due_at": pd.Series(dtype="datetime64[s]"),
            "on_time": pd.Series(dtype=bool),
            "last": pd.Series(dtype=bool),
        }
    )
    if not len(cases) or not len(history):
        return empty
    changes = _prepare(cases, history, [], table, calendar)
    events = np.flatnonzero(changes.history & (changes.status == _STATUS["resolved"]))
    if not len(events):
        return empty
    event_case = changes.case[events]
    last_row = np.r_[np.flatnonzero(changes.case[1:] != changes.case[:-1]), len(changes.case) - 1]
    still_resolved = changes.status[last_row] == _STATUS["resolved"]
    last_of_case = np.r_[event_case[1:] != event_case[:-1], True]
    return pd.DataFrame(
        {
            "case_id": cases["id"].to_numpy()[event_case],
            "resolved_at": changes.at[events],
            "due_at": changes.due_at[events],
            "on_time": changes.fixed[events] == _CODE[CaseState.RESOLVED_ON_TIME],
            "last": last_of_case & still_resolved[event_case],
        }
    )


def age_bucket_codes(received_at: np.ndarray, instants: Sequence[datetime]) -> np.ndarray:
    """Index into :data:`AGE_BUCKETS` of each case at each instant by whole days since receipt
    (cases × instants, int8; -1 before receipt)."""
    received = _local_seconds(received_at)
    moments = np.array(_instants(instants), dtype="datetime64[s]")
    days = (moments[None, :] - received[:, None]).astype("timedelta64[s]").astype(np.int64) // 86400
    first_days = np.array([first for _, first, _ in AGE_BUCKETS])
    code = np.searchsorted(first_days, days, side="right") - 1
    return np.where(received[:, None] < moments[None, :], code, -1).astype(np.int8)
