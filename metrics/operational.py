"""Operational measures per unit and month, from the task, feedback and 5G-site records.

This module puts the subjects together; each subject's rules and measures live in its own
module — ``metrics.tasks``, ``metrics.feedback``, ``metrics.infrastructure`` — on the month-end
grid of ``metrics.monthly``. The result is a *measures* frame (the shape ``metrics.scoring``
consumes) with one row per unit × indicator × period, measured at the end of the period E
(00:00 on the first day of the next month, which is also when the value counts as reported).

:func:`operational_inputs` reads the compact input frames; the feedback ones come from the stored
feedback counts (``metrics.feedback_stats``), so the score and the feedback page count alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from common.periods import month_start
from data.feedback import feedback_as_of_month, feedback_unit_months
from data.infrastructure import five_g_site_history
from data.measures import OperationalInputs, load_operational_inputs, unit_populations
from data.tasks import unit_task_assignments, unit_task_extensions
from metrics.feedback import backlog_measure, share_measures
from metrics.infrastructure import infrastructure_measures
from metrics.monthly import (
    MEASURE_COLUMNS,
    MonthGrid,
    measure_rows,
    month_index,
    population_column,
    totals_at_month_ends,
)
from metrics.tasks import task_measures

__all__ = [
    "MEASURE_COLUMNS",
    "MonthGrid",
    "OperationalInputs",
    "input_queries",
    "measure_rows",
    "month_index",
    "operational_inputs",
    "operational_measures",
    "totals_at_month_ends",
]


def input_queries() -> dict[str, Callable[[Engine], object]]:
    """Each query the inputs come from, by name, with this layer's rules bound (benchmarks)."""
    return {
        "unit_populations": unit_populations,
        "feedback_unit_months": feedback_unit_months,
        "feedback_as_of_month": feedback_as_of_month,
        "unit_task_assignments": unit_task_assignments,
        "unit_task_extensions": unit_task_extensions,
        "five_g_site_history": five_g_site_history,
    }


def operational_inputs(engine: Engine) -> OperationalInputs:
    """The input frames. The feedback ones are read from the stored feedback counts as they
    are: whoever needs them current refreshes them first (``metrics.snapshots.all_measures``
    does, through ``metrics.feedback_stats.refresh_feedback_stats``)."""
    return load_operational_inputs(engine)


def operational_measures(inputs: OperationalInputs, periods: list[date]) -> pd.DataFrame:
    """The operational measures of every unit in ``inputs.populations`` for ``periods``."""
    units = inputs.populations["unit_code"].astype(str).tolist()
    if not periods or not units:
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    grid = MonthGrid(units=units, periods=sorted({month_start(p) for p in periods}))
    population = population_column(inputs.populations, grid)
    frames = [
        *task_measures(inputs.task_assignments, inputs.task_extensions, grid),
        *share_measures(inputs.feedback_resolved, grid),
        backlog_measure(inputs.feedback_overdue, population, grid),
        *infrastructure_measures(inputs.sites_5g, population, grid),
    ]
    measures = pd.concat(frames, ignore_index=True)
    return measures.sort_values(["unit_code", "indicator_key", "period"], ignore_index=True)
