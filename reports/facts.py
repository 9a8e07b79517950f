"""What a brief shows about one unit, read with the very functions the dossier page calls.

The dossier (``app_pages/dossier.py`` through ``ui.loaders`` and ``ui.dossier``) gets its score
from ``metrics.unit_score`` and ``metrics.explain_unit``, its task block from
``metrics.task_board.unit_task_block`` at :func:`judged_day`, its feedback block from
``metrics.feedback_board.unit_feedback_block`` at :func:`feedback_period` and its
infrastructure block from ``metrics.infra_board.unit_infra_block``: the brief calls the same
functions with the same arguments, so the paper and the screen cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from common.periods import month_end
from metrics import UnitExplanation, UnitScore, explain_unit, unit_score
from metrics.catalog import Catalog, default_catalog
from metrics.feedback_board import (
    FeedbackFilterOptions,
    UnitFeedbackBlock,
    feedback_filter_options,
    unit_feedback_block,
)
from metrics.infra_board import UnitInfraBlock, infra_filter_options, unit_infra_block
from metrics.publication import published_beside_current, published_months
from metrics.task_board import UnitTaskBlock, task_filter_options, unit_task_block


def judged_day(period: date, last_day: date) -> date:
    """The day a month's tasks and sites are judged at: its last day, or the newest day with
    data while the month is not over. The dossier's rule (``ui.tasks.as_of_for_period``; a
    test holds the two together)."""
    end = month_end(date(period.year, period.month, 1))
    return end if end <= last_day else last_day


def feedback_period(period: date, options: FeedbackFilterOptions) -> tuple[bool, date | None]:
    """Whether feedback is counted for ``period`` and the month the dossier's feedback block
    reads for it: the month itself when it is over, None (the newest: now) for the month still
    running (``ui.dossier.feedback_block``'s rule)."""
    if options.as_of is None or not options.periods or period < options.periods[0]:
        return False, None
    return True, period if period in options.periods[:-1] else None


@dataclass(frozen=True)
class UnitFacts:
    """Everything one unit's brief prints, as the metrics layer gives it."""

    code: str
    period: date
    score: UnitScore
    explanation: UnitExplanation
    catalog: Catalog
    tasks_day: date
    tasks: UnitTaskBlock
    feedback: UnitFeedbackBlock | None  # None: no feedback counted for the month
    infra_day: date
    infra: UnitInfraBlock
    published_at: datetime | None  # when the month was published (None: provisional only)

    @property
    def data_as_of(self) -> date:
        """The day the brief's figures stand for: the month's last day, or the newest day the
        data describe while the month runs."""
        newest = max(self.tasks_day, self.infra_day)
        return min(month_end(self.period), newest)


def unit_facts(
    engine: Engine, code: str, period: date | None = None, catalog: Catalog | None = None
) -> UnitFacts:
    """Read one unit's brief (``period`` None: the newest scored month)."""
    catalog = catalog or default_catalog()
    score = unit_score(engine, code, period, catalog)
    period = score.period
    explanation = explain_unit(engine, code, period, catalog)
    tasks_day = judged_day(period, task_filter_options(engine).last_day)
    infra_day = judged_day(period, infra_filter_options(engine).last_day)
    counted, chosen = feedback_period(period, feedback_filter_options(engine))
    feedback = unit_feedback_block(engine, code, chosen) if counted else None
    published = None
    if period in published_months(engine):
        published = published_beside_current(engine, period)
    return UnitFacts(
        code=code,
        period=period,
        score=score,
        explanation=explanation,
        catalog=catalog,
        tasks_day=tasks_day,
        tasks=unit_task_block(engine, code, tasks_day),
        feedback=feedback,
        infra_day=infra_day,
        infra=unit_infra_block(engine, code, infra_day),
        published_at=None if published is None else published.published_at,
    )
