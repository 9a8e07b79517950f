"""The metrics layer: the one place where a unit gets its numbers. Imports no Streamlit.

Public interface (what pages call; everything else in the package is how it is done):

Scores (read from the stored monthly snapshots; ``metrics.api``)
- ``available_periods(engine)`` → the months with stored scores, oldest first.
- ``scorecard(engine, period=None)`` → one row per unit: composite (0–100) and ``composite_01``
  (0–1), band (green/yellow/red/grey), coverage ("n of N reported"), last update, level rank,
  rank in peer group, change on the previous month and the improvement (delta) rank, and each
  pillar's score and band (``pillar.<key>``, ``pillar_band.<key>``).
- ``unit_score(engine, unit_code, period=None)`` → :class:`UnitScore`: the unit's row, its
  pillars, every indicator (raw value, points, source type, evidence) and its history.
- ``explain_unit(engine, unit_code, period=None)`` → :class:`UnitExplanation`: what pulls the
  score down most, its strengths, and the smallest improvements to reach the next band.
- ``stability(engine, period=None)`` → each unit's rank range and band changes under
  alternative pillar weightings, with a summary.
- ``unit_revisions(engine, unit_code, period)`` → the corrections of the unit's values for that
  month: old → new, who, when, why and the load (``metrics.api``; written by
  ``data.indicators.record_indicator_values``, the one write path, e.g. through
  ``python -m metrics.indicator_import``).
- ``refresh_snapshots(engine)`` → recompute and store every month's scores when data or the
  catalog changed (the app frame calls it; cheap when nothing changed).

Published results (``metrics.publication``)
- ``publish_period(engine, period, by=…)`` freezes a month; ``verify_period`` re-scores
  it from its frozen inputs; ``published_beside_current`` gives the published figure beside the
  provisional one.

The catalog (``metrics.catalog``)
- ``default_catalog()`` → the validated :class:`Catalog` in force (``catalog.yaml``);
  ``load_catalog(path)`` raises :class:`CatalogError` listing every problem.

Action-Plan tasks (``metrics.task_board``; the one status rule set is ``metrics.tasks``)
- ``task_filter_options(engine)`` → :class:`TaskFilterOptions`: lead departments, pillars with
  tasks, the span of days.
- ``task_board(engine, TaskFilters(as_of, …))`` → :class:`TaskBoard`: the register judged at the
  end of ``as_of``, buckets, the overdue trend and ageing, league tables, accountability,
  escalations and the incomplete records.
- ``task_detail(engine, assignment_id, as_of)`` → :class:`TaskDetail` | None: check-ins,
  extension requests, the indicators it should move and "done but not moving".
- ``unit_task_block(engine, unit_code, as_of)`` → :class:`UnitTaskBlock` (the dossier's block).

Registry counts and search
- ``count_units(units)`` → :class:`UnitCounts` from ``data.queries.read_units``.
- ``search_units(units, query)`` → unit codes matching a code or a name, with or without
  diacritics, best first.
"""

from __future__ import annotations

from metrics.api import (
    Stability,
    UnitExplanation,
    UnitScore,
    UnknownPeriod,
    UnknownUnit,
    available_periods,
    band_counts,
    explain_unit,
    scorecard,
    stability,
    unit_score,
)
from metrics.catalog import Catalog, CatalogError, default_catalog, load_catalog
from metrics.overview import PEER_GROUPS, UnitCounts, count_units, search_units
from metrics.snapshots import refresh_snapshots
from metrics.task_board import (
    AGEING_BUCKETS,
    TaskBoard,
    TaskBucket,
    TaskDetail,
    TaskFilterOptions,
    TaskFilters,
    UnitTaskBlock,
    task_board,
    task_detail,
    task_filter_options,
    unit_task_block,
)

__all__ = [
    "AGEING_BUCKETS",
    "PEER_GROUPS",
    "Catalog",
    "CatalogError",
    "Stability",
    "TaskBoard",
    "TaskBucket",
    "TaskDetail",
    "TaskFilterOptions",
    "TaskFilters",
    "UnitCounts",
    "UnitExplanation",
    "UnitScore",
    "UnitTaskBlock",
    "UnknownPeriod",
    "UnknownUnit",
    "available_periods",
    "band_counts",
    "count_units",
    "default_catalog",
    "explain_unit",
    "load_catalog",
    "refresh_snapshots",
    "scorecard",
    "search_units",
    "stability",
    "task_board",
    "task_detail",
    "task_filter_options",
    "unit_score",
    "unit_task_block",
]
