"""The compact inputs of the operational measures (tasks, feedback, 5G), read in one go.

The metrics layer (``metrics.operational``) calls :func:`load_operational_inputs` and turns the
frames into monthly measures; the feedback frames come from the stored feedback counts, which
the metrics layer computes with its rules (``metrics.feedback_stats``). The queries themselves
live with their subject: ``data.feedback``, ``data.tasks``, ``data.infrastructure``; their
names are importable from here too.

Timestamps are naive local time (Vietnam), as stored. A month is the first day of the month,
as a ``datetime64`` value; "the end of period p" is 00:00 on the first day of the next month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, func, select

from common.periods import FIRST_PERIOD, add_months, month_range
from data.aggregate import month_of
from data.feedback import (
    feedback_as_of_month,
    feedback_overdue_by_month,
    feedback_resolved_by_month,
    feedback_unit_months,
)
from data.infrastructure import five_g_site_history
from data.models import FeedbackCase, IndicatorValue, Unit
from data.tasks import unit_task_assignments, unit_task_extensions

__all__ = [
    "OperationalInputs",
    "feedback_as_of_month",
    "feedback_overdue_by_month",
    "feedback_resolved_by_month",
    "feedback_unit_months",
    "five_g_site_history",
    "last_ended_month",
    "load_operational_inputs",
    "month_of",
    "operational_periods",
    "unit_populations",
    "unit_task_assignments",
    "unit_task_extensions",
]


@dataclass(frozen=True)
class OperationalInputs:
    """What the operational measures are computed from: one compact frame per source.

    * ``populations``: unit_code, population — every unit that gets measures;
    * ``feedback_resolved``: unit_code, month, resolved, on_time, with_evidence, rated,
      satisfied — the resolutions of that month, from the stored feedback counts
      (``data.feedback``);
    * ``feedback_overdue``: unit_code, from_month, until_month, cases — the cases open past
      their deadline at a month's instant (its end, or the data's as-of instant), counted at
      every month end from ``from_month`` up to, not including, ``until_month`` (one month; NaT
      for the month holding the as-of instant: later month ends are judged as known then);
    * ``task_assignments``: assignment_id, unit_code, deadline, original_deadline, completed_at,
      confirmed_at — the communes' parts of Action-Plan tasks (dates; NaT when not yet completed
      or confirmed; ``deadline`` is the current one, ``original_deadline`` the one before any
      approved extension);
    * ``task_extensions``: assignment_id, decided_at, new_deadline — the approved extensions of
      those assignments, in the order decided (the deadline in force at any date follows);
    * ``sites_5g``: site_id, unit_code, serves_centre, population_covered, changed_at,
      to_status — the dated stage changes of the 5G sites (``data.infrastructure``), read by the
      rollout rules (``metrics.site_pipeline``) as the page reads them.
    """

    populations: pd.DataFrame
    feedback_resolved: pd.DataFrame
    feedback_overdue: pd.DataFrame
    task_assignments: pd.DataFrame
    task_extensions: pd.DataFrame
    sites_5g: pd.DataFrame


def unit_populations(engine: Engine) -> pd.DataFrame:
    query = select(Unit.code.label("unit_code"), Unit.population).order_by(Unit.code)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def load_operational_inputs(engine: Engine) -> OperationalInputs:
    """Every input frame. The feedback ones come from the stored feedback counts, which the
    metrics layer keeps current (``metrics.feedback_stats``): one grouped read of them."""
    feedback = feedback_unit_months(engine)
    return OperationalInputs(
        populations=unit_populations(engine),
        feedback_resolved=feedback_resolved_by_month(feedback),
        feedback_overdue=feedback_overdue_by_month(feedback, feedback_as_of_month(engine)),
        task_assignments=unit_task_assignments(engine),
        task_extensions=unit_task_extensions(engine),
        sites_5g=five_g_site_history(engine),
    )


def last_ended_month(newest_case: datetime | None, newest_period: date | None) -> date | None:
    """The newest month known to be over: the month before the newest case's month (that one
    may still be running), or the newest month an indicator value describes (values are reported
    once their month has ended), whichever is later."""
    candidates = []
    if newest_case is not None:
        candidates.append(add_months(newest_case.date(), -1))
    if newest_period is not None:
        candidates.append(add_months(newest_period, 0))
    return max(candidates, default=None)


def operational_periods(engine: Engine) -> list[date]:
    """Months to compute: July 2025 to the last month that ended before the newest data."""
    with engine.connect() as conn:
        newest_case = conn.execute(select(func.max(FeedbackCase.received_at))).scalar_one()
        newest_period = conn.execute(select(func.max(IndicatorValue.period))).scalar_one()
    last = last_ended_month(newest_case, newest_period)
    return [] if last is None else month_range(FIRST_PERIOD, last)
