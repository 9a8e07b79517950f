"""Citizen feedback cases and the history of their status changes.

Volume: each unit receives cases in proportion to its population (urban wards somewhat more per
head), fewer on weekends and holidays, more as the Đắk Lắk Số app spreads after its launch on
10 July 2025. At scale 1 the span from launch to the end of October 2026 holds 150,000 cases on
average; a later end date holds proportionally more.

Handling runs on the working calendar (``common.workcalendar``): accepted within a few working
hours of receipt (weak units sometimes beyond the 8-hour rule); due after the answer time the
declared table gives the case's severity and category (``metrics/feedback_deadlines.yaml``: 4
working hours urgent, 5 working days normal, 15 complex, less for questions) — the generator
stands for the source systems, which apply the same rules. How long a unit takes depends on its
latent level; weak units also leave a tail of cases stuck for weeks — the overdue backlog.
``due_at`` is the deadline in force at the snapshot, by the metrics layer's one computation
(``metrics.feedback_cases.case_deadlines``): moved by the holds waiting on the citizen that had
ended, and for a reopened case its reopened round's deadline.

Cases are generated half a month at a time, each half month from its own random streams, so
memory stays bounded at any scale and a later end date leaves earlier cases as they were (only
their status can move on).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from common.workcalendar import WorkCalendar, WorkingClock, default_calendar
from data.demo import feedback_catalog as cat
from data.demo.load import Rows
from data.demo.people import (
    BUON_NAMES,
    addresses,
    document_ref,
    highland_name_share,
    person_names,
    phone_numbers,
    streets_of,
)
from data.demo.world import (
    PLATFORM_LAUNCH,
    SPAN_START,
    World,
    months_since_start,
    scatter_around,
    stream,
)
from data.models import FeedbackCase, FeedbackStatusChange
from metrics.feedback_cases import case_deadlines, default_deadline_table

CASES_AT_SCALE_1 = 150_000
REFERENCE_END = date(2026, 10, 31)  # the span CASES_AT_SCALE_1 refers to starts at the launch
_PER_CAPITA = {"phuong": 1.35, "xa_lowland": 1.0, "xa_highland": 0.85}
_WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.05, 1.05, 0.95, 0.55, 0.45])  # Monday first
_HOLIDAY_FACTOR = 0.35
CHANNELS = ("app", "web", "hotline", "chatbot", "zalo")
SEVERITIES = ("urgent", "normal", "complex")
# When people write: online channels from early morning to late evening, the hotline in office
# hours.
_ONLINE_HOURS = np.array(
    [
        0.3,
        0.2,
        0.1,
        0.1,
        0.2,
        0.6,
        1.5,
        3,
        5,
        6,
        6,
        5,
        3.5,
        3.5,
        5,
        5.5,
        5,
        4.5,
        4,
        4.5,
        4.5,
        3.5,
        2,
        1,
    ]
)
_HOTLINE_HOURS = np.array(
    [0, 0, 0, 0, 0, 0, 0.2, 2, 8, 9, 8, 6, 2, 3, 8, 9, 8, 4, 1, 0.5, 0.3, 0.2, 0, 0]
)
_GROUP_NAMES = tuple(g.name for g in cat.GROUPS)


def allowed_seconds(calendar: WorkCalendar) -> np.ndarray:
    """Working seconds from acceptance to the deadline, per index into cat.CATEGORIES (rows)
    and SEVERITIES (columns), from the declared table."""
    table = default_deadline_table()
    return np.array(
        [
            [table.answer_time(s, c.name, c.group).seconds(calendar) for s in SEVERITIES]
            for c in cat.CATEGORIES
        ],
        dtype=np.int64,
    )


# --- Volume ---------------------------------------------------------------------------------------


def _day_factors(days: np.ndarray) -> np.ndarray:
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    factor = _WEEKDAY_FACTOR[weekday]
    calendar = default_calendar()
    off = np.array([not calendar.is_working_day(d) for d in days.astype(object)], dtype=bool)
    off_on_weekday = off & (weekday < 5)
    return np.where(off_on_weekday, _HOLIDAY_FACTOR, factor)


def _relative_rates(world: World, days: np.ndarray) -> np.ndarray:
    """Expected cases per unit and day, up to a common factor (units × days)."""
    units = world.units
    since_launch = (days - np.datetime64(PLATFORM_LAUNCH)).astype(float)
    # Stronger units spread the app faster; everyone starts at a quarter of the mature rate.
    spread_days = 150.0 / (0.5 + units.level0)
    adoption = 0.25 + 0.75 * (1.0 - np.exp(-since_launch[None, :] / spread_days[:, None]))
    per_capita = np.array([_PER_CAPITA[g] for g in units.peer_group])
    return (units.population * per_capita)[:, None] * adoption * _day_factors(days)[None, :]


def daily_rates(world: World, days: np.ndarray) -> np.ndarray:
    """Expected cases per unit (rows) and day (columns) at the world's scale."""
    reference = np.arange(np.datetime64(PLATFORM_LAUNCH), np.datetime64(REFERENCE_END) + 1)
    per_reference_case = CASES_AT_SCALE_1 / _relative_rates(world, reference).sum()
    return world.scale * per_reference_case * _relative_rates(world, days)


# --- One half month's cases ----------------------------------------------------------------------


@dataclass
class _Cases:
    unit: np.ndarray
    received: np.ndarray  # datetime64[s], sorted
    channel: np.ndarray  # index into CHANNELS
    group: np.ndarray  # index into cat.GROUPS
    category: np.ndarray  # index into cat.CATEGORIES
    severity: np.ndarray  # index into SEVERITIES
    level: np.ndarray  # the unit's latent level when the case arrived

    def __len__(self) -> int:
        return len(self.unit)


def _arrivals(
    world: World, days: np.ndarray, rates: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = rng.poisson(rates)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    unit, day = np.divmod(cell, len(days))
    since_launch = (days[day] - np.datetime64(PLATFORM_LAUNCH)).astype(float) / 30.44
    channel = _channels(since_launch, rng)
    online_hour = rng.choice(24, size=len(cell), p=_ONLINE_HOURS / _ONLINE_HOURS.sum())
    hotline_hour = rng.choice(24, size=len(cell), p=_HOTLINE_HOURS / _HOTLINE_HOURS.sum())
    hour = np.where(channel == CHANNELS.index("hotline"), hotline_hour, online_hour)
    seconds = hour * 3600 + rng.integers(0, 3600, len(cell))
    received = days[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return unit, received, channel


def _channels(months_since_launch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The app takes over from the hotline as it spreads."""
    grown = np.minimum(months_since_launch / 12.0, 1.0)
    share = np.stack(
        [
            0.30 + 0.20 * grown,  # app
            0.12 - 0.04 * grown,  # web
            0.30 - 0.18 * grown,  # hotline
            0.13 - 0.01 * grown,  # chatbot
            0.15 + 0.03 * grown,  # zalo
        ],
        axis=1,
    )
    cumulative = np.cumsum(share / share.sum(axis=1, keepdims=True), axis=1)
    return (rng.random(len(grown))[:, None] > cumulative).sum(axis=1)


def _topics(world: World, unit: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    phuong = world.units.is_phuong[unit]
    weights = np.array([[g.weight_phuong, g.weight_xa] for g in cat.GROUPS])
    group_p = weights / weights.sum(axis=0)
    cumulative = np.cumsum(group_p, axis=0)  # groups × {phường, xã}
    column = np.where(phuong, 0, 1)
    group = (rng.random(len(unit))[:, None] > cumulative[:, column].T).sum(axis=1)
    category = np.empty(len(unit), dtype=np.int64)
    for g, name in enumerate(_GROUP_NAMES):
        members = [i for i, c in enumerate(cat.CATEGORIES) if c.group == name]
        w = np.array([cat.CATEGORIES[i].weight for i in members])
        chosen = group == g
        category[chosen] = np.array(members)[rng.choice(len(members), chosen.sum(), p=w / w.sum())]
    severity_p = np.array([c.severity for c in cat.CATEGORIES])[category]
    severity = (rng.random(len(unit))[:, None] > np.cumsum(severity_p, axis=1)[:, :2]).sum(axis=1)
    return group, category, severity


def _draw_cases(
    world: World, days: np.ndarray, rates: np.ndarray, rng: np.random.Generator
) -> _Cases:
    unit, received, channel = _arrivals(world, days, rates, rng)
    keep = received < np.datetime64(world.as_of, "s")
    unit, received, channel = unit[keep], received[keep], channel[keep]
    order = np.lexsort((unit, received))
    unit, received, channel = unit[order], received[order], channel[order]
    group, category, severity = _topics(world, unit, rng)
    level = world.units.level0[unit] + world.units.pace[unit] * months_since_start(received)
    return _Cases(unit, received, channel, group, category, severity, np.clip(level, 0.05, 0.97))


def _duplicates(cases: _Cases, rng: np.random.Generator) -> np.ndarray:
    """For each case, the position of the earlier case it duplicates (-1: none).

    A duplicate repeats the nearest earlier non-duplicate case of the same unit within the
    half month, and takes over its topic (it reports the same thing).
    """
    n = len(cases)
    wants = rng.random(n) < 0.03
    by_unit = np.lexsort((np.arange(n), cases.unit))  # unit, then time
    original = np.full(n, -1)
    last_plain: dict[int, int] = {}
    for position in by_unit:
        u = int(cases.unit[position])
        if wants[position] and u in last_plain:
            original[position] = last_plain[u]
        else:
            last_plain[u] = int(position)
    dup = original >= 0
    for field in ("group", "category", "severity"):
        values = getattr(cases, field)
        values[dup] = values[original[dup]]
    return original


# --- Timeline -------------------------------------------------------------------------------------


@dataclass
class _Timeline:
    """Instants of every possible event (datetime64[s]) and which of them happen."""

    decision: np.ndarray
    outcome: np.ndarray  # "accepted" | "rejected" | "duplicate"
    due: np.ndarray  # the first round's deadline before any pause (what handling aims at)
    assigned: np.ndarray
    progress: np.ndarray
    hold_start: np.ndarray
    hold_end: np.ndarray
    has_hold: np.ndarray
    resolved: np.ndarray
    reopened: np.ndarray
    reprogress: np.ndarray
    reresolved: np.ndarray
    has_reopen: np.ndarray
    has_evidence: np.ndarray


def _hours(h: np.ndarray | float) -> np.ndarray:
    return np.round(np.asarray(h) * 3600).astype(np.int64)


def _timeline(
    cases: _Cases, original: np.ndarray, clock: WorkingClock, rng: np.random.Generator
) -> _Timeline:
    n = len(cases)
    weak = 1.0 - cases.level
    urgent = cases.severity == 0
    allowed = allowed_seconds(clock.calendar)[cases.category, cases.severity]
    cap = clock.capacity

    def moment(w: np.ndarray) -> np.ndarray:
        return clock.moment_at(np.minimum(w, cap))

    received_w = clock.seconds_at(cases.received)
    # Acceptance: mostly within a couple of working hours; weak units sometimes beyond 8 hours.
    decision_w = received_w + 300 + _hours(rng.exponential(0.4 + 1.8 * weak))
    draw = rng.random(n)
    outcome = np.where(original >= 0, "duplicate", np.where(draw < 0.035, "rejected", "accepted"))
    due_w = decision_w + allowed
    speed = np.where(urgent, 0.25, 1.0) * (0.5 + weak)
    assigned_w = decision_w + _hours(rng.uniform(0.05, 1.0, n) * speed)
    progress_w = assigned_w + _hours(rng.uniform(0.1, 4.0, n) * speed)
    # How much of the allowed time handling takes: well under it in strong units.
    share = rng.lognormal(np.log(0.3 + 0.6 * weak), 0.55)
    # A tail of cases that get stuck for weeks or months: the overdue backlog of weak units.
    stuck = rng.random(n) < 0.12 * weak**2
    share = np.where(stuck, share * rng.uniform(3.0, 40.0, n), share)
    resolved_w = np.maximum(progress_w + 900, decision_w + (share * allowed).astype(np.int64))
    hold_p = np.array([0.02, 0.06, 0.15])[cases.severity]
    has_hold = rng.random(n) < hold_p
    hold_start_w = progress_w + ((resolved_w - progress_w) * rng.uniform(0.2, 0.8, n)).astype(
        np.int64
    )
    hold_w = _hours(rng.uniform(4.0, 60.0, n))
    hold_end_w = hold_start_w + hold_w
    resolved_w = np.where(has_hold, resolved_w + hold_w, resolved_w)
    is_question = cases.group == _GROUP_NAMES.index(cat.QUESTION_GROUP)
    has_evidence = rng.random(n) < np.where(is_question, 0.25, 0.45 + 0.45 * cases.level)
    late_first = resolved_w > due_w
    reopen_p = 0.02 + 0.06 * ~has_evidence + 0.04 * late_first
    has_reopen = (rng.random(n) < reopen_p) & ~is_question
    resolved = moment(resolved_w)
    # The citizen reopens a few days later, at any hour they like.
    reopened = resolved + (rng.uniform(1.0, 10.0, n) * 86400).astype("timedelta64[s]")
    reprogress_w = clock.seconds_at(np.minimum(reopened, moment(np.full(n, cap)))) + _hours(
        rng.uniform(0.5, 8.0, n)
    )
    reresolved_w = reprogress_w + (allowed * rng.lognormal(np.log(0.4), 0.5, n)).astype(np.int64)
    return _Timeline(
        decision=moment(decision_w),
        outcome=outcome,
        due=moment(due_w),
        assigned=moment(assigned_w),
        progress=moment(progress_w),
        hold_start=moment(hold_start_w),
        hold_end=moment(hold_end_w),
        has_hold=has_hold,
        resolved=resolved,
        reopened=reopened,
        reprogress=moment(reprogress_w),
        reresolved=moment(reresolved_w),
        has_reopen=has_reopen,
        has_evidence=has_evidence,
    )


# --- Text -----------------------------------------------------------------------------------------
# Text is assembled in plain Python loops, but every random choice is drawn beforehand as one
# integer matrix: a per-case ``rng.choice`` would cost seconds at scale 1.

# Place names in running text: "tại buôn Ko Tam", "đường Lê Duẩn".
_BUON = tuple(name.replace("Buôn", "buôn", 1) for name in BUON_NAMES)


def _draws(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.integers(0, 2**31 - 1, (n, k))


def _hamlet(draw: int, buon: bool, population: int) -> str:
    if buon and draw % 5 < 2:
        return _BUON[draw // 5 % len(_BUON)]
    return f"thôn {1 + draw // 7 % max(population // 1500, 3)}"


def _place(world: World, unit: int, d: np.ndarray) -> str:
    """Where the problem is, in the way residents describe it (``d``: 5 random integers)."""
    units = world.units
    population = int(units.population[unit])
    if units.is_phuong[unit]:
        streets = streets_of(str(units.former_province[unit]))
        form = cat.PLACE_FORMS_PHUONG[d[0] % len(cat.PLACE_FORMS_PHUONG)]
        return form.format(
            street=streets[d[1] % len(streets)],
            street2=streets[(d[1] + 1 + d[2] % (len(streets) - 1)) % len(streets)],
            alley=2 + d[3] % 198,
            unit=units.name[unit],
            n=1 + d[4] % max(population // 800, 3),
        )
    buon = bool(units.is_highland[unit] and units.former_province[unit] == "Đắk Lắk")
    form = cat.PLACE_FORMS_XA[d[0] % len(cat.PLACE_FORMS_XA)]
    return form.format(
        hamlet=_hamlet(int(d[1]), buon, population),
        hamlet2=_hamlet(int(d[2]), buon, population),
        unit=units.name[unit],
    )


def _descriptions(world: World, cases: _Cases, rng: np.random.Generator) -> list[str]:
    labels = world.units.label
    d = _draws(rng, len(cases), 9)
    out = []
    for i in range(len(cases)):
        category = cat.CATEGORIES[cases.category[i]]
        unit = int(cases.unit[i])
        text = category.problems[d[i, 0] % len(category.problems)].format(
            place=_place(world, unit, d[i, 1:6]),
            procedure=cat.PROCEDURES[d[i, 6] % len(cat.PROCEDURES)],
        )
        if category.group != cat.QUESTION_GROUP:
            request = cat.REQUESTS[d[i, 7] % len(cat.REQUESTS)].format(unit=labels[unit])
            text = f"{text} {cat.DURATIONS[d[i, 8] % len(cat.DURATIONS)]}{request}"
        out.append(text)
    return out


def _office(world: World, cases: _Cases) -> list[str]:
    phuong = world.units.is_phuong[cases.unit]
    return [
        cat.GROUPS[g].office_phuong if p else cat.GROUPS[g].office_xa
        for g, p in zip(cases.group, phuong, strict=True)
    ]


def _responses(
    world: World, cases: _Cases, office: list[str], which: np.ndarray, rng: np.random.Generator
) -> list[str]:
    labels = world.units.label
    d = _draws(rng, len(which), 1)
    out = []
    for j, i in enumerate(which):
        group = cat.GROUPS[cases.group[i]]
        action = group.actions[d[j, 0] % len(group.actions)]
        label = labels[cases.unit[i]]
        if group.name == cat.QUESTION_GROUP:
            out.append(
                f"{action} Mọi vướng mắc xin liên hệ {office[i]} {label} "
                "hoặc đường dây nóng 0262.1022."
            )
        else:
            out.append(
                f"UBND {label} đã giao {office[i]} kiểm tra, xử lý. {action} "
                "Cảm ơn ông/bà đã phản ánh."
            )
    return out


def _evidence(resolved: np.ndarray, rng: np.random.Generator) -> list[str]:
    """A photo set or a document proving the fix, dated the day of resolution."""
    d = _draws(rng, len(resolved), 3)
    days = resolved.astype("datetime64[D]").tolist()
    out = []
    for j, day in enumerate(days):
        form = cat.EVIDENCE_FORMS[d[j, 0] % len(cat.EVIDENCE_FORMS)]
        number = 5 + int(d[j, 1] % 895)
        if form == "photo":
            out.append(f"Ảnh hiện trường sau xử lý ({2 + d[j, 2] % 5} ảnh)")
        elif form == "CV":
            out.append(document_ref("CV", number, "UBND-VP", day))
        else:
            out.append(document_ref(form, number, "UBND", day))
    return out


# --- The snapshot --------------------------------------------------------------------------------


def _shared(texts: Sequence[str]) -> np.ndarray:
    """A lookup table of strings as Python objects: indexing it repeats references to the same
    few strings instead of materialising one string per row (a large saving at scale 10+)."""
    return np.array(list(texts), dtype=object)


def _same(n: int, text: str) -> np.ndarray:
    return np.full(n, text, dtype=object)


@dataclass(frozen=True)
class _Stage:
    to_status: np.ndarray | str
    moment: np.ndarray
    present: np.ndarray
    note: list[str] | np.ndarray


def _stages(
    cases: _Cases,
    t: _Timeline,
    codes: np.ndarray,
    original: np.ndarray,
    office: list[str],
    reasons: np.ndarray,
    holds: np.ndarray,
) -> list[_Stage]:
    n = len(cases)
    accepted = t.outcome == "accepted"
    everyone = np.ones(n, dtype=bool)
    received_notes = _shared([f"Tiếp nhận qua {cat.CHANNEL_LABELS[c]}" for c in CHANNELS])
    sorted_notes = _shared([f"Phân loại: {c.name}" for c in cat.CATEGORIES])
    decision_note = np.where(t.outcome == "rejected", reasons, sorted_notes[cases.category])
    dup = original >= 0
    decision_note[dup] = [f"Trùng nội dung với phản ánh {codes[o]}" for o in original[dup]]
    return [
        _Stage(
            "received",
            cases.received,
            everyone,
            received_notes[cases.channel],
        ),
        _Stage(t.outcome, t.decision, everyone, decision_note),
        _Stage("assigned", t.assigned, accepted, [f"Chuyển {o} xử lý" for o in office]),
        _Stage("in_progress", t.progress, accepted, _same(n, "Đang kiểm tra, xác minh thực tế")),
        _Stage("on_hold", t.hold_start, accepted & t.has_hold, holds),
        _Stage("in_progress", t.hold_end, accepted & t.has_hold, _same(n, "Tiếp tục xử lý")),
        _Stage("resolved", t.resolved, accepted, _same(n, cat.RESOLVED_NOTE)),
        _Stage("reopened", t.reopened, accepted & t.has_reopen, _same(n, cat.REOPEN_NOTE)),
        _Stage(
            "in_progress",
            t.reprogress,
            accepted & t.has_reopen,
            _same(n, "Xử lý lại theo ý kiến của người dân"),
        ),
        _Stage("resolved", t.reresolved, accepted & t.has_reopen, _same(n, cat.RESOLVED_NOTE)),
    ]


@dataclass
class MonthOutput:
    cases: Rows
    history: Rows


@dataclass(frozen=True)
class _Content:
    """What a case says and who sent it: drawn apart from how it is handled, so that a later
    end date (which moves statuses on) leaves every earlier case's content as it was."""

    description: list[str]
    reporters: tuple[list, list, list]
    lat: np.ndarray
    lon: np.ndarray


def _content(
    world: World, cases: _Cases, original: np.ndarray, rng: np.random.Generator
) -> _Content:
    lat, lon = _locations(world, cases, original, rng)
    return _Content(_descriptions(world, cases, rng), _reporters(world, cases, rng), lat, lon)


def _snapshot(
    world: World,
    cases: _Cases,
    t: _Timeline,
    content: _Content,
    original: np.ndarray,
    ids: np.ndarray,
    codes: np.ndarray,
    first_history_id: int,
    batch_id: int,
    rngs: tuple[np.random.Generator, np.random.Generator],
) -> MonthOutput:
    """Cut every case's story at the snapshot. ``rngs``: one stream for draws of a fixed size,
    one for draws about resolved cases only (their number depends on the end date)."""
    rng, replies = rngs
    n = len(cases)
    as_of = np.datetime64(world.as_of, "s")
    office = _office(world, cases)
    reasons = np.array(cat.REJECT_REASONS, dtype=object)[
        rng.integers(0, len(cat.REJECT_REASONS), n)
    ]
    holds = np.array(cat.HOLD_REASONS, dtype=object)[rng.integers(0, len(cat.HOLD_REASONS), n)]
    status = np.full(n, None, dtype=object)
    history: list[tuple[np.ndarray, ...]] = []
    resolved_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    reopen_count = np.zeros(n, dtype=np.int64)
    for k, stage in enumerate(_stages(cases, t, codes, original, office, reasons, holds)):
        to_status = np.broadcast_to(np.asarray(stage.to_status, dtype=object), (n,))
        visible = stage.present & (stage.moment < as_of)
        rows = np.flatnonzero(visible)
        note = np.asarray(stage.note, dtype=object)
        history.append(
            (
                rows,
                np.full(len(rows), k),
                stage.moment[rows],
                status[rows].copy(),
                to_status[rows],
                note[rows],
            )
        )
        status[rows] = to_status[rows]
        is_resolution = to_status[rows] == "resolved"
        resolved_at[rows[is_resolution]] = stage.moment[rows[is_resolution]]
        reopen_count[rows[to_status[rows] == "reopened"]] += 1
    resolved = status == "resolved"
    resolved_at[~resolved] = np.datetime64("NaT")
    decided = t.decision < as_of
    accepted = (t.outcome == "accepted") & decided
    accepted_at = np.where(accepted, t.decision, np.datetime64("NaT"))
    history_rows = _history_rows(history, ids, first_history_id)
    due = _due_as_of(world, cases, ids, accepted_at, history_rows)
    late = resolved & (resolved_at > due)
    satisfaction = _satisfaction(cases, t.has_evidence, late, resolved, reopen_count, rng)
    response = np.full(n, None, dtype=object)
    response[resolved] = _responses(world, cases, office, np.flatnonzero(resolved), replies)
    evidence = np.full(n, None, dtype=object)
    with_evidence = resolved & t.has_evidence
    evidence[with_evidence] = _evidence(resolved_at[with_evidence], replies)
    reason = np.full(n, None, dtype=object)
    reason[status == "rejected"] = reasons[status == "rejected"]
    reason[status == "on_hold"] = holds[status == "on_hold"]
    dup_now = status == "duplicate"
    reason[dup_now] = [f"Trùng nội dung với phản ánh {codes[o]}" for o in original[dup_now]]
    duplicate_of = np.full(n, None, dtype=object)
    duplicate_of[dup_now] = ids[original[dup_now]]
    reporters = content.reporters
    case_rows = Rows(
        FeedbackCase.__table__,
        {
            "id": ids,
            "case_code": codes,
            "channel": _shared(CHANNELS)[cases.channel],
            "category_group": _shared(_GROUP_NAMES)[cases.group],
            "category": _shared([c.name for c in cat.CATEGORIES])[cases.category],
            "is_question": cases.group == _GROUP_NAMES.index(cat.QUESTION_GROUP),
            "severity": _shared(SEVERITIES)[cases.severity],
            "description": content.description,
            "lat": content.lat,
            "lon": content.lon,
            "unit_code": _shared(world.units.code.tolist())[cases.unit],
            "received_at": cases.received,
            "accepted_at": accepted_at,
            "due_at": due,
            "status": status,
            "status_reason": reason,
            "duplicate_of_id": duplicate_of,
            "resolved_at": resolved_at,
            "response_text": response,
            "response_evidence_ref": evidence,
            "satisfaction": satisfaction,
            "reopen_count": reopen_count,
            "reporter_name": reporters[0],
            "reporter_phone": reporters[1],
            "reporter_address": reporters[2],
            "batch_id": np.full(n, batch_id),
        },
    )
    return MonthOutput(case_rows, history_rows)


def _categorical(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(list(names)))


def _due_as_of(
    world: World, cases: _Cases, ids: np.ndarray, accepted_at: np.ndarray, history: Rows
) -> np.ndarray:
    """Each case's answer deadline in force at the snapshot (NaT: not accepted), by the metrics
    layer's rules, which the source systems apply."""
    # Categories and plain objects: no string inference on hundreds of thousands of rows.
    frame = pd.DataFrame(
        {
            "id": ids,
            "received_at": cases.received,
            "accepted_at": accepted_at,
            "severity": _categorical(cases.severity, SEVERITIES),
            "category": _categorical(cases.category, [c.name for c in cat.CATEGORIES]),
            "category_group": _categorical(cases.group, _GROUP_NAMES),
        }
    )
    columns = history.columns
    changes = pd.DataFrame(
        {
            "case_id": columns["case_id"],
            "changed_at": columns["changed_at"],
            "to_status": pd.Series(columns["to_status"], dtype=object),
            "note": pd.Series(columns["note"], dtype=object),
        }
    )
    clocks = case_deadlines(frame, changes, as_of=world.as_of)
    return clocks["due_at"].to_numpy(dtype="datetime64[s]")


def _history_rows(history: list[tuple[np.ndarray, ...]], ids: np.ndarray, first_id: int) -> Rows:
    case_pos, stage, moment, from_status, to_status, note = (
        np.concatenate([h[i] for h in history]) for i in range(6)
    )
    order = np.lexsort((stage, case_pos))
    return Rows(
        FeedbackStatusChange.__table__,
        {
            "id": np.arange(first_id, first_id + len(order)),
            "case_id": ids[case_pos[order]],
            "changed_at": moment[order],
            "from_status": from_status[order],
            "to_status": to_status[order],
            "note": note[order],
        },
    )


def _satisfaction(
    cases: _Cases,
    has_evidence: np.ndarray,
    late: np.ndarray,
    resolved: np.ndarray,
    reopen_count: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """About 60 % of resolved cases get a rating: lower when late, without evidence, reopened."""
    n = len(cases)
    score = (
        4.3
        + 0.6 * (cases.level - 0.5)
        - 1.3 * late
        - 0.9 * ~has_evidence
        - 0.8 * (reopen_count > 0)
        + rng.normal(0.0, 0.7, n)
    )
    rated = resolved & (rng.random(n) < 0.6)
    out = np.full(n, None, dtype=object)
    out[rated] = np.clip(np.round(score[rated]), 1, 5).astype(np.int64)
    return out


def _reporters(world: World, cases: _Cases, rng: np.random.Generator) -> tuple[list, list, list]:
    """Name, phone and address, or None for anonymous reporters (more often on the web)."""
    n = len(cases)
    units = world.units
    anonymous_p = np.array([0.05, 0.30, 0.20, 0.50, 0.10])[cases.channel]
    named = rng.random(n) >= anonymous_p
    share = highland_name_share(units.peer_group, units.former_province)[cases.unit]
    names = person_names(rng, share)
    phones = phone_numbers(rng, n)
    buon_share = np.where(share > 0.3, 0.4, 0.0)
    address = addresses(
        rng,
        units.label[cases.unit],
        units.is_phuong[cases.unit],
        units.former_province[cases.unit],
        buon_share,
        units.population[cases.unit],
    )
    gives_address = named & (rng.random(n) < 0.85)
    return (
        [x if k else None for x, k in zip(names, named, strict=True)],
        [x if k else None for x, k in zip(phones, named, strict=True)],
        [x if k else None for x, k in zip(address, gives_address, strict=True)],
    )


def _locations(
    world: World, cases: _Cases, original: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Phone GPS for app and Zalo reports; a pin only sometimes on other channels."""
    units = world.units
    u = cases.unit
    lat, lon = scatter_around(rng, units.lat[u], units.lon[u], units.radius_km[u], 0.35)
    dup = original >= 0
    # A duplicate reports the same spot, give or take a few tens of metres.
    lat[dup] = np.round(lat[original[dup]] + rng.normal(0, 0.0002, dup.sum()), 6)
    lon[dup] = np.round(lon[original[dup]] + rng.normal(0, 0.0002, dup.sum()), 6)
    located_p = np.array([0.95, 0.60, 0.20, 0.40, 0.95])[cases.channel]
    located = rng.random(len(u)) < located_p
    return np.where(located, lat, np.nan), np.where(located, lon, np.nan)


# --- Driver ---------------------------------------------------------------------------------------


def working_clock(end_date: date) -> WorkingClock:
    """A clock long enough for every deadline and the slowest case of a data set."""
    return default_calendar().clock(SPAN_START, end_date + timedelta(days=3 * 366))


def _half_months(days: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """(stream key, mask of ``days``) for the 1st–15th and the 16th–end of every month.

    Half months keep the arrays of one chunk small even at scale 30; the keys name calendar
    halves, not positions, so a longer span leaves every earlier chunk's stream unchanged.
    """
    months = days.astype("datetime64[M]")
    second_half = (days - months.astype("datetime64[D]")).astype(np.int64) >= 15
    for month in np.unique(months):
        for half, name in ((False, "1"), (True, "2")):
            mask = (months == month) & (second_half == half)
            if mask.any():
                yield f"{month}/{name}", mask


def generate(world: World, batch_id: int) -> Iterator[Rows]:
    """Feedback cases and their history, half a month at a time."""
    if world.last_day < PLATFORM_LAUNCH:
        return
    clock = working_clock(world.end_date)
    all_days = np.arange(np.datetime64(PLATFORM_LAUNCH), np.datetime64(world.end_date))
    rates = daily_rates(world, all_days)
    next_id, next_history_id = 1, 1
    per_year: dict[int, int] = {}
    for key, in_part in _half_months(all_days):
        rng = stream(world.seed, "feedback", key, "content")
        cases = _draw_cases(world, all_days[in_part], rates[:, in_part], rng)
        if not len(cases):
            continue
        ids = np.arange(next_id, next_id + len(cases))
        codes = _case_codes(cases.received, per_year)
        original = _duplicates(cases, rng)
        content = _content(world, cases, original, rng)
        handling = stream(world.seed, "feedback", key, "handling")
        timeline = _timeline(cases, original, clock, handling)
        replies = stream(world.seed, "feedback", key, "replies")
        out = _snapshot(
            world,
            cases,
            timeline,
            content,
            original,
            ids,
            codes,
            next_history_id,
            batch_id,
            (handling, replies),
        )
        next_id += len(cases)
        next_history_id += len(out.history)
        yield out.cases
        yield out.history


def _case_codes(received: np.ndarray, per_year: dict[int, int]) -> np.ndarray:
    """PAKN-2026-000123: numbered from 1 every calendar year, in order of receipt."""
    years = received.astype("datetime64[Y]").astype(np.int64) + 1970
    codes = []
    for year in years.tolist():
        per_year[year] = per_year.get(year, 0) + 1
        codes.append(f"PAKN-{year}-{per_year[year]:06d}")
    return np.array(codes, dtype=object)
