"""Load citizen feedback records: Open311 GeoReport v2 "requests", extended for Vietnam.

    python -m geo.feedback_import FILE.json|FILE.csv --by NAME [--boundaries FILE] [--lang vi|en]

FILE.json holds a list of request objects as an Open311 GeoReport v2 server returns them
(``GET requests.json``); FILE.csv holds the same fields as columns, one request a row (UTF-8,
comma- or semicolon-separated, header row). Each request is mapped to one ``feedback_cases``
row and its ``feedback_status_history``:

=====================  ======================================================================
Open311 field          stored as
=====================  ======================================================================
service_request_id     ``case_code`` (required; unique across all loads)
status                 ``status``: one of received, accepted, assigned, in_progress, on_hold,
                       resolved, rejected, duplicate, reopened; Open311's own ``open`` is read
                       as received (accepted when ``accepted_at`` is given), ``closed`` as
                       resolved — or, with a ``status_history``, as its last change when that
                       agrees (required)
status_notes           ``status_reason`` and the note of the last status change (the reason of
                       a hold — "Chờ người dân bổ sung thông tin, hình ảnh" pauses the clock —
                       or of a rejection)
service_name           ``category`` (required; the second level of the category tree)
service_code           not stored: the category is kept by name
description            ``description`` (required; stored as text, never run as HTML)
requested_datetime     ``received_at`` (required)
updated_datetime       when the case reached its current status (required unless the status is
                       received/accepted or the history is given)
expected_datetime      not stored: ``due_at`` comes from the province's declared table
                       (``metrics/feedback_deadlines.yaml``) on the working calendar
address                ``reporter_address`` when that field is absent (often the reporter's
                       home: personal data, always shown masked)
lat, long              ``lat``, ``lon`` (WGS84 degrees): the unit, by point in polygon
media_url, address_id, not stored
zipcode,
agency_responsible,
service_notice
=====================  ======================================================================

Fields of the Vietnamese extension (DOMAIN.md §3): ``channel`` (app, web, hotline, chatbot,
zalo; required), ``category_group`` (required; the first level), ``severity`` (urgent, normal,
complex, or khẩn, bình thường, phức tạp; required), ``is_question`` (true/false; default: the
group is "Hỏi đáp, hướng dẫn"), ``accepted_at``, ``resolved_at``, ``unit_code``,
``response_text``, ``response_evidence`` (→ ``response_evidence_ref``), ``satisfaction`` (1–5),
``reopen_count``, ``duplicate_of`` (the service_request_id of the case it repeats, in this file
or stored), ``reporter_name``, ``reporter_phone``, ``reporter_address``, and
``status_history``: a list of ``{"changed_at", "to_status", "note"}`` (in a CSV cell: the same
list as JSON text). Times are ISO 8601 (``2026-11-20T08:30:00+07:00``; without an offset:
Vietnam time) or ``dd/mm/yyyy HH:MM``; they are stored as Vietnam time.

Without ``status_history`` the history is built from the times: received at
``requested_datetime``, accepted at ``accepted_at``, then the current status at
``updated_datetime`` (resolved at ``resolved_at`` when given); a reopened case needs
``resolved_at`` (resolved then, reopened at ``updated_datetime``). ``resolved_at`` is stored
only for a case whose status is resolved; a reopened case's earlier resolution is in its history.

The unit: from the coordinates when both are given (point in polygon against the detailed
boundaries, ``geo.routing``; the coordinates win over a stated ``unit_code``); else the stated
``unit_code``. Coordinates outside the province, an unknown unit code, or neither → the case
goes to ``feedback_unrouted`` with its reason (never dropped), keeping its receipt (channel,
category, severity, description, reporter, where it pointed); its status waits until someone
routes it by hand.

All or nothing: every problem is collected and named by file, record (JSON, from 1) or line
(CSV) and field; with any problem nothing is written. A good file is one transaction and one
new import batch, so the dashboard recomputes the scores and the feedback counts from it.

Exit status: 0 stored, 2 bad input or arguments (nothing written).
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Engine

from common.import_files import BadFile, print_refusal
from common.workcalendar import VIETNAM_TZ
from data.feedback_load import (
    UNROUTED_REASONS,
    FeedbackLoadResult,
    InvalidFeedback,
    NewFeedback,
    NewFeedbackCase,
    NewStatusChange,
    NewUnroutedCase,
    check_feedback,
    known_unit_codes,
    record_feedback,
)
from data.indicators import RowProblem
from data.models import FEEDBACK_CHANNELS, FEEDBACK_STATES
from data.settings import load_settings
from geo.boundaries import BoundaryError
from geo.routing import RoutingBoundaries, load_routing_boundaries, route_points, routing_source
from i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise_language, table, translate
from i18n.formats import format_number
from metrics.feedback_cases import case_deadlines

REQUIRED = (
    "service_request_id",
    "status",
    "service_name",
    "description",
    "requested_datetime",
    "channel",
    "category_group",
    "severity",
)
OPTIONAL = (
    "status_notes",
    "updated_datetime",
    "address",
    "lat",
    "long",
    "is_question",
    "accepted_at",
    "resolved_at",
    "unit_code",
    "response_text",
    "response_evidence",
    "satisfaction",
    "reopen_count",
    "duplicate_of",
    "reporter_name",
    "reporter_phone",
    "reporter_address",
    "status_history",
)
# Open311 fields read and not stored (see the table above): accepted, so a server's export
# loads as it is; any other field is refused, since a misspelt one would lose its values.
NOT_STORED = (
    "service_code",
    "expected_datetime",
    "media_url",
    "address_id",
    "zipcode",
    "agency_responsible",
    "service_notice",
)
FIELDS = (*REQUIRED, *OPTIONAL, *NOT_STORED)
# The category group of questions asking for guidance (the province's feedback system; the
# demo texts use the same name, checked by the tests).
QUESTION_GROUP = "Hỏi đáp, hướng dẫn"
SEVERITY_WORDS = {
    "urgent": "urgent",
    "normal": "normal",
    "complex": "complex",
    "khẩn": "urgent",
    "bình thường": "normal",
    "phức tạp": "complex",
}
OPEN311_STATUS = {"open": "received", "closed": "resolved"}
CLOSED_STATUSES = {"resolved", "rejected", "duplicate"}  # Open311 "closed"
# Statuses a case reaches only once accepted: they need the acceptance time.
AFTER_ACCEPTANCE = {"accepted", "assigned", "in_progress", "on_hold", "resolved", "reopened"}
TRUE_WORDS = {"true", "1", "yes", "có", "x"}
FALSE_WORDS = {"false", "0", "no", "không", ""}
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
T = TypeVar("T")


@dataclass(frozen=True)
class SourceRecord:
    number: int  # the record's position in a JSON list (from 1), or its line in a CSV file
    fields: dict[str, Any]
    shape: str | None = None  # "not_an_object" (JSON) or "extra_fields" (CSV): unreadable


@dataclass(frozen=True)
class SourceFile:
    where: str  # "record" (JSON) or "line" (CSV): how problems name a record
    records: list[SourceRecord]


@dataclass(frozen=True)
class ParsedRecord:
    """A record read as far as its text goes, before routing."""

    number: int
    case: NewFeedbackCase  # unit_code = the stated one ("" when none); due_at not yet computed
    stated_unit: str | None


# --- reading the text of one field -------------------------------------------------------------


def parse_moment(text: str) -> datetime | None:
    """ISO 8601 (an offset is converted to Vietnam time) or ``dd/mm/yyyy[ HH:MM[:SS]]``, as a
    naive Vietnam time to the second; None when it is neither."""
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for pattern in _DAY_FIRST:
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def parse_number(text: str) -> float | None:
    """``12.6789`` or ``12,6789`` (a semicolon CSV from Vietnamese Excel)."""
    return float(text.replace(",", ".")) if _NUMBER.match(text) else None


def parse_whole(text: str) -> int | None:
    number = parse_number(text)
    return int(number) if number is not None and number.is_integer() else None


def parse_boolean(text: str) -> bool | None:
    folded = text.casefold()
    if folded in TRUE_WORDS:
        return True
    return False if folded in FALSE_WORDS else None


def parse_severity(text: str) -> str | None:
    return SEVERITY_WORDS.get(unicodedata.normalize("NFC", text).casefold())


def vietnam_now() -> datetime:
    """The local wall-clock time in Đắk Lắk, naive like every stored timestamp."""
    return datetime.now(VIETNAM_TZ).replace(tzinfo=None, microsecond=0)


# --- reading the file --------------------------------------------------------------------------


def read_source(path: Path) -> SourceFile:
    """The file's records, each with its number. Raises :class:`BadFile`."""
    suffix = path.suffix.lower()
    if suffix not in {".json", ".csv"}:
        raise BadFile("feedback.import.unsupported", file=path.name, suffix=suffix or "—")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadFile("feedback.import.unreadable", file=path.name, error=str(exc)) from None
    source = _read_json(text, path.name) if suffix == ".json" else _read_csv(text, path.name)
    if not source.records:
        raise BadFile("feedback.import.empty", file=path.name)
    return source


def _read_json(text: str, name: str) -> SourceFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadFile(
            "feedback.import.bad_json", file=name, line=str(exc.lineno), error=exc.msg
        ) from None
    if not isinstance(document, list):
        raise BadFile("feedback.import.not_a_list", file=name)
    return SourceFile(
        "record",
        [
            SourceRecord(n, item)
            if isinstance(item, dict)
            else SourceRecord(n, {}, "not_an_object")
            for n, item in enumerate(document, start=1)
        ],
    )


def _delimiter(header: str) -> str:
    # Excel in Vietnamese settings writes ";" (the comma is its decimal mark).
    return ";" if header.count(";") > header.count(",") else ","


def _read_csv(text: str, name: str) -> SourceFile:
    first_line = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in FIELDS]
    if missing:
        raise BadFile("feedback.import.missing_columns", file=name, columns=", ".join(missing))
    if unknown:  # a misspelt column would silently drop its values
        raise BadFile("feedback.import.unknown_columns", file=name, columns=", ".join(unknown))
    reader.fieldnames = header
    records = []
    for row in reader:
        fields = {k: v for k, v in row.items() if k is not None}
        if any(isinstance(v, str) and v.strip() for v in fields.values()) or None in row:
            shape = "extra_fields" if None in row else None
            records.append(SourceRecord(reader.line_num, fields, shape))
    return SourceFile("line", records)


# --- reading one record ------------------------------------------------------------------------


class _Reader:
    """Reads the fields of one record, collecting a problem per field that cannot be read."""

    def __init__(self, number: int, fields: dict[str, Any]) -> None:
        self.number = number
        self.fields = fields
        self.problems: list[RowProblem] = []

    def problem(self, field: str, reason: str, detail: str = "") -> None:
        self.problems.append(RowProblem(self.number, field, reason, detail))

    def given(self, name: str) -> bool:
        value = self.fields.get(name)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def text(self, name: str) -> str:
        """The field as stripped text ("" when absent, null or not text)."""
        value = self.fields.get(name)
        if value is None:
            return ""
        if isinstance(value, bool | dict | list):
            self.problem(name, "not_text", json.dumps(value, ensure_ascii=False)[:60])
            return ""
        if isinstance(value, float):
            return _number_text(value)
        return str(value).strip()

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def required(self, name: str) -> str:
        before = len(self.problems)
        value = self.text(name)
        if not value and len(self.problems) == before:
            self.problem(name, "missing")
        return value

    def read(self, name: str, reason: str, parse: Callable[[str], T | None]) -> T | None:
        """The field read by ``parse`` (None when blank, or unreadable: a problem then)."""
        value = self.fields.get(name)
        if isinstance(value, bool) and parse is parse_boolean:
            return parse("true" if value else "false")  # JSON true/false
        text = _number_text(value) if isinstance(value, float) else self.text(name)
        if not text:
            return None
        parsed = parse(text)
        if parsed is None:
            self.problem(name, reason, text)
        return parsed

    def moment(self, name: str) -> datetime | None:
        return self.read(name, "bad_moment", parse_moment)


def _number_text(value: float) -> str:
    """A JSON number as the text a person wrote (no exponent): 108.05 → "108.05"."""
    if not math.isfinite(value):
        return str(value)
    return format(value, ".10f").rstrip("0").rstrip(".")


def _coordinates(r: _Reader) -> tuple[float | None, float | None]:
    lat_given, lon_given = r.given("lat"), r.given("long")
    if lat_given != lon_given:
        r.problem("long" if lat_given else "lat", "other_coordinate_missing")
        return None, None
    lat = r.read("lat", "not_a_number", parse_number)
    lon = r.read("long", "not_a_number", parse_number)
    if lat is not None and not -90 <= lat <= 90:
        r.problem("lat", "not_a_coordinate", r.text("lat"))
        lat = None
    if lon is not None and not -180 <= lon <= 180:
        r.problem("long", "not_a_coordinate", r.text("long"))
        lon = None
    return (lat, lon) if lat is not None and lon is not None else (None, None)


def _status(r: _Reader, accepted_at: datetime | None) -> str:
    text = r.required("status")
    folded = text.casefold()
    if folded in OPEN311_STATUS:
        status = OPEN311_STATUS[folded]
        return "accepted" if status == "received" and accepted_at is not None else status
    if text and folded not in FEEDBACK_STATES:
        r.problem("status", "unknown_status", folded)
    return folded


def _open311_status_from(last: str, open311: str, default: str) -> str:
    """Open311's two words name the status only roughly: with a history, its last change is
    the status, when it agrees (``closed`` = resolved, rejected or duplicate)."""
    closed = last in CLOSED_STATUSES
    return last if closed == (open311 == "closed") else default


def _given_history(r: _Reader) -> list[NewStatusChange] | None:
    """``status_history`` as given (None when absent); entries that cannot be read are
    problems named by their position in the list."""
    if not r.given("status_history"):
        return None
    value = r.fields["status_history"]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            r.problem("status_history", "bad_history", exc.msg)
            return []
    if not isinstance(value, list) or not value:
        r.problem("status_history", "bad_history", json.dumps(value, ensure_ascii=False)[:60])
        return []
    changes = []
    for n, entry in enumerate(value, start=1):
        entry_reader = _Reader(r.number, entry if isinstance(entry, dict) else {})
        moment = entry_reader.moment("changed_at")
        to_status = entry_reader.text("to_status").casefold()
        if moment is None or to_status not in FEEDBACK_STATES:
            r.problem("status_history", "bad_history_entry", str(n))
            continue
        changes.append(NewStatusChange(moment, to_status, entry_reader.optional("note")))
    return changes


@dataclass
class _Times:
    received_at: datetime
    accepted_at: datetime | None
    resolved_at: datetime | None
    updated_at: datetime | None


def _built_history(
    r: _Reader, status: str, times: _Times, note: str | None
) -> list[NewStatusChange]:
    """The history from the record's times (no ``status_history`` given)."""
    changes = [NewStatusChange(times.received_at, "received")]
    if status in AFTER_ACCEPTANCE and times.accepted_at is None:
        r.problem("accepted_at", "needs_accepted_at", status)
        return changes
    if times.accepted_at is not None:
        changes.append(NewStatusChange(times.accepted_at, "accepted"))
    if status in {"received", "accepted"}:
        if status == "received" and times.accepted_at is not None:
            r.problem("status", "accepted_but_received", status)
        return changes
    if status == "resolved":
        times.resolved_at = times.resolved_at or times.updated_at
        if times.resolved_at is None:
            r.problem("resolved_at", "needs_resolved_at", status)
            return changes
        return [*changes, NewStatusChange(times.resolved_at, "resolved", note)]
    if status == "reopened":
        if times.resolved_at is None:
            r.problem("resolved_at", "needs_resolved_at", status)
            return changes
        changes.append(NewStatusChange(times.resolved_at, "resolved"))
    if times.updated_at is None:
        r.problem("updated_datetime", "needs_updated_datetime", status)
        return changes
    return [*changes, NewStatusChange(times.updated_at, status, note)]


def _from_given_history(
    r: _Reader, history: list[NewStatusChange], status: str, times: _Times, now: datetime
) -> list[NewStatusChange]:
    """The given history, opened by the receipt when it does not start with one; checked for
    order and against the status; acceptance and resolution times taken from it if absent."""
    if history[0].to_status != "received":
        history = [NewStatusChange(times.received_at, "received"), *history]
    moments = [change.changed_at for change in history]
    if any(later < earlier for earlier, later in itertools.pairwise(moments)):
        r.problem("status_history", "history_order")
    if min(moments) < times.received_at:
        r.problem("status_history", "before_received", str(min(moments)))
    if max(moments) > now:
        r.problem("status_history", "in_future", str(max(moments)))
    if history[-1].to_status != status:
        r.problem("status_history", "history_status_mismatch", history[-1].to_status)
    accepted = [c.changed_at for c in history if c.to_status == "accepted"]
    times.accepted_at = times.accepted_at or (accepted[0] if accepted else None)
    resolved = [c.changed_at for c in history if c.to_status == "resolved"]
    if status == "resolved" and times.resolved_at is None and resolved:
        times.resolved_at = resolved[-1]
    return history


def _check_times(r: _Reader, times: _Times, now: datetime) -> None:
    named = {
        "requested_datetime": times.received_at,
        "accepted_at": times.accepted_at,
        "resolved_at": times.resolved_at,
        "updated_datetime": times.updated_at,
    }
    for name, moment in named.items():
        if moment is not None and moment > now:
            r.problem(name, "in_future", str(moment))
    for name in ("accepted_at", "resolved_at", "updated_datetime"):
        moment = named[name]
        if moment is not None and moment < times.received_at:
            r.problem(name, "before_received", str(moment))
    if times.accepted_at and times.resolved_at and times.resolved_at < times.accepted_at:
        r.problem("resolved_at", "before_accepted", str(times.resolved_at))


def _severity(r: _Reader) -> str | None:
    text = r.required("severity")
    severity = parse_severity(text) if text else None
    if text and severity is None:
        r.problem("severity", "unknown_severity", text)
    return severity


def parse_record(
    source: SourceRecord, now: datetime
) -> tuple[ParsedRecord | None, list[RowProblem]]:
    """The record as a case to store (before routing) and the problems of its fields: those
    that cannot be read and those that do not fit together. A record is built whenever its
    receipt time can be read, problems or not, so that the data layer's checks (unique codes,
    enumerations, lengths, the case a duplicate names) report on it too; it is written only
    when no record of the file has a problem."""
    r = _Reader(source.number, source.fields)
    if source.shape is not None:
        r.problem("", source.shape)
        return None, r.problems
    for name in sorted(set(source.fields) - set(FIELDS)):
        r.problem(name, "unknown_field")
    code = r.required("service_request_id")
    channel = r.required("channel").casefold()
    if channel and channel not in FEEDBACK_CHANNELS:
        r.problem("channel", "unknown_channel", channel)
    group = r.required("category_group")
    category = r.required("service_name")
    description = r.required("description")
    severity = _severity(r)
    received_at = r.moment("requested_datetime") if r.required("requested_datetime") else None
    accepted_at, resolved_at = r.moment("accepted_at"), r.moment("resolved_at")
    updated_at = r.moment("updated_datetime")
    lat, lon = _coordinates(r)
    status = _status(r, accepted_at)
    note = r.optional("status_notes")
    given = _given_history(r)
    if given and r.text("status").casefold() in OPEN311_STATUS:
        status = _open311_status_from(given[-1].to_status, r.text("status").casefold(), status)
    is_question = r.read("is_question", "bad_boolean", parse_boolean)
    satisfaction = r.read("satisfaction", "not_a_whole_number", parse_whole)
    reopen_count = r.read("reopen_count", "not_a_whole_number", parse_whole)
    duplicate_of = r.optional("duplicate_of")
    if status == "duplicate" and duplicate_of is None:
        r.problem("duplicate_of", "needs_duplicate_of")
    if received_at is None:
        return None, r.problems
    times = _Times(received_at, accepted_at, resolved_at, updated_at)
    _check_times(r, times, now)
    if status not in FEEDBACK_STATES:  # said already; no history can be told for it
        history = [NewStatusChange(received_at, "received")]
    elif given is None:
        history = _built_history(r, status, times, note)
    elif given:
        history = _from_given_history(r, given, status, times, now)
    else:  # a history that could not be read: said already
        history = [NewStatusChange(received_at, "received")]
    reopenings = sum(change.to_status == "reopened" for change in history)
    if reopen_count is not None and reopen_count < reopenings:
        r.problem("reopen_count", "reopen_count_below_history", str(reopenings))
    case = NewFeedbackCase(
        case_code=code,
        channel=channel,
        category_group=group,
        category=category,
        is_question=is_question if is_question is not None else group == QUESTION_GROUP,
        severity=severity or r.text("severity"),
        description=description,
        unit_code=r.text("unit_code"),
        received_at=received_at,
        status=status,
        history=tuple(history),
        lat=lat,
        lon=lon,
        accepted_at=times.accepted_at,
        status_reason=note,
        duplicate_of=duplicate_of,
        resolved_at=times.resolved_at if status == "resolved" else None,
        response_text=r.optional("response_text"),
        response_evidence_ref=r.optional("response_evidence"),
        satisfaction=satisfaction,
        reopen_count=reopen_count if reopen_count is not None else reopenings,
        reporter_name=r.optional("reporter_name"),
        reporter_phone=r.optional("reporter_phone"),
        reporter_address=r.optional("reporter_address") or r.optional("address"),
    )
    return ParsedRecord(source.number, case, r.optional("unit_code")), r.problems


# --- routing and deadlines ---------------------------------------------------------------------


@dataclass(frozen=True)
class Routed:
    items: list[NewFeedback]  # in the order of the records
    overridden: int  # cases whose coordinates lie in another unit than the one they stated


def _unrouted(case: NewFeedbackCase, reason: str, stated: str | None) -> NewUnroutedCase:
    return NewUnroutedCase(
        case_code=case.case_code,
        reason=reason,
        received_at=case.received_at,
        channel=case.channel,
        category_group=case.category_group,
        category=case.category,
        severity=case.severity,
        description=case.description,
        stated_unit=stated,
        lat=case.lat,
        lon=case.lon,
        reporter_name=case.reporter_name,
        reporter_phone=case.reporter_phone,
        reporter_address=case.reporter_address,
    )


def route_records(
    parsed: Sequence[ParsedRecord], boundaries: RoutingBoundaries | None, units: set[str]
) -> Routed:
    """Give each case its unit: by its coordinates when it has them, else by the unit it
    states; one that gets none becomes an unrouted case with the reason."""
    located = [p for p in parsed if p.case.lat is not None and p.case.lon is not None]
    if located and boundaries is None:
        raise ValueError("records with coordinates need the routing boundaries")
    by_point: dict[int, str | None] = {}
    if located and boundaries is not None:
        codes = route_points(
            [p.case.lat for p in located], [p.case.lon for p in located], boundaries
        )
        by_point = {p.number: code for p, code in zip(located, codes, strict=True)}
    items: list[NewFeedback] = []
    overridden = 0
    for p in parsed:
        if p.number in by_point:
            unit = by_point[p.number]
            overridden += unit is not None and p.stated_unit not in (None, unit)
            reason = "outside_province"
        else:
            unit = p.stated_unit if p.stated_unit in units else None
            reason = "unknown_unit" if p.stated_unit else "no_location"
        if unit is None:
            items.append(_unrouted(p.case, reason, p.stated_unit))
        else:
            items.append(replace(p.case, unit_code=unit))
    return Routed(items, overridden)


def with_deadlines(items: Sequence[NewFeedback], now: datetime) -> list[NewFeedback]:
    """The cases with ``due_at``: the answer deadline in force at ``now`` by the one deadline
    computation (``metrics.feedback_cases``); None while a case is not yet accepted."""
    cases = [(n, item) for n, item in enumerate(items) if isinstance(item, NewFeedbackCase)]
    if not cases:
        return list(items)
    frame = pd.DataFrame(
        {
            "id": [n for n, _ in cases],
            "received_at": pd.to_datetime([c.received_at for _, c in cases]),
            "accepted_at": pd.to_datetime([c.accepted_at for _, c in cases]),
            "severity": [c.severity for _, c in cases],
            "category_group": [c.category_group for _, c in cases],
            "category": [c.category for _, c in cases],
        }
    )
    history = pd.DataFrame(
        [(n, ch.changed_at, ch.to_status, ch.note) for n, c in cases for ch in c.history],
        columns=["case_id", "changed_at", "to_status", "note"],
    ).assign(changed_at=lambda f: pd.to_datetime(f["changed_at"]))
    due = case_deadlines(frame, history, as_of=now)["due_at"]
    out = list(items)
    for n, case in cases:
        moment = due.get(n)
        out[n] = replace(
            case, due_at=None if pd.isna(moment) else pd.Timestamp(moment).to_pydatetime()
        )
    return out


# --- the command -------------------------------------------------------------------------------


def problem_text(problem: RowProblem, file: str, where: str, lang: str) -> str:
    detail = str(problem.same_as) if problem.same_as is not None else problem.detail
    key = f"feedback.import.problem.{problem.reason}"
    # Filled in only where the message has a {detail}: others may show braces of their own.
    text = table().get(key, {}).get(normalise_language(lang), "")
    values = {"detail": detail} if "{detail}" in text else {}
    what = translate(key, lang, **values)
    place = translate(f"feedback.import.where.{where}", lang, n=problem.row)
    if not problem.field:
        return translate(
            "feedback.import.record_problem", lang, file=file, where=place, problem=what
        )
    return translate(
        "feedback.import.field_problem",
        lang,
        file=file,
        where=place,
        field=problem.field,
        problem=what,
    )


# The data layer names its columns; a person fixing the file needs the file's field names.
FILE_FIELD = {
    "case_code": "service_request_id",
    "category": "service_name",
    "received_at": "requested_datetime",
    "response_evidence_ref": "response_evidence",
    "status_reason": "status_notes",
    "stated_unit": "unit_code",
    "lon": "long",
}


def _renumbered(problems: Sequence[RowProblem], numbers: list[int]) -> list[RowProblem]:
    """The data layer's problems (items counted from 1) numbered and named as in the file."""
    return [
        RowProblem(
            numbers[p.row - 1],
            FILE_FIELD.get(p.field, p.field),
            p.reason,
            p.detail,
            None if p.same_as is None else numbers[p.same_as - 1],
        )
        for p in problems
    ]


def _report_problems(problems: list[RowProblem], file: str, where: str, lang: str) -> int:
    # The reader and the data layer both check some fields (a channel, a status): say it once.
    unique = list(dict.fromkeys(problems))
    heading = translate("feedback.import.refused", lang, file=file, count=len(unique))
    return print_refusal(unique, heading, lambda p: problem_text(p, file, where, lang))


def _report_result(result: FeedbackLoadResult, overridden: int, file: str, lang: str) -> int:
    def n(count: int) -> str:
        return format_number(count, lang)

    print(
        translate(
            "feedback.import.stored",
            lang,
            file=file,
            batch=result.batch_id,
            cases=n(result.cases),
            history=n(result.history),
            unrouted=n(result.unrouted),
        )
    )
    reasons = [
        translate(f"feedback.unrouted.reason.{reason}", lang) + f": {n(result.by_reason[reason])}"
        for reason in UNROUTED_REASONS
        if result.by_reason.get(reason)
    ]
    if reasons:
        print(translate("feedback.import.unrouted", lang, reasons="; ".join(reasons)))
    if overridden:
        print(translate("feedback.import.overridden", lang, count=n(overridden)))
    return 0


def _boundaries(source: str | None, lang: str) -> RoutingBoundaries | int | None:
    """The routing layer, or the exit status after saying why there is none."""
    source = source or routing_source(load_settings())
    if source is None:
        print(translate("feedback.import.no_boundaries", lang))
        return 2
    try:
        return load_routing_boundaries(source)
    except BoundaryError as exc:
        print(
            translate(
                "feedback.import.bad_boundaries",
                lang,
                file=Path(exc.source).name,
                problems="; ".join(exc.problems),
            )
        )
        return 2


def import_file(
    engine: Engine,
    path: Path,
    *,
    by: str,
    lang: str = DEFAULT_LANGUAGE,
    boundaries_source: str | None = None,
    now: datetime | None = None,
) -> int:
    """Load ``path``; print what was done or every problem. The exit status (0 or 2)."""
    now = now or vietnam_now()
    file = path.name
    try:
        source = read_source(path)
    except BadFile as exc:
        print(translate(exc.key, lang, **{**exc.values, "file": file}))
        return 2
    parsed: list[ParsedRecord] = []
    problems: list[RowProblem] = []
    for record in source.records:
        one, found = parse_record(record, now)
        problems += found
        if one is not None:
            parsed.append(one)
    boundaries: RoutingBoundaries | None = None
    if any(p.case.lat is not None for p in parsed):
        loaded = _boundaries(boundaries_source, lang)
        if isinstance(loaded, int):
            return loaded
        boundaries = loaded
    routed = route_records(parsed, boundaries, known_unit_codes(engine))
    numbers = [p.number for p in parsed]
    if problems:  # report the data layer's findings on the readable records too
        found = check_feedback(engine, routed.items)
        return _report_problems([*problems, *_renumbered(found, numbers)], file, source.where, lang)
    items = with_deadlines(routed.items, now)
    try:
        result = record_feedback(engine, items, source_name=file, imported_by=by, now=now)
    except InvalidFeedback as exc:
        return _report_problems(_renumbered(exc.problems, numbers), file, source.where, lang)
    return _report_result(result, routed.overridden, file, lang)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo.feedback_import",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keep the field table
    )
    parser.add_argument("file", type=Path, help="the JSON or CSV file (see above)")
    parser.add_argument("--by", required=True, help="who loads it (kept with the import batch)")
    parser.add_argument(
        "--boundaries",
        default=None,
        help="the detailed boundary layer to route with (default: DASHBOARD_ROUTING_BOUNDARIES, "
        "else ../shared/geo/communes_detailed.geojson)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    return parser


def main(
    argv: Sequence[str] | None = None,
    engine: Engine | None = None,
    now: datetime | None = None,
) -> int:
    args = _parser().parse_args(argv)
    if not args.by.strip():
        print(translate("feedback.import.no_name", args.lang))
        return 2
    if engine is None:
        from data.db import get_engine
        from data.migrate import upgrade_to_head
        from data.reference_data import sync_reference_data

        engine = get_engine()
        upgrade_to_head(engine)
        with engine.begin() as conn:  # a new database gets the 102 units cases can go to
            sync_reference_data(conn)
    return import_file(
        engine,
        args.file,
        by=args.by.strip(),
        lang=args.lang,
        boundaries_source=args.boundaries,
        now=now,
    )


if __name__ == "__main__":
    sys.exit(main())
