"""The schema: typed SQLAlchemy 2 models for every table the dashboard reads.

Everything joins on the unit's official 5-digit code, stored as a string (``units.code``).
Enumerated values are plain strings checked by CHECK constraints, so SQLite and PostgreSQL hold
the same data and imports can report a bad value by name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common.site_stages import SITE_STATES

# Named constraints keep Alembic migrations identical on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

UNIT_TYPES = ("phuong", "xa")
PEER_GROUPS = ("phuong", "xa_lowland", "xa_highland")
SOURCE_TYPES = ("auto", "self_reported", "verified")
TASK_ASSIGNMENT_STATES = ("not_started", "in_progress", "done")
EXTENSION_STATES = ("pending", "approved", "rejected")
FEEDBACK_CHANNELS = ("app", "web", "hotline", "chatbot", "zalo")
FEEDBACK_SEVERITIES = ("urgent", "normal", "complex")
FEEDBACK_STATES = (
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
SITE_TECHNOLOGIES = ("4G", "5G")
OPERATORS = ("Viettel", "VNPT", "MobiFone")
IMPORT_KINDS = ("demo", "registry", "indicators", "tasks", "feedback", "infrastructure")
# What a meeting's agenda item is about (metrics.meetings builds them, in this order).
MEETING_ITEM_KINDS = (
    "follow_up",
    "turned_red",
    "dropped",
    "overdue_task",
    "escalation",
    "feedback_overdue",
    "will_miss_5g",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every model here maps a plain Table; SQLAlchemy types __table__ as any FromClause.
        __table__: ClassVar[Table]


class ImportBatch(Base):
    """One load of data: who, when, from what, how many rows. Demo data is a batch too."""

    __tablename__ = "import_batches"
    __table_args__ = (CheckConstraint(_in("kind", IMPORT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str] = mapped_column(String(300))
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    row_count: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[str | None] = mapped_column(Text)  # JSON: seed, scale, end date, …


class Unit(Base):
    """One of the 102 communes and wards (from 1 July 2025)."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(_in("unit_type", UNIT_TYPES), name="unit_type"),
        CheckConstraint(_in("peer_group", PEER_GROUPS), name="peer_group"),
        CheckConstraint("length(code) = 5", name="code_length"),
    )

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(100))
    name_ascii: Mapped[str] = mapped_column(String(80))
    unit_type: Mapped[str] = mapped_column(String(10))
    area_km2_official: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer)
    peer_group: Mapped[str] = mapped_column(String(20))
    former_province: Mapped[str] = mapped_column(String(40))
    centre_lat: Mapped[float] = mapped_column(Float)  # a point inside the unit (WGS84)
    centre_lon: Mapped[float] = mapped_column(Float)
    formed_from: Mapped[str] = mapped_column(Text)
    formed_from_codes: Mapped[str] = mapped_column(Text)


class Department(Base):
    """A provincial department or agency that leads or coordinates Action-Plan tasks."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    short_vi: Mapped[str] = mapped_column(String(60))
    short_en: Mapped[str] = mapped_column(String(60))


class IndicatorValue(Base):
    """A unit's value for one catalogued indicator in one period (the month it describes)."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("unit_code", "indicator_key", "period", name="unit_indicator_period"),
        CheckConstraint(_in("source_type", SOURCE_TYPES), name="source_type"),
        Index("ix_indicator_values_period_key", "period", "indicator_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    indicator_key: Mapped[str] = mapped_column(String(60))
    period: Mapped[date] = mapped_column(Date)  # first day of the month described
    value: Mapped[float] = mapped_column(Float)
    source_type: Mapped[str] = mapped_column(String(20))
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    evidence_ref: Mapped[str | None] = mapped_column(String(300))
    verified_by: Mapped[str | None] = mapped_column(String(120))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class IndicatorValueRevision(Base):
    """One correction of a stored indicator value: what it was, what it became, who, when, why.

    A value is revised, never silently overwritten: the row in ``indicator_values`` holds the
    newest figure and each change before it is kept here, with the import batch that brought
    it (so ``data_version`` moves and stored scores are recomputed). Location and month are
    repeated from the value row so the trail reads on its own.
    """

    __tablename__ = "indicator_value_revisions"
    __table_args__ = (
        CheckConstraint(_in("old_source_type", SOURCE_TYPES), name="old_source_type"),
        CheckConstraint(_in("new_source_type", SOURCE_TYPES), name="new_source_type"),
        Index("ix_indicator_value_revisions_unit_period", "unit_code", "period"),
        Index("ix_indicator_value_revisions_value_id", "value_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("indicator_values.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    indicator_key: Mapped[str] = mapped_column(String(60))
    period: Mapped[date] = mapped_column(Date)
    old_value: Mapped[float] = mapped_column(Float)
    old_source_type: Mapped[str] = mapped_column(String(20))
    old_evidence_ref: Mapped[str | None] = mapped_column(String(300))
    old_reported_at: Mapped[datetime] = mapped_column(DateTime)
    old_verified_by: Mapped[str | None] = mapped_column(String(120))
    old_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    old_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    new_value: Mapped[float] = mapped_column(Float)
    new_source_type: Mapped[str] = mapped_column(String(20))
    new_evidence_ref: Mapped[str | None] = mapped_column(String(300))
    new_reported_at: Mapped[datetime] = mapped_column(DateTime)
    new_verified_by: Mapped[str | None] = mapped_column(String(120))
    new_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    revised_at: Mapped[datetime] = mapped_column(DateTime)
    revised_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))


class TaskCoordinator(Base):
    __tablename__ = "task_coordinators"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class Task(Base):
    """An Action-Plan (01-KH/BCĐ) task: what, who leads, by when, and which indicators it moves."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    plan_item: Mapped[str] = mapped_column(String(30))
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    # NULL while the leader is not named: an incomplete record, listed but never judged.
    responsible_leader: Mapped[str | None] = mapped_column(String(120))
    assigning_authority: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    expected_output: Mapped[str] = mapped_column(String(300))
    indicator_keys: Mapped[str] = mapped_column(String(300))  # comma-separated catalog keys
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    assignments: Mapped[list[TaskAssignment]] = relationship(
        back_populates="task", cascade="all, delete-orphan"
    )


class TaskAssignment(Base):
    """One assignee's part of a task: a commune/ward, or (``unit_code`` NULL) the lead department.

    "Done" counts only once the assigning unit confirms it (``confirmed_at``).
    """

    __tablename__ = "task_assignments"
    __table_args__ = (
        CheckConstraint(_in("state", TASK_ASSIGNMENT_STATES), name="state"),
        CheckConstraint("progress_pct BETWEEN 0 AND 100", name="progress_range"),
        UniqueConstraint("task_id", "unit_code", name="task_unit"),
        Index("ix_task_assignments_unit_code", "unit_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    responsible_name: Mapped[str] = mapped_column(String(120))
    responsible_title: Mapped[str] = mapped_column(String(120))
    # Current deadline, after approved extensions; NULL while not set (an incomplete record).
    deadline: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    progress_pct: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[date | None] = mapped_column(Date)
    confirmed_at: Mapped[date | None] = mapped_column(Date)
    evidence_ref: Mapped[str | None] = mapped_column(String(300))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_note: Mapped[str | None] = mapped_column(String(300))
    escalated_at: Mapped[date | None] = mapped_column(Date)  # the day it was raised
    escalated_by: Mapped[str | None] = mapped_column(String(120))  # who raised it

    task: Mapped[Task] = relationship(back_populates="assignments")


class TaskCheckin(Base):
    __tablename__ = "task_checkins"
    __table_args__ = (Index("ix_task_checkins_assignment_id", "assignment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("task_assignments.id", ondelete="CASCADE")
    )
    checked_at: Mapped[date] = mapped_column(Date)
    progress_pct: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300))
    reported_by: Mapped[str] = mapped_column(String(120))


class TaskExtension(Base):
    __tablename__ = "task_extensions"
    __table_args__ = (CheckConstraint(_in("state", EXTENSION_STATES), name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("task_assignments.id", ondelete="CASCADE")
    )
    requested_at: Mapped[date] = mapped_column(Date)
    old_deadline: Mapped[date] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[date | None] = mapped_column(Date)


class FeedbackCase(Base):
    """A citizen feedback case (Open311 GeoReport v2, extended for Vietnam).

    ``reporter_*`` columns are personal data (Decree 13/2023/NĐ-CP): pages show them masked
    unless the viewer's role handles the case.
    """

    __tablename__ = "feedback_cases"
    __table_args__ = (
        CheckConstraint(_in("channel", FEEDBACK_CHANNELS), name="channel"),
        CheckConstraint(_in("severity", FEEDBACK_SEVERITIES), name="severity"),
        CheckConstraint(_in("status", FEEDBACK_STATES), name="status"),
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"
        ),
        Index("ix_feedback_cases_unit_status", "unit_code", "status"),
        Index("ix_feedback_cases_received_at", "received_at"),
        # The open backlog's lists (oldest, least recently updated) read the open cases only.
        Index("ix_feedback_cases_status_received_at", "status", "received_at"),
        # Deleting a case looks up the cases that name it as their duplicate.
        Index("ix_feedback_cases_duplicate_of_id", "duplicate_of_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_code: Mapped[str] = mapped_column(String(30), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    category_group: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(60))
    is_question: Mapped[bool] = mapped_column(Boolean)  # asks for guidance, not a problem report
    severity: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(String(200))  # on hold / rejected reason
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_cases.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_text: Mapped[str | None] = mapped_column(Text)
    response_evidence_ref: Mapped[str | None] = mapped_column(String(300))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_phone: Mapped[str | None] = mapped_column(String(20))
    reporter_address: Mapped[str | None] = mapped_column(String(300))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class FeedbackStatusChange(Base):
    __tablename__ = "feedback_status_history"
    __table_args__ = (
        CheckConstraint(_in("to_status", FEEDBACK_STATES), name="to_status"),
        Index("ix_feedback_status_history_case_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_cases.id", ondelete="CASCADE"))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))


FEEDBACK_CASE_STATES = (
    "open_within",
    "open_overdue",
    "paused",
    "resolved_on_time",
    "resolved_late",
    "rejected",
    "duplicate",
)


class FeedbackStat(Base):
    """Feedback counted per period × unit × category, refreshed with the data.

    Written only by ``metrics.feedback_stats.refresh_feedback_stats`` from the one case-state
    computation (``metrics.feedback_cases``), so the page, the dossier and the score read the
    same numbers without reading every case. ``period`` is the first day of a month; the
    *state* columns count cases as they stood at the month's end, or at the data's as-of
    instant for the month holding it; the *flow* columns count what happened during the month.
    """

    __tablename__ = "feedback_stats"
    __table_args__ = (Index("ix_feedback_stats_period_unit", "period", "unit_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[date] = mapped_column(Date)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    category_group: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(60))
    # State at the period's instant (open = within + overdue + paused).
    open_within: Mapped[int] = mapped_column(Integer, default=0)
    open_overdue: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[int] = mapped_column(Integer, default=0)
    age_0_7: Mapped[int] = mapped_column(Integer, default=0)  # open cases by days since receipt
    age_8_30: Mapped[int] = mapped_column(Integer, default=0)
    age_31_90: Mapped[int] = mapped_column(Integer, default=0)
    age_over_90: Mapped[int] = mapped_column(Integer, default=0)
    # Flows during the period.
    received: Mapped[int] = mapped_column(Integer, default=0)
    accepted_late: Mapped[int] = mapped_column(Integer, default=0)  # past the acceptance deadline
    resolved: Mapped[int] = mapped_column(Integer, default=0)  # resolutions (a reopened case twice)
    resolved_on_time: Mapped[int] = mapped_column(Integer, default=0)
    resolved_with_evidence: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)


class FeedbackWeek(Base):
    """Cases opened and closed per ISO week (Monday) × unit × category, refreshed with the data."""

    __tablename__ = "feedback_weekly"
    __table_args__ = (Index("ix_feedback_weekly_week", "week_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[date] = mapped_column(Date)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    category_group: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(60))
    opened: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)  # resolved, rejected or duplicate


class FeedbackOpenCase(Base):
    """A case open at the stored counts' as-of instant, with its state then, refreshed with the
    counts.

    Written by ``metrics.feedback_stats.refresh_feedback_stats`` from the one case-state
    computation, so the page's lists and its map narrow by the same state (within the deadline,
    overdue, paused) the counts use, and read a few per cent of the cases. ``case_id`` is not a
    foreign key: the rows are replaced with the counts, and a data load may replace the cases
    first. ``lat``/``lon`` stay on the server; the map reads them gathered on a grid.
    """

    __tablename__ = "feedback_open_cases"
    __table_args__ = (Index("ix_feedback_open_cases_received", "received_at", "case_id"),)

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(20))  # open_within, open_overdue or paused
    unit_code: Mapped[str] = mapped_column(String(5))
    category_group: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(60))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class FeedbackStatsState(Base):
    """What the stored feedback counts were computed from (one row)."""

    __tablename__ = "feedback_stats_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer)
    rules_hash: Mapped[str] = mapped_column(String(64))  # deadline table and calendar
    as_of: Mapped[datetime] = mapped_column(DateTime)  # the instant "now" stands for
    computed_at: Mapped[datetime] = mapped_column(DateTime)


class FeedbackUnrouted(Base):
    """A received case that could not be given to a unit: coordinates outside the province, or
    an unknown unit code. Kept whole, never dropped, until someone routes it by hand."""

    __tablename__ = "feedback_unrouted"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_code: Mapped[str] = mapped_column(String(30), unique=True)
    reason: Mapped[str] = mapped_column(String(30))  # outside_province | unknown_unit | no_location
    stated_unit: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(20))
    category_group: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_phone: Mapped[str | None] = mapped_column(String(20))
    reporter_address: Mapped[str | None] = mapped_column(String(300))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class InfraSite(Base):
    """A mobile base station (BTS) site moving through the build pipeline."""

    __tablename__ = "infra_sites"
    __table_args__ = (
        CheckConstraint(_in("technology", SITE_TECHNOLOGIES), name="technology"),
        CheckConstraint(_in("status", SITE_STATES), name="status"),
        CheckConstraint(_in("operator", OPERATORS), name="operator"),
        Index("ix_infra_sites_unit_code", "unit_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(30), unique=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    operator: Mapped[str] = mapped_column(String(20))
    technology: Mapped[str] = mapped_column(String(5))
    serves_centre: Mapped[bool] = mapped_column(Boolean)  # covers the People's Committee HQ
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    blocked_reason: Mapped[str | None] = mapped_column(String(200))
    planned_at: Mapped[date] = mapped_column(Date)
    on_air_at: Mapped[date | None] = mapped_column(Date)
    population_covered: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class InfraSiteStatusChange(Base):
    __tablename__ = "infra_site_status_history"
    __table_args__ = (
        CheckConstraint(_in("to_status", SITE_STATES), name="to_status"),
        Index("ix_infra_site_status_history_site_id", "site_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("infra_sites.id", ondelete="CASCADE"))
    changed_at: Mapped[date] = mapped_column(Date)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))


class InfraFibreMonth(Base):
    """Fibre to the home in one unit at one month's end, from the operators' subscriber data:
    households passed (a fibre line reaches the house) and connected (it has a subscription)."""

    __tablename__ = "infra_fibre_monthly"
    __table_args__ = (
        CheckConstraint("households_passed <= households", name="passed_within_households"),
        CheckConstraint("households_connected <= households_passed", name="connected_passed"),
        CheckConstraint("households_connected >= 0", name="connected_not_negative"),
    )

    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day
    households: Mapped[int] = mapped_column(Integer)
    households_passed: Mapped[int] = mapped_column(Integer)
    households_connected: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class InfraSiteUnchecked(Base):
    """A site from an import that could not be given to a unit: its coordinates fall outside
    the province, its unit code is unknown, or the two disagree. Kept whole, with its history
    as JSON text, until someone checks it; never counted in the coverage."""

    __tablename__ = "infra_sites_unchecked"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(30), unique=True)
    # outside_province | unknown_unit | unit_mismatch | no_location
    reason: Mapped[str] = mapped_column(String(30))
    stated_unit: Mapped[str | None] = mapped_column(String(20))
    located_unit: Mapped[str | None] = mapped_column(String(5))
    operator: Mapped[str] = mapped_column(String(20))
    technology: Mapped[str] = mapped_column(String(5))
    serves_centre: Mapped[bool] = mapped_column(Boolean)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    history_json: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


# Tables the demo generator owns, children before parents (the order to delete in).
OPERATIONAL_TABLES = (
    InfraFibreMonth.__table__,
    InfraSiteUnchecked.__table__,
    InfraSiteStatusChange.__table__,
    InfraSite.__table__,
    FeedbackStatusChange.__table__,
    FeedbackCase.__table__,
    FeedbackUnrouted.__table__,
    TaskExtension.__table__,
    TaskCheckin.__table__,
    TaskAssignment.__table__,
    TaskCoordinator.__table__,
    Task.__table__,
    IndicatorValueRevision.__table__,
    IndicatorValue.__table__,
    ImportBatch.__table__,
)


# --- the Steering Committee's meetings (chế độ cuộc họp) ---------------------------------------


class Meeting(Base):
    """One meeting of the Steering Committee with the units, and the score month it looked at."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    period: Mapped[date] = mapped_column(Date)  # the score month (first day) on the agenda
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(120))


class MeetingItem(Base):
    """One agenda item as it was put on the agenda: its figures are stored (JSON text), so a
    past meeting's agenda reads the same after the data behind it changed."""

    __tablename__ = "meeting_items"
    __table_args__ = (
        CheckConstraint(_in("kind", MEETING_ITEM_KINDS), name="kind"),
        UniqueConstraint("meeting_id", "position", name="meeting_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … in agenda order
    kind: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    # No foreign key: the item records what was discussed, and a data reload may renumber
    # the assignments; the figures keep the task's code and title.
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    figures: Mapped[str] = mapped_column(Text)  # JSON: the figures shown, as they were


class MeetingConclusion(Base):
    """A conclusion (kết luận) recorded on an agenda item, and the task it became."""

    __tablename__ = "meeting_conclusions"
    __table_args__ = (
        Index("ix_meeting_conclusions_item_id", "item_id"),
        Index("ix_meeting_conclusions_task_id", "task_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("meeting_items.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(120))


# Children first. Their conclusions point at tasks, so a demo regeneration (which replaces
# every task) deletes them before the operational tables: they discussed the old data set.
MEETING_TABLES = (
    MeetingConclusion.__table__,
    MeetingItem.__table__,
    Meeting.__table__,
)


# --- score snapshots (written by the metrics layer, one set per period) -----------------------


class ScoreSnapshot(Base):
    """A unit's score for one month, as computed under one catalog version from one data load.

    Stored so history is cheap to read and a past month's published score can be reproduced:
    ``catalog_version`` and ``data_version`` (the import batch the inputs ended with) say exactly
    what produced it.
    """

    __tablename__ = "score_snapshots"
    __table_args__ = (UniqueConstraint("period", "unit_code", name="period_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[date] = mapped_column(Date)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    catalog_version: Mapped[str] = mapped_column(String(20))
    # sha256 of the catalog's content: stored scores are current only under the same content
    catalog_hash: Mapped[str] = mapped_column(String(64), server_default="")
    data_version: Mapped[int] = mapped_column(Integer)
    composite: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float] = mapped_column(Float)
    reported: Mapped[int] = mapped_column(Integer)
    expected: Mapped[int] = mapped_column(Integer)
    last_update: Mapped[datetime | None] = mapped_column(DateTime)
    band: Mapped[str] = mapped_column(String(10))
    rank_level: Mapped[int | None] = mapped_column(Integer)
    rank_peer: Mapped[int | None] = mapped_column(Integer)
    delta: Mapped[float | None] = mapped_column(Float)
    rank_delta: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime)


class ScorePillarSnapshot(Base):
    __tablename__ = "score_pillar_snapshots"
    __table_args__ = (UniqueConstraint("period", "unit_code", "pillar", name="period_unit_pillar"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[date] = mapped_column(Date)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    pillar: Mapped[str] = mapped_column(String(40))
    earned: Mapped[float] = mapped_column(Float)
    available: Mapped[float] = mapped_column(Float)
    score_pct: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))


class ScoreIndicatorSnapshot(Base):
    """The raw value behind each indicator's points: source, evidence and when it was reported."""

    __tablename__ = "score_indicator_snapshots"
    __table_args__ = (
        UniqueConstraint("period", "unit_code", "indicator_key", name="period_unit_indicator"),
        Index("ix_score_indicator_snapshots_unit_code", "unit_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[date] = mapped_column(Date)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    indicator_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[float | None] = mapped_column(Float)
    value_period: Mapped[date | None] = mapped_column(Date)
    source_type: Mapped[str | None] = mapped_column(String(20))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    evidence_ref: Mapped[str | None] = mapped_column(String(300))
    applicable: Mapped[bool] = mapped_column(Boolean)
    # a value that needed an evidence reference and had none: shown, but not scored
    missing_evidence: Mapped[bool] = mapped_column(Boolean, server_default=false())
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)


SNAPSHOT_TABLES = (
    ScoreIndicatorSnapshot.__table__,
    ScorePillarSnapshot.__table__,
    ScoreSnapshot.__table__,
)


# --- published results (frozen by the Steering Committee; never rewritten) --------------------


class Publication(Base):
    """One published month: who froze it, when, and exactly what produced its scores.

    The catalog is kept whole (its YAML text, content hash and version) beside the data version,
    so the month can be re-scored from its frozen inputs long after the catalog file changed.
    """

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("period", name="publication_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[date] = mapped_column(Date)
    catalog_version: Mapped[str] = mapped_column(String(20))
    catalog_hash: Mapped[str] = mapped_column(String(64))
    catalog_text: Mapped[str] = mapped_column(Text)
    data_version: Mapped[int] = mapped_column(Integer)
    snapshot_computed_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by: Mapped[str] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(DateTime)
    input_rows: Mapped[int] = mapped_column(Integer)


class PublishedUnitScore(Base):
    __tablename__ = "published_unit_scores"
    __table_args__ = (UniqueConstraint("publication_id", "unit_code", name="publication_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    peer_group: Mapped[str] = mapped_column(String(20))  # as it stood: peer ranks depend on it
    composite: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float] = mapped_column(Float)
    reported: Mapped[int] = mapped_column(Integer)
    expected: Mapped[int] = mapped_column(Integer)
    last_update: Mapped[datetime | None] = mapped_column(DateTime)
    band: Mapped[str] = mapped_column(String(10))
    rank_level: Mapped[int | None] = mapped_column(Integer)
    rank_peer: Mapped[int | None] = mapped_column(Integer)
    delta: Mapped[float | None] = mapped_column(Float)
    rank_delta: Mapped[int | None] = mapped_column(Integer)


class PublishedPillarScore(Base):
    __tablename__ = "published_pillar_scores"
    __table_args__ = (
        UniqueConstraint("publication_id", "unit_code", "pillar", name="publication_unit_pillar"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    pillar: Mapped[str] = mapped_column(String(40))
    earned: Mapped[float] = mapped_column(Float)
    available: Mapped[float] = mapped_column(Float)
    score_pct: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))


class PublishedIndicatorScore(Base):
    __tablename__ = "published_indicator_scores"
    __table_args__ = (
        UniqueConstraint(
            "publication_id", "unit_code", "indicator_key", name="publication_unit_indicator"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    indicator_key: Mapped[str] = mapped_column(String(60))
    value: Mapped[float | None] = mapped_column(Float)
    value_period: Mapped[date | None] = mapped_column(Date)
    source_type: Mapped[str | None] = mapped_column(String(20))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    evidence_ref: Mapped[str | None] = mapped_column(String(300))
    applicable: Mapped[bool] = mapped_column(Boolean)
    # frozen with the scores, so a published dossier says "thiếu minh chứng" as it did then
    missing_evidence: Mapped[bool] = mapped_column(Boolean, server_default=false())
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)


class PublishedInput(Base):
    """A measures-frame row the published month's scoring read, as it stood when published.

    Columns the scoring layer may add later travel in ``extra`` (JSON), so a re-score gets back
    the very frame that was scored.
    """

    __tablename__ = "published_inputs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(5))
    indicator_key: Mapped[str] = mapped_column(String(60))
    period: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)
    source_type: Mapped[str | None] = mapped_column(String(20))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    evidence_ref: Mapped[str | None] = mapped_column(String(300))
    applicable: Mapped[bool | None] = mapped_column(Boolean)
    extra: Mapped[str | None] = mapped_column(Text)


PUBLICATION_TABLES = (
    PublishedInput.__table__,
    PublishedIndicatorScore.__table__,
    PublishedPillarScore.__table__,
    PublishedUnitScore.__table__,
    Publication.__table__,
)
