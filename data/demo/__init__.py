"""The deterministic demo data set: indicators, tasks, feedback, 5G sites and fibre for the 102
units.

No operational data of the province is public, so the dashboard ships a realistic stand-in,
labelled as demo data in the interface. Everything is drawn from ``numpy`` random streams
derived from the seed (one per subject), the scale and the end date: the same three give the
same rows in every table (only ``import_batches.imported_at`` records the real time).

The end date is exclusive: the data set is a snapshot taken at 00:00 on that day, so nothing in
it happens on or after the end date (deadlines may lie ahead).

* :func:`generate_into` writes one data set inside the caller's transaction (first start);
* :func:`regenerate` replaces the data set all-or-nothing (``python -m data.demo``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, func, insert, literal, select, update

from data.db import exclusive_write
from data.demo import feedback, fibre, indicators, infrastructure, tasks, unrouted
from data.demo.load import BulkWriter, delete_operational_rows
from data.demo.world import LATEST_END_DATE, PLATFORM_LAUNCH, SPAN_START, load_world, vietnam_now
from data.migrate import upgrade_to_head
from data.models import OPERATIONAL_TABLES, ImportBatch
from data.reference_data import sync_reference_data

GENERATOR_VERSION = "2"
SOURCE_NAME = "demo generator"
MAX_SCALE = 100.0

# Written in this order: parents before children.
SUBJECTS = (indicators, tasks, feedback, infrastructure, fibre)


@dataclass(frozen=True)
class DemoSummary:
    """Rows written per table by one run of the generator."""

    batch_id: int
    import_batches: int
    indicator_values: int
    indicator_value_revisions: int  # always 0: the generator writes first values only
    tasks: int
    task_coordinators: int
    task_assignments: int
    task_checkins: int
    task_extensions: int
    feedback_cases: int
    feedback_status_history: int
    feedback_unrouted: int
    infra_sites: int
    infra_site_status_history: int
    infra_sites_unchecked: int
    infra_fibre_monthly: int

    def by_table(self) -> dict[str, int]:
        counts = asdict(self)
        del counts["batch_id"]
        return counts

    @property
    def total(self) -> int:
        return sum(self.by_table().values())


def validate_parameters(*, seed: int, scale: float, end_date: date) -> None:
    """Raise ``ValueError`` naming the parameter that cannot be used."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, got {seed!r}")
    if not (isinstance(scale, int | float) and math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise ValueError(f"scale must be greater than 0 and at most {MAX_SCALE:g}, got {scale!r}")
    if not isinstance(end_date, date) or not SPAN_START < end_date <= LATEST_END_DATE:
        raise ValueError(
            f"end date must be after {SPAN_START.isoformat()} and at most "
            f"{LATEST_END_DATE.isoformat()}, got {end_date!r}"
        )


def _require_empty(conn: Connection) -> None:
    for table in OPERATIONAL_TABLES:
        if table is ImportBatch.__table__:
            continue  # other imports may be recorded; the demo tables must be empty
        if conn.execute(select(literal(1)).select_from(table).limit(1)).first():
            raise ValueError(
                f"table {table.name} already holds rows: use regenerate() to replace the data set"
            )


def _next_batch_id(conn: Connection) -> int:
    return (conn.execute(select(func.max(ImportBatch.id))).scalar_one() or 0) + 1


# (steps done, steps in all): one step per subject and one per half month of feedback cases.
StepProgress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    del done, total


def progress_steps(end_date: date) -> int:
    """How many steps :func:`generate_into` reports for a data set ending on ``end_date``."""
    launch, last_day = PLATFORM_LAUNCH, end_date - timedelta(days=1)
    days = (launch + timedelta(days=n) for n in range(max(0, (last_day - launch).days + 1)))
    halves = {(day.year, day.month, day.day > 15) for day in days}
    return len(SUBJECTS) - 1 + len(halves)


def generate_into(
    conn: Connection,
    *,
    seed: int,
    scale: float,
    end_date: date,
    progress: StepProgress = _no_progress,
) -> DemoSummary:
    """Write one demo data set inside the caller's transaction (the caller holds the write lock).

    The schema must be migrated and the registry loaded; the demo tables must be empty.
    ``progress(done, total)`` is called after each step (for the first start's progress bar).
    """
    batch_id = _next_batch_id(conn)
    return _generate(
        conn, seed=seed, scale=scale, end_date=end_date, batch_id=batch_id, progress=progress
    )


def _generate(
    conn: Connection,
    *,
    seed: int,
    scale: float,
    end_date: date,
    batch_id: int,
    progress: StepProgress = _no_progress,
) -> DemoSummary:
    validate_parameters(seed=seed, scale=scale, end_date=end_date)
    _require_empty(conn)
    world = load_world(conn, seed=seed, scale=scale, end_date=end_date)
    parameters = {
        "seed": seed,
        "scale": scale,
        "end_date": end_date.isoformat(),
        "generator_version": GENERATOR_VERSION,
    }
    conn.execute(
        insert(ImportBatch).values(
            id=batch_id,
            kind="demo",
            source_name=SOURCE_NAME,
            imported_by="system",
            imported_at=vietnam_now(),
            row_count=0,
            parameters=json.dumps(parameters, sort_keys=True),
        )
    )
    writer = BulkWriter(conn)
    steps, done = progress_steps(end_date), 0
    for subject in SUBJECTS:
        for rows in subject.generate(world, batch_id):
            writer.write(rows)
            if rows.table.name == "feedback_cases":  # one per half month: most of the work
                done = min(done + 1, steps)
                progress(done, steps)
        if subject is not feedback:
            done = min(done + 1, steps)
            progress(done, steps)
    # A handful of cases no unit could be given (data.demo.unrouted): too few for a step.
    writer.write_all(unrouted.generate(world, batch_id))
    # Likewise the few imported sites no unit could be given (data.demo.infrastructure).
    writer.write_all(infrastructure.unchecked(world, batch_id))
    writer.finish()
    progress(steps, steps)
    rows = sum(writer.counts.values())
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(row_count=rows))
    counts = {table.name: writer.counts.get(table.name, 0) for table in OPERATIONAL_TABLES}
    counts[ImportBatch.__tablename__] = 1
    return DemoSummary(batch_id=batch_id, **counts)


def regenerate(engine: Engine, *, seed: int, scale: float, end_date: date) -> DemoSummary:
    """Replace every operational row with a new demo data set, all or nothing.

    One ``exclusive_write`` transaction deletes and writes: if anything fails, the previous
    data set stays exactly as it was. Readers keep seeing the old data set until the commit.
    """
    validate_parameters(seed=seed, scale=scale, end_date=end_date)
    upgrade_to_head(engine)
    with exclusive_write(engine) as conn:
        sync_reference_data(conn)
        # The newest batch id is the data version that caches and score snapshots are keyed
        # on: the new data set must get a new one although the old batches are deleted (SQLite
        # would otherwise hand out id 1 again).
        batch_id = _next_batch_id(conn)
        delete_operational_rows(conn)
        summary = _generate(conn, seed=seed, scale=scale, end_date=end_date, batch_id=batch_id)
    return summary


__all__ = [
    "GENERATOR_VERSION",
    "MAX_SCALE",
    "DemoSummary",
    "generate_into",
    "regenerate",
    "validate_parameters",
]
