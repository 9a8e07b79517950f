"""Monthly score snapshots: every unit's points, pillar scores, composite, band and ranks.

Scores are computed for every month from July 2025 to the newest month with data and stored
(``score_*`` tables) with the catalog version and the data version they came from. Pages read
the stored rows, so a page view never recomputes history; the snapshots are rebuilt whenever
data is loaded or the catalog changes (``refresh_snapshots``, run by the app's background
worker): one process at a time, each write one transaction, the newest months first when
nothing is stored yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from common.periods import FIRST_PERIOD, month_range
from data.db import score_lock
from data.queries import (
    SnapshotState,
    read_indicator_measures,
    read_units,
    store_versions,
    write_snapshots,
)
from metrics.bands import Band
from metrics.catalog import Catalog, default_catalog
from metrics.feedback_stats import feedback_stats_current, refresh_feedback_stats
from metrics.operational import operational_inputs, operational_measures
from metrics.scoring import PeriodScores, score_period


@dataclass(frozen=True)
class RefreshResult:
    rebuilt: bool
    periods: int
    seconds: float
    busy: bool = False  # another process was computing: nothing done here


# The home page shows the newest month beside the one before it: on a first start these two
# are computed and stored first, so the page can open while the rest of history is computed.
FIRST_PAGE_MONTHS = 2
StepProgress = Callable[[int, int], None]  # (done, total)
ScoreProgress = Callable[[str, int, int], None]  # (stage, done, total): "scores" / "history"


def _no_progress(stage: str, done: int, total: int) -> None:
    del stage, done, total


def scoring_periods(measures: pd.DataFrame) -> list[date]:
    """Every month from July 2025 to the newest month any measure describes."""
    if measures.empty:
        return []
    return month_range(FIRST_PERIOD, max(measures["period"]))


def rank_desc(values: pd.Series) -> pd.Series:
    """1 = highest; ties share the best rank; NaN stays NaN."""
    return values.rank(ascending=False, method="min")


def add_ranks(
    current: pd.DataFrame, previous: pd.DataFrame | None, peer_groups: pd.Series
) -> pd.DataFrame:
    """Level rank, rank within the peer group, change on last period and its (delta) rank.

    Only units with a colour are ranked: a grey unit's composite rests on too little recent data
    to be compared. The change is only computed where both months are not grey.
    """
    frame = current.copy()
    rated = frame["band"] != Band.GREY
    frame["peer_group"] = frame["unit_code"].map(peer_groups)
    frame["rank_level"] = rank_desc(frame["composite"].where(rated))
    frame["rank_peer"] = (
        frame["composite"]
        .where(rated)
        .groupby(frame["peer_group"])
        .rank(ascending=False, method="min")
    )
    if previous is None:
        frame["delta"] = np.nan
    else:
        before = previous.set_index("unit_code")
        was_rated = before["band"] != Band.GREY
        frame["delta"] = frame["composite"].where(rated) - frame["unit_code"].map(
            before["composite"].where(was_rated)
        )
    frame["rank_delta"] = rank_desc(frame["delta"])
    return frame.drop(columns=["peer_group"])


def score_history(
    measures: pd.DataFrame,
    catalog: Catalog,
    units: pd.DataFrame,
    periods: list[date],
    *,
    known: dict[date, PeriodScores] | None = None,
    progress: StepProgress | None = None,
) -> dict[date, PeriodScores]:
    """Score every period, with ranks and changes on the previous period.

    ``known`` holds periods already scored with their previous period before them (reused: a
    month's score depends on its measures and the month before only).
    """
    codes = units["code"].tolist()
    peer_groups = units.set_index("code")["peer_group"]
    history: dict[date, PeriodScores] = {}
    previous: pd.DataFrame | None = None
    for done, period in enumerate(periods, start=1):
        if known and period in known:
            history[period] = known[period]
        else:
            scores = score_period(measures, catalog, codes, period)
            ranked = add_ranks(scores.units, previous, peer_groups)
            history[period] = PeriodScores(scores.indicators, scores.pillars, ranked)
        previous = history[period].units
        if progress is not None:
            progress(done, len(periods))
    return history


def stack_history(history: dict[date, PeriodScores], part: str) -> pd.DataFrame:
    """One frame of ``part`` ("units", "pillars" or "indicators") across periods."""
    return pd.concat(
        [getattr(scores, part).assign(period=period) for period, scores in history.items()],
        ignore_index=True,
    )


def all_measures(engine: Engine) -> pd.DataFrame:
    """Stored indicator values and the operational measures, in one measures frame.

    The feedback measures are read from the stored feedback counts: they are brought up to date
    first (nothing is computed when they already come from this data and these rules)."""
    refresh_feedback_stats(engine)
    stored = read_indicator_measures(engine).assign(applicable=True)
    operational = operational_measures(
        operational_inputs(engine), scoring_periods(stored) or [FIRST_PERIOD]
    )
    return pd.concat([stored, operational], ignore_index=True)


def stored_history_complete(state: SnapshotState) -> bool:
    """Whether the stored scores cover every month from July 2025 to their newest month (not
    only the newest months a first start stores first)."""
    expected = month_range(FIRST_PERIOD, state.last_period)
    return state.first_period == FIRST_PERIOD and state.months == len(expected)


def scores_current(state: SnapshotState | None, version: int, catalog: Catalog) -> bool:
    """Whether stored scores in ``state`` are complete and come from this data and catalog.

    The catalog is matched on its content hash, not its version string: a weight or threshold
    edited without bumping the version still makes the stored scores stale.
    """
    return (
        state is not None
        and (state.catalog_hash, state.data_version) == (catalog.content_hash, version)
        and stored_history_complete(state)
    )


def snapshots_current(engine: Engine, catalog: Catalog) -> bool:
    """Whether the stored scores, and the feedback counts they were computed from, are current
    (a changed deadline table or working calendar makes both stale)."""
    version, state = store_versions(engine)
    return scores_current(state, version, catalog) and feedback_stats_current(engine)


def refresh_snapshots(
    engine: Engine,
    catalog: Catalog | None = None,
    *,
    force: bool = False,
    progress: ScoreProgress | None = None,
) -> RefreshResult:
    """Recompute and store every period's scores when data or catalog changed since last time.

    One process at a time (``score_lock``): another process already computing gives
    ``busy=True`` and changes nothing. Each write replaces every stored score in one
    transaction, so readers see the previous complete set until the new one is committed.
    With no score stored at all, the newest months are written first (``"scores"`` stage), so a
    first page can open while the rest of history is computed (``"history"`` stage).
    """
    catalog = catalog or default_catalog()
    report = progress or _no_progress
    started = time.perf_counter()
    if not force and snapshots_current(engine, catalog):
        return RefreshResult(False, 0, 0.0)
    with score_lock(engine) as held:
        if not held:
            return RefreshResult(False, 0, 0.0, busy=True)
        if force:  # everything again, the stored feedback counts the measures read included
            refresh_feedback_stats(engine, force=True)
        version, state = store_versions(engine)  # another process may have just finished
        if not force and scores_current(state, version, catalog) and feedback_stats_current(engine):
            return RefreshResult(False, 0, 0.0)
        history = _compute_and_store(
            engine, catalog, version, first_start=state is None, report=report
        )
    return RefreshResult(True, len(history), time.perf_counter() - started)


def _compute_and_store(
    engine: Engine, catalog: Catalog, version: int, *, first_start: bool, report: ScoreProgress
) -> dict[date, PeriodScores]:
    lead_months = FIRST_PAGE_MONTHS + 1  # the month before the first shown one, for its change
    report("scores", 0, lead_months + 1)
    measures = all_measures(engine)
    units = read_units(engine)
    periods = scoring_periods(measures)
    known: dict[date, PeriodScores] = {}
    if first_start and len(periods) > lead_months:
        lead = score_history(
            measures,
            catalog,
            units,
            periods[-lead_months:],
            progress=lambda done, total: report("scores", done + 1, total + 1),
        )
        known = {p: lead[p] for p in periods[-FIRST_PAGE_MONTHS:]}  # with correct changes
        _store(engine, known, catalog, version)
    history = score_history(
        measures,
        catalog,
        units,
        periods,
        known=known,
        progress=lambda done, total: report("history", done, total),
    )
    _store(engine, history, catalog, version)
    return history


def _store(
    engine: Engine, history: dict[date, PeriodScores], catalog: Catalog, version: int
) -> None:
    write_snapshots(
        engine,
        *(stack_history(history, part) for part in ("units", "pillars", "indicators")),
        catalog_version=catalog.version,
        catalog_hash=catalog.content_hash,
        data_version=version,
        computed_at=datetime.now(),  # a new identity per write: score caches follow it
    )
