"""Operational measures per unit and month, from the task, feedback and 5G-site records.

This module puts the subjects together; each subject's rules and measures live in its own
module — ``metrics.tasks``, ``metrics.feedback``, ``metrics.infrastructure`` — on the month-end
grid of ``metrics.monthly``. The result is a *measures* frame (the shape ``metrics.scoring``
consumes) with one row per unit × indicator × period, measured at the end of the period E
(00:00 on the first day of the next month, which is also when the value counts as reported).

:func:`operational_inputs` reads the compact input frames with this layer's rules passed to the
queries (``data`` never imports ``metrics``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pandas as pd
from sqlalchemy import Engine

from common.periods import month_start
from data.feedback import feedback_overdue_spells, feedback_resolved_by_month
from data.infrastructure import on_air_5g_sites
from data.measures import OperationalInputs, load_operational_inputs, unit_populations
from data.tasks import unit_task_assignments, unit_task_extensions
from metrics import feedback
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


def input_queries() -> dict[str, Callable[[Engine], pd.DataFrame]]:
    """Each query the inputs come from, by name, with this layer's rules bound (benchmarks)."""
    return {
        "unit_populations": unit_populations,
        "feedback_resolved_by_month": partial(
            feedback_resolved_by_month, satisfied_from=feedback.SATISFIED_FROM_STARS
        ),
        "feedback_overdue_spells": partial(
            feedback_overdue_spells, not_handled=feedback.NOT_HANDLED
        ),
        "unit_task_assignments": unit_task_assignments,
        "unit_task_extensions": unit_task_extensions,
        "on_air_5g_sites": on_air_5g_sites,
    }


def operational_inputs(engine: Engine) -> OperationalInputs:
    """The input frames, counted by the feedback rules of ``metrics.feedback``."""
    return load_operational_inputs(
        engine,
        satisfied_from=feedback.SATISFIED_FROM_STARS,
        not_handled=feedback.NOT_HANDLED,
    )


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
