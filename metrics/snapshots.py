"""Monthly score snapshots: every unit's points, pillar scores, composite, band and ranks.

Scores are computed for every month from July 2025 to the newest month with data and stored
(``score_*`` tables) with the catalog version and the data version they came from. Pages read
the stored rows, so a page view never recomputes history; the snapshots are rebuilt whenever
data is loaded or the catalog changes (``refresh_snapshots``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data.measures import load_operational_inputs
from data.queries import (
    data_version,
    read_indicator_measures,
    read_units,
    snapshot_versions,
    write_snapshots,
)
from metrics.catalog import Catalog, default_catalog
from metrics.operational import operational_measures
from metrics.scoring import GREY, PeriodScores, months_before, score_period

FIRST_PERIOD = date(2025, 7, 1)  # the new province (and its 102 units) began on 1 July 2025


@dataclass(frozen=True)
class RefreshResult:
    rebuilt: bool
    periods: int
    seconds: float


def month_range(first: date, last: date) -> list[date]:
    periods, current = [], first
    while current <= last:
        periods.append(current)
        current = months_before(current, -1)
    return periods


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
    rated = frame["band"] != GREY
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
        was_rated = before["band"] != GREY
        frame["delta"] = frame["composite"].where(rated) - frame["unit_code"].map(
            before["composite"].where(was_rated)
        )
    frame["rank_delta"] = rank_desc(frame["delta"])
    return frame.drop(columns=["peer_group"])


def score_history(
    measures: pd.DataFrame, catalog: Catalog, units: pd.DataFrame, periods: list[date]
) -> dict[date, PeriodScores]:
    """Score every period, with ranks and changes on the previous period."""
    codes = units["code"].tolist()
    peer_groups = units.set_index("code")["peer_group"]
    history: dict[date, PeriodScores] = {}
    previous: pd.DataFrame | None = None
    for period in periods:
        scores = score_period(measures, catalog, codes, period)
        ranked = add_ranks(scores.units, previous, peer_groups)
        history[period] = PeriodScores(scores.indicators, scores.pillars, ranked)
        previous = ranked
    return history


def stack_history(history: dict[date, PeriodScores], part: str) -> pd.DataFrame:
    """One frame of ``part`` ("units", "pillars" or "indicators") across periods."""
    return pd.concat(
        [getattr(scores, part).assign(period=period) for period, scores in history.items()],
        ignore_index=True,
    )


def all_measures(engine: Engine) -> pd.DataFrame:
    """Stored indicator values and the operational measures, in one measures frame."""
    stored = read_indicator_measures(engine).assign(applicable=True)
    operational = operational_measures(
        load_operational_inputs(engine), scoring_periods(stored) or [FIRST_PERIOD]
    )
    return pd.concat([stored, operational], ignore_index=True)


def snapshots_current(engine: Engine, catalog: Catalog) -> bool:
    versions = snapshot_versions(engine)
    return versions == (catalog.version, data_version(engine))


def refresh_snapshots(
    engine: Engine, catalog: Catalog | None = None, *, force: bool = False
) -> RefreshResult:
    """Recompute and store every period's scores when data or catalog changed since last time."""
    catalog = catalog or default_catalog()
    started = datetime.now()
    if not force and snapshots_current(engine, catalog):
        return RefreshResult(False, 0, 0.0)
    version = data_version(engine)
    measures = all_measures(engine)
    history = score_history(measures, catalog, read_units(engine), scoring_periods(measures))
    write_snapshots(
        engine,
        *(stack_history(history, part) for part in ("units", "pillars", "indicators")),
        catalog_version=catalog.version,
        data_version=version,
        computed_at=started,
    )
    return RefreshResult(True, len(history), (datetime.now() - started).total_seconds())
